/* esc_calendar.c — loading, storing and checking the working calendar (see esc_calendar.h).
 *
 * Re-timing: a deadline is moved only when the new days change the working
 * time between its started_at and its due_at; the working time it had on the
 * old calendar is then counted from started_at on the new one. Deadlines met
 * already never move. The store takes a lock on table holidays, so two stores
 * re-time one after the other, each from the calendar the other left.
 */
#include "esc_calendar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "esc_ladder.h"
#include "log.h"
#include "sqlarr.h"
#include "text.h"

#define WARN_EVERY_MS 3600000LL

/* $1, $2: local midnight before the first day given and after the last. */
static const char SQL_CANDIDATES[] =
    "SELECT id, " ESC_SQL_MS("started_at") ", " ESC_SQL_MS("due_at") " FROM deadlines"
    " WHERE met_at IS NULL AND due_at >= $1::timestamptz AND started_at < $2::timestamptz"
    " ORDER BY id FOR UPDATE";

/* A deadline still climbing its ladder is planned again (rung_next NULL). */
static const char SQL_RETIME[] =
    "UPDATE deadlines d SET due_at = to_timestamp(u.due / 1000.0),"
    "       rung_next = CASE WHEN d.fired_at IS NULL THEN NULL ELSE d.rung_next END,"
    "       rung_at = CASE WHEN d.fired_at IS NULL THEN NULL ELSE d.rung_at END"
    " FROM unnest($1::bigint[], $2::bigint[]) AS u(id, due) WHERE d.id = u.id";

static const char SQL_SPAN[] =
    "SELECT ($1::date::timestamp - make_interval(mins => $3::int)) AT TIME ZONE 'UTC',"
    "       ($2::date::timestamp + interval '1 day' - make_interval(mins => $3::int)) AT TIME ZONE 'UTC'";

enum { C_ID, C_STARTED, C_DUE };

int esc_calendar_init(esc_calendar *self, const config *cfg, char *err, size_t errlen)
{
    memset(self, 0, sizeof *self);
    self->cfg = cfg;
    self->utc_offset_min = config_utc_offset_min(cfg);
    calendar *probe = calendar_from_config(cfg, NULL, err, errlen);
    if (!probe)
        return -1;
    calendar_destroy(&probe);
    return 0;
}

static void install(esc_calendar *self, esc_ctx *ctx, calendar *cal, const char *version)
{
    calendar_destroy(&self->cal);
    self->cal = cal;
    ctx->cal = cal;
    snprintf(self->version, sizeof self->version, "%s", version);
    self->next_warn_ms = 0;         /* say at once whether the new calendar reaches far enough */
}

static void warn_when_due(esc_calendar *self, PGconn *pg, int64_t real_now_ms)
{
    char warning[1024], err[512];
    if (real_now_ms < self->next_warn_ms)
        return;
    self->next_warn_ms = real_now_ms + WARN_EVERY_MS;
    if (holidays_warning(pg, (int64_t)time(NULL), self->utc_offset_min, warning, sizeof warning, err, sizeof err) < 0)
        log_warn("%s", err);
    else if (*warning)
        log_warn("CALENDAR: %s", warning);
}

int esc_calendar_refresh(esc_calendar *self, esc_ctx *ctx, int64_t real_now_ms)
{
    char version[64], err[512] = "";
    if (holidays_version(ctx->pg, version, sizeof version, err, sizeof err) < 0) {
        log_error("%s", err);
        return -1;
    }
    if (!self->cal || strcmp(version, self->version) != 0) {
        calendar *cal = holidays_calendar(ctx->pg, self->cfg, NULL, err, sizeof err);
        if (!cal) {
            log_error("%s", err);
            return -1;
        }
        install(self, ctx, cal, version);
        log_info("calendar loaded (holidays %s)", version);
    }
    warn_when_due(self, ctx->pg, real_now_ms);
    return 0;
}

/* The working time a deadline had on the old calendar, counted from its start
 * on the new one; -1 when the new days leave its working time as it was. */
