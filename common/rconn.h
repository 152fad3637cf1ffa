/* rconn.h — opening Redis connections from one address string.
 *
 * Address forms: "host:port", "unix:/path/to/redis.sock". The returned context
 * is the caller's to redisFree(). Commands on it time out after timeout_ms so a
 * stalled server cannot hang a service.
 */
#ifndef JIESU_RCONN_H
#define JIESU_RCONN_H

#include <hiredis/hiredis.h>
#include <stddef.h>

/* Connects, retrying for up to wait_ms. NULL (and "addr: reason" in err) on failure. */
redisContext *rconn_open(const char *addr, int timeout_ms, int wait_ms, char *err, size_t errlen);

/* Sends PING; 0 when the answer is PONG. */
int rconn_ping(redisContext *rc);

#endif
