/* report_period.h — the time windows reports cover: one day or one ISO week.
 *
 * A period is a half-open range of local dates [from, to) in the report's
 * time zone, written YYYY-MM-DD; queries turn them into instants with
 * "date::timestamp AT TIME ZONE tz". A plain struct; nothing allocates.
 */
#ifndef JIESU_REPORT_PERIOD_H
#define JIESU_REPORT_PERIOD_H

#include <stddef.h>

typedef struct {
    char label[16];     /* "2026-W47" or "2026-11-16" */
    char from[11];      /* first day, YYYY-MM-DD */
    char to[11];        /* the day after the last day, YYYY-MM-DD */
    char last[11];      /* the last day, YYYY-MM-DD */
} report_period;

/* The ISO week written "YYYY-Www" (2026-W47): Monday to Sunday.
 * 0, or -1 with what was wrong in err. */
int report_period_week(report_period *p, const char *week, char *err, size_t errlen);

/* The week a reader names: "上周", "last" or "" (last week, the default of
 * the bulletin), "本周" or "this" (the current week), or an ISO week as
 * report_period_week() reads it. now: Unix time, read in the process's local
 * time zone. 0, or -1 with what was wrong in err. */
int report_period_week_named(report_period *p, const char *name, long long now, char *err, size_t errlen);

/* 0 when p has begun by today (YYYY-MM-DD, in the city's time zone), else
 * -1 with err saying so and naming this week: a week to come has no
 * figures yet, and its bulletin read 无可考核工单 for every unit. */
int report_period_week_begun(const report_period *p, const char *today, char *err, size_t errlen);

/* The week a reader asks for, as report_period_week_named() reads it, if it
 * has begun (report_period_week_begun, today by now in the local time
 * zone). 0, or -1 with the reason in err. */
int report_period_week_asked(report_period *p, const char *name, long long now, char *err, size_t errlen);

/* One day, written YYYY-MM-DD. 0, or -1 with the reason in err. */
int report_period_day(report_period *p, const char *day, char *err, size_t errlen);

/* One day as report_period_day() reads it, no later than today (YYYY-MM-DD,
 * in the city's time zone): a day to come has no figures yet, and the daily
 * sheet counted today's as its. 0, or -1 with the reason in err (the day
 * asked, and that today or an earlier day may be). */
int report_period_day_until(report_period *p, const char *day, const char *today, char *err, size_t errlen);

/* The period of the same length just before p (last week, yesterday). */
void report_period_previous(report_period *prev, const report_period *p);

/* The first days days of p (none for 0, all of them for more than it
 * has), its label kept: last week's Monday and Tuesday, beside this week on
 * a Tuesday. */
void report_period_first_days(report_period *out, const report_period *p, int days);

/* The ISO week (or day, when days is 1) containing Unix time t in the
 * process's local time zone. */
void report_period_current(report_period *p, long long t, int days);

/* p as a page names it to people, into out (cap bytes): 2026年第47周 for an
 * ISO week, 2026年11月16日 for a day; the label itself ("2026-W47") is for
 * files, URLs and commands. Returns out. */
const char *report_period_name(const report_period *p, char *out, size_t cap);

/* How many of p's days have begun at Unix time now (local time zone): 0
 * before it, all of them after it; this week on a Monday: 1, today. */
int report_period_days_begun(const report_period *p, long long now);

#endif