static int64_t retimed_due_ms(const calendar *old, const calendar *cal, int64_t started_ms, int64_t due_ms)
{
    int64_t start = started_ms / 1000, due = due_ms / 1000;
    int64_t work = calendar_work_seconds_between(old, start, due);
    if (calendar_work_seconds_between(cal, start, due) == work)
        return -1;
    return calendar_add_work_seconds(cal, start, work) * 1000;
}

/* The first and last dates of days (YYYY-MM-DD sorts as text). */
static void date_span(const holidays_day *days, size_t n, const char **first, const char **last)
{
    *first = *last = days[0].date;
    for (size_t i = 1; i < n; i++) {
        if (strcmp(days[i].date, *first) < 0)
            *first = days[i].date;
        if (strcmp(days[i].date, *last) > 0)
            *last = days[i].date;
    }
}

/* Moves the deadlines whose working time the new calendar changes. Rows moved, or -1 with err. */
static long retime(const esc_calendar *self, PGconn *pg, const calendar *old, const calendar *cal,
                   const holidays_day *days, size_t n, char *err, size_t errlen)
{
    char offset[16];
    const char *first, *last;
    date_span(days, n, &first, &last);
    snprintf(offset, sizeof offset, "%d", self->utc_offset_min);
    const char *span_params[] = {first, last, offset};
    PGresult *span = db_query(pg, "holidays span", SQL_SPAN, 3, span_params, err, errlen);
    if (!span)
        return -1;
    const char *params[] = {PQgetvalue(span, 0, 0), PQgetvalue(span, 0, 1)};
    PGresult *res = db_query(pg, "deadlines to re-time", SQL_CANDIDATES, 2, params, err, errlen);
    PQclear(span);
    if (!res)
        return -1;
    sqlarr ids = {0}, due = {0};
    long moved = 0;
    int ok = 1;
    for (int r = 0; r < PQntuples(res) && ok; r++) {
        int64_t at = retimed_due_ms(old, cal, strtoll(PQgetvalue(res, r, C_STARTED), NULL, 10),
                                    strtoll(PQgetvalue(res, r, C_DUE), NULL, 10));
        if (at >= 0) {
            ok = sqlarr_add(&ids, PQgetvalue(res, r, C_ID)) == 0 && sqlarr_add_ms(&due, at) == 0;
            moved++;
        }
    }
    PQclear(res);
    const char *up[2] = {ok ? sqlarr_text(&ids) : NULL, ok ? sqlarr_text(&due) : NULL};
    if (!up[0] || !up[1]) {
        snprintf(err, errlen, "re-timing deadlines: out of memory");
        moved = -1;
    } else if (moved && db_command(pg, "re-time deadlines", SQL_RETIME, 2, up, NULL, err, errlen) != 0) {
        moved = -1;
    }
    sqlarr_free(&ids);
    sqlarr_free(&due);
    return moved;
}

/* $1 actor, $2 action, $3 subject (the file, or "typed in"), $4 source as
 * stored, $5 days given, $6 the year on record whole from now on (NULL:
 * none). The administrators' record of a store that changed something: the
 * days this transaction stored (changed_at is its now()), how many were
 * given, the years they and $6 are of, and $6. A store that changed no day
 * and made no year whole writes none. */
static const char SQL_RECORD[] =
    "WITH d AS (SELECT day, off, name FROM holidays WHERE source = $4 AND changed_at = now())"
    " INSERT INTO admin_events (actor, action, subject, detail)"
    " SELECT $1, $2, $3, jsonb_build_object('given', $5::int, 'stored', (SELECT count(*) FROM d),"
    "        'years', (SELECT jsonb_agg(y ORDER BY y) FROM (SELECT extract(year FROM day)::int FROM d"
    "                                                        UNION SELECT $6::int) AS t(y) WHERE y IS NOT NULL),"
    "        'completed', $6::int,"
    "        'days', coalesce((SELECT jsonb_agg(jsonb_build_object('day', day, 'off', off, 'name', name) ORDER BY day)"
    "                            FROM d), '[]'))"
    "  WHERE $6::int IS NOT NULL OR EXISTS (SELECT 1 FROM d)";

