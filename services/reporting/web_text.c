/* web_text.c — the Chinese words of the workbench for the record's codes,
 * and working time left as people read it (see web_work.h). */
#include "web_work.h"

#include <string.h>

typedef struct {
    const char *code;
    const char *name;
} code_name;

static const code_name STATUSES[] = {
    {"new", "待派单"},        {"manual", "待人工派单"}, {"dispatched", "待签收"}, {"accepted", "办理中"},
    {"waiting", "暂缓办理"}, {"returned", "已退回"},    {"resolved", "已办结待回访"}, {"closed", "已销号"},
};

static const code_name RUNGS[] = {
    {"remind", "催办"},       {"supervise", "督办"}, {"accountability", "问责预警"}, {"repeat", "重复诉求"},
    {"rebound", "反弹"},      {"bounce", "反复退单"}, {"unit_overdue", "单位超期率过高"},
};

static const char *lookup(const code_name *t, size_t n, const char *code)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i].code, code) == 0)
            return t[i].name;
    return code;
}

const char *web_status_name(const char *status)
{
    return lookup(STATUSES, sizeof STATUSES / sizeof STATUSES[0], status);
}

const char *web_rung_name(const char *rung)
{
    return lookup(RUNGS, sizeof RUNGS / sizeof RUNGS[0], rung);
}

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
