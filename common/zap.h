/* zap.h — the ZAP handler of one ZeroMQ context: who may connect at all.
 *
 * libzmq asks the handler bound at inproc://zeromq.zap.01 (ZeroMQ RFC 27)
 * about every connection to a CURVE server socket of the context, after the
 * handshake proved the client holds the secret key of the public key it
 * shows. zap_start() binds that endpoint before returning, so a server
 * socket bound afterwards never runs without it (libzmq 4.3 lets a CURVE
 * client in unchecked when no handler is bound), and answers on a thread of
 * its own until zap_stop().
 *
 * The decision is the caller's: decide() gets the socket's ZAP domain
 * ("requests", "events"), the client's public key (Z85) and address, and
 * either admits it under a user id — which every message from that
 * connection then carries as its "User-Id" property (bus_request.user_id)
 * — or refuses it, and the client sees its handshake fail — or cannot tell
 * now (its database is out of reach, say): the handshake fails with ZAP's
 * status 500, which the client tells apart from a refusal (400). Anything
 * but CURVE is refused without asking.
 */
#ifndef JIESU_ZAP_H
#define JIESU_ZAP_H

#include <stddef.h>

#define ZAP_USER_ID_MAX 64

/* 1: admit, user_id filled (at most ZAP_USER_ID_MAX - 1 characters);
 * 0: refuse, why filled; -1: cannot decide now, why filled. Runs on the
 * handler's thread, one call at a time. */
typedef int (*zap_decide_fn)(void *ctx, const char *domain, const char *client_key, const char *address,
                             char *user_id, size_t idcap, char *why, size_t whycap);

typedef struct zap zap;

/* Binds the handler in zctx and starts its thread. NULL with err. ctx is
 * borrowed until zap_stop(). */
zap *zap_start(void *zctx, zap_decide_fn decide, void *ctx, char *err, size_t errlen);

/* Stops the thread, closes its socket (before zmq_ctx_term) and sets *self to NULL. */
void zap_stop(zap **self);

#endif
