/* cli_user.c — `jiesu user`: an administrator manages who may act, and
 * lets in sooner an address whose sign-ins are held back, through the
 * assignment service's "user.request" (users.h).
 *
 *   jiesu user add NAME --role ROLE [--unit UNIT] --display 张三 [--key-out FILE]
 *                  [--no-key] [--password-stdin] [--token [--token-out FILE]] [--rate N]
 *   jiesu user list [--all]
 *   jiesu user disable|enable NAME
 *   jiesu user key NAME [--key-out FILE | --public-key KEY]   a new key (the old one is refused at once)
 *   jiesu user token NAME [--rate N] [--token-out FILE]   a new API token (Open311 api_key, bearer)
 *   jiesu user password NAME                   a new password, read from standard input
 *   jiesu user move NAME --role ROLE [--unit UNIT] [--display 张三（北宅街道）]
 *                  another role or unit (its name and keys kept; a display name
 *                  ending in the old unit's name in （） takes the new one's)
 *   jiesu user display NAME 张三               another display name (the name records show)
 *   jiesu user holds                           the addresses whose sign-ins to the pages are held back
 *   jiesu user release ADDRESS                 one's hold lifted now
 *
 * A key pair is made here and its secret written to FILE (default
 * ./NAME.key, mode 0600, never overwritten), unless the user made their own
 * (`jiesu keys new`) and gave its public key; only the public key goes to
 * the service. A token is printed once and never stored anywhere readable,
 * or, with --token-out FILE, written to FILE alone (0600, never over an
 * existing file): not on a screen or in a log others may see.
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "auth.h"
#include "bus.h"
#include "cli_args.h"
#include "cli_password.h"
#include "cli_table.h"
#include "keys.h"
#include "names.h"
#include "privfile.h"
#include "text.h"

#define USER_TRIES 1
#define PASSWORD_MAX 256
#define RATE_MAX     1000000     /* --rate: requests a minute */

typedef struct {
    const char *key_out;
    const char *token_out;      /* the new token goes there, not to standard output */
    const char *public_key;     /* a key the user made themselves (jiesu keys new) */
    int         no_key, password_stdin;
} user_opts;

static void usage(void)
{
    fputs("用法：jiesu user add 用户名 --role 角色 [--unit 单位] --display 姓名 [--key-out 文件 | --public-key 公钥]\n"
          "                      [--no-key] [--password-stdin] [--token [--token-out 文件]] [--rate 次数]\n"
          "      jiesu user list [--all]\n"
          "      jiesu user disable|enable 用户名\n"
          "      jiesu user key 用户名 [--key-out 文件 | --public-key 公钥]\n"
          "      jiesu user token 用户名 [--rate 每分钟次数] [--token-out 文件]\n"
          "                      （令牌只显示这一次；--token-out：写到文件里（0600），不显示在屏幕上）\n"
          "      jiesu user password 用户名          （密码从标准输入读）\n"
          "      jiesu user move 用户名 --role 角色 [--unit 单位] [--display 姓名]\n"
          "                      （换单位或换角色；账号、密钥、密码不变；显示名以“（原单位）”结尾的换成新单位）\n"
          "      jiesu user display 用户名 姓名      （填写或更改姓名：处理记录和告警里显示的是它）\n"
          "      jiesu user holds                   （登录失败太多、暂停网页登录的地址）\n"
          "      jiesu user release 地址            （现在就解除这个地址的登录暂停）\n"
          "角色：clerk 话务员、dispatcher 派单员、handler 承办人员、campaign 创城办、discipline 纪委监委、\n"
          "      callback 回访员、admin 系统管理员（handler、campaign 和 discipline 要写 --unit）\n",
          stderr);
}

/* The operations the service answers (users.c's OPS), each with the
 * options it uses: any other is refused, not ignored. */
static const struct {
    const char *op, *opts;
} OPS[] = {
    {"add", "--role --unit --display --key-out --public-key --no-key --password-stdin --token --token-out --rate"},
    {"list", "--all"},
    {"disable", ""},
    {"enable", ""},
    {"key", "--key-out --public-key"},
    {"token", "--rate --token-out"},
    {"password", "--password-stdin"},     /* read from standard input either way */
    {"move", "--role --unit --display"},
    {"display", ""},                      /* the name follows the user's: jiesu user display NAME 张三 */
    {"holds", ""},
    {"release", ""},
};

