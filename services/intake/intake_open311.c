/* intake_open311.c — Open311 GeoReport v2 over common/http (see intake_open311.h). */
#include "intake_open311.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "clock.h"
#include "db.h"
#include "georeport.h"
#include "http.h"
#include "intake_json.h"
#include "intake_services.h"
#include "log.h"
#include "queue.h"
#include "ratelimit.h"
#include "rconn.h"
#include "text.h"

#define MAX_BODY          (256 * 1024)
#define DESCRIPTION_CHARS 4000     /* Open311's limit on description */
#define SHORT_CHARS       200      /* names, address, email ... */
#define KEY_CHARS         200      /* Idempotency-Key */
#define PHONE_CHARS       32
#define REDIS_TIMEOUT_MS  2000
#define PG_CONNECT_MS     2000     /* a handler's new connection */
#define PG_START_MS       30000    /* the first, at start */
/* A failure of ours: the log says why, the client only that it failed (what
 * PostgreSQL says names tables, columns and roles). */
#define SERVICES_FAILED   "暂时读不出服务列表，请稍后再试"
#define DB_AWAY           "数据库暂时连不上，请过几秒钟再发送一次"
#define NO_MEMORY         "服务器内存不足，请稍后再发送"
/* What a client whose text is in GBK (or another encoding) does about it. */
#define SEND_UTF8         "GBK 等编码的文字请先转成 UTF-8 再发送"
#define DB_AWAY_RETRY_S   "5"       /* Retry-After of a 503 while PostgreSQL is out of reach */

/* A complaint's Idempotency-Key is its client's: stored after the name of
 * the clerk whose api_key sent it ($clerk || ' ' || $key: a key has no
 * space), so two gateways whose keys happen to be the same file each their
 * own complaint, and one never hears of the other's ticket. */
#define REQUEST_KEY(clerk, key) " (" clerk " || ' ' || " key ")"

/* One statement: the complaint, its ticket number and its 'imported' event
 * naming the clerk who filed it ($11); nothing when the clerk's
 * Idempotency-Key ($10) is already stored. */
static const char SQL_INSERT[] =
    "WITH c AS ("
    "  INSERT INTO complaints (ticket_no, called_at, caller_name, caller_phone, address, content,"
    "                          category_raw, lon, lat, extra, request_key)"
    "  VALUES ('W' || to_char(now() AT TIME ZONE 'UTC' + make_interval(mins => $9::int), 'YYYYMMDD')"
    "              || lpad(nextval('intake_web_ticket_seq')::text, 7, '0'),"
    "          now(), $1, $2, $3, $4, $5, $6::float8, $7::float8, $8::jsonb," REQUEST_KEY("$11", "$10") ")"
    "  ON CONFLICT (request_key) WHERE request_key IS NOT NULL DO NOTHING"
    "  RETURNING id, ticket_no"
    "), e AS ("
    "  INSERT INTO complaint_events (complaint_id, actor, event, detail)"
    "  SELECT id, $11, 'imported', '{\"source\": \"open311\"}' FROM c"
    ") SELECT id, ticket_no FROM c";

/* The complaint clerk $5 stored under Idempotency-Key $1, and whether it is
 * the same request: its description is the letter as sent, which routing
 * keeps whole in the conduct part (link_id) of a letter it split, the
 * letter's own text then without the accusing sentences. */
static const char SQL_BY_KEY[] =
    "SELECT ticket_no, address IS NOT DISTINCT FROM $2"
    "       AND coalesce((SELECT j.content FROM complaints j WHERE j.link_id = c.id), c.content)"
    "           IS NOT DISTINCT FROM $3"
    "       AND category_raw IS NOT DISTINCT FROM $4"
    " FROM complaints c WHERE request_key =" REQUEST_KEY("$5", "$1");

/* Optional fields kept in extra, as they came. */
static const char *const EXTRA_FIELDS[] = {"email", "device_id", "account_id", "media_url", NULL};

/* One handler's connections: PostgreSQL, and Redis with the routing stream
 * on it (opened when first needed). Taken for one request and given back. */
typedef struct {
    PGconn       *pg;
    redisContext *redis;
    queue        *route;
} open311_link;

