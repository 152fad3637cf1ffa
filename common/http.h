/* http.h — a small HTTP server over libmicrohttpd with a route table, and
 * limits that keep one client from exhausting it.
 *
 * Used for the Open311 endpoints (intake) and the dashboard and JSON reports
 * (reporting). Handlers run on libmicrohttpd's threads: limits.threads of
 * them (a pool, each polling with epoll), so a handler waiting on the
 * database holds up only the connections of its own thread, while the others
 * accept and answer. With more than one thread handlers run concurrently and
 * must share nothing unguarded (report_http keeps a pool of PostgreSQL
 * connections); with one thread they run one at a time.
 *
 * What one client can take (http_limits): at most per_ip_connections
 * connections from one address (more are closed as soon as they are
 * accepted), per_ip_busy of its requests answered at once (more get 503 at
 * once, so one client's slow requests never take every thread),
 * max_connections in all, connection_memory bytes each for its
 * headers; a connection silent for idle_seconds is closed, and so is one that
 * has not sent a whole request — headers and body — within request_seconds of
 * connecting or of its previous answer, however it trickles in (a watcher
 * thread shuts such sockets down; the time a handler takes does not count).
 *
 * A client is known by its address: the TCP peer's, or behind a trusted
 * reverse proxy (limits.trusted, http.trusted_proxies) the one the proxies
 * wrote in X-Forwarded-For (proxies.h), worked out once per request. It is
 * what http_client_address() gives and what per_ip_busy counts by.
 * per_ip_connections alone counts TCP peers: libmicrohttpd applies it as it
 * accepts a connection, before a byte of a request is read, and a proxy's
 * connection carries the requests of many people in turn — behind a proxy
 * it limits the proxy's connections, and must be raised to what the proxy
 * opens for everyone at once.
 *
 * Request bodies are limited (http_server_new's max_body, or a route's own:
 * http_route_stream) and parsed as
 * application/x-www-form-urlencoded or multipart form fields; query string and
 * form fields are both read with http_param(), files of a multipart form with
 * http_field(). A route may take its files as they arrive instead
 * (http_route_stream: a file larger than memory), and a response may be
 * written as it is sent (http_response.reader).
 */
#ifndef JIESU_HTTP_H
#define JIESU_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "config.h"
#include "proxies.h"

typedef struct http_server http_server;
typedef struct http_request http_request;

#define HTTP_MAX_HEADERS 6

/* What a handler fills in. body is malloc'd by the handler (or NULL) and freed
 * by the server; content_type must be a static string; extra headers are
 * added with http_add_header() (copies the server frees). */
typedef struct {
    int         status;
    const char *content_type;
    char       *body;
    size_t      len;
    char       *header_names[HTTP_MAX_HEADERS];
    char       *header_values[HTTP_MAX_HEADERS];
    size_t      nheaders;
    /* Instead of body: a body written as it is sent, size bytes in all.
     * reader(reader_ctx, pos, buf, max) puts the bytes from pos into buf
     * and returns how many (at least 1), or HTTP_READER_FAILED to cut the
     * answer short; it runs on the connection's thread after the handler
     * returned. reader_free(reader_ctx) is called once the answer is done
     * or dropped (also when it was never sent). */
    ssize_t   (*reader)(void *ctx, uint64_t pos, char *buf, size_t max);
    void       *reader_ctx;
    void      (*reader_free)(void *ctx);
    uint64_t    size;
} http_response;

#define HTTP_READER_FAILED (-2)

typedef void (*http_handler_fn)(void *ctx, const http_request *req, http_response *resp);

/* What one server grants its clients, and whose word on a client's address
 * it takes; the config keys that set them (shared by every HTTP server of
 * the process); defaults and bounds in config_keys.c. */
typedef struct {
    unsigned threads;               /* http.threads: handler threads (at most HTTP_MAX_THREADS) */
    unsigned max_connections;       /* http.max_connections: all clients together */
    unsigned per_ip_connections;    /* http.per_ip_connections: one TCP peer's address */
    unsigned per_ip_busy;           /* http.per_ip_busy: requests of one client address answered at once */
    unsigned idle_seconds;          /* http.idle_timeout_seconds: a silent connection is closed */
    unsigned request_seconds;       /* http.request_timeout_seconds: a whole request must arrive within */
    unsigned memory_kib;            /* http.connection_memory_kib: per connection, headers included */
    proxies  trusted;               /* http.trusted_proxies: whose X-Forwarded-For is believed */
} http_limits;

#define HTTP_MAX_THREADS 64 /* http.threads' upper bound in config_keys.c */

/* The http.* keys of cfg (checked by config_check), else their defaults
 * (all of them when cfg is NULL). */
void http_limits_load(http_limits *l, const config *cfg);

/* A server that will listen on addr ("127.0.0.1:8080", ":8080" or "0.0.0.0:8080").
 * NULL with the reason in err. Nothing listens until http_server_start(). */
http_server *http_server_new(const char *addr, size_t max_body, char *err, size_t errlen);

/* Routes method + path to fn. A path ending in '*' matches any path with that
 * prefix (e.g. "/requests/" followed by a star). First match wins. 0 or -1. */
int http_route(http_server *self, const char *method, const char *path, http_handler_fn fn, void *ctx);

/* Takes the pieces of a file field of a multipart body on a stream route,
 * as they arrive: field and filename as the client named them, len bytes
 * at off within the file. The text fields sent before the file are
 * readable with http_param() already. 0 to take more; -1 to take no more of
 * this request's files (the rest of the body is read and dropped). */
