/* route_actions.c — the unit and hotline actions (see route_actions.h).
 *
 * The first statement locks the order, moves it only from an allowed state,
 * only for its owner unit and only for a principal who may read it (an order
 * one may not read is answered as no such order: README.md, Who may do
 * what), and logs the event from the row it moved; the
 * caller gets back the state it found, the owner and whether anything moved,
 * which is all it needs to explain a refusal. When it moved, the action's
 * effect statements run in the same transaction.
 */
#include "route_actions_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "failpoint.h"
#include "json.h"
#include "names.h"
#include "route_target.h"
#include "text.h"

static const action_rule RULES[] = {
    {"accept", "签收", "accepted", "{dispatched}", "accepted", FX_MEET_ACCEPT, 0, NULL, 1},
    /* not this unit's business: nor are the repeats merged into the order, one problem at one place */
    {"return", "退回", "returned", "{dispatched,accepted}", "returned", FX_RETURN, 1, "退回原因", 1},
    {"progress", "填写进展", NULL, "{dispatched,accepted,waiting}", "progress", FX_NONE, 1, "进展说明"},
    /* the clock stops: say why; the merged repeats' clocks with it (their pause is the order's), those
       merged after the order was signed for signed for first (REPEATS_SIGNED), as on resuming it */
    {"wait", "暂缓办理", "waiting", "{accepted}", "waiting", FX_NONE, 1, "暂缓原因", REPEATS_SIGNED},
    {"resume", "恢复办理", "accepted", "{waiting}", "resumed", FX_NONE, 0, NULL, REPEATS_SIGNED},
    {"resolve", "办结", "resolved", "{dispatched,accepted}", "resolved", FX_MEET_BOTH, 0, "办结说明", 1},
    {"callback", "回访", "closed", "{resolved}", "callback", FX_CLOSE, 0, "回访记录"},
    /* the form names the reason 改派原因 when a unit holds the order: not known until it is read */
    {"dispatch", "派单", "dispatched", "{manual,returned,new}", "routed", FX_DISPATCH, 0, "派单说明或改派原因"},
    /* not this district's business (another district's address, a matter no unit here handles): back to
       the city hotline, for good; no unit is given it, routing's decision (its reasons) stays its last */
    {"handback", "退回热线", "handed_back", "{manual}", "handed_back", FX_NONE, 1, "退回热线的理由"},
};
static const action_rule REOPEN = {"callback", "回访", "new", "{resolved}", "callback", FX_REOPEN, 0, "回访记录"};
/* The caller not reached (未接通): nothing judged, so no 回访 (the rates count
 * those), the order still awaiting its callback; each attempt its own event,
 * the person's, counted on the callback agent's list. */
static const action_rule UNREACHED = {"callback", "回访", "resolved", "{resolved}", "callback_unreached", FX_NONE, 0,
                                      "回访记录"};
/* A dispatch of an order a unit already holds: taken from it, with a reason. */
static const action_rule REASSIGN = {"dispatch", "改派", "dispatched", "{dispatched,accepted,waiting}", "reassigned",
                                     FX_REASSIGN, 1, "改派原因"};
/* A dispatch with another category to the unit holding the order: it is
 * dispatched to it again in that category, its co-handler and deadlines the
 * category's, as a dispatch elsewhere would give them; its own event (调整分类:
 * the categories from and to, the reason), no order routed nor taken from a unit. */
static const action_rule RECATEGORISE = {"dispatch", "改分类", "dispatched", "{dispatched,accepted,waiting}",
                                         "recategorised", FX_RECATEGORISE, 1, "改分类原因"};

/* $1 ticket, $2 new status or NULL, $3 allowed statuses, $4 unit code or '',
 * $5 actor, $6 event, $7 detail (jsonb), $8 the principal acting or 0. One
 * row per ticket found that the principal may read (principal_sees): id,
 * status before, owner unit code, moved, now in ms, the owner's name,
 * whether unit $4 co-handles the order (协办) and whether an action that
 * moves no status ($2 NULL: a progress note) is the order's last event
 * again, by the same person with the same words (a double tap: not
 * recorded twice). The event's unit is the
 * acting unit's, else the owner's when it came: a callback judges the work
 * of the unit that held the order, and the satisfaction rate counts it for
 * that unit (README, Metrics) even when the callback reopens the order and
 * it goes elsewhere. */