struct intake_open311 {
    intake_open311_opts opt;
    http_server        *http;
    pthread_mutex_t     lock;           /* guards rate and idle: handlers run on several threads */
    ratelimit          *rate;           /* POSTs per API token */
    open311_link       *idle[HTTP_MAX_THREADS];     /* links no handler holds */
    size_t              nidle;
};

/* A validated request, strings normalised into buf. */
typedef struct {
    char        category[256];  /* the hotline category of its service_code */
    char        name[2 * SHORT_CHARS * 4 + 1];
    char        phone[PHONE_CHARS * 4 + 1];
    char        address[SHORT_CHARS * 4 + 1];
    char        content[DESCRIPTION_CHARS * 4 + 1];
    char        lon[32], lat[32];
    char        extra[4096];
    char        key[KEY_CHARS + 1];   /* Idempotency-Key header, "" when none */
} web_complaint;

/* How storing a complaint went. */
typedef enum { STORE_FAILED = -1, STORE_NEW, STORE_REPEATED, STORE_KEY_REUSED } store_end;

/* Checks an optional text field; copies it normalised into dst. 0 or -1 with why. */
static int take_text(const http_request *req, const char *field, size_t max_chars, int required,
                     char *dst, size_t cap, char *why, size_t whylen)
{
    const char *v = http_param(req, field);
    size_t len = v ? strlen(v) : 0;
    dst[0] = '\0';
    if (len && !text_utf8_valid(v, len, NULL)) {
        snprintf(why, whylen, "%s：不是 UTF-8 文字（" SEND_UTF8 "）", field);
        return -1;
    }
    if (len && text_utf8_chars(v, len) > max_chars) {
        snprintf(why, whylen, "%s：超过 %zu 个字符，请删短后再发送", field, max_chars);
        return -1;
    }
    if (len)
        text_normalize(dst, cap, v, len);
    if (required && !dst[0]) {
        snprintf(why, whylen, "%s：必填，不能为空", field);
        return -1;
    }
    return 0;
}

/* lat and long: both or neither, numbers in range. 0 or -1 with why. */
static int take_point(const http_request *req, web_complaint *c, char *why, size_t whylen)
{
    static const char *const name[2] = {"lat", "long"};
    static const double limit[2] = {90, 180};
    char *out[2] = {c->lat, c->lon}, shown[41];
    int given = 0;
    for (int i = 0; i < 2; i++) {
        const char *v = http_param(req, name[i]);
        out[i][0] = '\0';
        if (!v || !*v)
            continue;
        char *end;
        errno = 0;
        double d = strtod(v, &end);
        if (errno || *end || !isfinite(d) || fabs(d) > limit[i]) {
            snprintf(why, whylen, "%s：“%s”不是 -%g 到 %g 之间的数（WGS84 经纬度，十进制度数）", name[i],
                     text_quote(shown, sizeof shown, v), limit[i], limit[i]);
            return -1;
        }
        snprintf(out[i], sizeof c->lat, "%.7f", d);
        given++;
    }
    if (given == 1) {
        snprintf(why, whylen, "lat、long：两个要么都填，要么都不填");
        return -1;
    }
    return 0;
}

/* The caller's phone, normalised as the other fields are (full-width
 * digits, as a Chinese input method types them, half-width; blanks around it
 * trimmed), then digits, spaces and + - ( ) alone. 0 or -1 with why. */
static int take_phone(const http_request *req, web_complaint *c, char *why, size_t whylen)
{
    if (take_text(req, "phone", PHONE_CHARS, 0, c->phone, sizeof c->phone, why, whylen) < 0 ||
        strspn(c->phone, "0123456789+-() ") != strlen(c->phone)) {
        snprintf(why, whylen, "phone：只能有数字、空格和 + - ( )，最多 %d 个字符", PHONE_CHARS);
        return -1;
    }
    return 0;
}

/* The caller's name, 姓 + 名. 0 or -1 with why. */
static int take_name(const http_request *req, web_complaint *c, char *why, size_t whylen)
{
    char first[SHORT_CHARS * 4 + 1], last[SHORT_CHARS * 4 + 1];
    if (take_text(req, "first_name", SHORT_CHARS, 0, first, sizeof first, why, whylen) < 0 ||
        take_text(req, "last_name", SHORT_CHARS, 0, last, sizeof last, why, whylen) < 0)
        return -1;
    snprintf(c->name, sizeof c->name, "%s%s", last, first);
    return 0;
}

