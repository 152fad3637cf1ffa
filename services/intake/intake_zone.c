/* intake_zone.c — local times a zone skips or repeats (see intake_zone.h).
 *
 * A change of the zone's offset at instant T from offset a to b (seconds
 * east of UTC) skips the local times [T + a, T + b) when b > a and repeats
 * [T + b, T + a) when b < a. PostgreSQL finds the changes of a year by
 * comparing the offset day by day, then within a changed day hour by hour,
 * then within a changed hour minute by minute (every change since 1970 falls
 * on a minute); the counts of generate_series are integers, so the planner
 * sees a few hundred rows and does not JIT-compile a query of milliseconds.
 * With each year's changes comes its offset at the start (a "change" to
 * the same offset, which skips and repeats nothing), so the zone's offset
 * at any instant of the years asked is known: that of the last change
 * before it. A time written with an offset is checked against it.
 */
#include "intake_zone.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "intake_import.h"

#define YEAR_FIRST 1970     /* the years intake_dates.h reads */
#define YEAR_COUNT 130
#define CHANGES_MAX (5 * YEAR_COUNT)    /* up to four a year (Morocco around Ramadan), every year, and its start */
#define OFFSET_NONE INT_MIN             /* a local time of the zone: written without an offset */

enum { YEAR_UNSEEN = 0, YEAR_WAITING, YEAR_KNOWN };

/* $1 the zone, $2 the years: each change in them (and two days around)
 * as its instant, the offset before and the offset after, in seconds; and
 * the offset two days before each year, as a change from and to it. */
static const char SQL_CHANGES[] =
    "WITH d AS (SELECT y, k, t, (t AT TIME ZONE $1) - (t AT TIME ZONE 'UTC') AS off"
    "             FROM unnest($2::int[]) y, generate_series(-2, 367) k,"
    "                  LATERAL (SELECT make_timestamptz(y, 1, 1, 0, 0, 0, 'UTC') + k * interval '1 day' AS t) s),"
    "     day AS (SELECT t FROM (SELECT t, off <> lag(off) OVER (PARTITION BY y ORDER BY t) AS moved FROM d) x"
    "              WHERE moved),"
    "     h AS (SELECT day.t AS w, s.t, (s.t AT TIME ZONE $1) - (s.t AT TIME ZONE 'UTC') AS off"
    "             FROM day, generate_series(0, 24) k, LATERAL (SELECT day.t - k * interval '1 hour' AS t) s),"
    "     hour AS (SELECT t FROM (SELECT t, off <> lag(off) OVER (PARTITION BY w ORDER BY t) AS moved FROM h) x"
    "               WHERE moved),"
    "     m AS (SELECT hour.t AS w, s.t, (s.t AT TIME ZONE $1) - (s.t AT TIME ZONE 'UTC') AS off"
    "             FROM hour, generate_series(0, 60) k, LATERAL (SELECT hour.t - k * interval '1 minute' AS t) s)"
    " SELECT DISTINCT extract(epoch FROM t)::bigint, extract(epoch FROM prev)::int, extract(epoch FROM off)::int"
    "   FROM (SELECT t, off, lag(off) OVER (PARTITION BY w ORDER BY t) AS prev FROM m) x"
    "  WHERE off <> prev"
    " UNION ALL SELECT extract(epoch FROM t)::bigint, extract(epoch FROM off)::int, extract(epoch FROM off)::int"
    "   FROM d WHERE k = -2";

typedef struct {
    long long at;           /* the instant, UTC seconds */
    int       before, after;
} change;

typedef struct {
    long long local;
    uint64_t  row;
    int       offset;       /* seconds east of UTC the row's time is written with, or OFFSET_NONE */
} waiting;

typedef struct {
    int64_t   rows;
    uint64_t  first_row;
    long long first_local;
    change    where;        /* the change the first row fell in */
} found;

struct intake_zone {
    char         *zone;
    unsigned char years[YEAR_COUNT];
    change        changes[CHANGES_MAX];
    size_t        nchanges;
    waiting      *wait;
    size_t        nwait, wait_cap;
    found         kinds[ZONE_KINDS];
    struct {                /* rows written with an offset the zone's clock did not have then */
        int64_t   rows;
        uint64_t  first_row;
        long long first_local;
        int       offset, zone_offset;
    } unlike;
};

intake_zone *intake_zone_new(const char *zone)
{
    intake_zone *self = calloc(1, sizeof *self);
    if (self && !(self->zone = strdup(zone)))
        intake_zone_destroy(&self);
    return self;
}

void intake_zone_destroy(intake_zone **self)
{
    if (!self || !*self)
        return;
    free((*self)->zone);
    free((*self)->wait);
    free(*self);
    *self = NULL;
}

