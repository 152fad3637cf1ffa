/* report_open311.c — Open311 GeoReport v2 reads (see report_open311.h).
 * The JSON is built by PostgreSQL (json_agg), so every value is escaped there. */
#include "report_open311.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_LIMIT 50
#define MAX_LIMIT 1000
#define JSON "application/json; charset=utf-8"

/* The select list of one request, over complaints c and the owner unit u. */
#define REQUEST_JSON                                                                                   \
    "json_build_object('service_request_id', c.ticket_no,"                                             \
    " 'status', CASE WHEN c.status IN ('resolved', 'closed') THEN 'closed' ELSE 'open' END,"           \
    " 'status_notes', c.status, 'service_code', coalesce(c.category, c.category_raw),"                 \
    " 'service_name', coalesce(c.category_raw, (SELECT name FROM categories WHERE code = c.category),"  \
    "                          c.category),"                                                           \
    " 'description', regexp_replace(c.content, '([0-9]{3})[0-9]{1,8}([0-9]{4})', '\\1****\\2', 'g')," \
    " 'agency_responsible', u.name, 'requested_datetime', c.called_at,"                                \
    " 'updated_datetime', c.updated_at, 'address', c.address, 'lat', c.lat, 'long', c.lon)"

#define OWNER_JOIN                                                                                     \
    " LEFT JOIN assignments a ON a.complaint_id = c.id AND a.active AND a.role = 'owner'"              \
    " LEFT JOIN units u ON u.id = a.unit_id"

/* $1 start, $2 end (timestamptz or NULL), $3 'open' / 'closed' / NULL, $4 service code or NULL, $5 limit. */
static const char LIST_SQL[] =
    "SELECT coalesce(json_agg(r.j ORDER BY r.called_at DESC, r.id DESC), '[]') FROM ("
    "  SELECT c.id, c.called_at, " REQUEST_JSON " AS j FROM complaints c" OWNER_JOIN
    "  WHERE ($1::timestamptz IS NULL OR c.called_at >= $1::timestamptz)"
    "    AND ($2::timestamptz IS NULL OR c.called_at <= $2::timestamptz)"
    "    AND ($3::text IS NULL OR (c.status IN ('resolved', 'closed')) = ($3 = 'closed'))"
    "    AND ($4::text IS NULL OR coalesce(c.category, c.category_raw) = $4)"
    "  ORDER BY c.called_at DESC, c.id DESC LIMIT $5::int"
    ") r";

static const char ONE_SQL[] =
    "SELECT json_build_array(" REQUEST_JSON ") FROM complaints c" OWNER_JOIN " WHERE c.ticket_no = $1";

/* An Open311 error body: [{"code": N, "description": "..."}]. */
static void open311_error(http_response *resp, int code, const char *what, const char *detail)
{
    char msg[512];
    snprintf(msg, sizeof msg, "%s%s%.*s", what, detail ? ": " : "", detail ? (int)strcspn(detail, "\n") : 0,
             detail ? detail : "");
    for (char *p = msg; *p; p++)
        if (*p == '"' || *p == '\\')
            *p = '\'';
    http_reply(resp, code, JSON, "[{\"code\": %d, \"description\": \"%s\"}]\n", code, msg);
}

/* Runs sql and answers with its single JSON value. A data error in the
 * parameters (a bad date, say) is the caller's: 400. */
static void answer_json(PGconn *pg, const char *sql, int n, const char *const *params, http_response *resp,
                        int missing_is_404)
{
    PGresult *res = PQexecParams(pg, sql, n, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        int bad_input = state && strncmp(state, "22", 2) == 0;
        open311_error(resp, bad_input ? 400 : 500, bad_input ? "bad parameter" : "database error",
                      PQresultErrorMessage(res));
    } else if (PQntuples(res) == 0 && missing_is_404) {
        open311_error(resp, 404, "no such service request", params[0]);
    } else {
        http_reply(resp, 200, JSON, "%s\n", PQgetvalue(res, 0, 0));
    }
    PQclear(res);
}

static const char *param_or_null(const http_request *req, const char *name)
{
    const char *v = http_param(req, name);
    return v && *v ? v : NULL;
}

void report_open311_list(PGconn *pg, const http_request *req, http_response *resp)
{
    char limit[16];
    const char *status = param_or_null(req, "status");
    const char *lim = param_or_null(req, "limit");
    char *end = NULL;
    long n = lim ? strtol(lim, &end, 10) : DEFAULT_LIMIT;
    if (lim && (*end || n < 1 || n > MAX_LIMIT)) {
        open311_error(resp, 400, "limit must be a whole number from 1 to 1000", lim);
        return;
    }
    if (status && strcmp(status, "open") != 0 && strcmp(status, "closed") != 0) {
        open311_error(resp, 400, "status must be open or closed", status);
        return;
    }
    snprintf(limit, sizeof limit, "%ld", n);
    const char *params[5] = {param_or_null(req, "start_date"), param_or_null(req, "end_date"), status,
                             param_or_null(req, "service_code"), limit};
    answer_json(pg, LIST_SQL, 5, params, resp, 0);
}

void report_open311_one(PGconn *pg, const http_request *req, http_response *resp)
{
    static const char PREFIX[] = "/requests/", SUFFIX[] = ".json";
    char id[128];
    const char *path = http_path(req);
    size_t len = strlen(path), pre = sizeof PREFIX - 1, suf = sizeof SUFFIX - 1;
    if (len <= pre + suf || strcmp(path + len - suf, SUFFIX) != 0 || len - pre - suf >= sizeof id) {
        open311_error(resp, 404, "want /requests/{service_request_id}.json", path);
        return;
    }
    snprintf(id, sizeof id, "%.*s", (int)(len - pre - suf), path + pre);
    const char *params[1] = {id};
    answer_json(pg, ONE_SQL, 1, params, resp, 1);
}
