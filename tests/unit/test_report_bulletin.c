/* test_report_bulletin.c — what the weekly bulletin gathers beside the
 * metrics, on the fixture fortnight (tests/fixtures/report_week.sql) and a
 * few orders added per test: hot spots that count every order called in the
 * week once (the manual queue, orders not routed yet, conduct complaints, a
 * merged repeat at its own place), category names instead of codes, the
 * listed orders' resolve deadline and its state in every row, its headings
 * naming alerts 告警 as every other page does, time spent waiting never
 * counted as late (in the metrics, the list and the daily sheet), and a
 * unit's alerts counted alike on the daily sheet, in jiesu report and in the
 * list, an overdue deadline listed under the unit the metrics charge, the
 * list's alerts those its reader is shown, and the daily sheet counting
 * deadlines and closings for the units the bulletin does.
 *
 * Needs JIESU_TEST_PG (a migrated database); what each test adds is rolled back after it.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <cmocka.h>

#include "fixture_report_week.h"
#include "holidays.h"
#include "report_bulletin.h"
#include "report_daily.h"
#include "report_html.h"
#include "report_json.h"
#include "report_sheet.h"
#include "report_streets.h"

/* The bulletin of period p in working time on the official calendar
 * (08:30–17:30, UTC+8, the stored holidays). NULL with err. */
static report_bulletin *build_period_for(PGconn *pg, const report_period *p, int reader_unit, char *err,
                                         size_t errlen)
{
    report_settings s = {.weight = {20, 20, 30, 30, 0, 0}, .red = 1, .yellow = 2, .min_cases = 1};
    calendar *cal = calendar_new(480, 510, 1050);
    assert_true(holidays_load(pg, cal, err, errlen) >= 0);
    report_bulletin *b = report_bulletin_build(pg, "880100", reader_unit, "Asia/Shanghai", p, &s, cal, err, errlen);
    calendar_destroy(&cal);
    return b;
}

/* … read by a person of no unit (a dispatcher's). */
static report_bulletin *build_period(PGconn *pg, const report_period *p, char *err, size_t errlen)
{
    return build_period_for(pg, p, 0, err, errlen);
}

/* The bulletin of week as a person of unit reader_unit reads it (0: of none). */
static report_bulletin *build_for(PGconn *pg, const char *week, int reader_unit)
{
    report_period p;
    char err[512] = "";
    assert_int_equal(report_period_week(&p, week, err, sizeof err), 0);
    report_bulletin *b = build_period_for(pg, &p, reader_unit, err, sizeof err);
    if (!b)
        fail_msg("report_bulletin_build: %s", err);
    return b;
}

static report_bulletin *build(PGconn *pg, const char *week)
{
    return build_for(pg, week, 0);
}

