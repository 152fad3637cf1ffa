/* test_route_actions.c — accept and resolve against a real PostgreSQL: the
 * owner moves its order, a repeat changes nothing, another unit and a wrong
 * state are refused with a reason, and every move leaves one event row; a
 * conduct complaint never reaches a unit that is not discipline inspection,
 * nor any order a unit it accuses, by return and dispatch by hand; a
 * dispatcher reassigns an order a unit holds only with a reason, and never a
 * resolved or closed one, the co-handler following the new unit's district;
 * a dispatcher hands an order of the manual queue
 * back to the hotline, with a reason, once; a database that fails the change is named to the
 * caller with PostgreSQL's reason.
 *
 * Needs JIESU_TEST_PG (a migrated database); ticket numbers are per run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fixture_laoshan.h"
#include "route_actions.h"
#include "text.h"

typedef struct {
    PGconn *pg;
    char    tag[64];
    char    ticket[96];     /* an order dispatched to 中韩街道 */
    long long id;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->pg = fixture_pg();
    fixture_seed_laoshan(f->pg);
    fixture_tag(f->tag, sizeof f->tag, "RA");
    snprintf(f->ticket, sizeof f->ticket, "%s-1", f->tag);
    f->id = fixture_num(f->pg, "INSERT INTO complaints (ticket_no, called_at, content, status)"
                               " VALUES ('%s', now(), '垃圾', 'dispatched') RETURNING id", f->ticket);
    fixture_exec(f->pg, "INSERT INTO assignments (complaint_id, unit_id, role, rule, reasons)"
                        " SELECT %lld, id, 'owner', 'street', 'test' FROM units WHERE code = '370212001'", f->id);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    PQfinish(f->pg);
    free(f);
    return 0;
}

static int act(fixture *f, const char *ticket, const char *action, const char *unit, route_action_result *res,
               char *err, size_t errlen)
{
    route_action_req req = {.ticket_no = ticket, .action = action, .unit_code = unit, .actor = "",
                            .reason = "现场已处理"};
    return route_action(f->pg, &req, res, err, errlen);
}

static long long events(fixture *f, const char *event)
{
    return fixture_num(f->pg, "SELECT count(*) FROM complaint_events WHERE complaint_id = %lld AND event = '%s'",
                       f->id, event);
}

static void test_other_unit_is_refused(void **state)
{
    fixture *f = *state;
    route_action_result res;
    char err[256] = "", want[256];
    assert_int_equal(act(f, f->ticket, "accept", "370212002", &res, err, sizeof err), -1);
    snprintf(want, sizeof want, "没有可由本单位办理的工单 %s（工作台列出本单位的工单）", f->ticket);
    assert_string_equal(err, want);
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM complaints WHERE id = %lld AND status = 'dispatched'",
                                 f->id), 1);
    assert_int_equal(events(f, "accepted"), 0);
}

static void test_accept_then_resolve(void **state)
{
    fixture *f = *state;
    route_action_result res;
    char err[256] = "", want[256];
    assert_int_equal(act(f, f->ticket, "accept", "370212001", &res, err, sizeof err), 0);
    assert_int_equal(res.changed, 1);
    assert_int_equal(res.complaint_id, f->id);
    assert_string_equal(res.from, "dispatched");
    assert_string_equal(res.to, "accepted");
    assert_true(res.at_ms > 0);
    /* again: nothing changes, no second event */
    assert_int_equal(act(f, f->ticket, "accept", "370212001", &res, err, sizeof err), 0);
    assert_int_equal(res.changed, 0);
    assert_int_equal(events(f, "accepted"), 1);
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM complaint_events WHERE complaint_id = %lld"
                                        " AND event = 'accepted' AND actor = '370212001'"
                                        " AND detail->>'from' = 'dispatched' AND detail->>'reason' = '现场已处理'",
                                 f->id), 1);
    /* a dispatcher (no unit) resolves for the owner */
    assert_int_equal(act(f, f->ticket, "resolve", "", &res, err, sizeof err), 0);
    assert_int_equal(res.changed, 1);
    assert_string_equal(res.from, "accepted");
    assert_int_equal(events(f, "resolved"), 1);
    /* a resolved order cannot be accepted, and the unit is told what comes of it */
    assert_int_equal(act(f, f->ticket, "accept", "370212001", &res, err, sizeof err), -1);
    snprintf(want, sizeof want, "工单 %s 状态为已办结待回访，不能签收：工单已办结，等待回访；回访不满意时工单重新办理，会再派单",
             f->ticket);
    assert_string_equal(err, want);
}

/* A connection the database has dropped: told apart from a refusal (-2),
 * PostgreSQL's reason in err for the log, nothing stored. */
static void test_database_failure_told_apart(void **state)
{
    fixture *f = *state;
    PGconn *gone = fixture_pg();
    route_action_result res;
    char err[512] = "";
    long long before = fixture_num(f->pg, "SELECT count(*) FROM complaint_events WHERE complaint_id = %lld", f->id);
    fixture_exec(f->pg, "SELECT pg_terminate_backend(%d)", PQbackendPID(gone));
    route_action_req req = {.ticket_no = f->ticket, .action = "accept", .unit_code = "370212001", .actor = ""};
    assert_int_equal(route_action(gone, &req, &res, err, sizeof err), -2);
    assert_non_null(strstr(err, "the database could not begin the change: "));
    assert_true(strlen(err) > strlen(strstr(err, "the database could not begin the change: ")));
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM complaint_events WHERE complaint_id = %lld", f->id),
                     before);
    PQfinish(gone);
}