/* Counts the local time of a row in the change it falls in, if any. */
static void sort_row(intake_zone *self, long long local, uint64_t row)
{
    for (size_t i = 0; i < self->nchanges; i++) {
        const change *c = &self->changes[i];
        int kind = c->after > c->before ? ZONE_SKIPPED : ZONE_REPEATED;
        long long from = c->at + (kind == ZONE_SKIPPED ? c->before : c->after);
        long long to = c->at + (kind == ZONE_SKIPPED ? c->after : c->before);
        if (local < from || local >= to)
            continue;
        found *k = &self->kinds[kind];
        k->rows++;
        if (!k->first_row || row < k->first_row) {
            k->first_row = row;
            k->first_local = local;
            k->where = *c;
        }
        return;
    }
}

/* The zone's offset at UTC instant at into *offset: the last change's at or
 * before it (the years asked hold one at their start). 0, or -1 when no
 * year asked holds the instant. */
static int offset_at(const intake_zone *self, long long at, int *offset)
{
    long long last = LLONG_MIN;
    for (size_t i = 0; i < self->nchanges; i++)
        if (self->changes[i].at <= at && self->changes[i].at >= last) {
            last = self->changes[i].at;
            *offset = self->changes[i].after;
        }
    return last == LLONG_MIN ? -1 : 0;
}

/* Counts a row written with an offset the zone's clock did not have then. */
static void check_offset(intake_zone *self, long long local, int offset, uint64_t row)
{
    int zone = 0;
    if (offset_at(self, local - offset, &zone) < 0 || zone == offset)
        return;
    self->unlike.rows++;
    if (!self->unlike.first_row || row < self->unlike.first_row) {
        self->unlike.first_row = row;
        self->unlike.first_local = local;
        self->unlike.offset = offset;
        self->unlike.zone_offset = zone;
    }
}

/* Sorts or checks a row of a year whose changes are known. */
static void take_row(intake_zone *self, const waiting *w)
{
    if (w->offset == OFFSET_NONE)
        sort_row(self, w->local, w->row);
    else
        check_offset(self, w->local, w->offset, w->row);
}

int intake_zone_see(intake_zone *self, const intake_time *t, uint64_t row)
{
    int year = t->y - YEAR_FIRST;
    if (year < 0 || year >= YEAR_COUNT)
        return 0;
    waiting seen = {intake_date_seconds(t), row, t->has_offset ? t->offset_min * 60 : OFFSET_NONE};
    if (self->years[year] == YEAR_KNOWN) {
        take_row(self, &seen);
        return 0;
    }
    if (self->nwait == self->wait_cap) {
        size_t cap = self->wait_cap ? self->wait_cap * 2 : 256;
        waiting *w = realloc(self->wait, cap * sizeof *w);
        if (!w)
            return -1;
        self->wait = w;
        self->wait_cap = cap;
    }
    self->wait[self->nwait++] = seen;
    self->years[year] = YEAR_WAITING;
    return 0;
}

/* Adds a change once (two years asked together may both find it). */
static void add_change(intake_zone *self, change c)
{
    for (size_t i = 0; i < self->nchanges; i++)
        if (self->changes[i].at == c.at)
            return;
    if (self->nchanges < CHANGES_MAX)
        self->changes[self->nchanges++] = c;
}

int intake_zone_learn(intake_zone *self, PGconn *pg, char *why, size_t whylen)
{
    char years[YEAR_COUNT * 6 + 3] = "{";
    size_t n = 1;
    if (self->nwait == 0)
        return 0;
    for (int y = 0; y < YEAR_COUNT; y++)
        if (self->years[y] == YEAR_WAITING)
            n += (size_t)snprintf(years + n, sizeof years - n, "%s%d", n > 1 ? "," : "", YEAR_FIRST + y);
    snprintf(years + n, sizeof years - n, "}");
    const char *params[] = {self->zone, years};
    char pg_why[512];
    PGresult *res = db_query(pg, "intake zone changes", SQL_CHANGES, 2, params, pg_why, sizeof pg_why);
    if (!res) {
        snprintf(why, whylen, "向数据库查询时区 %s 在 %s 年的夏令时等时钟调整时出错：%s", self->zone, years, pg_why);
        return -1;
    }
    for (int i = 0; i < PQntuples(res); i++)
        add_change(self, (change){strtoll(PQgetvalue(res, i, 0), NULL, 10), atoi(PQgetvalue(res, i, 1)),
                                  atoi(PQgetvalue(res, i, 2))});
    PQclear(res);
    for (int y = 0; y < YEAR_COUNT; y++)
        if (self->years[y] == YEAR_WAITING)
            self->years[y] = YEAR_KNOWN;
    for (size_t i = 0; i < self->nwait; i++)
        take_row(self, &self->wait[i]);
    self->nwait = 0;
    return 0;
}

