/* bus.c — ZeroMQ messaging between jiesu services (see bus.h).
 *
 * Every message is one Jiesu__Envelope packed with protobuf-c; the payload is
 * the packed message named by the envelope's type. ZeroMQ keeps nothing and
 * acknowledges nothing, so:
 *   - PUB never blocks (a full queue drops the event) and numbers its events,
 *     1, 2, 3... per event type: a subscriber filtering on a type prefix then
 *     sees every number of the types it gets, and a jump means a real loss
 *     (it re-reads PostgreSQL). Event ids start with a 16-hex tag drawn once
 *     per publisher, so the subscriber follows each publisher on its own: two
 *     replicas of one service, or a restarted one, are separate streams.
 *   - ROUTER refuses unroutable replies (ZMQ_ROUTER_MANDATORY) and the failure
 *     is logged, not fatal: the client has gone or retried on a new socket.
 *   - DEALER clients retry the Lazy Pirate way (bus_client.c).
 * ZMTP heartbeats on every socket notice dead peers behind quiet TCP links.
 */
#include "bus.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "bus_int.h"
#include "clock.h"
#include "log.h"
#include "text.h"

#define HEARTBEAT_IVL_MS     2000   /* ping a quiet peer this often */
#define HEARTBEAT_TIMEOUT_MS 6000   /* drop the connection after this long without traffic */
#define PUB_HWM              10000  /* events queued per subscriber before dropping */
#define SUB_HWM              10000
#define SERVER_LINGER_MS     500    /* let queued replies leave when a service stops */
#define TAG_HEX              16     /* publisher tag at the start of event ids */
#define SUB_STREAMS          64     /* (publisher, type) sequences a subscriber follows */
#define ERROR_MSG_MAX        4096    /* an import refused names every missing column */
#define MAX_MSG_BYTES        (16L * 1024 * 1024)  /* larger inbound messages cut the connection */

/* ---- helpers (shared with bus_client.c through bus_int.h) ---- */

