/* web_text.c — working time left as people read it (see web_work.h). */
#include "web_work.h"

#include <stdio.h>

void web_span(long minutes, int day_minutes, char *out, size_t cap)
{
    if (day_minutes > 0 && minutes >= day_minutes)
        snprintf(out, cap, "%ld个工作日%ld小时", minutes / day_minutes, minutes % day_minutes / 60);
    else if (minutes >= 60)
        snprintf(out, cap, "%ld小时%ld分", minutes / 60, minutes % 60);
    else
        snprintf(out, cap, "%ld分钟", minutes);
}

void web_time_left(const web_work *w, long long due, int paused, long long now, char *out, size_t cap)
{
    char span[64];
    if (paused) {
        snprintf(out, cap, "已暂停计时");
    } else if (due < now) {
        web_span(cal_work_minutes_between(w->cal, due, now), w->day_minutes, span, sizeof span);
        snprintf(out, cap, "已逾期 %s", span);
    } else {
        web_span(cal_work_minutes_between(w->cal, now, due), w->day_minutes, span, sizeof span);
        snprintf(out, cap, "剩余 %s", span);
    }
}
