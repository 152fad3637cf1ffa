/* test_bus.c — the ZeroMQ bus: events with sequence numbers and gap detection,
 * requests and replies, Lazy Pirate retries, a server gone mid-request or not
 * there at all, stale and malformed messages; CURVE on every socket, with a
 * ZAP handler that admits only the test's client key: strangers refused at
 * the handshake, a forged publisher unheard, the user id on every request.
 *
 * Everything runs in this process over ipc:// (and tcp:// on 127.0.0.1) sockets;
 * servers that must answer while a client waits run in a second thread.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>
#include <cmocka.h>

#include "bus.h"
#include "bus_int.h"
#include "clock.h"
#include "keys.h"
#include "zap.h"

#define TAG_A "aaaaaaaaaaaaaaaa"
#define TAG_B "bbbbbbbbbbbbbbbb"

/* ---- fixtures ---- */

#define TEST_USER "tester"

/* The services' pair, the one admitted client's, and a stranger's (made in main). */
static keys_pair SERVER_KEYS, CLIENT_KEYS, STRANGER_KEYS;

/* The test's ZAP decisions: the client key is TEST_USER, everything else is refused. */
static int test_decide(void *ctx, const char *domain, const char *key, const char *address, char *user,
                       size_t idcap, char *why, size_t whycap)
{
    (void)ctx, (void)domain, (void)address;
    if (strcmp(key, CLIENT_KEYS.public_key) == 0)
        return snprintf(user, idcap, TEST_USER) > 0;
    snprintf(why, whycap, "is not the test's client key");
    return 0;
}

/* Each test gets its own context with a ZAP handler; it sets done when it has
 * closed all its sockets. */
typedef struct {
    void *zctx;
    zap  *zap;
    int   done;
} fixture;

static int setup(void **state)
{
    char err[256];
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->zctx = zmq_ctx_new();
    assert_non_null(f->zctx);
    f->zap = zap_start(f->zctx, test_decide, NULL, err, sizeof err);
    assert_non_null(f->zap);
    *state = f;
    return 0;
}

/* zmq_ctx_term waits for every socket, so after a passing test it proves none was
 * left open. A failed assertion skips the test's cleanup: its context is left alone. */
static int teardown(void **state)
{
    fixture *f = *state;
    zap_stop(&f->zap);
    if (f->done)
        assert_int_equal(zmq_ctx_term(f->zctx), 0);
    free(f);
    return 0;
}

static void *zctx_of(void **state)
{
    return ((fixture *)*state)->zctx;
}

static void finish(void **state)
{
    ((fixture *)*state)->done = 1;
}

/* A private ipc:// endpoint for this process. */
static void ipc_endpoint(char *out, size_t len, const char *name)
{
    snprintf(out, len, "ipc:///tmp/jiesu-test-bus-%ld-%s", (long)getpid(), name);
}

/* Removes the socket file an ipc:// endpoint left behind. */
static void ipc_remove(const char *endpoint)
{
    unlink(endpoint + strlen("ipc://"));
}

static void sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static int is_hex32(const char *s)
{
    return strlen(s) == 32 && strspn(s, "0123456789abcdef") == 32;
}

/* A raw socket of the given type, CURVE server (the services' keys) when it
 * will bind, else CURVE client with the admitted key. */
static void *raw_socket(void *zctx, int type, int server)
{
    char err[256];
    int linger = 0;
    void *sock = zmq_socket(zctx, type);
    assert_non_null(sock);
    assert_int_equal(zmq_setsockopt(sock, ZMQ_LINGER, &linger, sizeof linger), 0);
    assert_int_equal(bus_set_curve(sock, server ? &SERVER_KEYS : &CLIENT_KEYS, server ? NULL : SERVER_KEYS.public_key,
                                   BUS_ZAP_EVENTS, "raw", err, sizeof err), 0);
    return sock;
}

