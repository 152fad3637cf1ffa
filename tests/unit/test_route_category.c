/* test_route_category.c — categories from the hotline column or the text,
 * on the shipped civilized-city category tree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "route_category.h"

/* Loads data/categories/categories.csv (no quoted fields in that file). */
static int setup(void **state)
{
    route_cat *rc = route_cat_new();
    FILE *f = fopen("data/categories/categories.csv", "r");
    assert_non_null(f);
    char line[4096];
    assert_non_null(fgets(line, sizeof line, f));     /* header */
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *field[7], *p = line;
        for (int i = 0; i < 7; i++)
            field[i] = strsep(&p, ",");
        assert_non_null(field[6]);
        int c = route_cat_add(rc, field[0], field[2], field[1], field[3], atoi(field[4]), atoi(field[5]));
        assert_true(c >= 0);
        for (char *t = field[6], *term; *field[6] && (term = strsep(&t, "|")) != NULL;)
            assert_int_equal(route_cat_add_term(rc, c, term), 0);
    }
    fclose(f);
    assert_int_equal(route_cat_map(rc, "城管执法", route_cat_find(rc, "order")), 0);
    assert_int_equal(route_cat_build(rc), 0);
    *state = rc;
    return 0;
}

static int teardown(void **state)
{
    route_cat *rc = *state;
    route_cat_destroy(&rc);
    assert_null(rc);
    return 0;
}

static const char *classify(route_cat *rc, const char *raw, const char *text, route_cat_result *r)
{
    route_cat_classify(rc, raw, text, r);
    const route_category *c = route_cat_get(rc, r->category);
    return c ? c->code : "-";
}

static void test_text_terms(void **state)
{
    route_cat *rc = *state;
    route_cat_result r;
    assert_string_equal(classify(rc, NULL, "沙子口街道海鲜市场门口有人摆摊占道经营，影响通行", &r), "order.stall");
    assert_string_equal(r.rule, "terms");
    assert_non_null(strstr(r.reason, "占道经营"));
    assert_true(r.score > 0.5);
    assert_string_equal(classify(rc, NULL, "小区门口路灯不亮一个多星期了", &r), "utility.light");
    assert_string_equal(classify(rc, NULL, "楼下饭店油烟太大，天天烧烤", &r), "smoke");
    assert_string_equal(classify(rc, NULL, "垃圾未清运，已经堆了三天，臭味很大", &r), "env.garbage");
    assert_string_equal(classify(rc, NULL, "有人遛狗不牵绳，大型犬吓到孩子", &r), "dogs");
    assert_string_equal(classify(rc, NULL, "社区工作人员态度恶劣，推诿扯皮不作为", &r), "conduct");
    const route_category *c = route_cat_get(rc, r.category);
    assert_string_equal(c->dept_kind, "");     /* no co-handler: conduct goes to discipline inspection */
}

static void test_hotline_column_wins(void **state)
{
    route_cat *rc = *state;
    route_cat_result r;
    assert_string_equal(classify(rc, "城管执法", "路灯不亮", &r), "order");
    assert_string_equal(r.rule, "hotline-category");
    assert_true(r.score == 1.0);
    /* An unknown hotline value falls back to the text. */
    assert_string_equal(classify(rc, "其他类", "路灯不亮", &r), "utility.light");
}

static void test_nothing_and_ambiguity(void **state)
{
    route_cat *rc = *state;
    route_cat_result r;
    assert_string_equal(classify(rc, "", "咨询一下社保卡怎么办理", &r), "-");
    assert_string_equal(r.rule, "none");
    assert_true(r.score == 0);
    /* Two different problems: a category is chosen but with less confidence. */
    route_cat_result single;
    classify(rc, NULL, "夜间施工噪音扰民", &single);
    assert_string_equal(classify(rc, NULL, "夜间施工噪音扰民，门口还有违章停车", &r), "noise");
    assert_true(r.score < single.score);
}

static void test_bad_definitions(void **state)
{
    (void)state;
    route_cat *rc = route_cat_new();
    assert_int_equal(route_cat_add(rc, "a.b", "x", "a", "k", 1, 1), -1);   /* parent missing */
    assert_int_equal(route_cat_add(rc, "a", "x", NULL, "k", 1, 1), 0);
    assert_int_equal(route_cat_add(rc, "a", "y", NULL, "k", 1, 1), -1);   /* duplicate */
    assert_int_equal(route_cat_add_term(rc, 5, "t"), -1);
    assert_int_equal(route_cat_add_term(rc, 0, ""), -1);
    assert_int_equal(route_cat_map(rc, "x", 3), -1);
    route_cat_destroy(&rc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_terms),
        cmocka_unit_test(test_hotline_column_wins),
        cmocka_unit_test(test_nothing_and_ambiguity),
        cmocka_unit_test(test_bad_definitions),
    };
    return cmocka_run_group_tests_name("route_category", tests, setup, teardown);
}
