/* main.c — jiesu-assignment: routes every new complaint to its street office.
 *
 *   jiesu-assignment [-c FILE]        (else the file named by $JIESU_CONFIG)
 *
 * Wiring only: config → PostgreSQL (and the places in `regions`) → Redis
 * (routing stream, timers) → ROUTER (assignment.router) and PUB
 * (assignment.pub) → one loop that answers requests, runs the reconciler every
 * assignment.reconcile_seconds and routes a batch (route_worker.c), until
 * SIGTERM/SIGINT ends it after the current batch. Any number of these
 * processes may share one stream: the consumer group hands each entry to one
 * of them and the status check in the write makes a second routing a no-op.
 * Requests: "ping" → "pong"; "action.request" (accept, resolve) →
 * "action.reply" or "error" saying why not (route_actions.c), and each move is
 * published as "complaint.status".
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "bus.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "queue.h"
#include "rconn.h"
#include "route_actions.h"
#include "route_places.h"
#include "route_reconcile.h"
#include "route_worker.h"

#define SERVICE "assignment"
#define ERR_BAD_REQUEST 400
#define ERR_REFUSED 409
#define REDIS_TIMEOUT_MS 5000
#define CONNECT_WAIT_MS 30000
#define READ_BLOCK_MS 200       /* longest a request waits behind an idle stream read */
#define RETRY_PAUSE_MS 1000

typedef struct {
    config            *cfg;
    PGconn            *pg;
    route_places      *places;
    redisContext      *redis;
    queue             *route;
    route_worker      *worker;
    route_worker_opts  wopts;
    void              *zctx;
    bus_server        *server;
    bus_pub           *pub;
    const char        *stream;
    long               reconcile_ms;
    long               reconcile_min_age_s;
    int64_t            started_ms;
} assignment;

static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
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

static int load_config(assignment *s, int argc, char **argv)
{
    char err[512] = "";
    const char *file = NULL;
    int opt;
    while ((opt = getopt(argc, argv, "c:")) != -1) {
        if (opt != 'c') {
            fprintf(stderr, "usage: jiesu-assignment [-c FILE]\n");
            return -1;
        }
        file = optarg;
    }
    if (!(s->cfg = config_new()))
        return -1;
    int rc = file ? config_load_file(s->cfg, file, err, sizeof err)
                  : config_load_env_file(s->cfg, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "jiesu-assignment: %s\n", err);
        return -1;
    }
    log_init(SERVICE, log_level_parse(config_get(s->cfg, "log.level", "info")));
    s->stream = config_get(s->cfg, "queue.route_stream", "jiesu:route");
    s->reconcile_ms = 1000 * config_get_long(s->cfg, "assignment.reconcile_seconds", 60);
    s->reconcile_min_age_s = config_get_long(s->cfg, "assignment.reconcile_min_age_seconds", 10);
    s->wopts = (route_worker_opts){
        .timers_key = config_get(s->cfg, "timers.key", "jiesu:timers"),
        .accept_seconds = config_get_long(s->cfg, "deadline.accept_seconds", 7200),
        .resolve_seconds = config_get_long(s->cfg, "deadline.resolve_seconds", 259200),
        .min_score = strtod(config_get(s->cfg, "assignment.min_score", "0.6"), NULL),
        .claim_idle_ms = config_get_long(s->cfg, "assignment.claim_idle_ms", 30000),
        .batch_max = (size_t)config_get_long(s->cfg, "assignment.batch", 500),
    };
    return 0;
}

static void drop_redis(assignment *s)
{
    route_worker_destroy(&s->worker);
    queue_destroy(&s->route);
    if (s->redis)
        redisFree(s->redis);
    s->redis = NULL;
}