static const char SQL_ACT[] =
    "WITH target AS ("
    "  SELECT id, status FROM complaints"
    "  WHERE ticket_no = $1 AND ($8::int = 0 OR principal_sees($8::int, id)) FOR UPDATE"
    "), owner AS ("
    "  SELECT u.code, u.name FROM target t"
    "  JOIN assignments a ON a.complaint_id = t.id AND a.active AND a.role = 'owner'"
    "  JOIN units u ON u.id = a.unit_id"
    "), again AS ("
    "  SELECT 1 FROM target t, LATERAL (SELECT e.actor, e.event, e.detail FROM complaint_events e"
    "                                    WHERE e.complaint_id = t.id ORDER BY e.id DESC LIMIT 1) l"
    "  WHERE $2::text IS NULL AND l.actor = $5 AND l.event = $6 AND l.detail->>'reason' = $7::jsonb->>'reason'"
    "), moved AS ("
    "  UPDATE complaints c SET status = coalesce($2, c.status), updated_at = now() FROM target t"
    "  WHERE c.id = t.id AND c.status = ANY($3::text[]) AND ($4 = '' OR $4 IN (SELECT code FROM owner))"
    "    AND NOT EXISTS (SELECT 1 FROM again)"
    "  RETURNING c.id"
    "), logged AS ("
    "  INSERT INTO complaint_events (complaint_id, actor, event, detail)"
    "  SELECT m.id, $5, $6, jsonb_build_object('from', t.status, 'to', coalesce($2, t.status),"
    "                                         'unit', coalesce(nullif($4, ''), (SELECT code FROM owner)))"
    "                       || $7::jsonb"
    "  FROM moved m JOIN target t ON t.id = m.id"
    ")"
    " SELECT t.id, t.status, coalesce((SELECT code FROM owner), ''), EXISTS (SELECT 1 FROM moved),"
    "        (extract(epoch FROM now()) * 1000)::bigint, coalesce((SELECT name FROM owner), ''),"
    "        EXISTS (SELECT 1 FROM assignments a JOIN units u ON u.id = a.unit_id"
    "                 WHERE a.complaint_id = t.id AND a.active AND a.role = 'co' AND u.code = $4),"
    "        EXISTS (SELECT 1 FROM again)"
    " FROM target t";

#define NFX_PARAMS 6
#define ACT_PARAMS 8
#define TICKET_CHARS 64     /* a ticket number as typed, at most (intake stores at most 64 bytes) */
#define CYCLE_DEADLINES "complaint_id = $1::bigint AND cycle = (SELECT cycle FROM complaints WHERE id = $1::bigint)"
#define RELEASE_SQL "UPDATE assignments SET active = false WHERE complaint_id = $1::bigint AND active"
/* The owner's assignment ends, and so does every co-handler's but the one
 * the dispatch names ($3's "co", the new unit's as co_handler finds it):
 * one of another district, the new unit's own (it owns the order now), all
 * of them when the order goes to a department or discipline inspection (a
 * complaint about conduct is discipline inspection's alone). */
#define RELEASE_OWNER_SQL \
    RELEASE_SQL " AND (role = 'owner' OR role = 'co' AND unit_id IS DISTINCT FROM" \
                "      (SELECT id FROM units WHERE code = $3::jsonb->>'co'))"
/* The new owner's assignment; its reason names the dispatcher as people
 * read them (person_name: 派单员 小李, not their sign-in name). */
#define OWNER_INSERT_SQL(how) \
    "INSERT INTO assignments (complaint_id, unit_id, role, street_code, category, rule, reasons, score, cycle)" \
    " SELECT c.id, u.id, 'owner', CASE WHEN u.kind = 'street' THEN u.code END, c.category, 'dispatcher'," \
    "        '" how "（' || person_name($2) || '）' || coalesce('：' || nullif($3::jsonb->>'reason', ''), '')," \
    "        1, c.cycle" \
    "   FROM complaints c JOIN units u ON u.code = $4 WHERE c.id = $1::bigint"
/* New deadlines from now for the new unit: whatever the cycle's were (met,
 * paused, fired) they start again; the trigger deadlines_replan plans them. */
#define NEW_DEADLINES_SQL \
    "INSERT INTO deadlines (complaint_id, kind, cycle, due_at, started_at, unit_id)" \
    " SELECT c.id, k.kind, c.cycle, to_timestamp(k.ms / 1000.0), now(), u.id" \
    "   FROM complaints c JOIN units u ON u.code = $4" \
    "  CROSS JOIN (VALUES ('accept', $5::bigint), ('resolve', $6::bigint)) AS k(kind, ms) WHERE c.id = $1::bigint" \
    " ON CONFLICT (complaint_id, kind, cycle) DO UPDATE SET due_at = EXCLUDED.due_at," \
    "   started_at = EXCLUDED.started_at, unit_id = EXCLUDED.unit_id, fired_at = NULL, paused_at = NULL," \
    "   met_at = NULL, rung_next = NULL, rung_at = NULL"
/* The co-handler a dispatch to a street names in its detail ("co"), as
 * routing gives one: the category's department in the street's district;
 * kept as it is when it co-handles the order already (a reassignment within
 * the district). */
#define CO_INSERT_SQL \
    "INSERT INTO assignments (complaint_id, unit_id, role, street_code, category, rule, reasons, score, cycle)" \
    " SELECT c.id, co.id, 'co', $4, c.category, 'category'," \
    "        '主管“' || coalesce((SELECT name FROM categories WHERE code = c.category), c.category) || '”的部门', 1, c.cycle" \
    "   FROM complaints c JOIN units co ON co.code = $3::jsonb->>'co' WHERE c.id = $1::bigint" \
    "    AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.complaint_id = c.id AND a.active AND a.unit_id = co.id)"
