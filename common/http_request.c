/* http_request.c — what a handler reads of a request (see http.h): its
 * form fields and files, its query string, headers, cookies and bearer
 * token, and whether any of them is no text or came twice. http.c gathers
 * the request; this file only reads it.
 */
#include "http_int.h"

#include <microhttpd.h>
#include <string.h>
#include <strings.h>

#include "text.h"

void http_request_set_state(http_request *req, void *state, void (*free_fn)(void *))
{
    req->state = state;
    req->state_free = free_fn;
}

void *http_request_state(const http_request *req)
{
    return req->state;
}

const char *http_param(const http_request *req, const char *name)
{
    for (size_t i = 0; i < req->nfields; i++)
        if (strcmp(req->names[i], name) == 0)
            return req->values[i];
    return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

/* The query string being written again (http_query): where, how much room. */
typedef struct {
    char  *out;
    size_t cap, n;
    int    full;
} query_out;

/* Appends one encoded part (a name or a value) after sep; full when it did not fit. */
static void query_put(query_out *q, const char *sep, const char *part)
{
    size_t sl = strlen(sep), room = q->cap - q->n;
    if (q->full || sl >= room) {
        q->full = 1;
        return;
    }
    memcpy(q->out + q->n, sep, sl + 1);
    size_t len = text_url_encode(q->out + q->n + sl, room - sl, part);
    if (len == (size_t)-1)
        q->full = 1;
    else
        q->n += sl + len;
}

static enum MHD_Result argument_again(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    query_out *q = cls;
    query_put(q, q->n ? "&" : "?", key);
    if (value)
        query_put(q, "=", value);
    return q->full ? MHD_NO : MHD_YES;
}

size_t http_query(const http_request *req, char *out, size_t cap)
{
    query_out q = {out, cap, 0, cap == 0};
    if (cap)
        out[0] = '\0';
    MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, argument_again, &q);
    if (q.full && cap)
        out[0] = '\0';
    return q.full ? (size_t)-1 : q.n;
}

static int is_text(const char *s, size_t len)
{
    return !memchr(s, '\0', len) && text_utf8_valid(s, len, NULL);
}

/* Stops at the first query-string argument that is not text, its name in *cls. */
static enum MHD_Result argument_text(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
                                     const char *value, size_t value_size)
{
    (void)kind;
    if (is_text(key, key_size) && (!value || is_text(value, value_size)))
        return MHD_YES;
    *(const char **)cls = key;
    return MHD_NO;
}

const char *http_text_fault(const http_request *req)
{
    const char *bad = NULL;
    for (size_t i = 0; i < req->nfields && !bad; i++)
        if (!req->filenames[i] && (!is_text(req->names[i], strlen(req->names[i])) ||
                                   !is_text(req->values[i], req->lens[i])))
            bad = req->names[i];
    if (!bad)
        MHD_get_connection_values_n(req->conn, MHD_GET_ARGUMENT_KIND, argument_text, &bad);
    return bad;
}

/* Query-string arguments seen so far, for http_repeated_field. */
typedef struct {
    const char *names[MAX_FIELDS];
    size_t      n;
    const char *repeated;
} arg_names;

/* Stops at the first query-string argument whose name came before, in *cls. */
static enum MHD_Result argument_once(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
                                     const char *value, size_t value_size)
{
    (void)kind; (void)key_size; (void)value; (void)value_size;
    arg_names *seen = cls;
    for (size_t i = 0; i < seen->n; i++)
        if (strcmp(seen->names[i], key) == 0) {
            seen->repeated = key;
            return MHD_NO;
        }
    if (seen->n < MAX_FIELDS)
        seen->names[seen->n++] = key;
    return MHD_YES;
}

const char *http_repeated_field(const http_request *req)
{
    if (req->repeated)
        return req->repeated;
    arg_names seen = {.n = 0, .repeated = NULL};
    MHD_get_connection_values_n(req->conn, MHD_GET_ARGUMENT_KIND, argument_once, &seen);
    return seen.repeated;
}

const char *http_header(const http_request *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *http_cookie(const http_request *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

const char *http_bearer(const http_request *req)
{
    const char *v = http_header(req, "Authorization");
    if (!v || strncasecmp(v, "Bearer ", 7) != 0)
        return NULL;
    v += 7;
    while (*v == ' ')
        v++;
    return *v ? v : NULL;
}

const char *http_field(const http_request *req, const char *name, size_t *len, const char **filename,
                       const char **content_type)
{
    for (size_t i = 0; i < req->nfields; i++)
        if (strcmp(req->names[i], name) == 0) {
            *len = req->lens[i];
            *filename = req->filenames[i] ? req->filenames[i] : "";
            *content_type = req->types[i] ? req->types[i] : "";
            return req->values[i];
        }
    return NULL;
}

const char *http_method(const http_request *req) { return req->method; }
const char *http_path(const http_request *req) { return req->path; }
