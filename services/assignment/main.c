/* main.c — jiesu-assignment: routes every new complaint to its street office.
 *
 *   jiesu-assignment [-c FILE]        (else the file named by $JIESU_CONFIG)
 *
 * Wiring only (common/svc does the start-up and requests): the routing rules
 * (route_rules.c) are loaded at start, as soon as the holidays change (a
 * version read before each batch) or a model is trained here, and every
 * assignment.reload_seconds by a thread of their own beside routing
 * (route_reload.c); one loop answers requests, once redacts the letters
 * split before routing redacted them (route_redact.c), runs the reconciler
 * every assignment.reconcile_seconds and routes a batch (route_worker.c), until
 * SIGTERM/SIGINT ends it after the current batch. Any
 * number of these processes may share one stream: the consumer group hands
 * each entry to one of them and the status check in the write makes a second
 * routing a no-op. Requests: "action.request", "model.learn" (route_api.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "clock.h"
#include "holidays.h"
#include "log.h"
#include "queue.h"
#include "route_api.h"
#include "route_gazetteer.h"
#include "route_rules.h"
#include "route_reconcile.h"
#include "route_redact.h"
#include "route_reload.h"
#include "route_worker.h"
#include "svc.h"
#include "users.h"

#define READ_BLOCK_MS 200       /* longest a request waits behind an idle stream read */
#define RETRY_PAUSE_MS 1000

typedef struct {
    route_api_state    api;         /* the request handlers' view (svc user pointer) */
    route_rules       *rules;
    queue             *route;
    route_worker      *worker;
    route_worker_opts  wopts;
    unsigned           redis_epoch; /* of the connection queue and worker are bound to */
    const char        *stream;
    long               reconcile_ms;
    long               reconcile_min_age_s;
    int64_t            next_reconcile;
    int                split_redacted;  /* letters split before routing redacted them are (route_redact.h) */
    route_reload      *reload;      /* the periodic loads */
} assignment;

static void on_view(service *s, const bus_request *req, const auth_principal *who)
{
    view_answer(s, req, who, ROUTE_VIEWS);
}

static const svc_route ROUTES[] = {
    {"action.request", route_api_action, AUTH_PEOPLE},     /* route_api.c checks each action's roles */
    {"user.request", users_request, AUTH_ADMIN},
    {"gazetteer.request", route_gazetteer_request, AUTH_ADMIN},
    {"view.request", on_view, AUTH_PEOPLE},
    {"model.learn", route_api_learn, AUTH_ADMIN | AUTH_DISPATCHER},
    {NULL, NULL, 0},
};

static void configure(assignment *a, const config *cfg)
{
    a->stream = config_str(cfg, "queue.route_stream");
    a->reconcile_ms = 1000 * config_long(cfg, "assignment.reconcile_seconds");
    a->reconcile_min_age_s = config_long(cfg, "assignment.reconcile_min_age_seconds");
    a->api.accept_seconds = config_long(cfg, "deadline.accept_seconds");
    a->api.resolve_seconds = config_long(cfg, "deadline.resolve_seconds");
    a->api.photo_max_bytes = (size_t)config_long(cfg, "assignment.photo_max_bytes");
    a->api.photo_max_count = (size_t)config_long(cfg, "assignment.photo_max_count");
    a->wopts = (route_worker_opts){
        .timers_key = config_str(cfg, "timers.key"),
        .accept_seconds = config_long(cfg, "deadline.accept_seconds"),
        .resolve_seconds = config_long(cfg, "deadline.resolve_seconds"),
        .max_returns = config_long(cfg, "assignment.max_returns"),
        .claim_idle_ms = config_long(cfg, "assignment.claim_idle_ms"),
        .batch_max = (size_t)config_long(cfg, "assignment.batch"),
    };
}

static void drop_worker(assignment *a)
{
    route_worker_destroy(&a->worker);
    queue_destroy(&a->route);
}

/* After a new Redis connection: orders filed while Redis was out of reach
 * are not on the stream (intake's XADD failed), nor is anything a restarted
 * server lost; the reconciler looks for them as soon as the youngest of them
 * is old enough for it, not a whole assignment.reconcile_seconds later. */
static void reconcile_soon(assignment *a)
{
    int64_t soon = clock_mono_ms() + 1000 * a->reconcile_min_age_s;
    if (a->next_reconcile > soon)
        a->next_reconcile = soon;
}

/* (Re)binds the routing queue and the worker to the service's Redis connection. 0 or -1. */
static int ensure_worker(assignment *a, service *s)
{
    char consumer[64];
    if (svc_ensure_redis(s) < 0)
        return -1;
    if (a->worker && a->redis_epoch == s->redis_epoch)
        return 0;
    drop_worker(a);
    snprintf(consumer, sizeof consumer, "assignment-%ld", (long)getpid());
    a->route = queue_new(s->redis, a->stream, config_str(s->cfg, "queue.route_group"), consumer);
    if (!a->route || queue_ensure_group(a->route) < 0) {
        log_error("Redis: routing stream %s: %s", a->stream, a->route ? queue_errstr(a->route) : "out of memory");
        return -1;
    }
    a->wopts.redis = s->redis;
    a->wopts.queue = a->route;
    if (!(a->worker = route_worker_new(&a->wopts))) {
        log_error("routing worker: out of memory or assignment.batch is 0");
        return -1;
    }
    if (a->redis_epoch != s->redis_epoch)
        reconcile_soon(a);
    a->redis_epoch = s->redis_epoch;
    return 0;
}