/* The id of the unit of code, added as a unit of kind named name when not there. */
static int unit_of(PGconn *pg, const char *code, const char *name, const char *kind)
{
    const char *params[] = {code, name, kind};
    PGresult *res = PQexecParams(pg,
                                 "WITH n AS (INSERT INTO units (code, name, kind, region_code)"
                                 " SELECT $1, $2, $3, left($1, 6) WHERE NOT EXISTS (SELECT 1 FROM units WHERE code = $1)"
                                 " RETURNING id) SELECT id FROM n UNION ALL SELECT id FROM units WHERE code = $1",
                                 3, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
        fail_msg("unit %s: %s", code, PQerrorMessage(pg));
    int id = atoi(PQgetvalue(res, 0, 0));
    PQclear(res);
    return id;
}

/* Other tests' orders called in the fortnight (imports not routed, say:
 * unplaced orders count everywhere) are moved out of it for this test. */
static int only_fixture_orders(void **state)
{
    savepoint(state);
    exec_ok(*state, "UPDATE complaints SET called_at = called_at - interval '20 years'"
                    " WHERE ticket_no NOT LIKE 'FX-%' AND called_at >= '2026-11-09 00:00+08'"
                    " AND called_at < '2026-11-23 00:00+08'");
    return 0;
}

/* The row named name (or, for a row that is not ranked, of that kind). */
static const report_hotspot *row(const report_hotspot *h, size_t n, report_hot_kind kind, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (h[i].kind == kind && (kind != HOT_RANKED || strcmp(h[i].name, name) == 0))
            return &h[i];
    fail_msg("no hot spot row %s (kind %d)", name, (int)kind);
    return NULL;
}

static void expect(const report_hotspot *h, size_t n, report_hot_kind kind, const char *name, long count,
                   long prev)
{
    const report_hotspot *r = row(h, n, kind, name);
    if (r->count != count || r->prev != prev)
        fail_msg("hot spot %s: %ld (week before %ld), expected %ld (%ld)", r->name, r->count, r->prev, count, prev);
}

/* The orders of the fixture's W47 plus: U1 not routed yet (the hotline's
 * category 城市管理-占道经营), U2 not routed and without any category, K1 a
 * conduct complaint at 南街道 owned by the district's discipline inspection,
 * R3 a repeat of E1 merged into it but routed itself to 南街道, H1 handed
 * back to the city hotline (another district's address), its category not
 * known. */
static void add_orders(PGconn *pg)
{
    exec_ok(pg, "INSERT INTO units (code, name, kind, region_code) VALUES"
                " ('880100.discipline', '样例区纪委监委', 'discipline', '880100')");
    exec_ok(pg, "INSERT INTO complaints (ticket_no, called_at, address, content, status, category, category_raw)"
                " VALUES ('FX-U1', '2026-11-20 08:00+08', '样例路', '占道', 'new', NULL, '城市管理-占道经营'),"
                "        ('FX-U2', '2026-11-20 08:10+08', '样例路', '不明', 'new', NULL, NULL),"
                "        ('FX-H1', '2026-11-20 09:00+08', '黄岛区长江中路', '不明', 'handed_back', NULL, NULL),"
                "        ('FX-K1', '2026-11-19 08:00+08', '南街道', '街道办不作为', 'dispatched', 'conduct', NULL),"
                "        ('FX-R3', '2026-11-19 09:00+08', '样例路E1号', '垃圾', 'dispatched', 'garbage', NULL)");
    exec_ok(pg, "UPDATE complaints SET parent_id = (SELECT id FROM complaints WHERE ticket_no = 'FX-E1')"
                " WHERE ticket_no = 'FX-R3'");
    exec_ok(pg, "INSERT INTO assignments (complaint_id, unit_id, role, street_code, rule, reasons)"
                " SELECT c.id, u.id, 'owner', '880100003', 'fixture', 'fixture' FROM complaints c, units u"
                " WHERE (c.ticket_no, u.code) IN (('FX-K1', '880100.discipline'), ('FX-R3', '880100003'))");
}

static void test_hot_spots_count_every_order(void **state)
{
    PGconn *pg = *state;
    add_orders(pg);
    report_bulletin *b = build(pg, "2026-W47");
    const report_hotspot *c = b->categories, *p = b->places;
    size_t nc = b->n_categories, np = b->n_places;
    expect(c, nc, HOT_RANKED, "garbage", 6, 2);             /* E1, E2, W1 (manual queue), W4, S1, R3 */
    expect(c, nc, HOT_RANKED, "噪声扰民", 4, 1);             /* noise, by its name: E3, W2, W3, S3 */
    expect(c, nc, HOT_RANKED, "road", 2, 0);
    expect(c, nc, HOT_RANKED, "农贸市场", 1, 0);
    expect(c, nc, HOT_RANKED, "占道经营", 1, 0);             /* U1, through the hotline's category */
    expect(c, nc, HOT_RANKED, "纪检监察", 1, 0);             /* K1, a count only */
    expect(c, nc, HOT_UNKNOWN, "", 2, 0);                   /* U2, H1 */
    expect(c, nc, HOT_TOTAL, "", 17, 3);
    expect(p, np, HOT_RANKED, "东一社区居民委员会", 2, 0);   /* E1, E2; not R3 */
    expect(p, np, HOT_RANKED, "东街道", 2, 1);
    expect(p, np, HOT_RANKED, "西街道", 3, 1);               /* W2, W4 and W3 (never routed: its parent's) */
    expect(p, np, HOT_RANKED, "南街道", 5, 0);               /* S1-S3, K1, R3 */
    expect(p, np, HOT_RANKED, "样例区市场监管局", 1, 0);
    expect(p, np, HOT_MANUAL, "", 1, 0);                    /* W1 */
    expect(p, np, HOT_UNROUTED, "", 2, 0);                  /* U1, U2; not H1 */
    expect(p, np, HOT_HANDED_BACK, "", 1, 0);               /* H1 */
    expect(p, np, HOT_TOTAL, "", 17, 3);
    assert_string_equal(row(p, np, HOT_MANUAL, "")->name, "待人工派单");
    assert_string_equal(row(p, np, HOT_HANDED_BACK, "")->name, "已退回热线");
    assert_string_equal(c[0].name, "garbage");              /* the most orders first */
    assert_int_equal(c[nc - 1].kind, HOT_TOTAL);
    report_bulletin_free(&b);
}

/* Beyond ten, the rest goes to 其他, and the rows still add up. */
static void test_hot_spots_beyond_ten(void **state)
{
    PGconn *pg = *state;
    exec_ok(pg, "INSERT INTO complaints (ticket_no, called_at, address, content, status, category)"
                " SELECT 'FX-C' || i, '2026-11-18 08:00+08', '样例路', '样例', 'new', 'cat' || i"
                " FROM generate_series(1, 12) i");
    report_bulletin *b = build(pg, "2026-W47");
    size_t ranked = 0;
    for (size_t i = 0; i < b->n_categories; i++)
        ranked += b->categories[i].kind == HOT_RANKED;
    assert_int_equal(ranked, REPORT_HOTSPOTS);
    /* 4 + 4 categories of the fixture and 12 new ones: garbage, noise, road
     * and 7 of the others ranked; the rest in 其他 */
    expect(b->categories, b->n_categories, HOT_OTHER, "", 24 - (5 + 4 + 2 + 7), 0);
    expect(b->categories, b->n_categories, HOT_TOTAL, "", 24, 3);
    report_bulletin_free(&b);
}

static const report_order *order(const report_bulletin *b, const char *ticket)
{
    for (size_t i = 0; i < b->n_orders; i++)
        if (strcmp(b->orders[i].ticket, ticket) == 0)
            return &b->orders[i];
    fail_msg("order %s not listed", ticket);
    return NULL;
}

/* Every listed order shows its resolve deadline and that deadline's state:
 * E4 is listed for an alert only (its deadline falls due the week after) and
 * had both columns blank; escalated for its 签收, it shows that deadline. */
static void test_orders_show_deadline_and_state(void **state)
{
    PGconn *pg = *state;
    exec_ok(pg, "INSERT INTO alerts (complaint_id, rung, cycle, unit_id, target, reason, created_at)"
                " SELECT c.id, 'remind', 1, u.id, 'fixture', 'fixture', '2026-11-20 10:00+08'"
                " FROM complaints c, units u WHERE c.ticket_no = 'FX-E4' AND u.code = '880100001'");
    report_bulletin *b = build(pg, "2026-W47");
    const report_order *e4 = order(b, "FX-E4"), *w4 = order(b, "FX-W4"), *w2 = order(b, "FX-W2");
    assert_string_equal(e4->due_at, "2026-11-24 09:10");
    assert_string_equal(e4->state, "open");
    assert_string_equal(report_state_label(e4->deadline, e4->state), "未到期");
    assert_string_equal(e4->rung, "remind");
    assert_string_equal(w4->due_at, "2026-11-22 10:10");
    assert_string_equal(w4->state, "overdue");
    /* Late in working time: W4 fell due on Sunday 10:10 and the week ends that night (13 h 50 min on
     * the clock, no working hour); W2 fell due on Friday 10:10 and was fixed on Saturday: 7 h 20 min
     * of Friday's working day, not the clock's 23 h 50 min. */
    assert_true(w4->hours_late == 0);
    assert_true(w2->hours_late > 7.29 && w2->hours_late < 7.31);
    assert_string_equal(w2->state, "late");
    /* … and every table shows W4's 0.0 working hours: "–" beside 超期未办结 read as not late */
    assert_true(report_order_late_shown(w4) == 0);
    assert_true(isnan(report_order_late_shown(e4)));
    assert_string_equal(w2->category, "噪声扰民");
    for (size_t i = 0; i < b->n_orders; i++)
        if (!b->orders[i].due_at[0] || !b->orders[i].state[0])
            fail_msg("order %s: due '%s', state '%s'", b->orders[i].ticket, b->orders[i].due_at, b->orders[i].state);
    report_bulletin_free(&b);
    /* E4 accepted at 14:00, due 11:10, and given a 督办 on that: the row is the 签收's, read 未到期 before */
    exec_ok(pg, "WITH d AS (UPDATE deadlines d SET met_at = '2026-11-19 14:00+08' FROM complaints c WHERE c.id ="
                " d.complaint_id AND c.ticket_no = 'FX-E4' AND d.kind = 'accept' RETURNING d.id, d.complaint_id)"
                " INSERT INTO alerts (complaint_id, deadline_id, rung, cycle, target, reason, created_at)"
                " SELECT complaint_id, id, 'supervise', 1, 'fixture', 'fixture', '2026-11-19 12:00+08' FROM d");
    e4 = order(b = build(pg, "2026-W47"), "FX-E4");
    assert_string_equal(report_deadline_label(e4->deadline), "签收");
    assert_string_equal(e4->due_at, "2026-11-19 11:10");
    assert_string_equal(report_state_label(e4->deadline, e4->state), "超期签收");
    assert_true(fabs(report_order_late_shown(e4) - 2.8) < 0.01);
    report_bulletin_free(&b);
}

/* An order fixed two working minutes late is 0.1 hours late, not 0.0 (nor
 * "–", as if on time): W2 fixed at 10:12 on the Friday it fell due at 10:10. */
static void test_minutes_late_not_rounded_away(void **state)
{
    PGconn *pg = *state;
    exec_ok(pg, "UPDATE deadlines d SET met_at = d.due_at + interval '2 minutes' FROM complaints c"
                " WHERE c.id = d.complaint_id AND c.ticket_no = 'FX-W2' AND d.kind = 'resolve'");
    report_bulletin *b = build(pg, "2026-W47");
    const report_order *w2 = order(b, "FX-W2");
    assert_string_equal(w2->state, "late");
    if (w2->hours_late != 0.1)
        fail_msg("FX-W2 %.2f hours late, expected 0.1 (two working minutes)", w2->hours_late);
    report_bulletin_free(&b);
}

/* The row of street code on day's sheet, into *row. */
static void sheet_row(PGconn *pg, const char *day, const char *code, report_daily_row *row)
{
    report_period p;
    char err[512] = "";
    assert_int_equal(report_period_day(&p, day, err, sizeof err), 0);
    report_daily *d = report_daily_run(pg, "880100", "Asia/Shanghai", &p, err, sizeof err);
    if (!d)
        fail_msg("report_daily_run: %s", err);
    size_t i = 0;
    while (i < d->n && strcmp(d->rows[i].code, code) != 0)
        i++;
    if (i == d->n)
        fail_msg("no row of %s on the sheet of %s", code, day);
    *row = d->rows[i];
    report_daily_free(&d);
}

/* Two orders of 东街道 waiting (暂缓办理), their resolve deadlines paused: P1
 * since Thursday 11-19 10:00, before its due time Friday 09:10, so not due
 * (its due time moves when the clock runs again); P2 since Thursday 15:00,
 * after its due time 09:10 that day, so late by 5 h 50 min of work when it
 * stopped. P1 was counted due and unmet (东's 整改率 3/6, not 3/5), listed
 * with the waiting to the week's end as 8.3 hours late, and due and overdue
 * on Friday's sheet; P2 was 17.3 hours late, its days of waiting too. */
static void test_waiting_is_not_late(void **state)
{
    PGconn *pg = *state;
    exec_ok(pg, "INSERT INTO complaints (ticket_no, called_at, address, content, status, category) VALUES"
                " ('FX-P1', '2026-11-18 09:00+08', '样例路P1号', '样例', 'waiting', 'road'),"
                " ('FX-P2', '2026-11-18 09:00+08', '样例路P2号', '样例', 'waiting', 'road')");
    exec_ok(pg, "INSERT INTO assignments (complaint_id, unit_id, role, street_code, rule, reasons, created_at)"
                " SELECT c.id, u.id, 'owner', u.code, 'fixture', 'fixture', '2026-11-18 09:10+08'"
                " FROM complaints c, units u WHERE c.ticket_no IN ('FX-P1', 'FX-P2') AND u.code = '" EAST "'");
    exec_ok(pg, "INSERT INTO deadlines (complaint_id, kind, cycle, started_at, due_at, paused_at, unit_id)"
                " SELECT c.id, 'resolve', 1, '2026-11-18 09:10+08', x.due::timestamptz, x.paused::timestamptz, u.id"
                " FROM (VALUES ('FX-P1', '2026-11-20 09:10+08', '2026-11-19 10:00+08'),"
                "              ('FX-P2', '2026-11-19 09:10+08', '2026-11-19 15:00+08')) x(t, due, paused)"
                " JOIN complaints c ON c.ticket_no = x.t JOIN units u ON u.code = '" EAST "'");
    report_bulletin *b = build(pg, "2026-W47");
    const report_unit *east = report_table_find(b->cur, EAST);
    assert_non_null(east);
    assert_int_equal(east->n.due, 5);
    assert_int_equal(east->n.on_time, 3);
    assert_int_equal(east->overdue, 2);
    for (size_t i = 0; i < b->n_orders; i++)
        if (strcmp(b->orders[i].ticket, "FX-P1") == 0)
            fail_msg("FX-P1 listed as overdue (%s, %.1f hours late): it has not fallen due", b->orders[i].state,
                     b->orders[i].hours_late);
    const report_order *p2 = order(b, "FX-P2");
    assert_string_equal(p2->state, "paused");
    if (p2->hours_late < 5.79 || p2->hours_late > 5.81)
        fail_msg("FX-P2 %.1f hours late, expected 5.8 (up to its pause)", p2->hours_late);
    report_bulletin_free(&b);

    report_daily_row r;
    sheet_row(pg, "2026-11-20", EAST, &r);
    if (r.in_progress != 3 || r.due_today != 0 || r.overdue != 1)
        fail_msg("东街道 on 11-20: in progress %ld, due today %ld, overdue %ld; expected 3, 0, 1 (P2 only)",
                 r.in_progress, r.due_today, r.overdue);
}

/* A past week's list says each order's state at the week's end: FX-P3 fell
 * due Thursday 11-19 09:10 unmet and was put to wait the Tuesday after, so
 * W47 ended with it overdue (17.3 hours of work late by Friday's end); it
 * read 暂停计时 there, as if it had been waiting then. */
static void test_paused_after_the_week_was_overdue_in_it(void **state)
{
    PGconn *pg = *state;
    exec_ok(pg, "INSERT INTO complaints (ticket_no, called_at, address, content, status, category) VALUES"
                " ('FX-P3', '2026-11-18 09:00+08', '样例路P3号', '样例', 'waiting', 'road')");
    exec_ok(pg, "INSERT INTO assignments (complaint_id, unit_id, role, street_code, rule, reasons, created_at)"
                " SELECT c.id, u.id, 'owner', u.code, 'fixture', 'fixture', '2026-11-18 09:10+08'"
                " FROM complaints c, units u WHERE c.ticket_no = 'FX-P3' AND u.code = '" EAST "'");
    exec_ok(pg, "INSERT INTO deadlines (complaint_id, kind, cycle, started_at, due_at, paused_at, unit_id)"
                " SELECT c.id, 'resolve', 1, '2026-11-18 09:10+08', '2026-11-19 09:10+08', '2026-11-24 10:00+08', u.id"
                " FROM complaints c JOIN units u ON u.code = '" EAST "' WHERE c.ticket_no = 'FX-P3'");
    report_bulletin *b = build(pg, "2026-W47");
    const report_order *p3 = order(b, "FX-P3");
    assert_string_equal(p3->state, "overdue");
    if (p3->hours_late < 17.3 || p3->hours_late > 17.4)
        fail_msg("FX-P3 %.2f hours late, expected 17.33 (to the week's end)", p3->hours_late);
    report_bulletin_free(&b);
}

/* The bulletin's page, written to a string the caller frees. */
static char *page_of(const report_bulletin *b)
{
    char *html = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&html, &len);
    report_html_bulletin(f, b, NULL);
    fclose(f);
    return html;
}

