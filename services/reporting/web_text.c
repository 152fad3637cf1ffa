/* web_text.c — working time left as the workbench's lists show it (see web_work.h). */
#include "web_work.h"

#include <stdio.h>

#include "report_deadline.h"

void web_time_left(const web_work *w, long long due, int paused, long long now, char *out, size_t cap)
{
    char span[64];
    if (paused) {
        snprintf(out, cap, "已暂停计时");
    } else if (due < now) {
        report_deadline_span(span, sizeof span, cal_work_seconds_between(w->cal, due, now), w->day_minutes);
        snprintf(out, cap, "已逾期 %s", span);
    } else {
        report_deadline_span(span, sizeof span, cal_work_seconds_between(w->cal, now, due), w->day_minutes);
        snprintf(out, cap, "剩余 %s", span);
    }
}
