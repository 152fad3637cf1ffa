/* names.c — the Chinese words people read for the record's codes (see names.h). */
#include "names.h"
#include "text.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    const char *code;
    const char *name;
} code_name;

#define COUNT(t) (sizeof(t) / sizeof((t)[0]))

static const code_name STATUSES[] = {
    {"new", "待派单"},        {"manual", "待人工派单"}, {"dispatched", "待签收"}, {"accepted", "办理中"},
    {"waiting", "暂缓办理"}, {"returned", "已退回"},    {"resolved", "已办结待回访"}, {"closed", "已销号"},
    {"handed_back", "已退回热线"},   /* not this district's business: back to the city hotline, final */
};

/* The statuses as the public reads them (Open311's status_notes): what is
 * happening to a citizen's request, not staff's words for it. A unit's
 * 退回 gives the order to another (已退回 would read as refused), a 退回热线
 * passes it to the hotline for another district or body; 签收 and 销号 are
 * staff's words. new is never published: kept so no status reads as its code. */
static const code_name PUBLIC_STATUSES[] = {
    {"new", "已受理，正在安排承办单位"},     {"manual", "已受理，正在安排承办单位"},
    {"dispatched", "已交承办单位，等待接收办理"}, {"accepted", "承办单位正在办理"},
    {"waiting", "暂缓办理，条件具备后继续办理"}, {"returned", "正在重新安排承办单位"},
    {"resolved", "已办结，等待回访"},         {"closed", "已办结，已回访"},
    {"handed_back", "不属于本区办理的事项，已交回12345热线另行转办"},
};

/* The rungs an alert can have, the ladder's then the patterns'; then done. */
#define NAMES_ROW(code, name) {code, name},
static const code_name RUNGS[] = {
    NAMES_ALERT_RUNGS(NAMES_ROW)
    {"done", "已到最后一级"},   /* a deadline's ladder: no rung left to climb */
};
#define ALERT_RUNGS (COUNT(RUNGS) - 1)      /* all but done */

/* The results of a callback; 未接通 last: the caller was not reached, nothing judged (no 回访 event). */
static const code_name CALLBACKS[] = {{"satisfied", "满意"}, {"basic", "基本满意"}, {"unsatisfied", "不满意"},
                                      {"unreached", "未接通"}};

static const code_name DEADLINES[] = {NAMES_DEADLINES(NAMES_ROW)};

static const code_name ROLES[] = {
    {"owner", "主办"}, {"co", "协办"}, {"manual", "待人工派单"}, {"discipline", "纪委监委办理"},
};

static const code_name RULES[] = {
    {"street", "街道名称"},   {"community", "社区名称"},  {"gazetteer", "门牌库"},        {"history", "地址历史"},
    {"ambiguous", "多个街道"}, {"none", "无地点"},       {"conduct", "作风问题"},        {"category", "分类主管部门"},
    {"arbitration", "人工仲裁"}, {"dispatcher", "派单员"},
};

static const code_name EVENTS[] = {
    {"imported", "受理"},   {"routed", "派单"},     {"manual", "转人工派单"}, {"reassigned", "改派"},
    {"accepted", "签收"},   {"returned", "退回"},   {"progress", "进展"},     {"waiting", "暂缓"},
    {"resumed", "恢复办理"}, {"resolved", "办结"},   {"callback", "回访"},     {"reopened", "重新办理"},
    {"closed", "销号"},     {"merged", "合并"},     {"alert", "告警"},        {"acked", "确认告警"},
    {"created", "拆分立单"}, /* a letter's conduct part, made its own order by routing */
    {"phone_shown", "查看来电人完整号码"}, /* the full number shown to whoever calls the citizen */
    {"handed_back", "退回热线"},   /* a dispatcher gave an order not this district's back to the hotline */
    {"unmerged", "取消合并"},      /* a repeat no longer merged into an order given to discipline inspection */
    {"recategorised", "调整分类"}, /* a dispatcher put an order in another category, at the unit holding it */
    {"extension_requested", "申请延期"},   /* the owner unit asked for a later 办结 deadline (migration 070) */
    {"extension_approved", "批准延期"},    /* … and a dispatcher (or discipline inspection) moved it */
    {"extension_rejected", "驳回延期"},    /* … or refused to, the deadline unchanged */
    {"callback_unreached", "回访未接通"},  /* the caller not reached: still awaiting the callback, tried again */
};

static const code_name IMPORT_STATUSES[] = {{"running", "导入中"}, {"done", "已导入"}, {"failed", "导入失败"}};

/* Actors that are no person: jiesu migrate registering principals and keys. */
static const code_name ACTORS[] = {{"migrate", "系统安装（jiesu migrate）"}};

static const code_name UNIT_KINDS[] = {NAMES_UNIT_KINDS(NAMES_ROW)};

static const code_name EXTENSION_STATES[] = {NAMES_EXTENSION_STATES(NAMES_ROW)};

static const char *lookup(const code_name *t, size_t n, const char *code)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i].code, code) == 0)
            return t[i].name;
    return code;
}