/* Writes the record of a store of n days as source (SQL_RECORD); completed
 * the year it made whole, or 0. 0, or -1 with err. */
static int record_store(PGconn *pg, const esc_calendar_by *by, const char *source, size_t n, int completed,
                        char *err, size_t errlen)
{
    char given[24], year[16];
    snprintf(given, sizeof given, "%zu", n);
    snprintf(year, sizeof year, "%d", completed);
    const char *params[] = {by->actor, by->action, by->from, source, given, completed ? year : NULL};
    return db_command(pg, "record the holidays stored", SQL_RECORD, 6, params, NULL, err, errlen);
}

/* Stores wait for one another: each re-times from the calendar the other left. */
static const char SQL_LOCK[] = "LOCK TABLE holidays IN SHARE ROW EXCLUSIVE MODE";

/* $1 actor, $2 action, $3 subject (the year). */
static const char SQL_RECORD_COMPLETE[] = "INSERT INTO admin_events (actor, action, subject) VALUES ($1, $2, $3)";

/* The store inside its transaction: lock, old calendar, days and their
 * record, the year on record whole, new calendar, re-timing. */
static int store_locked(esc_calendar *self, PGconn *pg, const holidays_day *days, size_t n, int year,
                        const esc_calendar_by *by, esc_calendar_stats *st, calendar **out, char *err, size_t errlen)
{
    char source[512];
    snprintf(source, sizeof source, "%s by %s", by->from, by->actor);
    calendar *old = NULL;
    if (db_exec(pg, SQL_LOCK, err, errlen) != 0 ||
        !(old = holidays_calendar(pg, self->cfg, NULL, err, errlen)) ||
        (st->stored = holidays_store(pg, days, n, source, 1, err, errlen)) < 0 ||
        (year && (st->completed = holidays_complete(pg, year, source, err, errlen)) < 0) ||
        record_store(pg, by, source, n, st->completed ? year : 0, err, errlen) != 0) {
        calendar_destroy(&old);
        return -1;
    }
    st->unchanged = (long)n - st->stored;
    if (st->stored > 0 && (!(*out = holidays_calendar(pg, self->cfg, NULL, err, errlen)) ||
                           (st->retimed = retime(self, pg, old, *out, days, n, err, errlen)) < 0)) {
        calendar_destroy(out);
        calendar_destroy(&old);
        return -1;
    }
    calendar_destroy(&old);
    return 0;
}

int esc_calendar_store(esc_calendar *self, esc_ctx *ctx, const holidays_day *days, size_t n, int year,
                       const esc_calendar_by *by, esc_calendar_stats *st, char *err, size_t errlen)
{
    char version[64];
    calendar *cal = NULL;
    memset(st, 0, sizeof *st);
    err[0] = '\0';
    if (n == 0)
        return 0;
    if (db_begin(ctx->pg, err, errlen) != 0 ||
        store_locked(self, ctx->pg, days, n, year, by, st, &cal, err, errlen) != 0 ||
        holidays_version(ctx->pg, version, sizeof version, err, errlen) != 0 || db_commit(ctx->pg, err, errlen) != 0) {
        text_prefix(err, errlen, "storing %zu days from %s by %s: ", n, by->from, by->actor);
        db_rollback(ctx->pg);
        calendar_destroy(&cal);
        return -1;
    }
    if (cal) {
        install(self, ctx, cal, version);
        log_info("calendar: %ld days stored from %s by %s, %ld deadlines re-timed", st->stored, by->from, by->actor,
                 st->retimed);
    }
    if (st->completed)
        self->next_warn_ms = 0;     /* say at once what the calendar lacks now */
    return 0;
}

