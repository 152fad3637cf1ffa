/* esc_timers.h — deadlines that fire: Redis timers over PostgreSQL deadlines.
 *
 * PostgreSQL's deadlines table is the record: a deadline is pending while
 * fired_at is NULL. The Redis zset (timers.key; member = deadline id, score =
 * due Unix ms) only says when to look. esc_reconcile() puts every pending
 * deadline into the zset — at start-up, every escalation.reconcile_seconds,
 * and so also after a Redis wipe or a claimed-but-never-fired timer of a
 * process that died. esc_fire_due() claims the due members atomically and
 * fires each in its own transaction: the deadline row is locked, a deadline
 * already fired is skipped, one not yet due by the database clock goes back
 * into the zset (never early), and one whose order is still open for it
 * (accept: not yet accepted; resolve: not resolved or closed) raises an alert
 * to the district campaign office plus a complaint_events row; fired_at is
 * set either way. Alerts are unique per order, rung and cycle, so a timer
 * fired twice raises one alert: exactly once in effect. After the commit the
 * alert is published as "alert.raised".
 */
#ifndef JIESU_ESC_TIMERS_H
#define JIESU_ESC_TIMERS_H

#include <hiredis/hiredis.h>
#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "bus.h"

typedef struct {
    PGconn       *pg;              /* all borrowed */
    redisContext *redis;
    const char   *key;             /* timers.key */
    bus_pub      *pub;             /* NULL: publish nothing */
    int           utc_offset_min;  /* local time used in alert reasons (480 = UTC+8) */
} esc_ctx;

typedef struct {
    size_t claimed;     /* timers taken from the zset */
    size_t alerts;      /* alerts raised */
    size_t quiet;       /* deadlines fired without an alert: the order had moved on */
    size_t early;       /* put back: not due yet by the database clock */
    size_t stale;       /* already fired, or no such deadline */
} esc_fire_stats;

/* Adds every pending deadline to the zset, batch at a time. Returns how many,
 * or -1 (logged). */
long esc_reconcile(const esc_ctx *ctx, size_t batch);

/* Claims up to max timers due at now_ms and fires them. 0 with *st filled, or
 * -1 when PostgreSQL or Redis failed (logged); timers claimed but not fired
 * then go back into the zset to be retried a second later. */
int esc_fire_due(const esc_ctx *ctx, int64_t now_ms, size_t max, esc_fire_stats *st);

#endif
