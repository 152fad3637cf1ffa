/* ratelimit.c — token buckets per key (see ratelimit.h).
 *
 * Keys are few (the API tokens of the hotline's clerks and programs), so the
 * buckets sit in one array searched from the start.
 */
#include "ratelimit.h"

#include <stdlib.h>

#define MS_PER_MINUTE 60000.0

typedef struct {
    int     key;
    double  tokens;         /* requests that may go now (fractions refill) */
    int64_t at_ms;          /* when tokens was last brought up to date */
} bucket;

struct ratelimit {
    bucket *b;
    size_t  n, cap;
};

ratelimit *ratelimit_new(void)
{
    return calloc(1, sizeof(ratelimit));
}

/* The key's bucket, a new full one when it has none. NULL when out of memory. */
static bucket *find(ratelimit *self, int key, int per_minute, int64_t now_ms)
{
    for (size_t i = 0; i < self->n; i++)
        if (self->b[i].key == key)
            return &self->b[i];
    if (self->n == self->cap) {
        size_t cap = self->cap ? self->cap * 2 : 16;
        bucket *b = realloc(self->b, cap * sizeof *b);
        if (!b)
            return NULL;
        self->b = b;
        self->cap = cap;
    }
    self->b[self->n] = (bucket){key, per_minute, now_ms};
    return &self->b[self->n++];
}

int ratelimit_take(ratelimit *self, int key, int per_minute, int64_t now_ms, int *retry_after_s)
{
    bucket *b = find(self, key, per_minute, now_ms);
    if (!b)
        return -1;
    double per_ms = per_minute / MS_PER_MINUTE;
    if (now_ms > b->at_ms)
        b->tokens += (double)(now_ms - b->at_ms) * per_ms;
    if (b->tokens > per_minute)
        b->tokens = per_minute;         /* a lower limit set since applies at once */
    b->at_ms = now_ms > b->at_ms ? now_ms : b->at_ms;
    if (b->tokens >= 1) {
        b->tokens -= 1;
        return 1;
    }
    double wait_ms = (1 - b->tokens) / per_ms;
    *retry_after_s = (int)((wait_ms + 999) / 1000);
    if (*retry_after_s < 1)
        *retry_after_s = 1;
    return 0;
}

void ratelimit_destroy(ratelimit **self)
{
    if (!*self)
        return;
    free((*self)->b);
    free(*self);
    *self = NULL;
}
