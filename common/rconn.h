/* rconn.h — opening Redis connections from one address string.
 *
 * Address forms: "host:port", "[ipv6]:port", "unix:/path/to/redis.sock". The
 * returned context is the caller's to redisFree(). A server with a password
 * (requirepass) gets AUTH with the password read from a file, on every
 * connection rconn_open() makes, so a service reconnecting after the server
 * restarted authenticates again. Commands on it time out
 * after timeout_ms so a stalled server cannot hang a service (making the
 * connection and its first AUTH and PING: within a second, or timeout_ms
 * when shorter, so a try at a server that is away is short); a command that
 * times out leaves the context unusable (c->err set), so blocking commands
 * (XREADGROUP BLOCK) must block for less than timeout_ms.
 */
#ifndef JIESU_RCONN_H
#define JIESU_RCONN_H

#include <hiredis/hiredis.h>
#include <stddef.h>

/* Connects, retrying for up to wait_ms, authenticates and checks the server
 * answers PING. password_file: NULL or "" when the server has no password,
 * else a file whose first line is the password (read at each call, so a new
 * password is used from the next reconnect on). timeout_ms <= 0 means no
 * timeout. NULL (and "addr: reason" in err) on failure; a missing password
 * file or a refused password is not retried. */
redisContext *rconn_open(const char *addr, const char *password_file, int timeout_ms, int wait_ms,
                         char *err, size_t errlen);

/* Sends PING; 0 when the answer is PONG. */
int rconn_ping(redisContext *rc);

/* Reads and frees the replies of n pipelined commands (redisAppendCommand...).
 * 0 when none was an error; else -1 with the first error's text in err. A lost
 * connection stops the reading early: its remaining replies are gone with it. */
int rconn_drain(redisContext *rc, size_t n, char *err, size_t errlen);

#endif
