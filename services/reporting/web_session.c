/* web_session.c — sign-in, lockout and sessions (see web_session.h). */
#include "web_session.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "db.h"
#include "log.h"
#include "text.h"

/* $1 name: id, password hash, locked now, when the lock ends (epoch seconds), disabled. */
static const char SQL_USER[] =
    "SELECT id, coalesce(password_hash, ''), coalesce(locked_until > now(), false),"
    "       coalesce(extract(epoch FROM " CLOCK_SQL_MINUTE_UP("locked_until") ")::bigint::text, ''), disabled_at IS NOT NULL"
    "  FROM principals WHERE name = $1";
enum { U_ID, U_HASH, U_LOCKED, U_UNTIL, U_DISABLED };

/* A wrong password for $1 from $2 ($3 failures lock for $4 minutes; $5 why):
 * counts it, locks at the bar (and starts the count again), records it.
 * Returns whether it locked and until when (epoch seconds). */
static const char SQL_FAILED[] =
    "WITH f AS ("
    "  UPDATE principals SET"
    "    locked_until = CASE WHEN failed_logins + 1 >= $3::int THEN now() + make_interval(mins => $4::int)"
    "                        ELSE locked_until END,"
    "    failed_logins = CASE WHEN failed_logins + 1 >= $3::int THEN 0 ELSE failed_logins + 1 END"
    "  WHERE name = $1 AND disabled_at IS NULL"
    "  RETURNING failed_logins = 0 AS locked, extract(epoch FROM " CLOCK_SQL_MINUTE_UP("locked_until") ")::bigint::text AS until"
    "), e AS ("
    "  INSERT INTO auth_events (name, event, address, detail)"
    "  SELECT $1, CASE WHEN coalesce((SELECT locked FROM f), false) THEN 'locked' ELSE 'signin_failed' END, $2,"
    "         jsonb_build_object('why', $5::text)"
    ") SELECT coalesce((SELECT locked FROM f), false), coalesce((SELECT until FROM f), '')";

/* A sign-in of principal $1 ($5 its name) from $6: the count cleared, the
 * session ($2 token hash, $3 CSRF, $4 minutes) stored, expired ones gone,
 * the browser's previous session ($7 its token's hash) ended and recorded
 * as its person's sign-out, recorded. */
static const char SQL_SIGNED_IN[] =
    "WITH p AS (UPDATE principals SET failed_logins = 0, locked_until = NULL WHERE id = $1::int),"
    " old AS (DELETE FROM sessions WHERE expires_at < now()),"
    " prev AS (DELETE FROM sessions WHERE token_hash = $7 AND expires_at >= now() RETURNING principal_id),"
    " prev_out AS (INSERT INTO auth_events (name, event, address, detail)"
    "       SELECT pr.name, 'signout', $6, '{\"why\": \"signed in again in the same browser\"}'"
    "         FROM prev JOIN principals pr ON pr.id = prev.principal_id),"
    " s AS (INSERT INTO sessions (token_hash, principal_id, csrf, expires_at)"
    "       VALUES ($2, $1::int, $3, now() + make_interval(mins => $4::int)))"
    " INSERT INTO auth_events (name, event, address) VALUES ($5, 'signin', $6)";

/* A refused attempt that counts against nobody's lock ($1 name, $2 address, $3 why). */
static const char SQL_REFUSED[] =
    "INSERT INTO auth_events (name, event, address, detail) VALUES ($1, 'signin_failed', $2,"
    " jsonb_build_object('why', $3::text))";

static const char SQL_CSRF[] = "SELECT csrf FROM sessions WHERE token_hash = $1";

static const char SQL_SIGNOUT[] =
    "WITH s AS (DELETE FROM sessions WHERE token_hash = $1)"
    " INSERT INTO auth_events (name, event, address) VALUES ($2, 'signout', $3)";

static const struct {
    const char *key;
    size_t      offset;
} KEYS[] = {
    {"web.lockout_failures", offsetof(web_session_opts, failures)},
    {"web.lockout_minutes", offsetof(web_session_opts, lock_minutes)},
    {"web.session_minutes", offsetof(web_session_opts, session_minutes)},
    {"web.signin_address_failures", offsetof(web_session_opts, address.failures)},
    {"web.signin_address_minutes", offsetof(web_session_opts, address.minutes)},
};

