/* web_bus.c — requests made for the signed-in person (see web_bus.h). */
#include "web_bus.h"

#include <stdio.h>
#include <string.h>

int web_bus_call(const web_bus *b, const char *service, const web_user *u, const char *type,
                 const ProtobufCMessage *msg, Jiesu__Envelope **reply, int *code, char *err, size_t errlen)
{
    int peer = -1;
    *reply = NULL;
    *code = 0;
    for (int i = 0; i < WEB_BUS_PEERS; i++)
        if (strcmp(b->names[i], service) == 0)
            peer = i;
    if (peer < 0) {
        snprintf(err, errlen, "no way to %s from the web tier", service);
        return -1;
    }
    bus_client *c = bus_client_new(b->zctx, b->endpoints[peer], "reporting", &b->keys, b->server_keys[peer], err,
                                   errlen);
    if (!c)
        return -1;
    bus_client_set_connect_wait(c, b->connect_ms);
    int rc = bus_client_set_on_behalf(c, u->credential);
    if (rc == 0)
        rc = bus_client_call(c, type, msg, b->timeout_ms, 1, reply, err, errlen);
    *code = bus_client_error_code(c);
    if (rc != 0 && *code == 0 && bus_client_absent(c))
        *code = WEB_BUS_UNREACHED;
    bus_client_destroy(&c);
    return rc;
}
