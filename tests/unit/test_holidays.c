/* test_holidays.c — the official holiday calendar as data: the bundled
 * holiday-cn files and the years they are the notice of, what table holidays
 * keeps when a file is stored again or an operator's day meets a bundled one,
 * the calendar loaded from it, and the warning when it runs out: on
 * 2026-12-03 the bundled files end with 2026 (2027.json is empty), so 2027 —
 * 元旦 and 春节 — must be warned about now, and still after one day of it is
 * typed in, until the year is whole.
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
#include "text.h"

/* Unix time of a Beijing (UTC+8) local time. */
static int64_t bj(int y, int mo, int d, int h, int mi)
{
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi};
    return (int64_t)timegm(&tm) - 8 * 3600;
}

static int setup(void **state)
{
    PGconn *pg = fixture_pg();
    fixture_exec(pg, "BEGIN");
    *state = pg;
    return 0;
}

static int teardown(void **state)
{
    PGconn *pg = *state;
    fixture_exec(pg, "ROLLBACK");
    PQfinish(pg);
    return 0;
}

static void test_bundled_files(void **state)
{
    (void)state;
    char err[256] = "";
    holidays_day *days;
    size_t n, nyears;
    int files, *years;
    assert_int_equal(holidays_read_file("data/holidays/2026.json", &days, &n, err, sizeof err), 0);
    assert_true(n > 30);
    assert_string_equal(days[0].date, "2026-01-01");
    assert_string_equal(days[0].name, "元旦");
    assert_int_equal(days[0].off, 1);
    free(days);
    assert_int_equal(holidays_read_file("data/holidays/2027.json", &days, &n, err, sizeof err), 0);
    assert_int_equal(n, 0);                     /* the notice for 2027 is not out in the bundled source */
    assert_int_equal(holidays_read_dir("data/holidays", &days, &n, &files, &years, &nyears, err, sizeof err), 0);
    assert_int_equal(files, 8);
    assert_true(n > 250);
    assert_int_equal(nyears, 7);                /* 2020-2026: 2027.json holds no notice */
    assert_int_equal(years[0], 2020);
    assert_int_equal(years[6], 2026);
    free(days);
    free(years);
}

/* The days off of a whole year's notice of 2024, after a day of 2023 (its
 * 元旦 may begin on the last days of the year before). */
#define DAYS_2024                                                                                     \
    "{\"date\": \"2023-12-30\", \"isOffDay\": true, \"name\": \"元旦\"},"                              \
    " {\"date\": \"2024-01-01\", \"isOffDay\": true, \"name\": \"元旦\"},"                             \
    " {\"date\": \"2024-02-10\", \"isOffDay\": true, \"name\": \"春节\"},"                             \
    " {\"date\": \"2024-04-04\", \"isOffDay\": true, \"name\": \"清明节\"},"                           \
    " {\"date\": \"2024-05-01\", \"isOffDay\": true, \"name\": \"劳动节\"},"                           \
    " {\"date\": \"2024-06-10\", \"isOffDay\": true, \"name\": \"端午节\"},"                           \
    " {\"date\": \"2024-10-01\", \"isOffDay\": true, \"name\": \"国庆节、中秋节\"}"
#define PAPERS "\"papers\": [\"https://www.gov.cn/zhengce/content/202310/content_6911527.htm\"]"

/* A file is the whole notice of the year it names by its own evidence: it
 * names its paper and gives days off of that year (not of the year before)
 * for every official holiday. One day of it is not the year's notice. */
