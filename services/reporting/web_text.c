/* web_text.c — working time left as the workbench's lists show it (see web_work.h). */
#include "web_work.h"

#include <stdio.h>

#include "report_deadline.h"

void web_time_left(const web_work *w, long long due, int paused, long long now, char *out, size_t cap)
{
    if (paused)
        snprintf(out, cap, "已暂停计时");       /* the list does not read since when */
    else
        report_deadline_state(out, cap, w->cal, w->day_minutes, &(report_deadline){.due = due, .now = now});
}
