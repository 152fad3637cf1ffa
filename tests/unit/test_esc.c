/* test_esc.c — the escalation ladder against a real Redis and PostgreSQL:
 * rungs fire in order (remind the unit, supervise to the campaign office,
 * accountability to discipline inspection) each at its time by the
 * escalation clock and never before, a stopped clock (waiting) fires nothing
 * and moves the deadline on resume, an order that moved on raises nothing, a
 * timer fired twice raises one alert, a Redis wipe is repaired by the
 * reconciler, the ladder row of the order's category and urgency applies, and campaign and
 * discipline alerts go to the offices of the order's district. A deadline
 * met already never pauses or moves; a remind that would have fallen inside
 * a pause falls due when the unit has used its share of its own time; days
 * stored into the official calendar re-time the deadlines they change, and
 * admin_events records who stored which and the year a store made whole (a
 * store changing no day and making no year whole: no row).
 *
 * Needs JIESU_TEST_PG (a migrated database) and JIESU_TEST_REDIS. Each run
 * has its own ticket numbers and timers key; the clock offset is reset after
 * each test. Tests fire only the timers they armed in their own key.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <zmq.h>

#include "bus.h"
#include "db.h"
#include "esc_alert.h"
#include "esc_calendar.h"
#include "esc_ladder.h"
#include "esc_timers.h"
#include "fixture_laoshan.h"
#include "timers.h"
#include "test_keys.h"

typedef struct {
    esc_ctx  ctx;
    void    *zctx;
    bus_sub *sub;
    char     tag[64];
    char     key[96];
    int      orders;
    esc_fire_stats planned;     /* what the last plan_only() did */
} fixture;