void web_session_opts_load(web_session_opts *o, const config *cfg)
{
    for (size_t i = 0; i < sizeof KEYS / sizeof KEYS[0]; i++)
        *(int *)((char *)o + KEYS[i].offset) = (int)config_long(cfg, KEYS[i].key);
}

/* 32 random bytes in hex. */
static void random_hex(char out[WEB_CSRF_LEN + 1])
{
    unsigned char raw[WEB_CSRF_LEN / 2];
    if (sodium_init() < 0)
        abort();                /* no source of randomness: nothing safe can be done */
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(out, WEB_CSRF_LEN + 1, raw, sizeof raw);
}

/* A hash no password matches, checked for names that are nobody's so that
 * they take as long as real ones. */
static char DUMMY_HASH[AUTH_HASH_MAX];
static pthread_once_t DUMMY_ONCE = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
    char pw[WEB_CSRF_LEN + 1];
    random_hex(pw);
    if (auth_password_hash(pw, DUMMY_HASH) < 0)
        DUMMY_HASH[0] = '\0';
}

/* Records a refusal that locks nobody; err says so when it could not. */
static void refused(PGconn *pg, const char *name, const char *address, const char *why, char *err, size_t errlen)
{
    const char *params[] = {name, address, why};
    PQclear(db_query(pg, "record a refused sign-in", SQL_REFUSED, 3, params, err, errlen));
}

/* A wrong password for an existing user: counted, maybe locked. */
static web_signin_end wrong(PGconn *pg, const web_session_opts *o, const char *name, const char *address,
                            char until[CLOCK_UNTIL_LEN], char *err, size_t errlen)
{
    char failures[16], minutes[16];
    snprintf(failures, sizeof failures, "%d", o->failures);
    snprintf(minutes, sizeof minutes, "%d", o->lock_minutes);
    const char *params[] = {name, address, failures, minutes, "wrong password"};
    PGresult *res = db_query(pg, "count a failed sign-in", SQL_FAILED, 5, params, err, errlen);
    if (!res)
        return WEB_SIGNIN_ERROR;
    int locked = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
    clock_local_until(PQgetvalue(res, 0, 1), until);
    PQclear(res);
    if (locked)
        log_warn("web: %s locked until %s after %d wrong passwords (last from %s)", name, until, o->failures,
                 address);
    return locked ? WEB_SIGNIN_LOCKED : WEB_SIGNIN_WRONG;
}

/* Starts the session of user id (t->name), ending the browser's previous one. */
static web_signin_end start(PGconn *pg, const web_session_opts *o, const char *id, const web_signin_try *t,
                            char token[AUTH_TOKEN_LEN + 1], char *err, size_t errlen)
{
    char hash[AUTH_TOKEN_HASH_LEN + 1], csrf[WEB_CSRF_LEN + 1], minutes[16], previous[AUTH_TOKEN_HASH_LEN + 1] = "";
    if (auth_token_new(token, hash) < 0) {
        snprintf(err, errlen, "no random source for a session token");
        return WEB_SIGNIN_ERROR;
    }
    random_hex(csrf);
    snprintf(minutes, sizeof minutes, "%d", o->session_minutes);
    if (t->previous && *t->previous)
        auth_token_hash(t->previous, previous);
    const char *params[] = {id, hash, csrf, minutes, t->name, t->address, previous};
    PGresult *res = db_query(pg, "start a session", SQL_SIGNED_IN, 7, params, err, errlen);
    if (!res)
        return WEB_SIGNIN_ERROR;
    PQclear(res);
    log_info("web: %s signed in from %s", t->name, t->address);
    return WEB_SIGNIN_OK;
}

/* A sign-in with no password to check (no such user, none set): the same
 * time as a check, recorded as refused. */
static web_signin_end nobody(PGconn *pg, const char *name, const char *password, const char *address, const char *why,
                             char *err, size_t errlen)
{
    pthread_once(&DUMMY_ONCE, make_dummy);
    auth_password_verify(DUMMY_HASH, password);
    refused(pg, name, address, why, err, errlen);
    return WEB_SIGNIN_WRONG;
}

