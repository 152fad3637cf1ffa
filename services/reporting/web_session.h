/* web_session.h — people signing in to the reporting service's pages:
 * passwords checked, failures counted and the account locked, sessions kept
 * in PostgreSQL (migration 010's `sessions`, only a token's SHA-256 stored),
 * every sign-in, failure, lock and sign-out recorded in auth_events (014).
 *
 *   signin   the password is checked with auth_password_verify (Argon2id);
 *            a user name that names nobody costs the same check, so the
 *            answer's time does not tell whether the name exists. After
 *            `failures` wrong passwords in a row the account is locked for
 *            `lock_minutes` (principals.locked_until; the right password is
 *            refused too until then). A success starts a session of
 *            `session_minutes` with a new random token (the cookie) and a
 *            CSRF token, and clears the count; the session the browser
 *            held (another person's, or the same one's) ends, as a new
 *            sign-in replaces its cookie. Failures are counted per client
 *            address too (web_address.c): an address held back is refused
 *            before its name or password is looked at.
 *   load     the person a cookie's token stands for now, with the session's
 *            CSRF token: nobody once it expired, was signed out, or the user
 *            was disabled (auth_credential_load, checked every request).
 *   signout  the session's row goes; the cookie is worthless from then on.
 *
 * Thread-safe as long as each thread uses its own PostgreSQL connection.
 */
#ifndef JIESU_WEB_SESSION_H
#define JIESU_WEB_SESSION_H

#include <libpq-fe.h>
#include <stddef.h>

#include "auth.h"
#include "config.h"
#include "web_address.h"

#define WEB_CSRF_LEN 64         /* hex */

typedef struct {
    int failures;               /* web.lockout_failures: wrong passwords in a row that lock */
    int lock_minutes;           /* web.lockout_minutes */
    int session_minutes;        /* web.session_minutes: a session's life */
    web_address_opts address;   /* web.signin_address_*: failures of one address across accounts */
} web_session_opts;

/* The web.* keys above (bounds in config_keys.c). */
void web_session_opts_load(web_session_opts *o, const config *cfg);

typedef enum {
    WEB_SIGNIN_ERROR = -1,
    WEB_SIGNIN_OK,
    WEB_SIGNIN_WRONG,
    WEB_SIGNIN_LOCKED,          /* the account */
    WEB_SIGNIN_HELD,            /* the address */
} web_signin_end;

/* One sign-in: who, with what, from where, in a browser that may hold a
 * session already. */
typedef struct {
    const char *name, *password;
    const char *address;        /* the client's, recorded */
    const char *previous;       /* the browser's session cookie, NULL or "" when none */
} web_signin_try;

/* Signs t->name in with t->password from t->address. WEB_SIGNIN_OK with the
 * new session's token (the cookie's value) in token, the browser's previous
 * session (t->previous, whoever's it was) ended and recorded as signed out;
 * WEB_SIGNIN_WRONG (wrong name or password, or a disabled user: one answer
 * for all), or WEB_SIGNIN_LOCKED with when it ends (clock_local_until) in
 * hold->until; WEB_SIGNIN_HELD when t->address is held back, with all of
 * *hold; or WEB_SIGNIN_ERROR. A WRONG or LOCKED end is counted against
 * t->address. err (empty first) says what failed: why for WEB_SIGNIN_ERROR,
 * else a refusal that could not be recorded or counted. The person signing
 * in is never told it (the caller logs it). */
web_signin_end web_session_signin(PGconn *pg, const web_session_opts *o, const web_signin_try *t,
                                  char token[AUTH_TOKEN_LEN + 1], web_hold *hold, char *err, size_t errlen);

/* The person token stands for now, and the session's CSRF token. 1, 0 for
 * nobody, -1 with err on a database error. */
int web_session_load(PGconn *pg, const char *token, auth_principal *who, char csrf[WEB_CSRF_LEN + 1], char *err,
                     size_t errlen);

/* Ends the session of token (signed in as name) and records it. 0 or -1 with err. */
int web_session_signout(PGconn *pg, const char *token, const char *name, const char *address, char *err,
                        size_t errlen);

#endif
