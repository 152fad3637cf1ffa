/* test_csv_utf16.c — UTF-16 files through the CSV reader: Excel's “Unicode
 * 文本(*.txt)” (little-endian after FF FE, tab-separated, CRLF) and a
 * big-endian export (FE FF), converted as they stream, split at every place
 * across reads; half a surrogate pair or an odd last byte refusing its
 * record only; the mark winning over an encoding told. */
#include "test_csv_fixture.h"

#define UTF16LE_MARK "\xFF\xFE"
#define UTF16BE_MARK "\xFE\xFF"

/* UTF-16 with its byte order mark, little-endian as Excel saves “Unicode
 * 文本(*.txt)” or big-endian as some systems export, is converted as it
 * streams: at read sizes of 1 to 9 bytes a code unit, a character and a
 * surrogate pair (𠀀) are split across reads at every place. It was refused,
 * the whole file. */
static void test_utf16_read(void **state)
{
    (void)state;
    static const struct { const char *to, *mark; csv_encoding enc; } forms[] = {
        {"UTF-16LE", UTF16LE_MARK, CSV_ENC_UTF16LE}, {"UTF-16BE", UTF16BE_MARK, CSV_ENC_UTF16BE}};
    for (size_t f = 0; f < 2; f++) {
        size_t len;
        char *text = converted(CHINESE, forms[f].to, forms[f].mark, &len);
        for (size_t rs = 0; rs <= 9; rs++) {
            parsed p;
            csv_options opt = {.read_size = rs};
            parse_mem(text, len, &opt, &p);
            check_chinese(&p);
            assert_int_equal(p.enc, forms[f].enc);
            parsed_free(&p);
        }
        free(text);
    }
    assert_string_equal(csv_encoding_name(CSV_ENC_UTF16LE), "UTF-16（小端）");
    assert_string_equal(csv_encoding_name(CSV_ENC_UTF16BE), "UTF-16（大端）");
}

/* Excel's “Unicode 文本” is tab-separated with CRLF: split at its tabs as a
 * .tsv in UTF-8 is. */
static void test_utf16_tab_separated(void **state)
{
    (void)state;
    size_t len;
    char *text = converted(TSV, "UTF-16LE", UTF16LE_MARK, &len);
    for (size_t rs = 1; rs <= 5; rs++) {
        parsed p;
        csv_options opt = {.read_size = rs};
        parse_mem(text, len, &opt, &p);
        check_tsv(&p);
        assert_int_equal(p.enc, CSV_ENC_UTF16LE);
        parsed_free(&p);
    }
    free(text);
}

/* Half a surrogate pair refuses its record, as a byte GB18030 cannot decode
 * does, and the units after it are read in step; an odd byte at the end (a
 * file cut in the middle of a unit) refuses the last record, the others
 * kept. */
static void test_utf16_bad_units(void **state)
{
    (void)state;
    static const char lone[] = UTF16LE_MARK "a\0,\0b\0\n\0"
                               "x\0\x00\xD8y\0,\0z\0\n\0"      /* a first half, then y */
                               "\x00\xDC,\0w\0\n\0"            /* a second half alone */
                               "c\0,\0d\0\n\0";
    static const char odd[] = UTF16BE_MARK "\0a\0,\0b\0\n" "\0c\0,\0d\0\n" "\0e\0,\0";   /* cut in the unit after , */
    for (size_t rs = 1; rs <= 4; rs++) {
        parsed p;
        csv_options opt = {.read_size = rs};
        parse_mem(lone, sizeof lone - 1, &opt, &p);
        assert_int_equal(p.rc, 0);
        assert_int_equal(p.n, 4);
        assert_int_equal(p.status[0], CSV_OK);
        assert_int_equal(p.status[1], CSV_ERR_ENCODING);
        assert_int_equal(p.bad_field[1], 0);
        assert_string_equal(p.field[1][0], "x\xFFy");
        assert_string_equal(p.field[1][1], "z");
        assert_int_equal(p.status[2], CSV_ERR_ENCODING);
        assert_string_equal(p.field[2][1], "w");
        assert_int_equal(p.status[3], CSV_OK);
        assert_string_equal(p.field[3][0], "c");
        assert_string_equal(p.field[3][1], "d");
        parsed_free(&p);
        parse_mem(odd, sizeof odd - 1, &opt, &p);
        assert_int_equal(p.rc, 0);
        assert_int_equal(p.n, 3);
        assert_int_equal(p.enc, CSV_ENC_UTF16BE);
        assert_int_equal(p.status[1], CSV_OK);
        assert_string_equal(p.field[1][1], "d");
        assert_int_equal(p.status[2], CSV_ERR_ENCODING);
        assert_int_equal(p.bad_field[2], 1);
        assert_string_equal(p.field[2][0], "e");
        assert_string_equal(p.field[2][1], "\xFF");
        parsed_free(&p);
    }
}

/* The mark wins over an encoding told (an import profile's utf-8 or
 * gb18030): FF FE starts no UTF-8 or GB18030 text. */
static void test_utf16_mark_wins(void **state)
{
    (void)state;
    size_t len;
    char *text = converted(CHINESE, "UTF-16LE", UTF16LE_MARK, &len);
    csv_encoding_choice told[] = {CSV_FORCE_UTF8, CSV_FORCE_GB18030};
    for (size_t i = 0; i < 2; i++) {
        parsed p;
        csv_options opt = {.encoding = told[i], .read_size = 7};
        parse_mem(text, len, &opt, &p);
        check_chinese(&p);
        assert_int_equal(p.enc, CSV_ENC_UTF16LE);
        parsed_free(&p);
    }
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf16_read),
        cmocka_unit_test(test_utf16_tab_separated),
        cmocka_unit_test(test_utf16_bad_units),
        cmocka_unit_test(test_utf16_mark_wins),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
