/* report_query.h — what every report's queries share: the period's bounds
 * computed once, one snapshot for a report of several queries, a query that
 * names itself and its period when it fails, and the SQL fragments for the
 * units in scope and the days stored or counted live. The unit an alert
 * counts for is the database's one rule: view alerts_counted (migration 059).
 */
#ifndef JIESU_REPORT_QUERY_H
#define JIESU_REPORT_QUERY_H

#include <libpq-fe.h>
#include <stddef.h>

#include "report_period.h"

/* The units a report ranks, as an SQL CTE named u (id, code, name, kind):
 * the street offices of the districts in $1 (comma-separated codes) and the
 * departments of those districts or of none. */
#define REPORT_UNITS_IN_SCOPE                                                                           \
    "u AS ("                                                                                            \
    "    SELECT u.id, u.code, u.name, u.kind FROM units u LEFT JOIN regions r ON r.code = u.region_code" \
    "    WHERE (u.kind = 'street' AND r.parent_code = ANY (string_to_array(replace($1, ' ', ''), ',')))" \
    "       OR (u.kind = 'dept' AND (u.region_code IS NULL"                                             \
    "           OR u.region_code = ANY (string_to_array(replace($1, ' ', ''), ','))))"                  \
    ")"

/* A period as instants, computed once by PostgreSQL so the report queries
 * compare plain timestamptz parameters (index bounds, nothing converted per row). */
typedef struct {
    char t0[48];        /* the period's start */
    char t1[48];        /* its end (exclusive) */
    char tn[48];        /* min(end, now()): "up to now" */
} report_bounds;

/* Prepares pg for the report queries: JIT compilation off (it costs more than
 * these short aggregate queries take: 0.45 s of the street summary's 1 s over
 * 66,000 orders); random_page_cost 1.1 (the rows a report reads are few and
 * usually cached, so following an index to each order's assignment beats
 * hashing the whole table). Settings of the session, made again before each
 * report (a connection reset forgets them). 0 or -1 (why in err). */
int report_query_session(PGconn *pg, char *err, size_t errlen);

/* report_query_session, and p's bounds computed in time zone tz. Every
 * report_*_run calls it. 0, or -1 with the reason (an unknown time zone, say)
 * in err. */
int report_query_start(PGconn *pg, const report_period *p, const char *tz, report_bounds *b, char *err,
                       size_t errlen);

/* One snapshot for a report made of several queries (the bulletin: two weeks'
 * metrics, hot spots, orders; the dashboard adds its trend): when pg is not in
 * a transaction, begins one at REPEATABLE READ, READ ONLY, so that every query
 * sees the same rows and the stale days are found once for all of them
 * (report_days_dirty, migration 023). 1 when it began one (end it with
 * report_snapshot_end), 0 when a transaction was open already, -1 with err. */
int report_snapshot_begin(PGconn *pg, char *err, size_t errlen);

/* Ends the snapshot report_snapshot_begin began (began = 1); nothing otherwise. */
void report_snapshot_end(PGconn *pg, int began);

/* Runs one report query (what names it: "metrics", "daily sheet"...) for
 * period p. The result, or NULL with "the <what> query for <period> failed:
 * <PostgreSQL's reason>" in err. */
PGresult *report_query(PGconn *pg, const char *what, const report_period *p, const char *sql, int nparams,
                       const char *const *params, char *err, size_t errlen);

/* The CTEs st and days of a report over the days [F, T) (SQL date
 * expressions) in time zone TZ: each day and whether the rows stored for it
 * (report_days, report_sheet_days, report_hot_days; migration 020) are
 * fresh; the others are counted live. */
#define REPORT_DAYS_CTES(F, T, TZ)                                                                       \
    "st AS MATERIALIZED (SELECT * FROM report_days_dirty(" TZ ")),"                                      \
    " days AS MATERIALIZED ("                                                                            \
    "    SELECT g::date AS day, coalesce(g::date <= st.through AND g::date < coalesce(st.dirty_from, 'infinity')" \
    "                                    AND g::date <> ALL (st.dirty), false) AS stored"                \
    "    FROM generate_series(" F "::date, " T "::date - 1, interval '1 day') g LEFT JOIN st ON true)"

#endif
