/* route_refused.c — what a unit, a dispatcher or a callback agent is told
 * when an action does not move the order (see route_actions_int.h): no such
 * order for them, a status that does not allow it and what to do first, a
 * co-handler's part, and the same action sent again (a double tap, a retry
 * whose answer was lost) answered as done before rather than refused.
 */
#include "route_actions_int.h"

#include <stdio.h>
#include <string.h>

#include "db.h"
#include "names.h"

/* What a unit hears of an order it does not own, and of a ticket that is not
 * there: the same, so neither who holds an order (discipline inspection, for
 * a complaint about the unit) nor whether it exists reaches a unit that
 * cannot see it — its page is a 404 to them. */
#define NOT_OURS "没有可由本单位办理的工单 %s（工作台列出本单位的工单）"
/* What a dispatcher or callback agent hears of a ticket that is not there,
 * and of an order they may not read (a conduct complaint): the same. */
#define NO_ORDER "没有工单号为 %s 的工单"

void route_refused_no_order(const route_action_req *req, char *err, size_t errlen)
{
    snprintf(err, errlen, *req->unit_code ? NOT_OURS : NO_ORDER, req->ticket_no);
}

/* What to do first, or what comes of the order, when a unit's action is
 * refused in a status (an order on hold is resumed before it is resolved or
 * returned; one not signed for is signed for before it is put on hold);
 * NULL: nothing to add. */
static const char *next_step(const char *status, const action_rule *rule)
{
    static const struct {
        const char *status;
        const char *action;     /* NULL: any */
        const char *next;
    } NEXT[] = {
        {"dispatched", "wait", "请先签收，再暂缓办理"},
        {"dispatched", "resume", "工单没有暂缓，签收后即可办理"},
        {"waiting", "accept", "工单已签收，正暂缓办理，条件具备后请恢复办理"},
        {"waiting", "resolve", "请先恢复办理，再办结"},
        {"waiting", "return", "请先恢复办理，再退回"},
        {"resolved", NULL, "工单已办结，等待回访；回访不满意时工单重新办理，会再派单"},
        {"closed", NULL, "工单已回访销号，不再办理"},
    };
    if (strcmp(rule->action, "callback") == 0)     /* discipline inspection's: its work is done first */
        return strcmp(status, "closed") != 0 ? "工单办结后才能回访" : NULL;
    for (size_t i = 0; i < sizeof NEXT / sizeof NEXT[0]; i++)
        if (strcmp(NEXT[i].status, status) == 0 && (!NEXT[i].action || strcmp(NEXT[i].action, rule->action) == 0))
            return NEXT[i].next;
    return NULL;
}

/* Explains why the order found in res did not move; 0 if it already had moved.
 * A co-handler (协办) reads the order, its owner on the page: it is told
 * that the owner acts on it, and how its own part reaches the record. */
int route_refused_why(const route_action_req *req, const action_rule *rule, PGresult *res, char *err, size_t errlen)
{
    const char *status = PQgetvalue(res, 0, A_STATUS), *owner = PQgetvalue(res, 0, A_OWNER);
    if (*req->unit_code && strcmp(owner, req->unit_code) != 0 && strcmp(PQgetvalue(res, 0, A_CO), "t") == 0) {
        const char *name = PQgetvalue(res, 0, A_OWNER_NAME);
        snprintf(err, errlen, "工单 %s 由%s主办，本单位协办：签收、退回、暂缓、办结和填写进展都由主办单位办理，"
                 "协办单位不能%s；本单位协办的情况请告知%s，由它记入进展", req->ticket_no, name, rule->says, name);
        return -1;
    }
    if (*req->unit_code && strcmp(owner, req->unit_code) != 0) {
        snprintf(err, errlen, NOT_OURS, req->ticket_no);
        return -1;
    }
    if (rule->to && strcmp(status, rule->to) == 0)
        return 0;
    int n = snprintf(err, errlen, "工单 %s 状态为%s，不能%s", req->ticket_no, names_status(status), rule->says);
    const char *next = *req->unit_code ? next_step(status, rule) : NULL;
    if (next && n > 0 && (size_t)n < errlen)
        snprintf(err + n, errlen - (size_t)n, "：%s", next);
    return -1;
}

/* $1 ticket, $2 unit code: whether the unit's latest event on the order (an
 * event names the unit that acted, or the one a dispatch gave the order to)
 * is its return, and it holds the order no more. */
