/* test_intake_row.c — row validation and normalisation through a profile:
 * Excel-mangled ticket numbers, missing fields, bad bytes and a row cut off
 * by the end of the file, fields joined from several columns (NYC 311), the
 * COPY line, a workbook's date cell; a refusal names the columns as the
 * file's header has them (a 问政 export's 留言时间, 留言主题 and 留言详情)
 * and says what to do. (The date formats: test_intake_dates.c.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "intake_profile.h"
#include "intake_row.h"

enum { NCOLS = 11 };
static const char *const HEADER[NCOLS] = {"工单编号", "来电时间", "来电人", "联系电话", "诉求地址",
                                          "诉求内容", "诉求类型", "紧急程度", "经度", "纬度", "备注"};

typedef struct {
    intake_profiles *set;
    intake_columns  *map;
    intake_row *rows;
} fixture;

static int setup(void **state)
{
    static fixture fx;
    size_t lens[NCOLS];
    char err[256];
    for (int i = 0; i < NCOLS; i++)
        lens[i] = strlen(HEADER[i]);
    fx.set = intake_profiles_load("data/profiles", err, sizeof err);
    fx.map = fx.set ? intake_columns_new(intake_profiles_find(fx.set, "12345"), HEADER, lens, NCOLS) : NULL;
    csv_options lim = {.max_field = 32767, .max_fields = 1024, .max_record = 1 << 22};
    fx.rows = intake_row_new(&lim, INTAKE_AT_TERMINAL);
    *state = &fx;
    return fx.map && fx.rows ? 0 : -1;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    intake_columns_destroy(&fx->map);
    intake_row_destroy(&fx->rows);
    intake_profiles_destroy(&fx->set);
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
    assert_string_equal(line, "7\t2\t20210530001\t2021-05-30 10:57:00\t王先生\t13812345678\t"
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
    assert_string_equal(line, "7\t2\t20210530002\t2021-05-30 10:57:04\t\\N\t\\N\t"
                              "中韩街道 张村\tABC\\\\路灯 不亮\t\\N\t\\N\t\\N\t\\N\t{}\n");
    assert_string_equal(intake_row_value(fx->rows, COL_TICKET_NO), "20210530002");
    assert_string_equal(intake_row_value(fx->rows, COL_CALLED_AT), "2021-05-30 10:57:04");
    assert_string_equal(intake_row_value(fx->rows, COL_CATEGORY), "");
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
    expect_reject(fx, no_content, 6, "诉求内容", "这一行的诉求内容是空的：请在原系统补上诉求内容后再导入这一行");
    const char *no_ticket[] = {"", "2021-05-30 10:57", "", "", "", "x"};
    expect_reject(fx, no_ticket, 6, "工单编号", "这一行的工单编号是空的：请在原系统补上工单编号后再导入这一行");
    const char *short_row[] = {"1", "2021-05-30 10:57"};
    expect_reject(fx, short_row, 2, "诉求内容", "这一行的诉求内容是空的");
    const char *no_time[] = {"1", " ", "", "", "", "x"};
    expect_reject(fx, no_time, 6, "来电时间", "这一行的来电时间是空的：请在原系统补上来电时间后再导入这一行");
    const char *excel_id[] = {"1.23457E+17", "2021-05-30 10:57", "", "", "", "x"};
    expect_reject(fx, excel_id, 6, "工单编号", "科学计数法");
    const char *bad_time[] = {"1", "2021-02-30 10:57", "", "", "", "x"};
    expect_reject(fx, bad_time, 6, "来电时间", "格式对，却不是真实的日期时间：月、日、时、分、秒超出范围，或年份不在 "
                  "1970-2099 年之间");
    const char *no_time_at_all[] = {"1", "昨天", "", "", "", "x"};
    expect_reject(fx, no_time_at_all, 6, "来电时间", "不是导入模板 12345 认得的日期时间写法（2022-05-01、2022年5月1日、Excel 日期数值，日期后可带时、分、秒）：请向原系统核对这一行的来电时间");
    /* written in a format the profile does not name: that format, and the
     * line to write in the profile, not to check the row with the system */
    const char *us_time[] = {"1", "05/01/2022 12:00:03 AM", "", "", "", "x"};
    expect_reject(fx, us_time, 6, "来电时间", "是“05/01/2022（月/日/年）”或“01/05/2022（日/月/年）”这种写法，导入模板 "
                  "12345 的 dates = ymd cn excel 里没有：问清原系统先写月还是先写日，在模板的副本里写 dates = ymd cn "
                  "excel mdy 或 dates = ymd cn excel dmy，用 --profile 模板文件.conf 再导入");
    const char *us_pm[] = {"1", "05/13/2022 01:15:33 PM", "", "", "", "x"};
    expect_reject(fx, us_pm, 6, "来电时间", "是“05/01/2022（月/日/年）”这种写法，导入模板 12345 的 dates = ymd cn excel "
                  "里没有：文件里的时间都这样写的话，在模板的副本里写 dates = ymd cn excel mdy，用 --profile 模板文件.conf 再导入");
    /* a two-digit year: no format reads it, and why; a Unix time: what it
     * is, the instant it names and the line that reads it */
    const char *short_year[] = {"1", "5/1/22 0:03", "", "", "", "x"};
    expect_reject(fx, short_year, 6, "来电时间", "年份只写了两位（“5/1/22 0:03”这样的写法）：是哪个世纪、哪个数是年，"
                  "都只能猜，所以不读。请让原系统导出四位数年份的时间");
    const char *dotted[] = {"1", "01.05.22", "", "", "", "x"};
    expect_reject(fx, dotted, 6, "来电时间", "年份只写了两位");
    const char *epoch[] = {"1", "1651363203", "", "", "", "x"};
    expect_reject(fx, epoch, 6, "来电时间", "是 Unix 时间戳（1970-01-01 UTC 起的秒数，“1651363203”即 2022-05-01 00:00:03 "
                  "UTC），导入模板 12345 的 dates = ymd cn excel 里没有这种写法：文件里的时间都这样写的话，在模板的副本里写 "
                  "dates = ymd cn excel epoch，用 --profile 模板文件.conf 再导入");
    expect_reject(fx, epoch, 6, "来电时间", "不按模板的时区换算）；或请原系统导出看得懂的日期时间");   /* whole: it was cut */
    const char *epoch_ms[] = {"1", "1651363203123", "", "", "", "x"};
    expect_reject(fx, epoch_ms, 6, "来电时间", "毫秒数，“1651363203123”即 2022-05-01 00:00:03 UTC");
    const char *bad_lat[] = {"1", "2021-05-30 10:57", "", "", "", "x", "", "", "120.1", "91"};
    expect_reject(fx, bad_lat, 10, "纬度", "纬度不是纬度（-90 到 90 之间的数）：请改正或删掉这一行的纬度后再导入这一行");
    const char *bad_lon[] = {"1", "2021-05-30 10:57", "", "", "", "x", "", "", "东经120", ""};
    expect_reject(fx, bad_lon, 10, "经度", "不是经度");
    const char *hex_lon[] = {"1", "2021-05-30 10:57", "", "", "", "x", "", "", "0x78", ""};
    expect_reject(fx, hex_lon, 10, "经度", "不是经度");
    const char *too_many[] = {"1", "2021-05-30 10:57", "", "", "", "x", "", "", "", "", "", "", "stray"};
    expect_reject(fx, too_many, 13, "（表头之外）", "这一行有 13 个字段，表头只有 11 个");
    char long_id[80];
    memset(long_id, '7', sizeof long_id - 1);
    long_id[sizeof long_id - 1] = '\0';
    const char *long_ticket[] = {long_id, "2021-05-30 10:57", "", "", "", "x"};
    expect_reject(fx, long_ticket, 6, "工单编号", "工单编号超过 64 字节：请在原系统核对这一行的工单编号");
}

