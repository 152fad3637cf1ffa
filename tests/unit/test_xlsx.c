/* test_xlsx.c — XLSX reading: shared and inline strings, gaps, numbers and
 * the numbers shown as dates;
 * hostile files (zip bomb, entity expansion, not a zip, broken XML) refused
 * with a reason; damaged cells marking their row only; memory flat. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "xlsx_reader.h"

#ifdef __SANITIZE_ADDRESS__
/* libasan's count of the bytes allocated and not freed (its
 * sanitizer/allocator_interface.h is not installed with gcc here). */
size_t __sanitizer_get_current_allocated_bytes(void);
#endif

static void tmp_path(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "/tmp/jiesu-xlsx-%d-%s", (int)getpid(), name);
}

/* A workbook as Excel users make it: header, Chinese text, a number, a gap. */
static void write_book(const char *path, int constant_memory)
{
    lxw_workbook_options opt = {.constant_memory = (uint8_t)constant_memory};
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "工单");
    worksheet_write_string(ws, 0, 0, "工单编号", NULL);
    worksheet_write_string(ws, 0, 1, "来电时间", NULL);
    worksheet_write_string(ws, 0, 2, "诉求内容", NULL);
    worksheet_write_string(ws, 1, 0, "2026112200001", NULL);
    worksheet_write_number(ws, 1, 1, 46348.5, NULL);
    worksheet_write_string(ws, 1, 2, "沙子口街道占道经营 & <烧烤>", NULL);
    worksheet_write_string(ws, 3, 0, "2026112200002", NULL);        /* row 3 empty, B4 empty */
    worksheet_write_string(ws, 3, 2, "路灯不亮", NULL);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
}

static void check_book(const char *path)
{
    char err[512];
    xlsx_reader *r = xlsx_open(path, NULL, err, sizeof err);
    if (!r)
        fail_msg("%s", err);
    char **cells;
    size_t n;
    long row;
    assert_int_equal(xlsx_next_row(r, &cells, &n, &row), 1);
    assert_int_equal(row, 1);
    assert_int_equal(n, 3);
    assert_string_equal(cells[0], "工单编号");
    assert_string_equal(cells[2], "诉求内容");
    assert_int_equal(xlsx_next_row(r, &cells, &n, &row), 1);
    assert_int_equal(row, 2);
    assert_string_equal(cells[1], "46348.5");
    assert_string_equal(cells[2], "沙子口街道占道经营 & <烧烤>");
    assert_int_equal(xlsx_next_row(r, &cells, &n, &row), 1);
    assert_int_equal(row, 4);
    assert_int_equal(n, 3);
    assert_string_equal(cells[1], "");
    assert_string_equal(cells[2], "路灯不亮");
    assert_int_equal(xlsx_next_row(r, &cells, &n, &row), 0);
    assert_string_equal(xlsx_errstr(r), "");
    xlsx_close(&r);
    assert_null(r);
}

static void test_shared_strings(void **state)
{
    (void)state;
    char path[256];
    tmp_path(path, sizeof path, "shared.xlsx");
    write_book(path, 0);
    check_book(path);
    unlink(path);
}

static void test_inline_strings(void **state)
{
    (void)state;
    char path[256];
    tmp_path(path, sizeof path, "inline.xlsx");
    write_book(path, 1);
    check_book(path);
    unlink(path);
}

static void add_member(zip_t *z, const char *name, const char *data, size_t len)
{
    zip_source_t *src = zip_source_buffer(z, data, len, 0);
    assert_non_null(src);
    assert_true(zip_file_add(z, name, src, ZIP_FL_OVERWRITE) >= 0);
}

static const char WORKBOOK[] =
    "<workbook xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
    "<sheets><sheet name=\"a\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char RELS[] =
    "<Relationships><Relationship Id=\"rId1\" Target=\"worksheets/sheet1.xml\"/></Relationships>";

/* Writes a minimal workbook whose sheet part is `sheet`, with the shared
 * strings part sst (NULL: none). */
