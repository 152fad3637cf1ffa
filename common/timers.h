/* timers.h — due times in a Redis sorted set, claimed atomically.
 *
 * Members are strings (a deadline id), scores are due times in Unix ms.
 * timers_claim_due() removes and returns due members in one Lua script, so two
 * processes never claim the same member. A member claimed by a process that
 * then dies is gone from Redis but not from PostgreSQL: the owner's
 * reconciler re-adds pending timers from the database.
 */
#ifndef JIESU_TIMERS_H
#define JIESU_TIMERS_H

#include <hiredis/hiredis.h>
#include <stddef.h>
#include <stdint.h>

/* Adds or moves members to their due times (pipelined ZADD). 0 or -1. */
int timers_add(redisContext *rc, const char *key, char *const *members,
               const int64_t *due_ms, size_t n);

/* Removes up to max members due at or before now_ms and returns them in
 * out[0..*n) as malloc'd strings the caller frees with timers_free(): up to
 * `newest` of the most recently due (newest first), then the oldest. With
 * newest = max / 2 a backlog of long-overdue members never holds up one
 * falling due now, and still gets half of every claim; 0: oldest first. 0 or -1. */
int timers_claim_due(redisContext *rc, const char *key, int64_t now_ms, size_t newest, size_t max,
                     char **out, size_t *n);

/* Number of members due after after_ms and at or before now_ms, or -1. */
long timers_count_due(redisContext *rc, const char *key, int64_t after_ms, int64_t now_ms);

/* The earliest due time, or -1 when the set is empty or on error. */
int64_t timers_next_due(redisContext *rc, const char *key);

/* Number of members, or -1. */
long timers_count(redisContext *rc, const char *key);

/* Frees members returned by timers_claim_due(). */
void timers_free(char **members, size_t n);

#endif