/* extra: {"source":"open311","service_code":...,<EXTRA_FIELDS given>}. 0 or -1 with why. */
static int take_extra(const http_request *req, const char *code, web_complaint *c, char *why, size_t whylen)
{
    size_t n = 0, cap = sizeof c->extra;
    intake_json_raw(c->extra, cap, &n, "{\"source\":\"open311\",\"service_code\":");
    intake_json_string(c->extra, cap, &n, code, strlen(code));
    for (const char *const *f = EXTRA_FIELDS; *f; f++) {
        char v[SHORT_CHARS * 4 + 1];
        if (take_text(req, *f, SHORT_CHARS, 0, v, sizeof v, why, whylen) < 0)
            return -1;
        if (!v[0])
            continue;
        intake_json_char(c->extra, cap, &n, ',');
        intake_json_string(c->extra, cap, &n, *f, strlen(*f));
        intake_json_char(c->extra, cap, &n, ':');
        intake_json_string(c->extra, cap, &n, v, strlen(v));
    }
    intake_json_char(c->extra, cap, &n, '}');
    intake_json_end(c->extra, cap, n);
    return 0;
}

/* The optional Idempotency-Key header: 1 to KEY_CHARS visible ASCII characters. 0 or -1 with why. */
static int take_key(const http_request *req, web_complaint *c, char *why, size_t whylen)
{
    const char *v = http_header(req, "Idempotency-Key");
    size_t len = v ? strlen(v) : 0;
    for (size_t i = 0; i < len; i++)
        if (v[i] < '!' || v[i] > '~')
            len = KEY_CHARS + 1;
    if (v && (len == 0 || len > KEY_CHARS)) {
        snprintf(why, whylen, "Idempotency-Key：应是 1 到 %d 个可见 ASCII 字符（比如一个 UUID）", KEY_CHARS);
        return -1;
    }
    snprintf(c->key, sizeof c->key, "%s", v ? v : "");
    return 0;
}

/* The service_code and its hotline category, read afresh (categories change
 * with `jiesu migrate`). 0, -1 with why, VALIDATE_NO_SERVICE with why (a code
 * no service has: GeoReport v2 answers it 404), or VALIDATE_DB_FAILED
 * (PostgreSQL's reason in why). */
#define VALIDATE_DB_FAILED (-2)
#define VALIDATE_NO_SERVICE (-3)
static int take_service(PGconn *pg, const http_request *req, web_complaint *c, char *why, size_t whylen)
{
    const char *code = http_param(req, "service_code");
    char shown[65];
    if (code && !text_utf8_valid(code, strlen(code), NULL)) {     /* no service's: PostgreSQL would refuse it */
        snprintf(why, whylen, "service_code：不是 UTF-8 文字（可用的代码见 GET /services.json）");
        return -1;
    }
    int found = code && *code ? intake_services_category(pg, code, c->category, sizeof c->category, why, whylen) : 0;
    if (found < 0)
        return VALIDATE_DB_FAILED;
    if (!code || !*code) {
        snprintf(why, whylen, "service_code：必填（可用的代码见 GET /services.json）");
        return -1;
    }
    if (!found)
        snprintf(why, whylen, "service_code：“%s”不是本系统的服务代码（可用的代码见 GET /services.json）",
                 text_quote(shown, sizeof shown, code));
    return found ? 0 : VALIDATE_NO_SERVICE;
}

/* Every field text, each given once: a NUL byte (%00) would cut a value
 * short and a second value would be lost, silently. 0 or -1 with why. */
static int take_fields_whole(const http_request *req, char *why, size_t whylen)
{
    const char *bad = http_text_fault(req), *twice = http_repeated_field(req);
    char name[64];
    if (bad)
        snprintf(why, whylen, "%s：不是 UTF-8 文字，或含有 NUL 字节（%%00）（" SEND_UTF8 "）",
                 text_quote(name, sizeof name, bad));
    else if (twice)
        snprintf(why, whylen, "%s：出现了不止一次，每个字段只能发送一次", text_quote(name, sizeof name, twice));
    return bad || twice ? -1 : 0;
}

