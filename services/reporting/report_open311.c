/* report_open311.c — the public Open311 view (see report_open311.h).
 *
 * PostgreSQL chooses the rows (what is published, the filters, the page) and
 * rounds the coordinates; the text is masked here, with common/mask, row by
 * row, and the answer written once, as JSON or XML (common/georeport). */
#include "report_open311.h"

#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "georeport.h"
#include "log.h"
#include "mask.h"
#include "names.h"
#include "text.h"

/* An anonymous request costs the database at most this. */
static const char QUERY_LIMIT_SQL[] = "SET LOCAL statement_timeout = 2000";

/* The statuses published as closed: the work done, or the order handed
 * back to the city hotline (not this district's business) — nothing more
 * will happen to it here. */
#define OPEN311_CLOSED "('resolved', 'closed', 'handed_back')"

/* The columns of one request, over complaints c and its owner's assignment a and unit u. */
#define REQUEST_COLUMNS                                                                             \
    "c.ticket_no, CASE WHEN c.status IN " OPEN311_CLOSED " THEN 'closed' ELSE 'open' END,"            \
    " c.status, coalesce(c.category, c.category_raw),"                                            \
    " coalesce(c.category_raw, (SELECT name FROM categories WHERE code = c.category), c.category),"        \
    " c.content, u.name, to_json(c.called_at) #>> '{}', to_json(c.updated_at) #>> '{}', c.address," \
    " coalesce(cr.name, sr.name), round(c.lat::numeric, 3), round(c.lon::numeric, 3), c.caller_name"
enum { R_TICKET, R_STATUS, R_NOTES, R_CODE, R_NAME, R_CONTENT, R_AGENCY, R_CALLED, R_UPDATED, R_ADDRESS,
       R_PLACE, R_LAT, R_LON, R_CALLER };

#define OWNER_JOIN                                                                        \
    " LEFT JOIN assignments a ON a.complaint_id = c.id AND a.active AND a.role = 'owner'" \
    " LEFT JOIN units u ON u.id = a.unit_id"                                              \
    " LEFT JOIN regions cr ON cr.code = a.community_code"                                 \
    " LEFT JOIN regions sr ON sr.code = a.street_code"

/* What may be published at all: decided by routing, not for discipline
 * inspection, and no letter whose conduct part was split off (link_id): the
 * problem part reads a note where the accusation was, which would still
 * tell the public that a conduct complaint was made. */
#define PUBLISHED                                                \
    " c.status <> 'new' AND NOT complaint_for_discipline(c)"     \
    " AND NOT EXISTS (SELECT 1 FROM complaints j WHERE j.link_id = c.id)"

/* The items of a GeoReport comma-delimited list $n ("a,b, c"), blanks trimmed. */
#define COMMA_LIST(n) "ARRAY(SELECT btrim(x) FROM unnest(string_to_array(" n "::text, ',')) x)"

/* $1 start, $2 end (timestamptz or NULL), $3 'open' / 'closed' / NULL, $4 service codes
 * (comma-delimited) or NULL, $5 limit, $6 offset. */
static const char LIST_SQL[] =
    "SELECT " REQUEST_COLUMNS " FROM complaints c" OWNER_JOIN
    " WHERE" PUBLISHED
    "   AND ($1::timestamptz IS NULL OR c.called_at >= $1::timestamptz)"
    "   AND ($2::timestamptz IS NULL OR c.called_at <= $2::timestamptz)"
    "   AND ($3::text IS NULL OR (c.status IN " OPEN311_CLOSED ") = ($3 = 'closed'))"
    "   AND ($4::text IS NULL OR coalesce(c.category, c.category_raw) = ANY(" COMMA_LIST("$4") "))"
    "   AND $4 IS DISTINCT FROM 'conduct'"
    " ORDER BY c.called_at DESC, c.id DESC LIMIT $5::int OFFSET $6::int";

