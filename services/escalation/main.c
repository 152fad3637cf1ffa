/* main.c — jiesu-escalation: fires deadlines and raises overdue alerts.
 *
 *   jiesu-escalation [-c FILE]        (else the file named by $JIESU_CONFIG)
 *
 * Wiring only (common/svc does the start-up and requests): one loop that
 * fires every due timer (esc_timers.c), re-adds pending deadlines every
 * escalation.reconcile_seconds, then waits for a request until the next timer
 * is due, at most TICK_MS, so a timer fires well within a second of its due
 * time. Everything overdue fires right after start-up, because the first
 * reconcile puts it back. SIGTERM/SIGINT stop the loop after the current firing.
 */
#include "config.h"
#include "esc_timers.h"
#include "log.h"
#include "svc.h"
#include "timers.h"

#define TICK_MS 200             /* longest wait between two looks at the timers */
#define FIRE_BATCH 100
#define RECONCILE_BATCH 1000
#define RETRY_PAUSE_MS 1000
#define MIN_WAIT_MS 10          /* what is still due now was put back as early: let the clocks agree */

typedef struct {
    esc_ctx ctx;                /* PostgreSQL, Redis, the timers key and the publisher */
    long    reconcile_ms;
    int64_t next_reconcile;
} escalation;

static const svc_route ROUTES[] = {{NULL, NULL}};

static void configure(escalation *e, service *s)
{
    e->ctx.key = config_get(s->cfg, "timers.key", "jiesu:timers");
    e->ctx.utc_offset_min = (int)config_get_long(s->cfg, "escalation.utc_offset_minutes", 480);
    e->ctx.pub = s->pub;
    e->reconcile_ms = 1000 * config_get_long(s->cfg, "escalation.reconcile_seconds", 30);
}

/* Reconciles when due, then fires due timers until none is left.
 * Returns how long to wait before the next look (ms), or -1 on failure. */
static int fire_once(escalation *e, service *s)
{
    esc_fire_stats st;
    if (svc_ensure_redis(s) < 0 || svc_ensure_pg(s) < 0)
        return -1;
    e->ctx.redis = s->redis;
    e->ctx.pg = s->pg;
    if (bus_now_ms() >= e->next_reconcile) {
        long n = esc_reconcile(&e->ctx, RECONCILE_BATCH);
        if (n < 0)
            return -1;
        e->next_reconcile = bus_now_ms() + e->reconcile_ms;
        log_debug("reconciled %ld pending deadlines into %s", n, e->ctx.key);
    }
    do {
        if (esc_fire_due(&e->ctx, bus_now_ms(), FIRE_BATCH, &st) < 0)
            return -1;
        if (st.claimed)
            log_info("fired claimed=%zu alerts=%zu quiet=%zu early=%zu stale=%zu", st.claimed, st.alerts,
                     st.quiet, st.early, st.stale);
    } while (st.claimed == FIRE_BATCH && !svc_stopping());
    int64_t next = timers_next_due(e->ctx.redis, e->ctx.key), wait = TICK_MS;
    if (next >= 0 && next - bus_now_ms() < wait)
        wait = next - bus_now_ms();
    return wait > MIN_WAIT_MS ? (int)wait : MIN_WAIT_MS;
}

int main(int argc, char **argv)
{
    escalation e = {0};
    service s;
    int rc = 1;
    if (svc_start(&s, "escalation", argc, argv, ROUTES, &e) == 0) {
        configure(&e, &s);
        log_info("escalation ready (timers %s)", e.ctx.key);
        rc = 0;
        while (!svc_stopping() && rc == 0) {
            int wait = fire_once(&e, &s);
            rc = svc_poll(&s, wait < 0 ? RETRY_PAUSE_MS : wait) < 0;
        }
        log_info("stopping");
    }
    svc_finish(&s);
    return rc;
}