/* The index of op in OPS, else -1 after saying which there are. */
static int known_op(const char *op)
{
    for (size_t i = 0; i < sizeof OPS / sizeof OPS[0]; i++)
        if (strcmp(OPS[i].op, op) == 0)
            return (int)i;
    cli_error("user：没有“%s”这个操作；有 add、list、disable、enable、key、token、password、move、display、holds、release"
              "（有人离开：disable 停用）", op);
    return -1;
}

/* Parses the options after "user OP [NAME]" of operation k, refusing any
 * it does not use (cli_args.h). 0, or -1 after saying what is wrong. */
static int parse(int argc, char **argv, int first, int k, Jiesu__UserRequest *rq, user_opts *o)
{
    char cmd[32];
    const char *rate = NULL;
    snprintf(cmd, sizeof cmd, "user %s", OPS[k].op);
    for (int i = first; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = strcmp(a, "--role") == 0      ? (const char **)&rq->role
                            : strcmp(a, "--unit") == 0    ? (const char **)&rq->unit
                            : strcmp(a, "--display") == 0 ? (const char **)&rq->display_name
                            : strcmp(a, "--key-out") == 0 ? &o->key_out
                            : strcmp(a, "--token-out") == 0 ? &o->token_out
                            : strcmp(a, "--public-key") == 0 ? &o->public_key
                            : strcmp(a, "--rate") == 0    ? &rate
                                                          : NULL;
        if (!cli_args_option(cmd, OPS[k].opts, a, "（一次只处理一个用户名或地址）") ||
            (slot && cli_args_value(cmd, argc, argv, &i, slot) < 0))
            return -1;
        if (strcmp(a, "--no-key") == 0)
            o->no_key = 1;
        else if (strcmp(a, "--password-stdin") == 0)
            o->password_stdin = 1;
        else if (strcmp(a, "--token") == 0)
            rq->token = 1;
        else if (strcmp(a, "--all") == 0)
            rq->all = 1;
    }
    if (rate && (rq->rate_per_minute = (int32_t)cli_args_number(cmd, "--rate", rate, 1, RATE_MAX, "（每分钟请求数）")) < 0)
        return -1;
    if (o->key_out && o->public_key) {
        cli_error("user %s：--key-out 和 --public-key 只能用一个（自己做的密钥只交公钥：--public-key）", OPS[k].op);
        return -1;
    }
    if (o->token_out && k == 0 && !rq->token) {
        cli_error("user add：--token-out 是写令牌的文件，要和 --token 一起用");
        return -1;
    }
    return 0;
}

/* 0 when nothing is at path, which a new secret is to be written to; else
 * -1 after saying so (a secret is never written over a file). */
static int path_free(const char *path, const char *option)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return 0;
    cli_error("user：%s 已存在；用 %s 文件 写到别处", path, option);
    return -1;
}

/* Reads the password from standard input into buf (at a terminal, unseen).
 * 0, or -1 after printing why. */
static int read_password(const char *name, char *buf, size_t cap)
{
    char prompt[128];
    snprintf(prompt, sizeof prompt, "%s 的新密码（至少 8 个字符，输入时不显示）：", name);
    if (cli_password_read(stdin, prompt, buf, cap) < 0) {
        cli_error("user：标准输入里没有密码");
        return -1;
    }
    return 0;
}

/* Makes a key pair and writes its secret file (never over an existing one).
 * 0, or -1 after printing why. */
static int make_key(const char *name, const char *path, keys_pair *kp)
{
    char err[700], who[128];
    if (path_free(path, "--key-out") < 0)
        return -1;
    snprintf(who, sizeof who, "user %s", name);
    if (keys_generate(kp) < 0 || keys_save(path, kp, 1, who, err, sizeof err) < 0) {
        cli_error("user：%s 的密钥：%s", name, kp->public_key[0] ? err : "这个 libzmq 不支持 CURVE");
        return -1;
    }
    return 0;
}

/* What the list shows for a display name that is the sign-in name: a user added before a name was required. */
static const char UNNAMED[] = "（未填姓名）";

