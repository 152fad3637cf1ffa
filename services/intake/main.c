/* main.c — jiesu-intake: imports hotline exports on request.
 *
 *   jiesu-intake [-c FILE]        (else the file named by $JIESU_CONFIG)
 *
 * Wiring only: config → PostgreSQL → Redis (routing stream) → ROUTER
 * (intake.router) and PUB (intake.pub) → one zmq_poll loop until
 * SIGTERM/SIGINT. Requests: "ping" → "pong", "import.request" →
 * "import.reply" (or "error" naming the file), and each finished import is
 * published as "complaint.imported". The import itself is intake_import.c.
 * A signal during an import stops it after the current batch.
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
#include "intake_import.h"
#include "log.h"
#include "queue.h"
#include "rconn.h"

#define SERVICE "intake"
#define ERR_BAD_REQUEST 400
#define ERR_IMPORT_FAILED 500
#define REDIS_TIMEOUT_MS 5000
#define CONNECT_WAIT_MS 30000

typedef struct {
    config             *cfg;
    PGconn             *pg;
    redisContext       *redis;
    queue              *route;
    void               *zctx;
    bus_server         *server;
    bus_pub            *pub;
    intake_import_opts  opts;
    int64_t             started_ms;
} intake;

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

static int load_config(intake *s, int argc, char **argv)
{
    char err[512] = "";
    const char *file = NULL;
    int opt;
    while ((opt = getopt(argc, argv, "c:")) != -1) {
        if (opt != 'c') {
            fprintf(stderr, "usage: jiesu-intake [-c FILE]\n");
            return -1;
        }
        file = optarg;
    }
    if (!(s->cfg = config_new()))
        return -1;
    int rc = file ? config_load_file(s->cfg, file, err, sizeof err)
                  : config_load_env_file(s->cfg, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "jiesu-intake: %s\n", err);
        return -1;
    }
    log_init(SERVICE, log_level_parse(config_get(s->cfg, "log.level", "info")));
    s->opts.rejects_dir = config_get(s->cfg, "intake.rejects_dir", "var/rejects");
    s->opts.batch_rows = (size_t)config_get_long(s->cfg, "intake.batch_rows", INTAKE_BATCH_ROWS);
    s->opts.utc_offset_min = (int)config_get_long(s->cfg, "intake.utc_offset_minutes", 480);
    s->opts.csv.max_field = (size_t)config_get_long(s->cfg, "intake.max_field_chars", 32767);
    s->opts.stop = &g_stop;
    return 0;
}

/* (Re)connects Redis and the routing queue when missing or broken. 0 or -1. */
static int ensure_redis(intake *s)
{
    char err[512] = "";
    if (s->redis && !s->redis->err)
        return 0;
    s->opts.route = NULL;
    queue_destroy(&s->route);
    if (s->redis)
        redisFree(s->redis);
    s->redis = rconn_open(config_get(s->cfg, "redis.addr", "127.0.0.1:6379"), REDIS_TIMEOUT_MS,
                          CONNECT_WAIT_MS, err, sizeof err);
    if (!s->redis) {
        log_error("Redis: %s", err);
        return -1;
    }
    char consumer[64];
    snprintf(consumer, sizeof consumer, "intake-%ld", (long)getpid());
    s->route = queue_new(s->redis, config_get(s->cfg, "queue.route_stream", "jiesu:route"),
                         config_get(s->cfg, "queue.route_group", "assignment"), consumer);
    /* The group exists before the first entry, so assignment reads every id
     * even when it starts after an import. */
    if (!s->route || queue_ensure_group(s->route) < 0) {
        log_error("Redis: routing stream: %s", s->route ? queue_errstr(s->route) : "out of memory");
        return -1;
    }
    s->opts.route = s->route;
    return 0;
}

