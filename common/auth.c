/* auth.c — principals, roles and the ZAP decisions (see auth.h). */
#include "auth.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "db.h"
#include "log.h"

/* How long one handshake waits for PostgreSQL to take a new connection: the
 * handler decides one handshake at a time, and its "cannot check keys now"
 * must reach a client well inside the second `jiesu status` waits for a
 * ping, or the service reads as not running. */
#define ZAP_CONNECT_WAIT_MS 250

typedef struct {
    auth_role   role;
    const char *name;
    const char *title;
} role_row;

static const role_row ROLES[] = {
    {AUTH_SERVICE, "service", "系统服务"},   {AUTH_CLERK, "clerk", "话务员"},
    {AUTH_DISPATCHER, "dispatcher", "派单员"}, {AUTH_HANDLER, "handler", "承办人员"},
    {AUTH_CAMPAIGN, "campaign", "创城办"},     {AUTH_DISCIPLINE, "discipline", "纪委监委"},
    {AUTH_CALLBACK, "callback", "回访员"},     {AUTH_ADMIN, "admin", "系统管理员"},
};
#define NROLES (sizeof ROLES / sizeof ROLES[0])

const char *auth_role_name(auth_role role)
{
    for (size_t i = 0; i < NROLES; i++)
        if (ROLES[i].role == role)
            return ROLES[i].name;
    return NULL;
}

const char *auth_role_title(auth_role role)
{
    for (size_t i = 0; i < NROLES; i++)
        if (ROLES[i].role == role)
            return ROLES[i].title;
    return "?";
}

int auth_role_parse(const char *name, auth_role *out)
{
    for (size_t i = 0; i < NROLES; i++)
        if (strcmp(ROLES[i].name, name) == 0 || strcmp(ROLES[i].title, name) == 0) {
            *out = ROLES[i].role;
            return 0;
        }
    return -1;
}

void auth_roles_say(auth_role mask, char *out, size_t cap)
{
    size_t len = 0;
    if (cap)
        out[0] = '\0';
    for (size_t i = 0; i < NROLES && len < cap; i++)
        if (mask & ROLES[i].role)
            len += (size_t)snprintf(out + len, cap - len, "%s%s", len ? "、" : "", ROLES[i].title);
}

/* id, name, display name, role, unit id, code, name and district, rate, disabled. */
#define SQL_PRINCIPAL_COLS                                                                                       \
    "SELECT p.id, p.name, p.display_name, p.role, coalesce(u.id, 0), coalesce(u.code, ''), coalesce(u.name, ''),"  \
    "       coalesce(unit_district(u), ''), coalesce(p.rate_per_minute, 0), p.disabled_at IS NOT NULL"            \
    "  FROM principals p LEFT JOIN units u ON u.id = p.unit_id"
enum { P_ID, P_NAME, P_DISPLAY, P_ROLE, P_UNIT_ID, P_UNIT_CODE, P_UNIT_NAME, P_DISTRICT, P_RATE, P_DISABLED };

/* The enabled principal holding the CURVE public key $1 (Z85). */
static const char SQL_BY_KEY[] = SQL_PRINCIPAL_COLS " WHERE p.curve_key = $1 AND p.disabled_at IS NULL";
/* The principal whose API token hashes to $1, disabled or not. */
static const char SQL_BY_TOKEN[] = SQL_PRINCIPAL_COLS " WHERE p.token_hash = $1";
/* The enabled principal of the live session or the API token hashing to $1. */
static const char SQL_BY_CREDENTIAL[] =
    SQL_PRINCIPAL_COLS
    " WHERE p.disabled_at IS NULL"
    "   AND (p.token_hash = $1"
    "        OR p.id = (SELECT s.principal_id FROM sessions s WHERE s.token_hash = $1 AND s.expires_at > now()))";

/* Runs sql, prepared as stmt, with the one parameter and fills *out from
 * its single row. 1 found, 0 not, -1 with err (what names the lookup).
 * *disabled is set. */
static int load_by(PGconn *pg, const char *stmt, const char *sql, const char *param, const char *what,
                   auth_principal *out, int *disabled, char *err, size_t errlen)
{
    const char *params[] = {param};
    char why[256];
    memset(out, 0, sizeof *out);
    *disabled = 0;
    PGresult *res = db_prepared(pg, stmt, sql, 1, params);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        snprintf(err, errlen, "looking up %s: %s", what, db_error(pg, why, sizeof why));
        PQclear(res);
        return -1;
    }
    int found = PQntuples(res) == 1 && auth_role_parse(PQgetvalue(res, 0, P_ROLE), &out->role) == 0;
    if (found) {
        out->id = atoi(PQgetvalue(res, 0, P_ID));
        snprintf(out->name, sizeof out->name, "%s", PQgetvalue(res, 0, P_NAME));
        snprintf(out->display_name, sizeof out->display_name, "%s", PQgetvalue(res, 0, P_DISPLAY));
        out->unit_id = atoi(PQgetvalue(res, 0, P_UNIT_ID));
        snprintf(out->unit_code, sizeof out->unit_code, "%s", PQgetvalue(res, 0, P_UNIT_CODE));
        snprintf(out->unit_name, sizeof out->unit_name, "%s", PQgetvalue(res, 0, P_UNIT_NAME));
        snprintf(out->district, sizeof out->district, "%s", PQgetvalue(res, 0, P_DISTRICT));
        out->rate_per_minute = atoi(PQgetvalue(res, 0, P_RATE));
        *disabled = strcmp(PQgetvalue(res, 0, P_DISABLED), "t") == 0;
    }
    PQclear(res);
    return found;
}

