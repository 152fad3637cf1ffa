/* test_intake_dates.c — every date format hotline exports write, read only in
 * the formats a profile names; day and month never guessed; AM/PM; zones;
 * Excel serials; Unix times; two-digit years told, never read; the text
 * PostgreSQL is given. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "intake_dates.h"

#define ALL (DATES_YMD | DATES_CN | DATES_MDY | DATES_EXCEL)

static void expect(const char *in, unsigned formats, const char *want)
{
    intake_time t;
    char out[32];
    if (intake_date_parse(in, strlen(in), formats, &t) != 0)
        fail_msg("'%s' was not read as a time", in);
    intake_date_text(&t, out);
    if (strcmp(out, want) != 0)
        fail_msg("'%s' read as %s, not %s", in, out, want);
}

static void refuse(const char *in, unsigned formats)
{
    intake_time t;
    char out[32];
    if (intake_date_parse(in, strlen(in), formats, &t) == 0) {
        intake_date_text(&t, out);
        fail_msg("'%s' was read as %s", in, out);
    }
}

/* Unix times, named epoch: seconds or milliseconds by their digits, an
 * instant in UTC; a number of other lengths, or before 1970-01-01 / after
 * 2099, is none. */
static void test_epoch(void **state)
{
    (void)state;
    expect("1651363203", DATES_EPOCH, "2022-05-01 00:00:03+00:00");
    expect(" 1651363203123 ", DATES_EPOCH, "2022-05-01 00:00:03+00:00");
    expect("946684800", DATES_EPOCH, "2000-01-01 00:00:00+00:00");
    refuse("16513632031", DATES_EPOCH);        /* 11 digits: seconds of 2493, or ms of 1970? */
    refuse("4102444800", DATES_EPOCH);         /* 2100-01-01 */
    refuse("1651363203.5", DATES_EPOCH);
    refuse("1651363203", ALL);                 /* only where a profile names it */
    refuse("44682", DATES_EPOCH);
}

/* Two-digit years: read in no format, told as such. */
static void test_two_digit_years(void **state)
{
    (void)state;
    const char *shortened[] = {"5/1/22", "05/01/22 12:03 AM", "01.05.22 08:30", "22-5-1", " 5/1/22 0:03:45 "};
    for (size_t i = 0; i < sizeof shortened / sizeof shortened[0]; i++) {
        refuse(shortened[i], ALL | DATES_DMY | DATES_EPOCH);
        if (!intake_date_two_digit_year(shortened[i], strlen(shortened[i])))
            fail_msg("'%s' not told as a two-digit year", shortened[i]);
    }
    const char *other[] = {"5/1/2022", "2022-05-01", "5/1/22x", "5/1-22", "1651363203", "昨天"};
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++)
        if (intake_date_two_digit_year(other[i], strlen(other[i])))
            fail_msg("'%s' told as a two-digit year", other[i]);
}

static void test_ymd_and_iso(void **state)
{
    (void)state;
    expect("2021-05-30 10:57", DATES_YMD, "2021-05-30 10:57:00");
    expect("2021-05-30 10:57:09", DATES_YMD, "2021-05-30 10:57:09");
    expect("2021/5/30 10:57", DATES_YMD, "2021-05-30 10:57:00");
    expect(" 2021/5/3 9:05 ", DATES_YMD, "2021-05-03 09:05:00");
    expect("2021.05.30 10:57:09.250", DATES_YMD, "2021-05-30 10:57:09");
    expect("2021-05-30", DATES_YMD, "2021-05-30 00:00:00");
    expect("2024-02-29 23:59:59", DATES_YMD, "2024-02-29 23:59:59");
    /* ISO 8601: the Socrata API's floating times, and with zones */
    expect("2022-05-01T00:00:03.000", DATES_YMD, "2022-05-01 00:00:03");
    expect("2021-05-30T10:57:00Z", DATES_YMD, "2021-05-30 10:57:00+00:00");
    expect("2021-05-30T10:57:00+09:00", DATES_YMD, "2021-05-30 10:57:00+09:00");
    expect("2022-05-01T00:00:03-0400", DATES_YMD, "2022-05-01 00:00:03-04:00");
    expect("2022-05-01T00:00:03.123+05:30", DATES_YMD, "2022-05-01 00:00:03+05:30");
    expect("2022-05-01 00:00:03 +08", DATES_YMD, "2022-05-01 00:00:03+08:00");
    expect("2022/5/1 12:30 PM", DATES_YMD, "2022-05-01 12:30:00");
    refuse("2021-05/30 10:57", DATES_YMD);
    refuse("2021-05-30T10:57:00+15:00", DATES_YMD);
    refuse("2021-05-30 10", DATES_YMD);
    refuse("2021-05-30 10:57:00 extra", DATES_YMD);
    refuse("2021-05-30 10:5", DATES_YMD);
}

