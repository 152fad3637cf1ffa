/* test_report_deadline.c — a deadline's state for the order view: met on time or
 * late, paused, overdue or pending, each with its working time on the
 * calendar (a closed order's deadlines were shown as "pending" or "passed,
 * not fired yet"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "report_deadline.h"

/* Unix time of a Beijing (UTC+8) local time. */
static int64_t bj(int d, int h, int mi)
{
    struct tm tm = {.tm_year = 2026 - 1900, .tm_mon = 10, .tm_mday = d, .tm_hour = h, .tm_min = mi};
    return (int64_t)timegm(&tm) - 8 * 3600;
}

static void state_is(const calendar *cal, report_deadline d, const char *want)
{
    char got[256];
    report_deadline_state(got, sizeof got, cal, 540, &d);
    assert_string_equal(got, want);
}

static void test_states(void **state)
{
    (void)state;
    calendar *cal = calendar_new(480, 510, 1050);       /* 08:30–17:30, weekdays; 2026-11-20 is a Friday */
    int64_t due = bj(20, 17, 0);
    state_is(cal, (report_deadline){.due = due, .met = bj(20, 15, 40), .now = bj(25, 9, 0)},
             "按时完成，提前 1小时20分");
    /* late over the weekend: Friday 30 min, Monday 08:30–09:05 */
    state_is(cal, (report_deadline){.due = due, .met = bj(23, 9, 5), .now = bj(25, 9, 0)}, "逾期完成，超时 1小时5分");
    state_is(cal, (report_deadline){.due = due, .paused = bj(20, 14, 0), .paused_text = "2026-11-20 14:00",
                                 .now = bj(25, 9, 0)},
             "2026-11-20 14:00 起暂停计时，剩余 3小时");
    state_is(cal, (report_deadline){.due = due, .paused = bj(23, 9, 0), .paused_text = "2026-11-23 09:00",
                                 .now = bj(25, 9, 0)},
             "2026-11-23 09:00 起暂停计时，暂停时已逾期 1小时");
    state_is(cal, (report_deadline){.due = due, .now = bj(24, 10, 0)}, "已逾期 1个工作日2小时");
    state_is(cal, (report_deadline){.due = due, .now = bj(20, 16, 59)}, "剩余 1分钟");
    state_is(cal, (report_deadline){.due = due, .now = due + 30}, "已逾期 不到1分钟");
    calendar_destroy(&cal);
}

/* Resumed (恢复办理) a moment before escalation restarts its clock: due later by
 * the working time it stood still, over the weekend counting none, and running. */
static void test_resume(void **state)
{
    (void)state;
    calendar *cal = calendar_new(480, 510, 1050);
    report_deadline d = {.due = bj(20, 17, 0), .paused = bj(20, 16, 0), .now = bj(23, 9, 30)};
    report_deadline_resume(cal, &d);    /* stood Friday 16:00–17:30, Monday 08:30–09:30: 2.5 hours */
    assert_true(d.due == bj(23, 10, 30) && d.paused == 0);    /* 1 hour left, as when it stopped */
    state_is(cal, d, "剩余 1小时");
    calendar_destroy(&cal);
}

static void test_spans(void **state)
{
    (void)state;
    char buf[64];
    report_deadline_span(buf, sizeof buf, 0, 540);
    assert_string_equal(buf, "不到1分钟");
    report_deadline_span(buf, sizeof buf, 59, 540);     /* not "0分钟": 已逾期 0分钟 read as not overdue */
    assert_string_equal(buf, "不到1分钟");
    report_deadline_span(buf, sizeof buf, 3 * 540 * 60 + 65 * 60, 540);
    assert_string_equal(buf, "3个工作日1小时5分");
    report_deadline_span(buf, sizeof buf, 540 * 60, 540);
    assert_string_equal(buf, "1个工作日");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_states),
        cmocka_unit_test(test_resume),
        cmocka_unit_test(test_spans),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
