/* test_text.c — UTF-8 validation (overlongs, surrogates, truncated sequences,
 * code points past U+10FFFF), character counts, normalisation of full-width
 * and space characters, masking of phone numbers and names, and defusing of
 * spreadsheet formulas, and escaping for HTML — with the Chinese text the
 * hotline actually receives.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

/* ---- validation ---- */

static void expect_valid(const char *s, size_t len)
{
    size_t bad = 12345;
    if (!text_utf8_valid(s, len, &bad))
        fail_msg("expected valid UTF-8, bad byte at %zu", bad);
    assert_int_equal(bad, 12345);           /* untouched when valid */
}

static void expect_invalid(const char *s, size_t len, size_t offset)
{
    size_t bad = 12345;
    assert_int_equal(text_utf8_valid(s, len, &bad), 0);
    assert_int_equal(bad, offset);
}

static void test_valid_text(void **state)
{
    (void)state;
    expect_valid("", 0);
    expect_valid("plain ASCII 123", 15);
    expect_valid("崂山区金家岭街道", strlen("崂山区金家岭街道"));
    expect_valid("Ü é ñ", strlen("Ü é ñ"));
    expect_valid("\xF0\x9F\x98\x80", 4);                    /* U+1F600, 4 bytes */
    expect_valid("\xF4\x8F\xBF\xBF", 4);                    /* U+10FFFF, the last code point */
    expect_valid("\xEF\xBB\xBF" "abc", 6);                  /* a BOM is a valid character */
    expect_valid("\xED\x9F\xBF", 3);                        /* U+D7FF, just below the surrogates */
    expect_valid("\xEE\x80\x80", 3);                        /* U+E000, just above them */
    expect_valid("a\0b", 3);                                /* NUL is a character too */
    assert_int_equal(text_utf8_valid("x", 1, NULL), 1);     /* bad_offset is optional */
}

static void test_invalid_text(void **state)
{
    (void)state;
    expect_invalid("\x80", 1, 0);                           /* lone continuation byte */
    expect_invalid("ab\xBF", 3, 2);
    expect_invalid("\xC0\xAF", 2, 0);                       /* overlong '/' */
    expect_invalid("\xC1\xBF", 2, 0);                       /* overlong, 2 bytes */
    expect_invalid("\xE0\x80\xAF", 3, 0);                   /* overlong, 3 bytes */
    expect_invalid("\xE0\x9F\xBF", 3, 0);                   /* overlong U+07FF */
    expect_invalid("\xF0\x80\x80\xAF", 4, 0);               /* overlong, 4 bytes */
    expect_invalid("\xF0\x8F\xBF\xBF", 4, 0);               /* overlong U+FFFF */
    expect_invalid("\xED\xA0\x80", 3, 0);                   /* U+D800, a surrogate */
    expect_invalid("\xED\xBF\xBF", 3, 0);                   /* U+DFFF */
    expect_invalid("ok\xED\xB2\x80", 5, 2);
    expect_invalid("\xF4\x90\x80\x80", 4, 0);               /* U+110000 */
    expect_invalid("\xF5\x80\x80\x80", 4, 0);               /* lead byte past F4 */
    expect_invalid("\xFE", 1, 0);
    expect_invalid("\xFF", 1, 0);
    expect_invalid("中\xE6\x96", 5, 3);                     /* truncated 3-byte sequence at the end */
    expect_invalid("\xF0\x9F\x98", 3, 0);                   /* truncated 4-byte sequence */
    expect_invalid("\xC3", 1, 0);                           /* truncated 2-byte sequence */
    expect_invalid("\xE4\xB8" "A", 3, 0);                   /* continuation replaced by ASCII */
    expect_invalid("\xE4\x41\xAD", 3, 0);
    /* GBK bytes for 中文 are not UTF-8 */
    expect_invalid("\xD6\xD0\xCE\xC4", 4, 0);
    /* the length limits the check: a sequence cut by len is truncated */
    expect_invalid("中", 2, 0);
    expect_valid("中", 3);
}

static void test_char_count(void **state)
{
    (void)state;
    assert_int_equal(text_utf8_chars("", 0), 0);
    assert_int_equal(text_utf8_chars("abc", 3), 3);
    assert_int_equal(text_utf8_chars("张三丰", strlen("张三丰")), 3);
    assert_int_equal(text_utf8_chars("噪音扰民 at 23:00", strlen("噪音扰民 at 23:00")), 13);
    assert_int_equal(text_utf8_chars("\xF0\x9F\x98\x80" "é", 6), 2);
    assert_int_equal(text_utf8_chars("张三丰", 6), 2);      /* only the first len bytes */
}

