/* test_sqlarr.c — PostgreSQL array literals: empty, numbers, escaped text, NULL, reuse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sqlarr.h"

static void test_empty(void **state)
{
    (void)state;
    sqlarr a = {0};
    assert_string_equal(sqlarr_text(&a), "{}");
    sqlarr_free(&a);
}

static void test_elements(void **state)
{
    (void)state;
    sqlarr a = {0};
    assert_int_equal(sqlarr_add(&a, "12"), 0);
    assert_int_equal(sqlarr_add_ms(&a, -5), 0);
    assert_int_equal(sqlarr_add_text(&a, "a \"b\" c\\d"), 0);
    assert_int_equal(sqlarr_add_text(&a, NULL), 0);
    assert_int_equal(sqlarr_add_text(&a, "沙子口,街道"), 0);
    assert_string_equal(sqlarr_text(&a), "{12,-5,\"a \\\"b\\\" c\\\\d\",NULL,\"沙子口,街道\"}");
    sqlarr_free(&a);
}

static void test_reset_reuses(void **state)
{
    (void)state;
    sqlarr a = {0};
    assert_int_equal(sqlarr_add(&a, "1"), 0);
    assert_string_equal(sqlarr_text(&a), "{1}");
    sqlarr_reset(&a);
    assert_string_equal(sqlarr_text(&a), "{}");
    assert_int_equal(sqlarr_add(&a, "2"), 0);
    assert_int_equal(sqlarr_add(&a, "3"), 0);
    assert_string_equal(sqlarr_text(&a), "{2,3}");
    sqlarr_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_elements),
        cmocka_unit_test(test_reset_reuses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
