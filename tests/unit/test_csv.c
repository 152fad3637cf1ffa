/* test_csv.c — the streaming CSV reader: RFC 4180 quoting, line breaks,
 * encodings (BOM, UTF-8, GB18030 via iconv; UTF-16 in test_csv_utf16.c),
 * chunk boundaries, limits and bad records the reader must report and get
 * past, stray quotes that must not swallow the rows after them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <iconv.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "csv_reader.h"
#include "test_csv_fixture.h"

static void test_simple_records(void **state)
{
    (void)state;
    parsed p;
    parse_str("a,b,c\r\n1,,3\n4,5,\n", 0, &p);
    assert_int_equal(p.rc, 0);
    assert_int_equal(p.n, 3);
    assert_int_equal(p.nfields[0], 3);
    assert_string_equal(p.field[0][2], "c");
    assert_string_equal(p.field[1][1], "");
    assert_int_equal(p.nfields[2], 3);
    assert_string_equal(p.field[2][2], "");
    assert_int_equal(p.record_no[2], 3);
    assert_int_equal(p.line_no[2], 3);
    assert_int_equal(p.enc, CSV_ENC_UTF8);
    parsed_free(&p);
}

static void test_quotes_and_doubled_quotes(void **state)
{
    (void)state;
    parsed p;
    parse_str("\"a,b\",\"he said \"\"hi\"\"\",\"\"\n\"\"\"\",x\n", 0, &p);
    assert_int_equal(p.n, 2);
    assert_string_equal(p.field[0][0], "a,b");
    assert_string_equal(p.field[0][1], "he said \"hi\"");
    assert_string_equal(p.field[0][2], "");
    assert_string_equal(p.field[1][0], "\"");
    assert_int_equal(p.status[0], CSV_OK);
    parsed_free(&p);
}

static void test_embedded_newlines_and_line_numbers(void **state)
{
    (void)state;
    parsed p;
    parse_str("h1,h2\r\n\"line1\r\nline2\nline3\",x\r\n\r\n\nnext,y\rlast,z", 0, &p);
    assert_int_equal(p.n, 4);
    assert_string_equal(p.field[1][0], "line1\r\nline2\nline3");
    assert_int_equal(p.line_no[1], 2);
    assert_int_equal(p.record_no[2], 3);      /* blank lines are not records */
    assert_int_equal(p.line_no[2], 7);
    assert_string_equal(p.field[2][0], "next");
    assert_string_equal(p.field[3][1], "z");  /* CR alone ends a line; no newline at the end */
    assert_int_equal(p.line_no[3], 8);
    parsed_free(&p);
}

static void test_lenient_stray_quotes(void **state)
{
    (void)state;
    parsed p;
    parse_str("ab\"c,\"q\"rest,d\n", 0, &p);
    assert_int_equal(p.n, 1);
    assert_string_equal(p.field[0][0], "ab\"c");
    assert_string_equal(p.field[0][1], "qrest");
    assert_string_equal(p.field[0][2], "d");
    parsed_free(&p);
}

static void test_bom_stripped(void **state)
{
    (void)state;
    parsed p;
    parse_str("\xEF\xBB\xBF工单编号,诉求内容\n1,噪声扰民\n", 0, &p);
    assert_int_equal(p.enc, CSV_ENC_UTF8_BOM);
    assert_string_equal(p.field[0][0], "工单编号");
    assert_string_equal(p.field[1][1], "噪声扰民");
    assert_string_equal(csv_encoding_name(p.enc), "UTF-8 BOM");
    parsed_free(&p);
}

static void test_utf8_split_across_reads(void **state)
{
    (void)state;
    for (size_t rs = 1; rs <= 9; rs++) {
        parsed p;
        parse_str(CHINESE, rs, &p);
        check_chinese(&p);
        assert_int_equal(p.enc, CSV_ENC_UTF8);
        parsed_free(&p);
    }
}

