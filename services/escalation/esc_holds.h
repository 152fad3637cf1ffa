/* esc_holds.h — the alert about an order on hold too long (暂缓过久).
 *
 * A unit puts an order on hold (暂缓办理) on its own word and its clock
 * stops for as long as the order waits. Once a hold has lasted
 * escalation.hold_alert_days working days (on the official calendar, from
 * the 暂缓 event to esc_now()), an alert of rung "long_wait" goes to the
 * district's campaign office (a conduct complaint's to discipline
 * inspection, as every campaign alert: esc_alert.c), naming the unit, the
 * reason it gave and how long the order has waited. It is raised once per
 * hold: its subject is "wait:<id of the 暂缓 event>", so the alerts' unique
 * key (order, rung, cycle, subject) keeps it single, and a later hold of the
 * same order is a new one. A merged repeat put on hold with its order is
 * listed in the order's alert (alerts.orders), not alerted on its own.
 *
 * Each batch of alerts is raised in one transaction and published after its
 * commit: a crash before the commit loses the batch, which the next sweep
 * finds again; one after it finds the alerts stored and raises nothing.
 */
#ifndef JIESU_ESC_HOLDS_H
#define JIESU_ESC_HOLDS_H

#include "esc_ctx.h"

/* Raises the alerts of the holds that have lasted hold_days working days
 * (ctx->cal; escalation.hold_alert_days) and have none. *raised gets how
 * many. 0, or -1 (why in ctx->err; what was committed stays). */
int esc_holds_sweep(const esc_ctx *ctx, int hold_days, long *raised);

#endif
