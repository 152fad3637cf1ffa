/* test_report_metrics.c — every metric, rank and flag of the bulletin against
 * the fixture fortnight tests/fixtures/report_week.sql, worked out by hand;
 * and the ISO week periods.
 *
 * Needs JIESU_TEST_PG (a migrated database). The fixture is loaded inside a
 * transaction that is rolled back at the end, so nothing stays behind.
 *
 * Hand computation for 2026-W47 (Mon 11-16 00:00 .. Mon 11-23 00:00 +08):
 *
 *   unit  dispatched/on time  assigned/resolved  callbacks/satisfied  due/on time  owned/returned  called/repeats
 *   东     4 (E1-E4) / 3       4 / 3 (E1,E2,E3)   3 / 2                4 / 3        4 / 0    4 / 0
 *          (E3 accepted late; due: E0 due 11-16 18:00 met late, E1, E2, E3 on time)
 *   西     3 (W1,W2,W4) / 2    2 (W2,W4) / 1      1 / 0                2 / 0        3 / 1 (W1) 3 / 1
 *          (W1 never accepted; W2 resolved late; W4 still open; called: W2, W3
 *           through its parent W2, W4 — W1 has no active unit any more)
 *   南     3 / 2 (S2 late)     3 / 2              2 / 2                2 / 2        3 / 0    3 / 0
 *   北     0                   0                  0                    0            0        0      -> no rate, unranked
 *   城管   0: it only co-handles S1 and S2, whose deadlines (without a unit) and callbacks
 *          count for their owner 南: units are ranked on what they handled -> unranked
 *   市场监管 1 / 1             1 / 1              1 / 0                1 / 1        1 / 0    1 / 0
 *
 *   rates (response, resolution, satisfaction, rectification, return, repeat):
 *   东  .75   .75   .6667 .75  0     0      overdue 1
 *   西  .6667 .5    0     0    .3333 .3333  overdue 2
 *   南  .6667 .6667 1     1    0     0      overdue 0
 *   市场 1    1     0     1    0     0
 *
 *   composite with every weight 1 = 100 * mean(rate, or 1 - rate for return and repeat):
 *   东  (.75+.75+.6667+.75+1+1)/6    = 4.9167/6 = 81.94
 *   西  (.6667+.5+0+0+.6667+.6667)/6 = 2.5/6    = 41.67
 *   南  (.6667+.6667+1+1+1+1)/6      = 5.3333/6 = 88.89
 *   市场 (1+1+0+1+1+1)/6             = 5/6      = 83.33
 *   streets: 南 1, 东 2, 西 3, 北 unranked; with flag_red 1 and flag_yellow 1: 西 red, 东 yellow.
 *   departments: 市场监管 1 (alone; first: never flagged), 城管 unranked.
 *   rate ranks (streets): response 东 1, 西 2, 南 2 (tie); resolution 东 1, 南 2, 西 3;
 *   satisfaction 南 1, 东 2, 西 3; rectification 南 1, 东 2, 西 3; return and repeat 东 1, 南 1, 西 3.
 *   Every rate of 城管 undefined, so unranked by each.
 *
 * 2026-W46 (11-09 .. 11-16): 东 dispatched 1 on time 1, assigned 1 resolved 0 (E0 met 11-17,
 * after the week), no callback, nothing due, called 1 -> rates 1, 0, -, -, 0, 0;
 * 西 (W0) and 北 (N0) every rate perfect (one case each) -> 100; 南 nothing. 东's
 * satisfaction and rectification count at the streets' pooled rates, 2/2 and 2/2:
 * composite (1+0+1+1+1+1)/6 = 83.33 (75.00 on its own four rates before).
 * With the default weights (20, 20, 30, 30, 0, 0) 东 in W47 scores
 * (20*.75 + 20*.75 + 30*.6667 + 30*.75) / 100 = 72.50, in W46 (20 + 0 + 30 + 30) / 100 = 80.00.
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
#include "fixture_report_week.h"
#include "report_daily.h"
#include "report_metrics.h"
#include "report_period.h"
#include "report_streets.h"

static report_settings equal_weights(void)
{
    report_settings s = {.red = 1, .yellow = 1, .min_cases = 1};
    for (int i = 0; i < RATE_COUNT; i++)
        s.weight[i] = 1;
    return s;
}

static report_table *run_period(PGconn *pg, const report_period *p, const report_settings *s)
{
    char err[512] = "";
    report_table *t = report_metrics_run(pg, "880100", "Asia/Shanghai", p, s, err, sizeof err);
    if (!t)
        fail_msg("report_metrics_run: %s", err);
    return t;
}

static report_table *run_week(PGconn *pg, const char *week, const report_settings *s)
{
    report_period p;
    char err[512] = "";
    assert_int_equal(report_period_week(&p, week, err, sizeof err), 0);
    return run_period(pg, &p, s);
}

static const report_unit *unit(const report_table *t, const char *code)
{
    const report_unit *u = report_table_find(t, code);
    if (!u)
        fail_msg("unit %s missing", code);
    return u;
}

#define NCOUNTS 12

static void assert_counts(const report_unit *u, const long want[NCOUNTS])
{
    const long got[NCOUNTS] = {u->n.dispatched, u->n.accepted_on_time, u->n.assigned, u->n.resolved,
                               u->n.callbacks, u->n.satisfied, u->n.due, u->n.on_time,
                               u->n.owned, u->n.returned, u->n.called, u->n.repeats};
    for (int i = 0; i < NCOUNTS; i++)
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
    assert_counts(unit(t, EAST), (long[]){4, 3, 4, 3, 3, 2, 4, 3, 4, 0, 4, 0});
    assert_counts(unit(t, WEST), (long[]){3, 2, 2, 1, 1, 0, 2, 0, 3, 1, 3, 1});
    assert_counts(unit(t, SOUTH), (long[]){3, 2, 3, 2, 2, 2, 2, 2, 3, 0, 3, 0});
    assert_counts(unit(t, NORTH), (long[]){0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    assert_counts(unit(t, CG), (long[]){0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    assert_counts(unit(t, SJ), (long[]){1, 1, 1, 1, 1, 0, 1, 1, 1, 0, 1, 0});
    /* Table order: streets by rank (南 1, 东 2, 西 3, 北 unranked), then departments. */
    static const char *const ORDER[] = {SOUTH, EAST, WEST, NORTH, SJ, CG};
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
    assert_rates(unit(t, CG), (double[]){-1, -1, -1, -1, -1, -1});
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
    assert_true(isnan(unit(t, CG)->composite));
    assert_near(83.33, unit(t, SJ)->composite);
    assert_int_equal(unit(t, SOUTH)->rank, 1);
    assert_int_equal(unit(t, EAST)->rank, 2);
    assert_int_equal(unit(t, WEST)->rank, 3);
    assert_int_equal(unit(t, NORTH)->rank, 0);
    assert_int_equal(unit(t, CG)->rank, 0);
    assert_int_equal(unit(t, SJ)->rank, 1);
    assert_int_equal(unit(t, WEST)->flag, 'R');
    assert_int_equal(unit(t, EAST)->flag, 'Y');
    assert_int_equal(unit(t, SOUTH)->flag, 0);
    assert_int_equal(unit(t, NORTH)->flag, 0);
    assert_int_equal(unit(t, SJ)->flag, 0);              /* ranked first (alone): never flagged */
    assert_int_equal(unit(t, CG)->flag, 0);
    /* Rank by each rate: ties share a rank; lower is better for return and repeat. */
    static const struct { const char *code; int ranks[RATE_COUNT]; } WANT[] = {
        {EAST, {1, 1, 2, 2, 1, 1}}, {WEST, {2, 3, 3, 3, 3, 3}}, {SOUTH, {2, 2, 1, 1, 1, 1}},
        {NORTH, {0, 0, 0, 0, 0, 0}}, {CG, {0, 0, 0, 0, 0, 0}}, {SJ, {1, 1, 1, 1, 1, 1}},
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
    assert_counts(unit(t, EAST), (long[]){1, 1, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0});
    assert_rates(unit(t, EAST), (double[]){1, 0, -1, -1, 0, 0});
    assert_near(83.33, unit(t, EAST)->composite);
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
    char err[512] = "";
    report_settings s;
    config *cfg = config_new();
    report_settings_load(&s, cfg); /* the defaults */
    assert_int_equal(s.min_cases, 10);
    assert_int_equal(config_set(cfg, "report.min_cases", "1"), 0);             /* the fixture's units are small */
    report_settings_load(&s, cfg);
    report_table *t = run_week(*state, "2026-W47", &s);
    assert_near(72.50, unit(t, EAST)->composite);
    report_table_free(&t);
    assert_int_equal(config_set(cfg, "report.weight.repeat", "-1"), 0);
    assert_int_equal(config_check(cfg, err, sizeof err), -1);
    assert_non_null(strstr(err, "report.weight.repeat = '-1'"));
    assert_int_equal(config_set(cfg, "report.weight.repeat", "3x"), 0);
    assert_int_equal(config_check(cfg, err, sizeof err), -1);
    assert_int_equal(config_set(cfg, "report.weight.repeat", "0"), 0);
    assert_int_equal(config_set(cfg, "report.min_cases", "0"), 0);
    assert_int_equal(config_check(cfg, err, sizeof err), -1);
    assert_non_null(strstr(err, "report.min_cases = '0'"));
    config_destroy(&cfg);
}

