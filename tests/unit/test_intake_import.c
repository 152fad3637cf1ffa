/* test_intake_import.c — whole imports against real PostgreSQL and Redis
 * (JIESU_TEST_PG, JIESU_TEST_REDIS; migrations applied): good rows kept, bad
 * rows in the rejects file with their reasons, duplicates counted and never
 * stored twice, re-imports changing nothing, another complaint carrying a
 * stored number refused and listed, an import stopped half-way and
 * run again, imports of a dead process marked failed, ids on the routing stream. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <iconv.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <zip.h>

#include "db.h"
#include "intake_import.h"
#include "queue.h"
#include "rconn.h"

#define HEADER "\xEF\xBB\xBF工单编号,来电时间,来电人,联系电话,诉求地址,诉求内容,诉求类型,紧急程度,备注\r\n"

typedef struct {
    PGconn       *pg;
    redisContext *redis;
    queue        *route;
    char          stream[64];
    char          dir[64];
    int           have_dir;
    char          rejects[128];
    char          prefix[48];   /* makes this run's ticket numbers unique */
    volatile sig_atomic_t stop;
    intake_import_opts opt;
} fixture;

static fixture fx;

static int setup(void **state)
{
    const char *pg = getenv("JIESU_TEST_PG"), *redis = getenv("JIESU_TEST_REDIS");
    char err[256];
    (void)state;
    if (!pg || !redis) {
        fprintf(stderr, "test_intake_import: set JIESU_TEST_PG (libpq conninfo) and JIESU_TEST_REDIS "
                        "(host:port) to a PostgreSQL with the migrations applied and a Redis\n");
        return -1;
    }
    if (!(fx.pg = db_connect(pg, 5000, err, sizeof err))) {
        fprintf(stderr, "test_intake_import: PostgreSQL %s: %s\n", pg, err);
        return -1;
    }
    if (!(fx.redis = rconn_open(redis, getenv("JIESU_TEST_REDIS_PASSWORD_FILE"), 2000, 5000, err, sizeof err))) {
        fprintf(stderr, "test_intake_import: Redis %s: %s\n", redis, err);
        return -1;
    }
    snprintf(fx.stream, sizeof fx.stream, "test:intake:%ld", (long)getpid());
    snprintf(fx.prefix, sizeof fx.prefix, "T%ldx%ld-", (long)getpid(), (long)time(NULL));
    fx.route = queue_new(fx.redis, fx.stream, "test", "test");
    snprintf(fx.dir, sizeof fx.dir, "/tmp/test_intake_XXXXXX");
    if (!fx.route || !mkdtemp(fx.dir))
        return -1;
    fx.have_dir = 1;
    snprintf(fx.rejects, sizeof fx.rejects, "%s/rejects", fx.dir);
    fx.opt = (intake_import_opts){.pg = fx.pg, .route = fx.route, .rejects_dir = fx.rejects,
                                  .profiles_dir = "data/profiles", .stop = &fx.stop};
    return 0;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st; (void)flag; (void)ftw;
    return remove(path);
}

static int teardown(void **state)
{
    (void)state;
    if (fx.redis) {
        freeReplyObject(redisCommand(fx.redis, "DEL %s", fx.stream));
        redisFree(fx.redis);
    }
    queue_destroy(&fx.route);
    if (fx.pg)
        PQfinish(fx.pg);
    if (fx.have_dir)
        nftw(fx.dir, remove_one, 8, FTW_DEPTH | FTW_PHYS);
    return 0;
}

/* Writes a file in the test directory; rows use "@" for this run's prefix. */
static const char *write_csv(const char *name, const char *text, char path[256])
{
    snprintf(path, 256, "%s/%s", fx.dir, name);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    for (const char *p = text; *p; p++) {
        if (*p == '@')
            fputs(fx.prefix, fp);
        else
            fputc(*p, fp);
    }
    assert_int_equal(fclose(fp), 0);
    return path;
}

/* Writes UTF-8 text converted to encoding into the test directory. */
static const char *write_converted(const char *name, const char *encoding, const char *utf8, char path[256])
{
    char buf[1024], *in = (char *)utf8, *out = buf;
    size_t inleft = strlen(utf8), outleft = sizeof buf;
    iconv_t cd = iconv_open(encoding, "UTF-8");
    assert_true(cd != (iconv_t)-1);
    assert_true(iconv(cd, &in, &inleft, &out, &outleft) != (size_t)-1);
    iconv_close(cd);
    snprintf(path, 256, "%s/%s", fx.dir, name);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    assert_int_equal(fwrite(buf, 1, sizeof buf - outleft, fp), sizeof buf - outleft);
    assert_int_equal(fclose(fp), 0);
    return path;
}

