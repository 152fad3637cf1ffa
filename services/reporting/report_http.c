/* report_http.c — the dashboard, JSON reports and Open311 over HTTP (see report_http.h). */
#include "report_http.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "http.h"
#include "holidays.h"
#include "log.h"
#include "report_bulletin.h"
#include "report_calendar.h"
#include "report_daily.h"
#include "report_html.h"
#include "report_json.h"
#include "report_open311.h"
#include "report_query.h"
#include "report_streets.h"
#include "report_views.h"
#include "text.h"
#include "web_auth.h"
#include "web_board.h"
#include "web_html.h"
#include "web_policy.h"
#include "web_scope.h"
#include "web_import.h"
#include "web_work.h"

#define HTML "text/html; charset=utf-8"
#define JSON "application/json; charset=utf-8"
#define TREND_WEEKS_MAX 26 /* report.trend_weeks' upper bound in config_keys.c */
#define FORM_BYTES (64 * 1024)      /* a form's fields besides its photos */
#define BOARD_REFRESH_DEFAULT 30    /* seconds between the wall board's reads */
#define BOARD_REFRESH_MIN 2
#define BOARD_REFRESH_MAX 3600

/* A handler that reads PostgreSQL, given a connection of its own for the
 * request and the person asking (NULL on the public routes). */
typedef void (*pg_handler)(report_http *h, PGconn *pg, const web_user *u, const http_request *req,
                           http_response *resp);

typedef struct {
    const char *method;
    const char *path;
    pg_handler  fn;
    int         signed_in;      /* only for someone signed in (or with a bearer token) */
} route_def;

typedef struct {
    report_http     *h;
    const route_def *def;
} pg_route;

#define NPG_ROUTES 22

struct report_http {
    http_server    *server;
    char            conninfo[1024];
    char            districts[256];
    char            tz[64];
    report_settings settings;
    web_auth_opts   auth;
    web_bus         bus;            /* acting for the people signed in */
    report_calendar *calendar;      /* the lists' and the board's working time */
    web_work        work;           /* cal and day_minutes set per request (work_now) */
    web_import      import;         /* the clerk's import page */
    int             trend_weeks;
    int             utc_offset_min; /* of `timezone`: whose year the calendar must cover */
    http_limits     limits;
    pg_route        routes[NPG_ROUTES];
    pthread_mutex_t lock;           /* guards live and idle */
    report_live     live;
    PGconn         *idle[HTTP_MAX_THREADS];     /* connections no handler holds */
    size_t          nidle;
};

/* pg, put in the report time zone: the pages' times (to_char) are the
 * city's local time. pg, or NULL (pg closed) with err. A new or reset
 * connection is in the server's own zone, often UTC, until this is done. */
static PGconn *pg_zoned(const report_http *h, PGconn *pg, char *err, size_t errlen)
{
    char set_tz[128];
    snprintf(set_tz, sizeof set_tz, "SET TIME ZONE '%s'", h->tz);
    if (pg && db_exec(pg, set_tz, err, errlen) < 0) {
        PQfinish(pg);
        pg = NULL;
    }
    return pg;
}

/* A new connection in the report time zone, or NULL with err. */
static PGconn *pg_open(const report_http *h, char *err, size_t errlen)
{
    return pg_zoned(h, db_connect(h->conninfo, 2000, err, errlen), err, errlen);
}

/* A connection for one handler: an idle one (reset when broken, and put in
 * the report time zone again, as a reset connection starts in the server's)
 * or a new one. NULL after answering 503. At most one per handler thread is
 * ever open, as each thread runs one handler at a time. */