/* ---- ranks and flags on tables made by hand ---- */

/* A unit whose four rates are the fractions given (numerator, denominator). */
static report_unit made(const char *code, long acc, long disp, long res, long asg, long sat, long cb, long ot,
                        long due)
{
    report_unit u = {.n = {.dispatched = disp, .accepted_on_time = acc, .assigned = asg, .resolved = res,
                           .callbacks = cb, .satisfied = sat, .due = due, .on_time = ot}};
    snprintf(u.code, sizeof u.code, "%s", code);
    snprintf(u.name, sizeof u.name, "%s", code);
    snprintf(u.kind, sizeof u.kind, "dept");
    return u;
}

static report_settings default_weights(void)
{
    report_settings s = {.weight = {20, 20, 30, 30, 0, 0}, .red = 1, .yellow = 2, .min_cases = 1};
    return s;
}

static const report_unit *in(const report_table *t, const char *code)
{
    const report_unit *u = report_table_find(t, code);
    assert_non_null(u);
    return u;
}

/* Two departments at 66⅔ through different rates (all four 2/3; or 0/6,
 * 5/6, 1/1, 2/3) share rank 1; as doubles they differed in the last bit and
 * were ranked 1 and 2, one of them flagged. */
static void test_equal_composites_share_a_rank(void **state)
{
    (void)state;
    report_settings s = default_weights();
    report_unit units[] = {made("A", 2, 3, 2, 3, 2, 3, 2, 3), made("B", 0, 6, 5, 6, 1, 1, 2, 3),
                           made("C", 1, 2, 1, 2, 1, 2, 1, 2)};
    report_table t = {.units = units, .n = 3};
    report_metrics_compute(&t, &s);
    assert_int_equal(in(&t, "A")->rank, 1);
    assert_int_equal(in(&t, "B")->rank, 1);
    assert_true(in(&t, "A")->composite == 66.67 && in(&t, "B")->composite == 66.67);
    assert_int_equal(in(&t, "C")->rank, 3);
    /* … and say so: 1（并列） twice, where two 1s read as a misprint */
    char rank[32];
    assert_string_equal(report_rank_text(rank, sizeof rank, in(&t, "A")), "1（并列）");
    assert_string_equal(report_rank_text(rank, sizeof rank, in(&t, "B")), "1（并列）");
    assert_string_equal(report_rank_text(rank, sizeof rank, in(&t, "C")), "3");
    assert_int_equal(in(&t, "A")->flag, 0);
    assert_int_equal(in(&t, "B")->flag, 0);
    assert_int_equal(in(&t, "C")->flag, 'R');
}