/* The bus ends as the tests use them: the services' key pair and the admitted client's. */
static bus_server *test_server(void *zctx, const char *ep, char *err, size_t errlen)
{
    return bus_server_new(zctx, ep, "test", &SERVER_KEYS, err, errlen);
}

static bus_client *test_client(void *zctx, const char *ep, char *err, size_t errlen)
{
    return bus_client_new(zctx, ep, "jiesu", &CLIENT_KEYS, SERVER_KEYS.public_key, err, errlen);
}

/* Packs an envelope by hand, as a foreign or misbehaving peer would. Caller frees. */
static uint8_t *raw_envelope(const char *type, const char *id, const char *sender, uint64_t seq,
                             const ProtobufCMessage *msg, size_t *len)
{
    Jiesu__Envelope env = JIESU__ENVELOPE__INIT;
    uint8_t payload[256];
    size_t plen = protobuf_c_message_get_packed_size(msg);
    assert_true(plen <= sizeof payload);
    protobuf_c_message_pack(msg, payload);
    env.type = (char *)type;
    env.id = (char *)id;
    env.trace_id = "00112233445566778899aabbccddeeff";
    env.sender = (char *)sender;
    env.seq = seq;
    env.payload.data = payload;
    env.payload.len = plen;
    *len = jiesu__envelope__get_packed_size(&env);
    uint8_t *buf = malloc(*len);
    assert_non_null(buf);
    jiesu__envelope__pack(&env, buf);
    return buf;
}

/* Sends one frame; more = 1 when further frames of the same message follow. */
static void raw_send(void *sock, const void *data, size_t len, int more)
{
    assert_int_equal(zmq_send(sock, data, len, more ? ZMQ_SNDMORE : 0), (int)len);
}

/* Receives one whole message into frames[] (each malloc'd, NUL-terminated). Returns the count. */
static int raw_recv(void *sock, int timeout_ms, char *frames[], size_t lens[], int max)
{
    zmq_pollitem_t item = {.socket = sock, .events = ZMQ_POLLIN};
    if (zmq_poll(&item, 1, timeout_ms) <= 0)
        return 0;
    int n = 0, more = 1;
    while (more) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        assert_true(zmq_msg_recv(&m, sock, 0) >= 0);
        assert_true(n < max);
        lens[n] = zmq_msg_size(&m);
        frames[n] = malloc(lens[n] + 1);
        assert_non_null(frames[n]);
        memcpy(frames[n], zmq_msg_data(&m), lens[n]);
        frames[n][lens[n]] = '\0';
        more = zmq_msg_more(&m);
        zmq_msg_close(&m);
        n++;
    }
    return n;
}

static void free_frames(char *frames[], int n)
{
    for (int i = 0; i < n; i++)
        free(frames[i]);
}

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

/* ---- requests ---- */

/* A bus_server answering in its own thread: ping → pong, fail → error,
 * vanish → the first time for a request id, the server closes its socket
 * without answering (as if it crashed) and, when back_ms >= 0, binds again
 * after back_ms (as if restarted); a retry with the same id gets a pong. */
typedef struct {
    void       *zctx;
    char        endpoint[128];  /* in: where to bind; out: the bound endpoint */
    long        delay_ms;       /* wait this long before binding */
    atomic_long back_ms;        /* after a vanish: rebind after this long; < 0: never */
    char        vanished[33];   /* the request id last vanished on */
    char        user_id[ZAP_USER_ID_MAX];   /* who sent the last request, as the server saw it */
    atomic_int  ready;
    atomic_int  stop;
    atomic_int  served;
} server_thread;

/* 1 when req is a vanish request seen for the first time (remembered). */
static int vanish_now(server_thread *t, const bus_request *req)
{
    if (strcmp(req->env->type, "vanish") != 0 || strcmp(t->vanished, req->env->id) == 0)
        return 0;
    snprintf(t->vanished, sizeof t->vanished, "%s", req->env->id);
    return 1;
}

