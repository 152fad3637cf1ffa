/* test_csv_sniff.c — GB18030 or Windows-1252 by the shape of the bytes:
 * Spanish and Portuguese street names of a Western export (accented letters
 * alone between ASCII ones; "NIÑO" a valid GBK pair), Chinese complaints in
 * GBK (words of two characters and more, a rare GBK character whose second
 * byte is ASCII among them), and the two together, which are not guessed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <iconv.h>
#include <cmocka.h>

#include "csv_sniff.h"

/* UTF-8 text in encoding to; the caller frees. */
static unsigned char *in(const char *utf8, const char *to, size_t *len)
{
    iconv_t cd = iconv_open(to, "UTF-8");
    assert_true(cd != (iconv_t)-1);
    size_t inleft = strlen(utf8), cap = inleft * 2 + 8, outleft = cap;
    char *out = malloc(cap), *i = (char *)utf8, *o = out;
    assert_true(iconv(cd, &i, &inleft, &o, &outleft) != (size_t)-1);
    iconv_close(cd);
    *len = cap - outleft;
    return (unsigned char *)out;
}

static csv_sniff_verdict verdict(const char *utf8, const char *enc, csv_sniff *sn)
{
    size_t len;
    unsigned char *s = in(utf8, enc, &len);
    csv_sniff_verdict v = csv_sniff_legacy(s, len, sn);
    free(s);
    return v;
}

static const char SPANISH[] =
    "1001,05/01/2022 12:00:21 AM,8106 CALLE NIÑO,BROOKLYN,Blocked Driveway\r\n"
    "1002,05/01/2022 12:03:45 AM,Calle Núñez de Balboa 12,MADRID,Ruido\r\n"
    "1003,05/01/2022 12:10:02 AM,Avenida de la Constitución 4,SEVILLA,Alumbrado\r\n"
    "1004,05/01/2022 12:15:40 AM,Travesía Peñalosa 3º,CÓRDOBA,Señalización\r\n"
    "1005,05/01/2022 12:20:11 AM,Plaza de España s/n,ZARAGOZA,Limpieza\r\n";

static const char CHINESE[] =
    "20220501000001,2022-05-01 00:03,崂山区中韩街道海尔路178号门口垃圾桶满了三天没人清运\r\n"
    "20220501000002,2022-05-01 00:10,沙子口街道南姜社区路边垃圾堆积，气味很大\r\n"
    "20220501000003,2022-05-01 00:12,市南区香港中路A座楼下夜间施工噪音扰民，朱镕基路口\r\n"
    "20220501000004,2022-05-01 00:20,李沧区2016–2018年安置房至今未办房产证\r\n";

/* Spanish addresses in Windows-1252: a Western text, whatever GBK makes of
 * "NIÑO"; the sample shown is the Ñ GBK would read silently with its O. */
static void test_spanish_is_western(void **state)
{
    (void)state;
    csv_sniff sn;
    assert_int_equal(verdict(SPANISH, "WINDOWS-1252", &sn), CSV_SNIFF_CP1252);
    assert_int_equal(sn.cjk, 0);
    assert_true(sn.lone >= 8);
    size_t len;
    unsigned char *s = in(SPANISH, "WINDOWS-1252", &len);
    assert_int_equal(s[sn.sample], 0xD1);     /* Ñ */
    assert_int_equal(s[sn.sample + 1], 'O');
    free(s);
    assert_int_equal(verdict(SPANISH, "ISO-8859-1", &sn), CSV_SNIFF_CP1252);
}

/* Portuguese: "AÇÃO" is a GB2312 pair inside a word, which says nothing;
 * the lone letters around it tell. */
static void test_portuguese_is_western(void **state)
{
    (void)state;
    csv_sniff sn;
    assert_int_equal(verdict("1,Rua da Conceição 10,INFORMAÇÃO,São Paulo,Iluminação pública\r\n", "WINDOWS-1252", &sn),
                     CSV_SNIFF_CP1252);
    assert_int_equal(sn.cjk, 0);
}

/* Chinese in GBK: its words, a rare character whose second byte is ASCII
 * (镕 E9 46, – A8 44 after a digit) among them. */
static void test_chinese_is_gbk(void **state)
{
    (void)state;
    csv_sniff sn;
    assert_int_equal(verdict(CHINESE, "GBK", &sn), CSV_SNIFF_GB18030);
    assert_true(sn.lone >= 1);
    assert_true(sn.cjk > 3 * sn.lone);
    assert_int_equal(verdict(CHINESE, "GB18030", &sn), CSV_SNIFF_GB18030);
    assert_int_equal(verdict("1,男\r\n2,女\r\n", "GBK", &sn), CSV_SNIFF_GB18030);    /* single characters */
}

/* A Chinese header over Western rows: both shapes, neither far ahead. */
static void test_both_unsure(void **state)
{
    (void)state;
    size_t len;
    unsigned char *s = in("工单编号,来电时间,诉求地址,诉求内容\r\n", "GBK", &len);
    size_t wlen;
    unsigned char *w = in(SPANISH, "WINDOWS-1252", &wlen);
    unsigned char *mixed = malloc(len + wlen);
    memcpy(mixed, s, len);
    memcpy(mixed + len, w, wlen);
    csv_sniff sn;
    assert_int_equal(csv_sniff_legacy(mixed, len + wlen, &sn), CSV_SNIFF_UNSURE);
    assert_int_equal(mixed[sn.sample], 0xD1);
    free(mixed);
    free(w);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spanish_is_western),
        cmocka_unit_test(test_portuguese_is_western),
        cmocka_unit_test(test_chinese_is_gbk),
        cmocka_unit_test(test_both_unsure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