static void test_bad_requests(void **state)
{
    fixture *f = *state;
    route_action_result res;
    char err[256] = "", ticket[128];
    assert_int_equal(act(f, f->ticket, "approve", "", &res, err, sizeof err), -1);
    assert_string_equal(err, "没有“approve”这种操作（可用：accept 签收、return 退回、progress 填写进展、wait 暂缓办理、"
                             "resume 恢复办理、resolve 办结、callback 回访、dispatch 派单、handback 退回热线）");
    assert_int_equal(act(f, "", "accept", "", &res, err, sizeof err), -1);
    assert_string_equal(err, "没有给出工单号");
    snprintf(ticket, sizeof ticket, "%s-none", f->tag);
    assert_int_equal(act(f, ticket, "accept", "", &res, err, sizeof err), -1);
    assert_non_null(strstr(err, "没有工单号为"));
}

/* An order dispatched to 中韩街道 with its two deadlines (cycle 1); returns its ticket. */
static long long dispatched(fixture *f, const char *suffix, char *ticket, size_t cap)
{
    snprintf(ticket, cap, "%s-%s", f->tag, suffix);
    long long id = fixture_num(f->pg, "INSERT INTO complaints (ticket_no, called_at, content, status)"
                                      " VALUES ('%s', now(), '垃圾', 'dispatched') RETURNING id", ticket);
    fixture_exec(f->pg, "INSERT INTO assignments (complaint_id, unit_id, role, rule, reasons)"
                        " SELECT %lld, id, 'owner', 'street', 'test' FROM units WHERE code = '370212001'", id);
    fixture_exec(f->pg, "INSERT INTO deadlines (complaint_id, kind, due_at) VALUES (%lld, 'accept', now() + interval '1 hour'),"
                        " (%lld, 'resolve', now() + interval '3 days')", id, id);
    return id;
}

static int full_act(fixture *f, const char *ticket, const char *action, const char *unit, const char *reason,
                    const char *result, route_action_result *res, char *err, size_t errlen)
{
    route_action_req req = {.ticket_no = ticket, .action = action, .unit_code = unit, .reason = reason,
                            .result = result};
    return route_action(f->pg, &req, res, err, errlen);
}

static void test_return_releases_the_order(void **state)
{
    fixture *f = *state;
    route_action_result res;
    char err[256] = "", ticket[128];
    long long id = dispatched(f, "ret", ticket, sizeof ticket);
    assert_int_equal(full_act(f, ticket, "return", "370212001", "", NULL, &res, err, sizeof err), -1);
    assert_string_equal(err, "退回需要写明退回原因，请填写后再提交");
    assert_int_equal(full_act(f, ticket, "return", "370212001", "不在本街道辖区", NULL, &res, err, sizeof err), 0);
    assert_int_equal(res.changed, 1);
    assert_int_equal(res.reroute, 1);
    assert_string_equal(res.to, "returned");
    assert_int_equal(fixture_num(f->pg, "SELECT returns FROM complaints WHERE id = %lld AND status = 'returned'", id), 1);
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM assignments WHERE complaint_id = %lld AND active"
                                        " AND (unit_id IS NOT NULL OR role <> 'manual')", id), 0);     /* no unit's */
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM complaint_events WHERE complaint_id = %lld AND event = 'returned'"
                                        " AND detail->>'reason' = '不在本街道辖区' AND detail->>'unit' = '370212001'", id), 1);
    /* again: nothing changes, nothing re-enqueued */
    assert_int_equal(full_act(f, ticket, "return", "", "重复", NULL, &res, err, sizeof err), 0);
    assert_int_equal(res.changed, 0);
    assert_int_equal(res.reroute, 0);
}

