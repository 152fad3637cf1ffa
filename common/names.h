/* names.h — the Chinese words people read for the record's codes: an
 * order's status, an assignment's role and rule, an event, an alert's rung,
 * a deadline's kind, a unit's kind. The pages, `jiesu show` and the other
 * views (common/view.h names a column's codes by one letter), the alert
 * reasons escalation writes and the messages sent to units all take them
 * from here, so a code is named the same everywhere a person reads it.
 * Every function gives the code itself when it does not know it.
 */
#ifndef JIESU_NAMES_H
#define JIESU_NAMES_H

#include <stddef.h>

/* What people call an alert in a heading or a count (最高告警, 告警数): the
 * word of jiesu alerts, the workbench and the wall board. 预警 is only in a
 * name (问责预警, a rung; 督办预警服务, the escalation service). */
#define NAMES_ALERT "告警"

/* 待签收 for "dispatched" … */
const char *names_status(const char *status);

/* The status as a citizen reads it in the public view (Open311's
 * status_notes): 正在重新安排承办单位 for "returned", where staff read 已退回. */
const char *names_status_public(const char *status);

/* The alert rungs, the ladder's then the patterns', and the deadlines'
 * kinds, as X(code, name): the one list names_rung() and names_deadline()
 * read and the SQL below is made from, so a statement that names them in a
 * sentence (an acknowledgement in an order's history) says what C says. */
#define NAMES_ALERT_RUNGS(X)                                                                        \
    X("remind", "催办") X("supervise", "督办") X("accountability", "问责预警") X("repeat", "重复诉求") \
    X("rebound", "反弹") X("bounce", "反复退单") X("unit_overdue", "单位超期率过高") \
    X("long_wait", "暂缓过久")
#define NAMES_DEADLINES(X) X("accept", "签收") X("resolve", "办结")

/* SQL giving the name of the code in expression e, the code itself when
 * the list does not hold it: "(CASE e WHEN 'remind' THEN '催办' … ELSE e END)". */
#define NAMES_SQL_WHEN(code, name) " WHEN '" code "' THEN '" name "'"
#define NAMES_RUNG_SQL(e) "(CASE " e NAMES_ALERT_RUNGS(NAMES_SQL_WHEN) " ELSE " e " END)"
#define NAMES_DEADLINE_SQL(e) "(CASE " e NAMES_DEADLINES(NAMES_SQL_WHEN) " ELSE " e " END)"

/* The states of a unit's request for more time (申请延期, migration 070), as
 * X(code, name): the pages, `jiesu extensions` and `jiesu show` name them
 * through NAMES_EXTENSION_SQL, names_extension_state() in C. */
#define NAMES_EXTENSION_STATES(X) \
    X("pending", "待审核") X("approved", "已批准") X("rejected", "已驳回") X("lapsed", "已失效")
#define NAMES_EXTENSION_SQL(e) "(CASE " e NAMES_EXTENSION_STATES(NAMES_SQL_WHEN) " ELSE " e " END)"

/* What an approval of a request made after the deadline it moved had
 * passed says beside the deadlines (the dispatcher's answer, the order's
 * history): the order was overdue until then. */
#define NAMES_EXTENDED_LATE "（批准时原办结时限已过）"

/* 待审核 for "pending" …; the code itself for any other. */
const char *names_extension_state(const char *state);

/* 催办 for "remind" …; 已到最后一级 for "done", a deadline's ladder climbed to its end. */
const char *names_rung(const char *rung);

/* The code of the alert rung s names, by its code or its Chinese name
 * ("催办" or "remind" → "remind"), or NULL when s names none. */
const char *names_alert_rung(const char *s);

/* The alert rungs' names, as "催办、督办、…、单位超期率过高", into out. */
void names_alert_rungs_say(char *out, size_t cap);

/* The code of the callback result s names, by its code or its Chinese name
 * ("满意" or "satisfied" → "satisfied"; 基本满意, 不满意, 未接通: the
 * caller not reached, the order still awaiting its callback), or NULL. */
const char *names_callback_result(const char *s);

/* The code of the i-th callback result (satisfied, basic, unsatisfied, unreached), its
 * Chinese name in *name; NULL past the last: a form's choices. */