/* A row from the workbench's import page: the clerk there writes no profile
 * and sends none, so a call time the profile does not read asks an
 * administrator to change it, naming no key, copy nor option (they read
 * 在模板的副本里写 dates = …，用 --profile 模板文件.conf 再导入 there too). */
static void test_reasons_on_page(void **state)
{
    fixture *fx = *state, page = *fx;
    csv_options lim = {.max_field = 32767, .max_fields = 1024, .max_record = 1 << 22};
    assert_non_null(page.rows = intake_row_new(&lim, INTAKE_ON_PAGE));
    static const char *const times[] = {"05/01/2022 12:00:03 AM", "05/13/2022 01:15:33 PM", "1651363203"};
    static const char *const asked[] = {
        "是“05/01/2022（月/日/年）”或“01/05/2022（日/月/年）”这种写法，导入模板 12345 不认：问清原系统先写月还是先写日，"
        "模板只有系统管理员能改，导入页面上改不了：请系统管理员让导入模板 12345 按原系统的写法读月和日，再导入这个文件",
        "是“05/01/2022（月/日/年）”这种写法，导入模板 12345 不认：文件里的时间都这样写的话，模板只有系统管理员能改，"
        "导入页面上改不了：请系统管理员让导入模板 12345 也读这种写法，再导入这个文件",
        "导入模板 12345 不认这种写法：文件里的时间都这样写的话，模板只有系统管理员能改，导入页面上改不了：请系统管理员让"
        "导入模板 12345 也读 Unix 时间戳，再导入这个文件（时间戳本身就是 UTC 的时刻，不按模板的时区换算）；"
        "或请原系统导出看得懂的日期时间"};
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
        const char *row[] = {"1", times[i], "", "", "", "x"}, *line;
        intake_reject rej;
        assert_int_equal(build(&page, row, 6, CSV_OK, 0, &line, &rej), INTAKE_ROW_REJECTED);
        if (!strstr(rej.reason, asked[i]) || strstr(rej.reason, "dates =") || strstr(rej.reason, "--profile")
            || strstr(rej.reason, "副本"))
            fail_msg("reason '%s' is not '%s'", rej.reason, asked[i]);
    }
    intake_row_destroy(&page.rows);
}