static void test_wait_resume_progress(void **state)
{
    fixture *f = *state;
    route_action_result res;
    char err[256] = "", ticket[128], want[256];
    long long id = dispatched(f, "wait", ticket, sizeof ticket);
    /* not accepted: a refusal that says what to do first (before: the status alone) */
    assert_int_equal(full_act(f, ticket, "wait", "370212001", "等待来电人提供照片", NULL, &res, err, sizeof err), -1);
    snprintf(want, sizeof want, "工单 %s 状态为待签收，不能暂缓办理：请先签收，再暂缓办理", ticket);
    assert_string_equal(err, want);
    assert_int_equal(full_act(f, ticket, "accept", "370212001", "", NULL, &res, err, sizeof err), 0);
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM deadlines WHERE complaint_id = %lld AND met_at IS NOT NULL", id), 1);
    assert_int_equal(full_act(f, ticket, "progress", "370212001", "", NULL, &res, err, sizeof err), -1);
    assert_string_equal(err, "填写进展需要写明进展说明，请填写后再提交");    /* as the workbench's form names it */
    char note[TEXT_NOTE_CHARS + 2];
    memset(note, 'x', TEXT_NOTE_CHARS + 1);
    note[TEXT_NOTE_CHARS + 1] = '\0';
    assert_int_equal(full_act(f, ticket, "progress", "370212001", note, NULL, &res, err, sizeof err), -1);
    assert_string_equal(err, "进展说明有 501 个字，最多 500 个：请删减到 500 个字以内");
    assert_int_equal(full_act(f, ticket, "progress", "370212001", "已联系环卫", NULL, &res, err, sizeof err), 0);
    assert_string_equal(res.to, "accepted");
    /* the same note again by the same person (a double tap): done before, recorded once; before, twice */
    assert_int_equal(full_act(f, ticket, "progress", "370212001", "已联系环卫", NULL, &res, err, sizeof err), 0);
    assert_int_equal(res.changed, 0);
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM complaint_events WHERE complaint_id = %lld"
                                        " AND event = 'progress'", id), 1);
    assert_int_equal(full_act(f, ticket, "wait", "370212001", "", NULL, &res, err, sizeof err), -1);   /* no reason */
    assert_string_equal(err, "暂缓办理需要写明暂缓原因，请填写后再提交");
    assert_int_equal(full_act(f, ticket, "wait", "370212001", "等待来电人提供照片", NULL, &res, err, sizeof err), 0);
    assert_string_equal(res.to, "waiting");
    /* on hold, it is resumed before it is resolved (another handler's stale page, jiesu resolve) */
    assert_int_equal(full_act(f, ticket, "resolve", "370212001", "已清运", NULL, &res, err, sizeof err), -1);
    snprintf(want, sizeof want, "工单 %s 状态为暂缓办理，不能办结：请先恢复办理，再办结", ticket);
    assert_string_equal(err, want);
    assert_int_equal(full_act(f, ticket, "accept", "370212001", "", NULL, &res, err, sizeof err), -1);
    snprintf(want, sizeof want, "工单 %s 状态为暂缓办理，不能签收：工单已签收，正暂缓办理，条件具备后请恢复办理", ticket);
    assert_string_equal(err, want);
    assert_int_equal(full_act(f, ticket, "resume", "370212001", "", NULL, &res, err, sizeof err), 0);
    assert_string_equal(res.to, "accepted");
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM complaint_events WHERE complaint_id = %lld"
                                        " AND event IN ('progress', 'waiting', 'resumed')", id), 3);
}

static void test_callback(void **state)
{
    fixture *f = *state;
    route_action_result res;
    char err[256] = "", a[128], b[128];
    long long ida = dispatched(f, "cb-ok", a, sizeof a), idb = dispatched(f, "cb-no", b, sizeof b);
    assert_int_equal(full_act(f, a, "callback", "", "", "satisfied", &res, err, sizeof err), -1);   /* not resolved */
    assert_int_equal(full_act(f, a, "resolve", "370212001", "", NULL, &res, err, sizeof err), 0);
    /* the caller not reached: still awaiting its callback, an attempt recorded, no verdict to count */
    assert_int_equal(full_act(f, a, "callback", "", "关机", "unreached", &res, err, sizeof err), 0);
    assert_string_equal(res.to, "resolved");
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM complaint_events WHERE complaint_id = %lld AND"
                                        " event = 'callback_unreached' AND detail->>'satisfied' IS NULL", ida), 1);
    assert_int_equal(full_act(f, a, "callback", "", "", "maybe", &res, err, sizeof err), -1);
    assert_non_null(strstr(err, "回访结果“maybe”不认识：应为 满意、基本满意、不满意 或 未接通"));   /* no codes */
    assert_int_equal(full_act(f, a, "callback", "", "", "", &res, err, sizeof err), -1);   /* a form sent unchosen */
    assert_non_null(strstr(err, "没有选择回访结果：请选 满意、基本满意、不满意 或 未接通 再提交"));
    assert_int_equal(full_act(f, a, "callback", "", "", "满意", &res, err, sizeof err), 0);  /* by name: its code kept */
    assert_string_equal(res.to, "closed");
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM complaint_events WHERE complaint_id = %lld AND"
                                        " ((event = 'callback' AND detail->>'satisfied' = 'true') OR event = 'closed')", ida), 2);
    assert_int_equal(full_act(f, b, "resolve", "370212001", "", NULL, &res, err, sizeof err), 0);
    assert_int_equal(full_act(f, b, "callback", "", "路灯还是不亮", "unsatisfied", &res, err, sizeof err), 0);
    assert_string_equal(res.to, "new");
    assert_int_equal(res.reroute, 1);
    assert_int_equal(fixture_num(f->pg, "SELECT cycle FROM complaints WHERE id = %lld AND status = 'new'", idb), 2);
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM complaint_events WHERE complaint_id = %lld AND"
                                        " ((event = 'callback' AND detail->>'satisfied' = 'false') OR event = 'reopened')", idb), 2);
    assert_int_equal(full_act(f, b, "callback", "", "", "unsatisfied", &res, err, sizeof err), 0);   /* a retry */
    assert_int_equal(res.changed, 0);
    assert_int_equal(fixture_num(f->pg, "SELECT cycle FROM complaints WHERE id = %lld", idb), 2);
}

