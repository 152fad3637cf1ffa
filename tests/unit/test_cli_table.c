/* test_cli_table.c — display widths of UTF-8 text and tables aligned by
 * them, and the tables a service sends printed the same way. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cli_table.h"

static void test_width(void **state)
{
    (void)state;
    assert_int_equal(cli_table_width(""), 0);
    assert_int_equal(cli_table_width("abc"), 3);
    assert_int_equal(cli_table_width("沙子口街道"), 10);
    assert_int_equal(cli_table_width("中a"), 3);
    assert_int_equal(cli_table_width("ＡＢ"), 4);            /* full-width forms */
    assert_int_equal(cli_table_width("，。、"), 6);          /* CJK punctuation */
    assert_int_equal(cli_table_width("e\xCC\x81"), 1);       /* e + combining acute */
    assert_int_equal(cli_table_width("a\xE2\x80\x8B" "b"), 2); /* zero-width space */
    assert_int_equal(cli_table_width("\xF0\x9F\x98\x80"), 2); /* emoji */
    assert_int_equal(cli_table_width("\xF0\xA0\x80\x80"), 2); /* CJK extension B */
    assert_int_equal(cli_table_width("한국"), 4);
    assert_int_equal(cli_table_width("\xFF" "a"), 2);        /* an invalid byte counts 1 */
    assert_int_equal(cli_table_width("\xE4\xB8"), 2);        /* truncated sequence: its bytes */
    assert_int_equal(cli_table_width("a\tb"), 2);            /* control characters take none */
}

static char *render(void (*fn)(FILE *, void *), void *arg)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    fn(f, arg);
    assert_int_equal(fclose(f), 0);
    return buf;
}

static void pad_right(FILE *f, void *arg)
{
    cli_table_pad(f, arg, 6, 1);
    fputc('|', f);
    cli_table_pad(f, arg, 6, 0);
    fputc('|', f);
    cli_table_pad(f, arg, 1, 0);        /* wider than asked: printed whole */
}

static void test_pad(void **state)
{
    (void)state;
    char *out = render(pad_right, "中韩");
    assert_string_equal(out, "  中韩|中韩  |中韩");
    free(out);
}

static void print_table(FILE *f, void *arg)
{
    cli_table_print(arg, f);
}

static void test_table(void **state)
{
    (void)state;
    static const char *const rows[][3] = {
        {"street", "total", "note"},
        {"沙子口街道", "12", "x"},
        {"中韩街道", "3", NULL},
        {"Jinjialing", "1234", "ＡＢ"},
    };
    static const char *const total[] = {"total", "1249", "end"};
    cli_table *t = cli_table_new(3, "lrl");
    assert_non_null(t);
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(cli_table_add(t, rows[i]), 0);
    assert_int_equal(cli_table_add_rule(t), 0);
    assert_int_equal(cli_table_add(t, total), 0);
    char *out = render(print_table, t);
    assert_string_equal(out,
                        "street      total  note\n"
                        "沙子口街道     12  x\n"
                        "中韩街道        3\n"
                        "Jinjialing   1234  ＡＢ\n"
                        "----------  -----  ----\n"
                        "total        1249  end\n");
    free(out);
    cli_table_destroy(&t);
    assert_null(t);
    assert_null(cli_table_new(3, "lr"));    /* one alignment letter per column */
}

/* A service's table: rows of cells as the wire carries them. */
static int reply_print(Jiesu__Table *t, int titled, char **out)
{
    size_t len = 0;
    FILE *f = open_memstream(out, &len);
    assert_non_null(f);
    int rc = cli_table_print_reply(t, titled, f);
    assert_int_equal(fclose(f), 0);
    return rc;
}

static void test_reply(void **state)
{
    (void)state;
    char *columns[] = {"街道", "件数"}, *row1[] = {"沙子口街道", "12"}, *row2[] = {"中韩街道", "3"}, *bad[] = {"x"};
    Jiesu__Row r1 = JIESU__ROW__INIT, r2 = JIESU__ROW__INIT, r3 = JIESU__ROW__INIT;
    r1.cells = row1, r1.n_cells = 2, r2.cells = row2, r2.n_cells = 2, r3.cells = bad, r3.n_cells = 1;
    Jiesu__Row *rows[] = {&r1, &r2, &r3};
    Jiesu__Table t = JIESU__TABLE__INIT;
    t.title = "各街道", t.align = "lr", t.columns = columns, t.n_columns = 2, t.rows = rows, t.n_rows = 2;
    char *out = NULL;
    assert_int_equal(reply_print(&t, 1, &out), 0);
    assert_string_equal(out, "\n各街道：\n街道        件数\n沙子口街道    12\n中韩街道       3\n");
    free(out);
    t.fields = 1, t.n_rows = 1;             /* one record: "column  value" lines */
    assert_int_equal(reply_print(&t, 0, &out), 0);
    assert_string_equal(out, "街道  沙子口街道\n件数  12\n");
    free(out);
    row1[1] = "";                           /* an empty cell reads "—", as on the order's page */
    assert_int_equal(reply_print(&t, 0, &out), 0);
    assert_string_equal(out, "街道  沙子口街道\n件数  —\n");
    free(out);
    t.fields = 0;
    assert_int_equal(reply_print(&t, 0, &out), 0);
    assert_string_equal(out, "街道        件数\n沙子口街道     —\n");
    free(out);
    row1[1] = "12";
    t.n_rows = 0;
    assert_int_equal(reply_print(&t, 0, &out), 0);
    assert_string_equal(out, "  （无）\n");
    free(out);
    t.n_rows = 3;                           /* a row of the wrong width */
    assert_int_equal(reply_print(&t, 0, &out), -1);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_width),
        cmocka_unit_test(test_pad),
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_reply),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
