/* http.c — libmicrohttpd wrapped in a route table, with per-client limits
 * (see http.h).
 *
 * libmicrohttpd calls the access handler several times per request: once with
 * the headers, then once per body chunk, then with no data. The first call
 * allocates a per-request record (kept in *con_cls), body chunks go through a
 * post processor into a small field list, and the last call runs the route's
 * handler and queues its response. On a stream route the post processor
 * hands a file field's pieces to the route's sink instead of the list, so
 * a file larger than memory passes through; a response with a reader is
 * sent from libmicrohttpd's callback, block by block.
 *
 * libmicrohttpd closes idle connections and refuses too many from one
 * address, but has no deadline for a whole request: a client sending a byte
 * every few seconds keeps a connection forever. So every connection is
 * tracked (connection notifications) with the time its current request
 * began, whether it is being answered and the address of the client whose
 * request that is (which counts the requests of one client address being
 * answered: per request, as a trusted proxy's connection carries the
 * requests of many clients), and a watcher thread shuts down the
 * socket of one past the deadline; libmicrohttpd then sees the end of the
 * stream and closes it. The record is unlinked, under the same lock, in the
 * "closed" notification, which libmicrohttpd sends before it closes the
 * descriptor — so the watcher never shuts down a reused descriptor.
 */
#include "http_int.h"
#include "clock.h"
#include "log.h"
#include "text.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#define MAX_ROUTES 32
#define WATCH_TICK_MS 250           /* how late past its deadline a slow request may be cut */
#define CUT_LOG_MS 60000            /* cut connections are logged at most once a minute, counted */
#define MAX_FORWARDED 8             /* X-Forwarded-For headers read; more: the TCP peer is the client */


/* One open connection, for the request deadline. Guarded by the server's lock. */
typedef struct http_conn {
    struct http_conn *prev, *next;
    int               fd;
    char              client[INET6_ADDRSTRLEN];     /* the address of the client of its request */
    long long         since_ms;     /* when the request being received began (monotonic) */
    int               busy;         /* being answered: its handler runs or its response goes out */
    int               unhurried;    /* its body may take longer than the deadline (http_request_unhurried) */
    int               cut;          /* shut down by the watcher */
} http_conn;

struct http_server {
    struct MHD_Daemon *daemon;
    char               host[64];
    unsigned short     port;
    size_t             max_body;
    http_limits        limits;
    http_refusal_fn    refuse;
    char               policy[HTTP_POLICY_MAX];     /* Content-Security-Policy of every answer */
    http_route_entry   routes[MAX_ROUTES];
    size_t             nroutes;
    pthread_mutex_t    lock;        /* guards conns, the records and the fields below */
    pthread_cond_t     wake;        /* tells the watcher to stop */
    http_conn         *conns;
    pthread_t          watcher;
    int                watching;    /* the watcher thread runs */
    int                stopping;
    unsigned long      cut, cut_logged;
    long long          cut_log_ms;
};

/* ---- limits ---- */

/* Each limit's key; its default and bounds are in config_keys.c. */
static const struct {
    const char *key;
    size_t      offset;
} LIMIT_KEYS[] = {
    {"http.threads", offsetof(http_limits, threads)},
    {"http.max_connections", offsetof(http_limits, max_connections)},
    {"http.per_ip_connections", offsetof(http_limits, per_ip_connections)},
    {"http.per_ip_busy", offsetof(http_limits, per_ip_busy)},
    {"http.idle_timeout_seconds", offsetof(http_limits, idle_seconds)},
    {"http.request_timeout_seconds", offsetof(http_limits, request_seconds)},
    {"http.connection_memory_kib", offsetof(http_limits, memory_kib)},
};

void http_limits_load(http_limits *l, const config *cfg)
{
    char err[256];
    for (size_t i = 0; i < sizeof LIMIT_KEYS / sizeof LIMIT_KEYS[0]; i++)
        *(unsigned *)((char *)l + LIMIT_KEYS[i].offset) = (unsigned)config_long(cfg, LIMIT_KEYS[i].key);
    if (proxies_parse(&l->trusted, config_str(cfg, "http.trusted_proxies"), err, sizeof err) < 0)
        log_warn("http.trusted_proxies: %s; no proxy is trusted", err);     /* config_check refuses it first */
}

/* The server's own refusals unless http_server_refusals() names another:
 * the status and what it means, in plain text. */
