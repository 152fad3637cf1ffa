/* esc_holds.c — the alert about an order on hold too long (see esc_holds.h).
 *
 * The candidates are read by status (the open orders' index), each with its
 * last 暂缓 event, the start of the hold it is in: only holds begun at least
 * hold_days calendar days before esc_now() — a working day is a calendar day
 * at least, so no hold that has lasted hold_days working days is left out,
 * and an order waiting a day is not read every second. Whether a candidate
 * has lasted that long in working time is then counted here, on the
 * calendar escalation fires by.
 */
#include "esc_holds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "db.h"
#include "esc_alert.h"
#include "esc_ladder.h"
#include "failpoint.h"
#include "mask.h"
#include "names.h"

#define CHUNK 64            /* alerts raised in one transaction */
#define REASON_CHARS 160    /* of the unit's reason, as the alert quotes it */
#define MAX_DAYS 3660       /* how long a hold is said to have lasted, at most */

/* Orders on hold (not a merged repeat on hold with its order: listed in the
 * order's alert) since at least $1 days before esc_now(), by their last 暂缓
 * event, without the alert of that hold. The unit is the one the event
 * names (the order's, which put it on hold). */
static const char SQL_CANDIDATES[] =
    "SELECT c.id, c.cycle, c.ticket_no, e.id, " ESC_SQL_MS("e.at") ", coalesce(e.detail->>'reason', ''),"
    "       u.id, coalesce(u.code, ''), coalesce(u.name, e.detail->>'unit', ''),"
    "       (ARRAY[c.id] || ARRAY(SELECT r.id FROM complaints r WHERE r.parent_id = c.id AND r.status = 'waiting'"
    "                             ORDER BY r.id))::text"
    "  FROM complaints c"
    "  CROSS JOIN LATERAL (SELECT e.id, e.at, e.detail FROM complaint_events e"
    "                       WHERE e.complaint_id = c.id AND e.event = 'waiting' ORDER BY e.id DESC LIMIT 1) e"
    "  LEFT JOIN units u ON u.code = e.detail->>'unit'"
    "  LEFT JOIN complaints p ON p.id = c.parent_id"
    " WHERE c.status = 'waiting' AND p.status IS DISTINCT FROM 'waiting'"
    "   AND e.at <= " ESC_SQL_NOW " - make_interval(days => $1::int)"
    "   AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.complaint_id = c.id AND a.rung = 'long_wait'"
    "                     AND a.cycle = c.cycle AND a.subject = 'wait:' || e.id)"
    " ORDER BY c.id";

enum { H_ID, H_CYCLE, H_TICKET, H_EVENT, H_AT, H_REASON, H_UNIT_ID, H_UNIT_CODE, H_UNIT_NAME, H_ORDERS };

/* The alerts of one transaction. */
typedef struct {
    size_t       n;
    esc_alert_in in[CHUNK];
    esc_raised   out[CHUNK];
    char         reason[CHUNK][ESC_REASON_BYTES];
    char         subject[CHUNK][40];
} chunk;

/* The whole working days from start to now, at least days (the hold has lasted them). */
static int days_held(const calendar *cal, int64_t start_ms, int64_t now_ms, int days)
{
    while (days < MAX_DAYS && calendar_add_work_days(cal, start_ms / 1000, days + 1) <= now_ms / 1000)
        days++;
    return days;
}

/* Fills k's next alert from row r, whose hold has lasted `held` working days. */
static void add_alert(const esc_ctx *ctx, PGresult *res, int r, int hold_days, int held, chunk *k)
{
    size_t i = k->n++;
    char since[32], said[ESC_REASON_BYTES / 2];
    civil_format_minute(since, sizeof since, strtoll(PQgetvalue(res, r, H_AT), NULL, 10) / 1000, ctx->utc_offset_min);
    mask_excerpt(said, sizeof said, PQgetvalue(res, r, H_REASON), REASON_CHARS);
    snprintf(k->reason[i], sizeof k->reason[i],
             "%s：%s 于 %s 将工单 %s 暂缓办理，至今已满 %d 个工作日未恢复办理（暂缓满 %d 个工作日即告警）；暂缓原因：“%s”",
             names_rung("long_wait"), PQgetvalue(res, r, H_UNIT_NAME), since, PQgetvalue(res, r, H_TICKET), held,
             hold_days, said);
    snprintf(k->subject[i], sizeof k->subject[i], "wait:%s", PQgetvalue(res, r, H_EVENT));
    const char *unit_id = PQgetisnull(res, r, H_UNIT_ID) ? NULL : PQgetvalue(res, r, H_UNIT_ID);
    k->in[i] = (esc_alert_in){.complaint_id = PQgetvalue(res, r, H_ID), .rung = "long_wait",
                              .cycle = PQgetvalue(res, r, H_CYCLE), .subject = k->subject[i], .unit_id = unit_id,
                              .target = "campaign", .orders = PQgetvalue(res, r, H_ORDERS),
                              .reason = k->reason[i], .ticket_no = PQgetvalue(res, r, H_TICKET),
                              .unit_code = PQgetvalue(res, r, H_UNIT_CODE)};
}

/* Raises k's alerts in one transaction, then publishes them. 0 or -1. */
static int raise_chunk(const esc_ctx *ctx, chunk *k, long *raised)
{
    if (db_begin(ctx->pg, ctx->err, ctx->errlen) != 0 || esc_alert_raise_many(ctx, k->in, k->n, k->out) != 0) {
        db_rollback(ctx->pg);
        return -1;
    }
    failpoint("hold_before_commit");
    if (db_commit(ctx->pg, ctx->err, ctx->errlen) != 0) {
        db_rollback(ctx->pg);
        return -1;
    }
    failpoint("hold_after_commit");
    for (size_t i = 0; i < k->n; i++) {
        esc_alert_publish(ctx, &k->in[i], &k->out[i]);
        *raised += k->out[i].id != 0;
    }
    k->n = 0;
    return 0;
}

int esc_holds_sweep(const esc_ctx *ctx, int hold_days, long *raised)
{
    char days[16];
    const char *params[] = {days};
    int rc = 0;
    *raised = 0;
    if (!ctx->cal)
        return 0;       /* nothing is counted before the calendar is loaded */
    snprintf(days, sizeof days, "%d", hold_days);
    int64_t now = esc_now_ms(ctx);
    PGresult *res = now < 0 ? NULL : db_query(ctx->pg, "find long holds", SQL_CANDIDATES, 1, params, ctx->err,
                                              ctx->errlen);
    if (!res)
        return -1;
    chunk *k = calloc(1, sizeof *k);
    if (!k) {
        snprintf(ctx->err, ctx->errlen, "out of memory");
        PQclear(res);
        return -1;
    }
    for (int r = 0; r < PQntuples(res) && rc == 0; r++) {
        int64_t start = strtoll(PQgetvalue(res, r, H_AT), NULL, 10);
        if (calendar_add_work_days(ctx->cal, start / 1000, hold_days) > now / 1000)
            continue;
        add_alert(ctx, res, r, hold_days, days_held(ctx->cal, start, now, hold_days), k);
        if (k->n == CHUNK)
            rc = raise_chunk(ctx, k, raised);
    }
    if (rc == 0 && k->n)
        rc = raise_chunk(ctx, k, raised);
    free(k);
    PQclear(res);
    return rc;
}