/* Fills buf with n random bytes: getrandom(2), else /dev/urandom, else the clock. */
static void random_bytes(uint8_t *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = getrandom(buf + got, n - got, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    if (got == n)
        return;
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    ssize_t r = fd >= 0 ? read(fd, buf + got, n - got) : -1;
    if (fd >= 0)
        close(fd);
    if (r == (ssize_t)(n - got))
        return;
    log_warn("bus: no random source (getrandom, /dev/urandom); ids fall back to the clock");
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ ((uint64_t)getpid() << 40);
    for (size_t i = got; i < n; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        buf[i] = (uint8_t)(x >> 56);
    }
}

/* Writes 2*nbytes random hex digits and a NUL into out. */
static void random_hex(char *out, size_t nbytes)
{
    static const char digits[] = "0123456789abcdef";
    uint8_t raw[32];
    random_bytes(raw, nbytes);
    for (size_t i = 0; i < nbytes; i++) {
        out[2 * i] = digits[raw[i] >> 4];
        out[2 * i + 1] = digits[raw[i] & 15];
    }
    out[2 * nbytes] = '\0';
}

void bus_new_id(char out[33])
{
    random_hex(out, 16);
}

char *bus_dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

void *bus_open_socket(void *zctx, int type, int linger_ms, int hwm, const char *endpoint,
                      char *err, size_t errlen)
{
    const int ivl = HEARTBEAT_IVL_MS, timeout = HEARTBEAT_TIMEOUT_MS;
    const int64_t maxmsg = MAX_MSG_BYTES;
    void *sock = zmq_socket(zctx, type);
    if (!sock) {
        snprintf(err, errlen, "%s: cannot create socket: %s", endpoint, zmq_strerror(zmq_errno()));
        return NULL;
    }
    if (zmq_setsockopt(sock, ZMQ_LINGER, &linger_ms, sizeof linger_ms) < 0 ||
        zmq_setsockopt(sock, ZMQ_HEARTBEAT_IVL, &ivl, sizeof ivl) < 0 ||
        zmq_setsockopt(sock, ZMQ_HEARTBEAT_TIMEOUT, &timeout, sizeof timeout) < 0 ||
        zmq_setsockopt(sock, ZMQ_HEARTBEAT_TTL, &timeout, sizeof timeout) < 0 ||
        zmq_setsockopt(sock, ZMQ_MAXMSGSIZE, &maxmsg, sizeof maxmsg) < 0 ||
        (hwm > 0 && zmq_setsockopt(sock, type == ZMQ_SUB ? ZMQ_RCVHWM : ZMQ_SNDHWM, &hwm, sizeof hwm) < 0)) {
        snprintf(err, errlen, "%s: socket options: %s", endpoint, zmq_strerror(zmq_errno()));
        zmq_close(sock);
        return NULL;
    }
    return sock;
}

int bus_set_curve(void *sock, const keys_pair *keys, const char *server_key, const char *zap_domain,
                  const char *endpoint, char *err, size_t errlen)
{
    const int as_server = 1;
    if (!keys || !keys_valid(keys->public_key) || !keys_valid(keys->secret_key) ||
        (server_key && !keys_valid(server_key))) {
        snprintf(err, errlen, "%s: no valid CURVE %s (every bus socket is encrypted and authenticated)", endpoint,
                 keys && server_key && !keys_valid(server_key) ? "public key of the server" : "key pair");
        return -1;
    }
    int rc = server_key
                 ? (zmq_setsockopt(sock, ZMQ_CURVE_SERVERKEY, server_key, KEYS_Z85_LEN + 1) |
                    zmq_setsockopt(sock, ZMQ_CURVE_PUBLICKEY, keys->public_key, KEYS_Z85_LEN + 1) |
                    zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, keys->secret_key, KEYS_Z85_LEN + 1))
                 : (zmq_setsockopt(sock, ZMQ_CURVE_SERVER, &as_server, sizeof as_server) |
                    zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, keys->secret_key, KEYS_Z85_LEN + 1) |
                    zmq_setsockopt(sock, ZMQ_ZAP_DOMAIN, zap_domain, strlen(zap_domain)));
    if (rc != 0) {
        snprintf(err, errlen, "%s: CURVE: %s", endpoint, zmq_strerror(zmq_errno()));
        return -1;
    }
    return 0;
}

/* 1 when a process is listening on the ipc:// endpoint's socket file. Binding
 * there would silently take the address from it (ZeroMQ removes the file
 * first), leaving it alive but unreachable. */