/* A figure reads the same on the page as in the files: 东's satisfaction at
 * 13 of 16 was 81.2% on the page (printf's rounding of 81.25) and 81.3 in
 * the CSV and XLSX; 南's composite 86.67 in the table read 86.7 on its bar. */
static void test_page_and_files_publish_one_figure(void **state)
{
    report_bulletin *b = build(*state, "2026-W47");
    report_unit *east = NULL;
    for (size_t i = 0; i < b->cur->n; i++)
        if (strcmp(b->cur->units[i].code, EAST) == 0)
            east = &b->cur->units[i];
    assert_non_null(east);
    east->rate[RATE_SATISFACTION] = 13.0 / 16;
    report_cell cells[REPORT_SHEET_MAX_COLS];
    REPORT_SHEETS[0].row(b, (size_t)(east - b->cur->units), cells);
    size_t col = report_sheet_ncols(&REPORT_SHEETS[0]) - 2 * (RATE_COUNT - RATE_SATISFACTION);
    assert_true(cells[col].is_num && cells[col].num == 81.3);
    char *html = page_of(b);
    const char *row = strstr(html, "东街道</td>");
    assert_non_null(row);
    if (strncmp(strstr(row, "81."), "81.3%", 5) != 0)
        fail_msg("东街道's satisfaction on the page: %.6s, the files: 81.3", strstr(row, "81."));
    assert_non_null(strstr(html, "font-size=\"12\">86.67</text>"));
    free(html);
    report_bulletin_free(&b);
}