typedef int (*http_sink_fn)(void *ctx, http_request *req, const char *field, const char *filename,
                            const char *data, size_t len, uint64_t off);

/* http_route() for a route whose bodies may be larger than the server's
 * max_body (a form with photos): up to max_body bytes (0: the server's), for
 * this route only; and, unless sink is NULL, whose files go to sink as they
 * arrive, never kept: the handler runs once the body is done, as any
 * route's. The sink and the handler share what the request carries
 * (http_request_state). */
int http_route_stream(http_server *self, const char *method, const char *path, http_handler_fn fn,
                      http_sink_fn sink, void *ctx, size_t max_body);

/* The request's own pointer for its sink and handler (NULL until set);
 * free_fn(state) runs when the request ends. */
void http_request_set_state(http_request *req, void *state, void (*free_fn)(void *));
void *http_request_state(const http_request *req);

/* Lets the body of req take longer than http.request_timeout_seconds (a
 * signed-in person's upload, as its sink decides): the idle timeout still
 * closes a connection that goes silent. */
void http_request_unhurried(http_request *req);

/* What a server answers by itself, before any handler: 404 (no route has
 * the path), 405 (a route has it, not for this method), 413 (a body over n
 * bytes) or 503 (n requests of the client's address being answered). */
typedef void (*http_refusal_fn)(const http_request *req, http_response *resp, int status, size_t n);

/* Answers the server's own refusals with fn (before http_server_start):
 * an Open311 server's are Open311 errors (georeport_refuse), a server of
 * pages its own; else a line of plain text, the status and what it means. */
void http_server_refusals(http_server *self, http_refusal_fn fn);

/* The Content-Security-Policy every answer of a server carries unless
 * http_server_policy() says otherwise: nothing loaded, run or framed, for a
 * server of data (JSON) and its error pages. Every answer also forbids
 * framing (X-Frame-Options, for browsers that ignore frame-ancestors) and
 * tells other sites no address (Referrer-Policy: same-origin). */
#define HTTP_POLICY_NONE "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
#define HTTP_POLICY_MAX  1024

/* Sets the Content-Security-Policy of every answer of self (before
 * http_server_start), cut at HTTP_POLICY_MAX - 1 bytes. */
void http_server_policy(http_server *self, const char *policy);

/* Sets the limits (before http_server_start; else the defaults apply). */
void http_server_limits(http_server *self, const http_limits *limits);

/* Starts listening. 0, or -1 with the reason in err. */
int http_server_start(http_server *self, char *err, size_t errlen);

/* The port actually bound (useful with port 0), or -1. */
int http_server_port(const http_server *self);

/* Stops (waiting for running handlers) and frees; sets *self to NULL. */
void http_server_destroy(http_server **self);

const char *http_method(const http_request *req);
const char *http_path(const http_request *req);
/* A query-string or form field, or NULL. Valid during the handler only. */
const char *http_param(const http_request *req, const char *name);

/* The request's query string written again into out: "?a=1&b=%E8%B7%AF",
 * each name and value percent-encoded (text_url_encode), "" when it has
 * none. Its length, or (size_t)-1 (out "") when it does not fit in cap: a
 * page's own address, to come back to after signing in. */
size_t http_query(const http_request *req, char *out, size_t cap);

/* The name of the first query-string argument or form field (files apart)
 * that is not UTF-8 text without NUL bytes, or NULL when all are: what a
 * handler should refuse before the text reaches PostgreSQL or an answer. */
const char *http_text_fault(const http_request *req);

/* The name of the first form field or query-string argument given more
 * than once (a=1&a=2), or NULL: only the first value is read, so a handler
 * whose fields each hold one value should refuse the request. */
const char *http_repeated_field(const http_request *req);

/* A request header (name matched without regard to case), or NULL. Valid during the handler only. */
const char *http_header(const http_request *req, const char *name);

/* A cookie sent with the request, or NULL. Valid during the handler only. */
const char *http_cookie(const http_request *req, const char *name);

/* The token of an "Authorization: Bearer TOKEN" header, or NULL. */
const char *http_bearer(const http_request *req);

/* The client's address as text ("" when unknown): the TCP peer's, or the
 * forwarded one behind a trusted proxy (see above). */
void http_client_address(const http_request *req, char *out, size_t cap);

/* A form field as bytes (a file of a multipart form, say): its value and
 * length, the file name and content type the client gave ("" when none).
 * NULL when there is no such field. Valid during the handler only. */
const char *http_field(const http_request *req, const char *name, size_t *len, const char **filename,
                       const char **content_type);

/* Adds a response header (copied). 0, or -1 when HTTP_MAX_HEADERS are set
 * already or memory ran out. */
int http_add_header(http_response *resp, const char *name, const char *value);

/* A response body written with stdio: f = http_body_open(&b), fprintf(f, ...)
 * (when f is not NULL), then http_body_reply() closes it and makes it resp's
 * body (500 when memory ran out). */
typedef struct {
    FILE  *f;
    char  *buf;
    size_t len;
} http_body;

FILE *http_body_open(http_body *b);
void http_body_reply(http_body *b, http_response *resp, int status, const char *content_type);

/* Sets resp to status with a malloc'd copy of the printf-formatted body. */
void http_reply(http_response *resp, int status, const char *content_type, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
