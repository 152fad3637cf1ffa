/* test_cli_seed.c — short region names, and loading regions and units into a
 * real PostgreSQL: the bundled 崂山区 data, repeated runs, and hand-made files
 * with a BOM, CRLF line ends, a district listed twice and broken lines.
 *
 * Needs JIESU_TEST_PG (a migrated database) and runs from the repository root
 * (data/regions). Hand-made districts use made-up codes (8xxxxx) and are
 * deleted afterwards; the 崂山区 rows are the real ones and are left in place.
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

#include "cli_seed.h"
#include "db.h"

typedef struct {
    PGconn *pg;
    char    dir[64];        /* hand-made CSV files */
    char    d[8];           /* their district code */
} fixture;

static long count(PGconn *pg, const char *fmt, const char *arg)
{
    char sql[512];
    snprintf(sql, sizeof sql, fmt, arg);
    PGresult *res = PQexec(pg, sql);
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        fail_msg("%s: %s", sql, PQerrorMessage(pg));
    long n = atol(PQgetvalue(res, 0, 0));
    PQclear(res);
    return n;
}

static char *value(PGconn *pg, const char *fmt, const char *arg, char *buf, size_t len)
{
    char sql[512];
    snprintf(sql, sizeof sql, fmt, arg);
    PGresult *res = PQexec(pg, sql);
    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
        fail_msg("%s: %s", sql, PQerrorMessage(pg));
    snprintf(buf, len, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    return buf;
}

static void exec_sql(PGconn *pg, const char *fmt, const char *arg)
{
    char sql[512];
    snprintf(sql, sizeof sql, fmt, arg);
    PGresult *res = PQexec(pg, sql);
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        fail_msg("%s: %s", sql, PQerrorMessage(pg));
    PQclear(res);
}

static void write_file(const fixture *f, const char *name, const char *text)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", f->dir, name);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    assert_int_equal(fclose(fp), 0);
}

static void remove_fake(fixture *f)
{
    exec_sql(f->pg, "DELETE FROM units WHERE region_code LIKE '%s%%'", f->d);
    exec_sql(f->pg, "DELETE FROM regions WHERE level = 'community' AND code LIKE '%s%%'", f->d);
    exec_sql(f->pg, "DELETE FROM regions WHERE level = 'street' AND code LIKE '%s%%'", f->d);
    exec_sql(f->pg, "DELETE FROM regions WHERE code = '%s'", f->d);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->pg = test_pg();
    snprintf(f->dir, sizeof f->dir, "/tmp/jiesu-seed-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    srand((unsigned)(time(NULL) ^ getpid()));
    snprintf(f->d, sizeof f->d, "8%05d", rand() % 100000);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    if (!f)
        return 0;       /* setup failed */
    const char *names[] = {"districts.csv", "streets.csv", "communities.csv"};
    char path[128];
    remove_fake(f);
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", f->dir, names[i]);
        unlink(path);
    }
    rmdir(f->dir);
    PQfinish(f->pg);
    free(f);
    return 0;
}

static void assert_short(const char *name, const char *level, const char *want)
{
    char buf[128];
    cli_seed_short_name(buf, sizeof buf, name, level);
    assert_string_equal(buf, want);
}

static void test_short_names(void **state)
{
    (void)state;
    assert_short("沙子口街道", "street", "沙子口");
    assert_short("金家岭街道办事处", "street", "金家岭");
    assert_short("李哥庄镇", "street", "李哥庄");
    assert_short("大村镇", "street", "大村");
    assert_short("王乡", "street", "王乡");                  /* one character would be left */
    assert_short("青岛高新技术产业开发区", "street", "青岛高新技术产业开发区");
    assert_short("张村社区居民委员会", "community", "张村");
    assert_short("张村河南社区居民委员会", "community", "张村河南");
    assert_short("科技街社区居委会", "community", "科技街");
    assert_short("东麦窑村村民委员会", "community", "东麦窑村");
    assert_short("港东村委会", "community", "港东");
    assert_short("云霄路社区", "community", "云霄路");
    assert_short("社区", "community", "社区");
    assert_short("崂山区", "district", "崂山");
    assert_short("莱西市", "district", "莱西");
    char tiny[4];
    cli_seed_short_name(tiny, sizeof tiny, "沙子口街道", "street");
    assert_string_equal(tiny, "沙");                        /* truncated to fit */
}

