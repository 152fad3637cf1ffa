/* test_csv_fixture.h — what the CSV reader's tests share: every record of
 * an input read and copied out (parsed), text converted to another encoding
 * with iconv, and two inputs with their checks: Chinese rows with a line
 * break in a quoted field and a character beyond the BMP (CHINESE), a
 * tab-separated file (TSV). Included by test_csv.c and test_csv_utf16.c.
 */
#ifndef JIESU_TEST_CSV_FIXTURE_H
#define JIESU_TEST_CSV_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <iconv.h>
#include <cmocka.h>

#include "csv_reader.h"

#define MAX_RECS 16
#define MAX_FIELDS 8

/* Every record of one input, copied out of the reader. */
typedef struct {
    size_t       n;
    size_t       nfields[MAX_RECS];
    char        *field[MAX_RECS][MAX_FIELDS];
    uint64_t     record_no[MAX_RECS], line_no[MAX_RECS];
    csv_status   status[MAX_RECS];
    size_t       bad_field[MAX_RECS];
    uint64_t     quote_line[MAX_RECS];
    csv_encoding enc;
    int          rc;                /* last csv_read() result */
    char         err[1024];
} parsed;

static inline void parsed_free(parsed *p)
{
    for (size_t r = 0; r < p->n; r++)
        for (size_t f = 0; f < p->nfields[r] && f < MAX_FIELDS; f++)
            free(p->field[r][f]);
    memset(p, 0, sizeof *p);
}

static inline void read_all(csv_reader *rd, parsed *p)
{
    csv_record rec;
    memset(p, 0, sizeof *p);
    while ((p->rc = csv_read(rd, &rec)) == 1 && p->n < MAX_RECS) {
        size_t r = p->n++;
        p->nfields[r] = rec.nfields;
        for (size_t f = 0; f < rec.nfields && f < MAX_FIELDS; f++)
            p->field[r][f] = strndup(rec.fields[f], rec.lens[f]);
        p->record_no[r] = rec.record_no;
        p->line_no[r] = rec.line_no;
        p->status[r] = rec.status;
        p->bad_field[r] = rec.bad_field;
        p->quote_line[r] = rec.quote_line;
    }
    p->enc = csv_reader_encoding(rd);
    snprintf(p->err, sizeof p->err, "%s", csv_reader_errstr(rd));
}

/* Parses len bytes of data through a FILE*, read_size bytes per read. */
static inline void parse_mem(const char *data, size_t len, const csv_options *opt, parsed *p)
{
    FILE *fp = fmemopen((void *)data, len, "r");
    assert_non_null(fp);
    csv_reader *rd = csv_reader_new_file(fp, opt);
    assert_non_null(rd);
    read_all(rd, p);
    csv_reader_destroy(&rd);
    assert_null(rd);
    fclose(fp);
}

static inline void parse_str(const char *data, size_t read_size, parsed *p)
{
    csv_options opt = {.read_size = read_size};
    parse_mem(data, strlen(data), &opt, p);
}

/* Converts UTF-8 text to encoding to with iconv, after the bytes of mark
 * ("" for none); the caller frees. */
static inline char *converted(const char *utf8, const char *to, const char *mark, size_t *outlen)
{
    iconv_t cd = iconv_open(to, "UTF-8");
    assert_true(cd != (iconv_t)-1);
    size_t m = strlen(mark), inleft = strlen(utf8), cap = m + inleft * 2 + 8, outleft = cap - m;
    char *out = malloc(cap), *in = (char *)utf8, *o = out + m;
    memcpy(out, mark, m);
    assert_true(iconv(cd, &in, &inleft, &o, &outleft) != (size_t)-1);
    iconv_close(cd);
    *outlen = cap - outleft;
    return out;
}

static inline char *to_gb18030(const char *utf8, size_t *outlen)
{
    return converted(utf8, "GB18030", "", outlen);
}

static const char CHINESE[] =
    "工单编号,来电时间,诉求内容\r\n"
    "20261001000001,2026-10-01 08:00,\"崂山区中韩街道张村社区附近有商户占道经营，\r\n影响通行\"\r\n"
    "20261001000002,2026-10-01 09:30,沙子口街道流浪犬伤人，𠀀字也要认得\r\n";

static inline void check_chinese(const parsed *p)
{
    assert_int_equal(p->rc, 0);
    assert_int_equal(p->n, 3);
    assert_string_equal(p->field[0][2], "诉求内容");
    assert_string_equal(p->field[1][2], "崂山区中韩街道张村社区附近有商户占道经营，\r\n影响通行");
    assert_string_equal(p->field[2][2], "沙子口街道流浪犬伤人，𠀀字也要认得");
    assert_int_equal(p->line_no[2], 4);
    for (size_t r = 0; r < p->n; r++)
        assert_int_equal(p->status[r], CSV_OK);
}

/* A tab-separated file (.tsv, .txt: Excel's “文本文件（制表符分隔）”, the
 * 问政 platform's messages): a comma is text there, and so is a tab inside
 * quotes. */
static const char TSV[] =
    "\r\n留言编号\t留言主题\t留言详情\r\n"
    "188006\t路灯不亮，晚上看不见\t\"\n\t\t\t小区路灯坏了,\n\t\t\t一个多月\"\r\n"
    "188007\t\"噪音\"\t夜间施工,吵\r\n";

static inline void check_tsv(const parsed *p)
{
    assert_int_equal(p->rc, 0);
    assert_int_equal(p->n, 3);
    assert_int_equal(p->nfields[0], 3);
    assert_string_equal(p->field[0][0], "留言编号");
    assert_int_equal(p->line_no[0], 2);
    assert_string_equal(p->field[1][1], "路灯不亮，晚上看不见");
    assert_string_equal(p->field[1][2], "\n\t\t\t小区路灯坏了,\n\t\t\t一个多月");
    assert_string_equal(p->field[2][1], "噪音");
    assert_string_equal(p->field[2][2], "夜间施工,吵");
    assert_int_equal(p->line_no[2], 6);
    for (size_t r = 0; r < p->n; r++)
        assert_int_equal(p->status[r], CSV_OK);
}

#endif
