/* test_route_juris.c — names of places outside the jurisdiction. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "route_juris.h"

static void test_names_and_shapes(void **state)
{
    (void)state;
    char buf[64];
    route_juris *j = route_juris_new();
    assert_int_equal(route_juris_add(j, "黄岛区"), 0);
    assert_int_equal(route_juris_add(j, "德州市"), 0);
    assert_int_equal(route_juris_build(j), 0);
    assert_int_equal(route_juris_find(j, "我住在黄岛区长江路", buf, sizeof buf), 1);
    assert_string_equal(buf, "黄岛区");
    assert_int_equal(route_juris_find(j, "A市A2区某小区门口", buf, sizeof buf), 1);
    assert_string_equal(buf, "A市");
    assert_int_equal(route_juris_find(j, "K8县仁和镇中心小学", buf, sizeof buf), 1);
    assert_string_equal(buf, "K8县");
    assert_int_equal(route_juris_find(j, "在A1区的一个工地", buf, sizeof buf), 1);
    assert_string_equal(buf, "A1区");
    /* inside: loaded names, an estate's B block, a model number */
    assert_int_equal(route_juris_find(j, "崂山区中韩街道", buf, sizeof buf), 0);
    assert_int_equal(route_juris_find(j, "小区B区3号楼", buf, sizeof buf), 0);
    assert_int_equal(route_juris_find(j, "买的XA市场的东西", buf, sizeof buf), 0);
    assert_int_equal(route_juris_find(j, NULL, buf, sizeof buf), 0);
    route_juris_destroy(&j);
    assert_null(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_and_shapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
