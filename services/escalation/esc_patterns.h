/* esc_patterns.h — alerts raised by patterns across orders, not by one deadline.
 *
 *   repeat        N or more orders of one category at one address within a
 *                 window of days: the later ones are merged into the earliest
 *                 (complaints.parent_id, a "merged" event each) and one alert
 *                 is raised on that parent order.
 *   rebound       an order of a category at an address where an order of the
 *                 same category was closed within a window before its call.
 *   bounce        an order returned or reopened N times or more (per cycle).
 *   unit_overdue  a unit that missed more than a share of its deadlines due in
 *                 the last 7 days (at least a minimum number of them), once a
 *                 week per unit; it goes to discipline inspection.
 * Repeat, rebound and bounce go to the district campaign office. Each alert
 * lists the orders behind it (alerts.orders) and says why in its reason. A
 * run is idempotent: what was merged or alerted is not raised again. A run
 * never holds up the timers (see esc_pattern_run below).
 *
 * Repeat groups and rebounds are looked for only where an order joined a
 * place since the last run that handled all it found: an order joins a
 * place (category, address) when routing gives it its category ('routed'
 * or 'manual' event), when a dispatcher puts it in another category
 * ('recategorised' at the unit holding it, 'reassigned' when it goes to
 * another unit, which also makes one given to discipline inspection a
 * conduct complaint, of the place's other group) or when it is reopened
 * ('reopened'), each event written by the transaction that makes the
 * change and stamped with its start (complaint_events.at). (A rebound's earlier order is closed
 * before the new one is called: the new one's event comes after.) The
 * boundary of a run is the oldest start of the transactions in progress
 * when it begins (less a second), so an order routed, or an earlier one
 * closed, by a transaction begun before a run and committed after it is
 * seen by the next. The whole window is read by the first run, after a run
 * that failed, and once an hour (FULL_RUN_MS): changes the services'
 * role cannot see the transactions of (an administrator's by hand) wait at
 * most that long.
 */
#ifndef JIESU_ESC_PATTERNS_H
#define JIESU_ESC_PATTERNS_H

#include <stddef.h>

#include "clock.h"
#include "esc_ctx.h"

typedef struct {
    int    repeat_count;        /* escalation.repeat_count */
    int    repeat_window_days;  /* escalation.repeat_window_days */
    int    rebound_window_days; /* escalation.rebound_window_days */
    int    bounce_count;        /* escalation.bounce_count */
    double unit_overdue_rate;   /* escalation.unit_overdue_rate (0.3 = 30 %) */
    int    unit_overdue_min;    /* escalation.unit_overdue_min deadlines in the week */
} esc_pattern_cfg;

typedef struct {
    size_t repeat, merged, rebound, bounce, unit_overdue;   /* alerts raised; orders merged */
} esc_pattern_stats;

/* A run of the four detectors, one after the other. A detector's query runs
 * on a connection of its own (pg) and nothing waits for it: the caller goes
 * on firing timers on its own connection (ctx->pg) and takes the next step
 * now and then; the candidates are handled on ctx->pg, a slice at a time.
 * Zeroed: no run under way. */
typedef struct {
    PGconn           *pg;           /* the detectors' queries; the caller's to connect and close */
    int               running;      /* a run is under way */
    int               detector;     /* which one (0..3) */
    int               waiting;      /* its query is out, its answer not all in */
    PGresult         *res;          /* its candidates, handled from row on */
    int               row;
    esc_pattern_stats st;           /* the run's so far */
    int               partial;      /* it reads only what joined a place from `since` on */
    /* Kept from run to run (esc_patterns_drop leaves them): */
    char              since[40];    /* the boundary of the last run that handled all; "": none */
    char              taken[40];    /* the boundary of the run under way, since once it has handled all */
    monotime_ms       full_at;      /* when the last run grouping the whole window began */
} esc_pattern_run;

/* Starts a run (p->pg connected and idle): sends the first query. 0, or -1
 * (why in ctx->err; no run under way). */
int esc_patterns_start(esc_pattern_run *p, const esc_ctx *ctx, const esc_pattern_cfg *cfg);

/* Goes on with the run without waiting on PostgreSQL: reads what the query
 * out has answered; once the answer is complete handles its candidates (at
 * least one, then until `until`), then sends the next detector's query.
 * Returns 1 when the run has ended (no run under way: also 1), 0 when it goes
 * on (step again, at the latest once PQsocket(p->pg) is readable), or -1 when
 * PostgreSQL failed (why in ctx->err; the run is dropped, what was committed
 * stays, and a query may still be out on p->pg). *st: the run's figures. */
int esc_patterns_step(esc_pattern_run *p, const esc_ctx *ctx, const esc_pattern_cfg *cfg, monotime_ms until,
                      esc_pattern_stats *st);

/* Forgets the run under way (p->pg left as it is). */
void esc_patterns_drop(esc_pattern_run *p);

#endif