static void test_reader_verdicts_and_blank_rows(void **state)
{
    fixture *fx = *state;
    const char *f[] = {"1", "2021-05-30 10:57", "", "", "", "x"};
    const char *line;
    intake_reject rej;
    assert_int_equal(build(fx, f, 6, CSV_ERR_FIELD_TOO_LONG, 5, &line, &rej), INTAKE_ROW_REJECTED);
    assert_string_equal(rej.column, "诉求内容");
    if (!strstr(rej.reason, "超过 32767 个字符：请删短到 32767 个字符以内") || !strstr(rej.reason, "改好后再导入这个文件即可"))
        fail_msg("reason: %s", rej.reason);
    assert_int_equal(build(fx, f, 6, CSV_ERR_RECORD_TOO_LONG, 5, &line, &rej), INTAKE_ROW_REJECTED);
    if (!strstr(rej.reason, "这一行超过 4194304 字节：请删短其中过长的字段") || !strstr(rej.reason, "其余行照常读取"))
        fail_msg("reason: %s", rej.reason);
    assert_int_equal(build(fx, f, 6, CSV_ERR_TOO_MANY_FIELDS, 5, &line, &rej), INTAKE_ROW_REJECTED);
    if (!strstr(rej.reason, "超过 1024 个字段：请删掉多余的列") || !strstr(rej.reason, "已存的行算作重复"))
        fail_msg("reason: %s", rej.reason);
    const char *bad_bytes[] = {"1", "2021-05-30 10:57", "", "", "沙子口\xff\xfe路", "x"};
    assert_int_equal(build(fx, bad_bytes, 6, CSV_ERR_ENCODING, 4, &line, &rej), INTAKE_ROW_REJECTED);
    assert_string_equal(rej.column, "诉求地址");
    /* what to do: the row again, or the file saved in the encoding it was not */
    assert_non_null(strstr(rej.reason, "本字段第 4 个字符起不是 UTF-8 文本（这一行未导入，文件其余部分照常读取）："
                           "请在原系统重新导出这一行；这样的行多，多半是文件用别的编码另存过（如西文 Windows 的 Excel 存的 "
                           "CSV），请另存为“CSV UTF-8（逗号分隔）”后再导入，已存的行算作重复"));
    size_t lens[6];                          /* half a surrogate pair of a UTF-16 file, said so */
    for (int i = 0; i < 6; i++)
        lens[i] = strlen(bad_bytes[i]);
    csv_record half = {.nfields = 6, .fields = bad_bytes, .lens = lens, .record_no = 2, .line_no = 3,
                       .status = CSV_ERR_ENCODING, .bad_field = 4, .encoding = CSV_ENC_UTF16LE};
    size_t len;
    assert_int_equal(intake_row_build(fx->rows, fx->map, &half, 7, &line, &len, &rej), INTAKE_ROW_REJECTED);
    if (!strstr(rej.reason, "本字段第 4 个字符不完整：文件是 UTF-16 文本") || !strstr(rej.reason, "改好或删掉这个字")
        || strstr(rej.reason, "GB18030"))
        fail_msg("reason: %s", rej.reason);
    const char *blank[] = {"", " ", "", "\t"};
    assert_int_equal(build(fx, blank, 4, CSV_OK, 0, &line, &rej), INTAKE_ROW_EMPTY);
}