/* Rates equal as published share a rank: 46/55 and 51/61 are both 83.6% on
 * the page and in the files, and were ranked 1 and 2 on digits nobody saw. */
static void test_rates_equal_as_published_share_a_rank(void **state)
{
    (void)state;
    report_settings s = default_weights();
    report_unit units[] = {made("A", 1, 1, 1, 1, 46, 55, 1, 1), made("B", 1, 1, 1, 1, 51, 61, 1, 1),
                           made("C", 1, 1, 1, 1, 4, 5, 1, 1)};
    report_table t = {.units = units, .n = 3};
    report_metrics_compute(&t, &s);
    assert_true(report_rate_pct(in(&t, "A")->rate[RATE_SATISFACTION]) == 83.6);
    assert_true(report_rate_pct(in(&t, "B")->rate[RATE_SATISFACTION]) == 83.6);
    assert_int_equal(in(&t, "A")->rate_rank[RATE_SATISFACTION], 1);
    assert_int_equal(in(&t, "B")->rate_rank[RATE_SATISFACTION], 1);
    assert_int_equal(in(&t, "C")->rate_rank[RATE_SATISFACTION], 3);
}

/* A rate half-way between two tenths is published half up, whatever its
 * double: 201/400 (50.25%) read 50.2 where 503/1000 read 50.3 beside it,
 * and ranked below it; 203/400 (50.75%) read 50.7. */
static void test_rates_rounded_half_up(void **state)
{
    (void)state;
    report_settings s = default_weights();
    report_unit units[] = {made("A", 1, 1, 1, 1, 201, 400, 1, 1), made("B", 1, 1, 1, 1, 503, 1000, 1, 1),
                           made("C", 1, 1, 1, 1, 203, 400, 1, 1)};
    report_table t = {.units = units, .n = 3};
    report_metrics_compute(&t, &s);
    assert_true(report_rate_pct(in(&t, "A")->rate[RATE_SATISFACTION]) == 50.3);
    assert_true(report_rate_pct(in(&t, "C")->rate[RATE_SATISFACTION]) == 50.8);
    assert_int_equal(in(&t, "A")->rate_rank[RATE_SATISFACTION], 2);
    assert_int_equal(in(&t, "B")->rate_rank[RATE_SATISFACTION], 2);
    assert_true(report_rate_pct(0.8125) == 81.3 && report_rate_pct(2.0 / 3) == 66.7 && report_rate_pct(0) == 0);
}

/* A rate short of every case is never published as 100.0%, nor one above
 * none as 0.0%: 3,999 of 4,000 accepted on time (99.975%) read 100.0%, as
 * if every order had been, and ranked level with 500 of 500; its composite,
 * 99.995, read 100.00 and ranked level too. */