/* Validates the form into *c. 0, -1 with "field: why", VALIDATE_NO_SERVICE,
 * or VALIDATE_DB_FAILED (with PostgreSQL's reason). */
static int validate(const intake_open311 *self, PGconn *pg, const http_request *req, web_complaint *c,
                    char *why, size_t whylen)
{
    const char *code = http_param(req, "service_code");
    size_t max_desc = self->opt.max_field < DESCRIPTION_CHARS ? self->opt.max_field : DESCRIPTION_CHARS;
    int rc = take_service(pg, req, c, why, whylen);
    if (rc < 0)
        return rc;
    if (take_fields_whole(req, why, whylen) < 0)
        return -1;
    if (take_text(req, "description", max_desc, 1, c->content, sizeof c->content, why, whylen) < 0 ||
        take_text(req, "address_string", SHORT_CHARS, 0, c->address, sizeof c->address, why, whylen) < 0 ||
        take_point(req, c, why, whylen) < 0 || take_name(req, c, why, whylen) < 0 ||
        take_phone(req, c, why, whylen) < 0 || take_extra(req, code, c, why, whylen) < 0 ||
        take_key(req, c, why, whylen) < 0)
        return -1;
    if (!c->address[0] && !c->lat[0]) {
        snprintf(why, whylen, "address_string 或 lat + long：必须给出地点（地址文字，或经纬度）");
        return -1;
    }
    return 0;
}

static void link_close(open311_link *l)
{
    queue_destroy(&l->route);
    if (l->redis)
        redisFree(l->redis);
    if (l->pg)
        PQfinish(l->pg);
    free(l);
}

/* A new link, connected to PostgreSQL; NULL with the reason in err. */
static open311_link *link_open(const intake_open311 *self, int connect_ms, char *err, size_t errlen)
{
    open311_link *l = calloc(1, sizeof *l);
    if (!l) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (!(l->pg = db_connect(self->opt.pg_conninfo, connect_ms, err, errlen))) {
        link_close(l);
        return NULL;
    }
    return l;
}

/* A link for one handler: an idle one (its PostgreSQL connection reset when
 * broken) or a new one; NULL (logged) when PostgreSQL cannot be reached. At
 * most one per handler thread is ever open: each runs one handler at a time. */
static open311_link *link_take(intake_open311 *self)
{
    char err[600] = "PostgreSQL unavailable";
    open311_link *l = NULL;
    pthread_mutex_lock(&self->lock);
    if (self->nidle > 0)
        l = self->idle[--self->nidle];
    pthread_mutex_unlock(&self->lock);
    if (l && !db_alive(l->pg)) {
        log_warn("open311: PostgreSQL connection lost; reconnecting");
        PQreset(l->pg);
    }
    if (!l)
        l = link_open(self, PG_CONNECT_MS, err, sizeof err);
    if (l && PQstatus(l->pg) == CONNECTION_OK)
        return l;
    log_error("open311: %s", err);
    if (l)
        link_close(l);
    return NULL;
}

/* Opens a link for each handler thread before the first request (the first
 * must open): a handler finding none idle connects inside its request (~6 ms:
 * SCRAM and a new backend), and that happens when requests pile up. One that
 * cannot be opened now is opened when first needed (link_take). 0 or -1 with why. */
static int links_open(intake_open311 *self, unsigned threads, char *why, size_t whylen)
{
    if (!(self->idle[0] = link_open(self, PG_START_MS, why, whylen)))
        return -1;
    for (self->nidle = 1; self->nidle < threads && self->nidle < HTTP_MAX_THREADS; self->nidle++)
        if (!(self->idle[self->nidle] = link_open(self, PG_CONNECT_MS, why, whylen))) {
            log_warn("open311: %zu of %u handler connections opened (%s); the rest when first needed", self->nidle,
                     threads, why);
            break;
        }
    return 0;
}