/* A NUL byte: said so, where it is in the field, and what to do. */
static void test_nul_byte_named(void **state)
{
    fixture *fx = *state;
    static const char content[] = "abc\0def";
    const char *f[] = {"1", "2021-05-30 10:57", "", "", "", content};
    size_t lens[] = {1, 16, 0, 0, 0, sizeof content - 1};
    csv_record rec = {.nfields = 6, .fields = f, .lens = lens, .record_no = 2, .line_no = 3,
                      .status = CSV_ERR_ENCODING, .bad_field = 5};
    const char *line;
    size_t len;
    intake_reject rej;
    assert_int_equal(intake_row_build(fx->rows, fx->map, &rec, 7, &line, &len, &rej), INTAKE_ROW_REJECTED);
    assert_string_equal(rej.column, "诉求内容");
    if (!strstr(rej.reason, "本字段第 4 个字符是空字符") || !strstr(rej.reason, "请重新导出这一行"))
        fail_msg("reason: %s", rej.reason);
}

/* A broken quote names the line the quote opened on (here the second line
 * of a record), says the rows after it are read, and what to fix. */
static void test_broken_quotes_named(void **state)
{
    fixture *fx = *state;
    const char *f[] = {"1", "2021-05-30 10:57", "", "", "", "门口占道经营"};
    size_t lens[6];
    for (int i = 0; i < 6; i++)
        lens[i] = strlen(f[i]);
    csv_record rec = {.nfields = 6, .fields = f, .lens = lens, .record_no = 2, .line_no = 3,
                      .status = CSV_ERR_UNPAIRED_QUOTE, .bad_field = 5, .quote_line = 4};
    const char *line;
    size_t len;
    intake_reject rej;
    assert_int_equal(intake_row_build(fx->rows, fx->map, &rec, 7, &line, &len, &rej), INTAKE_ROW_REJECTED);
    assert_string_equal(rej.column, "诉求内容");
    assert_int_equal(rej.line, 3);
    if (!strstr(rej.reason, "第 4 行的引号没有配对") || !strstr(rej.reason, "其后的行照常读取"))
        fail_msg("reason: %s", rej.reason);
    rec.status = CSV_ERR_UNTERMINATED_QUOTE;
    assert_int_equal(intake_row_build(fx->rows, fx->map, &rec, 7, &line, &len, &rej), INTAKE_ROW_REJECTED);
    if (!strstr(rej.reason, "第 4 行的引号到文件末尾都没有闭合") || strstr(rej.reason, "超过"))
        fail_msg("reason: %s", rej.reason);
    /* The file ends inside that field, with no line break after it: cut
     * short, most likely; said so, and to export the whole file again. */
    rec.cut = 1;
    assert_int_equal(intake_row_build(fx->rows, fx->map, &rec, 7, &line, &len, &rej), INTAKE_ROW_REJECTED);
    if (!strstr(rej.reason, "文件在第 4 行起的引号里、这个字段的中间结束：文件被截断了？")
        || !strstr(rej.reason, "请重新导出完整的文件再导入") || strstr(rej.reason, "其后的行"))
        fail_msg("reason: %s", rej.reason);
}