static void serve_one(bus_server *server, const bus_request *req)
{
    if (strcmp(req->env->type, "ping") == 0 || strcmp(req->env->type, "vanish") == 0) {
        Jiesu__Pong pong = JIESU__PONG__INIT;
        pong.service = "test";
        pong.pid = getpid();
        assert_int_equal(bus_server_reply(server, req, "pong", &pong.base), 0);
    } else if (strcmp(req->env->type, "fail") == 0) {
        assert_int_equal(bus_server_reply_error(server, req, 409, "ticket %s not found", "T-1"), 0);
    } else {
        bus_server_reply_error(server, req, 400, "unknown request type '%s'", req->env->type);
    }
}

/* Serves until stopped (0) or asked to vanish (1). */
static int serve(server_thread *t, bus_server *server)
{
    bus_request req;
    memset(&req, 0, sizeof req);
    zmq_pollitem_t item = {.socket = bus_server_socket(server), .events = ZMQ_POLLIN};
    while (!atomic_load(&t->stop)) {
        zmq_poll(&item, 1, 20);
        while (bus_server_recv(server, &req) == 1) {
            snprintf(t->user_id, sizeof t->user_id, "%s", req.user_id);
            atomic_fetch_add(&t->served, 1);   /* before replying: the client checks it on return */
            int vanish = vanish_now(t, &req);
            if (!vanish)
                serve_one(server, &req);
            bus_request_clear(&req);
            if (vanish)
                return 1;
        }
    }
    return 0;
}

static void *server_main(void *arg)
{
    server_thread *t = arg;
    char err[256] = "";
    size_t len = sizeof t->endpoint;
    sleep_ms(t->delay_ms);
    for (;;) {
        bus_server *server = test_server(t->zctx, t->endpoint, err, sizeof err);
        if (!server) {
            fprintf(stderr, "test server: %s\n", err);
            atomic_store(&t->ready, -1);
            return NULL;
        }
        zmq_getsockopt(bus_server_socket(server), ZMQ_LAST_ENDPOINT, t->endpoint, &len);
        atomic_store(&t->ready, 1);
        int vanished = serve(t, server);
        bus_server_destroy(&server);
        if (!vanished || atomic_load(&t->back_ms) < 0)
            return NULL;
        sleep_ms(atomic_load(&t->back_ms));
    }
}

static void server_start(server_thread *t, pthread_t *tid, void *zctx, const char *endpoint, long delay_ms)
{
    memset(t, 0, sizeof *t);
    t->zctx = zctx;
    t->delay_ms = delay_ms;
    snprintf(t->endpoint, sizeof t->endpoint, "%s", endpoint);
    assert_int_equal(pthread_create(tid, NULL, server_main, t), 0);
}

static void server_wait_ready(server_thread *t)
{
    for (int i = 0; i < 500 && !atomic_load(&t->ready); i++)
        sleep_ms(2);
    assert_int_equal(atomic_load(&t->ready), 1);
}

static void server_stop(server_thread *t, pthread_t tid)
{
    atomic_store(&t->stop, 1);
    assert_int_equal(pthread_join(tid, NULL), 0);
}

static void call_ping(bus_client *client, int timeout_ms, int tries)
{
    char err[256] = "";
    Jiesu__Ping ping = JIESU__PING__INIT;
    Jiesu__Envelope *reply = NULL;
    if (bus_client_call(client, "ping", &ping.base, timeout_ms, tries, &reply, err, sizeof err) != 0)
        fail_msg("ping: %s", err);
    assert_string_equal(reply->type, "pong");
    assert_string_equal(reply->sender, "test");
    assert_true(is_hex32(reply->id));
    assert_true(is_hex32(reply->trace_id));
    Jiesu__Pong *pong = BUS_UNPACK(pong, reply);
    assert_non_null(pong);
    assert_string_equal(pong->service, "test");
    assert_int_equal(pong->pid, getpid());
    jiesu__pong__free_unpacked(pong, NULL);
    jiesu__envelope__free_unpacked(reply, NULL);
}

