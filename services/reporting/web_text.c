/* web_text.c — what the workbench's pages share: working time left as the
 * lists show it, and what a refused form sent, to fill it in again (see web_work.h). */
#include "web_work.h"

#include <stdio.h>
#include <string.h>

#include "report_deadline.h"

void web_time_left(const web_work *w, long long due, int paused, long long now, char *out, size_t cap)
{
    if (paused)
        snprintf(out, cap, "已暂停计时");       /* the list does not read since when */
    else
        report_deadline_state(out, cap, w->cal, w->day_minutes, &(report_deadline){.due = due, .now = now});
}

const char *web_typed(const http_request *typed, const char *key, const char *value, const char *field)
{
    const char *was = typed ? http_param(typed, key) : NULL;
    return was && strcmp(was, value) == 0 ? http_param(typed, field) : NULL;
}
