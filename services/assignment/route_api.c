/* route_api.c — answers the assignment service's requests (see route_api.h). */
#include "route_api.h"

#include <stdlib.h>
#include <string.h>


#include "config.h"
#include "db.h"
#include "intake_pick.h"
#include "log.h"
#include "names.h"
#include "photos.h"
#include "queue.h"
#include "route_actions.h"
#include "route_extend.h"
#include "route_learn_db.h"
#include "route_learn_file.h"
#include "route_say.h"
#include "text.h"

#define ERR_REFUSED 409

static void publish_move(service *s, const bus_request *req, const Jiesu__ActionRequest *rq,
                         const auth_principal *who, const route_action_result *res)
{
    Jiesu__StatusChange ev = JIESU__STATUS_CHANGE__INIT;
    ev.complaint_id = res->complaint_id;
    ev.ticket_no = rq->ticket_no;
    ev.from_status = (char *)res->from;
    ev.to_status = (char *)res->to;
    ev.actor = (char *)who->name;
    ev.reason = rq->reason;
    ev.at_ms = res->at_ms;
    bus_pub_send(s->pub, "complaint.status", &ev.base, req->env->trace_id);
}

/* Puts a returned or reopened order on the routing stream. When Redis fails
 * the reconciler finds it within assignment.reconcile_seconds. */
static void enqueue(service *s, int64_t id)
{
    const char *stream = config_str(s->cfg, "queue.route_stream");
    queue *q = svc_ensure_redis(s) == 0
                   ? queue_new(s->redis, stream, config_str(s->cfg, "queue.route_group"), "api")
                   : NULL;
    if (!q || queue_add(q, &id, 1) != 0)
        log_warn("Redis: order %lld waits for routing but could not be enqueued on %s; the reconciler will",
                 (long long)id, stream);
    queue_destroy(&q);
}

/* route_action_req.due: a dispatch by hand's deadlines, the limits of the
 * order's category (or the one the dispatch puts it in) and urgency from
 * now, read under the order's lock. */
static void dispatch_due(void *ctx, const char *category, const char *urgency, int64_t now_ms, int64_t *accept_ms,
                         int64_t *resolve_ms)
{
    const route_api_state *st = ctx;
    long accept, resolve;
    route_rules_limits(st->rules, category, urgency, &accept, &resolve);
    *accept_ms = route_rules_due_ms(st->rules, now_ms, st->accept_seconds, accept);
    *resolve_ms = route_rules_due_ms(st->rules, now_ms, st->resolve_seconds, resolve);
}

/* Who may take each action: a dispatcher dispatches and hands orders back
 * to the hotline, a callback agent
 * records callbacks, the unit holding an order does the rest (as its own
 * unit, never one it names), its requests for more time included. Discipline inspection records the callbacks
 * of the conduct complaints it holds, as their unit: no callback agent may
 * read them; and it decides their requests for more time, which no
 * dispatcher reads, as a dispatcher decides the others'. */
static auth_role action_roles(const char *action)
{
    if (strcmp(action, "dispatch") == 0 || strcmp(action, "handback") == 0)
        return AUTH_DISPATCHER;
    if (strcmp(action, "extension_approve") == 0 || strcmp(action, "extension_reject") == 0)
        return AUTH_DISPATCHER | AUTH_DISCIPLINE;
    if (strcmp(action, "callback") == 0)
        return AUTH_CALLBACK | AUTH_DISCIPLINE;
    return AUTH_HANDLER | AUTH_DISCIPLINE;
}

/* 0 when who may take rq's action, else -1 after answering why not. */
static int check_actor(service *s, const bus_request *req, const Jiesu__ActionRequest *rq, const auth_principal *who)
{
    char roles[128];
    auth_role allowed = action_roles(rq->action);
    if (who->role & allowed)
        return 0;
    auth_roles_say(allowed, roles, sizeof roles);
    log_warn("refused %s of order %s to %s (%s)", rq->action, rq->ticket_no, who->name, auth_role_title(who->role));
    bus_server_reply_error(s->server, req, SVC_ERR_FORBIDDEN, "%s 的角色是%s；只有%s可以这样做", who->name,
                           auth_role_title(who->role), roles);
    return -1;
}

/* 0 when rq's photos may go with its action (only a resolve's, each
 * acceptable), else -1 after answering 400. */