static PGconn *pg_take(report_http *h, const http_request *req, http_response *resp)
{
    PGconn *pg = NULL;
    char err[512];
    pthread_mutex_lock(&h->lock);
    if (h->nidle > 0)
        pg = h->idle[--h->nidle];
    pthread_mutex_unlock(&h->lock);
    if (pg && !db_alive(pg)) {
        PQreset(pg);
        if (PQstatus(pg) == CONNECTION_OK)
            pg = pg_zoned(h, pg, err, sizeof err);      /* NULL: a new one is opened below */
    }
    if (pg && PQstatus(pg) != CONNECTION_OK) {
        PQfinish(pg);
        pg = NULL;
    }
    if (!pg && !(pg = pg_open(h, err, sizeof err))) {
        log_error("%s %s: %s", http_method(req), http_path(req), err);
        web_html_fail(req, resp, 503, strncmp(http_path(req), "/requests", 9) == 0
                                          ? "暂时连不上数据库，请稍后再试"
                                          : "暂时连不上数据库，" WEB_READ_LATER);
    }
    return pg;
}

static void pg_give(report_http *h, PGconn *pg)
{
    pthread_mutex_lock(&h->lock);
    if (h->nidle < HTTP_MAX_THREADS)
        h->idle[h->nidle++] = pg;
    else
        PQfinish(pg);
    pthread_mutex_unlock(&h->lock);
}

/* 1 when every parameter is UTF-8 text, given once, else 0 having answered
 * 400 naming the first that is not (PostgreSQL would refuse it, and a page
 * quoting it would not be UTF-8; only a field's first value is read). Pages
 * send each field once, in UTF-8: this is a hand-made request. */
static int texts_ok(const http_request *req, http_response *resp)
{
    char name[64], msg[256];
    const char *bad = http_text_fault(req), *twice = http_repeated_field(req);
    if (!bad && !twice)
        return 1;
    if (bad)
        snprintf(msg, sizeof msg, "参数 %s 不是 UTF-8 文字：请在页面上填写提交；程序请把参数按 UTF-8 编码",
                 text_quote(name, sizeof name, bad));
    else
        snprintf(msg, sizeof msg, "参数 %s 提交了不止一次：请在页面上填写提交；程序请每个参数只给一次",
                 text_quote(name, sizeof name, twice));
    web_html_fail(req, resp, 400, msg);
    return 0;
}

/* The route's handler with a connection taken for the request and given
 * back after it, for the person asking when the route is not public. */
static void with_pg(void *ctx, const http_request *req, http_response *resp)
{
    pg_route *r = ctx;
    web_user u;
    PGconn *pg = pg_take(r->h, req, resp);
    if (!pg)
        return;
    if (!r->def->signed_in)
        r->def->fn(r->h, pg, NULL, req, resp);
    else if (web_auth_user(pg, req, &u, resp) == 0 && texts_ok(req, resp))
        r->def->fn(r->h, pg, &u, req, resp);
    pg_give(r->h, pg);
}

/* 1 when u may read the whole city's figures (the live counters): not a
 * unit's people, whatever their district. */
static int reads_city(const web_user *u)
{
    return !(u->who.role & AUTH_UNIT_ROLES);
}

/* The reports u may read. 0, or -1 after answering 403. */
static int scope_of(const report_http *h, const web_user *u, web_scope *sc, const http_request *req,
                    http_response *resp)
{
    if (web_scope_for(&u->who, h->districts, sc) == 0)
        return 0;
    web_html_fail(req, resp, 403, WEB_SCOPE_NONE);
    return -1;
}

/* The week named by ?week= (last, this, 2026-W47), else this week (back =
 * 0) or last week (back = 1). */
static int week_param(const http_request *req, int back, report_period *p, http_response *resp)
{
    char err[256];
    const char *w = http_param(req, "week");
    if (w && *w) {
        if (report_period_week_asked(p, w, (long long)time(NULL), err, sizeof err) == 0)
            return 0;
        web_html_fail(req, resp, 400, err);
        return -1;
    }
    report_period_current(p, (long long)time(NULL) - back * 7 * 86400LL, 7);
    return 0;
}

/* The bulletin of the week asked for, narrowed to what u may read (its
 * scope into *sc). NULL after answering. */
