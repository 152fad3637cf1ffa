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
 * run is idempotent: what was merged or alerted is not raised again.
 */
#ifndef JIESU_ESC_PATTERNS_H
#define JIESU_ESC_PATTERNS_H

#include <stddef.h>

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

/* Runs the four detectors. 0, or -1 when PostgreSQL failed (why in ctx->err; what was
 * committed before stays). */
int esc_patterns_run(const esc_ctx *ctx, const esc_pattern_cfg *cfg, esc_pattern_stats *st);

#endif
