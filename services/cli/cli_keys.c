/* cli_keys.c — `jiesu keys`: the installation's own CURVE keys, and their
 * registration by `jiesu migrate`; `jiesu keys new FILE`: a person's own key
 * pair, made where they work, whose public half they give an administrator
 * (`jiesu user add NAME --public-key KEY`, `jiesu user key NAME --public-key KEY`).
 *
 * `jiesu keys` makes, in keys.dir, a key pair for each service and one for
 * the first administrator (admin.key), keeping any that exist; it writes
 * files only and needs no server. `jiesu migrate` (which runs with the
 * database owner's credentials) then registers the services' public keys and
 * the administrator's as principals; every other user is added by that
 * administrator over the bus (`jiesu user add`). Replacing a key file and
 * migrating again replaces the registered key.
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli_args.h"
#include "db.h"
#include "keys.h"
#include "svc.h"
#include "text.h"

#define ADMIN_NAME "admin"

/* Makes name's key pair in dir unless its .key file exists. 1 made, 0 kept, -1 (printed). */
static int make_pair(const char *dir, const char *name, const char *who)
{
    char key[4096], pub[4096], err[700];
    keys_pair kp;
    struct stat st;
    keys_path(key, sizeof key, dir, name, "key");
    keys_path(pub, sizeof pub, dir, name, "pub");
    if (stat(key, &st) == 0)
        return 0;
    if (keys_generate(&kp) < 0) {
        cli_error("keys：这个 libzmq 不支持 CURVE 加密（Debian 的 libzmq5 支持）");
        return -1;
    }
    if (keys_save(key, &kp, 1, who, err, sizeof err) < 0 || keys_save(pub, &kp, 0, who, err, sizeof err) < 0) {
        cli_error("keys：%s", err);
        return -1;
    }
    return 1;
}

/* `jiesu keys new FILE`: a key pair of one's own; FILE is never overwritten. */
static int new_pair(const char *file)
{
    char err[700], pub[4096];
    keys_pair kp;
    struct stat st;
    if (stat(file, &st) == 0) {
        cli_error("keys new：%s 已经存在（不会覆盖）：请换一个文件名", file);
        return 1;
    }
    snprintf(pub, sizeof pub, "%s.pub", file);
    if (keys_generate(&kp) < 0 || keys_save(file, &kp, 1, "its holder", err, sizeof err) < 0 ||
        keys_save(pub, &kp, 0, "its holder", err, sizeof err) < 0) {
        cli_error("keys new：%s", kp.public_key[0] ? err : "这个 libzmq 不支持 CURVE 加密");
        return 1;
    }
    printf("%s\n", kp.public_key);
    fprintf(stderr, "私钥在 %s（权限 0600：不要给别人）；把上面的公钥交给管理员登记\n", file);
    return 0;
}

int cli_keys_main(cli_ctx *ctx, int argc, char **argv)
{
    char who[128];
    int made = 0, rc;
    int pair = argc > 1 && strcmp(argv[1], "new") == 0;
    if (pair && cli_args_words("keys new", argc - 1, argv + 1, 1, 1, "密钥文件的名称") == 0)
        return new_pair(argv[2]);
    if (pair || cli_args_words("keys", argc, argv, 0, 0, "") < 0) {
        fprintf(stderr, "用法：jiesu keys            （在 keys.dir 里生成缺少的密钥对）\n"
                        "      jiesu keys new 文件    （生成一把自己的密钥对；打印它的公钥）\n");
        return 2;
    }
    const char *dir = config_str(ctx->cfg, "keys.dir");
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        cli_error("keys：%s：%s", dir, text_os_error(errno));
        return 1;
    }
    for (size_t i = 0; svc_name(i); i++) {
        snprintf(who, sizeof who, "service %s", svc_name(i));
        if ((rc = make_pair(dir, svc_name(i), who)) < 0)
            return 1;
        made += rc;
    }
    if ((rc = make_pair(dir, ADMIN_NAME, "the first administrator")) < 0)
        return 1;
    made += rc;
    printf("密钥：在 %s 生成了 %d 对密钥（已有的不动）\n", dir, made);
    return 0;
}

/* $1 name, $2 display name, $3 role, $4 public key. A key an administrator
 * has given the principal since (`jiesu user key admin`: user.key in
 * admin_events) stays: keys.dir's would bring back the key it replaced. A
 * key that replaces another is recorded (key.register, by migrate), as
 * every key an administrator gives is. */
static const char SQL_REGISTER[] =
    "WITH r AS (INSERT INTO principals (name, display_name, role, curve_key, created_by)"
    "           VALUES ($1, $2, $3, $4, 'migrate')"
    " ON CONFLICT (name) DO UPDATE SET curve_key = EXCLUDED.curve_key, display_name = EXCLUDED.display_name"
    " WHERE (principals.curve_key, principals.display_name) IS DISTINCT FROM (EXCLUDED.curve_key, EXCLUDED.display_name)"
    "   AND NOT EXISTS (SELECT 1 FROM admin_events e WHERE e.action = 'user.key' AND e.subject = principals.name)"
    " RETURNING name, xmax <> 0 AS replaced)"
    " INSERT INTO admin_events (actor, action, subject) SELECT 'migrate', 'key.register', name FROM r WHERE replaced";

/* Registers name's public key from dir when its .pub file exists. 2 (a key
 * registered before replaced), 1 (registered or unchanged), 0 (no file), -1
 * with err. */
static int register_one(PGconn *pg, const char *dir, const char *name, const char *display, const char *role,
                        char *err, size_t errlen)
{
    char path[4096], why[700];
    keys_pair kp;
    struct stat st;
    long replaced = 0;
    keys_path(path, sizeof path, dir, name, "pub");
    if (stat(path, &st) != 0)
        return 0;
    if (keys_load(path, &kp, 0, why, sizeof why) < 0) {
        snprintf(err, errlen, "%s", why);
        return -1;
    }
    const char *params[] = {name, display, role, kp.public_key};
    if (db_command(pg, "register key", SQL_REGISTER, 4, params, &replaced, why, sizeof why) < 0) {
        snprintf(err, errlen, "%s 的公钥没能登记：%s", name, why);
        return -1;
    }
    return replaced ? 2 : 1;
}

int cli_keys_register(PGconn *pg, const char *dir, int *registered, char *replaced, size_t cap, char *err,
                      size_t errlen)
{
    int rc;
    size_t len = 0;
    *registered = 0;
    replaced[0] = '\0';
    for (size_t i = 0; svc_name(i); i++) {
        if ((rc = register_one(pg, dir, svc_name(i), svc_title(i), "service", err, errlen)) < 0)
            return -1;
        *registered += rc > 0;
        if (rc == 2)
            text_appendf(replaced, cap, &len, "%s%s（%s）", len ? "、" : "", svc_title(i), svc_name(i));
    }
    if ((rc = register_one(pg, dir, ADMIN_NAME, "系统管理员", "admin", err, errlen)) < 0)
        return -1;
    *registered += rc > 0;
    return 0;
}
