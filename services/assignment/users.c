/* users.c — the administrator's requests about users, and about the
 * addresses whose sign-ins are held back (see users.h).
 *
 * Each change is one statement: the change to `principals` (or to
 * `signin_addresses`) and its admin_events row together, so a user is never
 * changed, nor an address let in, without the record of who did it. A
 * refusal (unknown user, name taken, wrong unit for the role, an address not
 * held) answers 409 with the reason; a database failure 500. The services'
 * own principals are no users to change: their keys are made by `jiesu keys`
 * and registered by `jiesu migrate`, and an administrator who gave one a key,
 * a token or a password of their own would act as that service.
 */
#include "users.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "db.h"
#include "log.h"
#include "names.h"
#include "proxies.h"
#include "text.h"
#include "unit_named.h"

#define ERR_REFUSED 409
#define MAX_USERS 10000
#define MAX_HOLDS 10000         /* as SQL_HOLDS's LIMIT */
#define PASSWORD_MIN 8          /* characters, whenever a password is set */

typedef struct {
    PGconn                   *pg;
    const config             *cfg;
    const Jiesu__UserRequest *rq;
    const auth_principal     *who;
    Jiesu__UserReply         *reply;
    char                      token[AUTH_TOKEN_LEN + 1];   /* a new token, for the reply */
    char                      unit_name[128];   /* the unit check_role found, by name */
    char                      message[1024];
    char                      err[512];
} users_call;

/* Returns 0 done, 1 refused (err), -1 database error (err). */
typedef int (*users_op_fn)(users_call *c);

/* Runs a change: $1 is always the subject's name, the admin_events row is
 * written by the statement itself. Fills err from PostgreSQL on failure.
 * Returns the rows changed, or -1 (database), -2 (refused by a constraint).
 * kept: NULL, or where the rows the statement returned go when it ran (the
 * caller clears them). */
static long change(users_call *c, const char *sql, int n, const char *const *params, PGresult **kept)
{
    PGresult *res = PQexecParams(c->pg, sql, n, NULL, params, NULL, NULL, 0);
    long rows = -1;
    if (PQresultStatus(res) == PGRES_TUPLES_OK) {
        rows = PQntuples(res);
    } else {
        const char *constraint = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
        int refused = db_failed_with(res, DB_INTEGRITY);
        if (refused && constraint && strcmp(constraint, "principals_name_key") == 0)
            snprintf(c->err, sizeof c->err, "已经有名为 %s 的用户", params[0]);
        else if (refused && constraint && strcmp(constraint, "principals_curve_key_key") == 0)
            snprintf(c->err, sizeof c->err, "这把密钥已经属于另一个用户");
        else if (refused && constraint && strcmp(constraint, "principals_name_check") == 0)
            snprintf(c->err, sizeof c->err, "用户名“%s”不行：只可用小写字母、数字、.、_ 和 -，"
                     "以字母或数字开头，最多 63 个（姓名用 --display）", params[0]);
        else if (PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY))
            snprintf(c->err, sizeof c->err, "%s", PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY));
        else
            db_error(c->pg, c->err, sizeof c->err);
        rows = refused ? -2 : -1;
    }
    if (kept && rows >= 0)
        *kept = res;
    else
        PQclear(res);
    return rows;
}

/* change() for statements on one existing user: 0, 1 refused, -1. */
static int change_one(users_call *c, const char *sql, int n, const char *const *params, PGresult **kept)
{
    long rows = change(c, sql, n, params, kept);
    if (rows == 0)
        snprintf(c->err, sizeof c->err, "没有名为 %s 的用户（`jiesu user list` 列出全部用户）", params[0]);
    return rows == 1 ? 0 : rows == -1 ? -1 : 1;
}

/* The admin_events row of the users changed (a CTE "changed" with their
 * name), written by the statement; AUDIT returns their names. */
#define AUDIT_EVENT(action, detail)                                                                 \
    ", ev AS (INSERT INTO admin_events (actor, action, subject, detail)"                            \
    " SELECT $2, '" action "', name, " detail " FROM changed)"
#define AUDIT(action, detail) AUDIT_EVENT(action, detail) " SELECT name FROM changed"

