/* test_intake_columns.c — a header mapped through the 12345 profile: Chinese
 * and English names, loose comparison, alternatives, the warning about
 * unused columns, the extra JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "intake_columns.h"
#include "fixture_profiles.h"

static intake_columns *map_by(const char *profile, const char *const *headers, size_t n)
{
    size_t lens[32];
    for (size_t i = 0; i < n; i++)
        lens[i] = strlen(headers[i]);
    return intake_columns_new(intake_profiles_find(set, profile), headers, lens, n);
}

static intake_columns *map_of(const char *const *headers, size_t n)
{
    return map_by("12345", headers, n);
}

static void test_chinese_headers(void **state)
{
    (void)state;
    const char *h[] = {"工单编号", "来电时间", "来电人", "联系电话", "诉求地址", "诉求内容",
                       "诉求类型", "紧急程度", "经度", "纬度"};
    intake_columns *m = map_of(h, 10);
    assert_non_null(m);
    assert_int_equal(intake_columns_missing(m), 0);
    assert_int_equal(intake_columns_found(m), COL_COUNT);
    for (int f = 0; f < COL_COUNT; f++)
        assert_int_equal(intake_columns_index(m, (intake_field)f), f);
    assert_string_equal(intake_columns_header(m, 5), "诉求内容");
    assert_int_equal(intake_columns_is_extra(m, 0), 0);
    char warn[1000];
    assert_int_equal(intake_columns_describe_ignored(m, INTAKE_AT_TERMINAL, warn, sizeof warn), 0);
    assert_string_equal(warn, "");
    intake_columns_destroy(&m);
    assert_null(m);
}

static void test_aliases_case_and_full_width(void **state)
{
    (void)state;
    const char *h[] = {" 内容 ", "ＴＩＣＫＥＴ＿ＮＯ", "受理时间", "ｌａｔ", "地址", "备注"};
    intake_columns *m = map_of(h, 6);
    assert_non_null(m);
    assert_int_equal(intake_columns_index(m, COL_CONTENT), 0);
    assert_int_equal(intake_columns_index(m, COL_TICKET_NO), 1);
    assert_int_equal(intake_columns_index(m, COL_CALLED_AT), 2);
    assert_int_equal(intake_columns_index(m, COL_LAT), 3);
    assert_int_equal(intake_columns_index(m, COL_ADDRESS), 4);
    assert_int_equal(intake_columns_index(m, COL_LON), -1);
    assert_int_equal(intake_columns_is_extra(m, 5), 1);
    assert_string_equal(intake_columns_header(m, 0), "内容");
    intake_columns_destroy(&m);
}

static void test_missing_required_columns_all_named(void **state)
{
    (void)state;
    const char *h[] = {"编号", "诉求地址", "反映内容"};
    char why[2000];
    intake_columns *m = map_of(h, 3);
    assert_int_equal(intake_columns_missing(m), 3);
    intake_columns_describe_missing(m, INTAKE_AT_TERMINAL, why, sizeof why);
    assert_non_null(strstr(why, "工单编号（ticket_no）：模板认的列 工单编号 | 工单号 | ticket_no；"
                                "文件里最像的列：编号"));
    assert_non_null(strstr(why, "来电时间（called_at）：模板认的列 来电时间"));
    assert_non_null(strstr(why, "没有相像的"));
    assert_non_null(strstr(why, "诉求内容（content）：模板认的列 诉求内容 | 内容 | 问题描述 | content | description；"
                                "文件里最像的列：反映内容"));
    intake_columns_describe_missing(m, INTAKE_ON_PAGE, why, sizeof why);     /* no profile key: the page writes none */
    assert_non_null(strstr(why, "  工单编号：模板认的列 工单编号 | 工单号"));
    assert_non_null(strstr(why, "\n  来电时间：模板认的列 来电时间"));
    assert_null(strstr(why, "（ticket_no）"));
    intake_columns_destroy(&m);
}

/* Two columns for one field: the first alternative gives it, the other is
 * kept in extra without a warning. */
static void test_two_columns_for_one_field(void **state)
{
    (void)state;
    const char *h[] = {"工单号", "工单编号", "来电时间", "诉求内容"};
    intake_columns *m = map_of(h, 4);
    assert_int_equal(intake_columns_missing(m), 0);
    assert_int_equal(intake_columns_index(m, COL_TICKET_NO), 1);
    assert_int_equal(intake_columns_alternatives(m, COL_TICKET_NO), 2);
    assert_int_equal(intake_columns_is_extra(m, 0), 1);
    char warn[1000];
    assert_int_equal(intake_columns_describe_ignored(m, INTAKE_AT_TERMINAL, warn, sizeof warn), 0);
    intake_columns_destroy(&m);
}

