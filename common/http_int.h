/* http_int.h — what http.c and http_request.c share: a request as
 * libmicrohttpd's callbacks gather it, and the route it came by. Private
 * to those two files.
 */
#ifndef JIESU_HTTP_INT_H
#define JIESU_HTTP_INT_H

#include <arpa/inet.h>

#include "http.h"

#define MAX_FIELDS 64

typedef struct {
    char            method[8];
    char            path[128];
    http_handler_fn fn;
    http_sink_fn    sink;           /* NULL: files are kept as fields */
    void           *ctx;
    size_t          max_body;       /* 0: the server's */
} http_route_entry;

struct http_request {
    struct http_server       *server;
    struct MHD_Connection    *conn;
    struct MHD_PostProcessor *post;
    const char               *method;
    const char               *path;
    char                     *names[MAX_FIELDS];
    char                     *values[MAX_FIELDS];      /* bytes, with a '\0' after them */
    size_t                    lens[MAX_FIELDS];
    char                     *filenames[MAX_FIELDS];   /* multipart: as the client named it, or NULL */
    char                     *types[MAX_FIELDS];       /* multipart: its Content-Type, or NULL */
    size_t                    nfields;
    const char               *repeated;     /* the first form field sent twice, or NULL */
    size_t                    body_bytes;
    size_t                    max_body;     /* the route's, else the server's */
    int                       too_large;
    char                      client[INET6_ADDRSTRLEN];     /* http_client_address */
    const http_route_entry   *stream;       /* a stream route's: its files go to its sink */
    int                       sink_done;    /* the sink takes no more */
    void                     *state;        /* http_request_set_state() */
    void                    (*state_free)(void *);
};

#endif
