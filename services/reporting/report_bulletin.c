/* report_bulletin.c — gathers the weekly bulletin (see report_bulletin.h).
 *
 * Hot spots: the orders called in the week (and the week before, for the
 * change) that count for a unit of the scope through their owner assignment
 * (a merged repeat through its parent's), grouped by category code
 * (complaints.category, else the hotline's category_raw) and by place (the
 * assignment's community, else its street, else the owner unit's name).
 * Orders listed: an order of a unit in scope whose resolve deadline fell due
 * in the week (up to now) and was not met by it, or on which alerts were
 * raised in the week; one row per order and unit; never a complaint for
 * discipline inspection (complaint_for_discipline, migration 013), which the
 * bulletin counts but does not name.
 */
#include "report_bulletin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "text.h"

/* The scope's units, shared by both queries: $1 districts. */
#define UNITS_IN_SCOPE                                                                                  \
    "u AS ("                                                                                            \
    "    SELECT u.id, u.code, u.name, u.kind FROM units u LEFT JOIN regions r ON r.code = u.region_code" \
    "    WHERE (u.kind = 'street' AND r.parent_code = ANY (string_to_array(replace($1, ' ', ''), ',')))" \
    "       OR (u.kind = 'dept' AND (u.region_code IS NULL"                                             \
    "           OR u.region_code = ANY (string_to_array(replace($1, ' ', ''), ','))))"                  \
    ")"

/* $1 districts, $2 start of the week before, $3 start of the week, $4 its end.
 * w is read first (by called_at, then each order's owner by index) and
 * counted, and only then matched to the scope's units and places: joining
 * from the units would read every assignment they ever had. */
static const char HOTSPOTS_SQL[] =
    "WITH " UNITS_IN_SCOPE ", w AS MATERIALIZED ("
    "    SELECT c.called_at >= $3::timestamptz AS cur, coalesce(c.category, c.category_raw, '') AS category,"
    "           a.unit_id, a.community_code, a.street_code, count(*) AS n"
    "    FROM complaints c"
    "    JOIN assignments a ON a.complaint_id = coalesce(c.parent_id, c.id) AND a.active AND a.role = 'owner'"
    "    WHERE c.called_at >= $2::timestamptz AND c.called_at < $4::timestamptz"
    "    GROUP BY 1, 2, 3, 4, 5"
    "), o AS ("
    "    SELECT w.cur, coalesce(cat.name, w.category) AS category, coalesce(cr.name, sr.name, u.name) AS place, w.n"
    "    FROM w JOIN u ON u.id = w.unit_id"
    "    LEFT JOIN categories cat ON cat.code = w.category"
    "    LEFT JOIN regions cr ON cr.code = w.community_code"
    "    LEFT JOIN regions sr ON sr.code = w.street_code"
    "), g AS ("
    "    SELECT 'category' AS kind, category AS name, coalesce(sum(n) FILTER (WHERE cur), 0) AS n,"
    "           coalesce(sum(n) FILTER (WHERE NOT cur), 0) AS prev FROM o GROUP BY category"
    "    UNION ALL"
    "    SELECT 'place', place, coalesce(sum(n) FILTER (WHERE cur), 0), coalesce(sum(n) FILTER (WHERE NOT cur), 0)"
    "    FROM o GROUP BY place"
    ")"
    "SELECT kind, name, n, prev FROM ("
    "    SELECT g.*, row_number() OVER (PARTITION BY kind ORDER BY n DESC, name) AS rn FROM g WHERE n > 0"
    ") r WHERE rn <= 10 ORDER BY kind, rn";

#define OR_T0 "$2::timestamptz"
#define OR_T1 "$3::timestamptz"
#define OR_TN "$6::timestamptz"

/* $1 districts, $2 start, $3 end, $4 time zone, $5 row limit, $6 min(end, now()).
 * A deadline or alert without a unit counts for the order's active units. */