/* Request and reply over tcp://, and an error reply carrying its message. */
static void test_request_reply(void **state)
{
    server_thread t;
    pthread_t tid;
    char err[256] = "";
    Jiesu__Ping ping = JIESU__PING__INIT;
    Jiesu__Envelope *reply = NULL;

    server_start(&t, &tid, zctx_of(state), "tcp://127.0.0.1:*", 0);
    server_wait_ready(&t);
    bus_client *client = test_client(zctx_of(state), t.endpoint, err, sizeof err);
    assert_non_null(client);
    call_ping(client, 2000, 1);
    call_ping(client, 2000, 1);

    assert_int_equal(bus_client_call(client, "fail", &ping.base, 2000, 1, &reply, err, sizeof err), -1);
    assert_null(reply);
    assert_string_equal(err, "ticket T-1 not found");
    assert_int_equal(bus_client_call(client, "what", NULL, 2000, 1, &reply, err, sizeof err), -1);
    assert_string_equal(err, "unknown request type 'what'");
    call_ping(client, 2000, 1);   /* the client is still usable after errors */
    assert_int_equal(atomic_load(&t.served), 5);
    assert_string_equal(t.user_id, TEST_USER);   /* from the handshake, not from anything sent */

    bus_client_destroy(&client);
    assert_null(client);
    server_stop(&t, tid);
    finish(state);
}

/* Nobody listens at first: the client retries on fresh sockets until the server appears. */
static void test_client_retry(void **state)
{
    server_thread t;
    pthread_t tid;
    char ep[128], err[256] = "";
    ipc_endpoint(ep, sizeof ep, "retry");
    bus_client *client = test_client(zctx_of(state), ep, err, sizeof err);
    assert_non_null(client);

    /* No server, one try: a clear error naming the endpoint. */
    Jiesu__Ping ping = JIESU__PING__INIT;
    Jiesu__Envelope *reply = NULL;
    int64_t t0 = clock_mono_ms();
    assert_int_equal(bus_client_call(client, "ping", &ping.base, 50, 2, &reply, err, sizeof err), -1);
    assert_true(clock_mono_ms() - t0 >= 100);
    assert_non_null(strstr(err, ep));
    assert_non_null(strstr(err, "2 tries"));

    server_start(&t, &tid, zctx_of(state), ep, 250);
    t0 = clock_mono_ms();
    call_ping(client, 100, 20);
    int64_t took = clock_mono_ms() - t0;
    assert_true(took >= 200 && took < 1500);
    /* The requests of the tries before the server bound went nowhere; the try just before
     * the one answered may have reached it too late for its (closed) socket. */
    assert_true(atomic_load(&t.served) >= 1 && atomic_load(&t.served) <= 2);
    bus_client_destroy(&client);
    server_stop(&t, tid);
    ipc_remove(ep);
    finish(state);
}

/* Calls "vanish" with a long timeout; returns bus_client_call's result, with
 * how long it took in *took and err set. */
static int call_vanish(bus_client *client, int tries, int64_t *took, char *err, size_t errlen)
{
    Jiesu__Ping ping = JIESU__PING__INIT;
    Jiesu__Envelope *reply = NULL;
    int64_t t0 = clock_mono_ms();
    int rc = bus_client_call(client, "vanish", &ping.base, 60000, tries, &reply, err, errlen);
    *took = clock_mono_ms() - t0;
    if (rc == 0) {
        assert_string_equal(reply->type, "pong");
        jiesu__envelope__free_unpacked(reply, NULL);
    }
    return rc;
}

/* The server goes away while a request waits for its reply: the try ends at
 * once instead of after its 60 s; restarted, the retry gets the answer; not
 * restarted, the call ends after the connect wait, saying so. */