static void test_chinese(void **state)
{
    (void)state;
    expect("2024年4月15日 22时51分", DATES_CN, "2024-04-15 22:51:00");
    expect("2024年4月15日22时51分30秒", DATES_CN, "2024-04-15 22:51:30");
    expect("2024年4月15日 22:51", DATES_CN, "2024-04-15 22:51:00");
    expect("2021年5月30日", DATES_CN, "2021-05-30 00:00:00");
    refuse("2024年4月15日 22时", DATES_CN);
    refuse("2024年13月15日", DATES_CN);
    refuse("2024年4月15日 22时51分", DATES_YMD);    /* not a format the profile names */
}

static void test_us_and_day_first(void **state)
{
    (void)state;
    expect("05/01/2022 12:00:03 AM", DATES_MDY, "2022-05-01 00:00:03");
    expect("05/01/2022 12:07:46 PM", DATES_MDY, "2022-05-01 12:07:46");
    expect("05/01/2022 01:01:47 AM", DATES_MDY, "2022-05-01 01:01:47");
    expect("5/1/2022 11:59 pm", DATES_MDY, "2022-05-01 23:59:00");
    expect("12/31/2021 23:05", DATES_MDY, "2021-12-31 23:05:00");
    expect("05/01/2022", DATES_MDY, "2022-05-01 00:00:00");
    /* the profile decides: the same text is 5 January day first */
    expect("05/01/2022 10:00", DATES_DMY, "2022-01-05 10:00:00");
    expect("31.12.2021 23:05:09", DATES_DMY, "2021-12-31 23:05:09");
    refuse("31/12/2021 10:00", DATES_MDY);       /* no 31st month: never turned round */
    refuse("12/31/2021 10:00", DATES_DMY);
    refuse("05/01/2022 13:00 PM", DATES_MDY);
    refuse("05/01/2022 00:10 AM", DATES_MDY);
    refuse("05/01/2022 12:00:03 AM", DATES_YMD | DATES_CN | DATES_EXCEL);
    refuse("05-01/2022 10:00", DATES_MDY);
}

static void test_excel_serials(void **state)
{
    (void)state;
    expect("44346.4563", DATES_EXCEL, "2021-05-30 10:57:04");
    expect("44346", DATES_EXCEL, "2021-05-30 00:00:00");
    expect("44346.5", DATES_EXCEL | DATES_1904, "2025-05-31 12:00:00");    /* 1462 days later */
    expect("24107", DATES_EXCEL | DATES_1904, "1970-01-01 00:00:00");
    refuse("24106", DATES_EXCEL | DATES_1904);
    expect("44346.99999999", DATES_EXCEL, "2021-05-31 00:00:00");
    expect("44682.0000347", ALL, "2022-05-01 00:00:03");
    refuse("12345", DATES_EXCEL);
    refuse("99999", DATES_EXCEL);
    refuse("44346.", DATES_EXCEL);
    refuse("44346.45", DATES_YMD);
}

static void test_never_a_date(void **state)
{
    (void)state;
    const char *bad[] = {"", "   ", "yesterday", "2021-02-29 10:00", "2021-13-01 10:00", "2021-05-30 24:00",
                         "2021-05-30 10:60", "1.23457E+17", "1969-12-31 10:00", "2100-01-01 00:00",
                         "2021-05-30T", "0/0/2021", "2021-05-30 10:57:60", "=1+2"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        refuse(bad[i], ALL);
}

/* Local seconds (intake_zone.c compares them with the zone's changes): the
 * same count as time_t's for the same civil time in UTC, and back. */
static void test_local_seconds(void **state)
{
    (void)state;
    static const char *const texts[] = {"1970-01-01 00:00:00", "2022-03-13 02:30:00", "2024-02-29 23:59:59",
                                        "2099-12-31 23:59:59"};
    static const long long want[] = {0, 1647138600LL, 1709251199LL, 4102444799LL};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        intake_time t, back;
        char text[32];
        assert_int_equal(intake_date_parse(texts[i], strlen(texts[i]), DATES_YMD, &t), 0);
        assert_true(intake_date_seconds(&t) == want[i]);
        intake_date_from_seconds(want[i], &back);
        intake_date_text(&back, text);
        assert_string_equal(text, texts[i]);
    }
}