static void refuse_in_words(const http_request *req, http_response *resp, int status, size_t n)
{
    (void)req;
    const char *type = "text/plain; charset=utf-8";
    if (status == 413)
        http_reply(resp, status, type, "413 请求体超过 %zu 字节，请删短后再发送\n", n);
    else if (status == 503)
        http_reply(resp, status, type, "503 你的地址已有 %zu 个请求正在处理，请等它们完成后再发送\n", n);
    else
        http_reply(resp, status, type, "%d %s\n", status, status == 405 ? "这个地址不接受这种请求" : "没有这个地址");
}

http_server *http_server_new(const char *addr, size_t max_body, char *err, size_t errlen)
{
    const char *colon = strrchr(addr, ':');
    char *end;
    long port = colon ? strtol(colon + 1, &end, 10) : -1;
    if (!colon || *end || port < 0 || port > 65535 || (size_t)(colon - addr) >= 64) {
        snprintf(err, errlen, "http address '%s': expected host:port", addr);
        return NULL;
    }
    http_server *self = calloc(1, sizeof *self);
    if (!self) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    memcpy(self->host, addr, (size_t)(colon - addr));
    if (!self->host[0])
        strcpy(self->host, "0.0.0.0");
    self->port = (unsigned short)port;
    self->max_body = max_body;
    http_limits_load(&self->limits, NULL);
    self->refuse = refuse_in_words;
    http_server_policy(self, HTTP_POLICY_NONE);
    pthread_mutex_init(&self->lock, NULL);
    clock_cond_init(&self->wake);
    return self;
}

void http_server_limits(http_server *self, const http_limits *limits)
{
    self->limits = *limits;
}

int http_route_stream(http_server *self, const char *method, const char *path, http_handler_fn fn,
                      http_sink_fn sink, void *ctx, size_t max_body)
{
    if (self->nroutes == MAX_ROUTES || strlen(method) >= 8 || strlen(path) >= 128)
        return -1;
    http_route_entry *r = &self->routes[self->nroutes++];
    snprintf(r->method, sizeof r->method, "%s", method);
    snprintf(r->path, sizeof r->path, "%s", path);
    r->fn = fn;
    r->sink = sink;
    r->ctx = ctx;
    r->max_body = max_body;
    return 0;
}

int http_route(http_server *self, const char *method, const char *path, http_handler_fn fn, void *ctx)
{
    return http_route_stream(self, method, path, fn, NULL, ctx, 0);
}

static const http_route_entry *find_route(const http_server *self, const char *method, const char *path,
                                          int *path_known)
{
    *path_known = 0;
    for (size_t i = 0; i < self->nroutes; i++) {
        const http_route_entry *r = &self->routes[i];
        size_t n = strlen(r->path);
        int match = r->path[n - 1] == '*' ? strncmp(path, r->path, n - 1) == 0 : strcmp(path, r->path) == 0;
        if (!match)
            continue;
        *path_known = 1;
        if (strcmp(method, r->method) == 0)
            return r;
    }
    return NULL;
}

/* Appends len bytes to field i. 0 or -1. */
static int field_append(http_request *req, size_t i, const char *value, size_t len)
{
    char *p = realloc(req->values[i], req->lens[i] + len + 1);
    if (!p)
        return -1;
    memcpy(p + req->lens[i], value, len);
    req->lens[i] += len;
    p[req->lens[i]] = '\0';
    req->values[i] = p;
    return 0;
}

/* Adds the bytes at offset off of field name's value: a value given again
 * (a chunk at offset 0 of a name already seen) is kept apart in req->repeated,
 * never appended to the first. */
static int add_field(http_request *req, const char *name, const char *filename, const char *type,
                     const char *value, size_t len, uint64_t off)
{
    for (size_t i = 0; i < req->nfields; i++) {
        if (strcmp(req->names[i], name) != 0)
            continue;
        if (off > 0)                                /* the same value, in several chunks */
            return field_append(req, i, value, len);
        if (!req->repeated)
            req->repeated = req->names[i];
        return 0;
    }
    if (req->nfields == MAX_FIELDS)
        return -1;
    size_t i = req->nfields++;
    req->names[i] = strdup(name);
    req->filenames[i] = filename ? strdup(filename) : NULL;
    req->types[i] = type ? strdup(type) : NULL;
    if (!req->names[i] || (filename && !req->filenames[i]) || (type && !req->types[i]))
        return -1;
    return field_append(req, i, value, len);
}

