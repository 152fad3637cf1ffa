/* test_names.c — the Chinese names people read for statuses (staff's and
 * the public's), alert rungs,
 * deadline kinds, assignment roles and rules, events, unit kinds, ranking
 * flags and the actor that is no person (jiesu migrate), and a code no
 * table knows shown as itself rather than as nothing; and, in the migrated
 * test database, every code the schema lets those columns hold has a name,
 * so none reaches a page or `jiesu show` as the code itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "names.h"
#include "test_servers.h"

typedef const char *(*name_fn)(const char *code);

static const struct {
    name_fn     fn;
    const char *code, *want;
} CASES[] = {
    {names_status, "new", "待派单"},          {names_status, "manual", "待人工派单"},
    {names_status, "dispatched", "待签收"},   {names_status, "accepted", "办理中"},
    {names_status, "resolved", "已办结待回访"}, {names_status, "closed", "已销号"},
    {names_status, "handed_back", "已退回热线"}, {names_event, "handed_back", "退回热线"},
    {names_status, "merged-later", "merged-later"},
    {names_status_public, "returned", "正在重新安排承办单位"}, {names_status_public, "dispatched", "已交承办单位，等待接收办理"},
    {names_status_public, "handed_back", "不属于本区办理的事项，已交回12345热线另行转办"},
    {names_rung, "remind", "催办"},           {names_rung, "supervise", "督办"},
    {names_rung, "accountability", "问责预警"}, {names_rung, "unit_overdue", "单位超期率过高"},
    {names_rung, "long_wait", "暂缓过久"},
    {names_rung, "done", "已到最后一级"},     {names_rung, "", ""},
    {names_deadline, "accept", "签收"},       {names_deadline, "resolve", "办结"},
    {names_deadline, "callback", "callback"},
    {names_role, "owner", "主办"},            {names_role, "co", "协办"},
    {names_role, "manual", "待人工派单"},     {names_role, "discipline", "纪委监委办理"},
    {names_rule, "community", "社区名称"},    {names_rule, "gazetteer", "门牌库"},
    {names_rule, "dispatcher", "派单员"},     {names_rule, "model", "model"},
    {names_event, "imported", "受理"},        {names_event, "routed", "派单"},
    {names_event, "reassigned", "改派"},      {names_event, "alert", "告警"},
    {names_event, "merged", "合并"},          {names_event, "created", "拆分立单"},
    {names_event, "recategorised", "调整分类"},
    {names_event, "phone_shown", "查看来电人完整号码"}, {names_event, "unmerged", "取消合并"},
    {names_event, "signin", "signin"},
    {names_event, "extension_requested", "申请延期"}, {names_event, "extension_approved", "批准延期"},
    {names_event, "extension_rejected", "驳回延期"},
    {names_extension_state, "pending", "待审核"}, {names_extension_state, "lapsed", "已失效"},
    {names_unit_kind, "street", "街道办事处"}, {names_unit_kind, "discipline", "纪委监委"},
    {names_action_done, "progress", "进展已记录"}, {names_action_done, "return", "已退回，重新派单"},
    {names_action_done, "dispatch", "dispatch"},
    {names_actor, "migrate", "系统安装（jiesu migrate）"}, {names_actor, "admin", "admin"},
};

static void test_names(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++)
        assert_string_equal(CASES[i].fn(CASES[i].code), CASES[i].want);
    assert_string_equal(names_flag('R'), "红");
    assert_string_equal(names_flag('Y'), "黄");
    assert_string_equal(names_flag(0), "");
}

/* The values column's CHECK constraint allows (its quoted words), of table. */
static const char SQL_ALLOWED[] =
    "SELECT DISTINCT m[1] FROM pg_constraint c"
    "  JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]"
    "  CROSS JOIN LATERAL regexp_matches(pg_get_constraintdef(c.oid), '''([a-z_]+)''', 'g') m"
    " WHERE c.contype = 'c' AND c.conrelid = $1::regclass AND a.attname = $2 AND cardinality(c.conkey) = 1";

