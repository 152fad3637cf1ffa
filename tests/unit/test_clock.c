/* test_clock.c — the wall-clock helpers of common/clock.c that words people
 * read depend on: until when a hold lasts, in the process's zone. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"

/* t as clock_local_until takes it: epoch seconds in text. */
static const char *epoch(char *buf, size_t cap, time_t t)
{
    snprintf(buf, cap, "%lld", (long long)t);
    return buf;
}

/* A time of today reads as the time alone, one of another day with its
 * date: a lock of two days read "请于 09:08 后再试", a time that comes today. */
static void test_until_says_the_day_when_not_today(void **state)
{
    (void)state;
    char text[32], out[CLOCK_UNTIL_LEN], want[CLOCK_UNTIL_LEN];
    setenv("TZ", "Asia/Shanghai", 1);
    tzset();
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    clock_local_until(epoch(text, sizeof text, now), out);
    snprintf(want, sizeof want, "%02d:%02d", tm.tm_hour, tm.tm_min);
    assert_string_equal(out, want);

    time_t later = now + 2 * 86400;
    localtime_r(&later, &tm);
    clock_local_until(epoch(text, sizeof text, later), out);
    snprintf(want, sizeof want, "%d月%d日 %02d:%02d", tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
    assert_string_equal(out, want);

    clock_local_until(epoch(text, sizeof text, 1733563680), out);    /* 2024-12-07 17:28 in Qingdao */
    assert_string_equal(out, "12月7日 17:28");
    clock_local_until("", out);
    assert_string_equal(out, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_until_says_the_day_when_not_today),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