static void test_gb18030_detected_and_converted(void **state)
{
    (void)state;
    size_t len;
    char *gb = to_gb18030(CHINESE, &len);
    assert_true(len < strlen(CHINESE));        /* two bytes a character, not three */
    size_t sizes[] = {0, 1, 2, 3, 5, 7, 64};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        parsed p;
        csv_options opt = {.read_size = sizes[i]};
        parse_mem(gb, len, &opt, &p);
        check_chinese(&p);
        assert_int_equal(p.enc, CSV_ENC_GB18030);
        parsed_free(&p);
    }
    free(gb);
}

/* A GBK file with rows pasted in UTF-8: the rows before them are read, then
 * the reading stops naming the line, at every read size (the UTF-8 once read
 * as GB18030 and stored as mojibake). Real GBK text is not taken for it. */
static void test_gb18030_with_utf8_rows(void **state)
{
    (void)state;
    size_t len;
    char *gb = to_gb18030("工单编号,诉求内容\n1,海尔路门口垃圾桶满了三天没人清运\n", &len);
    const char utf8[] = "2,路灯不亮已经一周了\n3,x\n";
    char *mixed = malloc(len + sizeof utf8);
    assert_non_null(mixed);
    memcpy(mixed, gb, len);
    memcpy(mixed + len, utf8, sizeof utf8);
    size_t sizes[] = {0, 1, 2, 3, 5, 7, 64};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        parsed p;
        csv_options opt = {.read_size = sizes[i]};
        parse_mem(mixed, len + sizeof utf8 - 1, &opt, &p);
        assert_int_equal(p.rc, -1);
        assert_true(p.n >= 2);
        assert_string_equal(p.field[1][1], "海尔路门口垃圾桶满了三天没人清运");
        assert_non_null(strstr(p.err, "第 3 行起却有 UTF-8 编码的中文"));
        parsed_free(&p);
    }
    free(mixed);
    free(gb);
}

/* A US export saved by Excel on Western Windows (Windows-1252), read with
 * encoding = auto: Spanish street names come out as written, where they
 * were read as GB18030 ("NIÑO" is a valid GBK pair) and stored as mojibake,
 * at every read size; told windows-1252, the same. */
static void test_cp1252_detected_and_converted(void **state)
{
    (void)state;
    size_t len;
    char *w = converted("Unique Key,Incident Address,City\r\n64051838,8106 CALLE NIÑO,BROOKLYN\r\n"
                        "64051839,Calle Núñez de Balboa 12,MADRID\r\n64051840,Travesía Peñalosa 3º,CÓRDOBA\r\n",
                        "WINDOWS-1252", "", &len);
    size_t sizes[] = {0, 1, 2, 7, 64};
    for (size_t i = 0; i <= sizeof sizes / sizeof sizes[0]; i++) {
        parsed p;
        csv_options opt = {.read_size = i < 5 ? sizes[i] : 0, .encoding = i < 5 ? CSV_DETECT : CSV_FORCE_CP1252};
        parse_mem(w, len, &opt, &p);
        assert_int_equal(p.rc, 0);
        assert_int_equal(p.enc, CSV_ENC_CP1252);
        assert_string_equal(p.field[1][1], "8106 CALLE NIÑO");
        assert_string_equal(p.field[2][1], "Calle Núñez de Balboa 12");
        assert_string_equal(p.field[3][1], "Travesía Peñalosa 3º");
        assert_string_equal(p.field[3][2], "CÓRDOBA");
        parsed_free(&p);
    }
    assert_string_equal(csv_encoding_name(CSV_ENC_CP1252), "Windows-1252");
    free(w);
}

/* A GBK header over Windows-1252 rows reads both ways: refused, both
 * readings of a value shown, not guessed (what to do, the profile's line
 * for each at the terminal, is intake_source_explain_error's). */