/* Given to discipline inspection, the order is a conduct complaint
 * (conduct_of), and so would be the repeats escalation merged into it, by
 * their parent: the street's orders at its place, held by the street, which
 * could then neither read nor handle them while their deadlines ran. Those
 * that are no conduct complaint themselves are merged into it no longer,
 * each saying so in its history (unmerged), by whoever gave it. */
#define UNMERGE_SQL \
    "WITH parted AS (" \
    "  UPDATE complaints c SET parent_id = NULL, updated_at = now() FROM complaints p" \
    "   WHERE p.id = $1::bigint AND c.parent_id = p.id AND NOT conduct_of(c, NULL::complaints)" \
    "     AND EXISTS (SELECT 1 FROM units WHERE code = $4 AND kind = 'discipline')" \
    "  RETURNING c.id, p.ticket_no)" \
    " INSERT INTO complaint_events (complaint_id, actor, event, detail)" \
    " SELECT id, $2, 'unmerged', jsonb_build_object('parent_ticket', ticket_no) FROM parted"
#define EVENT_SQL(ev) "INSERT INTO complaint_events (complaint_id, actor, event, detail) VALUES ($1::bigint, $2, '" ev "', $3::jsonb)"

/* Effect statements, $1 = complaint id, $2 = actor, $3 = detail, $4 = target
 * unit, $5/$6 = accept/resolve due ms; NULL-terminated lists. */
static const char *const FX_SQL[][6] = {
    [FX_NONE] = {NULL},
    [FX_MEET_ACCEPT] = {"UPDATE deadlines SET met_at = now() WHERE " CYCLE_DEADLINES " AND kind = 'accept' AND met_at IS NULL", NULL},
    [FX_MEET_BOTH] = {"UPDATE deadlines SET met_at = now() WHERE " CYCLE_DEADLINES " AND met_at IS NULL", NULL},
    [FX_RETURN] = {RELEASE_SQL, "UPDATE complaints SET returns = returns + 1 WHERE id = $1::bigint", NULL},
    [FX_CLOSE] = {EVENT_SQL("closed"), NULL},
    [FX_REOPEN] = {RELEASE_SQL, "UPDATE complaints SET cycle = cycle + 1, returns = 0 WHERE id = $1::bigint",
                   EVENT_SQL("reopened"), NULL},
    [FX_DISPATCH] = {RELEASE_SQL, OWNER_INSERT_SQL("人工派单"), CO_INSERT_SQL, NEW_DEADLINES_SQL, UNMERGE_SQL, NULL},
    [FX_REASSIGN] = {RELEASE_OWNER_SQL, OWNER_INSERT_SQL("人工改派"), CO_INSERT_SQL, NEW_DEADLINES_SQL, UNMERGE_SQL,
                     NULL},
    [FX_RECATEGORISE] = {RELEASE_OWNER_SQL, OWNER_INSERT_SQL("人工改分类"), CO_INSERT_SQL, NEW_DEADLINES_SQL, NULL},
};

/* Runs one effect statement. Every parameter is sent as text (cast where
 * used), so a statement need not use all of them. 0; 1 when a rule of the
 * database refused it (the conduct guard, say: its message in err); -1 on
 * any other failure (PostgreSQL's reason in err). */
static int exec_effect(PGconn *pg, const char *label, const char *sql, const char *const *params, char *err,
                       size_t errlen)
{
    static const Oid TEXT[NFX_PARAMS] = {25, 25, 25, 25, 25, 25};    /* PostgreSQL's text type */
    PGresult *res = PQexecParams(pg, sql, NFX_PARAMS, TEXT, params, NULL, NULL, 0);
    int rc = PQresultStatus(res) == PGRES_COMMAND_OK ? 0 : db_failed_with(res, DB_CHECK_VIOLATION) ? 1 : -1;
    if (rc == 1)
        snprintf(err, errlen, "%s", PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY));
    else if (rc < 0)
        snprintf(err, errlen, "%s failed: %s", label, PQresultErrorMessage(res));
    PQclear(res);
    return rc;
}

static const action_rule *find_rule(const char *action, const char *result)
{
    if (strcmp(action, "callback") == 0 && strcmp(result, "unsatisfied") == 0)
        return &REOPEN;
    if (strcmp(action, "callback") == 0 && strcmp(result, "unreached") == 0)
        return &UNREACHED;
    for (size_t i = 0; i < sizeof RULES / sizeof RULES[0]; i++)
        if (strcmp(RULES[i].action, action) == 0)
            return &RULES[i];
    return NULL;
}