static void test_client_server_gone(void **state)
{
    server_thread t;
    pthread_t tid;
    int64_t took;
    char ep[128], err[256] = "";
    ipc_endpoint(ep, sizeof ep, "gone");
    server_start(&t, &tid, zctx_of(state), ep, 0);
    atomic_store(&t.back_ms, 200);
    server_wait_ready(&t);
    bus_client *client = test_client(zctx_of(state), ep, err, sizeof err);
    assert_non_null(client);
    bus_client_set_connect_wait(client, 1000);

    assert_int_equal(call_vanish(client, 1, &took, err, sizeof err), -1);
    assert_true(took < 5000);
    assert_non_null(strstr(err, "went away while answering vanish"));
    assert_non_null(strstr(err, ep));

    assert_int_equal(call_vanish(client, 2, &took, err, sizeof err), 0);   /* restarted after 200 ms */
    assert_true(took < 5000);
    assert_int_equal(atomic_load(&t.served), 3);

    atomic_store(&t.back_ms, -1);                                             /* now for good */
    assert_int_equal(call_vanish(client, 3, &took, err, sizeof err), -1);
    assert_true(took >= 1000 && took < 6000);
    assert_non_null(strstr(err, "went away while answering vanish and is not back after 1000 ms"));
    assert_int_equal(pthread_join(tid, NULL), 0);
    bus_client_destroy(&client);
    ipc_remove(ep);
    finish(state);
}

/* Nobody there: a call with a long timeout ends after the connect wait, without more tries. */
static void test_client_nobody_there(void **state)
{
    char ep[128], err[256] = "";
    ipc_endpoint(ep, sizeof ep, "nobody");
    bus_client *client = test_client(zctx_of(state), ep, err, sizeof err);
    assert_non_null(client);
    bus_client_set_connect_wait(client, 300);
    Jiesu__Ping ping = JIESU__PING__INIT;
    Jiesu__Envelope *reply = NULL;
    int64_t t0 = clock_mono_ms();
    assert_int_equal(bus_client_call(client, "ping", &ping.base, 60000, 3, &reply, err, sizeof err), -1);
    int64_t took = clock_mono_ms() - t0;
    assert_true(took >= 300 && took < 3000);
    assert_null(reply);
    assert_non_null(strstr(err, "nothing answers at"));
    assert_non_null(strstr(err, ep));
    bus_client_destroy(&client);
    finish(state);
}

/* A raw ROUTER that answers every request first with junk and a stale id, then properly. */
typedef struct {
    void      *sock;
    atomic_int stop;
} stale_router;

static void *stale_main(void *arg)
{
    stale_router *r = arg;
    char *f[4];
    size_t lens[4], len;
    while (!atomic_load(&r->stop)) {
        int n = raw_recv(r->sock, 20, f, lens, 4);
        if (n == 0)
            continue;
        Jiesu__Envelope *req = jiesu__envelope__unpack(NULL, lens[2], (uint8_t *)f[2]);
        Jiesu__Pong pong = JIESU__PONG__INIT;
        pong.service = "stale";
        uint8_t *old = raw_envelope("pong", "0123456789abcdef0123456789abcdef", "test", 0, &pong.base, &len);
        raw_send(r->sock, f[0], lens[0], 1);
        raw_send(r->sock, "", 0, 1);
        raw_send(r->sock, "junk", 4, 0);
        raw_send(r->sock, f[0], lens[0], 1);
        raw_send(r->sock, "", 0, 1);
        raw_send(r->sock, old, len, 0);
        free(old);
        pong.service = "test";
        pong.pid = getpid();
        uint8_t *good = raw_envelope("pong", req->id, "test", 0, &pong.base, &len);
        raw_send(r->sock, f[0], lens[0], 1);
        raw_send(r->sock, "", 0, 1);
        raw_send(r->sock, good, len, 0);
        free(good);
        jiesu__envelope__free_unpacked(req, NULL);
        free_frames(f, n);
    }
    return NULL;
}