static void test_gb18030_or_cp1252_refused(void **state)
{
    (void)state;
    size_t hlen, rlen;
    char *head = to_gb18030("工单编号,来电时间,诉求地址,诉求内容\r\n", &hlen);
    char *rows = converted("1,2022-05-01 00:03,8106 CALLE NIÑO,Ruido\r\n2,2022-05-01 00:04,Calle Núñez 12,Limpieza\r\n"
                           "3,2022-05-01 00:05,Travesía Peñalosa 3,Señal\r\n", "WINDOWS-1252", "", &rlen);
    char *both = malloc(hlen + rlen);
    memcpy(both, head, hlen);
    memcpy(both + hlen, rows, rlen);
    parsed p;
    parse_mem(both, hlen + rlen, NULL, &p);
    assert_int_equal(p.rc, -1);
    assert_int_equal(p.n, 0);
    if (!strstr(p.err, "看不准文件的编码") || !strstr(p.err, "按 Windows-1252 读是“8106 CALLE NIÑO”")
        || !strstr(p.err, "按 GB18030 读是“8106 CALLE NI") || !strstr(p.err, "读错了字会存成乱码，所以没有导入"))
        fail_msg("%s", p.err);
    parsed_free(&p);
    free(both);
    free(rows);
    free(head);
}

static void test_gb18030_undecodable_bytes(void **state)
{
    (void)state;
    size_t len;
    char *gb = to_gb18030("a,b\n占道,经营\n", &len);
    char *bad = malloc(len + 16);
    memcpy(bad, gb, len);
    memcpy(bad + len, "x\xFF,y\nz,w\n", 9);       /* 0xFF starts no GB18030 character */
    parsed p;
    parse_mem(bad, len + 9, NULL, &p);
    assert_int_equal(p.n, 4);
    assert_int_equal(p.enc, CSV_ENC_GB18030);
    assert_int_equal(p.status[1], CSV_OK);
    assert_string_equal(p.field[1][0], "占道");
    assert_int_equal(p.status[2], CSV_ERR_ENCODING);
    assert_int_equal(p.bad_field[2], 0);
    assert_int_equal(p.status[3], CSV_OK);
    parsed_free(&p);
    free(gb);
    free(bad);
}

/* Bad UTF-8 after the stretch the encoding is chosen on: the file stays
 * UTF-8 and only that record is flagged. */
static void test_invalid_utf8_later_flags_record(void **state)
{
    (void)state;
    size_t cap = 64 * 1024, len = 0;
    char *data = malloc(cap);
    len += (size_t)sprintf(data, "名称,值\n");
    for (int i = 0; i < 3000; i++)
        len += (size_t)sprintf(data + len, "好,%d\n", i);
    len += (size_t)sprintf(data + len, "ok,\xC3\x28\nfine,2\n");
    FILE *fp = fmemopen(data, len, "r");
    csv_reader *rd = csv_reader_new_file(fp, NULL);
    csv_record rec;
    uint64_t n = 0, bad = 0, bad_field = 0;
    while (csv_read(rd, &rec) == 1) {
        n++;
        if (rec.status != CSV_OK) {
            assert_int_equal(rec.status, CSV_ERR_ENCODING);
            bad = rec.record_no;
            bad_field = rec.bad_field;
        }
    }
    assert_int_equal(csv_reader_encoding(rd), CSV_ENC_UTF8);
    assert_int_equal(n, 3003);
    assert_int_equal(bad, 3002);
    assert_int_equal(bad_field, 1);
    csv_reader_destroy(&rd);
    fclose(fp);
    free(data);
}

/* One damaged byte among much valid UTF-8 early on: still UTF-8. */
static void test_damaged_utf8_stays_utf8(void **state)
{
    (void)state;
    char data[2048] = "名称,值\n";
    for (int i = 0; i < 100; i++)
        strcat(data, "好,1\n");
    strcat(data, "ok,\xC3\x28\nfine,好\n");
    FILE *fp = fmemopen(data, strlen(data), "r");
    csv_reader *rd = csv_reader_new_file(fp, NULL);
    csv_record rec;
    int bad = 0;
    while (csv_read(rd, &rec) == 1) {
        bad += rec.status != CSV_OK;
        if (rec.record_no == 103)
            assert_string_equal(rec.fields[1], "好");
    }
    assert_int_equal(bad, 1);
    assert_int_equal(csv_reader_encoding(rd), CSV_ENC_UTF8);
    csv_reader_destroy(&rd);
    fclose(fp);
}

