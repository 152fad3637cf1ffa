/* test_route_worker.c — routing batches end to end over a real Redis stream
 * and PostgreSQL: decisions (a unit missing named in their reasons), statuses,
 * deadlines, events, timers, published events, re-delivery, idle entries of
 * a dead consumer, and the reconciler.
 *
 * Needs JIESU_TEST_PG (a migrated database) and JIESU_TEST_REDIS. Every run
 * uses ticket numbers and Redis keys of its own; complaint_events is
 * append-only, so the orders stay in the database.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <zmq.h>

#include "bus.h"
#include "clock.h"
#include "db.h"
#include "fixture_laoshan.h"
#include "ladder.h"
#include "queue.h"
#include "config.h"
#include "route_rules.h"
#include "route_actions.h"
#include "route_reconcile.h"
#include "route_worker.h"
#include "timers.h"
#include "test_keys.h"

#define ACCEPT_S  7200
#define RESOLVE_S 259200

typedef struct {
    PGconn            *pg;
    redisContext      *redis;
    config            *cfg;
    route_rules       *rules;
    queue             *q;
    void              *zctx;
    bus_pub           *pub;
    bus_sub           *sub;
    route_worker_opts  opts;
    char               tag[64];
    char               stream[96];
    char               timers[96];
} fixture;

static int setup(void **state)
{
    char err[256];
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->pg = fixture_pg();
    f->redis = fixture_redis();
    fixture_seed_laoshan(f->pg);
    f->cfg = config_new();
    f->rules = route_rules_load(f->pg, f->cfg, err, sizeof err);
    if (!f->rules)
        fail_msg("%s", err);
    fixture_tag(f->tag, sizeof f->tag, "RW");
    snprintf(f->stream, sizeof f->stream, "test:route:%s", f->tag);
    snprintf(f->timers, sizeof f->timers, "test:timers:%s", f->tag);
    f->q = queue_new(f->redis, f->stream, "assignment", "worker-1");
    assert_non_null(f->q);
    assert_int_equal(queue_ensure_group(f->q), 0);
    f->zctx = zmq_ctx_new();
    keys_pair kp = test_keys();
    f->pub = bus_pub_new(f->zctx, "inproc://routed", "assignment", &kp, err, sizeof err);
    f->sub = bus_sub_new(f->zctx, "inproc://routed", "complaint.routed", &kp, kp.public_key, err, sizeof err);
    if (!f->pub || !f->sub)
        fail_msg("bus: %s", err);
    usleep(100 * 1000);             /* let the subscription reach the publisher */
    f->opts = (route_worker_opts){.pg = f->pg, .redis = f->redis, .queue = f->q, .pub = f->pub,
                                  .rules = f->rules, .timers_key = f->timers,
                                  .accept_seconds = ACCEPT_S, .resolve_seconds = RESOLVE_S, .max_returns = 3,
                                  .claim_idle_ms = 600000, .batch_max = 500};
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    redisReply *r = redisCommand(f->redis, "DEL %s %s", f->stream, f->timers);
    freeReplyObject(r);
    queue_destroy(&f->q);
    bus_sub_destroy(&f->sub);
    bus_pub_destroy(&f->pub);
    zmq_ctx_term(f->zctx);
    route_rules_destroy(&f->rules);
    config_destroy(&f->cfg);
    redisFree(f->redis);
    PQfinish(f->pg);
    free(f);
    return 0;
}

/* A complaint of this run; returns its id. */
static int64_t complaint(fixture *f, const char *suffix, const char *status, const char *address, const char *content)
{
    return fixture_num(f->pg, "INSERT INTO complaints (ticket_no, called_at, address, content, status)"
                              " VALUES ('%s-%s', now(), '%s', '%s', '%s') RETURNING id",
                       f->tag, suffix, address, content, status);
}

static long long count_for(fixture *f, const char *table, int64_t id)
{
    return fixture_num(f->pg, "SELECT count(*) FROM %s WHERE complaint_id = %lld", table, (long long)id);
}

static long long zcard(fixture *f)
{
    return timers_count(f->redis, f->timers);
}

