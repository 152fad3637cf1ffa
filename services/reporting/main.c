/* main.c — jiesu-reporting: answers report requests from PostgreSQL and
 * follows the other services' events.
 *
 *   jiesu-reporting [-c FILE]        (else the file named by $JIESU_CONFIG)
 *
 * Wiring only (common/svc does the start-up and requests): SUB to intake,
 * assignment and escalation events, one loop until SIGTERM/SIGINT. Reports
 * come from report_streets.c, the live counters from report_live.c.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "log.h"
#include "report_live.h"
#include "report_streets.h"
#include "svc.h"

#define NSUBS 3

static const char *const PUBLISHERS[NSUBS] = {"intake", "assignment", "escalation"};

typedef struct {
    bus_sub     *subs[NSUBS];
    report_live  live;
} reporting;

/* Runs the street summary, reconnecting once if the database connection broke. */
static Jiesu__ReportReply *run_streets(service *s, const Jiesu__ReportRequest *rq, char *err, size_t errlen)
{
    report_scope scope = {
        .districts = config_get(s->cfg, "regions.districts", "370212"),
        .from_date = rq->from_date,
        .to_date = rq->to_date,
        .timezone = config_get(s->cfg, "report.timezone", "Asia/Shanghai"),
    };
    Jiesu__ReportReply *reply = report_streets(s->pg, &scope, err, errlen);
    if (!reply && PQstatus(s->pg) == CONNECTION_BAD && svc_ensure_pg(s) == 0)
        reply = report_streets(s->pg, &scope, err, errlen);
    return reply;
}

static void on_report(service *s, const bus_request *req)
{
    char err[512] = "";
    Jiesu__ReportRequest *rq = BUS_UNPACK(report_request, req->env);
    if (!rq) {
        bus_server_reply_error(s->server, req, SVC_ERR_BAD_REQUEST, "malformed report.request payload");
        return;
    }
    const char *kind = *rq->kind ? rq->kind : "streets";
    if (strcmp(kind, "streets") != 0) {
        bus_server_reply_error(s->server, req, SVC_ERR_BAD_REQUEST, "unknown report kind '%s' (known: streets)", kind);
    } else {
        Jiesu__ReportReply *reply = run_streets(s, rq, err, sizeof err);
        if (reply) {
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

static const svc_route ROUTES[] = {{"report.request", on_report}, {NULL, NULL}};

static int subscribe(reporting *r, service *s)
{
    char err[512] = "", key[64];
    for (int i = 0; i < NSUBS; i++) {
        snprintf(key, sizeof key, "%s.pub", PUBLISHERS[i]);
        const char *ep = config_get(s->cfg, key, svc_default_endpoint(PUBLISHERS[i], "pub"));
        if (!(r->subs[i] = bus_sub_new(s->zctx, ep, "", err, sizeof err))) {
            log_error("%s", err);
            return -1;
        }
    }
    return 0;
}

static void drain_events(reporting *r, bus_sub *sub)
{
    Jiesu__Envelope *env = NULL;
    int gap = 0;
    while (bus_sub_recv(sub, 0, &env, &gap) == 1) {
        if (gap)
            log_info("missed events from %s before seq %llu; reports re-read PostgreSQL, "
                     "live counters are approximate for today", env->sender, (unsigned long long)env->seq);
        report_live_note(&r->live, env->type, report_live_day(time(NULL)), gap);
        log_debug("event %s from %s seq=%llu; today events=%ld imported=%ld routed=%ld status=%ld alerts=%ld",
                  env->type, env->sender, (unsigned long long)env->seq, r->live.events, r->live.imported,
                  r->live.routed, r->live.status, r->live.alerts);
        jiesu__envelope__free_unpacked(env, NULL);
        env = NULL;
    }
}

int main(int argc, char **argv)
{
    reporting r = {0};
    service s;
    void *socks[NSUBS];
    int ready[NSUBS], rc = 1;
    if (svc_start(&s, "reporting", argc, argv, ROUTES, &r) == 0 && subscribe(&r, &s) == 0) {
        log_info("reporting ready");
        for (int i = 0; i < NSUBS; i++)
            socks[i] = bus_sub_socket(r.subs[i]);
        rc = 0;
        while (!svc_stopping() && rc == 0) {
            rc = svc_poll_also(&s, socks, NSUBS, ready, 1000) < 0;
            for (int i = 0; i < NSUBS; i++)
                if (ready[i])
                    drain_events(&r, r.subs[i]);
        }
        log_info("stopping");
    }
    for (int i = 0; i < NSUBS; i++)
        bus_sub_destroy(&r.subs[i]);
    svc_finish(&s);
    return rc;
}
