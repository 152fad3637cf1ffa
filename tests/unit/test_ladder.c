/* test_ladder.c — the escalation ladder's rungs (ladder.h): when each falls
 * due on the working calendar, to the second and after a pause; the first
 * and next rungs; the timer member; and the ladder rows read once agreeing
 * with LADDER_SQL for named and unnamed categories and urgencies (needs
 * JIESU_TEST_PG, a migrated database; its rows carry this run's tag).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "db.h"
#include "fixture_laoshan.h"
#include "ladder.h"

/* Unix ms of a Beijing (UTC+8) local time. */
static int64_t bj_ms(int y, int mo, int d, int h, int mi, int sec)
{
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_sec = sec};
    return ((int64_t)timegm(&tm) - 8 * 3600) * 1000;
}

/* To the second: the remind is not rounded down to whole minutes (it fell
 * 15–30 s early), and a deadline due at 17:30 gets its accountability rung at
 * 17:30 two working days on, not at 08:30 the day after. */
static void test_rung_times_to_the_second(void **state)
{
    (void)state;
    calendar *cal = calendar_new(480, 510, 1050);
    ladder_span s = {.started_ms = bj_ms(2026, 11, 23, 9, 0, 17), .due_ms = bj_ms(2026, 11, 23, 10, 0, 41),
                  .remind_share = 0.75, .accountability_days = 2};
    assert_int_equal(ladder_rung_at(cal, "remind", &s), bj_ms(2026, 11, 23, 9, 45, 35));   /* 3624 s × 0.75 */
    s.due_ms = bj_ms(2026, 11, 23, 17, 30, 0);
    assert_int_equal(ladder_rung_at(cal, "accountability", &s), bj_ms(2026, 11, 25, 17, 30, 0));
    /* a pause of 600 s before the remind moves it by 600 s of working time */
    s = (ladder_span){.started_ms = bj_ms(2026, 11, 23, 9, 0, 0), .due_ms = bj_ms(2026, 11, 23, 10, 10, 0),
                   .remind_share = 0.75, .accountability_days = 2, .paused_ms = 600000};
    assert_int_equal(ladder_rung_at(cal, "remind", &s), bj_ms(2026, 11, 23, 9, 55, 0));
    calendar_destroy(&cal);
}

static void test_rungs_in_working_time(void **state)
{
    (void)state;
    calendar *cal = calendar_new(480, 510, 1050);                /* 08:30–17:30 UTC+8, weekdays */
    assert_non_null(cal);
    /* started Friday 2026-03-06 16:30, due 4 working days later: Thursday 03-12 16:30 */
    ladder_span s = {.started_ms = 1772785800000LL, .due_ms = 1773304200000LL, .remind_share = 0.75,
                  .accountability_days = 2};
    assert_string_equal(ladder_rung_first(cal, &s), "remind");
    assert_int_equal(ladder_rung_at(cal, "remind", &s), 1773217800000LL);          /* Wednesday 16:30 */
    assert_int_equal(ladder_rung_at(cal, "supervise", &s), s.due_ms);
    assert_int_equal(ladder_rung_at(cal, "accountability", &s), 1773649800000LL);  /* Monday 03-16 16:30 */
    s.remind_share = 1;
    assert_string_equal(ladder_rung_first(cal, &s), "supervise");
    assert_string_equal(ladder_rung_next("remind"), "supervise");
    assert_string_equal(ladder_rung_next("supervise"), "accountability");
    assert_string_equal(ladder_rung_next("accountability"), "done");
    calendar_destroy(&cal);
}

static void test_timer_member(void **state)
{
    (void)state;
    char m[LADDER_MEMBER_BYTES];
    ladder_member(m, "42", 1);
    assert_string_equal(m, "r42");
    ladder_member(m, "9223372036854775807", 0);
    assert_string_equal(m, "9223372036854775807");
}

/* The row SQL picks for (cat, urg), NULL written as such. */
static void sql_row(PGconn *pg, const char *cat, const char *urg, double *share, int *days)
{
    char err[256];
    const char *params[] = {cat, urg};
    PGresult *res = db_query(pg, "ladder row", "SELECT " LADDER_SQL_SHARE ", " LADDER_SQL_DAYS
                             " FROM (SELECT $1::text AS cat, $2::text AS urg) o" LADDER_SQL("o.cat", "o.urg"),
                             2, params, err, sizeof err);
    assert_non_null(res);
    *share = atof(PQgetvalue(res, 0, 0));
    *days = atoi(PQgetvalue(res, 0, 1));
    PQclear(res);
}

/* Rows for a category, for a category at an urgency, and for an urgency in
 * any category: every combination of those, of a category and an urgency
 * no row names, and of none, gets the same row from the table as from SQL. */
static void test_table_agrees_with_sql(void **state)
{
    (void)state;
    char tag[48], cat[64], other[64], urg[64], err[256];
    PGconn *pg = fixture_pg();
    fixture_tag(tag, sizeof tag, "LD");
    snprintf(cat, sizeof cat, "%s-cat", tag);
    snprintf(other, sizeof other, "%s-other", tag);
    snprintf(urg, sizeof urg, "%s-特急", tag);
    fixture_exec(pg, "INSERT INTO esc_ladder (category, urgency, remind_share, accountability_days)"
                     " VALUES ('%s', NULL, 0.5, 5), ('%s', '%s', 0, 1), (NULL, '%s', 0.25, 3)", cat, cat, urg, urg);
    ladder_table *t = ladder_table_load(pg, err, sizeof err);
    assert_non_null(t);
    const char *cats[] = {cat, other, "", NULL}, *urgs[] = {urg, "一般", "", NULL};
    int seen_named = 0;
    for (size_t c = 0; c < 4; c++)
        for (size_t u = 0; u < 4; u++) {
            double s1, s2;
            int d1, d2;
            ladder_table_row(t, cats[c], urgs[u], &s1, &d1);
            sql_row(pg, cats[c], urgs[u], &s2, &d2);
            assert_float_equal(s1, s2, 1e-6);
            assert_int_equal(d1, d2);
            seen_named += d1 != 2;
        }
    assert_int_equal(seen_named, 4 + 3);     /* cat: 4 urgencies; urg: 3 other categories */
    ladder_table_destroy(&t);
    assert_null(t);
    fixture_exec(pg, "DELETE FROM esc_ladder WHERE category = '%s' OR urgency = '%s'", cat, urg);
    PQfinish(pg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rungs_in_working_time),
        cmocka_unit_test(test_rung_times_to_the_second),
        cmocka_unit_test(test_timer_member),
        cmocka_unit_test(test_table_agrees_with_sql),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