static void step(route_worker *w, route_batch_stats *st)
{
    assert_int_equal(route_worker_step(w, 1000, st), 0);
}

/* Both deadlines of order cid store the first rung escalation computes from
 * their start and due time (ladder.h; the default ladder row) and wait for
 * it in the timers zset as "r<id>". */
static void assert_first_rung(fixture *f, int64_t cid)
{
    char err[256], id[24], member[LADDER_MEMBER_BYTES];
    snprintf(id, sizeof id, "%lld", (long long)cid);
    const char *params[] = {id};
    PGresult *res = db_query(f->pg, "deadlines", "SELECT id, ceil(extract(epoch FROM started_at) * 1000)::bigint,"
                             " ceil(extract(epoch FROM due_at) * 1000)::bigint, rung_next,"
                             " ceil(extract(epoch FROM rung_at) * 1000)::bigint FROM deadlines"
                             " WHERE complaint_id = $1::bigint", 1, params, err, sizeof err);
    assert_non_null(res);
    assert_int_equal(PQntuples(res), 2);
    for (int r = 0; r < 2; r++) {
        ladder_span span = {.started_ms = strtoll(PQgetvalue(res, r, 1), NULL, 10),
                            .due_ms = strtoll(PQgetvalue(res, r, 2), NULL, 10), .remind_share = 0.75,
                            .accountability_days = 2};
        const char *rung = ladder_rung_first(f->rules->calendar, &span);
        assert_string_equal(PQgetvalue(res, r, 3), rung);
        long long at = strtoll(PQgetvalue(res, r, 4), NULL, 10);
        assert_int_equal(at, ladder_rung_at(f->rules->calendar, rung, &span));
        ladder_member(member, PQgetvalue(res, r, 0), 1);
        redisReply *z = redisCommand(f->redis, "ZSCORE %s %s", f->timers, member);
        assert_non_null(z);
        assert_int_equal(z->type, REDIS_REPLY_STRING);
        assert_int_equal(strtoll(z->str, NULL, 10), at);
        freeReplyObject(z);
    }
    PQclear(res);
}

