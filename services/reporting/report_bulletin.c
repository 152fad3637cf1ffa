/* report_bulletin.c — gathers the weekly bulletin (see report_bulletin.h).
 *
 * Hot spots count every order called in the week (and the week before, for
 * the change) once in each list, complete:
 *   - category: routing's category, else the one the hotline's category
 *     column names (category_aliases), by its name in `categories`; conduct
 *     complaints too, as a count (their text stays with discipline
 *     inspection); no category known: the row 未分类;
 *   - place: the order's own active owner assignment (community, else street,
 *     else the owner unit's name), a merged repeat never routed itself its
 *     parent's; in the manual dispatch queue: the row 待人工派单; not routed
 *     (yet, or again after a return): the row 尚未派单; handed back to the
 *     city hotline (not this district's business): the row 已退回热线.
 * Orders placed in another district's streets (or owned by another
 * district's units) are left out; unplaced ones are the deployment's own.
 * The ten with the most orders this week are ranked; all others are summed
 * in 其他, so the rows add up to the total (合计).
 * Orders listed: an order of a unit in scope whose resolve deadline fell due
 * in the week (up to now) and was not met by it, or on which alerts were
 * raised in the week; one row per order and unit, each with the deadline it
 * is listed for (the week's resolve deadline, else the one its highest alert
 * was about, else its current cycle's resolve deadline) and that deadline's
 * state; never a complaint for discipline inspection (the rule of migration
 * 013, asked of the whole list by complaints_for_discipline, 024), which the
 * bulletin counts but does not name.
 */
#include "report_bulletin.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "db.h"
#include "report_query.h"
#include "report_views.h"
#include "text.h"
#include "view.h"

/* $1 districts, $2 the first day of the week before, $3 of the week, $4 the
 * day after the week, $5 time zone, $6 the day after the days of the week
 * before compared (as many as the week has begun: $3 for a whole week).
 * w: the orders called per day by category
 * and place (report_hot_facts, migration 020: stored for the closed days
 * nothing changed since, counted now for the others), and only then named
 * and matched to the scope. Rows: kind ('category' or 'place'), row kind
 * (HOT_KINDS), name, this week, the week before. */
