/* main.c — jiesu-intake: imports hotline exports on request.
 *
 *   jiesu-intake [-c FILE]        (else the file named by $JIESU_CONFIG)
 *
 * Wiring only (common/svc does the start-up and requests): a clerk's file
 * arrives in "import.upload" chunks (intake_upload.c); the last one imports
 * it, reporting "import.progress" after each batch and answering
 * "import.reply" (or "error" naming the file), and each finished import is
 * published as "complaint.imported"; the clerk then fetches the import's
 * rejects file in "rejects.fetch" chunks (intake_fetch.c). The import itself
 * is intake_import.c; a signal during an import stops it after the current
 * batch. An import that stopped part way, some of the file stored, is
 * answered and published as "import.reply" too, saying why (failed), with
 * its number and the stored part's counts and rejects file; its record is
 * marked failed then, or, when the database went away, as soon as intake
 * reaches it again (sweep_imports). Single complaints also arrive over
 * Open311 HTTP on intake.http_addr (intake_open311.c).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "intake_fetch.h"
#include "intake_import.h"
#include "intake_open311.h"
#include "intake_pick.h"
#include "intake_record.h"
#include "intake_profile.h"
#include "intake_rejects.h"
#include "intake_reply.h"
#include "intake_upload.h"
#include "log.h"
#include "queue.h"
#include "svc.h"

#define ERR_IMPORT_FAILED 500
/* A request whose payload does not unpack: the sender's program is at fault. */
#define MALFORMED "工单受理服务读不懂这个请求（发请求的程序和它的版本对不上？）：请告知系统管理员"

typedef struct {
    queue              *route;
    intake_open311     *open311;        /* NULL when intake.http_addr is empty */
    intake_uploads     *uploads;        /* files being sent by clerks */
    unsigned            redis_epoch;    /* of the connection route is bound to */
    intake_import_opts  opts;
    int                 sweep_owed;     /* an imports row may be left running (sweep_imports) */
    int                 utc_offset_min; /* local time of Open311 complaints */
    char                profiles_dir[1024];
} intake;

/* Starts the Open311 server on intake.http_addr unless it is "off". Like
 * reporting's HTTP, a server that cannot start is logged and the service runs
 * on without it: file imports do not depend on it; its pong says so
 * (`jiesu status`). */
static void start_open311(intake *in, service *s)
{
    char err[700];
    http_limits limits;
    intake_open311_opts o = {
        .http_addr = config_str(s->cfg, "intake.http_addr"),
        .pg_conninfo = config_str(s->cfg, "pg.conninfo"),
        .redis_addr = config_str(s->cfg, "redis.addr"),
        .redis_password_file = config_str(s->cfg, "redis.password_file"),
        .route_stream = config_str(s->cfg, "queue.route_stream"),
        .route_group = config_str(s->cfg, "queue.route_group"),
        .utc_offset_min = in->utc_offset_min,
        .max_field = in->opts.csv.max_field,
        .rate_per_minute = (int)config_long(s->cfg, "intake.open311_rate_per_minute"),
        .limits = &limits,
    };
    if (!*o.http_addr || strcmp(o.http_addr, "off") == 0)
        return;
    http_limits_load(&limits, s->cfg);
    limits.threads = (unsigned)config_long(s->cfg, "intake.open311_threads");
    if (!(in->open311 = intake_open311_start(&o, err, sizeof err)))
        log_error("%s; running without it", err);
    svc_http(s, o.http_addr, intake_open311_port(in->open311));
}

/* Where uploads are spooled, and how big one may be; the rejects directory
 * made private again (a file an older version left open is closed). 0 or -1
 * (logged). */
static int start_files(intake *in, service *s)
{
    char err[512];
    long long max = (long long)config_long(s->cfg, "intake.max_upload_bytes");
    in->uploads = intake_uploads_new(config_str(s->cfg, "intake.spool_dir"), max,
                                     err, sizeof err);
    if (!in->uploads || intake_rejects_secure(config_str(s->cfg, "intake.rejects_dir"), err, sizeof err) < 0) {
        log_error("%s", err);
        return -1;
    }
    return 0;
}

