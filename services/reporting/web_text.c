/* web_text.c — what the workbench's pages share: working time left and
 * waited as the lists show it, and what a refused form sent, to fill it in again (see web_work.h). */
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

void web_time_waited(const web_work *w, long long since, long long now, char *out, size_t cap)
{
    char span[64];
    report_deadline_span(span, sizeof span, since < now ? calendar_work_seconds_between(w->cal, since, now) : 0,
                         w->day_minutes);
    snprintf(out, cap, "已等 %s", span);
}

const char *web_typed(const http_request *typed, const char *key, const char *value, const char *field)
{
    const char *was = typed ? http_param(typed, key) : NULL;
    return was && strcmp(was, value) == 0 ? http_param(typed, field) : NULL;
}