int esc_calendar_complete(esc_calendar *self, esc_ctx *ctx, int year, const esc_calendar_by *by,
                          esc_calendar_stats *st, char *err, size_t errlen)
{
    char source[512];
    const char *record[] = {by->actor, by->action, by->from};
    snprintf(source, sizeof source, "confirmed by %s", by->actor);
    memset(st, 0, sizeof *st);
    if (db_begin(ctx->pg, err, errlen) != 0 ||
        (st->completed = holidays_complete(ctx->pg, year, source, err, errlen)) < 0 ||
        (st->completed && db_command(ctx->pg, "record the year completed", SQL_RECORD_COMPLETE, 3, record, NULL,
                                     err, errlen) != 0) ||
        db_commit(ctx->pg, err, errlen) != 0) {
        text_prefix(err, errlen, "recording %d as complete by %s: ", year, by->actor);
        db_rollback(ctx->pg);
        return -1;
    }
    if (st->completed) {
        self->next_warn_ms = 0;
        log_info("calendar: %d on record whole, %s says", year, by->actor);
    }
    return 0;
}

/* $1 actor, $2 action, $3 subject (the year), $4 the year, $5 the bundled
 * notices' source. One row: the years taken back (0 or 1, recorded), whether
 * the year was on record whole, and whether it is a bundled notice's, which
 * every jiesu migrate makes whole again (made whole by it, or holding a day
 * off of it before December: 2023.json's 2022-12-31 is not 2022's notice). */
static const char SQL_INCOMPLETE[] =
    "WITH y AS (SELECT EXISTS (SELECT 1 FROM holiday_years WHERE year = $4::int) AS whole,"
    "                  EXISTS (SELECT 1 FROM holiday_years WHERE year = $4::int AND source = $5)"
    "                  OR EXISTS (SELECT 1 FROM holidays WHERE source = $5 AND off"
    "                              AND day >= make_date($4::int, 1, 1) AND day < make_date($4::int, 12, 1)) AS bundled),"
    " gone AS (DELETE FROM holiday_years WHERE year = $4::int AND NOT (SELECT bundled FROM y) RETURNING year),"
    " ev AS (INSERT INTO admin_events (actor, action, subject) SELECT $1, $2, $3 FROM gone)"
    " SELECT (SELECT count(*) FROM gone), whole, bundled FROM y";

int esc_calendar_incomplete(esc_calendar *self, esc_ctx *ctx, int year, const esc_calendar_by *by, char *err,
                            size_t errlen)
{
    char y[16];
    snprintf(y, sizeof y, "%d", year);
    const char *params[] = {by->actor, by->action, by->from, y, HOLIDAYS_BUNDLED_SOURCE};
    PGresult *res = db_query(ctx->pg, "take back a year completed", SQL_INCOMPLETE, 5, params, err, errlen);
    if (!res) {
        text_prefix(err, errlen, "taking back %d as complete by %s: ", year, by->actor);
        return -1;
    }
    int gone = atoi(PQgetvalue(res, 0, 0)), whole = *PQgetvalue(res, 0, 1) == 't';
    PQclear(res);
    if (!whole)
        snprintf(err, errlen, "%d 年并没有确认全年完整，没有可撤回的（每年是否完整：jiesu holidays）", year);
    else if (!gone)
        snprintf(err, errlen, "%d 年的节假日是随附的国务院通知（data/holidays/%d.json），jiesu migrate 每次都会再确认它"
                 "全年完整，不能撤回；哪一天弄错了：jiesu holidays add 日期 名称 --off 或 --work 改过来", year, year);
    if (!gone)
        return 1;
    self->next_warn_ms = 0;     /* say at once what the calendar lacks now */
    log_info("calendar: %d no longer on record whole, %s says", year, by->actor);
    return 0;
}

/* $1 actor, $2 action, $3 subject (the day), $4 the day, $5 the bundled
 * notices' source. One row: the days taken out (0 or 1, recorded with the
 * day as it was), and whether a bundled day stays stored there. */