/* Logs, loudly, when the calendar the rules were loaded with runs out. */
static void warn_calendar(service *s)
{
    char warning[1024], err[512];
    if (holidays_warning(s->pg, (int64_t)time(NULL), config_utc_offset_min(s->cfg),
                         warning, sizeof warning, err, sizeof err) < 0)
        log_warn("%s", err);
    else if (*warning)
        log_warn("CALENDAR: %s", warning);
}

/* Routes with rules from now on: the worker is rebuilt over them by
 * ensure_worker, before the next batch (not here: Redis may be away, and the
 * rules are no less loaded for that). */
static void use_rules(assignment *a, service *s, route_rules *rules)
{
    route_worker_destroy(&a->worker);
    char model[64] = "no text model (`jiesu learn` trains one)";
    if (rules->model)
        snprintf(model, sizeof model, "text model v%d", rules->model_version);
    log_info("routing rules: %zu places, %zu categories, %s, holidays %s", route_places_count(rules->places),
             route_cat_count(rules->cats), model, rules->holidays_version);
    if (!a->rules || strcmp(a->rules->holidays_version, rules->holidays_version) != 0)
        warn_calendar(s);
    route_rules_destroy(&a->rules);
    a->rules = rules;
    a->wopts.pg = s->pg;
    a->wopts.pub = s->pub;
    a->wopts.rules = rules;
    a->api.rules = rules;
}

/* Loads the routing rules here and now, dropping a periodic load under way
 * (older than this one); on failure the rules in use stay. 0, or -1 when
 * there are none. */
static int load_rules(assignment *a, service *s)
{
    char err[512] = "";
    route_rules *rules = route_rules_load(s->pg, s->cfg, err, sizeof err);
    if (a->reload)
        route_reload_skip(a->reload);
    if (!rules) {
        log_error("%s", err);
        return a->rules ? 0 : -1;
    }
    use_rules(a, s, rules);
    return 0;
}

/* Once, on the first turn that can: the letters split before routing
 * redacted their problem part, redacted now. 0 or -1 (tried again next turn). */
static int redact_split(assignment *a, service *s)
{
    char err[512];
    if (a->split_redacted || !a->rules->decider.conduct_words)
        return 0;
    long n = route_redact_split(s->pg, a->rules->decider.conduct_words, a->wopts.batch_max, err, sizeof err);
    if (n < 0) {
        log_error("split letters: %s", err);
        return -1;
    }
    if (n > 0)
        log_info("split letters: %ld problem parts kept the whole letter; now without its accusing sentences", n);
    a->split_redacted = 1;
    return 0;
}

/* One turn of routing work: the reconciler when due, then a batch. 0 or -1. */
static int route_once(assignment *a, service *s)
{
    route_batch_stats st;
    char err[512];
    if (svc_ensure_pg(s, err, sizeof err) < 0)
        return -1;                          /* logged there, once a minute while it lasts */
    route_rules *loaded = route_reload_take(a->reload);
    if (loaded)
        use_rules(a, s, loaded);
    /* Now, not in the background: a model trained here, or the calendar changed. */
    int now = a->api.reload_now || route_rules_calendar_changed(a->rules, s->pg);
    a->api.reload_now = 0;
    if ((now && load_rules(a, s) < 0) || ensure_worker(a, s) < 0 || redact_split(a, s) < 0)
        return -1;
    if (clock_mono_ms() >= a->next_reconcile) {
        a->next_reconcile = clock_mono_ms() + a->reconcile_ms;
        long n = route_reconcile(s->pg, s->redis, a->route, a->stream, a->reconcile_min_age_s, a->wopts.batch_max,
                                 err, sizeof err);
        if (n < 0) {
            log_error("reconciler: %s", err);
            return -1;
        }
        if (n > 0)
            log_info("re-enqueued %ld complaints still new without a routing entry", n);
    }
    int64_t t0 = clock_mono_ms();
    if (route_worker_step(a->worker, READ_BLOCK_MS, &st) < 0)
        return -1;
    if (st.entries)
        log_info("batch entries=%zu claimed=%zu dispatched=%zu manual=%zu skipped=%zu left=%zu"
                 " read_us=%lld load_us=%lld decide_us=%lld write_us=%lld after_us=%lld ms=%lld", st.entries,
                 st.claimed, st.dispatched, st.manual, st.skipped, st.left, (long long)st.read_us,
                 (long long)st.load_us, (long long)st.decide_us, (long long)st.write_us, (long long)st.after_us,
                 (long long)(clock_mono_ms() - t0));
    return 0;
}

/* The configuration, the rules, and the thread that loads them again. 0 or -1 (logged). */
static int start(assignment *a, service *s)
{
    configure(a, s->cfg);
    if (load_rules(a, s) != 0)
        return -1;
    a->reload = route_reload_start(s->cfg);
    return a->reload ? 0 : -1;
}

int main(int argc, char **argv)
{
    assignment a = {0};
    service s;
    int rc = 1;
    if (svc_start(&s, "assignment", argc, argv, ROUTES, &a.api) == 0 && start(&a, &s) == 0) {
        log_info("assignment ready (stream %s)", a.stream);
        rc = 0;
        while (!svc_stopping() && rc == 0) {
            rc = svc_poll(&s, 0) < 0;
            if (rc == 0 && !svc_stopping() && route_once(&a, &s) < 0)
                rc = svc_poll(&s, RETRY_PAUSE_MS) < 0;  /* a failed turn pauses, still answering, then retries */
        }
        log_info("stopping");
    }
    route_reload_stop(&a.reload);
    drop_worker(&a);
    route_rules_destroy(&a.rules);
    svc_finish(&s);
    return rc;
}
