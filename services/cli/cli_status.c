/* cli_status.c — `jiesu status [--wait SECONDS]`: pings the four services
 * and prints one line each, by its Chinese name: 正常 or 不通, the round-trip time, where it was
 * reached and what answered; then PostgreSQL and Redis as the services see
 * them (the tool itself holds no password of either), then the web servers
 * of those that serve one (Open311's, the dashboard's) as each says: listening
 * on its address, or not (its port taken: the service runs on without it),
 * and any WARNING a service gives (escalation: the official holiday calendar
 * running out). Exit status 1 when anything is down. --wait keeps checking
 * (quietly) until everything is up, a web server not listening (its service
 * does not try again: waiting is no use) or the time is over, then prints the
 * last round: start-up scripts use it.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bus.h"
#include "cli_args.h"
#include "cli_table.h"
#include "clock.h"
#include "svc.h"

#define PING_TIMEOUT_MS 1000
#define WAIT_MAX_S      86400   /* --wait: seconds */
#define NSERVICES 4
#define NSTORES 2
#define NLINES (NSERVICES + NSTORES + NSERVICES)     /* services, stores, web servers */

typedef struct {
    const char *name;
    int         up;
    int         unknown;        /* a store no service could say anything of */
    long        ms;
    char        where[256];
    char        detail[512];
    char        pg[300], redis[300];    /* services: what they said of each */
    char        warning[1024];
    char        http_addr[128], http_error[512];    /* services: their web server */
} status_line;

/* The web server of a service, as people know it. */
static const char *web_title(const char *svc)
{
    return strcmp(svc, "intake") == 0 ? "Open311 接口" : strcmp(svc, "reporting") == 0 ? "大屏和工作台" : svc;
}

static void ping_service(cli_ctx *ctx, const char *svc, status_line *s)
{
    Jiesu__Envelope *env = NULL;
    Jiesu__Ping ping = JIESU__PING__INIT;
    snprintf(s->where, sizeof s->where, "%s", cli_endpoint(ctx, svc));
    int rc = cli_call(ctx, svc, NULL, "ping", &ping.base, PING_TIMEOUT_MS, 1, 1, &env,
                      s->detail, sizeof s->detail);
    if (rc == -2)
        snprintf(s->detail, sizeof s->detail, "%d 毫秒内没有应答（它在运行吗？）", PING_TIMEOUT_MS);
    if (rc < 0 && ctx->unchecked) {     /* it runs, but cannot reach its database to check who asks */
        snprintf(s->detail, sizeof s->detail, "在运行，但谁也不放进来：连不上数据库就核对不了密钥（原因见它的日志）");
        snprintf(s->pg, sizeof s->pg, "连不上（它核对不了密钥）");
    }
    if (rc < 0)
        return;
    Jiesu__Pong *pong = strcmp(env->type, "pong") == 0 ? BUS_UNPACK(pong, env) : NULL;
    if (pong) {
        long up_s = (long)((clock_wall_ms() - pong->started_at_ms) / 1000);
        snprintf(s->detail, sizeof s->detail, "进程 %lld，已运行 %ld:%02ld:%02ld", (long long)pong->pid,
                 up_s / 3600, up_s / 60 % 60, up_s % 60);
        snprintf(s->pg, sizeof s->pg, "%s", pong->postgresql);
        snprintf(s->redis, sizeof s->redis, "%s", pong->redis);
        snprintf(s->warning, sizeof s->warning, "%s", pong->warning);
        snprintf(s->http_addr, sizeof s->http_addr, "%s", pong->http_addr);
        snprintf(s->http_error, sizeof s->http_error, "%s", pong->http_error);
        s->up = 1;
        jiesu__pong__free_unpacked(pong, NULL);
    } else {
        snprintf(s->detail, sizeof s->detail, "答非所问（%s，应为 pong）", env->type);
    }
    jiesu__envelope__free_unpacked(env, NULL);
}

/* A store (PostgreSQL or Redis) as the services that answered see it — and
 * PostgreSQL also as those that could not check keys for want of it: up
 * when every one using it says ok. */
static void store_line(status_line *out, const char *name, const char *where, const status_line *svc, int redis)
{
    size_t len = 0;
    int using = 0, bad = 0;
    out->name = name;
    snprintf(out->where, sizeof out->where, "%s", where);
    for (int i = 0; i < NSERVICES; i++) {
        const char *said = redis ? svc[i].redis : svc[i].pg;
        if (!*said)
            continue;
        using++;
        if (strcmp(said, "ok") != 0 && len < sizeof out->detail) {
            bad++;
            len += (size_t)snprintf(out->detail + len, sizeof out->detail - len, "%s%s：%s", bad > 1 ? "；" : "",
                                    svc_title_of(svc[i].name), said);
        }
    }
    out->up = using > 0 && !bad;
    out->unknown = !using;
    if (!using)
        snprintf(out->detail, sizeof out->detail, "没有服务应答，说不清");
    else if (!bad)
        snprintf(out->detail, sizeof out->detail, "用它的 %d 个服务都说正常", using);
}

