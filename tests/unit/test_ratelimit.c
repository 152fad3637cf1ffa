/* test_ratelimit.c — the per-key token bucket: a burst up to the limit goes,
 * the next waits with the right Retry-After, the bucket refills at the rate,
 * keys count apart, and a lowered limit applies at once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "ratelimit.h"

static void test_burst_then_wait(void **state)
{
    (void)state;
    ratelimit *rl = ratelimit_new();
    int retry = 0, went = 0;
    for (int i = 0; i < 1000; i++)
        went += ratelimit_take(rl, 7, 60, 1000, &retry) == 1;
    assert_int_equal(went, 60);
    assert_int_equal(retry, 1);         /* one a second at 60 a minute */
    assert_int_equal(ratelimit_take(rl, 7, 60, 1500, &retry), 0);
    assert_int_equal(ratelimit_take(rl, 7, 60, 2000, &retry), 1);     /* refilled one after 1 s */
    assert_int_equal(ratelimit_take(rl, 7, 60, 2000, &retry), 0);
    assert_int_equal(ratelimit_take(rl, 8, 60, 2000, &retry), 1);     /* another key has its own */
    ratelimit_destroy(&rl);
    assert_null(rl);
}

static void test_slow_rate_retry_after(void **state)
{
    (void)state;
    ratelimit *rl = ratelimit_new();
    int retry = 0;
    assert_int_equal(ratelimit_take(rl, 1, 2, 0, &retry), 1);
    assert_int_equal(ratelimit_take(rl, 1, 2, 0, &retry), 1);
    assert_int_equal(ratelimit_take(rl, 1, 2, 0, &retry), 0);
    assert_int_equal(retry, 30);        /* 2 a minute: the next in 30 s */
    assert_int_equal(ratelimit_take(rl, 1, 2, 29000, &retry), 0);
    assert_int_equal(retry, 1);
    assert_int_equal(ratelimit_take(rl, 1, 2, 30000, &retry), 1);
    /* a full bucket of 100 meets a limit lowered to 1: one goes, then none */
    for (int i = 0; i < 3; i++)
        ratelimit_take(rl, 2, 100, 0, &retry);
    assert_int_equal(ratelimit_take(rl, 2, 1, 0, &retry), 1);
    assert_int_equal(ratelimit_take(rl, 2, 1, 0, &retry), 0);
    assert_int_equal(retry, 60);
    ratelimit_destroy(&rl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_burst_then_wait),
        cmocka_unit_test(test_slow_rate_retry_after),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
