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

/* $1: the addresses other senders are posting to. Prepared: planning it
 * takes ten times as long as running it (0.4-0.8 ms against 0.03-0.05). */
#define DUE "delivery_due"
static const char SQL_DUE[] =
    "SELECT d.id, d.url, d.attempts, a.id,"
    "       jsonb_build_object('alert_id', a.id, 'rung', a.rung, 'reason', a.reason, 'ticket_no', c.ticket_no,"
    "                          'cycle', a.cycle, 'target', a.target, 'unit', u.code, 'orders', to_jsonb(a.orders),"
    "                          'created_at', a.created_at)::text,"
    "       coalesce(c.caller_name, ''), coalesce(c.caller_phone, ''),"
    "       a.rung, concat_ws(' ', c.ticket_no, u.name),"
    "       coalesce(t.alert_secret, '')"
    " FROM deliveries d JOIN alerts a ON a.id = d.alert_id"
    " LEFT JOIN complaints c ON c.id = a.complaint_id LEFT JOIN units u ON u.id = a.unit_id"
    " LEFT JOIN units t ON t.id = a.target_unit_id"
    " WHERE d.state = 'pending' AND d.next_at <= now() AND d.url <> ALL($1::text[])"
    " ORDER BY d.next_at LIMIT 1 FOR UPDATE OF d SKIP LOCKED";

enum { D_ID, D_URL, D_ATTEMPTS, D_ALERT, D_JSON, D_NAME, D_PHONE, D_RUNG, D_ABOUT, D_SECRET };

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
        log_warn("alert %s: delivery to %s failed for good after %d attempts: %s", PQgetvalue(res, 0, D_ALERT),
                 url, attempts, err);
    } else {
        st->retried++;
    }
    const char *params[] = {id, state, status ? code : NULL, *err ? err : NULL, wait};
    return db_command(ctx->pg, "record delivery", SQL_OUTCOME, 5, params, NULL, ctx->err, ctx->errlen);
}

void esc_deliver_flight_init(esc_deliver_flight *f)
{
    memset(f, 0, sizeof *f);
    pthread_mutex_init(&f->lock, NULL);
}

void esc_deliver_flight_free(esc_deliver_flight *f)
{
    for (int i = 0; i < ESC_DELIVER_SENDERS_MAX; i++)
        free(f->busy[i]);
    pthread_mutex_destroy(&f->lock);
}

/* The addresses of the senders other than sender, as an array literal in a. 0 or -1. */
static int others_busy(const esc_deliver_flight *f, int sender, sqlarr *a)
{
    for (int i = 0; i < ESC_DELIVER_SENDERS_MAX; i++)
        if (i != sender && f->busy[i] && sqlarr_add_text(a, f->busy[i]) != 0)
            return -1;
    return sqlarr_text(a) ? 0 : -1;
}

/* The next due delivery to an address no other sender is posting to, that
 * address marked as sender's in the same step (a result of no row: none
 * due). NULL on failure. */
static PGresult *take_due(const esc_ctx *ctx, esc_deliver_flight *f, int sender)
{
    sqlarr busy = {0};
    PGresult *res = NULL;
    pthread_mutex_lock(&f->lock);
    if (others_busy(f, sender, &busy) != 0) {
        snprintf(ctx->err, ctx->errlen, "out of memory");
    } else {
        const char *params[] = {sqlarr_text(&busy)};
        res = db_query_prepared(ctx->pg, DUE, SQL_DUE, 1, params, ctx->err, ctx->errlen);
    }
    if (res && PQntuples(res) > 0 && !(f->busy[sender] = strdup(PQgetvalue(res, 0, D_URL)))) {
        snprintf(ctx->err, ctx->errlen, "out of memory");
        PQclear(res);
        res = NULL;
    }
    pthread_mutex_unlock(&f->lock);
    sqlarr_free(&busy);
    return res;
}

static void release(esc_deliver_flight *f, int sender)
{
    pthread_mutex_lock(&f->lock);
    free(f->busy[sender]);
    f->busy[sender] = NULL;
    pthread_mutex_unlock(&f->lock);
}

/* The next due delivery, sent and its outcome recorded in a transaction of
 * its own: a crash, or an outcome that cannot be recorded, sends again that
 * one alone. 1, 0 when none is due, or -1. */
static int deliver_next(const esc_ctx *ctx, const esc_deliver_cfg *cfg, esc_deliver_flight *f, int sender,
                        esc_deliver_stats *st)
{
    if (db_prepare(ctx->pg, DUE, SQL_DUE, 1, ctx->err, ctx->errlen) != 0 ||
        db_begin(ctx->pg, ctx->err, ctx->errlen) != 0)
        return -1;
    PGresult *res = take_due(ctx, f, sender);
    int n = res ? PQntuples(res) : -1, rc = n > 0 ? deliver_one(ctx, cfg, res, st) : n;
    PQclear(res);
    if (rc != 0 || db_commit(ctx->pg, ctx->err, ctx->errlen) != 0) {
        db_rollback(ctx->pg);
        n = -1;
    }
    release(f, sender);
    return n;
}

int esc_deliver_due(const esc_ctx *ctx, const esc_deliver_cfg *cfg, esc_deliver_flight *flight, int sender,
                    size_t max, esc_deliver_stats *st)
{
    memset(st, 0, sizeof *st);
    for (size_t i = 0; i < max; i++) {
        int rc = deliver_next(ctx, cfg, flight, sender, st);
        if (rc <= 0)
            return rc;
    }
    return 0;
}
