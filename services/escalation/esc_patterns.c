/* esc_patterns.c — repeat, rebound, bounce and unit_overdue alerts (see esc_patterns.h).
 *
 * Each detector is one query returning the candidates, run on a connection of
 * its own without waiting for it (at a million deadlines due in the week
 * unit_overdue reads them all, for seconds); the candidates are then handled
 * on the caller's connection up to CHUNK at a time, in one transaction: one
 * statement merges the repeat orders of them all and one raises their
 * alerts, so a crash loses at most the transaction in hand, which the next
 * run finds again. One candidate a transaction, 3,000 repeat groups found at
 * once cost PostgreSQL ~2 ms each, half of it planning the same statements.
 */
#include "esc_patterns.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "esc_alert.h"
#include "log.h"
#include "mask.h"
#include "names.h"
#include "sqlarr.h"
#include "text.h"

/* Orders x of the repeat window that can be in a group. */
#define REPEAT_WINDOW(x) x ".called_at >= " ESC_SQL_NOW " - make_interval(days => $1::int)" \
                         " AND " x ".category IS NOT NULL AND " x ".address <> ''"

/* The orders that may have joined a place from timestamp t on: routing gave
 * them their category (their 'routed' or 'manual' event, written in the
 * same statement), a dispatcher put them in another (调整分类 at the unit
 * holding them, 'recategorised'; 改派 with a category, 'reassigned', which
 * also makes one given to discipline inspection a conduct complaint), they
 * were taken out of such an order's group (its repeats that are no conduct
 * complaint, 'unmerged': a group of the street's orders at that place again)
 * or they were reopened; each event is stamped with the start of the
 * transaction that wrote it. Found by complaint_events_event_at, one range
 * of it per kind: the events since, none of the rest. */
#define JOINED_SINCE(t)                                                                                         \
    "SELECT e.complaint_id FROM complaint_events e"                                                           \
    " WHERE e.event IN ('routed', 'manual', 'recategorised', 'reassigned', 'unmerged', 'reopened')"            \
    "   AND e.at >= " t

/* Whether order x (with its parent xp, joined) is a conduct complaint, by the
 * one rule (conduct_of, migration 029). A place's conduct complaints and its
 * other orders are two groups: a conduct complaint is no repeat of the
 * street's orders there, whatever its category (a dispatcher's hand leaves
 * the street's), nor are they repeats or rebounds of it. Merged together,
 * the street's orders became conduct complaints by their parent, which the
 * street holding them could no longer read or handle, or the campaign
 * office's repeat alert counted a conduct complaint among the orders it
 * reads; its rebound alert named one closed there. */
#define CONDUCT(x, xp) "conduct_of(" x ", " xp ")"
#define WITH_PARENT(x, xp) "complaints " x " LEFT JOIN complaints " xp " ON " xp ".id = " x ".parent_id"

/* What a group of orders c at one place says: its parent (the first parent
 * already chosen, else the first order called), all its ids in call order,
 * those not merged yet, and how many of each. */
#define REPEAT_AGGREGATES                                                                                      \
    "coalesce(min(c.parent_id),"                                                                             \
    "         (array_agg(c.id ORDER BY c.called_at, c.id) FILTER (WHERE c.parent_id IS NULL))[1]) AS p,"      \
    " array_agg(c.id ORDER BY c.called_at, c.id) AS all_ids, array_agg(c.id) FILTER (WHERE c.parent_id IS NULL)" \
    " AS unmerged, count(*) AS n, count(*) FILTER (WHERE c.parent_id IS NULL) AS n_unmerged"

/* An order still the district's: neither closed nor handed back to the city
 * hotline (handed_back: another district's business, final). */
#define STILL_OURS(c) c ".status NOT IN ('closed', 'handed_back')"

/* The groups g (REPEAT_AGGREGATES, category, address) with at least $2
 * orders, 2 of them not merged yet. Columns: parent id, parent ticket,
 * parent cycle, all ids, unmerged ids, count, category, address. */
#define REPEAT_GROUPS(groups)                                                                                   \
    "SELECT g.p, p.ticket_no, p.cycle, g.all_ids, g.unmerged, g.n,"                                             \
    "       coalesce((SELECT name FROM categories WHERE code = g.category), g.category), g.address"             \
    " FROM " groups " JOIN complaints p ON p.id = g.p WHERE g.n >= $2::int AND g.n_unmerged >= 2"