/* The NUL is kept in the field, so a message can say where it is. */
static void test_nul_byte_flags_record(void **state)
{
    (void)state;
    static const char data[] = "a,b\nx,abc\0def\n\"q\0\",d\nc,d\n";
    FILE *fp = fmemopen((void *)data, sizeof data - 1, "r");
    csv_reader *rd = csv_reader_new_file(fp, NULL);
    csv_record rec;
    int nul = 0;
    assert_int_equal(csv_read(rd, &rec), 1);
    assert_int_equal(csv_read(rd, &rec), 1);
    assert_int_equal(rec.status, CSV_ERR_ENCODING);
    assert_int_equal(rec.bad_field, 1);
    assert_int_equal(rec.lens[1], 7);
    assert_int_equal(csv_field_bad_char(&rec, 1, &nul), 4);
    assert_true(nul);
    assert_int_equal(csv_read(rd, &rec), 1);        /* in quotes too */
    assert_int_equal(rec.status, CSV_ERR_ENCODING);
    assert_int_equal(csv_field_bad_char(&rec, 0, &nul), 2);
    assert_true(nul);
    assert_int_equal(csv_read(rd, &rec), 1);
    assert_int_equal(rec.status, CSV_OK);
    assert_string_equal(rec.fields[0], "c");
    assert_int_equal(csv_read(rd, &rec), 0);
    csv_reader_destroy(&rd);
    fclose(fp);
}

static void test_oversize_field_resynchronises(void **state)
{
    (void)state;
    csv_options opt = {.max_field = 10, .read_size = 3};
    const char *data = "id,text\n"
                       "1,一二三四五六七八九十\n"          /* 10 characters: fits */
                       "2,\"一二三四五六七八九十十\n,\"\"\"\n" /* 11, quoted, spans a line */
                       "3,ok\n";
    parsed p;
    parse_mem(data, strlen(data), &opt, &p);
    assert_int_equal(p.n, 4);
    assert_int_equal(p.status[1], CSV_OK);
    assert_int_equal(p.status[2], CSV_ERR_FIELD_TOO_LONG);
    assert_int_equal(p.bad_field[2], 1);
    assert_int_equal(p.record_no[3], 4);
    assert_int_equal(p.line_no[3], 5);
    assert_string_equal(p.field[3][1], "ok");
    assert_int_equal(p.status[3], CSV_OK);
    parsed_free(&p);
}

static void test_too_many_fields_and_long_record(void **state)
{
    (void)state;
    csv_options opt = {.max_fields = 3, .max_record = 16};
    const char *data = "a,b,c\n1,2,3,4,5\nx,y,z\n0123456789,0123456789\nlast,row\n";
    parsed p;
    parse_mem(data, strlen(data), &opt, &p);
    assert_int_equal(p.n, 5);
    assert_int_equal(p.status[1], CSV_ERR_TOO_MANY_FIELDS);
    assert_int_equal(p.bad_field[1], 3);
    assert_int_equal(p.nfields[1], 3);
    assert_int_equal(p.status[2], CSV_OK);
    assert_int_equal(p.status[3], CSV_ERR_RECORD_TOO_LONG);
    assert_int_equal(p.bad_field[3], 1);
    assert_int_equal(p.status[4], CSV_OK);
    assert_string_equal(p.field[4][0], "last");
    parsed_free(&p);
}

/* The quote runs to the end of input: that record is refused, cut to the
 * quote's line, and the lines after it are read as rows. */