/* ---- normalisation ---- */

static void expect_normal(const char *in, const char *want)
{
    char out[256];
    size_t n = text_normalize(out, sizeof out, in, strlen(in));
    assert_int_equal(n, strlen(want));
    assert_string_equal(out, want);
}

static void test_normalize(void **state)
{
    (void)state;
    expect_normal("", "");
    expect_normal("abc", "abc");
    expect_normal("  abc  ", "abc");
    expect_normal("a \t\r\n b", "a b");
    expect_normal("\n\n\t", "");
    /* full-width ASCII → ASCII */
    expect_normal("ＡＢＣ１２３", "ABC123");
    expect_normal("电话：１３８１２３４５６７８！", "电话:13812345678!");
    expect_normal("\xEF\xBC\x81\xEF\xBD\x9E", "!~");        /* U+FF01 and U+FF5E, the ends of the range */
    expect_normal("\xEF\xBD\x9F", "\xEF\xBD\x9F");          /* U+FF5F stays */
    expect_normal("（崂山区）", "(崂山区)");
    /* ideographic spaces, alone and mixed with ASCII whitespace */
    expect_normal("\xE3\x80\x80噪音\xE3\x80\x80\xE3\x80\x80扰民\xE3\x80\x80", "噪音 扰民");
    expect_normal("金家岭 \xE3\x80\x80\t 街道", "金家岭 街道");
    expect_normal("a\xC2\xA0" "b", "a b");                  /* no-break space from spreadsheets */
    /* control characters separate like spaces; invisible ones are dropped */
    expect_normal("A\x01" "123\x7F", "A 123");
    expect_normal("a\x1B[0mb", "a [0mb");
    expect_normal("a\xC2\x85" "b", "a b");                 /* U+0085, a C1 control */
    expect_normal("\xEF\xBB\xBF" "A123\xE2\x80\x8B", "A123");  /* BOM and zero-width space */
    expect_normal("A\xE2\x81\xA0" "1 \xE2\x80\x8B 2", "A1 2");
    /* Chinese punctuation outside the full-width ASCII block is kept */
    expect_normal("你好，世界。", "你好,世界。");           /* U+FF0C is full-width ',' */
    expect_normal("《通知》、“引号”", "《通知》、“引号”");
    /* invalid bytes pass through unchanged (validation is a separate step) */
    expect_normal("a\xA0" "b", "a\xA0" "b");
    expect_normal("\xFF x", "\xFF x");
}

static void test_normalize_too_small(void **state)
{
    (void)state;
    char out[8];
    /* "噪音扰民" is 12 bytes: the output is cut at a character boundary */
    assert_int_equal(text_normalize(out, sizeof out, "噪音扰民", strlen("噪音扰民")), (size_t)-1);
    assert_string_equal(out, "噪音");
    assert_int_equal(text_normalize(out, 4, "abcd", 4), (size_t)-1);
    assert_string_equal(out, "abc");
    assert_int_equal(text_normalize(out, 5, "abcd", 4), 4);
    assert_string_equal(out, "abcd");
    assert_int_equal(text_normalize(out, 0, "a", 1), (size_t)-1);
    /* trailing whitespace does not count against the room */
    assert_int_equal(text_normalize(out, 5, "abcd      ", 10), 4);
}

static void test_normalize_not_nul_terminated_input(void **state)
{
    (void)state;
    char out[32];
    const char in[] = {'a', ' ', ' ', 'b', 'X', 'X'};
    assert_int_equal(text_normalize(out, sizeof out, in, 4), 3);
    assert_string_equal(out, "a b");
}

/* ---- masking ---- */

static void expect_phone(const char *in, const char *want)
{
    char out[32];
    text_mask_phone(out, sizeof out, in);
    assert_string_equal(out, want);
}

static void test_mask_phone(void **state)
{
    (void)state;
    expect_phone("13812345678", "138****5678");
    expect_phone("138 1234 5678", "138****5678");
    expect_phone("138-1234-5678", "138****5678");
    expect_phone("0532-88886666", "053****6666");           /* landline with its area code */
    expect_phone("88886666", "****66");                     /* shorter: only the last 2 */
    expect_phone("12345", "****45");
    expect_phone("12", "****12");
    expect_phone("7", "****");
    expect_phone("未留电话", "****");                       /* something, but no digits */
    expect_phone("", "");
    expect_phone(NULL, "");
    expect_phone("138123456789012345678901234567890123", "138****0123");   /* long input: real last 4 */
    char small[6];
    text_mask_phone(small, sizeof small, "13812345678");
    assert_string_equal(small, "138**");                    /* truncated, still terminated */
}