/* Every group of the window. */
static const char SQL_REPEAT[] = REPEAT_GROUPS(
    "(SELECT " REPEAT_AGGREGATES ", c.category, c.address FROM " WITH_PARENT("c", "cp")
    "  WHERE " REPEAT_WINDOW("c") " AND " STILL_OURS("c")
    "  GROUP BY c.category, c.address, " CONDUCT("c", "cp") ") g");

/* The groups an order may have joined from $3 on: the places of the orders
 * JOINED_SINCE (by key, = ANY: joined, the planner read the whole window to
 * hash it), then each place's orders by complaints_place, one place at a
 * time (LATERAL: the same). Found by complaints.updated_at, the changed
 * orders were the whole window read (there is no index on it: one would
 * cost every write of the hottest table): 150–250 ms a run at the Open311
 * benchmark's 168,200 orders, against 47–53 ms so. */
static const char SQL_REPEAT_CHANGED[] = REPEAT_GROUPS(
    "(SELECT t.category, t.address, a.* FROM"
    "  (SELECT DISTINCT x.category, x.address, " CONDUCT("x", "xp") " AS conduct FROM " WITH_PARENT("x", "xp")
    "    WHERE x.id = ANY (ARRAY(" JOINED_SINCE("$3::timestamptz") ")) AND " REPEAT_WINDOW("x") ") t"
    "  CROSS JOIN LATERAL (SELECT " REPEAT_AGGREGATES " FROM " WITH_PARENT("c", "cp")
    "   WHERE c.category = t.category AND c.address = t.address AND " CONDUCT("c", "cp") " = t.conduct"
    "     AND c.called_at >= " ESC_SQL_NOW " - make_interval(days => $1::int) AND " STILL_OURS("c") ") a) g");

enum { R_PARENT, R_TICKET, R_CYCLE, R_ALL, R_UNMERGED, R_COUNT, R_CATEGORY, R_ADDRESS };

/* The boundary of a run (see esc_patterns.h): the oldest start of the
 * transactions in progress, this one's included, less a second. */
static const char SQL_BOUNDARY[] =
    "SELECT (least(statement_timestamp(), min(xact_start)) - interval '1 second')::text"
    " FROM pg_stat_activity WHERE xact_start IS NOT NULL";

#define FULL_RUN_MS (3600 * 1000)    /* the whole window read again at least this often */

#define CHUNK 32        /* candidates handled in one transaction */

/* Groups of repeat orders merged into their parents: $1 parents, $2 the ids
 * to merge of each (array literals), $3 reasons, all of one length. */
static const char SQL_MERGE[] =
    "WITH g AS (SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[]) AS g(parent, ids, reason)),"
    " merged AS ("
    "  UPDATE complaints c SET parent_id = g.parent, updated_at = now()"
    "  FROM g CROSS JOIN LATERAL unnest(g.ids::bigint[]) AS m(id)"
    "  WHERE c.id = m.id AND c.id <> g.parent AND c.parent_id IS NULL RETURNING c.id, g.parent, g.reason"
    ")"
    " INSERT INTO complaint_events (complaint_id, actor, event, detail)"
    " SELECT m.id, 'escalation', 'merged',"
    "        jsonb_build_object('parent_id', p.id, 'parent_ticket', p.ticket_no, 'reason', m.reason)"
    " FROM merged m JOIN complaints p ON p.id = m.parent";

/* A repeat alert raised before: the orders behind it and its reason as they
 * are now. $1 parent, $2 cycle, $3 all ids, $4 masked reason. */
static const char SQL_REPEAT_GROWN[] =
    "UPDATE alerts SET orders = $3::bigint[], reason = $4"
    " WHERE complaint_id = $1::bigint AND rung = 'repeat' AND cycle = $2::int AND subject = ''"
    "   AND orders <> $3::bigint[]";

/* Orders called within $1 days after an order at the same place, a conduct
 * complaint if they are one and else not (CONDUCT), was closed, with no
 * rebound alert this cycle; $2 the UTC offset of the times said; $3 NULL, or
 * only the orders JOINED_SINCE then. */