static void test_laoshan(void **state)
{
    fixture *f = *state;
    cli_seed_stats st;
    char err[512] = "", buf[64];

    if (cli_seed_regions(f->pg, "data/regions", "370212", &st, err, sizeof err) < 0)
        fail_msg("%s", err);
    assert_int_equal(st.districts, 1);
    assert_int_equal(st.streets, 5);
    assert_int_equal(st.communities, 167);
    assert_int_equal(st.skipped, 0);
    assert_string_equal(st.district_names, "崂山区");       /* what jiesu migrate says it loaded, not 370212 */
    assert_int_equal(count(f->pg, "SELECT count(*) FROM regions WHERE code = '%s' AND level = 'district'", "370212"), 1);
    assert_int_equal(count(f->pg, "SELECT count(*) FROM regions WHERE parent_code = '%s' AND level = 'street'", "370212"), 5);
    assert_int_equal(count(f->pg, "SELECT count(*) FROM regions WHERE code LIKE '%s%%' AND level = 'community'", "370212"), 167);
    assert_int_equal(count(f->pg, "SELECT count(*) FROM units WHERE kind = 'street' AND region_code LIKE '%s%%'", "370212"), 5);
    assert_int_equal(count(f->pg, "SELECT count(*) FROM units WHERE code IN ('campaign', 'discipline') AND kind = code%s", ""), 2);
    assert_string_equal(value(f->pg, "SELECT short_name FROM regions WHERE code = '%s'", "370212002", buf, sizeof buf), "沙子口");
    assert_string_equal(value(f->pg, "SELECT short_name FROM regions WHERE code = '%s'", "370212001019", buf, sizeof buf), "张村");
    assert_string_equal(value(f->pg, "SELECT parent_code FROM regions WHERE code = '%s'", "370212001019", buf, sizeof buf), "370212001");
    assert_string_equal(value(f->pg, "SELECT name FROM units WHERE code = '%s' AND kind = 'street'", "370212002", buf, sizeof buf), "沙子口街道");

    /* The second run finds everything in place. */
    if (cli_seed_regions(f->pg, "data/regions", "370212", &st, err, sizeof err) < 0)
        fail_msg("%s", err);
    assert_int_equal(st.communities, 167);
    assert_int_equal(st.regions_changed, 0);
    assert_int_equal(st.units_changed, 0);
}

static void write_valid(fixture *f, const char *street_line)
{
    char text[1024];
    snprintf(text, sizeof text,
             "\xEF\xBB\xBF" "code,name,level,parent_code,city_name,nbs_year\r\n"
             "%s,旧名区,district,3702,青岛市,2021\r\n"
             "%s,新名区,district,3702,青岛市,2023\r\n"
             "370212,崂山区,district,3702,青岛市,2023\r\n", f->d, f->d);
    write_file(f, "districts.csv", text);
    snprintf(text, sizeof text,
             "code,name,level,parent_code,district_name,city_code,city_name,nbs_year\n"
             "%s\n"
             "%s002,乙镇,street,%s,新名区,3702,青岛市,2023\n\n", street_line, f->d, f->d);
    write_file(f, "streets.csv", text);
    snprintf(text, sizeof text,
             "code,name,level,parent_code,street_name,district_code,district_name,city_code,city_name,nbs_year,street_code_in_2023\n"
             "%s001001,甲山社区居民委员会,village,%s001,甲街道,%s,新名区,3702,青岛市,2021,yes\n"
             "%s009001,丁村村民委员会,village,%s009,丁街道,%s,新名区,3702,青岛市,2021,no\n",
             f->d, f->d, f->d, f->d, f->d, f->d);
    write_file(f, "communities.csv", text);
}