static void test_batch_routes_and_redelivery_changes_nothing(void **state)
{
    fixture *f = *state;
    int64_t ids[4] = {
        complaint(f, "1", "new", "崂山区张村社区5号楼", "楼道堆放杂物"),
        complaint(f, "2", "new", "沙子口街道南窑路", "路灯不亮"),
        complaint(f, "3", "new", "", "有人在小区里遛狗不牵绳"),
        complaint(f, "4", "new", "沙子口街道与北宅街道交界", "垃圾"),
    };
    route_worker *w = route_worker_new(&f->opts);
    assert_non_null(w);
    route_batch_stats st;
    assert_int_equal(queue_add(f->q, ids, 4), 0);
    step(w, &st);
    assert_int_equal(st.entries, 4);
    assert_int_equal(st.dispatched, 2);
    assert_int_equal(st.manual, 2);
    assert_int_equal(st.skipped, 0);

    /* statuses, owners, decisions */
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM complaints c JOIN assignments a ON a.complaint_id = c.id"
                                        " JOIN units u ON u.id = a.unit_id WHERE c.id = %lld AND c.status = 'dispatched'"
                                        " AND a.role = 'owner' AND u.code = '370212001' AND a.rule = 'community'"
                                        " AND a.community_code = '370212001019' AND a.score = 1", (long long)ids[0]), 1);
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM assignments a JOIN units u ON u.id = a.unit_id"
                                        " WHERE a.complaint_id = %lld AND u.code = '370212002'", (long long)ids[1]), 1);
    for (int i = 2; i < 4; i++)
        assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM complaints c JOIN assignments a ON a.complaint_id = c.id"
                                            " WHERE c.id = %lld AND c.status = 'manual' AND a.role = 'manual'"
                                            " AND a.unit_id IS NULL", (long long)ids[i]), 1);
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM assignments WHERE complaint_id = %lld"
                                        " AND rule = 'ambiguous' AND street_code = '370212002'"
                                        " AND reasons LIKE '%%转人工派单%%'", (long long)ids[3]), 1);
    /* the category's department co-handles dispatched orders; manual ones wait for the dispatcher */
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM assignments a JOIN units u ON u.id = a.unit_id"
                                        " WHERE a.complaint_id = %lld AND a.role = 'co' AND u.code = '370212.zhifa'"
                                        " AND a.category = 'order'", (long long)ids[0]), 1);
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM complaints WHERE id = %lld AND category = 'utility.light'",
                                 (long long)ids[1]), 1);
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM assignments WHERE complaint_id = %lld AND role = 'co'",
                                 (long long)ids[2]), 0);
    /* deadlines of dispatched orders only, due after the configured times */
    for (int i = 0; i < 4; i++)
        assert_int_equal(count_for(f, "deadlines", ids[i]), i < 2 ? 2 : 0);
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM deadlines WHERE complaint_id = %lld AND cycle = 1"
                                        " AND ((kind = 'accept' AND due_at - now() BETWEEN interval '7100 s' AND interval '7200 s')"
                                        "   OR (kind = 'resolve' AND due_at - now() > interval '259100 s'))",
                                 (long long)ids[0]), 2);
    /* one event each */
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM complaint_events WHERE complaint_id = %lld"
                                        " AND actor = 'assignment' AND event = 'routed' AND detail->>'rule' = 'community'"
                                        " AND detail->>'unit' = '370212001'", (long long)ids[0]), 1);
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM complaint_events WHERE complaint_id = %lld"
                                        " AND event = 'manual' AND detail->>'rule' = 'none'", (long long)ids[2]), 1);
    /* timers: each deadline planned at its first rung, as escalation would plan it from what is stored */
    assert_int_equal(zcard(f), 4);
    for (int i = 0; i < 2; i++)
        assert_first_rung(f, ids[i]);
    /* acked: nothing pending, nothing left */
    assert_int_equal(queue_pending(f->q), 0);

    /* the same entries again: nothing changes */
    assert_int_equal(queue_add(f->q, ids, 4), 0);
    step(w, &st);
    assert_int_equal(st.entries, 4);
    assert_int_equal(st.skipped, 4);
    assert_int_equal(st.dispatched + st.manual, 0);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(count_for(f, "assignments", ids[i]), i < 2 ? 2 : 1);     /* owner + co-handler */
        assert_int_equal(count_for(f, "complaint_events", ids[i]), 1);
        assert_int_equal(count_for(f, "deadlines", ids[i]), i < 2 ? 2 : 0);
    }
    assert_int_equal(zcard(f), 4);
    assert_int_equal(queue_pending(f->q), 0);
    route_worker_destroy(&w);
    assert_null(w);
}

/* Drops events published by earlier tests; returns how many. */
static int drain(fixture *f)
{
    Jiesu__Envelope *env = NULL;
    int gap = 0, n = 0;
    while (bus_sub_recv(f->sub, 100, &env, &gap) == 1) {
        jiesu__envelope__free_unpacked(env, NULL);
        n++;
    }
    return n;
}

static void test_events_published(void **state)
{
    fixture *f = *state;
    assert_int_equal(drain(f), 4);          /* one per order of the first test */
    int64_t id = complaint(f, "5", "new", "北宅街道卧龙村", "占道经营");
    route_worker *w = route_worker_new(&f->opts);
    route_batch_stats st;
    assert_int_equal(queue_add(f->q, &id, 1), 0);
    step(w, &st);
    assert_int_equal(st.dispatched, 1);
    Jiesu__Envelope *env = NULL;
    int gap = 0;
    assert_int_equal(bus_sub_recv(f->sub, 2000, &env, &gap), 1);
    Jiesu__Assignment *a = BUS_UNPACK(assignment, env);
    assert_non_null(a);
    assert_int_equal(a->complaint_id, id);
    assert_string_equal(a->unit_code, "370212004");
    assert_string_equal(a->street_code, "370212004");
    assert_string_equal(a->rule, "community");
    assert_false(a->manual);
    assert_true(a->accept_by_ms > clock_wall_ms() + (ACCEPT_S - 100) * 1000LL);
    assert_true(a->resolve_by_ms > a->accept_by_ms);
    jiesu__assignment__free_unpacked(a, NULL);
    jiesu__envelope__free_unpacked(env, NULL);
    route_worker_destroy(&w);
}