static void test_dispatch_by_hand(void **state)
{
    fixture *f = *state;
    route_action_result res;
    char err[256] = "", ticket[128];
    snprintf(ticket, sizeof ticket, "%s-man", f->tag);
    long long id = fixture_num(f->pg, "INSERT INTO complaints (ticket_no, called_at, content, status)"
                                      " VALUES ('%s', now(), '不知道在哪', 'manual') RETURNING id", ticket);
    fixture_exec(f->pg, "INSERT INTO assignments (complaint_id, role, rule, reasons) VALUES (%lld, 'manual', 'none', 'x')", id);
    long long now_ms = fixture_num(f->pg, "SELECT (extract(epoch FROM now()) * 1000)::bigint");
    route_action_req req = {.ticket_no = ticket, .action = "dispatch", .target_unit = "no-such-unit",
                            .accept_due_ms = now_ms + 3600000, .resolve_due_ms = now_ms + 86400000};
    assert_int_equal(route_action(f->pg, &req, &res, err, sizeof err), -1);
    assert_non_null(strstr(err, "没有代码或名称为“no-such-unit”的街道办事处、职能部门或纪委监委"));
    assert_non_null(strstr(err, "（`jiesu units no-such-unit` 列出代码或名称含这几个字的单位"));  /* 中韩 for 中韩街道 */
    req.target_unit = "崂山区创城办";     /* listed by `jiesu units`, but holds no orders: said so, not "none" */
    assert_int_equal(route_action(f->pg, &req, &res, err, sizeof err), -1);
    assert_non_null(strstr(err, "崂山区创城办（"));
    assert_non_null(strstr(err, "）是创城办，不承办工单：请派给街道办事处、职能部门或纪委监委"));
    req.target_unit = "370212004";
    req.actor = "调度员甲";
    assert_int_equal(route_action(f->pg, &req, &res, err, sizeof err), 0);
    assert_string_equal(res.to, "dispatched");
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM assignments a JOIN units u ON u.id = a.unit_id"
                                        " WHERE a.complaint_id = %lld AND a.active AND a.role = 'owner'"
                                        " AND u.code = '370212004' AND a.rule = 'dispatcher'", id), 1);
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM assignments WHERE complaint_id = %lld AND active", id), 1);
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM deadlines WHERE complaint_id = %lld"
                                        " AND abs(extract(epoch FROM due_at) * 1000 - %lld) < 2", id, now_ms + 3600000), 1);
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM complaint_events WHERE complaint_id = %lld AND event = 'routed'"
                                        " AND actor = '调度员甲' AND detail->>'unit' = '370212004'", id), 1);
}

/* A manual order (category, accused units) waiting for a dispatcher; its id. */
static long long manual_order(fixture *f, const char *suffix, const char *category, const char *accused, char *ticket,
                              size_t cap)
{
    snprintf(ticket, cap, "%s-%s", f->tag, suffix);
    long long id = fixture_num(f->pg, "INSERT INTO complaints (ticket_no, called_at, content, status, category,"
                                      " accused_units) VALUES ('%s', now(), '网格员态度恶劣', 'manual', '%s', '%s')"
                                      " RETURNING id", ticket, category, accused);
    fixture_exec(f->pg, "INSERT INTO assignments (complaint_id, role, rule, reasons) VALUES (%lld, 'manual', 'none', 'x')", id);
    return id;
}

static int dispatch_to(fixture *f, const char *ticket, const char *unit, route_action_result *res, char *err,
                       size_t errlen)
{
    long long now_ms = fixture_num(f->pg, "SELECT (extract(epoch FROM now()) * 1000)::bigint");
    route_action_req req = {.ticket_no = ticket, .action = "dispatch", .target_unit = unit, .actor = "调度员乙",
                            .accept_due_ms = now_ms + 3600000, .resolve_due_ms = now_ms + 86400000};
    return route_action(f->pg, &req, res, err, errlen);
}

/* An order not this district's business goes back to the hotline: only with
 * a reason, only from the manual queue, once; it leaves the queue for good,
 * held by no unit, and its history says who and why. */
static void test_hand_back_to_the_hotline(void **state)
{
    fixture *f = *state;
    route_action_result res;
    char err[256] = "", ticket[128];
    long long id = manual_order(f, "hb", "noise", "{}", ticket, sizeof ticket);
    route_action_req req = {.ticket_no = ticket, .action = "handback", .actor = "调度员丙", .reason = ""};
    assert_int_equal(route_action(f->pg, &req, &res, err, sizeof err), -1);
    assert_string_equal(err, "退回热线需要写明退回热线的理由，请填写后再提交");
    req.reason = "地址在黄岛区，非本区事项";
    assert_int_equal(route_action(f->pg, &req, &res, err, sizeof err), 0);
    assert_true(res.changed);
    assert_string_equal(res.from, "manual");
    assert_string_equal(res.to, "handed_back");
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM assignments WHERE complaint_id = %lld AND active"
                                        " AND (unit_id IS NOT NULL OR role <> 'manual')", id), 0);     /* no unit's */
    assert_int_equal(route_action(f->pg, &req, &res, err, sizeof err), 0);     /* a retry: done, nothing new */
    assert_false(res.changed);
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM complaint_events WHERE complaint_id = %lld"
                                        " AND event = 'handed_back' AND actor = '调度员丙'"
                                        " AND detail->>'reason' = '地址在黄岛区，非本区事项'"
                                        " AND detail->>'from' = 'manual' AND detail->>'unit' IS NULL", id), 1);
    assert_int_equal(dispatch_to(f, ticket, "370212004", &res, err, sizeof err), -1);    /* final */
    assert_non_null(strstr(err, "状态为已退回热线，不能派单"));
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM complaint_events WHERE complaint_id = %lld", id), 1);
    char held[128];     /* a unit holds it: not the manual queue's */
    long long held_id = dispatched(f, "hb-held", held, sizeof held);
    req.ticket_no = held;
    assert_int_equal(route_action(f->pg, &req, &res, err, sizeof err), -1);
    assert_non_null(strstr(err, "状态为待签收，不能退回热线"));
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM complaint_events WHERE complaint_id = %lld", held_id), 0);
}

