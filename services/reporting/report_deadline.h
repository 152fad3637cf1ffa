/* report_deadline.h — a deadline's state in words, its durations in working
 * time on the official calendar, for `jiesu show` (the reporting service's order view):
 *
 *   met on time, 1 h 20 min before due      met late by 1 working day 2 h 05 min
 *   paused since 2026-11-20 10:00, 3 h left (or: overdue by 20 min when it stopped)
 *   overdue by 45 min
 *   pending, 6 h 30 min left
 *
 * A working day is the calendar's (calendar.day_start to day_end). Pure: the
 * caller gives the times (Unix seconds) and owns every buffer.
 */
#ifndef JIESU_REPORT_DEADLINE_H
#define JIESU_REPORT_DEADLINE_H

#include <stddef.h>
#include <stdint.h>

#include "calendar.h"

typedef struct {
    int64_t     due;
    int64_t     met;            /* 0: not met */
    int64_t     paused;         /* 0: running */
    const char *paused_text;    /* paused in local time, "YYYY-MM-DD HH:MI" */
    int64_t     now;            /* the escalation clock (esc_now()) */
} report_deadline;

/* Working time as "1 working day 2 h 05 min", "3 h", "45 min", "0 min". */
void report_deadline_span(char *buf, size_t cap, int64_t seconds, int day_minutes);

/* The state of d, in buf. */
void report_deadline_state(char *buf, size_t cap, const calendar *cal, int day_minutes, const report_deadline *d);

#endif
