/* test_intake_columns.c — header aliases, required columns, the extra JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "intake_columns.h"

static cols_map *map_of(const char *const *headers, size_t n, char *err, size_t errlen)
{
    size_t lens[32];
    for (size_t i = 0; i < n; i++)
        lens[i] = strlen(headers[i]);
    return cols_map_new(headers, lens, n, err, errlen);
}

static void test_chinese_headers(void **state)
{
    (void)state;
    const char *h[] = {"工单编号", "来电时间", "来电人", "联系电话", "诉求地址", "诉求内容",
                       "诉求类型", "紧急程度", "经度", "纬度"};
    char err[256] = "";
    cols_map *m = map_of(h, 10, err, sizeof err);
    assert_non_null(m);
    for (int f = 0; f < COL_COUNT; f++)
        assert_int_equal(cols_index(m, (cols_field)f), f);
    assert_string_equal(cols_header(m, 5), "诉求内容");
    assert_int_equal(cols_is_extra(m, 0), 0);
    cols_map_destroy(&m);
    assert_null(m);
}

static void test_aliases_case_and_full_width(void **state)
{
    (void)state;
    const char *h[] = {" 内容 ", "TICKET_NO", "受理时间", "ｌａｔ", "地址", "备注"};
    char err[256] = "";
    cols_map *m = map_of(h, 6, err, sizeof err);
    assert_non_null(m);
    assert_int_equal(cols_index(m, COL_CONTENT), 0);
    assert_int_equal(cols_index(m, COL_TICKET_NO), 1);
    assert_int_equal(cols_index(m, COL_CALLED_AT), 2);
    assert_int_equal(cols_index(m, COL_LAT), 3);
    assert_int_equal(cols_index(m, COL_ADDRESS), 4);
    assert_int_equal(cols_index(m, COL_LON), -1);
    assert_int_equal(cols_is_extra(m, 5), 1);
    assert_string_equal(cols_header(m, 0), "内容");
    cols_map_destroy(&m);
}

static void test_missing_required_column_named(void **state)
{
    (void)state;
    const char *h[] = {"工单编号", "诉求地址", "诉求内容"};
    char err[256] = "";
    assert_null(map_of(h, 3, err, sizeof err));
    assert_non_null(strstr(err, "called_at"));
    assert_non_null(strstr(err, "来电时间"));
}

static void test_two_columns_for_one_field(void **state)
{
    (void)state;
    const char *h[] = {"工单编号", "工单号", "来电时间", "诉求内容"};
    char err[256] = "";
    assert_null(map_of(h, 4, err, sizeof err));
    assert_non_null(strstr(err, "ticket_no"));
    assert_non_null(strstr(err, "工单号"));
}

static void test_extra_json_escaped(void **state)
{
    (void)state;
    const char *h[] = {"工单编号", "来电时间", "诉求内容", "备注", "", "承办\"单位\""};
    char err[256] = "";
    cols_map *m = map_of(h, 6, err, sizeof err);
    assert_non_null(m);
    assert_string_equal(cols_header(m, 4), "column 5");
    const char *f[] = {"1", "2021-05-30 10:57", "x", "他说\"快\"\\\t\n", "", "沙子口"};
    size_t lens[6];
    for (int i = 0; i < 6; i++)
        lens[i] = strlen(f[i]);
    char out[256];
    size_t need = cols_extra_json(m, f, lens, 6, out, sizeof out);
    const char *want = "{\"备注\":\"他说\\\"快\\\"\\\\\\u0009\\u000a\",\"承办\\\"单位\\\"\":\"沙子口\"}";
    assert_string_equal(out, want);
    assert_int_equal(need, strlen(want));
    char tiny[8];
    assert_int_equal(cols_extra_json(m, f, lens, 6, tiny, sizeof tiny), need);
    assert_int_equal(strlen(tiny), 7);
    assert_int_equal(cols_extra_json(m, f, lens, 3, out, sizeof out), 2);
    assert_string_equal(out, "{}");
    cols_map_destroy(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chinese_headers),
        cmocka_unit_test(test_aliases_case_and_full_width),
        cmocka_unit_test(test_missing_required_column_named),
        cmocka_unit_test(test_two_columns_for_one_field),
        cmocka_unit_test(test_extra_json_escaped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
