/* test_queue.c — the Redis Stream work queue against a real Redis
 * (JIESU_TEST_REDIS): batches in order, acknowledgement and deletion, entries
 * of a dead consumer claimed by another, malformed and deleted entries, and
 * errors reported with the stream's name. Every test uses a stream of its own
 * (named with the process id) and deletes it afterwards.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_servers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "queue.h"
#include "rconn.h"

typedef struct {
    redisContext *rc;
    char          stream[96];
    queue        *q;            /* consumer "c1" of group "g" */
} fixture;

static int test_counter;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->rc = test_redis();
    snprintf(f->stream, sizeof f->stream, "test:queue:%ld:%ld:%d", (long)getpid(), (long)time(NULL), ++test_counter);
    f->q = queue_new(f->rc, f->stream, "g", "c1");
    assert_non_null(f->q);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    redisReply *r = redisCommand(f->rc, "DEL %s", f->stream);
    if (r)
        freeReplyObject(r);
    queue_destroy(&f->q);
    assert_null(f->q);
    redisFree(f->rc);
    free(f);
    return 0;
}

static long long redis_int(fixture *f, const char *cmd, const char *arg)
{
    redisReply *r = redisCommand(f->rc, "%s %s", cmd, arg);
    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_INTEGER);
    long long n = r->integer;
    freeReplyObject(r);
    return n;
}

/* XADDs one entry with one field, bypassing queue_add (for malformed entries). */
static void raw_add(fixture *f, const char *field, const char *value)
{
    redisReply *r = redisCommand(f->rc, "XADD %s * %s %s", f->stream, field, value);
    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_STRING);
    freeReplyObject(r);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void test_ensure_group_twice(void **state)
{
    fixture *f = *state;
    assert_int_equal(queue_ensure_group(f->q), 0);
    assert_int_equal(queue_ensure_group(f->q), 0);          /* BUSYGROUP is fine */
    assert_string_equal(queue_errstr(f->q), "");
    assert_int_equal(redis_int(f, "EXISTS", f->stream), 1); /* MKSTREAM */
    assert_int_equal(queue_pending(f->q), 0);
}

