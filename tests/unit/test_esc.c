/* test_esc.c — deadline timers firing against a real Redis and PostgreSQL:
 * a due deadline raises one alert, a future one waits (also when its timer
 * says otherwise), an order that moved on raises nothing, a timer fired twice
 * raises one alert, and a Redis wipe is repaired by the reconciler.
 *
 * Needs JIESU_TEST_PG (a migrated database) and JIESU_TEST_REDIS. Each run
 * has its own ticket numbers and timers key. The tests put their own timers
 * in the zset and fire only those; the reconcile test adds every pending
 * deadline of the database, so it checks the zset and fires nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <zmq.h>

#include "bus.h"
#include "esc_timers.h"
#include "fixture_laoshan.h"
#include "timers.h"

typedef struct {
    esc_ctx ctx;
    void   *zctx;
    bus_sub *sub;
    char    tag[64];
    char    key[96];
    int     orders;
} fixture;

static int setup(void **state)
{
    char err[256];
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->ctx.pg = fixture_pg();
    f->ctx.redis = fixture_redis();
    fixture_seed_laoshan(f->ctx.pg);
    fixture_tag(f->tag, sizeof f->tag, "ES");
    snprintf(f->key, sizeof f->key, "test:timers:%s", f->tag);
    f->ctx.key = f->key;
    f->ctx.utc_offset_min = 480;
    f->zctx = zmq_ctx_new();
    f->ctx.pub = bus_pub_new(f->zctx, "inproc://alerts", "escalation", err, sizeof err);
    f->sub = bus_sub_new(f->zctx, "inproc://alerts", "alert.raised", err, sizeof err);
    if (!f->ctx.pub || !f->sub)
        fail_msg("bus: %s", err);
    usleep(100 * 1000);             /* let the subscription reach the publisher */
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    redisReply *r = redisCommand(f->ctx.redis, "DEL %s", f->key);
    freeReplyObject(r);
    bus_sub_destroy(&f->sub);
    bus_pub_destroy(&f->ctx.pub);
    zmq_ctx_term(f->zctx);
    redisFree(f->ctx.redis);
    PQfinish(f->ctx.pg);
    free(f);
    return 0;
}

/* An order of this run owned by 中韩街道, in `status`, with one deadline of
 * `kind` due `due_s` seconds from now (negative: past). Returns the deadline id. */
static long long order(fixture *f, const char *status, const char *kind, int due_s)
{
    long long cid = fixture_num(f->ctx.pg, "INSERT INTO complaints (ticket_no, called_at, address, content, status)"
                                           " VALUES ('%s-%d', now(), '张村社区', '垃圾', '%s') RETURNING id",
                                f->tag, ++f->orders, status);
    fixture_exec(f->ctx.pg, "INSERT INTO assignments (complaint_id, unit_id, role, street_code, rule, reasons, score)"
                            " SELECT %lld, id, 'owner', code, 'community', 'test', 1 FROM units WHERE code = '370212001'",
                 cid);
    return fixture_num(f->ctx.pg, "INSERT INTO deadlines (complaint_id, kind, due_at)"
                                  " VALUES (%lld, '%s', now() + make_interval(secs => %d)) RETURNING id",
                       cid, kind, due_s);
}

static int64_t due_ms(fixture *f, long long deadline)
{
    return fixture_num(f->ctx.pg, "SELECT ceil(extract(epoch FROM due_at) * 1000)::bigint FROM deadlines"
                                  " WHERE id = %lld", deadline);
}

static void add_timer(fixture *f, long long deadline, int64_t score)
{
    char member[32], *m = member;
    snprintf(member, sizeof member, "%lld", deadline);
    assert_int_equal(timers_add(f->ctx.redis, f->key, &m, &score, 1), 0);
}

