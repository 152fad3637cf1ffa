/* test_timers.c — due times in a Redis sorted set against a real Redis
 * (JIESU_TEST_REDIS): only due members are claimed, each exactly once even
 * with two connections claiming at the same time, members move when re-added,
 * large claims, and errors. Every test uses a key of its own.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rconn.h"
#include "timers.h"

#define NOW 1800000000000LL     /* a fixed "now" in Unix ms; the tests pass it explicitly */

typedef struct {
    const char   *addr;
    redisContext *rc;
    char          key[96];
} fixture;

static int test_counter;

static redisContext *connect_test(const char *addr)
{
    char err[256];
    redisContext *rc = rconn_open(addr, getenv("JIESU_TEST_REDIS_PASSWORD_FILE"), 5000, 2000, err, sizeof err);
    if (!rc)
        fail_msg("Redis at JIESU_TEST_REDIS: %s", err);
    return rc;
}

static int setup(void **state)
{
    const char *addr = getenv("JIESU_TEST_REDIS");
    if (!addr || !*addr)
        fail_msg("JIESU_TEST_REDIS is not set: point it at a Redis server (host:port; "
                 "scripts/stack.sh start prints it)");
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->addr = addr;
    f->rc = connect_test(addr);
    snprintf(f->key, sizeof f->key, "test:timers:%ld:%ld:%d", (long)getpid(), (long)time(NULL), ++test_counter);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    redisReply *r = redisCommand(f->rc, "DEL %s", f->key);
    if (r)
        freeReplyObject(r);
    redisFree(f->rc);
    free(f);
    return 0;
}

/* Adds members "prefix<i>" for i in [from, to) due at NOW + offset_ms + i. */
static void add_range(fixture *f, const char *prefix, int from, int to, int64_t offset_ms)
{
    size_t n = (size_t)(to - from);
    char **members = calloc(n, sizeof *members);
    int64_t *due = calloc(n, sizeof *due);
    assert_true(members && due);
    for (size_t i = 0; i < n; i++) {
        members[i] = malloc(32);
        assert_non_null(members[i]);
        snprintf(members[i], 32, "%s%d", prefix, from + (int)i);
        due[i] = NOW + offset_ms + from + (int64_t)i;
    }
    assert_int_equal(timers_add(f->rc, f->key, members, due, n), 0);
    timers_free(members, n);
    free(members);
    free(due);
}