/* The district's discipline inspection, the one unit a conduct complaint may go to. */
static void discipline_unit(fixture *f)
{
    fixture_exec(f->pg, "INSERT INTO units (code, name, kind) VALUES ('discipline', '区纪委监委', 'discipline')"
                        " ON CONFLICT (code) DO NOTHING");
}

/* The database's own rule, whatever path the order takes: a conduct
 * complaint goes to discipline inspection only, and no order to a unit it
 * accuses; the refusal says why and leaves the order as it was. */
static void test_conduct_never_to_the_accused(void **state)
{
    fixture *f = *state;
    route_action_result res;
    char err[256] = "", conduct[128], problem[128];
    discipline_unit(f);
    long long id = manual_order(f, "conduct", "conduct", "{370212001}", conduct, sizeof conduct);
    assert_int_equal(dispatch_to(f, conduct, "370212001", &res, err, sizeof err), -1);
    assert_non_null(strstr(err, "只能由纪委监委办理"));
    assert_int_equal(dispatch_to(f, conduct, "370212002", &res, err, sizeof err), -1);   /* not accused, still not theirs */
    assert_non_null(strstr(err, "只能由纪委监委办理"));
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM complaints WHERE id = %lld AND status = 'manual'", id), 1);
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM assignments WHERE complaint_id = %lld AND unit_id IS NOT NULL",
                                 id), 0);
    assert_int_equal(dispatch_to(f, conduct, "discipline", &res, err, sizeof err), 0);
    /* the discipline unit returns it; a dispatcher then tries the accused office again */
    route_action_req back = {.ticket_no = conduct, .action = "return", .unit_code = "discipline", .actor = "纪检",
                             .reason = "请核实"};
    assert_int_equal(route_action(f->pg, &back, &res, err, sizeof err), 0);
    assert_int_equal(dispatch_to(f, conduct, "370212001", &res, err, sizeof err), -1);
    assert_non_null(strstr(err, "只能由纪委监委办理"));

    long long pid = manual_order(f, "problem", "env.garbage", "{370212001}", problem, sizeof problem);
    assert_int_equal(dispatch_to(f, problem, "370212001", &res, err, sizeof err), -1);
    assert_non_null(strstr(err, "不能交给被投诉单位办理"));
    assert_int_equal(dispatch_to(f, problem, "370212002", &res, err, sizeof err), 0);
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM assignments a JOIN units u ON u.id = a.unit_id"
                                        " WHERE a.complaint_id = %lld AND a.active AND u.code = '370212002'", pid), 1);
}

static long long co_count(fixture *f, long long id, const char *unit)
{
    return fixture_num(f->pg, "SELECT count(*) FROM assignments a JOIN units u ON u.id = a.unit_id"
                              " WHERE a.complaint_id = %lld AND a.active AND a.role = 'co' AND u.code = '%s'", id, unit);
}

/* A dispatcher giving an order to a street gives its category's department
 * in that district the co-handler's part, as routing does (a hand-placed
 * 占道经营 reached the enforcement bureau no more), and says so; never a
 * department the complaint accuses, and none for an order given to a
 * department. */
static void test_dispatch_to_a_street_adds_the_co_handler(void **state)
{
    fixture *f = *state;
    route_action_result res;
    char err[256] = "", stall[128], accused[128], dept[128];
    fixture_exec(f->pg, "INSERT INTO units (code, name, kind) VALUES ('370212.zhifa', '崂山区综合行政执法局', 'dept')"
                        " ON CONFLICT (code) DO NOTHING");
    long long id = manual_order(f, "co", "order.stall", "{}", stall, sizeof stall);
    assert_int_equal(dispatch_to(f, stall, "370212001", &res, err, sizeof err), 0);
    assert_non_null(strstr(res.note, "已派单至中韩街道，协办单位 "));
    assert_int_equal(co_count(f, id, "370212.zhifa"), 1);
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM complaint_events WHERE complaint_id = %lld"
                                        " AND event = 'routed' AND detail->>'co' = '370212.zhifa'", id), 1);
    long long aid = manual_order(f, "co-accused", "order.stall", "{370212.zhifa}", accused, sizeof accused);
    assert_int_equal(dispatch_to(f, accused, "370212001", &res, err, sizeof err), 0);
    assert_string_equal(res.note, "已派单至中韩街道，签收和办结时限从现在起算");
    assert_int_equal(co_count(f, aid, "370212.zhifa"), 0);
    long long did = manual_order(f, "co-dept", "order.stall", "{}", dept, sizeof dept);
    assert_int_equal(dispatch_to(f, dept, "370212.zhifa", &res, err, sizeof err), 0);
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM assignments WHERE complaint_id = %lld AND active", did), 1);
}