int auth_principal_load_key(PGconn *pg, const char *key, auth_principal *out, char *err, size_t errlen)
{
    char what[KEYS_Z85_LEN + 16];
    int disabled;
    snprintf(what, sizeof what, "the holder of key %.8s…", key);
    return load_by(pg, "auth_by_key", SQL_BY_KEY, key, what, out, &disabled, err, errlen);
}

auth_token_state auth_token_load(PGconn *pg, const char *token, auth_principal *out, char *err, size_t errlen)
{
    char hash[AUTH_TOKEN_HASH_LEN + 1];
    int disabled;
    auth_token_hash(token, hash);
    int found = load_by(pg, "auth_by_token", SQL_BY_TOKEN, hash, "an API token", out, &disabled, err, errlen);
    return found < 0 ? AUTH_TOKEN_ERROR : !found ? AUTH_TOKEN_UNKNOWN : disabled ? AUTH_TOKEN_DISABLED : AUTH_TOKEN_OK;
}

int auth_credential_load(PGconn *pg, const char *credential, auth_principal *out, char *err, size_t errlen)
{
    char hash[AUTH_TOKEN_HASH_LEN + 1];
    int disabled;
    auth_token_hash(credential, hash);
    return load_by(pg, "auth_by_credential", SQL_BY_CREDENTIAL, hash, "a session or token", out, &disabled, err, errlen);
}

/* ---- passwords and tokens ---- */

int auth_password_hash(const char *password, char out[AUTH_HASH_MAX])
{
    if (sodium_init() < 0)
        return -1;
    return crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                             crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0 ? 0 : -1;
}

int auth_password_verify(const char *hash, const char *password)
{
    return sodium_init() >= 0 && crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

void auth_token_hash(const char *token, char hash[AUTH_TOKEN_HASH_LEN + 1])
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, (const unsigned char *)token, strlen(token));
    sodium_bin2hex(hash, AUTH_TOKEN_HASH_LEN + 1, digest, sizeof digest);
}

int auth_token_new(char token[AUTH_TOKEN_LEN + 1], char hash[AUTH_TOKEN_HASH_LEN + 1])
{
    unsigned char raw[32];
    if (sodium_init() < 0)
        return -1;
    randombytes_buf(raw, sizeof raw);
    memcpy(token, "jsk_", 4);
    sodium_bin2hex(token + 4, AUTH_TOKEN_LEN - 4 + 1, raw, sizeof raw);
    auth_token_hash(token, hash);
    return 0;
}

/* ---- ZAP ---- */

struct auth_zap {
    char   *conninfo;
    PGconn *pg;
};

auth_zap *auth_zap_new(const char *conninfo)
{
    auth_zap *self = calloc(1, sizeof *self);
    if (self && !(self->conninfo = strdup(conninfo)))
        auth_zap_destroy(&self);
    return self;
}

/* The handler's own connection, (re)opened when needed — also when the
 * server closed it while it sat idle (PostgreSQL restarted) — or NULL with why. */
static PGconn *zap_pg(auth_zap *self, char *why, size_t whycap)
{
    char err[512];
    if (self->pg && db_alive(self->pg))
        return self->pg;
    if (self->pg)
        PQfinish(self->pg);
    self->pg = db_connect(self->conninfo, ZAP_CONNECT_WAIT_MS, err, sizeof err);
    if (!self->pg) {
        snprintf(why, whycap, "cannot check keys: PostgreSQL unavailable");
        log_error("bus: ZAP handler: PostgreSQL: %s", err);
    }
    return self->pg;
}

static const char SQL_KEY[] = "SELECT name, role FROM principals WHERE curve_key = $1 AND disabled_at IS NULL";

/* The principal holding client_key, or NULL with why. */
static PGresult *key_lookup(auth_zap *self, const char *client_key, char *why, size_t whycap)
{
    const char *params[] = {client_key};
    char dberr[256];
    PGconn *pg = zap_pg(self, why, whycap);
    if (!pg)
        return NULL;
    PGresult *res = PQexecParams(pg, SQL_KEY, 1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) == PGRES_TUPLES_OK)
        return res;
    snprintf(why, whycap, "cannot check keys: %s", db_error(pg, dberr, sizeof dberr));
    PQclear(res);
    return NULL;
}

int auth_zap_decide(void *ctx, const char *domain, const char *client_key, const char *address, char *user_id,
                    size_t idcap, char *why, size_t whycap)
{
    (void)address;
    PGresult *res = key_lookup(ctx, client_key, why, whycap);
    if (!res)
        return -1;
    int admit = 0;
    if (PQntuples(res) != 1)
        snprintf(why, whycap, "is not registered, or its user is disabled");
    else if (strcmp(domain, BUS_ZAP_EVENTS) == 0 && strcmp(PQgetvalue(res, 0, 1), "service") != 0)
        snprintf(why, whycap, "belongs to %s, not a service: only services subscribe to events",
                 PQgetvalue(res, 0, 0));
    else
        admit = snprintf(user_id, idcap, "%s", client_key) > 0;     /* svc.c: its holder, at each request */
    PQclear(res);
    return admit;
}

void auth_zap_destroy(auth_zap **self)
{
    if (!*self)
        return;
    if ((*self)->pg)
        PQfinish((*self)->pg);
    free((*self)->conninfo);
    free(*self);
    *self = NULL;
}