static void test_thousand_ids_in_batches(void **state)
{
    fixture *f = *state;
    assert_int_equal(queue_ensure_group(f->q), 0);
    int64_t ids[1000];
    for (int i = 0; i < 1000; i++)
        ids[i] = 100000 + i;
    assert_int_equal(queue_add(f->q, ids, 1000), 0);
    assert_int_equal(redis_int(f, "XLEN", f->stream), 1000);

    static queue_item items[1000];
    size_t n, total = 0;
    int batches = 0;
    while (total < 1000) {
        size_t want = 1000 - total < 128 ? 1000 - total : 128;
        assert_int_equal(queue_read(f->q, items + total, want, 100, &n), 0);
        assert_true(n > 0 && n <= want);
        for (size_t i = total; i < total + n; i++) {
            assert_int_equal(items[i].id, ids[i]);              /* in the order added */
            assert_non_null(strchr(items[i].entry_id, '-'));
        }
        total += n;
        batches++;
        assert_int_equal(queue_pending(f->q), (long)total);     /* read, not yet acked */
    }
    assert_int_equal(batches, 8);                               /* 7 × 128 + 104 */
    /* nothing new is left: a short block returns empty-handed */
    queue_item more[4];
    assert_int_equal(queue_read(f->q, more, 4, 50, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(queue_ack(f->q, items, 1000), 0);          /* one pipeline for all */
    assert_int_equal(queue_pending(f->q), 0);
    assert_int_equal(redis_int(f, "XLEN", f->stream), 0);
}

static void test_ack_empties_pending_and_stream(void **state)
{
    fixture *f = *state;
    assert_int_equal(queue_ensure_group(f->q), 0);
    int64_t ids[1000];
    for (int i = 0; i < 1000; i++)
        ids[i] = i + 1;
    assert_int_equal(queue_add(f->q, ids, 1000), 0);
    queue_item items[250];
    size_t n, total = 0;
    while (total < 1000) {
        assert_int_equal(queue_read(f->q, items, 250, 100, &n), 0);
        assert_int_equal(n, 250);
        assert_int_equal(queue_pending(f->q), 250);
        assert_int_equal(queue_ack(f->q, items, n), 0);
        assert_int_equal(queue_pending(f->q), 0);
        total += n;
    }
    assert_int_equal(redis_int(f, "XLEN", f->stream), 0);  /* acked entries are deleted too */
    assert_int_equal(queue_ack(f->q, items, 0), 0);
}

static void test_dead_consumer_entries_are_claimed(void **state)
{
    fixture *f = *state;
    assert_int_equal(queue_ensure_group(f->q), 0);
    queue *other = queue_new(f->rc, f->stream, "g", "c2");
    assert_non_null(other);
    int64_t ids[10] = {11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
    assert_int_equal(queue_add(f->q, ids, 10), 0);
    queue_item items[16];
    size_t n;
    assert_int_equal(queue_read(f->q, items, 16, 100, &n), 0);    /* c1 reads and then "dies" */
    assert_int_equal(n, 10);

    /* c2 finds nothing new, and nothing idle long enough yet */
    assert_int_equal(queue_read(other, items, 16, 0, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(queue_claim_stale(other, 5000, items, 16, &n), 0);
    assert_int_equal(n, 0);

    sleep_ms(80);
    assert_int_equal(queue_claim_stale(other, 50, items, 4, &n), 0);  /* at most max at a time */
    assert_int_equal(n, 4);
    size_t got = n;
    assert_int_equal(queue_ack(other, items, n), 0);
    while (got < 10) {
        assert_int_equal(queue_claim_stale(other, 50, items, 16, &n), 0);
        assert_true(n > 0);
        for (size_t i = 0; i < n; i++)
            assert_int_equal(items[i].id, ids[got + i]);
        got += n;
        assert_int_equal(queue_ack(other, items, n), 0);
    }
    assert_int_equal(got, 10);
    assert_int_equal(queue_pending(f->q), 0);
    assert_int_equal(queue_claim_stale(other, 0, items, 16, &n), 0);
    assert_int_equal(n, 0);
    queue_destroy(&other);
}

static void test_malformed_entries_are_skipped_and_acked(void **state)
{
    fixture *f = *state;
    assert_int_equal(queue_ensure_group(f->q), 0);
    raw_add(f, "id", "abc");
    raw_add(f, "id", "12x");
    raw_add(f, "id", "-5");
    raw_add(f, "other", "5");
    int64_t good = 7;
    assert_int_equal(queue_add(f->q, &good, 1), 0);
    raw_add(f, "id", "");
    queue_item items[16];
    size_t n;
    assert_int_equal(queue_read(f->q, items, 16, 100, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(items[0].id, 7);
    assert_int_equal(queue_pending(f->q), 1);               /* the malformed ones are gone */
    assert_int_equal(redis_int(f, "XLEN", f->stream), 1);
    assert_int_equal(queue_ack(f->q, items, 1), 0);
    assert_int_equal(queue_pending(f->q), 0);
}

static void test_claim_skips_deleted_entries(void **state)
{
    fixture *f = *state;
    assert_int_equal(queue_ensure_group(f->q), 0);
    queue *other = queue_new(f->rc, f->stream, "g", "c2");
    int64_t ids[3] = {31, 32, 33};
    assert_int_equal(queue_add(f->q, ids, 3), 0);
    queue_item items[4];
    size_t n;
    assert_int_equal(queue_read(f->q, items, 4, 100, &n), 0);
    assert_int_equal(n, 3);
    redisReply *r = redisCommand(f->rc, "XDEL %s %s", f->stream, items[1].entry_id);
    assert_non_null(r);
    freeReplyObject(r);
    sleep_ms(60);
    assert_int_equal(queue_claim_stale(other, 50, items, 4, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(items[0].id, 31);
    assert_int_equal(items[1].id, 33);
    assert_int_equal(queue_ack(other, items, n), 0);
    assert_int_equal(queue_pending(f->q), 0);
    queue_destroy(&other);
}

static void test_entries_added_before_the_group(void **state)
{
    fixture *f = *state;
    int64_t ids[2] = {41, 42};
    assert_int_equal(queue_add(f->q, ids, 2), 0);           /* the producer starts first */
    assert_int_equal(queue_ensure_group(f->q), 0);
    queue_item items[4];
    size_t n;
    assert_int_equal(queue_read(f->q, items, 4, 0, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(queue_ack(f->q, items, n), 0);
}

static void test_non_blocking_and_zero_max(void **state)
{
    fixture *f = *state;
    assert_int_equal(queue_ensure_group(f->q), 0);
    queue_item items[4];
    size_t n = 99;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    assert_int_equal(queue_read(f->q, items, 4, 0, &n), 0); /* 0: do not block (not "forever") */
    clock_gettime(CLOCK_MONOTONIC, &b);
    assert_int_equal(n, 0);
    assert_true(b.tv_sec - a.tv_sec < 2);
    int64_t id = 5;
    assert_int_equal(queue_add(f->q, &id, 1), 0);
    assert_int_equal(queue_read(f->q, items, 0, 0, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(queue_pending(f->q), 0);               /* max 0 took nothing */
    assert_int_equal(queue_claim_stale(f->q, 0, items, 0, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(queue_add(f->q, NULL, 0), 0);
}

static void test_errors_name_the_stream(void **state)
{
    fixture *f = *state;
    queue_item items[4];
    size_t n;
    /* no group yet */
    assert_int_equal(queue_read(f->q, items, 4, 0, &n), -1);
    assert_non_null(strstr(queue_errstr(f->q), "XREADGROUP on "));
    assert_non_null(strstr(queue_errstr(f->q), f->stream));
    assert_non_null(strstr(queue_errstr(f->q), "NOGROUP"));
    assert_int_equal(queue_pending(f->q), -1);
    assert_int_equal(queue_claim_stale(f->q, 0, items, 4, &n), -1);

    /* the key holds something else */
    redisReply *r = redisCommand(f->rc, "SET %s not-a-stream", f->stream);
    freeReplyObject(r);
    int64_t ids[3] = {1, 2, 3};
    assert_int_equal(queue_add(f->q, ids, 3), -1);
    assert_non_null(strstr(queue_errstr(f->q), "WRONGTYPE"));
    assert_int_equal(queue_ensure_group(f->q), -1);
    /* the connection is still in step: every pipelined reply was read */
    assert_int_equal(rconn_ping(f->rc), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ensure_group_twice, setup, teardown),
        cmocka_unit_test_setup_teardown(test_thousand_ids_in_batches, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ack_empties_pending_and_stream, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dead_consumer_entries_are_claimed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed_entries_are_skipped_and_acked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_claim_skips_deleted_entries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_entries_added_before_the_group, setup, teardown),
        cmocka_unit_test_setup_teardown(test_non_blocking_and_zero_max, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors_name_the_stream, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
