/* test_xlsx_styles.c — which cell styles of a workbook show a number as a
 * date: Excel's built-in formats, format codes (quoted text, escapes and
 * brackets are no date; [h]:mm is), the <cellXfs> styles in order and not
 * the <cellStyleXfs> ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "xlsx_styles.h"

static void test_format_codes(void **state)
{
    (void)state;
    const char *dates[] = {"yyyy/m/d h:mm:ss", "yyyy-mm-dd", "m/d/yy", "h:mm AM/PM", "[h]:mm:ss",
                           "[$-804]yyyy\"年\"m\"月\"d\"日\"", "[Red]yyyy/m/d", "mm:ss.0", "d-mmm"};
    const char *numbers[] = {"General", "0.00", "#,##0", "@", "0.00E+00", "\"days\" 0", "\\d 0", "[Magenta]0.00",
                             "[$¥-804]#,##0.00", "0;\"yyyy\"", "0_);(0)", ""};
    for (size_t i = 0; i < sizeof dates / sizeof *dates; i++)
        if (!xlsx_styles_code_is_date(dates[i]))
            fail_msg("“%s” shows a date", dates[i]);
    for (size_t i = 0; i < sizeof numbers / sizeof *numbers; i++)
        if (xlsx_styles_code_is_date(numbers[i]))
            fail_msg("“%s” shows a number", numbers[i]);
}

static void test_cell_styles(void **state)
{
    (void)state;
    xlsx_styles *st = xlsx_styles_new();
    assert_non_null(st);
    assert_int_equal(xlsx_styles_start(st, "numFmt", "164", "yyyy/m/d h:mm:ss"), 0);
    assert_int_equal(xlsx_styles_start(st, "numFmt", "165", "0.000"), 0);
    assert_int_equal(xlsx_styles_start(st, "cellStyleXfs", NULL, NULL), 0);
    assert_int_equal(xlsx_styles_start(st, "xf", "14", NULL), 0);       /* not a cell style */
    xlsx_styles_end(st, "cellStyleXfs");
    assert_int_equal(xlsx_styles_start(st, "cellXfs", NULL, NULL), 0);
    const char *ids[] = {NULL, "164", "165", "14", "22", "31", "4", "57", "0"};
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++)
        assert_int_equal(xlsx_styles_start(st, "xf", ids[i], NULL), 0);
    xlsx_styles_end(st, "cellXfs");
    assert_int_equal(xlsx_styles_start(st, "xf", "14", NULL), 0);       /* after <cellXfs>: not one either */
    const int date[] = {0, 1, 0, 1, 1, 1, 0, 1, 0, 0};
    for (long i = 0; i < 10; i++)
        if (xlsx_styles_is_date(st, i) != date[i])
            fail_msg("style %ld", i);
    assert_false(xlsx_styles_is_date(st, -1));
    assert_false(xlsx_styles_is_date(NULL, 1));
    xlsx_styles_destroy(&st);
    assert_null(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_codes),
        cmocka_unit_test(test_cell_styles),
    };
    return cmocka_run_group_tests_name("xlsx_styles", tests, NULL, NULL);
}
