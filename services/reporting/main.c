/* main.c — jiesu-reporting: answers report requests from PostgreSQL and
 * follows the other services' events.
 *
 *   jiesu-reporting [-c FILE]        (else the file named by $JIESU_CONFIG)
 *
 * Wiring only: config → PostgreSQL → ROUTER (reporting.router) and PUB
 * (reporting.pub) → SUB to intake, assignment and escalation events → one
 * zmq_poll loop until SIGTERM/SIGINT. Reports come from report_streets.c,
 * the live counters from report_live.c.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "bus.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "report_live.h"
#include "report_streets.h"

#define SERVICE "reporting"
#define NSUBS 3
#define ERR_BAD_REQUEST 400
#define ERR_INTERNAL 500

static const char *const SUB_KEYS[NSUBS] = {"intake.pub", "assignment.pub", "escalation.pub"};
static const char *const SUB_DEFAULTS[NSUBS] = {"tcp://127.0.0.1:7102", "tcp://127.0.0.1:7112",
                                                "tcp://127.0.0.1:7122"};

typedef struct {
    config      *cfg;
    PGconn      *pg;
    void        *zctx;
    bus_server  *server;
    bus_pub     *pub;
    bus_sub     *subs[NSUBS];
    report_live  live;
    int64_t      started_ms;
} reporting;

static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
}

static int load_config(reporting *r, int argc, char **argv)
{
    char err[512] = "";
    int opt;
    const char *file = NULL;
    while ((opt = getopt(argc, argv, "c:")) != -1) {
        if (opt != 'c') {
            fprintf(stderr, "usage: jiesu-reporting [-c FILE]\n");
            return -1;
        }
        file = optarg;
    }
    r->cfg = config_new();
    if (!r->cfg)
        return -1;
    int rc = file ? config_load_file(r->cfg, file, err, sizeof err)
                  : config_load_env_file(r->cfg, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "jiesu-reporting: %s\n", err);
        return -1;
    }
    log_init(SERVICE, log_level_parse(config_get(r->cfg, "log.level", "info")));
    return 0;
}

static int open_sockets(reporting *r)
{
    char err[512] = "";
    const char *router = config_get(r->cfg, "reporting.router", "tcp://127.0.0.1:7131");
    const char *pub = config_get(r->cfg, "reporting.pub", "tcp://127.0.0.1:7132");
    r->zctx = zmq_ctx_new();
    if (!r->zctx) {
        log_error("zmq_ctx_new: %s", zmq_strerror(errno));
        return -1;
    }
    r->server = bus_server_new(r->zctx, router, SERVICE, err, sizeof err);
    if (!r->server)
        goto failed;
    r->pub = bus_pub_new(r->zctx, pub, SERVICE, err, sizeof err);
    if (!r->pub)
        goto failed;
    for (int i = 0; i < NSUBS; i++) {
        r->subs[i] = bus_sub_new(r->zctx, config_get(r->cfg, SUB_KEYS[i], SUB_DEFAULTS[i]), "", err, sizeof err);
        if (!r->subs[i])
            goto failed;
    }
    log_info("listening router=%s pub=%s", router, pub);
    return 0;
failed:
    log_error("%s", err);
    return -1;
}

/* Runs the street summary, reconnecting once if the database connection broke. */
static Jiesu__ReportReply *run_streets(reporting *r, const Jiesu__ReportRequest *rq, char *err, size_t errlen)
{
    report_scope scope = {
        .districts = config_get(r->cfg, "regions.districts", "370212"),
        .from_date = rq->from_date,
        .to_date = rq->to_date,
        .timezone = config_get(r->cfg, "report.timezone", "Asia/Shanghai"),
    };
    Jiesu__ReportReply *reply = report_streets(r->pg, &scope, err, errlen);
    if (!reply && PQstatus(r->pg) == CONNECTION_BAD) {
        log_warn("PostgreSQL connection lost; reconnecting");
        PQreset(r->pg);
        if (PQstatus(r->pg) == CONNECTION_OK)
            reply = report_streets(r->pg, &scope, err, errlen);
    }
    return reply;
}

