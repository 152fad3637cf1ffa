/* esc_ladder.h — escalation's side of the ladder (ladder.h): pausing and
 * resuming the clocks of deadlines, and arming their timers.
 *
 * Pausing: while its order is waiting, returned or in the manual queue (a
 * unit returned it, no unit holds it: its deadlines are nobody's until a
 * dispatcher gives it to one, and start again then) a deadline not met yet has
 * paused_at set and does not fire (a met deadline never pauses and never
 * moves); on resume due_at moves later by the working time the clock stood
 * still (until the resume, or until the deadline was met if that came
 * first), paused_seconds adds it up, and the deadline is planned again: rungs
 * not raised yet move with it, so a remind that would have fallen inside the
 * pause falls due when the unit has used its share of its own time, never at
 * once on the resume.
 */
#ifndef JIESU_ESC_LADDER_H
#define JIESU_ESC_LADDER_H

#include <stddef.h>
#include <stdint.h>

#include "esc_ctx.h"
#include "ladder.h"

#define ESC_SQL_MS(col) "ceil(extract(epoch FROM " col ") * 1000)::bigint"
#define ESC_PAUSED_STATUSES "('waiting', 'returned', 'manual')"   /* the order's clock stands still */
#define ESC_MEMBER_BYTES LADDER_MEMBER_BYTES     /* a deadline id (a timer member without its "r") */

/* Pauses the deadlines of orders now in ESC_PAUSED_STATUSES, resumes those of
 * orders that left these states (moving due_at, re-arming). 0 or -1 (why in
 * ctx->err). */
int esc_ladder_pause_sweep(const esc_ctx *ctx, long *paused, long *resumed);

/* Puts "r<id>" members at their due ms into the zset. 0 or -1 (logged). */
int esc_ladder_arm(const esc_ctx *ctx, char (*ids)[ESC_MEMBER_BYTES], const int64_t *due_ms, size_t n);

#endif
