/* bus_client.c — requests to a jiesu service the Lazy Pirate way (see bus.h).
 *
 * A DEALER socket sends [empty][Envelope] and waits for the reply carrying
 * the request's id; on timeout the socket is closed without lingering and a
 * fresh one sends the same request (same id) again; replies whose id is not
 * the request's are dropped.
 *
 * A monitor on the socket tells how the wait is going, so a caller is not
 * left waiting out a long timeout for nothing:
 *   - the server went away (its connection dropped) while the request was
 *     out: no reply can come on that connection; the try ends at once and
 *     the next try (if any) sends the request again, to the server restarted
 *     in its place;
 *   - nothing accepted the connection within the connect wait (10 s unless
 *     set): nobody is there; the call ends without further tries;
 *   - the server refused our key (its ZAP handler does not know it, or its
 *     user is disabled), could not check it (its database is out of reach:
 *     ZAP's status 500), or the handshake failed (the server is not the one
 *     whose public key we hold): the call ends at once, saying which.
 */
#include "bus.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <zmq.h>

#include "bus_int.h"
#include "clock.h"
#include "log.h"

#define CONNECT_WAIT_MS 10000

struct bus_client {
    void    *zctx;
    void    *sock;          /* NULL between a timed-out try and the next one */
    void    *mon;           /* PAIR socket receiving sock's handshake/disconnect events */
    int      connected;     /* a ZMTP handshake succeeded on the current connection */
    int      reached;       /* the last call had a connection at some moment: its request may have arrived */
    int      connect_wait_ms;
    int      refused;       /* the handshake failed: a REFUSED_* */
    int      dropped_handshakes;    /* handshakes cut short in a row on this socket */
    char    *endpoint;
    char    *sender;
    keys_pair keys;
    char     server_key[KEYS_Z85_LEN + 1];
    bus_progress_fn on_progress;
    void    *progress_ctx;
    int      error_code;    /* the code of the last "error" reply, 0 when none */
    char    *on_behalf;     /* the credential of the person the calls are for, or NULL */
    char     title[256];    /* what errors call the server; "" for its endpoint */
};

/* Why a handshake failed for good. */
enum { REFUSED_KEY = 1, REFUSED_CURVE, REFUSED_UNCHECKED };

/* How a try ended. */
typedef enum { TRY_ERROR = -1, TRY_TIMEOUT, TRY_REPLY, TRY_GONE, TRY_ABSENT, TRY_REFUSED } try_end;

/* A handshake that failed for good: the server's ZAP handler refused our
 * key, or the CURVE exchange itself failed. When the key we hold for the
 * server is not its key, the server just drops the connection, which the
 * client sees as ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL — as it does when a
 * server goes down in the middle of a handshake. One of those is a server
 * going away; NO_DETAIL_LIMIT of them in a row is a key that will never do. */
#define HANDSHAKE_FAILED (ZMQ_EVENT_HANDSHAKE_FAILED_AUTH | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | \
                          ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL)
#define NO_DETAIL_LIMIT 3

/* Closes the socket and its monitor without lingering: whatever they still hold is abandoned. */
static void client_disconnect(bus_client *self)
{
    if (self->sock) {
        zmq_socket_monitor(self->sock, NULL, 0);
        zmq_close(self->sock);
    }
    if (self->mon)
        zmq_close(self->mon);
    self->sock = self->mon = NULL;
    self->connected = 0;
}

/* A fresh DEALER, monitored from before its connect so no event is missed.
 * A connection counts once its ZMTP handshake succeeded: a dying server's
 * socket may still accept a connection that then drops without a word, and
 * the request, never sent on it, waits in the socket for the next one.
 * 0 or -1 with err. */