static void test_stale_reply_ignored(void **state)
{
    char ep[128], err[256] = "";
    pthread_t tid;
    stale_router r = {.sock = raw_socket(zctx_of(state), ZMQ_ROUTER, 1)};
    ipc_endpoint(ep, sizeof ep, "stale");
    assert_int_equal(zmq_bind(r.sock, ep), 0);
    assert_int_equal(pthread_create(&tid, NULL, stale_main, &r), 0);
    bus_client *client = test_client(zctx_of(state), ep, err, sizeof err);
    assert_non_null(client);
    call_ping(client, 2000, 1);   /* checks the payload came from the right reply */
    call_ping(client, 2000, 1);
    bus_client_destroy(&client);
    atomic_store(&r.stop, 1);
    assert_int_equal(pthread_join(tid, NULL), 0);
    zmq_close(r.sock);
    ipc_remove(ep);
    finish(state);
}

/* Polls the server until bus_server_recv yields a request (1) or a second passes (0). */
static int server_next(bus_server *server, bus_request *req)
{
    zmq_pollitem_t item = {.socket = bus_server_socket(server), .events = ZMQ_POLLIN};
    for (int i = 0; i < 50; i++) {
        int rc = bus_server_recv(server, req);
        assert_true(rc >= 0);
        if (rc == 1)
            return 1;
        zmq_poll(&item, 1, 20);
    }
    return 0;
}

/* Reads one reply at a raw DEALER: checks the framing and returns the envelope. */
static Jiesu__Envelope *dealer_reply(void *dealer, int delimited)
{
    char *f[4];
    size_t lens[4];
    int n = raw_recv(dealer, 1000, f, lens, 4);
    assert_int_equal(n, delimited ? 2 : 1);
    if (delimited)
        assert_int_equal(lens[0], 0);
    Jiesu__Envelope *env = jiesu__envelope__unpack(NULL, lens[n - 1], (uint8_t *)f[n - 1]);
    assert_non_null(env);
    free_frames(f, n);
    return env;
}

static void expect_error(Jiesu__Envelope *env, const char *id, const char *text)
{
    assert_string_equal(env->type, "error");
    assert_string_equal(env->id, id);
    Jiesu__Error *e = BUS_UNPACK(error, env);
    assert_non_null(e);
    assert_int_equal(e->code, 400);
    assert_non_null(strstr(e->message, text));
    jiesu__error__free_unpacked(e, NULL);
    jiesu__envelope__free_unpacked(env, NULL);
}

/* Malformed requests are answered with errors and skipped; a DEALER without the
 * empty delimiter is served in its own framing; unroutable replies fail softly. */