static void test_unused_columns_warned_with_how_to_map(void **state)
{
    (void)state;
    const char *h[] = {"工单编号", "来电时间", "诉求内容", "反映类别", "承办单位"};
    char warn[2000];
    intake_columns *m = map_of(h, 5);
    assert_int_equal(intake_columns_describe_ignored(m, INTAKE_AT_TERMINAL, warn, sizeof warn), 2);
    assert_non_null(strstr(warn, "有 2 列导入模板 12345 没有用上，只存进附加信息（extra）："
                                 "反映类别（像是诉求类别 category）、承办单位"));
    assert_non_null(strstr(warn, "`category = 诉求类型 | 问题类型 | 诉求分类 | 诉求类别 | category | service_name | 反映类别`"));
    assert_non_null(strstr(warn, "--profile 模板文件.conf"));
    assert_non_null(strstr(warn, "`extra =`"));
    intake_columns_destroy(&m);
}

/* Sent from the import page: the field named as people know it, and the
 * administrator, who keeps the profiles, asked to map the column; no copy
 * of the profile, no --profile, which the page has not. */
static void test_unused_columns_warned_on_the_page(void **state)
{
    (void)state;
    const char *h[] = {"工单编号", "来电时间", "诉求内容", "反映类别", "承办单位"};
    char warn[2000];
    intake_columns *m = map_of(h, 5);
    assert_int_equal(intake_columns_describe_ignored(m, INTAKE_ON_PAGE, warn, sizeof warn), 2);
    assert_string_equal(warn, "有 2 列导入模板 12345 没有用上，只存进附加信息：反映类别（像是诉求类别）、承办单位。"
                              "要用上其中一列，请系统管理员在导入模板 12345 里把它对应到字段（如把“反映类别”对应到诉求类别）；"
                              "不用的列写进模板的 extra 就只存不提醒");
    intake_columns_destroy(&m);
}

/* An unused column is likened only to a field the file has no column for:
 * 办结时间 is not offered as the call time 来电时间 already gives. */
static void test_unused_column_not_likened_to_a_found_field(void **state)
{
    (void)state;
    const char *h[] = {"工单编号", "来电时间", "诉求内容", "办结时间"};
    char warn[2000];
    intake_columns *m = map_of(h, 4);
    assert_int_equal(intake_columns_describe_ignored(m, INTAKE_AT_TERMINAL, warn, sizeof warn), 1);
    assert_non_null(strstr(warn, "没有用上，只存进附加信息（extra）：办结时间"));
    assert_null(strstr(warn, "像是来电时间"));
    assert_null(strstr(warn, "called_at ="));
    intake_columns_destroy(&m);
}

/* A field the profile maps to no column: the example is `field = column`, no empty alternative. */
static void test_unused_column_for_an_unmapped_field(void **state)
{
    (void)state;
    const char *h[] = {"Unique Key", "Created Date", "Complaint Type", "Descriptor", "Location Type", "Caller Name"};
    char warn[2000];
    intake_columns *m = map_by("nyc311", h, 6);
    assert_non_null(m);
    assert_int_equal(intake_columns_describe_ignored(m, INTAKE_AT_TERMINAL, warn, sizeof warn), 1);
    assert_non_null(strstr(warn, "Caller Name（像是来电人 caller_name）"));
    assert_non_null(strstr(warn, "如 `caller_name = Caller Name`"));
    intake_columns_destroy(&m);
}

/* A column that looks as much like a field the file has as like one it
 * lacks is offered for neither: Boston's location_street_name and Chicago's
 * STREET_NAME, beside the address, were offered as the caller's name for
 * their "name", the example line mapping them there. */
static void test_street_name_no_caller_name(void **state)
{
    (void)state;
    static const char boston[] = "timezone = America/New_York\ndates = ymd\nticket_no = case_enquiry_id\n"
                                 "called_at = open_dt\ncontent = case_title\naddress = location\n";
    char why[300], warn[2000];
    intake_profile *p = intake_profile_parse("boston", boston, sizeof boston - 1, "boston.conf", why, sizeof why);
    assert_non_null(p);
    const char *h[] = {"case_enquiry_id", "open_dt", "case_title", "location", "location_street_name", "STREET_NAME",
                       "neighborhood"};
    size_t lens[7];
    for (size_t i = 0; i < 7; i++)
        lens[i] = strlen(h[i]);
    intake_columns *m = intake_columns_new(p, h, lens, 7);
    assert_non_null(m);
    assert_int_equal(intake_columns_describe_ignored(m, INTAKE_AT_TERMINAL, warn, sizeof warn), 3);
    assert_non_null(strstr(warn, "没有用上，只存进附加信息（extra）：location_street_name、STREET_NAME、neighborhood。"));
    assert_null(strstr(warn, "caller_name"));
    intake_columns_destroy(&m);
    intake_profile_destroy(&p);
}