/* The timer's score, or -1 when it is not in the zset. */
static int64_t timer_score(fixture *f, long long deadline)
{
    redisReply *r = redisCommand(f->ctx.redis, "ZSCORE %s %lld", f->key, deadline);
    assert_non_null(r);
    int64_t score = r->type == REDIS_REPLY_STRING ? strtoll(r->str, NULL, 10) : -1;
    freeReplyObject(r);
    return score;
}

static long long alerts_of(fixture *f, long long deadline)
{
    return fixture_num(f->ctx.pg, "SELECT count(*) FROM alerts a JOIN deadlines d ON d.complaint_id = a.complaint_id"
                                  " WHERE d.id = %lld", deadline);
}

static int fired(fixture *f, long long deadline)
{
    return (int)fixture_num(f->ctx.pg, "SELECT count(*) FROM deadlines WHERE id = %lld AND fired_at IS NOT NULL",
                            deadline);
}

static void fire(fixture *f, esc_fire_stats *st)
{
    assert_int_equal(esc_fire_due(&f->ctx, bus_now_ms(), 100, st), 0);
}

static void test_due_deadline_fires_once(void **state)
{
    fixture *f = *state;
    esc_fire_stats st;
    long long d = order(f, "dispatched", "accept", -2);
    add_timer(f, d, due_ms(f, d));
    fire(f, &st);
    assert_int_equal(st.claimed, 1);
    assert_int_equal(st.alerts, 1);
    assert_true(fired(f, d));
    assert_int_equal(timer_score(f, d), -1);
    assert_int_equal(fixture_num(f->ctx.pg,
                                 "SELECT count(*) FROM alerts a JOIN units u ON u.id = a.unit_id"
                                 " WHERE a.deadline_id = %lld AND a.rung = 'accept_overdue' AND a.cycle = 1"
                                 " AND a.target = 'campaign' AND u.code = '370212001'"
                                 " AND a.reason LIKE 'accept overdue since %% UTC+08:00: 中韩街道 has not accepted order %s-%%'",
                                 d, f->tag), 1);
    assert_int_equal(fixture_num(f->ctx.pg,
                                 "SELECT count(*) FROM complaint_events e JOIN deadlines d ON d.complaint_id = e.complaint_id"
                                 " WHERE d.id = %lld AND e.actor = 'escalation' AND e.event = 'alert'"
                                 " AND e.detail->>'rung' = 'accept_overdue'", d), 1);
    /* published after the commit */
    Jiesu__Envelope *env = NULL;
    int gap = 0;
    assert_int_equal(bus_sub_recv(f->sub, 2000, &env, &gap), 1);
    Jiesu__Alert *a = BUS_UNPACK(alert, env);
    assert_non_null(a);
    assert_true(a->id > 0);
    assert_string_equal(a->rung, "accept_overdue");
    assert_string_equal(a->unit_code, "370212001");
    assert_string_equal(a->target, "campaign");
    jiesu__alert__free_unpacked(a, NULL);
    jiesu__envelope__free_unpacked(env, NULL);
    /* nothing left to fire */
    fire(f, &st);
    assert_int_equal(st.claimed, 0);
    assert_int_equal(alerts_of(f, d), 1);
}

static void test_future_deadline_waits(void **state)
{
    fixture *f = *state;
    esc_fire_stats st;
    long long d = order(f, "dispatched", "accept", 3600);
    int64_t due = due_ms(f, d);
    add_timer(f, d, due);
    fire(f, &st);
    assert_int_equal(st.claimed, 0);
    assert_int_equal(timer_score(f, d), due);
    /* a timer that claims to be due while the database says not yet: put back, never early */
    add_timer(f, d, bus_now_ms() - 1000);
    fire(f, &st);
    assert_int_equal(st.claimed, 1);
    assert_int_equal(st.early, 1);
    assert_int_equal(st.alerts, 0);
    assert_false(fired(f, d));
    assert_int_equal(timer_score(f, d), due);
    assert_int_equal(alerts_of(f, d), 0);
}

