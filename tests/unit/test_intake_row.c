/* test_intake_row.c — row validation and normalisation: every timestamp
 * format, Excel-mangled ticket numbers, missing fields, the COPY line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "intake_row.h"

enum { NCOLS = 11 };
static const char *const HEADER[NCOLS] = {"工单编号", "来电时间", "来电人", "联系电话", "诉求地址",
                                          "诉求内容", "诉求类型", "紧急程度", "经度", "纬度", "备注"};

typedef struct {
    cols_map   *map;
    intake_row *rows;
} fixture;

static int setup(void **state)
{
    static fixture fx;
    size_t lens[NCOLS];
    char err[256];
    for (int i = 0; i < NCOLS; i++)
        lens[i] = strlen(HEADER[i]);
    fx.map = cols_map_new(HEADER, lens, NCOLS, err, sizeof err);
    csv_options lim = {.max_field = 32767, .max_fields = 1024, .max_record = 1 << 22};
    fx.rows = intake_row_new(480, &lim);
    *state = &fx;
    return fx.map && fx.rows ? 0 : -1;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    cols_map_destroy(&fx->map);
    intake_row_destroy(&fx->rows);
    return 0;
}

/* Builds row 2 from n fields; the line (if any) goes to *line. */
static int build(fixture *fx, const char *const *fields, size_t n, csv_status status, size_t bad,
                 const char **line, intake_reject *rej)
{
    static size_t lens[32];
    for (size_t i = 0; i < n; i++)
        lens[i] = strlen(fields[i]);
    csv_record rec = {.nfields = n, .fields = fields, .lens = lens, .record_no = 2,
                      .line_no = 3, .status = status, .bad_field = bad};
    size_t len = 0;
    *line = NULL;
    int r = intake_row_build(fx->rows, fx->map, &rec, 7, line, &len, rej);
    if (r == INTAKE_ROW_OK)
        assert_int_equal(len, strlen(*line));
    return r;
}

static void expect_time(const char *in, const char *want)
{
    char out[32];
    if (intake_parse_time(in, strlen(in), 480, out) != 0)
        fail_msg("'%s' was not taken as a time", in);
    assert_string_equal(out, want);
}