/* The list's highest alert in words, on the page and in the files: W4's
 * supervise alert read "supervise" in the 最高预警 column. */
static void test_rungs_named_in_words(void **state)
{
    report_bulletin *b = build(*state, "2026-W47");
    const report_order *w4 = order(b, "FX-W4");
    report_cell cells[REPORT_SHEET_MAX_COLS];
    REPORT_SHEETS[1].row(b, (size_t)(w4 - b->orders), cells);
    assert_string_equal(cells[9].text, "督办");
    char *html = page_of(b);
    assert_non_null(strstr(html, "<td class=\"t\">督办</td>"));
    assert_null(strstr(html, "supervise"));
    assert_null(strstr(html, "remind"));
    free(html);
    report_bulletin_free(&b);
}

/* The printable bulletin's period line, into line (which holds cap bytes). */
static void period_line_of(const report_bulletin *b, char *line, size_t cap)
{
    char *html = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&html, &len);
    report_html_bulletin(f, b, NULL);
    fclose(f);
    const char *at = strstr(html, "统计周期");
    assert_non_null(at);
    snprintf(line, cap, "%.*s", (int)strcspn(at, "<"), at);
    free(html);
}

/* A week not over says it counts only the days so far (this week on a
 * Monday: only today); a past week does not. */
static void test_this_week_says_so_far(void **state)
{
    PGconn *pg = *state;
    char line[512], want[128];
    report_period p;
    char err[512] = "";
    long long now = (long long)time(NULL);
    report_period_current(&p, now, 7);
    report_bulletin *b = build_period(pg, &p, err, sizeof err);
    assert_non_null(b);
    assert_int_equal(b->days_begun, report_period_days_begun(&p, now));
    assert_true(b->days_begun >= 1 && b->days_begun <= 7);
    period_line_of(b, line, sizeof line);
    snprintf(want, sizeof want, "（本周至今：只含已过的 %d 天", b->days_begun);
    if ((b->days_begun < 7) != (strstr(line, want) != NULL))
        fail_msg("this week's period line: %s", line);
    report_bulletin_free(&b);
    b = build(pg, "2026-W47");
    assert_int_equal(b->days_begun, 7);
    period_line_of(b, line, sizeof line);
    assert_null(strstr(line, "本周至今"));
    report_bulletin_free(&b);
}