static void test_only_due_members_are_claimed_once(void **state)
{
    fixture *f = *state;
    add_range(f, "late", 0, 5, -60000);         /* overdue */
    add_range(f, "soon", 0, 5, 60000);          /* a minute from now */
    assert_int_equal(timers_count(f->rc, f->key), 10);
    assert_int_equal(timers_next_due(f->rc, f->key), NOW - 60000);

    char *out[16];
    size_t n = 99;
    assert_int_equal(timers_claim_due(f->rc, f->key, NOW, 0, 16, out, &n), 0);
    assert_int_equal(n, 5);
    for (size_t i = 0; i < n; i++) {
        char want[32];
        snprintf(want, sizeof want, "late%zu", i);      /* earliest first */
        assert_string_equal(out[i], want);
    }
    timers_free(out, n);
    assert_null(out[0]);

    assert_int_equal(timers_claim_due(f->rc, f->key, NOW, 0, 16, out, &n), 0);
    assert_int_equal(n, 0);                             /* claimed once only */
    assert_int_equal(timers_count(f->rc, f->key), 5);
    assert_int_equal(timers_next_due(f->rc, f->key), NOW + 60000);

    /* due exactly at now counts as due */
    assert_int_equal(timers_claim_due(f->rc, f->key, NOW + 60000, 0, 16, out, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(out[0], "soon0");
    timers_free(out, n);
}

static void test_claim_respects_max(void **state)
{
    fixture *f = *state;
    add_range(f, "d", 0, 10, -1000);
    char *out[4];
    size_t n;
    assert_int_equal(timers_claim_due(f->rc, f->key, NOW, 0, 4, out, &n), 0);
    assert_int_equal(n, 4);
    assert_string_equal(out[0], "d0");
    assert_string_equal(out[3], "d3");
    timers_free(out, n);
    assert_int_equal(timers_count(f->rc, f->key), 6);
    assert_int_equal(timers_claim_due(f->rc, f->key, NOW, 0, 0, out, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(timers_count(f->rc, f->key), 6);
}

/* Claims with (newest, max) and expects exactly the members want[0..nwant), in order. */
static void expect_claim(fixture *f, size_t newest, size_t max, const char *const *want, size_t nwant)
{
    char *out[16];
    size_t n;
    assert_true(max <= 16);
    assert_int_equal(timers_claim_due(f->rc, f->key, NOW, newest, max, out, &n), 0);
    assert_int_equal(n, nwant);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(out[i], want[i]);
    timers_free(out, n);
}

/* A backlog of long-overdue members does not hold up those falling due now:
 * up to `newest` of a claim are the most recently due, the rest the oldest. */
static void test_newest_members_are_not_held_up(void **state)
{
    fixture *f = *state;
    add_range(f, "old", 0, 6, -600000);         /* ten minutes overdue */
    add_range(f, "new", 0, 3, -200);            /* fell due 200 ms ago */
    add_range(f, "later", 0, 2, 5000);          /* not due */
    expect_claim(f, 2, 4, (const char *const[]){"new2", "new1", "old0", "old1"}, 4);
    /* fewer due than asked for: each once */
    expect_claim(f, 4, 8, (const char *const[]){"new0", "old5", "old4", "old3", "old2"}, 5);
    assert_int_equal(timers_count(f->rc, f->key), 2);
}

static void test_count_due_between(void **state)
{
    fixture *f = *state;
    add_range(f, "old", 0, 4, -600000);
    add_range(f, "new", 0, 3, -200);            /* due NOW - 200, - 199, - 198 */
    add_range(f, "later", 0, 2, 5000);
    assert_int_equal(timers_count_due(f->rc, f->key, NOW - 1000, NOW), 3);
    assert_int_equal(timers_count_due(f->rc, f->key, NOW - 198, NOW), 0);       /* after, not at */
    assert_int_equal(timers_count_due(f->rc, f->key, NOW - 201, NOW - 198), 3); /* at or before now */
    assert_int_equal(timers_count_due(f->rc, f->key, 0, NOW + 5000), 8);
}

static void test_add_moves_an_existing_member(void **state)
{
    fixture *f = *state;
    char *member[] = {"42"};
    int64_t later = NOW + 3600000, earlier = NOW - 1;
    assert_int_equal(timers_add(f->rc, f->key, member, &later, 1), 0);
    char *out[4];
    size_t n;
    assert_int_equal(timers_claim_due(f->rc, f->key, NOW, 0, 4, out, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(timers_add(f->rc, f->key, member, &earlier, 1), 0);   /* moved, not duplicated */
    assert_int_equal(timers_count(f->rc, f->key), 1);
    assert_int_equal(timers_next_due(f->rc, f->key), earlier);
    assert_int_equal(timers_claim_due(f->rc, f->key, NOW, 0, 4, out, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(out[0], "42");
    timers_free(out, n);
    assert_int_equal(timers_add(f->rc, f->key, member, &later, 0), 0);      /* nothing to add */
}

static void test_empty_set(void **state)
{
    fixture *f = *state;
    char *out[2];
    size_t n = 7;
    assert_int_equal(timers_count(f->rc, f->key), 0);
    assert_int_equal(timers_next_due(f->rc, f->key), -1);
    assert_int_equal(timers_claim_due(f->rc, f->key, NOW, 0, 2, out, &n), 0);
    assert_int_equal(n, 0);
}

static void test_large_claim(void **state)
{
    fixture *f = *state;
    add_range(f, "big", 0, 12000, -100000);      /* more than one ZREM slice in the script */
    char **out = calloc(15000, sizeof *out);
    assert_non_null(out);
    size_t n;
    assert_int_equal(timers_claim_due(f->rc, f->key, NOW, 0, 15000, out, &n), 0);
    assert_int_equal(n, 12000);
    assert_string_equal(out[11999], "big11999");
    timers_free(out, n);
    free(out);
    assert_int_equal(timers_count(f->rc, f->key), 0);
}

/* ---- two claimers at once ---- */

#define RACE_MEMBERS 3000

typedef struct {
    const char *addr, *key;
    int         rounds_ok;
    size_t      claimed;
    char      **got;        /* RACE_MEMBERS slots */
} claimer;

static void *claim_until_empty(void *arg)
{
    claimer *c = arg;
    char err[256];
    redisContext *rc = rconn_open(c->addr, getenv("JIESU_TEST_REDIS_PASSWORD_FILE"), 5000, 2000, err, sizeof err);
    if (!rc)
        return NULL;
    c->rounds_ok = 1;
    for (;;) {
        char *out[7];
        size_t n;
        if (timers_claim_due(rc, c->key, NOW, 0, 7, out, &n) != 0) {
            c->rounds_ok = 0;
            break;
        }
        if (n == 0)
            break;
        for (size_t i = 0; i < n; i++) {
            if (c->claimed < RACE_MEMBERS)
                c->got[c->claimed++] = out[i];      /* ownership moves to got */
            else
                free(out[i]);                       /* more than exist: a duplicate; counted below */
        }
    }
    redisFree(rc);
    return NULL;
}

static void test_two_claimers_never_share_a_member(void **state)
{
    fixture *f = *state;
    add_range(f, "race", 0, RACE_MEMBERS, -5000);
    claimer c[2];
    pthread_t th[2];
    for (int i = 0; i < 2; i++) {
        c[i] = (claimer){.addr = f->addr, .key = f->key, .got = calloc(RACE_MEMBERS, sizeof(char *))};
        assert_non_null(c[i].got);
        assert_int_equal(pthread_create(&th[i], NULL, claim_until_empty, &c[i]), 0);
    }
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);

    unsigned char *seen = calloc(RACE_MEMBERS, 1);
    assert_non_null(seen);
    for (int i = 0; i < 2; i++) {
        assert_true(c[i].rounds_ok);
        for (size_t k = 0; k < c[i].claimed; k++) {
            int idx = atoi(c[i].got[k] + strlen("race"));
            assert_true(idx >= 0 && idx < RACE_MEMBERS);
            assert_int_equal(seen[idx], 0);         /* nobody claimed it before */
            seen[idx] = 1;
        }
    }
    assert_int_equal(c[0].claimed + c[1].claimed, RACE_MEMBERS);
    for (int i = 0; i < 2; i++) {
        timers_free(c[i].got, c[i].claimed);
        free(c[i].got);
    }
    free(seen);
    assert_int_equal(timers_count(f->rc, f->key), 0);
}

static void test_alternating_claimers(void **state)
{
    fixture *f = *state;
    add_range(f, "alt", 0, 100, -5000);
    redisContext *other = connect_test(f->addr);
    redisContext *who[2] = {f->rc, other};
    int seen[100] = {0};
    size_t total = 0, n;
    for (int turn = 0;; turn++) {
        char *out[3];
        assert_int_equal(timers_claim_due(who[turn % 2], f->key, NOW, 0, 3, out, &n), 0);
        if (n == 0)
            break;
        for (size_t i = 0; i < n; i++)
            seen[atoi(out[i] + 3)]++;
        total += n;
        timers_free(out, n);
    }
    assert_int_equal(total, 100);
    for (int i = 0; i < 100; i++)
        assert_int_equal(seen[i], 1);
    redisFree(other);
}

static void test_errors(void **state)
{
    fixture *f = *state;
    redisReply *r = redisCommand(f->rc, "SET %s not-a-zset", f->key);
    freeReplyObject(r);
    char *members[] = {"1", "2"};
    int64_t due[] = {NOW, NOW};
    char *out[2];
    size_t n = 5;
    assert_int_equal(timers_add(f->rc, f->key, members, due, 2), -1);
    assert_int_equal(timers_claim_due(f->rc, f->key, NOW, 0, 2, out, &n), -1);
    assert_int_equal(n, 0);
    assert_int_equal(timers_count(f->rc, f->key), -1);
    assert_int_equal(timers_next_due(f->rc, f->key), -1);
    assert_int_equal(rconn_ping(f->rc), 0);         /* replies all read: still in step */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_only_due_members_are_claimed_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_claim_respects_max, setup, teardown),
        cmocka_unit_test_setup_teardown(test_newest_members_are_not_held_up, setup, teardown),
        cmocka_unit_test_setup_teardown(test_count_due_between, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_moves_an_existing_member, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_set, setup, teardown),
        cmocka_unit_test_setup_teardown(test_large_claim, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_claimers_never_share_a_member, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alternating_claimers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