static void test_unterminated_quote_at_eof(void **state)
{
    (void)state;
    parsed p;
    parse_str("a,b\n1,2\n3,\"never closed\n4,5\n", 0, &p);
    assert_int_equal(p.rc, 0);
    assert_int_equal(p.n, 4);
    assert_int_equal(p.status[2], CSV_ERR_UNTERMINATED_QUOTE);
    assert_int_equal(p.bad_field[2], 1);
    assert_int_equal(p.line_no[2], 3);
    assert_int_equal(p.quote_line[2], 3);
    assert_string_equal(p.field[2][1], "never closed");
    assert_int_equal(p.status[3], CSV_OK);
    assert_int_equal(p.record_no[3], 4);
    assert_int_equal(p.line_no[3], 4);
    assert_string_equal(p.field[3][1], "5");
    parsed_free(&p);
    parse_str("a,b\n3,\"on the last line", 0, &p);
    assert_int_equal(p.n, 2);
    assert_int_equal(p.status[1], CSV_ERR_UNTERMINATED_QUOTE);
    assert_string_equal(p.field[1][1], "on the last line");
    parsed_free(&p);
}

/* A file cut short inside a cell of several lines (an API download broken
 * off): the lines after the quote's are that cell's, not rows; one record,
 * refused as cut, its field whole to the end. A stray quote in a file whose
 * last line has no line break still leaves the rows it swallowed: they have
 * the header's delimiters. */
static void test_cut_inside_multiline_field(void **state)
{
    (void)state;
    for (size_t rs = 0; rs <= 9; rs++) {
        parsed p;
        parse_str("a,b,c\n1,2,3\n4,\"Police responded.\nNo \"\"action\"\", taken;\r\n  see", rs, &p);
        assert_int_equal(p.rc, 0);
        assert_int_equal(p.n, 3);
        assert_int_equal(p.status[2], CSV_ERR_UNTERMINATED_QUOTE);
        assert_int_equal(p.quote_line[2], 3);
        assert_int_equal(p.bad_field[2], 1);
        assert_string_equal(p.field[2][1], "Police responded.\nNo \"action\", taken;\r\n  see");
        parsed_free(&p);
        parse_str("a,b,c\n1,\"stray\n2,x,y\n3,z,w", rs, &p);
        assert_int_equal(p.n, 4);
        assert_int_equal(p.status[1], CSV_ERR_UNTERMINATED_QUOTE);
        assert_string_equal(p.field[1][1], "stray");
        assert_int_equal(p.status[2], CSV_OK);
        assert_int_equal(p.status[3], CSV_OK);
        assert_string_equal(p.field[3][2], "w");
        parsed_free(&p);
    }
}

/* A stray quote in row 1 meets the next quote two lines later, followed by
 * text: row 1 is refused (the quote's line named), rows 2-4 are rows. */
static const char STRAY[] =
    "工单编号,来电时间,诉求内容\n"
    "1,2021-05-30 10:57,\"门口占道经营\n"
    "2,2021-05-30 11:00,ok\n"
    "3,2021-05-30 12:00,他说\"谢谢\"\n"
    "4,2021-05-30 13:00,路灯不亮\n";

static void check_stray(const parsed *p)
{
    assert_int_equal(p->rc, 0);
    assert_int_equal(p->n, 5);
    assert_int_equal(p->status[1], CSV_ERR_UNPAIRED_QUOTE);
    assert_int_equal(p->bad_field[1], 2);
    assert_int_equal(p->quote_line[1], 2);
    assert_int_equal(p->line_no[1], 2);
    assert_string_equal(p->field[1][2], "门口占道经营");
    for (size_t r = 2; r < 5; r++) {
        assert_int_equal(p->status[r], CSV_OK);
        assert_int_equal(p->record_no[r], r + 1);
        assert_int_equal(p->line_no[r], r + 1);
        assert_int_equal(p->nfields[r], 3);
    }
    assert_string_equal(p->field[2][2], "ok");
    assert_string_equal(p->field[3][2], "他说\"谢谢\"");
    assert_string_equal(p->field[4][2], "路灯不亮");
}