static void write_raw(const char *path, const char *workbook, const char *sheet, size_t sheet_len, const char *sst)
{
    int zerr;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    assert_non_null(z);
    add_member(z, "xl/workbook.xml", workbook, strlen(workbook));
    add_member(z, "xl/_rels/workbook.xml.rels", RELS, strlen(RELS));
    add_member(z, "xl/worksheets/sheet1.xml", sheet, sheet_len);
    if (sst)
        add_member(z, "xl/sharedStrings.xml", sst, strlen(sst));
    assert_int_equal(zip_close(z), 0);
}

/* Opens the workbook at path, failing the test with the reason when it cannot. */
static xlsx_reader *open_ok(const char *path, const xlsx_limits *lim)
{
    char err[512];
    xlsx_reader *r = xlsx_open(path, lim, err, sizeof err);
    if (!r)
        fail_msg("%s", err);
    return r;
}

static void expect_refused(const char *path, const xlsx_limits *lim, const char *reason)
{
    char err[512] = "";
    xlsx_reader *r = xlsx_open(path, lim, err, sizeof err);
    if (r) {
        char **cells;
        size_t n;
        long row;
        int rc;
        while ((rc = xlsx_next_row(r, &cells, &n, &row)) == 1)
            ;
        assert_int_equal(rc, -1);
        snprintf(err, sizeof err, "%s", xlsx_errstr(r));
        xlsx_close(&r);
    }
    if (!strstr(err, reason))
        fail_msg("expected '%s' in '%s'", reason, err);
}

static void test_zip_bomb(void **state)
{
    (void)state;
    char path[256];
    tmp_path(path, sizeof path, "bomb.xlsx");
    size_t len = 8u << 20;
    char *sheet = malloc(len);
    assert_non_null(sheet);
    memset(sheet, ' ', len);
    memcpy(sheet, "<worksheet>", 11);
    write_raw(path, WORKBOOK, sheet, len, NULL);
    expect_refused(path, &(xlsx_limits){.max_ratio = 50}, "防压缩炸弹");
    expect_refused(path, &(xlsx_limits){.max_member_bytes = 1u << 20}, "防压缩炸弹");
    free(sheet);
    unlink(path);
}

static void test_entity_expansion(void **state)
{
    (void)state;
    char path[256];
    tmp_path(path, sizeof path, "laughs.xlsx");
    const char *sheet =
        "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
        "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>"
        "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&lol2;</t></is></c></row>"
        "</sheetData></worksheet>";
    write_raw(path, WORKBOOK, sheet, strlen(sheet), NULL);
    expect_refused(path, NULL, "防实体膨胀攻击");
    unlink(path);
}

static void test_not_xlsx(void **state)
{
    (void)state;
    char path[256];
    tmp_path(path, sizeof path, "plain.xlsx");
    FILE *f = fopen(path, "w");
    fputs("工单编号,内容\n1,2\n", f);
    fclose(f);
    expect_refused(path, NULL, "不是可读的 XLSX");
    unlink(path);
    tmp_path(path, sizeof path, "nosheet.xlsx");
    const char *sheet = "<worksheet><sheetData/></worksheet>";
    write_raw(path, "<workbook><sheets/></workbook>", sheet, strlen(sheet), NULL);
    expect_refused(path, NULL, "没有工作表");
    unlink(path);
}

/* XML that breaks off stops the reading, naming the sheet's row and the
 * cell it broke at (the XML's line is the whole sheet in Excel's files); the
 * rows before it still come out. */