/* What the list shows for a user's unit: its name; a unit without one said
 * so in words, never by its code; "" for a role of no unit. */
static const char *unit_shown(const Jiesu__UserInfo *u)
{
    if (*u->unit_name)
        return u->unit_name;
    return *u->unit_code ? "（单位未登记名称）" : "";
}

/* The users, and how to give a name to those listed UNNAMED. */
static void print_users(const Jiesu__UserReply *r, const char *zone)
{
    static const char *const HEAD[] = {"账号", "姓名", "角色", "单位", "密钥", "密码", "令牌", "状态", "添加日期",
                                       "添加人"};
    int unnamed = 0;
    cli_table *t = cli_table_new(10, "llllllllll");
    if (t)
        cli_table_add(t, HEAD);
    for (size_t i = 0; t && i < r->n_users; i++) {
        const Jiesu__UserInfo *u = r->users[i];
        char added[32], state[96] = "有效";
        cli_city_day(added, u->created_at_ms / 1000, zone);     /* the day a user was added */
        if (u->disabled)
            snprintf(state, sizeof state, "已停用");
        else if (*u->locked_until)
            snprintf(state, sizeof state, "锁定至 %s（jiesu user enable 解锁）", u->locked_until);
        const char *named = strcmp(u->display_name, u->name) == 0 ? UNNAMED : u->display_name;
        const char *row[] = {u->name, named, u->role_title, unit_shown(u), u->has_key ? "有" : "—",
                             u->has_password ? "有" : "—", u->has_token ? "有" : "—",
                             state, added, names_actor(u->created_by)};
        cli_table_add(t, row);
        unnamed += named == UNNAMED;
    }
    cli_table_print(t, stdout);
    cli_table_destroy(&t);
    if (unnamed)
        printf("%d 个用户%s：处理记录和告警里显示的是账号；填上姓名：jiesu user display 账号 姓名\n", unnamed, UNNAMED);
    if (r->disabled_unlisted)
        printf("另有 %d 个已停用的用户没有列出：jiesu user list --all 列出全部（重新启用：jiesu user enable 账号）\n",
               r->disabled_unlisted);
}

/* The addresses held back now, or that there are none, and how to lift a hold. */
static void print_holds(const Jiesu__UserReply *r)
{
    static const char *const HEAD[] = {"地址", "登录失败", "已拒绝", "暂停到"};
    if (r->n_holds == 0) {
        printf("现在没有暂停登录的地址\n");
        return;
    }
    cli_table *t = cli_table_new(4, "lrrl");
    if (t)
        cli_table_add(t, HEAD);
    for (size_t i = 0; t && i < r->n_holds; i++) {
        const Jiesu__AddressHold *h = r->holds[i];
        char failures[16], refused[16];
        snprintf(failures, sizeof failures, "%d", h->failures);
        snprintf(refused, sizeof refused, "%d", h->refused);
        const char *row[] = {h->address, failures, refused, h->held_until};
        cli_table_add(t, row);
    }
    cli_table_print(t, stdout);
    cli_table_destroy(&t);
    printf("现在就解除一个地址的暂停：jiesu user release 地址\n");
}

/* The new token, printed once or written to token_out (0600; never over a
 * file that came there since path_free found the name free). 0, or 1
 * after saying that it could not be written and what to do. */
static int give_token(const char *token, const char *name, const char *token_out)
{
    char line[AUTH_TOKEN_LEN + 2];
    if (!token_out) {
        printf("令牌：%s\n（只显示这一次：%s 的 Open311 api_key / HTTP 持有者令牌）\n", token, name);
        return 0;
    }
    snprintf(line, sizeof line, "%s\n", token);
    if (privfile_create(token_out, line, strlen(line)) == 0) {
        printf("令牌：写在 %s（权限 0600；只此一份，不再显示：交给 %s 的使用者，作 Open311 api_key / HTTP 持有者令牌）\n",
               token_out, name);
        return 0;
    }
    cli_error("user：令牌没能写到 %s：%s；新令牌已生效、旧的已作废，这一个没有人知道：再换一个："
              "jiesu user token %s --token-out 别的文件", token_out, text_os_error(errno), name);
    return 1;
}