static int client_connect(bus_client *self, char *err, size_t errlen)
{
    char mon_ep[96];
    const int linger = 0;
    /* A name never used before in this process: a closed monitor's inproc
     * name stays taken until libzmq's reaper gets to it, and a client made
     * right after another may sit at the same address. */
    static atomic_uint monitors;
    snprintf(mon_ep, sizeof mon_ep, "inproc://bus-client-monitor-%u", atomic_fetch_add(&monitors, 1));
    self->refused = 0;
    self->dropped_handshakes = 0;
    self->sock = bus_open_socket(self->zctx, ZMQ_DEALER, 0, 0, self->endpoint, err, errlen);
    if (!self->sock)
        return -1;
    if (bus_set_curve(self->sock, &self->keys, self->server_key, NULL, self->endpoint, err, errlen) < 0) {
        client_disconnect(self);
        return -1;
    }
    if (zmq_socket_monitor(self->sock, mon_ep,
                           ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_DISCONNECTED | HANDSHAKE_FAILED) < 0 ||
        !(self->mon = zmq_socket(self->zctx, ZMQ_PAIR)) ||
        zmq_setsockopt(self->mon, ZMQ_LINGER, &linger, sizeof linger) < 0 ||
        zmq_connect(self->mon, mon_ep) < 0 || zmq_connect(self->sock, self->endpoint) < 0) {
        snprintf(err, errlen, "connect %s: %s", self->endpoint, zmq_strerror(zmq_errno()));
        client_disconnect(self);
        return -1;
    }
    return 0;
}

bus_client *bus_client_new(void *zctx, const char *endpoint, const char *sender, const keys_pair *keys,
                           const char *server_key, char *err, size_t errlen)
{
    bus_client *self = calloc(1, sizeof *self);
    if (!self || !(self->endpoint = bus_dup_str(endpoint)) || !(self->sender = bus_dup_str(sender))) {
        snprintf(err, errlen, "%s: out of memory", endpoint);
        goto fail;
    }
    if (keys)
        self->keys = *keys;
    snprintf(self->server_key, sizeof self->server_key, "%s", server_key ? server_key : "");
    self->zctx = zctx;
    self->connect_wait_ms = CONNECT_WAIT_MS;
    if (client_connect(self, err, errlen) < 0)
        goto fail;
    return self;
fail:
    bus_client_destroy(&self);
    return NULL;
}

int bus_client_error_code(const bus_client *self)
{
    return self->error_code;
}

int bus_client_unchecked(const bus_client *self)
{
    return self->refused == REFUSED_UNCHECKED;
}

void bus_client_on_progress(bus_client *self, bus_progress_fn fn, void *ctx)
{
    self->on_progress = fn;
    self->progress_ctx = ctx;
}

/* 1 when env is an interim report ("<something>.progress"). */
static int is_progress(const Jiesu__Envelope *env)
{
    size_t n = strlen(env->type);
    return n > 9 && strcmp(env->type + n - 9, ".progress") == 0;
}

void bus_client_set_connect_wait(bus_client *self, int ms)
{
    self->connect_wait_ms = ms > 0 ? ms : CONNECT_WAIT_MS;
}

void bus_client_set_title(bus_client *self, const char *title)
{
    snprintf(self->title, sizeof self->title, "%s", title ? title : "");
}

int bus_client_set_on_behalf(bus_client *self, const char *credential)
{
    char *copy = credential && *credential ? strdup(credential) : NULL;
    if (credential && *credential && !copy)
        return -1;
    if (self->on_behalf)
        sodium_memzero(self->on_behalf, strlen(self->on_behalf));
    free(self->on_behalf);
    self->on_behalf = copy;
    return 0;
}

/* Reads the monitor's waiting events. 1 when a connection that had
 * completed its handshake dropped, else 0; a failed handshake sets refused. */
static int client_events(bus_client *self)
{
    bus_frames f;
    int dropped = 0;
    while (bus_frames_recv(self->mon, ZMQ_DONTWAIT, &f) > 0) {
        uint16_t event = 0;
        uint32_t value = 0;     /* for a refusal, ZAP's status: 400 refused, 500 could not check */
        if (zmq_msg_size(&f.part[0]) >= sizeof event + sizeof value) {
            memcpy(&event, zmq_msg_data(&f.part[0]), sizeof event);
            memcpy(&value, (const char *)zmq_msg_data(&f.part[0]) + sizeof event, sizeof value);
        }
        bus_frames_close(&f);
        if (event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED) {
            self->connected = self->reached = 1;
            self->dropped_handshakes = 0;
        } else if (event == ZMQ_EVENT_DISCONNECTED) {
            dropped |= self->connected;
            self->connected = 0;
        } else if (event == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL) {
            if (++self->dropped_handshakes >= NO_DETAIL_LIMIT)
                self->refused = REFUSED_CURVE;
        } else if (event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) {
            self->refused = value == 500 ? REFUSED_UNCHECKED : REFUSED_KEY;
        } else if (event & HANDSHAKE_FAILED) {
            self->refused = REFUSED_CURVE;
        }
    }
    return dropped;
}

