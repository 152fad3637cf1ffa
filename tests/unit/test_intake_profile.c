/* test_intake_profile.c — import profiles: the shipped ones parse and say
 * what they should; a broken profile is refused naming its line; headers are
 * compared loosely; the profile of a file is picked by its header, or the
 * message names every missing column with the closest headers; a broken
 * profile of the directory is set aside, the others used. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "intake_dates.h"
#include "intake_pick.h"
#include "intake_profile.h"
#include "text.h"

#define PROFILES_DIR "data/profiles"

static intake_profile *parse(const char *text, char *why, size_t whylen)
{
    return intake_profile_parse("t", text, strlen(text), "test", why, whylen);
}

static void refused(const char *text, const char *reason_part)
{
    char why[600] = "";
    intake_profile *p = parse(text, why, sizeof why);
    if (p)
        fail_msg("profile accepted:\n%s", text);
    if (!strstr(why, reason_part))
        fail_msg("reason '%s' lacks '%s'", why, reason_part);
}

static void test_shipped_profiles(void **state)
{
    (void)state;
    char why[600] = "";
    intake_profiles *set = intake_profiles_load(PROFILES_DIR, why, sizeof why);
    if (!set)
        fail_msg("%s", why);
    const intake_profile *cn = intake_profiles_find(set, "12345"), *nyc = intake_profiles_find(set, "nyc311");
    assert_non_null(cn);
    assert_non_null(nyc);
    assert_string_equal(cn->timezone, "Asia/Shanghai");
    assert_int_equal(cn->dates, DATES_YMD | DATES_CN | DATES_EXCEL);
    assert_string_equal(nyc->timezone, "America/New_York");
    assert_int_equal(nyc->dates, DATES_MDY | DATES_YMD | DATES_EXCEL);
    assert_int_equal(nyc->encoding, CSV_FORCE_UTF8);
    char alts[600];
    assert_string_equal(intake_profile_alts_text(nyc, COL_CONTENT, alts, sizeof alts),
                        "Complaint Type + Descriptor + Location Type");
    assert_string_equal(nyc->fields[COL_CONTENT].join, " / ");
    assert_string_equal(cn->fields[COL_CONTENT].join, "; ");
    assert_non_null(strstr(intake_profile_alts_text(cn, COL_CATEGORY, alts, sizeof alts), "诉求类别"));
    assert_null(intake_profiles_find(set, "nyc"));
    intake_profiles_destroy(&set);
    assert_null(set);
}

static void test_parse(void **state)
{
    (void)state;
    char why[600] = "";
    intake_profile *p = parse("# a comment\n"
                              "timezone = Europe/Paris   # trailing comment\r\n"
                              "dates = dmy, ymd\n"
                              "encoding = GBK\n"
                              "ticket_no = \"No | Nr\" | id\n"
                              "called_at = Date + Time\n"
                              "called_at.join = \" \"\n"
                              "content = Text\n"
                              "extra = A | \"B + C\"\n", why, sizeof why);
    if (!p)
        fail_msg("%s", why);
    assert_int_equal(p->fields[COL_TICKET_NO].nalts, 2);
    assert_string_equal(p->fields[COL_TICKET_NO].alts[0].parts[0], "No | Nr");
    assert_int_equal(p->fields[COL_CALLED_AT].alts[0].nparts, 2);
    assert_string_equal(p->fields[COL_CALLED_AT].join, " ");
    assert_int_equal(p->encoding, CSV_FORCE_GB18030);
    assert_int_equal(p->dates, DATES_DMY | DATES_YMD);
    assert_int_equal(p->nextra, 2);
    assert_string_equal(p->extra[1], "B + C");
    assert_string_equal(p->timezone, "Europe/Paris");
    intake_profile_destroy(&p);
}

static void test_broken_profiles(void **state)
{
    (void)state;
    const char *base = "timezone = UTC\ndates = ymd\nticket_no = a\ncalled_at = b\n";
    char text[400];
    snprintf(text, sizeof text, "%scontent = c\ntiket_no = x\n", base);
    refused(text, "第 6 行：不认识的键“tiket_no”");
    snprintf(text, sizeof text, "%s", base);
    refused(text, "必填字段 诉求内容（content）没有写对应的列：加一行 `content = 列名`（文件里放诉求内容的列；"
            "几列合成的用 + 连起来）");
    /* A file with no ticket number at all (Toronto's public 311 data): the
     * clerk is told it cannot be imported, and why. */
    refused("timezone = America/Toronto\ndates = ymd\ncalled_at = Creation Date\ncontent = Service Request Type\n",
            "必填字段 工单编号（ticket_no）没有写对应的列：加一行 `ticket_no = 列名`（文件里放工单编号的列；几列合成的用 + "
            "连起来）；文件里根本没有工单编号（如多伦多 311 的公开数据）就导入不了：每件工单凭工单编号只存一次，"
            "同一个文件再导入也不会重复存");
    refused("dates = ymd\nticket_no = a\ncalled_at = b\ncontent = c\n", "没有写 timezone");
    refused("timezone = UTC\nticket_no = a\ncalled_at = b\ncontent = c\n", "没有写 dates");
    refused("timezone = ../../etc/passwd\n", "不是 IANA 时区名");
    /* names PostgreSQL reads otherwise than a clerk means: a POSIX offset,
     * its sign the other way round (UTC+8 is read as UTC-08:00, a Chinese
     * export's times 16 hours off), and a zone of one offset all year for
     * a place that keeps summer time (EST for New York) */
    refused("timezone = UTC+8\n", "时区“UTC+8”会被读成 UTC-08:00（POSIX 的写法，东西颠倒），文件里的时间会差 16 小时："
            "请写地区的时区名，如北京时间 Asia/Shanghai、纽约 America/New_York");
    refused("timezone = GMT-5\n", "时区“GMT-5”会被读成 UTC+05:00（POSIX 的写法，东西颠倒），文件里的时间会差 10 小时");
    static const char *const still[] = {"EST5EDT", "Etc/GMT+5", "GMT0", "GMT+0", "UTC", "HST", "America/New_York"};
    for (size_t i = 0; i < sizeof still / sizeof still[0]; i++) {
        char why[300], ok[200];
        snprintf(ok, sizeof ok, "timezone = %s\ndates = ymd\nticket_no = a\ncalled_at = b\ncontent = c\n", still[i]);
        intake_profile *p = parse(ok, why, sizeof why);
        if (!p)
            fail_msg("timezone %s refused: %s", still[i], why);
        intake_profile_destroy(&p);
    }
    refused("timezone = EST\n", "时区“EST”全年都是 UTC-05:00，不管夏令时：纽约的时间写 America/New_York（夏天按 UTC-04:00 读）；"
            "文件里的时间若真是全年不变的 UTC-05:00，写 Etc/GMT+5");
    refused("timezone = UTC\ndates = mdy dmy\n", "mdy 和 dmy 同时写了");
    refused("timezone = UTC\ncontent = a | | b\n", "空列名");
    refused("timezone = UTC\ncontent = \"a\n", "引号没有闭合");
    refused("timezone = UTC\ncontent = a\ncontent = b\n", "写了两次");
    refused("timezone = UTC\nencoding = latin1\n", "编码“latin1”");
    refused("timezone = UTC\nextra = a + b\n", "extra 的列用 | 分开");
    refused("timezone\n", "不是“键 = 值”的一行");
    refused("timezone = UTC\ncontent = \xc4\xda\xc8\xdd\n", "不是 UTF-8 文本");      /* 内容 in GBK */
    char why[200];
    assert_null(intake_profile_parse("../x", base, strlen(base), "test", why, sizeof why));
    assert_non_null(strstr(why, "不能做模板名"));
    /* a long mistyped key, quoted in the reason: cut at a character, the reason stays UTF-8 */
    char key[3 * 120 + 8] = "";
    for (int i = 0; i < 120; i++)
        strcat(key, "键");
    strcat(key, " = x\n");
    char why_long[600] = "";
    assert_null(parse(key, why_long, sizeof why_long));
    assert_non_null(strstr(why_long, "第 1 行：不认识的键“键键"));
    assert_true(text_utf8_valid(why_long, strlen(why_long), NULL));
}

