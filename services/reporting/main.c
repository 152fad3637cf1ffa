/* main.c — jiesu-reporting: answers report requests from PostgreSQL and
 * follows the other services' events.
 *
 *   jiesu-reporting [-c FILE]        (else the file named by $JIESU_CONFIG)
 *
 * Wiring only (common/svc does the start-up and requests): SUB to intake,
 * assignment and escalation events, the HTTP dashboard and JSON
 * (report.http_addr, report_http.c), the per-day counts kept on a thread
 * (report_days.c), one loop until SIGTERM/SIGINT. Reports
 * come from report_streets.c, the live counters from report_live.c (read from
 * PostgreSQL; the events only make the next read sooner). The
 * process runs in `timezone`, so "today" is the reports' day.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "config.h"
#include "holidays.h"
#include "log.h"
#include "report_days.h"
#include "report_documents.h"
#include "report_http.h"
#include "report_live.h"
#include "report_phone.h"
#include "report_streets.h"
#include "report_views.h"
#include "svc.h"
#include "unit_named.h"
#include "web_scope.h"

#define NSUBS 3

static const char *const PUBLISHERS[NSUBS] = {"intake", "assignment", "escalation"};

typedef struct {
    bus_sub     *subs[NSUBS];
    report_live  live;
    int          live_failing;  /* the last read of the counts failed */
    report_http *http;
    report_days *days;
} reporting;

/* The street summary, its time on hold counted on the calendar as table holidays stands now. */
static Jiesu__ReportReply *streets_once(service *s, const report_scope *scope, char *err, size_t errlen)
{
    report_scope sc = *scope;
    calendar *cal = holidays_calendar(s->pg, s->cfg, NULL, err, errlen);
    sc.cal = cal;
    Jiesu__ReportReply *reply = cal ? report_streets(s->pg, &sc, err, errlen) : NULL;
    calendar_destroy(&cal);
    return reply;
}

/* Runs the street summary, reconnecting once if the database connection broke. */
static Jiesu__ReportReply *run_streets(service *s, const report_scope *scope, char *err, size_t errlen)
{
    Jiesu__ReportReply *reply = streets_once(s, scope, err, errlen);
    if (!reply && PQstatus(s->pg) == CONNECTION_BAD && svc_ensure_pg(s, err, errlen) == 0)
        reply = streets_once(s, scope, err, errlen);
    return reply;
}

/* The street office text names (`jiesu report 单位`: unit_named.h) into
 * scope, for who; "" none. 0, or -1 with err: the asker's to mend when
 * *bad, else the database's. */
static int unit_asked(service *s, const char *text, const auth_principal *who, report_scope *scope, unit_named *u,
                      int *bad, char *err, size_t errlen)
{
    *bad = 1;
    if (!*text)
        return 0;
    unit_named_found found = unit_named_find(s->pg, text, u, err, errlen);
    if (found == UNIT_NAMED_FAILED)
        *bad = 0;
    else if (found == UNIT_NAMED_NONE)
        snprintf(err, errlen, "没有叫“%s”的单位：`jiesu units %s` 查单位的名称和代码（不写单位是各街道汇总）", text, text);
    else if (found == UNIT_NAMED_ONE && strcmp(u->kind, "street") != 0)
        snprintf(err, errlen, "%s不是街道办事处：jiesu report 只汇总街道办事处；部门的超期工单和暂缓与延期见周通报（jiesu bulletin）",
                 u->name);
    else if (found == UNIT_NAMED_ONE) {
        scope->unit_id = atoi(u->id);
        scope->principal = who->id;
        return 0;
    }
    return -1;
}

/* Keeps of r the row of u alone: 0, or -1 when the reader's scope left it out. */
static int keep_unit(Jiesu__ReportReply *r, const unit_named *u)
{
    size_t kept = 0;
    for (size_t i = 0; i < r->n_streets; i++) {
        if (strcmp(r->streets[i]->street_code, u->code) == 0)
            r->streets[kept++] = r->streets[i];
        else
            jiesu__street_summary__free_unpacked(r->streets[i], NULL);
    }
    r->n_streets = kept;
    r->manual = r->unrouted = 0;
    r->one_unit = 1;
    return kept && (r->unit = strdup(u->code)) ? 0 : -1;
}

