/* test_bus_request.c — the bus's requests and replies: Lazy Pirate retries, a
 * server gone mid-request or not there at all, stale and malformed messages,
 * endpoints refused or already in use; who may connect: strangers refused at
 * the CURVE handshake, a handler that cannot check keys now, the wrong server
 * key, the user id on every request.
 *
 * Everything runs in this process over ipc:// (and tcp:// on 127.0.0.1) sockets;
 * servers that must answer while a client waits run in a second thread.
 */
#include "test_bus_fixture.h"
#include "test_capture.h"

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
    assert_int_equal(bus_client_absent(client), 0);
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
    assert_non_null(strstr(err, "试了 2 次"));

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
    assert_non_null(strstr(err, "在答复时断开了"));
    assert_int_equal(bus_client_absent(client), 0);      /* it got the request: it may have done it */
    assert_non_null(strstr(err, ep));

    assert_int_equal(call_vanish(client, 2, &took, err, sizeof err), 0);   /* restarted after 200 ms */
    assert_true(took < 5000);
    assert_int_equal(atomic_load(&t.served), 3);

    atomic_store(&t.back_ms, -1);                                             /* now for good */
    assert_int_equal(call_vanish(client, 3, &took, err, sizeof err), -1);
    assert_true(took >= 1000 && took < 6000);
    assert_non_null(strstr(err, "在答复时断开了，1000 毫秒后还没回来"));
    assert_null(strstr(err, "vanish"));      /* a person reads it: no request type */
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
    assert_non_null(strstr(err, "没有应答"));
    assert_non_null(strstr(err, ep));
    assert_int_equal(bus_client_absent(client), 1);      /* the request surely did nothing */
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

/* 1 when the log line holding what is tagged level (before what on that line). */
static int logged_as(const char *log, const char *what, const char *level)
{
    const char *at = strstr(log, what), *start = at;
    while (start && start > log && start[-1] != '\n')
        start--;
    const char *tag = start ? strstr(start, level) : NULL;
    return tag && tag < at;
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

    /* A client that is gone: the reply fails, said as a warning (a pong, a
     * probe that stopped waiting, as information), the server carries on. */
    bus_request ghost = {.identity = "ghost", .identity_len = 5};
    Jiesu__Pong late = JIESU__PONG__INIT;
    capture c;
    capture_start(&c);
    assert_int_equal(bus_server_reply_error(server, &ghost, 500, "nobody hears this"), -1);
    assert_int_equal(bus_server_reply(server, &ghost, "pong", &late.base), -1);
    char *logged = capture_stop(&c);
    assert_true(logged_as(logged, "reply error to request", "WARN "));
    assert_true(logged_as(logged, "reply pong to request", "INFO "));
    free(logged);
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
    assert_non_null(strstr(err, "拒绝了这把密钥"));
    assert_int_equal(served, 0);
    assert_null(bus_client_new(zctx_of(state), "tcp://127.0.0.1:1", "jiesu", NULL, SERVER_KEYS.public_key, err,
                               sizeof err));
    assert_non_null(strstr(err, "CURVE"));
    assert_null(bus_server_new(zctx_of(state), "tcp://127.0.0.1:*", "test", NULL, err, sizeof err));
    finish(state);
}

/* A handler that cannot check keys now (its database out of reach) answers
 * ZAP's 500: the call ends at once and says that, not that the key is
 * unknown — nor that nobody is there. */
static void test_key_unchecked(void **state)
{
    char err[256] = "";
    int served;
    int64_t took;
    TEST_ZAP_UNCHECKED = 1;
    int rc = ping_as(state, &CLIENT_KEYS, SERVER_KEYS.public_key, &served, &took, err, sizeof err);
    TEST_ZAP_UNCHECKED = 0;
    assert_int_equal(rc, -1);
    assert_true(took < 5000);
    assert_non_null(strstr(err, "现在核对不了密钥"));
    assert_null(strstr(err, "没有登记"));
    assert_int_equal(served, 0);
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
    assert_non_null(strstr(err, "CURVE 握手失败"));
    assert_int_equal(served, 0);
    finish(state);
}

/* Counts the events sub receives while pub sends n (none expected: the
 * handshake between them fails). */

int main(void)
{
    assert_true(keys_generate(&SERVER_KEYS) == 0 && keys_generate(&CLIENT_KEYS) == 0 &&
                keys_generate(&STRANGER_KEYS) == 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_request_reply, setup, teardown),
        cmocka_unit_test_setup_teardown(test_client_retry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_client_server_gone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_client_nobody_there, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stale_reply_ignored, setup, teardown),
        cmocka_unit_test_setup_teardown(test_server_malformed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ipc_endpoint_in_use, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_endpoints, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_key_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_key_unchecked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_server_key, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
