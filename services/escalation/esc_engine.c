/* esc_engine.c — ticks of the escalation service and its webhook senders (see esc_engine.h). */
#include "esc_engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "esc_holds.h"
#include "esc_ladder.h"
#include "esc_timers.h"
#include "log.h"
#include "timers.h"

#define FIRE_BATCH_MIN 64
#define FIRE_BATCH_MAX 4096
#define FIRE_BATCH_MS 300     /* a firing batch grows or shrinks to take about this long */
#define FIRE_BATCH_FIRST 512
#define FIRE_SLICE_MS 500     /* longest run of firing before requests and signals are looked at */
#define PLAN_BATCH 2000       /* 1M overdue deadlines planned and fired 10% sooner than by 1,000; 4,000 no sooner */
#define PLAN_SLICE_MS 150     /* longest run of planning per tick: about a third of the firing slice */
#define RECONCILE_BATCH 1000
#define RECONCILE_SLICE_MS 100  /* longest run of re-arming per tick */
#define PATTERNS_SLICE_MS 100   /* longest run of handling pattern candidates per tick */
#define SWEEP_MS 1000
#define MIN_WAIT_MS 10          /* what is still due now was put back as early: let the clocks agree */
#define DELIVER_BATCH 20
#define DELIVER_IDLE_MS 200
#define HOLD_MARGIN_MS 30000   /* a delivery's transaction may stay idle its POST's limit and this long */
#define CONNECT_WAIT_MS 1000   /* a sender tries to connect this long at a time, so a stop is seen between tries */

int esc_engine_init(esc_engine *e, const config *cfg, char *err, size_t errlen)
{
    memset(e, 0, sizeof *e);
    e->fire_batch = FIRE_BATCH_FIRST;
    esc_engine_rearm(e);
    e->ctx.key = config_str(cfg, "timers.key");
    e->ctx.err = e->err;
    e->ctx.errlen = sizeof e->err;
    e->ctx.utc_offset_min = config_utc_offset_min(cfg);
    e->ctx.webhook_url = config_str(cfg, "escalation.webhook_url");
    e->reconcile_ms = 1000 * config_long(cfg, "escalation.reconcile_seconds");
    e->patterns_ms = 1000 * config_long(cfg, "escalation.patterns_seconds");
    e->hold_days = (int)config_long(cfg, "escalation.hold_alert_days");
    e->patterns = (esc_pattern_cfg){
        .repeat_count = (int)config_long(cfg, "escalation.repeat_count"),
        .repeat_window_days = (int)config_long(cfg, "escalation.repeat_window_days"),
        .rebound_window_days = (int)config_long(cfg, "escalation.rebound_window_days"),
        .bounce_count = (int)config_long(cfg, "escalation.bounce_count"),
        .unit_overdue_rate = config_real(cfg, "escalation.unit_overdue_rate"),
        .unit_overdue_min = (int)config_long(cfg, "escalation.unit_overdue_min")};
    e->deliver = (esc_deliver_cfg){
        .timeout_ms = (int)config_long(cfg, "escalation.webhook_timeout_ms"),
        .max_attempts = (int)config_long(cfg, "escalation.webhook_max_attempts"),
        .base_ms = config_long(cfg, "escalation.webhook_backoff_ms"),
        .max_backoff_ms = config_long(cfg, "escalation.webhook_max_backoff_ms"),
        .smtp_url = config_str(cfg, "escalation.smtp_url"),
        .smtp_from = config_str(cfg, "escalation.smtp_from"),
        .hold_ms = config_long(cfg, "escalation.webhook_timeout_ms") + HOLD_MARGIN_MS};
    e->senders = (int)config_long(cfg, "escalation.webhook_senders");
    e->conninfo = strdup(config_str(cfg, "pg.conninfo"));
    if (!e->conninfo) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return esc_calendar_init(&e->calendar, cfg, err, errlen);
}

/* ---- webhook senders ---- */

static void pause_ms(esc_engine *e, long ms)
{
    struct timespec ts = {0, 50 * 1000000L};
    for (long waited = 0; waited < ms && !e->stop; waited += 50)
        nanosleep(&ts, NULL);
}

/* Says when the first sender's rounds start failing and when the last one's work again: once an
 * outage, however the senders' rounds interleave as the database goes and comes back. */
static void note_round(esc_engine *e, int *failing, int rc, const char *err)
{
    if (rc != 0 && *err && !*failing) {
        *failing = 1;
        if (atomic_fetch_add(&e->deliver_failing, 1) == 0)
            log_error("webhook delivery: %s (retried every second; said again when every sender works)", err);
    } else if (rc == 0 && *failing) {
        *failing = 0;
        if (atomic_fetch_sub(&e->deliver_failing, 1) == 1)
            log_info("webhook delivery: working again");
    }
}