/* The sign-in t checked against its account: wrong, locked, refused or started. */
static web_signin_end check(PGconn *pg, const web_session_opts *o, const web_signin_try *t,
                            char token[AUTH_TOKEN_LEN + 1], char until[CLOCK_UNTIL_LEN], char *err, size_t errlen)
{
    const char *name = t->name, *password = t->password, *address = t->address;
    const char *params[] = {name};
    if (!text_utf8_valid(name, strlen(name), NULL))     /* no one's: PostgreSQL would refuse the lookup */
        return nobody(pg, "?", password, address, "a name that is not UTF-8", err, errlen);
    PGresult *res = db_query(pg, "sign-in user", SQL_USER, 1, params, err, errlen);
    if (!res)
        return WEB_SIGNIN_ERROR;
    web_signin_end end;
    if (PQntuples(res) != 1 || !*PQgetvalue(res, 0, U_HASH)) {
        end = nobody(pg, name, password, address, PQntuples(res) ? "no password set" : "no such user", err, errlen);
    } else if (strcmp(PQgetvalue(res, 0, U_LOCKED), "t") == 0) {
        clock_local_until(PQgetvalue(res, 0, U_UNTIL), until);
        refused(pg, name, address, "locked", err, errlen);
        end = WEB_SIGNIN_LOCKED;
    } else if (!auth_password_verify(PQgetvalue(res, 0, U_HASH), password)) {
        end = wrong(pg, o, name, address, until, err, errlen);
    } else if (strcmp(PQgetvalue(res, 0, U_DISABLED), "t") == 0) {
        refused(pg, name, address, "user disabled", err, errlen);
        end = WEB_SIGNIN_WRONG;
    } else {
        end = start(pg, o, PQgetvalue(res, 0, U_ID), t, token, err, errlen);
    }
    PQclear(res);
    return end;
}

web_signin_end web_session_signin(PGconn *pg, const web_session_opts *o, const web_signin_try *t,
                                  char token[AUTH_TOKEN_LEN + 1], web_hold *hold, char *err, size_t errlen)
{
    char uncounted[512] = "";
    const char *recorded = text_utf8_valid(t->name, strlen(t->name), NULL) ? t->name : "?";
    memset(hold, 0, sizeof *hold);
    err[0] = '\0';
    int held = web_address_held(pg, &o->address, recorded, t->address, hold, err, errlen);
    if (held)
        return held < 0 ? WEB_SIGNIN_ERROR : WEB_SIGNIN_HELD;
    web_signin_end end = check(pg, o, t, token, hold->until, err, errlen);
    if ((end == WEB_SIGNIN_WRONG || end == WEB_SIGNIN_LOCKED) &&
        web_address_failed(pg, &o->address, t->address, uncounted, sizeof uncounted) < 0 && !*err)
        snprintf(err, errlen, "%s", uncounted);
    return end;
}

int web_session_load(PGconn *pg, const char *token, auth_principal *who, char csrf[WEB_CSRF_LEN + 1], char *err,
                     size_t errlen)
{
    char hash[AUTH_TOKEN_HASH_LEN + 1];
    int found = auth_credential_load(pg, token, who, err, errlen);
    if (found != 1)
        return found;
    auth_token_hash(token, hash);
    const char *params[] = {hash};
    PGresult *res = db_query(pg, "session CSRF token", SQL_CSRF, 1, params, err, errlen);
    if (!res)
        return -1;
    found = PQntuples(res) == 1;        /* an API token is no session */
    snprintf(csrf, WEB_CSRF_LEN + 1, "%s", found ? PQgetvalue(res, 0, 0) : "");
    PQclear(res);
    return found;
}

int web_session_signout(PGconn *pg, const char *token, const char *name, const char *address, char *err,
                        size_t errlen)
{
    char hash[AUTH_TOKEN_HASH_LEN + 1];
    auth_token_hash(token, hash);
    const char *params[] = {hash, name, address};
    PGresult *res = db_query(pg, "end a session", SQL_SIGNOUT, 3, params, err, errlen);
    PQclear(res);
    if (res)
        log_info("web: %s signed out", name);
    return res ? 0 : -1;
}