/* $1 ticket numbers, comma-delimited: GeoReport's service_request_id, which
 * overrides every other argument. */
static const char IDS_SQL[] =
    "SELECT " REQUEST_COLUMNS " FROM complaints c" OWNER_JOIN
    " WHERE c.ticket_no = ANY(" COMMA_LIST("$1") ") AND" PUBLISHED
    " ORDER BY c.called_at DESC, c.id DESC";

/* $1 ticket number. */
static const char ONE_SQL[] =
    "SELECT " REQUEST_COLUMNS " FROM complaints c" OWNER_JOIN " WHERE c.ticket_no = $1 AND" PUBLISHED;

/* The fields copied as they are stored, or named as people read them
 * (status_notes: the order's status as a citizen reads it, never its code
 * nor staff's word: 正在重新安排承办单位, not 已退回). */
static const struct {
    const char *key;
    int         col;
    const char *(*named)(const char *code);     /* NULL: as stored */
} PLAIN[] = {
    {"service_request_id", R_TICKET, NULL},   {"status", R_STATUS, NULL},
    {"status_notes", R_NOTES, names_status_public}, {"service_code", R_CODE, NULL},
    {"service_name", R_NAME, NULL},           {"agency_responsible", R_AGENCY, NULL},
    {"requested_datetime", R_CALLED, NULL},   {"updated_datetime", R_UPDATED, NULL},
};

/* An Open311 error in fmt, description "what：detail", what in Chinese
 * (GeoReport's description is what a platform shows its user). */
static void open311_error(http_response *resp, georeport_format fmt, int code, const char *what,
                          const char *detail)
{
    char msg[512];
    snprintf(msg, sizeof msg, "%s%s%.*s", what, detail ? "：" : "", detail ? (int)strcspn(detail, "\n") : 0,
             detail ? detail : "");
    text_utf8_mend(msg);        /* it quotes the request (PostgreSQL's words on a parameter), maybe cut: the text is UTF-8 */
    georeport_error(resp, fmt, code, msg);
}

static const char *col(const PGresult *res, int row, int c)
{
    return PQgetisnull(res, row, c) ? NULL : PQgetvalue(res, row, c);
}

/* Writes field key: the masked copy of s (fn: mask_public_text or
 * mask_address), the caller's name masked wherever it holds it (never
 * published: 赵*), or fallback when that leaves nothing. Masking never
 * lengthens a text. */
static void masked_field(georeport *w, const char *key, const char *s, int (*fn)(char *, size_t, const char *),
                         const char *caller, const char *fallback)
{
    size_t cap = s ? strlen(s) + 1 : 1;
    char *m = malloc(cap);
    if (m && s) {
        fn(m, cap, s);
        mask_name_in(m, caller);
    }
    georeport_text(w, key, m && s && *m ? m : fallback);
    free(m);
}

/* One request; lat and long are PostgreSQL's rounded numeric text, or null. */
static void write_request(georeport *w, const PGresult *res, int row)
{
    georeport_item(w);
    for (size_t i = 0; i < sizeof PLAIN / sizeof PLAIN[0]; i++) {
        const char *v = col(res, row, PLAIN[i].col);
        georeport_text(w, PLAIN[i].key, v && PLAIN[i].named ? PLAIN[i].named(v) : v);
    }
    const char *caller = col(res, row, R_CALLER);
    masked_field(w, "description", col(res, row, R_CONTENT), mask_public_text, caller, NULL);
    masked_field(w, "address", col(res, row, R_ADDRESS), mask_address, caller, col(res, row, R_PLACE));
    georeport_literal(w, "lat", col(res, row, R_LAT));
    georeport_literal(w, "long", col(res, row, R_LON));
}

/* Answered for a failure of ours: what failed goes to the log, never to the
 * public (PostgreSQL's message names tables, roles and columns). */
#define SERVER_FAILED "数据库出错，请稍后再试"

