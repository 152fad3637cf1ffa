/* test_log.c — log line format (UTC timestamp with milliseconds, level,
 * service[pid]), level filtering and level names. stderr is pointed at a
 * temporary file for each test and read back (test_capture.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "test_capture.h"

static int setup(void **state)
{
    capture *c = calloc(1, sizeof *c);
    assert_non_null(c);
    c->saved_stderr = -1;
    *state = c;
    return 0;
}

static int teardown(void **state)
{
    capture *c = *state;
    free(capture_stop(c));
    free(c);
    log_init("jiesu", LOG_LVL_INFO);
    return 0;
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void test_line_format(void **state)
{
    capture *c = *state;
    log_init("intake", LOG_LVL_DEBUG);
    capture_start(c);
    time_t before = time(NULL);
    log_info("imported file=%s rows=%d", "a.csv", 300);
    char *out = capture_stop(c);

    char pattern[256];
    snprintf(pattern, sizeof pattern,
             "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z INFO  intake\\[%ld\\] "
             "imported file=a\\.csv rows=300\n$",
             (long)getpid());
    regex_t re;
    assert_int_equal(regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB), 0);
    int match = regexec(&re, out, 0, NULL, 0);
    regfree(&re);
    if (match != 0)
        fail_msg("line does not match: %s", out);

    /* The timestamp is UTC and now. */
    struct tm tm = {0};
    assert_non_null(strptime(out, "%Y-%m-%dT%H:%M:%S", &tm));
    time_t logged = timegm(&tm);
    assert_true(logged >= before && logged <= time(NULL));
    free(out);
}

static void test_levels_are_filtered(void **state)
{
    capture *c = *state;
    log_init("escalation", LOG_LVL_WARN);
    capture_start(c);
    log_debug("debug hidden");
    log_info("info hidden");
    log_warn("warn shown");
    log_error("error shown %d", 7);
    char *out = capture_stop(c);
    assert_int_equal(count_lines(out), 2);
    assert_null(strstr(out, "hidden"));
    assert_non_null(strstr(out, " WARN  escalation["));
    assert_non_null(strstr(out, "] warn shown\n"));
    assert_non_null(strstr(out, " ERROR escalation["));
    assert_non_null(strstr(out, "] error shown 7\n"));
    free(out);

    log_init("escalation", LOG_LVL_DEBUG);
    capture_start(c);
    log_debug("now visible");
    out = capture_stop(c);
    assert_non_null(strstr(out, " DEBUG escalation["));
    assert_non_null(strstr(out, "] now visible\n"));
    free(out);
}

static void test_long_message_is_one_line(void **state)
{
    capture *c = *state;
    log_init("reporting", LOG_LVL_INFO);
    capture_start(c);
    char big[10000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    log_info("%s", big);
    log_info("after");
    char *out = capture_stop(c);
    assert_int_equal(count_lines(out), 2);              /* cut, but still ends with its newline */
    assert_non_null(strstr(out, "] after\n"));
    free(out);
}

static void test_chinese_text_and_errno_kept(void **state)
{
    capture *c = *state;
    log_init("assignment", LOG_LVL_INFO);
    capture_start(c);
    errno = ENOENT;
    log_warn("派单失败 街道=%s", "金家岭街道");
    int after = errno;
    char *out = capture_stop(c);
    assert_int_equal(after, ENOENT);
    assert_non_null(strstr(out, "] 派单失败 街道=金家岭街道\n"));
    free(out);
}

static void test_service_name_is_copied(void **state)
{
    capture *c = *state;
    char name[16] = "intake";
    log_init(name, LOG_LVL_INFO);
    strcpy(name, "changed");
    capture_start(c);
    log_info("x");
    char *out = capture_stop(c);
    assert_non_null(strstr(out, " intake["));
    free(out);
}

static void test_level_parse(void **state)
{
    (void)state;
    assert_int_equal(log_level_parse("debug"), LOG_LVL_DEBUG);
    assert_int_equal(log_level_parse("INFO"), LOG_LVL_INFO);
    assert_int_equal(log_level_parse("Warn"), LOG_LVL_WARN);
    assert_int_equal(log_level_parse("error"), LOG_LVL_ERROR);
    assert_int_equal(log_level_parse("verbose"), LOG_LVL_INFO);
    assert_int_equal(log_level_parse(""), LOG_LVL_INFO);
    assert_int_equal(log_level_parse(NULL), LOG_LVL_INFO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_line_format, setup, teardown),
        cmocka_unit_test_setup_teardown(test_levels_are_filtered, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_message_is_one_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chinese_text_and_errno_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(test_service_name_is_copied, setup, teardown),
        cmocka_unit_test(test_level_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