static const char HOTSPOTS_SQL[] =
    "WITH " REPORT_DAYS_CTES("$2", "$4", "$5") ","
    " w0 AS ("
    "    SELECT h.* FROM report_hot_days h"
    "    WHERE h.day >= $2::date AND h.day < $4::date AND h.day IN (SELECT day FROM days WHERE stored)"
    "    UNION ALL"
    "    SELECT x.* FROM (SELECT ARRAY(SELECT day FROM days WHERE NOT stored) AS live) l,"
    "                    LATERAL report_hot_facts(l.live, $5) x WHERE cardinality(l.live) > 0"
    "), w AS MATERIALIZED ("
    "    SELECT day >= $3::date AS cur, manual, cat, category_raw, unit_id, community_code, street_code,"
    "           handed_back, sum(n) AS n"
    "    FROM w0 WHERE day >= $3::date OR day < $6::date GROUP BY 1, 2, 3, 4, 5, 6, 7, 8"
    "), o AS ("
    "    SELECT w.cur, w.n, coalesce(k.name, w.cat, w.category_raw) AS category,"
    "           CASE WHEN w.unit_id IS NOT NULL THEN coalesce(cr.name, sr.name, un.name) END AS place,"
    "           CASE WHEN w.unit_id IS NOT NULL THEN 'ranked' WHEN w.manual THEN 'manual'"
    "                WHEN w.handed_back THEN 'handed_back' ELSE 'unrouted' END AS place_kind"
    "    FROM w"
    "    LEFT JOIN categories k ON k.code = w.cat"
    "    LEFT JOIN units un ON un.id = w.unit_id"
    "    LEFT JOIN regions cr ON cr.code = w.community_code"
    "    LEFT JOIN regions sr ON sr.code = w.street_code"
    "    WHERE w.unit_id IS NULL"
    "       OR sr.parent_code = ANY (string_to_array(replace($1, ' ', ''), ','))"
    "       OR (w.street_code IS NULL AND (un.region_code IS NULL"
    "           OR un.region_code = ANY (string_to_array(replace($1, ' ', ''), ','))))"
    "), g AS ("
    "    SELECT 'category' AS kind, CASE WHEN category IS NULL THEN 'unknown' ELSE 'ranked' END AS row_kind,"
    "           coalesce(category, '') AS name, coalesce(sum(n) FILTER (WHERE cur), 0) AS n,"
    "           coalesce(sum(n) FILTER (WHERE NOT cur), 0) AS prev"
    "    FROM o GROUP BY 1, 2, 3"
    "    UNION ALL"
    "    SELECT 'place', place_kind, coalesce(place, ''), coalesce(sum(n) FILTER (WHERE cur), 0),"
    "           coalesce(sum(n) FILTER (WHERE NOT cur), 0)"
    "    FROM o GROUP BY 1, 2, 3"
    "), r AS ("
    "    SELECT g.*, row_number() OVER (PARTITION BY kind, row_kind ORDER BY n DESC, name) AS rn FROM g"
    "), top AS ("
    "    SELECT kind, CASE WHEN row_kind = 'ranked' AND (rn > " DB_NUM(REPORT_HOTSPOTS) " OR n = 0)"
    "                      THEN 'other' ELSE row_kind END AS rk,"
    "           CASE WHEN row_kind = 'ranked' AND (rn > " DB_NUM(REPORT_HOTSPOTS) " OR n = 0)"
    "                THEN '' ELSE name END AS nm, n, prev"
    "    FROM r"
    ")"
    "SELECT kind, rk, nm, sum(n) AS n, sum(prev) FROM top GROUP BY 1, 2, 3"
    " ORDER BY 1, array_position(ARRAY['ranked', 'other', 'manual', 'unrouted', 'handed_back', 'unknown'], rk),"
    " n DESC, 3";

enum { H_LIST, H_ROW_KIND, H_NAME, H_COUNT, H_PREV };

#define OR_TN "$4::timestamptz"

/* $1 districts, $2 time zone, $3 row limit, $4 min(end of the week, now()),
 * $5 the week's first day, $6 the day after it, $7 the reader's unit or
 * NULL. The week's overdue resolve deadlines and alerts per day, unit and
 * order (report_overdue_facts, migration 023, the alerts by rung and target
 * since 092: stored for the closed days nothing changed since, counted now
 * for the others); a deadline or alert is listed under the unit it
 * counts for in the metrics and every count of alerts (deadlines_counted,
 * migration 062; alerts_counted, 059), of the alerts only those shown to the
 * reader, as on the wall board and the order's page (VIEW_ALERT_SHOWN: a
 * street office never reads a 问责预警 meant for discipline inspection, nor
 * an order listed for one alone). Each row shows the deadline it is listed
 * for — the resolve deadline that fell due in the week; for a row of alerts
 * alone, the deadline its highest alert climbed (a late 签收's accept
 * deadline, whose alerts read beside the resolve deadline's 未到期), else the
 * current cycle's resolve deadline — and its state at the
 * end of the week (or now, if earlier; paused only when it was waiting
 * then); late up to its fix, or up to the pause of an order waiting since
 * before then (暂停时已逾期, as the workbench says it: the days of waiting
 * are not late). */
/* One unit's rows of the week (u.id, in the lateral below): the stored ones
 * of its stored days (index report_overdue_days_unit) and the live ones. */
#define UNIT_ROWS                                                                                          \
    "(SELECT o.complaint_id, o.due_at, o.met_at, o.alerts, o.rung, o.target_unit_id FROM report_overdue_days o"  \
    " WHERE o.unit_id = u.id AND o.day >= $5::date AND o.day < $6::date"                                   \
    "   AND o.day IN (SELECT day FROM days WHERE stored)"                                                   \
    " UNION ALL SELECT lw.complaint_id, lw.due_at, lw.met_at, lw.alerts, lw.rung, lw.target_unit_id FROM lw"     \
    "  WHERE lw.unit_id = u.id)"

