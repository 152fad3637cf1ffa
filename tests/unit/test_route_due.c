/* test_route_due.c — the new 办结 deadline of an extension request as a
 * person types it (route_due.c): the forms accepted, a date alone at the
 * end of its working day, full-width characters from a Chinese input
 * method, and what is refused, saying the forms to write. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "route_due.h"

static void read_as(const char *typed, const char *want)
{
    char out[ROUTE_DUE_TEXT], err[512] = "";
    if (route_due_parse(typed, "17:30", out, err, sizeof err) != 0)
        fail_msg("“%s” refused: %s", typed, err);
    assert_string_equal(out, want);
}

static void refused(const char *typed)
{
    char out[ROUTE_DUE_TEXT], err[512] = "";
    if (route_due_parse(typed, "17:30", out, err, sizeof err) == 0)
        fail_msg("“%s” read as %s", typed, out);
    assert_non_null(strstr(err, ROUTE_DUE_FORMS));
}

static void test_forms(void **state)
{
    (void)state;
    read_as("2026-12-20", "2026-12-20 17:30:00");       /* a date: the end of its working day */
    read_as("2026/12/20", "2026-12-20 17:30:00");
    read_as("2026年12月20日", "2026-12-20 17:30:00");
    read_as("2026年12月20号", "2026-12-20 17:30:00");
    read_as("2026-12-5", "2026-12-05 17:30:00");
    read_as("2026-12-20 12:00", "2026-12-20 12:00:00");
    read_as("2026-12-20T09:05:30", "2026-12-20 09:05:30");
    read_as("2026/12/20 9:00", "2026-12-20 09:00:00");
    read_as("2026年12月20日12:00", "2026-12-20 12:00:00");
    read_as("2026年12月20日 12:00", "2026-12-20 12:00:00");
    read_as(" ２０２６－１２－２０　１２：００ ", "2026-12-20 12:00:00");     /* full-width, spaces around */
    read_as("2028-02-29", "2028-02-29 17:30:00");
}

static void test_refused(void **state)
{
    (void)state;
    refused("下周五");
    refused("12-20");
    refused("2026-02-30");
    refused("2027-02-29");
    refused("2026-13-01");
    refused("2026-12-20 24:00");
    refused("2026-12-20 12:60");
    refused("2026-12-2012:00");
    refused("2026-12-20 12");
    refused("2026-12-20 12:00 下午");
    refused("2026-12/20");
    refused("20261220");
    char out[ROUTE_DUE_TEXT], err[512];
    assert_int_equal(route_due_parse("", "17:30", out, err, sizeof err), -1);
    assert_non_null(strstr(err, "没有写新的办结时限"));
    assert_int_equal(route_due_parse("明天", "17:30", out, err, sizeof err), -1);
    assert_non_null(strstr(err, "看不懂新的办结时限“明天”：请写日期"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forms),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