static void *sender_main(void *arg)
{
    const esc_sender *me = arg;
    esc_engine *e = me->e;
    char err[1024] = "";
    esc_ctx ctx = e->ctx;
    esc_deliver_stats st;
    ctx.err = err;                  /* this thread's own */
    ctx.errlen = sizeof err;
    for (int said = 0; !e->stop && !(ctx.pg = db_connect(e->conninfo, CONNECT_WAIT_MS, err, sizeof err)); said = 1)
        if (!said)
            log_error("webhook sender %d: PostgreSQL: %s (trying again until it answers)", me->index + 1, err);
    for (int fresh = 1, failing = 0; ctx.pg && !e->stop; ) {
        if (!db_alive(ctx.pg)) {
            PQreset(ctx.pg);
            fresh = 1;
        }
        err[0] = '\0';
        if (fresh)
            fresh = esc_deliver_session(&ctx, &e->deliver) != 0;
        int rc = fresh ? -1 : esc_deliver_due(&ctx, &e->deliver, DELIVER_BATCH, &st);
        note_round(e, &failing, rc, err);
        if (rc == 0 && st.delivered + st.retried + st.failed)
            log_info("webhooks delivered=%zu retry=%zu failed=%zu", st.delivered, st.retried, st.failed);
        if (rc != 0 || st.delivered + st.retried + st.failed < DELIVER_BATCH)
            pause_ms(e, rc != 0 ? 1000 : DELIVER_IDLE_MS);
    }
    PQfinish(ctx.pg);
    return NULL;
}

void esc_engine_rearm(esc_engine *e)
{
    snprintf(e->reconcile_after, sizeof e->reconcile_after, "0");
    e->next_reconcile = 0;
}

int esc_engine_start_delivery(esc_engine *e)
{
    for (; e->senders_started < e->senders; e->senders_started++) {
        esc_sender *s = &e->sender[e->senders_started];
        *s = (esc_sender){.e = e, .index = e->senders_started};
        if (pthread_create(&s->thread, NULL, sender_main, s) != 0) {
            log_error("webhook delivery: cannot start sender %d of %d", s->index + 1, e->senders);
            return -1;
        }
    }
    return 0;
}

/* ---- ticks ---- */

/* Re-arms pending deadlines for at most RECONCILE_SLICE_MS when a walk is due or under way. */
static int reconcile(esc_engine *e, monotime_ms now, const volatile sig_atomic_t *stop)
{
    long n;
    if (now < e->next_reconcile)
        return 0;
    monotime_ms slice_end = now + RECONCILE_SLICE_MS;
    while ((n = esc_timers_reconcile_step(&e->ctx, e->reconcile_after, RECONCILE_BATCH)) == RECONCILE_BATCH &&
           clock_mono_ms() < slice_end && !*stop)
        ;
    if (n < 0)
        return -1;
    if (n < RECONCILE_BATCH) {          /* the walk is done; else it goes on next tick */
        log_debug("re-armed the pending deadlines in %s", e->ctx.key);
        e->next_reconcile = now + e->reconcile_ms;
    }
    return 0;
}

/* Every SWEEP_MS: reloads a changed calendar, stops and restarts paused
 * clocks, and raises the alerts of holds grown too long. */
static int sweep(esc_engine *e, monotime_ms now)
{
    long paused = 0, resumed = 0, long_holds = 0;
    if (now < e->next_sweep)
        return 0;
    if (esc_calendar_refresh(&e->calendar, &e->ctx, clock_wall_ms()) != 0 ||
        esc_ladder_pause_sweep(&e->ctx, &paused, &resumed) != 0 ||
        esc_holds_sweep(&e->ctx, e->hold_days, &long_holds) != 0)
        return -1;
    if (paused || resumed)
        log_info("clocks stopped=%ld restarted=%ld", paused, resumed);
    if (long_holds)
        log_info("holds too long alerted=%ld", long_holds);
    e->next_sweep = now + SWEEP_MS;
    e->plan_backlog = 1;
    return 0;
}

/* Plans new deadlines for at most PLAN_SLICE_MS, every SWEEP_MS and on every
 * tick while a backlog remains; those overdue already fire as they are planned. */
static int plan(esc_engine *e, monotime_ms now, const volatile sig_atomic_t *stop)
{
    long n;
    esc_fire_stats st;
    if (!e->plan_backlog)
        return 0;
    monotime_ms slice_end = now + PLAN_SLICE_MS;
    do {
        int64_t at = esc_now_ms(&e->ctx);
        if (at < 0 || (n = esc_timers_plan(&e->ctx, NULL, PLAN_BATCH, at, &st)) < 0)
            return -1;
        if (st.alerts || st.quiet)
            log_info("planned deadlines=%ld alerts=%zu quiet=%zu", n, st.alerts, st.quiet);
    } while (n == PLAN_BATCH && clock_mono_ms() < slice_end && !*stop);
    e->plan_backlog = n == PLAN_BATCH;
    return 0;
}

/* The re-arming walk first: at start-up it then covers what was planned
 * before, not every deadline the first sweeps plan (they arm those themselves).
 * Nothing is planned or fired before the calendar is loaded. */
static int housekeeping(esc_engine *e, monotime_ms now, const volatile sig_atomic_t *stop)
{
    return reconcile(e, now, stop) != 0 || sweep(e, now) != 0 || !e->ctx.cal || plan(e, clock_mono_ms(), stop) != 0
               ? -1
               : 0;
}