static int setup(void **state)
{
    char err[256];
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->ctx.pg = fixture_pg();
    f->ctx.redis = fixture_redis();
    fixture_seed_laoshan(f->ctx.pg);
    fixture_exec(f->ctx.pg, "INSERT INTO units (code, name, kind) VALUES ('discipline', '崂山区纪委监委', 'discipline')"
                            " ON CONFLICT (code) DO NOTHING");
    fixture_tag(f->tag, sizeof f->tag, "ES");
    snprintf(f->key, sizeof f->key, "test:timers:%s", f->tag);
    f->ctx.key = f->key;
    f->ctx.utc_offset_min = 480;
    f->zctx = zmq_ctx_new();
    keys_pair kp = test_keys();
    f->ctx.pub = bus_pub_new(f->zctx, "inproc://alerts", "escalation", &kp, err, sizeof err);
    f->sub = bus_sub_new(f->zctx, "inproc://alerts", "alert.raised", &kp, kp.public_key, err, sizeof err);
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

static int reset_clock(void **state)
{
    fixture *f = *state;
    fixture_exec(f->ctx.pg, "UPDATE esc_clock SET offset_seconds = 0");
    return 0;
}

static void set_clock(fixture *f, double offset_s)
{
    fixture_exec(f->ctx.pg, "UPDATE esc_clock SET offset_seconds = %f", offset_s);
}

/* Plans deadline d as of the epoch: its first rung stored and armed (or its
 * ladder ended, the order having moved on), none raised yet however overdue
 * (planning with the clock now fires what is due: test_planning_fires_what_is_due). */
static void plan_only(fixture *f, long long d)
{
    char ids[40];
    snprintf(ids, sizeof ids, "{%lld}", d);
    assert_int_equal(esc_timers_plan(&f->ctx, ids, 10, 0, &f->planned), 1);
    assert_int_equal(f->planned.alerts, 0);
}

/* An order of this run owned by 中韩街道, in `status`, with one deadline of
 * `kind` started now and due `due_s` seconds from now (negative: past).
 * Returns the deadline id, planned and armed (plan_only). */
static long long order(fixture *f, const char *status, const char *kind, int due_s)
{
    long long cid = fixture_num(f->ctx.pg, "INSERT INTO complaints (ticket_no, called_at, address, content, status)"
                                           " VALUES ('%s-%d', now(), '张村社区', '垃圾', '%s') RETURNING id",
                                f->tag, ++f->orders, status);
    fixture_exec(f->ctx.pg, "INSERT INTO assignments (complaint_id, unit_id, role, street_code, rule, reasons, score)"
                            " SELECT %lld, id, 'owner', code, 'community', 'test', 1 FROM units WHERE code = '370212001'",
                 cid);
    long long d = fixture_num(f->ctx.pg, "INSERT INTO deadlines (complaint_id, kind, started_at, due_at)"
                                         " VALUES (%lld, '%s', now() - make_interval(secs => %d),"
                                         " now() + make_interval(secs => %d)) RETURNING id",
                              cid, kind, (due_s < 0 ? -due_s : 0) + 100, due_s);
    plan_only(f, d);
    return d;
}

/* The timer's score, or -1 when it is not in the zset. */
static int64_t timer_score(fixture *f, long long deadline)
{
    redisReply *r = redisCommand(f->ctx.redis, "ZSCORE %s r%lld", f->key, deadline);
    assert_non_null(r);
    int64_t score = r->type == REDIS_REPLY_STRING ? strtoll(r->str, NULL, 10) : -1;
    freeReplyObject(r);
    return score;
}

static long long alerts_of(fixture *f, long long deadline, const char *rung)
{
    return fixture_num(f->ctx.pg, "SELECT count(*) FROM alerts WHERE deadline_id = %lld AND rung LIKE '%s'",
                       deadline, rung);
}

static void fire(fixture *f, esc_fire_stats *st)
{
    int64_t now = esc_now_ms(&f->ctx);
    assert_true(now > 0);
    assert_int_equal(esc_timers_fire_due(&f->ctx, now, now, 100, st), 0);
}

static void expect_published(fixture *f, const char *rung, const char *target)
{
    Jiesu__Envelope *env = NULL;
    int gap = 0;
    assert_int_equal(bus_sub_recv(f->sub, 2000, &env, &gap), 1);
    Jiesu__Alert *a = BUS_UNPACK(alert, env);
    assert_non_null(a);
    assert_true(a->id > 0);
    assert_string_equal(a->rung, rung);
    assert_string_equal(a->target, target);
    assert_string_equal(a->unit_code, "370212001");
    jiesu__alert__free_unpacked(a, NULL);
    jiesu__envelope__free_unpacked(env, NULL);
}

static void test_ladder_fires_each_rung_on_time(void **state)
{
    fixture *f = *state;
    esc_fire_stats st;
    long long d = order(f, "dispatched", "resolve", 100);   /* started 100 s ago: remind at +50 s */
    assert_string_equal(fixture_num(f->ctx.pg, "SELECT count(*) FROM deadlines WHERE id = %lld"
                                               " AND rung_next = 'remind'", d) ? "remind" : "-", "remind");
    fire(f, &st);
    assert_int_equal(st.claimed, 0);
    /* just before the remind share: a timer claimed early is put back, nothing raised */
    set_clock(f, 40);
    char member[32], *m = member;
    int64_t now = esc_now_ms(&f->ctx);
    snprintf(member, sizeof member, "r%lld", d);
    assert_int_equal(timers_add(f->ctx.redis, f->key, &m, &now, 1), 0);
    fire(f, &st);
    assert_int_equal(st.early, 1);
    assert_int_equal(alerts_of(f, d, "%"), 0);
    /* 75 % of the time: remind the unit */
    set_clock(f, 55);
    fire(f, &st);
    assert_int_equal(st.alerts, 1);
    assert_int_equal(fixture_num(f->ctx.pg, "SELECT count(*) FROM alerts a JOIN units u ON u.id = a.target_unit_id"
                                            " WHERE a.deadline_id = %lld AND a.rung = 'remind' AND a.target = 'unit'"
                                            " AND u.code = '370212001' AND a.subject = 'resolve'"
                                            " AND a.clock_at >= a.due_at AND a.reason LIKE '催办：办结时限已用 75%%'",
                                 d), 1);
    expect_published(f, "remind", "unit");
    /* the deadline: supervise, to the campaign office */
    set_clock(f, 101);
    fire(f, &st);
    assert_int_equal(st.alerts, 1);
    assert_int_equal(fixture_num(f->ctx.pg, "SELECT count(*) FROM alerts a JOIN units u ON u.id = a.target_unit_id"
                                            " WHERE a.deadline_id = %lld AND a.rung = 'supervise' AND u.kind = 'campaign'"
                                            " AND a.reason LIKE '督办：办结时限 ' || (SELECT to_char(due_at AT TIME ZONE 'UTC'"
                                            "   + interval '8 hours', 'YYYY-MM-DD HH24:MI') FROM deadlines WHERE id = %lld)"
                                            "   || ' 已到期：中韩街道 尚未办结工单 %s-%%'",
                                 d, d, f->tag), 1);
    expect_published(f, "supervise", "campaign");
    /* 2 days later (no calendar here: days of 24 h): accountability, to discipline inspection */
    set_clock(f, 100 + 2 * 86400 - 30);
    fire(f, &st);
    assert_int_equal(st.claimed, 0);
    set_clock(f, 101 + 2 * 86400);
    fire(f, &st);
    assert_int_equal(st.alerts, 1);
    assert_int_equal(fixture_num(f->ctx.pg, "SELECT count(*) FROM alerts a JOIN units u ON u.id = a.target_unit_id"
                                            " WHERE a.deadline_id = %lld AND a.rung = 'accountability'"
                                            " AND u.kind = 'discipline'", d), 1);
    assert_int_equal(fixture_num(f->ctx.pg, "SELECT count(*) FROM deadlines WHERE id = %lld AND rung_next = 'done'"
                                            " AND fired_at IS NOT NULL", d), 1);
    assert_int_equal(fixture_num(f->ctx.pg, "SELECT count(*) FROM complaint_events e JOIN deadlines d"
                                            " ON d.complaint_id = e.complaint_id WHERE d.id = %lld"
                                            " AND e.event = 'alert'", d), 3);
    assert_int_equal(timer_score(f, d), -1);
    /* never early by the escalation clock */
    assert_int_equal(fixture_num(f->ctx.pg, "SELECT count(*) FROM alerts WHERE deadline_id = %lld"
                                            " AND clock_at < due_at", d), 0);
}

static void test_waiting_stops_the_clock(void **state)
{
    fixture *f = *state;
    esc_fire_stats st;
    long paused, resumed;
    long long d = order(f, "accepted", "resolve", 100);
    long long cid = fixture_num(f->ctx.pg, "SELECT complaint_id FROM deadlines WHERE id = %lld", d);
    int64_t due0 = fixture_num(f->ctx.pg, "SELECT " ESC_SQL_MS("due_at") " FROM deadlines WHERE id = %lld", d);
    fixture_exec(f->ctx.pg, "UPDATE complaints SET status = 'waiting' WHERE id = %lld", cid);
    assert_int_equal(esc_ladder_pause_sweep(&f->ctx, &paused, &resumed), 0);
    assert_true(paused >= 1);
    /* far past the deadline while waiting: nothing fires */
    set_clock(f, 300);
    fire(f, &st);
    assert_int_equal(st.alerts, 0);
    assert_int_equal(alerts_of(f, d, "%"), 0);
    /* back to work: the deadline moves by the 300 s the clock stood still */
    fixture_exec(f->ctx.pg, "UPDATE complaints SET status = 'accepted' WHERE id = %lld", cid);
    assert_int_equal(esc_ladder_pause_sweep(&f->ctx, &paused, &resumed), 0);
    assert_true(resumed >= 1);
    int64_t due1 = fixture_num(f->ctx.pg, "SELECT " ESC_SQL_MS("due_at") " FROM deadlines WHERE id = %lld"
                                          " AND paused_at IS NULL AND rung_next IS NULL", d);
    assert_true(due1 - due0 >= 299000 && due1 - due0 <= 302000);
    /* resumed deadlines go back to planning (trigger deadlines_replan) */
    plan_only(f, d);
    assert_true(timer_score(f, d) > 0);
    fire(f, &st);
    assert_int_equal(alerts_of(f, d, "supervise"), 0);
    set_clock(f, 402);
    fire(f, &st);                                   /* the remind, 75 % of the longer time */
    fire(f, &st);
    assert_int_equal(alerts_of(f, d, "supervise"), 1);
    /* routing re-dispatches the order (new start, fired_at cleared): planned afresh */
    fixture_exec(f->ctx.pg, "UPDATE deadlines SET started_at = now(), due_at = now() + interval '1 hour',"
                            " fired_at = NULL WHERE id = %lld", d);
    assert_int_equal(fixture_num(f->ctx.pg, "SELECT count(*) FROM deadlines WHERE id = %lld AND rung_next IS NULL", d), 1);
}

static void test_order_that_moved_on_raises_nothing(void **state)
{
    fixture *f = *state;
    esc_fire_stats st;
    /* its ladder ends as it is planned: nothing armed, nothing to fire */
    long long resolved = order(f, "resolved", "resolve", -5);
    assert_int_equal(f->planned.quiet, 1);
    long long accepted = order(f, "accepted", "accept", -5);
    assert_int_equal(f->planned.quiet, 1);
    long long handed = order(f, "handed_back", "resolve", -5);     /* back to the city hotline */
    assert_int_equal(f->planned.quiet, 1);
    assert_int_equal(timer_score(f, resolved) + timer_score(f, accepted) + timer_score(f, handed), -3);
    fire(f, &st);
    assert_int_equal(st.claimed, 0);
    assert_int_equal(alerts_of(f, resolved, "%") + alerts_of(f, accepted, "%") + alerts_of(f, handed, "%"), 0);
    assert_int_equal(fixture_num(f->ctx.pg, "SELECT count(*) FROM deadlines WHERE id IN (%lld, %lld, %lld)"
                                            " AND rung_next = 'done' AND fired_at IS NOT NULL", resolved, accepted,
                                 handed), 3);
    /* an accepted order is still open for its resolve deadline */
    long long late = order(f, "accepted", "resolve", -1);
    fire(f, &st);
    assert_int_equal(alerts_of(f, late, "remind"), 1);
    fire(f, &st);
    assert_int_equal(alerts_of(f, late, "supervise"), 1);
}

static void test_fired_twice_raises_one_alert(void **state)
{
    fixture *f = *state;
    esc_fire_stats st;
    long long d = order(f, "dispatched", "accept", -1);
    fire(f, &st);                                   /* remind */
    fire(f, &st);                                   /* supervise */
    fire(f, &st);                                   /* accountability not due: nothing */
    assert_int_equal(alerts_of(f, d, "%"), 2);
    /* re-armed (a reconciler raced the firing, or Redis returned an old member) */
    char member[32], *m = member;
    int64_t now = esc_now_ms(&f->ctx);
    snprintf(member, sizeof member, "r%lld", d);
    assert_int_equal(timers_add(f->ctx.redis, f->key, &m, &now, 1), 0);
    fire(f, &st);
    assert_int_equal(st.early, 1);
    /* even with the rung reset by hand, the alert's unique key holds */
    fixture_exec(f->ctx.pg, "UPDATE deadlines SET rung_next = 'supervise' WHERE id = %lld", d);
    assert_int_equal(timers_add(f->ctx.redis, f->key, &m, &now, 1), 0);
    fire(f, &st);
    assert_int_equal(st.alerts, 0);
    assert_int_equal(st.quiet, 1);
    assert_int_equal(alerts_of(f, d, "supervise"), 1);
    /* a member that is not a deadline is dropped; a bare id asks for planning */
    char junk[] = "not-a-number";
    m = junk;
    assert_int_equal(timers_add(f->ctx.redis, f->key, &m, &now, 1), 0);
    fire(f, &st);
    assert_int_equal(st.stale, 1);
    redisReply *r = redisCommand(f->ctx.redis, "ZSCORE %s %s", f->key, junk);
    assert_int_equal(r->type, REDIS_REPLY_NIL);
    freeReplyObject(r);
}

static void test_planning_request_and_redis_wipe(void **state)
{
    fixture *f = *state;
    esc_fire_stats st;
    long long cid = fixture_num(f->ctx.pg, "SELECT complaint_id FROM deadlines WHERE id = %lld",
                                order(f, "dispatched", "accept", 3600));
    long long d = fixture_num(f->ctx.pg, "INSERT INTO deadlines (complaint_id, kind, due_at)"
                                         " VALUES (%lld, 'resolve', now() + interval '1 hour') RETURNING id", cid);
    /* a bare deadline id, as assignment arms it: planned and armed as "r<id>" */
    char member[32], *m = member;
    int64_t now = esc_now_ms(&f->ctx);
    snprintf(member, sizeof member, "%lld", d);
    assert_int_equal(timers_add(f->ctx.redis, f->key, &m, &now, 1), 0);
    fire(f, &st);
    assert_int_equal(fixture_num(f->ctx.pg, "SELECT count(*) FROM deadlines WHERE id = %lld AND rung_next = 'remind'",
                                 d), 1);
    int64_t armed = timer_score(f, d);
    assert_true(armed > now);
    /* the zset is lost: the reconciler re-arms every planned pending deadline */
    redisReply *r = redisCommand(f->ctx.redis, "DEL %s", f->key);
    freeReplyObject(r);
    char after[ESC_MEMBER_BYTES] = "0";                 /* a page of 2 per call, as the service walks */
    long n, pages = 0, armed_total = 0;
    while ((n = esc_timers_reconcile_step(&f->ctx, after, 2)) == 2) {
        pages++;
        armed_total += n;
        assert_string_not_equal(after, "0");
    }
    assert_true(n >= 0 && pages >= 1 && armed_total + n >= 2);
    assert_string_equal(after, "0");                        /* walk done: the next one starts over */
    assert_int_equal(timer_score(f, d), armed);
    assert_int_equal(alerts_of(f, d, "%"), 0);
}

/* The deadline of order o's deadline d: its due_at in ms. */
static int64_t due_ms(fixture *f, long long d)
{
    return fixture_num(f->ctx.pg, "SELECT " ESC_SQL_MS("due_at") " FROM deadlines WHERE id = %lld", d);
}

static void set_status(fixture *f, long long d, const char *status)
{
    fixture_exec(f->ctx.pg, "UPDATE complaints c SET status = '%s' FROM deadlines d WHERE d.complaint_id = c.id"
                            " AND d.id = %lld", status, d);
}

/* Planning with the clock now: a deadline whose first rung is due already
 * has it raised by the write that plans it (one write, not a plan and then
 * a firing), the next rung stored and armed; one not due is only planned;
 * a paused one waits for its resume; none is taken twice. */
static void test_planning_fires_what_is_due(void **state)
{
    fixture *f = *state;
    esc_fire_stats st;
    char ids[96];
    long long late = order(f, "dispatched", "resolve", -1), early = order(f, "dispatched", "resolve", 100),
              paused = order(f, "waiting", "resolve", -1);
    fixture_exec(f->ctx.pg, "UPDATE deadlines SET rung_next = NULL, rung_at = NULL WHERE id IN (%lld, %lld, %lld)",
                 late, early, paused);
    fixture_exec(f->ctx.pg, "UPDATE deadlines SET paused_at = now() WHERE id = %lld", paused);
    snprintf(ids, sizeof ids, "{%lld,%lld,%lld}", late, early, paused);
    assert_int_equal(esc_timers_plan(&f->ctx, ids, 10, esc_now_ms(&f->ctx), &st), 2);
    assert_int_equal(st.alerts, 1);
    assert_int_equal(st.planned, 1);
    assert_int_equal(alerts_of(f, late, "remind"), 1);
    assert_int_equal(fixture_num(f->ctx.pg, "SELECT count(*) FROM deadlines WHERE id = %lld AND rung_next = 'supervise'"
                                            " AND fired_at IS NULL", late), 1);
    assert_int_equal(timer_score(f, late), due_ms(f, late));
    assert_int_equal(fixture_num(f->ctx.pg, "SELECT count(*) FROM deadlines WHERE id = %lld AND rung_next = 'remind'",
                                 early), 1);
    assert_int_equal(alerts_of(f, early, "%"), 0);
    assert_true(timer_score(f, early) > esc_now_ms(&f->ctx));
    assert_int_equal(fixture_num(f->ctx.pg, "SELECT count(*) FROM deadlines WHERE id = %lld AND rung_next IS NULL",
                                 paused), 1);
    /* planned now: nothing left to plan among them */
    assert_int_equal(esc_timers_plan(&f->ctx, ids, 10, esc_now_ms(&f->ctx), &st), 0);
    fire(f, &st);
    assert_int_equal(alerts_of(f, late, "supervise"), 1);
    assert_int_equal(alerts_of(f, late, "remind"), 1);
}

/* An acceptance 4 s late stays late however long the order waits afterwards:
 * only the deadline not met yet (resolve) stops and moves. */
static void test_met_deadline_never_moves(void **state)
{
    fixture *f = *state;
    long paused, resumed;
    long long acc = order(f, "accepted", "accept", -60);
    fixture_exec(f->ctx.pg, "UPDATE deadlines SET met_at = due_at + interval '4 seconds' WHERE id = %lld", acc);
    long long res = fixture_num(f->ctx.pg, "INSERT INTO deadlines (complaint_id, kind, started_at, due_at)"
                                           " SELECT complaint_id, 'resolve', now(), now() + interval '1 hour'"
                                           " FROM deadlines WHERE id = %lld RETURNING id", acc);
    int64_t acc_due = due_ms(f, acc), res_due = due_ms(f, res);
    set_status(f, acc, "waiting");
    assert_int_equal(esc_ladder_pause_sweep(&f->ctx, &paused, &resumed), 0);
    assert_int_equal(fixture_num(f->ctx.pg, "SELECT count(*) FROM deadlines WHERE id = %lld AND paused_at IS NULL",
                                 acc), 1);
    assert_int_equal(fixture_num(f->ctx.pg, "SELECT count(*) FROM deadlines WHERE id = %lld AND paused_at IS NOT NULL",
                                 res), 1);
    set_clock(f, 7200);                                 /* two hours waiting */
    set_status(f, acc, "accepted");
    assert_int_equal(esc_ladder_pause_sweep(&f->ctx, &paused, &resumed), 0);
    assert_int_equal(due_ms(f, acc), acc_due);
    assert_int_equal(fixture_num(f->ctx.pg, "SELECT count(*) FROM deadlines WHERE id = %lld AND met_at > due_at", acc), 1);
    assert_true(due_ms(f, res) - res_due >= 7200000 && due_ms(f, res) - res_due <= 7202000);
    /* a met deadline paused by an older build is resumed without moving */
    fixture_exec(f->ctx.pg, "UPDATE deadlines SET paused_at = met_at + interval '1 second' WHERE id = %lld", acc);
    assert_int_equal(esc_ladder_pause_sweep(&f->ctx, &paused, &resumed), 0);
    assert_int_equal(due_ms(f, acc), acc_due);
}

/* The rule after a pause: the remind falls due when the unit has used
 * remind_share of its own working time. Started 100 s ago, due in 100: the
 * remind is 50 s away; paused now for 300 s, it falls due 50 s after the
 * resume — not at once (75 % of the longer span, 275 s, lies inside the pause). */
static void test_remind_after_a_pause(void **state)
{
    fixture *f = *state;
    esc_fire_stats st;
    long paused, resumed;
    long long d = order(f, "accepted", "resolve", 100);
    set_status(f, d, "waiting");
    assert_int_equal(esc_ladder_pause_sweep(&f->ctx, &paused, &resumed), 0);
    set_clock(f, 300);
    set_status(f, d, "accepted");
    assert_int_equal(esc_ladder_pause_sweep(&f->ctx, &paused, &resumed), 0);
    plan_only(f, d);
    assert_int_equal(fixture_num(f->ctx.pg, "SELECT count(*) FROM deadlines WHERE id = %lld AND rung_next = 'remind'"
                                            " AND paused_seconds BETWEEN 299 AND 302"
                                            " AND extract(epoch FROM rung_at - now()) BETWEEN 345 AND 352", d), 1);
    fire(f, &st);
    assert_int_equal(alerts_of(f, d, "remind"), 0);
    set_clock(f, 353);
    fire(f, &st);
    assert_int_equal(alerts_of(f, d, "remind"), 1);
}

/* A calendar whose every hour of the days around today is working time. */
static calendar *all_day_calendar(void)
{
    calendar *cal = calendar_new(480, 0, 1440);
    time_t now = time(NULL);
    for (int i = -2; i <= 3; i++) {
        time_t t = now + 8 * 3600 + i * 86400;
        struct tm tm;
        gmtime_r(&t, &tm);
        assert_int_equal(calendar_set_day(cal, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, 0), 0);
    }
    return cal;
}

/* A pause of 50.4 s moves the deadline by 50.4 s of working time, rounded
 * up to whole seconds at each end (at most 53 s), not by the whole minutes
 * in it (none, before). */
static void test_pause_counts_seconds(void **state)
{
    fixture *f = *state;
    long paused, resumed;
    calendar *cal = all_day_calendar();
    f->ctx.cal = cal;
    long long d = order(f, "accepted", "resolve", 3600);
    int64_t due0 = due_ms(f, d);
    set_status(f, d, "waiting");
    assert_int_equal(esc_ladder_pause_sweep(&f->ctx, &paused, &resumed), 0);
    fixture_exec(f->ctx.pg, "UPDATE deadlines SET paused_at = esc_now() WHERE id = %lld", d);
    set_clock(f, 50.4);
    set_status(f, d, "accepted");
    assert_int_equal(esc_ladder_pause_sweep(&f->ctx, &paused, &resumed), 0);
    f->ctx.cal = NULL;
    calendar_destroy(&cal);
    int64_t moved = due_ms(f, d) - due0;
    if (moved < 50400 || moved > 53000)
        fail_msg("the deadline moved by %lld ms for a pause of 50.4 s", (long long)moved);
    assert_int_equal(fixture_num(f->ctx.pg, "SELECT count(*) FROM deadlines WHERE id = %lld"
                                            " AND paused_seconds BETWEEN 50 AND 53", d), 1);
}

/* The administrators' record of holiday changes made as test-holidays-admin. */
static long long records(fixture *f)
{
    return fixture_num(f->ctx.pg, "SELECT count(*) FROM admin_events WHERE actor = 'test-holidays-admin'"
                                  " AND action LIKE 'holidays.%%'");
}

/* 2027's notice was missing: a deadline of 1 working day from 2026-12-31
 * 17:00 fell due on 元旦 (2027-01-01 17:00). Storing 元旦 through escalation
 * moves it to 2027-01-04 17:00 and plans it again; a met deadline and one
 * the new days do not touch stay as they were. The year is whole once a
 * file of its notice is stored, or an administrator says so; either is
 * recorded, even when no day changed. */
static void test_stored_holidays_retime_deadlines(void **state)
{
    fixture *f = *state;
    char err[512] = "";
    esc_calendar c;
    esc_calendar_stats st;
    config *cfg = config_new();
    assert_int_equal(esc_calendar_init(&c, cfg, err, sizeof err), 0);
    assert_int_equal(esc_calendar_refresh(&c, &f->ctx, 0), 0);
    long long p = order(f, "accepted", "resolve", 3600), m = order(f, "accepted", "resolve", 3600),
              q = order(f, "accepted", "resolve", 3600);
    fixture_exec(f->ctx.pg, "UPDATE deadlines SET started_at = '2026-12-31 17:00+08', due_at = '2027-01-01 17:00+08'"
                            " WHERE id IN (%lld, %lld)", p, m);
    fixture_exec(f->ctx.pg, "UPDATE deadlines SET met_at = '2027-01-01 16:00+08' WHERE id = %lld", m);
    fixture_exec(f->ctx.pg, "UPDATE deadlines SET started_at = '2026-12-28 09:00+08', due_at = '2026-12-29 09:00+08'"
                            " WHERE id = %lld", q);
    int64_t q_due = due_ms(f, q);
    holidays_day days[] = {{"2027-01-01", 1, "元旦"}, {"2027-01-02", 1, "元旦"}, {"2027-01-03", 1, "元旦"}};
    esc_calendar_by by = {"test-holidays-admin", "holidays.load", "test 2027"};
    long long recorded = records(f);
    assert_int_equal(esc_calendar_store(&c, &f->ctx, days, 3, 0, &by, &st, err, sizeof err), 0);
    assert_int_equal(st.stored, 3);
    assert_int_equal(st.completed, 0);
    /* recorded, with the administrator's name, in the same transaction: lasting when the days are stored again */
    assert_int_equal(records(f), recorded + 1);
    assert_int_equal(fixture_num(f->ctx.pg, "SELECT count(*) FROM (SELECT * FROM admin_events"
                                            " WHERE actor = 'test-holidays-admin' ORDER BY id DESC LIMIT 1) e"
                                            " WHERE action = 'holidays.load' AND subject = 'test 2027'"
                                            " AND detail->>'given' = '3' AND detail->>'stored' = '3'"
                                            " AND detail->'days'->0->>'day' = '2027-01-01'"
                                            " AND detail->'days'->0->>'name' = '元旦'"), 1);
    assert_int_equal(fixture_num(f->ctx.pg, "SELECT count(*) FROM holidays WHERE day = '2027-01-01'"
                                            " AND source = 'test 2027 by test-holidays-admin'"), 1);
    assert_true(st.retimed >= 1);
    assert_int_equal(fixture_num(f->ctx.pg, "SELECT count(*) FROM deadlines WHERE id = %lld"
                                            " AND due_at = '2027-01-04 17:00+08' AND rung_next IS NULL", p), 1);
    assert_int_equal(fixture_num(f->ctx.pg, "SELECT count(*) FROM deadlines WHERE id = %lld"
                                            " AND due_at = '2027-01-01 17:00+08'", m), 1);
    assert_int_equal(due_ms(f, q), q_due);
    assert_int_equal(fixture_num(f->ctx.pg, "SELECT count(*) FROM holiday_years WHERE year = 2027"), 0);
    /* stored again as 2027's notice: no day changes, nothing moves, the year is whole */
    assert_int_equal(esc_calendar_store(&c, &f->ctx, days, 3, 2027, &by, &st, err, sizeof err), 0);
    assert_int_equal(st.stored, 0);
    assert_int_equal(st.unchanged, 3);
    assert_int_equal(st.retimed, 0);
    assert_int_equal(st.completed, 1);
    /* no day changed, but the year became whole: recorded, naming it */
    assert_int_equal(records(f), recorded + 2);
    assert_int_equal(fixture_num(f->ctx.pg, "SELECT count(*) FROM (SELECT * FROM admin_events"
                                            " WHERE actor = 'test-holidays-admin' ORDER BY id DESC LIMIT 1) e"
                                            " WHERE action = 'holidays.load' AND subject = 'test 2027'"
                                            " AND detail->>'given' = '3' AND detail->>'stored' = '0'"
                                            " AND detail->'years' = '[2027]' AND detail->>'completed' = '2027'"
                                            " AND detail->'days' = '[]'"), 1);
    assert_int_equal(fixture_num(f->ctx.pg, "SELECT count(*) FROM holiday_years WHERE year = 2027"
                                            " AND source = 'test 2027 by test-holidays-admin'"), 1);
    /* stored again: no day changed and the year was whole already, nothing to record */
    assert_int_equal(esc_calendar_store(&c, &f->ctx, days, 3, 2027, &by, &st, err, sizeof err), 0);
    assert_int_equal(st.stored, 0);
    assert_int_equal(st.completed, 0);
    assert_int_equal(records(f), recorded + 2);
    /* an administrator saying a year is whole: recorded once */
    esc_calendar_by says = {"test-holidays-admin", "holidays.complete", "2027 年"};
    assert_int_equal(esc_calendar_complete(&c, &f->ctx, 2027, &says, &st, err, sizeof err), 0);
    assert_int_equal(st.completed, 0);
    assert_int_equal(records(f), recorded + 2);
    says.from = "2029 年";
    assert_int_equal(esc_calendar_complete(&c, &f->ctx, 2029, &says, &st, err, sizeof err), 0);
    assert_int_equal(st.completed, 1);
    assert_int_equal(records(f), recorded + 3);
    assert_int_equal(fixture_num(f->ctx.pg, "SELECT count(*) FROM holiday_years WHERE year = 2029"
                                            " AND source = 'confirmed by test-holidays-admin'"), 1);
    esc_calendar_finish(&c);
    f->ctx.cal = NULL;
    config_destroy(&cfg);
}

/* Leaves the official calendar as the bundled files have it. */
static int drop_test_holidays(void **state)
{
    fixture *f = *state;
    fixture_exec(f->ctx.pg, "DELETE FROM holidays WHERE source = 'test 2027 by test-holidays-admin'");
    fixture_exec(f->ctx.pg, "DELETE FROM holiday_years WHERE source LIKE '%% by test-holidays-admin'");
    f->ctx.cal = NULL;
    return reset_clock(state);
}

static void test_ladder_per_category_and_urgency(void **state)
{
    fixture *f = *state;
    fixture_exec(f->ctx.pg, "INSERT INTO esc_ladder (category, urgency, remind_share, accountability_days)"
                            " VALUES ('%s-cat', NULL, 0.5, 5), ('%s-cat', '紧急', 0, 1)", f->tag, f->tag);
    long long plain = order(f, "dispatched", "resolve", 100);
    fixture_exec(f->ctx.pg, "UPDATE complaints c SET category = '%s-cat' FROM deadlines d"
                            " WHERE d.complaint_id = c.id AND d.id = %lld", f->tag, plain);
    fixture_exec(f->ctx.pg, "UPDATE deadlines SET rung_next = NULL WHERE id = %lld", plain);
    plan_only(f, plain);
    /* started 100 s ago, due in 100 s, share 0.5: remind now */
    assert_int_equal(fixture_num(f->ctx.pg, "SELECT count(*) FROM deadlines WHERE id = %lld AND rung_next = 'remind'"
                                            " AND abs(extract(epoch FROM rung_at - now())) < 2", plain), 1);
    fixture_exec(f->ctx.pg, "UPDATE complaints c SET urgency = '紧急' FROM deadlines d"
                            " WHERE d.complaint_id = c.id AND d.id = %lld", plain);
    fixture_exec(f->ctx.pg, "UPDATE deadlines SET rung_next = NULL WHERE id = %lld", plain);
    plan_only(f, plain);
    /* share 0: no remind, straight to supervise at the deadline */
    assert_int_equal(fixture_num(f->ctx.pg, "SELECT count(*) FROM deadlines WHERE id = %lld"
                                            " AND rung_next = 'supervise' AND abs(extract(epoch FROM rung_at - due_at)) < 0.01", plain), 1);
    fixture_exec(f->ctx.pg, "DELETE FROM esc_ladder WHERE category = '%s-cat'", f->tag);
}

/* An order of this run owned by street office `unit`; returns its id. */
static long long owned_by(fixture *f, const char *unit)
{
    long long cid = fixture_num(f->ctx.pg, "INSERT INTO complaints (ticket_no, called_at, address, content, status)"
                                           " VALUES ('%s-%d', now(), '某路1号', '垃圾', 'dispatched') RETURNING id",
                                f->tag, ++f->orders);
    fixture_exec(f->ctx.pg, "INSERT INTO assignments (complaint_id, unit_id, role, street_code, rule, reasons, score)"
                            " SELECT %lld, id, 'owner', code, 'community', 'test', 1 FROM units WHERE code = '%s'",
                 cid, unit);
    return cid;
}

/* An order in the manual queue, routing having found it at street: no owner. */
static long long waiting_at(fixture *f, const char *street)
{
    long long cid = fixture_num(f->ctx.pg, "INSERT INTO complaints (ticket_no, called_at, address, content, status)"
                                           " VALUES ('%s-%d', now(), '某路1号', '垃圾', 'manual') RETURNING id",
                                f->tag, ++f->orders);
    fixture_exec(f->ctx.pg, "INSERT INTO assignments (complaint_id, role, street_code, rule, reasons, score)"
                            " VALUES (%lld, 'manual', '%s', 'community', 'test', 0.5)", cid, street);
    return cid;
}

/* Raises a bounce alert on order cid for target (the unit responsible:
 * unit_code, or none); 1 when it went to one of the units listed in codes. */
static long long raised_to(fixture *f, long long cid, const char *unit_code, const char *target, const char *codes)
{
    char id[24], unit[24] = "", orders[40];
    snprintf(id, sizeof id, "%lld", cid);
    snprintf(orders, sizeof orders, "{%lld}", cid);
    if (unit_code)
        snprintf(unit, sizeof unit, "%lld", fixture_num(f->ctx.pg, "SELECT id FROM units WHERE code = '%s'", unit_code));
    esc_alert_in in = {.complaint_id = id, .rung = "bounce", .cycle = "1", .subject = "",
                       .unit_id = unit_code ? unit : NULL, .target = target, .orders = orders,
                       .reason = "bounce: returned 3 times", .ticket_no = "", .unit_code = ""};
    esc_raised out;
    char err[512];
    assert_int_equal(db_begin(f->ctx.pg, err, sizeof err), 0);
    assert_int_equal(esc_alert_raise_many(&f->ctx, &in, 1, &out), 0);
    assert_int_equal(db_commit(f->ctx.pg, err, sizeof err), 0);
    assert_true(out.id > 0);
    return fixture_num(f->ctx.pg, "SELECT count(*) FROM alerts a JOIN units u ON u.id = a.target_unit_id"
                                  " WHERE a.id = %lld AND u.code IN (%s)", (long long)out.id, codes);
}

/* Campaign and discipline alerts go to the offices of the order's district;
 * an order in the manual queue by the street routing found for it; a
 * district without its own goes to the ones kept for a district not known;
 * a conduct complaint's campaign alert goes to discipline inspection. */
static void test_alerts_go_to_the_district_offices(void **state)
{
    fixture *f = *state;
    fixture_exec(f->ctx.pg, "INSERT INTO regions (code, name, short_name, level) VALUES ('370202', '市南区', '市南', 'district'),"
                            " ('370202001', '八大关街道', '八大关', 'street') ON CONFLICT (code) DO NOTHING");
    fixture_exec(f->ctx.pg, "UPDATE regions SET parent_code = '370202' WHERE code = '370202001'");
    fixture_exec(f->ctx.pg, "INSERT INTO units (code, name, kind, region_code) VALUES"
                            " ('370202001', '八大关街道', 'street', '370202001'),"
                            " ('370202.campaign', '市南区创城办', 'campaign', '370202'),"
                            " ('370202.discipline', '市南区纪委监委', 'discipline', '370202') ON CONFLICT (code) DO NOTHING");
    long long shinan = owned_by(f, "370202001"), other = owned_by(f, "370202001"), laoshan = owned_by(f, "370212001");
    assert_int_equal(raised_to(f, shinan, "370202001", "campaign", "'370202.campaign'"), 1);
    assert_int_equal(raised_to(f, other, NULL, "discipline", "'370202.discipline'"), 1);
    assert_int_equal(raised_to(f, laoshan, NULL, "campaign", "'campaign', '370212.campaign'"), 1);
    /* the earliest of a repeat waiting for a dispatcher: its street's district, where it was the unknown one's */
    assert_int_equal(raised_to(f, waiting_at(f, "370202001"), NULL, "campaign", "'370202.campaign'"), 1);
    /* a complaint about officials: what would go to the campaign office goes to discipline inspection */
    long long conduct = owned_by(f, "370202001");
    fixture_exec(f->ctx.pg, "UPDATE complaints SET category = 'conduct' WHERE id = %lld", conduct);
    assert_int_equal(raised_to(f, conduct, "370202001", "campaign", "'370202.discipline'"), 1);
    assert_int_equal(fixture_num(f->ctx.pg, "SELECT count(*) FROM alerts WHERE complaint_id = %lld AND target = 'discipline'",
                                 conduct), 1);
}

/* Moves deadline d's timer to `at` (Unix ms). */
static void arm_at(fixture *f, long long d, int64_t at)
{
    char member[32], *m = member;
    snprintf(member, sizeof member, "r%lld", d);
    assert_int_equal(timers_add(f->ctx.redis, f->key, &m, &at, 1), 0);
}

/* A claim takes every timer fallen due since the claim before, beside its
 * batch: deadlines falling due together wait for no later claim, however
 * small the batch; of the backlog the batch takes the most recently due. */
static void test_claim_takes_all_fallen_due_since(void **state)
{
    fixture *f = *state;
    esc_fire_stats st;
    long long backlog[3], fresh[3];
    /* only this test's timers: the reconciler's walk (test_planning_request_and_redis_wipe)
     * armed every planned deadline of the database in this key, other test files' too, and
     * one of those falling due meanwhile was claimed before the backlog's most recent */
    freeReplyObject(redisCommand(f->ctx.redis, "DEL %s", f->key));
    int64_t now = esc_now_ms(&f->ctx);
    for (int i = 0; i < 3; i++) {
        backlog[i] = order(f, "dispatched", "resolve", -100);
        fresh[i] = order(f, "dispatched", "resolve", -100);
        arm_at(f, backlog[i], now - 300000 + i * 100000);        /* 5, 4 and 3 minutes overdue */
        arm_at(f, fresh[i], now - 1000);
    }
    assert_int_equal(esc_timers_fire_due(&f->ctx, now - 5000, now, 1, &st), 0);
    assert_int_equal(st.fresh, 3);
    assert_int_equal(st.claimed, 4);
    for (int i = 0; i < 3; i++)
        assert_int_equal(alerts_of(f, fresh[i], "remind"), 1);
    if (alerts_of(f, backlog[2], "remind") != 1)        /* it failed so once in a whole run: say what it was */
        fail_msg("no remind for the backlog's most recent (claimed %zu, fresh %zu, stale %zu); rung_at %lld ms,"
                 " due_at %lld ms, fired %lld; timers %lld %lld %lld; now %lld", st.claimed, st.fresh, st.stale,
                 fixture_num(f->ctx.pg, "SELECT (extract(epoch FROM rung_at) * 1000)::bigint FROM deadlines"
                                        " WHERE id = %lld", backlog[2]),
                 fixture_num(f->ctx.pg, "SELECT (extract(epoch FROM due_at) * 1000)::bigint FROM deadlines"
                                        " WHERE id = %lld", backlog[2]),
                 fixture_num(f->ctx.pg, "SELECT count(fired_at) FROM deadlines WHERE id = %lld", backlog[2]),
                 (long long)timer_score(f, backlog[0]), (long long)timer_score(f, backlog[1]),
                 (long long)timer_score(f, backlog[2]), (long long)now);
    assert_int_equal(timer_score(f, backlog[0]), now - 300000);
    assert_int_equal(timer_score(f, backlog[1]), now - 200000);
    assert_int_equal(esc_timers_fire_due(&f->ctx, now, now, 1, &st), 0);   /* none fell due since: the batch alone */
    assert_int_equal(st.fresh, 0);
    assert_int_equal(st.claimed, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_ladder_fires_each_rung_on_time, reset_clock),
        cmocka_unit_test_teardown(test_waiting_stops_the_clock, reset_clock),
        cmocka_unit_test_teardown(test_order_that_moved_on_raises_nothing, reset_clock),
        cmocka_unit_test_teardown(test_planning_fires_what_is_due, reset_clock),
        cmocka_unit_test_teardown(test_fired_twice_raises_one_alert, reset_clock),
        cmocka_unit_test_teardown(test_planning_request_and_redis_wipe, reset_clock),
        cmocka_unit_test_teardown(test_met_deadline_never_moves, reset_clock),
        cmocka_unit_test_teardown(test_remind_after_a_pause, reset_clock),
        cmocka_unit_test_teardown(test_pause_counts_seconds, reset_clock),
        cmocka_unit_test_teardown(test_stored_holidays_retime_deadlines, drop_test_holidays),
        cmocka_unit_test_teardown(test_ladder_per_category_and_urgency, reset_clock),
        cmocka_unit_test(test_alerts_go_to_the_district_offices),
        cmocka_unit_test_teardown(test_claim_takes_all_fallen_due_since, reset_clock),  /* last: leaves alerts unread */
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