static void test_rates_short_of_whole_not_rounded_to_it(void **state)
{
    (void)state;
    report_settings s = default_weights();
    report_unit units[] = {made("A", 3999, 4000, 1, 1, 1, 1, 1, 1), made("B", 500, 500, 1, 1, 1, 1, 1, 1)};
    report_table t = {.units = units, .n = 2};
    report_metrics_compute(&t, &s);
    assert_true(report_rate_pct(in(&t, "A")->rate[RATE_RESPONSE]) == 99.9);
    assert_int_equal(in(&t, "A")->rate_rank[RATE_RESPONSE], 2);
    assert_int_equal(in(&t, "B")->rate_rank[RATE_RESPONSE], 1);
    assert_true(in(&t, "A")->composite == 99.99);    /* 100 - 20 * 0.00025 = 99.995 */
    assert_int_equal(in(&t, "A")->rank, 2);
    assert_true(in(&t, "B")->composite == 100);
    assert_true(report_rate_pct(1.0 / 3000) == 0.1 && report_rate_pct(0.9996) == 99.9);
    assert_true(report_rate_pct(1) == 100 && report_rate_pct(0) == 0 && report_rate_pct(0.9995) == 99.9);
}

static void check_flags(const report_table *t, const char *want)
{
    for (size_t i = 0; i < t->n; i++) {
        char got = t->units[i].flag ? t->units[i].flag : '-';
        if (got != want[i])
            fail_msg("unit %s (rank %d): flag %c, expected %c", t->units[i].code, t->units[i].rank, got, want[i]);
    }
}

/* The flag rule (red 1, yellow 2): by how many ranked units are below;
 * ties flagged whole; the first never. */
static void test_flags_when_ranks_tie(void **state)
{
    (void)state;
    report_settings s = default_weights();
    char code[16];
    report_unit units[10];
    report_table t = {.units = units};
    /* eight at 100 above one: the one red, nobody yellow (the eight are first) */
    for (t.n = 0; t.n < 8; t.n++) {
        snprintf(code, sizeof code, "P%zu", t.n);
        units[t.n] = made(code, 1, 1, 1, 1, 1, 1, 1, 1);
    }
    units[t.n++] = made("Z", 0, 1, 0, 1, 0, 1, 0, 1);
    report_metrics_compute(&t, &s);
    check_flags(&t, "--------R");
    /* everyone tied: nobody is behind anybody, no flags (all red before) */
    for (t.n = 0; t.n < 4; t.n++) {
        snprintf(code, sizeof code, "Q%zu", t.n);
        units[t.n] = made(code, 1, 2, 1, 2, 1, 2, 1, 2);
    }
    report_metrics_compute(&t, &s);
    check_flags(&t, "----");
    /* 1..6, three tied at 7, one last: the last red; the tie reaches into
     * the two yellow places and is flagged whole (none of it before) */
    t.n = 0;
    for (int i = 0; i < 6; i++) {
        snprintf(code, sizeof code, "R%d", i);
        units[t.n++] = made(code, 10 - i, 10, 1, 1, 1, 1, 1, 1);
    }
    for (int i = 0; i < 3; i++) {
        snprintf(code, sizeof code, "T%d", i);
        units[t.n++] = made(code, 3, 10, 1, 1, 1, 1, 1, 1);
    }
    units[t.n++] = made("L", 0, 10, 1, 1, 1, 1, 1, 1);
    report_metrics_compute(&t, &s);
    check_flags(&t, "------YYYR");
    /* two units: the first is not flagged yellow for coming first of two */
    units[0] = made("X", 1, 1, 1, 1, 1, 1, 1, 1);
    units[1] = made("Y", 0, 1, 0, 1, 0, 1, 0, 1);
    t.n = 2;
    report_metrics_compute(&t, &s);
    check_flags(&t, "-R");
}

/* The return rate counts the dispatches of the week and which of those the
 * unit returned: R1 dispatched to 东 on 11-17 and returned an hour later by
 * a clerk who named no unit (then dispatched to 南) counts for 东, not for
 * 南, its owner now; R2, dispatched to 东 in W46 and returned in W47, is not
 * a W47 dispatch and counts in neither week (returned after W46 ended). */
static void test_return_rate_counts_dispatches_returned(void **state)
{
    PGconn *pg = *state;
    report_settings s = equal_weights();
    exec_ok(pg, "INSERT INTO complaints (ticket_no, called_at, address, content, status) VALUES"
                " ('FX-R1', '2026-11-17 09:50+08', '样例路', '样例', 'dispatched'),"
                " ('FX-R2', '2026-11-13 09:50+08', '样例路', '样例', 'dispatched')");
    exec_ok(pg, "INSERT INTO assignments (complaint_id, unit_id, role, rule, reasons, active, created_at)"
                " SELECT c.id, u.id, 'owner', 'fixture', 'fixture', x.active, x.at::timestamptz"
                " FROM (VALUES ('FX-R1', '" EAST "', false, '2026-11-17 10:00+08'),"
                "              ('FX-R1', '" SOUTH "', true, '2026-11-17 12:00+08'),"
                "              ('FX-R2', '" EAST "', false, '2026-11-13 10:00+08'),"
                "              ('FX-R2', '" WEST "', true, '2026-11-16 10:00+08')) x(t, unit, active, at)"
                " JOIN complaints c ON c.ticket_no = x.t JOIN units u ON u.code = x.unit");
    exec_ok(pg, "INSERT INTO complaint_events (complaint_id, at, actor, event, detail)"
                " SELECT c.id, x.at::timestamptz, 'fixture', 'returned', x.detail::jsonb"
                " FROM (VALUES ('FX-R1', '2026-11-17 11:00+08', '{\"from\": \"dispatched\", \"to\": \"returned\"}'),"
                "              ('FX-R2', '2026-11-16 09:00+08', '{\"unit\": \"" EAST "\"}')) x(t, at, detail)"
                " JOIN complaints c ON c.ticket_no = x.t");
    report_table *t = run_week(pg, "2026-W47", &s);
    const report_unit *e = unit(t, EAST), *so = unit(t, SOUTH), *w = unit(t, WEST);
    assert_int_equal(e->n.owned, 5);
    assert_int_equal(e->n.returned, 1);
    assert_int_equal(so->n.owned, 4);
    assert_int_equal(so->n.returned, 0);
    assert_int_equal(w->n.owned, 4);
    assert_int_equal(w->n.returned, 1);
    assert_rates(e, (double[]){.75, .75, 2.0 / 3, .75, .2, 0});
    report_table_free(&t);
    t = run_week(pg, "2026-W46", &s);
    assert_int_equal(unit(t, EAST)->n.owned, 2);
    assert_int_equal(unit(t, EAST)->n.returned, 0);
    report_table_free(&t);
}

