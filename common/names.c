/* names.c — the Chinese words people read for the record's codes (see names.h). */
#include "names.h"

#include <stddef.h>
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

static const code_name DEADLINES[] = {{"accept", "签收"}, {"resolve", "办结"}};

static const char *lookup(const code_name *t, size_t n, const char *code)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i].code, code) == 0)
            return t[i].name;
    return code;
}

const char *names_status(const char *status)
{
    return lookup(STATUSES, sizeof STATUSES / sizeof STATUSES[0], status);
}

const char *names_rung(const char *rung)
{
    return lookup(RUNGS, sizeof RUNGS / sizeof RUNGS[0], rung);
}

const char *names_deadline(const char *kind)
{
    return lookup(DEADLINES, sizeof DEADLINES / sizeof DEADLINES[0], kind);
}
