/* esc_patterns.c — repeat, rebound, bounce and unit_overdue alerts (see esc_patterns.h).
 *
 * Each detector is one query returning the candidates, run on a connection of
 * its own without waiting for it (at a million deadlines due in the week
 * unit_overdue reads them all, for seconds); each candidate is then handled
 * in its own transaction (merge + alert) on the caller's connection, so a
 * crash loses at most the candidate in hand, which the next run finds again.
 */
#include "esc_patterns.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "esc_alert.h"
#include "log.h"
#include "names.h"

/* Groups with at least 2 orders not merged yet. Columns: parent id, parent
 * ticket, parent cycle, all ids, unmerged ids, count, category, address. */
static const char SQL_REPEAT[] =
    "SELECT g.p, p.ticket_no, p.cycle, g.all_ids, g.unmerged, g.n,"
    "       coalesce((SELECT name FROM categories WHERE code = g.category), g.category), g.address FROM ("
    "  SELECT coalesce(min(parent_id), (array_agg(id ORDER BY called_at, id) FILTER (WHERE parent_id IS NULL))[1]) AS p,"
    "         array_agg(id ORDER BY called_at, id) AS all_ids, array_agg(id) FILTER (WHERE parent_id IS NULL) AS unmerged,"
    "         count(*) AS n, category, address"
    "  FROM complaints"
    "  WHERE called_at >= " ESC_SQL_NOW " - make_interval(days => $1::int) AND category IS NOT NULL AND address <> ''"
    "    AND status <> 'closed'"
    "  GROUP BY category, address"
    "  HAVING count(*) >= $2::int AND count(*) FILTER (WHERE parent_id IS NULL) >= 2"
    ") g JOIN complaints p ON p.id = g.p";

enum { R_PARENT, R_TICKET, R_CYCLE, R_ALL, R_UNMERGED, R_COUNT, R_CATEGORY, R_ADDRESS };

/* $1 parent, $2 ids to merge, $3 reason. */
static const char SQL_MERGE[] =
    "WITH parent AS (SELECT id, ticket_no FROM complaints WHERE id = $1::bigint),"
    " merged AS ("
    "  UPDATE complaints c SET parent_id = $1::bigint, updated_at = now()"
    "  WHERE c.id = ANY($2::bigint[]) AND c.id <> $1::bigint AND c.parent_id IS NULL RETURNING c.id"
    ")"
    " INSERT INTO complaint_events (complaint_id, actor, event, detail)"
    " SELECT m.id, 'escalation', 'merged',"
    "        jsonb_build_object('parent_id', p.id, 'parent_ticket', p.ticket_no, 'reason', $3::text)"
    " FROM merged m CROSS JOIN parent p";

/* A repeat alert raised before: the orders behind it and its reason as they
 * are now. $1 parent, $2 cycle, $3 all ids, $4 masked reason. */
static const char SQL_REPEAT_GROWN[] =
    "UPDATE alerts SET orders = $3::bigint[], reason = $4"
    " WHERE complaint_id = $1::bigint AND rung = 'repeat' AND cycle = $2::int AND subject = ''"
    "   AND orders <> $3::bigint[]";

static const char SQL_REBOUND[] =
    "SELECT DISTINCT ON (n.id) n.id, n.cycle, n.ticket_no, o.id, o.ticket_no,"
    "       coalesce((SELECT name FROM categories WHERE code = n.category), n.category), n.address,"
    "       to_char(o.closed_at AT TIME ZONE 'UTC' + make_interval(mins => $2::int), 'YYYY-MM-DD HH24:MI'),"
    "       to_char(n.called_at AT TIME ZONE 'UTC' + make_interval(mins => $2::int), 'YYYY-MM-DD HH24:MI')"
    " FROM complaints n"
    " JOIN LATERAL ("
    "   SELECT o.id, o.ticket_no, coalesce((SELECT max(e.at) FROM complaint_events e"
    "                                        WHERE e.complaint_id = o.id AND e.event = 'closed'), o.updated_at) AS closed_at"
    "   FROM complaints o WHERE o.category = n.category AND o.address = n.address AND o.status = 'closed'"
    "     AND o.id <> n.id) o ON o.closed_at <= n.called_at AND o.closed_at >= n.called_at - make_interval(days => $1::int)"
    " WHERE n.called_at >= " ESC_SQL_NOW " - make_interval(days => $1::int) AND n.status <> 'closed'"
    "   AND n.category IS NOT NULL AND n.address <> ''"
    "   AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.complaint_id = n.id AND a.rung = 'rebound' AND a.cycle = n.cycle)"
    " ORDER BY n.id, o.closed_at DESC";

