/* report_live.h — today's counters, kept current from the services' events and
 * re-read from PostgreSQL when events were missed.
 *
 * Events are news only (PUB/SUB may drop them): each publisher numbers its
 * events, and when bus_sub_recv() reports a gap the counters are re-read from
 * PostgreSQL (report_live_reload), which is the record. Counts are of the
 * current day in the process's local time zone (the reporting service sets
 * TZ to `timezone`). A plain struct the caller owns; nothing allocates.
 *
 *   counter   event that adds to it                      what a reload counts today
 *   imported  complaint.imported (+ ImportReply.inserted)  complaint_events 'imported'
 *   routed    complaint.routed (+1)                        complaint_events 'routed' or 'manual'
 *   status    complaint.status (+1)                        complaint_events accepted, returned, progress,
 *                                                          waiting, resumed, resolved, callback, reopened, closed
 *   alerts    alert.raised (+1)                            alerts raised
 */
#ifndef JIESU_REPORT_LIVE_H
#define JIESU_REPORT_LIVE_H

#include <libpq-fe.h>
#include <stddef.h>

#include "bus.h"

typedef struct {
    int  day;           /* local date of the counts as YYYYMMDD; 0 before the first event */
    long events;        /* events seen that day (since the last reload) */
    long imported;
    long routed;
    long status;
    long alerts;
    long gaps;          /* times a publisher's sequence showed missed events */
    long reloads;       /* times the counts were re-read from PostgreSQL */
} report_live;

/* Counts one event seen on local date `day` (YYYYMMDD). The first event of a
 * new day starts every count again. */
void report_live_note(report_live *self, const Jiesu__Envelope *env, int day);

/* Sets the counts to today's figures from PostgreSQL (today in time zone tz).
 * 0, or -1 with the reason in err (the counts are then left as they were). */
int report_live_reload(report_live *self, PGconn *pg, const char *tz, char *err, size_t errlen);

/* Reads every event waiting on sub and counts it; when any showed a gap,
 * re-reads the counts from PostgreSQL once, after the last. Returns the
 * number of events read. */
int report_live_drain(report_live *self, bus_sub *sub, PGconn *pg, const char *tz);

/* The local date of Unix time t (seconds) as YYYYMMDD, in the process's time zone. */
int report_live_day(long long t);

#endif