static void test_stray_quote_keeps_the_rows_after_it(void **state)
{
    (void)state;
    char crlf[sizeof STRAY * 2];
    size_t k = 0;
    for (const char *c = STRAY; *c; c++) {
        if (*c == '\n')
            crlf[k++] = '\r';
        crlf[k++] = *c;
    }
    crlf[k] = '\0';
    for (size_t rs = 0; rs <= 9; rs++) {
        parsed p;
        parse_str(STRAY, rs, &p);
        check_stray(&p);
        parsed_free(&p);
        parse_str(crlf, rs, &p);
        check_stray(&p);
        parsed_free(&p);
    }
}

/* A legitimate quoted field over several lines, with "" in it: one field. */
static void test_multiline_quoted_field_kept(void **state)
{
    (void)state;
    static const char data[] = "id,text,n\r\n"
                               "1,\"第一行\r\n他说\"\"好\"\"\r\n\r\n第四行\",x\r\n"
                               "2,\"\"\"\r\n\",y\r\n"
                               "3,ok,z\r\n";
    for (size_t rs = 0; rs <= 9; rs++) {
        parsed p;
        parse_str(data, rs, &p);
        assert_int_equal(p.n, 4);
        for (size_t r = 0; r < 4; r++)
            assert_int_equal(p.status[r], CSV_OK);
        assert_string_equal(p.field[1][1], "第一行\r\n他说\"好\"\r\n\r\n第四行");
        assert_string_equal(p.field[1][2], "x");
        assert_string_equal(p.field[2][1], "\"\r\n");
        assert_int_equal(p.line_no[2], 6);
        assert_int_equal(p.line_no[3], 8);
        assert_string_equal(p.field[3][1], "ok");
        parsed_free(&p);
    }
}

/* A file of rows after an unclosed quote: more than max_field characters
 * (the quote, not the length, is what is wrong) and, with a small
 * max_record, more than that many bytes; every row after it is read. */
static void unclosed_quote_then_rows(const csv_options *opt, csv_status expect)
{
    size_t cap = 128 * 1024, len = 0;
    char *data = malloc(cap);
    len += (size_t)sprintf(data, "id,text\n1,\"占道\n");
    for (int i = 2; i < 3002; i++)
        len += (size_t)sprintf(data + len, "%d,噪声扰民噪声扰民噪声扰民\n", i);
    FILE *fp = fmemopen(data, len, "r");
    csv_reader *rd = csv_reader_new_file(fp, opt);
    csv_record rec;
    uint64_t n = 0;
    while (csv_read(rd, &rec) == 1) {
        n++;
        if (rec.record_no == 2) {
            assert_int_equal(rec.status, expect);
            assert_int_equal(rec.quote_line, 2);
            assert_int_equal(rec.bad_field, 1);
            assert_string_equal(rec.fields[1], "占道");
        } else {
            assert_int_equal(rec.status, CSV_OK);
            assert_int_equal(rec.line_no, rec.record_no);
        }
        if (rec.record_no == 3002)
            assert_string_equal(rec.fields[0], "3001");
    }
    assert_int_equal(n, 3002);
    csv_reader_destroy(&rd);
    fclose(fp);
    free(data);
}

static void test_unclosed_quote_before_a_long_tail(void **state)
{
    (void)state;
    unclosed_quote_then_rows(NULL, CSV_ERR_UNTERMINATED_QUOTE);
    csv_options small = {.max_record = 4096, .read_size = 1000};
    unclosed_quote_then_rows(&small, CSV_ERR_UNPAIRED_QUOTE);
}

/* Reads every record of data[0..len): 40,000, in the encoding its first
 * bytes say (a BOM) or UTF-8 when they never say (ASCII to the end). */