/* Reads one reply; returns it when its id is want, else NULL (dropped, logged). */
static Jiesu__Envelope *client_take(bus_client *self, const char *want)
{
    bus_frames f;
    Jiesu__Envelope *env = NULL;
    if (bus_frames_recv(self->sock, ZMQ_DONTWAIT, &f) <= 0)
        return NULL;
    int body = f.n > 1 && zmq_msg_size(&f.part[0]) == 0;
    if (f.n == body + 1 && !f.extra)
        env = bus_frame_envelope(&f.part[body]);
    bus_frames_close(&f);
    if (!env) {
        log_warn("bus: malformed reply from %s dropped", self->endpoint);
    } else if (strcmp(env->id, want) != 0) {
        log_debug("bus: stale reply %s from %s dropped (waiting for %s)", env->id, self->endpoint, want);
        jiesu__envelope__free_unpacked(env, NULL);
        env = NULL;
    }
    return env;
}

/* Waits for the reply to request id until deadline; gives up at connect_by
 * if still not connected then. A progress report is handed on and gives the
 * server timeout_ms more. */
static try_end client_wait(bus_client *self, const char *id, int timeout_ms, int64_t deadline, int64_t connect_by,
                           Jiesu__Envelope **reply, char *err, size_t errlen)
{
    for (;;) {
        int64_t now = clock_mono_ms();
        if (!self->connected && now >= connect_by)
            return connect_by < deadline ? TRY_ABSENT : TRY_TIMEOUT;
        if (now >= deadline)
            return TRY_TIMEOUT;
        int64_t until = !self->connected && connect_by < deadline ? connect_by : deadline;
        zmq_pollitem_t items[2] = {{.socket = self->sock, .events = ZMQ_POLLIN},
                                   {.socket = self->mon, .events = ZMQ_POLLIN}};
        int rc = zmq_poll(items, 2, (long)(until - now));
        if (rc < 0 && zmq_errno() != EINTR) {
            snprintf(err, errlen, "poll %s: %s", self->endpoint, zmq_strerror(zmq_errno()));
            return TRY_ERROR;
        }
        if (rc > 0 && (items[0].revents & ZMQ_POLLIN) && (*reply = client_take(self, id)) != NULL) {
            if (!is_progress(*reply))
                return TRY_REPLY;
            if (self->on_progress)
                self->on_progress(self->progress_ctx, *reply);
            jiesu__envelope__free_unpacked(*reply, NULL);
            *reply = NULL;
            deadline = clock_mono_ms() + timeout_ms;
        }
        if (rc > 0 && (items[1].revents & ZMQ_POLLIN) && client_events(self))
            return TRY_GONE;
        if (self->refused)
            return TRY_REFUSED;
    }
}

/* Sends the packed request and waits up to timeout_ms for its reply. */
static try_end client_try(bus_client *self, const uint8_t *buf, size_t len, const char *id, int timeout_ms,
                          Jiesu__Envelope **reply, char *err, size_t errlen)
{
    const void *data[2] = {"", buf};
    size_t lens[2] = {0, len};
    int64_t start = clock_mono_ms();
    int connect_ms = timeout_ms < self->connect_wait_ms ? timeout_ms : self->connect_wait_ms;

    /* A new DEALER queues until connected; the send only fails if that queue is full. */
    if (zmq_setsockopt(self->sock, ZMQ_SNDTIMEO, &timeout_ms, sizeof timeout_ms) < 0 ||
        bus_frames_send(self->sock, data, lens, 2, 0) < 0) {
        if (zmq_errno() == EAGAIN)
            return TRY_TIMEOUT;
        snprintf(err, errlen, "send to %s: %s", self->endpoint, zmq_strerror(zmq_errno()));
        return TRY_ERROR;
    }
    return client_wait(self, id, timeout_ms, start + timeout_ms, start + connect_ms, reply, err, errlen);
}

/* Turns an "error" reply into -1 with its message in err; frees it. */
static int client_error(bus_client *self, Jiesu__Envelope **reply, char *err, size_t errlen)
{
    Jiesu__Error *e = BUS_UNPACK(error, *reply);
    snprintf(err, errlen, "%s", e ? e->message : "服务回了一个读不懂的错误");
    self->error_code = e ? e->code : -1;
    if (e)
        jiesu__error__free_unpacked(e, NULL);
    jiesu__envelope__free_unpacked(*reply, NULL);
    *reply = NULL;
    return -1;
}