/* The street summary (`jiesu report`), of what who may read (web_scope.h),
 * as /api/streets gives it; one street office's row and the orders behind
 * it when one is named (only within that scope: a street office its own). */
static void on_report(service *s, const bus_request *req, const auth_principal *who)
{
    char err[512] = "";
    web_scope sc;
    Jiesu__ReportRequest *rq = BUS_UNPACK(report_request, req->env);
    if (!rq) {
        bus_server_reply_error(s->server, req, SVC_ERR_BAD_REQUEST, "malformed report.request payload");
        return;
    }
    const char *kind = *rq->kind ? rq->kind : "streets";
    if (web_scope_for(who, config_str(s->cfg, "regions.districts"), &sc) < 0) {
        bus_server_reply_error(s->server, req, SVC_ERR_FORBIDDEN, WEB_SCOPE_NONE);
    } else if (strcmp(kind, "streets") != 0) {
        bus_server_reply_error(s->server, req, SVC_ERR_BAD_REQUEST, "没有“%s”这种报表：只有 streets（各街道汇总）", kind);
    } else {
        Jiesu__ReportReply *reply = NULL;
        report_scope scope = {.districts = sc.districts, .from_date = rq->from_date, .to_date = rq->to_date,
                              .timezone = config_str(s->cfg, "timezone")};
        unit_named u = {0};
        int bad = 1;
        if (report_scope_check(&scope, err, sizeof err) < 0 ||
            unit_asked(s, rq->unit, who, &scope, &u, &bad, err, sizeof err) < 0) {
            bus_server_reply_error(s->server, req, bad ? SVC_ERR_BAD_REQUEST : SVC_ERR_INTERNAL, "%s", err);
        } else if ((reply = run_streets(s, &scope, err, sizeof err))) {
            web_scope_streets(&sc, reply);
            if (scope.unit_id && keep_unit(reply, &u) < 0)
                bus_server_reply_error(s->server, req, SVC_ERR_FORBIDDEN,
                                       "%s不在您可以查看的范围：街道办事处和职能部门只查看本单位的（jiesu report 不写单位即是），"
                                       "创城办和纪委监委查看本区各街道的", u.name);
            else
                bus_server_reply(s->server, req, "report.reply", &reply->base);
            log_info("report streets rows=%zu manual=%lld unrouted=%lld", reply->n_streets,
                     (long long)reply->manual, (long long)reply->unrouted);
        } else {
            bus_server_reply_error(s->server, req, SVC_ERR_INTERNAL, "%s", err);
        }
        report_reply_free(&reply);
    }
    jiesu__report_request__free_unpacked(rq, NULL);
}

static void on_view(service *s, const bus_request *req, const auth_principal *who)
{
    view_answer(s, req, who, REPORT_VIEWS);
}

static const svc_route ROUTES[] = {
    {"report.request", on_report, AUTH_PEOPLE},
    {"view.request", on_view, AUTH_PEOPLE},
    {"document.request", report_documents_request, AUTH_PEOPLE},    /* narrowed as the dashboard is (web_scope.h) */
    {"phone.reveal", report_phone_request, AUTH_PEOPLE},
    {NULL, NULL, 0},
};

static int subscribe(reporting *r, service *s)
{
    char err[512] = "", server_key[KEYS_Z85_LEN + 1];
    for (int i = 0; i < NSUBS; i++) {
        const char *ep = svc_endpoint(s->cfg, PUBLISHERS[i], "pub");
        if (svc_peer_key(s, PUBLISHERS[i], server_key) < 0)
            return -1;
        if (!(r->subs[i] = bus_sub_new(s->zctx, ep, "", &s->keys, server_key, err, sizeof err))) {
            log_error("%s", err);
            return -1;
        }
    }
    return 0;
}