/* $1 name, $2 actor, $3 display, $4 role, $5 unit id, $6 key, $7 password hash, $8 token hash, $9 rate. */
static const char SQL_ADD[] =
    "WITH changed AS (INSERT INTO principals (name, created_by, display_name, role, unit_id, curve_key,"
    "                 password_hash, token_hash, rate_per_minute)"
    " VALUES ($1, $2, $3, $4, nullif($5, '')::int, nullif($6, ''), nullif($7, ''), nullif($8, ''),"
    "         nullif($9, '0')::int) RETURNING name)"
    AUDIT("user.add", "jsonb_build_object('role', $4, 'unit', nullif($5, ''), 'key', $6 <> '',"
                      " 'password', $7 <> '', 'token', $8 <> '', 'rate', nullif($9, '0')::int)");

/* The kinds of unit each role of a unit works in, as the trigger of
 * migration 010 (principals_unit_kind) holds them, and how people say them. */
static const struct {
    auth_role   role;
    const char *kinds[2];
    const char *said;
} UNIT_KINDS[] = {
    {AUTH_HANDLER, {"street", "dept"}, "街道办事处或职能部门"},
    {AUTH_CAMPAIGN, {"campaign"}, "创城办"},
    {AUTH_DISCIPLINE, {"discipline"}, "纪委监委"},
};

/* 1 when a unit of kind (named name) fits role, else 0 with err saying what
 * the unit is and what the role belongs to: the trigger's refusal would
 * reach the administrator in English. */
static int unit_fits(users_call *c, auth_role role, const char *kind, const char *name)
{
    for (size_t i = 0; i < sizeof UNIT_KINDS / sizeof UNIT_KINDS[0]; i++) {
        if (UNIT_KINDS[i].role != role)
            continue;
        for (size_t k = 0; k < 2 && UNIT_KINDS[i].kinds[k]; k++)
            if (strcmp(UNIT_KINDS[i].kinds[k], kind) == 0)
                return 1;
        snprintf(c->err, sizeof c->err, "%s是%s；%s属于%s：用 --unit 写明这样的单位（`jiesu units`），或换一个角色",
                 name, names_unit_kind(kind), auth_role_title(role), UNIT_KINDS[i].said);
        return 0;
    }
    return 1;
}

/* Checks the role and the unit it needs; fills unit_id. 0, 1 (refused) or -1
 * (database), err saying why. */
static int check_role(users_call *c, auth_role *role, char unit_id[16])
{
    const char *unit = c->rq->unit;
    unit_id[0] = '\0';
    if (auth_role_parse(c->rq->role, role) < 0 || *role == AUTH_SERVICE) {
        char which[160] = "请用 --role 写明角色";
        if (*c->rq->role)
            snprintf(which, sizeof which, "没有角色“%s”", c->rq->role);
        snprintf(c->err, sizeof c->err, "%s：可用 clerk（话务员）、dispatcher（派单员）、handler（承办人员）、"
                 "campaign（创城办）、discipline（纪委监委）、callback（回访员）、admin（系统管理员）", which);
        return 1;
    }
    if (!(*role & AUTH_UNIT_ROLES) != !*unit) {
        snprintf(c->err, sizeof c->err, *unit ? "%s不属于任何单位：去掉 --unit"
                                              : "%s属于一个单位：用 --unit 写明单位代码或名称（`jiesu units`）",
                 auth_role_title(*role));
        return 1;
    }
    if (!*unit)
        return 0;
    if (text_check(unit, TEXT_UNIT_CHARS, "单位", c->err, sizeof c->err) < 0)
        return 1;
    unit_named u;
    unit_named_found found = unit_named_find(c->pg, unit, &u, c->err, sizeof c->err);
    if (found == UNIT_NAMED_FAILED)
        return -1;
    if (found == UNIT_NAMED_NONE)
        snprintf(c->err, sizeof c->err, "没有代码或名称为“%s”的单位（`jiesu units %s` 列出代码或名称含这几个字的单位，"
                 "`jiesu units` 列出全部）", unit, unit);
    if (found != UNIT_NAMED_ONE || !unit_fits(c, *role, u.kind, u.name))
        return 1;
    snprintf(unit_id, 16, "%s", u.id);
    snprintf(c->unit_name, sizeof c->unit_name, "%s", u.name);
    return 0;
}

/* The hash of the request's password into hash, whenever a password is set
 * (added or reset): 0, 1 (too short) or -1, err saying why. */
static int hash_password(users_call *c, char hash[AUTH_HASH_MAX])
{
    if (text_utf8_chars(c->rq->password, strlen(c->rq->password)) < PASSWORD_MIN) {
        snprintf(c->err, sizeof c->err, "密码至少要 %d 个字符", PASSWORD_MIN);
        return 1;
    }
    if (auth_password_hash(c->rq->password, hash) < 0) {
        snprintf(c->err, sizeof c->err, "计算密码哈希失败（内存不足？）");
        return -1;
    }
    return 0;
}