/* Checks what the request must carry. 0 or -1 with err. */
static int check_request(const route_action_req *req, const action_rule *rule, char *err, size_t errlen)
{
    if (!rule) {
        snprintf(err, errlen, "没有“%s”这种操作（可用：accept 签收、return 退回、progress 填写进展、wait 暂缓办理、"
                              "resume 恢复办理、resolve 办结、callback 回访、dispatch 派单、handback 退回热线）",
                 req->action);
        return -1;
    }
    if (!*req->ticket_no) {
        snprintf(err, errlen, "没有给出工单号");
        return -1;
    }
    if (text_check(req->ticket_no, TICKET_CHARS, "工单号", err, errlen) < 0)
        return -1;
    if (rule->fx == FX_DISPATCH && !*req->target_unit) {
        snprintf(err, errlen, "没有给出单位：请写明接收工单的单位（`jiesu units` 列出全部单位）");
        return -1;
    }
    if (text_check(req->target_unit, TEXT_UNIT_CHARS, "单位", err, errlen) < 0 ||
        text_check(req->category, TEXT_UNIT_CHARS, "分类", err, errlen) < 0)
        return -1;
    if (rule->need_reason && !*req->reason) {
        snprintf(err, errlen, "%s需要写明%s，请填写后再提交", rule->says, rule->field);
        return -1;
    }
    if (text_check_note(req->reason, rule->field ? rule->field : "说明", err, errlen) < 0)
        return -1;
    if (strcmp(req->action, "callback") == 0) {
        if (!*req->result) {
            snprintf(err, errlen, "没有选择回访结果：请选 满意、基本满意、不满意 或 未接通 再提交");
            return -1;
        }
        if (!names_callback_result(req->result)) {      /* route_action took a name for its code */
            snprintf(err, errlen, "回访结果“%s”不认识：应为 满意、基本满意、不满意 或 未接通", req->result);
            return -1;
        }
    }
    return 0;
}

/* $1 ticket, $2 the principal acting or 0, $3 the actor, $4 the unit a
 * dispatch gives it to: the order, locked, with its status, owner unit
 * (code, name), whether the principal may read it and whether its last
 * dispatch was the actor's to that unit, its category (code or ''), its
 * urgency and the transaction's clock (ms). */
static const char SQL_HOLDER[] =
    "SELECT c.status, coalesce(u.code, ''), coalesce(u.name, ''), $2::int = 0 OR principal_sees($2::int, c.id),"
    "       coalesce((SELECT e.actor = $3 AND e.detail->>'unit' = $4 FROM complaint_events e"
    "                  WHERE e.complaint_id = c.id AND e.event IN ('routed', 'reassigned', 'recategorised')"
    "                  ORDER BY e.id DESC LIMIT 1), false), coalesce(c.category, ''),"
    "       coalesce(c.urgency, ''), (extract(epoch FROM now()) * 1000)::bigint"
    "  FROM complaints c LEFT JOIN assignments a ON a.complaint_id = c.id AND a.active AND a.role = 'owner'"
    "  LEFT JOIN units u ON u.id = a.unit_id"
    " WHERE c.ticket_no = $1 FOR UPDATE OF c";
enum { H_STATUS, H_CODE, H_NAME, H_SEEN, H_MINE, H_CATEGORY, H_URGENCY, H_NOW_MS };


static int status_in(const char *status, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(status, *list) == 0)
            return 1;
    return 0;
}

/* A dispatch from a page that showed another holder than the order has
 * now (shown_holder): someone else dispatched, reassigned or returned it
 * meanwhile. Their decision stands; the dispatcher is told what changed and
 * to look again, where a 派单说明 would have become a 改派's reason. */
static void say_moved_since(const route_action_req *req, const char *status, const char *holder_name,
                            const target_unit *to, char *err, size_t errlen)
{
    if (*holder_name)
        snprintf(err, errlen, "工单 %s 在您打开页面之后已由别人派给%s（%s），这次没有派单：请刷新工单页面看清现在的情况；"
                 "仍要改派给%s，请在“改派”里写明改派原因再提交", req->ticket_no, holder_name, names_status(status),
                 to->name);
    else
        snprintf(err, errlen, "工单 %s 在您打开页面之后有了变化（现在状态为%s），这次没有派单：请刷新工单页面看清现在的情况再派单",
                 req->ticket_no, names_status(status));
}

/* Which rule a dispatch takes, read from the order (locked until the
 * transaction ends): a first dispatch; a reassignment, with a reason, of an
 * order a unit holds; one to the unit that has it, with another category,
 * a recategorisation (RECATEGORISE); nothing for one to the unit that has
 * it else (a retry). A resolved or closed order is refused. An order the dispatcher
 * may not read is no order to them, save one no unit holds given to
 * discipline inspection (a conduct complaint in arbitration: *unseen = 1,
 * the move asks no read rule), and one their own last dispatch gave to the
 * discipline inspection asked for now: the same dispatch sent again (a
 * double submit, a retry whose answer was lost), done before, answered as
 * their first was answered (待签收) and nothing more of it said. 0 with *rule
 * (NULL: nothing to do, *out says so), 1 refused (err), -1 database. The
 * owner taken from goes into from (code) and from_name; the deadlines
 * (req->due) are read from the order as locked: another dispatcher's
 * change of its category a moment before cannot give it the old one's. */
