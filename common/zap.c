/* zap.c — the ZAP handler thread (see zap.h).
 *
 * A request is [version][request id][domain][address][routing id]
 * [mechanism][credentials...]; the reply [version][request id][status code]
 * [status text][user id][metadata]. The thread polls with a short timeout so
 * zap_stop() is noticed without closing the socket under it.
 */
#include "zap.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "keys.h"
#include "log.h"

#define ZAP_ENDPOINT "inproc://zeromq.zap.01"
#define ZAP_FRAMES 8          /* 7 for CURVE; one more to notice an oversized request */
#define ZAP_FRAME_MAX 256
#define POLL_MS 200

struct zap {
    void         *sock;
    pthread_t     thread;
    atomic_int    stop;
    zap_decide_fn decide;
    void         *ctx;
};

typedef struct {
    char   part[ZAP_FRAMES][ZAP_FRAME_MAX];
    size_t len[ZAP_FRAMES];
    int    n;
} zap_request;

/* Receives one whole request, cutting frames to ZAP_FRAME_MAX. 0 or -1. */
static int zap_recv(void *sock, zap_request *rq)
{
    int more = 1;
    rq->n = 0;
    while (more) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, sock, 0) < 0) {
            zmq_msg_close(&m);
            return -1;
        }
        if (rq->n < ZAP_FRAMES) {
            size_t len = zmq_msg_size(&m) < ZAP_FRAME_MAX - 1 ? zmq_msg_size(&m) : ZAP_FRAME_MAX - 1;
            memcpy(rq->part[rq->n], zmq_msg_data(&m), len);
            rq->part[rq->n][len] = '\0';
            rq->len[rq->n++] = zmq_msg_size(&m);
        }
        more = zmq_msg_more(&m);
        zmq_msg_close(&m);
    }
    return 0;
}

static void zap_reply(void *sock, const zap_request *rq, const char *code, const char *text, const char *user)
{
    const char *frames[6] = {"1.0", rq->n > 1 ? rq->part[1] : "", code, text, user, ""};
    size_t lens[6] = {3, rq->n > 1 ? rq->len[1] : 0, strlen(code), strlen(text), strlen(user), 0};
    for (int i = 0; i < 6; i++)
        zmq_send(sock, frames[i], lens[i], i < 5 ? ZMQ_SNDMORE : 0);
}

/* Decides one request: CURVE with a 32-byte key goes to decide(). */
static void zap_answer(zap *self, const zap_request *rq)
{
    char key[KEYS_Z85_LEN + 1] = "", user[ZAP_USER_ID_MAX] = "", why[256] = "";
    if (rq->n != 7 || strcmp(rq->part[0], "1.0") != 0 || strcmp(rq->part[5], "CURVE") != 0 || rq->len[6] != 32) {
        log_warn("bus: connection from %s refused: mechanism %s (only CURVE with a known key is admitted)",
                 rq->n > 3 ? rq->part[3] : "?", rq->n > 5 ? rq->part[5] : "?");
        zap_reply(self->sock, rq, "400", "CURVE required", "");
        return;
    }
    zmq_z85_encode(key, (const uint8_t *)rq->part[6], 32);
    int verdict = self->decide(self->ctx, rq->part[2], key, rq->part[3], user, sizeof user, why, sizeof why);
    if (verdict > 0) {
        zap_reply(self->sock, rq, "200", "OK", user);
        return;
    }
    log_warn("bus: connection from %s to %s refused: key %.8s… %s", rq->part[3], rq->part[2], key, why);
    zap_reply(self->sock, rq, verdict < 0 ? "500" : "400", why, "");
}

static void *zap_main(void *arg)
{
    zap *self = arg;
    zap_request rq;
    while (!atomic_load(&self->stop)) {
        zmq_pollitem_t item = {.socket = self->sock, .events = ZMQ_POLLIN};
        if (zmq_poll(&item, 1, POLL_MS) <= 0)
            continue;
        if (zap_recv(self->sock, &rq) == 0)
            zap_answer(self, &rq);
    }
    return NULL;
}

zap *zap_start(void *zctx, zap_decide_fn decide, void *ctx, char *err, size_t errlen)
{
    const int linger = 0;
    zap *self = calloc(1, sizeof *self);
    if (!self) {
        snprintf(err, errlen, "ZAP handler: out of memory");
        return NULL;
    }
    self->decide = decide;
    self->ctx = ctx;
    atomic_init(&self->stop, 0);
    self->sock = zmq_socket(zctx, ZMQ_REP);
    if (!self->sock || zmq_setsockopt(self->sock, ZMQ_LINGER, &linger, sizeof linger) < 0 ||
        zmq_bind(self->sock, ZAP_ENDPOINT) < 0) {
        snprintf(err, errlen, "ZAP handler: bind %s: %s", ZAP_ENDPOINT, zmq_strerror(zmq_errno()));
        goto fail;
    }
    if (pthread_create(&self->thread, NULL, zap_main, self) != 0) {
        snprintf(err, errlen, "ZAP handler: cannot start its thread");
        goto fail;
    }
    return self;
fail:
    if (self->sock)
        zmq_close(self->sock);
    free(self);
    return NULL;
}

void zap_stop(zap **self)
{
    if (!*self)
        return;
    atomic_store(&(*self)->stop, 1);
    pthread_join((*self)->thread, NULL);
    zmq_close((*self)->sock);
    free(*self);
    *self = NULL;
}