static void test_order_that_moved_on_raises_nothing(void **state)
{
    fixture *f = *state;
    esc_fire_stats st;
    long long resolved = order(f, "resolved", "resolve", -5);
    long long accepted = order(f, "accepted", "accept", -5);
    add_timer(f, resolved, due_ms(f, resolved));
    add_timer(f, accepted, due_ms(f, accepted));
    fire(f, &st);
    assert_int_equal(st.claimed, 2);
    assert_int_equal(st.quiet, 2);
    assert_int_equal(st.alerts, 0);
    assert_true(fired(f, resolved));
    assert_true(fired(f, accepted));
    assert_int_equal(alerts_of(f, resolved), 0);
    assert_int_equal(alerts_of(f, accepted), 0);
    /* an accepted order is still open for its resolve deadline */
    long long late = order(f, "accepted", "resolve", -1);
    add_timer(f, late, due_ms(f, late));
    fire(f, &st);
    assert_int_equal(st.alerts, 1);
    assert_int_equal(fixture_num(f->ctx.pg, "SELECT count(*) FROM alerts WHERE deadline_id = %lld"
                                            " AND rung = 'resolve_overdue'", late), 1);
}

static void test_fired_twice_raises_one_alert(void **state)
{
    fixture *f = *state;
    esc_fire_stats st;
    long long d = order(f, "dispatched", "accept", -1);
    add_timer(f, d, due_ms(f, d));
    fire(f, &st);
    assert_int_equal(st.alerts, 1);
    /* re-added (a reconciler raced the firing, or Redis returned an old member) */
    add_timer(f, d, due_ms(f, d));
    fire(f, &st);
    assert_int_equal(st.claimed, 1);
    assert_int_equal(st.stale, 1);
    assert_int_equal(st.alerts, 0);
    /* even with fired_at cleared by hand, the alert's unique key holds */
    fixture_exec(f->ctx.pg, "UPDATE deadlines SET fired_at = NULL WHERE id = %lld", d);
    add_timer(f, d, due_ms(f, d));
    fire(f, &st);
    assert_int_equal(st.alerts, 0);
    assert_int_equal(st.quiet, 1);
    assert_int_equal(alerts_of(f, d), 1);
    assert_true(fired(f, d));
    /* a member that is not a deadline id is dropped */
    char junk[] = "not-a-number", *m = junk;
    int64_t now = bus_now_ms();
    assert_int_equal(timers_add(f->ctx.redis, f->key, &m, &now, 1), 0);
    fire(f, &st);
    assert_int_equal(st.stale, 1);
    redisReply *r = redisCommand(f->ctx.redis, "ZSCORE %s %s", f->key, junk);
    assert_int_equal(r->type, REDIS_REPLY_NIL);
    freeReplyObject(r);
}

static void test_redis_wipe_then_reconcile(void **state)
{
    fixture *f = *state;
    esc_fire_stats st;
    long long overdue = order(f, "dispatched", "accept", -30);
    long long later = order(f, "dispatched", "resolve", 7200);
    long long done = order(f, "dispatched", "accept", -60);
    add_timer(f, done, due_ms(f, done));
    fire(f, &st);
    assert_true(fired(f, done));
    /* the zset is lost (a claim by a process that died before its commit looks the same) */
    redisReply *r = redisCommand(f->ctx.redis, "DEL %s", f->key);
    freeReplyObject(r);
    assert_true(esc_reconcile(&f->ctx, 2) >= 2);          /* pages of 2 */
    assert_int_equal(timer_score(f, overdue), due_ms(f, overdue));
    assert_int_equal(timer_score(f, later), due_ms(f, later));
    assert_int_equal(timer_score(f, done), -1);
    assert_false(fired(f, overdue));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_due_deadline_fires_once),
        cmocka_unit_test(test_future_deadline_waits),
        cmocka_unit_test(test_order_that_moved_on_raises_nothing),
        cmocka_unit_test(test_fired_twice_raises_one_alert),
        cmocka_unit_test(test_redis_wipe_then_reconcile),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
