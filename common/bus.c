/* bus.c — ZeroMQ sockets carrying protobuf Envelopes (see bus.h).
 *
 * Every socket gets ZMQ_LINGER 0 (a service stopping never hangs on unsent
 * frames) and ZMTP heartbeats (a dead peer is noticed within seconds, not at
 * the next TCP timeout).
 */
#include "bus.h"
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <zmq.h>

#define MAX_FRAME   (64 * 1024 * 1024)
#define MAX_SENDERS 32

int64_t bus_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void bus_new_id(char out[33])
{
    unsigned char raw[16];
    if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw) {
        static unsigned long counter;
        snprintf((char *)raw, sizeof raw, "%lx%lx", (unsigned long)bus_now_ms(), ++counter);
    }
    for (int i = 0; i < 16; i++)
        snprintf(out + 2 * i, 3, "%02x", raw[i]);
}

static void tune_socket(void *sock)
{
    int linger = 0, ivl = 2000, timeout = 6000, ttl = 10000;
    zmq_setsockopt(sock, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(sock, ZMQ_HEARTBEAT_IVL, &ivl, sizeof ivl);
    zmq_setsockopt(sock, ZMQ_HEARTBEAT_TIMEOUT, &timeout, sizeof timeout);
    zmq_setsockopt(sock, ZMQ_HEARTBEAT_TTL, &ttl, sizeof ttl);
}

/* Creates a socket and binds (bind=1) or connects it. NULL with err on failure. */
static void *open_socket(void *zctx, int type, const char *endpoint, int bind, char *err, size_t errlen)
{
    void *sock = zmq_socket(zctx, type);
    if (!sock) {
        snprintf(err, errlen, "zmq_socket: %s", zmq_strerror(zmq_errno()));
        return NULL;
    }
    tune_socket(sock);
    if (type == ZMQ_ROUTER) {
        int on = 1;
        zmq_setsockopt(sock, ZMQ_ROUTER_MANDATORY, &on, sizeof on);
    }
    if ((bind ? zmq_bind(sock, endpoint) : zmq_connect(sock, endpoint)) != 0) {
        snprintf(err, errlen, "%s %s: %s", bind ? "bind" : "connect", endpoint, zmq_strerror(zmq_errno()));
        zmq_close(sock);
        return NULL;
    }
    return sock;
}

/* Packs msg into a fresh envelope. *out is malloc'd; the caller frees it. */
static int pack_envelope(const char *type, const char *id, const char *trace_id, uint64_t seq, const char *sender,
                         const ProtobufCMessage *msg, uint8_t **out, size_t *len)
{
    Jiesu__Envelope env = JIESU__ENVELOPE__INIT;
    uint8_t *payload = NULL;
    size_t plen = msg ? protobuf_c_message_get_packed_size(msg) : 0;
    if (plen && !(payload = malloc(plen)))
        return -1;
    if (plen)
        protobuf_c_message_pack(msg, payload);
    char trace[33];
    if (!trace_id || !*trace_id)
        bus_new_id(trace);
    env.type = (char *)type;
    env.id = (char *)id;
    env.sent_at_ms = bus_now_ms();
    env.trace_id = (char *)(trace_id && *trace_id ? trace_id : trace);
    env.seq = seq;
    env.payload.data = payload;
    env.payload.len = plen;
    env.sender = (char *)sender;
    *len = jiesu__envelope__get_packed_size(&env);
    *out = malloc(*len ? *len : 1);
    if (*out)
        jiesu__envelope__pack(&env, *out);
    free(payload);
    return *out ? 0 : -1;
}

/* Receives one frame into a malloc'd buffer. 0, or -1 (errno from zmq). */
static int recv_frame(void *sock, int flags, uint8_t **data, size_t *len, int *more)
{
    zmq_msg_t m;
    zmq_msg_init(&m);
    if (zmq_msg_recv(&m, sock, flags) < 0) {
        zmq_msg_close(&m);
        return -1;
    }
    *len = zmq_msg_size(&m);
    *data = malloc(*len ? *len : 1);
    if (*data)
        memcpy(*data, zmq_msg_data(&m), *len);
    *more = zmq_msg_more(&m);
    zmq_msg_close(&m);
    return *data ? 0 : -1;
}

/* Reads and drops the remaining frames of a multipart message. */
static void drain(void *sock, int more)
{
    while (more) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, sock, ZMQ_DONTWAIT) < 0)
            more = 0;
        else
            more = zmq_msg_more(&m);
        zmq_msg_close(&m);
    }
}