static report_bulletin *bulletin_for(report_http *h, PGconn *pg, const web_user *u, const http_request *req,
                                     int back, web_scope *sc, http_response *resp)
{
    report_period p;
    report_calendar_hold cal;
    char err[512] = "";
    if (scope_of(h, u, sc, req, resp) < 0 || week_param(req, back, &p, resp) < 0)
        return NULL;
    report_bulletin *b = report_calendar_take(h->calendar, pg, &cal, err, sizeof err) < 0
                             ? NULL
                             : report_bulletin_build(pg, sc->districts, sc->reader_unit, h->tz, &p, &h->settings,
                                                     cal.cal, err, sizeof err);
    report_calendar_give(h->calendar, &cal);
    if (!b)
        web_html_read_failed(req, resp, "周通报的数据", err);
    else
        web_scope_bulletin(sc, b);
    return b;
}

/* Runs write(f, b) into the response as type. */
static void respond_with(http_response *resp, const char *type, void (*write)(FILE *, const report_bulletin *),
                         const report_bulletin *b)
{
    http_body m;
    if (http_body_open(&m))
        write(m.f, b);
    http_body_reply(&m, resp, 200, type);
}

static void on_bulletin_json(report_http *h, PGconn *pg, const web_user *u, const http_request *req,
                             http_response *resp)
{
    web_scope sc;
    report_bulletin *b = bulletin_for(h, pg, u, req, 1, &sc, resp);
    if (b)
        respond_with(resp, JSON, report_json_bulletin, b);
    report_bulletin_free(&b);
}

/* The composite of the trend_weeks weeks up to b's, oldest first, in sc:
 * b's own two weeks as the bulletin counted them, the others counted here
 * into owned (to be freed; NULL entries on failure). */
static size_t trend(report_http *h, PGconn *pg, const web_scope *sc, const report_bulletin *b,
                    const report_table **weeks, report_table **owned)
{
    char err[512];
    report_period p = b->cur->period;
    size_t n = (size_t)h->trend_weeks;
    for (size_t i = n; i-- > 0;) {
        size_t back = n - 1 - i;
        if (back < 2) {
            weeks[i] = back == 0 ? b->cur : b->prev;
        } else {
            weeks[i] = owned[i] = report_metrics_run(pg, sc->districts, h->tz, &p, &h->settings, err, sizeof err);
            if (!owned[i])
                log_warn("dashboard trend: %s", err);
            web_scope_table(sc, owned[i]);
        }
        report_period prev;
        report_period_previous(&prev, &p);
        p = prev;
    }
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
        if (weeks[i])
            weeks[kept++] = weeks[i];
    return kept;
}

/* What fill(f, ctx) writes, as a malloc'd string, or NULL. */
static char *html_string(void (*fill)(FILE *, const void *), const void *ctx)
{
    http_body m;
    FILE *f = http_body_open(&m);
    if (!f)
        return NULL;
    fill(f, ctx);
    if (fclose(f) != 0) {
        free(m.buf);
        return NULL;
    }
    return m.buf;
}

typedef struct {
    PGconn          *pg;
    const web_user  *u;
    const web_scope *sc;
    int              refresh;       /* the board's, in seconds */
} dashboard_ctx;

/* The bar of the people's pages (u: a web_user): the way to the others,
 * who is signed in. */
static void person_bar(FILE *f, const void *u)
{
    web_html_bar_css(f);
    web_html_bar(f, u);
}

/* The bulletin's page: the printable bulletin, the person's bar above it
 * (the way back to the workbench and the dashboard; not printed). */
static void on_bulletin_html(report_http *h, PGconn *pg, const web_user *u, const http_request *req,
                             http_response *resp)
{
    web_scope sc;
    report_bulletin *b = bulletin_for(h, pg, u, req, 1, &sc, resp);
    if (!b)
        return;
    char *bar = html_string(person_bar, u);
    http_body m;
    if (http_body_open(&m))
        report_html_bulletin(m.f, b, bar);
    http_body_reply(&m, resp, 200, HTML);
    free(bar);
    report_bulletin_free(&b);
}

/* The bar of the dashboard: who is signed in, and for discipline
 * inspection the conduct complaints its unit holds. */