static void test_hand_made_files(void **state)
{
    fixture *f = *state;
    cli_seed_stats st;
    char err[512] = "", line[128], buf[64];

    snprintf(line, sizeof line, "%s001,甲街道,street,%s,新名区,3702,青岛市,2023", f->d, f->d);
    write_valid(f, line);
    if (cli_seed_regions(f->pg, f->dir, f->d, &st, err, sizeof err) < 0)
        fail_msg("%s", err);
    assert_int_equal(st.districts, 1);                      /* listed twice: one district */
    assert_string_equal(st.district_names, "新名区");       /* by its newest name */
    assert_int_equal(st.streets, 2);
    assert_int_equal(st.communities, 1);
    assert_int_equal(st.skipped, 1);                        /* 丁街道 is not in streets.csv */
    assert_int_equal(st.regions_changed, 4);
    assert_int_equal(st.units_changed, 4);                 /* 2 street offices, the district's 创城办 and 纪委监委 */
    assert_string_equal(value(f->pg, "SELECT name FROM regions WHERE code = '%s'", f->d, buf, sizeof buf), "新名区");
    assert_int_equal(count(f->pg, "SELECT count(*) FROM regions WHERE code LIKE '%s%%'", f->d), 4);
    assert_int_equal(count(f->pg, "SELECT count(*) FROM units WHERE region_code LIKE '%s%%'", f->d), 4);
    assert_int_equal(count(f->pg, "SELECT count(*) FROM units WHERE code IN ('%1$s.campaign', '%1$s.discipline')"
                                  " AND region_code = '%1$s' AND name IN ('新名区创城办', '新名区纪委监委')", f->d), 2);

    /* A line with a field missing: the file and line are named, nothing changes. */
    snprintf(line, sizeof line, "%s001,甲街道,street,%s,新名区,3702,2023", f->d, f->d);
    write_valid(f, line);
    exec_sql(f->pg, "DELETE FROM regions WHERE code = '%s001001'", f->d);
    assert_int_equal(cli_seed_regions(f->pg, f->dir, f->d, &st, err, sizeof err), -1);
    assert_non_null(strstr(err, "streets.csv 第 2 行：有 7 列，表头有 8 列：补上缺的列或删去多余的逗号"));
    assert_int_equal(count(f->pg, "SELECT count(*) FROM regions WHERE code LIKE '%s%%'", f->d), 3);

    /* A malformed code. */
    snprintf(line, sizeof line, "%s01,甲街道,street,%s,新名区,3702,青岛市,2023", f->d, f->d);
    write_valid(f, line);
    assert_int_equal(cli_seed_regions(f->pg, f->dir, f->d, &st, err, sizeof err), -1);
    assert_non_null(strstr(err, "streets.csv 第 2 行：代码 code“"));
    assert_non_null(strstr(err, "01”不对：街道代码应是 9 位数字，改正后再运行 jiesu migrate"));

    /* A name left out, and the year: which field, and what it should be. */
    snprintf(line, sizeof line, "%s001,,street,%s,新名区,3702,青岛市,2023", f->d, f->d);
    write_valid(f, line);
    assert_int_equal(cli_seed_regions(f->pg, f->dir, f->d, &st, err, sizeof err), -1);
    assert_non_null(strstr(err, "streets.csv 第 2 行：名称 name“”不对：应是街道的名称"));
    snprintf(line, sizeof line, "%s001,甲街道,street,%s,新名区,3702,青岛市,二〇二三", f->d, f->d);
    write_valid(f, line);
    assert_int_equal(cli_seed_regions(f->pg, f->dir, f->d, &st, err, sizeof err), -1);
    assert_non_null(strstr(err, "streets.csv 第 2 行：年份 nbs_year“二〇二三”不对：应是国家统计局代码的年份，如 2023"));
}

static void test_bad_configuration(void **state)
{
    fixture *f = *state;
    cli_seed_stats st;
    char err[512] = "";

    assert_int_equal(cli_seed_regions(f->pg, "data/regions", "370299", &st, err, sizeof err), -1);
    assert_non_null(strstr(err, "配置项 regions.districts 里的区县 370299 不在 data/regions/districts.csv 里"));
    assert_int_equal(cli_seed_regions(f->pg, "data/regions", "37021", &st, err, sizeof err), -1);
    assert_non_null(strstr(err, "配置项 regions.districts 里的“37021”不是 6 位数字的区县代码"));
    assert_int_equal(cli_seed_regions(f->pg, "no/such/dir", "370212", &st, err, sizeof err), -1);
    assert_non_null(strstr(err, "no/such/dir/districts.csv：没有这个文件或目录（核对路径）"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_short_names),
        cmocka_unit_test(test_laoshan),
        cmocka_unit_test(test_hand_made_files),
        cmocka_unit_test(test_bad_configuration),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
