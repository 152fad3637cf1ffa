/* test_cli_args.c — a command's arguments checked one at a time: what it
 * takes passes unsaid, and each thing it does not take is refused in one
 * line naming what was given and what the command takes. Around each call
 * stderr goes to a temporary file, read back once it is restored. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "cli_args.h"

static char said_buf[1024];
static int  saved = -1;
static FILE *tmp;

/* stderr into the temporary file, from now until said(). */
static void begin(void)
{
    fflush(stderr);
    if (!tmp)
        tmp = tmpfile();
    assert_non_null(tmp);
    assert_int_equal(ftruncate(fileno(tmp), 0), 0);
    assert_int_equal(lseek(fileno(tmp), 0, SEEK_SET), 0);     /* shared with the duplicate below */
    saved = dup(STDERR_FILENO);
    assert_true(saved >= 0 && dup2(fileno(tmp), STDERR_FILENO) >= 0);
}

/* stderr restored; what was written to it since begin(). */
static const char *said(void)
{
    fflush(stderr);
    ssize_t n = pread(fileno(tmp), said_buf, sizeof said_buf - 1, 0);
    assert_true(dup2(saved, STDERR_FILENO) >= 0);
    close(saved);
    said_buf[n > 0 ? n : 0] = '\0';
    return said_buf;
}

/* call returns rc and says text (nothing: ""). */
#define SAYS(rc, call, text)                                                                                    \
    do {                                                                                                        \
        begin();                                                                                                \
        long got_ = (long)(call);                                                                               \
        assert_string_equal(said(), text);                                                                      \
        assert_int_equal(got_, rc);                                                                             \
    } while (0)

static void test_option(void **state)
{
    (void)state;
    SAYS(1, cli_args_option("alerts", "--all --rung --limit", "--rung", ""), "");
    SAYS(0, cli_args_option("alerts", "--all --rung --limit", "--run", ""),
         "jiesu: alerts 没有 --run 选项；它的选项：--all --rung --limit\n");
    SAYS(0, cli_args_option("show", "", "--json", ""), "jiesu: show 不带选项（给了 --json）\n");
    SAYS(0, cli_args_option("user enable", "", "extra", "（一次只处理一个用户名或地址）"),
         "jiesu: user enable：多余的参数“extra”（一次只处理一个用户名或地址）\n");
    /* a word is no option, even one listed */
    SAYS(0, cli_args_option("user token", "--rate", "rate", ""), "jiesu: user token：多余的参数“rate”\n");
}

static void test_value(void **state)
{
    (void)state;
    char *argv[] = {"report", "--from", "2026-10-01", "--from", "2026-11-01", "--to"};
    const char *from = NULL, *to = NULL, *empty = "";
    int i = 1;
    SAYS(0, cli_args_value("report", 6, argv, &i, &from), "");
    assert_int_equal(i, 2);
    assert_string_equal(from, "2026-10-01");
    i = 3;
    SAYS(-1, cli_args_value("report", 6, argv, &i, &from),
         "jiesu: report：--from 写了两次（“2026-10-01”和“2026-11-01”）；只能写一个\n");
    i = 5;
    SAYS(-1, cli_args_value("report", 6, argv, &i, &to), "jiesu: report：--to 后面要写它的值\n");
    i = 1;      /* a request's field not set yet holds "": no value given before */
    SAYS(0, cli_args_value("report", 6, argv, &i, &empty), "");
    assert_string_equal(empty, "2026-10-01");
}

static void test_number(void **state)
{
    (void)state;
    SAYS(50, cli_args_number("manual", "--limit", "50", 1, 10000, "（条数）"), "");
    SAYS(-1, cli_args_number("manual", "--limit", "5x", 1, 10000, "（条数）"),
         "jiesu: manual：--limit 要写 1 到 10000 的整数（条数），不是“5x”\n");
    SAYS(0, cli_args_number("status", "--wait", "0", 0, 86400, "（秒数）"), "");
}

static void test_words(void **state)
{
    (void)state;
    char *one[] = {"show", "RC-1"}, *two[] = {"show", "RC-1", "RC-2"}, *opt[] = {"units", "-x"}, *dash[] = {"units", "-"};
    SAYS(0, cli_args_words("show", 2, one, 1, 1, "工单号"), "");
    SAYS(-1, cli_args_words("show", 1, one, 1, 1, "工单号"), "jiesu: show：要写工单号\n");
    SAYS(-1, cli_args_words("show", 3, two, 1, 1, "工单号"), "jiesu: show：多余的参数“RC-2”\n");
    SAYS(-1, cli_args_words("units", 2, opt, 0, 1, ""), "jiesu: units 不带选项（给了 -x）\n");
    SAYS(0, cli_args_words("units", 2, dash, 0, 1, ""), "");     /* "-" alone is a word */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_option),
        cmocka_unit_test(test_value),
        cmocka_unit_test(test_number),
        cmocka_unit_test(test_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
