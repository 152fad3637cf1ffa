/* esc_alert.c — one alert stored once, with its delivery and audit event (see esc_alert.h). */
#include "esc_alert.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "sqlarr.h"
#include "text.h"
#include "log.h"
#include "mask.h"

/* One row per alert to raise: $1 complaint, $2 deadline, $3 rung, $4 cycle,
 * $5 subject, $6 unit, $7 target, $8 orders (array literals), $9 due ms,
 * $10 reason, all arrays of one length; $11 the default webhook url. Returns
 * the position (1-based) of each alert raised, its id and creation time.
 * An alert for the campaign office or discipline inspection goes to the one
 * of the district of the unit responsible (for pattern alerts: of the order's
 * active owner; an order in the manual queue has none, and goes by the street
 * routing found for it, as the reading rule puts it in that district), else
 * to the one kept for a district not known. A campaign
 * alert about a conduct complaint (conduct_among, migration 029: its
 * category, or discipline inspection having held it) goes to discipline
 * inspection instead: the campaign office never learns of a complaint about
 * officials. Returns each alert's target as stored. */
static const char SQL_RAISE[] =
    "WITH office AS ("             /* each district's campaign office and discipline inspection */
    "  SELECT DISTINCT ON (kind, region_code) kind, region_code, id FROM units"
    "  WHERE kind IN ('campaign', 'discipline') AND region_code IS NOT NULL ORDER BY kind, region_code, id"
    "), fallback AS ("              /* the ones for a district not known */
    "  SELECT DISTINCT ON (kind) kind, id FROM units WHERE kind IN ('campaign', 'discipline')"
    "  ORDER BY kind, region_code NULLS FIRST, id"
    "), s AS ("
    "  SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::int[], $5::text[], $6::int[], $7::text[],"
    "                       $8::text[], $9::bigint[], $10::text[]) WITH ORDINALITY"
    "       AS s(complaint_id, deadline_id, rung, cycle, subject, unit_id, target, orders, due_ms, reason, idx)"
    "), st AS ("                  /* a conduct complaint's campaign alert goes to discipline inspection */
    "  SELECT s.complaint_id, s.deadline_id, s.rung, s.cycle, s.subject, s.unit_id, s.orders, s.due_ms, s.reason,"
    "         s.idx, coalesce(resp.region_code, (SELECT a.street_code FROM assignments a"      /* waiting for a */
    "           WHERE a.complaint_id = s.complaint_id AND a.active AND a.role = 'manual'"     /* dispatcher */
    "           ORDER BY a.id DESC LIMIT 1)) AS region_code,"
    "         CASE WHEN s.target = 'campaign' AND (resp.kind = 'discipline' OR k.id IS NOT NULL)"
    "              THEN 'discipline' ELSE s.target END AS target"
    "  FROM s LEFT JOIN conduct_among($1::bigint[]) k(id) ON k.id = s.complaint_id"
    "  LEFT JOIN units resp ON resp.id = coalesce(s.unit_id, (SELECT a.unit_id FROM assignments a"
    "    WHERE a.complaint_id = s.complaint_id AND a.active AND a.role IN ('owner', 'discipline')"
    "    ORDER BY a.id DESC LIMIT 1))"
    "), src AS ("
    "  SELECT st.*, CASE WHEN st.target = 'unit' THEN st.unit_id ELSE coalesce(o.id, f.id) END AS target_unit_id"
    "  FROM st"
    "  LEFT JOIN regions r ON r.code = st.region_code"
    "  LEFT JOIN office o ON o.kind = st.target"
    "   AND o.region_code = CASE WHEN r.level = 'street' THEN r.parent_code ELSE r.code END"
    "  LEFT JOIN fallback f ON f.kind = st.target"
    "), raised AS ("
    "  INSERT INTO alerts (complaint_id, deadline_id, rung, cycle, subject, unit_id, target, target_unit_id,"
    "                      orders, due_at, clock_at, reason)"
    "  SELECT complaint_id, deadline_id, rung, cycle, subject, unit_id, target, target_unit_id,"
    "         orders::bigint[], to_timestamp(due_ms / 1000.0), " ESC_SQL_NOW ", reason FROM src ORDER BY idx"
    "  ON CONFLICT DO NOTHING"
    "  RETURNING id, complaint_id, rung, cycle, subject, target_unit_id, orders, reason, target,"
    "            ceil(extract(epoch FROM created_at) * 1000)::bigint AS at_ms"
    "), delivery AS ("
    "  INSERT INTO deliveries (alert_id, url)"
    "  SELECT r.id, coalesce(nullif(u.webhook_url, ''), $11::text) FROM raised r"
    "  LEFT JOIN units u ON u.id = r.target_unit_id"
    "  WHERE coalesce(nullif(u.webhook_url, ''), $11::text) <> ''"
    "), logged AS ("
    "  INSERT INTO complaint_events (complaint_id, actor, event, detail)"
    "  SELECT complaint_id, 'escalation', 'alert',"
    "         jsonb_build_object('alert_id', id, 'rung', rung, 'cycle', cycle, 'subject', subject,"
    "                            'target', target, 'orders', orders, 'reason', reason)"
    "  FROM raised WHERE complaint_id IS NOT NULL"
    ")"
    " SELECT s.idx, r.id, r.at_ms, r.target FROM raised r JOIN src s ON coalesce(s.complaint_id, 0) = coalesce(r.complaint_id, 0)"
    "   AND s.rung = r.rung AND s.cycle = r.cycle AND s.subject = r.subject";