/* Local seconds as "2022-03-13 02:30:00"; clock: only "02:30". */
static void local_text(long long local, int clock, char out[32])
{
    intake_time t;
    char full[32];
    intake_date_from_seconds(local, &t);
    intake_date_text(&t, full);
    snprintf(out, 32, "%s", clock ? full + 11 : full);
    if (clock)
        out[5] = '\0';
}

/* An offset in seconds as "UTC-04:00". */
static void offset_text(int offset, char out[16])
{
    int m = (offset < 0 ? -offset : offset) / 60;
    snprintf(out, 16, "UTC%c%02d:%02d", offset < 0 ? '-' : '+', m / 60 % 100, m % 60);
}

/* A duration in seconds as "1 小时" or "30 分钟". */
static void span_text(int seconds, char out[24])
{
    int s = seconds < 0 ? -seconds : seconds;
    if (s % 3600 == 0)
        snprintf(out, 24, "%d 小时", s / 3600);
    else
        snprintf(out, 24, "%d 分钟", s / 60);
}

/* The note on the rows of kind into out: 0 when there are none ("" in out), else 1. */
static int describe(const intake_zone *self, int kind, char *out, size_t outlen)
{
    const found *k = &self->kinds[kind];
    out[0] = '\0';
    if (!k->rows)
        return 0;
    const change *c = &k->where;
    char first[32], day[32], from[32], to[32], read_as[32], utc[32], off[16], span[24];
    local_text(k->first_local, 0, first);
    local_text(c->at + c->before, 0, day);
    day[10] = '\0';
    local_text(c->at + c->before, 1, from);
    local_text(c->at + c->after, 1, to);
    int used = kind == ZONE_SKIPPED ? c->before : c->after;     /* PostgreSQL's reading */
    local_text(k->first_local - used + c->after, 0, read_as);
    local_text(k->first_local - used, 0, utc);
    offset_text(kind == ZONE_SKIPPED ? c->after : used, off);
    span_text(c->after - c->before, span);
    if (kind == ZONE_SKIPPED)
        snprintf(out, outlen, "%lld 行的来电时间在时区 %s 里不存在：%s 当地时钟从 %s 拨快到 %s，第 %llu 行的 %s 就在其间；"
                 "这样的时间按拨快前的钟点读，存为 %s（%s，即 %s UTC），比拨快后不久的来电还晚：请向原系统核对这些行的来电时间",
                 (long long)k->rows, self->zone, day, from, to, (unsigned long long)k->first_row, first,
                 read_as + 11, off, utc);
    else
        snprintf(out, outlen, "%lld 行的来电时间在时区 %s 里出现两次：%s 当地时钟从 %s 拨回到 %s，%s–%s 过了两遍，第 %llu 行的 "
                 "%s 就在其间；分不清是哪一遍，按后一遍（%s）存，即 %s UTC，若是前一遍则实际早 %s：请向原系统核对这些行的来电时间",
                 (long long)k->rows, self->zone, day, from, to, to, from, (unsigned long long)k->first_row, first, off,
                 utc, span);
    return 1;
}

/* The note on the rows written with another zone's offset into out: 0 when
 * there are none, else 1. */
static int describe_unlike(const intake_zone *self, char *out, size_t outlen)
{
    if (!self->unlike.rows)
        return 0;
    char first[32], off[16], zone_off[16];
    local_text(self->unlike.first_local, 0, first);
    offset_text(self->unlike.offset, off);
    offset_text(self->unlike.zone_offset, zone_off);
    snprintf(out, outlen, "%lld 行的来电时间带的时差不是时区 %s 当时的时差（第 %llu 行的 %s 是 %s，%s 当时是 %s）："
             "这些时间都按各自带的时差存了，时刻无误；这次导入因此不记时区，工单上的来电时间只按本市时间显示，"
             "不另注“当地时间”", (long long)self->unlike.rows, self->zone, (unsigned long long)self->unlike.first_row,
             first, off, self->zone, zone_off);
    return 1;
}

int intake_zone_fits(const intake_zone *self)
{
    return self->unlike.rows == 0;
}

void intake_zone_note(const intake_zone *self, intake_result *res)
{
    res->zone_skipped = self->kinds[ZONE_SKIPPED].rows;
    res->zone_repeated = self->kinds[ZONE_REPEATED].rows;
    for (int k = 0; k < ZONE_KINDS && res->nnotes < IMPORT_NOTES_MAX; k++)
        res->nnotes += describe(self, k, res->notes[res->nnotes], IMPORT_WARNING_BYTES);
    if (res->nnotes < IMPORT_NOTES_MAX)
        res->nnotes += describe_unlike(self, res->notes[res->nnotes], IMPORT_WARNING_BYTES);
}
