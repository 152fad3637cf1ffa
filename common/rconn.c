/* rconn.c — Redis connections from one address string (see rconn.h).
 *
 * A service starting next to its Redis may find it still loading: rconn_open()
 * keeps trying (every RETRY_MS) until wait_ms has passed, and only hands out a
 * context that has authenticated (when the server has a password) and answered
 * PING. The password stays in a file (0600) and is read at each connection:
 * never in the configuration, the environment or a command line. Making the
 * connection and its AUTH and PING take at most HANDSHAKE_MS (or timeout_ms
 * when shorter): a service retrying from its request loop while Redis is away
 * or silent is held up that long at most, not a whole command timeout.
 */
#include "rconn.h"

#include "clock.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RETRY_MS 200
#define HANDSHAKE_MS 1000   /* longest a connection may take to be made and answer AUTH and PING */
#define PASSWORD_MAX 512

/* Splits "host:port" or "[v6]:port" into host and port. 0 or -1. */
static int parse_tcp(const char *addr, char *host, size_t cap, int *port)
{
    const char *colon = strrchr(addr, ':');
    if (!colon)
        return -1;
    const char *start = addr, *end = colon;
    if (*start == '[') {                    /* [::1]:6379 */
        if (end - start < 2 || end[-1] != ']')
            return -1;
        start++;
        end--;
    }
    char *stop;
    long p = strtol(colon + 1, &stop, 10);
    if (end == start || (size_t)(end - start) >= cap || *stop || stop == colon + 1 || p <= 0 || p > 65535)
        return -1;
    memcpy(host, start, (size_t)(end - start));
    host[end - start] = '\0';
    *port = (int)p;
    return 0;
}

/* The first line of file into buf, without its line end. 0, or -1 with the reason in why. */
static int read_password(const char *file, char *buf, size_t cap, char *why, size_t whycap)
{
    FILE *f = fopen(file, "r");
    if (!f) {
        snprintf(why, whycap, "password file %s: %s", file, strerror(errno));
        return -1;
    }
    int ok = fgets(buf, (int)cap, f) != NULL;
    fclose(f);
    buf[ok ? strcspn(buf, "\r\n") : 0] = '\0';
    if (!*buf) {
        snprintf(why, whycap, "password file %s: empty", file);
        return -1;
    }
    return 0;
}

/* Sends AUTH arg (PING when arg is NULL) and checks the answer. 0, or -1 with
 * the reason in why (the server's own error text when it answered one). */
static int expect_reply(redisContext *rc, const char *arg, char *why, size_t cap)
{
    redisReply *r = arg ? redisCommand(rc, "AUTH %s", arg) : redisCommand(rc, "PING");
    int ok = r && r->type == REDIS_REPLY_STATUS && strcmp(r->str, arg ? "OK" : "PONG") == 0;
    if (!ok)
        snprintf(why, cap, "%s", !r ? (rc->err ? rc->errstr : "no reply")
                                    : r->type == REDIS_REPLY_ERROR ? r->str : "no PONG (server loading?)");
    if (r)
        freeReplyObject(r);
    return ok ? 0 : -1;
}

/* AUTH with the password in file, when there is one. 0, or -1 with the reason
 * in why; a refused password or an unreadable file is not worth retrying. */
static int authenticate(redisContext *rc, const char *file, char *why, size_t cap, int *retry)
{
    char password[PASSWORD_MAX];
    if (!file || !*file)
        return 0;
    int result = read_password(file, password, sizeof password, why, cap);
    if (result == 0 && expect_reply(rc, password, why, cap) != 0)
        result = -1;
    memset(password, 0, sizeof password);
    if (result != 0 && !rc->err)
        *retry = 0;
    return result;
}

/* One attempt. NULL with the reason in why; *retry says whether trying again may help. */
static redisContext *connect_once(const char *addr, const char *password_file, int timeout_ms, char *why,
                                  size_t cap, int *retry)
{
    *retry = 1;
    *why = '\0';
    int hs_ms = timeout_ms < HANDSHAKE_MS ? timeout_ms : HANDSHAKE_MS;
    struct timeval hs = {.tv_sec = hs_ms / 1000, .tv_usec = (hs_ms % 1000) * 1000};
    struct timeval tv = {.tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000};
    redisContext *rc;
    if (strncmp(addr, "unix:", 5) == 0) {
        rc = timeout_ms > 0 ? redisConnectUnixWithTimeout(addr + 5, hs) : redisConnectUnix(addr + 5);
    } else {
        char host[256];
        int port;
        if (parse_tcp(addr, host, sizeof host, &port) != 0) {
            snprintf(why, cap, "expected host:port or unix:/path");
            *retry = 0;
            return NULL;
        }
        rc = timeout_ms > 0 ? redisConnectWithTimeout(host, port, hs) : redisConnect(host, port);
    }
    if (!rc) {
        snprintf(why, cap, "out of memory");
        return NULL;
    }
    /* the handshake within hs, then commands within tv */
    if (rc->err || (timeout_ms > 0 && redisSetTimeout(rc, hs) != REDIS_OK) ||
        authenticate(rc, password_file, why, cap, retry) != 0 || expect_reply(rc, NULL, why, cap) != 0 ||
        (timeout_ms > 0 && redisSetTimeout(rc, tv) != REDIS_OK)) {
        if (rc->err && !*why)
            snprintf(why, cap, "%s", rc->errstr);
        if (strncmp(why, "NOAUTH", 6) == 0) {
            snprintf(why + strlen(why), cap - strlen(why), " (the server has a password: set redis.password_file)");
            *retry = 0;
        }
        redisFree(rc);
        return NULL;
    }
    return rc;
}

redisContext *rconn_open(const char *addr, const char *password_file, int timeout_ms, int wait_ms,
                         char *err, size_t errlen)
{
    long deadline = clock_mono_ms() + (wait_ms > 0 ? wait_ms : 0);
    char why[256] = "";
    for (;;) {
        int retry;
        redisContext *rc = connect_once(addr, password_file, timeout_ms, why, sizeof why, &retry);
        if (rc)
            return rc;
        long left = deadline - clock_mono_ms();
        if (left <= 0 || !retry) {
            snprintf(err, errlen, "%s: %s", addr, why);
            return NULL;
        }
        long nap = left < RETRY_MS ? left : RETRY_MS;
        struct timespec ts = {.tv_sec = 0, .tv_nsec = nap * 1000000L};
        nanosleep(&ts, NULL);
    }
}

int rconn_ping(redisContext *rc)
{
    char why[256];
    return expect_reply(rc, NULL, why, sizeof why);
}

int rconn_drain(redisContext *rc, size_t n, char *err, size_t errlen)
{
    int result = 0;
    for (size_t i = 0; i < n; i++) {
        redisReply *r = NULL;
        if (redisGetReply(rc, (void **)&r) != REDIS_OK || !r) {
            if (result == 0)
                snprintf(err, errlen, "%s", rc->err ? rc->errstr : "no reply");
            return -1;
        }
        if (r->type == REDIS_REPLY_ERROR && result == 0) {
            snprintf(err, errlen, "%s", r->str);
            result = -1;
        }
        freeReplyObject(r);
    }
    return result;
}