/* A text in a profile's format that is no real date and time is told apart
 * from one in no format: the clerk checks the value, not the profile. */
static void test_not_real_told_apart(void **state)
{
    (void)state;
    intake_time t;
    static const char *const not_real[] = {"02/30/2022 10:00", "01/01/1900 12:00:00 AM", "05/01/2022 24:00:00",
                                           "13/01/2022 01:00:00 AM"};
    for (size_t i = 0; i < sizeof not_real / sizeof not_real[0]; i++)
        assert_int_equal(intake_date_parse(not_real[i], strlen(not_real[i]), DATES_MDY | DATES_YMD, &t), DATE_NOT_REAL);
    assert_int_equal(intake_date_parse("2021-02-30 10:57", 16, DATES_YMD, &t), DATE_NOT_REAL);
    assert_int_equal(intake_date_parse("N/A", 3, DATES_MDY | DATES_YMD, &t), -1);
    assert_int_equal(intake_date_parse("05/01/2022 13:00 PM", 19, DATES_MDY, &t), -1);
}

static void test_format_lists(void **state)
{
    (void)state;
    unsigned f;
    char why[200], text[300];
    assert_int_equal(intake_date_formats_parse("mdy ymd", &f, why, sizeof why), 0);
    assert_int_equal(f, DATES_MDY | DATES_YMD);
    assert_int_equal(intake_date_formats_parse("ymd,cn, excel", &f, why, sizeof why), 0);
    assert_int_equal(f, DATES_YMD | DATES_CN | DATES_EXCEL);
    assert_int_equal(intake_date_formats_parse("mdy dmy", &f, why, sizeof why), -1);
    assert_non_null(strstr(why, "mdy 和 dmy 同时写了"));
    assert_int_equal(intake_date_formats_parse("ymd us", &f, why, sizeof why), -1);
    assert_non_null(strstr(why, "“us”"));
    assert_int_equal(intake_date_formats_parse(" , ", &f, why, sizeof why), -1);
    intake_date_formats_text(DATES_MDY | DATES_YMD, DATES_AS_TITLES, text, sizeof text);
    assert_string_equal(text, "2022-05-01、05/01/2022（月/日/年）");     /* not the profile's keys, ymd mdy */
    intake_date_formats_text(DATES_MDY, DATES_AS_KEYS, text, sizeof text);
    assert_string_equal(text, "mdy (05/01/2022 12:00:03 AM)");
    intake_date_formats_text(DATES_EXCEL | DATES_YMD | DATES_CN, DATES_AS_NAMES, text, sizeof text);
    assert_string_equal(text, "ymd cn excel");             /* as a profile's dates = line writes them */
}

/* Which formats, other than a profile's, read a value it cannot: what a
 * refused call time is written in, for the clerk to add to the profile. A
 * format the profile's excludes (dmy beside its mdy) is never offered. */
static void test_other_formats(void **state)
{
    (void)state;
    const char *us = "05/01/2022 12:03:45 AM", *iso = "2022-05-01T04:03:45Z", *day_first = "25/12/2022 08:00";
    assert_int_equal(intake_date_other_formats(us, strlen(us), DATES_YMD), DATES_MDY | DATES_DMY);
    assert_int_equal(intake_date_other_formats(us, strlen(us), DATES_YMD | DATES_DMY), 0);
    assert_int_equal(intake_date_other_formats(iso, strlen(iso), DATES_MDY), DATES_YMD);
    assert_int_equal(intake_date_other_formats(day_first, strlen(day_first), DATES_YMD | DATES_CN), DATES_DMY);
    assert_int_equal(intake_date_other_formats("昨天", strlen("昨天"), DATES_YMD), 0);
    assert_int_equal(intake_date_other_formats("1651377825", 10, DATES_YMD), DATES_EPOCH);   /* seconds since 1970 */
    assert_int_equal(intake_date_other_formats("5/1/22", 6, DATES_YMD), 0);           /* a two-digit year: none */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ymd_and_iso),
        cmocka_unit_test(test_epoch),
        cmocka_unit_test(test_two_digit_years),
        cmocka_unit_test(test_chinese),
        cmocka_unit_test(test_us_and_day_first),
        cmocka_unit_test(test_excel_serials),
        cmocka_unit_test(test_never_a_date),
        cmocka_unit_test(test_format_lists),
        cmocka_unit_test(test_other_formats),
        cmocka_unit_test(test_local_seconds),
        cmocka_unit_test(test_not_real_told_apart),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
