/* test_cli_password.c — a password typed at a terminal is not echoed, the
 * terminal echoes again after, and one piped in is read as a line. The
 * terminal is a pseudo-terminal: the test types on its master side while
 * cli_password_read reads the other, and reads back what the terminal
 * showed. */
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "cli_password.h"

typedef struct {
    FILE *in;
    char  buf[64];
    int   rc;
} reader;

static void *read_it(void *arg)
{
    reader *r = arg;
    r->rc = cli_password_read(r->in, "", r->buf, sizeof r->buf);
    return NULL;
}

/* Waits, up to 5 s, until the terminal's echo is off, i.e. the reader is
 * ready for the line. 1 when it is. */
static int echo_turned_off(int master)
{
    struct termios t;
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    do {
        if (tcgetattr(master, &t) == 0 && !(t.c_lflag & ECHO))
            return 1;
        sched_yield();
        clock_gettime(CLOCK_MONOTONIC, &now);
    } while (now.tv_sec - start.tv_sec < 5);
    return 0;
}

static void test_terminal_does_not_echo(void **state)
{
    (void)state;
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    assert_true(master >= 0);
    assert_int_equal(grantpt(master), 0);
    assert_int_equal(unlockpt(master), 0);
    int slave = open(ptsname(master), O_RDWR | O_NOCTTY);
    assert_true(slave >= 0);
    reader r = {.in = fdopen(slave, "r")};
    assert_non_null(r.in);
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, read_it, &r), 0);
    assert_true(echo_turned_off(master));
    assert_int_equal(write(master, "s3cret-pass\n", 12), 12);
    pthread_join(th, NULL);
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.buf, "s3cret-pass");
    char shown[128] = "";
    fcntl(master, F_SETFL, O_NONBLOCK);
    ssize_t n = read(master, shown, sizeof shown - 1);
    shown[n > 0 ? n : 0] = '\0';
    assert_null(strstr(shown, "s3cret"));       /* only the line's end was shown */
    struct termios t;
    assert_int_equal(tcgetattr(master, &t), 0);
    assert_true(t.c_lflag & ECHO);              /* echo is on again */
    fclose(r.in);
    close(master);
}

static void test_piped(void **state)
{
    (void)state;
    char buf[64];
    FILE *in = fmemopen("piped-pass\r\nrest\n", 17, "r");
    assert_non_null(in);
    assert_int_equal(cli_password_read(in, "", buf, sizeof buf), 0);
    assert_string_equal(buf, "piped-pass");
    fclose(in);
    in = fmemopen("", 1, "r");
    fgetc(in);
    assert_int_equal(cli_password_read(in, "", buf, sizeof buf), -1);
    fclose(in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_terminal_does_not_echo),
        cmocka_unit_test(test_piped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
