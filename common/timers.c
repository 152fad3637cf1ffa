/* timers.c — due times in a Redis sorted set, claimed atomically (see timers.h).
 *
 * Claiming is one Lua script: Redis runs it without interleaving any other
 * command, so the read of due members and their removal cannot be split by a
 * second claimer.
 */
#include "timers.h"
#include "log.h"
#include "rconn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Pairs in one ZADD: a few commands for a batch's deadlines instead of one
 * per deadline, with bounded buffers on the stack and a bounded time for
 * Redis on one command. */
#define ZADD_PAIRS 512

/* Takes up to ARGV[2] members due at or before ARGV[1] and removes them: up
 * to ARGV[3] of the most recently due (newest first), then the oldest. ZREM
 * goes in slices because Lua's unpack() has a limit of a few thousand. */
static const char CLAIM_SCRIPT[] =
    "local function take(list)\n"
    "  for i = 1, #list, 1000 do\n"
    "    redis.call('ZREM', KEYS[1], unpack(list, i, math.min(i + 999, #list)))\n"
    "  end\n"
    "end\n"
    "local max, newest = tonumber(ARGV[2]), math.min(tonumber(ARGV[3]), tonumber(ARGV[2]))\n"
    "local due = {}\n"
    "if newest > 0 then\n"
    "  due = redis.call('ZREVRANGEBYSCORE', KEYS[1], ARGV[1], '-inf', 'LIMIT', 0, newest)\n"
    "  take(due)\n"
    "end\n"
    "local old = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, max - #due)\n"
    "take(old)\n"
    "for i = 1, #old do due[#due + 1] = old[i] end\n"
    "return due\n";

/* 1 when r is a reply and not an error; else logs "what on key: reason". */
static int reply_ok(const redisContext *rc, const redisReply *r, const char *what, const char *key)
{
    if (r && r->type != REDIS_REPLY_ERROR)
        return 1;
    log_error("timers: %s on %s: %s", what, key, r ? r->str : rc->err ? rc->errstr : "no reply");
    return 0;
}

/* Sends one ZADD of the n pairs (n <= ZADD_PAIRS) after members[0], due_ms[0]. */
static int append_zadd(redisContext *rc, const char *key, char *const *members, const int64_t *due_ms, size_t n)
{
    const char *argv[2 + 2 * ZADD_PAIRS];
    size_t lens[2 + 2 * ZADD_PAIRS];
    char scores[ZADD_PAIRS][24];
    argv[0] = "ZADD";
    lens[0] = 4;
    argv[1] = key;
    lens[1] = strlen(key);
    for (size_t i = 0; i < n; i++) {
        lens[2 + 2 * i] = (size_t)snprintf(scores[i], sizeof scores[i], "%lld", (long long)due_ms[i]);
        argv[2 + 2 * i] = scores[i];
        argv[3 + 2 * i] = members[i];
        lens[3 + 2 * i] = strlen(members[i]);
    }
    return redisAppendCommandArgv(rc, (int)(2 + 2 * n), argv, lens);
}

int timers_add(redisContext *rc, const char *key, char *const *members, const int64_t *due_ms, size_t n)
{
    size_t done = 0, sent = 0;
    while (done < n) {
        size_t k = n - done < ZADD_PAIRS ? n - done : ZADD_PAIRS;
        if (append_zadd(rc, key, members + done, due_ms + done, k) != REDIS_OK)
            break;
        done += k;
        sent++;
    }
    char why[200];
    if (rconn_drain(rc, sent, why, sizeof why) != 0) {
        log_error("timers: ZADD on %s: %s", key, why);
        return -1;
    }
    if (done < n) {
        log_error("timers: ZADD on %s: %s", key, rc->err ? rc->errstr : "out of memory");
        return -1;
    }
    return 0;
}

int timers_claim_due(redisContext *rc, const char *key, int64_t now_ms, size_t newest, size_t max, char **out,
                     size_t *n)
{
    *n = 0;
    if (max == 0)
        return 0;
    redisReply *r = redisCommand(rc, "EVAL %s 1 %s %lld %lu %lu", CLAIM_SCRIPT, key, (long long)now_ms,
                                 (unsigned long)max, (unsigned long)newest);
    int rc_out = -1;
    if (!reply_ok(rc, r, "claim", key))
        goto cleanup;
    if (r->type != REDIS_REPLY_ARRAY) {
        log_error("timers: claim on %s: unexpected reply type %d", key, r->type);
        goto cleanup;
    }
    for (size_t i = 0; i < r->elements && *n < max; i++) {
        if (r->element[i]->type != REDIS_REPLY_STRING)
            continue;
        if (!(out[*n] = strdup(r->element[i]->str))) {
            /* They are gone from Redis now; the owner's reconciler re-adds them. */
            log_error("timers: claim on %s: out of memory; %zu claimed members dropped", key, r->elements - i);
            timers_free(out, *n);
            *n = 0;
            goto cleanup;
        }
        (*n)++;
    }
    rc_out = 0;
cleanup:
    if (r)
        freeReplyObject(r);
    return rc_out;
}

int64_t timers_next_due(redisContext *rc, const char *key)
{
    redisReply *r = redisCommand(rc, "ZRANGE %s 0 0 WITHSCORES", key);
    int64_t due = -1;
    if (reply_ok(rc, r, "ZRANGE", key) && r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
        r->element[1]->type == REDIS_REPLY_STRING)
        due = (int64_t)strtoll(r->element[1]->str, NULL, 10);
    if (r)
        freeReplyObject(r);
    return due;
}

long timers_count_due(redisContext *rc, const char *key, int64_t after_ms, int64_t now_ms)
{
    redisReply *r = redisCommand(rc, "ZCOUNT %s (%lld %lld", key, (long long)after_ms, (long long)now_ms);
    long n = reply_ok(rc, r, "ZCOUNT", key) && r->type == REDIS_REPLY_INTEGER ? (long)r->integer : -1;
    if (r)
        freeReplyObject(r);
    return n;
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
