/* report_live.h — today's event counters, kept current from the services' events.
 *
 * Events are news only (PUB/SUB may drop them), so these counters are a live
 * indication, never the record: every report is computed from PostgreSQL.
 * A plain struct the caller owns; nothing allocates.
 */
#ifndef JIESU_REPORT_LIVE_H
#define JIESU_REPORT_LIVE_H

typedef struct {
    int  day;           /* local date of the counts as YYYYMMDD; 0 before the first event */
    long events;        /* every event seen that day */
    long imported;      /* "complaint.imported" */
    long routed;        /* "complaint.routed" */
    long status;        /* "complaint.status" */
    long alerts;        /* "alert.raised" */
    long gaps;          /* times a publisher's sequence showed missed events */
} report_live;

/* Counts one event of `type` seen on local date `day` (YYYYMMDD). The first
 * event of a new day starts every count again. gap is 1 when events were
 * missed just before this one. */
void report_live_note(report_live *self, const char *type, int day, int gap);

/* The local date of Unix time t (seconds) as YYYYMMDD, in the process's time zone. */
int report_live_day(long long t);

#endif
