/* ladder.h — the escalation ladder of a deadline: its rungs, when each falls
 * due, the ladder row that applies, and the timer that waits for the next.
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
 * Working time is counted to the second and always rounded later: a rung is
 * never early and a pause never gives back less time than the clock stood.
 *
 * Planning a deadline stores its first rung (deadlines.rung_next, rung_at)
 * and arms its timer. Routing plans the deadlines it creates in the same
 * write; escalation plans every other one (and plans again after a pause or
 * a new start). Both compute with these functions and the ladder row of
 * LADDER_SQL, so a plan is the same whoever made it.
 */
#ifndef JIESU_LADDER_H
#define JIESU_LADDER_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "calendar.h"

/* SQL: the ladder row l of an order of category `cat` at urgency `urg` (two
 * SQL expressions); read its values as LADDER_SQL_SHARE and LADDER_SQL_DAYS
 * (the defaults of table esc_ladder when no row applies). */
#define LADDER_SQL(cat, urg)                                                                        \
    " LEFT JOIN LATERAL (SELECT remind_share, accountability_days FROM esc_ladder x"                \
    "   WHERE (x.category IS NULL OR x.category = " cat ") AND (x.urgency IS NULL OR x.urgency = " urg ")" \
    "   ORDER BY (x.category IS NOT NULL) DESC, (x.urgency IS NOT NULL) DESC LIMIT 1) l ON true"
#define LADDER_SQL_SHARE "coalesce(l.remind_share, 0.75)"
#define LADDER_SQL_DAYS "coalesce(l.accountability_days, 2)"

typedef struct {
    int64_t started_ms;
    int64_t due_ms;             /* moved later by every pause already */
    double  remind_share;
    int     accountability_days;
    int64_t paused_ms;          /* working time the clock stood still (deadlines.paused_seconds) */
} ladder_span;

/* When `rung` of a deadline with span s falls due (Unix ms). cal NULL: every minute counts. */
int64_t ladder_rung_at(const calendar *cal, const char *rung, const ladder_span *s);

/* The first rung: remind, or supervise when remind is skipped. */
const char *ladder_rung_first(const calendar *cal, const ladder_span *s);

/* The rung after rung ("done" after accountability). */
const char *ladder_rung_next(const char *rung);

/* from_ms + span_ms of working time, rounded to the later second. */
int64_t ladder_add_work_ms(const calendar *cal, int64_t from_ms, int64_t span_ms);

/* Working time between a_ms and b_ms. */
int64_t ladder_work_ms(const calendar *cal, int64_t a_ms, int64_t b_ms);

/* The timers zset's member (timers.key) for deadline id: "r<id>" waits for
 * its next rung, a bare "<id>" asks escalation to plan it. */
#define LADDER_MEMBER_BYTES 24
void ladder_member(char buf[LADDER_MEMBER_BYTES], const char *deadline_id, int planned);

/* The ladder rows of every category and urgency, read once (routing plans a
 * batch's deadlines without asking PostgreSQL for each). */
typedef struct ladder_table ladder_table;

/* Reads esc_ladder, each row applying as LADDER_SQL would. NULL with err. */
ladder_table *ladder_table_load(PGconn *pg, char *err, size_t errlen);

/* The remind share and accountability days of an order of category and
 * urgency ("" or NULL: none), as LADDER_SQL gives them. */
void ladder_table_row(const ladder_table *self, const char *category, const char *urgency, double *share,
                      int *days);

void ladder_table_destroy(ladder_table **self);

#endif