/* Exports joined one after another, each with its header: the header in
 * the middle is said to be one, with nothing to do, not a bad call time. */
static void test_header_again(void **state)
{
    fixture *fx = *state;
    const char *line;
    intake_reject rej;
    assert_int_equal(build(fx, HEADER, NCOLS, CSV_OK, 0, &line, &rej), INTAKE_ROW_REJECTED);
    assert_string_equal(rej.column, "工单编号");
    if (!strstr(rej.reason, "这一行又是表头") || !strstr(rej.reason, "不用处理") || strstr(rej.reason, "日期"))
        fail_msg("reason: %s", rej.reason);
    const char *ticket_only[] = {"工单编号", "2021-05-30 10:57", "", "", "", "x"};   /* a ticket so named: no header */
    assert_int_equal(build(fx, ticket_only, 6, CSV_OK, 0, &line, &rej), INTAKE_ROW_OK);
}

/* The last record of a file that ends without a line break. */
static int build_last(fixture *fx, const char *const *fields, size_t n, csv_status status, intake_reject *rej)
{
    static size_t lens[32];
    for (size_t i = 0; i < n; i++)
        lens[i] = strlen(fields[i]);
    csv_record rec = {.nfields = n, .fields = fields, .lens = lens, .record_no = 9, .line_no = 9,
                      .status = status, .bad_field = n - 1, .cut = 1};
    const char *line;
    size_t len;
    return intake_row_build(fx->rows, fx->map, &rec, 7, &line, &len, rej);
}

/* A file cut short loses its last row, said so, never the file; a whole last
 * row without a line break is a good row. */
static void test_cut_off_last_row(void **state)
{
    fixture *fx = *state;
    intake_reject rej;
    const char *short_row[] = {"1", "2021-05-30 10:57", "王", "138", "沙子口", "路灯坏了，晚上"};
    assert_int_equal(build_last(fx, short_row, 6, CSV_OK, &rej), INTAKE_ROW_REJECTED);
    assert_string_equal(rej.column, "诉求内容");
    assert_non_null(strstr(rej.reason, "文件在这一行中间结束，只有 6 个字段（应有 11 个）：文件被截断了？"));
    const char *cut_char[] = {"1", "2021-05-30 10:57", "王", "138", "沙子口", "路灯坏了，晚\xe4\xb8"};
    assert_int_equal(build_last(fx, cut_char, 6, CSV_ERR_ENCODING, &rej), INTAKE_ROW_REJECTED);
    assert_non_null(strstr(rej.reason, "文件在本字段第 7 个字符处、一个字的中间结束"));
    const char *whole[] = {"1", "2021-05-30 10:57", "", "", "", "x", "", "", "", "", ""};
    assert_int_equal(build_last(fx, whole, 11, CSV_OK, &rej), INTAKE_ROW_OK);
}

/* NYC 311's website layout: the content joined from three columns, the
 * address from the incident address, city and zip or, at a junction, from
 * the two streets; the US time read as it stands (New York time is
 * PostgreSQL's business); the other columns in extra. */