static int dispatch_rule(PGconn *pg, route_action_req *req, const target_unit *to, const action_rule **rule,
                         int *unseen, char from[64], char from_name[128], route_action_result *out, char *err,
                         size_t errlen)
{
    static const char *const HELD[] = {"dispatched", "accepted", "waiting", NULL};
    static const char *const DONE[] = {"resolved", "closed", NULL};
    char principal[16];
    snprintf(principal, sizeof principal, "%d", req->principal);
    const char *params[] = {req->ticket_no, principal, req->actor, to->code};
    PGresult *res = db_query(pg, "dispatch: the order", SQL_HOLDER, 4, params, err, errlen);
    if (!res)
        return -1;
    int rc = 0;
    const char *status = PQntuples(res) ? PQgetvalue(res, 0, H_STATUS) : "";
    snprintf(from, 64, "%s", PQntuples(res) ? PQgetvalue(res, 0, H_CODE) : "");
    snprintf(from_name, 128, "%s", PQntuples(res) ? PQgetvalue(res, 0, H_NAME) : "");
    *unseen = PQntuples(res) && strcmp(PQgetvalue(res, 0, H_SEEN), "t") != 0;
    if (PQntuples(res) && req->due)
        req->due(req->due_ctx, *to->category ? to->category : PQgetvalue(res, 0, H_CATEGORY),
                 PQgetvalue(res, 0, H_URGENCY), strtoll(PQgetvalue(res, 0, H_NOW_MS), NULL, 10), &req->accept_due_ms,
                 &req->resolve_due_ms);
    if (*unseen && to->discipline && strcmp(PQgetvalue(res, 0, H_MINE), "t") == 0) {
        *rule = NULL;
        snprintf(out->from, sizeof out->from, "%s", "dispatched");
        snprintf(out->to, sizeof out->to, "%s", "dispatched");
        snprintf(out->note, sizeof out->note, "此前已派单至%s，未作改动", to->name);
    } else if (*unseen && (!to->discipline || status_in(status, HELD) || status_in(status, DONE))) {
        route_refused_no_order(req, err, errlen);
        rc = 1;
    } else if (status_in(status, DONE)) {
        snprintf(err, errlen, "工单 %s 状态为%s，不能改派（回访不满意时工单重新办理，由派单重新确定单位）",
                 req->ticket_no, names_status(status));
        rc = 1;
    } else if (status_in(status, HELD) && strcmp(from, to->code) == 0 && *to->category &&
               strcmp(PQgetvalue(res, 0, H_CATEGORY), to->category) != 0) {
        if (*req->reason)
            *rule = &RECATEGORISE;
        else    /* its clocks start again: never unexplained, as a reassignment's */
            snprintf(err, errlen, "工单 %s 在%s（%s）：改为“%s”会让它的时限从现在重新起算，需要写明%s（会记入工单），"
                     "请填写后再提交", req->ticket_no, from_name, names_status(status), to->category_name,
                     RECATEGORISE.field);
        rc = !*req->reason;
    } else if (status_in(status, HELD) && strcmp(from, to->code) == 0) {
        *rule = NULL;
        snprintf(out->from, sizeof out->from, "%s", status);
        snprintf(out->to, sizeof out->to, "%s", status);
        snprintf(out->note, sizeof out->note, "已在%s，未作改动", from_name);
    } else if (*req->shown_holder && strcmp(req->shown_holder, *from ? from : "none") != 0) {
        say_moved_since(req, status, from_name, to, err, errlen);
        rc = 1;
    } else if (!status_in(status, HELD)) {
        /* a first dispatch: *rule as it is */
    } else if (!*req->reason) {
        snprintf(err, errlen, "工单 %s 在%s（%s）：改派给%s需要写明%s（会记入工单），请填写后再提交",
                 req->ticket_no, from_name, names_status(status), to->name, REASSIGN.field);
        rc = 1;
    } else {
        *rule = &REASSIGN;
    }
    PQclear(res);
    return rc;
}


/* Room for the reason whole (its characters of up to 4 bytes, each byte up
 * to 6 in JSON: \u001f) and the short rest. */
#define DETAIL_BYTES (TEXT_NOTE_CHARS * 4 * 6 + 512)

/* Appends text to buf (length n) escaped for a JSON string; the new length. */
static size_t put_text(char *buf, size_t n, size_t cap, const char *text)
{
    char esc[JSON_ESCAPE_MAX];
    for (const char *p = text; *p && n + JSON_ESCAPE_MAX + 1 < cap; p++)
        n += (size_t)snprintf(buf + n, cap - n, "%s", json_escape_byte((unsigned char)*p, esc));
    return n;
}

/* The event detail: reason, the callback's result, a dispatch's unit and
 * co-handler (co, from to), the unit a reassignment took the order from
 * (from_unit) and the co-handlers it ended (co_ended), what else the action
 * did (note). */
