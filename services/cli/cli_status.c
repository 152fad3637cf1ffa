/* cli_status.c — `jiesu status [--wait SECONDS]`: pings the four services,
 * Redis and PostgreSQL and prints one line each: ok or DOWN, the round-trip
 * time, where it was reached and what answered; then a WARNING when the
 * official holiday calendar runs out (common/holidays.h), read from
 * PostgreSQL so it shows with the services down too. Exit status 1 when
 * anything is down. --wait keeps checking (quietly) until everything is up or the
 * time is over, then prints the last round: start-up scripts use it.
 */
#include "cli.h"

#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bus.h"
#include "cli_table.h"
#include "db.h"
#include "holidays.h"
#include "rconn.h"

#define PING_TIMEOUT_MS 1000
#define NCOMPONENTS 6

static const char *const SERVICES[] = {"intake", "assignment", "escalation", "reporting"};

typedef struct {
    const char *name;
    int         up;
    long        ms;
    char        where[256];
    char        detail[512];
} status_line;

static void ping_service(cli_ctx *ctx, const char *svc, status_line *s)
{
    Jiesu__Envelope *env = NULL;
    Jiesu__Ping ping = JIESU__PING__INIT;
    snprintf(s->where, sizeof s->where, "%s", cli_endpoint(ctx, svc));
    int rc = cli_call(ctx, svc, NULL, "ping", &ping.base, PING_TIMEOUT_MS, 1, 1, &env,
                      s->detail, sizeof s->detail);
    if (rc == -2)
        snprintf(s->detail, sizeof s->detail, "no answer in %d ms (is it running?)", PING_TIMEOUT_MS);
    if (rc < 0)
        return;
    Jiesu__Pong *pong = strcmp(env->type, "pong") == 0 ? BUS_UNPACK(pong, env) : NULL;
    if (pong) {
        long up_s = (long)((bus_now_ms() - pong->started_at_ms) / 1000);
        snprintf(s->detail, sizeof s->detail, "pid %lld, up %ldh%02ldm%02lds", (long long)pong->pid,
                 up_s / 3600, up_s / 60 % 60, up_s % 60);
        s->up = 1;
        jiesu__pong__free_unpacked(pong, NULL);
    } else {
        snprintf(s->detail, sizeof s->detail, "answered '%s' to ping", env->type);
    }
    jiesu__envelope__free_unpacked(env, NULL);
}

static void ping_redis(cli_ctx *ctx, status_line *s)
{
    const char *addr = config_get(ctx->cfg, "redis.addr", "127.0.0.1:6379");
    snprintf(s->where, sizeof s->where, "%s", addr);
    redisContext *rc = rconn_open(addr, PING_TIMEOUT_MS, 0, s->detail, sizeof s->detail);
    if (!rc)
        return;
    s->up = rconn_ping(rc) == 0;
    snprintf(s->detail, sizeof s->detail, "%s", s->up ? "PONG" : rc->err ? rc->errstr : "no PONG");
    redisFree(rc);
}

/* "host:port/dbname" from a conninfo, leaving out anything secret. */
static void pg_where(char *buf, size_t len, const char *conninfo)
{
    const char *host = "localhost", *port = "5432", *db = "";
    PQconninfoOption *opts = PQconninfoParse(conninfo, NULL);
    for (PQconninfoOption *o = opts; o && o->keyword; o++) {
        if (!o->val || !*o->val)
            continue;
        if (strcmp(o->keyword, "host") == 0 || (strcmp(o->keyword, "hostaddr") == 0 && !strcmp(host, "localhost")))
            host = o->val;
        else if (strcmp(o->keyword, "port") == 0)
            port = o->val;
        else if (strcmp(o->keyword, "dbname") == 0)
            db = o->val;
    }
    snprintf(buf, len, "%s:%s/%s", host, port, db);
    PQconninfoFree(opts);
}

