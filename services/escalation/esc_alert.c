/* esc_alert.c — one alert stored once, with its delivery and audit event (see esc_alert.h). */
#include "esc_alert.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "mask.h"

/* $1 complaint, $2 deadline, $3 rung, $4 cycle, $5 subject, $6 unit, $7 target,
 * $8 orders, $9 due ms, $10 reason, $11 default webhook url. */
static const char SQL_RAISE[] =
    "WITH tgt AS ("
    "  SELECT CASE WHEN $7::text = 'unit' THEN $6::int"
    "              ELSE (SELECT id FROM units WHERE kind = $7::text ORDER BY id LIMIT 1) END AS unit_id"
    "), raised AS ("
    "  INSERT INTO alerts (complaint_id, deadline_id, rung, cycle, subject, unit_id, target, target_unit_id,"
    "                      orders, due_at, clock_at, reason)"
    "  SELECT $1::bigint, $2::bigint, $3::text, $4::int, $5::text, $6::int, $7::text, tgt.unit_id,"
    "         $8::bigint[], to_timestamp($9::bigint / 1000.0), esc_now(), $10::text FROM tgt"
    "  ON CONFLICT DO NOTHING"
    "  RETURNING id, target_unit_id, ceil(extract(epoch FROM created_at) * 1000)::bigint AS at_ms"
    "), delivery AS ("
    "  INSERT INTO deliveries (alert_id, url)"
    "  SELECT r.id, coalesce(nullif(u.webhook_url, ''), $11::text) FROM raised r"
    "  LEFT JOIN units u ON u.id = r.target_unit_id"
    "  WHERE coalesce(nullif(u.webhook_url, ''), $11::text) <> ''"
    "), logged AS ("
    "  INSERT INTO complaint_events (complaint_id, actor, event, detail)"
    "  SELECT $1::bigint, 'escalation', 'alert',"
    "         jsonb_build_object('alert_id', id, 'rung', $3::text, 'cycle', $4::int, 'subject', $5::text,"
    "                            'target', $7::text, 'orders', $8::bigint[], 'reason', $10::text)"
    "  FROM raised WHERE $1::bigint IS NOT NULL"
    ")"
    " SELECT id, at_ms FROM raised";

int esc_alert_raise(const esc_ctx *ctx, const esc_alert_in *in, esc_raised *out)
{
    memset(out, 0, sizeof *out);
    mask_text(out->reason, sizeof out->reason, in->reason);
    const char *params[] = {in->complaint_id, in->deadline_id, in->rung, in->cycle, in->subject,
                            in->unit_id, in->target, in->orders, in->due_ms, out->reason,
                            ctx->webhook_url ? ctx->webhook_url : ""};
    PGresult *res = db_query(ctx->pg, "raise alert", SQL_RAISE, 11, params);
    if (!res)
        return -1;
    if (PQntuples(res) == 1) {
        out->id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
        out->created_at_ms = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
    }
    PQclear(res);
    return 0;
}

void esc_alert_publish(const esc_ctx *ctx, const esc_alert_in *in, const esc_raised *out)
{
    if (!out->id)
        return;
    log_info("alert %" PRId64 " %s %s: %s", out->id, in->rung, *in->ticket_no ? in->ticket_no : in->subject,
             out->reason);
    if (!ctx->pub)
        return;
    Jiesu__Alert a = JIESU__ALERT__INIT;
    a.id = out->id;
    a.complaint_id = in->complaint_id ? strtoll(in->complaint_id, NULL, 10) : 0;
    a.ticket_no = (char *)in->ticket_no;
    a.rung = (char *)in->rung;
    a.cycle = atoi(in->cycle);
    a.unit_code = (char *)in->unit_code;
    a.target = (char *)in->target;
    a.reason = (char *)out->reason;
    a.created_at_ms = out->created_at_ms;
    bus_pub_send(ctx->pub, "alert.raised", &a.base, NULL);
}