static long sql_long(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static long sql_long(const char *fmt, ...)
{
    char sql[1024], err[512] = "";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    PGresult *res = db_query(fx.pg, "test", sql, 0, NULL, err, sizeof err);
    if (!res)
        fail_msg("%s", err);
    long v = strtol(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    return v;
}

static long stream_len(void)
{
    redisReply *r = redisCommand(fx.redis, "XLEN %s", fx.stream);
    assert_non_null(r);
    long n = (long)r->integer;
    freeReplyObject(r);
    return n;
}

/* 1 if every complaint of this run is on the stream exactly once. */
static int stream_matches_db(void)
{
    redisReply *r = redisCommand(fx.redis, "XRANGE %s - +", fx.stream);
    assert_non_null(r);
    long matched = 0;
    for (size_t i = 0; i < r->elements; i++) {
        redisReply *fields = r->element[i]->element[1];
        matched += sql_long("SELECT count(*) FROM complaints WHERE id = %s AND ticket_no LIKE '%s%%'",
                            fields->element[1]->str, fx.prefix);
    }
    long entries = (long)r->elements;
    freeReplyObject(r);
    return matched == entries && entries == sql_long("SELECT count(*) FROM complaints WHERE ticket_no "
                                                     "LIKE '%s%%'", fx.prefix);
}

static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    static char buf[16384];
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    buf[n] = '\0';
    fclose(fp);
    return buf;
}

static const char FIRST[] =
    HEADER
    "@1,2021-05-30 10:57,王先生,13800000001,崂山区中韩街道张村社区,门口占道经营,市容环境,一般,回访\r\n"
    "@2,2021/5/30 11:00:00,李女士,13800000002,沙子口,\"多行\r\n内容，有\"\"引号\"\"\",,,\r\n"
    "@3,44346.5,,,,路灯不亮,,,\r\n"
    "1.23457E+17,2021-05-30 10:57,,,,违章停车,,,\r\n"
    "@4,2021-02-30 10:57,,,,噪声扰民,,,\r\n"
    "@5,2021-05-30 12:00,,,,,,,\r\n"
    "@1,2021-05-30 13:00,,,,重复的工单,,,\r\n"
    ",,,,,,,,\r\n"
    "@6,2021-05-30 14:00,,,,垃圾未清运,,,\r\n";

static void test_good_rows_kept_bad_rows_rejected(void **state)
{
    (void)state;
    char path[256], err[512] = "";
    intake_result res;
    write_csv("first.csv", FIRST, path);
    if (intake_import(&fx.opt, path, NULL, &res, err, sizeof err) != 0)
        fail_msg("import failed: %s", err);
    assert_int_equal(res.rows_total, 8);
    assert_int_equal(res.inserted, 4);
    assert_int_equal(res.duplicates, 1);
    assert_int_equal(res.repeated, 1);          /* @1 twice in the file */
    assert_int_equal(res.rejected, 3);
    assert_string_equal(res.encoding, "UTF-8 BOM");
    assert_int_equal(strlen(res.sha256), 64);
    assert_int_equal(sql_long("SELECT count(*) FROM complaints WHERE ticket_no LIKE '%s%%'", fx.prefix), 4);
    assert_int_equal(sql_long("SELECT count(*) FROM complaint_events e JOIN complaints c ON c.id = "
                              "e.complaint_id WHERE c.ticket_no LIKE '%s%%' AND e.actor = 'intake' AND "
                              "e.event = 'imported'", fx.prefix), 4);
    assert_int_equal(sql_long("SELECT count(*) FROM imports WHERE id = %lld AND status = 'done' AND "
                              "rows_total = 8 AND inserted = 4 AND duplicates = 1 AND rejected = 3 AND "
                              "sha256 = '%s' AND file_name = 'first.csv' AND finished_at IS NOT NULL",
                              (long long)res.import_id, res.sha256), 1);
    assert_int_equal(sql_long("SELECT count(*) FROM complaints WHERE ticket_no = '%s1' AND source_row = 2 "
                              "AND content = '门口占道经营' AND extra = '{\"备注\": \"回访\"}' AND "
                              "called_at = '2021-05-30 10:57+08'", fx.prefix), 1);
    assert_int_equal(sql_long("SELECT count(*) FROM complaints WHERE ticket_no = '%s2' AND content = "
                              "'多行 内容,有\"引号\"' AND address = '沙子口' AND category_raw IS NULL",
                              fx.prefix), 1);
    assert_int_equal(sql_long("SELECT count(*) FROM complaints WHERE ticket_no = '%s3' AND "
                              "called_at = '2021-05-30 12:00+08' AND address = ''", fx.prefix), 1);
    char *rej = slurp(res.rejects_path);
    assert_non_null(strstr(res.rejects_path, "rejects/import-"));
    assert_non_null(strstr(rej, "记录,文件行号,列,原因,原值"));
    assert_non_null(strstr(rej, "5,6,工单编号,工单编号是科学计数法"));
    assert_non_null(strstr(rej, "6,7,来电时间,格式对，却不是真实的日期时间"));
    assert_non_null(strstr(rej, "7,8,诉求内容,这一行的诉求内容是空的：请在原系统补上诉求内容后再导入这一行"));
    assert_non_null(strstr(rej, "8,9,工单编号,工单编号重复：第 2 条记录也是这个编号，只保存了那一条"));
    assert_int_equal(stream_len(), 4);
    assert_true(stream_matches_db());
}

static void test_reimport_changes_nothing(void **state)
{
    (void)state;
    char path[256], err[512] = "";
    intake_result res;
    write_csv("first.csv", FIRST, path);
    long before = sql_long("SELECT count(*) FROM complaints WHERE ticket_no LIKE '%s%%'", fx.prefix);
    assert_int_equal(intake_import(&fx.opt, path, "again.csv", &res, err, sizeof err), 0);
    assert_int_equal(res.inserted, 0);
    assert_int_equal(res.duplicates, 5);
    assert_int_equal(res.repeated, 1);          /* @1 of 13:00 is not the @1 stored: row 2 is, which it repeats */
    assert_int_equal(res.rejected, 3);
    assert_int_equal(res.clashed, 0);
    assert_non_null(strstr(slurp(res.rejects_path), "8,9,工单编号,工单编号重复：第 2 条记录也是这个编号"));
    assert_int_equal(sql_long("SELECT count(*) FROM complaints WHERE ticket_no LIKE '%s%%'", fx.prefix), before);
    assert_int_equal(sql_long("SELECT count(DISTINCT sha256) FROM imports WHERE file_name IN "
                              "('first.csv', 'again.csv') AND sha256 = '%s'", res.sha256), 1);
    assert_int_equal(stream_len(), 4);
}

static void test_duplicates_across_imports_and_batches(void **state)
{
    (void)state;
    char path[256], err[512] = "";
    intake_result res;
    write_csv("second.csv", HEADER
              "@1,2021-05-30 10:57,,,,又一次,,,\r\n"
              "@7,2021-05-31 09:01,,,,a,,,\r\n"
              "@8,2021-05-31 09:02,,,,b,,,\r\n"
              "@7,2021-05-31 09:03,,,,c,,,\r\n"
              "@9,2021-05-31 09:04,,,,d,,,\r\n", path);
    intake_import_opts opt = fx.opt;
    opt.batch_rows = 2;
    assert_int_equal(intake_import(&opt, path, NULL, &res, err, sizeof err), 0);
    assert_int_equal(res.rows_total, 5);
    assert_int_equal(res.inserted, 3);
    assert_int_equal(res.duplicates, 2);
    assert_int_equal(res.repeated, 1);
    char *rej = slurp(res.rejects_path);       /* @7 twice, in two batches; @1 another import's: not listed */
    assert_non_null(strstr(rej, "5,5,工单编号,工单编号重复：第 3 条记录也是这个编号"));
    assert_null(strstr(rej, "\n2,2,"));
    assert_int_equal(sql_long("SELECT count(*) FROM complaints WHERE ticket_no = '%s7' AND content = 'a'",
                              fx.prefix), 1);
    assert_int_equal(sql_long("SELECT count(*) FROM complaints WHERE ticket_no = '%s1' AND content = "
                              "'门口占道经营'", fx.prefix), 1);
    assert_true(stream_matches_db());
}

/* A row whose ticket another import stored, called at another time, is
 * another complaint (two systems numbering apart): not stored, listed with
 * the stored one's time and what to do, counted as refused and apart; at
 * the stored time it is the same one imported again, counted only. Before,
 * both were counted as duplicates and neither listed. */
static void test_other_complaint_with_a_stored_number(void **state)
{
    (void)state;
    char path[256], err[512] = "", want[512];
    intake_result res;
    write_csv("clash.csv", HEADER
              "@2,2021-05-30 11:00,,,,又一次,,,\r\n"
              "@6,2021-06-02 08:15,,,,另一件诉求,,,\r\n"
              "@99,2021-06-02 08:16,,,,新的,,,\r\n", path);
    long stored_by = sql_long("SELECT import_id FROM complaints WHERE ticket_no = '%s6'", fx.prefix);
    assert_int_equal(intake_import(&fx.opt, path, NULL, &res, err, sizeof err), 0);
    assert_int_equal(res.rows_total, 3);
    assert_int_equal(res.inserted, 1);
    assert_int_equal(res.duplicates, 1);
    assert_int_equal(res.rejected, 1);
    assert_int_equal(res.clashed, 1);
    assert_int_equal(sql_long("SELECT count(*) FROM imports WHERE id = %lld AND duplicates = 1 AND rejected = 1",
                              (long long)res.import_id), 1);
    char *rej = slurp(res.rejects_path);
    snprintf(want, sizeof want, "3,3,工单编号,工单编号 %s6 已由第 %ld 号导入存为另一件诉求（来电时间 2021-05-30 "
             "14:00:00，与这一行的 2021-06-02 08:15:00 不同）：不是同一件诉求时，请在原系统核对工单编号，改正后再导入"
             "这一行,%s6", fx.prefix, stored_by, fx.prefix);
    if (!strstr(rej, want))
        fail_msg("rejects file:\n%s\nlacks\n%s", rej, want);
    assert_null(strstr(rej, "\n2,2,"));
    assert_int_equal(sql_long("SELECT count(*) FROM complaints WHERE ticket_no = '%s6' AND content = '垃圾未清运'",
                              fx.prefix), 1);
    assert_true(stream_matches_db());
}

static void test_stopped_import_finishes_on_rerun(void **state)
{
    (void)state;
    char path[256], err[512] = "", rows[2048] = HEADER;
    intake_result res;
    for (int i = 20; i < 30; i++)
        snprintf(rows + strlen(rows), sizeof rows - strlen(rows), "@%d,2021-06-01 08:%02d,,,,内容%d,,,\r\n",
                 i, i, i);
    write_csv("stopped.csv", rows, path);
    intake_import_opts opt = fx.opt;
    opt.batch_rows = 3;
    fx.stop = 1;                    /* a SIGTERM arrived: finish the batch, then stop */
    assert_int_equal(intake_import(&opt, path, NULL, &res, err, sizeof err), -1);
    fx.stop = 0;
    assert_null(strstr(err, fx.dir));       /* not where intake spooled it (the caller names the file) */
    assert_non_null(strstr(err, "工单受理服务正在停止"));
    assert_non_null(strstr(err, "表头之后的前 3 条记录已存（新存 3 件），其余没有存：请再导入同一个文件存下其余的行"));
    assert_int_equal(res.inserted, 3);
    assert_int_equal(sql_long("SELECT count(*) FROM imports WHERE id = %lld AND status = 'failed' AND "
                              "inserted = 3", (long long)res.import_id), 1);
    assert_int_equal(intake_import(&opt, path, NULL, &res, err, sizeof err), 0);
    assert_int_equal(res.inserted, 7);
    assert_int_equal(res.duplicates, 3);
    assert_int_equal(sql_long("SELECT count(*) FROM complaints WHERE ticket_no ~ '^%s2[0-9]$'", fx.prefix), 10);
    assert_true(stream_matches_db());
}

/* Writes a workbook in the test directory with the properties pr (the
 * workbookPr element, "" for none) whose first sheet holds rows (the XML
 * inside <sheetData>, "@" for this run's prefix), the <sheet> elements others
 * after it ("" for none). */
static const char *write_xlsx(const char *name, const char *pr, const char *others, const char *rows,
                              char path[256])
{
    char workbook[1024];
    snprintf(workbook, sizeof workbook,
             "<workbook xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
             "%s<sheets><sheet name=\"a\" sheetId=\"1\" r:id=\"rId1\"/>%s</sheets></workbook>", pr, others);
    static const char rels[] =
        "<Relationships><Relationship Id=\"rId1\" Target=\"worksheets/sheet1.xml\"/></Relationships>";
    static char sheet[8192];
    size_t n = (size_t)snprintf(sheet, sizeof sheet, "<worksheet><sheetData>");
    for (const char *p = rows; *p && n + sizeof fx.prefix < sizeof sheet; p++)
        n += (size_t)snprintf(sheet + n, sizeof sheet - n, "%s", *p == '@' ? fx.prefix : (char[]){*p, 0});
    snprintf(sheet + n, sizeof sheet - n, "</sheetData></worksheet>");
    snprintf(path, 256, "%s/%s", fx.dir, name);
    int zerr;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    assert_non_null(z);
    const char *names[] = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/worksheets/sheet1.xml"};
    const char *parts[] = {workbook, rels, sheet};
    for (size_t i = 0; i < 3; i++) {
        zip_source_t *src = zip_source_buffer(z, parts[i], strlen(parts[i]), 0);
        assert_true(src && zip_file_add(z, names[i], src, ZIP_FL_OVERWRITE) >= 0);
    }
    assert_int_equal(zip_close(z), 0);
    return path;
}

#define XHEAD "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>工单编号</t></is></c>" \
              "<c r=\"B1\" t=\"inlineStr\"><is><t>来电时间</t></is></c>" \
              "<c r=\"C1\" t=\"inlineStr\"><is><t>诉求内容</t></is></c></row>"
#define XCELL(ref, text) "<c r=\"" ref "\" t=\"inlineStr\"><is><t>" text "</t></is></c>"

/* A workbook's damaged cell rejects its row only, with the cell and what to
 * do in the rejects file (each once failed the whole import); XML broken
 * part way fails the import naming the row, and does not tell the clerk to
 * import the same file again. */
static void test_xlsx_damaged_cells(void **state)
{
    (void)state;
    char path[256], err[4096] = "";
    intake_result res;
    write_xlsx("damaged.xlsx", "", "", XHEAD
               "<row r=\"2\">" XCELL("A2", "@X1") XCELL("B2", "2021-05-30 10:57") XCELL("C2", "好的一行") "</row>"
               "<row r=\"3\">" XCELL("A3", "@X2") XCELL("B3", "2021-05-30 10:57") "<c r=\"C3\" t=\"s\"><v>9</v></c></row>"
               "<row r=\"4\">" XCELL("A4", "@X3") XCELL("C4", "内容") XCELL("B4", "2021-05-30 10:57") "</row>"
               "<row r=\"5\">" XCELL("A5", "@X4") XCELL("B5", "2021-05-30 10:57") XCELL("C5", "这一行的诉求内容超过了二十四个字的上限所以整行都不导入了") "</row>"
               "<row r=\"6\">" XCELL("A6", "@X5") XCELL("B6", "2021-05-30 10:57") XCELL("C6", "也是好的") "</row>",
               path);
    intake_import_opts opt = fx.opt;
    opt.csv.max_field = 24;          /* this run's ticket numbers take 21 */
    if (intake_import(&opt, path, NULL, &res, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(res.rows_total, 5);
    assert_int_equal(res.inserted, 2);
    assert_int_equal(res.rejected, 3);
    char *rej = slurp(res.rejects_path);
    assert_non_null(strstr(rej, "\n3,3,诉求内容,单元格 C3 引用的共享字符串在工作簿里没有：工作簿已损坏，请用 Excel 打开、另存为 .xlsx"
                                "（这一行未导入，其余行照常读取；改好后再导入这个文件即可，已存的行算作重复）"));
    assert_non_null(strstr(rej, "\n4,4,来电时间,单元格 B4 没有排在同一行前一个单元格之后"));
    assert_non_null(strstr(rej, "\n5,5,诉求内容,单元格 C5 超过 24 个字符（这一行未导入"));

    write_xlsx("header.xlsx", "", "", "<row r=\"1\">" XCELL("A1", "工单编号") XCELL("B1", "来电时间")
               XCELL("C1", "诉求内容这一列的表头写得太长了超过了二十四个字的限制") "</row>", path);
    assert_int_equal(intake_import(&opt, path, NULL, &res, err, sizeof err), -1);
    assert_non_null(strstr(err, "表头行：单元格 C1 超过 24 个字符；"));

    write_xlsx("broken.xlsx", "", "", XHEAD
               "<row r=\"2\">" XCELL("A2", "@X6") XCELL("B2", "2021-05-30 10:57") XCELL("C2", "存下") "</row>"
               "<row r=\"3\">" XCELL("A3", "@X7") XCELL("B3", "2021-05-30 10:57") XCELL("C3", "也存下") "</row>"
               "<row r=\"4\">" XCELL("A4", "@X8") "<c r=\"B4\"><v>1</x></c></row>",
               path);
    opt.batch_rows = 1;
    assert_int_equal(intake_import(&opt, path, NULL, &res, err, sizeof err), -1);
    assert_non_null(strstr(err, "工作表第 4 行（单元格 B4 处）的 XML 损坏"));
    assert_non_null(strstr(err, "新存 2 件），其余没有存：请按上面说的改好文件后再导入，照原样再导入会停在同一处"));
    assert_null(strstr(err, "再导入同一个文件"));
}

/* An import that stops part way answers with the stored part: its counts,
 * and a rejects file of its rows only (the row rejected in the batch read
 * ahead was in it, and counted); stopped in its first batch, none at all. */
static void test_stopped_import_keeps_stored_part(void **state)
{
    (void)state;
    char path[256], err[1024] = "";
    intake_result res;
    write_csv("stopped-rejects.csv", HEADER
              "@40,2021-06-01 08:00,,,,a,,,\r\n"
              "@41,昨天,,,,b,,,\r\n"
              "@42,2021-06-01 08:02,,,,c,,,\r\n"
              "@43,2021-06-01 08:03,,,,,,,\r\n"
              "@44,2021-06-01 08:04,,,,e,,,\r\n", path);
    intake_import_opts opt = fx.opt;
    opt.batch_rows = 3;
    fx.stop = 1;
    assert_int_equal(intake_import(&opt, path, NULL, &res, err, sizeof err), -1);
    fx.stop = 0;
    assert_int_equal(res.rows_total, 3);
    assert_int_equal(res.inserted, 2);
    assert_int_equal(res.rejected, 1);
    char *rej = slurp(res.rejects_path);
    assert_non_null(strstr(rej, "\n3,3,来电时间,"));
    assert_null(strstr(rej, "\n5,5,"));

    write_xlsx("stopped-first.xlsx", "", "", XHEAD
               "<row r=\"2\">" XCELL("A2", "@45") XCELL("B2", "昨天") XCELL("C2", "拒收") "</row>"
               "<row r=\"3\">" XCELL("A3", "@46") "<c r=\"B3\"><v>1</x></c></row>", path);
    assert_int_equal(intake_import(&opt, path, NULL, &res, err, sizeof err), -1);
    assert_int_equal(res.rows_total, 0);
    assert_string_equal(res.rejects_path, "");
    char rejects[512];
    snprintf(rejects, sizeof rejects, "%s/import-%lld-rejects.csv", opt.rejects_dir, (long long)res.import_id);
    assert_int_equal(access(rejects, F_OK), -1);
}

/* A workbook in the 1904 date system (workbookPr date1904) has its serial
 * dates read from 1904: they were stored 1462 days early. */
static void test_xlsx_date1904(void **state)
{
    (void)state;
    char path[256], err[4096] = "";
    intake_result res;
    const char *rows = XHEAD "<row r=\"2\">" XCELL("A2", "@D1904") "<c r=\"B2\"><v>42884.5</v></c>"
                       XCELL("C2", "1904 年制的工作簿") "</row>";
    write_xlsx("mac.xlsx", "<workbookPr date1904=\"1\"/>", "", rows, path);
    if (intake_import(&fx.opt, path, NULL, &res, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(res.inserted, 1);
    assert_int_equal(sql_long("SELECT count(*) FROM complaints WHERE ticket_no = '%sD1904' AND "
                              "called_at = '2021-05-30 12:00:00+08'", fx.prefix), 1);
}

/* Only a workbook's first sheet is read: the clerk is told the others are
 * not, by name, and how to import one. */
static void test_xlsx_other_sheets_named(void **state)
{
    (void)state;
    char path[256], err[4096] = "";
    intake_result res;
    const char *rows = XHEAD "<row r=\"2\">" XCELL("A2", "@S1") XCELL("B2", "2021-05-30 12:00")
                       XCELL("C2", "路灯不亮") "</row>";
    write_xlsx("sheets.xlsx", "", "<sheet name=\"统计\" sheetId=\"2\" r:id=\"rId2\"/>"
               "<sheet name=\"说明\" sheetId=\"3\" r:id=\"rId3\"/>", rows, path);
    if (intake_import(&fx.opt, path, NULL, &res, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(res.inserted, 1);
    assert_int_equal(res.nwarnings, 1);
    assert_string_equal(res.warnings[0], "工作簿有 3 个工作表，只导入了第一个「a」，其余 2 个（「统计」「说明」）没有读："
                                          "要导入其中一个，请在 Excel 里把它拖到最前面，或另存为单独的文件后再导入");
    write_xlsx("one.xlsx", "", "", XHEAD, path);
    if (intake_import(&fx.opt, path, NULL, &res, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(res.nwarnings, 0);
}

/* New York local times of the days the clocks change: 02:30 on
 * 2022-03-13 does not exist, 01:30 on 2022-11-06 happens twice. PostgreSQL
 * stores each one way; the clerk is told which rows, and how each was read,
 * in a dry run as in the import (whose rows wait for the zone's changes
 * across batches). A time with an offset is exact and not counted. */
static const char SUMMER_TIME[] =
    "Unique Key,Created Date,Complaint Type,Descriptor,Location Type\r\n"
    "@Z1,03/13/2022 01:59:59 AM,Noise,Loud,Street\r\n"
    "@Z2,03/13/2022 02:30:00 AM,Noise,Loud,Street\r\n"
    "@Z3,03/13/2022 03:00:00 AM,Noise,Loud,Street\r\n"
    "@Z4,11/06/2022 01:30:00 AM,Noise,Loud,Street\r\n"
    "@Z5,11/06/2022 12:59:59 AM,Noise,Loud,Street\r\n"
    "@Z6,2022-11-06T01:15:00-04:00,Noise,Loud,Street\r\n"
    "@Z7,11/06/2022 01:45:00 AM,Noise,Loud,Street\r\n";

static void test_summer_time_told(void **state)
{
    (void)state;
    char path[256], err[512] = "";
    intake_result res;
    intake_import_opts opt = fx.opt;
    opt.profile = "nyc311";
    opt.batch_rows = 2;
    write_csv("summer.csv", SUMMER_TIME, path);
    for (opt.dry_run = 1; opt.dry_run >= 0; opt.dry_run--) {
        if (intake_import(&opt, path, NULL, &res, err, sizeof err) != 0)
            fail_msg("import failed: %s", err);
        assert_int_equal(res.rows_total, 7);
        assert_int_equal(res.zone_skipped, 1);
        assert_int_equal(res.zone_repeated, 2);
        assert_int_equal(res.nnotes, 2);
        assert_string_equal(res.notes[0], "1 行的来电时间在时区 America/New_York 里不存在：2022-03-13 当地时钟从 02:00 "
                            "拨快到 03:00，第 3 行的 2022-03-13 02:30:00 就在其间；这样的时间按拨快前的钟点读，存为 03:30:00"
                            "（UTC-04:00，即 2022-03-13 07:30:00 UTC），比拨快后不久的来电还晚：请向原系统核对这些行的来电时间");
        assert_string_equal(res.notes[1], "2 行的来电时间在时区 America/New_York 里出现两次：2022-11-06 当地时钟从 02:00 "
                            "拨回到 01:00，01:00–02:00 过了两遍，第 5 行的 2022-11-06 01:30:00 就在其间；分不清是哪一遍，"
                            "按后一遍（UTC-05:00）存，即 2022-11-06 06:30:00 UTC，若是前一遍则实际早 1 小时：请向原系统核对"
                            "这些行的来电时间");
    }
    assert_int_equal(res.inserted, 7);
    assert_int_equal(sql_long("SELECT count(*) FROM complaints WHERE ticket_no = '%sZ2' AND "
                              "called_at = '2022-03-13 07:30:00+00'", fx.prefix), 1);
    assert_int_equal(sql_long("SELECT count(*) FROM complaints WHERE ticket_no = '%sZ4' AND "
                              "called_at = '2022-11-06 06:30:00+00'", fx.prefix), 1);
}

static void test_missing_column_and_unreadable_file(void **state)
{
    (void)state;
    char path[256], err[4096] = "";
    intake_result res;
    write_csv("nocol.csv", "工单编号,诉求地址,诉求内容\n@50,中韩,x\n", path);
    assert_int_equal(intake_import(&fx.opt, path, NULL, &res, err, sizeof err), -1);
    assert_null(strstr(err, fx.dir));
    assert_non_null(strstr(err, "来电时间（called_at）：模板认的列 来电时间"));
    assert_int_equal(sql_long("SELECT count(*) FROM imports WHERE id = %lld AND status = 'failed' AND "
                              "error LIKE '%%called_at%%'", (long long)res.import_id), 1);
    write_csv("old.xls", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 an old workbook", path);
    assert_int_equal(intake_import(&fx.opt, path, NULL, &res, err, sizeof err), -1);
    assert_non_null(strstr(err, "这是老式的 Excel 工作簿（.xls），读不了：请用 Excel 打开，另存为 Excel 工作簿（.xlsx）"));
    snprintf(path, sizeof path, "%s/no-such-file.csv", fx.dir);
    assert_int_equal(intake_import(&fx.opt, path, NULL, &res, err, sizeof err), -1);
    assert_null(strstr(err, fx.dir));
    assert_non_null(strstr(err, "打不开文件"));
    assert_int_equal(res.import_id, 0);
}

static void test_orphaned_import_marked_failed(void **state)
{
    (void)state;
    char path[256], err[512] = "";
    intake_result res;
    long crashed = sql_long("INSERT INTO imports (file_name, sha256) VALUES ('crashed.csv', 'x') RETURNING id");
    write_csv("after.csv", HEADER "@60,2021-06-02 08:00,,,,x,,,\r\n", path);
    assert_int_equal(intake_import(&fx.opt, path, NULL, &res, err, sizeof err), 0);
    assert_int_equal(sql_long("SELECT count(*) FROM imports WHERE id = %ld AND status = 'failed' AND "
                              "error LIKE '导入中断%%'", crashed), 1);
    assert_int_equal(sql_long("SELECT count(*) FROM imports WHERE id = %lld AND status = 'done'",
                              (long long)res.import_id), 1);
}

static void test_gb18030_file(void **state)
{
    (void)state;
    char path[256], err[512] = "", utf8[512];
    intake_result res;
    snprintf(utf8, sizeof utf8, "工单编号,来电时间,诉求地址,诉求内容\r\n%s70,2021-06-03 08:00,北宅街道,"
             "流浪犬追咬行人\r\n", fx.prefix);
    write_converted("gbk.csv", "GB18030", utf8, path);
    assert_int_equal(intake_import(&fx.opt, path, NULL, &res, err, sizeof err), 0);
    assert_string_equal(res.encoding, "GB18030");
    assert_int_equal(res.inserted, 1);
    assert_int_equal(sql_long("SELECT count(*) FROM complaints WHERE ticket_no = '%s70' AND content = "
                              "'流浪犬追咬行人' AND address = '北宅街道'", fx.prefix), 1);
}

/* A stray quote in one row: that row refused, naming the line its quote
 * opened on; the rows it would have swallowed stored as rows. */
static void test_stray_quote_refuses_one_row(void **state)
{
    (void)state;
    char path[256], err[512] = "";
    intake_result res;
    write_csv("stray.csv", HEADER
              "@80,2021-06-04 08:00,,,,\"门口占道经营\r\n"
              "@81,2021-06-04 09:00,,,,ok,,,\r\n"
              "@82,2021-06-04 10:00,,,,他说\"谢谢\",,,\r\n"
              "@83,2021-06-04 11:00,,,,路灯不亮,,,\r\n", path);
    if (intake_import(&fx.opt, path, NULL, &res, err, sizeof err) != 0)
        fail_msg("import failed: %s", err);
    assert_int_equal(res.rows_total, 4);
    assert_int_equal(res.inserted, 3);
    assert_int_equal(res.rejected, 1);
    assert_int_equal(sql_long("SELECT count(*) FROM complaints WHERE ticket_no = '%s82' AND source_row = 4 "
                              "AND content = '他说\"谢谢\"'", fx.prefix), 1);
    assert_int_equal(sql_long("SELECT count(*) FROM complaints WHERE ticket_no IN ('%s81', '%s83')",
                              fx.prefix, fx.prefix), 2);
    char *rej = slurp(res.rejects_path);
    if (!strstr(rej, "\n2,2,诉求内容,\"第 2 行的引号没有配对") || !strstr(rej, "门口占道经营\n"))
        fail_msg("rejects file: %s", rej);
}

/* A NUL byte in a field: the row refused saying where the NUL is; the
 * rejects file shows it as U+FFFD, the rest of the value kept. */
static void test_nul_byte_row(void **state)
{
    (void)state;
    char path[256], err[512] = "";
    intake_result res;
    snprintf(path, sizeof path, "%s/nul.csv", fx.dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fprintf(fp, HEADER "%s90,2021-06-05 08:00,,,,abc", fx.prefix);
    fputc('\0', fp);
    fprintf(fp, "def,,,\r\n%s91,2021-06-05 09:00,,,,ok,,,\r\n", fx.prefix);
    assert_int_equal(fclose(fp), 0);
    if (intake_import(&fx.opt, path, NULL, &res, err, sizeof err) != 0)
        fail_msg("import failed: %s", err);
    assert_int_equal(res.inserted, 1);
    assert_int_equal(res.rejected, 1);
    char *rej = slurp(res.rejects_path);
    if (!strstr(rej, "\n2,2,诉求内容,本字段第 4 个字符是空字符") || !strstr(rej, ",abc\xEF\xBF\xBD" "def\n"))
        fail_msg("rejects file: %s", rej);
}

/* A header that cannot be read says where, in which encoding and why that
 * one, and what to do. */
static void test_unreadable_header_explained(void **state)
{
    (void)state;
    char path[256], err[1024] = "";
    intake_result res;
    static const char header[] = "工单编号,来电时间,诉求内容\r\n";
    write_converted("gbk-header.csv", "GB18030", header, path);
    intake_import_opts opt = fx.opt;
    opt.dry_run = 1;
    opt.profile = "mine";
    opt.profile_text = "timezone = Asia/Shanghai\ndates = ymd\nencoding = utf-8\n"
                       "ticket_no = 工单编号\ncalled_at = 来电时间\ncontent = 诉求内容\n";
    assert_int_equal(intake_import(&opt, path, NULL, &res, err, sizeof err), -1);
    if (!strstr(err, "表头行第 1 列第 1 个字符起不是有效的 UTF-8 文本（导入模板 mine 规定 encoding = utf-8")
        || strstr(err, "GB18030") || !strstr(err, "另存为“CSV UTF-8（逗号分隔）”或 Excel 工作簿（.xlsx）"))
        fail_msg("%s", err);
    write_converted("utf16.csv", "UTF-16LE", header, path);     /* no byte order mark */
    assert_int_equal(intake_import(&opt, path, NULL, &res, err, sizeof err), -1);
    if (!strstr(err, "表头行第 2 列第 1 个字符是空字符") || !strstr(err, "UTF-16") || !strstr(err, ".xls"))
        fail_msg("%s", err);
    static const char half[] = "\xFF\xFE" "a\0,\0\x00\xD8" "b\0\r\0\n\0";  /* half a pair: the mark's doing */
    snprintf(path, sizeof path, "%s/utf16-half.csv", fx.dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    assert_int_equal(fwrite(half, 1, sizeof half - 1, fp), sizeof half - 1);
    assert_int_equal(fclose(fp), 0);
    assert_int_equal(intake_import(&opt, path, NULL, &res, err, sizeof err), -1);
    if (!strstr(err, "表头行第 2 列第 1 个字符起不是有效的文本（文件开头的字节顺序标记表明编码是 UTF-16（小端））")
        || strstr(err, "encoding = "))
        fail_msg("%s", err);
}

/* A byte order mark wins over the encoding a profile names, and the clerk
 * is told so: UTF-16 where it says utf-8, UTF-8 where it says gb18030. */
static void test_mark_wins_over_profile(void **state)
{
    (void)state;
    char path[256], err[1024] = "";
    intake_result res;
    static const struct { const char *to, *says, *read, *note; } cases[] = {
        {"UTF-16LE", "utf-8", "UTF-16（小端）",
         "文件开头的字节顺序标记表明编码是 UTF-16（小端），就按它读了，没有按导入模板 mine 规定的 UTF-8（encoding = utf-8）读"},
        {"UTF-8", "gb18030", "UTF-8 BOM",
         "文件开头的字节顺序标记表明编码是 UTF-8，就按它读了，没有按导入模板 mine 规定的 GB18030（GBK）（encoding = gb18030）读"}};
    for (size_t i = 0; i < 2; i++) {
        char text[512];
        write_converted("marked.csv", cases[i].to, "\xEF\xBB\xBF工单编号\t来电时间\t诉求内容\r\nM1\t2021-06-05 09:00\t路灯不亮\r\n",
                        path);
        intake_import_opts opt = fx.opt;
        opt.dry_run = 1;
        opt.profile = "mine";
        snprintf(text, sizeof text, "timezone = Asia/Shanghai\ndates = ymd\nencoding = %s\n"
                 "ticket_no = 工单编号\ncalled_at = 来电时间\ncontent = 诉求内容\n", cases[i].says);
        opt.profile_text = text;
        if (intake_import(&opt, path, NULL, &res, err, sizeof err) != 0)
            fail_msg("import failed: %s", err);
        assert_string_equal(res.encoding, cases[i].read);
        assert_int_equal(res.rejected, 0);
        assert_int_equal(res.nwarnings, 1);
        if (!strstr(res.warnings[0], cases[i].note) || !strstr(res.warnings[0], "不用处理"))
            fail_msg("%s", res.warnings[0]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_rows_kept_bad_rows_rejected),
        cmocka_unit_test(test_reimport_changes_nothing),
        cmocka_unit_test(test_duplicates_across_imports_and_batches),
        cmocka_unit_test(test_other_complaint_with_a_stored_number),
        cmocka_unit_test(test_stopped_import_finishes_on_rerun),
        cmocka_unit_test(test_stopped_import_keeps_stored_part),
        cmocka_unit_test(test_missing_column_and_unreadable_file),
        cmocka_unit_test(test_summer_time_told),
        cmocka_unit_test(test_xlsx_damaged_cells),
        cmocka_unit_test(test_xlsx_date1904),
        cmocka_unit_test(test_xlsx_other_sheets_named),
        cmocka_unit_test(test_orphaned_import_marked_failed),
        cmocka_unit_test(test_gb18030_file),
        cmocka_unit_test(test_stray_quote_refuses_one_row),
        cmocka_unit_test(test_nul_byte_row),
        cmocka_unit_test(test_unreadable_header_explained),
        cmocka_unit_test(test_mark_wins_over_profile),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
