/* test_report_live.c — today's live counters: what each event adds, the day
 * rolling over, and a real gap in a publisher's sequence numbers (a raw
 * ZeroMQ PUB socket skips seq 3 and 4) making the counters re-read today's
 * figures from a real PostgreSQL.
 *
 * Needs JIESU_TEST_PG. The rows the gap test adds are inserted inside a
 * transaction on the same connection the reload reads through, and rolled back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>
#include <cmocka.h>

#include "test_servers.h"

#include "bus.h"
#include "report_live.h"
#include "bus_int.h"
#include "test_keys.h"

#define TZ_NAME "Asia/Shanghai"
#define ENDPOINT "inproc://report-live-test"

/* An envelope of type with payload msg (or none) and sequence number seq. */
static Jiesu__Envelope envelope(const char *type, uint64_t seq, uint8_t *buf, size_t len)
{
    Jiesu__Envelope env = JIESU__ENVELOPE__INIT;
    env.type = (char *)type;
    env.id = "feedc0de00000000000000000000abcd";
    env.sender = "test";
    env.seq = seq;
    env.payload.data = buf;
    env.payload.len = len;
    return env;
}

static void test_note(void **state)
{
    (void)state;
    report_live live = {0};
    Jiesu__ImportReply ir = JIESU__IMPORT_REPLY__INIT;
    ir.inserted = 7;
    uint8_t buf[64];
    size_t len = jiesu__import_reply__pack(&ir, buf);
    Jiesu__Envelope imported = envelope("complaint.imported", 1, buf, len);
    Jiesu__Envelope routed = envelope("complaint.routed", 1, NULL, 0);
    Jiesu__Envelope status = envelope("complaint.status", 1, NULL, 0);
    Jiesu__Envelope alert = envelope("alert.raised", 1, NULL, 0);
    Jiesu__Envelope other = envelope("something.else", 1, NULL, 0);
    report_live_note(&live, &imported, 20261122);
    report_live_note(&live, &routed, 20261122);
    report_live_note(&live, &routed, 20261122);
    report_live_note(&live, &alert, 20261122);
    report_live_note(&live, &other, 20261122);
    assert_int_equal(live.events, 5);
    assert_int_equal(live.imported, 7);         /* the import's inserted rows, not one per event */
    assert_int_equal(live.routed, 2);
    assert_int_equal(live.alerts, 1);
    live.gaps = 2;
    live.reloads = 1;
    report_live_note(&live, &status, 20261123);     /* a new day starts the counts over */
    assert_int_equal(live.day, 20261123);
    assert_int_equal(live.events, 1);
    assert_int_equal(live.status, 1);
    assert_int_equal(live.routed, 0);
    assert_int_equal(live.imported, 0);
    assert_int_equal(live.gaps, 2);             /* gaps and reloads are the process's, not the day's */
    assert_int_equal(live.reloads, 1);
    setenv("TZ", TZ_NAME, 1);
    tzset();
    assert_int_equal(report_live_day(1763827200), 20251123);   /* 16:00 UTC is past midnight in Beijing */
}

static void publish(void *pub, const char *type, uint64_t seq)
{
    Jiesu__Envelope env = envelope(type, seq, NULL, 0);
    uint8_t buf[256];
    size_t len = jiesu__envelope__pack(&env, buf);
    assert_int_equal(zmq_send(pub, type, strlen(type), ZMQ_SNDMORE), (int)strlen(type));
    assert_int_equal(zmq_send(pub, buf, len, 0), (int)len);
}

/* Drains sub until at least one event arrived (waiting up to 5 s). */
static int drain_some(report_live *live, bus_sub *sub, PGconn *pg)
{
    for (int i = 0; i < 500; i++) {
        int n = report_live_drain(live, sub, pg, TZ_NAME);
        if (n > 0)
            return n;
        usleep(10000);
    }
    fail_msg("no event arrived in 5 s");
    return 0;
}

static void exec_ok(PGconn *pg, const char *sql)
{
    PGresult *res = PQexec(pg, sql);
    if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
        fail_msg("%s\n-- in: %s", PQerrorMessage(pg), sql);
    PQclear(res);
}

