/* main.c — jiesu-escalation: fires deadlines and raises overdue alerts.
 *
 *   jiesu-escalation [-c FILE]        (else the file named by $JIESU_CONFIG)
 *
 * Wiring only: config → PostgreSQL → Redis (timers.key) → ROUTER
 * (escalation.router) and PUB (escalation.pub) → one loop: answer requests
 * ("ping" → "pong"), fire every due timer (esc_timers.c), re-add pending
 * deadlines every escalation.reconcile_seconds, then wait for a request until
 * the next timer is due, at most TICK_MS, so a timer fires well within a
 * second of its due time. Everything overdue fires right after start-up,
 * because the first reconcile puts it back. SIGTERM/SIGINT stop the loop
 * after the current firing.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "bus.h"
#include "config.h"
#include "db.h"
#include "esc_timers.h"
#include "log.h"
#include "rconn.h"
#include "timers.h"

#define SERVICE "escalation"
#define ERR_BAD_REQUEST 400
#define REDIS_TIMEOUT_MS 5000
#define CONNECT_WAIT_MS 30000
#define TICK_MS 200             /* longest wait between two looks at the timers */
#define FIRE_BATCH 100
#define RECONCILE_BATCH 1000
#define RETRY_PAUSE_MS 1000
#define MIN_WAIT_MS 10          /* what is still due now was put back as early: let the clocks agree */

typedef struct {
    config       *cfg;
    esc_ctx       ctx;          /* PostgreSQL, Redis, the timers key and the publisher */
    void         *zctx;
    bus_server   *server;
    long          reconcile_ms;
    int64_t       started_ms;
} escalation;

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

static int load_config(escalation *s, int argc, char **argv)
{
    char err[512] = "";
    const char *file = NULL;
    int opt;
    while ((opt = getopt(argc, argv, "c:")) != -1) {
        if (opt != 'c') {
            fprintf(stderr, "usage: jiesu-escalation [-c FILE]\n");
            return -1;
        }
        file = optarg;
    }
    if (!(s->cfg = config_new()))
        return -1;
    int rc = file ? config_load_file(s->cfg, file, err, sizeof err)
                  : config_load_env_file(s->cfg, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "jiesu-escalation: %s\n", err);
        return -1;
    }
    log_init(SERVICE, log_level_parse(config_get(s->cfg, "log.level", "info")));
    s->ctx.key = config_get(s->cfg, "timers.key", "jiesu:timers");
    s->ctx.utc_offset_min = (int)config_get_long(s->cfg, "escalation.utc_offset_minutes", 480);
    s->reconcile_ms = 1000 * config_get_long(s->cfg, "escalation.reconcile_seconds", 30);
    return 0;
}

/* (Re)connects Redis when missing or broken. 0 or -1. */
static int ensure_redis(escalation *s)
{
    char err[512] = "";
    if (s->ctx.redis && !s->ctx.redis->err)
        return 0;
    if (s->ctx.redis)
        redisFree(s->ctx.redis);
    s->ctx.redis = rconn_open(config_get(s->cfg, "redis.addr", "127.0.0.1:6379"), REDIS_TIMEOUT_MS,
                              CONNECT_WAIT_MS, err, sizeof err);
    if (!s->ctx.redis) {
        log_error("Redis: %s", err);
        return -1;
    }
    return 0;
}