/* The line of svc's web server, as it said (svc answered, and serves one).
 * Returns 1 when that server is not listening, which no waiting mends. */
static int web_line(status_line *out, const status_line *svc)
{
    out->name = web_title(svc->name);
    out->up = !*svc->http_error;
    snprintf(out->where, sizeof out->where, "http://%s/", svc->http_addr);
    if (out->up)
        snprintf(out->detail, sizeof out->detail, "%s在这里监听", svc_title_of(svc->name));
    else
        snprintf(out->detail, sizeof out->detail, "%s", svc->http_error);
    return !out->up;
}

/* Checks every component once: the lines, *n of them. Returns how many are
 * down; *final is set when one of them is a web server not listening. */
static int check_all(cli_ctx *ctx, status_line *lines, int *n, int *final)
{
    int down = 0;
    memset(lines, 0, NLINES * sizeof *lines);
    *final = 0;
    for (int i = 0; i < NSERVICES; i++) {
        int64_t t0 = clock_mono_ms();
        lines[i].name = svc_name((size_t)i);
        ping_service(ctx, lines[i].name, &lines[i]);
        lines[i].ms = (long)(clock_mono_ms() - t0);
    }
    store_line(&lines[NSERVICES], "PostgreSQL", "（各服务所见）", lines, 0);
    store_line(&lines[NSERVICES + 1], "Redis", config_is_set(ctx->cfg, "redis.addr") ? config_str(ctx->cfg, "redis.addr") : "（经由各服务）", lines, 1);
    *n = NSERVICES + NSTORES;
    for (int i = 0; i < NSERVICES; i++)
        if (lines[i].up && *lines[i].http_addr)
            *final |= web_line(&lines[(*n)++], &lines[i]);
    for (int i = 0; i < *n; i++)
        down += !lines[i].up;
    return down;
}

static int print_lines(const status_line *lines, int n)
{
    cli_table *t = cli_table_new(5, "llrll");
    if (!t) {
        cli_error("status：内存不足");
        return -1;
    }
    for (int i = 0; i < n; i++) {
        char ms[32] = "";
        if (lines[i].up && i < NSERVICES)
            snprintf(ms, sizeof ms, "%ld ms", lines[i].ms);
        const char *cells[] = {svc_title_of(lines[i].name), lines[i].up ? "正常" : lines[i].unknown ? "不清楚" : "不通", ms,
                               lines[i].where,
                               lines[i].detail};
        if (cli_table_add(t, cells) < 0) {
            cli_table_destroy(&t);
            cli_error("status：内存不足");
            return -1;
        }
    }
    cli_table_print(t, stdout);
    cli_table_destroy(&t);
    for (int i = 0; i < NSERVICES; i++) {
        int said = 0;
        for (int j = 0; j < i; j++)
            said |= strcmp(lines[j].warning, lines[i].warning) == 0;
        if (*lines[i].warning && !said)
            printf("\n提醒（%s）：%s\n", svc_title_of(lines[i].name), lines[i].warning);
    }
    return 0;
}

int cli_status_main(cli_ctx *ctx, int argc, char **argv)
{
    status_line lines[NLINES];
    const char *wait = NULL;
    long wait_s = 0;
    for (int i = 1; i < argc && wait_s >= 0; i++)
        if (!cli_args_option("status", "--wait", argv[i], "") || cli_args_value("status", argc, argv, &i, &wait) < 0)
            wait_s = -1;
    if (wait_s == 0 && wait)
        wait_s = cli_args_number("status", "--wait", wait, 0, WAIT_MAX_S, "（秒数）");
    if (wait_s < 0) {
        fprintf(stderr, "用法：jiesu status [--wait 秒数（0 到 %d）]\n", WAIT_MAX_S);
        return 2;
    }
    int64_t deadline = clock_mono_ms() + wait_s * 1000;
    int down, n, final;
    while ((down = check_all(ctx, lines, &n, &final)) > 0 && !final && clock_mono_ms() < deadline) {
        struct timespec ts = {0, 250 * 1000000L};
        nanosleep(&ts, NULL);
    }
    if (print_lines(lines, n) < 0)
        return 1;
    return down ? 1 : 0;
}
