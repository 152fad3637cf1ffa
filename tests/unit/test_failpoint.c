/* test_failpoint.c — a failpoint kills the process with SIGKILL at its Nth
 * hit and only then; other names and an unset variable do nothing. Each case
 * runs in a child process. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "failpoint.h"

/* Runs `hits` hits of "p" (with one hit of "p_other" between) in a child
 * whose $JIESU_FAILPOINT is spec (NULL: unset); returns its wait status. */
static int run_child(const char *spec, int hits)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (spec)
            setenv("JIESU_FAILPOINT", spec, 1);
        else
            unsetenv("JIESU_FAILPOINT");
        for (int i = 0; i < hits; i++) {
            failpoint("p");
            failpoint("p_other");
        }
        _exit(0);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return status;
}

static void assert_killed(int status)
{
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGKILL);
}

static void assert_survived(int status)
{
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_kills_at_nth_hit(void **state)
{
    (void)state;
    assert_survived(run_child("p:3", 2));
    assert_killed(run_child("p:3", 3));
}

static void test_other_names_and_unset_do_nothing(void **state)
{
    (void)state;
    assert_survived(run_child(NULL, 5));
    assert_survived(run_child("q:1", 5));
    assert_survived(run_child("p_other:9", 5));
    assert_killed(run_child("p_other:2", 5));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kills_at_nth_hit),
        cmocka_unit_test(test_other_names_and_unset_do_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
