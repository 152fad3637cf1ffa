/* esc_timers.h — deadlines that fire: Redis timers over PostgreSQL deadlines.
 *
 * PostgreSQL's deadlines table is the record (deadlines.rung_next / rung_at,
 * esc_ladder.h); the Redis zset (timers.key; member "r<deadline id>", score
 * = due Unix ms) only says when to look. esc_timers_reconcile_step()
 * re-arms the planned pending deadlines page by page;
 * esc_timers_fire_due() claims a batch of due members (all those fallen
 * due since the last claim, then three quarters of the rest the most
 * recently due, the others the oldest: a backlog never holds up a timer
 * falling due now, and still drains) and fires them in one transaction of
 * three set-based statements, raising each rung's alert (esc_alert.h) when
 * its order is still open for it. esc_timers_plan() plans new deadlines
 * through the same step, so one overdue already when planned is fired by
 * the write that plans it. Why a timer fired twice raises one alert, and
 * what a crash leaves: README.md.
 */
#ifndef JIESU_ESC_TIMERS_H
#define JIESU_ESC_TIMERS_H

#include <stddef.h>
#include <stdint.h>

#include "esc_ctx.h"
#include "esc_ladder.h"

#define ESC_FIRE_FRESH_MAX 4096      /* timers fallen due since the last claim taken at once */

typedef struct {
    size_t fresh;       /* due after since_ms when counted: claimed beside max */
    size_t claimed;     /* timers taken from the zset */
    size_t alerts;      /* alerts raised */
    size_t quiet;       /* deadlines done without an alert: the order had moved on */
    size_t planned;     /* planned: first rung stored and armed, not due yet */
    size_t early;       /* put back: not due yet by esc_now() */
    size_t paused;      /* not fired: the order's clock is stopped */
    size_t stale;       /* already done, no such deadline, or not a deadline member */
} esc_fire_stats;

/* One page of the walk that re-arms every planned pending deadline (the
 * reconciler): re-arms the planned, unpaused ones among the next batch
 * pending deadlines with ids after *after ("0" to begin) and moves *after
 * on. Returns how many pending deadlines the page held; fewer than batch
 * ends the walk (*after back to "0"); -1 (why in ctx->err). */
long esc_timers_reconcile_step(const esc_ctx *ctx, char after[ESC_MEMBER_BYTES], size_t batch);

/* Plans up to max deadlines not planned yet (all, or only those in the SQL
 * array ids, e.g. "{4,7}"; paused ones wait for their resume): stores each
 * one's first rung and arms its timer, or, when that rung is due already by
 * now_ms, raises its alert and moves it on in the same transaction, as a
 * timer firing would. Returns how many deadlines it took, *st filled, or -1
 * (why in ctx->err). */
long esc_timers_plan(const esc_ctx *ctx, const char *ids, size_t max, int64_t now_ms, esc_fire_stats *st);

/* Claims the timers due at now_ms (esc_now_ms()) and fires them: every one
 * that fell due after since_ms (the last claim; up to ESC_FIRE_FRESH_MAX),
 * so a thousand falling due together go in one claim, and up to max others,
 * three quarters of them the most recently due. 0 with *st filled, or -1
 * when PostgreSQL or Redis failed (why in ctx->err); timers claimed but not
 * fired then go back into the zset to be retried a second later. */
int esc_timers_fire_due(const esc_ctx *ctx, int64_t since_ms, int64_t now_ms, size_t max, esc_fire_stats *st);

#endif