static void test_only_new_orders_move(void **state)
{
    fixture *f = *state;
    int64_t id = complaint(f, "6", "accepted", "沙子口街道", "已签收的工单");
    route_worker *w = route_worker_new(&f->opts);
    route_batch_stats st;
    assert_int_equal(queue_add(f->q, &id, 1), 0);
    step(w, &st);
    assert_int_equal(st.skipped, 1);
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM complaints WHERE id = %lld AND status = 'accepted'",
                                 (long long)id), 1);
    assert_int_equal(count_for(f, "assignments", id), 0);
    assert_int_equal(count_for(f, "complaint_events", id), 0);
    route_worker_destroy(&w);
}

static void test_idle_entries_of_a_dead_consumer(void **state)
{
    fixture *f = *state;
    int64_t ids[2] = {complaint(f, "7", "new", "金家岭街道", "噪音"), complaint(f, "8", "new", "王哥庄", "油烟")};
    queue *dead = queue_new(f->redis, f->stream, "assignment", "worker-dead");
    queue_item items[4];
    size_t n = 0;
    assert_int_equal(queue_add(f->q, ids, 2), 0);
    assert_int_equal(queue_read(dead, items, 4, 1000, &n), 0);
    assert_int_equal(n, 2);                     /* read, never acked: the consumer died */
    route_worker_opts opts = f->opts;
    opts.claim_idle_ms = 0;
    route_worker *w = route_worker_new(&opts);
    route_batch_stats st;
    step(w, &st);
    assert_int_equal(st.claimed, 2);
    assert_int_equal(st.dispatched, 2);
    assert_int_equal(queue_pending(f->q), 0);
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM complaints WHERE id IN (%lld, %lld)"
                                        " AND status = 'dispatched'", (long long)ids[0], (long long)ids[1]), 2);
    queue_destroy(&dead);
    route_worker_destroy(&w);
}

static int stream_has(fixture *f, const char *stream, int64_t id)
{
    char want[32];
    int found = 0;
    snprintf(want, sizeof want, "%lld", (long long)id);
    redisReply *r = redisCommand(f->redis, "XRANGE %s - +", stream);
    assert_non_null(r);
    for (size_t i = 0; r->type == REDIS_REPLY_ARRAY && i < r->elements; i++) {
        redisReply *fields = r->element[i]->element[1];
        for (size_t k = 0; k + 1 < fields->elements; k += 2)
            found |= strcmp(fields->element[k + 1]->str, want) == 0;
    }
    freeReplyObject(r);
    return found;
}

static void test_reconcile_enqueues_lost_orders(void **state)
{
    fixture *f = *state;
    char stream[128], err[512] = "";
    snprintf(stream, sizeof stream, "%s:reconcile", f->stream);
    queue *q = queue_new(f->redis, stream, "assignment", "reconciler");
    assert_int_equal(queue_ensure_group(q), 0);
    int64_t lost = complaint(f, "9", "new", "中韩街道", "入队丢失");
    int64_t fresh = complaint(f, "10", "new", "中韩街道", "刚刚导入");
    fixture_exec(f->pg, "UPDATE complaints SET updated_at = now() - interval '1 minute' WHERE id = %lld", (long long)lost);
    assert_true(route_reconcile(f->pg, f->redis, q, stream, 10, 2, err, sizeof err) >= 1);   /* pages of 2 */
    assert_true(stream_has(f, stream, lost));
    assert_false(stream_has(f, stream, fresh));           /* may still be on its way from intake */
    /* while the stream still holds entries, the reconciler leaves it alone */
    assert_int_equal(route_reconcile(f->pg, f->redis, q, stream, 10, 2, err, sizeof err), 0);
    redisReply *r = redisCommand(f->redis, "DEL %s", stream);
    freeReplyObject(r);
    queue_destroy(&q);
}