static void test_timestamp_formats(void **state)
{
    (void)state;
    expect_time("2021-05-30 10:57", "2021-05-30 10:57:00+08:00");
    expect_time("2021-05-30 10:57:00", "2021-05-30 10:57:00+08:00");
    expect_time("2021/5/30 10:57:00", "2021-05-30 10:57:00+08:00");
    expect_time("2021/5/30 10:57", "2021-05-30 10:57:00+08:00");
    expect_time(" 2021/5/3 9:05 ", "2021-05-03 09:05:00+08:00");
    expect_time("2021.05.30 10:57:09.250", "2021-05-30 10:57:09+08:00");
    expect_time("2021年5月30日 10:57", "2021-05-30 10:57:00+08:00");
    expect_time("2021-05-30", "2021-05-30 00:00:00+08:00");
    expect_time("2021-05-30T10:57:00Z", "2021-05-30 10:57:00+00:00");
    expect_time("2021-05-30T10:57:00+09:00", "2021-05-30 10:57:00+09:00");
    expect_time("2024-02-29 23:59:59", "2024-02-29 23:59:59+08:00");
    expect_time("44346.4563", "2021-05-30 10:57:04+08:00");
    expect_time("44346", "2021-05-30 00:00:00+08:00");
    expect_time("44346.99999999", "2021-05-31 00:00:00+08:00");
    char out[32];
    const char *bad[] = {"", "yesterday", "2021-02-29 10:00", "2021-13-01 10:00", "2021-05-30 24:00",
                         "2021-05-30 10:60", "2021-05-30 10", "2021-05-30 10:57:00 extra",
                         "12345", "1.23457E+17", "2021-05/30 10:57", "99999", "1969-12-31 10:00"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (intake_parse_time(bad[i], strlen(bad[i]), 480, out) == 0)
            fail_msg("'%s' was taken as time %s", bad[i], out);
}

static void test_scientific_ticket_numbers(void **state)
{
    (void)state;
    assert_true(intake_is_scientific("1.23457E+17"));
    assert_true(intake_is_scientific("1E5"));
    assert_true(intake_is_scientific("2.02105e-3"));
    assert_false(intake_is_scientific("2021053000123"));
    assert_false(intake_is_scientific("1.5"));
    assert_false(intake_is_scientific("E5"));
    assert_false(intake_is_scientific("QD20210530E1"));
    assert_false(intake_is_scientific("1.2E"));
}

static void test_good_row_copy_line(void **state)
{
    fixture *fx = *state;
    const char *f[NCOLS] = {"20210530001", "2021/5/30 10:57", "王先生", "13812345678",
                            "崂山区中韩街道张村社区", "门口占道经营，影响通行", "市容环境", "一般",
                            "120.4681", "36.1234", "回访"};
    const char *line;
    intake_reject rej;
    assert_int_equal(build(fx, f, NCOLS, CSV_OK, 0, &line, &rej), INTAKE_ROW_OK);
    assert_string_equal(line, "7\t2\t20210530001\t2021-05-30 10:57:00+08:00\t王先生\t13812345678\t"
                              "崂山区中韩街道张村社区\t门口占道经营,影响通行\t市容环境\t一般\t"
                              "120.4681\t36.1234\t{\"备注\":\"回访\"}\n");
}

static void test_normalised_escaped_and_nulls(void **state)
{
    fixture *fx = *state;
    const char *f[] = {" ２０２１０５３０００２ ", "44346.4563", "", "", "　中韩街道  张村 ",
                       "ＡＢＣ\\路灯\r\n不亮　", "", "", "", ""};
    const char *line;
    intake_reject rej;
    assert_int_equal(build(fx, f, 10, CSV_OK, 0, &line, &rej), INTAKE_ROW_OK);
    assert_string_equal(line, "7\t2\t20210530002\t2021-05-30 10:57:04+08:00\t\\N\t\\N\t"
                              "中韩街道 张村\tABC\\\\路灯 不亮\t\\N\t\\N\t\\N\t\\N\t{}\n");
    assert_string_equal(intake_row_ticket(fx->rows), "20210530002");
}

static void expect_reject(fixture *fx, const char *const *f, size_t n, const char *column,
                          const char *reason_part)
{
    const char *line;
    intake_reject rej;
    assert_int_equal(build(fx, f, n, CSV_OK, 0, &line, &rej), INTAKE_ROW_REJECTED);
    assert_int_equal(rej.row, 2);
    assert_int_equal(rej.line, 3);
    assert_string_equal(rej.column, column);
    if (!strstr(rej.reason, reason_part))
        fail_msg("reason '%s' lacks '%s'", rej.reason, reason_part);
}

static void test_rejections(void **state)
{
    fixture *fx = *state;
    const char *no_content[] = {"1", "2021-05-30 10:57", "", "", "", "  "};
    expect_reject(fx, no_content, 6, "诉求内容", "required content is empty");
    const char *no_ticket[] = {"", "2021-05-30 10:57", "", "", "", "x"};
    expect_reject(fx, no_ticket, 6, "工单编号", "required ticket_no is empty");
    const char *short_row[] = {"1", "2021-05-30 10:57"};
    expect_reject(fx, short_row, 2, "诉求内容", "required content is empty");
    const char *excel_id[] = {"1.23457E+17", "2021-05-30 10:57", "", "", "", "x"};
    expect_reject(fx, excel_id, 6, "工单编号", "scientific notation");
    const char *bad_time[] = {"1", "2021-02-30 10:57", "", "", "", "x"};
    expect_reject(fx, bad_time, 6, "来电时间", "not a date and time");
    const char *bad_lat[] = {"1", "2021-05-30 10:57", "", "", "", "x", "", "", "120.1", "91"};
    expect_reject(fx, bad_lat, 10, "纬度", "not a latitude");
    const char *bad_lon[] = {"1", "2021-05-30 10:57", "", "", "", "x", "", "", "东经120", ""};
    expect_reject(fx, bad_lon, 10, "经度", "not a longitude");
    const char *too_many[] = {"1", "2021-05-30 10:57", "", "", "", "x", "", "", "", "", "", "", "stray"};
    expect_reject(fx, too_many, 13, "(past the last header)", "13 fields, the header has 11");
    char long_id[80];
    memset(long_id, '7', sizeof long_id - 1);
    long_id[sizeof long_id - 1] = '\0';
    const char *long_ticket[] = {long_id, "2021-05-30 10:57", "", "", "", "x"};
    expect_reject(fx, long_ticket, 6, "工单编号", "longer than 64");
}

static void test_reader_verdicts_and_blank_rows(void **state)
{
    fixture *fx = *state;
    const char *f[] = {"1", "2021-05-30 10:57", "", "", "", "x"};
    const char *line;
    intake_reject rej;
    assert_int_equal(build(fx, f, 6, CSV_ERR_FIELD_TOO_LONG, 5, &line, &rej), INTAKE_ROW_REJECTED);
    assert_string_equal(rej.column, "诉求内容");
    assert_string_equal(rej.reason, "longer than 32767 characters");
    assert_int_equal(build(fx, f, 6, CSV_ERR_ENCODING, 4, &line, &rej), INTAKE_ROW_REJECTED);
    assert_string_equal(rej.column, "诉求地址");
    assert_non_null(strstr(rej.reason, "UTF-8"));
    assert_int_equal(build(fx, f, 6, CSV_ERR_UNTERMINATED_QUOTE, 5, &line, &rej), INTAKE_ROW_REJECTED);
    assert_non_null(strstr(rej.reason, "line 3"));
    const char *blank[] = {"", " ", "", "\t"};
    assert_int_equal(build(fx, blank, 4, CSV_OK, 0, &line, &rej), INTAKE_ROW_EMPTY);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_timestamp_formats),
        cmocka_unit_test(test_scientific_ticket_numbers),
        cmocka_unit_test(test_good_row_copy_line),
        cmocka_unit_test(test_normalised_escaped_and_nulls),
        cmocka_unit_test(test_rejections),
        cmocka_unit_test(test_reader_verdicts_and_blank_rows),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