/* The detectors' own connection, (re)connected when it is not ready for a run. 0 or -1. */
static int patterns_connect(esc_engine *e)
{
    esc_pattern_run *p = &e->pattern_run;
    if (p->pg && PQstatus(p->pg) == CONNECTION_OK && PQtransactionStatus(p->pg) == PQTRANS_IDLE)
        return 0;
    PQfinish(p->pg);
    p->pg = db_connect(e->conninfo, 0, e->err, sizeof e->err);
    return p->pg ? 0 : -1;
}

/* Drops the detectors' connection after a failure (a query may still be out on it). -1. */
static int patterns_failed(esc_engine *e)
{
    PQfinish(e->pattern_run.pg);
    e->pattern_run.pg = NULL;
    return -1;
}

/* Every patterns_ms (from the end of the last run) starts a run of the
 * pattern detectors; each tick takes its next step, which waits for no query
 * and handles candidates for at most PATTERNS_SLICE_MS. */
static int run_patterns(esc_engine *e, monotime_ms now)
{
    esc_pattern_stats st;
    esc_pattern_run *p = &e->pattern_run;
    if (!p->running) {
        if (now < e->next_patterns)
            return 0;
        if (patterns_connect(e) != 0 || esc_patterns_start(p, &e->ctx, &e->patterns) != 0)
            return patterns_failed(e);
    }
    int rc = esc_patterns_step(p, &e->ctx, &e->patterns, now + PATTERNS_SLICE_MS, &st);
    if (rc <= 0)
        return rc < 0 ? patterns_failed(e) : 0;
    if (st.repeat + st.rebound + st.bounce + st.unit_overdue)
        log_info("patterns repeat=%zu (merged %zu) rebound=%zu bounce=%zu unit_overdue=%zu", st.repeat, st.merged,
                 st.rebound, st.bounce, st.unit_overdue);
    e->next_patterns = clock_mono_ms() + e->patterns_ms;
    return 0;
}

/* Sizes the next firing batch from how long a full one took. */
static void adapt_batch(esc_engine *e, monotime_ms took_ms)
{
    if (took_ms > FIRE_BATCH_MS && e->fire_batch > FIRE_BATCH_MIN)
        e->fire_batch /= 2;
    else if (took_ms < FIRE_BATCH_MS / 2 && e->fire_batch < FIRE_BATCH_MAX)
        e->fire_batch *= 2;
}

/* Fires due rungs in batches for at most FIRE_SLICE_MS, each with all that
 * fell due since the claim before. *now gets esc_now() of the last. 0 or -1. */
static int fire(esc_engine *e, int64_t *now, const volatile sig_atomic_t *stop)
{
    esc_fire_stats st;
    monotime_ms t = clock_mono_ms(), slice_end = t + FIRE_SLICE_MS;
    do {
        size_t batch = e->fire_batch;
        if ((*now = esc_now_ms(&e->ctx)) < 0)
            return -1;
        if (esc_timers_fire_due(&e->ctx, e->claimed_at ? e->claimed_at : *now, *now, batch, &st) < 0)
            return -1;
        e->claimed_at = *now;
        if (st.claimed)
            log_info("fired claimed=%zu alerts=%zu quiet=%zu planned=%zu early=%zu paused=%zu stale=%zu", st.claimed,
                     st.alerts, st.quiet, st.planned, st.early, st.paused, st.stale);
        monotime_ms done = clock_mono_ms();
        int full = st.claimed == batch + st.fresh;
        if (full)
            adapt_batch(e, done - t);
        t = done;
        if (!full)
            return 0;
    } while (t < slice_end && !*stop);
    return 0;
}

/* One tick; -1 with the reason in e->err (or already logged, e->err empty). */
static int tick_once(esc_engine *e, const volatile sig_atomic_t *stop)
{
    int64_t now;
    if (housekeeping(e, clock_mono_ms(), stop) != 0 || fire(e, &now, stop) != 0)
        return -1;
    if (run_patterns(e, clock_mono_ms()) != 0)
        return -1;
    int64_t next = timers_next_due(e->ctx.redis, e->ctx.key), wait = ESC_TICK_MS;
    if (e->plan_backlog)
        wait = MIN_WAIT_MS;
    else if (next >= 0 && next - now < wait)
        wait = next - now;
    return wait > MIN_WAIT_MS ? (int)wait : MIN_WAIT_MS;
}

int esc_engine_tick(esc_engine *e, const volatile sig_atomic_t *stop)
{
    e->err[0] = '\0';
    int wait = tick_once(e, stop);
    if (wait < 0 && *e->err)
        log_error("%s", e->err);
    return wait;
}

void esc_engine_finish(esc_engine *e)
{
    e->stop = 1;
    for (int i = 0; i < e->senders_started; i++)
        pthread_join(e->sender[i].thread, NULL);
    e->senders_started = 0;
    esc_calendar_finish(&e->calendar);
    e->ctx.cal = NULL;
    esc_patterns_drop(&e->pattern_run);
    PQfinish(e->pattern_run.pg);
    e->pattern_run.pg = NULL;
    free(e->conninfo);
    e->conninfo = NULL;
}