static const char SQL_REMOVE[] =
    "WITH gone AS (DELETE FROM holidays WHERE day = $4::date AND source <> $5 RETURNING day, off, name),"
    " ev AS (INSERT INTO admin_events (actor, action, subject, detail)"
    "   SELECT $1, $2, $3, jsonb_build_object('days', jsonb_agg(jsonb_build_object('day', day, 'off', off, 'name', name)))"
    "     FROM gone HAVING count(*) > 0)"
    " SELECT (SELECT count(*) FROM gone), EXISTS (SELECT 1 FROM holidays WHERE day = $4::date AND source = $5)";

/* Why a day is not taken out, into err: a bundled one, or none stored. */
static void say_kept(const char *date, int bundled, char *err, size_t errlen)
{
    if (bundled)
        snprintf(err, errlen, "%s 是随附的国务院通知（data/holidays）里的日子，jiesu migrate 每次都会再存入它，不能删去；"
                 "它的放假或调休上班弄错了：jiesu holidays add %s 名称 --off 或 --work 改过来", date, date);
    else
        snprintf(err, errlen, "%s 没有存着放假或调休上班的安排，没有可删去的（每年存着的天数：jiesu holidays）", date);
}

/* The removal inside its transaction: lock, old calendar, the day and its
 * record, new calendar, re-timing. 0, 1 (nothing to take out: err says
 * why) or -1 with err. */
static int remove_locked(esc_calendar *self, PGconn *pg, const holidays_day *day, const esc_calendar_by *by,
                         esc_calendar_stats *st, calendar **out, char *err, size_t errlen)
{
    const char *params[] = {by->actor, by->action, by->from, day->date, HOLIDAYS_BUNDLED_SOURCE};
    calendar *old = NULL;
    PGresult *res = NULL;
    int rc = -1;
    if (db_exec(pg, SQL_LOCK, err, errlen) != 0 || !(old = holidays_calendar(pg, self->cfg, NULL, err, errlen)) ||
        !(res = db_query(pg, "take out a holiday", SQL_REMOVE, 5, params, err, errlen)))
        goto cleanup;
    st->stored = atol(PQgetvalue(res, 0, 0));
    if (st->stored == 0) {
        say_kept(day->date, *PQgetvalue(res, 0, 1) == 't', err, errlen);
        rc = 1;
    } else if ((*out = holidays_calendar(pg, self->cfg, NULL, err, errlen)) &&
               (st->retimed = retime(self, pg, old, *out, day, 1, err, errlen)) >= 0) {
        rc = 0;
    } else {
        calendar_destroy(out);
    }
cleanup:
    PQclear(res);
    calendar_destroy(&old);
    return rc;
}

int esc_calendar_remove(esc_calendar *self, esc_ctx *ctx, const char *date, const esc_calendar_by *by,
                        esc_calendar_stats *st, char *err, size_t errlen)
{
    char version[64];
    calendar *cal = NULL;
    holidays_day day = {.off = 0};
    memset(st, 0, sizeof *st);
    snprintf(day.date, sizeof day.date, "%s", date);
    int rc = db_begin(ctx->pg, err, errlen) != 0 ? -1 : remove_locked(self, ctx->pg, &day, by, st, &cal, err, errlen);
    if (rc == 0 && (holidays_version(ctx->pg, version, sizeof version, err, errlen) != 0 ||
                    db_commit(ctx->pg, err, errlen) != 0))
        rc = -1;
    if (rc != 0) {
        if (rc < 0)
            text_prefix(err, errlen, "taking out %s by %s: ", date, by->actor);
        db_rollback(ctx->pg);
        calendar_destroy(&cal);
        return rc;
    }
    install(self, ctx, cal, version);
    log_info("calendar: %s taken out by %s, %ld deadlines re-timed", date, by->actor, st->retimed);
    return 0;
}

void esc_calendar_finish(esc_calendar *self)
{
    calendar_destroy(&self->cal);
}
