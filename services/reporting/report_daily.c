/* report_daily.c — the daily dispatch sheet in one query (see report_daily.h). */
#include "report_daily.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "report_query.h"

#define T0 "$2::timestamptz"
#define T1 "$3::timestamptz"
#define TE "$4::timestamptz"
#define DAY "$5::date"

/* $1 districts, $2 start of the day, $3 its end, $4 min(end, now())
 * (report_bounds), $5 the day, $6 time zone. Each deadline, closing and
 * alert counts for the one unit it counts for (deadlines_counted, migration
 * 062; closings_counted, 064; alerts_counted, 059): its own, else the order's
 * active owner, never a co-handler, as in the bulletin, jiesu report and on
 * the wall board. A deadline whose clock stopped before its due time (an
 * order waiting or returned) is not due, today or overdue (deadline_fell_due,
 * migration 043): its due time moves when the clock runs again.
 *
 * In progress and overdue come from the resolve deadlines of every day the
 * orders in progress started on, by the day they started (report_sheet_days,
 * migration 020): stored rows for the closed days nothing changed since
 * (report_days_dirty), report_sheet_facts now for the others. Overdue = due
 * before the end: before the end's day from those rows, and due on that day
 * before the end (today: before now) counted here from the deadlines. */
static const char DAILY_SQL[] =
    "WITH u AS ("
    "    SELECT u.id, u.code, u.name FROM units u JOIN regions r ON r.code = u.region_code"
    "    WHERE u.kind = 'street' AND r.parent_code = ANY (string_to_array(replace($1, ' ', ''), ','))"
    "), st AS MATERIALIZED ("
    "    SELECT * FROM report_days_dirty($6)"
    "), lo AS ("           /* the first start day the stored rows cannot answer for */
    "    SELECT CASE WHEN st.through IS NULL THEN (SELECT timezone($6, min(started_at))::date FROM deadlines)"
    "                ELSE least(st.dirty_from, st.through + 1) END AS first"
    "    FROM (SELECT 1) one LEFT JOIN st ON true"
    "), live AS MATERIALIZED ("
    "    SELECT ARRAY(SELECT g::date FROM lo, generate_series(lo.first, " DAY ", interval '1 day') g"
    "                 UNION SELECT x FROM st, unnest(st.dirty) x WHERE x <= " DAY ") AS days"
    "), sheet AS ("
    "    SELECT s.unit_id, s.until_day, s.due_day, s.open FROM live, st, report_sheet_days s"
    "    WHERE s.day <= " DAY " AND s.day <> ALL (live.days) AND st.through IS NOT NULL"
    "    UNION ALL"
    "    SELECT f.unit_id, f.until_day, f.due_day, f.open FROM live, LATERAL report_sheet_facts(live.days, $6) f"
    "    WHERE cardinality(live.days) > 0"
    "), ip AS ("
    "    SELECT unit_id, sum(open) FILTER (WHERE until_day > " DAY ") AS in_progress,"
    "           sum(open) FILTER (WHERE until_day > " DAY " AND due_day < timezone($6, " TE ")::date) AS overdue"
    "    FROM sheet GROUP BY unit_id"
    "), dl AS ("
    "    SELECT d.counts_for AS unit_id, d.kind = 'accept' AND d.started_at >= " T0 " AS is_new,"
    "           d.kind = 'resolve' AND d.due_at >= " T0 " AND d.due_at < " T1 " AS due_today, false AS due_late"
    "    FROM deadlines_counted d"
    "    WHERE ((d.kind = 'accept' AND d.started_at >= " T0 " AND d.started_at < " T1 ")"
    "           OR (d.kind = 'resolve' AND d.due_at >= " T0 " AND d.due_at < " T1 " AND d.started_at < " T1
    "               AND deadline_fell_due(d.paused_at, d.due_at)))"
    "      AND (d.met_at IS NULL OR d.met_at >= " T0 ")"
    "    UNION ALL"          /* due on the end's day before the end, open then */
    "    SELECT d.counts_for, false, false, true FROM deadlines_counted d"
    "    JOIN complaints c ON c.id = d.complaint_id AND c.cycle = d.cycle"
    "    WHERE d.kind = 'resolve' AND d.due_at >= timezone($6, " TE ")::date::timestamp AT TIME ZONE $6"
    "      AND d.due_at < " TE " AND d.started_at < " TE " AND (d.met_at IS NULL OR d.met_at >= " TE ")"
    "      AND deadline_fell_due(d.paused_at, d.due_at)"
    "), dla AS ("
    "    SELECT unit_id, count(*) FILTER (WHERE is_new) AS new_orders,"
    "           count(*) FILTER (WHERE due_today) AS due_today, count(*) FILTER (WHERE due_late) AS due_late"
    "    FROM dl GROUP BY unit_id"
    "), tga AS ("                /* orders closed on D, each for the unit it counts for */
    "    SELECT e.counts_for AS unit_id, count(*) AS closed FROM closings_counted e"
    "    WHERE e.at >= " T0 " AND e.at < " T1 " GROUP BY 1"
    "), xa AS ("                 /* alerts raised on D, each for the unit it counts for */
    "    SELECT x.counts_for AS unit_id, count(*) AS escalated FROM alerts_counted x"
    "    WHERE x.created_at >= " T0 " AND x.created_at < " T1 " GROUP BY 1"
    ")"
    "SELECT u.code, u.name, coalesce(dla.new_orders, 0), coalesce(ip.in_progress, 0),"
    "       coalesce(dla.due_today, 0), coalesce(ip.overdue, 0) + coalesce(dla.due_late, 0), coalesce(tga.closed, 0),"
    "       coalesce(xa.escalated, 0)"
    "  FROM u LEFT JOIN dla ON dla.unit_id = u.id LEFT JOIN ip ON ip.unit_id = u.id LEFT JOIN tga ON tga.unit_id = u.id"
    "  LEFT JOIN xa ON xa.unit_id = u.id"
    " ORDER BY u.code";