/* Answers a failed query: a data error in the parameters (a bad date, say)
 * is the caller's, 400, with PostgreSQL's words for it; a query over its
 * time, 503; anything else ours, 500, logged. */
static void query_failed(const PGresult *res, georeport_format fmt, http_response *resp)
{
    if (db_failed_with(res, DB_DATA_EXCEPTION))
        open311_error(resp, fmt, 400, "参数不对（日期写成 ISO 8601，如 2026-11-17T00:00:00+08:00）",
                      PQresultErrorMessage(res));
    else if (db_failed_with(res, DB_QUERY_CANCELED))
        open311_error(resp, fmt, 503, "查询用时太长，请用 start_date、end_date 或 service_code 缩小范围", NULL);
    else {
        log_error("open311 GET: %.*s", (int)strcspn(PQresultErrorMessage(res), "\n"), PQresultErrorMessage(res));
        open311_error(resp, fmt, 500, SERVER_FAILED, NULL);
    }
}

/* Runs sql within the time limit, in a transaction of its own. NULL with
 * err when the transaction could not start. */
static PGresult *run_limited(PGconn *pg, const char *sql, int n, const char *const *params, char *err,
                             size_t errlen)
{
    PGresult *res = NULL;
    if (db_begin(pg, err, errlen) == 0 && db_exec(pg, QUERY_LIMIT_SQL, err, errlen) == 0)
        res = PQexecParams(pg, sql, n, NULL, params, NULL, NULL, 0);
    db_rollback(pg);                    /* it only read */
    return res;
}

/* Runs sql and answers with its rows in fmt, <service_requests> of
 * <request>s in XML. With missing_is_404 no row answers 404, worded alike
 * for a ticket that does not exist and one that is not published. */
static void answer(PGconn *pg, const char *sql, int n, const char *const *params, georeport_format fmt,
                   http_response *resp, int missing_is_404)
{
    char err[512];
    PGresult *res = run_limited(pg, sql, n, params, err, sizeof err);
    if (!res) {
        log_error("open311 GET: %s", err);
        open311_error(resp, fmt, 500, SERVER_FAILED, NULL);
    } else if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        query_failed(res, fmt, resp);
    } else if (PQntuples(res) == 0 && missing_is_404) {
        open311_error(resp, fmt, 404, "没有这件诉求", params[0]);
    } else {
        http_body b;
        georeport w;
        georeport_begin(&w, http_body_open(&b), fmt, "service_requests", "request");
        for (int r = 0; r < PQntuples(res); r++)
            write_request(&w, res, r);
        georeport_end(&w);
        http_body_reply(&b, resp, 200, georeport_content_type(fmt));
    }
    PQclear(res);
}

static const char *param_or_null(const http_request *req, const char *name)
{
    const char *v = http_param(req, name);
    return v && *v ? v : NULL;
}

/* A whole-number parameter in [1, max], or def when absent. 0, or -1 having answered 400. */
static int count_param(const http_request *req, const char *name, long def, long max, long *out,
                       http_response *resp)
{
    const char *v = param_or_null(req, name);
    char *end = NULL, what[128];
    *out = v ? strtol(v, &end, 10) : def;
    if (!v || (!*end && *out >= 1 && *out <= max))
        return 0;
    snprintf(what, sizeof what, "%s 应是 1 到 %ld 之间的整数", name, max);
    open311_error(resp, georeport_format_of(http_path(req)), 400, what, v);
    return -1;
}

/* The status filter of status, a comma-delimited list of open and closed:
 * "open", "closed", or NULL for both or none. 0, or -1 having answered 400. */