static void link_give(intake_open311 *self, open311_link *l)
{
    pthread_mutex_lock(&self->lock);
    if (self->nidle < HTTP_MAX_THREADS) {
        self->idle[self->nidle++] = l;
        l = NULL;
    }
    pthread_mutex_unlock(&self->lock);
    if (l)
        link_close(l);
}

/* Puts id on the routing stream; on failure the reconciler will. */
static void enqueue(const intake_open311 *self, open311_link *l, int64_t id)
{
    char err[300] = "";
    if (l->redis && l->redis->err) {
        queue_destroy(&l->route);
        redisFree(l->redis);
        l->redis = NULL;
    }
    if (!l->redis && (l->redis = rconn_open(self->opt.redis_addr, self->opt.redis_password_file,
                                            REDIS_TIMEOUT_MS, 0, err, sizeof err)))
        l->route = queue_new(l->redis, self->opt.route_stream, self->opt.route_group, "intake-open311");
    if (!l->route || queue_add(l->route, &id, 1) < 0)
        log_warn("open311: complaint %lld not on the routing stream (%s); the assignment reconciler will enqueue it",
                 (long long)id, l->route ? queue_errstr(l->route) : err);
}

/* The complaint clerk stored earlier under c's key: its ticket, and whether
 * c is the same request; STORE_FAILED with err. */
static store_end stored_before(PGconn *pg, const web_complaint *c, const char *clerk, char *ticket, size_t cap,
                               char *err, size_t errlen)
{
    const char *params[] = {c->key, c->address, c->content, c->category, clerk};
    PGresult *res = db_query_prepared(pg, "open311_by_key", SQL_BY_KEY, 5, params, err, errlen);
    store_end end = STORE_FAILED;
    if (res && PQntuples(res) == 1) {
        snprintf(ticket, cap, "%s", PQgetvalue(res, 0, 0));
        end = strcmp(PQgetvalue(res, 0, 1), "t") == 0 ? STORE_REPEATED : STORE_KEY_REUSED;
    } else if (res) {
        snprintf(err, errlen, "no complaint under Idempotency-Key %s, yet it was refused as taken", c->key);
    }
    PQclear(res);
    return end;
}

/* Stores c, filed by clerk, or finds it stored under its key; ticket is set
 * unless STORE_FAILED (the reason in err). */
static store_end store(const intake_open311 *self, open311_link *l, const web_complaint *c, const char *clerk,
                       char *ticket, size_t cap, char *err, size_t errlen)
{
    char offset[16];
    snprintf(offset, sizeof offset, "%d", self->opt.utc_offset_min);
    const char *params[] = {c->name[0] ? c->name : NULL, c->phone[0] ? c->phone : NULL, c->address,
                            c->content, c->category, c->lon[0] ? c->lon : NULL, c->lat[0] ? c->lat : NULL,
                            c->extra, offset, c->key[0] ? c->key : NULL, clerk};
    PGresult *res = db_query_prepared(l->pg, "open311_insert", SQL_INSERT, 11, params, err, errlen);
    if (res && (PQntuples(res) > 1 || (PQntuples(res) == 0 && !c->key[0])))
        snprintf(err, errlen, "open311 insert complaint: %d rows returned", PQntuples(res));
    if (!res || PQntuples(res) > 1 || (PQntuples(res) == 0 && !c->key[0])) {
        PQclear(res);
        return STORE_FAILED;
    }
    if (PQntuples(res) == 0) {
        PQclear(res);
        return stored_before(l->pg, c, clerk, ticket, cap, err, errlen);
    }
    int64_t id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    snprintf(ticket, cap, "%s", PQgetvalue(res, 0, 1));
    PQclear(res);
    enqueue(self, l, id);
    return STORE_NEW;
}

/* Answers status with why, in the format req's path asks for; why may
 * quote what the client sent (a header of any bytes, say): the text is UTF-8. */
static void reply_error(const http_request *req, http_response *resp, int status, const char *why)
{
    char shown[512];
    georeport_error(resp, georeport_format_of(http_path(req)), status, text_quote(shown, sizeof shown, why));
}

/* Answers a request PostgreSQL failed: 503 with Retry-After when the
 * connection is gone (the server stopped or restarted: the client sends it
 * again shortly), else 500 with what. */