enum { COLS = 10 };

enum { R_IDX, R_ID, R_AT_MS, R_TARGET };     /* the columns SQL_RAISE returns */

/* Appends alert in (its reason masked into out->reason) to the ten arrays. */
static int add_row(sqlarr *a, const esc_alert_in *in, esc_raised *out)
{
    memset(out, 0, sizeof *out);
    mask_text(out->reason, sizeof out->reason, in->reason);
    const char *v[COLS] = {in->complaint_id, in->deadline_id, in->rung, in->cycle, in->subject,
                           in->unit_id, in->target, in->orders, in->due_ms, out->reason};
    for (int c = 0; c < COLS; c++)
        if (sqlarr_add_text(&a[c], v[c]) != 0)
            return -1;
    return 0;
}

int esc_alert_raise_many(const esc_ctx *ctx, const esc_alert_in *in, size_t n, esc_raised *out)
{
    sqlarr a[COLS];
    const char *params[COLS + 1];
    PGresult *res = NULL;
    int rc = -1;
    memset(a, 0, sizeof a);
    snprintf(ctx->err, ctx->errlen, "out of memory");
    for (size_t i = 0; i < n; i++)
        if (add_row(a, &in[i], &out[i]) != 0)
            goto cleanup;
    for (int c = 0; c < COLS; c++)
        if (!(params[c] = sqlarr_text(&a[c])))
            goto cleanup;
    params[COLS] = ctx->webhook_url ? ctx->webhook_url : "";
    if (!n || !(res = db_query(ctx->pg, "raise alerts", SQL_RAISE, COLS + 1, params, ctx->err, ctx->errlen))) {
        rc = n ? -1 : 0;
        goto cleanup;
    }
    for (int r = 0; r < PQntuples(res); r++) {
        size_t i = (size_t)strtoul(PQgetvalue(res, r, R_IDX), NULL, 10) - 1;
        if (i < n) {
            out[i].id = strtoll(PQgetvalue(res, r, R_ID), NULL, 10);
            out[i].created_at_ms = strtoll(PQgetvalue(res, r, R_AT_MS), NULL, 10);
            snprintf(out[i].target, sizeof out[i].target, "%s", PQgetvalue(res, r, R_TARGET));
        }
    }
    rc = 0;
cleanup:
    if (rc != 0 && n)
        text_prefix(ctx->err, ctx->errlen, "raising %zu alerts: ", n);
    for (int c = 0; c < COLS; c++)
        sqlarr_free(&a[c]);
    PQclear(res);
    return rc;
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
    a.target = (char *)out->target;
    a.reason = (char *)out->reason;
    a.created_at_ms = out->created_at_ms;
    bus_pub_send(ctx->pub, "alert.raised", &a.base, NULL);
}
