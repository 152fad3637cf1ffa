/* test_report_live.c — today's live counters: read from a real PostgreSQL
 * (every 'imported' event, whichever process stored it), events only marking
 * them stale (a raw ZeroMQ PUB socket publishes them), and when a read is due.
 *
 * Needs JIESU_TEST_PG. The rows the tests add are inserted inside a
 * transaction on the same connection the read goes through, and rolled back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static void publish(void *pub, const char *type, uint64_t seq)
{
    Jiesu__Envelope env = JIESU__ENVELOPE__INIT;
    env.type = (char *)type;
    env.id = "feedc0de00000000000000000000abcd";
    env.sender = "test";
    env.seq = seq;
    uint8_t buf[256];
    size_t len = jiesu__envelope__pack(&env, buf);
    assert_int_equal(zmq_send(pub, type, strlen(type), ZMQ_SNDMORE), (int)strlen(type));
    assert_int_equal(zmq_send(pub, buf, len, 0), (int)len);
}

static void exec_ok(PGconn *pg, const char *sql)
{
    PGresult *res = PQexec(pg, sql);
    if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
        fail_msg("%s\n-- in: %s", PQerrorMessage(pg), sql);
    PQclear(res);
}

/* Today's orders: 3 imported (one through Open311), 2 routed, 1 accepted, 1 alert. */
static void add_today(PGconn *pg)
{
    exec_ok(pg, "INSERT INTO complaints (ticket_no, called_at, content, status)"
                " SELECT 'LIVE-' || g, now(), 'live test', 'dispatched' FROM generate_series(1, 3) g");
    exec_ok(pg, "INSERT INTO complaint_events (complaint_id, actor, event)"
                " SELECT id, 'test', 'imported' FROM complaints WHERE ticket_no IN ('LIVE-1', 'LIVE-2')"
                " UNION ALL SELECT id, 'open311', 'imported' FROM complaints WHERE ticket_no = 'LIVE-3'"
                " UNION ALL SELECT id, 'test', 'routed' FROM complaints WHERE ticket_no IN ('LIVE-1', 'LIVE-2')"
                " UNION ALL SELECT id, 'test', 'accepted' FROM complaints WHERE ticket_no = 'LIVE-1'");
    exec_ok(pg, "INSERT INTO alerts (complaint_id, rung, target, reason)"
                " SELECT id, 'remind', 'test', 'live test' FROM complaints WHERE ticket_no = 'LIVE-3'");
}

static void test_reload_counts_today(void **state)
{
    (void)state;
    char err[512] = "";
    PGconn *pg = test_pg();
    exec_ok(pg, "BEGIN");
    report_live base = {0};
    assert_int_equal(report_live_reload(&base, pg, TZ_NAME, err, sizeof err), 0);
    add_today(pg);
    report_live live = {.stale = 1};
    assert_int_equal(report_live_reload(&live, pg, TZ_NAME, err, sizeof err), 0);
    assert_int_equal(live.imported, base.imported + 3);     /* the Open311 one too */
    assert_int_equal(live.routed, base.routed + 2);
    assert_int_equal(live.status, base.status + 1);
    assert_int_equal(live.alerts, base.alerts + 1);
    assert_int_equal(live.day, base.day);
    assert_true(live.day > 20000101);
    assert_int_equal(live.reloads, 1);
    assert_int_equal(live.stale, 0);
    exec_ok(pg, "ROLLBACK");
    PQfinish(pg);
}

static void test_events_mark_stale(void **state)
{
    (void)state;
    char err[512] = "";
    void *zctx = zmq_ctx_new();
    void *pub = zmq_socket(zctx, ZMQ_PUB);
    keys_pair kp = test_keys();
    assert_int_equal(bus_set_curve(pub, &kp, NULL, BUS_ZAP_EVENTS, ENDPOINT, err, sizeof err), 0);
    assert_int_equal(zmq_bind(pub, ENDPOINT), 0);
    bus_sub *sub = bus_sub_new(zctx, ENDPOINT, "", &kp, kp.public_key, err, sizeof err);
    assert_non_null(sub);
    report_live live = {.routed = 4};
    int n = 0;
    for (int i = 0; i < 500 && n == 0; i++) {       /* until the subscription is up */
        publish(pub, "complaint.routed", 1);
        usleep(10000);
        n = report_live_drain(&live, sub);
    }
    assert_true(n > 0);
    assert_int_equal(live.stale, 1);
    assert_int_equal(live.events, n);
    assert_int_equal(live.routed, 4);               /* events never change the counts */
    bus_sub_destroy(&sub);
    zmq_close(pub);
    zmq_ctx_term(zctx);
}

static void test_due(void **state)
{
    (void)state;
    report_live live = {0};
    assert_true(report_live_due(&live, 5000));      /* never read */
    live.read_at = 5000;
    assert_false(report_live_due(&live, 5000 + REPORT_LIVE_SOON_MS));
    assert_true(report_live_due(&live, 5000 + REPORT_LIVE_EVERY_MS));   /* every second anyway */
    live.stale = 1;
    assert_false(report_live_due(&live, 5000 + REPORT_LIVE_SOON_MS - 1));
    assert_true(report_live_due(&live, 5000 + REPORT_LIVE_SOON_MS));
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
        cmocka_unit_test(test_reload_counts_today),
        cmocka_unit_test(test_events_mark_stale),
        cmocka_unit_test(test_due),
        cmocka_unit_test(test_reload_failure_keeps_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