static void read_row(report_daily_row *r, const PGresult *res, int i)
{
    snprintf(r->code, sizeof r->code, "%s", PQgetvalue(res, i, 0));
    snprintf(r->name, sizeof r->name, "%s", PQgetvalue(res, i, 1));
    long *v[6] = {&r->new_orders, &r->in_progress, &r->due_today, &r->overdue, &r->closed, &r->escalated};
    for (int c = 0; c < 6; c++)
        *v[c] = strtol(PQgetvalue(res, i, 2 + c), NULL, 10);
}

int report_daily_day(report_period *p, const char *date, long long now, char *err, size_t errlen)
{
    report_period today;
    report_period_current(&today, now, 1);
    if (!date || !*date) {
        *p = today;
        return 0;
    }
    return report_period_day_until(p, date, today.from, err, errlen);
}

report_daily *report_daily_run(PGconn *pg, const char *districts, const char *tz, const report_period *p,
                               char *err, size_t errlen)
{
    report_bounds b;
    if (report_query_start(pg, p, tz, &b, err, errlen) < 0)
        return NULL;
    const char *params[6] = {districts, b.t0, b.t1, b.tn, p->from, tz};
    PGresult *res = report_query(pg, "daily sheet", p, DAILY_SQL, 6, params, err, errlen);
    if (!res)
        return NULL;
    int rows = PQntuples(res);
    report_daily *d = calloc(1, sizeof *d);
    if (d)
        d->rows = calloc(rows > 0 ? (size_t)rows : 1, sizeof *d->rows);
    if (!d || !d->rows) {
        snprintf(err, errlen, "out of memory for %d streets", rows);
        PQclear(res);
        report_daily_free(&d);
        return NULL;
    }
    d->day = *p;
    for (int i = 0; i < rows; i++)
        read_row(&d->rows[d->n++], res, i);
    PQclear(res);
    return d;
}

void report_daily_free(report_daily **d)
{
    if (!d || !*d)
        return;
    free((*d)->rows);
    free(*d);
    *d = NULL;
}