static const char SQL_REBOUND[] =
    "SELECT DISTINCT ON (n.id) n.id, n.cycle, n.ticket_no, o.id, o.ticket_no,"
    "       coalesce((SELECT name FROM categories WHERE code = n.category), n.category), n.address,"
    "       to_char(o.closed_at AT TIME ZONE 'UTC' + make_interval(mins => $2::int), 'YYYY-MM-DD HH24:MI'),"
    "       to_char(n.called_at AT TIME ZONE 'UTC' + make_interval(mins => $2::int), 'YYYY-MM-DD HH24:MI')"
    " FROM " WITH_PARENT("n", "np")
    " JOIN LATERAL ("
    "   SELECT o.id, o.ticket_no, coalesce((SELECT max(e.at) FROM complaint_events e"
    "                                        WHERE e.complaint_id = o.id AND e.event = 'closed'), o.updated_at) AS closed_at"
    "   FROM " WITH_PARENT("o", "op") " WHERE o.category = n.category AND o.address = n.address AND o.status = 'closed'"
    "     AND o.id <> n.id AND " CONDUCT("o", "op") " = " CONDUCT("n", "np") ")"
    " o ON o.closed_at <= n.called_at AND o.closed_at >= n.called_at - make_interval(days => $1::int)"
    " WHERE n.called_at >= " ESC_SQL_NOW " - make_interval(days => $1::int) AND " STILL_OURS("n")
    "   AND n.category IS NOT NULL AND n.address <> ''"
    "   AND ($3::timestamptz IS NULL OR n.id = ANY (ARRAY(" JOINED_SINCE("$3::timestamptz") ")))"
    "   AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.complaint_id = n.id AND a.rung = 'rebound' AND a.cycle = n.cycle)"
    " ORDER BY n.id, o.closed_at DESC";

enum { B_ID, B_CYCLE, B_TICKET, B_OLD_ID, B_OLD_TICKET, B_CATEGORY, B_ADDRESS, B_CLOSED, B_CALLED };

static const char SQL_BOUNCE[] =
    "SELECT c.id, c.cycle, c.ticket_no, count(*) FILTER (WHERE e.event = 'returned'),"
    "       count(*) FILTER (WHERE e.event = 'reopened')"
    " FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id"
    " WHERE e.event IN ('returned', 'reopened') AND " STILL_OURS("c")
    "   AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.complaint_id = c.id AND a.rung = 'bounce' AND a.cycle = c.cycle)"
    " GROUP BY c.id HAVING count(*) >= $1::int";

enum { X_ID, X_CYCLE, X_TICKET, X_RETURNED, X_REOPENED };

/* esc_now() once per query (ESC_SQL_NOW), not a call per row: it was 3/4 of
 * the time. */
static const char SQL_UNIT_OVERDUE[] =
    "SELECT u.id, u.code, u.name, count(*), count(*) FILTER (WHERE x.late),"
    "       ((array_agg(d.complaint_id ORDER BY d.due_at) FILTER (WHERE x.late))[1:50])::text,"
    "       'unit:' || u.id || ':' || to_char(" ESC_SQL_NOW ", 'IYYY-\"W\"IW')"
    " FROM deadlines d JOIN units u ON u.id = d.unit_id"
    " CROSS JOIN LATERAL (SELECT coalesce(d.met_at, " ESC_SQL_NOW ") > d.due_at AS late) x"
    " WHERE d.due_at >= " ESC_SQL_NOW " - interval '7 days' AND d.due_at < " ESC_SQL_NOW
    "   AND deadline_fell_due(d.paused_at, d.due_at)"      /* one paused before it: not due (migration 043) */
    " GROUP BY u.id"
    " HAVING count(*) >= $2::int AND count(*) FILTER (WHERE x.late) > $1::float8 * count(*)";

enum { U_ID, U_CODE, U_NAME, U_TOTAL, U_LATE, U_ORDERS, U_SUBJECT };

#define ORDERS_BYTES 64     /* "{old,new}" of a rebound, "{id}" of a bounce */

/* Fills *in from row r of a detector's answer; reason and orders are the
 * candidate's buffers for what is not a column as it is. */
typedef void (*candidate_fn)(const esc_pattern_cfg *cfg, PGresult *res, int r, esc_alert_in *in, char *reason,
                             char *orders);

#define PLACE_CHARS 160     /* of an address a reason quotes: the sentence stays whole */
#define PLACE_BYTES 512

/* The address of row r, column c, as a reason quotes it: an excerpt of
 * PLACE_CHARS, masked before the cut (mask_excerpt). */
static const char *quoted_address(char place[PLACE_BYTES], PGresult *res, int r, int c)
{
    mask_excerpt(place, PLACE_BYTES, PQgetvalue(res, r, c), PLACE_CHARS);
    return place;
}