static void expect_name(const char *in, const char *want)
{
    char out[64];
    text_mask_name(out, sizeof out, in);
    assert_string_equal(out, want);
}

static void test_mask_name(void **state)
{
    (void)state;
    expect_name("张三丰", "张**");
    expect_name("张三", "张*");
    expect_name("张", "张*");
    expect_name("欧阳娜娜", "欧***");
    expect_name("Bob", "B**");
    expect_name("𠀀雪", "𠀀*");                               /* 4-byte first character */
    expect_name("", "");
    expect_name(NULL, "");
    expect_name("匿名", "匿名");                               /* no name: it read 匿*, a name hidden */
    expect_name("不愿透露姓名", "不愿透露姓名");
    expect_name("匿名者", "匿**");                           /* a name after all */
    char small[5];
    text_mask_name(small, sizeof small, "张三丰");
    assert_string_equal(small, "张*");                       /* 3 + 1 + NUL */
    text_mask_name(small, 3, "张三丰");
    assert_string_equal(small, "");                          /* not even the first character fits */
}

/* ---- formulas ---- */

static void expect_defused(const char *in, const char *want)
{
    char out[64];
    assert_int_equal(text_defuse_formula(out, sizeof out, in), 0);
    assert_string_equal(out, want);
}

static void test_defuse_formula(void **state)
{
    (void)state;
    expect_defused("=SUM(A1:A9)", "'=SUM(A1:A9)");
    expect_defused("+86 138", "'+86 138");
    expect_defused("-1", "'-1");
    expect_defused("@cmd", "'@cmd");
    expect_defused("\tx", "'\tx");
    expect_defused("\rx", "'\rx");
    expect_defused("噪音=扰民", "噪音=扰民");               /* only a leading character matters */
    expect_defused("plain", "plain");
    expect_defused("", "");
}

static void test_defuse_truncates(void **state)
{
    (void)state;
    char out[8];
    assert_int_equal(text_defuse_formula(out, sizeof out, "1234567"), 0);
    assert_string_equal(out, "1234567");
    assert_int_equal(text_defuse_formula(out, sizeof out, "12345678"), -1);
    assert_string_equal(out, "1234567");
    assert_int_equal(text_defuse_formula(out, sizeof out, "=1234567"), -1);
    assert_string_equal(out, "'=12345");
    assert_int_equal(text_defuse_formula(out, sizeof out, "噪音扰民"), -1);
    assert_string_equal(out, "噪音");                        /* cut at a character boundary */
    assert_int_equal(text_defuse_formula(out, 1, "=x"), -1);
    assert_string_equal(out, "");
    assert_int_equal(text_defuse_formula(out, 2, "=x"), -1);
    assert_string_equal(out, "'");
    assert_int_equal(text_defuse_formula(out, 0, "x"), -1);
}

/* Ends buf with the first n bytes of s, as a snprintf that did not fit would. */
static void cut_copy(char *buf, const char *s, size_t n)
{
    memcpy(buf, s, n);
    buf[n] = '\0';
}

/* A message cut by snprintf in the middle of a character loses that
 * character only; whole text, ASCII and 4-byte characters stay. */
/* text_shorten: at a number of characters, whatever their bytes, with a mark. */
static void test_shorten(void **state)
{
    (void)state;
    char buf[32];
    snprintf(buf, sizeof buf, "%s", "路灯不亮三天了");
    text_shorten(buf, sizeof buf, 4);
    assert_string_equal(buf, "路灯不亮…");
    snprintf(buf, sizeof buf, "%s", "路灯不亮");
    text_shorten(buf, sizeof buf, 4);            /* no longer than that: as it is */
    assert_string_equal(buf, "路灯不亮");
    snprintf(buf, sizeof buf, "%s", "ab😀cd");
    text_shorten(buf, sizeof buf, 3);
    assert_string_equal(buf, "ab😀…");
    snprintf(buf, 8, "%s", "abcdefg");          /* a buffer of 8: "abcde…" would not fit */
    text_shorten(buf, 8, 5);
    assert_string_equal(buf, "abcd…");
    assert_int_equal(strlen(buf), 7);
}