/* The list keeps its first $3 rows in the order of the units: the units are
 * read in that order, each one's rows sorted apart, and reading stops once
 * $3 rows are kept (the first units only, not a sort of the week's every
 * row). A unit's overdue rows each take its escalated row of the same order,
 * if any; an escalated row without an overdue one stands alone. The orders
 * kept are then read, and the complaints for discipline inspection among
 * them left out in one question (complaints_for_discipline, migration 024). */
static const char ORDERS_SQL[] =
    "WITH " REPORT_DAYS_CTES("$5", "$6", "$2") ", " REPORT_UNITS_IN_SCOPE ", lw AS MATERIALIZED ("
    "    SELECT x.* FROM (SELECT ARRAY(SELECT day FROM days WHERE NOT stored) AS live) l,"
    "                    LATERAL report_overdue_facts(l.live, $2) x WHERE cardinality(l.live) > 0"
    "), top AS MATERIALIZED ("
    "    SELECT u.code, u.name, u.kind, r.complaint_id, r.due_at, r.met_at, r.rung, r.n"
    "    FROM (SELECT u.*, u.kind = 'dept' AS dept FROM u ORDER BY dept, u.code) u"
    "    CROSS JOIN LATERAL ("
    "        SELECT coalesce(ov.complaint_id, al.complaint_id) AS complaint_id, ov.due_at, ov.met_at, al.rung, al.n"
    "        FROM (SELECT w.complaint_id, w.due_at, w.met_at FROM " UNIT_ROWS " w WHERE w.alerts = 0) ov"
    "        FULL JOIN ("
    "            SELECT w.complaint_id, sum(w.alerts) AS n,"
    "                   (array_agg(w.rung ORDER BY array_position(ARRAY['remind', 'supervise', 'accountability'],"
    "                                                             w.rung) DESC NULLS LAST))[1] AS rung"
    "            FROM " UNIT_ROWS " w WHERE w.alerts > 0 AND " VIEW_ALERT_SHOWN("w", "$7::int") " GROUP BY 1"
    "        ) al ON al.complaint_id = ov.complaint_id"
    "        ORDER BY ov.due_at NULLS LAST, 1 LIMIT $3::int"
    "    ) r"
    "    ORDER BY u.dept, u.code, r.due_at NULLS LAST, r.complaint_id"
    "    LIMIT $3::int"
    ")"
    "SELECT t.code, t.name, c.ticket_no, coalesce(k.name, c.category, c.category_raw, ''),"
    "       coalesce(c.caller_name, ''), coalesce(c.caller_phone, ''),"
    "       coalesce(cr.name, sr.name, ''),"
    "       coalesce(rd.kind, ''), coalesce(to_char(rd.due_at AT TIME ZONE $2, 'YYYY-MM-DD HH24:MI'), ''),"
    "       CASE WHEN rd.due_at IS NULL THEN ''"
    "            WHEN rd.met_at <= " OR_TN " THEN CASE WHEN rd.met_at > rd.due_at THEN 'late' ELSE 'on_time' END"
    "            WHEN rd.paused_at <= " OR_TN " THEN 'paused'"
    "            WHEN rd.due_at < " OR_TN " THEN 'overdue' ELSE 'open' END,"
    "       coalesce(extract(epoch FROM rd.due_at)::bigint, 0),"       /* late: to the fix, the pause or tn */
    "       coalesce(extract(epoch FROM least(rd.met_at, rd.paused_at, " OR_TN "))::bigint, 0),"
    "       coalesce(t.rung, ''), coalesce(t.n, 0)"
    "  FROM top t JOIN complaints c ON c.id = t.complaint_id"
    "  LEFT JOIN categories k ON k.code = c.category"
    "  LEFT JOIN LATERAL (SELECT a.deadline_id FROM alerts a"   /* an escalated row: its highest alert's deadline */
    "                     WHERE t.due_at IS NULL AND a.complaint_id = c.id AND a.rung = t.rung"
    "                       AND a.created_at < " OR_TN " ORDER BY a.created_at DESC LIMIT 1) ad ON true"
    "  LEFT JOIN LATERAL (SELECT d.kind, d.due_at, d.met_at, d.paused_at FROM deadlines d"   /* else the week's, the cycle's */
    "                     WHERE d.complaint_id = c.id AND CASE WHEN ad.deadline_id IS NOT NULL THEN d.id = ad.deadline_id"
    "                       ELSE d.kind = 'resolve' AND (d.due_at = t.due_at OR (t.due_at IS NULL AND d.cycle = c.cycle)) END"
    "                     ORDER BY d.cycle DESC LIMIT 1) rd ON true"
    "  LEFT JOIN assignments oa ON oa.complaint_id = c.id AND oa.active AND oa.role = 'owner'"
    "  LEFT JOIN regions cr ON cr.code = oa.community_code"
    "  LEFT JOIN regions sr ON sr.code = oa.street_code"
    " WHERE c.id NOT IN (SELECT complaints_for_discipline(ARRAY(SELECT complaint_id FROM top)))"
    " ORDER BY t.kind = 'dept', t.code, t.due_at NULLS LAST, t.complaint_id";

