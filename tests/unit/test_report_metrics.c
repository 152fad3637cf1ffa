/* test_report_metrics.c — every metric, rank and flag of the bulletin against
 * the fixture fortnight tests/fixtures/report_week.sql, worked out by hand;
 * and the ISO week periods.
 *
 * Needs JIESU_TEST_PG (a migrated database). The fixture is loaded inside a
 * transaction that is rolled back at the end, so nothing stays behind.
 *
 * Hand computation for 2026-W47 (Mon 11-16 00:00 .. Mon 11-23 00:00 +08):
 *
 *   unit  dispatched/on time  assigned/resolved  callbacks/satisfied  due/on time  returns  called/repeats
 *   东     4 (E1-E4) / 3       4 / 3 (E1,E2,E3)   3 / 2                4 / 3        0        4 / 0
 *          (E3 accepted late; due: E0 due 11-16 18:00 met late, E1, E2, E3 on time)
 *   西     3 (W1,W2,W4) / 2    2 (W2,W4) / 1      1 / 0                2 / 0        1 (W1)   3 / 1
 *          (W1 never accepted; W2 resolved late; W4 still open; called: W2, W3
 *           through its parent W2, W4 — W1 has no active unit any more)
 *   南     3 / 2 (S2 late)     3 / 2              2 / 2                2 / 2        0        3 / 0
 *   北     0                   0                  0                    0            0        0      -> no rate, unranked
 *   城管   2 (S1,S2: their deadlines have no unit, so count for owner and co) / 1
 *                              2 / 2              2 / 2                2 / 2        0        2 / 0
 *   市场监管 1 / 1             1 / 1              1 / 0                1 / 1        0        1 / 0
 *
 *   rates (response, resolution, satisfaction, rectification, return, repeat):
 *   东  .75   .75   .6667 .75  0     0      overdue 1
 *   西  .6667 .5    0     0    .3333 .3333  overdue 2
 *   南  .6667 .6667 1     1    0     0      overdue 0
 *   城管 .5   1     1     1    0     0
 *   市场 1    1     0     1    0     0
 *
 *   composite with every weight 1 = 100 * mean(rate, or 1 - rate for return and repeat):
 *   东  (.75+.75+.6667+.75+1+1)/6    = 4.9167/6 = 81.94
 *   西  (.6667+.5+0+0+.6667+.6667)/6 = 2.5/6    = 41.67
 *   南  (.6667+.6667+1+1+1+1)/6      = 5.3333/6 = 88.89
 *   城管 (.5+1+1+1+1+1)/6            = 5.5/6    = 91.67
 *   市场 (1+1+0+1+1+1)/6             = 5/6      = 83.33
 *   streets: 南 1, 东 2, 西 3, 北 unranked; with flag_red 1 and flag_yellow 1: 西 red, 东 yellow.
 *   departments: 城管 1 (yellow), 市场监管 2 (red).
 *   rate ranks (streets): response 东 1, 西 2, 南 2 (tie); resolution 东 1, 南 2, 西 3;
 *   satisfaction 南 1, 东 2, 西 3; rectification 南 1, 东 2, 西 3; return and repeat 东 1, 南 1, 西 3.
 *
 * 2026-W46 (11-09 .. 11-16): 东 dispatched 1 on time 1, assigned 1 resolved 0 (E0 met 11-17,
 * after the week), no callback, nothing due, called 1 -> rates 1, 0, -, -, 0, 0 ->
 * composite (1+0+1+1)/4 = 75.00; 西 (W0) and 北 (N0) every rate perfect -> 100; 南 nothing.
 * With the default weights (20, 20, 30, 30, 0, 0) 东 in W47 scores
 * (20*.75 + 20*.75 + 30*.6667 + 30*.75) / 100 = 72.50.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "config.h"
#include "db.h"
#include "report_metrics.h"
#include "report_period.h"

#define FIXTURE "tests/fixtures/report_week.sql"
#define EAST "880100001"
#define WEST "880100002"
#define SOUTH "880100003"
#define NORTH "880100004"
#define CG "880100-CG"
#define SJ "880100-SJ"

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s (run from the repository root)", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void exec_ok(PGconn *pg, const char *sql)
{
    PGresult *res = PQexec(pg, sql);
    if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
        fail_msg("%s", PQerrorMessage(pg));
    PQclear(res);
}

static int setup(void **state)
{
    const char *conninfo = getenv("JIESU_TEST_PG");
    char err[256];
    if (!conninfo || !*conninfo) {
        fprintf(stderr, "JIESU_TEST_PG is not set: give the conninfo of a migrated test database\n");
        return -1;
    }
    PGconn *pg = db_connect(conninfo, 5000, err, sizeof err);
    if (!pg)
        fail_msg("PostgreSQL (%s): %s", conninfo, err);
    exec_ok(pg, "BEGIN");
    char *sql = read_all(FIXTURE);
    exec_ok(pg, sql);
    free(sql);
    *state = pg;
    return 0;
}

static int teardown(void **state)
{
    PGconn *pg = *state;
    if (pg) {
        exec_ok(pg, "ROLLBACK");
        PQfinish(pg);
    }
    return 0;
}

static report_settings equal_weights(void)
{
    report_settings s = {.red = 1, .yellow = 1};
    for (int i = 0; i < RATE_COUNT; i++)
        s.weight[i] = 1;
    return s;
}

static report_table *run_week(PGconn *pg, const char *week, const report_settings *s)
{
    report_period p;
    char err[512] = "";
    assert_int_equal(report_period_week(&p, week, err, sizeof err), 0);
    report_table *t = report_metrics_run(pg, "880100", "Asia/Shanghai", &p, s, err, sizeof err);
    if (!t)
        fail_msg("report_metrics_run: %s", err);
    return t;
}

static const report_unit *unit(const report_table *t, const char *code)
{
    const report_unit *u = report_table_find(t, code);
    if (!u)
        fail_msg("unit %s missing", code);
    return u;
}

static void assert_counts(const report_unit *u, const long want[11])
{
    const long got[11] = {u->n.dispatched, u->n.accepted_on_time, u->n.assigned, u->n.resolved,
                          u->n.callbacks, u->n.satisfied, u->n.due, u->n.on_time,
                          u->n.returns, u->n.called, u->n.repeats};
    for (int i = 0; i < 11; i++)
        if (got[i] != want[i])
            fail_msg("%s count #%d: expected %ld, got %ld", u->code, i, want[i], got[i]);
}

/* Rates as fractions; -1 for undefined. */
static void assert_rates(const report_unit *u, const double want[RATE_COUNT])
{
    for (int i = 0; i < RATE_COUNT; i++) {
        if (want[i] < 0) {
            if (!isnan(u->rate[i]))
                fail_msg("%s %s: expected undefined, got %f", u->code, REPORT_RATES[i].key, u->rate[i]);
        } else if (fabs(u->rate[i] - want[i]) > 1e-4) {
            fail_msg("%s %s: expected %.4f, got %.4f", u->code, REPORT_RATES[i].key, want[i], u->rate[i]);
        }
    }
}