/* Today's orders for the gap test: 3 imported, 2 routed, 1 accepted, 1 alert. */
static void add_today(PGconn *pg)
{
    exec_ok(pg, "INSERT INTO complaints (ticket_no, called_at, content, status)"
                " SELECT 'LIVE-' || g, now(), 'live test', 'dispatched' FROM generate_series(1, 3) g");
    exec_ok(pg, "INSERT INTO complaint_events (complaint_id, actor, event)"
                " SELECT id, 'test', 'imported' FROM complaints WHERE ticket_no LIKE 'LIVE-%'"
                " UNION ALL SELECT id, 'test', 'routed' FROM complaints WHERE ticket_no IN ('LIVE-1', 'LIVE-2')"
                " UNION ALL SELECT id, 'test', 'accepted' FROM complaints WHERE ticket_no = 'LIVE-1'");
    exec_ok(pg, "INSERT INTO alerts (complaint_id, rung, target, reason)"
                " SELECT id, 'remind', 'test', 'live test' FROM complaints WHERE ticket_no = 'LIVE-3'");
}

static void test_gap_rereads_postgresql(void **state)
{
    (void)state;
    char err[512] = "";
    PGconn *pg = test_pg();
    void *zctx = zmq_ctx_new();
    void *pub = zmq_socket(zctx, ZMQ_PUB);
    keys_pair kp = test_keys();
    assert_int_equal(bus_set_curve(pub, &kp, NULL, BUS_ZAP_EVENTS, ENDPOINT, err, sizeof err), 0);
    assert_int_equal(zmq_bind(pub, ENDPOINT), 0);
    bus_sub *sub = bus_sub_new(zctx, ENDPOINT, "", &kp, kp.public_key, err, sizeof err);
    assert_non_null(sub);
    setenv("TZ", TZ_NAME, 1);
    tzset();

    exec_ok(pg, "BEGIN");
    report_live base = {0};
    assert_int_equal(report_live_reload(&base, pg, TZ_NAME, err, sizeof err), 0);
    add_today(pg);

    report_live live = {0};
    int n = 0;
    for (int i = 0; i < 500 && n == 0; i++) {       /* seq 1 until the subscription is up */
        publish(pub, "complaint.routed", 1);
        usleep(10000);
        n = report_live_drain(&live, sub, pg, TZ_NAME);
    }
    assert_true(n > 0);
    assert_int_equal(live.gaps, 0);                 /* a repeated seq 1 is no gap */
    long routed = live.routed;
    publish(pub, "complaint.routed", 2);
    drain_some(&live, sub, pg);
    assert_int_equal(live.routed, routed + 1);      /* counted from the event */
    assert_int_equal(live.reloads, 0);

    publish(pub, "complaint.routed", 5);            /* 3 and 4 never came */
    drain_some(&live, sub, pg);
    assert_int_equal(live.gaps, 1);
    assert_int_equal(live.reloads, 1);
    assert_int_equal(live.imported, base.imported + 3);     /* now PostgreSQL's figures */
    assert_int_equal(live.routed, base.routed + 2);
    assert_int_equal(live.status, base.status + 1);
    assert_int_equal(live.alerts, base.alerts + 1);
    assert_int_equal(live.day, base.day);

    publish(pub, "complaint.status", 1);            /* after the reload, events count on */
    drain_some(&live, sub, pg);
    assert_int_equal(live.status, base.status + 2);
    assert_int_equal(live.reloads, 1);

    exec_ok(pg, "ROLLBACK");
    bus_sub_destroy(&sub);
    zmq_close(pub);
    zmq_ctx_term(zctx);
    PQfinish(pg);
}

static void test_reload_failure_keeps_counts(void **state)
{
    (void)state;
    char err[512] = "";
    PGconn *pg = test_pg();
    report_live live = {.day = 20261122, .routed = 4};
    assert_int_equal(report_live_reload(&live, pg, "Nowhere/Atlantis", err, sizeof err), -1);
    assert_non_null(strstr(err, "re-reading today's counts failed"));
    assert_int_equal(live.routed, 4);
    assert_int_equal(live.reloads, 0);
    PQfinish(pg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_note),
        cmocka_unit_test(test_gap_rereads_postgresql),
        cmocka_unit_test(test_reload_failure_keeps_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