static void read_40000(const char *data, size_t len)
{
    FILE *fp = fmemopen((void *)data, len, "r");
    assert_non_null(fp);
    csv_reader *rd = csv_reader_new_file(fp, NULL);
    assert_non_null(rd);
    csv_record rec;
    size_t n = 0;
    while (csv_read(rd, &rec) == 1) {
        assert_int_equal(rec.nfields, 26);
        n++;
    }
    assert_int_equal(n, 40000);
    assert_int_equal(csv_reader_encoding(rd), data[0] == '\xEF' ? CSV_ENC_UTF8_BOM : CSV_ENC_UTF8);
    csv_reader_destroy(&rd);
    fclose(fp);
}

/* An export of English text only (NYC 311) is ASCII to its end, so the
 * encoding is never chosen: every record is read, as from the same file
 * marked UTF-8. (The decoder once looked again through the rest of its 64 KiB
 * buffer at each record and read such a file 10 to 30 times slower; how fast
 * is measured by make bench, not here.) */
static void test_ascii_file_reads_as_utf8(void **state)
{
    (void)state;
    static const char row[] = "54049402,05/01/2022 12:00:03 AM,,NYPD,New York City Police Department,"
        "Noise - Residential,Loud Music/Party,Residential Building/House,10452,1006 GERARD AVENUE,GERARD AVENUE,"
        "EAST  164 STREET,EAST  165 STREET,ADDRESS,BRONX,In Progress,04 BRONX,2024770001,BRONX,1005536,241916,"
        "ONLINE,Unspecified,BRONX,40.83065331987539,-73.92308231033165\n";
    size_t rlen = sizeof row - 1, len = 3 + 40000 * rlen;
    char *data = malloc(len);
    assert_non_null(data);
    memcpy(data, "\xEF\xBB\xBF", 3);
    for (size_t i = 0; i < 40000; i++)
        memcpy(data + 3 + i * rlen, row, rlen);
    read_40000(data, len);
    read_40000(data + 3, len - 3);
    free(data);
}

/* A tab-separated file (.tsv, .txt: Excel's “文本文件（制表符分隔）”, the
 * 问政 platform's messages) is split at its tabs, as its header line says:
 * a comma is text there, and so is a tab inside quotes. Before, the whole
 * header was one column and no import profile fitted the file. */
static void test_tab_separated(void **state)
{
    (void)state;
    parsed p;
    for (size_t rs = 1; rs <= 9; rs++) {
        parse_str(TSV, rs, &p);
        check_tsv(&p);
        parsed_free(&p);
    }
    size_t len;
    char *gbk = to_gb18030(TSV, &len);
    csv_options opt = {.read_size = 5};
    parse_mem(gbk, len, &opt, &p);
    check_tsv(&p);
    assert_int_equal(p.enc, CSV_ENC_GB18030);
    parsed_free(&p);
    free(gbk);
    parse_str("\"工单\t编号\",内容\tA\n1,2\n", 0, &p);     /* a CSV with a tab in its header */
    assert_int_equal(p.nfields[0], 2);
    assert_string_equal(p.field[0][0], "工单\t编号");
    assert_string_equal(p.field[1][1], "2");
    parsed_free(&p);
}

/* A file separated by semicolons — Excel's CSV where a decimal comma is
 * the custom (most of Europe), an open data portal's "CSV for Excel
 * (Europe)" (Socrata) or its default export (OpenDataSoft) — is split at its
 * semicolons, as its header line says: a comma is text there, and a
 * semicolon inside quotes too. Before, the whole header was one column and
 * no import profile fitted the file; a CSV whose header has more commas
 * than semicolons is still split at its commas. */