/* An extra name ending in '*' keeps every column so begun without a word:
 * the Socrata API's computed regions, whatever their ids. */
static void test_extra_by_the_name_begun(void **state)
{
    (void)state;
    const char *h[] = {"unique_key", "created_date", "complaint_type", "descriptor", "location_type",
                       ":@computed_region_efsh_h5xi", ":@computed_region_f5dn_yrer", "computed_note"};
    char warn[2000];
    intake_columns *m = map_by("nyc311", h, 8);
    assert_non_null(m);
    assert_int_equal(intake_columns_describe_ignored(m, INTAKE_AT_TERMINAL, warn, sizeof warn), 1);
    assert_non_null(strstr(warn, "没有用上，只存进附加信息（extra）：computed_note"));
    assert_null(strstr(warn, "computed_region"));
    assert_true(intake_columns_is_extra(m, 5) && intake_columns_is_extra(m, 6));
    intake_columns_destroy(&m);
}

static void test_extra_json_escaped(void **state)
{
    (void)state;
    const char *h[] = {"工单编号", "来电时间", "诉求内容", "备注", "", "承办\"单位\""};
    intake_columns *m = map_of(h, 6);
    assert_non_null(m);
    assert_string_equal(intake_columns_header(m, 4), "第 5 列");
    const char *f[] = {"1", "2021-05-30 10:57", "x", "他说\"快\"\\\t\n", "", "沙子口"};
    size_t lens[6];
    for (int i = 0; i < 6; i++)
        lens[i] = strlen(f[i]);
    char out[256];
    size_t need = intake_columns_extra_json(m, f, lens, 6, NULL, out, sizeof out);
    const char *want = "{\"备注\":\"他说\\\"快\\\"\\\\\\u0009\\u000a\",\"承办\\\"单位\\\"\":\"沙子口\"}";
    assert_string_equal(out, want);
    assert_int_equal(need, strlen(want));
    char tiny[8];
    assert_int_equal(intake_columns_extra_json(m, f, lens, 6, NULL, tiny, sizeof tiny), need);
    assert_int_equal(strlen(tiny), 7);
    assert_int_equal(intake_columns_extra_json(m, f, lens, 3, NULL, out, sizeof out), 2);
    assert_string_equal(out, "{}");
    intake_columns_destroy(&m);
}

/* Two columns with one header: each keeps its value in extra, the second
 * named by its place; a field takes the first of its name. */
static void test_repeated_headers_kept_apart(void **state)
{
    (void)state;
    const char *h[] = {"工单编号", "来电时间", "诉求内容", "处理意见", "处理意见", "诉求内容"};
    intake_columns *m = map_of(h, 6);
    assert_non_null(m);
    assert_string_equal(intake_columns_header(m, 3), "处理意见");
    assert_string_equal(intake_columns_header(m, 4), "处理意见（第 5 列）");
    assert_string_equal(intake_columns_header(m, 5), "诉求内容（第 6 列）");
    const int *cols;
    assert_int_equal(intake_columns_of(m, COL_CONTENT, 0, &cols), 1);
    assert_int_equal(cols[0], 2);
    const char *f[] = {"1", "2021-05-30 10:57", "路灯不亮", "转街道", "已修复", "又坏了"};
    size_t lens[6];
    for (int i = 0; i < 6; i++)
        lens[i] = strlen(f[i]);
    char out[256];
    intake_columns_extra_json(m, f, lens, 6, NULL, out, sizeof out);
    assert_string_equal(out, "{\"处理意见\":\"转街道\",\"处理意见（第 5 列）\":\"已修复\","
                             "\"诉求内容（第 6 列）\":\"又坏了\"}");
    intake_columns_destroy(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chinese_headers),
        cmocka_unit_test(test_aliases_case_and_full_width),
        cmocka_unit_test(test_missing_required_columns_all_named),
        cmocka_unit_test(test_two_columns_for_one_field),
        cmocka_unit_test(test_unused_columns_warned_with_how_to_map),
        cmocka_unit_test(test_unused_columns_warned_on_the_page),
        cmocka_unit_test(test_unused_column_not_likened_to_a_found_field),
        cmocka_unit_test(test_unused_column_for_an_unmapped_field),
        cmocka_unit_test(test_street_name_no_caller_name),
        cmocka_unit_test(test_extra_by_the_name_begun),
        cmocka_unit_test(test_extra_json_escaped),
        cmocka_unit_test(test_repeated_headers_kept_apart),
    };
    return cmocka_run_group_tests(tests, profiles_setup, profiles_teardown);
}
