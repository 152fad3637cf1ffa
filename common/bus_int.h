/* bus_int.h — what bus.c (events, the request server) shares with
 * bus_client.c (the request client): sockets set up alike, envelopes packed
 * alike, whole multi-frame messages sent and received. Not for other modules.
 */
#ifndef JIESU_BUS_INT_H
#define JIESU_BUS_INT_H

#include <stddef.h>
#include <stdint.h>
#include <zmq.h>

#include "bus.h"

#define BUS_MAX_FRAMES 3    /* [identity][empty][envelope] at most */

/* One received message, up to BUS_MAX_FRAMES frames; extra frames are counted and dropped. */
typedef struct {
    zmq_msg_t part[BUS_MAX_FRAMES];
    int       n;
    int       extra;
} bus_frames;

/* strdup(), NULL when out of memory. */
char *bus_dup_str(const char *s);

/* A new socket with heartbeats, linger and high-water marks set (hwm 0: the
 * default), not yet bound or connected; or NULL with err naming endpoint. */
void *bus_open_socket(void *zctx, int type, int linger_ms, int hwm, const char *endpoint, char *err,
                      size_t errlen);

/* Makes sock a CURVE server (server_key NULL: keys are its own, zap_domain
 * names it to the ZAP handler) or a CURVE client of the server whose public
 * key is server_key. 0, or -1 with err naming endpoint. */
int bus_set_curve(void *sock, const keys_pair *keys, const char *server_key, const char *zap_domain,
                  const char *endpoint, char *err, size_t errlen);

/* Packs an envelope around msg (NULL = empty payload); on_behalf (NULL or
 * "": none) is a person's credential a delegate service sends. Returns a
 * malloc'd buffer the caller frees, with its length in *len, or NULL when
 * out of memory. */
uint8_t *bus_envelope_pack(const char *type, const char *id, const char *trace_id, const char *sender,
                           uint64_t seq, const char *on_behalf, const ProtobufCMessage *msg, size_t *len);

/* Sends n frames as one message; flags (e.g. ZMQ_DONTWAIT) apply to each. 0 or -1 (zmq_errno). */
int bus_frames_send(void *sock, const void *const *data, const size_t *len, int n, int flags);

/* Receives one whole message. 1, 0 when flags has ZMQ_DONTWAIT and nothing waits, -1 on error. */
int bus_frames_recv(void *sock, int flags, bus_frames *f);

void bus_frames_close(bus_frames *f);

/* Unpacks a frame as an Envelope; NULL if malformed. */
Jiesu__Envelope *bus_frame_envelope(zmq_msg_t *m);

#endif
