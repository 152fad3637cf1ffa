/* esc_deliver.c — webhook delivery of alerts with retry and backoff (see esc_deliver.h). */
#include "esc_deliver.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "esc_channel.h"
#include "failpoint.h"
#include "log.h"
#include "mask.h"
#include "names.h"
#include "sqlarr.h"
#include "text.h"

#define MASK_BYTES 64
#define TEXT_BYTES 4096

/* Posting to an address is one transaction's at a time, across processes:
 * the take locks the address of the row it took (a transaction-level advisory
 * lock, released with the delivery's commit or rollback); D_MINE false: another
 * sender holds it. $1: addresses found held this round, passed over. The lock is
 * tried on the one row the inner LIMIT 1 returns, never on the rows it looked
 * at. Prepared: planning the take costs ten times its run (0.4-0.8 ms against
 * 0.03-0.05). */
#define ADDRESS_LOCK "7103"    /* advisory lock namespace of webhook addresses (intake's are 7101, 7102) */
#define DUE "delivery_due"
static const char SQL_DUE[] =
    "SELECT q.*, pg_try_advisory_xact_lock(" ADDRESS_LOCK ", hashtext(q.url)) FROM ("
    " SELECT d.id AS delivery, d.url, d.attempts, a.id AS alert,"
    "       jsonb_build_object('alert_id', a.id, 'rung', a.rung, 'reason', a.reason, 'ticket_no', c.ticket_no,"
    "                          'cycle', a.cycle, 'target', a.target, 'unit', u.code, 'orders', to_jsonb(a.orders),"
    "                          'created_at', a.created_at)::text AS json,"
    "       coalesce(c.caller_name, '') AS name, coalesce(c.caller_phone, '') AS phone,"
    "       a.rung, concat_ws(' ', c.ticket_no, u.name) AS about,"
    "       coalesce(t.alert_secret, '') AS secret"
    " FROM deliveries d JOIN alerts a ON a.id = d.alert_id"
    " LEFT JOIN complaints c ON c.id = a.complaint_id LEFT JOIN units u ON u.id = a.unit_id"
    " LEFT JOIN units t ON t.id = a.target_unit_id"
    " WHERE d.state = 'pending' AND d.next_at <= now() AND d.url <> ALL($1::text[])"
    " ORDER BY d.next_at LIMIT 1 FOR UPDATE OF d SKIP LOCKED) q";

enum { D_ID, D_URL, D_ATTEMPTS, D_ALERT, D_JSON, D_NAME, D_PHONE, D_RUNG, D_ABOUT, D_SECRET, D_MINE };

/* The caller, masked here, joins the JSON of the first statement; and the reason, for the text people read. */
static const char SQL_CALLER[] = "SELECT jsonb_set($1::jsonb, '{caller}', to_jsonb($2::text))::text, $1::jsonb->>'reason'";

/* $1 id, $2 state, $3 http status, $4 error, $5 backoff ms. */
static const char SQL_OUTCOME[] =
    "UPDATE deliveries SET state = $2::text, attempts = attempts + 1, last_status = $3::int, last_error = $4::text,"
    "       next_at = now() + make_interval(secs => $5::bigint / 1000.0),"
    "       delivered_at = CASE WHEN $2::text = 'delivered' THEN now() END"
    " WHERE id = $1::bigint";

static long backoff_ms(const esc_deliver_cfg *cfg, int attempts)
{
    long ms = cfg->base_ms;
    for (int i = 1; i < attempts && ms < cfg->max_backoff_ms; i++)
        ms *= 2;
    return ms < cfg->max_backoff_ms ? ms : cfg->max_backoff_ms;
}

/* The payload of the delivery (res, one row of SQL_DUE) with the caller masked; caller PQclear()s. */
static PGresult *payload(const esc_ctx *ctx, PGresult *res)
{
    char name[MASK_BYTES], phone[MASK_BYTES], caller[2 * MASK_BYTES + 2];
    text_mask_name(name, sizeof name, PQgetvalue(res, 0, D_NAME));
    text_mask_phone(phone, sizeof phone, PQgetvalue(res, 0, D_PHONE));
    snprintf(caller, sizeof caller, "%s%s%s", name, *name && *phone ? " " : "", phone);
    const char *params[] = {PQgetvalue(res, 0, D_JSON), caller};
    return db_query(ctx->pg, "mask webhook payload", SQL_CALLER, 2, params, ctx->err, ctx->errlen);
}