static int check_photos(service *s, const bus_request *req, const Jiesu__ActionRequest *rq, const photos_set *set)
{
    const route_api_state *st = s->user;
    char err[300];
    if (rq->n_photos > 0 && strcmp(rq->action, "resolve") != 0) {
        bus_server_reply_error(s->server, req, SVC_ERR_BAD_REQUEST, "只有办结可以附照片");
        return -1;
    }
    if (photos_check(set, st->photo_max_bytes, st->photo_max_count, err, sizeof err) < 0) {
        bus_server_reply_error(s->server, req, SVC_ERR_BAD_REQUEST, "%s", err);
        return -1;
    }
    return 0;
}

/* An extension request or decision (route_extend.h) of rq by who. As route_action(). */
static int extend(service *s, const Jiesu__ActionRequest *rq, const auth_principal *who, route_action_result *res,
                  char *err, size_t errlen)
{
    route_extend_req er = {.ticket_no = rq->ticket_no, .action = rq->action,
                           .unit_code = who->role & AUTH_UNIT_ROLES ? who->unit_code : "", .principal = who->id,
                           .actor = who->name, .reason = rq->reason, .due = rq->due,
                           .day_end = config_str(s->cfg, "calendar.day_end"),
                           .timezone = config_str(s->cfg, "timezone"),
                           .max_days = config_long(s->cfg, "assignment.extension_max_days")};
    return route_extend(s->pg, &er, res, err, errlen);
}

void route_api_action(service *s, const bus_request *req, const auth_principal *who)
{
    char err[512] = "";
    route_action_result res;
    Jiesu__ActionRequest *rq = BUS_UNPACK(action_request, req->env);
    if (!rq) {
        bus_server_reply_error(s->server, req, SVC_ERR_BAD_REQUEST, "action.request: malformed payload");
        return;
    }
    int dispatch = strcmp(rq->action, "dispatch") == 0, rc = 0;
    photos_set photos = {rq->photos, rq->n_photos, who->name};
    route_action_req ar = {.ticket_no = rq->ticket_no, .action = rq->action,
                           .unit_code = who->role & AUTH_UNIT_ROLES ? who->unit_code : "",
                           .principal = who->id, .actor = who->name, .reason = rq->reason, .result = rq->result,
                           .target_unit = dispatch ? rq->unit_code : "",
                           .shown_holder = dispatch ? rq->shown_holder : "",
                           .category = dispatch ? rq->category : "", .due = dispatch ? dispatch_due : NULL,
                           .due_ctx = s->user,
                           .in_tx = rq->n_photos ? photos_store : NULL, .in_tx_ctx = &photos};
    if (check_actor(s, req, rq, who) < 0 || check_photos(s, req, rq, &photos) < 0) {
        /* answered */
    } else if (svc_ensure_pg(s, err, sizeof err) < 0) {
        svc_reply_failed(s, req, SVC_ERR_INTERNAL, err);
    } else if ((rc = route_extend_is(rq->action) ? extend(s, rq, who, &res, err, sizeof err)
                                                 : route_action(s->pg, &ar, &res, err, sizeof err)) == -2) {
        svc_reply_failed(s, req, SVC_ERR_INTERNAL, err);
    } else if (rc != 0) {
        log_info("refused %s of order %s by %s: %s", rq->action, rq->ticket_no, who->name, err);
        bus_server_reply_error(s->server, req, ERR_REFUSED, "%s", err);
    } else {
        Jiesu__ActionReply reply = JIESU__ACTION_REPLY__INIT;
        reply.ticket_no = rq->ticket_no;
        reply.status = res.to;
        reply.message = (char *)(*res.note ? res.note : res.changed ? names_action_done(rq->action)
                                                                  : "此前已办理，未作改动");
        reply.reassigned = res.reassigned;
        reply.unchanged = !res.changed;
        bus_server_reply(s->server, req, "action.reply", &reply.base);
        if (res.reroute)
            enqueue(s, res.complaint_id);
        for (int i = 0; i < res.n_rerouted; i++)
            enqueue(s, res.rerouted[i]);
        if (res.changed && !route_extend_is(rq->action))    /* an extension moves no status */
            publish_move(s, req, rq, who, &res);
    }
    jiesu__action_request__free_unpacked(rq, NULL);
}

/* ---- model.learn ---- */

typedef struct {
    route_learn_set     *set;
    const route_cat     *cats;
    route_learn_unknown  unknown;
    route_learn_refused  refused;
} learn_rows;

static int on_labelled(void *ctx, const char *text, const char *label)
{
    learn_rows *l = ctx;
    return route_learn_add_labelled(l->set, l->cats, text, label, &l->unknown);
}

/* Reads the texts (the file sent, its layout known by the import profiles;
 * else the settled orders). -1 with err. */