/* The unit code of the order's active owner, or "manual". */
static const char *owner(fixture *f, int64_t id, char *buf, size_t cap)
{
    char num[32];
    snprintf(num, sizeof num, "%lld", (long long)id);
    const char *params[] = {num};
    PGresult *r = PQexecParams(f->pg, "SELECT coalesce(u.code, a.role) FROM assignments a"
                                      " LEFT JOIN units u ON u.id = a.unit_id WHERE a.complaint_id = $1::bigint"
                                      " AND a.active AND a.role IN ('owner', 'manual')",
                               1, NULL, params, NULL, NULL, 0);
    snprintf(buf, cap, "%s", PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 ? PQgetvalue(r, 0, 0) : "?");
    PQclear(r);
    return buf;
}

static void route_one(fixture *f, route_worker *w, int64_t id)
{
    route_batch_stats st;
    assert_int_equal(queue_add(f->q, &id, 1), 0);
    step(w, &st);
    assert_int_equal(st.dispatched + st.manual, 1);
}

static void give_back(fixture *f, const char *suffix, const char *unit)
{
    char ticket[128], err[256] = "";
    route_action_result res;
    snprintf(ticket, sizeof ticket, "%s-%s", f->tag, suffix);
    route_action_req req = {.ticket_no = ticket, .action = "return", .unit_code = unit, .reason = "不属于本单位"};
    assert_int_equal(route_action(f->pg, &req, &res, err, sizeof err), 0);
    assert_int_equal(res.reroute, 1);
}

static void test_returned_order_rerouted_without_the_unit(void **state)
{
    fixture *f = *state;
    char buf[64];
    route_worker_opts opts = f->opts;
    opts.max_returns = 2;
    route_worker *w = route_worker_new(&opts);
    int64_t id = complaint(f, "11", "new", "张村社区", "垃圾堆在金家岭街道和张村交界处");
    route_one(f, w, id);
    assert_string_equal(owner(f, id, buf, sizeof buf), "370212001");
    give_back(f, "11", "370212001");
    route_one(f, w, id);             /* the address named only 中韩: the content's 金家岭 now decides */
    assert_string_equal(owner(f, id, buf, sizeof buf), "370212005");
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM deadlines WHERE complaint_id = %lld AND paused_at IS NULL"
                                        " AND fired_at IS NULL AND unit_id = (SELECT id FROM units WHERE code = '370212005')",
                                 (long long)id), 2);
    give_back(f, "11", "370212005");
    route_one(f, w, id);             /* second return: manual arbitration */
    assert_string_equal(owner(f, id, buf, sizeof buf), "manual");
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM assignments WHERE complaint_id = %lld AND active"
                                        " AND rule = 'arbitration' AND reasons LIKE '%%本轮退回已达 2 次（上限 2 次）：转人工派单%%'"
                                        " AND reasons NOT LIKE '%%max_returns%%'", (long long)id), 1);
    /* its deadlines blame no unit that gave it back (escalation stops their clock in the manual queue) */
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM deadlines WHERE complaint_id = %lld AND unit_id IS NULL",
                                 (long long)id), 2);
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM complaint_events WHERE complaint_id = %lld"
                                        " AND event IN ('routed', 'manual')", (long long)id), 3);
    route_worker_destroy(&w);
}