static void test_joined_fields(void **state)
{
    fixture *fx = *state;
    const char *h[] = {"Unique Key", "Created Date", "Complaint Type", "Descriptor", "Location Type",
                       "Incident Zip", "Incident Address", "City", "Intersection Street 1", "Intersection Street 2",
                       "Status", "Latitude", "Longitude", "Taxi Pick Up Location"};
    size_t lens[14];
    for (int i = 0; i < 14; i++)
        lens[i] = strlen(h[i]);
    intake_columns *m = intake_columns_new(intake_profiles_find(fx->set, "nyc311"), h, lens, 14);
    assert_int_equal(intake_columns_missing(m), 0);
    const char *row[] = {"54049402", "05/01/2022 12:00:03 AM", "Noise - Residential", "Loud Music/Party",
                         "Residential Building/House", "10452", "1006 GERARD AVENUE", "BRONX", "", "",
                         "In Progress", "40.83065331987539", "-73.92308231033165", ""};
    const char *junction[] = {"54046999", "05/01/2022 12:30:00 PM", "Illegal Parking", "", "Street/Sidewalk",
                              "11214", "", "BROOKLYN", "81 STREET", "17 AVENUE", "Closed", "", "", "JFK"};
    size_t rl[14];
    const char *line;
    size_t len;
    intake_reject rej;
    for (int i = 0; i < 14; i++)
        rl[i] = strlen(row[i]);
    csv_record rec = {.nfields = 14, .fields = row, .lens = rl, .record_no = 2, .line_no = 2};
    assert_int_equal(intake_row_build(fx->rows, m, &rec, 1, &line, &len, &rej), INTAKE_ROW_OK);
    assert_string_equal(intake_row_value(fx->rows, COL_CONTENT),
                        "Noise - Residential / Loud Music/Party / Residential Building/House");
    assert_string_equal(intake_row_value(fx->rows, COL_CATEGORY), "Noise - Residential");
    assert_string_equal(intake_row_value(fx->rows, COL_ADDRESS), "1006 GERARD AVENUE, BRONX, 10452");
    assert_string_equal(intake_row_value(fx->rows, COL_CALLED_AT), "2022-05-01 00:00:03");
    assert_string_equal(intake_row_value(fx->rows, COL_LAT), "40.83065331987539");
    assert_string_equal(intake_row_extra(fx->rows), "{\"Status\":\"In Progress\"}");
    for (int i = 0; i < 14; i++)
        rl[i] = strlen(junction[i]);
    rec.fields = junction;
    assert_int_equal(intake_row_build(fx->rows, m, &rec, 1, &line, &len, &rej), INTAKE_ROW_OK);
    assert_string_equal(intake_row_value(fx->rows, COL_ADDRESS), "81 STREET, 17 AVENUE, BROOKLYN");
    assert_non_null(strstr(intake_row_extra(fx->rows), "\"Incident Zip\":\"11214\""));   /* not lost */
    assert_string_equal(intake_row_value(fx->rows, COL_CONTENT), "Illegal Parking / Street/Sidewalk");
    assert_string_equal(intake_row_value(fx->rows, COL_CALLED_AT), "2022-05-01 12:30:00");
    assert_non_null(strstr(intake_row_extra(fx->rows), "\"Taxi Pick Up Location\":\"JFK\""));
    intake_columns_destroy(&m);
}

/* Builds the fields of row 2 with map, which refuses it: its reason in rej. */
static void refused(fixture *fx, const intake_columns *map, const char *const *fields, size_t n,
                    intake_reject *rej)
{
    size_t lens[8];
    const char *line;
    size_t len;
    for (size_t i = 0; i < n; i++)
        lens[i] = strlen(fields[i]);
    csv_record rec = {.nfields = n, .fields = fields, .lens = lens, .record_no = 2, .line_no = 2};
    assert_int_equal(intake_row_build(fx->rows, map, &rec, 1, &line, &len, rej), INTAKE_ROW_REJECTED);
}

/* A 问政 export calls the call time 留言时间 and makes the content of two
 * columns: a refusal names them so, in 列 and in its reason, and says what
 * to do. Before, it said 来电时间, a column the file does not have, and an
 * empty content was 必填项为空（诉求内容）, with nothing to do. */
static void test_named_as_the_file_names_them(void **state)
{
    fixture *fx = *state;
    const char *h[] = {"留言编号", "留言用户", "留言主题", "留言时间", "留言详情"};
    size_t lens[5];
    for (int i = 0; i < 5; i++)
        lens[i] = strlen(h[i]);
    intake_columns *m = intake_columns_new(intake_profiles_find(fx->set, "wenzheng"), h, lens, 5);
    intake_reject rej;
    const char *bad_time[] = {"3001", "A00021", "噪音", "2019/2/30 9:32:09", "夜里施工"};
    refused(fx, m, bad_time, 5, &rej);
    assert_string_equal(rej.column, "留言时间");
    assert_non_null(strstr(rej.reason, "不是真实的日期时间"));
    assert_non_null(strstr(rej.reason, "请向原系统核对这一行的留言时间"));
    assert_null(strstr(rej.reason, "来电时间"));
    const char *empty[] = {"3002", "A00022", "", "2019/2/3 9:32:09", " "};
    refused(fx, m, empty, 5, &rej);
    assert_string_equal(rej.column, "留言主题、留言详情");
    assert_string_equal(rej.reason, "这一行的留言主题、留言详情都是空的：请在原系统补上诉求内容后再导入这一行");
    const char *no_time[] = {"3003", "A00023", "噪音", "", "夜里施工"};
    refused(fx, m, no_time, 5, &rej);
    assert_string_equal(rej.reason, "这一行的留言时间是空的：请在原系统补上来电时间后再导入这一行");
    intake_columns_destroy(&m);
}

