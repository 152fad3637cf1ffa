/* test_names.c — the Chinese names people read for statuses, alert rungs and
 * deadline kinds, and a code no table knows shown as itself rather than
 * as nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "names.h"

static void test_statuses(void **state)
{
    (void)state;
    assert_string_equal(names_status("new"), "待派单");
    assert_string_equal(names_status("manual"), "待人工派单");
    assert_string_equal(names_status("dispatched"), "待签收");
    assert_string_equal(names_status("accepted"), "办理中");
    assert_string_equal(names_status("resolved"), "已办结待回访");
    assert_string_equal(names_status("closed"), "已销号");
    assert_string_equal(names_status("merged-later"), "merged-later");
}

static void test_rungs(void **state)
{
    (void)state;
    assert_string_equal(names_rung("remind"), "催办");
    assert_string_equal(names_rung("supervise"), "督办");
    assert_string_equal(names_rung("accountability"), "问责预警");
    assert_string_equal(names_rung("unit_overdue"), "单位超期率过高");
    assert_string_equal(names_rung(""), "");
}

static void test_deadlines(void **state)
{
    (void)state;
    assert_string_equal(names_deadline("accept"), "签收");
    assert_string_equal(names_deadline("resolve"), "办结");
    assert_string_equal(names_deadline("callback"), "callback");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_statuses),
        cmocka_unit_test(test_rungs),
        cmocka_unit_test(test_deadlines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