static void test_rungs_and_callbacks_by_name_or_code(void **state)
{
    (void)state;
    char all[256];
    assert_string_equal(names_alert_rung("催办"), "remind");
    assert_string_equal(names_alert_rung("remind"), "remind");
    assert_string_equal(names_alert_rung("单位超期率过高"), "unit_overdue");
    assert_string_equal(names_alert_rung("暂缓过久"), "long_wait");
    assert_null(names_alert_rung("已到最后一级"));          /* a deadline's state, no alert's */
    assert_null(names_alert_rung("done"));
    assert_null(names_alert_rung(""));
    names_alert_rungs_say(all, sizeof all);
    assert_string_equal(all, "催办、督办、问责预警、重复诉求、反弹、反复退单、单位超期率过高、暂缓过久");
    names_alert_rungs_say(all, 8);                            /* cut at a character */
    assert_string_equal(all, "催办");
    assert_string_equal(names_callback_result("不满意"), "unsatisfied");
    assert_string_equal(names_callback_result("basic"), "basic");
    assert_null(names_callback_result("满"));
}

static void test_schema_codes_named(void **state)
{
    (void)state;
    static const struct {
        const char *table, *column;
        name_fn     fn;
    } COLUMNS[] = {
        {"complaints", "status", names_status},   {"complaints", "status", names_status_public},
        {"deadlines", "rung_next", names_rung},
        {"deadlines", "kind", names_deadline},     {"assignments", "role", names_role},
        {"units", "kind", names_unit_kind},       {"imports", "status", names_import_status},
        {"extension_requests", "state", names_extension_state},
    };
    char err[512];
    PGconn *pg = test_pg();
    for (size_t i = 0; i < sizeof COLUMNS / sizeof COLUMNS[0]; i++) {
        const char *params[] = {COLUMNS[i].table, COLUMNS[i].column};
        PGresult *res = db_query(pg, "allowed codes", SQL_ALLOWED, 2, params, err, sizeof err);
        if (!res)
            fail_msg("%s", err);
        if (PQntuples(res) < 2)
            fail_msg("%s.%s: no CHECK constraint listing its codes found", COLUMNS[i].table, COLUMNS[i].column);
        for (int r = 0; r < PQntuples(res); r++) {
            const char *code = PQgetvalue(res, r, 0);
            if (strcmp(COLUMNS[i].fn(code), code) == 0)
                fail_msg("%s.%s may hold '%s', which has no Chinese name in common/names.c", COLUMNS[i].table,
                         COLUMNS[i].column, code);
        }
        PQclear(res);
    }
    PQfinish(pg);
}

/* What a dispatch did, as `jiesu dispatch` answers it and the order page says it: where the order
 * is, the co-handlers, the category changed, and its deadlines from now (again, where it had some). */
static void test_dispatch_said(void **state)
{
    (void)state;
    static const struct {
        names_dispatch d;
        const char    *said;
    } SAID[] = {
        {{"routed", "王哥庄街道", "", "崂山区城市管理局", "", "", ""},
         "已派单至王哥庄街道，协办单位 崂山区城市管理局，签收和办结时限从现在起算"},
        {{"routed", "王哥庄街道", "", "", "", "市政设施", "垃圾清运"},
         "已派单至王哥庄街道，分类由垃圾清运改为市政设施，签收和办结时限按市政设施从现在起算"},
        {{"routed", "王哥庄街道", "", "", "", "市政设施", ""},
         "已派单至王哥庄街道，分类改为市政设施，签收和办结时限按市政设施从现在起算"},
        {{"reassigned", "北宅街道", "王哥庄街道", "", "崂山区城市管理局", "", ""},
         "已从王哥庄街道改派给北宅街道，崂山区城市管理局不再协办，签收和办结时限从现在重新起算"},
        {{"reassigned", "北宅街道", "王哥庄街道", "", "", "垃圾清运", "市政设施"},
         "已从王哥庄街道改派给北宅街道，分类由市政设施改为垃圾清运，签收和办结时限按垃圾清运从现在重新起算"},
        {{"recategorised", "王哥庄街道", "", "崂山区环境卫生服务中心", "崂山区城市管理局", "垃圾清运", "市政设施"},
         "分类由市政设施改为垃圾清运，仍由王哥庄街道承办，须重新签收，协办单位 崂山区环境卫生服务中心，"
         "崂山区城市管理局不再协办，签收和办结时限按垃圾清运从现在重新起算"},
    };
    char out[768];
    for (size_t i = 0; i < sizeof SAID / sizeof SAID[0]; i++) {
        names_dispatch_said(out, sizeof out, &SAID[i].d);
        assert_string_equal(out, SAID[i].said);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_rungs_and_callbacks_by_name_or_code),
        cmocka_unit_test(test_schema_codes_named),
        cmocka_unit_test(test_dispatch_said),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