/* A --public-key that is no key, and what to give instead. */
#define BAD_PUBLIC_KEY "--public-key 不是公钥：要写那个人用 jiesu keys new 文件 生成密钥时打印的那一行（40 个字符）；" \
                       "或不写 --public-key，用 --key-out 文件 由这里生成一对密钥交给他"

/* The password hash, the token (made into c->token) and key checks for add. 0, 1 or -1. */
static int prepare_secrets(users_call *c, char hash[AUTH_HASH_MAX], char token_hash[AUTH_TOKEN_HASH_LEN + 1])
{
    hash[0] = token_hash[0] = '\0';
    if (*c->rq->curve_key && !keys_valid(c->rq->curve_key)) {
        snprintf(c->err, sizeof c->err, "%s", BAD_PUBLIC_KEY);
        return 1;
    }
    int rc = *c->rq->password ? hash_password(c, hash) : 0;
    if (rc != 0)
        return rc;
    if (c->rq->token && auth_token_new(c->token, token_hash) < 0) {
        snprintf(c->err, sizeof c->err, "生成令牌失败");
        return -1;
    }
    return 0;
}

/* Every user added is a person (the services are registered by `jiesu migrate`, not added), and every
 * change they make is recorded under their display name: none given is refused, saying what to add. */
#define NO_DISPLAY "要写明这个人的姓名：加上 --display 姓名（例：jiesu user add zhangsan --role handler " \
                   "--unit 中韩街道 --display 张三）；处理记录和告警里显示的是姓名，不是账号"

static int op_add(users_call *c)
{
    char unit_id[16], hash[AUTH_HASH_MAX], token_hash[AUTH_TOKEN_HASH_LEN + 1], rate[16];
    const char *display = c->rq->display_name;
    auth_role role;
    if (!*display) {
        snprintf(c->err, sizeof c->err, "%s", NO_DISPLAY);
        return 1;
    }
    int rc = text_check(display, AUTH_DISPLAY_CHARS, "显示名", c->err, sizeof c->err) < 0;  /* whole wherever shown */
    if (rc == 0)
        rc = check_role(c, &role, unit_id);
    if (rc == 0)
        rc = prepare_secrets(c, hash, token_hash);
    if (rc != 0)
        return rc;
    if (!*c->rq->curve_key && !*hash && !*token_hash) {
        snprintf(c->err, sizeof c->err, "用户至少要有密钥、密码或令牌中的一样才能操作：去掉 --no-key（生成密钥），"
                 "或加上 --password-stdin（网页登录的密码）或 --token（程序用的令牌）");
        return 1;
    }
    snprintf(rate, sizeof rate, "%d", c->rq->rate_per_minute > 0 ? c->rq->rate_per_minute : 0);
    const char *params[] = {c->rq->name, c->who->name, display, auth_role_name(role), unit_id, c->rq->curve_key,
                            hash, token_hash, rate};
    long rows = change(c, SQL_ADD, 9, params, NULL);
    if (rows == 1)          /* the unit as check_role found it: 市中街道（乐陵市） for 市中街道 (乐陵市) */
        snprintf(c->message, sizeof c->message, "已添加用户 %s：%s，%s%s%s", c->rq->name, display, c->unit_name,
                 *c->unit_name ? "的" : "", auth_role_title(role));
    return rows == 1 ? 0 : rows == -1 ? -1 : 1;
}

/* $1 name, $2 actor. */
static const char SQL_DISABLE[] =
    "WITH changed AS (UPDATE principals SET disabled_at = now() WHERE name = $1 AND disabled_at IS NULL"
    "   RETURNING id, name),"
    " gone AS (DELETE FROM sessions WHERE principal_id IN (SELECT id FROM changed))"
    AUDIT("user.disable", "'{}'::jsonb");
static const char SQL_ENABLE[] =
    "WITH changed AS (UPDATE principals SET disabled_at = NULL, failed_logins = 0, locked_until = NULL"
    "   WHERE name = $1 AND (disabled_at IS NOT NULL OR locked_until IS NOT NULL OR failed_logins > 0)"
    "   RETURNING name)"
    AUDIT("user.enable", "'{}'::jsonb");
/* $3 the new public key. */
static const char SQL_KEY[] =
    "WITH changed AS (UPDATE principals SET curve_key = $3 WHERE name = $1 RETURNING name)"
    AUDIT("user.key", "'{}'::jsonb");
