/* test_intake_tickets.c — which rows of an import batch are new: tickets
 * already stored, repeats within the batch (first wins) and of a row an
 * earlier batch of the same import stored, each naming the row it repeats;
 * reuse across batches, the probe's array literal, and a batch large enough
 * to grow the hash set. */
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
        assert_int_equal(intake_tickets_add(t, tickets[i], i + 2, i + 10), 0);     /* row 2 on line 10 … */
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
    assert_int_equal(intake_tickets_mark(t, stored, NULL, 2), 3);
    const int want[] = {1, 0, 0, 1, 0, 1};
    const uint64_t repeats[] = {0, 0, 2, 0, 0, 0};        /* "T2" is another import's: not a repeat */
    for (size_t i = 0; i < 6; i++) {
        const char *ticket;
        uint64_t row, line;
        assert_int_equal(intake_tickets_is_new(t, i), want[i]);
        assert_int_equal(intake_tickets_repeats(t, i, &ticket, &row, &line), repeats[i]);
        assert_string_equal(ticket, rows[i]);
        assert_int_equal(row, i + 2);
        assert_int_equal(line, i + 10);
    }
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
    assert_int_equal(intake_tickets_mark(t, NULL, NULL, 0), 2);
    intake_tickets_reset(t);
    const char *second[] = {"B", "C"};
    add_all(t, second, 2);
    const char *stored[] = {"A", "B"};
    const uint64_t from_row[] = {2, 3};                    /* this import stored them from rows 2 and 3 */
    const char *ticket;
    uint64_t row, line;
    assert_int_equal(intake_tickets_mark(t, stored, from_row, 2), 1);
    assert_int_equal(intake_tickets_is_new(t, 0), 0);
    assert_int_equal(intake_tickets_repeats(t, 0, &ticket, &row, &line), 3);
    assert_int_equal(intake_tickets_is_new(t, 1), 1);
    assert_int_equal(intake_tickets_repeats(t, 1, &ticket, &row, &line), 0);
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
        assert_int_equal(intake_tickets_add(t, names[i], (uint64_t)i + 2, (uint64_t)i + 2), 0);
        if (i % 100 == 0)
            stored[n_stored++] = names[i];
        expect += i % 10 != 9 && i % 100 != 0;
    }
    assert_int_equal(intake_tickets_mark(t, stored, NULL, n_stored), expect);
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