static enum MHD_Result on_post_field(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
                                     const char *content_type, const char *encoding, const char *data,
                                     uint64_t off, size_t size)
{
    (void)kind; (void)encoding;
    http_request *req = cls;
    if (!req->stream || !filename)
        return add_field(req, key, filename, content_type, data ? data : "", size, off) == 0 ? MHD_YES : MHD_NO;
    if (!req->sink_done && req->stream->sink(req->stream->ctx, req, key, filename, data ? data : "", size, off) < 0)
        req->sink_done = 1;
    return MHD_YES;
}

static void free_headers(http_response *resp)
{
    for (size_t i = 0; i < resp->nheaders; i++) {
        free(resp->header_names[i]);
        free(resp->header_values[i]);
    }
    resp->nheaders = 0;
}


#define READER_BLOCK (64 * 1024)

/* resp's body as libmicrohttpd sends it: the bytes, or its reader's. */
static struct MHD_Response *response_of(http_response *resp)
{
    if (resp->reader)
        return MHD_create_response_from_callback(resp->size, READER_BLOCK, resp->reader, resp->reader_ctx,
                                                 resp->reader_free);
    return MHD_create_response_from_buffer(resp->len, resp->body ? resp->body : (char *)"",
                                           resp->body ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
}

/* Sends resp on conn with the headers every answer of self has: none kept
 * by a cache (pages show callers' names and numbers), none read as another
 * type, framed by no page (a button under a click meant for another
 * site's), its address told no other site, only what self's policy allows. */
static enum MHD_Result send_response(const http_server *self, struct MHD_Connection *conn, http_response *resp)
{
    struct MHD_Response *r = response_of(resp);
    if (!r) {
        free(resp->body);
        if (resp->reader_free)
            resp->reader_free(resp->reader_ctx);
        free_headers(resp);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", resp->content_type ? resp->content_type : "text/plain; charset=utf-8");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Content-Security-Policy", self->policy);
    MHD_add_response_header(r, "X-Frame-Options", "DENY");     /* browsers before frame-ancestors */
    MHD_add_response_header(r, "Referrer-Policy", "same-origin");
    for (size_t i = 0; i < resp->nheaders; i++)
        MHD_add_response_header(r, resp->header_names[i], resp->header_values[i]);
    free_headers(resp);
    enum MHD_Result rc = MHD_queue_response(conn, (unsigned)resp->status, r);
    MHD_destroy_response(r);
    return rc;
}

/* Answers req: its route's handler, or an error. crowded: the client's
 * address has http.per_ip_busy requests being answered already. */
static enum MHD_Result run_handler(http_server *self, http_request *req, int crowded)
{
    http_response resp = {.status = 500};
    int path_known;
    const http_route_entry *route = find_route(self, req->method, req->path, &path_known);
    if (req->too_large && !req->sink_done)
        self->refuse(req, &resp, 413, req->max_body);
    else if (crowded)
        self->refuse(req, &resp, 503, self->limits.per_ip_busy);
    else if (!route)
        self->refuse(req, &resp, path_known ? 405 : 404, 0);
    else
        route->fn(route->ctx, req, &resp);
    return send_response(self, req->conn, &resp);
}

void http_server_refusals(http_server *self, http_refusal_fn fn)
{
    self->refuse = fn;
}

void http_server_policy(http_server *self, const char *policy)
{
    snprintf(self->policy, sizeof self->policy, "%s", policy);
}

/* ---- the request deadline ---- */

static http_conn *conn_record(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

/* The request of client on conn is about to be answered: 0, or -1 when
 * that address has per_ip_busy requests being answered already (and this
 * one is not). */
static int conn_start(http_server *self, struct MHD_Connection *conn, const char *client)
{
    http_conn *c = conn_record(conn);
    unsigned busy = 0;
    if (!c)
        return 0;
    pthread_mutex_lock(&self->lock);
    snprintf(c->client, sizeof c->client, "%s", client);
    for (const http_conn *o = self->conns; o; o = o->next)
        busy += o->busy && strcmp(o->client, client) == 0;
    int crowded = busy >= self->limits.per_ip_busy;
    if (!crowded) {
        c->busy = 1;
        c->since_ms = clock_mono_ms();
    }
    pthread_mutex_unlock(&self->lock);
    return crowded ? -1 : 0;
}

void http_request_unhurried(http_request *req)
{
    http_conn *c = conn_record(req->conn);
    if (!c)
        return;
    pthread_mutex_lock(&req->server->lock);
    c->unhurried = 1;
    pthread_mutex_unlock(&req->server->lock);
}

/* The request on conn is done: the next one on the connection starts its clock. */
static void conn_done(http_server *self, struct MHD_Connection *conn)
{
    http_conn *c = conn_record(conn);
    if (!c)
        return;
    pthread_mutex_lock(&self->lock);
    c->busy = c->unhurried = 0;
    c->since_ms = clock_mono_ms();
    pthread_mutex_unlock(&self->lock);
}

/* The TCP peer's address as text ("" when unknown). */
static void peer_ip(struct MHD_Connection *conn, char *ip, size_t cap)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;
    const void *a = !sa                       ? NULL
                    : sa->sa_family == AF_INET  ? (const void *)&((const struct sockaddr_in *)sa)->sin_addr
                    : sa->sa_family == AF_INET6 ? (const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr
                                                : NULL;
    if (!a || !inet_ntop(sa->sa_family, a, ip, (socklen_t)cap))
        ip[0] = '\0';
}

/* The values of the X-Forwarded-For headers, in the order received. */
typedef struct {
    const char *values[MAX_FORWARDED];
    size_t      n;
    int         more;               /* there were more than MAX_FORWARDED */
} forwarded_for;

static enum MHD_Result on_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    forwarded_for *f = cls;
    (void)kind;
    if (strcasecmp(key, "X-Forwarded-For") != 0)
        return MHD_YES;
    if (f->n == MAX_FORWARDED) {
        f->more = 1;
        return MHD_NO;
    }
    f->values[f->n++] = value ? value : "";
    return MHD_YES;
}

/* The address of the client of the request on conn, into out
 * (INET6_ADDRSTRLEN): the peer's, or from X-Forwarded-For when the peer is
 * a trusted proxy. Every X-Forwarded-For header is read, as one list: a
 * proxy that adds its own header instead of appending to the client's would
 * otherwise leave the first, the client's, to be believed. Too many headers
 * to read: the peer's, as for an entry that is not an address. */
static void request_client(const http_server *self, struct MHD_Connection *conn, char *out, size_t cap)
{
    char peer[INET6_ADDRSTRLEN];
    forwarded_for f = {.n = 0};
    peer_ip(conn, peer, sizeof peer);
    if (proxies_trusts(&self->limits.trusted, peer))
        MHD_get_connection_values(conn, MHD_HEADER_KIND, on_header, &f);
    proxies_client(&self->limits.trusted, peer, f.values, f.more ? 0 : f.n, out, cap);
}

void http_client_address(const http_request *req, char *out, size_t cap)
{
    snprintf(out, cap, "%s", req->client);
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    http_server *self = cls;
    http_conn *c = *socket_context;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        if (!ci || !(c = calloc(1, sizeof *c)))
            return;                 /* untracked: only the idle timeout applies to it */
        c->fd = ci->connect_fd;
        c->since_ms = clock_mono_ms();
        pthread_mutex_lock(&self->lock);
        c->next = self->conns;
        if (c->next)
            c->next->prev = c;
        self->conns = c;
        pthread_mutex_unlock(&self->lock);
        *socket_context = c;
    } else if (c) {                 /* closed: before libmicrohttpd closes the descriptor */
        pthread_mutex_lock(&self->lock);
        if (c->prev)
            c->prev->next = c->next;
        else
            self->conns = c->next;
        if (c->next)
            c->next->prev = c->prev;
        pthread_mutex_unlock(&self->lock);
        free(c);
        *socket_context = NULL;
    }
}