/* (Re)connects Redis, the routing queue and the worker over them. 0 or -1. */
static int ensure_redis(assignment *s)
{
    char err[512] = "", consumer[64];
    if (s->redis && !s->redis->err && s->worker)
        return 0;
    drop_redis(s);
    s->redis = rconn_open(config_get(s->cfg, "redis.addr", "127.0.0.1:6379"), REDIS_TIMEOUT_MS,
                          CONNECT_WAIT_MS, err, sizeof err);
    if (!s->redis) {
        log_error("Redis: %s", err);
        return -1;
    }
    snprintf(consumer, sizeof consumer, "assignment-%ld", (long)getpid());
    s->route = queue_new(s->redis, s->stream, config_get(s->cfg, "queue.route_group", "assignment"), consumer);
    if (!s->route || queue_ensure_group(s->route) < 0) {
        log_error("Redis: routing stream %s: %s", s->stream, s->route ? queue_errstr(s->route) : "out of memory");
        return -1;
    }
    s->wopts.redis = s->redis;
    s->wopts.queue = s->route;
    if (!(s->worker = route_worker_new(&s->wopts))) {
        log_error("routing worker: out of memory or assignment.batch is 0");
        return -1;
    }
    return 0;
}

/* Reconnects PostgreSQL when its connection broke. */
static void ensure_pg(assignment *s)
{
    if (PQstatus(s->pg) != CONNECTION_OK) {
        log_warn("PostgreSQL connection lost; reconnecting");
        PQreset(s->pg);
    }
}

static int connect_all(assignment *s)
{
    char err[512] = "";
    s->pg = db_connect(config_get(s->cfg, "pg.conninfo", "dbname=jiesu"), CONNECT_WAIT_MS, err, sizeof err);
    if (!s->pg) {
        log_error("PostgreSQL: %s", err);
        return -1;
    }
    if (!(s->places = route_places_load(s->pg, err, sizeof err))) {
        log_error("%s", err);
        return -1;
    }
    log_info("loaded %zu streets and communities", route_places_count(s->places));
    const char *router = config_get(s->cfg, "assignment.router", "tcp://127.0.0.1:7111");
    const char *pub = config_get(s->cfg, "assignment.pub", "tcp://127.0.0.1:7112");
    if (!(s->zctx = zmq_ctx_new())) {
        log_error("zmq_ctx_new: %s", zmq_strerror(errno));
        return -1;
    }
    s->server = bus_server_new(s->zctx, router, SERVICE, err, sizeof err);
    if (s->server)
        s->pub = bus_pub_new(s->zctx, pub, SERVICE, err, sizeof err);
    if (!s->pub) {
        log_error("%s", err);
        return -1;
    }
    s->wopts.pg = s->pg;
    s->wopts.pub = s->pub;
    s->wopts.places = s->places;
    if (ensure_redis(s) < 0)
        return -1;
    log_info("listening router=%s pub=%s stream=%s", router, pub, s->stream);
    return 0;
}

static void answer_action(assignment *s, const bus_request *req)
{
    char err[512] = "";
    route_action_result res;
    Jiesu__ActionRequest *rq = BUS_UNPACK(action_request, req->env);
    if (!rq) {
        bus_server_reply_error(s->server, req, ERR_BAD_REQUEST, "action.request: malformed payload");
        return;
    }
    ensure_pg(s);
    route_action_req ar = {.ticket_no = rq->ticket_no, .action = rq->action, .unit_code = rq->unit_code,
                           .actor = rq->actor, .reason = rq->reason};
    if (route_action(s->pg, &ar, &res, err, sizeof err) != 0) {
        log_info("refused %s of order %s by '%s': %s", rq->action, rq->ticket_no, rq->unit_code, err);
        bus_server_reply_error(s->server, req, ERR_REFUSED, "%s", err);
        goto cleanup;
    }
    Jiesu__ActionReply reply = JIESU__ACTION_REPLY__INIT;
    reply.ticket_no = rq->ticket_no;
    reply.status = res.to;
    reply.message = res.changed ? "done" : "already done; nothing changed";
    bus_server_reply(s->server, req, "action.reply", &reply.base);
    if (res.changed) {
        Jiesu__StatusChange ev = JIESU__STATUS_CHANGE__INIT;
        ev.complaint_id = res.complaint_id;
        ev.ticket_no = rq->ticket_no;
        ev.from_status = res.from;
        ev.to_status = res.to;
        ev.actor = *rq->actor ? rq->actor : rq->unit_code;
        ev.reason = rq->reason;
        ev.at_ms = res.at_ms;
        bus_pub_send(s->pub, "complaint.status", &ev.base, req->env->trace_id);
    }
cleanup:
    jiesu__action_request__free_unpacked(rq, NULL);
}