/* $3 the token's hash, $4 rate per minute ('0': keep; one given is recorded). */
static const char SQL_TOKEN[] =
    "WITH changed AS (UPDATE principals SET token_hash = $3,"
    "   rate_per_minute = coalesce(nullif($4, '0')::int, rate_per_minute) WHERE name = $1 RETURNING name)"
    AUDIT("user.token", "jsonb_strip_nulls(jsonb_build_object('rate', nullif($4, '0')::int))");
/* $3 the display name. */
static const char SQL_DISPLAY[] =
    "WITH was AS (SELECT id, display_name FROM principals WHERE name = $1),"
    " changed AS (UPDATE principals p SET display_name = $3 FROM was WHERE p.id = was.id AND p.display_name <> $3"
    "   RETURNING p.name, was.display_name AS was_display)"
    AUDIT("user.display", "jsonb_build_object('display', $3::text, 'was_display', was_display)");
/* $3 the password hash. */
static const char SQL_PASSWORD[] =
    "WITH changed AS (UPDATE principals SET password_hash = $3, failed_logins = 0, locked_until = NULL"
    "   WHERE name = $1 RETURNING id, name),"
    " gone AS (DELETE FROM sessions WHERE principal_id IN (SELECT id FROM changed))"
    AUDIT("user.password", "'{}'::jsonb");

/* The display name a move gives, from the CTE "was" (display, the display
 * name; unit and new_unit, the unit's name before and after): the one
 * given ($5), else one that ends with the old unit's name in （）
 * (张三（中韩街道）, as people are told apart) with the new unit's in its
 * place, or without it for a role of no unit; any other as it is. */
#define MOVED_DISPLAY                                                                                 \
    "CASE WHEN $5 <> '' THEN $5"                                                                     \
    "     WHEN was.unit IS DISTINCT FROM was.new_unit"                                               \
    "      AND char_length(was.display) > char_length(was.unit) + 2"                                 \
    "      AND right(was.display, char_length(was.unit) + 2) = '（' || was.unit || '）'"            \
    "     THEN left(was.display, -(char_length(was.unit) + 2)) || coalesce('（' || was.new_unit || '）', '')" \
    "     ELSE was.display END"

/* $3 the role, $4 the unit's id ('' for none), $5 the display name given
 * ('' for MOVED_DISPLAY's). A user who is that already, under that display
 * name, is left as they were (no row). The detail says what the person was and
 * becomes, units by name, and their display name before and after when it
 * changed, for whoever reads the trail; the display names before and after
 * come back. */
static const char SQL_MOVE[] =
    "WITH was AS (SELECT p.id, p.role, p.display_name AS display, u.name AS unit,"
    "                    (SELECT name FROM units WHERE id = nullif($4, '')::int) AS new_unit"
    "   FROM principals p LEFT JOIN units u ON u.id = p.unit_id WHERE p.name = $1),"
    " changed AS (UPDATE principals p SET role = $3, unit_id = nullif($4, '')::int, display_name = " MOVED_DISPLAY
    "   FROM was WHERE p.id = was.id AND (p.role <> $3 OR p.unit_id IS DISTINCT FROM nullif($4, '')::int"
    "                                     OR p.display_name <> " MOVED_DISPLAY ")"
    "   RETURNING p.name, was.role AS was_role, was.unit AS was_unit, was.new_unit, was.display AS was_display,"
    "             p.display_name AS display)"
    AUDIT_EVENT("user.move", "jsonb_build_object('role', $3, 'unit', new_unit, 'was_role', was_role, 'was_unit', was_unit)"
                             " || CASE WHEN display <> was_display"
                             "         THEN jsonb_build_object('display', display, 'was_display', was_display)"
                             "         ELSE '{}' END")
    " SELECT name, was_display, display FROM changed";
enum { M_NAME, M_WAS_DISPLAY, M_DISPLAY };

/* $1 the name: one row when there is such a user. */
static const char SQL_NAMED[] = "SELECT name FROM principals WHERE name = $1";

/* Runs sql ($1 name, $2 actor, $3 value when not NULL), which changes a
 * user only when there is something to change: a change says changed, a
 * user it left as they were is done already (done, nothing recorded), no
 * such user is refused. The formats take the name. 0, 1 or -1. */