/* This week's hot spots beside the same days of last week, headed so
 * (上周同期): on a Tuesday, last week's Monday and Tuesday, where all of last
 * week stood beside two days and every row read as a fall. H-MON was called
 * on last week's Monday, H-SUN on its Sunday: counted only when this week
 * has reached its Sunday too. */
static void test_hot_spots_beside_same_days(void **state)
{
    PGconn *pg = *state;
    char err[512] = "", sql[512];
    report_period p, prev;
    long long now = (long long)time(NULL);
    report_period_current(&p, now, 7);
    report_period_previous(&prev, &p);
    snprintf(sql, sizeof sql,
             "INSERT INTO complaints (ticket_no, called_at, address, content, status, category) VALUES"
             " ('H-MON', ('%s'::date + time '12:00') AT TIME ZONE 'Asia/Shanghai', '样例路', '垃圾', 'new', 'garbage'),"
             " ('H-SUN', ('%s'::date + time '12:00') AT TIME ZONE 'Asia/Shanghai', '样例路', '垃圾', 'new', 'garbage')",
             prev.from, prev.last);
    exec_ok(pg, sql);
    report_bulletin *b = build_period(pg, &p, err, sizeof err);
    assert_non_null(b);
    const report_hotspot *total = row(b->places, b->n_places, HOT_TOTAL, "");
    assert_int_equal(total->prev, b->days_begun == 7 ? 2 : 1);
    report_cell cell;
    report_sheet_header(&REPORT_SHEETS[2], b, 3, &cell);
    assert_string_equal(cell.text, b->days_begun == 7 ? "上周" : "上周同期");
    report_bulletin_free(&b);
}

/* A past week's bulletin, as far as the sheets' headings read one. */
static const report_bulletin PAST_WEEK = {.days_begun = 7};

/* The bulletin's files (every sheet's title and headings) and its printable
 * page say 告警 for alerts, as jiesu alerts, the daily sheet and the wall
 * board do: the orders' list read 超期及预警工单, 最高预警, 预警数. */
static void test_alerts_named_as_everywhere(void **state)
{
    PGconn *pg = *state;
    report_cell cell;
    char *html = NULL;
    size_t len = 0;
    for (size_t i = 0; i < REPORT_NSHEETS; i++) {
        const report_sheet *s = &REPORT_SHEETS[i];
        if (strstr(s->title, "预警"))
            fail_msg("sheet %s: %s", s->name, s->title);
        for (size_t col = 0; col < report_sheet_ncols(s); col++) {
            report_sheet_header(s, &PAST_WEEK, col, &cell);
            if (strstr(cell.text, "预警"))
                fail_msg("sheet %s, column %zu: %s", s->name, col + 1, cell.text);
        }
    }
    report_bulletin *b = build(pg, "2026-W47");
    FILE *f = open_memstream(&html, &len);
    report_html_bulletin(f, b, NULL);
    fclose(f);
    assert_non_null(strstr(html, "<h2>超期及告警工单（按单位）</h2>"));
    assert_non_null(strstr(html, ">最高告警</th><th>告警数</th>"));
    assert_null(strstr(html, "预警"));
    free(html);
    report_bulletin_free(&b);
}

/* The column of sheet s headed head, or fail. */
static size_t column(const report_sheet *s, const char *head)
{
    report_cell cell;
    for (size_t col = 0; col < report_sheet_ncols(s); col++) {
        report_sheet_header(s, &PAST_WEEK, col, &cell);
        if (strcmp(cell.text, head) == 0)
            return col;
    }
    fail_msg("sheet %s has no column %s", s->name, head);
    return 0;
}