static void test_bad_xml(void **state)
{
    (void)state;
    char path[256];
    tmp_path(path, sizeof path, "badxml.xlsx");
    const struct {
        const char *sheet, *message;
    } cases[] = {
        {"<worksheet><sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></c></row><row></sheetData>",
         "工作表第 2 行的 XML 损坏（mismatched tag，XML 第 1 行第 68 列），其后的内容读不出来："
         "请用 Excel 打开这个文件、另存为 .xlsx 后再导入"},
        {"<worksheet><sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></c></row>"
         "<row r=\"5\"><c r=\"C5\"><v>1</v></c><c r=\"D5\"><v>2</x></c></row></sheetData></worksheet>",
         "工作表第 5 行（单元格 D5 处）的 XML 损坏"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        write_raw(path, WORKBOOK, cases[i].sheet, strlen(cases[i].sheet), NULL);
        xlsx_reader *r = open_ok(path, NULL);
        char **cells;
        size_t n;
        long row;
        assert_int_equal(xlsx_next_row(r, &cells, &n, &row), 1);
        assert_int_equal(row, 1);
        assert_int_equal(xlsx_next_row(r, &cells, &n, &row), -1);
        if (!strstr(xlsx_errstr(r), cases[i].message))
            fail_msg("expected '%s' in '%s'", cases[i].message, xlsx_errstr(r));
        xlsx_close(&r);
    }
    unlink(path);
}

/* A sheet whose compressed bytes are damaged is said in the clerk's words:
 * what happened and what to do, libzip's reason beside. */
static void test_damaged_part(void **state)
{
    (void)state;
    char path[256], err[512] = "";
    tmp_path(path, sizeof path, "damaged.xlsx");
    static char sheet[64 * 1024];
    size_t len = 0;
    len += (size_t)snprintf(sheet, sizeof sheet, "<worksheet><sheetData>");
    for (int r = 1; len < sizeof sheet - 200; r++)
        len += (size_t)snprintf(sheet + len, sizeof sheet - len, "<row r=\"%d\"><c r=\"A%d\"><v>%d</v></c></row>", r,
                                r, r * 7919 % 10007);
    len += (size_t)snprintf(sheet + len, sizeof sheet - len, "</sheetData></worksheet>");
    write_raw(path, WORKBOOK, sheet, len, NULL);
    FILE *fp = fopen(path, "r+b");
    assert_non_null(fp);
    static char zip[64 * 1024];
    size_t n = fread(zip, 1, sizeof zip, fp);
    const char *name = "xl/worksheets/sheet1.xml";
    char *at = memmem(zip, n, name, strlen(name));
    assert_non_null(at);
    size_t data = (size_t)(at - zip) + strlen(name) + 40;   /* inside the compressed data */
    memset(zip + data, 0xFF, 64);
    assert_int_equal(fseek(fp, 0, SEEK_SET), 0);
    assert_int_equal(fwrite(zip, 1, n, fp), n);
    fclose(fp);
    xlsx_reader *r = xlsx_open(path, NULL, err, sizeof err);
    if (r) {
        char **cells;
        size_t ncells;
        long row;
        int got;
        while ((got = xlsx_next_row(r, &cells, &ncells, &row)) == 1)
            ;
        assert_int_equal(got, -1);
        snprintf(err, sizeof err, "%s", xlsx_errstr(r));
        xlsx_close(&r);
    }
    if (!strstr(err, "xl/worksheets/sheet1.xml 解压不了（") || !strstr(err, "）：文件可能已损坏，请在 Excel 里打开"))
        fail_msg("expected the damaged part said in Chinese, got '%s'", err);
    unlink(path);
}

/* Reads the next row, expecting it to be row_no with ncells cells and the
 * given problem at column col. */
static void expect_row(xlsx_reader *r, long row_no, size_t ncells, xlsx_problem problem, size_t col)
{
    char **cells;
    size_t n, at = 0;
    long row;
    assert_int_equal(xlsx_next_row(r, &cells, &n, &row), 1);
    assert_int_equal(row, row_no);
    assert_int_equal(n, ncells);
    assert_int_equal(xlsx_row_problem(r, &at), problem);
    if (problem)
        assert_int_equal(at, col);
}

/* A damaged cell marks its row and the reading goes on: a cell past the
 * column limit or Excel's last column (XFD; also a run of letters too long
 * to be a column, which once overflowed the count), a shared string the
 * workbook lacks, a cell not after the one before it, a cell over the limit
 * (its own text or a shared string's). Each once stopped the whole import. */
static void test_damaged_cells(void **state)
{
    (void)state;
    char path[256];
    tmp_path(path, sizeof path, "damaged.xlsx");
    const char *sheet =
        "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>x</t></is></c></row>"
        "<row r=\"2\"><c r=\"A2\"><v>1</v></c><c r=\"XFE2\"><v>1</v></c></row>"
        "<row r=\"3\"><c r=\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA3\"><v>1</v></c></row>"
        "<row r=\"4\"><c r=\"E4\"><v>1</v></c></row>"
        "<row r=\"5\"><c r=\"A5\"><v>1</v></c><c r=\"B5\" t=\"s\"><v>7</v></c><c r=\"C5\"><v>3</v></c></row>"
        "<row r=\"6\"><c r=\"B6\"><v>1</v></c><c r=\"A6\"><v>2</v></c></row>"
        "<row r=\"7\"><c r=\"7\"><v>1</v></c></row>"
        "<row r=\"8\"><c r=\"A8\" t=\"inlineStr\"><is><t>123456789</t></is></c></row>"
        "<row r=\"9\"><c r=\"A9\" t=\"s\"><v>0</v></c><c r=\"B9\" t=\"s\"><v>1</v></c></row>"
        "<row r=\"10\"><c r=\"A10\" t=\"s\"><v>2</v></c><c r=\"B10\" t=\"s\"><v>3</v></c></row>"
        "</sheetData></worksheet>";
    const char *sst = "<sst><si><t>123456789</t></si><si><t>ok</t></si><si><t>ab</t></si><si><t></t></si></sst>";
    write_raw(path, WORKBOOK, sheet, strlen(sheet), sst);
    xlsx_reader *r = open_ok(path, &(xlsx_limits){.max_cell_bytes = 8, .max_columns = 4});
    expect_row(r, 1, 1, XLSX_ROW_OK, 0);
    expect_row(r, 2, 1, XLSX_CELL_TOO_FAR, 16384);                /* XFE */
    expect_row(r, 3, 0, XLSX_CELL_TOO_FAR, 18278);                /* AAAB: counting stopped */
    expect_row(r, 4, 0, XLSX_CELL_TOO_FAR, 4);
    expect_row(r, 5, 3, XLSX_CELL_NO_STRING, 1);
    expect_row(r, 6, 2, XLSX_CELL_MISPLACED, 0);
    expect_row(r, 7, 0, XLSX_CELL_MISPLACED, 0);
    expect_row(r, 8, 0, XLSX_CELL_TOO_LONG, 0);
    expect_row(r, 9, 2, XLSX_CELL_TOO_LONG, 0);
    expect_row(r, 10, 1, XLSX_ROW_OK, 0);       /* an empty shared string is empty, not the one before */
    char **cells;
    size_t n;
    long row;
    assert_int_equal(xlsx_next_row(r, &cells, &n, &row), 0);
    assert_string_equal(xlsx_errstr(r), "");
    xlsx_close(&r);
    unlink(path);
}

/* Memory stays flat with the rows of a chunk: 200 rows, each with one cell
 * at XFD, once held 16384 cells apiece all at once (125 MiB from a 615-byte
 * workbook); now the empty cells are not allocated and parsing pauses once
 * the rows waiting take a megabyte. With intake's column limit, such a cell
 * is not kept at all. Measured by AddressSanitizer's count of the bytes
 * allocated, where the tests are built with it. */
static void test_far_cells_memory(void **state)
{
    (void)state;
    char path[256];
    tmp_path(path, sizeof path, "far.xlsx");
    enum { ROWS = 200 };
    static char sheet[ROWS * 64 + 64];
    size_t len = (size_t)snprintf(sheet, sizeof sheet, "<worksheet><sheetData>");
    for (int i = 1; i <= ROWS; i++)
        len += (size_t)snprintf(sheet + len, sizeof sheet - len, "<row r=\"%d\"><c r=\"XFD%d\"><v>1</v></c></row>", i, i);
    len += (size_t)snprintf(sheet + len, sizeof sheet - len, "</sheetData></worksheet>");
    write_raw(path, WORKBOOK, sheet, len, NULL);
    xlsx_reader *r = open_ok(path, &(xlsx_limits){.max_columns = 1024});
    for (long i = 1; i <= ROWS; i++)
        expect_row(r, i, 0, XLSX_CELL_TOO_FAR, 16383);
    xlsx_close(&r);
#ifdef __SANITIZE_ADDRESS__
    size_t base = __sanitizer_get_current_allocated_bytes(), peak = base;
    char **cells;
    size_t n;
    long row;
    r = open_ok(path, NULL);
    for (long i = 1; i <= ROWS; i++) {
        assert_int_equal(xlsx_next_row(r, &cells, &n, &row), 1);
        assert_int_equal(n, 16384);
        size_t now = __sanitizer_get_current_allocated_bytes();
        peak = now > peak ? now : peak;
    }
    xlsx_close(&r);
    if (peak - base > (8u << 20))
        fail_msg("reading %d rows held %zu bytes at once", ROWS, peak - base);
#endif
    unlink(path);
}

/* The shared strings' limit counts what they take in memory, not their
 * text: 4000 empty strings pass 64 KiB (they once counted 4000 bytes). */
static void test_shared_strings_cost(void **state)
{
    (void)state;
    char path[256];
    tmp_path(path, sizeof path, "sst.xlsx");
    static char sst[4000 * 16 + 32];
    size_t len = (size_t)snprintf(sst, sizeof sst, "<sst>");
    for (int i = 0; i < 4000; i++)
        len += (size_t)snprintf(sst + len, sizeof sst - len, "<si><t></t></si>");
    snprintf(sst + len, sizeof sst - len, "</sst>");
    const char *sheet = "<worksheet><sheetData/></worksheet>";
    write_raw(path, WORKBOOK, sheet, strlen(sheet), sst);
    expect_refused(path, &(xlsx_limits){.max_shared_bytes = 64u << 10},
                   "共享字符串在内存里要超过 65536 字节（第 1366 个起），超过上限");
    unlink(path);
}

/* A row number that is not one of Excel's rows stops the reading with the
 * last good row's number; one past the last row too (counted on from a huge
 * number, it once overflowed). */
static void test_row_number_out_of_range(void **state)
{
    (void)state;
    char path[256];
    tmp_path(path, sizeof path, "rows.xlsx");
    const struct {
        const char *rows, *message;
    } cases[] = {
        {"<row r=\"0\">", "第 1 行之后：行号“0”不是 Excel 的行号（1 到 1048576）"},
        {"<row r=\"1048577\">", "第 1 行之后：行号“1048577”不是 Excel 的行号（1 到 1048576）"},
        {"<row r=\"99999999999999999999999999\">", "第 1 行之后：行号“99999999999999999999999”不是 Excel 的行号"},
        {"<row r=\"二二二二二二二二\">", "第 1 行之后：行号“二二二二二二二”不是 Excel 的行号"},   /* cut at a character */
        {"<row r=\"2x\">", "第 1 行之后：行号“2x”不是 Excel 的行号"},
        {"<row r=\"1048576\"><c r=\"A1048576\"><v>1</v></c></row><row>",
         "第 1048576 行之后：超过 Excel 的最后一行（第 1048576 行）"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char sheet[512];
        snprintf(sheet, sizeof sheet,
                 "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>x</t></is></c></row>"
                 "%s<c r=\"A2\"><v>1</v></c></row></sheetData></worksheet>", cases[i].rows);
        write_raw(path, WORKBOOK, sheet, strlen(sheet), NULL);
        expect_refused(path, NULL, cases[i].message);
    }
    unlink(path);
}

/* The workbook's date system: 1904 when workbookPr says date1904 (1 or true). */
static void test_date1904(void **state)
{
    (void)state;
    char path[256];
    tmp_path(path, sizeof path, "d1904.xlsx");
    const char *sheet = "<worksheet><sheetData/></worksheet>";
    const struct {
        const char *pr;
        int date1904;
    } cases[] = {
        {"", 0}, {"<workbookPr date1904=\"1\"/>", 1}, {"<workbookPr date1904=\"true\"/>", 1},
        {"<workbookPr date1904=\"0\" defaultThemeVersion=\"124226\"/>", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char workbook[512];
        snprintf(workbook, sizeof workbook,
                 "<workbook xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">%s"
                 "<sheets><sheet name=\"a\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>", cases[i].pr);
        write_raw(path, workbook, sheet, strlen(sheet), NULL);
        xlsx_reader *r = open_ok(path, NULL);
        assert_int_equal(xlsx_date1904(r), cases[i].date1904);
        xlsx_close(&r);
    }
    unlink(path);
}

/* A number its cell's style shows as a date (a custom format, a built-in
 * one) is told from a plain number and from text that reads as a date: the
 * workbook keeps all three numbers as serials. */
static void test_date_cells(void **state)
{
    (void)state;
    char path[256];
    tmp_path(path, sizeof path, "dates.xlsx");
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "留言");
    lxw_format *custom = workbook_add_format(wb), *builtin = workbook_add_format(wb);
    format_set_num_format(custom, "yyyy/m/d h:mm:ss");
    format_set_num_format_index(builtin, 14);
    worksheet_write_string(ws, 0, 0, "留言时间", NULL);
    worksheet_write_number(ws, 1, 0, 43595.6228, custom);
    worksheet_write_number(ws, 1, 1, 43595, builtin);
    worksheet_write_number(ws, 1, 2, 188006, NULL);
    worksheet_write_string(ws, 1, 3, "2019/5/10 14:56:53", NULL);
    worksheet_write_number(ws, 2, 2, 43595.6228, NULL);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    xlsx_reader *r = open_ok(path, NULL);
    char **cells;
    size_t n;
    long row;
    assert_int_equal(xlsx_next_row(r, &cells, &n, &row), 1);
    assert_false(xlsx_cell_is_date(r, 0));
    assert_int_equal(xlsx_next_row(r, &cells, &n, &row), 1);
    assert_string_equal(cells[0], "43595.6228");
    assert_true(xlsx_cell_is_date(r, 0));
    assert_true(xlsx_cell_is_date(r, 1));
    assert_false(xlsx_cell_is_date(r, 2));
    assert_false(xlsx_cell_is_date(r, 3));
    assert_false(xlsx_cell_is_date(r, 99));
    assert_int_equal(xlsx_next_row(r, &cells, &n, &row), 1);
    assert_false(xlsx_cell_is_date(r, 0));
    assert_false(xlsx_cell_is_date(r, 2));
    xlsx_close(&r);
    unlink(path);
}

/* Cells and rows without an r attribute follow the ones before them, empty
 * cells included: an empty cell once left no trace, so the next cell's value
 * landed in its column and every later field of the row one column left. */
static void test_cells_without_reference(void **state)
{
    (void)state;
    char path[256];
    tmp_path(path, sizeof path, "noref.xlsx");
    const char *sheet =
        "<worksheet><sheetData><row r=\"1\"><c t=\"inlineStr\"><is><t>A</t></is></c><c/>"
        "<c t=\"inlineStr\"><is><t>C</t></is></c><c><v></v></c><c><v>5</v></c></row>"
        "<row r=\"3\"><c r=\"B3\"><v>1</v></c><c/><c><v>2</v></c></row>"
        "<row><c/><c><v>3</v></c></row></sheetData></worksheet>";
    write_raw(path, WORKBOOK, sheet, strlen(sheet), NULL);
    xlsx_reader *r = open_ok(path, NULL);
    char **cells;
    size_t n;
    long row;
    assert_int_equal(xlsx_next_row(r, &cells, &n, &row), 1);
    assert_int_equal(row, 1);
    assert_int_equal(n, 5);
    assert_string_equal(cells[0], "A");
    assert_string_equal(cells[1], "");
    assert_string_equal(cells[2], "C");
    assert_string_equal(cells[3], "");
    assert_string_equal(cells[4], "5");
    assert_int_equal(xlsx_next_row(r, &cells, &n, &row), 1);
    assert_int_equal(row, 3);
    assert_int_equal(n, 4);
    assert_string_equal(cells[1], "1");
    assert_string_equal(cells[2], "");
    assert_string_equal(cells[3], "2");
    assert_int_equal(xlsx_next_row(r, &cells, &n, &row), 1);
    assert_int_equal(row, 4);
    assert_int_equal(n, 2);
    assert_string_equal(cells[1], "3");
    assert_int_equal(xlsx_next_row(r, &cells, &n, &row), 0);
    xlsx_close(&r);
    unlink(path);
}

/* A carriage return inside a cell (a message pasted with its line breaks) is
 * written _x000D_ by Excel and libxlsxwriter, in shared and inline strings
 * alike; the reader gives the character back, as the same text read from a
 * CSV file has it. It was stored as the seven characters "_x000D_". */
static void test_escaped_characters(void **state)
{
    (void)state;
    static const char TEXT[] = "托管协议。\r\n  之后\x0b变更";
    char path[256];
    for (int constant_memory = 0; constant_memory <= 1; constant_memory++) {
        tmp_path(path, sizeof path, "escaped.xlsx");
        lxw_workbook_options opt = {.constant_memory = (uint8_t)constant_memory};
        lxw_workbook *wb = workbook_new_opt(path, &opt);
        lxw_worksheet *ws = workbook_add_worksheet(wb, "留言");
        worksheet_write_string(ws, 0, 0, TEXT, NULL);
        assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
        xlsx_reader *r = open_ok(path, NULL);
        char **cells;
        size_t n;
        long row;
        assert_int_equal(xlsx_next_row(r, &cells, &n, &row), 1);
        assert_string_equal(cells[0], TEXT);
        xlsx_close(&r);
        unlink(path);
    }
    /* What is not such a form stays as written: no closing underscore, a
     * letter that is no hex digit, a NUL, a surrogate half; lower-case hex
     * is read. */
    const char *sheet =
        "<worksheet><sheetData><row r=\"1\">"
        "<c r=\"A1\" t=\"inlineStr\"><is><t>a_x000Db_x00G1_c_x0000_d_xD800_e_x00e9_</t></is></c>"
        "<c r=\"B1\" t=\"s\"><v>0</v></c></row></sheetData></worksheet>";
    write_raw(path, WORKBOOK, sheet, strlen(sheet), "<sst><si><t>_x005F_x000D__x000A_</t></si></sst>");
    xlsx_reader *r = open_ok(path, NULL);
    char **cells;
    size_t n;
    long row;
    assert_int_equal(xlsx_next_row(r, &cells, &n, &row), 1);
    assert_string_equal(cells[0], "a_x000Db_x00G1_c_x0000_d_xD800_e\xc3\xa9");
    assert_string_equal(cells[1], "_x000D_\n");
    xlsx_close(&r);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shared_strings),
        cmocka_unit_test(test_inline_strings),
        cmocka_unit_test(test_zip_bomb),
        cmocka_unit_test(test_entity_expansion),
        cmocka_unit_test(test_not_xlsx),
        cmocka_unit_test(test_bad_xml),
        cmocka_unit_test(test_damaged_part),
        cmocka_unit_test(test_damaged_cells),
        cmocka_unit_test(test_far_cells_memory),
        cmocka_unit_test(test_shared_strings_cost),
        cmocka_unit_test(test_row_number_out_of_range),
        cmocka_unit_test(test_cells_without_reference),
        cmocka_unit_test(test_date1904),
        cmocka_unit_test(test_date_cells),
        cmocka_unit_test(test_escaped_characters),
    };
    return cmocka_run_group_tests_name("xlsx", tests, NULL, NULL);
}