/* The response rate counts an acceptance once decided: Q1, dispatched to 东
 * on Sunday evening and due only after now, has not been answered late (it
 * made 东's 响应率 3/6); Q2, due on Monday 11-23 and never accepted, was. */
static void test_response_rate_counts_decided_acceptances(void **state)
{
    PGconn *pg = *state;
    report_settings s = equal_weights();
    exec_ok(pg, "INSERT INTO complaints (ticket_no, called_at, address, content, status) VALUES"
                " ('FX-Q1', '2026-11-22 20:00+08', '样例路', '样例', 'dispatched'),"
                " ('FX-Q2', '2026-11-22 20:00+08', '样例路', '样例', 'dispatched')");
    exec_ok(pg, "INSERT INTO deadlines (complaint_id, kind, cycle, started_at, due_at, unit_id)"
                " SELECT c.id, 'accept', 1, '2026-11-22 20:05+08', x.due, u.id"
                " FROM (VALUES ('FX-Q1', now() + interval '1 hour'), ('FX-Q2', '2026-11-23 09:30+08'::timestamptz)) x(t, due)"
                " JOIN complaints c ON c.ticket_no = x.t JOIN units u ON u.code = '" EAST "'");
    report_table *t = run_week(pg, "2026-W47", &s);
    assert_int_equal(unit(t, EAST)->n.dispatched, 5);
    assert_int_equal(unit(t, EAST)->n.accepted_on_time, 3);
    report_table_free(&t);
}

/* The resolution rate of a week still running counts a resolve deadline once
 * decided by now (as every resolve deadline of W47 and W46 above is): met,
 * or fallen due unmet, as an acceptance in the response rate. This week so
 * far, with m the moment halfway from Monday 00:00 to now, 北街道 has
 *   K1 started Monday, due in three days, met at m     decided, resolved
 *   K2 started Monday, due at m, never met             fallen due: not resolved
 *   K3 started now, due in three days, open            not decided: not counted
 *   K4 started Monday, due at m, paused (waiting) before it: not fallen due, not counted
 * so 解决率 1 of 2, 50.0%; it read 1 of 4, 25.0%, and climbed to 50% by
 * itself as the week went on, while nothing went wrong. */
static void test_resolution_rate_counts_decided_deadlines(void **state)
{
    PGconn *pg = *state;
    report_settings s = equal_weights();
    exec_ok(pg, "CREATE TEMP TABLE k ON COMMIT DROP AS"
                " SELECT t0, t0 + (now() - t0) / 2 AS m FROM (SELECT date_trunc('week', now() AT TIME ZONE"
                " 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai' AS t0) w");
    exec_ok(pg, "INSERT INTO complaints (ticket_no, called_at, address, content, status)"
                " SELECT 'FX-K' || n, k.t0, '样例路', '样例', 'accepted' FROM k, generate_series(1, 4) n");
    exec_ok(pg, "INSERT INTO deadlines (complaint_id, kind, cycle, started_at, due_at, met_at, paused_at, unit_id)"
                " SELECT c.id, 'resolve', 1, x.started, x.due, x.met, x.paused, u.id FROM k,"
                " LATERAL (VALUES ('FX-K1', k.t0, now() + interval '3 days', k.m, NULL::timestamptz),"
                "                 ('FX-K2', k.t0, k.m, NULL, NULL),"
                "                 ('FX-K3', now(), now() + interval '3 days', NULL, NULL),"
                "                 ('FX-K4', k.t0, k.m, NULL, k.t0 + (k.m - k.t0) / 2)) x(t, started, due, met, paused)"
                " JOIN complaints c ON c.ticket_no = x.t JOIN units u ON u.code = '" NORTH "'");
    PGresult *res = PQexec(pg, "SELECT extract(epoch FROM now())::bigint");
    long long now = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    setenv("TZ", "Asia/Shanghai", 1);
    tzset();
    report_period p;
    char err[512] = "";
    assert_int_equal(report_period_week_named(&p, "this", now, err, sizeof err), 0);
    report_table *t = run_period(pg, &p, &s);
    assert_int_equal(unit(t, NORTH)->n.assigned, 2);
    assert_int_equal(unit(t, NORTH)->n.resolved, 1);
    assert_true(report_rate_pct(unit(t, NORTH)->rate[RATE_RESOLUTION]) == 50.0);
    report_table_free(&t);
}

