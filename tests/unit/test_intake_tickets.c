/* test_intake_tickets.c — which rows of an import batch are new: tickets
 * already stored, repeats within the batch (first wins) and of a row an
 * earlier batch of the same import stored, each naming the row it repeats;
 * a ticket another import stored at another call time, which clashes (a
 * local time and one with an offset alike) unless an earlier row is that
 * complaint again; reuse across batches, the
 * probe's array literal, and a batch large enough to grow the hash set. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>

#include "intake_tickets.h"

#define NOON 1590840000LL       /* 2020-05-30 12:00:00 UTC */
#define SHANGHAI (8 * 3600)

/* 2020-05-30 20:00:00 local (noon UTC in Shanghai), min minutes later. */
static const intake_time *evening(int min)
{
    static intake_time t;
    t = (intake_time){.y = 2020, .mo = 5, .d = 30, .h = 20, .mi = min};
    return &t;
}

/* Another import's ticket, stored called at noon UTC plus min minutes. */
static intake_stored other(const char *ticket, int min)
{
    return (intake_stored){.ticket = ticket, .import_id = 7, .called = NOON + min * 60, .offset = SHANGHAI};
}

static void add_all(intake_tickets *t, const char *const *tickets, size_t n)
{
    for (size_t i = 0; i < n; i++)     /* row 2 on line 10 …, called 20:00 */
        assert_int_equal(intake_tickets_add(t, tickets[i], i + 2, i + 10, evening(0)), 0);
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
    const intake_stored stored[] = {other("T2", 0), other("T9", 5)};
    assert_int_equal(intake_tickets_mark(t, stored, 2), 3);
    const int want[] = {1, 0, 0, 1, 0, 1};
    const uint64_t repeats[] = {0, 0, 2, 0, 0, 0};        /* "T2" is another import's: not a repeat */
    for (size_t i = 0; i < 6; i++) {
        const char *ticket;
        const intake_time *called;
        uint64_t row, line;
        assert_null(intake_tickets_clash(t, i, &called));   /* "T2" was called at the rows' time */
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
    assert_int_equal(intake_tickets_mark(t, NULL, 0), 2);
    intake_tickets_reset(t);
    const char *second[] = {"B", "C"};
    add_all(t, second, 2);
    intake_stored stored[] = {other("A", 1), other("B", 1)};   /* this import stored them from rows 2 and 3 */
    stored[0].from_row = 2;
    stored[1].from_row = 3;
    const char *ticket;
    const intake_time *called;
    uint64_t row, line;
    assert_int_equal(intake_tickets_mark(t, stored, 2), 1);
    assert_null(intake_tickets_clash(t, 0, &called));      /* a repeat of the file's own, whatever its time */
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
    static intake_stored stored[N / 100];
    intake_tickets *t = intake_tickets_new();
    size_t n_stored = 0;
    long expect = 0;
    for (int i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "%d", i % 10 == 9 ? i - 1 : i);
        assert_int_equal(intake_tickets_add(t, names[i], (uint64_t)i + 2, (uint64_t)i + 2, evening(0)), 0);
        if (i % 100 == 0)
            stored[n_stored++] = other(names[i], 0);
        expect += i % 10 != 9 && i % 100 != 0;
    }
    assert_int_equal(intake_tickets_mark(t, stored, n_stored), expect);
    assert_int_equal(intake_tickets_is_new(t, 8), 1);
    assert_int_equal(intake_tickets_is_new(t, 9), 0);
    assert_int_equal(intake_tickets_is_new(t, 100), 0);
    intake_tickets_destroy(&t);
}

/* Another import's ticket stored called at another time than the row's is
 * another complaint: not new, no repeat, a clash naming it and the row's
 * time; at the same instant, written with an offset, it is the same one. */
static void test_clash(void **state)
{
    (void)state;
    intake_tickets *t = intake_tickets_new();
    intake_time zoned = {.y = 2020, .mo = 5, .d = 30, .h = 12, .has_offset = 1, .offset_min = 0};
    const intake_time *called;
    assert_int_equal(intake_tickets_add(t, "A", 2, 2, evening(0)), 0);
    assert_int_equal(intake_tickets_add(t, "B", 3, 3, evening(30)), 0);
    assert_int_equal(intake_tickets_add(t, "C", 4, 4, &zoned), 0);
    assert_int_equal(intake_tickets_add(t, "B", 5, 5, evening(0)), 0);
    const intake_stored stored[] = {other("A", 0), other("B", 0), other("C", 0)};
    assert_int_equal(intake_tickets_mark(t, stored, 3), 0);
    assert_null(intake_tickets_clash(t, 0, &called));       /* 20:00 local is noon UTC */
    const intake_stored *clash = intake_tickets_clash(t, 1, &called);
    assert_non_null(clash);
    assert_string_equal(clash->ticket, "B");
    assert_int_equal(called->mi, 30);
    assert_null(intake_tickets_clash(t, 2, &called));       /* 12:00+00:00 is noon UTC */
    assert_null(intake_tickets_clash(t, 3, &called));       /* B again, at the stored time */
    const char *ticket;
    uint64_t row, line;
    assert_int_equal(intake_tickets_repeats(t, 1, &ticket, &row, &line), 0);
    assert_null(intake_tickets_clash(t, 4, &called));
    /* The file imported again: A at its time, then A at another, which
     * repeats it (as the first import said), not a clash. */
    intake_tickets_reset(t);
    assert_int_equal(intake_tickets_add(t, "A", 2, 2, evening(0)), 0);
    assert_int_equal(intake_tickets_add(t, "A", 3, 3, evening(45)), 0);
    assert_int_equal(intake_tickets_mark(t, stored, 3), 0);
    assert_null(intake_tickets_clash(t, 1, &called));
    assert_int_equal(intake_tickets_repeats(t, 1, &ticket, &row, &line), 2);
    assert_int_equal(intake_tickets_repeats(t, 0, &ticket, &row, &line), 0);
    intake_tickets_destroy(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stored_and_repeated),
        cmocka_unit_test(test_reset_for_the_next_batch),
        cmocka_unit_test(test_large_batch),
        cmocka_unit_test(test_clash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