static void test_utf8_cut(void **state)
{
    (void)state;
    char buf[32];
    cut_copy(buf, "导入中断", 7);              /* 导入 and one byte of 中 */
    text_utf8_cut(buf);
    assert_string_equal(buf, "导入");
    assert_int_equal(text_utf8_valid(buf, strlen(buf), NULL), 1);
    cut_copy(buf, "导入中断", 8);              /* two bytes of 中 */
    text_utf8_cut(buf);
    assert_string_equal(buf, "导入");
    cut_copy(buf, "导入中断", 12);
    text_utf8_cut(buf);
    assert_string_equal(buf, "导入中断");
    cut_copy(buf, "row 5: ok", 9);
    text_utf8_cut(buf);
    assert_string_equal(buf, "row 5: ok");
    cut_copy(buf, "a\xf0\x9f\x98\x80", 4);    /* three of the emoji's four bytes */
    text_utf8_cut(buf);
    assert_string_equal(buf, "a");
    cut_copy(buf, "a\xf0\x9f\x98\x80", 5);
    text_utf8_cut(buf);
    assert_string_equal(buf, "a\xf0\x9f\x98\x80");
    buf[0] = '\0';
    text_utf8_cut(buf);
    assert_string_equal(buf, "");
}

/* What is not UTF-8 in a quote becomes '?', byte for byte; the rest stays. */
static void test_utf8_repair(void **state)
{
    (void)state;
    char buf[64];
    snprintf(buf, sizeof buf, "“%.7s”不是数字", "导入中断");        /* 导入 and one byte of 中, inside */
    text_utf8_repair(buf);
    assert_string_equal(buf, "“导入?”不是数字");
    snprintf(buf, sizeof buf, "errmsg: \xd6\xd0\xce\xc4");     /* 中文 in GBK */
    text_utf8_repair(buf);
    assert_string_equal(buf, "errmsg: ????");
    snprintf(buf, sizeof buf, "\xc0\xaf \xed\xa0\x80 a\xf0\x9f\x98\x80");  /* an overlong /, a surrogate, an emoji */
    text_utf8_repair(buf);
    assert_string_equal(buf, "?? ??? a\xf0\x9f\x98\x80");
    assert_int_equal(text_utf8_valid(buf, strlen(buf), NULL), 1);
}

/* A quote: cut at a character to fit, what is not UTF-8 as '?'. */
static void test_quote(void **state)
{
    (void)state;
    char buf[8];
    assert_string_equal(text_quote(buf, sizeof buf, "导入中断"), "导入");    /* 7 bytes hold 2 of 4 */
    assert_string_equal(text_quote(buf, sizeof buf, "a\xd6\xd0z"), "a??z");
    assert_string_equal(text_quote(buf, sizeof buf, "row 12"), "row 12");
}

/* A file's name: UTF-8 kept and cut at a character, GB18030 read as such,
 * anything else with '?' for its stray bytes. */
static void test_file_name(void **state)
{
    (void)state;
    char buf[16];
    text_file_name(buf, sizeof buf, "工单导.csv");
    assert_string_equal(buf, "工单导.csv");
    text_file_name(buf, sizeof buf, "\xb9\xa4\xb5\xa5.csv");             /* 工单.csv in GBK */
    assert_string_equal(buf, "工单.csv");
    text_file_name(buf, sizeof buf, "\xb9\xa4\xb5\xa5\xb5\xbc\xb3\xf6\xb9\xa4\xb5\xa5.csv");   /* 工单导出工单 */
    assert_string_equal(buf, "工单导出工");                           /* 15 bytes hold five characters */
    text_file_name(buf, sizeof buf, "\xff\xfe.csv");                        /* neither */
    assert_string_equal(buf, "??.csv");
    text_file_name(buf, sizeof buf, "一二三四五六七八.csv");
    assert_string_equal(buf, "一二三四五");
}

/* ---- HTML ---- */

/* s as text_html_escape writes it. */
static char *escaped(const char *s)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    assert_non_null(f);
    text_html_escape(f, s);
    fclose(f);
    return out;
}

static void test_ticket(void **state)
{
    (void)state;
    char buf[32];
    assert_string_equal(text_ticket(buf, sizeof buf, " \xEF\xBC\xB7\xEF\xBC\x92\xEF\xBC\x90-1\xE3\x80\x80"), "W20-1");
    assert_null(text_ticket(buf, sizeof buf, " \xE3\x80\x80 "));
    assert_null(text_ticket(buf, sizeof buf, NULL));
    const char *longer = "0123456789012345678901234567890123456789";
    assert_ptr_equal(text_ticket(buf, sizeof buf, longer), longer);     /* as typed when it does not fit */
}