static void detail_json(char *buf, size_t cap, const route_action_req *req, const char *from_unit,
                        const target_unit *to, const char *note)
{
    size_t n = put_text(buf, (size_t)snprintf(buf, cap, "{\"reason\":\""), cap, req->reason);
    if (strcmp(req->action, "callback") == 0 && strcmp(req->result, "unreached") == 0)
        snprintf(buf + n, cap - n, "\",\"result\":\"unreached\"}");     /* nothing judged */
    else if (strcmp(req->action, "callback") == 0)
        snprintf(buf + n, cap - n, "\",\"result\":\"%s\",\"satisfied\":%s}", req->result,
                 strcmp(req->result, "unsatisfied") != 0 ? "true" : "false");
    else if (to) {
        n += (size_t)snprintf(buf + n, cap - n, "\",\"unit\":\"%s\",\"manual\":true", req->target_unit);
        if (*from_unit && n < cap)
            n += (size_t)snprintf(buf + n, cap - n, ",\"from_unit\":\"%s\"", from_unit);
        if (*to->co && n < cap)
            n += (size_t)snprintf(buf + n, cap - n, ",\"co\":\"%s\"", to->co);
        if (*to->ended && n < cap)
            n += (size_t)snprintf(buf + n, cap - n, ",\"co_ended\":%s", to->ended);
        if (to->recategorised && n < cap)
            n += (size_t)snprintf(buf + n, cap - n, ",\"category\":\"%s\",\"category_from\":\"%s\"", to->category,
                                  to->category_from);
        if (n < cap)
            snprintf(buf + n, cap - n, "}");
    } else if (*note && n + 16 < cap) {
        n = put_text(buf, n + (size_t)snprintf(buf + n, cap - n, "\",\"note\":\""), cap - 3, note);
        snprintf(buf + n, cap - n, "\"}");
    } else
        snprintf(buf + n, cap - n, "\"}");
}

