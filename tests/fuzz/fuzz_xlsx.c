/* fuzz_xlsx.c — libFuzzer target for the XLSX reader (services/intake/xlsx_reader.c).
 *
 * The first input byte picks the mode: odd, the rest is taken as a whole
 * workbook file (zip bytes, hostile or broken); even, the rest is a sheet's
 * XML and, after a line "--", a shared-strings part, packed into a valid
 * workbook here (with workbook.xml and its relationships), so the fuzzer
 * spends its time in the XML handlers rather than in the zip container. The
 * second byte's low bits pick a small cell limit. Besides memory errors
 * (ASan) and undefined behaviour (UBSan), it checks what xlsx_reader.h
 * promises: every row handed out has its cells as NUL-terminated strings of
 * at most max_cell_bytes, and a cell or a damaged one (xlsx_row_problem()),
 * and reading ends (1, 0 or -1 with a message).
 *
 *   make fuzz            (builds with clang -fsanitize=fuzzer, runs each target a while)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "xlsx_reader.h"

#define MAX_ROWS 100000

static const char WORKBOOK[] =
    "<workbook xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
    "<sheets><sheet name=\"a\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char RELS[] =
    "<Relationships><Relationship Id=\"rId1\" Target=\"worksheets/sheet1.xml\"/></Relationships>";

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_xlsx: broken promise: %s\n", what);
        abort();
    }
}

/* Adds member name with data[0..len) to the archive being written. */
static void add(zip_t *za, const char *name, const void *data, size_t len)
{
    zip_source_t *s = zip_source_buffer(za, data, len, 0);
    zip_int64_t i = s ? zip_file_add(za, name, s, ZIP_FL_OVERWRITE) : -1;
    check(i >= 0 && zip_set_file_compression(za, (zip_uint64_t)i, ZIP_CM_STORE, 0) == 0, "zip member not added");
}

/* A workbook around the sheet (and shared strings, when given), in memory. */
static uint8_t *pack(const uint8_t *sheet, size_t sheet_len, const uint8_t *sst, size_t sst_len, size_t *out_len)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    check(src != NULL, "zip buffer");
    zip_source_keep(src);
    zip_t *za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
    check(za != NULL, "zip writer");
    add(za, "xl/workbook.xml", WORKBOOK, sizeof WORKBOOK - 1);
    add(za, "xl/_rels/workbook.xml.rels", RELS, sizeof RELS - 1);
    add(za, "xl/worksheets/sheet1.xml", sheet, sheet_len);
    if (sst)
        add(za, "xl/sharedStrings.xml", sst, sst_len);
    check(zip_close(za) == 0, "zip written");
    zip_stat_t st;
    check(zip_source_stat(src, &st) == 0 && zip_source_open(src) == 0, "zip read back");
    uint8_t *buf = malloc(st.size ? st.size : 1);
    check(buf != NULL && zip_source_read(src, buf, st.size) == (zip_int64_t)st.size, "zip bytes");
    zip_source_close(src);
    zip_source_free(src);
    zip_error_fini(&ze);
    *out_len = st.size;
    return buf;
}

/* Reads every row, checking each. */
static void read_all(const uint8_t *book, size_t len, const xlsx_limits *lim)
{
    char err[600];
    xlsx_reader *x = xlsx_open_buffer(book, len, lim, err, sizeof err);
    if (!x) {
        check(err[0] != '\0', "open failed without a message");
        return;
    }
    char **cells;
    size_t n;
    long row_no;
    int got = 0;
    for (int rows = 0; rows < MAX_ROWS && (got = xlsx_next_row(x, &cells, &n, &row_no)) == 1; rows++) {
        size_t bad;
        xlsx_problem problem = xlsx_row_problem(x, &bad);
        check(n <= 16384 && (n > 0 || problem != XLSX_ROW_OK), "row width out of range");
        for (size_t i = 0; i < n; i++)
            check(cells[i] != NULL && strlen(cells[i]) <= lim->max_cell_bytes, "cell over the limit");
    }
    check(got == 0 || got == 1 || (got == -1 && xlsx_errstr(x)[0]), "a failed read says why");
    xlsx_close(&x);
    check(x == NULL, "reader not cleared");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    xlsx_limits lim = {.max_cell_bytes = 16u << (data[1] & 7), .max_member_bytes = 1u << 24, .max_ratio = 200,
                       .max_shared_bytes = 1u << 20};
    const uint8_t *rest = data + 2;
    size_t len = size - 2;
    if (data[0] & 1) {
        read_all(rest, len, &lim);
        return 0;
    }
    const uint8_t *sep = memmem(rest, len, "\n--\n", 4);
    size_t sheet_len = sep ? (size_t)(sep - rest) : len;
    size_t book_len;
    uint8_t *book = pack(rest, sheet_len, sep ? sep + 4 : NULL, sep ? len - sheet_len - 4 : 0, &book_len);
    read_all(book, book_len, &lim);
    free(book);
    return 0;
}