static void answer_report(reporting *r, const bus_request *req)
{
    char err[512] = "";
    Jiesu__ReportRequest *rq = BUS_UNPACK(report_request, req->env);
    if (!rq) {
        bus_server_reply_error(r->server, req, ERR_BAD_REQUEST, "malformed report.request payload");
        return;
    }
    const char *kind = *rq->kind ? rq->kind : "streets";
    if (strcmp(kind, "streets") != 0) {
        bus_server_reply_error(r->server, req, ERR_BAD_REQUEST,
                               "unknown report kind '%s' (known: streets)", kind);
    } else {
        Jiesu__ReportReply *reply = run_streets(r, rq, err, sizeof err);
        if (reply) {
            bus_server_reply(r->server, req, "report.reply", &reply->base);
            log_info("report streets rows=%zu manual=%lld unrouted=%lld", reply->n_streets,
                     (long long)reply->manual, (long long)reply->unrouted);
        } else {
            bus_server_reply_error(r->server, req, ERR_INTERNAL, "%s", err);
        }
        report_reply_free(&reply);
    }
    jiesu__report_request__free_unpacked(rq, NULL);
}

static void answer(reporting *r, const bus_request *req)
{
    const char *type = req->env->type;
    if (strcmp(type, "ping") == 0) {
        Jiesu__Pong pong = JIESU__PONG__INIT;
        pong.service = SERVICE;
        pong.started_at_ms = r->started_ms;
        pong.pid = getpid();
        bus_server_reply(r->server, req, "pong", &pong.base);
    } else if (strcmp(type, "report.request") == 0) {
        answer_report(r, req);
    } else {
        bus_server_reply_error(r->server, req, ERR_BAD_REQUEST,
                               "unknown request type '%s' (reporting answers ping, report.request)", type);
    }
}

static void drain_requests(reporting *r)
{
    bus_request req;
    memset(&req, 0, sizeof req);
    while (bus_server_recv(r->server, &req) == 1) {
        answer(r, &req);
        bus_request_clear(&req);
    }
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

static int serve(reporting *r)
{
    zmq_pollitem_t items[1 + NSUBS];
    memset(items, 0, sizeof items);
    items[0].socket = bus_server_socket(r->server);
    items[0].events = ZMQ_POLLIN;
    for (int i = 0; i < NSUBS; i++) {
        items[1 + i].socket = bus_sub_socket(r->subs[i]);
        items[1 + i].events = ZMQ_POLLIN;
    }
    while (!g_stop) {
        int rc = zmq_poll(items, 1 + NSUBS, 1000);
        if (rc < 0) {
            if (errno == EINTR)
                continue;
            log_error("zmq_poll: %s", zmq_strerror(errno));
            return -1;
        }
        if (items[0].revents & ZMQ_POLLIN)
            drain_requests(r);
        for (int i = 0; i < NSUBS; i++)
            if (items[1 + i].revents & ZMQ_POLLIN)
                drain_events(r, r->subs[i]);
    }
    return 0;
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;      /* no SA_RESTART: zmq_poll returns EINTR */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
}

int main(int argc, char **argv)
{
    reporting r;
    char err[512] = "";
    int rc = 1;

    memset(&r, 0, sizeof r);
    r.started_ms = bus_now_ms();
    install_signals();
    if (load_config(&r, argc, argv) < 0)
        goto cleanup;
    r.pg = db_connect(config_get(r.cfg, "pg.conninfo", "dbname=jiesu"), 30000, err, sizeof err);
    if (!r.pg) {
        log_error("%s", err);
        goto cleanup;
    }
    if (open_sockets(&r) < 0)
        goto cleanup;
    log_info("reporting ready");
    if (serve(&r) == 0)
        rc = 0;
    log_info("stopping");
cleanup:
    for (int i = 0; i < NSUBS; i++)
        bus_sub_destroy(&r.subs[i]);
    bus_pub_destroy(&r.pub);
    bus_server_destroy(&r.server);
    if (r.zctx)
        zmq_ctx_term(r.zctx);
    if (r.pg)
        PQfinish(r.pg);
    config_destroy(&r.cfg);
    return rc;
}