static int reassign(fixture *f, const char *ticket, const char *unit, const char *reason, route_action_result *res,
                    char *err, size_t errlen)
{
    long long now_ms = fixture_num(f->pg, "SELECT (extract(epoch FROM now()) * 1000)::bigint");
    route_action_req req = {.ticket_no = ticket, .action = "dispatch", .target_unit = unit, .actor = "调度员丙",
                            .reason = reason, .accept_due_ms = now_ms + 7200000, .resolve_due_ms = now_ms + 172800000};
    return route_action(f->pg, &req, res, err, errlen);
}

static long long owner_count(fixture *f, long long id, const char *unit)
{
    return fixture_num(f->pg, "SELECT count(*) FROM assignments a JOIN units u ON u.id = a.unit_id"
                              " WHERE a.complaint_id = %lld AND a.active AND a.role = 'owner' AND u.code = '%s'", id, unit);
}

/* Dispatching an order a unit holds reassigns it: a reason is required and
 * recorded, the old owner's assignment ends, the new unit's deadlines start
 * now (the accept met by the old unit starts again); dispatching it to the
 * unit that has it changes nothing; a resolved order is refused, saying why. */
static void test_reassign(void **state)
{
    fixture *f = *state;
    route_action_result res;
    char err[320] = "", ticket[128];
    long long id = dispatched(f, "re", ticket, sizeof ticket);
    assert_int_equal(full_act(f, ticket, "accept", "370212001", "", NULL, &res, err, sizeof err), 0);
    assert_int_equal(reassign(f, ticket, "370212004", "", &res, err, sizeof err), -1);
    assert_non_null(strstr(err, "在中韩街道（办理中）：改派给北宅街道需要写明改派原因（会记入工单），请填写后再提交"));
    assert_int_equal(owner_count(f, id, "370212001"), 1);

    assert_int_equal(reassign(f, ticket, "中韩街道", "再派一次", &res, err, sizeof err), 0);
    assert_int_equal(res.changed, 0);
    assert_string_equal(res.note, "已在中韩街道，未作改动");
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM complaint_events WHERE complaint_id = %lld"
                                        " AND event = 'reassigned'", id), 0);

    long long before = fixture_num(f->pg, "SELECT (extract(epoch FROM max(started_at)) * 1e6)::bigint FROM deadlines"
                                          " WHERE complaint_id = %lld", id);
    assert_int_equal(reassign(f, ticket, "370212004", "实际位置在北宅", &res, err, sizeof err), 0);
    assert_int_equal(res.changed, 1);
    assert_string_equal(res.from, "accepted");
    assert_string_equal(res.to, "dispatched");
    assert_string_equal(res.note, "已从中韩街道改派给北宅街道，签收和办结时限从现在重新起算");
    assert_int_equal(res.reassigned, 1);
    assert_int_equal(owner_count(f, id, "370212001"), 0);
    assert_int_equal(owner_count(f, id, "370212004"), 1);
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM complaints WHERE id = %lld AND status = 'dispatched'", id), 1);
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM deadlines d JOIN units u ON u.id = d.unit_id"
                                        " WHERE d.complaint_id = %lld AND u.code = '370212004' AND d.met_at IS NULL"
                                        " AND extract(epoch FROM d.started_at) * 1e6 > %lld", id, before), 2);
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM complaint_events WHERE complaint_id = %lld"
                                        " AND event = 'reassigned' AND actor = '调度员丙' AND detail->>'reason' = '实际位置在北宅'"
                                        " AND detail->>'from_unit' = '370212001' AND detail->>'unit' = '370212004'"
                                        " AND detail->>'from' = 'accepted'", id), 1);
    assert_int_equal(full_act(f, ticket, "accept", "370212001", "", NULL, &res, err, sizeof err), -1);
    assert_int_equal(full_act(f, ticket, "resolve", "370212004", "已处理", NULL, &res, err, sizeof err), 0);
    assert_int_equal(reassign(f, ticket, "370212005", "再改派", &res, err, sizeof err), -1);
    assert_non_null(strstr(err, "状态为已办结待回访，不能改派"));
    assert_int_equal(owner_count(f, id, "370212004"), 1);
}

/* The conduct rule holds for a reassignment too: a conduct complaint stays
 * with discipline inspection, and no order goes to a unit it accuses. */