static int change_or_done(users_call *c, const char *sql, const char *value, const char *changed, const char *done)
{
    const char *params[] = {c->rq->name, c->who->name, value};
    long rows = change(c, sql, value ? 3 : 2, params, NULL);
    if (rows == 0) {
        int named = change_one(c, SQL_NAMED, 1, params, NULL);
        rows = named == 0 ? 0 : named == 1 ? -2 : -1;
    }
    if (rows >= 0)
        snprintf(c->message, sizeof c->message, rows == 1 ? changed : done, c->rq->name);
    return rows >= 0 ? 0 : rows == -1 ? -1 : 1;
}

static int op_disable(users_call *c)
{
    if (strcmp(c->rq->name, c->who->name) == 0) {
        snprintf(c->err, sizeof c->err, "不能停用自己（可以请另一位管理员停用）");
        return 1;
    }
    return change_or_done(c, SQL_DISABLE, NULL, "已停用用户 %s：从现在起拒绝其一切操作", "用户 %s 已经停用，不必再停用");
}

static int op_enable(users_call *c)
{
    return change_or_done(c, SQL_ENABLE, NULL, "已启用用户 %s", "用户 %s 没有停用，也没有锁定，不必启用");
}

/* A person's name as every record shows it, given (or corrected) after they were added: a user
 * added before a name was required shows their sign-in name. Recorded with the name before. */
static int op_display(users_call *c)
{
    if (!*c->rq->display_name) {
        snprintf(c->err, sizeof c->err, "要写姓名：jiesu user display %s 姓名（例：jiesu user display %s 张三）",
                 c->rq->name, c->rq->name);
        return 1;
    }
    if (text_check(c->rq->display_name, AUTH_DISPLAY_CHARS, "显示名", c->err, sizeof c->err) < 0)
        return 1;
    return change_or_done(c, SQL_DISPLAY, c->rq->display_name, "用户 %s 的姓名已改好：此后的处理记录和告警按新姓名显示",
                          "用户 %s 的姓名本来就是这样，不必改");
}

/* What a move did, said to the administrator: the role and unit now, and
 * the display name changed (from was to now) or not, and how to change it. */
static void say_moved(users_call *c, auth_role role, const char *was, const char *now)
{
    char display[400];
    if (strcmp(was, now) != 0)
        snprintf(display, sizeof display, "显示名由“%s”改为“%s”", was, now);
    else
        snprintf(display, sizeof display, "显示名“%s”未改（要改：jiesu user display %s 姓名）", now, c->rq->name);
    snprintf(c->message, sizeof c->message, "用户 %s 现在是%s%s%s：从下一个操作起按新的角色和单位办理；%s",
             c->rq->name, c->unit_name, *c->unit_name ? "的" : "", auth_role_title(role), display);
}

static int op_move(users_call *c)
{
    char unit_id[16];
    auth_role role;
    if (strcmp(c->rq->name, c->who->name) == 0) {
        snprintf(c->err, sizeof c->err, "不能改自己的角色或单位（可以请另一位管理员改）");
        return 1;
    }
    const char *display = c->rq->display_name;
    int rc = *display && text_check(display, AUTH_DISPLAY_CHARS, "显示名", c->err, sizeof c->err) < 0;
    if (rc == 0)
        rc = check_role(c, &role, unit_id);
    if (rc != 0)
        return rc;
    const char *params[] = {c->rq->name, c->who->name, auth_role_name(role), unit_id, display};
    PGresult *res = NULL;
    long rows = change(c, SQL_MOVE, 5, params, &res);
    if (rows == 1)
        say_moved(c, role, PQgetvalue(res, 0, M_WAS_DISPLAY), PQgetvalue(res, 0, M_DISPLAY));
    PQclear(res);
    if (rows == 0 && (rc = change_one(c, SQL_NAMED, 1, params, NULL)) == 0)   /* there already: done, nothing recorded */
        snprintf(c->message, sizeof c->message, "用户 %s 已经是%s%s%s，不必调整", c->rq->name,
                 c->unit_name, *c->unit_name ? "的" : "", auth_role_title(role));
    return rows == 0 ? rc : rows == 1 ? 0 : rows == -1 ? -1 : 1;
}

static int op_key(users_call *c)
{
    if (!keys_valid(c->rq->curve_key)) {
        snprintf(c->err, sizeof c->err, "%s", BAD_PUBLIC_KEY);
        return 1;
    }
    const char *params[] = {c->rq->name, c->who->name, c->rq->curve_key};
    int rc = change_one(c, SQL_KEY, 3, params, NULL);
    snprintf(c->message, sizeof c->message, "用户 %s 换了新密钥；旧密钥从现在起被拒绝%s", c->rq->name,
             strcmp(c->rq->name, c->who->name) != 0 ? ""
             : "。这是您自己的：您这次用的密钥已作废，以后的命令要用新密钥——把新密钥文件移到配置 cli.key_file "
               "所指的文件（make run 的是 var/keys/admin.key），或每次写 jiesu -k 新密钥文件");
    return rc;
}

