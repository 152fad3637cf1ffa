/* esc_deliver.h — alerts sent to their target's channel (a webhook, a
 * 企业微信 or 钉钉 group robot, e-mail: esc_channel.h), with retry and
 * exponential backoff.
 *
 * Each alert's delivery row (table deliveries, created with the alert) is
 * pending until its webhook answers 2xx. Each due delivery is taken with FOR
 * UPDATE SKIP LOCKED (two processes never post the same delivery at once),
 * POSTed as JSON with libcurl, and its outcome written in a transaction of
 * its own (a crash between the send and the commit sends that one again, no
 * other): delivered, or attempts + 1 and next_at pushed back by
 * base_ms * 2^(attempts - 1) (capped at max_backoff_ms), or failed after
 * max_attempts — a failed delivery stays in the table and in `jiesu alerts`.
 * At least once: receivers tell repeats apart by "alert_id", also sent as the
 * Idempotency-Key header (README.md).
 *
 * A process posts with escalation.webhook_senders threads at once, each on
 * its own connection, and no two senders — of one process or of several —
 * post to one address at once: the take locks the delivery's address for its
 * transaction (an advisory lock), and a sender finding the oldest due
 * delivery's address held passes over it to the next address's. A receiver
 * that hangs until the timeout holds one sender, and the others go on with
 * every other unit's alerts.
 *
 * The JSON: {"alert_id", "rung", "reason", "ticket_no", "cycle", "target",
 * "unit", "orders": [ids], "caller": masked name and phone, "created_at"}.
 */
#ifndef JIESU_ESC_DELIVER_H
#define JIESU_ESC_DELIVER_H

#include <stddef.h>

#include "esc_ctx.h"

typedef struct {
    int  timeout_ms;            /* escalation.webhook_timeout_ms */
    int  max_attempts;          /* escalation.webhook_max_attempts */
    long base_ms;               /* escalation.webhook_backoff_ms */
    long max_backoff_ms;        /* escalation.webhook_max_backoff_ms */
    const char *smtp_url;       /* escalation.smtp_url: mail server of mailto: channels, "" none */
    const char *smtp_from;      /* escalation.smtp_from */
    long hold_ms;               /* a delivery's transaction idle longer is ended by PostgreSQL */
} esc_deliver_cfg;

typedef struct {
    size_t delivered, retried, failed;
} esc_deliver_stats;

/* Readies a sender's connection (again after each reset): PostgreSQL ends
 * a transaction of it left idle longer than cfg->hold_ms (its process frozen
 * in the middle of a POST), freeing that delivery and its address for the
 * other senders; the frozen one's outcome is then not recorded, and the
 * alert is posted again. 0 or -1 (why in ctx->err). */
int esc_deliver_session(const esc_ctx *ctx, const esc_deliver_cfg *cfg);

/* Posts up to max due deliveries, one transaction each, each to an address
 * no other connection is posting to. 0 with *st filled (what was recorded
 * before a failure counts), or -1 (why in ctx->err). */
int esc_deliver_due(const esc_ctx *ctx, const esc_deliver_cfg *cfg, size_t max, esc_deliver_stats *st);

#endif
