/* http.h — a small HTTP server over libmicrohttpd with a route table.
 *
 * Used for the Open311 endpoints (intake) and the dashboard and JSON reports
 * (reporting). libmicrohttpd runs one internal thread; every handler runs in
 * that thread, one request at a time, so a handler may use resources (a
 * database connection, say) that belong to that thread only — never ones the
 * service's main loop also uses.
 *
 * Request bodies are limited (http_server_new's max_body) and parsed as
 * application/x-www-form-urlencoded or multipart form fields; query string and
 * form fields are both read with http_param().
 */
#ifndef JIESU_HTTP_H
#define JIESU_HTTP_H

#include <stddef.h>
#include <stdio.h>

typedef struct http_server http_server;
typedef struct http_request http_request;

/* What a handler fills in. body is malloc'd by the handler (or NULL) and freed
 * by the server; content_type must be a static string. */
typedef struct {
    int         status;
    const char *content_type;
    char       *body;
    size_t      len;
} http_response;

typedef void (*http_handler_fn)(void *ctx, const http_request *req, http_response *resp);

/* A server that will listen on addr ("127.0.0.1:8080", ":8080" or "0.0.0.0:8080").
 * NULL with the reason in err. Nothing listens until http_server_start(). */
http_server *http_server_new(const char *addr, size_t max_body, char *err, size_t errlen);

/* Routes method + path to fn. A path ending in '*' matches any path with that
 * prefix (e.g. "/requests/" followed by a star). First match wins. 0 or -1. */
int http_route(http_server *self, const char *method, const char *path, http_handler_fn fn, void *ctx);

/* Starts listening. 0, or -1 with the reason in err. */
int http_server_start(http_server *self, char *err, size_t errlen);

/* The port actually bound (useful with port 0), or -1. */
int http_server_port(const http_server *self);

/* Stops (waiting for the running handler) and frees; sets *self to NULL. */
void http_server_destroy(http_server **self);

const char *http_method(const http_request *req);
const char *http_path(const http_request *req);
/* A query-string or form field, or NULL. Valid during the handler only. */
const char *http_param(const http_request *req, const char *name);

/* A request header (name matched without regard to case), or NULL. Valid during the handler only. */
const char *http_header(const http_request *req, const char *name);

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
