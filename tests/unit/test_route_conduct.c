/* test_route_conduct.c — conduct terms and offices in the same clause, and
 * whom they accuse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "route_conduct.h"

static int setup(void **state)
{
    route_conduct *c = route_conduct_new();
    const char *terms[] = {"不作为", "态度恶劣", "推诿", "吃拿卡要", "敷衍"};
    for (size_t i = 0; i < sizeof terms / sizeof terms[0]; i++)
        assert_int_equal(route_conduct_add_term(c, terms[i]), 0);
    assert_int_equal(route_conduct_build(c), 0);
    *state = c;
    return 0;
}

static int teardown(void **state)
{
    route_conduct *c = *state;
    route_conduct_destroy(&c);
    assert_null(c);
    return 0;
}

static void test_same_clause_accuses(void **state)
{
    route_conduct_result r;
    const char *text = "楼下违建没人管，村委会不作为。";
    route_conduct_find(*state, text, &r);
    assert_int_equal(r.n, 1);
    assert_string_equal(r.hit[0].term, "不作为");
    assert_string_equal(r.hit[0].office, "村委会");
    assert_string_equal(r.hit[0].accused_kind, "street");
    assert_int_equal(r.hit[0].clause_start, strlen("楼下违建没人管，"));
    assert_int_equal(r.hit[0].clause_end, strlen("楼下违建没人管，村委会不作为"));
    route_conduct_find(*state, "摊贩占道经营,城管执法人员吃拿卡要", &r);   /* ASCII comma: intake folds ， */
    assert_int_equal(r.n, 1);
    assert_string_equal(r.hit[0].accused_kind, "zhifa");
    route_conduct_find(*state, "派出所民警接警后不作为", &r);
    assert_string_equal(r.hit[0].accused_kind, "gongan");
}

static void test_apart_accuses_nobody(void **state)
{
    route_conduct_result r;
    route_conduct_find(*state, "我给政府写过信。\n楼下饭店油烟很大，老板态度恶劣", &r);
    assert_int_equal(r.n, 0);
    route_conduct_find(*state, "街道办门口有人摆摊；摊贩态度恶劣！物业推诿？", &r);
    assert_int_equal(r.n, 0);
    route_conduct_find(*state, "邻居推诿说垃圾不是他家的", &r);              /* no office at all */
    assert_int_equal(r.n, 0);
    route_conduct_find(*state, NULL, &r);
    assert_int_equal(r.n, 0);
}

static void test_every_accusing_clause(void **state)
{
    route_conduct_result r;
    route_conduct_find(*state, "网格员敷衍了事，城管推诿，居委会不作为", &r);
    assert_int_equal(r.n, 3);
    assert_string_equal(r.hit[1].office, "城管");
    assert_int_equal(r.clause_bytes, strlen("网格员敷衍了事城管推诿居委会不作为"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_clause_accuses),
        cmocka_unit_test(test_apart_accuses_nobody),
        cmocka_unit_test(test_every_accusing_clause),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