/* 环比 is a difference, and says of what: the composite's, of two scores
 * made of percentages, in percentage points (百分点) on the printable page,
 * the dashboard and the ranking sheet (CSV and XLSX), where +3.20 read as
 * 3.2% more; the hot spots', of orders (件). By hand (weights 20/20/30/30):
 * 东街道 72.50 in W47, 80 in W46 ((20 * 1 + 20 * 0 + 30 * 1 + 30 * 1) / 100:
 * its response and resolution rates, and for want of callbacks and of
 * deadlines due, the streets' pooled 满意率 and 整改率, 2 of 2 each), so
 * -7.50 points, the same figure on the page and in the files. */
static void test_change_says_what_it_is(void **state)
{
    char *html = NULL;
    size_t len = 0;
    report_cell cells[REPORT_SHEET_MAX_COLS];
    report_bulletin *b = build(*state, "2026-W47");
    size_t east = 0;
    while (strcmp(b->cur->units[east].code, EAST) != 0)
        east++;
    REPORT_SHEETS[0].row(b, east, cells);
    size_t col = column(&REPORT_SHEETS[0], "环比（百分点）");
    assert_true(cells[col].is_num && cells[col].num == -7.5);
    column(&REPORT_SHEETS[2], "环比（件）");
    FILE *f = open_memstream(&html, &len);
    report_html_bulletin(f, b, NULL);
    report_html_dashboard(f, b, NULL, 0, NULL, NULL, NULL, 0);
    fclose(f);
    const char *page = strstr(html, "<th>环比（百分点）</th>");
    assert_non_null(page);
    assert_non_null(strstr(page + 1, "<th>环比（百分点）</th>"));           /* the dashboard's too */
    assert_null(strstr(html, "<th>环比</th>"));
    const char *row = strstr(html, "东街道</td>");
    assert_non_null(row);
    assert_non_null(strstr(row, "<td class=\"down\">-7.50</td>"));
    free(html);
    report_bulletin_free(&b);
}

/* 西街道's alerts (告警次数) on the daily sheet of 11-22 and in jiesu report. */
static void west_alerts(PGconn *pg, long *daily, long *report, long *east_report)
{
    char err[512] = "";
    report_daily_row row;
    sheet_row(pg, "2026-11-22", WEST, &row);
    *daily = row.escalated;
    report_scope scope = {.districts = "880100", .timezone = "Asia/Shanghai"};
    Jiesu__ReportReply *r = report_streets(pg, &scope, err, sizeof err);
    if (!r)
        fail_msg("report_streets: %s", err);
    for (size_t i = 0; i < r->n_streets; i++) {
        if (strcmp(r->streets[i]->street_code, WEST) == 0)
            *report = r->streets[i]->alerts;
        if (strcmp(r->streets[i]->street_code, EAST) == 0)
            *east_report = r->streets[i]->alerts;
    }
    report_reply_free(&r);
}

/* The daily sheet and jiesu report count a unit's alerts by one rule
 * (alerts_counted, migration 059): the alerts about its orders, each for the unit whose
 * deadline it climbed. On 11-22, beside W4's remind and supervise, 西街道 had
 * a remind on a deadline of its own of FX-E4 (东街道's order now), and
 * escalation found its overdue rate too high (单位超期率过高: about the
 * unit, no order). The sheet counted that one too (4), and jiesu report
 * counted E4's remind for 东, the order's owner now (西 3: W2's and W4's). */
static void test_alerts_counted_alike(void **state)
{
    PGconn *pg = *state;
    exec_ok(pg, "INSERT INTO alerts (complaint_id, rung, cycle, unit_id, target, subject, reason, created_at)"
                " SELECT NULL, 'unit_overdue', 1, u.id, 'discipline', 'fixture', '单位超期率过高：西街道',"
                " '2026-11-22 08:00+08' FROM units u WHERE u.code = '" WEST "'");
    exec_ok(pg, "INSERT INTO alerts (complaint_id, rung, cycle, unit_id, target, reason, created_at)"
                " SELECT c.id, 'remind', 1, u.id, 'fixture', 'fixture', '2026-11-22 12:00+08'"
                " FROM complaints c, units u WHERE c.ticket_no = 'FX-E4' AND u.code = '" WEST "'");
    long daily = -1, report = -1, east = -1;
    west_alerts(pg, &daily, &report, &east);
    if (daily != 3 || report != 4 || east != 1)
        fail_msg("西街道's alerts: %ld on 11-22's sheet, %ld in jiesu report (东 %ld); expected 3 (W4's two, E4's),"
                 " 4 (and W2's), 1 (E0's)", daily, report, east);
}

/* The codes of the units the list names ticket under, comma-separated, into
 * units (cap bytes). */
static void listed_under(const report_bulletin *b, const char *ticket, char *units, size_t cap)
{
    *units = '\0';
    for (size_t i = 0; i < b->n_orders; i++)
        if (strcmp(b->orders[i].ticket, ticket) == 0)
            snprintf(units + strlen(units), cap - strlen(units), "%s%s", *units ? "," : "", b->orders[i].unit_code);
}

/* W47's list, read by a person of reader_unit (0: of none), names FX-S1
 * under 南街道, its owner, and no other unit. */
static void assert_s1_listed_under_owner(PGconn *pg, int reader_unit)
{
    report_bulletin *b = build_for(pg, "2026-W47", reader_unit);
    char units[256];
    listed_under(b, "FX-S1", units, sizeof units);
    if (strcmp(units, SOUTH) != 0)
        fail_msg("FX-S1 listed under %s; expected " SOUTH " (南街道, its owner) only", *units ? units : "no unit");
    report_bulletin_free(&b);
}