static const char ORDERS_SQL[] =
    "WITH " UNITS_IN_SCOPE ", d0 AS ("
    "    SELECT d.complaint_id, d.unit_id, d.due_at, d.met_at FROM deadlines d"
    "    WHERE d.kind = 'resolve' AND d.due_at >= " OR_T0 " AND d.due_at < " OR_TN
    "      AND (d.met_at IS NULL OR d.met_at > d.due_at)"
    "), ov AS ("
    "    SELECT complaint_id, unit_id, due_at, met_at FROM d0 WHERE unit_id IS NOT NULL"
    "    UNION ALL"
    "    SELECT d0.complaint_id, a.unit_id, d0.due_at, d0.met_at FROM d0"
    "    JOIN assignments a ON a.complaint_id = d0.complaint_id AND a.active AND a.role IN ('owner', 'co')"
    "    WHERE d0.unit_id IS NULL"
    "), x0 AS ("
    "    SELECT x.complaint_id, x.unit_id, x.rung FROM alerts x"
    "    WHERE x.created_at >= " OR_T0 " AND x.created_at < " OR_T1
    "), x1 AS ("
    "    SELECT complaint_id, unit_id, rung FROM x0 WHERE unit_id IS NOT NULL"
    "    UNION ALL"
    "    SELECT x0.complaint_id, a.unit_id, x0.rung FROM x0"
    "    JOIN assignments a ON a.complaint_id = x0.complaint_id AND a.active AND a.role IN ('owner', 'co')"
    "    WHERE x0.unit_id IS NULL"
    "), al AS ("
    "    SELECT complaint_id, unit_id, count(*) AS n,"
    "           (array_agg(rung ORDER BY array_position(ARRAY['remind', 'supervise', 'accountability'], rung)"
    "                      DESC NULLS LAST))[1] AS rung"
    "    FROM x1 GROUP BY 1, 2"
    "), top AS ("         /* the rows kept, before reading each one's order */
    "    SELECT u.code, u.name, u.kind, coalesce(ov.complaint_id, al.complaint_id) AS complaint_id,"
    "           ov.due_at, ov.met_at, al.rung, al.n"
    "    FROM ov FULL JOIN al ON al.complaint_id = ov.complaint_id AND al.unit_id = ov.unit_id"
    "    JOIN u ON u.id = coalesce(ov.unit_id, al.unit_id)"
    "    ORDER BY u.kind = 'dept', u.code, ov.due_at NULLS LAST, 4"
    "    LIMIT $5::int"
    ")"
    "SELECT t.code, t.name, c.ticket_no,"
    "       coalesce((SELECT name FROM categories WHERE code = c.category), c.category_raw, c.category, ''),"
    "       coalesce(c.caller_name, ''), coalesce(c.caller_phone, ''),"
    "       coalesce(cr.name, sr.name, ''),"
    "       coalesce(to_char(t.due_at AT TIME ZONE $4, 'YYYY-MM-DD HH24:MI'), ''),"
    "       CASE WHEN t.due_at IS NULL THEN '' WHEN t.met_at IS NULL THEN 'overdue' ELSE 'late' END,"
    "       coalesce(round((extract(epoch FROM coalesce(t.met_at, now()) - t.due_at) / 3600)::numeric, 1), 0),"
    "       coalesce(t.rung, ''), coalesce(t.n, 0)"
    "  FROM top t JOIN complaints c ON c.id = t.complaint_id"
    "  LEFT JOIN assignments oa ON oa.complaint_id = c.id AND oa.active AND oa.role = 'owner'"
    "  LEFT JOIN regions cr ON cr.code = oa.community_code"
    "  LEFT JOIN regions sr ON sr.code = oa.street_code"
    " WHERE NOT complaint_for_discipline(c)"
    " ORDER BY t.kind = 'dept', t.code, t.due_at NULLS LAST, t.complaint_id";

static void copy_col(char *dst, size_t cap, const PGresult *res, int row, int col)
{
    snprintf(dst, cap, "%s", PQgetvalue(res, row, col));
}

