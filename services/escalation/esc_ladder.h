/* esc_ladder.h — the rungs of a deadline, planning them, and the stopped clock.
 *
 * Each deadline climbs remind → supervise → accountability → done. When each
 * rung falls due follows from the deadline and the ladder row of its order's
 * category and urgency (table esc_ladder, the most specific row wins):
 *   remind          when the unit has used remind_share of its own working
 *                   time: started_at + share × (work(started_at, due_at) −
 *                   paused) + paused (skipped when the share is 0 or 1);
 *   supervise       due_at;
 *   accountability  due_at + accountability_days working days (due at 17:30:
 *                   17:30 that many working days on).
 * Working time is counted to the second, rounded later, never earlier.
 * Planning sets a new deadline's first rung (deadlines.rung_next, rung_at) and
 * arms its timer. Pausing: while its order is waiting or returned a deadline
 * not met yet has paused_at set and does not fire (a met deadline never
 * pauses and never moves); on resume due_at moves later by the working time
 * the clock stood still (until the resume, or until the deadline was met if
 * that came first), paused_seconds adds it up, and the deadline is planned
 * again: rungs not raised yet move with it, so a remind that would have
 * fallen inside the pause falls due when the unit has used its share of its
 * own time, never at once on the resume.
 *
 * Timer members in the zset: "r<deadline id>" is the next rung of a planned
 * deadline; a bare "<deadline id>" (as assignment arms it) asks for planning.
 */
#ifndef JIESU_ESC_LADDER_H
#define JIESU_ESC_LADDER_H

#include <stddef.h>
#include <stdint.h>

#include "esc_ctx.h"

/* SQL: the ladder row l (remind_share, accountability_days) of complaint c. */
#define ESC_SQL_LADDER                                                                               \
    " LEFT JOIN LATERAL (SELECT remind_share, accountability_days FROM esc_ladder x"                 \
    "   WHERE (x.category IS NULL OR x.category = c.category) AND (x.urgency IS NULL OR x.urgency = c.urgency)" \
    "   ORDER BY (x.category IS NOT NULL) DESC, (x.urgency IS NOT NULL) DESC LIMIT 1) l ON true"
#define ESC_SQL_MS(col) "ceil(extract(epoch FROM " col ") * 1000)::bigint"
#define ESC_MEMBER_BYTES 24

typedef struct {
    int64_t started_ms;
    int64_t due_ms;             /* moved later by every pause already */
    double  remind_share;
    int     accountability_days;
    int64_t paused_ms;          /* working time the clock stood still (deadlines.paused_seconds) */
} esc_span;

/* When `rung` of a deadline with span s falls due (Unix ms). */
int64_t esc_rung_at(const calendar *cal, const char *rung, const esc_span *s);

/* The first rung: remind, or supervise when remind is skipped. */
const char *esc_rung_first(const calendar *cal, const esc_span *s);

/* The rung after rung ("done" after accountability). */
const char *esc_rung_next(const char *rung);

/* Pauses the deadlines of orders now waiting or returned, resumes those of
 * orders that left these states (moving due_at, re-arming). 0 or -1 (why in
 * ctx->err). */
int esc_pause_sweep(const esc_ctx *ctx, long *paused, long *resumed);

/* Puts "r<id>" members at their due ms into the zset. 0 or -1 (logged). */
int esc_arm(const esc_ctx *ctx, char (*ids)[ESC_MEMBER_BYTES], const int64_t *due_ms, size_t n);

#endif
