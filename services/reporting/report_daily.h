/* report_daily.h — the daily dispatch sheet (一天一调度) per street office.
 *
 * For day D = [start, end) in the report time zone, and "the end" = the
 * earlier of end and now, for each street office of the districts (formulas
 * written once, in report_daily.c):
 *   new          accept deadlines started on D (orders dispatched to the street that day)
 *   in_progress  resolve deadlines of the order's current cycle started before the end
 *                and not met by then (orders the street is working on at the end of D)
 *   due_today    resolve deadlines due on D that had not been met when D began
 *   overdue      in_progress ones whose due time was before the end
 *   closed       `closed` events on D (orders closed, 销号)
 *   escalated    alerts raised on D about the street's orders
 * Each deadline, closing and alert counts for one unit, the one it counts for
 * in the bulletin, jiesu report and on the wall board (deadlines_counted,
 * closings_counted, alerts_counted: migrations 062, 064, 059): its own, else
 * the order's active owner. An order a unit only co-handles counts nowhere
 * in its row.
 * The rows are malloc'd; free them with report_daily_free().
 */
#ifndef JIESU_REPORT_DAILY_H
#define JIESU_REPORT_DAILY_H

#include <libpq-fe.h>
#include <stddef.h>

#include "report_period.h"

typedef struct {
    char code[32];
    char name[96];
    long new_orders, in_progress, due_today, overdue, closed, escalated;
} report_daily_row;

typedef struct {
    report_period     day;
    report_daily_row *rows;     /* by street code */
    size_t            n;
} report_daily;

/* The day a sheet is asked for (jiesu daily --date, /api/daily?date=): date,
 * YYYY-MM-DD, up to today; none (NULL or ""): today. Today is the day of Unix
 * time now in the process's time zone, the city's (the service sets TZ to its
 * timezone). 0, or -1 with the reason in err (report_period_day_until). */
int report_daily_day(report_period *p, const char *date, long long now, char *err, size_t errlen);

/* The sheet of day p for the streets of districts. NULL with the reason in err. */
report_daily *report_daily_run(PGconn *pg, const char *districts, const char *tz, const report_period *p,
                               char *err, size_t errlen);

void report_daily_free(report_daily **d);

#endif
