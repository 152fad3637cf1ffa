/* report_daily.c — the daily dispatch sheet in one query (see report_daily.h). */
#include "report_daily.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

/* $1 districts, $2 the day, $3 the day after, $4 time zone. */
static const char DAILY_SQL[] =
    "WITH b AS ("
    "    SELECT $2::date::timestamp AT TIME ZONE $4 AS t0, $3::date::timestamp AT TIME ZONE $4 AS t1,"
    "           least($3::date::timestamp AT TIME ZONE $4, now()) AS te"
    "), u AS ("
    "    SELECT u.id, u.code, u.name FROM units u JOIN regions r ON r.code = u.region_code"
    "    WHERE u.kind = 'street' AND r.parent_code = ANY (string_to_array(replace($1, ' ', ''), ','))"
    "), dl AS ("
    "    SELECT coalesce(d.unit_id, a.unit_id) AS unit_id,"
    "           d.kind = 'accept' AND d.started_at >= b.t0 AND d.started_at < b.t1 AS is_new,"
    "           d.kind = 'resolve' AND d.cycle = c.cycle AND d.started_at < b.te"
    "             AND (d.met_at IS NULL OR d.met_at >= b.te) AS open_at_end,"
    "           d.kind = 'resolve' AND d.due_at >= b.t0 AND d.due_at < b.t1"
    "             AND (d.met_at IS NULL OR d.met_at >= b.t0) AS due_today,"
    "           d.due_at < b.te AS past_due"
    "    FROM b CROSS JOIN deadlines d"
    "    JOIN complaints c ON c.id = d.complaint_id"
    "    LEFT JOIN assignments a ON d.unit_id IS NULL AND a.complaint_id = d.complaint_id"
    "                           AND a.active AND a.role IN ('owner', 'co')"
    "    WHERE d.started_at < b.t1 AND (d.met_at IS NULL OR d.met_at >= b.t0)"
    "), dla AS ("
    "    SELECT unit_id, count(*) FILTER (WHERE is_new) AS new_orders,"
    "           count(*) FILTER (WHERE open_at_end) AS in_progress,"
    "           count(*) FILTER (WHERE due_today) AS due_today,"
    "           count(*) FILTER (WHERE open_at_end AND past_due) AS overdue"
    "    FROM dl GROUP BY unit_id"
    "), cl AS ("
    "    SELECT coalesce(eu.id, a.unit_id) AS unit_id, count(*) AS closed"
    "    FROM b CROSS JOIN complaint_events e"
    "    LEFT JOIN units eu ON eu.code = e.detail->>'unit'"
    "    LEFT JOIN assignments a ON eu.id IS NULL AND a.complaint_id = e.complaint_id"
    "                           AND a.active AND a.role IN ('owner', 'co')"
    "    WHERE e.event = 'closed' AND e.at >= b.t0 AND e.at < b.t1"
    "    GROUP BY 1"
    "), al AS ("
    "    SELECT coalesce(x.unit_id, a.unit_id) AS unit_id, count(*) AS escalated"
    "    FROM b CROSS JOIN alerts x"
    "    LEFT JOIN assignments a ON x.unit_id IS NULL AND a.complaint_id = x.complaint_id"
    "                           AND a.active AND a.role IN ('owner', 'co')"
    "    WHERE x.created_at >= b.t0 AND x.created_at < b.t1"
    "    GROUP BY 1"
    ")"
    "SELECT u.code, u.name, coalesce(dla.new_orders, 0), coalesce(dla.in_progress, 0),"
    "       coalesce(dla.due_today, 0), coalesce(dla.overdue, 0), coalesce(cl.closed, 0),"
    "       coalesce(al.escalated, 0)"
    "  FROM u LEFT JOIN dla ON dla.unit_id = u.id LEFT JOIN cl ON cl.unit_id = u.id"
    "  LEFT JOIN al ON al.unit_id = u.id"
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
    const char *params[4] = {districts, p->from, p->to, tz};
    PGresult *res = db_query(pg, "report daily", DAILY_SQL, 4, params);
    if (!res) {
        snprintf(err, errlen, "the daily sheet query for %s failed: %.*s", p->label,
                 (int)strcspn(PQerrorMessage(pg), "\n"), PQerrorMessage(pg));
        return NULL;
    }
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