/* Shuts down every connection whose request is overdue; logs the count now
 * and then. Called with the lock held. */
static void cut_overdue(http_server *self, long long now)
{
    long long limit_ms = (long long)self->limits.request_seconds * 1000;
    for (http_conn *c = self->conns; c; c = c->next) {
        if (c->busy || c->unhurried || c->cut || now - c->since_ms < limit_ms)
            continue;
        shutdown(c->fd, SHUT_RDWR);
        c->cut = 1;
        self->cut++;
    }
    if (self->cut > self->cut_logged && now - self->cut_log_ms >= CUT_LOG_MS) {
        log_warn("http %s:%u: closed %lu connections that had not sent a whole request within %u s "
                 "(slow or stalled clients; http.request_timeout_seconds)",
                 self->host, self->port, self->cut - self->cut_logged, self->limits.request_seconds);
        self->cut_logged = self->cut;
        self->cut_log_ms = now;
    }
}

static void *watch(void *arg)
{
    http_server *self = arg;
    pthread_mutex_lock(&self->lock);
    self->cut_log_ms = clock_mono_ms() - CUT_LOG_MS;
    while (!self->stopping) {
        cut_overdue(self, clock_mono_ms());
        struct timespec ts = clock_mono_after(WATCH_TICK_MS);
        pthread_cond_timedwait(&self->wake, &self->lock, &ts);
    }
    pthread_mutex_unlock(&self->lock);
    return NULL;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_size,
                                  void **con_cls)
{
    http_server *self = cls;
    (void)version;
    http_request *req = *con_cls;
    if (!req) {
        req = calloc(1, sizeof *req);
        if (!req)
            return MHD_NO;
        req->server = self;
        req->conn = conn;
        req->method = method;
        req->path = url;
        request_client(self, conn, req->client, sizeof req->client);
        int known;
        const http_route_entry *route = find_route(self, method, url, &known);
        req->max_body = route && route->max_body ? route->max_body : self->max_body;
        req->stream = route && route->sink ? route : NULL;
        if (strcmp(method, "POST") == 0)
            req->post = MHD_create_post_processor(conn, 16384, on_post_field, req);
        *con_cls = req;
        return MHD_YES;
    }
    if (*upload_size) {
        req->body_bytes += *upload_size;
        if (req->body_bytes > req->max_body)
            req->too_large = 1;
        else if (req->post && MHD_post_process(req->post, upload_data, *upload_size) != MHD_YES)
            log_warn("http: %s %s: unparsable form body", method, url);
        *upload_size = 0;
        return MHD_YES;
    }
    return run_handler(self, req, conn_start(self, conn, req->client) < 0);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)toe;
    conn_done(cls, conn);
    http_request *req = *con_cls;
    if (!req)
        return;
    if (req->post)
        MHD_destroy_post_processor(req->post);
    if (req->state_free)
        req->state_free(req->state);
    for (size_t i = 0; i < req->nfields; i++) {
        free(req->names[i]);
        free(req->values[i]);
        free(req->filenames[i]);
        free(req->types[i]);
    }
    free(req);
    *con_cls = NULL;
}