static void on_repeat(const esc_pattern_cfg *cfg, PGresult *res, int r, esc_alert_in *in, char *reason,
                      char *orders)
{
    char place[PLACE_BYTES];
    (void)orders;
    snprintf(reason, ESC_REASON_BYTES, "%s：%d 天内 %s 有 %s 单“%s”诉求，已合并为一单", names_rung("repeat"),
             cfg->repeat_window_days, quoted_address(place, res, r, R_ADDRESS), PQgetvalue(res, r, R_COUNT),
             PQgetvalue(res, r, R_CATEGORY));
    *in = (esc_alert_in){.complaint_id = PQgetvalue(res, r, R_PARENT), .rung = "repeat",
                         .cycle = PQgetvalue(res, r, R_CYCLE), .subject = "", .target = "campaign",
                         .orders = PQgetvalue(res, r, R_ALL), .reason = reason,
                         .ticket_no = PQgetvalue(res, r, R_TICKET), .unit_code = ""};
}

static void on_rebound(const esc_pattern_cfg *cfg, PGresult *res, int r, esc_alert_in *in, char *reason,
                       char *orders)
{
    char place[PLACE_BYTES];
    snprintf(reason, ESC_REASON_BYTES, "%s：工单 %s（“%s”，%s，%s 来电）在工单 %s 于 %s 销号后 %d 天内又来了",
             names_rung("rebound"), PQgetvalue(res, r, B_TICKET), PQgetvalue(res, r, B_CATEGORY),
             quoted_address(place, res, r, B_ADDRESS), PQgetvalue(res, r, B_CALLED), PQgetvalue(res, r, B_OLD_TICKET),
             PQgetvalue(res, r, B_CLOSED), cfg->rebound_window_days);
    snprintf(orders, ORDERS_BYTES, "{%s,%s}", PQgetvalue(res, r, B_OLD_ID), PQgetvalue(res, r, B_ID));
    *in = (esc_alert_in){.complaint_id = PQgetvalue(res, r, B_ID), .rung = "rebound",
                         .cycle = PQgetvalue(res, r, B_CYCLE), .subject = "", .target = "campaign",
                         .orders = orders, .reason = reason, .ticket_no = PQgetvalue(res, r, B_TICKET),
                         .unit_code = ""};
}

static void on_bounce(const esc_pattern_cfg *cfg, PGresult *res, int r, esc_alert_in *in, char *reason,
                      char *orders)
{
    snprintf(reason, ESC_REASON_BYTES, "%s：工单 %s 已退回 %s 次、重新办理 %s 次（阈值 %d）", names_rung("bounce"),
             PQgetvalue(res, r, X_TICKET), PQgetvalue(res, r, X_RETURNED), PQgetvalue(res, r, X_REOPENED),
             cfg->bounce_count);
    snprintf(orders, ORDERS_BYTES, "{%s}", PQgetvalue(res, r, X_ID));
    *in = (esc_alert_in){.complaint_id = PQgetvalue(res, r, X_ID), .rung = "bounce",
                         .cycle = PQgetvalue(res, r, X_CYCLE), .subject = "", .target = "campaign", .orders = orders,
                         .reason = reason, .ticket_no = PQgetvalue(res, r, X_TICKET), .unit_code = ""};
}

static void on_unit_overdue(const esc_pattern_cfg *cfg, PGresult *res, int r, esc_alert_in *in, char *reason,
                            char *orders)
{
    (void)orders;
    double late = atof(PQgetvalue(res, r, U_LATE)), total = atof(PQgetvalue(res, r, U_TOTAL));
    snprintf(reason, ESC_REASON_BYTES, "%s：%s 近 7 天到期的 %s 个时限中超期 %s 个（%.0f%%，阈值 %.0f%%）",
             names_rung("unit_overdue"), PQgetvalue(res, r, U_NAME), PQgetvalue(res, r, U_TOTAL),
             PQgetvalue(res, r, U_LATE), 100 * late / total, 100 * cfg->unit_overdue_rate);
    *in = (esc_alert_in){.rung = "unit_overdue", .cycle = "1", .subject = PQgetvalue(res, r, U_SUBJECT),
                         .unit_id = PQgetvalue(res, r, U_ID), .target = "discipline",
                         .orders = PQgetvalue(res, r, U_ORDERS), .reason = reason, .ticket_no = "",
                         .unit_code = PQgetvalue(res, r, U_CODE)};
}