static const char SQL_RETURNED[] =
    "SELECT e.event = 'returned' AND NOT EXISTS (SELECT 1 FROM assignments a JOIN units u ON u.id = a.unit_id"
    "                                             WHERE a.complaint_id = c.id AND a.active AND u.code = $2)"
    "  FROM complaints c JOIN complaint_events e ON e.complaint_id = c.id AND e.detail->>'unit' = $2"
    " WHERE c.ticket_no = $1 ORDER BY e.id DESC LIMIT 1";

/* A return refused as for an order the unit does not hold (err says so)
 * that the unit itself returned last: the same return sent again (a double
 * tap, a retry whose answer was lost), answered as done before — the order
 * left as its return left it, nothing recorded — and not as no order of
 * theirs, which read as if the return had failed. 0 when so (*out says it),
 * 1 refused as err says, -1 (database: err). */
int route_refused_returned_before(PGconn *pg, const route_action_req *req, const action_rule *rule,
                           route_action_result *out, char *err, size_t errlen)
{
    if (rule->fx != FX_RETURN || !*req->unit_code)
        return 1;
    char why[512];
    const char *params[] = {req->ticket_no, req->unit_code};
    PGresult *res = db_query(pg, "return: returned before", SQL_RETURNED, 2, params, why, sizeof why);
    if (!res) {
        snprintf(err, errlen, "%s", why);
        return -1;
    }
    int again = PQntuples(res) && strcmp(PQgetvalue(res, 0, 0), "t") == 0;
    PQclear(res);
    if (again) {
        out->changed = 0;
        snprintf(out->from, sizeof out->from, "%s", rule->to);
        snprintf(out->to, sizeof out->to, "%s", rule->to);
    }
    return again ? 0 : 1;
}

/* $1 order id, $2 actor, $3 result: the order's last callback, when it
 * came after its last resolve (the callback of this round): whether it is
 * the one asked for again (same person, same result), who recorded it and
 * its result. No row: none since the order was last resolved. */
static const char SQL_CALLED_BACK[] =
    "SELECT l.actor = $2 AND l.detail->>'result' = $3, person_name(l.actor), l.detail->>'result'"
    "  FROM (SELECT actor, event, detail FROM complaint_events"
    "         WHERE complaint_id = $1::bigint AND event IN ('callback', 'resolved') ORDER BY id DESC LIMIT 1) l"
    " WHERE l.event = 'callback'";

static const char *callback_result_name(const char *code)
{
    const char *c, *name;
    for (size_t i = 0; (c = names_callback_nth(i, &name)); i++)
        if (strcmp(c, code) == 0)
            return name;
    return code;
}

/* A callback that found the order no longer awaiting one (res, refused in
 * err): 0 when it was this person's same callback, sent again (a double
 * submit, a retry whose answer was lost: done, nothing to do), else 1 with
 * err saying who called back and with what, when someone did; -1 database.
 * Before, a 不满意 sent twice was refused as if never recorded (工单 X
 * 状态为待签收，不能回访): the order had been reopened and routed again. */
int route_refused_callback_again(PGconn *pg, const route_action_req *req, PGresult *res, char *err, size_t errlen)
{
    const char *status = PQgetvalue(res, 0, A_STATUS);
    if (strcmp(status, "resolved") == 0 || (*req->unit_code && strcmp(PQgetvalue(res, 0, A_OWNER), req->unit_code) != 0))
        return 1;
    char why[512];
    const char *params[] = {PQgetvalue(res, 0, A_ID), *req->actor ? req->actor : req->unit_code, req->result};
    PGresult *last = db_query(pg, "the callback before", SQL_CALLED_BACK, 3, params, why, sizeof why);
    if (!last) {
        snprintf(err, errlen, "%s", why);
        return -1;
    }
    int rc = 1;
    if (PQntuples(last) && strcmp(PQgetvalue(last, 0, 0), "t") == 0)
        rc = 0;
    else if (PQntuples(last))
        snprintf(err, errlen, "工单 %s 已由%s回访（%s），%s：这次回访没有记录；办理情况见工单的处理记录", req->ticket_no,
                 PQgetvalue(last, 0, 1), callback_result_name(PQgetvalue(last, 0, 2)),
                 strcmp(status, "closed") == 0 ? "已销号" : "工单已重新办理");
    PQclear(last);
    return rc;
}