const char *names_callback_nth(size_t i, const char **name);

/* 导入中 for "running", 已导入 for "done", 导入失败 for "failed": an import's state. */
const char *names_import_status(const char *status);

/* 签收 for "accept", 办结 for "resolve": what a deadline's unit must do. */
const char *names_deadline(const char *kind);

/* 主办 for "owner", 协办 for "co" …: an assignment's role. */
const char *names_role(const char *role);

/* 社区名称 for "community" …: the rule an assignment was made by. */
const char *names_rule(const char *rule);

/* 受理 for "imported", 派单 for "routed" …: an order's event. */
const char *names_event(const char *event);

/* 已签收 for "accept", 进展已记录 for "progress" …: what an action on an
 * order did, said to whoever did it (the command's answer, the page's note).
 * A dispatch has no word here: what it did names the unit; "reopen" is a
 * callback of 不满意, which sends the order back to be handled again;
 * "unreached" one of 未接通, which leaves it awaiting the callback. */
const char *names_action_done(const char *action);

/* What a dispatcher's dispatch did: its event ("routed" 派单, "reassigned"
 * 改派, "recategorised" 调整分类 at the unit holding the order) and the
 * names as people know them, "" where there is none. */
typedef struct {
    const char *event;
    const char *unit;           /* the unit that holds the order now */
    const char *from_unit;      /* a reassignment's: the unit it took the order from */
    const char *co;             /* the co-handler it has */
    const char *co_ended;       /* those it no longer has, 、 between */
    const char *category;       /* the category it was put in, when it changed */
    const char *category_from;  /* … the one it was in */
} names_dispatch;

/* What d did, in one sentence, said alike by `jiesu dispatch` and the order
 * page after a dispatch: where the order is, its co-handlers, the category
 * changed (分类由市政设施改为垃圾清运), and that its deadlines start from now,
 * again where it had some (every dispatch gives the unit new ones, in the
 * order's category): 已从北宅街道改派给中韩街道，…，签收和办结时限从现在重新起算. */
void names_dispatch_said(char *out, size_t cap, const names_dispatch *d);

/* 系统安装（jiesu migrate） for "migrate": the actor of what no person did,
 * stored under that name (the principals `jiesu migrate` registers at
 * installation, their created_by; the keys it registers, key.register in
 * admin_events). Any other actor, a person's sign-in name, as itself. */
const char *names_actor(const char *actor);

/* The statuses of an order a unit holds (待签收, 办理中, 暂缓办理), as an SQL
 * list for "status IN ...": an order in hand, counted 在办, listed with its
 * deadline, its caller's number readable by its handler. */
#define NAMES_HELD_SQL "('dispatched', 'accepted', 'waiting')"
/* … and as an array literal, for "status = ANY ($1::text[])". */
#define NAMES_HELD_ARRAY "{dispatched,accepted,waiting}"

/* The kinds of unit, as X(code, name): the one list names_unit_kind() reads
 * and NAMES_ALERT_TARGET_SQL is made from. "dispatch" is allowed by the
 * schema (001), made by no seed. */
#define NAMES_UNIT_KINDS(X) \
    X("street", "街道办事处") X("dept", "职能部门") X("campaign", "创城办") X("discipline", "纪委监委") \
    X("dispatch", "派单中心")

/* 街道办事处 for "street" …: a unit's kind. */
const char *names_unit_kind(const char *kind);

/* SQL naming the target of an alert (alerts.target) in expression e, said
 * where the alert has no unit to go to (alerts.target_unit_id NULL: an order
 * no unit holds yet, a district with no such office): 承办单位 for "unit"
 * (the unit holding the order), else the unit kind's name (创城办 for
 * "campaign", 纪委监委 for "discipline"). Before, the list showed the code. */
#define NAMES_ALERT_TARGET_SQL(e) \
    "(CASE " e " WHEN 'unit' THEN '承办单位'" NAMES_UNIT_KINDS(NAMES_SQL_WHEN) " ELSE " e " END)"

/* 红 for a red flag ('R'), 黄 for a yellow one ('Y'), "" for none: a unit's
 * mark in the ranking (report_metrics.h). */
const char *names_flag(char flag);

#endif