static void test_conduct_category_and_working_time(void **state)
{
    fixture *f = *state;
    char buf[64];
    route_worker_opts opts = f->opts;
    opts.accept_seconds = opts.resolve_seconds = 0;      /* the calendar and the category's limits */
    route_worker *w = route_worker_new(&opts);
    int64_t conduct = complaint(f, "12", "new", "沙子口街道", "沙子口街道办工作人员态度恶劣，办事推诿");
    route_one(f, w, conduct);
    assert_string_equal(owner(f, conduct, buf, sizeof buf), "370212.discipline");
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM assignments a JOIN units u ON u.id = a.unit_id"
                                        " WHERE a.complaint_id = %lld AND u.code = '370212002'", (long long)conduct), 0);
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM assignments WHERE complaint_id = %lld AND rule = 'conduct'"
                                        " AND reasons LIKE '%%不交其办理：沙子口街道%%' AND reasons NOT LIKE '%%370212%%'",
                                 (long long)conduct), 1);
    int64_t stall = complaint(f, "13", "new", "北宅街道", "门口很乱");
    fixture_exec(f->pg, "UPDATE complaints SET category_raw = '城市管理-占道经营', urgency = '紧急' WHERE id = %lld",
                 (long long)stall);
    route_one(f, w, stall);
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM complaints WHERE id = %lld AND category = 'order.stall'",
                                 (long long)stall), 1);
    /* accept within 30 working minutes (60 halved for 紧急), inside working hours of a working day */
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM deadlines WHERE complaint_id = %lld AND kind = 'accept'"
                                        " AND (due_at AT TIME ZONE 'Asia/Shanghai')::time BETWEEN '08:30' AND '17:30'"
                                        " AND due_at > now() AND due_at < now() + interval '12 days'", (long long)stall), 1);
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM deadlines a JOIN deadlines r USING (complaint_id)"
                                        " WHERE a.complaint_id = %lld AND a.kind = 'accept' AND r.kind = 'resolve'"
                                        " AND r.due_at > a.due_at", (long long)stall), 1);
    route_worker_destroy(&w);
}

/* A letter that reports a problem and accuses the office that would own it:
 * the problem goes to the dispatcher, a linked conduct part to discipline
 * inspection, once, with the accused office recorded on both. The letter
 * keeps its text without the accusing sentence, the conduct part has it
 * whole, and routing the letter again decides as the first time (it reads
 * the whole letter). */
static void test_split_letter_links_a_conduct_part(void **state)
{
    fixture *f = *state;
    char buf[64];
    route_batch_stats st;
    route_worker *w = route_worker_new(&f->opts);
    const char *whole = "楼下有人私搭乱建彩钢房，堵了消防通道。村委会不作为，说不归他们管。";
    int64_t letter = complaint(f, "20", "new", "张村社区", whole);
    route_one(f, w, letter);
    assert_string_equal(owner(f, letter, buf, sizeof buf), "manual");
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM complaints WHERE id = %lld AND category = 'building'"
                                        " AND accused_units = '{370212001}'", (long long)letter), 1);
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM complaints WHERE id = %lld AND content ="
                                        " '楼下有人私搭乱建彩钢房，堵了消防通道。" ROUTE_CONDUCT_NOTE "'",
                                 (long long)letter), 1);
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM complaints WHERE link_id = %lld AND content = '%s'",
                                 (long long)letter, whole), 1);
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM assignments WHERE complaint_id = %lld AND active"
                                        " AND reasons LIKE '%%承办单位正是被投诉的单位%%'", (long long)letter), 1);
    int64_t part = fixture_num(f->pg, "SELECT id FROM complaints WHERE link_id = %lld AND ticket_no = '%s-20-J'"
                                      " AND status = 'new' AND accused_units = '{370212001}'", (long long)letter, f->tag);
    assert_true(part > letter);
    step(w, &st);                                      /* the worker put the part on the stream */
    assert_int_equal(st.entries, 1);
    assert_string_equal(owner(f, part, buf, sizeof buf), "370212.discipline");
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM complaints WHERE id = %lld AND category = 'conduct'",
                                 (long long)part), 1);
    fixture_exec(f->pg, "UPDATE complaints SET status = 'new' WHERE id = %lld", (long long)letter);
    route_one(f, w, letter);                           /* routed again: still one conduct part */
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM complaints WHERE link_id = %lld", (long long)letter), 1);
    assert_string_equal(owner(f, letter, buf, sizeof buf), "manual");
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM complaints WHERE id = %lld AND accused_units = '{370212001}'"
                                        " AND content NOT LIKE '%%不作为%%'", (long long)letter), 1);
    route_worker_destroy(&w);
}

/* An order the database refuses to store as decided goes to manual dispatch,
 * saying so, and one it refuses even then stays on the stream until its
 * entry is claimed again; neither holds up the rest of its batch, which was
 * written in one statement that the refusal undid. (The refusals are made
 * here by CHECK constraints naming this test's orders; a split letter's
 * reasons that were not UTF-8 once did it for real, for every retry.) */