static void reply_db_failed(const http_request *req, http_response *resp, PGconn *pg, const char *what)
{
    if (pg && PQstatus(pg) == CONNECTION_OK) {
        reply_error(req, resp, 500, what);
        return;
    }
    http_add_header(resp, "Retry-After", DB_AWAY_RETRY_S);
    reply_error(req, resp, 503, DB_AWAY);
}

/* The current services (categories change with `jiesu migrate`), or NULL
 * after answering 500 or 503. */
static intake_services *services_now(PGconn *pg, const http_request *req, http_response *resp)
{
    char why[512];
    intake_services *services = intake_services_load(pg, why, sizeof why);
    if (!services) {
        log_error("open311: %s", why);
        reply_db_failed(req, resp, pg, SERVICES_FAILED);
    }
    return services;
}

/* Answers a POST by how storing it went on pg (err: why it failed, logged
 * here; the client hears only that it failed). */
static void answer_stored(const http_request *req, http_response *resp, PGconn *pg, const web_complaint *c,
                          const char *clerk, store_end end, const char *ticket, const char *err)
{
    char why[KEY_CHARS + 240];
    http_body b;
    georeport w;
    if (end == STORE_FAILED) {
        log_error("open311: a complaint of %s not stored: %s", clerk, err);
        reply_db_failed(req, resp, pg, "诉求没能保存，请再发送一次（带上同一个 Idempotency-Key 就不会重复立案）");
        return;
    }
    if (end == STORE_KEY_REUSED) {
        log_info("open311: Idempotency-Key %s reused for another complaint; refused", c->key);
        snprintf(why, sizeof why, "Idempotency-Key：“%s”已用于工单 %s，那件诉求的内容与这次不同；"
                 "另一件诉求请换一个新的 Idempotency-Key", c->key, ticket);
        reply_error(req, resp, 409, why);
        return;
    }
    if (end == STORE_NEW)
        log_info("open311: complaint %s filed by %s (%s)", ticket, clerk, c->category);
    else
        log_info("open311: complaint %s sent again (Idempotency-Key %s): not filed twice", ticket, c->key);
    georeport_begin(&w, http_body_open(&b), georeport_format_of(http_path(req)), "service_requests", "request");
    georeport_item(&w);
    georeport_text(&w, "service_request_id", ticket);
    georeport_text(&w, "service_notice", "");
    georeport_literal(&w, "account_id", NULL);
    georeport_end(&w);
    http_body_reply(&b, resp, 200, georeport_content_type(w.fmt));
}

/* Validates, stores and answers one POST /requests.json filed by clerk. */
static void file_complaint(const intake_open311 *self, open311_link *l, const http_request *req,
                           const char *clerk, http_response *resp)
{
    web_complaint *c = calloc(1, sizeof *c);
    char why[512], ticket[64];
    int rc = c ? validate(self, l->pg, req, c, why, sizeof why) : 0;
    if (!c) {
        reply_error(req, resp, 500, NO_MEMORY);
    } else if (rc == VALIDATE_DB_FAILED) {
        log_error("open311: %s", why);
        reply_db_failed(req, resp, l->pg, SERVICES_FAILED);
    } else if (rc < 0) {
        log_info("open311: request of %s refused: %s", clerk, why);
        reply_error(req, resp, rc == VALIDATE_NO_SERVICE ? 404 : 400, why);
    } else {
        store_end end = store(self, l, c, clerk, ticket, sizeof ticket, why, sizeof why);
        answer_stored(req, resp, l->pg, c, clerk, end, ticket, why);
    }
    free(c);
}

/* 0 when who may send one more request now, else -1 after answering 429. */
static int within_rate(intake_open311 *self, const http_request *req, const auth_principal *who,
                       http_response *resp)
{
    char why[300], after[16];
    int per_minute = who->rate_per_minute > 0 ? who->rate_per_minute : self->opt.rate_per_minute, wait_s = 0;
    pthread_mutex_lock(&self->lock);
    int rc = ratelimit_take(self->rate, who->id, per_minute, clock_mono_ms(), &wait_s);
    pthread_mutex_unlock(&self->lock);
    if (rc == 1)
        return 0;
    if (rc < 0) {
        reply_error(req, resp, 500, NO_MEMORY);
        return -1;
    }
    snprintf(after, sizeof after, "%d", wait_s);
    snprintf(why, sizeof why, "api_key：%s 每分钟可提交 %d 件，额度已用完，请 %d 秒后再发送这一件",
             who->name, per_minute, wait_s);
    http_add_header(resp, "Retry-After", after);
    reply_error(req, resp, 429, why);
    return -1;
}

