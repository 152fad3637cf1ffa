/* test_calendar.c — working days and working-time deadlines on the real 2026
 * calendar (the bundled holiday-cn files read by common/holidays), to the
 * second, with the end of the working day counted as its own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "calendar.h"
#include "civil.h"
#include "holidays.h"

/* Unix time of a Beijing (UTC+8) local time. */
static int64_t bj(int y, int mo, int d, int h, int mi)
{
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi};
    return (int64_t)timegm(&tm) - 8 * 3600;
}

static int setup(void **state)
{
    calendar *cal = calendar_new(480, 8 * 60 + 30, 17 * 60 + 30);
    char err[256];
    holidays_day *days;
    size_t n, nyears;
    int files, *years;
    assert_non_null(cal);
    if (holidays_read_dir("data/holidays", &days, &n, &files, &years, &nyears, err, sizeof err) < 0)
        fail_msg("%s", err);
    assert_true(n > 200);
    assert_int_equal(holidays_apply(cal, days, n), 0);
    free(days);
    free(years);
    *state = cal;
    return 0;
}

static int teardown(void **state)
{
    calendar *cal = *state;
    calendar_destroy(&cal);
    assert_null(cal);
    return 0;
}

static void test_workdays(void **state)
{
    calendar *cal = *state;
    assert_int_equal(calendar_is_workday(cal, bj(2026, 11, 20, 12, 0)), 1);   /* Friday */
    assert_int_equal(calendar_is_workday(cal, bj(2026, 11, 21, 12, 0)), 0);   /* Saturday */
    assert_int_equal(calendar_is_workday(cal, bj(2026, 2, 14, 12, 0)), 1);    /* Saturday, 调休上班 */
    assert_int_equal(calendar_is_workday(cal, bj(2026, 2, 16, 12, 0)), 0);    /* Monday, 春节 */
    /* 2026-10-01 00:30 in Beijing is still 2026-09-30 in UTC: the local date counts. */
    assert_int_equal(calendar_is_workday(cal, bj(2026, 10, 1, 0, 30)), 0);    /* 国庆 */
    assert_int_equal(calendar_is_workday(cal, bj(2026, 9, 30, 23, 59)), 1);
}

static void test_add_days_over_holiday(void **state)
{
    calendar *cal = *state;
    /* Wednesday before 国庆 + 1 working day = the Thursday after the week off. */
    assert_int_equal(calendar_add_work_days(cal, bj(2026, 9, 30, 16, 0), 1), bj(2026, 10, 8, 16, 0));
    /* Friday + 1 working day = the adjusted working Saturday 2026-10-10. */
    assert_int_equal(calendar_add_work_days(cal, bj(2026, 10, 9, 10, 0), 1), bj(2026, 10, 10, 10, 0));
    /* Received on a Sunday evening: counts from Monday's opening. */
    assert_int_equal(calendar_add_work_days(cal, bj(2026, 11, 22, 20, 0), 3), bj(2026, 11, 26, 8, 30));
    assert_int_equal(calendar_add_work_days(cal, bj(2026, 11, 23, 9, 0), 0), bj(2026, 11, 23, 9, 0));
}

static void test_add_minutes(void **state)
{
    calendar *cal = *state;
    /* Friday 17:00 + 60 working minutes: 30 on Friday, 30 on Monday. */
    assert_int_equal(calendar_add_work_minutes(cal, bj(2026, 11, 20, 17, 0), 60), bj(2026, 11, 23, 9, 0));
    /* Saturday: nothing counts until Monday 08:30. */
    assert_int_equal(calendar_add_work_minutes(cal, bj(2026, 11, 21, 10, 0), 30), bj(2026, 11, 23, 9, 0));
    /* Inside the day. */
    assert_int_equal(calendar_add_work_minutes(cal, bj(2026, 11, 23, 9, 0), 120), bj(2026, 11, 23, 11, 0));
    /* Before opening. */
    assert_int_equal(calendar_add_work_minutes(cal, bj(2026, 11, 23, 6, 0), 10), bj(2026, 11, 23, 8, 40));
}

static void test_time_between(void **state)
{
    calendar *cal = *state;
    assert_int_equal(calendar_work_seconds_between(cal, bj(2026, 11, 20, 17, 0), bj(2026, 11, 23, 9, 0)) / 60, 60);
    assert_int_equal(calendar_work_seconds_between(cal, bj(2026, 11, 23, 9, 0), bj(2026, 11, 20, 17, 0)) / 60, 0);
    /* The whole 国庆 week off counts nothing. */
    assert_int_equal(calendar_work_seconds_between(cal, bj(2026, 9, 30, 17, 30), bj(2026, 10, 8, 8, 30)) / 60, 0);
    /* Round trip: the minutes added are the minutes between. */
    int64_t a = bj(2026, 2, 13, 15, 0);
    assert_int_equal(calendar_work_seconds_between(cal, a, calendar_add_work_minutes(cal, a, 1000)) / 60, 1000);
}

/* A deadline due at the very end of a working day (17:30) is due on that
 * day: N working days later is 17:30 N working days on, not 08:30 the day
 * after that (the same working instant, but not what the ladder says). */
static void test_end_of_day_is_its_own(void **state)
{
    calendar *cal = *state;
    assert_int_equal(calendar_add_work_days(cal, bj(2026, 11, 23, 17, 30), 2), bj(2026, 11, 25, 17, 30));
    assert_int_equal(calendar_add_work_days(cal, bj(2026, 9, 30, 17, 30), 1), bj(2026, 10, 8, 17, 30));
    /* a minute later is outside working hours: from the next day's start */
    assert_int_equal(calendar_add_work_days(cal, bj(2026, 11, 23, 17, 31), 2), bj(2026, 11, 26, 8, 30));
    /* a span of working time that fills the day ends at 17:30 */
    assert_int_equal(calendar_add_work_seconds(cal, bj(2026, 11, 23, 8, 30), 9 * 3600), bj(2026, 11, 23, 17, 30));
}

