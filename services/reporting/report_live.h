/* report_live.h — today's counters, read from PostgreSQL (the record), re-read
 * soon after the services' events announce a change (report_live_drain) and
 * every second anyway; never added up from events (why: README.md). Counts
 * are of the current day in time zone `timezone`. A plain struct the caller
 * owns; nothing allocates.
 *
 *   counter   what a read counts today
 *   imported  complaint_events 'imported'
 *   routed    complaint_events 'routed' or 'manual'
 *   status    complaint_events accepted, returned, progress, waiting, resumed,
 *             resolved, callback, reopened, closed, handed_back
 *   alerts    alerts raised
 */
#ifndef JIESU_REPORT_LIVE_H
#define JIESU_REPORT_LIVE_H

#include <libpq-fe.h>
#include <stddef.h>

#include "bus.h"
#include "clock.h"

/* A re-read at most this often after events, and at least this often without. */
#define REPORT_LIVE_SOON_MS  200
#define REPORT_LIVE_EVERY_MS 1000

typedef struct {
    int  day;           /* local date of the counts as YYYYMMDD; 0 before the first read */
    long imported;
    long routed;
    long status;
    long alerts;
    long events;        /* events seen since the process started (notices only) */
    long reloads;       /* times the counts were read from PostgreSQL */
    int  stale;         /* events arrived since the last read */
    monotime_ms read_at; /* when the counts were last read or tried (0: never) */
} report_live;

/* Sets the counts to today's figures from PostgreSQL (today in time zone tz)
 * and notes the time of the attempt. 0, or -1 with the reason in err (the
 * counts are then left as they were). */
int report_live_reload(report_live *self, PGconn *pg, const char *tz, char *err, size_t errlen);

/* Reads and discards every event waiting on sub, marking the counts stale
 * when there was any. Returns the number of events read. */
int report_live_drain(report_live *self, bus_sub *sub);

/* Whether the counts should be read again at monotonic time now: stale and
 * REPORT_LIVE_SOON_MS since the last read, or REPORT_LIVE_EVERY_MS since it. */
int report_live_due(const report_live *self, monotime_ms now);

#endif