static void dashboard_bar(FILE *f, const void *ctx)
{
    const dashboard_ctx *d = ctx;
    long total, open;
    char err[512];
    person_bar(f, d->u);
    int got = d->sc->unit_id ? web_scope_conduct(d->pg, d->sc, &total, &open, err, sizeof err) : -2;
    if (got == 0)
        fprintf(f, "<p class=\"conduct\">本单位受理的干部作风投诉：共 <b>%ld</b> 件，未办结 <b>%ld</b> 件"
                   "（仅纪委监委可见）</p>\n", total, open);
    else if (got == -1)
        log_warn("dashboard: the conduct complaints left out: %s", err);
}

static void dashboard_board(FILE *f, const void *ctx)
{
    const dashboard_ctx *c = ctx;
    if (c->u->who.role & REPORT_ORDER_READERS)
        web_board_section(f, c->refresh);
    else
        web_board_unread(f, c->u);
}

/* ?refresh= (seconds between the board's reads): BOARD_REFRESH_MIN.. BOARD_REFRESH_MAX, else the default. */
static int board_refresh(const http_request *req)
{
    const char *v = http_param(req, "refresh");
    long n = v ? strtol(v, NULL, 10) : 0;
    return n >= BOARD_REFRESH_MIN && n <= BOARD_REFRESH_MAX ? (int)n : BOARD_REFRESH_DEFAULT;
}

static void on_dashboard(report_http *h, PGconn *pg, const web_user *u, const http_request *req,
                         http_response *resp)
{
    const report_table *weeks[TREND_WEEKS_MAX] = {0};
    report_table *owned[TREND_WEEKS_MAX] = {0};
    web_scope sc;
    char err[512];
    int began = report_snapshot_begin(pg, err, sizeof err);     /* the bulletin and its trend: one snapshot */
    report_bulletin *b = began < 0 ? NULL : bulletin_for(h, pg, u, req, 0, &sc, resp);
    if (began < 0)
        web_html_read_failed(req, resp, "看板的数据", err);
    size_t n = b ? trend(h, pg, &sc, b, weeks, owned) : 0;
    report_snapshot_end(pg, began);
    if (!b)
        return;
    dashboard_ctx ctx = {pg, u, &sc, board_refresh(req)};
    char *bar = html_string(dashboard_bar, &ctx), *board = html_string(dashboard_board, &ctx);
    holidays_gap gap;
    int warn = holidays_gap_check(pg, (int64_t)time(NULL), h->utc_offset_min, &gap, err, sizeof err);
    if (warn < 0)
        log_warn("dashboard: %s", err);
    http_body m;
    if (http_body_open(&m))
        report_html_dashboard(m.f, b, weeks, n, warn > 0 ? &gap : NULL, bar, board, reads_city(u));
    http_body_reply(&m, resp, 200, HTML);
    free(bar);
    free(board);
    for (size_t i = 0; i < TREND_WEEKS_MAX; i++)
        report_table_free(&owned[i]);
    report_bulletin_free(&b);
}

/* The workbench's settings with the working calendar as table holidays
 * stands now, held in *hold until report_calendar_give(). 0, or -1 after
 * answering 503. */
static int work_now(report_http *h, PGconn *pg, web_work *w, report_calendar_hold *hold, const http_request *req,
                    http_response *resp)
{
    char err[512];
    if (report_calendar_take(h->calendar, pg, hold, err, sizeof err) < 0) {
        web_html_read_failed(req, resp, "节假日安排，工作时间无法计算", err);
        return -1;
    }
    *w = h->work;
    w->cal = hold->cal;
    w->day_minutes = hold->day_minutes;
    return 0;
}

/* The wall board, as of now, of what u may see. */
static void on_board(report_http *h, PGconn *pg, const web_user *u, const http_request *req, http_response *resp)
{
    web_scope sc;
    web_work w;
    report_calendar_hold hold;
    if (scope_of(h, u, &sc, req, resp) == 0 && work_now(h, pg, &w, &hold, req, resp) == 0) {
        web_board_json(&w, pg, u, &sc, resp);
        report_calendar_give(h->calendar, &hold);
    }
}