static void configure(intake *in, service *s)
{
    in->opts.rejects_dir = config_str(s->cfg, "intake.rejects_dir");
    in->opts.batch_rows = (size_t)config_long(s->cfg, "intake.batch_rows");
    in->utc_offset_min = config_utc_offset_min(s->cfg);
    in->opts.profiles_dir = intake_pick_dir(s->cfg, in->profiles_dir, sizeof in->profiles_dir);
    in->opts.csv.max_field = (size_t)config_long(s->cfg, "intake.max_field_chars");
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
    in->route = queue_new(s->redis, config_str(s->cfg, "queue.route_stream"),
                          config_str(s->cfg, "queue.route_group"), consumer);
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

/* Marks failed the imports left running by a process that no longer runs
 * them: at start (a killed intake's) and after an import that failed, whose
 * end may not have been recorded (the database gone), as soon as PostgreSQL
 * answers; else such an import read as still running until the next one,
 * and its rejects could not be fetched. */
static void sweep_imports(intake *in, service *s)
{
    char err[600];
    if (!in->sweep_owed || svc_ensure_pg(s, err, sizeof err) < 0)
        return;
    if (intake_record_fail_orphans(s->pg, err, sizeof err) < 0)
        log_warn("marking imports that stopped as failed: %s", err);
    else
        in->sweep_owed = 0;
}

static void reply_import(service *s, const bus_request *req, const intake_result *res,
                         const intake_import_opts *opts, const char *failed)
{
    int dry_run = opts->dry_run;
    Jiesu__ImportReply *reply = intake_reply_import(res, dry_run, opts->door, failed);
    if (!reply) {
        log_error("import %" PRId64 " answered: out of memory", res->import_id);
        if (dry_run)
            bus_server_reply_error(s->server, req, ERR_IMPORT_FAILED, "工单受理服务内存不足，写不出试导入的结果：请过一会儿再试导入");
        else
            bus_server_reply_error(s->server, req, ERR_IMPORT_FAILED, "工单受理服务内存不足，写不出这次导入的结果：请看%s里"
                                   "它是否做完；再导入也无妨，已入库的工单不会重复入库",
                                   opts->door == INTAKE_ON_PAGE ? "导入页面的“最近的导入”" : " jiesu imports ");
        return;
    }
    bus_server_reply(s->server, req, "import.reply", &reply->base);
    if (!dry_run)
        bus_pub_send(s->pub, "complaint.imported", &reply->base, req->env->trace_id);
    jiesu__import_reply__free_unpacked(reply, NULL);
}

/* Reports a committed batch to the clerk waiting for the import. */
typedef struct {
    service          *s;
    const bus_request *req;
} progress_to;

/* Tells the clerk the profile and the warnings before the first row. */
static void report_start(void *ctx, const intake_result *res)
{
    progress_to *to = ctx;
    Jiesu__ImportProgress *p = intake_reply_started(res);
    if (p)
        bus_server_reply(to->s->server, to->req, "import.progress", &p->base);
    jiesu__import_progress__free_unpacked(p, NULL);
}

static void report_progress(void *ctx, int64_t rows, uint64_t bytes)
{
    progress_to *to = ctx;
    Jiesu__ImportProgress p = JIESU__IMPORT_PROGRESS__INIT;
    p.rows = rows;
    p.bytes = (int64_t)bytes;
    bus_server_reply(to->s->server, to->req, "import.progress", &p.base);
}

/* Imports a whole uploaded file for who, as its last chunk asks, and answers. */
static void import_upload(service *s, const bus_request *req, const auth_principal *who,
                          const intake_upload_state *st, const Jiesu__ImportUpload *last)
{
    intake *in = s->user;
    char err[6000] = "";
    intake_result res;
    progress_to to = {s, req};
    if (svc_ensure_pg(s, err, sizeof err) < 0) {
        svc_reply_failed(s, req, ERR_IMPORT_FAILED, err);
        return;
    }
    if (ensure_route(in, s) < 0)
        log_warn("importing %s without Redis: the assignment reconciler will enqueue its rows", st->file_name);
    intake_import_opts opts = in->opts;
    opts.pg = s->pg;
    opts.actor = who->name;
    opts.sha256 = st->sha256;
    opts.progress = report_progress;
    opts.started = report_start;
    opts.progress_ctx = &to;
    opts.profile = last->profile;
    opts.profile_text = *last->profile_text ? last->profile_text : NULL;
    opts.dry_run = last->dry_run;
    opts.door = last->from_page ? INTAKE_ON_PAGE : INTAKE_AT_TERMINAL;
    int rc = intake_import(&opts, st->path, st->file_name, &res, err, sizeof err);
    if (rc < 0) {
        log_error("import of %s by %s failed: %s", st->file_name, who->name, err);
        in->sweep_owed |= res.import_id > 0;
    }
    if (rc < 0 && res.rows_total == 0)
        bus_server_reply_error(s->server, req, ERR_IMPORT_FAILED, "%s", err);
    else
        reply_import(s, req, &res, &opts, rc < 0 ? err : NULL);
}

static void on_upload(service *s, const bus_request *req, const auth_principal *who)
{
    intake *in = s->user;
    char err[1024] = "";
    int code = SVC_ERR_BAD_REQUEST;
    intake_upload_state st;
    Jiesu__ImportUpload *rq = BUS_UNPACK(import_upload, req->env);
    int rc = rq ? intake_uploads_put(in->uploads, who->name, rq, &st, &code, err, sizeof err) : -1;
    if (rc < 0) {
        bus_server_reply_error(s->server, req, code, "%s", rq ? err : MALFORMED);
    } else if (rc == 0) {
        Jiesu__UploadReply reply = JIESU__UPLOAD_REPLY__INIT;
        reply.upload_id = st.id;
        reply.received = st.received;
        bus_server_reply(s->server, req, "import.uploaded", &reply.base);
    } else {
        import_upload(s, req, who, &st, rq);
        intake_uploads_done(in->uploads, st.id);
    }
    if (rq)
        jiesu__import_upload__free_unpacked(rq, NULL);
}

/* A chunk of an import's rejects file, for the clerk who ran the import or
 * an administrator (intake_fetch.c checks and logs). */
static void on_rejects(service *s, const bus_request *req, const auth_principal *who)
{
    intake *in = s->user;
    char err[1024] = "", name[256];
    int code = SVC_ERR_INTERNAL;
    Jiesu__RejectsChunk chunk = JIESU__REJECTS_CHUNK__INIT;
    Jiesu__RejectsRequest *rq = BUS_UNPACK(rejects_request, req->env);
    uint8_t *buf = rq ? malloc(INTAKE_FETCH_CHUNK) : NULL;
    sweep_imports(in, s);     /* an import that stopped is not "still running" */
    if (!rq) {
        bus_server_reply_error(s->server, req, SVC_ERR_BAD_REQUEST, "%s", MALFORMED);
    } else if (!buf) {
        svc_reply_failed(s, req, SVC_ERR_INTERNAL, "rejects.fetch: out of memory");
    } else if (svc_ensure_pg(s, err, sizeof err) < 0 ||
               intake_fetch_rejects(s->pg, in->opts.rejects_dir, who, rq, &chunk, buf, name, &code, err,
                                    sizeof err) < 0) {
        if (code == SVC_ERR_INTERNAL)   /* the database's or the system's words: logged, not shown */
            svc_reply_failed(s, req, code, err);
        else
            bus_server_reply_error(s->server, req, code, "%s", err);
    } else {
        bus_server_reply(s->server, req, "rejects.chunk", &chunk.base);
    }
    free(buf);
    if (rq)
        jiesu__rejects_request__free_unpacked(rq, NULL);
}

/* The ping's warning (`jiesu status`): import profiles set aside, each with
 * its file and what is wrong, or the directory that cannot be read (no
 * import can be made), so an administrator learns of it before a clerk's
 * import needs it. */
static void profiles_warning(service *s, char *out, size_t cap)
{
    intake *in = s->user;
    intake_profiles *set = intake_profiles_load(in->opts.profiles_dir, out, cap);
    if (set)
        intake_profiles_faults_text(set, INTAKE_AT_TERMINAL, out, cap);
    intake_profiles_destroy(&set);
}

/* The warning at start, a log line each, as escalation logs the holiday
 * calendar's: whoever starts intake reads there what jiesu status says. */
static void log_profiles_warning(service *s)
{
    char warning[1024] = "", *save = NULL;
    profiles_warning(s, warning, sizeof warning);
    for (char *line = strtok_r(warning, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
        log_warn("%s", line);
}

/* `jiesu profiles [NAME]`: the import profiles, or one of them, as a view. */
static void on_view(service *s, const bus_request *req, const auth_principal *who)
{
    intake *in = s->user;
    char why[2000] = "";
    Jiesu__ViewRequest *rq = BUS_UNPACK(view_request, req->env);
    intake_profiles *set = NULL;
    Jiesu__ViewReply *reply = NULL;
    (void)who;
    if (!rq || strcmp(rq->name, "profiles") != 0 || rq->n_args > 1)
        snprintf(why, sizeof why, "工单受理服务只给导入模板的视图（profiles [模板名]）：请用 jiesu profiles [模板名] 查看");
    else if ((set = intake_profiles_load(in->opts.profiles_dir, why, sizeof why)))
        reply = intake_reply_profiles(set, rq->n_args ? rq->args[0] : NULL, why, sizeof why);
    if (reply)
        bus_server_reply(s->server, req, "view.reply", &reply->base);
    else
        bus_server_reply_error(s->server, req, SVC_ERR_BAD_REQUEST, "%s", why);
    if (reply)
        jiesu__view_reply__free_unpacked(reply, NULL);
    intake_profiles_destroy(&set);
    if (rq)
        jiesu__view_request__free_unpacked(rq, NULL);
}

static const svc_route ROUTES[] = {{"import.upload", on_upload, AUTH_CLERK},
                                   {"rejects.fetch", on_rejects, AUTH_CLERK | AUTH_ADMIN},
                                   {"view.request", on_view, AUTH_CLERK | AUTH_ADMIN},
                                   {NULL, NULL, 0}};

int main(int argc, char **argv)
{
    intake in = {.sweep_owed = 1};
    service s;
    int rc = 1;
    if (svc_start(&s, "intake", argc, argv, ROUTES, &in) == 0 && start_files(&in, &s) == 0) {
        configure(&in, &s);
        s.warning = profiles_warning;
        log_profiles_warning(&s);
        start_open311(&in, &s);
        if (ensure_route(&in, &s) < 0)
            log_warn("starting without Redis; imports will still be routed by the reconciler");
        log_info("intake ready");
        rc = 0;
        while (!svc_stopping() && rc == 0) {
            rc = svc_poll(&s, 1000) < 0;
            sweep_imports(&in, &s);
            intake_uploads_expire(in.uploads);
        }
        log_info("stopping");
    }
    intake_uploads_destroy(&in.uploads);
    intake_open311_stop(&in.open311);
    queue_destroy(&in.route);
    svc_finish(&s);
    return rc;
}
