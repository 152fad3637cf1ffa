/* test_intake_tickets.c — which rows of an import batch are new: tickets
 * already stored, repeats within the batch (first wins), reuse across
 * batches, the probe's array literal, and a batch large enough to grow the
 * hash set. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>

#include "intake_tickets.h"

static void add_all(intake_tickets *t, const char *const *tickets, size_t n)
{
    for (size_t i = 0; i < n; i++)
        assert_int_equal(intake_tickets_add(t, tickets[i]), 0);
    assert_int_equal(intake_tickets_count(t), n);
}

static void test_stored_and_repeated(void **state)
{
    (void)state;
    intake_tickets *t = intake_tickets_new();
    assert_non_null(t);
    const char *rows[] = {"T1", "T2", "T1", "T3", "T2", "T\"4"};
    add_all(t, rows, 6);
    assert_string_equal(intake_tickets_literal(t), "{\"T1\",\"T2\",\"T1\",\"T3\",\"T2\",\"T\\\"4\"}");
    const char *stored[] = {"T2", "T9"};
    assert_int_equal(intake_tickets_mark(t, stored, 2), 3);
    const int want[] = {1, 0, 0, 1, 0, 1};
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(intake_tickets_is_new(t, i), want[i]);
    assert_int_equal(intake_tickets_is_new(t, 6), 0);
    intake_tickets_destroy(&t);
    assert_null(t);
}

static void test_reset_for_the_next_batch(void **state)
{
    (void)state;
    intake_tickets *t = intake_tickets_new();
    const char *first[] = {"A", "B"};
    add_all(t, first, 2);
    assert_int_equal(intake_tickets_mark(t, NULL, 0), 2);
    intake_tickets_reset(t);
    const char *second[] = {"B", "C"};
    add_all(t, second, 2);
    const char *stored[] = {"A", "B"};
    assert_int_equal(intake_tickets_mark(t, stored, 2), 1);
    assert_int_equal(intake_tickets_is_new(t, 0), 0);
    assert_int_equal(intake_tickets_is_new(t, 1), 1);
    assert_string_equal(intake_tickets_literal(t), "{\"B\",\"C\"}");
    intake_tickets_destroy(&t);
}

/* 50,000 rows, every tenth a repeat of the row before, every hundredth stored. */
static void test_large_batch(void **state)
{
    (void)state;
    enum { N = 50000 };
    static char names[N][16];
    static const char *stored[N / 100];
    intake_tickets *t = intake_tickets_new();
    size_t n_stored = 0;
    long expect = 0;
    for (int i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "%d", i % 10 == 9 ? i - 1 : i);
        assert_int_equal(intake_tickets_add(t, names[i]), 0);
        if (i % 100 == 0)
            stored[n_stored++] = names[i];
        expect += i % 10 != 9 && i % 100 != 0;
    }
    assert_int_equal(intake_tickets_mark(t, stored, n_stored), expect);
    assert_int_equal(intake_tickets_is_new(t, 8), 1);
    assert_int_equal(intake_tickets_is_new(t, 9), 0);
    assert_int_equal(intake_tickets_is_new(t, 100), 0);
    intake_tickets_destroy(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stored_and_repeated),
        cmocka_unit_test(test_reset_for_the_next_batch),
        cmocka_unit_test(test_large_batch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
