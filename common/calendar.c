/* calendar.c — working days from the official holiday notices, and deadlines
 * counted in working time. See calendar.h.
 *
 * Dates are handled as day numbers (days since 1970-01-01 in local time) with
 * Howard Hinnant's civil-date algorithms, so nothing depends on the process's
 * time zone. Overrides (holidays, adjusted working days) are kept in a sorted
 * array searched by bisection: a few dozen entries a year.
 */
#include "calendar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"

#define DAY_SECONDS 86400

typedef struct {
    int32_t day;    /* local day number */
    int8_t  off;    /* 1 = day off, 0 = working day */
} calendar_override;

struct calendar {
    int           offset_s;     /* local time = UTC + offset_s */
    int           start_s;      /* working hours within a day, seconds */
    int           end_s;
    calendar_override *days;
    size_t        ndays, cap;
};

static int valid_date(int y, int m, int d)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return !(m == 2 && d == 29 && !leap);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

calendar *calendar_new(int utc_offset_min, int day_start_min, int day_end_min)
{
    if (day_start_min < 0 || day_end_min > 1440 || day_start_min >= day_end_min)
        return NULL;
    if (utc_offset_min < -14 * 60 || utc_offset_min > 14 * 60)
        return NULL;
    calendar *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->offset_s = utc_offset_min * 60;
    self->start_s = day_start_min * 60;
    self->end_s = day_end_min * 60;
    return self;
}

void calendar_destroy(calendar **self)
{
    if (!self || !*self)
        return;
    free((*self)->days);
    free(*self);
    *self = NULL;
}

/* Index of the first override on or after local day `day` (ndays if none). */
static size_t lower_bound(const calendar *self, int32_t day)
{
    size_t lo = 0, hi = self->ndays;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (self->days[mid].day < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static const calendar_override *find_day(const calendar *self, int32_t day)
{
    size_t i = lower_bound(self, day);
    return i < self->ndays && self->days[i].day == day ? &self->days[i] : NULL;
}

int calendar_set_day(calendar *self, int year, int month, int day, int off)
{
    if (!valid_date(year, month, day))
        return -1;
    int32_t n = (int32_t)civil_days(year, month, day);
    calendar_override *hit = (calendar_override *)find_day(self, n);
    if (hit) {
        hit->off = (int8_t)(off != 0);
        return 0;
    }
    if (self->ndays == self->cap) {
        size_t cap = self->cap ? self->cap * 2 : 64;
        calendar_override *grown = realloc(self->days, cap * sizeof *grown);
        if (!grown)
            return -1;
        self->days = grown;
        self->cap = cap;
    }
    size_t i = self->ndays;
    while (i > 0 && self->days[i - 1].day > n) {
        self->days[i] = self->days[i - 1];
        i--;
    }
    self->days[i] = (calendar_override){.day = n, .off = (int8_t)(off != 0)};
    self->ndays++;
    return 0;
}

static int workday_number(const calendar *self, int32_t day)
{
    const calendar_override *o = find_day(self, day);
    if (o)
        return !o->off;
    int weekday = (int)((day % 7 + 7 + 3) % 7);   /* 0 = Monday; 1970-01-01 was a Thursday */
    return weekday < 5;
}

int calendar_is_workday(const calendar *self, int64_t t)
{
    return workday_number(self, (int32_t)floor_div(t + self->offset_s, DAY_SECONDS));
}

/* Start of the working interval of local day `day`, as Unix seconds. */
static int64_t work_start(const calendar *self, int32_t day)
{
    return (int64_t)day * DAY_SECONDS + self->start_s - self->offset_s;
}

static int64_t work_end(const calendar *self, int32_t day)
{
    return (int64_t)day * DAY_SECONDS + self->end_s - self->offset_s;
}

static int32_t local_day(const calendar *self, int64_t t)
{
    return (int32_t)floor_div(t + self->offset_s, DAY_SECONDS);
}

/* Moves t forward to the first instant that is inside working hours (t itself
 * when it already is). Sets *day to that working day. */
static int64_t next_working_instant(const calendar *self, int64_t t, int32_t *day)
{
    int32_t d = local_day(self, t);
    for (int guard = 0; guard < 3660; guard++, d++) {
        if (workday_number(self, d) && t < work_end(self, d)) {
            *day = d;
            return t > work_start(self, d) ? t : work_start(self, d);
        }
    }
    *day = d;
    return t;   /* unreachable with a sane calendar: ten years without a working day */
}

/* Like next_working_instant(), except that the very end of a working day
 * stays on that day: a deadline due at 17:30 is due on its own day. */
static int64_t working_instant_closing(const calendar *self, int64_t t, int32_t *day)
{
    int32_t d = local_day(self, t);
    if (workday_number(self, d) && t == work_end(self, d)) {
        *day = d;
        return t;
    }
    return next_working_instant(self, t, day);
}

int64_t calendar_add_work_seconds(const calendar *self, int64_t start, int64_t seconds)
{
    int64_t left = seconds;
    int32_t day;
    int64_t t = next_working_instant(self, start, &day);
    while (left > 0) {
        int64_t room = work_end(self, day) - t;
        if (left <= room)
            return t + left;
        left -= room;
        t = next_working_instant(self, work_end(self, day), &day);
    }
    return t;
}

int64_t calendar_add_work_minutes(const calendar *self, int64_t start, long minutes)
{
    return calendar_add_work_seconds(self, start, (int64_t)minutes * 60);
}

int64_t calendar_add_work_days(const calendar *self, int64_t start, int days)
{
    int32_t day;
    int64_t t = working_instant_closing(self, start, &day);
    int64_t time_of_day = t - work_start(self, day);
    for (int i = 0; i < days; i++) {
        int32_t next;
        next_working_instant(self, work_start(self, day + 1), &next);
        day = next;
    }
    return work_start(self, day) + time_of_day;
}

int64_t calendar_work_seconds_between(const calendar *self, int64_t a, int64_t b)
{
    int64_t total = 0;
    int32_t day;
    int64_t t = next_working_instant(self, a, &day);
    while (t < b) {
        int64_t end = work_end(self, day) < b ? work_end(self, day) : b;
        total += end - t;
        t = next_working_instant(self, work_end(self, day), &day);
    }
    return total;
}

int calendar_local_year(const calendar *self, int64_t t)
{
    int y, m, d;
    civil_date(local_day(self, t), &y, &m, &d);
    return y;
}

/* "08:30" → 510; -1 when malformed. */
static int minutes_of_day(const char *hhmm)
{
    int h, m;
    char tail;
    if (sscanf(hhmm, "%d:%d%c", &h, &m, &tail) != 2 || h < 0 || h > 24 || m < 0 || m > 59 || h * 60 + m > 1440)
        return -1;
    return h * 60 + m;
}

calendar *calendar_from_config(const config *cfg, int *day_minutes, char *err, size_t errlen)
{
    const char *start = config_str(cfg, "calendar.day_start"), *end = config_str(cfg, "calendar.day_end");
    int s = minutes_of_day(start), e = minutes_of_day(end);
    calendar *cal = s >= 0 && e > s ? calendar_new(config_utc_offset_min(cfg), s, e) : NULL;
    if (!cal) {
        snprintf(err, errlen, "calendar: working day %s–%s (calendar.day_start, calendar.day_end) is not HH:MM"
                              " with start before end", start, end);
        return NULL;
    }
    if (day_minutes)
        *day_minutes = e - s;
    return cal;
}
