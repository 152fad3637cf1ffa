/* bus.h — ZeroMQ messaging between jiesu services, one protobuf Envelope per frame.
 *
 * Three roles:
 *   bus_pub / bus_sub   events. The publisher numbers its events (Envelope.seq,
 *                       1, 2, 3... per event type; event ids start with a tag
 *                       fixed per publisher) so a subscriber notices gaps, even
 *                       when filtering by type, and re-reads PostgreSQL.
 *                       Frames: [type][Envelope]; subscribers filter on type prefix.
 *   bus_server          a ROUTER socket answering requests (ZMQ_ROUTER_MANDATORY,
 *                       so an unroutable reply is an error, not a silent drop).
 *   bus_client          a DEALER socket making requests the Lazy Pirate way:
 *                       a request id, a timeout, and on timeout a fresh socket and
 *                       a retry. Replies with a stale id are discarded. A server
 *                       that goes away mid-request ends the try at once; nobody
 *                       there after the connect wait ends the call (bus_client.c).
 * Request frames: [empty][Envelope] from the client, [identity][empty][Envelope]
 * at the server. ZMTP heartbeats are on for every socket.
 *
 * Every socket is CURVE (keys.h): the binding end (bus_pub, bus_server) is
 * the CURVE server with its service's key pair and asks the context's ZAP
 * handler (zap.h) about every client, in ZAP domain BUS_ZAP_EVENTS or
 * BUS_ZAP_REQUESTS; the connecting end (bus_sub, bus_client) proves its own
 * key pair and checks the server's public key, so neither a stranger nor a
 * forged service gets through. A request carries the user id the ZAP handler
 * gave its connection (bus_request.user_id), never a field the client wrote.
 *
 * Envelopes returned to the caller are the caller's to free with
 * jiesu__envelope__free_unpacked(env, NULL). The zmq context is borrowed.
 */
#ifndef JIESU_BUS_H
#define JIESU_BUS_H

#include <stddef.h>
#include <stdint.h>
#include <protobuf-c/protobuf-c.h>
#include "jiesu.pb-c.h"
#include "keys.h"
#include "wire.h"
#include "zap.h"

#define BUS_ZAP_EVENTS   "events"      /* ZAP domain of PUB sockets */
#define BUS_ZAP_REQUESTS "requests"    /* ZAP domain of ROUTER sockets */

/* Unpacks an envelope's payload as message T (import_reply: a Jiesu__ImportReply). NULL if malformed,
 * or when the envelope's type does not carry a T by the table of every type
 * on the bus (wire.h) — an ImportReply is never read from an Assignment's
 * bytes. Free with jiesu__T__free_unpacked(msg, NULL). */
#define BUS_UNPACK(T, env) bus_unpack((env), &jiesu__##T##__descriptor)
void *bus_unpack(const Jiesu__Envelope *env, const ProtobufCMessageDescriptor *message);

/* A ZeroMQ context for this process's sockets (zmq_ctx_term it), or NULL
 * with errno. It also keeps freed heap memory in the process: an import's
 * file crosses the bus in 1 MiB chunks, each packed, sent, received and
 * unpacked through a few 1 MiB buffers, and with glibc's default thresholds
 * every one of them was handed back to the kernel when freed and faulted in
 * again, page by page, for the next chunk — more than half of an upload's
 * time (310 MB: 10.0 s before, 4.5 s after, same machine and load). */
void *bus_context_new(void);

/* ---- events ---- */
typedef struct bus_pub bus_pub;

/* Binds a PUB socket at endpoint as CURVE server with keys (borrowed for the
 * call). sender (copied) names this service in envelopes. */
bus_pub *bus_pub_new(void *zctx, const char *endpoint, const char *sender, const keys_pair *keys, char *err,
                     size_t errlen);
/* Publishes msg under type; trace_id may be NULL. 0 or -1. Never blocks. */
int bus_pub_send(bus_pub *self, const char *type, const ProtobufCMessage *msg, const char *trace_id);
void bus_pub_destroy(bus_pub **self);

typedef struct bus_sub bus_sub;

/* Connects a SUB socket to endpoint, subscribed to types starting with prefix
 * ("" = all), as CURVE client with keys, to the publisher whose public key is
 * server_key. */
bus_sub *bus_sub_new(void *zctx, const char *endpoint, const char *prefix, const keys_pair *keys,
                     const char *server_key, char *err, size_t errlen);
void *bus_sub_socket(bus_sub *self);
/* Waits up to timeout_ms for an event. Returns 1 with *env set, 0 on timeout, -1 on error.
 * *gap is set to 1 when one or more events from that sender were missed. */
