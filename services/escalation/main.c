/* main.c — jiesu-escalation: fires the escalation ladder of every deadline,
 * raises pattern alerts and delivers alerts to webhooks.
 *
 *   jiesu-escalation [-c FILE]        (else the file named by $JIESU_CONFIG)
 *
 * Wiring only: config → PostgreSQL → Redis (timers.key) → ROUTER
 * (escalation.router) and PUB (escalation.pub) → the delivery thread → one
 * loop: a tick of the engine (esc_engine.h), then answer requests ("ping" →
 * "pong") until the wait it asked for is over. SIGTERM/SIGINT stop the loop
 * after the current tick.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <curl/curl.h>
#include <zmq.h>

#include "bus.h"
#include "config.h"
#include "db.h"
#include "esc_engine.h"
#include "log.h"
#include "rconn.h"

#define SERVICE "escalation"
#define ERR_BAD_REQUEST 400
#define REDIS_TIMEOUT_MS 5000
#define CONNECT_WAIT_MS 30000
#define RETRY_PAUSE_MS 1000

typedef struct {
    config       *cfg;
    esc_engine    engine;       /* its ctx holds PostgreSQL, Redis, the timers key and the publisher */
    void         *zctx;
    bus_server   *server;
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
    if (esc_engine_init(&s->engine, s->cfg, err, sizeof err) < 0) {
        log_error("%s", err);
        return -1;
    }
    return 0;
}

/* (Re)connects Redis when missing or broken. 0 or -1. */
static int ensure_redis(escalation *s)
{
    char err[512] = "";
    if (s->engine.ctx.redis && !s->engine.ctx.redis->err)
        return 0;
    if (s->engine.ctx.redis)
        redisFree(s->engine.ctx.redis);
    s->engine.ctx.redis = rconn_open(config_get(s->cfg, "redis.addr", "127.0.0.1:6379"), REDIS_TIMEOUT_MS,
                              CONNECT_WAIT_MS, err, sizeof err);
    if (!s->engine.ctx.redis) {
        log_error("Redis: %s", err);
        return -1;
    }
    return 0;
}

static int connect_all(escalation *s)
{
    char err[512] = "";
    s->engine.ctx.pg = db_connect(config_get(s->cfg, "pg.conninfo", "dbname=jiesu"), CONNECT_WAIT_MS, err, sizeof err);
    if (!s->engine.ctx.pg) {
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
        s->engine.ctx.pub = bus_pub_new(s->zctx, pub, SERVICE, err, sizeof err);
    if (!s->engine.ctx.pub) {
        log_error("%s", err);
        return -1;
    }
    log_info("listening router=%s pub=%s timers=%s", router, pub, s->engine.ctx.key);
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

/* Reconnects what broke, then runs one tick. The wait before the next, or -1. */
static int tick(escalation *s)
{
    if (ensure_redis(s) < 0)
        return -1;
    if (PQstatus(s->engine.ctx.pg) != CONNECTION_OK) {
        log_warn("PostgreSQL connection lost; reconnecting");
        PQreset(s->engine.ctx.pg);
    }
    return esc_engine_tick(&s->engine);
}

static int serve(escalation *s)
{
    while (!g_stop) {
        int wait = tick(s);
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
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (load_config(&s, argc, argv) < 0 || connect_all(&s) < 0 || esc_engine_start_delivery(&s.engine) < 0)
        goto cleanup;
    log_info("escalation ready");
    if (serve(&s) == 0)
        rc = 0;
    log_info("stopping");
cleanup:
    esc_engine_finish(&s.engine);
    bus_pub_destroy(&s.engine.ctx.pub);
    bus_server_destroy(&s.server);
    if (s.zctx)
        zmq_ctx_term(s.zctx);
    if (s.engine.ctx.redis)
        redisFree(s.engine.ctx.redis);
    if (s.engine.ctx.pg)
        PQfinish(s.engine.ctx.pg);
    config_destroy(&s.cfg);
    curl_global_cleanup();
    return rc;
}