static int ipc_in_use(const char *endpoint)
{
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    if (strncmp(endpoint, "ipc://", 6) != 0 || strlen(endpoint + 6) >= sizeof a.sun_path)
        return 0;
    memcpy(a.sun_path, endpoint + 6, strlen(endpoint + 6) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return 0;
    int used = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    close(fd);
    return used;
}

/* Binds sock to endpoint unless another process serves there. 0, or -1 with err. */
static int bind_endpoint(void *sock, const char *endpoint, char *err, size_t errlen)
{
    if (ipc_in_use(endpoint)) {
        snprintf(err, errlen, "bind %s: another process is serving there (a second copy of this service? each "
                 "copy needs endpoints of its own: set its <service>.router and <service>.pub)", endpoint);
        return -1;
    }
    if (zmq_bind(sock, endpoint) < 0) {
        snprintf(err, errlen, "bind %s: %s%s", endpoint, zmq_strerror(zmq_errno()),
                 zmq_errno() == EADDRINUSE ? " (another process holds this address: stop it, or set another "
                                             "endpoint)" : "");
        return -1;
    }
    return 0;
}

/* bus_open_socket() with CURVE (see bus_set_curve), then bind or connect to endpoint. */
static void *open_attached(void *zctx, int type, int bind, int linger_ms, int hwm, const char *endpoint,
                           const keys_pair *keys, const char *server_key, char *err, size_t errlen)
{
    void *sock = bus_open_socket(zctx, type, linger_ms, hwm, endpoint, err, errlen);
    if (!sock)
        return NULL;
    if (bus_set_curve(sock, keys, server_key, BUS_ZAP_EVENTS, endpoint, err, errlen) < 0) {
        zmq_close(sock);
        return NULL;
    }
    if (bind ? bind_endpoint(sock, endpoint, err, errlen) < 0 : zmq_connect(sock, endpoint) < 0) {
        if (!bind)
            snprintf(err, errlen, "connect %s: %s", endpoint, zmq_strerror(zmq_errno()));
        zmq_close(sock);
        return NULL;
    }
    return sock;
}

uint8_t *bus_envelope_pack(const char *type, const char *id, const char *trace_id, const char *sender,
                           uint64_t seq, const char *on_behalf, const ProtobufCMessage *msg, size_t *len)
{
    Jiesu__Envelope env = JIESU__ENVELOPE__INIT;
    uint8_t *payload = NULL, *out = NULL;
    size_t plen = msg ? protobuf_c_message_get_packed_size(msg) : 0;

    payload = malloc(plen ? plen : 1);
    if (!payload)
        goto cleanup;
    if (msg)
        protobuf_c_message_pack(msg, payload);
    env.type = (char *)type;
    env.id = (char *)id;
    env.sent_at_ms = clock_wall_ms();
    env.trace_id = (char *)trace_id;
    env.seq = seq;
    env.payload.data = payload;
    env.payload.len = plen;
    env.sender = (char *)sender;
    env.on_behalf = (char *)(on_behalf ? on_behalf : "");
    *len = jiesu__envelope__get_packed_size(&env);
    out = malloc(*len ? *len : 1);
    if (out)
        jiesu__envelope__pack(&env, out);
cleanup:
    free(payload);
    return out;
}

int bus_frames_send(void *sock, const void *const *data, const size_t *len, int n, int flags)
{
    for (int i = 0; i < n; i++)
        if (zmq_send(sock, data[i], len[i], flags | (i < n - 1 ? ZMQ_SNDMORE : 0)) < 0)
            return -1;
    return 0;
}

void bus_frames_close(bus_frames *f)
{
    for (int i = 0; i < f->n; i++)
        zmq_msg_close(&f->part[i]);
    f->n = 0;
}

int bus_frames_recv(void *sock, int flags, bus_frames *f)
{
    int more = 1;
    f->n = 0;
    f->extra = 0;
    while (more) {
        zmq_msg_t spill, *m = f->n < BUS_MAX_FRAMES ? &f->part[f->n] : &spill;
        zmq_msg_init(m);
        /* Later frames of a message arrive with the first: only the first can wait. */
        if (zmq_msg_recv(m, sock, f->n + f->extra == 0 ? flags : 0) < 0) {
            int e = zmq_errno();
            zmq_msg_close(m);
            bus_frames_close(f);
            errno = e;
            return e == EAGAIN ? 0 : -1;
        }
        more = zmq_msg_more(m);
        if (m == &spill) {
            zmq_msg_close(m);
            f->extra++;
        } else {
            f->n++;
        }
    }
    return 1;
}

/* Freed blocks below these sizes stay in the heap for the next message. */
#define HEAP_MMAP_THRESHOLD (64 << 20)
#define HEAP_TRIM_THRESHOLD (256 << 20)

void *bus_context_new(void)
{
    mallopt(M_MMAP_THRESHOLD, HEAP_MMAP_THRESHOLD);
    mallopt(M_TRIM_THRESHOLD, HEAP_TRIM_THRESHOLD);
    return zmq_ctx_new();
}

void *bus_unpack(const Jiesu__Envelope *env, const ProtobufCMessageDescriptor *message)
{
    const wire_entry *e = wire_find(env->type);
    if (!e || e->message != message) {
        log_warn("bus: a '%s' from %s is not a %s (%s); not read", env->type, env->sender, message->short_name,
                 e ? e->message->short_name : "no such type on the bus: common/wire.c lists them");
        return NULL;
    }
    return protobuf_c_message_unpack(message, NULL, env->payload.len, env->payload.data);
}

Jiesu__Envelope *bus_frame_envelope(zmq_msg_t *m)
{
    return jiesu__envelope__unpack(NULL, zmq_msg_size(m), zmq_msg_data(m));
}

/* Waits up to timeout_ms (-1 = forever) for sock to become readable. 1, 0 or -1. */
static int wait_readable(void *sock, long timeout_ms)
{
    zmq_pollitem_t item = {.socket = sock, .events = ZMQ_POLLIN};
    int rc = zmq_poll(&item, 1, timeout_ms);
    if (rc < 0)
        return -1;
    return rc > 0 && (item.revents & ZMQ_POLLIN) ? 1 : 0;
}

/* ---- bus_pub ---- */

/* The last sequence number used for one event type. */
typedef struct {
    char    *type;
    uint64_t seq;
} pub_topic;

struct bus_pub {
    void      *sock;
    char      *sender;
    char       tag[TAG_HEX + 1];
    pub_topic *topics;
    size_t     ntopics;
};

bus_pub *bus_pub_new(void *zctx, const char *endpoint, const char *sender, const keys_pair *keys, char *err,
                     size_t errlen)
{
    bus_pub *self = calloc(1, sizeof *self);
    if (!self || !(self->sender = bus_dup_str(sender))) {
        snprintf(err, errlen, "%s: out of memory", endpoint);
        goto fail;
    }
    self->sock = open_attached(zctx, ZMQ_PUB, 1, 0, PUB_HWM, endpoint, keys, NULL, err, errlen);
    if (!self->sock)
        goto fail;
    random_hex(self->tag, TAG_HEX / 2);
    return self;
fail:
    bus_pub_destroy(&self);
    return NULL;
}

/* The next sequence number for type (1 for its first event), or 0 when out of memory. */
static uint64_t pub_next_seq(bus_pub *self, const char *type)
{
    for (size_t i = 0; i < self->ntopics; i++)
        if (strcmp(self->topics[i].type, type) == 0)
            return ++self->topics[i].seq;
    pub_topic *grown = realloc(self->topics, (self->ntopics + 1) * sizeof *grown);
    if (!grown)
        return 0;
    self->topics = grown;
    if (!(grown[self->ntopics].type = bus_dup_str(type)))
        return 0;
    grown[self->ntopics].seq = 1;
    return grown[self->ntopics++].seq;
}

int bus_pub_send(bus_pub *self, const char *type, const ProtobufCMessage *msg, const char *trace_id)
{
    char id[33], trace[33];
    size_t len;
    uint8_t *buf = NULL;
    /* Numbered before sending: a failed send is a missed event, and the gap says so. */
    uint64_t seq = pub_next_seq(self, type);

    memcpy(id, self->tag, TAG_HEX);
    random_hex(id + TAG_HEX, (32 - TAG_HEX) / 2);
    if (!trace_id) {
        bus_new_id(trace);
        trace_id = trace;
    }
    if (!seq || !(buf = bus_envelope_pack(type, id, trace_id, self->sender, seq, NULL, msg, &len))) {
        log_error("bus: publishing %s: out of memory", type);
        return -1;
    }
    const void *data[2] = {type, buf};
    size_t lens[2] = {strlen(type), len};
    int rc = bus_frames_send(self->sock, data, lens, 2, ZMQ_DONTWAIT);
    if (rc < 0)
        log_warn("bus: event %s seq %llu not published: %s", type, (unsigned long long)seq,
                 zmq_strerror(zmq_errno()));
    free(buf);
    return rc;
}

void bus_pub_destroy(bus_pub **self)
{
    if (!*self)
        return;
    if ((*self)->sock)
        zmq_close((*self)->sock);
    for (size_t i = 0; i < (*self)->ntopics; i++)
        free((*self)->topics[i].type);
    free((*self)->topics);
    free((*self)->sender);
    free(*self);
    *self = NULL;
}

/* ---- bus_sub ---- */

/* The last sequence number seen from one publisher (sender name + id tag) for one type. */
typedef struct {
    char     key[160];
    uint64_t last_seq;
    uint64_t used;          /* recency, for replacing the stalest entry when full */
} sub_stream;

struct bus_sub {
    void      *sock;
    char      *endpoint;
    sub_stream streams[SUB_STREAMS];
    int        nstreams;
    uint64_t   clock;
};

bus_sub *bus_sub_new(void *zctx, const char *endpoint, const char *prefix, const keys_pair *keys,
                     const char *server_key, char *err, size_t errlen)
{
    bus_sub *self = calloc(1, sizeof *self);
    if (!self || !(self->endpoint = bus_dup_str(endpoint))) {
        snprintf(err, errlen, "%s: out of memory", endpoint);
        goto fail;
    }
    if (!server_key) {
        snprintf(err, errlen, "%s: no public key of the publisher given", endpoint);
        goto fail;
    }
    self->sock = open_attached(zctx, ZMQ_SUB, 0, 0, SUB_HWM, endpoint, keys, server_key, err, errlen);
    if (!self->sock)
        goto fail;
    if (zmq_setsockopt(self->sock, ZMQ_SUBSCRIBE, prefix, strlen(prefix)) < 0) {
        snprintf(err, errlen, "subscribe '%s' at %s: %s", prefix, endpoint, zmq_strerror(zmq_errno()));
        goto fail;
    }
    return self;
fail:
    bus_sub_destroy(&self);
    return NULL;
}

void *bus_sub_socket(bus_sub *self)
{
    return self->sock;
}

/* Records env's seq for its publisher; 1 when events from it were skipped. */
static int sub_track(bus_sub *self, const Jiesu__Envelope *env)
{
    char key[sizeof self->streams[0].key];
    sub_stream *s = NULL;
    snprintf(key, sizeof key, "%s/%.*s/%s", env->sender, TAG_HEX, env->id, env->type);
    for (int i = 0; i < self->nstreams && !s; i++)
        if (strcmp(self->streams[i].key, key) == 0)
            s = &self->streams[i];
    if (!s) {
        /* A publisher not seen before: whatever it sent before we joined is not a gap we can tell. */
        if (self->nstreams < SUB_STREAMS) {
            s = &self->streams[self->nstreams++];
        } else {
            s = &self->streams[0];
            for (int i = 1; i < SUB_STREAMS; i++)
                if (self->streams[i].used < s->used)
                    s = &self->streams[i];
        }
        snprintf(s->key, sizeof s->key, "%s", key);
        s->last_seq = env->seq;
        s->used = ++self->clock;
        return 0;
    }
    int gap = env->seq > s->last_seq + 1;
    if (gap)
        log_warn("bus: missed %llu %s event(s) from %s at %s (seq %llu after %llu)",
                 (unsigned long long)(env->seq - s->last_seq - 1), env->type, env->sender, self->endpoint,
                 (unsigned long long)env->seq, (unsigned long long)s->last_seq);
    s->last_seq = env->seq;
    s->used = ++self->clock;
    return gap;
}

/* Unpacks a received [type][envelope] event; NULL (logged) when it is not one. */
static Jiesu__Envelope *sub_decode(bus_sub *self, bus_frames *f)
{
    Jiesu__Envelope *env = NULL;
    if (f->n != 2 || f->extra) {
        log_warn("bus: event from %s with %d frames, expected [type][envelope]; skipped",
                 self->endpoint, f->n + f->extra);
        return NULL;
    }
    env = bus_frame_envelope(&f->part[1]);
    if (!env) {
        log_warn("bus: event from %s is not an envelope; skipped", self->endpoint);
    } else if (strlen(env->type) != zmq_msg_size(&f->part[0]) ||
               memcmp(env->type, zmq_msg_data(&f->part[0]), zmq_msg_size(&f->part[0])) != 0) {
        log_warn("bus: event from %s: topic frame does not match envelope type '%s'; skipped",
                 self->endpoint, env->type);
        jiesu__envelope__free_unpacked(env, NULL);
        env = NULL;
    }
    return env;
}

int bus_sub_recv(bus_sub *self, int timeout_ms, Jiesu__Envelope **env, int *gap)
{
    int64_t deadline = clock_mono_ms() + timeout_ms;
    bus_frames f;

    *env = NULL;
    if (gap)
        *gap = 0;
    for (;;) {
        int rc = bus_frames_recv(self->sock, ZMQ_DONTWAIT, &f);
        if (rc < 0) {
            log_error("bus: receiving an event from %s: %s", self->endpoint, zmq_strerror(zmq_errno()));
            return -1;
        }
        if (rc == 1) {
            *env = sub_decode(self, &f);
            bus_frames_close(&f);
            if (*env) {
                int g = sub_track(self, *env);
                if (gap)
                    *gap = g;
                return 1;
            }
            continue;
        }
        int64_t left = timeout_ms < 0 ? -1 : deadline - clock_mono_ms();
        if (timeout_ms >= 0 && left <= 0)
            return 0;
        if (wait_readable(self->sock, (long)left) < 0) {
            if (zmq_errno() == EINTR)
                return 0;
            log_error("bus: waiting for events from %s: %s", self->endpoint, zmq_strerror(zmq_errno()));
            return -1;
        }
    }
}

void bus_sub_destroy(bus_sub **self)
{
    if (!*self)
        return;
    if ((*self)->sock)
        zmq_close((*self)->sock);
    free((*self)->endpoint);
    free(*self);
    *self = NULL;
}

/* ---- bus_server ---- */

struct bus_server {
    void *sock;
    char *sender;
    char *endpoint;
};

bus_server *bus_server_new(void *zctx, const char *endpoint, const char *sender, const keys_pair *keys, char *err,
                           size_t errlen)
{
    const int mandatory = 1;
    bus_server *self = calloc(1, sizeof *self);
    if (!self || !(self->sender = bus_dup_str(sender)) || !(self->endpoint = bus_dup_str(endpoint))) {
        snprintf(err, errlen, "%s: out of memory", endpoint);
        goto fail;
    }
    self->sock = bus_open_socket(zctx, ZMQ_ROUTER, SERVER_LINGER_MS, 0, endpoint, err, errlen);
    if (!self->sock || bus_set_curve(self->sock, keys, NULL, BUS_ZAP_REQUESTS, endpoint, err, errlen) < 0)
        goto fail;
    if (zmq_setsockopt(self->sock, ZMQ_ROUTER_MANDATORY, &mandatory, sizeof mandatory) < 0) {
        snprintf(err, errlen, "%s: socket options: %s", endpoint, zmq_strerror(zmq_errno()));
        goto fail;
    }
    if (bind_endpoint(self->sock, endpoint, err, errlen) < 0)
        goto fail;
    return self;
fail:
    bus_server_destroy(&self);
    return NULL;
}

void *bus_server_socket(bus_server *self)
{
    return self->sock;
}

/* Fills req from a received [identity]([empty])[envelope]. 0, or -1 with the reason in why
 * (req->identity is then set when there was one, so the sender can be told). */
static int server_decode(bus_frames *f, bus_request *req, char *why, size_t whylen)
{
    size_t idlen = zmq_msg_size(&f->part[0]);
    if (idlen > sizeof req->identity) {
        snprintf(why, whylen, "routing id of %zu bytes", idlen);
        return -1;
    }
    memcpy(req->identity, zmq_msg_data(&f->part[0]), idlen);
    req->identity_len = idlen;
    req->delimited = f->n > 1 && zmq_msg_size(&f->part[1]) == 0;
    int body = 1 + req->delimited;
    if (f->extra || f->n != body + 1) {
        snprintf(why, whylen, "%d frames, expected [empty][envelope]", f->n + f->extra - 1);
        return -1;
    }
    const char *user = zmq_msg_gets(&f->part[body], "User-Id");
    snprintf(req->user_id, sizeof req->user_id, "%s", user ? user : "");
    req->env = bus_frame_envelope(&f->part[body]);
    if (!req->env) {
        snprintf(why, whylen, "not a protobuf Envelope (%zu bytes)", zmq_msg_size(&f->part[body]));
        return -1;
    }
    if (!*req->env->type) {
        snprintf(why, whylen, "envelope %s without a type", req->env->id);
        return -1;
    }
    return 0;
}

int bus_server_recv(bus_server *self, bus_request *req)
{
    char why[128];
    bus_frames f;

    req->env = NULL;
    req->identity_len = 0;
    req->delimited = 0;
    req->user_id[0] = '\0';
    for (;;) {
        int rc = bus_frames_recv(self->sock, ZMQ_DONTWAIT, &f);
        if (rc <= 0) {
            if (rc < 0)
                log_error("bus: receiving a request at %s: %s", self->endpoint, zmq_strerror(zmq_errno()));
            return rc;
        }
        rc = server_decode(&f, req, why, sizeof why);
        bus_frames_close(&f);
        if (rc == 0)
            return 1;
        log_warn("bus: malformed request at %s: %s; answered with an error", self->endpoint, why);
        if (req->identity_len > 0)
            bus_server_reply_error(self, req, 400, "malformed request: %s", why);
        bus_request_clear(req);
    }
}

/* Sends one envelope back to req's sender, in the framing the sender used. */
static int server_send(bus_server *self, const bus_request *req, const char *type, const ProtobufCMessage *msg)
{
    size_t len;
    const char *id = req->env ? req->env->id : "";
    const char *shown = *id ? id : "(no id)";
    const char *trace = req->env ? req->env->trace_id : "";
    uint8_t *buf = bus_envelope_pack(type, id, trace, self->sender, 0, NULL, msg, &len);
    if (!buf) {
        log_error("bus: reply %s to request %s: out of memory", type, shown);
        return -1;
    }
    const void *data[3] = {req->identity, "", buf};
    size_t lens[3] = {req->identity_len, 0, len};
    if (!req->delimited) {
        data[1] = buf;
        lens[1] = len;
    }
    int rc = bus_frames_send(self->sock, data, lens, req->delimited ? 3 : 2, ZMQ_DONTWAIT);
    if (rc < 0) {
        int e = zmq_errno();
        /* A ping whose client stopped waiting (`jiesu status --wait` while a
         * service starts) lost nothing; any other reply lost is worth a look. */
        int probe = e == EHOSTUNREACH && strcmp(type, "pong") == 0;
        log_msg(probe ? LOG_LVL_INFO : LOG_LVL_WARN, "bus: reply %s to request %s at %s dropped: %s", type, shown,
                self->endpoint,
                e == EHOSTUNREACH ? "the client is gone (it retries on a new socket)" : zmq_strerror(e));
    }
    free(buf);
    return rc;
}

int bus_server_reply(bus_server *self, const bus_request *req, const char *type, const ProtobufCMessage *msg)
{
    return server_send(self, req, type, msg);
}

int bus_server_reply_error(bus_server *self, const bus_request *req, int code, const char *fmt, ...)
{
    char text[ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    text_utf8_mend(text);       /* a proto3 string is UTF-8: a quote cut short, or of GBK, is mended */
    Jiesu__Error e = JIESU__ERROR__INIT;
    e.code = code;
    e.message = text;
    return server_send(self, req, "error", &e.base);
}

void bus_request_clear(bus_request *req)
{
    if (req->env)
        jiesu__envelope__free_unpacked(req->env, NULL);
    req->env = NULL;
    req->identity_len = 0;
    req->delimited = 0;
    req->user_id[0] = '\0';
}

void bus_server_destroy(bus_server **self)
{
    if (!*self)
        return;
    if ((*self)->sock)
        zmq_close((*self)->sock);
    free((*self)->sender);
    free((*self)->endpoint);
    free(*self);
    *self = NULL;
}
