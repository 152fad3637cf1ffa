/* bus_call.c — one request to a jiesu service, written by hand, for the
 * security tests: what a client that is not the jiesu tool can send.
 *
 *   bus_call KEYFILE SERVICE TYPE [field=value ...]
 *
 * KEYFILE acts (its owner is who the service sees); SERVICE is intake,
 * assignment, escalation or reporting, reached at <service>.router with the
 * public key in <keys.dir>/<service>.pub (configuration as for jiesu). For
 * TYPE action.request the fields ticket_no, action, unit_code, reason and
 * result fill an ActionRequest, and photos=N attaches N small PNG photos
 * ("after"); any other TYPE is sent with an empty payload.
 * Prints the reply's type, or "error: <message>", and exits 0 when a reply
 * that is not an error came.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "bus.h"
#include "config.h"
#include "keys.h"
#include "svc.h"

#define MAX_PHOTOS 100

static const unsigned char PNG[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13};

/* photos=N: N photos of a PNG's first bytes, kind "after", in rq. */
static void set_photos(Jiesu__ActionRequest *rq, long n)
{
    static Jiesu__Photo photos[MAX_PHOTOS], *list[MAX_PHOTOS];
    rq->n_photos = n < 0 ? 0 : n > MAX_PHOTOS ? MAX_PHOTOS : (size_t)n;
    for (size_t i = 0; i < rq->n_photos; i++) {
        jiesu__photo__init(&photos[i]);
        photos[i].kind = "after";
        photos[i].name = "photo.png";
        photos[i].data.data = (uint8_t *)PNG;
        photos[i].data.len = sizeof PNG;
        list[i] = &photos[i];
    }
    rq->photos = list;
}

static void set_field(Jiesu__ActionRequest *rq, const char *kv)
{
    const char *eq = strchr(kv, '=');
    if (!eq)
        return;
    if (strncmp(kv, "photos=", 7) == 0) {
        set_photos(rq, atol(eq + 1));
        return;
    }
    char **field = strncmp(kv, "ticket_no=", 10) == 0 ? &rq->ticket_no
                   : strncmp(kv, "action=", 7) == 0    ? &rq->action
                   : strncmp(kv, "unit_code=", 10) == 0 ? &rq->unit_code
                   : strncmp(kv, "reason=", 7) == 0    ? &rq->reason
                   : strncmp(kv, "result=", 7) == 0    ? &rq->result
                                                       : NULL;
    if (field)
        *field = (char *)eq + 1;
}

int main(int argc, char **argv)
{
    char err[1024] = "", server_key[KEYS_Z85_LEN + 1];
    keys_pair kp;
    Jiesu__Envelope *reply = NULL;
    Jiesu__ActionRequest action = JIESU__ACTION_REQUEST__INIT;
    if (argc < 4) {
        fprintf(stderr, "usage: bus_call KEYFILE SERVICE TYPE [field=value ...]\n");
        return 2;
    }
    config *cfg = config_new();
    if (!cfg || config_load_env_file(cfg, err, sizeof err) < 0 || keys_load(argv[1], &kp, 1, err, sizeof err) < 0 ||
        keys_load_peer(config_str(cfg, "keys.dir"), argv[2], server_key, err, sizeof err) < 0) {
        fprintf(stderr, "bus_call: %s\n", err);
        return 2;
    }
    for (int i = 4; i < argc; i++)
        set_field(&action, argv[i]);
    void *zctx = bus_context_new();
    bus_client *c = bus_client_new(zctx, svc_endpoint(cfg, argv[2], "router"), "bus_call",
                                   &kp, server_key, err, sizeof err);
    int rc = c ? bus_client_call(c, argv[3], strcmp(argv[3], "action.request") == 0 ? &action.base : NULL, 5000, 1,
                                 &reply, err, sizeof err)
               : -1;
    if (rc == 0)
        printf("%s\n", reply->type);
    else
        printf("error: %s\n", err);
    if (reply)
        jiesu__envelope__free_unpacked(reply, NULL);
    bus_client_destroy(&c);
    zmq_ctx_term(zctx);
    config_destroy(&cfg);
    return rc == 0 ? 0 : 1;
}
