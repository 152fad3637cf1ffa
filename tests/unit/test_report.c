/* test_report.c — the per-street summary against a real PostgreSQL.
 *
 * Needs JIESU_TEST_PG (libpq conninfo of a migrated database). The fixture
 * lives in two districts of its own with codes made up per run (9xxxxx), and
 * its orders are called on one day of their own, so other tests sharing the
 * database do not change the counts; teardown deletes what it inserted. Also
 * report_days' round without a server.
 */
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

#include "test_servers.h"

#include "db.h"
#include "report_days.h"
#include "report_streets.h"

typedef struct {
    PGconn *pg;
    char    d1[8], d2[8];       /* the fixture's districts */
    char    day[11];            /* the day the window covers, YYYY-MM-DD */
    char    prev[11];           /* the day before */
} fixture;

static void exec_fmt(PGconn *pg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void exec_fmt(PGconn *pg, const char *fmt, ...)
{
    char sql[4096];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    assert_true(n > 0 && n < (int)sizeof sql);
    PGresult *res = PQexec(pg, sql);
    if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
        fail_msg("%s\n-- in: %s", PQerrorMessage(pg), sql);
    PQclear(res);
}

/* One complaint: ticket suffix, status, local call time "YYYY-MM-DD HH:MI". */
static void complaint(fixture *f, const char *t, const char *status, const char *day, const char *hm)
{
    exec_fmt(f->pg, "INSERT INTO complaints (ticket_no, called_at, address, content, status)"
                    " VALUES ('R%s-%s', '%s %s+08', '', 'fixture', '%s')",
             f->d1, t, day, hm, status);
}

static void owner(fixture *f, const char *t, const char *street, const char *role, int active)
{
    exec_fmt(f->pg, "INSERT INTO assignments (complaint_id, unit_id, role, rule, reasons, active)"
                    " SELECT c.id, u.id, '%s', 'fixture', 'fixture', %s FROM complaints c, units u"
                    " WHERE c.ticket_no = 'R%s-%s' AND u.code = '%s'",
             role, active ? "true" : "false", f->d1, t, street);
}

/* A deadline `hours` from now (negative: past). */
static void deadline(fixture *f, const char *t, const char *kind, int cycle, int hours)
{
    exec_fmt(f->pg, "INSERT INTO deadlines (complaint_id, kind, cycle, due_at)"
                    " SELECT id, '%s', %d, now() + interval '%d hours' FROM complaints WHERE ticket_no = 'R%s-%s'",
             kind, cycle, hours, f->d1, t);
}

static void alert(fixture *f, const char *t, const char *rung)
{
    exec_fmt(f->pg, "INSERT INTO alerts (complaint_id, rung, target, reason)"
                    " SELECT id, '%s', 'fixture', 'fixture' FROM complaints WHERE ticket_no = 'R%s-%s'",
             rung, f->d1, t);
}

static void cleanup_fixture(fixture *f)
{
    const char *like = f->d1;
    exec_fmt(f->pg, "DELETE FROM alerts WHERE complaint_id IN (SELECT id FROM complaints WHERE ticket_no LIKE 'R%s-%%')", like);
    exec_fmt(f->pg, "DELETE FROM deadlines WHERE complaint_id IN (SELECT id FROM complaints WHERE ticket_no LIKE 'R%s-%%')", like);
    exec_fmt(f->pg, "DELETE FROM assignments WHERE complaint_id IN (SELECT id FROM complaints WHERE ticket_no LIKE 'R%s-%%')", like);
    exec_fmt(f->pg, "DELETE FROM complaints WHERE ticket_no LIKE 'R%s-%%'", like);
    exec_fmt(f->pg, "DELETE FROM units WHERE code LIKE '%s%%' OR code LIKE '%s%%'", f->d1, f->d2);
    exec_fmt(f->pg, "DELETE FROM regions WHERE parent_code IN ('%s', '%s')", f->d1, f->d2);
    exec_fmt(f->pg, "DELETE FROM regions WHERE code IN ('%s', '%s')", f->d1, f->d2);
}

static void build_fixture(fixture *f)
{
    exec_fmt(f->pg, "INSERT INTO regions (code, name, short_name, level) VALUES"
                    " ('%s', '测试一区', '测试一', 'district'), ('%s', '测试二区', '测试二', 'district')",
             f->d1, f->d2);
    exec_fmt(f->pg, "INSERT INTO regions (code, name, short_name, level, parent_code) VALUES"
                    " ('%s001', '甲街道', '甲', 'street', '%s'), ('%s002', '乙街道', '乙', 'street', '%s'),"
                    " ('%s001', '丙街道', '丙', 'street', '%s')",
             f->d1, f->d1, f->d1, f->d1, f->d2, f->d2);
    exec_fmt(f->pg, "INSERT INTO units (code, name, kind, region_code) VALUES"
                    " ('%s001', '甲街道', 'street', '%s001'), ('%s002', '乙街道', 'street', '%s002'),"
                    " ('%s001', '丙街道', 'street', '%s001')",
             f->d1, f->d1, f->d1, f->d1, f->d2, f->d2);
    char a[16], b[16], c[16];
    snprintf(a, sizeof a, "%s001", f->d1);
    snprintf(b, sizeof b, "%s002", f->d1);
    snprintf(c, sizeof c, "%s001", f->d2);

    /* Street 甲, inside the day. */
    complaint(f, "1", "dispatched", f->day, "10:00");     /* accept deadline passed: overdue */
    owner(f, "1", a, "owner", 1);
    owner(f, "1", b, "co", 1);                          /* co-handler: not 乙's order */
    deadline(f, "1", "accept", 1, -1);
    deadline(f, "1", "resolve", 1, 48);
    alert(f, "1", "remind");
    alert(f, "1", "supervise");
    complaint(f, "2", "accepted", f->day, "10:05");       /* accepted: a passed accept deadline no longer counts */
    owner(f, "2", a, "owner", 1);
    deadline(f, "2", "accept", 1, -5);
    deadline(f, "2", "resolve", 1, 24);
    complaint(f, "3", "accepted", f->day, "10:10");       /* resolve deadline passed: overdue */
    owner(f, "3", a, "owner", 1);
    deadline(f, "3", "resolve", 1, -2);
    complaint(f, "4", "resolved", f->day, "10:15");       /* resolved late: not open, so not overdue */
    owner(f, "4", a, "owner", 1);
    deadline(f, "4", "resolve", 1, -3);
    alert(f, "4", "accountability");
    complaint(f, "14", "waiting", f->day, "10:18");       /* waiting (暂缓办理): still in hand, its clock stopped */
    owner(f, "14", a, "owner", 1);
    deadline(f, "14", "resolve", 1, -4);
    complaint(f, "5", "closed", f->day, "10:20");
    owner(f, "5", a, "owner", 1);
    complaint(f, "6", "dispatched", f->day, "10:25");     /* returned and re-routed: cycle 2 is current */
    owner(f, "6", a, "owner", 1);
    deadline(f, "6", "resolve", 1, -10);
    deadline(f, "6", "accept", 2, 2);
    deadline(f, "6", "resolve", 2, 72);
    /* Street 乙: one order that 甲 held before. */
    complaint(f, "7", "dispatched", f->day, "11:00");
    owner(f, "7", a, "owner", 0);
    owner(f, "7", b, "owner", 1);
    /* Street 丙 of the other district. */
    complaint(f, "8", "dispatched", f->day, "11:05");
    owner(f, "8", c, "owner", 1);
    /* Not routed to a street. */
    complaint(f, "9", "manual", f->day, "12:00");
    complaint(f, "10", "new", f->day, "12:05");
    complaint(f, "11", "new", f->day, "23:59");
    complaint(f, "13", "new", f->day, "00:30");           /* the previous day in UTC: still inside */
    /* Outside the day (23:30 the day before, local time). */
    complaint(f, "12", "dispatched", f->prev, "23:30");
    owner(f, "12", a, "owner", 1);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->pg = test_pg();
    srand((unsigned)(time(NULL) ^ getpid()));
    int tag = 10000 + rand() % 90000;
    snprintf(f->d1, sizeof f->d1, "9%05d", tag);
    snprintf(f->d2, sizeof f->d2, "9%05d", tag == 99999 ? 10000 : tag + 1);
    time_t t = 946684800 + (time_t)(tag % 3650) * 86400 + 86400;     /* a day in 2000–2010 */
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(f->day, sizeof f->day, "%Y-%m-%d", &tm);
    t -= 86400;
    gmtime_r(&t, &tm);
    strftime(f->prev, sizeof f->prev, "%Y-%m-%d", &tm);
    cleanup_fixture(f);
    build_fixture(f);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    if (!f)
        return 0;       /* setup failed */
    cleanup_fixture(f);
    PQfinish(f->pg);
    free(f);
    return 0;
}

static const Jiesu__StreetSummary *street(const Jiesu__ReportReply *r, const char *code)
{
    for (size_t i = 0; i < r->n_streets; i++)
        if (strcmp(r->streets[i]->street_code, code) == 0)
            return r->streets[i];
    fail_msg("street %s missing from the report", code);
    return NULL;
}

static void assert_counts(const Jiesu__StreetSummary *s, long total, long open, long resolved,
                          long overdue, long alerts)
{
    assert_int_equal(s->total, total);
    assert_int_equal(s->routed, total);
    assert_int_equal(s->open, open);
    assert_int_equal(s->resolved, resolved);
    assert_int_equal(s->overdue, overdue);
    assert_int_equal(s->alerts, alerts);
}

static Jiesu__ReportReply *run(fixture *f, const char *districts, const char *from, const char *to)
{
    char err[512] = "";
    report_scope scope = {.districts = districts, .from_date = from, .to_date = to, .timezone = "Asia/Shanghai"};
    Jiesu__ReportReply *r = report_streets(f->pg, &scope, err, sizeof err);
    if (!r)
        fail_msg("report_streets: %s", err);
    assert_string_equal(r->kind, "streets");
    assert_true(r->generated_at_ms > 0);
    return r;
}

static void test_one_day(void **state)
{
    fixture *f = *state;
    char code[16];
    Jiesu__ReportReply *r = run(f, f->d1, f->day, f->day);
    assert_int_equal(r->n_streets, 2);                  /* 丙 is in the other district */
    snprintf(code, sizeof code, "%s001", f->d1);
    assert_string_equal(r->streets[0]->street_code, code);      /* ordered by code */
    assert_string_equal(r->streets[0]->street_name, "甲街道");
    assert_counts(street(r, code), 7, 5, 2, 2, 3);     /* every order either 在办 or 已办结 */
    snprintf(code, sizeof code, "%s002", f->d1);
    assert_counts(street(r, code), 1, 1, 0, 0, 0);
    assert_int_equal(r->manual, 1);
    assert_int_equal(r->unrouted, 3);
    report_reply_free(&r);
    assert_null(r);
}

static void test_all_time_and_two_districts(void **state)
{
    fixture *f = *state;
    char list[32], code[16];
    snprintf(list, sizeof list, "%s, %s", f->d1, f->d2);
    Jiesu__ReportReply *r = run(f, list, NULL, "");
    assert_int_equal(r->n_streets, 3);
    snprintf(code, sizeof code, "%s001", f->d1);
    assert_counts(street(r, code), 8, 6, 2, 2, 3);      /* + the order of the day before */
    snprintf(code, sizeof code, "%s001", f->d2);
    assert_counts(street(r, code), 1, 1, 0, 0, 0);
    assert_true(r->manual >= 1);                        /* other tests' orders count too */
    assert_true(r->unrouted >= 3);
    report_reply_free(&r);
}

static void test_streets_without_orders(void **state)
{
    fixture *f = *state;
    Jiesu__ReportReply *r = run(f, f->d2, f->prev, f->prev);
    assert_int_equal(r->n_streets, 1);
    assert_counts(r->streets[0], 0, 0, 0, 0, 0);
    assert_int_equal(r->manual, 0);
    assert_int_equal(r->unrouted, 0);
    report_reply_free(&r);
    /* No street at all: the manual and unrouted counts still come back. */
    r = run(f, "000000", f->day, f->day);
    assert_int_equal(r->n_streets, 0);
    assert_int_equal(r->unrouted, 3);
    report_reply_free(&r);
}

static void test_bad_dates(void **state)
{
    fixture *f = *state;
    char err[256] = "";
    report_scope scope = {.districts = f->d1, .from_date = "2026-02-30", .timezone = "Asia/Shanghai"};
    assert_null(report_streets(f->pg, &scope, err, sizeof err));
    assert_non_null(strstr(err, "起始日期“2026-02-30”不是日期：请写 YYYY-MM-DD"));
    assert_int_equal(report_date_valid("2024-02-29"), 1);
    assert_int_equal(report_date_valid("2023-02-29"), 0);
    assert_int_equal(report_date_valid("2024-2-9"), 0);
    assert_int_equal(report_date_valid("2024-02-09x"), 0);
    assert_int_equal(report_date_valid(""), 0);
}

/* A round on a connection that is gone (the server away) fails saying why,
 * libpq's words: the query has no result at all, and its reason was "(null)". */
static void test_days_without_server(void **state)
{
    (void)state;
    char err[256] = "";
    long days = -1;
    PGconn *gone = PQconnectdb("host=127.0.0.1 port=1 connect_timeout=2");
    assert_int_not_equal(PQstatus(gone), CONNECTION_OK);
    assert_int_equal(report_days_refresh(gone, "Asia/Shanghai", &days, err, sizeof err), -1);
    assert_null(strstr(err, "(null)"));
    assert_non_null(strstr(err, "report days: no connection to the server"));
    assert_int_equal(days, 0);
    PQfinish(gone);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_day),
        cmocka_unit_test(test_all_time_and_two_districts),
        cmocka_unit_test(test_streets_without_orders),
        cmocka_unit_test(test_bad_dates),
        cmocka_unit_test(test_days_without_server),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