static void on_daily(report_http *h, PGconn *pg, const web_user *u, const http_request *req, http_response *resp)
{
    report_period p;
    web_scope sc;
    char err[512] = "";
    if (scope_of(h, u, &sc, req, resp) < 0)
        return;
    if (report_daily_day(&p, http_param(req, "date"), (long long)time(NULL), err, sizeof err) < 0) {
        web_html_fail(req, resp, 400, err);
        return;
    }
    report_daily *d = report_daily_run(pg, sc.districts, h->tz, &p, err, sizeof err);
    if (!d) {
        web_html_read_failed(req, resp, "日报的数据", err);
        return;
    }
    web_scope_daily(&sc, d);
    http_body m;
    if (http_body_open(&m))
        report_json_daily(m.f, d);
    http_body_reply(&m, resp, 200, JSON);
    report_daily_free(&d);
}

static void on_streets(report_http *h, PGconn *pg, const web_user *u, const http_request *req,
                       http_response *resp)
{
    char err[512] = "";
    web_scope sc;
    if (scope_of(h, u, &sc, req, resp) < 0)
        return;
    report_scope scope = {sc.districts, http_param(req, "from"), http_param(req, "to"), h->tz, NULL};
    report_calendar_hold cal = {0};
    if (report_scope_check(&scope, err, sizeof err) < 0) {
        web_html_fail(req, resp, 400, err);
        return;
    }
    scope.cal = report_calendar_take(h->calendar, pg, &cal, err, sizeof err) < 0 ? NULL : cal.cal;
    Jiesu__ReportReply *r = scope.cal ? report_streets(pg, &scope, err, sizeof err) : NULL;
    report_calendar_give(h->calendar, &cal);
    if (!r) {
        web_html_read_failed(req, resp, "各街道的数据", err);
        return;
    }
    web_scope_streets(&sc, r);
    http_body m;
    if (http_body_open(&m))
        report_json_streets(m.f, r, scope.from_date, scope.to_date);
    http_body_reply(&m, resp, 200, JSON);
    report_reply_free(&r);
}

/* Today's live counters: the whole city's, conduct complaints and the
 * alerts about them counted in, so for the roles that read every district
 * (reads_city) and never a unit's people — a campaign office or discipline
 * inspection whose district is the only one configured included. */
static void on_live(report_http *h, PGconn *pg, const web_user *u, const http_request *req, http_response *resp)
{
    report_live copy;
    web_scope sc;
    (void)pg;
    if (scope_of(h, u, &sc, req, resp) < 0)
        return;
    if (!reads_city(u)) {
        web_html_fail(req, resp, 403, "实时计数是全市的，只给派单员、回访员、话务员和系统管理员看；"
                                         "本单位可看的数字在看板和工作台上");
        return;
    }
    pthread_mutex_lock(&h->lock);
    copy = h->live;
    pthread_mutex_unlock(&h->lock);
    http_body m;
    if (http_body_open(&m))
        report_json_live(m.f, &copy);
    http_body_reply(&m, resp, 200, JSON);
}

static void on_open311_list(report_http *h, PGconn *pg, const web_user *u, const http_request *req,
                            http_response *resp)
{
    (void)h;
    (void)u;
    report_open311_list(pg, req, resp);
}

static void on_open311_one(report_http *h, PGconn *pg, const web_user *u, const http_request *req,
                           http_response *resp)
{
    (void)h;
    (void)u;
    report_open311_one(pg, req, resp);
}

static void on_signin_page(report_http *h, PGconn *pg, const web_user *u, const http_request *req,
                           http_response *resp)
{
    (void)pg;
    (void)u;
    web_auth_signin_page(&h->auth, req, resp);
}

static void on_signin(report_http *h, PGconn *pg, const web_user *u, const http_request *req,
                      http_response *resp)
{
    (void)u;
    web_auth_signin(&h->auth, pg, req, resp);
}