static void test_semicolon_separated(void **state)
{
    (void)state;
    parsed p;
    const char *nyc = "\xEF\xBB\xBFUnique Key;Created Date;Complaint Type;Location\r\n"
                      "54049402;05/01/2022 12:00:03 AM;Noise - Residential;\"(40.83, -73.92)\"\r\n"
                      "54046813;05/01/2022 12:00:09 AM;\"Noise; Street\";\r\n";
    for (size_t rs = 1; rs <= 9; rs++) {
        parse_str(nyc, rs, &p);
        assert_int_equal(p.n, 3);
        assert_int_equal(p.nfields[0], 4);
        assert_string_equal(p.field[0][1], "Created Date");
        assert_string_equal(p.field[1][3], "(40.83, -73.92)");
        assert_string_equal(p.field[2][2], "Noise; Street");
        assert_string_equal(p.field[2][3], "");
        parsed_free(&p);
    }
    parse_str("\"工单;编号\",内容;A,B\n1,2,3\n", 0, &p);    /* a CSV with semicolons in its header */
    assert_int_equal(p.nfields[0], 3);
    assert_string_equal(p.field[0][1], "内容;A");
    parsed_free(&p);
}

/* A file that cannot be read (a directory here) is said in the clerk's
 * words, what happened and what to do, the system's reason beside. */
static void test_a_read_that_fails_said_in_chinese(void **state)
{
    (void)state;
    int fd = open("/tmp", O_RDONLY | O_DIRECTORY);
    assert_true(fd >= 0);
    csv_reader *rd = csv_reader_new(fd, NULL);
    parsed p;
    read_all(rd, &p);
    assert_int_equal(p.rc, -1);
    assert_non_null(strstr(p.err, "读文件出错（"));
    assert_non_null(strstr(p.err, "）：请重新导入；一直如此请告知系统管理员"));
    assert_null(strstr(p.err, "read failed"));
    csv_reader_destroy(&rd);
    close(fd);
    parsed_free(&p);
}

static void test_reads_from_fd(void **state)
{
    (void)state;
    char path[] = "/tmp/test_csv_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    unlink(path);
    assert_int_equal(write(fd, CHINESE, strlen(CHINESE)), (ssize_t)strlen(CHINESE));
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    csv_options opt = {.read_size = 4};
    csv_reader *rd = csv_reader_new(fd, &opt);
    parsed p;
    read_all(rd, &p);
    check_chinese(&p);
    assert_int_equal(csv_reader_bytes(rd), strlen(CHINESE));
    csv_reader_destroy(&rd);
    close(fd);
    parsed_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simple_records),
        cmocka_unit_test(test_quotes_and_doubled_quotes),
        cmocka_unit_test(test_embedded_newlines_and_line_numbers),
        cmocka_unit_test(test_lenient_stray_quotes),
        cmocka_unit_test(test_bom_stripped),
        cmocka_unit_test(test_utf8_split_across_reads),
        cmocka_unit_test(test_gb18030_detected_and_converted),
        cmocka_unit_test(test_gb18030_with_utf8_rows),
        cmocka_unit_test(test_gb18030_undecodable_bytes),
        cmocka_unit_test(test_invalid_utf8_later_flags_record),
        cmocka_unit_test(test_damaged_utf8_stays_utf8),
        cmocka_unit_test(test_nul_byte_flags_record),
        cmocka_unit_test(test_oversize_field_resynchronises),
        cmocka_unit_test(test_too_many_fields_and_long_record),
        cmocka_unit_test(test_unterminated_quote_at_eof),
        cmocka_unit_test(test_cut_inside_multiline_field),
        cmocka_unit_test(test_stray_quote_keeps_the_rows_after_it),
        cmocka_unit_test(test_multiline_quoted_field_kept),
        cmocka_unit_test(test_unclosed_quote_before_a_long_tail),
        cmocka_unit_test(test_cp1252_detected_and_converted),
        cmocka_unit_test(test_gb18030_or_cp1252_refused),
        cmocka_unit_test(test_reads_from_fd),
        cmocka_unit_test(test_a_read_that_fails_said_in_chinese),
        cmocka_unit_test(test_ascii_file_reads_as_utf8),
        cmocka_unit_test(test_tab_separated),
        cmocka_unit_test(test_semicolon_separated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