static void test_refused_order_holds_up_no_other(void **state)
{
    fixture *f = *state;
    char buf[64];
    route_batch_stats st;
    route_worker *w = route_worker_new(&f->opts);
    int64_t ids[4] = {
        complaint(f, "30", "new", "沙子口街道南窑路", "路灯不亮"),
        complaint(f, "31", "new", "沙子口街道南窑路", "路灯不亮"),         /* refused as dispatched */
        complaint(f, "32", "new", "沙子口街道南窑路", "路灯不亮"),         /* refused any move */
        complaint(f, "33", "new", "北宅街道卧龙村", "占道经营"),
    };
    fixture_exec(f->pg, "ALTER TABLE assignments ADD CONSTRAINT test_refused_dispatch"
                        " CHECK (complaint_id <> %lld OR role = 'manual')", (long long)ids[1]);
    fixture_exec(f->pg, "ALTER TABLE complaints ADD CONSTRAINT test_refused_move CHECK (id <> %lld OR status = 'new')",
                 (long long)ids[2]);
    assert_int_equal(queue_add(f->q, ids, 4), 0);
    step(w, &st);
    fixture_exec(f->pg, "ALTER TABLE assignments DROP CONSTRAINT test_refused_dispatch");
    fixture_exec(f->pg, "ALTER TABLE complaints DROP CONSTRAINT test_refused_move");
    assert_int_equal(st.entries, 4);
    assert_int_equal(st.dispatched, 2);
    assert_int_equal(st.manual, 1);
    assert_int_equal(st.left, 1);
    assert_int_equal(st.skipped, 0);
    assert_string_equal(owner(f, ids[0], buf, sizeof buf), "370212002");
    assert_string_equal(owner(f, ids[3], buf, sizeof buf), "370212004");
    assert_string_equal(owner(f, ids[1], buf, sizeof buf), "manual");
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM complaint_events WHERE complaint_id = %lld"
                                        " AND event = 'manual' AND detail->>'reasons' LIKE '自动派单的结果未能保存%%'",
                                 (long long)ids[1]), 1);
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM complaints WHERE id = %lld AND status = 'new'",
                                 (long long)ids[2]), 1);
    assert_int_equal(count_for(f, "assignments", ids[2]), 0);
    assert_int_equal(queue_pending(f->q), 1);              /* its entry alone, not acknowledged */
    route_worker_destroy(&w);

    route_worker_opts o = f->opts;                         /* claimed again (at once here): routed */
    o.claim_idle_ms = 0;
    w = route_worker_new(&o);
    step(w, &st);
    assert_int_equal(st.claimed, 1);
    assert_int_equal(st.dispatched, 1);
    assert_string_equal(owner(f, ids[2], buf, sizeof buf), "370212002");
    assert_int_equal(queue_pending(f->q), 0);
    route_worker_destroy(&w);
}

/* Routes order id as the units table would be without the unit of code
 * (its code set aside meanwhile, put back before anything is asserted). */
static void route_without(fixture *f, route_worker *w, int64_t id, const char *code)
{
    route_batch_stats st;
    fixture_exec(f->pg, "UPDATE units SET code = code || '-away' WHERE code = '%s'", code);
    assert_int_equal(queue_add(f->q, &id, 1), 0);
    int rc = route_worker_step(w, 1000, &st);
    fixture_exec(f->pg, "UPDATE units SET code = '%s' WHERE code = '%s-away'", code, code);
    assert_int_equal(rc, 0);
    assert_int_equal(st.dispatched + st.manual, 1);
}

/* The reasons of order id's active assignment of role, as a dispatcher reads
 * them (the order page, jiesu show, jiesu manual), end with end. */
