/* report_deadline.c — a deadline's state in words and working time (see report_deadline.h). */
#include "report_deadline.h"

#include <stdio.h>

void report_deadline_span(char *buf, size_t cap, int64_t seconds, int day_minutes)
{
    if (seconds < 60) {     /* "0分钟" read as none at all: 已逾期 0分钟 was overdue */
        snprintf(buf, cap, "不到1分钟");
        return;
    }
    long minutes = (long)(seconds / 60), days = day_minutes > 0 ? minutes / day_minutes : 0;
    minutes -= days * day_minutes;
    long hours = minutes / 60;
    minutes %= 60;
    int n = 0;
    buf[0] = '\0';
    if (days)
        n = snprintf(buf, cap, "%ld个工作日", days);
    if (hours && n >= 0 && (size_t)n < cap)
        n += snprintf(buf + n, cap - (size_t)n, "%ld小时", hours);
    if ((minutes || n == 0) && n >= 0 && (size_t)n < cap)
        snprintf(buf + n, cap - (size_t)n, n ? "%ld分" : "%ld分钟", minutes);
}

void report_deadline_resume(const calendar *cal, report_deadline *d)
{
    d->due = calendar_add_work_seconds(cal, d->due, calendar_work_seconds_between(cal, d->paused, d->now));
    d->paused = 0;
}

void report_deadline_state(char *buf, size_t cap, const calendar *cal, int day_minutes, const report_deadline *d)
{
    char span[64];
    if (d->met) {
        int late = d->met > d->due;
        report_deadline_span(span, sizeof span, late ? calendar_work_seconds_between(cal, d->due, d->met)
                             : calendar_work_seconds_between(cal, d->met, d->due), day_minutes);
        snprintf(buf, cap, late ? "逾期完成，超时 %s" : "按时完成，提前 %s", span);
    } else if (d->paused && d->paused < d->due) {
        report_deadline_span(span, sizeof span, calendar_work_seconds_between(cal, d->paused, d->due), day_minutes);
        snprintf(buf, cap, "%s 起暂停计时，剩余 %s", d->paused_text, span);
    } else if (d->paused) {
        report_deadline_span(span, sizeof span, calendar_work_seconds_between(cal, d->due, d->paused), day_minutes);
        snprintf(buf, cap, "%s 起暂停计时，暂停时已逾期 %s", d->paused_text, span);
    } else if (d->due <= d->now) {
        report_deadline_span(span, sizeof span, calendar_work_seconds_between(cal, d->due, d->now), day_minutes);
        snprintf(buf, cap, "已逾期 %s", span);
    } else {
        report_deadline_span(span, sizeof span, calendar_work_seconds_between(cal, d->now, d->due), day_minutes);
        snprintf(buf, cap, "剩余 %s", span);
    }
}