static int connect_all(escalation *s)
{
    char err[512] = "";
    s->ctx.pg = db_connect(config_get(s->cfg, "pg.conninfo", "dbname=jiesu"), CONNECT_WAIT_MS, err, sizeof err);
    if (!s->ctx.pg) {
        log_error("PostgreSQL: %s", err);
        return -1;
    }
    if (ensure_redis(s) < 0)
        return -1;
    const char *router = config_get(s->cfg, "escalation.router", "tcp://127.0.0.1:7121");
    const char *pub = config_get(s->cfg, "escalation.pub", "tcp://127.0.0.1:7122");
    if (!(s->zctx = zmq_ctx_new())) {
        log_error("zmq_ctx_new: %s", zmq_strerror(errno));
        return -1;
    }
    s->server = bus_server_new(s->zctx, router, SERVICE, err, sizeof err);
    if (s->server)
        s->ctx.pub = bus_pub_new(s->zctx, pub, SERVICE, err, sizeof err);
    if (!s->ctx.pub) {
        log_error("%s", err);
        return -1;
    }
    log_info("listening router=%s pub=%s timers=%s", router, pub, s->ctx.key);
    return 0;
}

static void answer(escalation *s, const bus_request *req)
{
    const char *type = req->env->type;
    if (strcmp(type, "ping") == 0) {
        Jiesu__Pong pong = JIESU__PONG__INIT;
        pong.service = SERVICE;
        pong.started_at_ms = s->started_ms;
        pong.pid = getpid();
        bus_server_reply(s->server, req, "pong", &pong.base);
    } else {
        bus_server_reply_error(s->server, req, ERR_BAD_REQUEST,
                               "unknown request type '%s' (escalation answers ping)", type);
    }
}

/* Answers requests for up to timeout_ms. -1 when polling itself failed. */
static int serve_requests(escalation *s, int timeout_ms)
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

/* Reconciles when due, then fires due timers until none is left.
 * Returns how long to wait before the next look (ms), or -1 on failure. */
static int fire_once(escalation *s, int64_t *next_reconcile)
{
    esc_fire_stats st;
    if (ensure_redis(s) < 0)
        return -1;
    if (PQstatus(s->ctx.pg) != CONNECTION_OK) {
        log_warn("PostgreSQL connection lost; reconnecting");
        PQreset(s->ctx.pg);
    }
    if (bus_now_ms() >= *next_reconcile) {
        long n = esc_reconcile(&s->ctx, RECONCILE_BATCH);
        if (n < 0)
            return -1;
        *next_reconcile = bus_now_ms() + s->reconcile_ms;
        log_debug("reconciled %ld pending deadlines into %s", n, s->ctx.key);
    }
    do {
        if (esc_fire_due(&s->ctx, bus_now_ms(), FIRE_BATCH, &st) < 0)
            return -1;
        if (st.claimed)
            log_info("fired claimed=%zu alerts=%zu quiet=%zu early=%zu stale=%zu", st.claimed, st.alerts,
                     st.quiet, st.early, st.stale);
    } while (st.claimed == FIRE_BATCH && !g_stop);
    int64_t next = timers_next_due(s->ctx.redis, s->ctx.key), wait = TICK_MS;
    if (next >= 0 && next - bus_now_ms() < wait)
        wait = next - bus_now_ms();
    return wait > MIN_WAIT_MS ? (int)wait : MIN_WAIT_MS;
}

static int serve(escalation *s)
{
    int64_t next_reconcile = 0;
    while (!g_stop) {
        int wait = fire_once(s, &next_reconcile);
        if (serve_requests(s, wait < 0 ? RETRY_PAUSE_MS : wait) < 0)
            return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    escalation s;
    int rc = 1;
    memset(&s, 0, sizeof s);
    s.started_ms = bus_now_ms();
    install_signals();
    if (load_config(&s, argc, argv) < 0 || connect_all(&s) < 0)
        goto cleanup;
    log_info("escalation ready");
    if (serve(&s) == 0)
        rc = 0;
    log_info("stopping");
cleanup:
    bus_pub_destroy(&s.ctx.pub);
    bus_server_destroy(&s.server);
    if (s.zctx)
        zmq_ctx_term(s.zctx);
    if (s.ctx.redis)
        redisFree(s.ctx.redis);
    if (s.ctx.pg)
        PQfinish(s.ctx.pg);
    config_destroy(&s.cfg);
    return rc;
}
