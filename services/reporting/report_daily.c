/* report_daily.c — the daily dispatch sheet in one query (see report_daily.h). */
#include "report_daily.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "report_metrics.h"

#define T0 "$2::timestamptz"
#define T1 "$3::timestamptz"
#define TE "$4::timestamptz"

/* $1 districts, $2 start of the day, $3 its end, $4 min(end, now())
 * (report_bounds). A deadline, event or alert without a unit counts for the
 * order's active units. */
static const char DAILY_SQL[] =
    "WITH u AS ("
    "    SELECT u.id, u.code, u.name FROM units u JOIN regions r ON r.code = u.region_code"
    "    WHERE u.kind = 'street' AND r.parent_code = ANY (string_to_array(replace($1, ' ', ''), ','))"
    "), d0 AS ("
    "    SELECT d.complaint_id, d.unit_id,"
    "           d.kind = 'accept' AND d.started_at >= " T0 " AS is_new,"
    "           d.kind = 'resolve' AND d.cycle = c.cycle AND d.started_at < " TE
    "             AND (d.met_at IS NULL OR d.met_at >= " TE ") AS open_at_end,"
    "           d.kind = 'resolve' AND d.due_at >= " T0 " AND d.due_at < " T1 " AS due_today,"
    "           d.due_at < " TE " AS past_due"
    "    FROM deadlines d JOIN complaints c ON c.id = d.complaint_id"
    "    WHERE d.started_at < " T1 " AND (d.met_at IS NULL OR d.met_at >= " T0 ")"
    "), dl AS ("
    "    SELECT unit_id, is_new, open_at_end, due_today, past_due FROM d0 WHERE unit_id IS NOT NULL"
    "    UNION ALL"
    "    SELECT a.unit_id, is_new, open_at_end, due_today, past_due FROM d0"
    "    JOIN assignments a ON a.complaint_id = d0.complaint_id AND a.active AND a.role IN ('owner', 'co')"
    "    WHERE d0.unit_id IS NULL"
    "), dla AS ("
    "    SELECT unit_id, count(*) FILTER (WHERE is_new) AS new_orders,"
    "           count(*) FILTER (WHERE open_at_end) AS in_progress,"
    "           count(*) FILTER (WHERE due_today) AS due_today,"
    "           count(*) FILTER (WHERE open_at_end AND past_due) AS overdue"
    "    FROM dl GROUP BY unit_id"
    "), e0 AS ("
    "    SELECT e.complaint_id, eu.id AS unit_id FROM complaint_events e"
    "    LEFT JOIN units eu ON eu.code = e.detail->>'unit'"
    "    WHERE e.event = 'closed' AND e.at >= " T0 " AND e.at < " T1
    "), x0 AS ("
    "    SELECT x.complaint_id, x.unit_id FROM alerts x WHERE x.created_at >= " T0 " AND x.created_at < " T1
    "), tagged AS ("
    "    SELECT 'closed' AS what, complaint_id, unit_id FROM e0"
    "    UNION ALL SELECT 'escalated', complaint_id, unit_id FROM x0"
    "), tg AS ("
    "    SELECT what, unit_id FROM tagged WHERE unit_id IS NOT NULL"
    "    UNION ALL"
    "    SELECT t.what, a.unit_id FROM tagged t"
    "    JOIN assignments a ON a.complaint_id = t.complaint_id AND a.active AND a.role IN ('owner', 'co')"
    "    WHERE t.unit_id IS NULL"
    "), tga AS ("
    "    SELECT unit_id, count(*) FILTER (WHERE what = 'closed') AS closed,"
    "           count(*) FILTER (WHERE what = 'escalated') AS escalated"
    "    FROM tg GROUP BY unit_id"
    ")"
    "SELECT u.code, u.name, coalesce(dla.new_orders, 0), coalesce(dla.in_progress, 0),"
    "       coalesce(dla.due_today, 0), coalesce(dla.overdue, 0), coalesce(tga.closed, 0),"
    "       coalesce(tga.escalated, 0)"
    "  FROM u LEFT JOIN dla ON dla.unit_id = u.id LEFT JOIN tga ON tga.unit_id = u.id"
    " ORDER BY u.code";

static void read_row(report_daily_row *r, const PGresult *res, int i)
{
    snprintf(r->code, sizeof r->code, "%s", PQgetvalue(res, i, 0));
    snprintf(r->name, sizeof r->name, "%s", PQgetvalue(res, i, 1));
    long *v[6] = {&r->new_orders, &r->in_progress, &r->due_today, &r->overdue, &r->closed, &r->escalated};
    for (int c = 0; c < 6; c++)
        *v[c] = strtol(PQgetvalue(res, i, 2 + c), NULL, 10);
}

report_daily *report_daily_run(PGconn *pg, const char *districts, const char *tz, const report_period *p,
                               char *err, size_t errlen)
{
    PGresult *res = report_query_period(pg, "daily sheet", p, districts, tz, DAILY_SQL, err, errlen);
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
