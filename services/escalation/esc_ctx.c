/* esc_ctx.c — the escalation clock and time formatting (see esc_ctx.h). */
#include "esc_ctx.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "db.h"
#include "log.h"

static const char SQL_NOW[] = "SELECT floor(extract(epoch FROM esc_now()) * 1000)::bigint";

int64_t esc_now_ms(const esc_ctx *ctx)
{
    PGresult *res = db_query(ctx->pg, "read the escalation clock", SQL_NOW, 0, NULL, ctx->err, ctx->errlen);
    if (!res)
        return -1;
    int64_t ms = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    return ms;
}

void esc_format_time(char *dst, size_t cap, int64_t ms, int offset_min)
{
    time_t t = (time_t)(ms / 1000) + (time_t)offset_min * 60;
    struct tm tm;
    if (!gmtime_r(&t, &tm) || strftime(dst, cap, "%Y-%m-%d %H:%M", &tm) == 0)
        snprintf(dst, cap, "?");
}