static int op_token(users_call *c)
{
    char hash[AUTH_TOKEN_HASH_LEN + 1], rate[16];
    if (auth_token_new(c->token, hash) < 0) {
        snprintf(c->err, sizeof c->err, "生成令牌失败");
        return -1;
    }
    snprintf(rate, sizeof rate, "%d", c->rq->rate_per_minute > 0 ? c->rq->rate_per_minute : 0);
    const char *params[] = {c->rq->name, c->who->name, hash, rate};
    int rc = change_one(c, SQL_TOKEN, 4, params, NULL);
    snprintf(c->message, sizeof c->message, "用户 %s 换了新令牌；旧令牌即刻作废", c->rq->name);
    return rc;
}

static int op_password(users_call *c)
{
    char hash[AUTH_HASH_MAX];
    int rc = hash_password(c, hash);
    if (rc != 0)
        return rc;
    const char *params[] = {c->rq->name, c->who->name, hash};
    rc = change_one(c, SQL_PASSWORD, 3, params, NULL);
    snprintf(c->message, sizeof c->message, "用户 %s 换了新密码；其登录会话已全部失效", c->rq->name);
    return rc;
}

/* ---- list ---- */

static const char SQL_LIST[] =
    "SELECT p.name, p.display_name, p.role, coalesce(u.code, ''), coalesce(u.name, ''), p.curve_key IS NOT NULL,"
    "       p.password_hash IS NOT NULL, p.token_hash IS NOT NULL, p.disabled_at IS NOT NULL,"
    "       (extract(epoch FROM p.created_at) * 1000)::bigint, p.created_by,"
    "       CASE WHEN p.locked_until > now() THEN to_char(" CLOCK_SQL_MINUTE_UP("p.locked_until") " AT TIME ZONE $2, 'MM-DD HH24:MI') ELSE '' END"
    "  FROM principals p LEFT JOIN units u ON u.id = p.unit_id"
    " WHERE $1 OR p.disabled_at IS NULL ORDER BY p.role = 'service', p.role, p.name LIMIT 10000";
enum { L_NAME, L_DISPLAY, L_ROLE, L_UNIT_CODE, L_UNIT_NAME, L_KEY, L_PASSWORD, L_TOKEN, L_DISABLED, L_CREATED,
       L_BY, L_LOCKED };

static char *dup_value(PGresult *res, int row, int col)
{
    return strdup(PQgetvalue(res, row, col));
}

static void fill_user(Jiesu__UserInfo *u, PGresult *res, int row)
{
    auth_role role = 0;
    jiesu__user_info__init(u);
    u->name = dup_value(res, row, L_NAME);
    u->display_name = dup_value(res, row, L_DISPLAY);
    u->role = dup_value(res, row, L_ROLE);
    u->role_title = strdup(auth_role_parse(u->role, &role) == 0 ? auth_role_title(role) : "?");
    u->unit_code = dup_value(res, row, L_UNIT_CODE);
    u->unit_name = dup_value(res, row, L_UNIT_NAME);
    u->has_key = *PQgetvalue(res, row, L_KEY) == 't';
    u->has_password = *PQgetvalue(res, row, L_PASSWORD) == 't';
    u->has_token = *PQgetvalue(res, row, L_TOKEN) == 't';
    u->disabled = *PQgetvalue(res, row, L_DISABLED) == 't';
    u->created_at_ms = strtoll(PQgetvalue(res, row, L_CREATED), NULL, 10);
    u->created_by = dup_value(res, row, L_BY);
    u->locked_until = dup_value(res, row, L_LOCKED);
}

/* The users a list without --all leaves out. */
static const char SQL_DISABLED[] = "SELECT count(*) FROM principals WHERE disabled_at IS NOT NULL";