static void test_server_malformed(void **state)
{
    char ep[128], err[256] = "";
    size_t len;
    bus_request req;
    memset(&req, 0, sizeof req);
    ipc_endpoint(ep, sizeof ep, "malformed");
    bus_server *server = test_server(zctx_of(state), ep, err, sizeof err);
    assert_non_null(server);
    void *dealer = raw_socket(zctx_of(state), ZMQ_DEALER, 0);
    assert_int_equal(zmq_connect(dealer, ep), 0);

    Jiesu__Ping ping = JIESU__PING__INIT;
    uint8_t *untyped = raw_envelope("", "id-untyped", "raw", 0, &ping.base, &len);
    raw_send(dealer, "", 0, 1);
    raw_send(dealer, "\x0a\xff garbage", 10, 0);
    raw_send(dealer, "", 0, 1);
    raw_send(dealer, untyped, len, 0);
    free(untyped);
    raw_send(dealer, "", 0, 1);
    raw_send(dealer, "a", 1, 1);
    raw_send(dealer, "b", 1, 0);
    uint8_t *good = raw_envelope("ping", "id-good", "raw", 0, &ping.base, &len);
    raw_send(dealer, good, len, 0);   /* no delimiter */

    assert_int_equal(server_next(server, &req), 1);
    assert_string_equal(req.env->type, "ping");
    assert_string_equal(req.env->id, "id-good");
    assert_string_equal(req.user_id, TEST_USER);
    assert_int_equal(req.delimited, 0);
    assert_true(req.identity_len > 0);
    serve_one(server, &req);
    bus_request_clear(&req);
    assert_null(req.env);

    expect_error(dealer_reply(dealer, 1), "", "not a protobuf Envelope");
    expect_error(dealer_reply(dealer, 1), "id-untyped", "without a type");
    expect_error(dealer_reply(dealer, 1), "", "frames");
    Jiesu__Envelope *pong = dealer_reply(dealer, 0);
    assert_string_equal(pong->type, "pong");
    assert_string_equal(pong->id, "id-good");
    jiesu__envelope__free_unpacked(pong, NULL);

    /* A client that is gone: the reply fails, the server carries on. */
    bus_request ghost = {.identity = "ghost", .identity_len = 5};
    assert_int_equal(bus_server_reply_error(server, &ghost, 500, "nobody hears this"), -1);
    raw_send(dealer, "", 0, 1);
    raw_send(dealer, good, len, 0);
    free(good);
    assert_int_equal(server_next(server, &req), 1);
    assert_int_equal(req.delimited, 1);
    serve_one(server, &req);
    bus_request_clear(&req);
    pong = dealer_reply(dealer, 1);
    assert_string_equal(pong->type, "pong");
    jiesu__envelope__free_unpacked(pong, NULL);

    zmq_close(dealer);
    bus_server_destroy(&server);
    assert_null(server);
    ipc_remove(ep);
    finish(state);
}

/* Bad endpoints and taken addresses fail at creation with the endpoint named. */
static void test_bad_endpoints(void **state)
{
    char err[256] = "", ep[128];
    size_t len = sizeof ep;
    assert_null(test_server(zctx_of(state), "nonsense://x", err, sizeof err));
    assert_non_null(strstr(err, "nonsense://x"));
    assert_null(test_client(zctx_of(state), "tcp://", err, sizeof err));
    assert_non_null(strstr(err, "tcp://"));
    assert_null(bus_sub_new(zctx_of(state), "nonsense://y", "", &CLIENT_KEYS, SERVER_KEYS.public_key, err, sizeof err));

    bus_pub *pub = bus_pub_new(zctx_of(state), "tcp://127.0.0.1:*", "test", &SERVER_KEYS, err, sizeof err);
    assert_non_null(pub);
    /* Bind a server to a free port, then try to publish on the same one. */
    bus_server *server = test_server(zctx_of(state), "tcp://127.0.0.1:*", err, sizeof err);
    assert_non_null(server);
    assert_int_equal(zmq_getsockopt(bus_server_socket(server), ZMQ_LAST_ENDPOINT, ep, &len), 0);
    assert_null(bus_pub_new(zctx_of(state), ep, "test", &SERVER_KEYS, err, sizeof err));
    assert_non_null(strstr(err, ep));
    bus_server_destroy(&server);
    bus_pub_destroy(&pub);
    bus_pub_destroy(&pub);   /* destroying twice is harmless */
    finish(state);
}

/* A second server on an ipc:// endpoint someone serves is refused, naming
 * it (ZeroMQ alone would take the address from the first, which then never
 * hears another request); a socket file nobody listens on is taken. */