static void on_signout(report_http *h, PGconn *pg, const web_user *u, const http_request *req,
                       http_response *resp)
{
    web_auth_signout(&h->auth, pg, u, req, resp);
}

static void on_work(report_http *h, PGconn *pg, const web_user *u, const http_request *req, http_response *resp)
{
    web_work w;
    report_calendar_hold hold;
    if (work_now(h, pg, &w, &hold, req, resp) == 0) {
        web_work_list(&w, pg, u, req, resp);
        report_calendar_give(h->calendar, &hold);
    }
}

static void on_work_order(report_http *h, PGconn *pg, const web_user *u, const http_request *req,
                          http_response *resp)
{
    web_work_order(&h->work, pg, u, req, resp);
}

static void on_work_photo(report_http *h, PGconn *pg, const web_user *u, const http_request *req,
                          http_response *resp)
{
    (void)h;
    web_work_photo(pg, u, req, resp);
}

static void on_work_act(report_http *h, PGconn *pg, const web_user *u, const http_request *req, http_response *resp)
{
    web_work_act(&h->work, pg, u, req, resp);
}

static void on_work_phone(report_http *h, PGconn *pg, const web_user *u, const http_request *req,
                          http_response *resp)
{
    web_work_phone(&h->work, pg, u, req, resp);
}

static void on_work_ack(report_http *h, PGconn *pg, const web_user *u, const http_request *req, http_response *resp)
{
    web_work w;
    report_calendar_hold hold;
    if (work_now(h, pg, &w, &hold, req, resp) == 0) {     /* a refusal shows the list again */
        web_work_ack(&w, pg, u, req, resp);
        report_calendar_give(h->calendar, &hold);
    }
}

static void on_work_import(report_http *h, PGconn *pg, const web_user *u, const http_request *req,
                           http_response *resp)
{
    web_import_page(&h->import, pg, u, req, resp);
}

static void on_work_import_post(report_http *h, PGconn *pg, const web_user *u, const http_request *req,
                                http_response *resp)
{
    web_import_post(&h->import, pg, u, req, resp);
}

static void on_work_import_rejects(report_http *h, PGconn *pg, const web_user *u, const http_request *req,
                                   http_response *resp)
{
    (void)pg;
    web_import_rejects(&h->import, u, req, resp);
}

/* The import page's file as it arrives (web_import_piece), with a
 * connection to check its sender at the first piece. */
static int on_import_piece(void *ctx, http_request *req, const char *field, const char *filename, const char *data,
                           size_t len, uint64_t off)
{
    pg_route *r = ctx;
    PGconn *pg = NULL;
    http_response unused = {0};
    if (!web_import_started(req))
        pg = pg_take(r->h, req, &unused);   /* NULL: the sink says the sender could not be checked */
    free(unused.body);
    int rc = web_import_piece(&r->h->import, pg, req, field, filename, data, len, off);
    if (pg)
        pg_give(r->h, pg);
    return rc;
}

/* Every route; the public ones: Open311 (the public view) and signing in. */
static const route_def ROUTE_DEFS[NPG_ROUTES] = {
    {"GET", "/api/bulletin", on_bulletin_json, 1},   {"GET", "/bulletin.html", on_bulletin_html, 1},
    {"GET", "/api/daily", on_daily, 1},              {"GET", "/api/streets", on_streets, 1},
    {"GET", "/api/live", on_live, 1},                {"GET", "/requests.json", on_open311_list, 0},
    {"GET", "/requests.xml", on_open311_list, 0},    {"GET", "/requests/*", on_open311_one, 0},
    {"GET", "/signin", on_signin_page, 0},           {"POST", "/signin", on_signin, 0},
    {"POST", "/signout", on_signout, 1},             {"GET", "/work", on_work, 1},
    {"GET", "/work/order", on_work_order, 1},        {"GET", "/work/photo", on_work_photo, 1},
    {"POST", "/work/act", on_work_act, 1},           {"POST", "/work/ack", on_work_ack, 1},
    {"GET", "/api/board", on_board, 1},              {"POST", "/work/phone", on_work_phone, 1},
    {"GET", "/", on_dashboard, 1},                   {"GET", "/work/import", on_work_import, 1},
    {"POST", "/work/import", on_work_import_post, 1},
    {"GET", "/work/import/rejects", on_work_import_rejects, 1},
};

