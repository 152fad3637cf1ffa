/* test_bus_fixture.h — what the bus tests share: a ZeroMQ context with a ZAP
 * handler admitting only the test's client key, the three key pairs, private
 * ipc:// endpoints and raw CURVE sockets to send what no bus function would.
 * Included by test_bus.c (events, who may publish) and test_bus_request.c
 * (requests, retries, who may connect).
 */
#ifndef JIESU_TEST_BUS_FIXTURE_H
#define JIESU_TEST_BUS_FIXTURE_H

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

/* Set: the test's ZAP handler cannot check keys, as when its database is out of reach. */
static int TEST_ZAP_UNCHECKED;

/* The test's ZAP decisions: the client key is TEST_USER, everything else is refused. */
static inline int test_decide(void *ctx, const char *domain, const char *key, const char *address, char *user,
                       size_t idcap, char *why, size_t whycap)
{
    (void)ctx, (void)domain, (void)address;
    if (TEST_ZAP_UNCHECKED) {
        snprintf(why, whycap, "cannot check keys: PostgreSQL unavailable");
        return -1;
    }
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

static inline int setup(void **state)
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
static inline int teardown(void **state)
{
    fixture *f = *state;
    zap_stop(&f->zap);
    if (f->done)
        assert_int_equal(zmq_ctx_term(f->zctx), 0);
    free(f);
    return 0;
}

static inline void *zctx_of(void **state)
{
    return ((fixture *)*state)->zctx;
}

static inline void finish(void **state)
{
    ((fixture *)*state)->done = 1;
}

/* A private ipc:// endpoint for this process. */
static inline void ipc_endpoint(char *out, size_t len, const char *name)
{
    snprintf(out, len, "ipc:///tmp/jiesu-test-bus-%ld-%s", (long)getpid(), name);
}

/* Removes the socket file an ipc:// endpoint left behind. */
static inline void ipc_remove(const char *endpoint)
{
    unlink(endpoint + strlen("ipc://"));
}

static inline void sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static inline int is_hex32(const char *s)
{
    return strlen(s) == 32 && strspn(s, "0123456789abcdef") == 32;
}

/* A raw socket of the given type, CURVE server (the services' keys) when it
 * will bind, else CURVE client with the admitted key. */
static inline void *raw_socket(void *zctx, int type, int server)
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
static inline bus_server *test_server(void *zctx, const char *ep, char *err, size_t errlen)
{
    return bus_server_new(zctx, ep, "test", &SERVER_KEYS, err, errlen);
}

static inline bus_client *test_client(void *zctx, const char *ep, char *err, size_t errlen)
{
    return bus_client_new(zctx, ep, "jiesu", &CLIENT_KEYS, SERVER_KEYS.public_key, err, errlen);
}

/* Packs an envelope by hand, as a foreign or misbehaving peer would. Caller frees. */
static inline uint8_t *raw_envelope(const char *type, const char *id, const char *sender, uint64_t seq,
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
static inline void raw_send(void *sock, const void *data, size_t len, int more)
{
    assert_int_equal(zmq_send(sock, data, len, more ? ZMQ_SNDMORE : 0), (int)len);
}

/* Receives one whole message into frames[] (each malloc'd, NUL-terminated). Returns the count. */
static inline int raw_recv(void *sock, int timeout_ms, char *frames[], size_t lens[], int max)
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

static inline void free_frames(char *frames[], int n)
{
    for (int i = 0; i < n; i++)
        free(frames[i]);
}


#endif
