/* timers.c — due times in a Redis sorted set, claimed atomically (see timers.h). */
#include "timers.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Takes up to ARGV[2] members due at or before ARGV[1] and removes them, in
 * one atomic step: two processes can never both claim a member. */
static const char CLAIM_SCRIPT[] =
    "local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))\n"
    "if #due > 0 then redis.call('ZREM', KEYS[1], unpack(due)) end\n"
    "return due\n";

static int reply_ok(redisContext *rc, redisReply *r, const char *what, const char *key)
{
    if (r && r->type != REDIS_REPLY_ERROR)
        return 1;
    log_error("timers: %s on %s: %s", what, key, r ? r->str : rc->err ? rc->errstr : "no reply");
    return 0;
}

int timers_add(redisContext *rc, const char *key, char *const *members, const int64_t *due_ms, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (redisAppendCommand(rc, "ZADD %s %lld %s", key, (long long)due_ms[i], members[i]) != REDIS_OK)
            return -1;
    int ok = 1;
    for (size_t i = 0; i < n; i++) {
        redisReply *r = NULL;
        if (redisGetReply(rc, (void **)&r) != REDIS_OK)
            r = NULL;
        if (!reply_ok(rc, r, "ZADD", key))
            ok = 0;
        if (r)
            freeReplyObject(r);
        else
            return -1;      /* connection lost: no more replies to read */
    }
    return ok ? 0 : -1;
}

int timers_claim_due(redisContext *rc, const char *key, int64_t now_ms, size_t max, char **out, size_t *n)
{
    *n = 0;
    redisReply *r = redisCommand(rc, "EVAL %s 1 %s %lld %zu", CLAIM_SCRIPT, key, (long long)now_ms, max);
    if (!reply_ok(rc, r, "claim", key)) {
        if (r)
            freeReplyObject(r);
        return -1;
    }
    for (size_t i = 0; r->type == REDIS_REPLY_ARRAY && i < r->elements && *n < max; i++) {
        if (r->element[i]->type != REDIS_REPLY_STRING)
            continue;
        out[*n] = strdup(r->element[i]->str);
        if (out[*n])
            (*n)++;
    }
    freeReplyObject(r);
    return 0;
}

int64_t timers_next_due(redisContext *rc, const char *key)
{
    redisReply *r = redisCommand(rc, "ZRANGE %s 0 0 WITHSCORES", key);
    int64_t due = -1;
    if (reply_ok(rc, r, "ZRANGE", key) && r->type == REDIS_REPLY_ARRAY && r->elements == 2)
        due = (int64_t)strtoll(r->element[1]->str, NULL, 10);
    if (r)
        freeReplyObject(r);
    return due;
}

long timers_count(redisContext *rc, const char *key)
{
    redisReply *r = redisCommand(rc, "ZCARD %s", key);
    long n = reply_ok(rc, r, "ZCARD", key) && r->type == REDIS_REPLY_INTEGER ? (long)r->integer : -1;
    if (r)
        freeReplyObject(r);
    return n;
}

void timers_free(char **members, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(members[i]);
        members[i] = NULL;
    }
}