static long learn_read(service *s, const Jiesu__LearnRequest *rq, const char *name, learn_rows *l, char *err,
                       size_t errlen)
{
    char buf[1024];
    if (rq->file.len)
        return route_learn_file_read_bytes(rq->file.data, rq->file.len, name, intake_pick_dir(s->cfg, buf, sizeof buf),
                                           &l->refused, on_labelled, l, err, errlen);
    return route_learn_db_settled(s->pg, l->cats, l->set, &l->unknown, err, errlen);
}

static void learn_reply(service *s, const bus_request *req, int version, const route_learn_stats *st,
                        const learn_rows *l, const char *source)
{
    Jiesu__LearnReply r = JIESU__LEARN_REPLY__INIT;
    char labels[sizeof l->unknown.examples + sizeof ROUTE_LEARN_LABELS_HOW + 8];
    snprintf(labels, sizeof labels, "%s；%s", l->unknown.examples, ROUTE_LEARN_LABELS_HOW);
    r.version = version;
    r.texts = (int64_t)st->texts;
    r.skipped = l->unknown.skipped;
    r.classes = (int32_t)st->classes;
    r.macro_f1 = st->macro_f1;
    r.accuracy = st->accuracy;
    r.train = (int64_t)st->train;
    r.test = (int64_t)st->test;
    r.seconds = st->seconds;
    r.source = (char *)source;
    r.unknown_labels = labels;      /* the CLI prints "（如 %s）" */
    r.refused = l->refused.rows;
    r.first_refused = (char *)l->refused.first;
    bus_server_reply(s->server, req, "model.learned", &r.base);
}

/* A refused training says how many rows were passed over, for a label that
 * is no category or as rows an import would refuse: often the reason too
 * few were left. */
static void say_skipped(const learn_rows *l, char *err, size_t errlen)
{
    size_t len = strlen(err);
    if (l->unknown.skipped)
        route_say(err, errlen, &len, "（另有 %ld 行的类别不是分类表里的，没有用上：如 %s；" ROUTE_LEARN_LABELS_HOW "）",
                  l->unknown.skipped, l->unknown.examples);
    if (l->refused.rows)
        route_say(err, errlen, &len, "（另有 %ld 行导入时会被拒收，没有用上：如%s）", l->refused.rows,
                  l->refused.first);
}

void route_api_learn(service *s, const bus_request *req, const auth_principal *who)
{
    char err[4096] = "", source[512], name[256];   /* a refusal may name the import profiles set aside */
    route_api_state *st = s->user;
    route_learn_stats stats;
    route_model *m = NULL;
    Jiesu__LearnRequest *rq = BUS_UNPACK(learn_request, req->env);
    learn_rows l = {.set = route_learn_set_new(0), .cats = st->rules->cats};
    if (rq)
        text_file_name(name, sizeof name, *rq->file_name ? rq->file_name : "上传的文件");
    snprintf(source, sizeof source, "%s（%s 训练）", rq && rq->file.len ? name : "已办结的工单", who->name);
    if (!rq || !l.set) {
        bus_server_reply_error(s->server, req, rq ? SVC_ERR_INTERNAL : SVC_ERR_BAD_REQUEST,
                               rq ? "model.learn: out of memory" : "model.learn: malformed payload");
    } else if (svc_ensure_pg(s, err, sizeof err) < 0) {
        svc_reply_failed(s, req, SVC_ERR_INTERNAL, err);
    } else if (learn_read(s, rq, name, &l, err, sizeof err) < 0 ||
               !(m = route_learn_train(l.set, &(route_learn_opts){.holdout = 1, .settled = !rq->file.len}, &stats, err,
                                       sizeof err))) {
        say_skipped(&l, err, sizeof err);
        size_t len = strlen(err);
        if (!rq->file.len)      /* no rows to add or drop: what a dispatcher can do is wait, or give a file */
            route_say(err, sizeof err, &len, "；这些是已办结的工单：等它们多了再训练，"
                      "或用已标注的导出文件训练（jiesu learn 文件）");
        bus_server_reply_error(s->server, req, SVC_ERR_BAD_REQUEST, "%s", err);
    } else {
        int version = route_learn_db_store(s->pg, m, &stats, source, who->name, err, sizeof err);
        if (version < 0) {
            bus_server_reply_error(s->server, req, SVC_ERR_INTERNAL, "%s", err);
        } else {
            log_info("model v%d from %s: %zu texts, %zu categories, held-back macro-F1 %.3f, %.1f s", version, source,
                     stats.texts, stats.classes, stats.macro_f1, stats.seconds);
            learn_reply(s, req, version, &stats, &l, source);
            st->reload_now = 1;
        }
    }
    route_model_destroy(&m);
    route_learn_set_destroy(&l.set);
    if (rq)
        jiesu__learn_request__free_unpacked(rq, NULL);
}