/* The error for a call that got no reply: how its tries ended. */
static void no_reply(const bus_client *self, int tries, int timeout_ms, try_end last,
                     int went_away, char *err, size_t errlen)
{
    const char *server = *self->title ? self->title : self->endpoint;
    if (last == TRY_REFUSED && self->refused == REFUSED_KEY)
        snprintf(err, errlen, "%s 拒绝了这把密钥（%.8s…）：它没有登记，或它的用户已停用"
                 "（管理员用 `jiesu user list` 查看），或它已换成新密钥（jiesu user key）：用新密钥文件（-k，"
                 "或配置 cli.key_file）", server, self->keys.public_key);
    else if (last == TRY_REFUSED && self->refused == REFUSED_UNCHECKED)
        snprintf(err, errlen, "%s 现在核对不了密钥，所以谁也不放进来：它连不上数据库（原因见它的日志）；"
                 "请过一分钟再试，一直这样就告诉系统管理员", server);
    else if (last == TRY_REFUSED)
        snprintf(err, errlen, "与 %s 的 CURVE 握手失败：这边存的它的公钥（%.8s…）不是它在用的密钥的："
                 "它的密钥换过（jiesu keys、jiesu migrate）而它还没有重启，就重启它；否则核对 keys.dir 里它的 .pub 文件",
                 server, self->server_key);
    else if (last == TRY_ABSENT && went_away)
        snprintf(err, errlen, "%s 在答复时断开了，%d 毫秒后还没回来（停了还是崩溃了？原因见它的日志）",
                 server, self->connect_wait_ms);
    else if (last == TRY_ABSENT)
        snprintf(err, errlen, "%s 等了 %d 毫秒没有应答：没有连上它（它在运行吗？`jiesu status` 可以查看）",
                 server, self->connect_wait_ms);
    else if (last == TRY_GONE)
        snprintf(err, errlen, "%s 在答复时断开了（停了还是崩溃了？原因见它的日志）", server);
    else
        snprintf(err, errlen, "%s 没有答复（试了 %d 次，每次等 %d 毫秒）", server, tries, timeout_ms);
}

int bus_client_call(bus_client *self, const char *type, const ProtobufCMessage *msg,
                    int timeout_ms, int tries, Jiesu__Envelope **reply, char *err, size_t errlen)
{
    char id[33], trace[33];
    size_t len;
    int rc = -1, went_away = 0;
    try_end got = TRY_TIMEOUT;

    *reply = NULL;
    self->error_code = 0;
    self->reached = self->connected;
    bus_new_id(id);
    bus_new_id(trace);
    uint8_t *buf = bus_envelope_pack(type, id, trace, self->sender, 0, self->on_behalf, msg, &len);
    if (!buf) {
        snprintf(err, errlen, "%s to %s: out of memory", type, self->endpoint);
        return -1;
    }
    for (int attempt = 1; attempt <= tries && got != TRY_ABSENT && got != TRY_REFUSED; attempt++) {
        if (!self->sock && client_connect(self, err, errlen) < 0)
            goto cleanup;
        got = client_try(self, buf, len, id, timeout_ms, reply, err, errlen);
        if (got == TRY_ERROR)
            goto cleanup;
        if (got == TRY_REPLY) {
            rc = strcmp((*reply)->type, "error") == 0 ? client_error(self, reply, err, errlen) : 0;
            goto cleanup;
        }
        went_away |= got == TRY_GONE;
        /* Lazy Pirate: the old socket may hold a lost request or a late reply; start afresh. */
        client_disconnect(self);
        if (attempt < tries && got == TRY_GONE)
            log_warn("bus: %s went away while answering %s; sending it again (%d of %d)", self->endpoint, type,
                     attempt + 1, tries);
        else if (attempt < tries && got == TRY_TIMEOUT)
            log_warn("bus: no reply to %s from %s in %d ms; retrying (%d of %d)", type, self->endpoint,
                     timeout_ms, attempt + 1, tries);
    }
    no_reply(self, tries, timeout_ms, got, went_away, err, errlen);
cleanup:
    free(buf);
    return rc;
}

int bus_client_absent(const bus_client *self)
{
    return !self->reached && !self->refused;
}

void bus_client_destroy(bus_client **self)
{
    if (!*self)
        return;
    client_disconnect(*self);
    bus_client_set_on_behalf(*self, NULL);
    free((*self)->endpoint);
    free((*self)->sender);
    free(*self);
    *self = NULL;
}