static int connect_all(intake *s)
{
    char err[512] = "";
    s->pg = db_connect(config_get(s->cfg, "pg.conninfo", "dbname=jiesu"), CONNECT_WAIT_MS, err, sizeof err);
    if (!s->pg) {
        log_error("PostgreSQL: %s", err);
        return -1;
    }
    s->opts.pg = s->pg;
    if (ensure_redis(s) < 0)
        return -1;
    const char *router = config_get(s->cfg, "intake.router", "tcp://127.0.0.1:7101");
    const char *pub = config_get(s->cfg, "intake.pub", "tcp://127.0.0.1:7102");
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
    log_info("listening router=%s pub=%s", router, pub);
    return 0;
}

static void answer_import(intake *s, const bus_request *req)
{
    char err[1024] = "";
    intake_result res;
    Jiesu__ImportRequest *rq = BUS_UNPACK(import_request, req->env);
    if (!rq || !*rq->path) {
        bus_server_reply_error(s->server, req, ERR_BAD_REQUEST, "import.request without a file path");
        goto cleanup;
    }
    if (PQstatus(s->pg) != CONNECTION_OK) {
        log_warn("PostgreSQL connection lost; reconnecting");
        PQreset(s->pg);
    }
    if (ensure_redis(s) < 0)
        log_warn("importing %s without Redis: the assignment reconciler will enqueue its rows", rq->path);
    if (intake_import(&s->opts, rq->path, *rq->file_name ? rq->file_name : NULL, &res, err, sizeof err) < 0) {
        log_error("import failed: %s", err);
        bus_server_reply_error(s->server, req, ERR_IMPORT_FAILED, "import failed: %s", err);
        goto cleanup;
    }
    Jiesu__ImportReply reply = JIESU__IMPORT_REPLY__INIT;
    reply.import_id = res.import_id;
    reply.rows_total = res.rows_total;
    reply.inserted = res.inserted;
    reply.duplicates = res.duplicates;
    reply.rejected = res.rejected;
    reply.rejects_path = res.rejects_path;
    reply.sha256 = res.sha256;
    reply.elapsed_ms = res.elapsed_ms;
    reply.encoding = res.encoding;
    bus_server_reply(s->server, req, "import.reply", &reply.base);
    bus_pub_send(s->pub, "complaint.imported", &reply.base, req->env->trace_id);
cleanup:
    if (rq)
        jiesu__import_request__free_unpacked(rq, NULL);
}

static void answer(intake *s, const bus_request *req)
{
    const char *type = req->env->type;
    if (strcmp(type, "ping") == 0) {
        Jiesu__Pong pong = JIESU__PONG__INIT;
        pong.service = SERVICE;
        pong.started_at_ms = s->started_ms;
        pong.pid = getpid();
        bus_server_reply(s->server, req, "pong", &pong.base);
    } else if (strcmp(type, "import.request") == 0) {
        answer_import(s, req);
    } else {
        bus_server_reply_error(s->server, req, ERR_BAD_REQUEST,
                               "unknown request type '%s' (intake answers ping, import.request)", type);
    }
}

static int serve(intake *s)
{
    zmq_pollitem_t item = {.socket = bus_server_socket(s->server), .events = ZMQ_POLLIN};
    bus_request req;
    memset(&req, 0, sizeof req);
    while (!g_stop) {
        if (zmq_poll(&item, 1, 1000) < 0) {
            if (errno == EINTR)
                continue;
            log_error("zmq_poll: %s", zmq_strerror(errno));
            return -1;
        }
        while (!g_stop && bus_server_recv(s->server, &req) == 1) {
            answer(s, &req);
            bus_request_clear(&req);
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    intake s;
    int rc = 1;
    memset(&s, 0, sizeof s);
    s.started_ms = bus_now_ms();
    install_signals();
    if (load_config(&s, argc, argv) < 0 || connect_all(&s) < 0)
        goto cleanup;
    log_info("intake ready");
    if (serve(&s) == 0)
        rc = 0;
    log_info("stopping");
cleanup:
    bus_pub_destroy(&s.pub);
    bus_server_destroy(&s.server);
    if (s.zctx)
        zmq_ctx_term(s.zctx);
    queue_destroy(&s.route);
    if (s.redis)
        redisFree(s.redis);
    if (s.pg)
        PQfinish(s.pg);
    config_destroy(&s.cfg);
    return rc;
}