static void test_notice_year(void **state)
{
    (void)state;
    static const struct {
        const char *json;
        int year;
        const char *why;
    } CASES[] = {
        {"{\"year\": 2024, " PAPERS ", \"days\": [" DAYS_2024 "]}", 2024, ""},
        {"{\"year\": 2024, \"days\": [" DAYS_2024 "]}", 0, "没有通知的出处（\"papers\"）"},
        {"{\"year\": 2024, " PAPERS ", \"days\": [{\"name\": \"元旦\", \"date\": \"2024-01-01\", \"isOffDay\": true}]}", 0,
         "没有春节、清明、劳动节、端午、中秋、国庆的放假日子"},
        {"{\"year\": 2028, \"days\": [{\"date\": \"2027-12-31\", \"isOffDay\": true},"
         " {\"date\": \"2028-02-12\", \"isOffDay\": false}]}", 0, "没有通知的出处（\"papers\"），没有 2028 年放假的日子"},
        {"{\"year\": 2027, \"papers\": [], \"days\": []}", 0, "没有通知的出处（\"papers\"），没有 2027 年放假的日子"},
        {"{\"days\": [{\"date\": \"2027-01-01\", \"isOffDay\": true}]}", 0, "没有写明是哪一年的通知（\"year\"）"},
    };
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        char err[256] = "", why[256];
        holidays_day *days = NULL;
        size_t n;
        assert_int_equal(holidays_parse(CASES[i].json, "f.json", &days, &n, err, sizeof err), 0);
        if (holidays_notice_year(CASES[i].json, days, n) != CASES[i].year)
            fail_msg("case %zu: not the notice of %d", i, CASES[i].year);
        holidays_notice_check(CASES[i].json, days, n, why, sizeof why);
        if (strcmp(why, CASES[i].why) != 0)
            fail_msg("case %zu: said \"%s\", not \"%s\"", i, why, CASES[i].why);
        free(days);
    }
}