enum { B_ID, B_CYCLE, B_TICKET, B_OLD_ID, B_OLD_TICKET, B_CATEGORY, B_ADDRESS, B_CLOSED, B_CALLED };

static const char SQL_BOUNCE[] =
    "SELECT c.id, c.cycle, c.ticket_no, count(*) FILTER (WHERE e.event = 'returned'),"
    "       count(*) FILTER (WHERE e.event = 'reopened')"
    " FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id"
    " WHERE e.event IN ('returned', 'reopened') AND c.status <> 'closed'"
    "   AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.complaint_id = c.id AND a.rung = 'bounce' AND a.cycle = c.cycle)"
    " GROUP BY c.id HAVING count(*) >= $1::int";

/* esc_now() once per query (ESC_SQL_NOW), not a call per row: it was 3/4 of
 * the time. */
static const char SQL_UNIT_OVERDUE[] =
    "SELECT u.id, u.code, u.name, count(*), count(*) FILTER (WHERE x.late),"
    "       ((array_agg(d.complaint_id ORDER BY d.due_at) FILTER (WHERE x.late))[1:50])::text,"
    "       'unit:' || u.id || ':' || to_char(" ESC_SQL_NOW ", 'IYYY-\"W\"IW')"
    " FROM deadlines d JOIN units u ON u.id = d.unit_id"
    " CROSS JOIN LATERAL (SELECT coalesce(d.met_at, " ESC_SQL_NOW ") > d.due_at AS late) x"
    " WHERE d.due_at >= " ESC_SQL_NOW " - interval '7 days' AND d.due_at < " ESC_SQL_NOW
    " GROUP BY u.id"
    " HAVING count(*) >= $2::int AND count(*) FILTER (WHERE x.late) > $1::float8 * count(*)";

enum { U_ID, U_CODE, U_NAME, U_TOTAL, U_LATE, U_ORDERS, U_SUBJECT };

/* Raises the alert and counts it in *count when it is new. */
static int raise_counted(const esc_ctx *ctx, const esc_alert_in *in, esc_raised *out, size_t *count)
{
    int rc = esc_alert_raise(ctx, in, out);
    if (rc == 0 && out->id)
        (*count)++;
    return rc;
}

typedef int (*candidate_fn)(const esc_ctx *ctx, const esc_pattern_cfg *cfg, PGresult *res, int r,
                            esc_alert_in *in, esc_raised *out, esc_pattern_stats *st);

static int on_repeat(const esc_ctx *ctx, const esc_pattern_cfg *cfg, PGresult *res, int r, esc_alert_in *in,
                     esc_raised *out, esc_pattern_stats *st)
{
    char reason[ESC_REASON_BYTES];
    const char *parent = PQgetvalue(res, r, R_PARENT);
    snprintf(reason, sizeof reason, "%s：%d 天内 %s 有 %s 单“%s”诉求，已合并为一单", names_rung("repeat"),
             cfg->repeat_window_days, PQgetvalue(res, r, R_ADDRESS), PQgetvalue(res, r, R_COUNT),
             PQgetvalue(res, r, R_CATEGORY));
    const char *params[] = {parent, PQgetvalue(res, r, R_UNMERGED), reason};
    long merged = 0;
    if (db_command(ctx->pg, "merge repeat orders", SQL_MERGE, 3, params, &merged, ctx->err, ctx->errlen) != 0)
        return -1;
    st->merged += (size_t)merged;
    *in = (esc_alert_in){.complaint_id = parent, .rung = "repeat", .cycle = PQgetvalue(res, r, R_CYCLE),
                         .subject = "", .target = "campaign", .orders = PQgetvalue(res, r, R_ALL),
                         .reason = reason, .ticket_no = PQgetvalue(res, r, R_TICKET), .unit_code = ""};
    if (raise_counted(ctx, in, out, &st->repeat) != 0)
        return -1;
    if (out->id)
        return 0;
    /* Raised before, with fewer orders: the stored alert lists them all now. */
    const char *grown[] = {parent, in->cycle, in->orders, out->reason};
    return db_command(ctx->pg, "update repeat alert", SQL_REPEAT_GROWN, 4, grown, NULL, ctx->err, ctx->errlen);
}

