/* intake_buf.c — a growable byte buffer (see intake_buf.h). */
#include "intake_buf.h"

#include <stdlib.h>
#include <string.h>

#define FIRST_CAP 256

int intake_buf_add(intake_buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : FIRST_CAP;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->data, cap);
        if (!p)
            return -1;
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

void intake_buf_free(intake_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