static void test_ipc_endpoint_in_use(void **state)
{
    char err[512] = "", ep[128];
    ipc_endpoint(ep, sizeof ep, "in-use");
    bus_server *first = test_server(zctx_of(state), ep, err, sizeof err);
    assert_non_null(first);
    assert_null(test_server(zctx_of(state), ep, err, sizeof err));
    assert_non_null(strstr(err, ep));
    assert_non_null(strstr(err, "another process is serving there"));
    assert_null(bus_pub_new(zctx_of(state), ep, "test", &SERVER_KEYS, err, sizeof err));
    assert_non_null(strstr(err, "another process is serving there"));
    bus_server_destroy(&first);

    /* a file left by a process that died: nobody answers on it */
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    assert_true(strlen(ep + strlen("ipc://")) < sizeof a.sun_path);
    memcpy(a.sun_path, ep + strlen("ipc://"), strlen(ep + strlen("ipc://")) + 1);
    ipc_remove(ep);    /* the first's file, if ZeroMQ has not removed it yet */
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    close(fd);
    bus_server *again = test_server(zctx_of(state), ep, err, sizeof err);
    assert_non_null(again);
    bus_server_destroy(&again);
    ipc_remove(ep);
    finish(state);
}

/* ---- who may connect ---- */

/* Pings a fresh test server once with the given client key pair, holding
 * server_key as the server's public key. The call's result, err filled;
 * *served how many requests the server saw, *took how long it took. */
static int ping_as(void **state, const keys_pair *mine, const char *server_key, int *served, int64_t *took, char *err,
                   size_t errlen)
{
    server_thread t;
    pthread_t tid;
    Jiesu__Ping ping = JIESU__PING__INIT;
    Jiesu__Envelope *reply = NULL;
    server_start(&t, &tid, zctx_of(state), "tcp://127.0.0.1:*", 0);
    server_wait_ready(&t);
    bus_client *client = bus_client_new(zctx_of(state), t.endpoint, "jiesu", mine, server_key, err, errlen);
    assert_non_null(client);
    bus_client_set_connect_wait(client, 1000);
    int64_t t0 = clock_mono_ms();
    int rc = bus_client_call(client, "ping", &ping.base, 30000, 3, &reply, err, errlen);
    *took = clock_mono_ms() - t0;
    assert_null(reply);
    *served = atomic_load(&t.served);
    bus_client_destroy(&client);
    server_stop(&t, tid);
    return rc;
}

/* A key the ZAP handler does not admit is refused at the handshake: the call
 * ends at once, saying so, and the server never sees the request. Without
 * keys there is no socket at all. */
static void test_unknown_key_refused(void **state)
{
    char err[256] = "";
    int served;
    int64_t took;
    assert_int_equal(ping_as(state, &STRANGER_KEYS, SERVER_KEYS.public_key, &served, &took, err, sizeof err), -1);
    assert_true(took < 5000);
    assert_non_null(strstr(err, "refused this key"));
    assert_int_equal(served, 0);
    assert_null(bus_client_new(zctx_of(state), "tcp://127.0.0.1:1", "jiesu", NULL, SERVER_KEYS.public_key, err,
                               sizeof err));
    assert_non_null(strstr(err, "CURVE"));
    assert_null(bus_server_new(zctx_of(state), "tcp://127.0.0.1:*", "test", NULL, err, sizeof err));
    finish(state);
}

/* A client that holds the wrong public key for the server (an impostor
 * listening there) gets no reply: the handshake fails and the call says so. */
static void test_wrong_server_key(void **state)
{
    char err[256] = "";
    int served;
    int64_t took;
    assert_int_equal(ping_as(state, &CLIENT_KEYS, STRANGER_KEYS.public_key, &served, &took, err, sizeof err), -1);
    assert_true(took < 10000);
    assert_non_null(strstr(err, "CURVE handshake"));
    assert_int_equal(served, 0);
    finish(state);
}

/* Counts the events sub receives while pub sends n (none expected: the
 * handshake between them fails). */
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
        cmocka_unit_test_setup_teardown(test_request_reply, setup, teardown),
        cmocka_unit_test_setup_teardown(test_client_retry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_client_server_gone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_client_nobody_there, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stale_reply_ignored, setup, teardown),
        cmocka_unit_test_setup_teardown(test_server_malformed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ipc_endpoint_in_use, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_endpoints, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_key_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_server_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_forged_publisher, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
