/* test_bus.c — the ZeroMQ bus's events: sequence numbers and gap detection,
 * ids, and a forged publisher unheard (CURVE with a ZAP handler admitting
 * only the test's client key). Requests are in test_bus_request.c.
 *
 * Everything runs in this process over ipc:// sockets.
 */
#include "test_bus_fixture.h"

/* ---- helpers ---- */

static void test_ids(void **state)
{
    (void)state;
    char a[33], b[33];
    bus_new_id(a);
    bus_new_id(b);
    assert_true(is_hex32(a));
    assert_true(is_hex32(b));
    assert_string_not_equal(a, b);
    int64_t now = clock_wall_ms(), wall = (int64_t)time(NULL) * 1000;
    assert_true(now > wall - 2000 && now < wall + 2000);
}

/* ---- events ---- */

/* Publishes warm-up events until the subscription has reached the publisher.
 * Later ones may still arrive: next_event() skips them. */
static void pub_warm_up(bus_pub *pub, bus_sub *sub)
{
    Jiesu__Ping ping = JIESU__PING__INIT;
    Jiesu__Envelope *env = NULL;
    int gap;
    for (int i = 0; i < 200; i++) {
        assert_int_equal(bus_pub_send(pub, "complaint.warmup", &ping.base, NULL), 0);
        if (bus_sub_recv(sub, 10, &env, &gap) == 1)
            break;
    }
    assert_non_null(env);
    jiesu__envelope__free_unpacked(env, NULL);
}

/* The next event that is not a warm-up one (those may still be in flight). */
static Jiesu__Envelope *next_event(bus_sub *sub, int *gap)
{
    Jiesu__Envelope *env = NULL;
    for (;;) {
        assert_int_equal(bus_sub_recv(sub, 1000, &env, gap), 1);
        if (strcmp(env->type, "complaint.warmup") != 0 && strcmp(env->sender, "warmup") != 0)
            return env;
        jiesu__envelope__free_unpacked(env, NULL);
    }
}

static void expect_status(bus_sub *sub, int64_t complaint_id, uint64_t seq, const char *trace)
{
    int gap = -1;
    Jiesu__Envelope *env = next_event(sub, &gap);
    assert_string_equal(env->type, "complaint.status");
    assert_string_equal(env->sender, "assignment");
    assert_true(is_hex32(env->id));
    assert_int_equal(env->seq, seq);
    assert_int_equal(gap, 0);
    if (trace)
        assert_string_equal(env->trace_id, trace);
    else
        assert_true(is_hex32(env->trace_id));
    assert_true(env->sent_at_ms > clock_wall_ms() - 5000);
    Jiesu__StatusChange *sc = BUS_UNPACK(status_change, env);
    assert_non_null(sc);
    assert_int_equal(sc->complaint_id, complaint_id);
    assert_string_equal(sc->to_status, "accepted");
    jiesu__status_change__free_unpacked(sc, NULL);
    jiesu__envelope__free_unpacked(env, NULL);
}

/* Events arrive numbered 1, 2, 3 per type; a prefix filter sees no false gaps. */
static void test_pubsub_round_trip(void **state)
{
    char ep[128], err[256] = "";
    ipc_endpoint(ep, sizeof ep, "events");
    bus_pub *pub = bus_pub_new(zctx_of(state), ep, "assignment", &SERVER_KEYS, err, sizeof err);
    assert_non_null(pub);
    bus_sub *sub = bus_sub_new(zctx_of(state), ep, "complaint.", &CLIENT_KEYS, SERVER_KEYS.public_key, err, sizeof err);
    assert_non_null(sub);
    assert_non_null(bus_sub_socket(sub));
    pub_warm_up(pub, sub);

    Jiesu__StatusChange sc = JIESU__STATUS_CHANGE__INIT;
    Jiesu__Alert alert = JIESU__ALERT__INIT;
    sc.to_status = "accepted";
    for (int i = 1; i <= 3; i++) {
        sc.complaint_id = i;
        assert_int_equal(bus_pub_send(pub, "complaint.status", &sc.base, i == 1 ? "trace-one" : NULL), 0);
        /* Not subscribed: filtered at the publisher, and not a gap in complaint.status. */
        assert_int_equal(bus_pub_send(pub, "alert.raised", &alert.base, NULL), 0);
    }
    expect_status(sub, 1, 1, "trace-one");
    expect_status(sub, 2, 2, NULL);
    expect_status(sub, 3, 3, NULL);

    Jiesu__Envelope *env = NULL;
    int gap;
    assert_int_equal(bus_sub_recv(sub, 30, &env, &gap), 0);
    assert_null(env);
    bus_sub_destroy(&sub);
    bus_pub_destroy(&pub);
    assert_null(sub);
    assert_null(pub);
    ipc_remove(ep);
    finish(state);
}

/* A raw publisher sends an event with a chosen id tag and seq. */
static void raw_event(void *sock, const char *sender, const char *tag, uint64_t seq)
{
    char id[33];
    size_t len;
    Jiesu__Ping ping = JIESU__PING__INIT;
    snprintf(id, sizeof id, "%s%016llx", tag, (unsigned long long)seq);
    uint8_t *buf = raw_envelope("complaint.routed", id, sender, seq, &ping.base, &len);
    raw_send(sock, "complaint.routed", strlen("complaint.routed"), 1);
    raw_send(sock, buf, len, 0);
    free(buf);
}

