/* ratelimit.h — how many requests one principal may make per minute.
 *
 * A token bucket per key (a principal's id): it holds up to `per_minute`
 * requests and refills at per_minute a minute, so a client may send a short
 * burst and then keeps to its rate. ratelimit_take() says whether one more
 * request may go now and, when not, how many seconds until it may (the HTTP
 * Retry-After). Kept in memory: each process counts its own requests.
 *
 * Not thread-safe: one limiter per thread, or a lock around it. Free with
 * ratelimit_destroy(), which sets the pointer to NULL.
 */
#ifndef JIESU_RATELIMIT_H
#define JIESU_RATELIMIT_H

#include <stdint.h>

typedef struct ratelimit ratelimit;

/* An empty limiter; NULL when out of memory. */
ratelimit *ratelimit_new(void);

/* One request of key at now_ms (any clock that never jumps back) under a
 * limit of per_minute (> 0): 1 when it may go, 0 when not, with the whole
 * seconds to wait (at least 1) in *retry_after_s. -1 when out of memory. */
int ratelimit_take(ratelimit *self, int key, int per_minute, int64_t now_ms, int *retry_after_s);

void ratelimit_destroy(ratelimit **self);

#endif