static int op_list(users_call *c)
{
    const char *params[] = {c->rq->all ? "true" : "false", config_str(c->cfg, "timezone")};
    PGresult *res = c->rq->all ? NULL : db_query(c->pg, "disabled users", SQL_DISABLED, 0, NULL, c->err, sizeof c->err);
    if (!c->rq->all && !res)
        return -1;
    c->reply->disabled_unlisted = res ? atoi(PQgetvalue(res, 0, 0)) : 0;
    PQclear(res);
    if (!(res = db_query(c->pg, "user list", SQL_LIST, 2, params, c->err, sizeof c->err)))
        return -1;
    int n = PQntuples(res);
    c->reply->users = calloc((size_t)n + 1, sizeof *c->reply->users);
    for (int i = 0; c->reply->users && i < n && i < MAX_USERS; i++) {
        c->reply->users[i] = malloc(sizeof *c->reply->users[i]);
        if (!c->reply->users[i])
            break;
        fill_user(c->reply->users[i], res, i);
        c->reply->n_users++;
    }
    PQclear(res);
    return 0;
}

/* ---- addresses held back ---- */

/* The addresses held back now (web_address.c holds them), the soonest
 * released first; $1 the city's time zone. */
static const char SQL_HOLDS[] =
    "SELECT address, failures, refused, to_char(" CLOCK_SQL_MINUTE_UP("blocked_until") " AT TIME ZONE $1, 'MM-DD HH24:MI')"
    "  FROM signin_addresses WHERE blocked_until > now() ORDER BY blocked_until, address LIMIT 10000";
enum { H_ADDRESS, H_FAILURES, H_REFUSED, H_UNTIL };

static int op_holds(users_call *c)
{
    const char *params[] = {config_str(c->cfg, "timezone")};
    PGresult *res = db_query(c->pg, "user holds", SQL_HOLDS, 1, params, c->err, sizeof c->err);
    if (!res)
        return -1;
    int n = PQntuples(res);
    c->reply->holds = calloc((size_t)n + 1, sizeof *c->reply->holds);
    for (int i = 0; c->reply->holds && i < n && i < MAX_HOLDS; i++) {
        Jiesu__AddressHold *h = c->reply->holds[i] = malloc(sizeof *h);
        if (!h)
            break;
        jiesu__address_hold__init(h);
        h->address = dup_value(res, i, H_ADDRESS);
        h->failures = atoi(PQgetvalue(res, i, H_FAILURES));
        h->refused = atoi(PQgetvalue(res, i, H_REFUSED));
        h->held_until = dup_value(res, i, H_UNTIL);
        c->reply->n_holds++;
    }
    PQclear(res);
    return 0;
}

/* $1 the address, $2 actor, $3 the city's time zone: its hold lifted, its
 * row deleted so that its count starts afresh, as when a hold ends. */
static const char SQL_RELEASE[] =
    "WITH changed AS (DELETE FROM signin_addresses WHERE address = $1 AND blocked_until > now()"
    "   RETURNING address AS name, failures, refused, blocked_until)"
    AUDIT_EVENT("address.release", "jsonb_build_object('failures', failures, 'refused', refused,"
                                   " 'until', blocked_until)")
    " SELECT to_char(" CLOCK_SQL_MINUTE_UP("blocked_until") " AT TIME ZONE $3, 'MM-DD HH24:MI') FROM changed";

/* The address as text into out, written as the sign-in pages record it
 * (proxies_address, the canonical text): 0, or 1 with err saying why. */
static int read_address(users_call *c, char out[INET6_ADDRSTRLEN])
{
    const char *text = c->rq->address;
    if (proxies_address(text, out, INET6_ADDRSTRLEN) == 0)
        return 0;
    if (!*text)
        snprintf(c->err, sizeof c->err, "user release：没有给出地址");
    else if (text_check(text, INET6_ADDRSTRLEN, "地址", c->err, sizeof c->err) == 0)
        snprintf(c->err, sizeof c->err, "“%s”不是网络地址：写 IPv4 或 IPv6 地址，如 203.0.113.7"
                 "（暂停登录的地址：jiesu user holds）", text);
    return 1;
}

static int op_release(users_call *c)
{
    char address[INET6_ADDRSTRLEN];
    if (read_address(c, address) != 0)
        return 1;
    const char *params[] = {address, c->who->name, config_str(c->cfg, "timezone")};
    PGresult *res = NULL;
    long rows = change(c, SQL_RELEASE, 3, params, &res);
    if (rows == 1)
        snprintf(c->message, sizeof c->message, "已解除地址 %s 的登录暂停（原定到 %s）：从这个地址现在就可以登录，"
                 "登录失败从零重新计数", address, PQgetvalue(res, 0, 0));
    else if (rows == 0)
        snprintf(c->err, sizeof c->err, "地址 %s 现在没有暂停登录，没有可解除的（暂停登录的地址：jiesu user holds）",
                 address);
    PQclear(res);
    return rows == 1 ? 0 : rows == -1 ? -1 : 1;
}

