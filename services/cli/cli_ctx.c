/* cli_ctx.c — what every jiesu subcommand shares: error printing, service
 * endpoints, one request/reply call, the PostgreSQL connection (see cli.h).
 */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#include "bus.h"
#include "clock.h"
#include "db.h"
#include "keys.h"
#include "svc.h"

char *cli_file_read(const char *path, long max, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    long size = fseek(fp, 0, SEEK_END) == 0 ? ftell(fp) : -1;
    char *text = NULL;
    *len = size > 0 ? (size_t)size : 0;
    if (size > max)
        errno = EFBIG;
    else if (size >= 0 && fseek(fp, 0, SEEK_SET) == 0 && (text = malloc((size_t)size + 1)) &&
             fread(text, 1, (size_t)size, fp) == (size_t)size)
        text[size] = '\0';
    else {
        if (!errno)
            errno = text ? EIO : ENOMEM;
        free(text);
        text = NULL;
    }
    fclose(fp);
    return text;
}

long cli_count(const char *s, long min, long max)
{
    char *end;
    errno = 0;
    long n = strtol(s, &end, 10);
    return errno || end == s || *end || n < min || n > max ? -1 : n;
}

void cli_city_day(char out[11], int64_t at_s, const char *zone)
{
    time_t local = (time_t)(at_s + 60 * (int64_t)clock_zone_offset_min(zone, at_s));
    struct tm tm;
    gmtime_r(&local, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("jiesu: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void cli_error_about(const char *what, const char *msg)
{
    size_t n = what ? strlen(what) : 0;
    if (!n || (strncmp(msg, what, n) == 0 && (msg[n] == ':' || strncmp(msg + n, "：", strlen("：")) == 0)))
        cli_error("%s", msg);
    else
        cli_error("%s%s%s", what, (unsigned char)what[0] >= 0x80 ? "：" : ": ", msg);    /* 导入 x：…, show: … */
}

void cli_unexpected(const char *what, const char *svc, const char *got, const char *want)
{
    char msg[512];
    snprintf(msg, sizeof msg, "%s答非所问（%s，应为 %s）", svc_title_of(svc), got, want);
    cli_error_about(what, msg);
}

const char *cli_endpoint(const cli_ctx *ctx, const char *svc)
{
    return svc_endpoint(ctx->cfg, svc, "router");
}

/* "5 秒", "0.5 秒", "5 秒（试了 2 次）" */
static void describe_wait(char *buf, size_t len, int timeout_ms, int tries)
{
    char one[32];
    if (timeout_ms % 1000 == 0)
        snprintf(one, sizeof one, "%d 秒", timeout_ms / 1000);
    else
        snprintf(one, sizeof one, "%.1f 秒", timeout_ms / 1000.0);
    if (tries > 1)
        snprintf(buf, len, "%s（试了 %d 次）", one, tries);
    else
        snprintf(buf, len, "%s", one);
}

/* Loads the operator's key pair from key_file once. 0, or -1
 * with err saying what to do. */
static int cli_load_key(cli_ctx *ctx, char *err, size_t errlen)
{
    char why[700];
    if (ctx->have_keys)
        return 0;
    const char *file = ctx->key_file;
    if (!file || !*file) {
        snprintf(err, errlen, "没有用来表明身份的密钥：用 -k 密钥文件 指定，或设置 cli.key_file（JIESU_CLI_KEY_FILE）；"
                              "`make run` 会打印管理员密钥在哪里，`jiesu user add` 可以给新用户发一把");
        return -1;
    }
    if (keys_load(file, &ctx->keys, 1, why, sizeof why) < 0) {
        snprintf(err, errlen, "你的密钥：%s", why);
        return -1;
    }
    ctx->have_keys = 1;
    return 0;
}

int cli_call(cli_ctx *ctx, const char *svc, const char *what, const char *type,
             const ProtobufCMessage *msg, int timeout_ms, int tries, int quiet,
             Jiesu__Envelope **reply, char *err, size_t errlen)
{
    char why[4096] = "", wait[64];
    const char *ep = cli_endpoint(ctx, svc);
    bus_client *client = NULL;
    int rc = -1;

    char server_key[KEYS_Z85_LEN + 1];
    *reply = NULL;
    ctx->error_code = ctx->unchecked = 0;
    if (cli_load_key(ctx, err, errlen) < 0)
        goto done;
    if (keys_load_peer(config_str(ctx->cfg, "keys.dir"), svc, server_key, why, sizeof why) < 0) {
        snprintf(err, errlen, "%s（%s）的公钥：%s", svc_title_of(svc), svc, why);
        goto done;
    }
    if (!ctx->zctx && !(ctx->zctx = bus_context_new())) {
        snprintf(err, errlen, "无法创建 ZeroMQ 上下文：%s", zmq_strerror(zmq_errno()));
        goto done;
    }
    client = bus_client_new(ctx->zctx, ep, "jiesu", &ctx->keys, server_key, why, sizeof why);
    if (!client) {
        snprintf(err, errlen, "%s（%s）：%s", svc_title_of(svc), ep, why);
        goto done;
    }
    snprintf(why, sizeof why, "%s（%s）", svc_title_of(svc), ep);
    bus_client_set_title(client, why);      /* the bus's own errors name the service */
    bus_client_set_connect_wait(client, (int)(1000 * config_long(ctx->cfg, "cli.connect_seconds")));
    if (bus_client_set_on_behalf(client, config_str(ctx->cfg, "cli.on_behalf")) < 0) {
        snprintf(err, errlen, "内存不足");
        goto done;
    }
    bus_client_on_progress(client, ctx->progress, ctx->progress_ctx);
    int64_t t0 = clock_mono_ms();
    int called = bus_client_call(client, type, msg, timeout_ms, tries, reply, why, sizeof why);
    ctx->error_code = bus_client_error_code(client);
    ctx->unchecked = bus_client_unchecked(client);
    if (called == 0) {
        rc = 0;
    } else if (!ctx->error_code && clock_mono_ms() - t0 >= (int64_t)(timeout_ms - 20) * tries) {
        /* Every try was waited out (give or take the poll's rounding): nobody
         * answered. An error reply or a failed send returns well before. */
        rc = -2;
        describe_wait(wait, sizeof wait, timeout_ms, tries);
        snprintf(err, errlen, "%s（%s）%s内没有应答（它在运行吗？`make run` 会启动它）", svc_title_of(svc), ep,
                 wait);
    } else {
        snprintf(err, errlen, "%s", why);   /* the service's own message, or the failed send */
    }
done:
    bus_client_destroy(&client);
    if (rc < 0 && !quiet)
        cli_error_about(what, err);
    return rc;
}

void cli_ctx_close(cli_ctx *ctx)
{
    if (ctx->zctx) {
        zmq_ctx_term(ctx->zctx);
        ctx->zctx = NULL;
    }
}