static void test_loose_keys(void **state)
{
    (void)state;
    char a[64], b[64];
    intake_profile_key("X Coordinate (State Plane)", 26, a, sizeof a);
    intake_profile_key("x_coordinate_state_plane", 24, b, sizeof b);
    assert_string_equal(a, b);
    intake_profile_key(" 诉求　内容 ", strlen(" 诉求　内容 "), a, sizeof a);
    assert_string_equal(a, "诉求内容");
    intake_profile_key("ＵＮＩＱＵＥ－ＫＥＹ", strlen("ＵＮＩＱＵＥ－ＫＥＹ"), a, sizeof a);
    assert_string_equal(a, "uniquekey");
}

/* A header record of the given columns. */
static csv_record header_of(const char *const *h, size_t n, size_t *lens)
{
    for (size_t i = 0; i < n; i++)
        lens[i] = strlen(h[i]);
    return (csv_record){.nfields = n, .fields = h, .lens = lens, .record_no = 1, .line_no = 1};
}

static void test_picked_by_header(void **state)
{
    (void)state;
    const char *web[] = {"Unique Key", "Created Date", "Closed Date", "Agency", "Complaint Type", "Descriptor",
                         "Location Type", "Incident Zip", "Incident Address", "City", "Latitude", "Longitude"};
    const char *api[] = {"unique_key", "created_date", "complaint_type", "descriptor", "location_type",
                         "incident_address", "city", "incident_zip", "latitude", "longitude"};
    const char *cn[] = {"工单编号", "来电时间", "诉求内容", "诉求类别"};
    const char *wz[] = {"留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "一级标签"};
    size_t lens[16];
    char why[4000] = "";
    intake_pick_opts o = {.dir = PROFILES_DIR};
    intake_picked p;
    csv_record h = header_of(web, 12, lens);
    assert_int_equal(intake_pick(&o, &h, &p, why, sizeof why), 0);
    assert_string_equal(intake_columns_profile(p.map)->name, "nyc311");
    assert_string_equal(p.how, "按表头选定");
    intake_pick_free(&p);
    h = header_of(api, 10, lens);
    assert_int_equal(intake_pick(&o, &h, &p, why, sizeof why), 0);
    assert_string_equal(intake_columns_profile(p.map)->name, "nyc311");
    assert_int_equal(intake_columns_index(p.map, COL_CALLED_AT), 1);
    intake_pick_free(&p);
    h = header_of(cn, 4, lens);
    assert_int_equal(intake_pick(&o, &h, &p, why, sizeof why), 0);
    assert_string_equal(intake_columns_profile(p.map)->name, "12345");
    assert_int_equal(intake_columns_index(p.map, COL_CATEGORY), 3);
    intake_pick_free(&p);
    h = header_of(wz, 6, lens);         /* a 问政 platform's messages */
    assert_int_equal(intake_pick(&o, &h, &p, why, sizeof why), 0);
    assert_string_equal(intake_columns_profile(p.map)->name, "wenzheng");
    assert_int_equal(intake_columns_index(p.map, COL_CALLED_AT), 3);
    assert_int_equal(intake_columns_index(p.map, COL_CATEGORY), 5);
    intake_pick_free(&p);
    o.name = "nyc311";
    assert_int_equal(intake_pick(&o, &h, &p, why, sizeof why), -1);
    assert_non_null(strstr(why, "导入模板 nyc311（按 --profile 指定）对不上表头：缺 3 个必填字段"));
    intake_pick_free(&p);
    o.name = "nosuch";
    assert_int_equal(intake_pick(&o, &h, &p, why, sizeof why), -1);
    assert_non_null(strstr(why, "没有名为 nosuch 的导入模板（现有模板：12345、nyc311、open311、wenzheng"));
    intake_pick_free(&p);
}

/* Sent from the import page: the refusals teach its 导入模板 list and
 * 试导入, not jiesu import's options, which the page does not have. */
static void test_refusals_on_the_page(void **state)
{
    (void)state;
    const char *wz[] = {"留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "一级标签"};
    const char *other[] = {"编号", "内容"};
    size_t lens[8];
    char why[4000] = "";
    intake_pick_opts o = {.dir = PROFILES_DIR, .name = "nyc311", .door = INTAKE_ON_PAGE};
    intake_picked p;
    csv_record h = header_of(wz, 6, lens);
    assert_int_equal(intake_pick(&o, &h, &p, why, sizeof why), -1);
    assert_non_null(strstr(why, "导入模板 nyc311（在导入页面选定）对不上表头：缺 3 个必填字段"));
    assert_non_null(strstr(why, "请在“导入模板”里换一个列名对得上的模板（可以先勾“试导入”看它怎样读这个文件）；"
                                "都对不上时，请系统管理员照这个文件的表头添加一个导入模板"));
    assert_null(strstr(why, "--profile"));
    intake_pick_free(&p);
    o.name = "nosuch";
    assert_int_equal(intake_pick(&o, &h, &p, why, sizeof why), -1);
    assert_non_null(strstr(why, "没有名为 nosuch 的导入模板（现有模板：12345、nyc311、open311、wenzheng）：请刷新导入页面，"
                                "在“导入模板”里重新选一个"));
    intake_pick_free(&p);
    o.name = NULL;
    h = header_of(other, 2, lens);
    assert_int_equal(intake_pick(&o, &h, &p, why, sizeof why), -1);
    assert_non_null(strstr(why, "没有哪个导入模板对得上表头"));
    assert_null(strstr(why, "--profile"));
    assert_null(strstr(why, "jiesu profiles"));
    intake_pick_free(&p);
}

/* NYC's header with its columns renamed (a clerk's version of the file):
 * no profile fits; the message names all three missing fields at once, with
 * the headers that look like each. */
static void test_nothing_fits(void **state)
{
    (void)state;
    const char *h[] = {"Key", "Created On", "Closed On", "Problem", "Problem Detail", "Incident Address"};
    size_t lens[8];
    char why[4000] = "";
    intake_pick_opts o = {.dir = PROFILES_DIR};
    intake_picked p;
    csv_record rec = header_of(h, 6, lens);
    assert_int_equal(intake_pick(&o, &rec, &p, why, sizeof why), -1);
    intake_pick_free(&p);
    assert_non_null(strstr(why, "没有哪个导入模板对得上表头（现有模板：12345、nyc311、open311、wenzheng）"));
    assert_non_null(strstr(why, "导入模板 nyc311（最接近的）对不上表头：缺 3 个必填字段"));
    assert_non_null(strstr(why, "工单编号（ticket_no）：模板认的列 Unique Key；文件里最像的列：Key"));
    assert_non_null(strstr(why, "来电时间（called_at）：模板认的列 Created Date；文件里最像的列：Created On\n"));
    assert_non_null(strstr(why, "诉求内容（content）：模板认的列 Complaint Type + Descriptor + Location Type；"
                                "文件里最像的列：Problem Detail、Problem\n"));
    assert_non_null(strstr(why, "--profile 模板文件.conf"));
}

static void test_profile_sent_with_the_file(void **state)
{
    (void)state;
    const char *h[] = {"Key", "Created On", "Problem"};
    size_t lens[4];
    char why[4000] = "";
    intake_pick_opts o = {.dir = "/nonexistent", .name = "mine",
                          .text = "timezone = UTC\ndates = ymd\nticket_no = key\ncalled_at = created on\n"
                                  "content = problem\n"};
    intake_picked p;
    csv_record rec = header_of(h, 3, lens);
    assert_int_equal(intake_pick(&o, &rec, &p, why, sizeof why), 0);
    assert_string_equal(intake_columns_profile(p.map)->name, "mine");
    assert_string_equal(p.how, "随文件附上");
    intake_pick_free(&p);
    o.text = "timezone = UTC\n";
    assert_int_equal(intake_pick(&o, &rec, &p, why, sizeof why), -1);
    assert_non_null(strstr(why, "导入模板 mine（随文件附上）"));
    intake_pick_free(&p);
}

/* A directory of profiles for the test: name.conf holding text each. */
static void write_profile(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.conf", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

#define GOOD_PROFILE "timezone = UTC\ndates = ymd\nticket_no = 编号\ncalled_at = 时间\ncontent = 内容\n"
#define BROKEN_PROFILE "timezone = UTC\ndates = ymd\nencoding = latin1\nticket_no = Key\ncalled_at = Opened\n" \
                       "content = Problem\n"

/* One profile of the directory does not parse (an administrator's typo):
 * it is set aside with its file, line and problem; a file the good one fits
 * is read with it; the broken one named is refused saying its problem, at
 * the terminal with its file, on the page asking an administrator; a file
 * no good profile fits names it too; fixed, it is used at the next read. */
static void test_broken_profile_set_aside(void **state)
{
    (void)state;
    char dir[] = "/tmp/jiesu-profiles-XXXXXX", why[4000] = "", path[600];
    assert_non_null(mkdtemp(dir));
    write_profile(dir, "good", GOOD_PROFILE);
    write_profile(dir, "broken", BROKEN_PROFILE);
    intake_profiles *set = intake_profiles_load(dir, why, sizeof why);
    if (!set)
        fail_msg("%s", why);
    assert_int_equal(intake_profiles_count(set), 1);
    assert_null(intake_profiles_find(set, "broken"));
    assert_int_equal(intake_profiles_set_aside(set), 1);
    const intake_profile_fault *f = intake_profiles_fault_of(set, "broken");
    assert_non_null(f);
    snprintf(path, sizeof path, "%s/broken.conf", dir);
    assert_string_equal(f->path, path);
    assert_string_equal(f->problem, "第 3 行：编码“latin1”不认识：可写 auto、utf-8、gb18030 或 windows-1252（西文，Latin-1 也按它读）");
    intake_profiles_destroy(&set);

    const char *cn[] = {"编号", "时间", "内容"}, *nyc[] = {"Key", "Opened", "Problem"};
    size_t lens[4];
    intake_pick_opts o = {.dir = dir};
    intake_picked p;
    csv_record h = header_of(cn, 3, lens);
    assert_int_equal(intake_pick(&o, &h, &p, why, sizeof why), 0);
    assert_string_equal(intake_columns_profile(p.map)->name, "good");
    intake_pick_free(&p);
    o.name = "broken";
    assert_int_equal(intake_pick(&o, &h, &p, why, sizeof why), -1);
    intake_pick_free(&p);
    char said[1200];
    snprintf(said, sizeof said, "导入模板 broken 有问题，暂不能用：文件 %s：第 3 行：编码“latin1”不认识：可写 auto、utf-8、"
             "gb18030 或 windows-1252（西文，Latin-1 也按它读）。改好这个文件即可，不必重启工单受理服务", path);
    if (!strstr(why, said))
        fail_msg("%s", why);
    o.door = INTAKE_ON_PAGE;
    assert_int_equal(intake_pick(&o, &h, &p, why, sizeof why), -1);
    intake_pick_free(&p);
    assert_string_equal(why, "导入模板 broken 有问题：第 3 行：编码“latin1”不认识：可写 auto、utf-8、gb18030 或 windows-1252（西文，Latin-1 也按它读）。"
                             "模板只有系统管理员能改，导入页面上改不了：请系统管理员修好导入模板 broken，再导入这个文件");
    o.name = NULL;
    o.door = INTAKE_AT_TERMINAL;
    h = header_of(nyc, 3, lens);
    assert_int_equal(intake_pick(&o, &h, &p, why, sizeof why), -1);
    intake_pick_free(&p);
    assert_non_null(strstr(why, "没有哪个导入模板对得上表头（现有模板：good）"));
    assert_non_null(strstr(why, "\n另有 1 个导入模板有问题、暂不能用，这个文件也许正该用它导入：\n导入模板 broken 有问题，暂不能用："));

    write_profile(dir, "broken", "timezone = UTC\ndates = ymd\nencoding = auto\nticket_no = Key\ncalled_at = Opened\n"
                                 "content = Problem\n");
    assert_int_equal(intake_pick(&o, &h, &p, why, sizeof why), 0);
    assert_string_equal(intake_columns_profile(p.map)->name, "broken");
    assert_int_equal(intake_profiles_set_aside(p.set), 0);
    intake_pick_free(&p);
    remove(path);
    snprintf(path, sizeof path, "%s/good.conf", dir);
    remove(path);
    rmdir(dir);
}

/* Every profile of the directory broken: the set is read all the same
 * (nothing to use), and a file is refused naming them. */
static void test_every_profile_set_aside(void **state)
{
    (void)state;
    char dir[] = "/tmp/jiesu-profiles-XXXXXX", why[4000] = "", path[600];
    assert_non_null(mkdtemp(dir));
    write_profile(dir, "broken", BROKEN_PROFILE);
    const char *nyc[] = {"Key", "Opened", "Problem"};
    size_t lens[4];
    intake_pick_opts o = {.dir = dir};
    intake_picked p;
    csv_record h = header_of(nyc, 3, lens);
    assert_int_equal(intake_pick(&o, &h, &p, why, sizeof why), -1);
    assert_non_null(p.set);
    assert_int_equal(intake_profiles_count(p.set), 0);
    intake_pick_free(&p);
    assert_non_null(strstr(why, "没有可用的导入模板\n另有 1 个导入模板有问题、暂不能用"));
    assert_non_null(strstr(why, "第 3 行：编码“latin1”不认识"));
    snprintf(path, sizeof path, "%s/broken.conf", dir);
    remove(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_profiles),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_broken_profiles),
        cmocka_unit_test(test_loose_keys),
        cmocka_unit_test(test_picked_by_header),
        cmocka_unit_test(test_nothing_fits),
        cmocka_unit_test(test_refusals_on_the_page),
        cmocka_unit_test(test_profile_sent_with_the_file),
        cmocka_unit_test(test_broken_profile_set_aside),
        cmocka_unit_test(test_every_profile_set_aside),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