static int on_rebound(const esc_ctx *ctx, const esc_pattern_cfg *cfg, PGresult *res, int r, esc_alert_in *in,
                      esc_raised *out, esc_pattern_stats *st)
{
    char reason[ESC_REASON_BYTES], orders[64];
    snprintf(reason, sizeof reason, "%s：工单 %s（“%s”，%s，%s 来电）在工单 %s 于 %s 销号后 %d 天内又来了",
             names_rung("rebound"), PQgetvalue(res, r, B_TICKET), PQgetvalue(res, r, B_CATEGORY),
             PQgetvalue(res, r, B_ADDRESS), PQgetvalue(res, r, B_CALLED), PQgetvalue(res, r, B_OLD_TICKET),
             PQgetvalue(res, r, B_CLOSED), cfg->rebound_window_days);
    snprintf(orders, sizeof orders, "{%s,%s}", PQgetvalue(res, r, B_OLD_ID), PQgetvalue(res, r, B_ID));
    *in = (esc_alert_in){.complaint_id = PQgetvalue(res, r, B_ID), .rung = "rebound",
                         .cycle = PQgetvalue(res, r, B_CYCLE), .subject = "", .target = "campaign",
                         .orders = orders, .reason = reason, .ticket_no = PQgetvalue(res, r, B_TICKET),
                         .unit_code = ""};
    return raise_counted(ctx, in, out, &st->rebound);
}

static int on_bounce(const esc_ctx *ctx, const esc_pattern_cfg *cfg, PGresult *res, int r, esc_alert_in *in,
                     esc_raised *out, esc_pattern_stats *st)
{
    char reason[ESC_REASON_BYTES], orders[32];
    snprintf(reason, sizeof reason, "%s：工单 %s 已退回 %s 次、重新办理 %s 次（阈值 %d）", names_rung("bounce"),
             PQgetvalue(res, r, 2), PQgetvalue(res, r, 3), PQgetvalue(res, r, 4), cfg->bounce_count);
    snprintf(orders, sizeof orders, "{%s}", PQgetvalue(res, r, 0));
    *in = (esc_alert_in){.complaint_id = PQgetvalue(res, r, 0), .rung = "bounce", .cycle = PQgetvalue(res, r, 1),
                         .subject = "", .target = "campaign", .orders = orders, .reason = reason,
                         .ticket_no = PQgetvalue(res, r, 2), .unit_code = ""};
    return raise_counted(ctx, in, out, &st->bounce);
}

static int on_unit_overdue(const esc_ctx *ctx, const esc_pattern_cfg *cfg, PGresult *res, int r,
                           esc_alert_in *in, esc_raised *out, esc_pattern_stats *st)
{
    char reason[ESC_REASON_BYTES];
    double late = atof(PQgetvalue(res, r, U_LATE)), total = atof(PQgetvalue(res, r, U_TOTAL));
    snprintf(reason, sizeof reason, "%s：%s 近 7 天到期的 %s 个时限中超期 %s 个（%.0f%%，阈值 %.0f%%）",
             names_rung("unit_overdue"), PQgetvalue(res, r, U_NAME), PQgetvalue(res, r, U_TOTAL),
             PQgetvalue(res, r, U_LATE), 100 * late / total, 100 * cfg->unit_overdue_rate);
    *in = (esc_alert_in){.rung = "unit_overdue", .cycle = "1", .subject = PQgetvalue(res, r, U_SUBJECT),
                         .unit_id = PQgetvalue(res, r, U_ID), .target = "discipline",
                         .orders = PQgetvalue(res, r, U_ORDERS), .reason = reason, .ticket_no = "",
                         .unit_code = PQgetvalue(res, r, U_CODE)};
    return raise_counted(ctx, in, out, &st->unit_overdue);
}

/* ---- a run ---- */

typedef struct {
    const char  *label, *sql;
    candidate_fn fn;
} detector;

enum { D_REPEAT, D_REBOUND, D_BOUNCE, D_UNIT_OVERDUE, N_DETECTORS };

