/* esc_alert.h — storing an alert once, queueing its deliveries, publishing it.
 *
 * An alert is unique per (order, rung, cycle, subject) — see migration 004 —
 * so raising it a second time changes nothing. esc_alert_raise_many() runs
 * inside the caller's transaction: for each alert it masks the reason (phone
 * and ID numbers), picks the target unit (the order's unit for target "unit",
 * else the first unit of kind "campaign" or "discipline"; discipline for a
 * conduct complaint's campaign alert), inserts the alert, one pending
 * delivery to the target unit's webhook_url (else the configured default, if
 * any) and the complaint_events "alert" row. esc_alert_publish() sends
 * "alert.raised" and is called after the commit.
 */
#ifndef JIESU_ESC_ALERT_H
#define JIESU_ESC_ALERT_H

#include <stdint.h>

#include "esc_ctx.h"

#define ESC_REASON_BYTES 1024

/* What to raise; every field is text as PostgreSQL takes it, NULL for SQL NULL. */
typedef struct {
    const char *complaint_id;   /* NULL for alerts about a unit (unit_overdue) */
    const char *deadline_id;    /* ladder rungs only */
    const char *rung;           /* remind | supervise | accountability | repeat | rebound | bounce | unit_overdue
                                   | long_wait (esc_holds.h) */
    const char *cycle;          /* the order's cycle ("1" when no order) */
    const char *subject;        /* deadline kind ("<kind>:extended:<new due, Unix s>" once an approved
                                   extension moved it), "", "unit:<id>:<week>" or "wait:<event id>" */
    const char *unit_id;        /* the unit responsible, or NULL */
    const char *target;         /* unit | campaign | discipline */
    const char *orders;         /* the orders behind it: "{12,15}" */
    const char *due_ms;         /* when it fell due, Unix ms, or NULL */
    const char *reason;         /* why, in words (masked here) */
    const char *ticket_no;      /* for the published message ("" when none) */
    const char *unit_code;      /* for the published message ("" when none) */
} esc_alert_in;

typedef struct {
    int64_t id;                 /* 0: it existed already, nothing raised */
    int64_t created_at_ms;
    char    reason[ESC_REASON_BYTES];   /* the masked reason as stored */
    char    target[16];                 /* as stored: a conduct complaint's campaign alert is discipline's */
} esc_raised;

/* Inserts the alerts in[0..n), their deliveries and their events in one
 * statement; out[i] answers in[i]. 0 (out[i].id 0 when that alert existed)
 * or -1 (why in ctx->err; the caller rolls back). */
int esc_alert_raise_many(const esc_ctx *ctx, const esc_alert_in *in, size_t n, esc_raised *out);

/* Logs and publishes a raised alert (nothing when out->id is 0). */
void esc_alert_publish(const esc_ctx *ctx, const esc_alert_in *in, const esc_raised *out);

#endif
