/* esc_ctx.c — the escalation clock (see esc_ctx.h). */
#include "esc_ctx.h"

#include <stdio.h>
#include <stdlib.h>

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