/* The list names an order under the unit its alert counts for, as every
 * count of alerts does (alerts_counted, migration 059): a repeat alert on FX-S1 (南街道's,
 * 城管局 co-handling) names no unit, so it counts for the owner, 南街道, only.
 * The list put S1 under 南街道 and again under 城管局. Read by the campaign
 * office, to which the alert went (a repeat is its to read). */
static void test_alert_listed_where_counted(void **state)
{
    PGconn *pg = *state;
    char sql[512];
    int campaign = unit_of(pg, "880100.campaign", "样例区创城办", "campaign");
    snprintf(sql, sizeof sql,
             "INSERT INTO alerts (complaint_id, rung, cycle, unit_id, target, target_unit_id, reason, created_at)"
             " SELECT c.id, 'repeat', 1, NULL, 'campaign', %d, 'fixture', '2026-11-19 11:00+08'"
             " FROM complaints c WHERE c.ticket_no = 'FX-S1'", campaign);
    exec_ok(pg, sql);
    assert_s1_listed_under_owner(pg, campaign);
}

/* Of an order's alerts, the list shows each reader those every view shows it
 * (VIEW_ALERT_SHOWN): 西街道's FX-W4, with its 催办 and 督办, was given a
 * 问责预警, which went to discipline inspection. 西街道 and a dispatcher read
 * 最高告警 督办 of the two they are shown, discipline inspection 问责预警 of
 * three. Before, all of them read 问责预警 of three: 西街道 an alert kept
 * from it on its own order's page and the wall board. */
static void test_highest_alert_shown_to_reader(void **state)
{
    PGconn *pg = *state;
    char sql[512];
    int discipline = unit_of(pg, "880100.discipline", "样例区纪委监委", "discipline");
    int west = unit_of(pg, WEST, "", "street");
    snprintf(sql, sizeof sql,
             "INSERT INTO alerts (complaint_id, rung, cycle, unit_id, target, target_unit_id, reason, created_at)"
             " SELECT c.id, 'accountability', 1, %d, 'discipline', %d, 'fixture', '2026-11-22 18:00+08'"
             " FROM complaints c WHERE c.ticket_no = 'FX-W4'", west, discipline);
    exec_ok(pg, sql);
    const int readers[] = {west, 0, discipline};
    const char *const rung[] = {"supervise", "supervise", "accountability"};
    const long alerts[] = {2, 2, 3};
    for (size_t i = 0; i < 3; i++) {
        report_bulletin *b = build_for(pg, "2026-W47", readers[i]);
        const report_order *w4 = order(b, "FX-W4");
        if (strcmp(w4->rung, rung[i]) != 0 || w4->alerts != alerts[i])
            fail_msg("FX-W4 read by unit %d: %s of %ld alerts; expected %s of %ld", readers[i], w4->rung, w4->alerts,
                     rung[i], alerts[i]);
        report_bulletin_free(&b);
    }
}

/* The list names an order under the unit its overdue deadline counts for in
 * the ranked metrics (deadlines_counted, migration 062): FX-S1's resolve
 * deadline has no unit (南街道's, 城管局 co-handling), so, met late, it is
 * 南街道's late deadline (整改率) and 南街道's row of the list only. The list
 * put S1 under 南街道 and again under 城管局, which no metric charged. */
static void test_deadline_listed_where_counted(void **state)
{
    PGconn *pg = *state;
    exec_ok(pg, "UPDATE deadlines d SET met_at = '2026-11-19 16:00+08' FROM complaints c"
                " WHERE c.id = d.complaint_id AND c.ticket_no = 'FX-S1' AND d.kind = 'resolve'");
    assert_s1_listed_under_owner(pg, 0);
}

/* The daily sheet counts a deadline and a closing for the unit it counts for
 * in the bulletin (deadlines_counted, closings_counted; migrations 062, 064):
 * FX-S1 is 南街道's, co-handled by 城管局 and here by 北街道 too; its resolve
 * deadline has no unit, falls due 11-19 14:10 and stays unmet, and the order
 * is closed 11-20 (a closing naming no unit). On 11-19 every deadline of 南
 * and 北 due that day is on the bulletin of that day, so the sheet's 当日到期
 * and 超期 are the bulletin's due and overdue of each, and its list names S1
 * under 南 only; 北's 销号 of 11-20 has no S1. The sheet counted S1 for 北
 * too (in progress, due today, overdue, closed), and its stored rows held
 * S1's and S2's deadlines for 城管局, which no figure of the bulletin did. */