static int status_param(const char *status, const char **out, georeport_format fmt, http_response *resp)
{
    int open = 0, closed = 0;
    for (const char *p = status; p && *p;) {
        size_t len = strcspn(p, ","), lead = strspn(p, " ");
        size_t word = len > lead ? len - lead : 0;
        while (word && p[lead + word - 1] == ' ')
            word--;
        if (word == 4 && strncmp(p + lead, "open", 4) == 0)
            open = 1;
        else if (word == 6 && strncmp(p + lead, "closed", 6) == 0)
            closed = 1;
        else {
            open311_error(resp, fmt, 400, "status 只能是 open 或 closed，两者都要就写 open,closed", status);
            return -1;
        }
        p += len + (p[len] == ',');
    }
    *out = open == closed ? NULL : open ? "open" : "closed";
    return 0;
}

/* GET /requests.json?service_request_id=A,B: those requests, whatever the
 * other arguments say (GeoReport v2), at most OPEN311_MAX_LIMIT of them. */
static void answer_ids(PGconn *pg, const char *ids, georeport_format fmt, http_response *resp)
{
    size_t n = 1;
    char what[96];
    for (const char *p = ids; *p; p++)
        n += *p == ',';
    if (n > OPEN311_MAX_LIMIT) {
        snprintf(what, sizeof what, "service_request_id 一次最多列 %d 件", OPEN311_MAX_LIMIT);
        open311_error(resp, fmt, 400, what, NULL);
        return;
    }
    const char *params[1] = {ids};
    answer(pg, IDS_SQL, 1, params, fmt, resp, 0);
}

void report_open311_list(PGconn *pg, const http_request *req, http_response *resp)
{
    char limit_s[16], offset_s[16], what[200];
    long limit, page;
    const char *status, *ids = param_or_null(req, "service_request_id"), *bad = http_text_fault(req);
    georeport_format fmt = georeport_format_of(http_path(req));
    if (bad) {
        open311_error(resp, fmt, 400, "参数不是 UTF-8 文字", bad);
        return;
    }
    if (ids) {
        answer_ids(pg, ids, fmt, resp);
        return;
    }
    if (count_param(req, "limit", OPEN311_DEFAULT_LIMIT, OPEN311_MAX_LIMIT, &limit, resp) < 0 ||
        count_param(req, "page", 1, OPEN311_MAX_DEPTH, &page, resp) < 0)
        return;
    if (page * limit > OPEN311_MAX_DEPTH) {
        snprintf(what, sizeof what, "page × limit 最多 %d；更早的诉求请用 start_date 和 end_date 按日期查询",
                 OPEN311_MAX_DEPTH);
        open311_error(resp, fmt, 400, what, param_or_null(req, "page"));
        return;
    }
    if (status_param(param_or_null(req, "status"), &status, fmt, resp) < 0)
        return;
    snprintf(limit_s, sizeof limit_s, "%ld", limit);
    snprintf(offset_s, sizeof offset_s, "%ld", (page - 1) * limit);
    const char *params[6] = {param_or_null(req, "start_date"), param_or_null(req, "end_date"), status,
                             param_or_null(req, "service_code"), limit_s, offset_s};
    answer(pg, LIST_SQL, 6, params, fmt, resp, 0);
}

void report_open311_one(PGconn *pg, const http_request *req, http_response *resp)
{
    static const char PREFIX[] = "/requests/";
    char id[128];
    georeport_format fmt;
    const char *path = http_path(req);
    size_t len = strlen(path), pre = sizeof PREFIX - 1, suf = georeport_suffix(path, &fmt);
    if (!suf || len <= pre + suf || len - pre - suf >= sizeof id) {
        open311_error(resp, fmt, 404, "地址应是 /requests/{service_request_id}.json 或 .xml", path);
        return;
    }
    snprintf(id, sizeof id, "%.*s", (int)(len - pre - suf), path + pre);
    if (!text_utf8_valid(id, strlen(id), NULL)) {      /* no ticket's: PostgreSQL would refuse it */
        open311_error(resp, fmt, 404, "没有这件诉求（所给的编号不是 UTF-8 文字）", NULL);
        return;
    }
    const char *params[1] = {id};
    answer(pg, ONE_SQL, 1, params, fmt, resp, 1);
}
