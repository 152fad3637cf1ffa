/* report_calendar.h — the working calendar the workbench's lists and the
 * wall board count time left and time overdue in, shared by the HTTP
 * threads.
 *
 * It is the calendar routing and escalation count in (holidays_calendar:
 * the configured working day and every day of table holidays), built again
 * by the first request after the table changed — each request asks
 * holidays_version(), one prepared statement — so a day `jiesu holidays`
 * stores counts on the next page, without a restart. A request holds the
 * calendar it took until it gives it back; a calendar replaced meanwhile is
 * freed by the last request holding it.
 */
#ifndef JIESU_REPORT_CALENDAR_H
#define JIESU_REPORT_CALENDAR_H

#include <libpq-fe.h>
#include <stddef.h>

#include "calendar.h"
#include "config.h"

typedef struct report_calendar report_calendar;
typedef struct report_calendar_loaded report_calendar_loaded;

/* What one request counts in, from report_calendar_take(). */
typedef struct {
    const calendar         *cal;
    int                     day_minutes;    /* of a working day */
    report_calendar_loaded *loaded;         /* what report_calendar_give() gives back */
} report_calendar_hold;

/* Checks the calendar.* keys (cfg is borrowed for the service's life); the
 * days are loaded by the first request. NULL with the reason in err. */
report_calendar *report_calendar_new(const config *cfg, char *err, size_t errlen);

/* The calendar as table holidays stands now, read over pg (the request's
 * connection). 0, or -1 with the reason in err (*hold left empty). */
int report_calendar_take(report_calendar *self, PGconn *pg, report_calendar_hold *hold, char *err, size_t errlen);

/* Gives back what report_calendar_take() gave; an empty hold is ignored. */
void report_calendar_give(report_calendar *self, report_calendar_hold *hold);

/* Frees it and sets *self to NULL; no request may hold its calendar. */
void report_calendar_destroy(report_calendar **self);

#endif