/* Sends rq; prints what came back. 0 or 1; *done is 1 when the service
 * did it (a key sent with it is registered, even if the token it gave back
 * could not be written). */
static int send_request(cli_ctx *ctx, Jiesu__UserRequest *rq, const char *key_path, const char *token_out,
                        int *done)
{
    char what[160], err[1024];
    Jiesu__Envelope *env = NULL;
    Jiesu__UserReply *reply = NULL;
    const char *subject = *rq->address ? rq->address : rq->name;
    snprintf(what, sizeof what, "user %s%s%s", rq->op, *subject ? " " : "", subject);
    int timeout_ms = (int)(1000 * config_long(ctx->cfg, "cli.timeout_seconds"));
    if (cli_call(ctx, "assignment", what, "user.request", &rq->base, timeout_ms, USER_TRIES, 0, &env, err,
                 sizeof err) < 0)
        return 1;
    int rc = 1;
    if (strcmp(env->type, "user.reply") != 0 || !(reply = BUS_UNPACK(user_reply, env))) {
        cli_unexpected(what, "assignment", env->type, "user.reply");
    } else {
        if (strcmp(rq->op, "list") == 0)
            print_users(reply, config_str(ctx->cfg, "timezone"));
        else if (strcmp(rq->op, "holds") == 0)
            print_holds(reply);
        else
            printf("%s\n", reply->message);
        if (key_path)
            printf("密钥：%s（只交给 %s 本人；持有它就能以其身份操作：jiesu -k %s ...）\n", key_path, rq->name, key_path);
        *done = 1;
        rc = *reply->token ? give_token(reply->token, rq->name, token_out) : 0;
    }
    if (reply)
        jiesu__user_reply__free_unpacked(reply, NULL);
    jiesu__envelope__free_unpacked(env, NULL);
    return rc;
}

int cli_user_main(cli_ctx *ctx, int argc, char **argv)
{
    Jiesu__UserRequest rq = JIESU__USER_REQUEST__INIT;
    user_opts o = {0};
    char key_path[4096] = "", password[PASSWORD_MAX] = "";
    keys_pair kp;
    if (argc < 2) {
        usage();
        return 2;
    }
    rq.op = argv[1];
    int k = known_op(rq.op);
    if (k < 0) {
        usage();
        return 2;
    }
    int named = strcmp(rq.op, "list") != 0 && strcmp(rq.op, "holds") != 0;
    if (named && (argc < 3 || argv[2][0] == '-')) {
        cli_error("user %s：要写%s", rq.op, strcmp(rq.op, "release") == 0 ? "地址" : "用户名");
        usage();
        return 2;
    }
    int display = strcmp(rq.op, "display") == 0;
    if (display && (argc < 4 || argv[3][0] == '-')) {
        cli_error("user display：要写姓名，如 jiesu user display %s 张三", argv[2]);
        return 2;
    }
    if (display)
        rq.display_name = argv[3];
    if (parse(argc, argv, named ? 3 + display : 2, k, &rq, &o) < 0)
        return 2;
    if (strcmp(rq.op, "release") == 0)
        rq.address = argv[2];
    else
        rq.name = named ? argv[2] : "";
    int wants_key = ((strcmp(rq.op, "add") == 0 && !o.no_key) || strcmp(rq.op, "key") == 0) && !o.public_key;
    if (o.public_key)
        rq.curve_key = (char *)o.public_key;
    if (o.token_out && path_free(o.token_out, "--token-out") < 0)
        return 1;
    /* the password first: a key written for a request that never goes would be left behind */
    if ((o.password_stdin || strcmp(rq.op, "password") == 0) && read_password(rq.name, password, sizeof password) < 0)
        return 1;
    if (wants_key) {
        if (o.key_out)
            snprintf(key_path, sizeof key_path, "%s", o.key_out);
        else
            keys_path(key_path, sizeof key_path, ".", rq.name, "key");
        if (make_key(rq.name, key_path, &kp) < 0)
            return 1;
        rq.curve_key = kp.public_key;
    }
    rq.password = password;
    int done = 0, rc = send_request(ctx, &rq, wants_key ? key_path : NULL, o.token_out, &done);
    if (!done && wants_key)
        remove(key_path);           /* nobody registered it: do not leave a key that looks usable */
    return rc;
}