static void test_url_encode(void **state)
{
    (void)state;
    char out[64];
    assert_int_equal(text_url_encode(out, sizeof out, "W-2026_1.a~"), 11);
    assert_string_equal(out, "W-2026_1.a~");
    assert_int_equal(text_url_encode(out, sizeof out, "崂A&B+1#2/3?4%5 6"), 36);
    assert_string_equal(out, "%E5%B4%82A%26B%2B1%232/3%3F4%255%206");
    assert_int_equal(text_url_encode(out, 4, "a&"), (size_t)-1);     /* "a%26" needs 5 */
    assert_string_equal(out, "");
    assert_int_equal(text_url_encode(out, 5, "a&"), 4);
    assert_int_equal(text_url_encode(out, 1, ""), 0);
}

static void test_html_escape(void **state)
{
    (void)state;
    char *out = escaped("<script>alert('x')</script> & \"中韩街道\"");
    assert_string_equal(out, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;中韩街道&quot;");
    free(out);
    out = escaped(NULL);
    assert_string_equal(out, "");
    free(out);
}

/* Free text a person types: UTF-8, and no longer than its limit, or a
 * message naming it. */
static void test_check(void **state)
{
    (void)state;
    char err[256] = "";
    assert_int_equal(text_check("张三（中韩街道）", 8, "显示名", err, sizeof err), 0);
    assert_int_equal(text_check("", 8, "显示名", err, sizeof err), 0);
    assert_int_equal(text_check("张三（中韩街道）", 7, "显示名", err, sizeof err), -1);
    assert_string_equal(err, "显示名有 8 个字，最多 7 个");
    assert_int_equal(text_check("\xd5\xc5\xc8\xfd", 8, "理由", err, sizeof err), -1);
    assert_string_equal(err, "理由不是 UTF-8 文字：请在 UTF-8 终端或网页里填写");
}

/* A note on an order or an alert: too long, it is told to be shortened. */
static void test_check_note(void **state)
{
    (void)state;
    char err[256] = "", note[TEXT_NOTE_CHARS * 3 + 4] = "";
    for (int i = 0; i < TEXT_NOTE_CHARS; i++)
        strcat(note, "国");
    assert_int_equal(text_check_note(note, "退回原因", err, sizeof err), 0);
    strcat(note, "国");
    assert_int_equal(text_check_note(note, "退回原因", err, sizeof err), -1);
    assert_string_equal(err, "退回原因有 501 个字，最多 500 个：请删减到 500 个字以内");
    assert_int_equal(text_check_note("\xd5\xc5\xc8\xfd", "退回原因", err, sizeof err), -1);
    assert_string_equal(err, "退回原因不是 UTF-8 文字：请在 UTF-8 终端或网页里填写");
}

/* The system's errors a person meets most (a full disk, a failing one, no
 * permission, a quota, too many files open, a path too long or looping, a
 * file too big) read in Chinese; any other keeps the system's own words. */
static void test_os_error(void **state)
{
    (void)state;
    assert_string_equal(text_os_error(ENOSPC), "磁盘已满");
    assert_non_null(strstr(text_os_error(EIO), "磁盘读写出错"));
    assert_non_null(strstr(text_os_error(EDQUOT), "磁盘配额"));
    assert_non_null(strstr(text_os_error(EMFILE), "打开的文件太多"));
    assert_non_null(strstr(text_os_error(EACCES), "没有权限"));
    assert_string_equal(text_os_error(ENOMEM), "内存不足");
    assert_string_equal(text_os_error(ENFILE), text_os_error(EMFILE));
    assert_non_null(strstr(text_os_error(EFBIG), "文件太大"));
    assert_string_equal(text_os_error(ENAMETOOLONG), "路径太长");
    assert_non_null(strstr(text_os_error(ELOOP), "符号链接"));
    assert_string_equal(text_os_error(EXDEV), strerror(EXDEV));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_text),
        cmocka_unit_test(test_check_note),
        cmocka_unit_test(test_invalid_text),
        cmocka_unit_test(test_char_count),
        cmocka_unit_test(test_normalize),
        cmocka_unit_test(test_normalize_too_small),
        cmocka_unit_test(test_normalize_not_nul_terminated_input),
        cmocka_unit_test(test_mask_phone),
        cmocka_unit_test(test_mask_name),
        cmocka_unit_test(test_defuse_formula),
        cmocka_unit_test(test_defuse_truncates),
        cmocka_unit_test(test_shorten),
        cmocka_unit_test(test_utf8_cut),
        cmocka_unit_test(test_utf8_repair),
        cmocka_unit_test(test_quote),
        cmocka_unit_test(test_file_name),
        cmocka_unit_test(test_ticket),
        cmocka_unit_test(test_url_encode),
        cmocka_unit_test(test_html_escape),
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_os_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