/* Why a presented key may not file complaints, into why; 0 when it may. */
static int key_refusal(auth_token_state st, const auth_principal *who, char *why, size_t whylen)
{
    if (st == AUTH_TOKEN_UNKNOWN)
        snprintf(why, whylen, "api_key：不是登记过的令牌（请管理员为话务员生成一个："
                              "jiesu user add 用户名 --role clerk --display 名称 --token）");
    else if (st == AUTH_TOKEN_DISABLED)
        snprintf(why, whylen, "api_key：是 %s 的令牌，这个用户已停用；请找管理员", who->name);
    else if (who->role != AUTH_CLERK)
        snprintf(why, whylen, "api_key：是 %s（%s）的令牌；只有%s的令牌可以提交诉求", who->name,
                 auth_role_title(who->role), auth_role_title(AUTH_CLERK));
    else
        return 0;
    return -1;
}

/* The clerk behind the request's api_key (the GeoReport v2 form field, or
 * an "Authorization: Bearer" header), within its rate. 0 with *who, or -1
 * after answering 403 (no key, as GeoReport v2 answers a missing or
 * invalid one, with WWW-Authenticate saying the header's form; a key
 * unknown, disabled, not a clerk's), 429 (over its rate), 500 or 503. */
static int admit_clerk(intake_open311 *self, PGconn *pg, const http_request *req, auth_principal *who,
                       http_response *resp)
{
    char err[300], why[300], addr[64];
    const char *key = http_param(req, "api_key");
    if (!key || !*key)
        key = http_bearer(req);
    if (!key) {
        http_add_header(resp, "WWW-Authenticate", "Bearer realm=\"jiesu Open311\"");
        reply_error(req, resp, 403, "api_key：必填（话务员的 API 令牌，作为表单字段 api_key 发送，"
                               "或放在请求头 Authorization: Bearer 里）");
        return -1;
    }
    auth_token_state st = auth_token_load(pg, key, who, err, sizeof err);
    if (st == AUTH_TOKEN_ERROR) {
        log_error("open311: %s", err);
        reply_db_failed(req, resp, pg, "暂时无法核对 api_key，请再试一次");
        return -1;
    }
    if (key_refusal(st, who, why, sizeof why) < 0) {
        http_client_address(req, addr, sizeof addr);
        log_warn("open311: refused a POST from %s: %s", *addr ? addr : "?", why);
        reply_error(req, resp, 403, why);
        return -1;
    }
    return within_rate(self, req, who, resp);
}

/* The charset a Content-Type names (charset=gbk, charset="GBK"), into
 * name; "" when it names none. */
static void type_charset(const char *type, char *name, size_t cap)
{
    const char *p = strcasestr(type, "charset=");
    size_t len = 0;
    name[0] = '\0';
    if (!p)
        return;
    p += 8;
    p += *p == '"';
    while (p[len] && p[len] != '"' && p[len] != ';' && p[len] != ' ' && len + 1 < cap)
        len++;
    snprintf(name, cap, "%.*s", (int)len, p);
}

/* 0 when the body is a form in UTF-8 (or there is none), else -1 after
 * answering 415: GeoReport v2 takes its fields as a form, not as JSON, and
 * its text in UTF-8 — a form declared in GBK is refused as such, never read
 * as UTF-8 (whose bytes GBK text may happen to be). */