static const code_name ACTIONS_DONE[] = {
    {"accept", "已签收"},     {"progress", "进展已记录"}, {"wait", "已暂缓办理"}, {"resume", "已恢复办理"},
    {"resolve", "已办结"},    {"return", "已退回，重新派单"}, {"callback", "回访已记录"},
    {"reopen", "不满意已记录，工单重新办理、重新派单"},     /* a callback of 不满意 */
    {"unreached", "未接通已记录，工单仍在待回访工单里，请稍后再打"},    /* a callback of 未接通 */
    {"handback", "已退回热线，工单不再在人工派单队列中"},
    {"extend", "延期申请已提交，等待审核"},    /* the service's answer says from when to when */
    {"extension_approve", "已批准延期，办结时限已改为申请的时间"},
    {"extension_reject", "已驳回延期申请，办结时限不变"},
};

const char *names_import_status(const char *status)
{
    return lookup(IMPORT_STATUSES, COUNT(IMPORT_STATUSES), status);
}

const char *names_status(const char *status)
{
    return lookup(STATUSES, COUNT(STATUSES), status);
}

const char *names_status_public(const char *status)
{
    return lookup(PUBLIC_STATUSES, COUNT(PUBLIC_STATUSES), status);
}

const char *names_action_done(const char *action)
{
    return lookup(ACTIONS_DONE, COUNT(ACTIONS_DONE), action);
}

/* Appends to out (length n) fmt with arg when arg is not empty; the new length. */
static size_t said_if(char *out, size_t n, size_t cap, const char *fmt, const char *arg)
{
    if (*arg && n < cap)
        n += (size_t)snprintf(out + n, cap - n, fmt, arg);
    return n;
}

void names_dispatch_said(char *out, size_t cap, const names_dispatch *d)
{
    int recat = strcmp(d->event, "recategorised") == 0, again = recat || strcmp(d->event, "reassigned") == 0;
    char category[256] = "";
    if (*d->category)
        snprintf(category, sizeof category, "分类%s%s改为%s", *d->category_from ? "由" : "", d->category_from,
                 d->category);
    size_t n = 0;
    if (recat)
        n = (size_t)snprintf(out, cap, "%s，仍由%s承办，须重新签收", category, d->unit);
    else if (again)
        n = (size_t)snprintf(out, cap, "已从%s改派给%s", d->from_unit, d->unit);
    else
        n = (size_t)snprintf(out, cap, "已派单至%s", d->unit);
    n = said_if(out, n, cap, "，协办单位 %s", d->co);
    n = said_if(out, n, cap, "，%s不再协办", d->co_ended);
    if (!recat)
        n = said_if(out, n, cap, "，%s", category);
    if (n < cap)    /* every dispatch gives the unit new deadlines (route_actions.c), in the order's category */
        snprintf(out + n, cap - n, "，签收和办结时限%s%s从现在%s起算", *d->category ? "按" : "", d->category,
                 again ? "重新" : "");
    text_utf8_cut(out);
}

const char *names_rung(const char *rung)
{
    return lookup(RUNGS, COUNT(RUNGS), rung);
}

const char *names_alert_rung(const char *s)
{
    for (size_t i = 0; i < ALERT_RUNGS; i++)
        if (strcmp(RUNGS[i].code, s) == 0 || strcmp(RUNGS[i].name, s) == 0)
            return RUNGS[i].code;
    return NULL;
}

void names_alert_rungs_say(char *out, size_t cap)
{
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < ALERT_RUNGS && n < cap; i++)
        n += (size_t)snprintf(out + n, cap - n, "%s%s", i ? "、" : "", RUNGS[i].name);
    text_utf8_cut(out);     /* too small a buffer cuts at a character */
}

const char *names_callback_result(const char *s)
{
    for (size_t i = 0; i < COUNT(CALLBACKS); i++)
        if (strcmp(CALLBACKS[i].code, s) == 0 || strcmp(CALLBACKS[i].name, s) == 0)
            return CALLBACKS[i].code;
    return NULL;
}

const char *names_callback_nth(size_t i, const char **name)
{
    if (i >= COUNT(CALLBACKS))
        return NULL;
    *name = CALLBACKS[i].name;
    return CALLBACKS[i].code;
}

const char *names_deadline(const char *kind)
{
    return lookup(DEADLINES, COUNT(DEADLINES), kind);
}

const char *names_role(const char *role)
{
    return lookup(ROLES, COUNT(ROLES), role);
}

const char *names_rule(const char *rule)
{
    return lookup(RULES, COUNT(RULES), rule);
}

const char *names_event(const char *event)
{
    return lookup(EVENTS, COUNT(EVENTS), event);
}

const char *names_actor(const char *actor)
{
    return lookup(ACTORS, COUNT(ACTORS), actor);
}

const char *names_extension_state(const char *state)
{
    return lookup(EXTENSION_STATES, COUNT(EXTENSION_STATES), state);
}

const char *names_unit_kind(const char *kind)
{
    return lookup(UNIT_KINDS, COUNT(UNIT_KINDS), kind);
}

const char *names_flag(char flag)
{
    return flag == 'R' ? "红" : flag == 'Y' ? "黄" : "";
}