static const detector DETECTORS[N_DETECTORS] = {
    [D_REPEAT] = {"find repeat orders", SQL_REPEAT, on_repeat},
    [D_REBOUND] = {"find rebounds", SQL_REBOUND, on_rebound},
    [D_BOUNCE] = {"find bouncing orders", SQL_BOUNCE, on_bounce},
    [D_UNIT_OVERDUE] = {"find overdue units", SQL_UNIT_OVERDUE, on_unit_overdue},
};

/* Sends the query of detector p->detector on p->pg. 0 or -1. */
static int send_detector(esc_pattern_run *p, const esc_ctx *ctx, const esc_pattern_cfg *cfg)
{
    char v[2][32];
    int n = 2;
    switch (p->detector) {
    case D_REPEAT:
        snprintf(v[0], sizeof v[0], "%d", cfg->repeat_window_days);
        snprintf(v[1], sizeof v[1], "%d", cfg->repeat_count);
        break;
    case D_REBOUND:
        snprintf(v[0], sizeof v[0], "%d", cfg->rebound_window_days);
        snprintf(v[1], sizeof v[1], "%d", ctx->utc_offset_min);
        break;
    case D_BOUNCE:
        snprintf(v[0], sizeof v[0], "%d", cfg->bounce_count);
        n = 1;
        break;
    default:    /* D_UNIT_OVERDUE */
        snprintf(v[0], sizeof v[0], "%g", cfg->unit_overdue_rate);
        snprintf(v[1], sizeof v[1], "%d", cfg->unit_overdue_min);
    }
    const char *params[] = {v[0], v[1]};
    const detector *d = &DETECTORS[p->detector];
    p->waiting = 1;
    return db_send_query(p->pg, d->label, d->sql, n, params, ctx->err, ctx->errlen);
}

/* Handles candidates of p->res from p->row on, each in its own transaction
 * (published after its commit), at least one and then until `until`. 0 or -1. */
static int handle_candidates(esc_pattern_run *p, const esc_ctx *ctx, const esc_pattern_cfg *cfg, monotime_ms until)
{
    int n = PQntuples(p->res);
    while (p->row < n) {
        esc_alert_in in;
        esc_raised out = {0};
        if (db_begin(ctx->pg, ctx->err, ctx->errlen) != 0 ||
            DETECTORS[p->detector].fn(ctx, cfg, p->res, p->row, &in, &out, &p->st) != 0 ||
            db_commit(ctx->pg, ctx->err, ctx->errlen) != 0) {
            db_rollback(ctx->pg);
            return -1;
        }
        esc_alert_publish(ctx, &in, &out);
        if (++p->row < n && clock_mono_ms() >= until)
            break;
    }
    return 0;
}

int esc_patterns_start(esc_pattern_run *p, const esc_ctx *ctx, const esc_pattern_cfg *cfg)
{
    esc_patterns_drop(p);
    p->running = 1;
    if (send_detector(p, ctx, cfg) == 0)
        return 0;
    esc_patterns_drop(p);
    return -1;
}

/* One step of the run under way; see esc_patterns_step(). */
static int step(esc_pattern_run *p, const esc_ctx *ctx, const esc_pattern_cfg *cfg, monotime_ms until)
{
    for (;;) {
        if (p->waiting) {
            int rc = db_take_result(p->pg, DETECTORS[p->detector].label, &p->res, ctx->err, ctx->errlen);
            if (rc <= 0)
                return rc;
            p->waiting = 0;
            p->row = 0;
        }
        if (handle_candidates(p, ctx, cfg, until) != 0)
            return -1;
        if (p->row < PQntuples(p->res))
            return 0;           /* the slice is over */
        PQclear(p->res);
        p->res = NULL;
        if (++p->detector == N_DETECTORS)
            return 1;
        if (send_detector(p, ctx, cfg) != 0)
            return -1;
    }
}

int esc_patterns_step(esc_pattern_run *p, const esc_ctx *ctx, const esc_pattern_cfg *cfg, monotime_ms until,
                      esc_pattern_stats *st)
{
    int rc = p->running ? step(p, ctx, cfg, until) : 1;
    *st = p->st;
    if (rc != 0)
        esc_patterns_drop(p);
    return rc;
}

void esc_patterns_drop(esc_pattern_run *p)
{
    PQclear(p->res);
    p->res = NULL;
    p->running = 0;
    p->detector = 0;
    p->waiting = 0;
    p->row = 0;
    memset(&p->st, 0, sizeof p->st);
}