static int read_hotspots(report_bulletin *b, PGconn *pg, const char *districts, const report_bounds *prev,
                         const report_bounds *cur, char *err, size_t errlen)
{
    const report_period *p = &b->cur->period;
    const char *params[4] = {districts, prev->t0, cur->t0, cur->t1};
    PGresult *res = report_query(pg, "hot spots", p, HOTSPOTS_SQL, 4, params, err, errlen);
    if (!res)
        return -1;
    for (int i = 0; i < PQntuples(res); i++) {
        int is_cat = strcmp(PQgetvalue(res, i, 0), "category") == 0;
        size_t *n = is_cat ? &b->n_categories : &b->n_places;
        report_hotspot *h = is_cat ? &b->categories[*n] : &b->places[*n];
        if (*n >= REPORT_HOTSPOTS)
            continue;
        copy_col(h->name, sizeof h->name, res, i, 1);
        h->count = strtol(PQgetvalue(res, i, 2), NULL, 10);
        h->prev = strtol(PQgetvalue(res, i, 3), NULL, 10);
        (*n)++;
    }
    PQclear(res);
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

static void read_order(report_order *o, const PGresult *res, int i)
{
    copy_col(o->unit_code, sizeof o->unit_code, res, i, 0);
    copy_col(o->unit_name, sizeof o->unit_name, res, i, 1);
    copy_col(o->ticket, sizeof o->ticket, res, i, 2);
    copy_col(o->category, sizeof o->category, res, i, 3);
    mask_caller(o->caller, sizeof o->caller, PQgetvalue(res, i, 4), PQgetvalue(res, i, 5));
    copy_col(o->place, sizeof o->place, res, i, 6);
    copy_col(o->due_at, sizeof o->due_at, res, i, 7);
    copy_col(o->state, sizeof o->state, res, i, 8);
    o->hours_late = strtod(PQgetvalue(res, i, 9), NULL);
    copy_col(o->rung, sizeof o->rung, res, i, 10);
    o->alerts = strtol(PQgetvalue(res, i, 11), NULL, 10);
}

static int read_orders(report_bulletin *b, PGconn *pg, const char *districts, const char *tz,
                       const report_bounds *cur, char *err, size_t errlen)
{
    const report_period *p = &b->cur->period;
    char limit[16];
    snprintf(limit, sizeof limit, "%d", REPORT_MAX_ORDERS);
    const char *params[6] = {districts, cur->t0, cur->t1, tz, limit, cur->tn};
    PGresult *res = report_query(pg, "overdue orders", p, ORDERS_SQL, 6, params, err, errlen);
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
        read_order(&b->orders[b->n_orders++], res, i);
    PQclear(res);
    return 0;
}

report_bulletin *report_bulletin_build(PGconn *pg, const char *districts, const char *tz, const report_period *p,
                                       const report_settings *s, char *err, size_t errlen)
{
    report_period prev;
    report_bounds prev_b, cur_b;
    report_bulletin *b = calloc(1, sizeof *b);
    if (!b) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(b->generated_at, sizeof b->generated_at, "%Y-%m-%d %H:%M", &tm);
    report_period_previous(&prev, p);
    if (!(b->cur = report_metrics_run(pg, districts, tz, p, s, err, errlen)) ||
        !(b->prev = report_metrics_run(pg, districts, tz, &prev, s, err, errlen)) ||
        report_query_start(pg, &prev, tz, &prev_b, err, errlen) < 0 ||
        report_query_start(pg, p, tz, &cur_b, err, errlen) < 0 ||
        read_hotspots(b, pg, districts, &prev_b, &cur_b, err, errlen) < 0 ||
        read_orders(b, pg, districts, tz, &cur_b, err, errlen) < 0)
        report_bulletin_free(&b);
    return b;
}

const report_unit *report_bulletin_prev(const report_bulletin *b, const report_unit *u)
{
    return report_table_find(b->prev, u->code);
}

void report_bulletin_free(report_bulletin **b)
{
    if (!b || !*b)
        return;
    report_table_free(&(*b)->cur);
    report_table_free(&(*b)->prev);
    free((*b)->orders);
    free(*b);
    *b = NULL;
}