/* ---------------- events ---------------- */

struct bus_pub {
    void    *sock;
    char     sender[64];
    uint64_t seq;
};

bus_pub *bus_pub_new(void *zctx, const char *endpoint, const char *sender, char *err, size_t errlen)
{
    bus_pub *self = calloc(1, sizeof *self);
    if (!self) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    self->sock = open_socket(zctx, ZMQ_PUB, endpoint, 1, err, errlen);
    if (!self->sock) {
        free(self);
        return NULL;
    }
    int hwm = 100000;
    zmq_setsockopt(self->sock, ZMQ_SNDHWM, &hwm, sizeof hwm);
    snprintf(self->sender, sizeof self->sender, "%s", sender);
    return self;
}

int bus_pub_send(bus_pub *self, const char *type, const ProtobufCMessage *msg, const char *trace_id)
{
    char id[33];
    bus_new_id(id);
    uint8_t *buf;
    size_t len;
    if (pack_envelope(type, id, trace_id, ++self->seq, self->sender, msg, &buf, &len) != 0)
        return -1;
    /* PUB never blocks: past the high-water mark the event is dropped, which
     * subscribers see as a sequence gap. */
    int rc = zmq_send(self->sock, type, strlen(type), ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0 ||
             zmq_send(self->sock, buf, len, ZMQ_DONTWAIT) < 0 ? -1 : 0;
    free(buf);
    return rc;
}

void bus_pub_destroy(bus_pub **pself)
{
    if (!pself || !*pself)
        return;
    zmq_close((*pself)->sock);
    free(*pself);
    *pself = NULL;
}

typedef struct {
    char     name[64];
    uint64_t last_seq;
} sub_sender;

struct bus_sub {
    void      *sock;
    sub_sender senders[MAX_SENDERS];
    size_t     nsenders;
};

bus_sub *bus_sub_new(void *zctx, const char *endpoint, const char *prefix, char *err, size_t errlen)
{
    bus_sub *self = calloc(1, sizeof *self);
    if (!self) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    self->sock = open_socket(zctx, ZMQ_SUB, endpoint, 0, err, errlen);
    if (!self->sock) {
        free(self);
        return NULL;
    }
    zmq_setsockopt(self->sock, ZMQ_SUBSCRIBE, prefix ? prefix : "", prefix ? strlen(prefix) : 0);
    return self;
}

void *bus_sub_socket(bus_sub *self)
{
    return self->sock;
}

/* Notes env's sequence number; 1 if events from its sender were missed. A
 * sender seen for the first time, or restarted (seq back to 1), is no gap. */
static int note_seq(bus_sub *self, const Jiesu__Envelope *env)
{
    const char *name = env->sender ? env->sender : "";
    sub_sender *s = NULL;
    for (size_t i = 0; i < self->nsenders && !s; i++)
        if (strcmp(self->senders[i].name, name) == 0)
            s = &self->senders[i];
    if (!s) {
        if (self->nsenders == MAX_SENDERS)
            return 0;
        s = &self->senders[self->nsenders++];
        snprintf(s->name, sizeof s->name, "%s", name);
        s->last_seq = env->seq;
        return 0;
    }
    int gap = env->seq > s->last_seq + 1 && env->seq != 1;
    s->last_seq = env->seq;
    return gap;
}

int bus_sub_recv(bus_sub *self, int timeout_ms, Jiesu__Envelope **env, int *gap)
{
    *env = NULL;
    *gap = 0;
    zmq_pollitem_t item = {.socket = self->sock, .events = ZMQ_POLLIN};
    int n = zmq_poll(&item, 1, timeout_ms);
    if (n <= 0)
        return n < 0 && zmq_errno() != EINTR ? -1 : 0;
    uint8_t *topic, *data = NULL;
    size_t tlen, len = 0;
    int more;
    if (recv_frame(self->sock, ZMQ_DONTWAIT, &topic, &tlen, &more) != 0)
        return -1;
    free(topic);
    if (!more || recv_frame(self->sock, ZMQ_DONTWAIT, &data, &len, &more) != 0)
        return 0;
    drain(self->sock, more);
    *env = jiesu__envelope__unpack(NULL, len, data);
    free(data);
    if (!*env) {
        log_warn("bus: dropped an event that is not a valid envelope");
        return 0;
    }
    *gap = note_seq(self, *env);
    return 1;
}

void bus_sub_destroy(bus_sub **pself)
{
    if (!pself || !*pself)
        return;
    zmq_close((*pself)->sock);
    free(*pself);
    *pself = NULL;
}

/* ---------------- requests: server ---------------- */

struct bus_server {
    void *sock;
    char  sender[64];
};

bus_server *bus_server_new(void *zctx, const char *endpoint, const char *sender, char *err, size_t errlen)
{
    bus_server *self = calloc(1, sizeof *self);
    if (!self) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    self->sock = open_socket(zctx, ZMQ_ROUTER, endpoint, 1, err, errlen);
    if (!self->sock) {
        free(self);
        return NULL;
    }
    snprintf(self->sender, sizeof self->sender, "%s", sender);
    return self;
}

void *bus_server_socket(bus_server *self)
{
    return self->sock;
}

static int send_reply(bus_server *self, const bus_request *req, const char *type, const ProtobufCMessage *msg)
{
    uint8_t *buf;
    size_t len;
    const char *id = req->env && req->env->id ? req->env->id : "";
    const char *trace = req->env ? req->env->trace_id : NULL;
    if (pack_envelope(type, id, trace, 0, self->sender, msg, &buf, &len) != 0)
        return -1;
    int rc = 0;
    if (zmq_send(self->sock, req->identity, req->identity_len, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0 ||
        zmq_send(self->sock, "", 0, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0 ||
        zmq_send(self->sock, buf, len, ZMQ_DONTWAIT) < 0) {
        /* EHOSTUNREACH: the client is gone (it will retry or has given up). */
        log_warn("bus: reply %s could not be delivered: %s", type, zmq_strerror(zmq_errno()));
        rc = -1;
    }
    free(buf);
    return rc;
}

int bus_server_recv(bus_server *self, bus_request *req)
{
    memset(req, 0, sizeof *req);
    uint8_t *frame;
    size_t len;
    int more;
    if (recv_frame(self->sock, ZMQ_DONTWAIT, &frame, &len, &more) != 0)
        return zmq_errno() == EAGAIN ? 0 : -1;
    req->identity_len = len < sizeof req->identity ? len : sizeof req->identity;
    memcpy(req->identity, frame, req->identity_len);
    free(frame);
    /* Skip the empty delimiter a REQ or our DEALER client sends, if any. */
    frame = NULL;
    len = 0;
    while (more && recv_frame(self->sock, ZMQ_DONTWAIT, &frame, &len, &more) == 0 && len == 0) {
        free(frame);
        frame = NULL;
    }
    drain(self->sock, more);
    if (frame && len <= MAX_FRAME)
        req->env = jiesu__envelope__unpack(NULL, len, frame);
    free(frame);
    if (!req->env || !req->env->type || !req->env->type[0]) {
        bus_server_reply_error(self, req, 400, "malformed request: not a jiesu envelope");
        bus_request_clear(req);
        return 0;
    }
    return 1;
}

int bus_server_reply(bus_server *self, const bus_request *req, const char *type, const ProtobufCMessage *msg)
{
    return send_reply(self, req, type, msg);
}

int bus_server_reply_error(bus_server *self, const bus_request *req, int code, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    Jiesu__Error e = JIESU__ERROR__INIT;
    e.code = code;
    e.message = text;
    return send_reply(self, req, "error", &e.base);
}

void bus_request_clear(bus_request *req)
{
    if (req->env)
        jiesu__envelope__free_unpacked(req->env, NULL);
    req->env = NULL;
}

void bus_server_destroy(bus_server **pself)
{
    if (!pself || !*pself)
        return;
    zmq_close((*pself)->sock);
    free(*pself);
    *pself = NULL;
}

/* ---------------- requests: client (Lazy Pirate) ---------------- */

struct bus_client {
    void *zctx;
    void *sock;
    char  endpoint[256];
    char  sender[64];
};

bus_client *bus_client_new(void *zctx, const char *endpoint, const char *sender, char *err, size_t errlen)
{
    bus_client *self = calloc(1, sizeof *self);
    if (!self) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    self->zctx = zctx;
    snprintf(self->endpoint, sizeof self->endpoint, "%s", endpoint);
    snprintf(self->sender, sizeof self->sender, "%s", sender);
    self->sock = open_socket(zctx, ZMQ_DEALER, endpoint, 0, err, errlen);
    if (!self->sock) {
        free(self);
        return NULL;
    }
    return self;
}

/* Waits for the reply with request id `id`. 1 got it, 0 timed out, -1 error. */
static int await_reply(bus_client *self, const char *id, int timeout_ms, Jiesu__Envelope **reply)
{
    int64_t deadline = bus_now_ms() + timeout_ms;
    for (;;) {
        int64_t left = deadline - bus_now_ms();
        if (left <= 0)
            return 0;
        zmq_pollitem_t item = {.socket = self->sock, .events = ZMQ_POLLIN};
        int n = zmq_poll(&item, 1, (long)left);
        if (n < 0 && zmq_errno() == EINTR)
            return 0;
        if (n < 0)
            return -1;
        if (n == 0)
            continue;
        uint8_t *frame = NULL;
        size_t len = 0;
        int more = 1;
        while (more && recv_frame(self->sock, ZMQ_DONTWAIT, &frame, &len, &more) == 0 && len == 0) {
            free(frame);
            frame = NULL;
        }
        drain(self->sock, more);
        Jiesu__Envelope *env = frame ? jiesu__envelope__unpack(NULL, len, frame) : NULL;
        free(frame);
        if (env && env->id && strcmp(env->id, id) == 0) {
            *reply = env;
            return 1;
        }
        if (env)
            jiesu__envelope__free_unpacked(env, NULL);  /* a late answer to an earlier try */
    }
}

/* Replaces the socket: a DEALER that timed out may still deliver the old request. */
static int reopen(bus_client *self, char *err, size_t errlen)
{
    zmq_close(self->sock);
    self->sock = open_socket(self->zctx, ZMQ_DEALER, self->endpoint, 0, err, errlen);
    return self->sock ? 0 : -1;
}

/* Turns an "error" reply into -1 with its message. */
static int check_error_reply(Jiesu__Envelope **reply, const char *endpoint, char *err, size_t errlen)
{
    if (strcmp((*reply)->type, "error") != 0)
        return 0;
    Jiesu__Error *e = BUS_UNPACK(error, *reply);
    snprintf(err, errlen, "%s", e && e->message ? e->message : "the service answered with an error");
    if (e)
        jiesu__error__free_unpacked(e, NULL);
    else
        snprintf(err, errlen, "%s answered with a malformed error", endpoint);
    jiesu__envelope__free_unpacked(*reply, NULL);
    *reply = NULL;
    return -1;
}

int bus_client_call(bus_client *self, const char *type, const ProtobufCMessage *msg, int timeout_ms, int tries,
                    Jiesu__Envelope **reply, char *err, size_t errlen)
{
    *reply = NULL;
    char id[33];
    bus_new_id(id);
    uint8_t *buf;
    size_t len;
    if (pack_envelope(type, id, NULL, 0, self->sender, msg, &buf, &len) != 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = -1;
    err[0] = '\0';
    for (int attempt = 1; attempt <= tries; attempt++) {
        if (!self->sock && reopen(self, err, errlen) != 0)
            break;
        if (zmq_send(self->sock, "", 0, ZMQ_SNDMORE) < 0 || zmq_send(self->sock, buf, len, 0) < 0) {
            snprintf(err, errlen, "%s: send failed: %s", self->endpoint, zmq_strerror(zmq_errno()));
            break;
        }
        int got = await_reply(self, id, timeout_ms, reply);
        if (got == 1) {
            rc = check_error_reply(reply, self->endpoint, err, errlen);
            break;
        }
        snprintf(err, errlen, "%s did not answer %s in %d ms (%d %s)", self->endpoint, type, timeout_ms, attempt,
                 attempt == 1 ? "try" : "tries");
        if (got < 0 || reopen(self, err + strlen(err), errlen - strlen(err)) != 0)
            break;
    }
    free(buf);
    return rc;
}

void bus_client_destroy(bus_client **pself)
{
    if (!pself || !*pself)
        return;
    if ((*pself)->sock)
        zmq_close((*pself)->sock);
    free(*pself);
    *pself = NULL;
}