static int check_form(const http_request *req, http_response *resp)
{
    char why[480], charset[32];
    const char *type = http_header(req, "Content-Type");
    if (type && strncasecmp(type, "application/x-www-form-urlencoded", 33) != 0 &&
        strncasecmp(type, "multipart/form-data", 19) != 0) {
        snprintf(why, sizeof why, "请求体是 %.80s：Open311（GeoReport v2）的字段要以表单发送"
                 "（Content-Type: application/x-www-form-urlencoded; charset=utf-8，或 multipart/form-data），"
                 "如 curl --data-urlencode service_code=… 所发", type);
        reply_error(req, resp, 415, why);
        return -1;
    }
    type_charset(type ? type : "", charset, sizeof charset);
    if (!charset[0] || strcasecmp(charset, "utf-8") == 0 || strcasecmp(charset, "utf8") == 0)
        return 0;
    snprintf(why, sizeof why, "表单声明的字符集是 %s：Open311（GeoReport v2）只收 UTF-8，" SEND_UTF8
             "（Content-Type: application/x-www-form-urlencoded; charset=utf-8）", charset);
    reply_error(req, resp, 415, why);
    return -1;
}

/* A link for the request, or NULL after answering 503. */
static open311_link *link_for(intake_open311 *self, const http_request *req, http_response *resp)
{
    open311_link *l = link_take(self);
    if (!l)
        reply_db_failed(req, resp, NULL, NULL);
    return l;
}

static void on_post_request(void *ctx, const http_request *req, http_response *resp)
{
    auth_principal clerk;
    open311_link *l;
    if (check_form(req, resp) < 0 || !(l = link_for(ctx, req, resp)))
        return;
    if (admit_clerk(ctx, l->pg, req, &clerk, resp) == 0)
        file_complaint(ctx, l, req, clerk.name, resp);
    link_give(ctx, l);
}

static void on_get_services(void *ctx, const http_request *req, http_response *resp)
{
    open311_link *l = link_for(ctx, req, resp);
    intake_services *services = l ? services_now(l->pg, req, resp) : NULL;
    http_body b;
    georeport w;
    if (services) {
        georeport_begin(&w, http_body_open(&b), georeport_format_of(http_path(req)), "services", "service");
        intake_services_write(services, &w);
        georeport_end(&w);
        http_body_reply(&b, resp, 200, georeport_content_type(w.fmt));
    }
    intake_services_destroy(&services);
    if (l)
        link_give(ctx, l);
}

intake_open311 *intake_open311_start(const intake_open311_opts *opt, char *err, size_t errlen)
{
    char why[600] = "out of memory";
    intake_open311 *self = calloc(1, sizeof *self);
    if (!self)
        goto fail;
    pthread_mutex_init(&self->lock, NULL);
    self->opt = *opt;
    if (opt->rate_per_minute < 1) {
        snprintf(why, sizeof why, "intake.open311_rate_per_minute = %d: want 1 or more", opt->rate_per_minute);
        goto fail;
    }
    if (!(self->rate = ratelimit_new()))
        goto fail;
    if (links_open(self, opt->limits->threads, why, sizeof why) != 0)
        goto fail;
    if (!(self->http = http_server_new(opt->http_addr, MAX_BODY, why, sizeof why)))
        goto fail;
    http_server_limits(self->http, opt->limits);
    http_server_refusals(self->http, georeport_refuse);
    if (http_route(self->http, "GET", "/services.json", on_get_services, self) < 0 ||
        http_route(self->http, "GET", "/services.xml", on_get_services, self) < 0 ||
        http_route(self->http, "POST", "/requests.json", on_post_request, self) < 0 ||
        http_route(self->http, "POST", "/requests.xml", on_post_request, self) < 0 ||
        http_server_start(self->http, why, sizeof why) < 0)
        goto fail;
    log_info("open311: listening on %s", opt->http_addr);
    return self;
fail:
    snprintf(err, errlen, "Open311 server: %s", why);
    intake_open311_stop(&self);
    return NULL;
}

int intake_open311_port(const intake_open311 *self)
{
    return self ? http_server_port(self->http) : -1;
}

void intake_open311_stop(intake_open311 **pself)
{
    if (!pself || !*pself)
        return;
    intake_open311 *self = *pself;
    http_server_destroy(&self->http);     /* first: no handler runs after this */
    while (self->nidle > 0)
        link_close(self->idle[--self->nidle]);
    ratelimit_destroy(&self->rate);
    pthread_mutex_destroy(&self->lock);
    free(self);
    *pself = NULL;
}
