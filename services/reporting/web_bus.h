/* web_bus.h — the web tier acting for the person signed in: a request to
 * another service over the bus, made with the reporting service's own key
 * and the person's credential in Envelope.on_behalf (svc.h, auth.delegates).
 * The receiving service checks that credential itself and records the
 * person as the actor, exactly as when they use the jiesu command.
 *
 * Called from the HTTP handler threads: each call opens its own DEALER (the
 * zmq context is thread-safe, sockets are not) and closes it after.
 */
#ifndef JIESU_WEB_BUS_H
#define JIESU_WEB_BUS_H

#include <stddef.h>

#include "bus.h"
#include "keys.h"
#include "web_auth.h"

#define WEB_BUS_PEERS 3         /* assignment, escalation, intake */

typedef struct {
    void     *zctx;                             /* borrowed: the service's */
    keys_pair keys;                             /* the reporting service's pair */
    char      names[WEB_BUS_PEERS][16];
    char      endpoints[WEB_BUS_PEERS][256];
    char      server_keys[WEB_BUS_PEERS][KEYS_Z85_LEN + 1];
    int       timeout_ms;                       /* web.bus_timeout_ms 10000 */
    int       import_timeout_ms;                /* web.import_timeout_seconds 1800, in ms: an import's silence */
    int       connect_ms;                       /* web.connect_seconds 3, in ms */
} web_bus;

/* *code of a call that surely did nothing: the service was never reached
 * (not running, or restarting), within web.connect_seconds. */
#define WEB_BUS_UNREACHED (-2)

/* Sends msg as type to service ("assignment", "escalation") for u, once
 * (an action is not retried behind the person's back). 0 with *reply (the
 * caller's to free), or -1 with the service's answer or the failure in err
 * and its error code in *code: 403, 409 ...; 0 when nothing answered a
 * request that may have arrived; WEB_BUS_UNREACHED. */
int web_bus_call(const web_bus *b, const char *service, const web_user *u, const char *type,
                 const ProtobufCMessage *msg, Jiesu__Envelope **reply, int *code, char *err, size_t errlen);

/* A connection to service acting for the person whose credential is given
 * (copied), for several requests in turn (an import's chunks), on the
 * calling thread only. NULL with err. bus_client_destroy() closes it. */
bus_client *web_bus_open(const web_bus *b, const char *service, const char *credential, char *err, size_t errlen);

/* One request on c (web_bus_open), once, waiting timeout_ms (the silence
 * between progress reports, when the service sends them): as web_bus_call. */
int web_bus_send(bus_client *c, const char *type, const ProtobufCMessage *msg, int timeout_ms,
                 Jiesu__Envelope **reply, int *code, char *err, size_t errlen);

#endif