/* Every route; only the workbench's actions take a large body (photos),
 * and the import page a file, which it takes as it arrives. */
static int add_routes(report_http *h)
{
    for (size_t i = 0; i < NPG_ROUTES; i++) {
        const route_def *d = &ROUTE_DEFS[i];
        int import = d->fn == on_work_import_post;
        size_t max = d->fn == on_work_act ? 2 * h->work.photo_max + FORM_BYTES
                   : import           ? (size_t)h->import.max_bytes + WEB_IMPORT_FORM_BYTES : 0;
        h->routes[i] = (pg_route){h, d};
        if (http_route_stream(h->server, d->method, d->path, with_pg, import ? on_import_piece : NULL,
                              &h->routes[i], max) < 0)
            return -1;
    }
    return 0;
}

static int load(report_http *h, const config *cfg, char *err, size_t errlen)
{
    snprintf(h->conninfo, sizeof h->conninfo, "%s", config_str(cfg, "pg.conninfo"));
    snprintf(h->districts, sizeof h->districts, "%s", config_str(cfg, "regions.districts"));
    snprintf(h->tz, sizeof h->tz, "%s", config_str(cfg, "timezone"));
    h->trend_weeks = (int)config_long(cfg, "report.trend_weeks");
    h->utc_offset_min = config_utc_offset_min(cfg);
    http_limits_load(&h->limits, cfg);
    web_auth_opts_load(&h->auth, cfg);
    if (!(h->calendar = report_calendar_new(cfg, err, errlen)))
        return -1;
    h->work.photo_max = (size_t)config_long(cfg, "web.photo_max_bytes");
    h->work.cfg = cfg;
    h->work.bus = &h->bus;
    h->import.bus = &h->bus;
    h->import.max_bytes = (int64_t)config_long(cfg, "web.import_max_bytes");
    report_settings_load(&h->settings, cfg);
    return 0;
}

report_http *report_http_start(const config *cfg, const web_bus *bus, char *err, size_t errlen)
{
    char policy[HTTP_POLICY_MAX];
    report_http *h = calloc(1, sizeof *h);
    if (!h) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&h->lock, NULL);
    h->bus = *bus;
    if (load(h, cfg, err, errlen) < 0 ||
        !(h->server = http_server_new(config_str(cfg, "report.http_addr"), FORM_BYTES, err,
                                      errlen)))
        goto failed;
    http_server_limits(h->server, &h->limits);
    http_server_refusals(h->server, web_html_refuse);
    web_policy(policy, sizeof policy);
    http_server_policy(h->server, policy);
    if (add_routes(h) < 0) {
        snprintf(err, errlen, "too many HTTP routes");
        goto failed;
    }
    if (http_server_start(h->server, err, errlen) < 0)
        goto failed;
    return h;
failed:
    report_http_stop(&h);
    return NULL;
}

int report_http_port(const report_http *self)
{
    return self ? http_server_port(self->server) : -1;
}

void report_http_set_live(report_http *self, const report_live *live)
{
    if (!self)
        return;
    pthread_mutex_lock(&self->lock);
    self->live = *live;
    pthread_mutex_unlock(&self->lock);
}

void report_http_stop(report_http **self)
{
    if (!self || !*self)
        return;
    http_server_destroy(&(*self)->server);      /* waits for running handlers: every connection is idle */
    for (size_t i = 0; i < (*self)->nidle; i++)
        PQfinish((*self)->idle[i]);
    report_calendar_destroy(&(*self)->calendar);
    pthread_mutex_destroy(&(*self)->lock);
    free(*self);
    *self = NULL;
}