/* ---- the request ---- */

static const struct {
    const char *op;
    users_op_fn fn;
    int         needs_name;
} OPS[] = {
    {"add", op_add, 1},       {"list", op_list, 0},   {"disable", op_disable, 1}, {"enable", op_enable, 1},
    {"key", op_key, 1},       {"token", op_token, 1}, {"password", op_password, 1}, {"move", op_move, 1},
    {"display", op_display, 1},
    {"holds", op_holds, 0},   {"release", op_release, 0},
};

static void free_reply(Jiesu__UserReply *reply)
{
    for (size_t i = 0; i < reply->n_users; i++) {
        Jiesu__UserInfo *u = reply->users[i];
        char *fields[] = {u->name,      u->display_name, u->role,      u->role_title,
                          u->unit_code, u->unit_name,    u->created_by, u->locked_until};
        for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++)
            free(fields[f]);
        free(u);
    }
    free(reply->users);
    for (size_t i = 0; i < reply->n_holds; i++) {
        free(reply->holds[i]->address);
        free(reply->holds[i]->held_until);
        free(reply->holds[i]);
    }
    free(reply->holds);
}

/* 1 when the request names a user as a sign-in name may be written (UTF-8,
 * short enough: PostgreSQL looks it up), else 0 with err saying why. */
static int named(users_call *c)
{
    if (!*c->rq->name)
        snprintf(c->err, sizeof c->err, "user %s：没有给出用户名", c->rq->op);
    return *c->rq->name && text_check(c->rq->name, AUTH_NAME_MAX - 1, "用户名", c->err, sizeof c->err) == 0;
}

static const char SQL_SERVICE[] = "SELECT 1 FROM principals WHERE name = $1 AND role = 'service'";

/* 0 when the request names no service, 1 (refused, err says why) when it
 * does, -1 (database) with err. */
static int not_a_service(users_call *c)
{
    const char *params[] = {c->rq->name};
    PGresult *res = db_query(c->pg, "is the user a service", SQL_SERVICE, 1, params, c->err, sizeof c->err);
    if (!res)
        return -1;
    int is_service = PQntuples(res) > 0;
    PQclear(res);
    if (is_service)
        snprintf(c->err, sizeof c->err, "%s 是系统服务，不是用 jiesu user 管理的用户：服务的密钥由数据库所有者用 "
                 "jiesu keys 生成、jiesu migrate 登记", c->rq->name);
    return is_service;
}

/* Runs the op named in c->rq; answers the client either way (and logs a
 * database failure). */
static void run_op(service *s, const bus_request *req, users_call *c)
{
    for (size_t i = 0; i < sizeof OPS / sizeof OPS[0]; i++) {
        if (strcmp(OPS[i].op, c->rq->op) != 0)
            continue;
        int rc = !OPS[i].needs_name ? 0 : !named(c) ? 1 : not_a_service(c);
        if (rc == 0)
            rc = OPS[i].fn(c);
        if (rc == 0) {
            c->reply->token = c->token;
            c->reply->message = c->message;
            bus_server_reply(s->server, req, "user.reply", &c->reply->base);
            log_info("user %s %s by %s", c->rq->op, *c->rq->address ? c->rq->address : c->rq->name, c->who->name);
        } else {
            if (rc == 1)
                bus_server_reply_error(s->server, req, ERR_REFUSED, "%s", c->err);
            else
                svc_reply_failed(s, req, SVC_ERR_INTERNAL, c->err);
        }
        return;
    }
    bus_server_reply_error(s->server, req, SVC_ERR_BAD_REQUEST,
                           "user: unknown op '%s' (add, list, disable, enable, key, token, password, move, holds, "
                           "release)", c->rq->op);
}

void users_request(service *s, const bus_request *req, const auth_principal *who)
{
    Jiesu__UserReply reply = JIESU__USER_REPLY__INIT;
    users_call c = {.pg = s->pg, .cfg = s->cfg, .who = who, .reply = &reply};
    Jiesu__UserRequest *rq = BUS_UNPACK(user_request, req->env);
    if (!rq) {
        bus_server_reply_error(s->server, req, SVC_ERR_BAD_REQUEST, "user.request: malformed payload");
        return;
    }
    c.rq = rq;
    if (svc_ensure_pg(s, c.err, sizeof c.err) < 0)
        svc_reply_failed(s, req, SVC_ERR_INTERNAL, c.err);
    else
        run_op(s, req, &c);
    free_reply(&reply);
    jiesu__user_request__free_unpacked(rq, NULL);
}