static void ping_pg(cli_ctx *ctx, status_line *s)
{
    const char *conninfo = config_get(ctx->cfg, "pg.conninfo", "dbname=jiesu");
    pg_where(s->where, sizeof s->where, conninfo);
    PGconn *pg = db_connect(conninfo, 0, s->detail, sizeof s->detail);
    if (!pg)
        return;
    PGresult *res = db_query(pg, "status", "SHOW server_version", 0, NULL);
    if (res) {
        snprintf(s->detail, sizeof s->detail, "PostgreSQL %s", PQgetvalue(res, 0, 0));
        s->up = 1;
        PQclear(res);
    } else {
        snprintf(s->detail, sizeof s->detail, "%.*s", CLI_PQ_MSG(pg));
    }
    PQfinish(pg);
}

/* Checks every component once. Returns how many are down. */
static int check_all(cli_ctx *ctx, status_line *lines)
{
    int down = 0;
    for (int i = 0; i < NCOMPONENTS; i++) {
        status_line *s = &lines[i];
        memset(s, 0, sizeof *s);
        int64_t t0 = bus_now_ms();
        if (i < 4) {
            s->name = SERVICES[i];
            ping_service(ctx, SERVICES[i], s);
        } else if (i == 4) {
            s->name = "redis";
            ping_redis(ctx, s);
        } else {
            s->name = "postgresql";
            ping_pg(ctx, s);
        }
        s->ms = (long)(bus_now_ms() - t0);
        down += !s->up;
    }
    return down;
}

static int print_lines(const status_line *lines)
{
    cli_table *t = cli_table_new(5, "llrll");
    if (!t) {
        cli_error("status: out of memory");
        return -1;
    }
    for (int i = 0; i < NCOMPONENTS; i++) {
        char ms[32] = "";
        if (lines[i].up)
            snprintf(ms, sizeof ms, "%ld ms", lines[i].ms);
        const char *cells[] = {lines[i].name, lines[i].up ? "ok" : "DOWN", ms, lines[i].where,
                               lines[i].detail};
        if (cli_table_add(t, cells) < 0) {
            cli_table_destroy(&t);
            cli_error("status: out of memory");
            return -1;
        }
    }
    cli_table_print(t, stdout);
    cli_table_destroy(&t);
    return 0;
}

/* Prints the calendar's warning, if any ("calendar: ..." when it cannot be checked). */
static void warn_calendar(cli_ctx *ctx)
{
    char warning[1024], err[512];
    PGconn *pg = db_connect(config_get(ctx->cfg, "pg.conninfo", "dbname=jiesu"), 0, err, sizeof err);
    if (!pg)
        return;
    if (holidays_warning(pg, (int64_t)time(NULL), (int)config_get_long(ctx->cfg, "calendar.utc_offset_minutes", 480),
                         warning, sizeof warning, err, sizeof err) < 0)
        printf("%s\n", err);
    else if (*warning)
        printf("\nWARNING: %s\n", warning);
    PQfinish(pg);
}

int cli_status_main(cli_ctx *ctx, int argc, char **argv)
{
    status_line lines[NCOMPONENTS];
    long wait_s = 0;
    char *end = NULL;

    if (argc == 3 && strcmp(argv[1], "--wait") == 0) {
        wait_s = strtol(argv[2], &end, 10);
        if (*end || wait_s < 0) {
            fprintf(stderr, "usage: jiesu status [--wait SECONDS]\n");
            return 2;
        }
    } else if (argc != 1) {
        fprintf(stderr, "usage: jiesu status [--wait SECONDS]\n");
        return 2;
    }
    int64_t deadline = bus_now_ms() + wait_s * 1000;
    int down;
    while ((down = check_all(ctx, lines)) > 0 && bus_now_ms() < deadline) {
        struct timespec ts = {0, 250 * 1000000L};
        nanosleep(&ts, NULL);
    }
    if (print_lines(lines) < 0)
        return 1;
    if (lines[NCOMPONENTS - 1].up)
        warn_calendar(ctx);
    return down ? 1 : 0;
}