static void test_parse_refuses_what_is_not_a_day(void **state)
{
    (void)state;
    char err[256] = "";
    holidays_day *days = NULL;
    size_t n;
    assert_int_equal(holidays_parse("{\"days\": [{\"name\": \"\\u5143\\u65e6\", \"date\": \"2027-01-01\","
                                    " \"isOffDay\": true}, {\"date\": \"2027-02-20\", \"isOffDay\": false}]}",
                                    "typed", &days, &n, err, sizeof err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(days[0].name, "元旦");
    assert_int_equal(days[1].off, 0);
    free(days);
    static const struct {
        const char *json, *why;
    } BAD[] = {
        {"{\"year\": 2027}", "没有 \"days\" 数组"},
        {"{\"days\": [{\"date\": \"2027-02-29\", \"isOffDay\": true}]}", "第 1 天：缺少 \"date\" 或不是日期"},
        {"{\"days\": [{\"date\": \"2027-01-01\", \"isOffDay\": true}, {\"date\": \"2027-01-02\"}]}",
         "第 2 天：缺少 \"isOffDay\""},
        {"{\"days\": [{\"date\": \"2027-01-01\", \"isOffDay\": \"yes\"}]}", "第 1 天：缺少 \"isOffDay\""},
        {"{\"days\": [{\"date\": \"2027-01-01\", \"isOffDay\": true}", "第 1 行：\"days\" 数组没有结束"},
        {"{\"days\": [\n{\"date\" \"2027-01-01\"}]}", "第 2 行，第 1 天：键的后面应是英文冒号"},
        {"{\"days\": [\n{\"date\": \"2027-01-01\",\n\"isOffDay\": true x}]}",
         "第 3 行，第 1 天：这里应是下一个键（\"name\"、\"date\"、\"isOffDay\"）或这一天结尾的 }"},
    };
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        assert_int_equal(holidays_parse(BAD[i].json, "f.json", &days, &n, err, sizeof err), -1);
        if (!strstr(err, BAD[i].why) || strncmp(err, "f.json 第 ", strlen("f.json 第 ")) != 0)
            fail_msg("case %zu: '%s' does not say '%s'", i, err, BAD[i].why);
        assert_null(days);
    }
}

/* A name longer than a day holds is cut at a character: cut inside one, it
 * was not UTF-8, which PostgreSQL refuses (storing the file failed). */
static void test_long_name_cut_at_a_character(void **state)
{
    (void)state;
    char json[512], err[256] = "", name[128] = "a";
    for (int i = 0; i < 30; i++)
        strcat(name, "国");
    holidays_day *days = NULL;
    size_t n;
    snprintf(json, sizeof json, "{\"days\": [{\"name\": \"%s\", \"date\": \"2027-01-01\", \"isOffDay\": true}]}",
             name);
    assert_int_equal(holidays_parse(json, "f.json", &days, &n, err, sizeof err), 0);
    assert_int_equal(n, 1);
    assert_true(text_utf8_valid(days[0].name, strlen(days[0].name), NULL));
    assert_int_equal(strlen(days[0].name), 1 + 20 * 3);     /* "a" and the 20 characters that fit whole */
    free(days);
}

/* Stored again, a bundled file refreshes its own rows; an operator's day is
 * kept by a bundled store and overwritten only by another operator's. */
static void test_store_keeps_what_operators_stored(void **state)
{
    PGconn *pg = *state;
    char err[256] = "";
    holidays_day day = {"2031-01-01", 1, "元旦"};
    assert_int_equal(holidays_store(pg, &day, 1, "bundled data/holidays", 0, err, sizeof err), 1);
    assert_int_equal(holidays_store(pg, &day, 1, "bundled data/holidays", 0, err, sizeof err), 0);
    day.off = 0;
    assert_int_equal(holidays_store(pg, &day, 1, "bundled data/holidays", 0, err, sizeof err), 1);
    day.off = 1;
    assert_int_equal(holidays_store(pg, &day, 1, "typed in by 值班员", 1, err, sizeof err), 1);
    day.off = 0;
    assert_int_equal(holidays_store(pg, &day, 1, "bundled data/holidays", 0, err, sizeof err), 0);
    assert_int_equal(fixture_num(pg, "SELECT count(*) FROM holidays WHERE day = '2031-01-01' AND off"
                                     " AND source = 'typed in by 值班员'"), 1);
    /* a date given twice in one store: the last one counts */
    holidays_day twice[] = {{"2031-01-02", 1, "元旦"}, {"2031-01-02", 0, "班"}};
    assert_int_equal(holidays_store(pg, twice, 2, "file 2031.json", 1, err, sizeof err), 1);
    assert_int_equal(fixture_num(pg, "SELECT count(*) FROM holidays WHERE day = '2031-01-02' AND NOT off"), 1);
}

static void test_calendar_from_the_table(void **state)
{
    PGconn *pg = *state;
    char err[256] = "", v0[64], v1[64];
    calendar *cal = calendar_new(480, 510, 1050);
    assert_true(holidays_load(pg, cal, err, sizeof err) > 250);
    assert_int_equal(calendar_is_workday(cal, bj(2026, 2, 14, 12, 0)), 1);      /* 调休上班 */
    assert_int_equal(calendar_is_workday(cal, bj(2026, 1, 1, 12, 0)), 0);       /* 元旦 */
    assert_int_equal(calendar_is_workday(cal, bj(2027, 1, 1, 12, 0)), 1);       /* not on record */
    calendar_destroy(&cal);
    assert_int_equal(holidays_version(pg, v0, sizeof v0, err, sizeof err), 0);
    holidays_day day = {"2027-01-01", 1, "元旦"};
    assert_int_equal(holidays_store(pg, &day, 1, "typed in", 1, err, sizeof err), 1);
    assert_int_equal(holidays_version(pg, v1, sizeof v1, err, sizeof err), 0);
    assert_string_not_equal(v0, v1);
}

/* The defect: on 2026-12-03 with 2027 missing nothing said so. */
static void test_warning_when_the_calendar_runs_out(void **state)
{
    PGconn *pg = *state;
    char err[256] = "", say[1024];
    holidays_gap gap;
    /* `jiesu migrate` made the bundled years whole, 2020-2026, not 2027 */
    assert_int_equal(fixture_num(pg, "SELECT count(*) FROM holiday_years WHERE year BETWEEN 2020 AND 2026"
                                     " AND source = 'bundled data/holidays'"), 7);
    assert_int_equal(fixture_num(pg, "SELECT count(*) FROM holiday_years WHERE year >= 2027"), 0);
    fixture_exec(pg, "DELETE FROM holidays WHERE day >= '2027-01-01'");
    /* June 2026: 2027 is not due yet, and nothing pending falls in it */
    fixture_exec(pg, "UPDATE deadlines SET met_at = now() WHERE met_at IS NULL AND due_at >= '2027-01-01'");
    assert_int_equal(holidays_gap_check(pg, bj(2026, 6, 1, 12, 0), 480, &gap, err, sizeof err), 0);
    assert_int_equal(gap.year, 2027);
    assert_int_equal(gap.soon, 0);
    /* today, 2026-12-03: next year's notice is missing from November on */
    assert_int_equal(holidays_gap_check(pg, bj(2026, 12, 3, 9, 0), 480, &gap, err, sizeof err), 1);
    assert_int_equal(gap.year, 2027);
    assert_int_equal(gap.soon, 1);
    assert_int_equal(gap.pending, 0);
    holidays_gap_say(&gap, say, sizeof say);
    assert_non_null(strstr(say, "2027 年的国务院节假日安排还没有载入"));
    assert_non_null(strstr(say, "jiesu holidays load 2027.json"));
    assert_non_null(strstr(say, "全年录完后确认：jiesu holidays complete 2027"));
    /* a pending deadline due in 2027 makes it a warning in June too; a met one does not */
    long long cid = fixture_num(pg, "INSERT INTO complaints (ticket_no, called_at, address, content, status)"
                                    " VALUES ('HOL-1', now(), '张村社区', '垃圾', 'accepted') RETURNING id");
    fixture_exec(pg, "INSERT INTO deadlines (complaint_id, kind, started_at, due_at) VALUES"
                     " (%lld, 'resolve', '2026-12-17 10:00+08', '2027-01-04 10:00+08'),"
                     " (%lld, 'accept', '2026-12-17 10:00+08', '2027-01-04 10:00+08')", cid, cid);
    fixture_exec(pg, "UPDATE deadlines SET met_at = now() WHERE complaint_id = %lld AND kind = 'accept'", cid);
    assert_int_equal(holidays_gap_check(pg, bj(2026, 6, 1, 12, 0), 480, &gap, err, sizeof err), 1);
    assert_int_equal(gap.pending, 1);
    assert_int_equal(holidays_warning(pg, bj(2026, 6, 1, 12, 0), 480, say, sizeof say, err, sizeof err), 0);
    assert_non_null(strstr(say, "有 1 个未到期的时限落在 2027 年或以后"));
    /* one day of 2027 typed in does not make the year whole: still warned, saying how to end it */
    holidays_day day = {"2027-01-01", 1, "元旦"};
    assert_int_equal(holidays_store(pg, &day, 1, "typed in", 1, err, sizeof err), 1);
    assert_int_equal(holidays_warning(pg, bj(2026, 12, 3, 9, 0), 480, say, sizeof say, err, sizeof err), 0);
    assert_non_null(strstr(say, "2027 年的国务院节假日安排还没有载入完整：只录入了 1 天，其余的周一至周五一律按工作日算"));
    assert_non_null(strstr(say, "全年录完后确认：jiesu holidays complete 2027"));
    /* 2027 on record whole: the next gap is 2028, not due before November 2027 */
    assert_int_equal(holidays_complete(pg, 2027, "confirmed by 值班员", err, sizeof err), 1);
    assert_int_equal(holidays_complete(pg, 2027, "file 2027.json", err, sizeof err), 0);
    assert_int_equal(holidays_warning(pg, bj(2026, 12, 3, 9, 0), 480, say, sizeof say, err, sizeof err), 0);
    assert_string_equal(say, "");
    assert_int_equal(holidays_gap_check(pg, bj(2027, 11, 1, 9, 0), 480, &gap, err, sizeof err), 1);
    assert_int_equal(gap.year, 2028);
    assert_int_equal(gap.days, 0);
    /* the current year itself missing is always a warning */
    fixture_exec(pg, "DELETE FROM holidays WHERE day >= '2026-01-01'");
    fixture_exec(pg, "DELETE FROM holiday_years WHERE year >= 2026");
    assert_int_equal(holidays_gap_check(pg, bj(2026, 3, 1, 9, 0), 480, &gap, err, sizeof err), 1);
    assert_int_equal(gap.year, 2026);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bundled_files),
        cmocka_unit_test(test_notice_year),
        cmocka_unit_test(test_parse_refuses_what_is_not_a_day),
        cmocka_unit_test(test_long_name_cut_at_a_character),
        cmocka_unit_test_setup_teardown(test_store_keeps_what_operators_stored, setup, teardown),
        cmocka_unit_test_setup_teardown(test_calendar_from_the_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_warning_when_the_calendar_runs_out, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
