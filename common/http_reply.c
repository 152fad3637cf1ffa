/* http_reply.c — what a handler fills in: a response's status, type, body
 * and extra headers (the answering half of http.h; http.c sends them). */
#include "http.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void http_reply(http_response *resp, int status, const char *content_type, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *body = NULL;
    int n = vasprintf(&body, fmt, ap);
    va_end(ap);
    free(resp->body);
    resp->status = n < 0 ? 500 : status;
    resp->content_type = content_type;
    resp->body = n < 0 ? NULL : body;
    resp->len = n < 0 ? 0 : (size_t)n;
}

FILE *http_body_open(http_body *b)
{
    b->buf = NULL;
    b->len = 0;
    b->f = open_memstream(&b->buf, &b->len);
    return b->f;
}

void http_body_reply(http_body *b, http_response *resp, int status, const char *content_type)
{
    if (!b->f || fclose(b->f) != 0) {       /* buf and len are final only after fclose */
        free(b->buf);
        http_reply(resp, 500, "application/json", "{\"error\": \"out of memory\"}\n");
        return;
    }
    free(resp->body);
    resp->status = status;
    resp->content_type = content_type;
    resp->body = b->buf;
    resp->len = b->len;
}

int http_add_header(http_response *resp, const char *name, const char *value)
{
    if (resp->nheaders == HTTP_MAX_HEADERS)
        return -1;
    char *n = strdup(name), *v = strdup(value);
    if (!n || !v) {
        free(n);
        free(v);
        return -1;
    }
    resp->header_names[resp->nheaders] = n;
    resp->header_values[resp->nheaders++] = v;
    return 0;
}