static void expect_event(bus_sub *sub, const char *sender, uint64_t seq, int want_gap)
{
    int gap = -1;
    Jiesu__Envelope *env = next_event(sub, &gap);
    assert_string_equal(env->sender, sender);
    assert_int_equal(env->seq, seq);
    assert_int_equal(gap, want_gap);
    jiesu__envelope__free_unpacked(env, NULL);
}

/* A sender that skips numbers is reported as a gap; a new publisher tag starts afresh;
 * frames that are not events are skipped. */
static void test_sub_gap(void **state)
{
    char ep[128], err[256] = "";
    Jiesu__Envelope *env = NULL;
    int gap = 0;
    ipc_endpoint(ep, sizeof ep, "gap");
    void *pub = raw_socket(zctx_of(state), ZMQ_PUB, 1);
    assert_int_equal(zmq_bind(pub, ep), 0);
    bus_sub *sub = bus_sub_new(zctx_of(state), ep, "", &CLIENT_KEYS, SERVER_KEYS.public_key, err, sizeof err);
    assert_non_null(sub);
    for (uint64_t i = 1; i <= 200 && !env; i++) {
        raw_event(pub, "warmup", TAG_B, i);
        bus_sub_recv(sub, 10, &env, &gap);
    }
    assert_non_null(env);
    assert_int_equal(gap, 0);               /* first event seen from a sender: no gap we can tell */
    jiesu__envelope__free_unpacked(env, NULL);

    raw_event(pub, "intake", TAG_A, 7);     /* joined late: not a gap */
    raw_event(pub, "intake", TAG_A, 8);
    raw_event(pub, "intake", TAG_A, 10);    /* 9 lost */
    raw_send(pub, "junk", 4, 0);            /* one frame only */
    raw_send(pub, "complaint.routed", 16, 1);
    raw_send(pub, "not an envelope \xff\xff", 18, 0);
    raw_event(pub, "intake", TAG_A, 11);
    raw_event(pub, "intake", TAG_B, 1);     /* a restarted publisher: a new stream */
    raw_event(pub, "intake", TAG_B, 2);
    raw_event(pub, "intake", TAG_A, 14);    /* the old stream, 12 and 13 lost */
    expect_event(sub, "intake", 7, 0);
    expect_event(sub, "intake", 8, 0);
    expect_event(sub, "intake", 10, 1);
    expect_event(sub, "intake", 11, 0);
    expect_event(sub, "intake", 1, 0);
    expect_event(sub, "intake", 2, 0);
    expect_event(sub, "intake", 14, 1);
    assert_int_equal(bus_sub_recv(sub, 20, &env, NULL), 0);
    bus_sub_destroy(&sub);
    zmq_close(pub);
    ipc_remove(ep);
    finish(state);
}

/* ---- who may publish ---- */

static int events_heard(bus_pub *pub, bus_sub *sub, int n)
{
    Jiesu__Ping ping = JIESU__PING__INIT;
    Jiesu__Envelope *env = NULL;
    int heard = 0, gap;
    for (int i = 0; i < n; i++) {
        assert_int_equal(bus_pub_send(pub, "complaint.warmup", &ping.base, NULL), 0);
        if (bus_sub_recv(sub, 5, &env, &gap) == 1) {
            heard++;
            jiesu__envelope__free_unpacked(env, NULL);
        }
    }
    return heard;
}

/* A forged publisher (not holding the service's secret key) cannot feed a
 * subscriber, and a subscriber whose key is not admitted hears nothing. */
static void test_forged_publisher(void **state)
{
    char ep[128], err[256] = "";
    ipc_endpoint(ep, sizeof ep, "forged");
    bus_pub *forged = bus_pub_new(zctx_of(state), ep, "intake", &STRANGER_KEYS, err, sizeof err);
    assert_non_null(forged);
    bus_sub *sub = bus_sub_new(zctx_of(state), ep, "", &CLIENT_KEYS, SERVER_KEYS.public_key, err, sizeof err);
    assert_non_null(sub);
    assert_int_equal(events_heard(forged, sub, 100), 0);
    bus_sub_destroy(&sub);
    bus_pub_destroy(&forged);
    ipc_remove(ep);

    bus_pub *pub = bus_pub_new(zctx_of(state), ep, "intake", &SERVER_KEYS, err, sizeof err);
    assert_non_null(pub);
    bus_sub *eavesdropper = bus_sub_new(zctx_of(state), ep, "", &STRANGER_KEYS, SERVER_KEYS.public_key, err,
                                        sizeof err);
    assert_non_null(eavesdropper);
    assert_int_equal(events_heard(pub, eavesdropper, 100), 0);
    bus_sub *admitted = bus_sub_new(zctx_of(state), ep, "", &CLIENT_KEYS, SERVER_KEYS.public_key, err, sizeof err);
    assert_non_null(admitted);
    pub_warm_up(pub, admitted);     /* the same publisher reaches the admitted key */
    bus_sub_destroy(&admitted);
    bus_sub_destroy(&eavesdropper);
    bus_pub_destroy(&pub);
    ipc_remove(ep);
    finish(state);
}


int main(void)
{
    assert_true(keys_generate(&SERVER_KEYS) == 0 && keys_generate(&CLIENT_KEYS) == 0 &&
                keys_generate(&STRANGER_KEYS) == 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ids),
        cmocka_unit_test_setup_teardown(test_pubsub_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sub_gap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_forged_publisher, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
