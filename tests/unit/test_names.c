/* test_names.c — the Chinese names people read for statuses, alert rungs,
 * deadline kinds, assignment roles and rules, events, unit kinds and
 * ranking flags, and a code no table knows shown as itself rather than as
 * nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "names.h"

typedef const char *(*name_fn)(const char *code);

static const struct {
    name_fn     fn;
    const char *code, *want;
} CASES[] = {
    {names_status, "new", "待派单"},          {names_status, "manual", "待人工派单"},
    {names_status, "dispatched", "待签收"},   {names_status, "accepted", "办理中"},
    {names_status, "resolved", "已办结待回访"}, {names_status, "closed", "已销号"},
    {names_status, "merged-later", "merged-later"},
    {names_rung, "remind", "催办"},           {names_rung, "supervise", "督办"},
    {names_rung, "accountability", "问责预警"}, {names_rung, "unit_overdue", "单位超期率过高"},
    {names_rung, "", ""},
    {names_deadline, "accept", "签收"},       {names_deadline, "resolve", "办结"},
    {names_deadline, "callback", "callback"},
    {names_role, "owner", "主办"},            {names_role, "co", "协办"},
    {names_role, "manual", "待人工派单"},     {names_role, "discipline", "纪委监委办理"},
    {names_rule, "community", "社区名称"},    {names_rule, "gazetteer", "门牌库"},
    {names_rule, "dispatcher", "派单员"},     {names_rule, "model", "model"},
    {names_event, "imported", "受理"},        {names_event, "routed", "派单"},
    {names_event, "reassigned", "改派"},      {names_event, "alert", "告警"},
    {names_event, "merged", "合并"},          {names_event, "signin", "signin"},
    {names_unit_kind, "street", "街道办事处"}, {names_unit_kind, "discipline", "纪委监委"},
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