/* The candidates of one transaction. */
typedef struct {
    size_t       n;
    esc_alert_in in[CHUNK];
    esc_raised   out[CHUNK];
    char         reason[CHUNK][ESC_REASON_BYTES];
    char         orders[CHUNK][ORDERS_BYTES];
} chunk;

/* What a detector does in a chunk's transaction before or after raising
 * its alerts (rows p->row on of p->res). 0 or -1. */
typedef int (*chunk_fn)(const esc_ctx *ctx, esc_pattern_run *p, const chunk *k);

/* Merges the repeat orders of the chunk's groups into their parents. */
static int merge_repeats(const esc_ctx *ctx, esc_pattern_run *p, const chunk *k)
{
    sqlarr a[3];
    const char *params[3];
    long merged = 0;
    int rc = -1;
    memset(a, 0, sizeof a);
    snprintf(ctx->err, ctx->errlen, "out of memory");
    for (size_t i = 0; i < k->n; i++)
        if (sqlarr_add(&a[0], k->in[i].complaint_id) != 0 ||
            sqlarr_add_text(&a[1], PQgetvalue(p->res, p->row + (int)i, R_UNMERGED)) != 0 ||
            sqlarr_add_text(&a[2], k->reason[i]) != 0)
            goto cleanup;
    for (int c = 0; c < 3; c++)
        if (!(params[c] = sqlarr_text(&a[c])))
            goto cleanup;
    rc = db_command(ctx->pg, "merge repeat orders", SQL_MERGE, 3, params, &merged, ctx->err, ctx->errlen);
    p->st.merged += (size_t)merged;
cleanup:
    for (int c = 0; c < 3; c++)
        sqlarr_free(&a[c]);
    return rc;
}

/* Repeat alerts raised before, with fewer orders: each lists them all now. */
static int grow_repeats(const esc_ctx *ctx, esc_pattern_run *p, const chunk *k)
{
    (void)p;
    for (size_t i = 0; i < k->n; i++) {
        if (k->out[i].id)
            continue;
        const char *grown[] = {k->in[i].complaint_id, k->in[i].cycle, k->in[i].orders, k->out[i].reason};
        if (db_command(ctx->pg, "update repeat alert", SQL_REPEAT_GROWN, 4, grown, NULL, ctx->err, ctx->errlen) != 0)
            return -1;
    }
    return 0;
}

/* ---- a run ---- */

typedef struct {
    const char  *label, *sql;
    candidate_fn fn;
    chunk_fn     before, after;     /* around the raise, in its transaction; NULL: nothing */
} detector;

enum { D_REPEAT, D_REBOUND, D_BOUNCE, D_UNIT_OVERDUE, N_DETECTORS };

static const detector DETECTORS[N_DETECTORS] = {
    [D_REPEAT] = {"find repeat orders", SQL_REPEAT, on_repeat, merge_repeats, grow_repeats},
    [D_REBOUND] = {"find rebounds", SQL_REBOUND, on_rebound},
    [D_BOUNCE] = {"find bouncing orders", SQL_BOUNCE, on_bounce},
    [D_UNIT_OVERDUE] = {"find overdue units", SQL_UNIT_OVERDUE, on_unit_overdue},
};

/* Takes the run's boundary (p->taken, on the caller's connection, before
 * any query's snapshot) and decides whether the run reads only what joined
 * a place from p->since on (p->partial) or the whole window. 0, or -1 when
 * PostgreSQL failed (why in ctx->err). */
