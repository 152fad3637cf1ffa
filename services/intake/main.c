/* main.c — jiesu-intake: imports hotline exports on request.
 *
 *   jiesu-intake [-c FILE]        (else the file named by $JIESU_CONFIG)
 *
 * Wiring only (common/svc does the start-up and requests): "import.request"
 * → "import.reply" (or "error" naming the file), and each finished import is
 * published as "complaint.imported". The import itself is intake_import.c; a
 * signal during an import stops it after the current batch. Single
 * complaints also arrive over Open311 HTTP on intake.http_addr
 * (intake_open311.c).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "intake_import.h"
#include "intake_open311.h"
#include "log.h"
#include "queue.h"
#include "svc.h"

#define ERR_IMPORT_FAILED 500

typedef struct {
    queue              *route;
    intake_open311     *open311;        /* NULL when intake.http_addr is empty */
    unsigned            redis_epoch;    /* of the connection route is bound to */
    intake_import_opts  opts;
} intake;

/* Starts the Open311 server on intake.http_addr unless it is "off". Like
 * reporting's HTTP, a server that cannot start is logged and the service runs
 * on without it: file imports do not depend on it. */
static void start_open311(intake *in, service *s)
{
    char err[700];
    intake_open311_opts o = {
        .http_addr = config_get(s->cfg, "intake.http_addr", "127.0.0.1:7103"),
        .pg_conninfo = config_get(s->cfg, "pg.conninfo", "dbname=jiesu"),
        .redis_addr = config_get(s->cfg, "redis.addr", "127.0.0.1:6379"),
        .redis_password_file = config_get(s->cfg, "redis.password_file", ""),
        .route_stream = config_get(s->cfg, "queue.route_stream", "jiesu:route"),
        .route_group = config_get(s->cfg, "queue.route_group", "assignment"),
        .utc_offset_min = in->opts.utc_offset_min,
        .max_field = in->opts.csv.max_field,
    };
    if (!*o.http_addr || strcmp(o.http_addr, "off") == 0)
        return;
    if (!(in->open311 = intake_open311_start(&o, err, sizeof err)))
        log_error("%s; running without it", err);
}

static void configure(intake *in, service *s)
{
    in->opts.rejects_dir = config_get(s->cfg, "intake.rejects_dir", "var/rejects");
    in->opts.batch_rows = (size_t)config_get_long(s->cfg, "intake.batch_rows", INTAKE_BATCH_ROWS);
    in->opts.utc_offset_min = (int)config_get_long(s->cfg, "intake.utc_offset_minutes", 480);
    in->opts.csv.max_field = (size_t)config_get_long(s->cfg, "intake.max_field_chars", 32767);
    in->opts.stop = svc_stop_flag();
}

/* (Re)binds the routing queue to the service's Redis connection. 0 or -1. */
static int ensure_route(intake *in, service *s)
{
    char consumer[64];
    if (svc_ensure_redis(s) < 0)
        return -1;
    if (in->route && in->redis_epoch == s->redis_epoch)
        return 0;
    in->opts.route = NULL;
    queue_destroy(&in->route);
    snprintf(consumer, sizeof consumer, "intake-%ld", (long)getpid());
    in->route = queue_new(s->redis, config_get(s->cfg, "queue.route_stream", "jiesu:route"),
                          config_get(s->cfg, "queue.route_group", "assignment"), consumer);
    /* The group exists before the first entry, so assignment reads every id
     * even when it starts after an import. */
    if (!in->route || queue_ensure_group(in->route) < 0) {
        log_error("Redis: routing stream: %s", in->route ? queue_errstr(in->route) : "out of memory");
        return -1;
    }
    in->redis_epoch = s->redis_epoch;
    in->opts.route = in->route;
    return 0;
}

static void reply_import(service *s, const bus_request *req, const intake_result *res)
{
    Jiesu__ImportReply reply = JIESU__IMPORT_REPLY__INIT;
    reply.import_id = res->import_id;
    reply.rows_total = res->rows_total;
    reply.inserted = res->inserted;
    reply.duplicates = res->duplicates;
    reply.rejected = res->rejected;
    reply.rejects_path = (char *)res->rejects_path;
    reply.sha256 = (char *)res->sha256;
    reply.elapsed_ms = res->elapsed_ms;
    reply.encoding = (char *)res->encoding;
    bus_server_reply(s->server, req, "import.reply", &reply.base);
    bus_pub_send(s->pub, "complaint.imported", &reply.base, req->env->trace_id);
}

static void on_import(service *s, const bus_request *req)
{
    intake *in = s->user;
    char err[1024] = "";
    intake_result res;
    Jiesu__ImportRequest *rq = BUS_UNPACK(import_request, req->env);
    if (!rq || !*rq->path) {
        bus_server_reply_error(s->server, req, SVC_ERR_BAD_REQUEST, "import.request without a file path");
    } else if (svc_ensure_pg(s) < 0) {
        bus_server_reply_error(s->server, req, ERR_IMPORT_FAILED, "import failed: database unavailable");
    } else {
        if (ensure_route(in, s) < 0)
            log_warn("importing %s without Redis: the assignment reconciler will enqueue its rows", rq->path);
        in->opts.pg = s->pg;
        if (intake_import(&in->opts, rq->path, *rq->file_name ? rq->file_name : NULL, &res, err, sizeof err) < 0) {
            log_error("import failed: %s", err);
            bus_server_reply_error(s->server, req, ERR_IMPORT_FAILED, "import failed: %s", err);
        } else {
            reply_import(s, req, &res);
        }
    }
    if (rq)
        jiesu__import_request__free_unpacked(rq, NULL);
}

static const svc_route ROUTES[] = {{"import.request", on_import}, {NULL, NULL}};

int main(int argc, char **argv)
{
    intake in = {0};
    service s;
    int rc = 1;
    if (svc_start(&s, "intake", argc, argv, ROUTES, &in) == 0) {
        configure(&in, &s);
        start_open311(&in, &s);
        if (ensure_route(&in, &s) < 0)
            log_warn("starting without Redis; imports will still be routed by the reconciler");
        log_info("intake ready");
        rc = 0;
        while (!svc_stopping() && rc == 0)
            rc = svc_poll(&s, 1000) < 0;
        log_info("stopping");
    }
    intake_open311_stop(&in.open311);
    queue_destroy(&in.route);
    svc_finish(&s);
    return rc;
}