static void assert_near(double want, double got)
{
    if (fabs(want - got) > 0.01)
        fail_msg("expected %.2f, got %.2f", want, got);
}

static void test_counts_w47(void **state)
{
    report_settings s = equal_weights();
    report_table *t = run_week(*state, "2026-W47", &s);
    assert_counts(unit(t, EAST), (long[]){4, 3, 4, 3, 3, 2, 4, 3, 0, 4, 0});
    assert_counts(unit(t, WEST), (long[]){3, 2, 2, 1, 1, 0, 2, 0, 1, 3, 1});
    assert_counts(unit(t, SOUTH), (long[]){3, 2, 3, 2, 2, 2, 2, 2, 0, 3, 0});
    assert_counts(unit(t, NORTH), (long[]){0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    assert_counts(unit(t, CG), (long[]){2, 1, 2, 2, 2, 2, 2, 2, 0, 2, 0});
    assert_counts(unit(t, SJ), (long[]){1, 1, 1, 1, 1, 0, 1, 1, 0, 1, 0});
    /* Table order: streets by rank (南 1, 东 2, 西 3, 北 unranked), then departments. */
    static const char *const ORDER[] = {SOUTH, EAST, WEST, NORTH, CG, SJ};
    for (size_t i = 0; i < 6; i++)
        assert_string_equal(t->units[i].code, ORDER[i]);
    report_table_free(&t);
    assert_null(t);
}

static void test_rates_w47(void **state)
{
    report_settings s = equal_weights();
    report_table *t = run_week(*state, "2026-W47", &s);
    assert_rates(unit(t, EAST), (double[]){.75, .75, 2.0 / 3, .75, 0, 0});
    assert_rates(unit(t, WEST), (double[]){2.0 / 3, .5, 0, 0, 1.0 / 3, 1.0 / 3});
    assert_rates(unit(t, SOUTH), (double[]){2.0 / 3, 2.0 / 3, 1, 1, 0, 0});
    assert_rates(unit(t, NORTH), (double[]){-1, -1, -1, -1, -1, -1});
    assert_rates(unit(t, CG), (double[]){.5, 1, 1, 1, 0, 0});
    assert_rates(unit(t, SJ), (double[]){1, 1, 0, 1, 0, 0});
    assert_int_equal(unit(t, EAST)->overdue, 1);
    assert_int_equal(unit(t, WEST)->overdue, 2);
    assert_int_equal(unit(t, SOUTH)->overdue, 0);
    report_table_free(&t);
}

static void test_composite_ranks_flags_w47(void **state)
{
    report_settings s = equal_weights();
    report_table *t = run_week(*state, "2026-W47", &s);
    assert_near(81.94, unit(t, EAST)->composite);
    assert_near(41.67, unit(t, WEST)->composite);
    assert_near(88.89, unit(t, SOUTH)->composite);
    assert_true(isnan(unit(t, NORTH)->composite));
    assert_near(91.67, unit(t, CG)->composite);
    assert_near(83.33, unit(t, SJ)->composite);
    assert_int_equal(unit(t, SOUTH)->rank, 1);
    assert_int_equal(unit(t, EAST)->rank, 2);
    assert_int_equal(unit(t, WEST)->rank, 3);
    assert_int_equal(unit(t, NORTH)->rank, 0);
    assert_int_equal(unit(t, CG)->rank, 1);
    assert_int_equal(unit(t, SJ)->rank, 2);
    assert_int_equal(unit(t, WEST)->flag, 'R');
    assert_int_equal(unit(t, EAST)->flag, 'Y');
    assert_int_equal(unit(t, SOUTH)->flag, 0);
    assert_int_equal(unit(t, NORTH)->flag, 0);
    assert_int_equal(unit(t, SJ)->flag, 'R');
    assert_int_equal(unit(t, CG)->flag, 'Y');
    /* Rank by each rate: ties share a rank; lower is better for return and repeat. */
    static const struct { const char *code; int ranks[RATE_COUNT]; } WANT[] = {
        {EAST, {1, 1, 2, 2, 1, 1}}, {WEST, {2, 3, 3, 3, 3, 3}}, {SOUTH, {2, 2, 1, 1, 1, 1}},
        {NORTH, {0, 0, 0, 0, 0, 0}}, {CG, {2, 1, 1, 1, 1, 1}}, {SJ, {1, 1, 2, 1, 1, 1}},
    };
    for (size_t i = 0; i < sizeof WANT / sizeof WANT[0]; i++)
        for (int r = 0; r < RATE_COUNT; r++)
            if (unit(t, WANT[i].code)->rate_rank[r] != WANT[i].ranks[r])
                fail_msg("%s rank by %s: expected %d, got %d", WANT[i].code, REPORT_RATES[r].key,
                         WANT[i].ranks[r], unit(t, WANT[i].code)->rate_rank[r]);
    report_table_free(&t);
}

static void test_previous_week_w46(void **state)
{
    report_settings s = equal_weights();
    report_table *t = run_week(*state, "2026-W46", &s);
    assert_counts(unit(t, EAST), (long[]){1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 0});
    assert_rates(unit(t, EAST), (double[]){1, 0, -1, -1, 0, 0});
    assert_near(75.0, unit(t, EAST)->composite);
    assert_near(100.0, unit(t, WEST)->composite);
    assert_near(100.0, unit(t, NORTH)->composite);
    assert_true(isnan(unit(t, SOUTH)->composite));
    assert_int_equal(unit(t, WEST)->rank, 1);
    assert_int_equal(unit(t, NORTH)->rank, 1);
    assert_int_equal(unit(t, EAST)->rank, 3);
    report_table_free(&t);
}

static void test_weights_from_config(void **state)
{
    char err[256] = "";
    report_settings s;
    config *cfg = config_new();
    assert_int_equal(report_settings_load(&s, cfg, err, sizeof err), 0);       /* the defaults */
    report_table *t = run_week(*state, "2026-W47", &s);
    assert_near(72.50, unit(t, EAST)->composite);
    report_table_free(&t);
    assert_int_equal(config_set(cfg, "report.weight.repeat", "-1"), 0);
    assert_int_equal(report_settings_load(&s, cfg, err, sizeof err), -1);
    assert_non_null(strstr(err, "report.weight.repeat = '-1'"));
    assert_int_equal(config_set(cfg, "report.weight.repeat", "3x"), 0);
    assert_int_equal(report_settings_load(&s, cfg, err, sizeof err), -1);
    config_destroy(&cfg);
}

static void test_periods(void **state)
{
    (void)state;
    report_period p, prev;
    char err[256] = "";
    assert_int_equal(report_period_week(&p, "2026-W47", err, sizeof err), 0);
    assert_string_equal(p.from, "2026-11-16");
    assert_string_equal(p.to, "2026-11-23");
    report_period_previous(&prev, &p);
    assert_string_equal(prev.label, "2026-W46");
    assert_string_equal(prev.from, "2026-11-09");
    assert_int_equal(report_period_week(&p, "2026-W01", err, sizeof err), 0);
    assert_string_equal(p.from, "2025-12-29");          /* week 1 holds 4 January */
    report_period_previous(&prev, &p);
    assert_string_equal(prev.label, "2025-W52");
    assert_int_equal(report_period_week(&p, "2026-W53", err, sizeof err), 0);      /* 2026 has 53 weeks */
    assert_string_equal(p.from, "2026-12-28");
    assert_int_equal(report_period_week(&p, "2025-W53", err, sizeof err), -1);
    assert_non_null(strstr(err, "2025 has no week 53"));
    assert_int_equal(report_period_week(&p, "2026-47", err, sizeof err), -1);
    assert_non_null(strstr(err, "want YYYY-Www"));
    assert_int_equal(report_period_day(&p, "2026-11-21", err, sizeof err), 0);
    assert_string_equal(p.to, "2026-11-22");
    report_period_previous(&prev, &p);
    assert_string_equal(prev.label, "2026-11-20");
    assert_int_equal(report_period_day(&p, "2026-11-31", err, sizeof err), -1);
    setenv("TZ", "Asia/Shanghai", 1);
    tzset();
    report_period_current(&p, 1795017600LL, 7);         /* 2026-11-19 00:00 +08: a Thursday */
    assert_string_equal(p.label, "2026-W47");
    report_period_current(&p, 1795017600LL, 1);
    assert_string_equal(p.label, "2026-11-19");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts_w47),
        cmocka_unit_test(test_rates_w47),
        cmocka_unit_test(test_composite_ranks_flags_w47),
        cmocka_unit_test(test_previous_week_w46),
        cmocka_unit_test(test_weights_from_config),
        cmocka_unit_test(test_periods),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
