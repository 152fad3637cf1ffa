/* ladder.c — rung times, the ladder rows and the timer member of a deadline (see ladder.h). */
#include "ladder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

#define MS_PER_DAY 86400000LL

/* Every category and urgency the ladder names (and "any": NULL), each pair's
 * row: every pair a lookup can ask for is there, (any, any) too. */
static const char SQL_ROWS[] =
    "WITH k AS (SELECT DISTINCT category AS cat FROM esc_ladder WHERE category IS NOT NULL UNION ALL SELECT NULL),"
    "     u AS (SELECT DISTINCT urgency AS urg FROM esc_ladder WHERE urgency IS NOT NULL UNION ALL SELECT NULL)"
    " SELECT k.cat, u.urg, " LADDER_SQL_SHARE ", " LADDER_SQL_DAYS " FROM k CROSS JOIN u"
    LADDER_SQL("k.cat", "u.urg");

typedef struct {
    char  *category;        /* NULL: a category the ladder does not name */
    char  *urgency;         /* NULL: an urgency it does not name */
    double share;
    int    days;
} ladder_row;

struct ladder_table {
    ladder_row *rows;
    size_t      n;
};

static int same(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* The row of the pair (cat, urg), NULL meaning "any", or NULL. */
static const ladder_row *find(const ladder_table *self, const char *cat, const char *urg)
{
    for (size_t i = 0; i < self->n; i++)
        if (same(self->rows[i].category, cat) && same(self->rows[i].urgency, urg))
            return &self->rows[i];
    return NULL;
}

/* ---- rung times ---- */

/* Whole seconds, rounded up (ms >= 0). */
static int64_t ceil_s(int64_t ms)
{
    return (ms + 999) / 1000;
}

int64_t ladder_add_work_ms(const calendar *cal, int64_t from_ms, int64_t span_ms)
{
    if (!cal)
        return from_ms + span_ms;
    return calendar_add_work_seconds(cal, ceil_s(from_ms), ceil_s(span_ms)) * 1000;
}

int64_t ladder_work_ms(const calendar *cal, int64_t a_ms, int64_t b_ms)
{
    if (!cal)
        return b_ms > a_ms ? b_ms - a_ms : 0;
    return calendar_work_seconds_between(cal, a_ms / 1000, ceil_s(b_ms)) * 1000;
}

/* When the unit has used remind_share of its own working time: the span's
 * working time less the pauses, then the pauses added back. */
static int64_t remind_at(const calendar *cal, const ladder_span *s)
{
    if (s->remind_share <= 0 || s->remind_share >= 1)
        return s->due_ms;
    int64_t own = ladder_work_ms(cal, s->started_ms, s->due_ms) - s->paused_ms;
    int64_t used = (int64_t)(s->remind_share * (double)(own > 0 ? own : 0) + 0.999);
    int64_t at = ladder_add_work_ms(cal, s->started_ms, used + s->paused_ms);
    return at < s->due_ms ? at : s->due_ms;
}

int64_t ladder_rung_at(const calendar *cal, const char *rung, const ladder_span *s)
{
    if (strcmp(rung, "remind") == 0)
        return remind_at(cal, s);
    if (strcmp(rung, "accountability") == 0) {
        int64_t at = cal ? calendar_add_work_days(cal, ceil_s(s->due_ms), s->accountability_days) * 1000
                         : s->due_ms + s->accountability_days * MS_PER_DAY;
        return at > s->due_ms ? at : s->due_ms;
    }
    return s->due_ms;
}

const char *ladder_rung_first(const calendar *cal, const ladder_span *s)
{
    return remind_at(cal, s) < s->due_ms ? "remind" : "supervise";
}

const char *ladder_rung_next(const char *rung)
{
    if (strcmp(rung, "remind") == 0)
        return "supervise";
    if (strcmp(rung, "supervise") == 0)
        return "accountability";
    return "done";
}

void ladder_member(char buf[LADDER_MEMBER_BYTES], const char *deadline_id, int planned)
{
    snprintf(buf, LADDER_MEMBER_BYTES, "%s%s", planned ? "r" : "", deadline_id);
}

/* ---- the ladder's rows ---- */

/* s itself when some row names it, else NULL (what only the rows for any match). */
static const char *named(const ladder_table *self, const char *s, int urgency)
{
    for (size_t i = 0; s && *s && i < self->n; i++) {
        const char *v = urgency ? self->rows[i].urgency : self->rows[i].category;
        if (v && strcmp(v, s) == 0)
            return v;
    }
    return NULL;
}

void ladder_table_row(const ladder_table *self, const char *category, const char *urgency, double *share,
                      int *days)
{
    const ladder_row *row = find(self, named(self, category, 0), named(self, urgency, 1));
    *share = row->share;
    *days = row->days;
}

static char *dup_or_null(PGresult *res, int r, int c)
{
    return PQgetisnull(res, r, c) ? NULL : strdup(PQgetvalue(res, r, c));
}

ladder_table *ladder_table_load(PGconn *pg, char *err, size_t errlen)
{
    PGresult *res = db_query(pg, "read the escalation ladder", SQL_ROWS, 0, NULL, err, errlen);
    if (!res)
        return NULL;
    ladder_table *self = calloc(1, sizeof *self);
    size_t n = (size_t)PQntuples(res);
    if (self && !(self->rows = calloc(n ? n : 1, sizeof *self->rows)))
        ladder_table_destroy(&self);
    for (size_t i = 0; self && i < n; i++) {
        ladder_row *row = &self->rows[self->n++];
        row->category = dup_or_null(res, (int)i, 0);
        row->urgency = dup_or_null(res, (int)i, 1);
        row->share = atof(PQgetvalue(res, (int)i, 2));
        row->days = atoi(PQgetvalue(res, (int)i, 3));
        if ((!row->category && !PQgetisnull(res, (int)i, 0)) || (!row->urgency && !PQgetisnull(res, (int)i, 1)))
            ladder_table_destroy(&self);
    }
    if (!self)
        snprintf(err, errlen, "escalation ladder: out of memory");
    else if (!find(self, NULL, NULL)) {      /* SQL_ROWS always has it: a lookup never misses */
        snprintf(err, errlen, "escalation ladder: no row for any category at any urgency");
        ladder_table_destroy(&self);
    }
    PQclear(res);
    return self;
}

void ladder_table_destroy(ladder_table **self)
{
    if (!self || !*self)
        return;
    for (size_t i = 0; i < (*self)->n; i++) {
        free((*self)->rows[i].category);
        free((*self)->rows[i].urgency);
    }
    free((*self)->rows);
    free(*self);
    *self = NULL;
}