static void answer(assignment *s, const bus_request *req)
{
    const char *type = req->env->type;
    if (strcmp(type, "ping") == 0) {
        Jiesu__Pong pong = JIESU__PONG__INIT;
        pong.service = SERVICE;
        pong.started_at_ms = s->started_ms;
        pong.pid = getpid();
        bus_server_reply(s->server, req, "pong", &pong.base);
    } else if (strcmp(type, "action.request") == 0) {
        answer_action(s, req);
    } else {
        bus_server_reply_error(s->server, req, ERR_BAD_REQUEST,
                               "unknown request type '%s' (assignment answers ping, action.request)", type);
    }
}

/* Answers requests for up to timeout_ms. -1 when polling itself failed. */
static int serve_requests(assignment *s, int timeout_ms)
{
    zmq_pollitem_t item = {.socket = bus_server_socket(s->server), .events = ZMQ_POLLIN};
    bus_request req;
    memset(&req, 0, sizeof req);
    if (zmq_poll(&item, 1, timeout_ms) < 0) {
        if (errno == EINTR)
            return 0;
        log_error("zmq_poll: %s", zmq_strerror(errno));
        return -1;
    }
    while (!g_stop && bus_server_recv(s->server, &req) == 1) {
        answer(s, &req);
        bus_request_clear(&req);
    }
    return 0;
}

/* One turn of routing work: the reconciler when due, then a batch. 0 or -1. */
static int route_once(assignment *s, int64_t *next_reconcile)
{
    route_batch_stats st;
    if (ensure_redis(s) < 0)
        return -1;
    ensure_pg(s);
    if (bus_now_ms() >= *next_reconcile) {
        *next_reconcile = bus_now_ms() + s->reconcile_ms;
        if (route_reconcile(s->pg, s->redis, s->route, s->stream, s->reconcile_min_age_s, s->wopts.batch_max) < 0)
            return -1;
    }
    int64_t t0 = bus_now_ms();
    if (route_worker_step(s->worker, READ_BLOCK_MS, &st) < 0)
        return -1;
    if (st.entries)
        log_info("batch entries=%zu claimed=%zu dispatched=%zu manual=%zu skipped=%zu ms=%lld", st.entries,
                 st.claimed, st.dispatched, st.manual, st.skipped, (long long)(bus_now_ms() - t0));
    return 0;
}

static int serve(assignment *s)
{
    int64_t next_reconcile = 0;
    while (!g_stop) {
        if (serve_requests(s, 0) < 0)
            return -1;
        if (!g_stop && route_once(s, &next_reconcile) < 0 && serve_requests(s, RETRY_PAUSE_MS) < 0)
            return -1;      /* a failed turn pauses (still answering requests), then retries */
    }
    return 0;
}

int main(int argc, char **argv)
{
    assignment s;
    int rc = 1;
    memset(&s, 0, sizeof s);
    s.started_ms = bus_now_ms();
    install_signals();
    if (load_config(&s, argc, argv) < 0 || connect_all(&s) < 0)
        goto cleanup;
    log_info("assignment ready");
    if (serve(&s) == 0)
        rc = 0;
    log_info("stopping");
cleanup:
    bus_pub_destroy(&s.pub);
    bus_server_destroy(&s.server);
    if (s.zctx)
        zmq_ctx_term(s.zctx);
    drop_redis(&s);
    route_places_destroy(&s.places);
    if (s.pg)
        PQfinish(s.pg);
    config_destroy(&s.cfg);
    return rc;
}