/* Seconds count: nothing is rounded to whole minutes. */
static void test_seconds(void **state)
{
    calendar *cal = *state;
    int64_t fri = bj(2026, 11, 20, 17, 29);
    assert_int_equal(calendar_add_work_seconds(cal, fri + 15, 50), bj(2026, 11, 23, 8, 30) + 5);
    assert_int_equal(calendar_work_seconds_between(cal, fri + 15, bj(2026, 11, 23, 8, 30) + 5), 50);
    int64_t a = bj(2026, 2, 13, 15, 0) + 7;
    assert_int_equal(calendar_work_seconds_between(cal, a, calendar_add_work_seconds(cal, a, 123457)), 123457);
}

/* 2027's notice is not bundled: 元旦 counts as a working day until it is
 * given. */
static void test_year_missing(void **state)
{
    calendar *cal = *state;
    assert_int_equal(calendar_local_year(cal, bj(2026, 12, 31, 23, 59)), 2026);
    assert_int_equal(calendar_local_year(cal, bj(2027, 1, 1, 0, 0)), 2027);
    assert_int_equal(calendar_add_work_days(cal, bj(2026, 12, 31, 17, 0), 1), bj(2027, 1, 1, 17, 0));
    calendar *more = calendar_new(480, 510, 1050);
    assert_int_equal(calendar_set_day(more, 2027, 1, 1, 1), 0);
    assert_int_equal(calendar_add_work_days(more, bj(2026, 12, 31, 17, 0), 1), bj(2027, 1, 4, 17, 0));
    calendar_destroy(&more);
}

static void test_bad_input(void **state)
{
    (void)state;
    char err[256] = "";
    assert_null(calendar_new(480, 600, 500));
    calendar *cal = calendar_new(480, 510, 1050);
    holidays_day *days = NULL;
    size_t n;
    assert_int_equal(calendar_set_day(cal, 2026, 2, 30, 1), -1);
    assert_int_equal(holidays_read_file("data/holidays/missing.json", &days, &n, err, sizeof err), -1);
    assert_non_null(strstr(err, "missing.json"));
    char path[] = "/tmp/jiesu-cal-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("{\"days\": [{\"date\": \"2026-13-01\", \"isOffDay\": true}]}", f);
    fclose(f);
    assert_int_equal(holidays_read_file(path, &days, &n, err, sizeof err), -1);
    assert_non_null(strstr(err, "第 1 天：缺少 \"date\" 或不是日期"));
    assert_null(days);
    unlink(path);
    calendar_destroy(&cal);
}

/* The calendar.* keys: a working day of 09:00–17:00 (holidays come from
 * PostgreSQL, not from here), and a malformed or reversed working day
 * refused naming both keys. */
static void test_from_config(void **state)
{
    (void)state;
    char err[256] = "";
    int minutes = 0;
    config *cfg = config_new();
    assert_non_null(cfg);
    assert_int_equal(config_set(cfg, "calendar.day_start", "09:00"), 0);
    assert_int_equal(config_set(cfg, "calendar.day_end", "17:00"), 0);
    calendar *cal = calendar_from_config(cfg, &minutes, err, sizeof err);
    if (!cal)
        fail_msg("%s", err);
    assert_int_equal(minutes, 480);
    assert_int_equal(calendar_is_workday(cal, bj(2026, 2, 14, 12, 0)), 0);    /* a Saturday: no 调休 given */
    assert_int_equal(calendar_add_work_minutes(cal, bj(2026, 11, 23, 16, 30), 60), bj(2026, 11, 24, 9, 30));
    calendar_destroy(&cal);
    assert_int_equal(config_set(cfg, "calendar.day_start", "18:00"), 0);
    assert_null(calendar_from_config(cfg, NULL, err, sizeof err));
    assert_non_null(strstr(err, "calendar.day_start, calendar.day_end"));
    assert_int_equal(config_set(cfg, "calendar.day_start", "9h"), 0);
    assert_null(calendar_from_config(cfg, NULL, err, sizeof err));
    assert_non_null(strstr(err, "9h"));
    config_destroy(&cfg);
}

/* A Unix time as the city reads it, to the minute, before 1970 too (the
 * day floored, not truncated toward zero). */
static void test_format_minute(void **state)
{
    (void)state;
    char t[32];
    civil_format_minute(t, sizeof t, 1795312800, 480);      /* 2026-11-22 02:00 UTC */
    assert_string_equal(t, "2026-11-22 10:00");
    civil_format_minute(t, sizeof t, -1, 480);
    assert_string_equal(t, "1970-01-01 07:59");
    civil_format_minute(t, sizeof t, -60, 0);
    assert_string_equal(t, "1969-12-31 23:59");
    civil_format_minute(t, sizeof t, 1795312800, -300);
    assert_string_equal(t, "2026-11-21 21:00");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_workdays),
        cmocka_unit_test(test_add_days_over_holiday),
        cmocka_unit_test(test_add_minutes),
        cmocka_unit_test(test_time_between),
        cmocka_unit_test(test_end_of_day_is_its_own),
        cmocka_unit_test(test_seconds),
        cmocka_unit_test(test_year_missing),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_format_minute),
        cmocka_unit_test(test_from_config),
    };
    return cmocka_run_group_tests_name("calendar", tests, setup, teardown);
}
