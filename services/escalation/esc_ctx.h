/* esc_ctx.h — what every escalation module works with: the connections, the
 * working calendar and the clock escalation fires by.
 *
 * The clock: esc_now() in PostgreSQL (migration 004), which every "is it due
 * yet" compares against (README.md).
 */
#ifndef JIESU_ESC_CTX_H
#define JIESU_ESC_CTX_H

#include <hiredis/hiredis.h>
#include <libpq-fe.h>
#include <stdint.h>

#include "bus.h"
#include "calendar.h"

/* SQL: escalation's clock (esc_now(), migration 004) once per statement. The
 * function reads esc_clock in a sub-select, so PostgreSQL never inlines it
 * and calls it again for every row it is written on (~1.7 µs each: 0.34 s of
 * a firing of 200,000 alerts); in a sub-select of its own it is an InitPlan,
 * computed once, and still usable as an index condition. */
#define ESC_SQL_NOW "(SELECT esc_now())"

typedef struct {
    PGconn         *pg;             /* all borrowed */
    redisContext   *redis;
    const char     *key;            /* timers.key */
    bus_pub        *pub;            /* NULL: publish nothing */
    const calendar *cal;            /* working time; NULL: every minute counts */
    const char     *webhook_url;    /* for targets without units.webhook_url; "" or NULL: none */
    int             utc_offset_min; /* the city's time used in alert reasons (480 = UTC+8) */
    char           *err;            /* where an esc_* call that fails writes why (errlen bytes), for the loop */
    size_t          errlen;         /* that called it to log; NULL, 0: nowhere. Owned by that loop. */
} esc_ctx;

/* esc_now() in Unix ms, or -1 (the reason in ctx->err). */
int64_t esc_now_ms(const esc_ctx *ctx);

#endif