/* A callback recorded without a unit counts for the owner whose work it
 * judged: M1's unsatisfied callback of 11-20 was 市场监管局's, and counted
 * for 东街道 once the order was given to it on 11-21. */
static void test_callback_counts_for_the_owner_it_judged(void **state)
{
    PGconn *pg = *state;
    report_settings s = equal_weights();
    exec_ok(pg, "UPDATE assignments SET active = false WHERE complaint_id = (SELECT id FROM complaints"
                " WHERE ticket_no = 'FX-M1')");
    exec_ok(pg, "INSERT INTO assignments (complaint_id, unit_id, role, rule, reasons, created_at)"
                " SELECT c.id, u.id, 'owner', 'fixture', 'fixture', '2026-11-21 10:00+08' FROM complaints c, units u"
                " WHERE c.ticket_no = 'FX-M1' AND u.code = '" EAST "'");
    report_table *t = run_week(pg, "2026-W47", &s);
    assert_int_equal(unit(t, SJ)->n.callbacks, 1);
    assert_int_equal(unit(t, SJ)->n.satisfied, 0);
    assert_int_equal(unit(t, EAST)->n.callbacks, 3);
    report_table_free(&t);
}

/* 城管局 was flagged red at 80 % on five callbacks: with report.min_cases
 * 10 that rate is shown but not ranked, and counts in the composite at the
 * departments' pooled rate; a unit with no rate on enough cases gets 样本不足
 * instead of a rank (and no flag). */
static void test_too_few_cases(void **state)
{
    (void)state;
    report_settings s = default_weights();
    s.min_cases = 10;
    report_unit units[] = {made("A", 0, 0, 0, 0, 4, 5, 0, 0), made("B", 18, 20, 18, 20, 18, 20, 18, 20),
                           made("C", 17, 20, 17, 20, 17, 20, 17, 20), made("D", 16, 20, 16, 20, 4, 5, 16, 20)};
    report_table t = {.units = units, .n = 4};
    report_metrics_compute(&t, &s);
    const report_unit *a = in(&t, "A"), *d = in(&t, "D");
    assert_string_equal(a->unranked, REPORT_THIN);
    assert_true(a->thin[RATE_SATISFACTION]);
    assert_true(fabs(a->rate[RATE_SATISFACTION] - .8) < 1e-9);             /* still shown */
    assert_int_equal(a->rank, 0);
    assert_int_equal(a->rate_rank[RATE_SATISFACTION], 0);
    assert_int_equal(a->flag, 0);
    /* D: satisfaction on 5 callbacks at the departments' 43 of 50 (.86):
     * (20 × .8 + 20 × .8 + 30 × .86 + 30 × .8) / 100 */
    assert_true(d->thin[RATE_SATISFACTION] && !d->unranked);
    assert_true(d->composite == 81.80);
    assert_int_equal(in(&t, "B")->rank, 1);
    assert_int_equal(in(&t, "C")->rank, 2);
    assert_int_equal(d->rank, 3);
    assert_int_equal(d->flag, 'R');
    assert_int_equal(in(&t, "C")->flag, 'Y');
}

/* Every ranked unit of a kind is scored on the same rates. Z, like 中韩街道
 * with enough callbacks for its 满意率 (12 of 13, 92.3%) to count, scored
 * 96.70 and was ranked below W, behind it on no rate, which scored 97.50 on
 * its 响应率 and 解决率 alone, its five callbacks left out. A rate on too few
 * cases counts at its kind's pooled rate (17 of 18 callbacks, 94.4%): W
 * scores (20 × .95 + 20 × 1 + 30 × 17/18) / 70 = 96.19. No street has a
 * deadline due, so 整改率 is left out for both; N, with no case, is not
 * scored (at the pool on every rate it would be exactly average). */
static void test_composite_scores_every_unit_on_the_same_rates(void **state)
{
    (void)state;
    report_settings s = default_weights();
    s.min_cases = 10;
    report_unit units[] = {made("Z", 20, 20, 20, 20, 12, 13, 0, 0), made("W", 19, 20, 20, 20, 5, 5, 0, 0),
                           made("N", 0, 0, 0, 0, 0, 0, 0, 0)};
    for (size_t i = 0; i < 3; i++)
        snprintf(units[i].kind, sizeof units[i].kind, "street");
    report_table t = {.units = units, .n = 3};
    report_metrics_compute(&t, &s);
    const report_unit *z = in(&t, "Z"), *w = in(&t, "W");
    for (int r = 0; r < RATE_COUNT; r++)        /* Z ahead of or level with W on every rate both are ranked on */
        assert_true(!w->rate_rank[r] || (z->rate_rank[r] && z->rate_rank[r] <= w->rate_rank[r]));
    assert_int_equal(z->rank, 1);
    assert_int_equal(w->rank, 2);
    assert_true(z->composite == 96.70);
    assert_true(w->composite == 96.19);
    assert_int_equal(z->flag, 0);
    assert_int_equal(w->flag, 'R');
    assert_true(w->thin[RATE_SATISFACTION] && w->rate[RATE_SATISFACTION] == 1);     /* published as its own */
    assert_int_equal(in(&t, "N")->rank, 0);                 /* no case of its own: not scored as average */
    assert_string_equal(in(&t, "N")->unranked, REPORT_NO_CASES);
}

