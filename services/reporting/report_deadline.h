/* report_deadline.h — a deadline's state in words, its durations in working
 * time on the official calendar, for the order view (`jiesu show` and the
 * workbench's order page) and the workbench's lists:
 *
 *   按时完成，提前 1小时20分            逾期完成，超时 1个工作日2小时5分
 *   2026-11-20 10:00 起暂停计时，剩余 3小时（或：暂停时已逾期 20分钟）
 *   已逾期 45分钟                       剩余 6小时30分
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

/* Working time as "1个工作日2小时5分", "3小时", "45分钟", or under a minute
 * "不到1分钟" (never "0分钟", which reads as none). */
void report_deadline_span(char *buf, size_t cap, int64_t seconds, int day_minutes);

/* The state of d, in buf. */
void report_deadline_state(char *buf, size_t cap, const calendar *cal, int day_minutes, const report_deadline *d);

#endif