static void test_reassign_keeps_the_conduct_rule(void **state)
{
    fixture *f = *state;
    route_action_result res;
    char err[320] = "", conduct[128], problem[128];
    discipline_unit(f);
    long long id = manual_order(f, "re-conduct", "conduct", "{370212001}", conduct, sizeof conduct);
    assert_int_equal(dispatch_to(f, conduct, "discipline", &res, err, sizeof err), 0);
    assert_int_equal(reassign(f, conduct, "370212002", "改派街道", &res, err, sizeof err), -1);
    assert_non_null(strstr(err, "只能由纪委监委办理"));
    assert_int_equal(owner_count(f, id, "discipline"), 1);
    long long pid = manual_order(f, "re-problem", "env.garbage", "{370212001}", problem, sizeof problem);
    assert_int_equal(dispatch_to(f, problem, "370212002", &res, err, sizeof err), 0);
    assert_int_equal(reassign(f, problem, "370212001", "改派", &res, err, sizeof err), -1);
    assert_non_null(strstr(err, "不能交给被投诉单位办理"));
    assert_int_equal(owner_count(f, pid, "370212002"), 1);
}

/* Another district's street office and its enforcement bureau, beside
 * 崂山区's (黄岛区 辛安街道, 370211.zhifa). */
static void another_district(fixture *f)
{
    fixture_exec(f->pg, "INSERT INTO units (code, name, kind) VALUES ('370212.zhifa', '崂山区综合行政执法局', 'dept')"
                        " ON CONFLICT (code) DO NOTHING");
    fixture_exec(f->pg, "INSERT INTO regions (code, name, short_name, level) VALUES ('370211', '黄岛区', '黄岛', 'district'),"
                        " ('370211002', '辛安街道', '辛安', 'street') ON CONFLICT (code) DO NOTHING");
    fixture_exec(f->pg, "UPDATE regions SET parent_code = '370211' WHERE code = '370211002'");
    fixture_exec(f->pg, "INSERT INTO units (code, name, kind, region_code) VALUES"
                        " ('370211002', '辛安街道', 'street', '370211002'),"
                        " ('370211.zhifa', '黄岛区综合行政执法局', 'dept', '370211') ON CONFLICT (code) DO NOTHING");
}

/* A handler of unit (principals.id), who reads what its unit holds. */
static long long handler_of(fixture *f, const char *name, const char *unit)
{
    return fixture_num(f->pg, "INSERT INTO principals (name, display_name, role, unit_id, created_by)"
                              " SELECT '%s', '%s', 'handler', id, 'test' FROM units WHERE code = '%s'"
                              " ON CONFLICT (name) DO UPDATE SET unit_id = EXCLUDED.unit_id RETURNING id",
                       name, name, unit);
}

/* A reassignment leaves the order the co-handler a dispatch to the new unit
 * gives: to a street of another district, that district's department in
 * place of the old one, which no longer reads the order, and the event says
 * which ended; within the district the same department stays, its part
 * untouched; to a department, none. Before, the old district's department
 * kept co-handling an order its district no longer had. */
static void test_reassign_moves_the_co_handler(void **state)
{
    fixture *f = *state;
    route_action_result res;
    char err[320] = "", ticket[128];
    another_district(f);
    long long id = manual_order(f, "re-co", "order.stall", "{}", ticket, sizeof ticket);
    long long bureau = handler_of(f, "ra-zhifa", "370212.zhifa");
    assert_int_equal(dispatch_to(f, ticket, "370212001", &res, err, sizeof err), 0);
    long long kept = fixture_num(f->pg, "SELECT a.id FROM assignments a JOIN units u ON u.id = a.unit_id"
                                        " WHERE a.complaint_id = %lld AND a.active AND a.role = 'co'", id);
    assert_int_equal(reassign(f, ticket, "370212004", "在北宅", &res, err, sizeof err), 0);
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM assignments WHERE complaint_id = %lld AND active"
                                        " AND role = 'co' AND id = %lld", id, kept), 1);

    assert_int_equal(reassign(f, ticket, "370211002", "实际在黄岛区辛安", &res, err, sizeof err), 0);
    assert_int_equal(co_count(f, id, "370212.zhifa"), 0);
    assert_int_equal(co_count(f, id, "370211.zhifa"), 1);
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM principal_seen(%lld, ARRAY[%lld])", bureau, id), 0);
    assert_string_equal(res.note, "已从北宅街道改派给辛安街道，协办单位 黄岛区综合行政执法局，崂山区综合行政执法局不再协办，签收和办结时限从现在重新起算");
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM complaint_events WHERE complaint_id = %lld"
                                        " AND event = 'reassigned' AND actor = '调度员丙' AND detail->>'co' = '370211.zhifa'"
                                        " AND detail->'co_ended' = '[\"370212.zhifa\"]'", id), 1);

    assert_int_equal(reassign(f, ticket, "370211.zhifa", "由执法局主办", &res, err, sizeof err), 0);
    assert_string_equal(res.note, "已从辛安街道改派给黄岛区综合行政执法局，签收和办结时限从现在重新起算");
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM assignments WHERE complaint_id = %lld AND active", id), 1);
}

/* An order of this run held by unit (owner) in status, merged into parent
 * (0: none), with a resolve deadline unmet; its id, its ticket in ticket. */