/* A unit not ranked says why in every case: 中韩街道 read "–" where 王哥庄街道
 * read 样本不足, its only rate on enough cases being 重复率 (20 orders called),
 * which the composite does not count (weight 0); a unit with no case in any
 * rate the composite counts reads 无可考核工单. */
static void test_unranked_says_why(void **state)
{
    (void)state;
    report_settings s = default_weights();
    s.min_cases = 10;
    report_unit units[] = {made("Z", 3, 4, 2, 4, 1, 2, 2, 3), made("N", 0, 0, 0, 0, 0, 0, 0, 0),
                           made("B", 18, 20, 18, 20, 18, 20, 18, 20)};
    units[0].n.called = units[1].n.called = 20;     /* 重复率 on 20 cases: shown, not scored */
    report_table t = {.units = units, .n = 3};
    report_metrics_compute(&t, &s);
    const report_unit *z = in(&t, "Z"), *n = in(&t, "N");
    assert_int_equal(z->rank, 0);
    assert_true(!z->thin[RATE_REPEAT] && z->rate[RATE_REPEAT] == 0);
    assert_non_null(z->unranked);
    assert_string_equal(z->unranked, REPORT_THIN);
    assert_int_equal(n->rank, 0);
    assert_non_null(n->unranked);
    assert_string_equal(n->unranked, REPORT_NO_CASES);
    assert_null(in(&t, "B")->unranked);
    assert_int_equal(in(&t, "B")->rank, 1);
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
    char name[32];
    assert_string_equal(report_period_name(&p, name, sizeof name), "2026年第1周");  /* what pages show */
    assert_string_equal(report_period_name(&prev, name, sizeof name), "2025年第52周");
    assert_int_equal(report_period_week(&p, "2026-W53", err, sizeof err), 0);      /* 2026 has 53 weeks */
    assert_string_equal(p.from, "2026-12-28");
    assert_int_equal(report_period_week(&p, "2025-W53", err, sizeof err), -1);
    assert_non_null(strstr(err, "2025 年没有第 53 周（只有第 1 至 52 周）"));      /* and which there are */
    assert_int_equal(report_period_week(&p, "2026-47", err, sizeof err), -1);
    assert_non_null(strstr(err, "请写 上周（last）、本周（this）或 YYYY-Www"));
    assert_int_equal(report_period_day(&p, "2026-11-21", err, sizeof err), 0);
    assert_string_equal(p.to, "2026-11-22");
    assert_string_equal(report_period_name(&p, name, sizeof name), "2026年11月21日");
    report_period_previous(&prev, &p);
    assert_string_equal(prev.label, "2026-11-20");
    assert_int_equal(report_period_day(&p, "2026-11-31", err, sizeof err), -1);
    setenv("TZ", "Asia/Shanghai", 1);
    tzset();
    report_period_current(&p, 1795017600LL, 7);         /* 2026-11-19 00:00 +08: a Thursday */
    assert_string_equal(p.label, "2026-W47");
    report_period_current(&p, 1795017600LL, 1);
    assert_string_equal(p.label, "2026-11-19");
    assert_int_equal(report_period_week_named(&p, "this", 1795017600LL, err, sizeof err), 0);
    assert_string_equal(p.label, "2026-W47");
    assert_int_equal(report_period_week_named(&p, "last", 1795017600LL, err, sizeof err), 0);
    assert_string_equal(p.label, "2026-W46");
    assert_int_equal(report_period_week_named(&p, "", 1795017600LL, err, sizeof err), 0);      /* the default */
    assert_string_equal(p.label, "2026-W46");
    assert_int_equal(report_period_week_named(&p, "2026-W40", 1795017600LL, err, sizeof err), 0);
    assert_string_equal(p.from, "2026-09-28");
    assert_int_equal(report_period_week_named(&p, "next", 1795017600LL, err, sizeof err), -1);
    assert_non_null(strstr(err, "“next”不是周次：请写 上周（last）、本周（this）或 YYYY-Www"));
    /* a week not begun has no figures: its bulletin read 无可考核工单 for every unit */
    assert_int_equal(report_period_week_asked(&p, "2026-W48", 1795017600LL, err, sizeof err), -1);
    assert_string_equal(err, "2026-W48（2026-11-23 至 2026-11-29）还没有开始：请写本周（2026-W47）或以前的周");
    assert_int_equal(report_period_week_asked(&p, "2026-W47", 1795017600LL, err, sizeof err), 0);
    assert_int_equal(report_period_week_asked(&p, "本周", 1795017600LL, err, sizeof err), 0);
    assert_int_equal(report_period_week_named(&p, "本周", 1795017600LL, err, sizeof err), 0);   /* as people say it */
    assert_string_equal(p.label, "2026-W47");
    assert_int_equal(report_period_week_named(&p, "上周", 1795017600LL, err, sizeof err), 0);
    assert_string_equal(p.label, "2026-W46");
}