enum { O_UNIT_CODE, O_UNIT_NAME, O_TICKET, O_CATEGORY, O_CALLER_NAME, O_CALLER_PHONE, O_PLACE, O_DEADLINE, O_DUE_AT, O_STATE,
       O_DUE_S, O_END_S, O_RUNG, O_ALERTS };

static void copy_col(char *dst, size_t cap, const PGresult *res, int row, int col)
{
    snprintf(dst, cap, "%s", PQgetvalue(res, row, col));
}

static const char *const HOT_KINDS[] = {[HOT_RANKED] = "ranked",     [HOT_OTHER] = "other",
                                        [HOT_MANUAL] = "manual",     [HOT_UNROUTED] = "unrouted",
                                        [HOT_HANDED_BACK] = "handed_back", [HOT_UNKNOWN] = "unknown",
                                        [HOT_TOTAL] = "total"};

static const char *const HOT_LABELS[] = {[HOT_RANKED] = "",       [HOT_OTHER] = "其他",
                                         [HOT_MANUAL] = "待人工派单", [HOT_UNROUTED] = "尚未派单",
                                         [HOT_HANDED_BACK] = "已退回热线", [HOT_UNKNOWN] = "未分类",
                                         [HOT_TOTAL] = "合计"};

const char *report_hot_label(report_hot_kind kind)
{
    return HOT_LABELS[kind];
}

const char *report_hot_key(report_hot_kind kind)
{
    return HOT_KINDS[kind];
}

const char *report_deadline_label(const char *deadline)
{
    return strcmp(deadline, "accept") == 0 ? "签收" : strcmp(deadline, "resolve") == 0 ? "办结" : "";
}

const char *report_state_label(const char *deadline, const char *state)
{
    static const char *const STATES[][3] = {{"overdue", "超期未办结", "超期未签收"}, {"late", "超期办结", "超期签收"},
                                            {"on_time", "按期办结", "按期签收"},     {"open", "未到期", "未到期"},
                                            {"paused", "暂停计时", "暂停计时"}};
    for (size_t i = 0; i < sizeof STATES / sizeof STATES[0]; i++)
        if (strcmp(STATES[i][0], state) == 0)
            return STATES[i][strcmp(deadline, "accept") == 0 ? 2 : 1];
    return "无时限";
}

static report_hot_kind hot_kind(const char *name)
{
    for (int k = 0; k < HOT_TOTAL; k++)
        if (strcmp(HOT_KINDS[k], name) == 0)
            return (report_hot_kind)k;
    return HOT_OTHER;
}

/* Appends one row to a list (room for every kind of row is kept). */
static void add_hotspot(report_hotspot *list, size_t *n, report_hot_kind kind, const char *name, long count, long prev)
{
    if (*n >= REPORT_HOTSPOT_ROWS)
        return;
    report_hotspot *h = &list[(*n)++];
    h->kind = kind;
    snprintf(h->name, sizeof h->name, "%s", kind == HOT_RANKED ? name : HOT_LABELS[kind]);
    h->count = count;
    h->prev = prev;
}