static void assert_reasons_end(fixture *f, int64_t id, const char *role, const char *end)
{
    char num[32];
    snprintf(num, sizeof num, "%lld", (long long)id);
    const char *params[] = {num, role};
    PGresult *r = PQexecParams(f->pg, "SELECT reasons FROM assignments WHERE complaint_id = $1::bigint AND active"
                                      " AND role = $2", 2, NULL, params, NULL, NULL, 0);
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    assert_int_equal(PQntuples(r), 1);
    const char *s = PQgetvalue(r, 0, 0);
    size_t n = strlen(s), m = strlen(end);
    if (n < m || strcmp(s + n - m, end) != 0)
        fail_msg("the reasons read: %s\nnot ending: %s", s, end);
    PQclear(r);
}

/* A decision naming a unit the units table lacks: a street office, the
 * district's discipline inspection (the order goes to a dispatcher) or the
 * category's department (dispatched without a co-handler), each named as
 * people know it, never by its code. */
static void test_unit_missing_named(void **state)
{
    fixture *f = *state;
    char buf[64];
    route_worker *w = route_worker_new(&f->opts);
    int64_t street = complaint(f, "40", "new", "王哥庄街道港东村", "路灯不亮");
    route_without(f, w, street, "370212003");
    assert_string_equal(owner(f, street, buf, sizeof buf), "manual");
    assert_reasons_end(f, street, "manual", "；系统中还没有王哥庄街道这个单位，转人工派单");
    int64_t conduct = complaint(f, "41", "new", "沙子口街道", "沙子口街道办工作人员态度恶劣，办事推诿");
    route_without(f, w, conduct, "370212.discipline");
    assert_string_equal(owner(f, conduct, buf, sizeof buf), "manual");
    assert_reasons_end(f, conduct, "manual", "；系统中还没有崂山区纪委监委这个单位，转人工派单");
    int64_t co = complaint(f, "42", "new", "崂山区张村社区5号楼", "楼道堆放杂物");
    route_without(f, w, co, "370212.zhifa");
    assert_string_equal(owner(f, co, buf, sizeof buf), "370212001");
    assert_reasons_end(f, co, "owner", "；系统中还没有主管“市容秩序”的崂山区综合行政执法局，不设协办单位");
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM assignments WHERE complaint_id = %lld AND role = 'co'",
                                 (long long)co), 0);
    route_worker_destroy(&w);
}

/* Orders routed one at a time (Open311's, at a moderate rate) are written by
 * the prepared statement; after its first few runs PostgreSQL must keep one
 * generic plan of it, not plan its twelve parts anew each time (1.4 ms an
 * order where running it takes 0.3). Lookups written into the statement as
 * scalar subqueries, costed for every row of arrays of unknown length, made
 * planning anew look cheaper (migration 065). */
static void test_one_at_a_time_keeps_a_generic_plan(void **state)
{
    fixture *f = *state;
    route_worker *w = route_worker_new(&f->opts);
    route_batch_stats st;
    for (int i = 0; i < 8; i++) {
        char suffix[16];
        snprintf(suffix, sizeof suffix, "5%d", i);
        int64_t id = complaint(f, suffix, "new", "崂山区张村社区5号楼", "楼道堆放杂物");
        assert_int_equal(queue_add(f->q, &id, 1), 0);
        step(w, &st);
        assert_int_equal(st.entries, 1);
        assert_int_equal(st.dispatched + st.manual, 1);
    }
    assert_true(fixture_num(f->pg, "SELECT coalesce(sum(generic_plans), 0) FROM pg_prepared_statements"
                                   " WHERE name = 'route_write'") >= 1);
    route_worker_destroy(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_batch_routes_and_redelivery_changes_nothing),
        cmocka_unit_test(test_events_published),
        cmocka_unit_test(test_only_new_orders_move),
        cmocka_unit_test(test_idle_entries_of_a_dead_consumer),
        cmocka_unit_test(test_reconcile_enqueues_lost_orders),
        cmocka_unit_test(test_returned_order_rerouted_without_the_unit),
        cmocka_unit_test(test_conduct_category_and_working_time),
        cmocka_unit_test(test_split_letter_links_a_conduct_part),
        cmocka_unit_test(test_refused_order_holds_up_no_other),
        cmocka_unit_test(test_unit_missing_named),
        cmocka_unit_test(test_one_at_a_time_keeps_a_generic_plan),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
