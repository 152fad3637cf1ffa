/* auth.h — principals and their roles: who is acting, and what they may do.
 *
 * A principal (PostgreSQL table `principals`, migration 010) is a service or
 * a person with exactly one role; handlers, campaign offices and discipline
 * inspectors also belong to a unit, whose district bounds what they see. The
 * bus names the principal of every request by the key it connected with
 * (zap.h, bus_request.user_id: the ZAP decision admits a connection under
 * its public key, and its holder is looked up at each request); HTTP by an
 * API token or a session. Nothing a
 * client writes into a request decides who it is.
 *
 * The role table below is the one list of roles: their names in the
 * database and in commands, and the Chinese titles people read.
 */
#ifndef JIESU_AUTH_H
#define JIESU_AUTH_H

#include <libpq-fe.h>
#include <stddef.h>

typedef enum {
    AUTH_SERVICE    = 1 << 0,   /* 系统服务: the services themselves */
    AUTH_CLERK      = 1 << 1,   /* 话务员: imports exports, files complaints for callers (Open311) */
    AUTH_DISPATCHER = 1 << 2,   /* 派单员: the manual queue, dispatch by hand, arbitration */
    AUTH_HANDLER    = 1 << 3,   /* 承办人员: a street office's or department's orders */
    AUTH_CAMPAIGN   = 1 << 4,   /* 创城办: supervises its district, acknowledges alerts */
    AUTH_DISCIPLINE = 1 << 5,   /* 纪委监委: conduct complaints, accountability alerts */
    AUTH_CALLBACK   = 1 << 6,   /* 回访员: records the citizen's verdict */
    AUTH_ADMIN      = 1 << 7,   /* 系统管理员: users, keys, units, gazetteer */
} auth_role;

#define AUTH_ANYONE 0xff
#define AUTH_PEOPLE (AUTH_ANYONE & ~AUTH_SERVICE)
/* Roles whose principal belongs to a unit. */
#define AUTH_UNIT_ROLES (AUTH_HANDLER | AUTH_CAMPAIGN | AUTH_DISCIPLINE)

#define AUTH_NAME_MAX 64
#define AUTH_DISPLAY_CHARS 40           /* characters of a display name at most */
#define AUTH_DISPLAY_MAX 161            /* … each up to 4 bytes, and the NUL */

typedef struct {
    int       id;
    char      name[AUTH_NAME_MAX];      /* login name: intake, zhang.san */
    char      display_name[AUTH_DISPLAY_MAX];   /* 张三（中韩街道） */
    auth_role role;
    int       unit_id;                  /* 0 when the role has no unit */
    char      unit_code[64];
    char      unit_name[128];
    char      district[16];             /* the unit's district code, "" when none */
    int       rate_per_minute;          /* Open311 POSTs allowed per minute; 0: the default */
} auth_principal;

/* "clerk", "dispatcher"...; NULL for a value that is not one role. */
const char *auth_role_name(auth_role role);
/* 话务员, 派单员...; "?" for a value that is not one role. */
const char *auth_role_title(auth_role role);
/* The role named name ("clerk" or "话务员"). 0, or -1 when there is none. */
int auth_role_parse(const char *name, auth_role *out);
/* The titles of the roles in mask, joined by "、", into out. */
void auth_roles_say(auth_role mask, char *out, size_t cap);

/* Loads the enabled principal holding the CURVE public key key (Z85), as it
 * is now. 1 with *out filled, 0 when there is none (disabled, or given
 * another key since), -1 with err on a database error. */
int auth_principal_load_key(PGconn *pg, const char *key, auth_principal *out, char *err, size_t errlen);

/* What a presented API token is. */
typedef enum { AUTH_TOKEN_ERROR = -1, AUTH_TOKEN_UNKNOWN, AUTH_TOKEN_OK, AUTH_TOKEN_DISABLED } auth_token_state;

/* The principal holding API token `token` (only its SHA-256 is looked up):
 * AUTH_TOKEN_OK with *out filled; AUTH_TOKEN_DISABLED with *out filled, for
 * a user who is disabled; AUTH_TOKEN_UNKNOWN; AUTH_TOKEN_ERROR with err. */
auth_token_state auth_token_load(PGconn *pg, const char *token, auth_principal *out, char *err, size_t errlen);

/* The enabled principal a credential stands for: a signed-in session that
 * has not expired (sessions.token_hash) or an API token. 1 with *out, 0
 * when it stands for nobody now, -1 with err on a database error. Checked
 * afresh on every call: a disabled user's sessions and tokens stop at once. */
int auth_credential_load(PGconn *pg, const char *credential, auth_principal *out, char *err, size_t errlen);

/* ---- secrets people hold: passwords and API tokens (libsodium) ---- */

#define AUTH_HASH_MAX 128       /* room for a crypto_pwhash_str string */
#define AUTH_TOKEN_LEN 68       /* "jsk_" + 64 hex digits */
#define AUTH_TOKEN_HASH_LEN 64  /* SHA-256 in hex */

/* Hashes a password slowly, salted (crypto_pwhash_str, Argon2id, the
 * interactive limits). 0, or -1 when out of memory or libsodium fails. */
int auth_password_hash(const char *password, char out[AUTH_HASH_MAX]);
/* 1 when password matches hash, else 0. */
int auth_password_verify(const char *hash, const char *password);

/* A new random API token into token (shown once, never stored) and its
 * SHA-256 (what the database keeps) into hash. 0 or -1. */
int auth_token_new(char token[AUTH_TOKEN_LEN + 1], char hash[AUTH_TOKEN_HASH_LEN + 1]);
/* The SHA-256 of any presented token, to look it up. */
void auth_token_hash(const char *token, char hash[AUTH_TOKEN_HASH_LEN + 1]);

/* ZAP decisions (zap.h) from PostgreSQL, on a connection of the handler's
 * own: a key is admitted when an enabled principal holds it; to events
 * (BUS_ZAP_EVENTS) only services. The user id given is the key itself, not
 * its holder's name: who holds it is asked again at every request
 * (auth_principal_load_key), so a key given up stops acting at once, on an
 * open connection too. */
typedef struct auth_zap auth_zap;

/* conninfo is copied; the connection opens on the first decision. NULL when out of memory. */
auth_zap *auth_zap_new(const char *conninfo);
/* The zap_decide_fn; ctx is an auth_zap. */
int auth_zap_decide(void *ctx, const char *domain, const char *client_key, const char *address, char *user_id,
                    size_t idcap, char *why, size_t whycap);
void auth_zap_destroy(auth_zap **self);

#endif