/* Closes a list with its total row. */
static void add_total(report_hotspot *list, size_t *n)
{
    long count = 0, prev = 0;
    for (size_t i = 0; i < *n; i++) {
        count += list[i].count;
        prev += list[i].prev;
    }
    add_hotspot(list, n, HOT_TOTAL, "", count, prev);
}

/* The hot spots of the week beside the same days of the week before (prev):
 * this week on a Tuesday beside last week's Monday and Tuesday, where it was
 * beside all of last week and every row read as a fall. */
static int read_hotspots(report_bulletin *b, PGconn *pg, const char *districts, const char *tz,
                         const report_period *prev, char *err, size_t errlen)
{
    const report_period *p = &b->cur->period;
    report_period same;
    report_period_first_days(&same, prev, b->days_begun);
    const char *params[6] = {districts, prev->from, p->from, p->to, tz, same.to};
    PGresult *res = report_query(pg, "hot spots", p, HOTSPOTS_SQL, 6, params, err, errlen);
    if (!res)
        return -1;
    for (int i = 0; i < PQntuples(res); i++) {
        int is_cat = strcmp(PQgetvalue(res, i, H_LIST), "category") == 0;
        add_hotspot(is_cat ? b->categories : b->places, is_cat ? &b->n_categories : &b->n_places,
                    hot_kind(PQgetvalue(res, i, H_ROW_KIND)), PQgetvalue(res, i, H_NAME),
                    strtol(PQgetvalue(res, i, H_COUNT), NULL, 10), strtol(PQgetvalue(res, i, H_PREV), NULL, 10));
    }
    PQclear(res);
    add_total(b->categories, &b->n_categories);
    add_total(b->places, &b->n_places);
    return 0;
}

/* The caller as "张** 138****5678" (either part may be missing). */
static void mask_caller(char *dst, size_t cap, const char *name, const char *phone)
{
    char n[64], ph[32];
    text_mask_name(n, sizeof n, name);
    text_mask_phone(ph, sizeof ph, phone);
    snprintf(dst, cap, "%s%s%s", n, *n && *ph ? " " : "", ph);
}

double report_hours_late(const calendar *cal, long long due, long long end)
{
    long long s = due > 0 && end > due ? calendar_work_seconds_between(cal, due, end) : 0;
    return s <= 0 ? 0 : s < 360 ? 0.1 : (double)((s + 180) / 360) / 10;
}

static void read_order(report_order *o, const PGresult *res, int i, const calendar *cal)
{
    copy_col(o->unit_code, sizeof o->unit_code, res, i, O_UNIT_CODE);
    copy_col(o->unit_name, sizeof o->unit_name, res, i, O_UNIT_NAME);
    copy_col(o->ticket, sizeof o->ticket, res, i, O_TICKET);
    copy_col(o->category, sizeof o->category, res, i, O_CATEGORY);
    mask_caller(o->caller, sizeof o->caller, PQgetvalue(res, i, O_CALLER_NAME), PQgetvalue(res, i, O_CALLER_PHONE));
    copy_col(o->place, sizeof o->place, res, i, O_PLACE);
    copy_col(o->deadline, sizeof o->deadline, res, i, O_DEADLINE);
    copy_col(o->due_at, sizeof o->due_at, res, i, O_DUE_AT);
    copy_col(o->state, sizeof o->state, res, i, O_STATE);
    o->hours_late = report_hours_late(cal, atoll(PQgetvalue(res, i, O_DUE_S)), atoll(PQgetvalue(res, i, O_END_S)));
    copy_col(o->rung, sizeof o->rung, res, i, O_RUNG);
    o->alerts = strtol(PQgetvalue(res, i, O_ALERTS), NULL, 10);
}