static long long held(fixture *f, const char *name, const char *status, const char *unit, long long parent,
                      char *ticket, size_t cap)
{
    snprintf(ticket, cap, "%s-%s", f->tag, name);
    long long id = fixture_num(f->pg, "INSERT INTO complaints (ticket_no, called_at, content, status, parent_id)"
                                      " VALUES ('%s', now(), '路灯不亮', '%s', nullif(%lld, 0)) RETURNING id",
                               ticket, status, parent);
    fixture_exec(f->pg, "INSERT INTO assignments (complaint_id, unit_id, role, rule, reasons)"
                        " SELECT %lld, id, 'owner', 'street', 'test' FROM units WHERE code = '%s'", id, unit);
    fixture_exec(f->pg, "INSERT INTO deadlines (complaint_id, kind, due_at, started_at)"
                        " VALUES (%lld, 'resolve', now() + interval '3 days', now())", id);
    return id;
}

/* 1 when order id is in status, else 0. */
static long long in_status(fixture *f, long long id, const char *status)
{
    return fixture_num(f->pg, "SELECT count(*) FROM complaints WHERE id = %lld AND status = '%s'", id, status);
}

/* Repeats escalation merged into an order are one problem at one place:
 * accepting or resolving the order accepts or resolves those its unit holds
 * too that can be (dispatched; dispatched or accepted), each recorded as
 * the same person's action saying with which order, the order's own event
 * naming them; one waiting, or another unit's, is left as it is. Before, each
 * repeat stayed open until resolved apart, and fell due unmet against the
 * unit's 整改率 for a problem it had fixed. */
static void test_resolve_takes_merged_repeats(void **state)
{
    fixture *f = *state;
    route_action_result res;
    char err[320] = "", p[128], a[128], b[128], w[128], o[128], want[512];
    long long parent = held(f, "mp", "accepted", "370212001", 0, p, sizeof p);
    long long accepted = held(f, "mp-a", "accepted", "370212001", parent, a, sizeof a);
    long long dispatched = held(f, "mp-b", "dispatched", "370212001", parent, b, sizeof b);
    long long waiting = held(f, "mp-w", "waiting", "370212001", parent, w, sizeof w);
    long long other = held(f, "mp-o", "dispatched", "370212002", parent, o, sizeof o);
    fixture_exec(f->pg, "UPDATE complaints SET status = 'dispatched' WHERE id IN (%lld, %lld)", parent, accepted);
    assert_int_equal(act(f, p, "accept", "370212001", &res, err, sizeof err), 0);
    snprintf(want, sizeof want, "已签收；与之合并的重复工单 %s、%s 随之签收", a, b);
    assert_string_equal(res.note, want);
    assert_int_equal(in_status(f, dispatched, "accepted"), 1);
    assert_int_equal(in_status(f, other, "dispatched"), 1);
    fixture_exec(f->pg, "UPDATE complaints SET status = 'dispatched' WHERE id = %lld", dispatched);
    assert_int_equal(act(f, p, "resolve", "370212001", &res, err, sizeof err), 0);
    snprintf(want, sizeof want, "已办结；与之合并的重复工单 %s、%s 随之办结", a, b);
    assert_string_equal(res.note, want);
    assert_int_equal(in_status(f, accepted, "resolved"), 1);
    assert_int_equal(in_status(f, dispatched, "resolved"), 1);
    assert_int_equal(in_status(f, waiting, "waiting"), 1);
    assert_int_equal(in_status(f, other, "dispatched"), 1);
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM deadlines WHERE complaint_id IN (%lld, %lld)"
                                        " AND met_at IS NOT NULL", accepted, dispatched), 2);
    snprintf(want, sizeof want, "与之合并的重复工单 %s、%s 随之办结", a, b);
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM complaint_events WHERE complaint_id = %lld"
                                        " AND event = 'resolved' AND detail->>'note' = '%s'", parent, want), 1);
    snprintf(want, sizeof want, "与工单 %s 合并办理，随之办结：现场已处理", p);
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM complaint_events WHERE complaint_id = %lld"
                                        " AND event = 'resolved' AND actor = '370212001' AND detail->>'reason' = '%s'",
                                 dispatched, want), 1);
    /* again: nothing changes, nothing said of repeats */
    assert_int_equal(act(f, p, "resolve", "370212001", &res, err, sizeof err), 0);
    assert_int_equal(res.changed, 0);
    assert_string_equal(res.note, "");
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM complaint_events WHERE complaint_id = %lld"
                                        " AND event = 'resolved'", accepted), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_other_unit_is_refused),
        cmocka_unit_test(test_accept_then_resolve),
        cmocka_unit_test(test_database_failure_told_apart),
        cmocka_unit_test(test_bad_requests),
        cmocka_unit_test(test_return_releases_the_order),
        cmocka_unit_test(test_wait_resume_progress),
        cmocka_unit_test(test_callback),
        cmocka_unit_test(test_dispatch_by_hand),
        cmocka_unit_test(test_conduct_never_to_the_accused),
        cmocka_unit_test(test_dispatch_to_a_street_adds_the_co_handler),
        cmocka_unit_test(test_reassign),
        cmocka_unit_test(test_reassign_keeps_the_conduct_rule),
        cmocka_unit_test(test_reassign_moves_the_co_handler),
        cmocka_unit_test(test_hand_back_to_the_hotline),
        cmocka_unit_test(test_resolve_takes_merged_repeats),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
