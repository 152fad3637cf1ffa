/* web_bus.c — requests made for the signed-in person (see web_bus.h). */
#include "web_bus.h"

#include <stdio.h>
#include <string.h>

bus_client *web_bus_open(const web_bus *b, const char *service, const char *credential, char *err, size_t errlen)
{
    int peer = -1;
    for (int i = 0; i < WEB_BUS_PEERS; i++)
        if (strcmp(b->names[i], service) == 0)
            peer = i;
    if (peer < 0) {
        snprintf(err, errlen, "no way to %s from the web tier", service);
        return NULL;
    }
    bus_client *c = bus_client_new(b->zctx, b->endpoints[peer], "reporting", &b->keys, b->server_keys[peer], err,
                                   errlen);
    if (!c)
        return NULL;
    bus_client_set_connect_wait(c, b->connect_ms);
    if (bus_client_set_on_behalf(c, credential) < 0) {
        snprintf(err, errlen, "out of memory");
        bus_client_destroy(&c);
    }
    return c;
}

int web_bus_send(bus_client *c, const char *type, const ProtobufCMessage *msg, int timeout_ms,
                 Jiesu__Envelope **reply, int *code, char *err, size_t errlen)
{
    int rc = bus_client_call(c, type, msg, timeout_ms, 1, reply, err, errlen);
    *code = bus_client_error_code(c);
    if (rc != 0 && *code == 0 && bus_client_absent(c))
        *code = WEB_BUS_UNREACHED;
    return rc;
}

int web_bus_call(const web_bus *b, const char *service, const web_user *u, const char *type,
                 const ProtobufCMessage *msg, Jiesu__Envelope **reply, int *code, char *err, size_t errlen)
{
    *reply = NULL;
    *code = 0;
    bus_client *c = web_bus_open(b, service, u->credential, err, errlen);
    if (!c)
        return -1;
    int rc = web_bus_send(c, type, msg, b->timeout_ms, reply, code, err, errlen);
    bus_client_destroy(&c);
    return rc;
}