static void test_sheet_counts_where_bulletin_does(void **state)
{
    PGconn *pg = *state;
    exec_ok(pg, "UPDATE deadlines d SET met_at = NULL FROM complaints c"
                " WHERE c.id = d.complaint_id AND c.ticket_no = 'FX-S1' AND d.kind = 'resolve'");
    exec_ok(pg, "INSERT INTO assignments (complaint_id, unit_id, role, rule, reasons, created_at)"
                " SELECT c.id, u.id, 'co', 'fixture', 'fixture', '2026-11-16 14:10+08' FROM complaints c, units u"
                " WHERE c.ticket_no = 'FX-S1' AND u.code = '" NORTH "'");
    report_period day;
    char err[512] = "", units[256];
    assert_int_equal(report_period_day(&day, "2026-11-19", err, sizeof err), 0);
    report_bulletin *b = build_period(pg, &day, err, sizeof err);
    if (!b)
        fail_msg("report_bulletin_build: %s", err);
    const char *streets[] = {SOUTH, NORTH};
    for (size_t i = 0; i < 2; i++) {
        report_daily_row r;
        sheet_row(pg, "2026-11-19", streets[i], &r);
        const report_unit *u = report_table_find(b->cur, streets[i]);
        assert_non_null(u);
        if (r.due_today != u->n.due || r.overdue != u->overdue)
            fail_msg("%s on 11-19: the sheet's due today %ld, overdue %ld (in progress %ld); the bulletin's due %ld,"
                     " overdue %ld", r.name, r.due_today, r.overdue, r.in_progress, u->n.due, u->overdue);
    }
    listed_under(b, "FX-S1", units, sizeof units);
    assert_string_equal(units, SOUTH);
    report_bulletin_free(&b);
    report_daily_row south, north;
    sheet_row(pg, "2026-11-20", SOUTH, &south);
    sheet_row(pg, "2026-11-20", NORTH, &north);
    if (south.closed != 1 || north.closed != 0 || north.in_progress != 0)
        fail_msg("closed on 11-20: 南街道 %ld, 北街道 %ld (in progress %ld); expected 1 (S1), 0, 0", south.closed,
                 north.closed, north.in_progress);
    PGresult *res = PQexec(pg, "SELECT count(*) FROM report_sheet_facts(ARRAY['2026-11-16', '2026-11-18']::date[],"
                               " 'Asia/Shanghai') f JOIN units u ON u.id = f.unit_id WHERE u.code = '" CG "'");
    assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
    if (strcmp(PQgetvalue(res, 0, 0), "0") != 0)
        fail_msg("城管局 has %s stored row(s) of the sheet for S1's and S2's deadlines; expected none",
                 PQgetvalue(res, 0, 0));
    PQclear(res);
}

/* A unit not ranked says why, the same on the page, in the files and in the
 * JSON: 北街道, without a case in W47, read "–" on the page and nothing in
 * the files, and 南街道's rank of W46, a week without a case, "–" too; the
 * JSON gave that rank as null (prev_rank) with no reason beside it, where
 * this week's has one (unranked). */
static void test_unranked_says_why(void **state)
{
    report_bulletin *b = build(*state, "2026-W47");
    report_cell cells[REPORT_SHEET_MAX_COLS];
    size_t rank = column(&REPORT_SHEETS[0], "排名"), prev = column(&REPORT_SHEETS[0], "上周排名");
    for (size_t i = 0; i < b->cur->n; i++) {
        const char *code = b->cur->units[i].code;
        REPORT_SHEETS[0].row(b, i, cells);
        if (strcmp(code, NORTH) == 0) {
            assert_false(cells[rank].is_num);
            assert_string_equal(cells[rank].text, REPORT_NO_CASES);
        } else if (strcmp(code, SOUTH) == 0) {
            assert_false(cells[prev].is_num);
            assert_string_equal(cells[prev].text, REPORT_NO_CASES);
        }
    }
    char *html = page_of(b);
    assert_non_null(strstr(html, "<td class=\"t\">" REPORT_NO_CASES "</td><td class=\"t\">北街道</td>"));
    const char *south = strstr(html, "南街道</td>");
    assert_non_null(south);
    const char *end = strstr(south, "</tr>");
    const char *why = strstr(south, REPORT_NO_CASES);
    assert_true(why && why < end);
    free(html);
    char *json = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&json, &len);
    report_json_bulletin(f, b);
    fclose(f);
    const char *want = "\"prev_rank\": null, \"prev_unranked\": \"" REPORT_NO_CASES "\"";
    south = strstr(json, "\"name\": \"南街道\"");
    const char *prev_json = south ? strstr(south, "\"prev_rank\"") : NULL;
    if (!prev_json || strncmp(prev_json, want, strlen(want)) != 0)
        fail_msg("南街道's last week in the JSON: %.80s; expected %s", prev_json ? prev_json : "none", want);
    free(json);
    report_bulletin_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_hot_spots_count_every_order, only_fixture_orders, rollback_to_savepoint),
        cmocka_unit_test_setup_teardown(test_hot_spots_beyond_ten, only_fixture_orders, rollback_to_savepoint),
        cmocka_unit_test_setup_teardown(test_orders_show_deadline_and_state, savepoint, rollback_to_savepoint),
        cmocka_unit_test_setup_teardown(test_waiting_is_not_late, savepoint, rollback_to_savepoint),
        cmocka_unit_test_setup_teardown(test_paused_after_the_week_was_overdue_in_it, savepoint, rollback_to_savepoint),
        cmocka_unit_test(test_page_and_files_publish_one_figure),
        cmocka_unit_test(test_rungs_named_in_words),
        cmocka_unit_test(test_this_week_says_so_far),
        cmocka_unit_test(test_alerts_named_as_everywhere),
        cmocka_unit_test(test_change_says_what_it_is),
        cmocka_unit_test(test_unranked_says_why),
        cmocka_unit_test_setup_teardown(test_alerts_counted_alike, savepoint, rollback_to_savepoint),
        cmocka_unit_test_setup_teardown(test_minutes_late_not_rounded_away, savepoint, rollback_to_savepoint),
        cmocka_unit_test_setup_teardown(test_hot_spots_beside_same_days, savepoint, rollback_to_savepoint),
        cmocka_unit_test_setup_teardown(test_alert_listed_where_counted, savepoint, rollback_to_savepoint),
        cmocka_unit_test_setup_teardown(test_highest_alert_shown_to_reader, savepoint, rollback_to_savepoint),
        cmocka_unit_test_setup_teardown(test_deadline_listed_where_counted, savepoint, rollback_to_savepoint),
        cmocka_unit_test_setup_teardown(test_sheet_counts_where_bulletin_does, savepoint, rollback_to_savepoint),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