/* Posts the delivery (res, one row of SQL_DUE) and records the outcome. 0 or -1. */
static int deliver_one(const esc_ctx *ctx, const esc_deliver_cfg *cfg, PGresult *res,
                       esc_deliver_stats *st)
{
    char err[ESC_CHANNEL_ERR] = "", code[16], wait[24], text[TEXT_BYTES], title[512];
    long status;
    PGresult *body = payload(ctx, res);
    if (!body)
        return -1;
    const char *url = PQgetvalue(res, 0, D_URL), *id = PQgetvalue(res, 0, D_ID);
    if (mask_text(text, sizeof text, PQgetvalue(body, 0, 1)) < 0)
        snprintf(text, sizeof text, "（原因过长，见系统）");
    snprintf(title, sizeof title, "【%s】%s", names_rung(PQgetvalue(res, 0, D_RUNG)), PQgetvalue(res, 0, D_ABOUT));
    esc_channel_cfg ch = {cfg->smtp_url, cfg->smtp_from, cfg->timeout_ms};
    esc_message m = {url, PQgetvalue(body, 0, 0), title, text, PQgetvalue(res, 0, D_SECRET),
                     PQgetvalue(res, 0, D_ALERT)};
    int ok = esc_channel_send(&ch, &m, &status, err);
    PQclear(body);
    failpoint("delivery_after_send");
    text_utf8_mend(err);        /* it may quote the receiver (GBK, cut inside a character): stored as UTF-8 */
    int attempts = atoi(PQgetvalue(res, 0, D_ATTEMPTS)) + 1;
    const char *state = ok ? "delivered" : attempts >= cfg->max_attempts ? "failed" : "pending";
    snprintf(code, sizeof code, "%ld", status);
    snprintf(wait, sizeof wait, "%ld", backoff_ms(cfg, attempts));
    if (strcmp(state, "delivered") == 0) {
        st->delivered++;
    } else if (strcmp(state, "failed") == 0) {
        st->failed++;
        char shown[TEXT_BYTES];         /* its token (?access_token=…, ?key=…) stays out of the log */
        mask_url(shown, sizeof shown, url);
        log_warn("alert %s: delivery to %s failed for good after %d attempts: %s", PQgetvalue(res, 0, D_ALERT),
                 shown, attempts, err);
    } else {
        st->retried++;
    }
    const char *params[] = {id, state, status ? code : NULL, *err ? err : NULL, wait};
    return db_command(ctx->pg, "record delivery", SQL_OUTCOME, 5, params, NULL, ctx->err, ctx->errlen);
}

int esc_deliver_session(const esc_ctx *ctx, const esc_deliver_cfg *cfg)
{
    char ms[24];
    snprintf(ms, sizeof ms, "%ld", cfg->hold_ms);
    const char *params[] = {ms};
    return db_command(ctx->pg, "limit a delivery's idle time",
                      "SELECT set_config('idle_in_transaction_session_timeout', $1, false)", 1, params, NULL,
                      ctx->err, ctx->errlen);
}

/* url added to the addresses held this round. 2 or -1. */
static int pass_over(const esc_ctx *ctx, sqlarr *held, const char *url)
{
    if (sqlarr_add_text(held, url) == 0)
        return 2;
    snprintf(ctx->err, ctx->errlen, "out of memory");
    return -1;
}

/* The next due delivery, sent and its outcome recorded in a transaction of
 * its own: a crash, or an outcome that cannot be recorded, sends again that
 * one alone. held: addresses found held this round, to pass over; one more
 * when this one's is. 1 sent, 0 none is due, 2 its address was held, or -1. */
static int deliver_next(const esc_ctx *ctx, const esc_deliver_cfg *cfg, sqlarr *held, esc_deliver_stats *st)
{
    const char *params[] = {sqlarr_text(held)};
    if (!params[0]) {
        snprintf(ctx->err, ctx->errlen, "out of memory");
        return -1;
    }
    if (db_prepare(ctx->pg, DUE, SQL_DUE, 1, ctx->err, ctx->errlen) != 0 ||
        db_begin(ctx->pg, ctx->err, ctx->errlen) != 0)
        return -1;
    PGresult *res = db_query_prepared(ctx->pg, DUE, SQL_DUE, 1, params, ctx->err, ctx->errlen);
    int n = res ? PQntuples(res) : -1, rc = n;
    if (n > 0 && strcmp(PQgetvalue(res, 0, D_MINE), "t") != 0)
        rc = pass_over(ctx, held, PQgetvalue(res, 0, D_URL));
    else if (n > 0)
        rc = deliver_one(ctx, cfg, res, st) == 0 ? 1 : -1;
    PQclear(res);
    if (rc == 2 || rc < 0 || db_commit(ctx->pg, ctx->err, ctx->errlen) != 0) {
        db_rollback(ctx->pg);       /* a held address's row goes back unlocked */
        return rc == 2 ? 2 : -1;
    }
    return rc;
}

int esc_deliver_due(const esc_ctx *ctx, const esc_deliver_cfg *cfg, size_t max, esc_deliver_stats *st)
{
    sqlarr held = {0};
    int rc = 0;
    memset(st, 0, sizeof *st);
    /* Ends: each address found held is passed over for the rest of the round. */
    for (size_t sent = 0; sent < max; ) {
        rc = deliver_next(ctx, cfg, &held, st);
        if (rc <= 0)
            break;
        if (rc == 1)
            sent++;
    }
    sqlarr_free(&held);
    return rc < 0 ? -1 : 0;
}
