/* svc.h — what every jiesu service process shares, written once: the command
 * line (-c FILE), configuration and logging, SIGTERM/SIGINT, the PostgreSQL
 * connection (reset when it breaks), Redis on demand, the service's CURVE key
 * pair (<keys.dir>/<service>.key) and the ZAP handler that admits only keys
 * of enabled principals, the ROUTER + PUB sockets named by <service>.router
 * and <service>.pub, and answering requests through a table of handlers
 * ("ping" is answered here for every service).
 *
 * Every request is answered for a principal: the one its connection's key
 * belongs to, loaded afresh from PostgreSQL for each request (so disabling a
 * user, or giving them a new key, takes effect at once, on a connection
 * already open too), and only when its role is among the route's roles;
 * otherwise the client hears why, and the handler never runs.
 *
 * Acting for people: a service named in auth.delegates (default
 * "reporting", the web tier) may send a request with a person's credential
 * in Envelope.on_behalf (bus_client_set_on_behalf): the session token of
 * someone signed in there, or their API token. The request is then answered
 * for that person — their role checked, their name recorded — and only while
 * the credential is live (the session not expired, the user not disabled),
 * checked afresh for each request. The same field from any other key
 * (another service, a person's own key) is refused with 403.
 *
 *   static const svc_route ROUTES[] = {{"import.upload", on_upload, AUTH_CLERK}, {NULL, NULL, 0}};
 *   service s;
 *   if (svc_start(&s, "intake", argc, argv, ROUTES, &my_state) == 0)
 *       while (!svc_stopping())
 *           svc_poll(&s, 1000);
 *   svc_finish(&s);
 */
#ifndef JIESU_SVC_H
#define JIESU_SVC_H

#include <hiredis/hiredis.h>
#include <libpq-fe.h>
#include <signal.h>
#include <stdint.h>

#include "auth.h"
#include "bus.h"
#include "config.h"
#include "keys.h"
#include "zap.h"

#define SVC_ERR_BAD_REQUEST 400
#define SVC_ERR_FORBIDDEN 403
#define SVC_ERR_INTERNAL 500

typedef struct service service;

/* A store out of reach: since when, and when the log last said so (mono ms, 0: never). */
typedef struct {
    int64_t lost_ms, said_ms;
} svc_outage;

/* Fills out with what people must act on now ("" when nothing), for the
 * service's answer to ping (`jiesu status`). */
typedef void (*svc_warning_fn)(service *s, char *out, size_t cap);

/* Answers one request of the type it is registered for, made by who. */
typedef void (*svc_handler)(service *s, const bus_request *req, const auth_principal *who);

typedef struct {
    const char  *type;
    svc_handler  fn;
    auth_role    roles;     /* who may make this request */
} svc_route;

struct service {
    const char      *name;
    config          *cfg;
    PGconn          *pg;
    redisContext    *redis;     /* NULL until svc_ensure_redis() */
    unsigned         redis_epoch;   /* +1 on every (re)connect: objects bound to the old one must go */
    void            *zctx;
    bus_server      *server;
    bus_pub         *pub;
    keys_pair        keys;      /* this service's CURVE key pair */
    const char      *keys_dir;  /* keys.dir: the services' key files */
    zap             *zap;
    auth_zap        *zap_auth;
    int64_t          started_ms;
    svc_outage       pg_out, redis_out;
    const svc_route *routes;    /* ends with {NULL, NULL, 0} */
    void            *user;      /* the service's own state, for its handlers */
    svc_warning_fn   warning;   /* set by a service with something to warn of in its pong; may be NULL */
    char             http_addr[128];    /* its web server's address, "" when it serves none (svc_http) */
    char             http_error[512];   /* why that server does not listen, "" when it does */
};

/* Parses -c FILE (else $JIESU_CONFIG), loads the config, starts logging,
 * sets umask 077 (whatever the service creates is its user's only), installs
 * the signal handlers, connects PostgreSQL, loads the key pair, starts the
 * ZAP handler and binds the sockets.
 * 0, or -1 after logging why (svc_finish() still cleans up). */
int svc_start(service *s, const char *name, int argc, char **argv, const svc_route *routes, void *user);

/* Records the service's web server for its pong (`jiesu status`): listening on
 * host:port (port: the one bound, as "host:0" binds any), or, when port < 0,
 * not listening on addr, which could not be bound. */
void svc_http(service *s, const char *addr, int port);

/* The endpoint <name>.<what> ("router" or "pub") of a service, configured or
 * its default (tcp://127.0.0.1:7101 for intake's router). Owned by cfg. */
const char *svc_endpoint(const config *cfg, const char *name, const char *what);

/* The name of the i-th jiesu service ("intake", "assignment", "escalation",
 * "reporting"), NULL past the last. */
const char *svc_name(size_t i);

/* What people read for the i-th service where it acted (自动派单服务 for
 * "assignment"): its principal's display name. NULL past the last. */
const char *svc_title(size_t i);

/* The same for a service named by its name; the name itself when it is not one. */
const char *svc_title_of(const char *name);

/* The public key of service peer ("intake"...) from keys.dir into out. 0,
 * or -1 after logging why. */
int svc_peer_key(const service *s, const char *peer, char out[KEYS_Z85_LEN + 1]);

/* 1 once SIGTERM or SIGINT arrived. */
int svc_stopping(void);

/* The flag behind svc_stopping(), for long work that checks it between steps. */
const volatile sig_atomic_t *svc_stop_flag(void);

/* Resets the PostgreSQL connection when it broke. 0 when usable, else -1
 * with PostgreSQL's reason in err, for a request's answer. The log has the
 * loss, the reason again once a minute while it lasts, and the recovery, so
 * a loop retrying every second need not log each try. */
int svc_ensure_pg(service *s, char *err, size_t errlen);

/* How a handler passes on a failure a lower layer wrote into err (the
 * database's reason, say): logs it as an error naming the request, and
 * answers the client with code and, for SVC_ERR_INTERNAL, what to do in
 * Chinese (PostgreSQL's words name tables and roles and are for the log),
 * else the same text. */
void svc_reply_failed(service *s, const bus_request *req, int code, const char *err);

/* Connects Redis (redis.addr) when not connected or broken: one try, which
 * a stopped server refuses at once and a silent one may hold up for at most
 * a second or two (rconn.h), so a loop calling it while Redis is away keeps
 * answering its requests. 0 when usable, else -1. The log has the loss, the
 * reason again once a minute while it lasts, and the recovery, as for
 * PostgreSQL. */
int svc_ensure_redis(service *s);

/* Waits up to timeout_ms for requests and answers all that are waiting.
 * 0, or -1 when polling itself failed. */
int svc_poll(service *s, int timeout_ms);

/* svc_poll() that also waits on up to SVC_MAX_EXTRA more sockets (subscribers,
 * say): ready[i] is set to 1 when socks[i] has something to read, else 0. */
#define SVC_MAX_EXTRA 8
int svc_poll_also(service *s, void *const *socks, int n, int *ready, int timeout_ms);


void svc_finish(service *s);

#endif