/* How the workbench reaches the services it acts through for people. 0 or -1 (logged). */
static int web_peers(service *s, web_bus *b)
{
    static const char *const PEERS[WEB_BUS_PEERS] = {"assignment", "escalation", "intake"};
    memset(b, 0, sizeof *b);
    b->zctx = s->zctx;
    b->keys = s->keys;
    b->timeout_ms = (int)config_long(s->cfg, "web.bus_timeout_ms");
    b->import_timeout_ms = 1000 * (int)config_long(s->cfg, "web.import_timeout_seconds");
    b->connect_ms = 1000 * (int)config_long(s->cfg, "web.connect_seconds");
    for (int i = 0; i < WEB_BUS_PEERS; i++) {
        snprintf(b->names[i], sizeof b->names[i], "%s", PEERS[i]);
        snprintf(b->endpoints[i], sizeof b->endpoints[i], "%s", svc_endpoint(s->cfg, PEERS[i], "router"));
        if (svc_peer_key(s, PEERS[i], b->server_keys[i]) < 0)
            return -1;
    }
    return 0;
}

/* Serves HTTP when report.http_addr is not "off". A failure to bind is
 * logged and the service runs on without it: the requests over ZeroMQ and
 * the live counters do not depend on it. Its pong says so (`jiesu status`,
 * which make run waits on). */
static void start_http(reporting *r, service *s)
{
    char err[512] = "";
    web_bus bus;
    const char *addr = config_str(s->cfg, "report.http_addr");
    if (strcmp(addr, "off") == 0 || web_peers(s, &bus) < 0)
        return;
    r->http = report_http_start(s->cfg, &bus, err, sizeof err);
    if (r->http)
        log_info("http on %s (port %d)", addr, report_http_port(r->http));
    else
        log_error("http on %s: %s; serving without the dashboard", addr, err);
    svc_http(s, addr, report_http_port(r->http));
}

/* Keeps the metrics' per-day counts up to date; without it the reports are
 * as exact, only slower (logged). */
static void start_days(reporting *r, service *s)
{
    char err[512] = "";
    if (!(r->days = report_days_start(s->cfg, err, sizeof err)))
        log_error("%s; the reports count every day live", err);
}

/* Reads today's counts again when report_live_due says so. A failure is
 * logged once (and the recovery), and /api/live shows the last figures read. */
static void refresh_live(reporting *r, service *s)
{
    char err[512] = "";
    if (!report_live_due(&r->live, clock_mono_ms()))
        return;
    svc_ensure_pg(s, err, sizeof err);  /* a connection still broken fails the read, which says why */
    if (report_live_reload(&r->live, s->pg, config_str(s->cfg, "timezone"), err, sizeof err) == 0) {
        if (r->live_failing)
            log_info("live counts read from PostgreSQL again");
        r->live_failing = 0;
        report_http_set_live(r->http, &r->live);
    } else if (!r->live_failing) {
        r->live_failing = 1;
        log_warn("live counts: %s; /api/live shows the last figures read, retried every second", err);
    }
}

int main(int argc, char **argv)
{
    reporting r = {0};
    service s;
    void *socks[NSUBS];
    int ready[NSUBS], rc = 1;
    if (svc_start(&s, "reporting", argc, argv, ROUTES, &r) == 0 && subscribe(&r, &s) == 0) {
        setenv("TZ", config_str(s.cfg, "timezone"), 1);
        tzset();
        start_http(&r, &s);
        start_days(&r, &s);
        log_info("reporting ready");
        for (int i = 0; i < NSUBS; i++)
            socks[i] = bus_sub_socket(r.subs[i]);
        rc = 0;
        while (!svc_stopping() && rc == 0) {
            rc = svc_poll_also(&s, socks, NSUBS, ready, REPORT_LIVE_SOON_MS) < 0;
            for (int i = 0; i < NSUBS; i++)
                if (ready[i])
                    report_live_drain(&r.live, r.subs[i]);
            refresh_live(&r, &s);
        }
        log_info("stopping");
    }
    report_days_stop(&r.days);
    report_http_stop(&r.http);
    for (int i = 0; i < NSUBS; i++)
        bus_sub_destroy(&r.subs[i]);
    svc_finish(&s);
    return rc;
}
