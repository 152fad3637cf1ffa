/* report_period.c — days and ISO weeks as date ranges (see report_period.h).
 *
 * Date arithmetic is done on days since 1970-01-01 through timegm/gmtime_r at
 * noon, so no time zone or daylight saving shift can move a date.
 */
#include "report_period.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "report_streets.h"

#define DAY 86400LL

static long long days_of(int y, int m, int d)
{
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = 12};
    return (long long)timegm(&tm) / DAY;
}

static void date_of(char out[11], long long days)
{
    time_t t = (time_t)(days * DAY + DAY / 2);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

/* Day number of the Monday of ISO week 1 of year y (the week holding 4 January). */
static long long iso_week1_monday(int y)
{
    long long jan4 = days_of(y, 1, 4);
    long long weekday = (jan4 + 3) % 7;     /* 1970-01-01 was a Thursday: Monday = 0 */
    return jan4 - weekday;
}

static void fill(report_period *p, const char *label, long long first, int ndays)
{
    snprintf(p->label, sizeof p->label, "%s", label);
    date_of(p->from, first);
    date_of(p->to, first + ndays);
    date_of(p->last, first + ndays - 1);
}

int report_period_week(report_period *p, const char *week, char *err, size_t errlen)
{
    int y, w, used = 0;
    if (!week || sscanf(week, "%4d-W%2d%n", &y, &w, &used) != 2 || used != 8 || strlen(week) != 8 ||
        y < 1971 || y > 9998) {
        snprintf(err, errlen, "“%s”不是周次：请写 上周（last）、本周（this）或 YYYY-Www，如 2026-W47", week ? week : "");
        return -1;
    }
    long long monday = iso_week1_monday(y) + 7LL * (w - 1);
    if (w < 1 || monday >= iso_week1_monday(y + 1)) {
        snprintf(err, errlen, "“%s”：%d 年没有第 %d 周（只有第 1 至 %lld 周）", week, y, w,
                 (iso_week1_monday(y + 1) - iso_week1_monday(y)) / 7);
        return -1;
    }
    fill(p, week, monday, 7);
    return 0;
}

int report_period_week_named(report_period *p, const char *name, long long now, char *err, size_t errlen)
{
    if (!name || !*name || strcmp(name, "last") == 0 || strcmp(name, "上周") == 0)
        report_period_current(p, now - 7 * DAY, 7);
    else if (strcmp(name, "this") == 0 || strcmp(name, "本周") == 0)
        report_period_current(p, now, 7);
    else
        return report_period_week(p, name, err, errlen);
    return 0;
}

int report_period_day(report_period *p, const char *day, char *err, size_t errlen)
{
    int y, m, d;
    if (!report_date_valid(day) || sscanf(day, "%4d-%2d-%2d", &y, &m, &d) != 3) {
        snprintf(err, errlen, "“%s”" REPORT_NOT_A_DATE, day ? day : "");
        return -1;
    }
    fill(p, day, days_of(y, m, d), 1);
    return 0;
}

int report_period_day_until(report_period *p, const char *day, const char *today, char *err, size_t errlen)
{
    if (report_period_day(p, day, err, errlen) < 0)
        return -1;
    if (strcmp(p->from, today) > 0) {       /* YYYY-MM-DD compare as text */
        snprintf(err, errlen, "“%s”晚于今天（%s）：请写今天或以前的日期", day, today);
        return -1;
    }
    return 0;
}

/* Day numbers of the period's first day and length in days. */
static void span(const report_period *p, long long *first, int *ndays)
{
    int y, m, d, y2, m2, d2;
    sscanf(p->from, "%4d-%2d-%2d", &y, &m, &d);
    sscanf(p->to, "%4d-%2d-%2d", &y2, &m2, &d2);
    *first = days_of(y, m, d);
    *ndays = (int)(days_of(y2, m2, d2) - *first);
}

/* The ISO week label of the week starting on day number monday. */
static void week_label(char *out, size_t cap, long long monday)
{
    long long thursday = monday + 3;
    char date[11];
    date_of(date, thursday);
    int y = 0;
    sscanf(date, "%4d", &y);
    snprintf(out, cap, "%04d-W%02d", y, (int)((thursday - iso_week1_monday(y)) / 7 + 1));
}

static void label_for(char *out, size_t cap, long long first, int ndays)
{
    if (ndays == 7 && (first + 3) % 7 == 0)
        week_label(out, cap, first);
    else
        date_of(out, first);
}

int report_period_week_begun(const report_period *p, const char *today, char *err, size_t errlen)
{
    report_period day;
    long long first;
    int ndays;
    char this_week[16];
    if (strcmp(p->from, today) <= 0)       /* YYYY-MM-DD compare as text */
        return 0;
    if (report_period_day(&day, today, err, errlen) < 0)
        return -1;
    span(&day, &first, &ndays);
    week_label(this_week, sizeof this_week, first - (first + 3) % 7);
    snprintf(err, errlen, "%s（%s 至 %s）还没有开始：请写本周（%s）或以前的周", p->label, p->from, p->last, this_week);
    return -1;
}

int report_period_week_asked(report_period *p, const char *name, long long now, char *err, size_t errlen)
{
    report_period today;
    report_period_current(&today, now, 1);
    if (report_period_week_named(p, name, now, err, errlen) < 0)
        return -1;
    return report_period_week_begun(p, today.from, err, errlen);
}

void report_period_previous(report_period *prev, const report_period *p)
{
    long long first;
    int ndays;
    char label[16];
    span(p, &first, &ndays);
    label_for(label, sizeof label, first - ndays, ndays);
    fill(prev, label, first - ndays, ndays);
}

void report_period_first_days(report_period *out, const report_period *p, int days)
{
    long long first;
    int ndays;
    span(p, &first, &ndays);
    fill(out, p->label, first, days < 0 ? 0 : days < ndays ? days : ndays);
}

/* The day number of Unix time t in the process's local time zone. */
static long long local_day(long long t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    localtime_r(&tt, &tm);
    return days_of(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

void report_period_current(report_period *p, long long t, int days)
{
    char label[16];
    long long today = local_day(t);
    long long first = days == 7 ? today - (today + 3) % 7 : today;
    label_for(label, sizeof label, first, days);
    fill(p, label, first, days);
}

const char *report_period_name(const report_period *p, char *out, size_t cap)
{
    int y, n, m, d;
    if (sscanf(p->label, "%4d-W%2d", &y, &n) == 2)
        snprintf(out, cap, "%d年第%d周", y, n);
    else if (sscanf(p->label, "%4d-%2d-%2d", &y, &m, &d) == 3)
        snprintf(out, cap, "%d年%d月%d日", y, m, d);
    else
        snprintf(out, cap, "%s", p->label);
    return out;
}

int report_period_days_begun(const report_period *p, long long now)
{
    long long first;
    int ndays;
    span(p, &first, &ndays);
    long long begun = local_day(now) - first + 1;
    return begun < 0 ? 0 : begun > ndays ? ndays : (int)begun;
}