int http_server_start(http_server *self, char *err, size_t errlen)
{
    const http_limits *l = &self->limits;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(self->port)};
    if (inet_pton(AF_INET, self->host, &sa.sin_addr) != 1) {
        snprintf(err, errlen, "http address '%s': not an IPv4 address", self->host);
        return -1;
    }
    struct MHD_OptionItem pool[] = {
        {l->threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, l->threads, NULL},
        {MHD_OPTION_END, 0, NULL},
    };
    self->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG, self->port,
                                    NULL, NULL, on_request, self,
                                    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
                                    MHD_OPTION_NOTIFY_COMPLETED, on_completed, self,
                                    MHD_OPTION_NOTIFY_CONNECTION, on_connection, self,
                                    MHD_OPTION_CONNECTION_TIMEOUT, l->idle_seconds,
                                    MHD_OPTION_CONNECTION_LIMIT, l->max_connections < l->threads ? l->threads
                                                                                                 : l->max_connections,
                                    MHD_OPTION_PER_IP_CONNECTION_LIMIT, l->per_ip_connections,
                                    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)l->memory_kib * 1024,
                                    MHD_OPTION_ARRAY, pool,
                                    MHD_OPTION_END);
    if (!self->daemon) {
        snprintf(err, errlen, "http: cannot listen on %s:%u (port in use?)", self->host, self->port);
        return -1;
    }
    if (pthread_create(&self->watcher, NULL, watch, self) != 0) {
        snprintf(err, errlen, "http: cannot start the request deadline watcher");
        MHD_stop_daemon(self->daemon);
        self->daemon = NULL;
        return -1;
    }
    self->watching = 1;
    return 0;
}

int http_server_port(const http_server *self)
{
    if (!self->daemon)
        return -1;
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(self->daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info ? (int)info->port : -1;
}

void http_server_destroy(http_server **pself)
{
    http_server *self = pself ? *pself : NULL;
    if (!self)
        return;
    if (self->watching) {
        pthread_mutex_lock(&self->lock);
        self->stopping = 1;
        pthread_cond_signal(&self->wake);
        pthread_mutex_unlock(&self->lock);
        pthread_join(self->watcher, NULL);
    }
    if (self->daemon)
        MHD_stop_daemon(self->daemon);     /* closes every connection: their records go */
    pthread_cond_destroy(&self->wake);
    pthread_mutex_destroy(&self->lock);
    free(self);
    *pself = NULL;
}