/* 0, 1 when the database refused (err says why), -1 on a database error. */
static int apply_effects(PGconn *pg, const route_action_req *req, const action_rule *rule, const char *id,
                         const char *actor, const char *detail, char *err, size_t errlen)
{
    char accept[24], resolve[24];
    snprintf(accept, sizeof accept, "%lld", (long long)req->accept_due_ms);
    snprintf(resolve, sizeof resolve, "%lld", (long long)req->resolve_due_ms);
    const char *params[] = {id, actor, detail, req->target_unit, accept, resolve};
    for (const char *const *sql = FX_SQL[rule->fx]; *sql; sql++) {
        int rc = exec_effect(pg, rule->action, *sql, params, err, errlen);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* The move and its effects, in the open transaction; from_unit: the owner a
 * reassignment takes the order from, else ""; to: where a dispatch gives it
 * (its co-handler, those it ends), else NULL; note: what else it did, for
 * its event, else "". 0, 1 (refused: err), -1 (database). */
static int act(PGconn *pg, const route_action_req *req, const action_rule *rule, const char *from_unit,
               const target_unit *to, const char *note, route_action_result *out, char *err, size_t errlen)
{
    char detail[DETAIL_BYTES];
    const char *actor = *req->actor ? req->actor : *req->unit_code ? req->unit_code : "dispatch";
    detail_json(detail, sizeof detail, req, from_unit, to, note);
    char principal[16];
    snprintf(principal, sizeof principal, "%d", req->principal);
    const char *params[] = {req->ticket_no, rule->to, rule->from, req->unit_code, actor, rule->event, detail,
                            principal};
    PGresult *res = db_query(pg, "unit action", SQL_ACT, ACT_PARAMS, params, err, errlen);
    if (!res)
        return -1;
    int rc = 1;
    if (PQntuples(res) == 0)
        route_refused_no_order(req, err, errlen);
    else
        out->changed = strcmp(PQgetvalue(res, 0, A_MOVED), "t") == 0;
    int again = PQntuples(res) && strcmp(PQgetvalue(res, 0, A_AGAIN), "t") == 0;
    int refused = PQntuples(res) == 0 ||
                  (!out->changed && !again && route_refused_why(req, rule, res, err, errlen) != 0);
    if (refused && PQntuples(res) && strcmp(rule->action, "callback") == 0) {
        if ((rc = route_refused_callback_again(pg, req, res, err, errlen)) != 0)
            goto cleanup;
    } else if (refused) {
        rc = route_refused_returned_before(pg, req, rule, out, err, errlen);
        goto cleanup;
    }
    out->complaint_id = strtoll(PQgetvalue(res, 0, A_ID), NULL, 10);
    snprintf(out->from, sizeof out->from, "%s", PQgetvalue(res, 0, A_STATUS));
    snprintf(out->to, sizeof out->to, "%s", out->changed && rule->to ? rule->to : out->from);   /* as it is now */
    out->at_ms = strtoll(PQgetvalue(res, 0, A_NOW_MS), NULL, 10);
    out->reroute = out->changed && (rule->fx == FX_RETURN || rule->fx == FX_REOPEN);
    if (out->changed && (rule->fx == FX_REOPEN || rule == &UNREACHED))
        snprintf(out->note, sizeof out->note, "%s", names_action_done(rule == &UNREACHED ? "unreached" : "reopen"));
    rc = out->changed ? apply_effects(pg, req, rule, PQgetvalue(res, 0, A_ID), actor, detail, err, errlen) : 0;
    if (rc == 0 && out->changed && req->in_tx && req->in_tx(pg, out->complaint_id, req->in_tx_ctx, err, errlen) < 0)
        rc = 1;
cleanup:
    PQclear(res);
    return rc;
}

/* A dispatch: which one it is (dispatch_rule), then the move, said as the
 * order page says it (names_dispatch_said). Codes as act(). */
static int act_dispatch(PGconn *pg, const route_action_req *in, const action_rule *rule, target_unit *to,
                        route_action_result *out, char *err, size_t errlen)
{
    char from[64], from_name[128];
    int unseen = 0;
    route_action_req r = *in, *req = &r;
    int rc = dispatch_rule(pg, req, to, &rule, &unseen, from, from_name, out, err, errlen);
    if (rc != 0 || !rule)
        return rc;
    if ((*to->category && route_target_recategorise(pg, req, to, err, errlen) < 0) || route_target_co(pg, req, to, err, errlen) < 0)
        return -1;
    if (unseen)
        r.principal = 0;    /* to discipline inspection, no unit holding it: dispatch_rule let it through */
    int moved = rule->fx == FX_REASSIGN;
    rc = act(pg, req, rule, moved ? from : "", to, "", out, err, errlen);
    out->reassigned = moved && rc == 0;
    names_dispatch said = {rule->event, to->name, from_name, to->co_name, to->ended_names,
                           to->recategorised ? to->category_name : "", to->category_from_name};
    if (rc == 0 && (moved || out->changed))
        names_dispatch_said(out->note, sizeof out->note, &said);
    return rc;
}

/* $1 ticket, $2 the principal acting or 0, $3 the statuses the action moves
 * from, $4 whether 待签收 too (REPEATS_SIGNED): the repeats escalation
 * merged into the order (parent_id) that the unit holding it holds too, in
 * one of those statuses, that the principal may read, with their status;
 * locked, so that they are still so when the action takes them
 * (repeats_act). */
static const char SQL_REPEATS[] =
    "SELECT c.ticket_no, c.status FROM complaints p"
    "  JOIN complaints c ON c.parent_id = p.id"
    "   AND (c.status = ANY($3::text[]) OR $4::bool AND c.status = 'dispatched')"
    "  JOIN assignments a ON a.complaint_id = c.id AND a.active AND a.role = 'owner'"
    "  JOIN assignments pa ON pa.complaint_id = p.id AND pa.active AND pa.role = 'owner' AND pa.unit_id = a.unit_id"
    " WHERE p.ticket_no = $1 AND p.status = ANY($3::text[])"
    "   AND ($2::int = 0 OR principal_sees($2::int, c.id))"
    " ORDER BY c.id FOR UPDATE OF c";

/* Tickets named in a note, at most; the rest counted. */
#define REPEATS_NAMED 10

/* The repeats an action of req takes (SQL_REPEATS), locked; their count, or
 * -1 (database: err). note gets what the action's event and answer say of
 * them ("" for none). */
static int repeats_find(PGconn *pg, const route_action_req *req, const action_rule *rule, PGresult **res,
                        char *note, size_t cap, char *err, size_t errlen)
{
    char principal[16];
    snprintf(principal, sizeof principal, "%d", req->principal);
    const char *params[] = {req->ticket_no, principal, rule->from, rule->with_repeats == REPEATS_SIGNED ? "t" : "f"};
    if (!(*res = db_query(pg, "merged repeats", SQL_REPEATS, 4, params, err, errlen)))
        return -1;
    int n = PQntuples(*res);
    size_t len = (size_t)snprintf(note, cap, "%s", n ? "与之合并的重复工单 " : "");
    for (int i = 0; i < n && i < REPEATS_NAMED && len < cap; i++)
        len += (size_t)snprintf(note + len, cap - len, "%s%s", i ? "、" : "", PQgetvalue(*res, i, 0));
    if (n > REPEATS_NAMED && len < cap)
        len += (size_t)snprintf(note + len, cap - len, " 等 %d 件", n);
    if (n && len < cap)
        snprintf(note + len, cap - len, " 随之%s", rule->says);
    return n;
}

/* One merged repeat moved with order (r its ticket and reason, status as
 * found): one still 待签收, merged after the order was signed for, is
 * signed for first, as the person, as signing for the order would have
 * (REPEATS_SIGNED); then moved on by rule unless signing put it where the
 * rule puts the order (办理中: a resume). Codes as act(). */
static int repeat_act(PGconn *pg, const route_action_req *r, const char *order, const char *status,
                      const action_rule *rule, route_action_result *one, char *err, size_t errlen)
{
    const action_rule *sign = find_rule("accept", "");
    if (rule->with_repeats == REPEATS_SIGNED && strcmp(status, "dispatched") == 0) {
        char reason[TICKET_CHARS + 64];
        route_action_req s = *r;
        snprintf(reason, sizeof reason, "与工单 %s 合并办理，随之%s", order, sign->says);
        s.reason = reason;
        int rc = act(pg, &s, sign, "", NULL, "", one, err, errlen);
        if (rc != 0 || strcmp(rule->to, sign->to) == 0)
            return rc;
    }
    return act(pg, r, rule, "", NULL, "", one, err, errlen);
}

/* The merged repeats (repeats_find's rows) moved with the order, in its
 * transaction: one problem at one place, handled once (合并办理). Each is
 * moved as its own action by the same person, its history saying with
 * which order; the photos stay on the order. Those a return sends back to
 * routing go into out->rerouted. Codes as act(). */
static int repeats_act(PGconn *pg, const route_action_req *req, const action_rule *rule, const PGresult *rows,
                       route_action_result *out, char *err, size_t errlen)
{
    char reason[DETAIL_BYTES];
    snprintf(reason, sizeof reason, "与工单 %s 合并办理，随之%s%s%s", req->ticket_no, rule->says,
             *req->reason ? "：" : "", req->reason);
    int rc = 0;
    for (int i = 0; i < PQntuples(rows) && rc == 0; i++) {
        route_action_req r = *req;
        route_action_result one;
        r.ticket_no = PQgetvalue(rows, i, 0);
        r.reason = reason;
        r.in_tx = NULL;
        rc = repeat_act(pg, &r, req->ticket_no, PQgetvalue(rows, i, 1), rule, &one, err, errlen);
        if (rc == 0 && one.reroute && out->n_rerouted < ROUTE_REROUTED_MAX)
            out->rerouted[out->n_rerouted++] = one.complaint_id;
    }
    return rc;
}

/* An action the merged repeats move with: they are found and locked, the
 * order moved with its event naming them, then they. Codes as act(). */
static int act_with_repeats(PGconn *pg, const route_action_req *in, const action_rule *rule,
                            route_action_result *out, char *err, size_t errlen)
{
    char note[REPEATS_NAMED * (TICKET_CHARS + 3) + 96];
    PGresult *rows = NULL;
    if (repeats_find(pg, in, rule, &rows, note, sizeof note, err, errlen) < 0)
        return -1;
    int rc = act(pg, in, rule, "", NULL, note, out, err, errlen);
    if (rc == 0 && out->changed && *note) {
        rc = repeats_act(pg, in, rule, rows, out, err, errlen);
        snprintf(out->note, sizeof out->note, "%.24s；%.700s", names_action_done(rule->action), note);
    }
    PQclear(rows);
    return rc;
}

/* One action being carried out (route_action_tx's ctx). */
typedef struct {
    const route_action_req *req;
    const action_rule      *rule;
    target_unit            *to;
    route_action_result    *out;
} action_call;

/* The action's move, whichever it is, in the open transaction. Codes as act(). */
static int act_any(PGconn *pg, void *ctx, char *err, size_t errlen)
{
    action_call *c = ctx;
    return c->rule->fx == FX_DISPATCH ? act_dispatch(pg, c->req, c->rule, c->to, c->out, err, errlen)
           : c->rule->with_repeats   ? act_with_repeats(pg, c->req, c->rule, c->out, err, errlen)
                                      : act(pg, c->req, c->rule, "", NULL, "", c->out, err, errlen);
}

int route_action(PGconn *pg, const route_action_req *in, route_action_result *out, char *err, size_t errlen)
{
    route_action_req r = *in, *req = &r;     /* NULL strings read as "" */
    const char **fields[] = {&r.ticket_no, &r.action, &r.unit_code, &r.actor, &r.reason, &r.result, &r.target_unit,
                             &r.shown_holder, &r.category};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (!*fields[i])
            *fields[i] = "";
    memset(out, 0, sizeof *out);
    target_unit to;
    const char *result = strcmp(r.action, "callback") == 0 ? names_callback_result(r.result) : NULL;
    if (result)
        r.result = result;      /* 满意 or satisfied: stored, and read by find_rule, as its code */
    const action_rule *rule = find_rule(req->action, req->result);
    memset(&to, 0, sizeof to);
    if (check_request(req, rule, err, errlen) != 0 ||
        (rule->fx == FX_DISPATCH && route_target_unit(pg, req, &to, err, errlen) != 0) ||
        (rule->fx == FX_DISPATCH && *req->category && route_target_category(pg, req, &to, err, errlen) != 0))
        return -1;
    if (rule->fx == FX_DISPATCH)
        r.target_unit = to.code;
    action_call call = {req, rule, &to, out};
    return route_action_tx(pg, req->action, req->ticket_no, act_any, &call, err, errlen);
}

int route_action_tx(PGconn *pg, const char *action, const char *ticket, route_tx_fn fn, void *ctx, char *err,
                    size_t errlen)
{
    char why[256];
    if (db_begin(pg, why, sizeof why) != 0) {
        snprintf(err, errlen, "%s %s: the database could not begin the change: %s", action, ticket, why);
        return -2;
    }
    int rc = fn(pg, ctx, err, errlen);
    if (rc == 0 && db_commit(pg, why, sizeof why) == 0) {
        failpoint("action_after_commit");
        return 0;
    }
    if (rc == 0)    /* COMMIT refused */
        snprintf(err, errlen, "%s %s: COMMIT refused, nothing stored: %s", action, ticket, why);
    else if (rc < 0)
        text_prefix(err, errlen, "%s %s: nothing stored: ", action, ticket);
    db_rollback(pg);
    return rc > 0 ? -1 : -2;
}