int bus_sub_recv(bus_sub *self, int timeout_ms, Jiesu__Envelope **env, int *gap);
void bus_sub_destroy(bus_sub **self);

/* ---- requests ---- */
typedef struct bus_server bus_server;

typedef struct {
    uint8_t          identity[256];
    size_t           identity_len;
    int              delimited;    /* 1 when the request had the empty delimiter frame (REQ,
                                    * bus_client); the reply repeats the sender's framing */
    char             user_id[ZAP_USER_ID_MAX];   /* who sent it, as the ZAP handler admitted its
                                                  * connection (jiesu's: the client's public key,
                                                  * Z85); "" if no handler decided */
    Jiesu__Envelope *env;          /* owned by the request; freed by bus_request_clear() */
} bus_request;

/* Binds a ROUTER socket at endpoint as CURVE server with keys. */
bus_server *bus_server_new(void *zctx, const char *endpoint, const char *sender, const keys_pair *keys, char *err,
                           size_t errlen);
/* The raw socket, for zmq_poll(). */
void *bus_server_socket(bus_server *self);
/* Reads one request without blocking. 1 with *req filled, 0 when none is waiting,
 * -1 on error. A frame that is not a valid Envelope is answered with an error and skipped. */
int bus_server_recv(bus_server *self, bus_request *req);
/* Answers req with msg under type, echoing its id and trace id. 0 or -1. */
int bus_server_reply(bus_server *self, const bus_request *req, const char *type, const ProtobufCMessage *msg);
/* Answers req with a Jiesu__Error (type "error"). */
int bus_server_reply_error(bus_server *self, const bus_request *req, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void bus_request_clear(bus_request *req);
void bus_server_destroy(bus_server **self);

typedef struct bus_client bus_client;

/* A DEALER for requests to endpoint, as CURVE client with keys (copied), to
 * the server whose public key is server_key. A server that refuses the key
 * (ZAP) ends every call at once with err saying so. */
bus_client *bus_client_new(void *zctx, const char *endpoint, const char *sender, const keys_pair *keys,
                           const char *server_key, char *err, size_t errlen);
/* The code of the "error" the server answered the last call with (its
 * Jiesu__Error.code), 0 when the last call got no such answer. */
int bus_client_error_code(const bus_client *self);
/* 1 when nothing took the last call's connection — the server is not
 * running, or restarting — so its request surely did nothing (a message
 * leaves only after the handshake); 0 when it may have arrived, or the server
 * refused the handshake (bus_client_call's err says why). */
int bus_client_absent(const bus_client *self);
/* 1 when the last call's handshake was refused because the server could not
 * check keys then (its database out of reach), else 0. */
int bus_client_unchecked(const bus_client *self);

/* Hands interim reports to fn: a reply of type "<x>.progress" carrying the
 * request's id is passed to fn (the envelope is freed after it returns)
 * instead of ending the call, and the wait for the real reply starts again:
 * a server that reports progress is alive. */
typedef void (*bus_progress_fn)(void *ctx, const Jiesu__Envelope *env);
void bus_client_on_progress(bus_client *self, bus_progress_fn fn, void *ctx);

/* Makes the following calls for the person whose session or API token
 * credential is (copied; NULL or "" ends that): only a service named in
 * auth.delegates may do this, and the server checks the credential afresh
 * for every request (svc.c). 0, or -1 when out of memory. */
int bus_client_set_on_behalf(bus_client *self, const char *credential);

/* What a failed call's error calls the server ("工单受理服务（ipc://…）"),
 * copied; NULL or "": its endpoint, as by default. */
void bus_client_set_title(bus_client *self, const char *title);

/* How long a try waits for a connection before deciding nobody is there
 * (default 10 s; ms <= 0 restores it). Tries shorter than this just time out. */
void bus_client_set_connect_wait(bus_client *self, int ms);
/* Sends msg under type and waits for the matching reply, trying up to tries
 * times, each waiting timeout_ms. A try ends early when the server's
 * connection drops (the next try sends again) or when nothing accepted the
 * connection within the connect wait (no further tries). Returns 0 with
 * *reply set; -1 on no answer (err says which of these) or when the server
 * answered "error" (its message is then in err). */
int bus_client_call(bus_client *self, const char *type, const ProtobufCMessage *msg,
                    int timeout_ms, int tries, Jiesu__Envelope **reply, char *err, size_t errlen);
void bus_client_destroy(bus_client **self);

/* ---- helpers ---- */
/* Writes a new random id (32 hex chars + NUL) into out[33]. */
void bus_new_id(char out[33]);

#endif
