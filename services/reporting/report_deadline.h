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
 *
 * Whether a deadline's clock stands still is read from the order's status,
 * not only from deadlines.paused_at, which escalation sets and clears in its
 * sweep about a second after a hold or a resume (esc_ladder.c): the order
 * page and the lists say 暂停计时 the moment the unit puts an order on hold
 * and the running clock the moment it resumes it, and the wall board counts
 * it overdue or not alike, one rule for them all (REPORT_DEADLINE_PAUSED_AT,
 * REPORT_DEADLINE_RESUMING, REPORT_DEADLINE_OVERDUE, report_deadline_resume).
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

/* For the SQL of deadline d of order c (table aliases): since when its
 * clock stands still, on escalation's clock (esc_now()), or NULL — since
 * escalation stopped it, or, for a deadline of an order put on hold (暂缓办理)
 * a moment before escalation stops it (one not fired: escalation stops no
 * fired clock), since the hold. */
#define REPORT_DEADLINE_PAUSED_AT(d, c)                                                                          \
    "coalesce(" d ".paused_at,"                                                                                    \
    " CASE WHEN " c ".status = 'waiting' AND " d ".cycle = " c ".cycle AND " d ".met_at IS NULL"                   \
    "       AND " d ".fired_at IS NULL THEN"                                                                       \
    "   (SELECT max(e.at) + (esc_now() - now()) FROM complaint_events e"                                           \
    "     WHERE e.complaint_id = " c ".id AND e.event = 'waiting') END)"
/* … and whether its order is back at work (恢复办理) while escalation has
 * not yet restarted the clock: report_deadline_resume() counts it as
 * escalation will. */
#define REPORT_DEADLINE_RESUMING(d, c)                                                                           \
    "(" d ".paused_at IS NOT NULL AND " d ".met_at IS NULL AND " c ".status NOT IN ('waiting', 'returned', 'manual'))"

/* … and whether it is overdue now (esc_now()), as report_deadline_state()
 * says it of the deadline read so: not met, its clock running and past due;
 * or, back at work while escalation has not yet restarted the clock, put on
 * hold past due — report_deadline_resume() moves it later by the working
 * time it stood still, so it is overdue still, by what it was then, where
 * one put on hold before it fell due has that time left again. */
#define REPORT_DEADLINE_OVERDUE(d, c)                                                                            \
    "(" d ".met_at IS NULL AND CASE WHEN " REPORT_DEADLINE_RESUMING(d, c) " THEN " d ".paused_at > " d ".due_at"   \
    " ELSE " REPORT_DEADLINE_PAUSED_AT(d, c) " IS NULL AND " d ".due_at < (SELECT esc_now()) END)"

/* d (paused since d->paused), of an order back at work, as escalation will
 * have it once it restarts the clock: due later by the working time it
 * stood still until d->now, and running (d->paused = 0). */
void report_deadline_resume(const calendar *cal, report_deadline *d);

/* Working time as "1个工作日2小时5分", "3小时", "45分钟", or under a minute
 * "不到1分钟" (never "0分钟", which reads as none). */
void report_deadline_span(char *buf, size_t cap, int64_t seconds, int day_minutes);

/* The state of d, in buf. */
void report_deadline_state(char *buf, size_t cap, const calendar *cal, int day_minutes, const report_deadline *d);

#endif
