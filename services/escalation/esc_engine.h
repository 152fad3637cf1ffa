/* esc_engine.h — the escalation service's work, one tick at a time.
 *
 * A tick: re-arm every pending deadline every escalation.reconcile_seconds
 * (starting at the first tick, so everything overdue fires right after
 * start-up), a page at a time for at most RECONCILE_SLICE_MS per tick so a
 * million pending deadlines never hold up a timer that falls due;
 * every second reload the calendar if its days changed, stop or restart
 * paused clocks and alert holds grown too long (esc_holds.h); plan new
 * deadlines (every second, and on every tick while a backlog remains, for
 * at most PLAN_SLICE_MS); fire every due rung by
 * esc_now() in batches (for at most FIRE_SLICE_MS, then the caller answers
 * requests and sees signals); every escalation.patterns_seconds start a run
 * of the pattern detectors, whose queries run on a connection of their own
 * while the ticks go on firing (at a million deadlines one takes seconds),
 * and take its next step. A firing batch grows (doubling, up to FIRE_BATCH_MAX)
 * while one takes under half of FIRE_BATCH_MS and halves when one takes
 * longer, so batches are large when deadlines fall due en masse and no batch
 * runs long on a busy machine; each claim takes besides every timer fallen
 * due since the claim before and three quarters of the batch are the most
 * recently due, so an older backlog never holds one up (esc_timers.h). The tick returns how
 * long the caller may wait before the next (until the next timer, at most
 * ESC_TICK_MS), so a rung fires well within a second of its due time, also
 * while a million others are being fired. Slices and intervals are measured
 * on the monotonic clock. Webhook deliveries run beside the ticks in
 * escalation.webhook_senders threads, each with its own PostgreSQL
 * connection, so a slow webhook never delays a timer, nor (never two
 * senders to one address: esc_deliver.h) the alerts of other units.
 */
#ifndef JIESU_ESC_ENGINE_H
#define JIESU_ESC_ENGINE_H

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>

#include "clock.h"
#include "config.h"
#include "esc_calendar.h"
#include "esc_ctx.h"
#include "esc_deliver.h"
#include "esc_patterns.h"
#include "esc_timers.h"

#define ESC_TICK_MS 200
#define ESC_SENDERS_MAX 64      /* the bound common/config_keys.c puts on escalation.webhook_senders */

/* One thread posting deliveries. */
typedef struct {
    struct esc_engine_s *e;
    int                  index;     /* from 0, in its log lines from 1 */
    pthread_t            thread;
} esc_sender;

typedef struct esc_engine_s {
    esc_ctx          ctx;           /* pg, redis, pub filled by the caller after init; cal by calendar */
    char             err[1024];     /* ctx.err: why the last tick failed */
    esc_calendar     calendar;      /* loaded from PostgreSQL by the first tick, reloaded when it changes */
    esc_pattern_cfg  patterns;
    esc_pattern_run  pattern_run;   /* its queries on a connection of its own, opened by the first run */
    esc_deliver_cfg  deliver;
    long             reconcile_ms, patterns_ms;
    int              hold_days;     /* escalation.hold_alert_days: a hold this long is alerted (esc_holds.h) */
    size_t           fire_batch;    /* timers claimed at once: grows and shrinks to take ~FIRE_BATCH_MS */
    int64_t          claimed_at;    /* esc_now() ms of the last claim; 0: none yet */
    int              plan_backlog;  /* planning goes on next tick */
    monotime_ms      next_reconcile, next_sweep, next_patterns;
    char             reconcile_after[ESC_MEMBER_BYTES];  /* where the walk of pending deadlines is */
    unsigned         redis_epoch;   /* the service's Redis connection ctx.redis is (svc.h) */
    char            *conninfo;      /* for the senders */
    esc_sender       sender[ESC_SENDERS_MAX];
    int              senders;       /* escalation.webhook_senders */
    int              senders_started;
    atomic_int       deliver_failing;   /* senders whose last round failed: said when the first fails, and again when none does */
    atomic_int       stop;          /* set by esc_engine_finish() for the senders */
} esc_engine;

/* Reads the escalation.* keys and the calendar.* keys routing uses
 * (day_start, day_end) and `timezone`; the calendar's days are loaded
 * from table holidays by the first tick. 0, or -1 with the reason in err. */
int esc_engine_init(esc_engine *e, const config *cfg, char *err, size_t errlen);

/* ctx.redis is a new connection: the server it reaches may have lost timers
 * (restarted without its file, failed over), so the walk re-arming pending
 * deadlines starts again at once. */
void esc_engine_rearm(esc_engine *e);

/* Starts the senders. 0 or -1 (logged). */
int esc_engine_start_delivery(esc_engine *e);

/* One tick; its slices end early once *stop is set (the service's signal
 * flag). Returns the wait in ms before the next, or -1 on failure. */
int esc_engine_tick(esc_engine *e, const volatile sig_atomic_t *stop);

/* Stops the senders and frees what init allocated. */
void esc_engine_finish(esc_engine *e);

#endif
