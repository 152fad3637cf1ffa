/* test_report_calendar.c — the working calendar the workbench's lists and
 * the wall board share between HTTP threads: it counts the official
 * holidays of table holidays, is loaded once while the table stays as it
 * is, and is built again by the first request after a day is stored — a
 * request still holding the calendar it took counts on in it until it gives
 * it back (AddressSanitizer would see a calendar freed under it).
 *
 * Needs JIESU_TEST_PG (a migrated database: `jiesu migrate` stored the bundled
 * files). Every test runs in a transaction rolled back at its end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "fixture_laoshan.h"
#include "holidays.h"
#include "report_calendar.h"

typedef struct {
    PGconn          *pg;
    config          *cfg;
    report_calendar *rc;
} fixture;

/* Unix time of a Beijing (UTC+8) local time. */
static int64_t bj(int y, int mo, int d, int h, int mi)
{
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi};
    return (int64_t)timegm(&tm) - 8 * 3600;
}

static int setup(void **state)
{
    static fixture f;
    char err[256] = "";
    f.pg = fixture_pg();
    fixture_exec(f.pg, "BEGIN");
    f.cfg = config_new();
    f.rc = report_calendar_new(f.cfg, err, sizeof err);
    assert_non_null(f.rc);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    report_calendar_destroy(&f->rc);
    assert_null(f->rc);
    config_destroy(&f->cfg);
    fixture_exec(f->pg, "ROLLBACK");
    PQfinish(f->pg);
    return 0;
}

/* Working seconds from Thursday 2026-06-18 12:00 to Monday 06-22 12:00:
 * Friday 06-19 is 端午节. */
static int64_t thursday_to_monday(const report_calendar_hold *h)
{
    return calendar_work_seconds_between(h->cal, bj(2026, 6, 18, 12, 0), bj(2026, 6, 22, 12, 0));
}

static void test_counts_the_official_holidays(void **state)
{
    fixture *f = *state;
    char err[256] = "";
    report_calendar_hold a, b;
    assert_int_equal(report_calendar_take(f->rc, f->pg, &a, err, sizeof err), 0);
    assert_int_equal(a.day_minutes, 540);                       /* 08:30–17:30 */
    assert_int_equal(thursday_to_monday(&a), 540 * 60);         /* one working day, not two */
    assert_int_equal(report_calendar_take(f->rc, f->pg, &b, err, sizeof err), 0);
    assert_ptr_equal(a.cal, b.cal);                             /* nothing changed: the same load */
    report_calendar_give(f->rc, &a);
    report_calendar_give(f->rc, &b);
    assert_null(a.loaded);
    report_calendar_give(f->rc, &a);                            /* an empty hold: nothing */
}

static void test_built_again_when_a_day_is_stored(void **state)
{
    fixture *f = *state;
    char err[256] = "";
    report_calendar_hold before, after;
    assert_int_equal(report_calendar_take(f->rc, f->pg, &before, err, sizeof err), 0);
    holidays_day monday = {"2026-06-22", 1, "调休测试"};
    assert_int_equal(holidays_store(f->pg, &monday, 1, "typed in", 1, err, sizeof err), 1);
    assert_int_equal(report_calendar_take(f->rc, f->pg, &after, err, sizeof err), 0);
    assert_ptr_not_equal(before.cal, after.cal);
    assert_int_equal(thursday_to_monday(&after), 330 * 60);     /* Thursday 12:00–17:30 only */
    assert_int_equal(thursday_to_monday(&before), 540 * 60);    /* the one held still counts as it did */
    report_calendar_give(f->rc, &before);                       /* the last holder frees it */
    report_calendar_give(f->rc, &after);
}

static void test_unreadable_table(void **state)
{
    fixture *f = *state;
    char err[256] = "";
    report_calendar_hold h;
    fixture_exec(f->pg, "SAVEPOINT s");
    fixture_exec(f->pg, "LOCK TABLE holidays IN ACCESS EXCLUSIVE MODE");
    PGconn *other = fixture_pg();
    fixture_exec(other, "SET statement_timeout = 200");
    assert_int_equal(report_calendar_take(f->rc, other, &h, err, sizeof err), -1);
    assert_non_null(strstr(err, "holidays"));
    assert_null(h.loaded);
    PQfinish(other);
    fixture_exec(f->pg, "ROLLBACK TO SAVEPOINT s");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_counts_the_official_holidays, setup, teardown),
        cmocka_unit_test_setup_teardown(test_built_again_when_a_day_is_stored, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unreadable_table, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