/* The daily sheet of a day to come is refused, saying which day was asked
 * and what may be: today in the city's time zone, or before. At 23:59 there
 * on 11-19 (15:59 UTC), 11-19 is today and 11-20 to come; the sheet of 11-20
 * showed 11-19's figures as its own. */
static void test_daily_not_a_day_to_come(void **state)
{
    (void)state;
    report_period p;
    char err[256] = "";
    const long long late = 1795017600LL + 86340;      /* 2026-11-19 23:59 +08 */
    setenv("TZ", "Asia/Shanghai", 1);
    tzset();
    assert_int_equal(report_daily_day(&p, "2026-11-19", late, err, sizeof err), 0);
    assert_string_equal(p.to, "2026-11-20");
    assert_int_equal(report_daily_day(&p, "2026-11-01", late, err, sizeof err), 0);
    assert_int_equal(report_daily_day(&p, "", late, err, sizeof err), 0);       /* none: today */
    assert_string_equal(p.label, "2026-11-19");
    assert_int_equal(report_daily_day(&p, "2026-11-20", late, err, sizeof err), -1);
    assert_string_equal(err, "“2026-11-20”晚于今天（2026-11-19）：请写今天或以前的日期");
    assert_int_equal(report_daily_day(&p, "2026-11-31", late, err, sizeof err), -1);
    assert_non_null(strstr(err, "“2026-11-31”" REPORT_NOT_A_DATE));
}

/* This week on a Monday: the week that began today, holding only today,
 * whatever the hour (00:00 there is still Sunday in UTC); a second earlier
 * it is last week's Sunday, the week's seventh day. */
static void test_this_week_on_a_monday(void **state)
{
    (void)state;
    report_period p;
    char err[256] = "";
    const long long monday = 1795968000LL;      /* 2026-11-30 00:00:00 +08, Monday of 2026-W49 */
    setenv("TZ", "Asia/Shanghai", 1);
    tzset();
    for (long long t = monday; t <= monday + 86399; t += 86399) {
        assert_int_equal(report_period_week_named(&p, "this", t, err, sizeof err), 0);
        assert_string_equal(p.label, "2026-W49");
        assert_string_equal(p.from, "2026-11-30");
        assert_string_equal(p.to, "2026-12-07");
        assert_int_equal(report_period_days_begun(&p, t), 1);
        assert_int_equal(report_period_week_named(&p, "last", t, err, sizeof err), 0);
        assert_string_equal(p.label, "2026-W48");
        assert_int_equal(report_period_days_begun(&p, t), 7);
    }
    assert_int_equal(report_period_week_named(&p, "this", monday - 1, err, sizeof err), 0);
    assert_string_equal(p.label, "2026-W48");       /* Sunday 23:59:59: the week's last second */
    assert_int_equal(report_period_days_begun(&p, monday - 1), 7);
    assert_int_equal(report_period_week(&p, "2026-W49", err, sizeof err), 0);
    assert_int_equal(report_period_days_begun(&p, monday - 1), 0);     /* not begun yet */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts_w47),
        cmocka_unit_test(test_rates_w47),
        cmocka_unit_test(test_composite_ranks_flags_w47),
        cmocka_unit_test(test_previous_week_w46),
        cmocka_unit_test(test_weights_from_config),
        cmocka_unit_test(test_equal_composites_share_a_rank),
        cmocka_unit_test(test_rates_equal_as_published_share_a_rank),
        cmocka_unit_test(test_rates_rounded_half_up),
        cmocka_unit_test(test_rates_short_of_whole_not_rounded_to_it),
        cmocka_unit_test(test_flags_when_ranks_tie),
        cmocka_unit_test(test_too_few_cases),
        cmocka_unit_test(test_composite_scores_every_unit_on_the_same_rates),
        cmocka_unit_test(test_unranked_says_why),
        cmocka_unit_test_setup_teardown(test_return_rate_counts_dispatches_returned, savepoint,
                                        rollback_to_savepoint),
        cmocka_unit_test_setup_teardown(test_response_rate_counts_decided_acceptances, savepoint,
                                        rollback_to_savepoint),
        cmocka_unit_test_setup_teardown(test_resolution_rate_counts_decided_deadlines, savepoint,
                                        rollback_to_savepoint),
        cmocka_unit_test_setup_teardown(test_callback_counts_for_the_owner_it_judged, savepoint,
                                        rollback_to_savepoint),
        cmocka_unit_test(test_periods),
        cmocka_unit_test(test_daily_not_a_day_to_come),
        cmocka_unit_test(test_this_week_on_a_monday),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