static int read_orders(report_bulletin *b, PGconn *pg, const char *districts, int reader_unit, const char *tz,
                       const report_bounds *cur, const calendar *cal, char *err, size_t errlen)
{
    const report_period *p = &b->cur->period;
    char limit[16];
    snprintf(limit, sizeof limit, "%d", REPORT_MAX_ORDERS);
    char unit[16];
    snprintf(unit, sizeof unit, "%d", reader_unit);
    const char *params[7] = {districts, tz, limit, cur->tn, p->from, p->to, reader_unit ? unit : NULL};
    PGresult *res = report_query(pg, "overdue orders", p, ORDERS_SQL, 7, params, err, errlen);
    if (!res)
        return -1;
    int rows = PQntuples(res);
    b->orders = calloc(rows > 0 ? (size_t)rows : 1, sizeof *b->orders);
    if (!b->orders) {
        snprintf(err, errlen, "out of memory for %d orders", rows);
        PQclear(res);
        return -1;
    }
    for (int i = 0; i < rows; i++)
        read_order(&b->orders[b->n_orders++], res, i, cal);
    PQclear(res);
    return 0;
}

report_bulletin *report_bulletin_build(PGconn *pg, const char *districts, int reader_unit, const char *tz,
                                       const report_period *p, const report_settings *s, const calendar *cal,
                                       char *err, size_t errlen)
{
    report_period prev;
    report_bounds cur_b;
    report_bulletin *b = calloc(1, sizeof *b);
    if (!b) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(b->generated_at, sizeof b->generated_at, "%Y-%m-%d %H:%M", &tm);
    b->days_begun = report_period_days_begun(p, (long long)now);
    report_period_previous(&prev, p);
    int began = report_snapshot_begin(pg, err, errlen);
    if (began < 0 || !(b->cur = report_metrics_run(pg, districts, tz, p, s, err, errlen)) ||
        !(b->prev = report_metrics_run(pg, districts, tz, &prev, s, err, errlen)) ||
        report_query_start(pg, p, tz, &cur_b, err, errlen) < 0 ||
        read_hotspots(b, pg, districts, tz, &prev, err, errlen) < 0 ||
        read_orders(b, pg, districts, reader_unit, tz, &cur_b, cal, err, errlen) < 0 ||
        report_metrics_holds(pg, districts, p, &cur_b, cal, &b->holds, &b->n_holds, err, errlen) < 0)
        report_bulletin_free(&b);
    report_snapshot_end(pg, began);
    return b;
}

const report_unit *report_bulletin_prev(const report_bulletin *b, const report_unit *u)
{
    return report_table_find(b->prev, u->code);
}

double report_bulletin_change(const report_bulletin *b, const report_unit *u)
{
    const report_unit *p = report_bulletin_prev(b, u);
    return p ? round((u->composite - p->composite) * 100) / 100 : NAN;
}

size_t report_bulletin_orders_listed(const report_bulletin *b)
{
    size_t n = 0;
    for (size_t i = 0; i < b->n_orders; i++) {
        size_t j = 0;
        while (j < i && strcmp(b->orders[j].ticket, b->orders[i].ticket) != 0)
            j++;
        n += j == i;
    }
    return n;
}

const char *report_hot_prev_title(const report_bulletin *b)
{
    return b->days_begun < 7 ? "上周同期" : "上周";
}

double report_order_late_shown(const report_order *o)
{
    return strcmp(o->state, "overdue") == 0 || strcmp(o->state, "late") == 0 ? o->hours_late : NAN;
}

char *report_bulletin_orders_withheld(const report_bulletin *b, char *out, size_t cap)
{
    char roles[256];
    *out = '\0';
    if (!b->orders_withheld_from)
        return out;
    auth_roles_say(REPORT_ORDER_READERS, roles, sizeof roles);
    snprintf(out, cap, "%s的账号不查看工单，这 %zu 件不列出（查看它们的是%s）", b->orders_withheld_from,
             b->orders_withheld, roles);
    return out;
}

void report_bulletin_free(report_bulletin **b)
{
    if (!b || !*b)
        return;
    report_table_free(&(*b)->cur);
    report_table_free(&(*b)->prev);
    free((*b)->orders);
    free((*b)->holds);
    free(*b);
    *b = NULL;
}