/* A field whose profile names several columns the file all has is refused
 * by the column the row takes: 受理时间 when 来电时间 is empty, with its
 * value. Before, 列 named 来电时间 and 原值 was its empty value. */
static void test_named_by_the_column_taken(void **state)
{
    fixture *fx = *state;
    const char *h[] = {"工单编号", "来电时间", "受理时间", "诉求内容"};
    size_t lens[4];
    for (int i = 0; i < 4; i++)
        lens[i] = strlen(h[i]);
    intake_columns *m = intake_columns_new(intake_profiles_find(fx->set, "12345"), h, lens, 4);
    intake_reject rej;
    const char *row[] = {"1", "", "昨天", "x"};
    refused(fx, m, row, 4, &rej);
    assert_string_equal(rej.column, "受理时间");
    assert_int_equal(rej.value_len, strlen("昨天"));
    assert_memory_equal(rej.value, "昨天", rej.value_len);
    assert_non_null(strstr(rej.reason, "请向原系统核对这一行的受理时间"));
    intake_columns_destroy(&m);
}

/* A workbook's date cell comes as the date and time it shows
 * (intake_source.c): read so whatever the profile's formats, here a
 * day-first system's; the same text in a cell of text is not. */
static void test_date_cell(void **state)
{
    fixture *fx = *state;
    static const char conf[] = "timezone = Europe/Paris\ndates = dmy excel\n"
                               "ticket_no = 工单编号\ncalled_at = 来电时间\ncontent = 诉求内容\n";
    char why[256];
    intake_profile *p = intake_profile_parse("dmy", conf, strlen(conf), "test", why, sizeof why);
    assert_non_null(p);
    const char *h[] = {"工单编号", "来电时间", "诉求内容"}, *row[] = {"D1", "2019-05-10 14:56:53", "路灯不亮"};
    size_t lens[] = {12, 12, 12}, rl[] = {2, 19, 12};
    intake_columns *m = intake_columns_new(p, h, lens, 3);
    const unsigned char text[] = {0, 0, 0}, date[] = {0, 1, 0};
    csv_record rec = {.nfields = 3, .fields = row, .lens = rl, .record_no = 2, .line_no = 2, .dates = date};
    const char *line;
    size_t len;
    intake_reject rej;
    assert_int_equal(intake_row_build(fx->rows, m, &rec, 1, &line, &len, &rej), INTAKE_ROW_OK);
    assert_string_equal(intake_row_value(fx->rows, COL_CALLED_AT), "2019-05-10 14:56:53");
    rec.dates = text;
    assert_int_equal(intake_row_build(fx->rows, m, &rec, 1, &line, &len, &rej), INTAKE_ROW_REJECTED);
    intake_columns_destroy(&m);
    intake_profile_destroy(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scientific_ticket_numbers),
        cmocka_unit_test(test_good_row_copy_line),
        cmocka_unit_test(test_normalised_escaped_and_nulls),
        cmocka_unit_test(test_rejections),
        cmocka_unit_test(test_reasons_on_page),
        cmocka_unit_test(test_reader_verdicts_and_blank_rows),
        cmocka_unit_test(test_nul_byte_named),
        cmocka_unit_test(test_broken_quotes_named),
        cmocka_unit_test(test_header_again),
        cmocka_unit_test(test_cut_off_last_row),
        cmocka_unit_test(test_joined_fields),
        cmocka_unit_test(test_date_cell),
        cmocka_unit_test(test_named_as_the_file_names_them),
        cmocka_unit_test(test_named_by_the_column_taken),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
