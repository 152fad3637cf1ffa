/* rconn.c — Redis connections from one address string (see rconn.h). */
#include "rconn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static long mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static redisContext *connect_once(const char *addr, struct timeval tv, char *why, size_t cap)
{
    redisContext *rc;
    if (strncmp(addr, "unix:", 5) == 0) {
        rc = redisConnectUnixWithTimeout(addr + 5, tv);
    } else {
        const char *colon = strrchr(addr, ':');
        char host[256];
        if (!colon || (size_t)(colon - addr) >= sizeof host || atoi(colon + 1) <= 0) {
            snprintf(why, cap, "expected host:port or unix:/path");
            return NULL;
        }
        memcpy(host, addr, (size_t)(colon - addr));
        host[colon - addr] = '\0';
        rc = redisConnectWithTimeout(host, atoi(colon + 1), tv);
    }
    if (!rc) {
        snprintf(why, cap, "out of memory");
        return NULL;
    }
    if (rc->err) {
        snprintf(why, cap, "%s", rc->errstr);
        redisFree(rc);
        return NULL;
    }
    if (redisSetTimeout(rc, tv) != REDIS_OK || rconn_ping(rc) != 0) {
        snprintf(why, cap, "%s", rc->err ? rc->errstr : "no PONG");
        redisFree(rc);
        return NULL;
    }
    return rc;
}

redisContext *rconn_open(const char *addr, int timeout_ms, int wait_ms, char *err, size_t errlen)
{
    struct timeval tv = {.tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000};
    long deadline = mono_ms() + wait_ms;
    char why[256] = "";
    for (;;) {
        redisContext *rc = connect_once(addr, tv, why, sizeof why);
        if (rc)
            return rc;
        if (mono_ms() >= deadline || strstr(why, "expected host:port")) {
            snprintf(err, errlen, "Redis at %s: %s", addr, why);
            return NULL;
        }
        struct timespec ts = {.tv_sec = 0, .tv_nsec = 200000000L};
        nanosleep(&ts, NULL);
    }
}

int rconn_ping(redisContext *rc)
{
    redisReply *r = redisCommand(rc, "PING");
    int ok = r && r->type == REDIS_REPLY_STATUS && strcmp(r->str, "PONG") == 0;
    if (r)
        freeReplyObject(r);
    return ok ? 0 : -1;
}
