/* test_mask.c — personal numbers masked inside free text, other numbers kept. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "mask.h"

static void expect(const char *in, const char *want)
{
    char out[256];
    assert_int_equal(mask_text(out, sizeof out, in), 0);
    assert_string_equal(out, want);
}

static void test_personal_numbers_masked(void **state)
{
    (void)state;
    expect("市民13812345678反映", "市民138****5678反映");
    expect("tel 0532-88881234.", "tel 0532-****1234.");
    expect("身份证370212199001011234", "身份证370***********1234");
    expect("ID 37021219900101123X end", "ID 370***********123X end");
}

static void test_other_numbers_kept(void **state)
{
    (void)state;
    expect("order 2024010100123 at 10:30", "order 2024010100123 at 10:30");
    expect("12345678901 is not a mobile", "12345678901 is not a mobile");
    expect("no digits 张村社区", "no digits 张村社区");
    expect("", "");
}

static void test_truncation_at_a_character(void **state)
{
    (void)state;
    char out[8];
    assert_int_equal(mask_text(out, sizeof out, "张村社区"), -1);
    assert_string_equal(out, "张村");                 /* 6 bytes; the third character would not fit */
    assert_int_equal(mask_text(out, 0, "x"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_personal_numbers_masked),
        cmocka_unit_test(test_other_numbers_kept),
        cmocka_unit_test(test_truncation_at_a_character),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