static int run_since(esc_pattern_run *p, const esc_ctx *ctx)
{
    PGresult *res = db_query(ctx->pg, "pattern boundary", SQL_BOUNDARY, 0, NULL, ctx->err, ctx->errlen);
    if (!res)
        return -1;
    snprintf(p->taken, sizeof p->taken, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    monotime_ms now = clock_mono_ms();
    p->partial = *p->since && now - p->full_at < FULL_RUN_MS;
    if (!p->partial)
        p->full_at = now;
    return 0;
}

/* Sends the query of detector p->detector on p->pg. 0 or -1. */
static int send_detector(esc_pattern_run *p, const esc_ctx *ctx, const esc_pattern_cfg *cfg)
{
    char v[2][32];
    const char *since = p->partial ? p->since : NULL;
    int n = 2;
    switch (p->detector) {
    case D_REPEAT:
        snprintf(v[0], sizeof v[0], "%d", cfg->repeat_window_days);
        snprintf(v[1], sizeof v[1], "%d", cfg->repeat_count);
        n = since ? 3 : 2;
        break;
    case D_REBOUND:
        snprintf(v[0], sizeof v[0], "%d", cfg->rebound_window_days);
        snprintf(v[1], sizeof v[1], "%d", ctx->utc_offset_min);
        n = 3;
        break;
    case D_BOUNCE:
        snprintf(v[0], sizeof v[0], "%d", cfg->bounce_count);
        n = 1;
        break;
    default:    /* D_UNIT_OVERDUE */
        snprintf(v[0], sizeof v[0], "%g", cfg->unit_overdue_rate);
        snprintf(v[1], sizeof v[1], "%d", cfg->unit_overdue_min);
    }
    const char *params[] = {v[0], v[1], since};
    const detector *d = &DETECTORS[p->detector];
    p->waiting = 1;
    const char *sql = p->detector == D_REPEAT && since ? SQL_REPEAT_CHANGED : d->sql;
    return db_send_query(p->pg, d->label, sql, n, params, ctx->err, ctx->errlen);
}

/* The run's count of alerts raised by detector d. */
static size_t *counter(esc_pattern_stats *st, int d)
{
    switch (d) {
    case D_REPEAT:
        return &st->repeat;
    case D_REBOUND:
        return &st->rebound;
    case D_BOUNCE:
        return &st->bounce;
    default:
        return &st->unit_overdue;
    }
}

/* Handles rows p->row .. p->row + k->n of p->res in one transaction and
 * publishes their alerts after its commit. 0 or -1. */
static int handle_chunk(esc_pattern_run *p, const esc_ctx *ctx, const esc_pattern_cfg *cfg, chunk *k)
{
    const detector *d = &DETECTORS[p->detector];
    for (size_t i = 0; i < k->n; i++) {
        d->fn(cfg, p->res, p->row + (int)i, &k->in[i], k->reason[i], k->orders[i]);
        text_utf8_cut(k->reason[i]);    /* a long address cut inside a character would not be UTF-8 */
    }
    if (db_begin(ctx->pg, ctx->err, ctx->errlen) != 0 ||
        (d->before && d->before(ctx, p, k) != 0) ||
        esc_alert_raise_many(ctx, k->in, k->n, k->out) != 0 ||
        (d->after && d->after(ctx, p, k) != 0) ||
        db_commit(ctx->pg, ctx->err, ctx->errlen) != 0) {
        db_rollback(ctx->pg);
        return -1;
    }
    size_t *count = counter(&p->st, p->detector);
    for (size_t i = 0; i < k->n; i++) {
        esc_alert_publish(ctx, &k->in[i], &k->out[i]);
        *count += k->out[i].id != 0;
    }
    return 0;
}

/* Handles candidates of p->res from p->row on, CHUNK a transaction, at
 * least one transaction and then until `until`. 0 or -1. */
static int handle_candidates(esc_pattern_run *p, const esc_ctx *ctx, const esc_pattern_cfg *cfg, monotime_ms until)
{
    int n = PQntuples(p->res), rc = 0;
    chunk *k = malloc(sizeof *k);       /* 68 KB */
    if (!k) {
        snprintf(ctx->err, ctx->errlen, "out of memory");
        return -1;
    }
    while (p->row < n && rc == 0) {
        k->n = n - p->row < CHUNK ? (size_t)(n - p->row) : CHUNK;
        if ((rc = handle_chunk(p, ctx, cfg, k)) == 0)
            p->row += (int)k->n;
        if (p->row < n && clock_mono_ms() >= until)
            break;
    }
    free(k);
    return rc;
}

int esc_patterns_start(esc_pattern_run *p, const esc_ctx *ctx, const esc_pattern_cfg *cfg)
{
    esc_patterns_drop(p);
    p->running = 1;
    if (run_since(p, ctx) == 0 && send_detector(p, ctx, cfg) == 0)
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
        if (++p->detector == N_DETECTORS) {     /* all handled: the next run looks from this one's boundary */
            snprintf(p->since, sizeof p->since, "%s", p->taken);
            return 1;
        }
        if (send_detector(p, ctx, cfg) != 0)
            return -1;
    }
}

int esc_patterns_step(esc_pattern_run *p, const esc_ctx *ctx, const esc_pattern_cfg *cfg, monotime_ms until,
                      esc_pattern_stats *st)
{
    int rc = p->running ? step(p, ctx, cfg, until) : 1;
    *st = p->st;
    if (rc < 0)
        p->since[0] = '\0';    /* the next run groups the whole window again */
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
