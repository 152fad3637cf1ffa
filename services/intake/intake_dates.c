/* intake_dates.c — reading the date formats of hotline exports (see intake_dates.h).
 *
 * A small cursor over the text: each format is a sequence of digit runs and
 * literals, tried in turn on the same text; the first that reads the whole
 * text wins. Formats cannot both match one text except mdy and dmy, which a
 * profile may not name together.
 */
#include "intake_dates.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"

#define YEAR_MIN 1970
#define YEAR_MAX 2099
#define EXCEL_1970 25569    /* Excel serial day number of 1970-01-01 */
#define EXCEL_2100 73051    /* ... of 2100-01-01 */
#define EXCEL_1904 1462     /* days from the 1900 date system's day 0 to the 1904 system's */

static const struct {
    const char *name;
    unsigned    bit;
    const char *example;
    const char *title;      /* as a clerk knows it */
} FORMATS[] = {
    {"ymd", DATES_YMD, "2022-05-01 00:00:03, 2022/5/1 0:00, 2022-05-01T00:00:03-04:00", "2022-05-01"},
    {"cn", DATES_CN, "2022年5月1日 0时0分", "2022年5月1日"},
    {"mdy", DATES_MDY, "05/01/2022 12:00:03 AM", "05/01/2022（月/日/年）"},
    {"dmy", DATES_DMY, "01/05/2022 00:00:03", "01/05/2022（日/月/年）"},
    {"excel", DATES_EXCEL, "44682.0000347", "Excel 日期数值"},
    {"epoch", DATES_EPOCH, "1651363203, 1651363203000", "1651363203（Unix 时间戳：1970-01-01 UTC 起的秒数或毫秒数）"},
};
#define NFORMATS (sizeof FORMATS / sizeof FORMATS[0])

typedef struct {
    const char *p, *end;
} cursor;

/* Reads min..max digits not followed by another digit. 0 or -1. */
static int take_digits(cursor *c, int min, int max, int *out)
{
    int n = 0, v = 0;
    while (c->p < c->end && n < max && *c->p >= '0' && *c->p <= '9') {
        v = v * 10 + (*c->p++ - '0');
        n++;
    }
    if (n < min || (c->p < c->end && *c->p >= '0' && *c->p <= '9'))
        return -1;
    *out = v;
    return 0;
}

/* Reads exactly two digits, whatever follows (the +0800 of a zone). 0 or -1. */
static int take_pair(cursor *c, int *out)
{
    if (c->end - c->p < 2 || c->p[0] < '0' || c->p[0] > '9' || c->p[1] < '0' || c->p[1] > '9')
        return -1;
    *out = (c->p[0] - '0') * 10 + (c->p[1] - '0');
    c->p += 2;
    return 0;
}

/* Consumes lit when the input continues with it. 1 if it did. */
static int take(cursor *c, const char *lit)
{
    size_t n = strlen(lit);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, lit, n) != 0)
        return 0;
    c->p += n;
    return 1;
}

/* Consumes one of the characters of set. The character, or 0. */
static char take_one_of(cursor *c, const char *set)
{
    if (c->p < c->end && *c->p && strchr(set, *c->p))
        return *c->p++;
    return 0;
}

static int skip_spaces(cursor *c)
{
    const char *start = c->p;
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
        c->p++;
    return c->p > start;
}

static int days_in_month(int y, int m)
{
    static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dim[m - 1];
}

/* Excel's serial day number (days since 1899-12-30, fraction = time of day;
 * shift days more in the 1904 date system). */
static int parse_excel(cursor c, long shift, intake_time *t)
{
    char buf[32];
    size_t len = (size_t)(c.end - c.p), dot = 0;
    while (dot < len && c.p[dot] >= '0' && c.p[dot] <= '9')
        dot++;
    if (dot != 5 || len >= sizeof buf || (dot < len && (c.p[dot] != '.' || dot + 1 == len)))
        return -1;
    for (size_t i = dot + 1; i < len; i++)
        if (c.p[i] < '0' || c.p[i] > '9')
            return -1;
    memcpy(buf, c.p, len);
    buf[len] = '\0';
    double v = strtod(buf, NULL) + (double)shift;
    if (v < EXCEL_1970 || v >= EXCEL_2100)
        return -1;
    long days = (long)floor(v);
    long secs = lround((v - (double)days) * 86400.0);
    if (secs >= 86400) {
        days++;
        secs -= 86400;
    }
    civil_date(days - EXCEL_1970, &t->y, &t->mo, &t->d);
    t->h = (int)(secs / 3600);
    t->mi = (int)(secs / 60 % 60);
    t->s = (int)(secs % 60);
    return t->y <= YEAR_MAX ? 0 : -1;
}

/* A Unix time: 9-10 digits of seconds since 1970-01-01 00:00:00 UTC, or
 * 12-13 of milliseconds (the milliseconds dropped), an instant in UTC. */
static int parse_epoch(cursor c, intake_time *t)
{
    long long v = 0;
    int n = 0;
    for (; c.p < c.end && *c.p >= '0' && *c.p <= '9' && n < 14; c.p++, n++)
        v = v * 10 + (*c.p - '0');
    if (c.p != c.end || !(n == 9 || n == 10 || n == 12 || n == 13))
        return -1;
    intake_date_from_seconds(n > 10 ? v / 1000 : v, t);
    t->has_offset = 1;
    t->offset_min = 0;
    return 0;
}

/* " AM" / "PM" after a time of day: turns a 12-hour clock into 24. 0, or -1
 * when the hour cannot be read on a 12-hour clock. */
static int take_meridiem(cursor *c, intake_time *t)
{
    cursor save = *c;
    skip_spaces(c);
    char m = take_one_of(c, "AaPp");
    if (!m || !take_one_of(c, "Mm")) {
        *c = save;
        return 0;
    }
    if (t->h < 1 || t->h > 12)
        return -1;
    t->h = (t->h % 12) + (m == 'P' || m == 'p' ? 12 : 0);
    return 0;
}

/* Z, +08:00, +0800, +08, -04:00 after a time. 0, or -1 for a broken one. */
static int take_zone(cursor *c, intake_time *t)
{
    int zh, zm = 0;
    skip_spaces(c);
    if (take(c, "Z") || take(c, "UTC")) {
        t->has_offset = 1;
        t->offset_min = 0;
        return 0;
    }
    char sign = take_one_of(c, "+-");
    if (!sign)
        return 0;
    if (take_pair(c, &zh) < 0)
        return -1;
    take(c, ":");
    if (c->p < c->end && take_pair(c, &zm) < 0)
        return -1;
    if (zh > 14 || zm > 59)
        return -1;
    t->has_offset = 1;
    t->offset_min = (sign == '-' ? -1 : 1) * (zh * 60 + zm);
    return 0;
}

/* H:MM[:SS[.fff]] */
static int take_clock(cursor *c, intake_time *t)
{
    if (take_digits(c, 1, 2, &t->h) < 0 || !take(c, ":") || take_digits(c, 2, 2, &t->mi) < 0)
        return -1;
    if (take(c, ":")) {
        if (take_digits(c, 2, 2, &t->s) < 0)
            return -1;
        if (take_one_of(c, ".,"))
            while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
                c->p++;
    }
    return 0;
}

/* The time of day after a date: nothing (midnight), or a separator and a
 * clock, with AM/PM and, when zoned, a zone. 0 or -1. */
static int take_time_of_day(cursor *c, intake_time *t, int iso_t, int zoned)
{
    if (c->p == c->end)
        return 0;
    if (!(iso_t && take(c, "T")) && !skip_spaces(c))
        return -1;
    if (take_clock(c, t) < 0 || take_meridiem(c, t) < 0)
        return -1;
    return zoned ? take_zone(c, t) : 0;
}

/* 22时51分[30秒] or a clock, after a Chinese date. */
static int take_cn_time(cursor *c, intake_time *t)
{
    skip_spaces(c);
    if (c->p == c->end)
        return 0;
    cursor save = *c;
    if (take_digits(c, 1, 2, &t->h) == 0 && take(c, "时") && take_digits(c, 1, 2, &t->mi) == 0 && take(c, "分")) {
        if (c->p < c->end && (take_digits(c, 1, 2, &t->s) < 0 || !take(c, "秒")))
            return -1;
        return 0;
    }
    *c = save;
    return take_clock(c, t);
}

static int parse_ymd(cursor c, intake_time *t)
{
    char sep;
    if (take_digits(&c, 4, 4, &t->y) < 0 || !(sep = take_one_of(&c, "-/.")) || take_digits(&c, 1, 2, &t->mo) < 0
        || !take_one_of(&c, (char[]){sep, 0}) || take_digits(&c, 1, 2, &t->d) < 0)
        return -1;
    return take_time_of_day(&c, t, 1, 1) == 0 && c.p == c.end ? 0 : -1;
}

static int parse_cn(cursor c, intake_time *t)
{
    if (take_digits(&c, 4, 4, &t->y) < 0 || !take(&c, "年") || take_digits(&c, 1, 2, &t->mo) < 0
        || !take(&c, "月") || take_digits(&c, 1, 2, &t->d) < 0)
        return -1;
    take(&c, "日");
    return take_cn_time(&c, t) == 0 && c.p == c.end ? 0 : -1;
}

/* mdy or dmy: two 1-2 digit numbers and a 4-digit year. */
static int parse_xxy(cursor c, intake_time *t, int month_first)
{
    int a, b;
    char sep;
    if (take_digits(&c, 1, 2, &a) < 0 || !(sep = take_one_of(&c, "/-.")) || take_digits(&c, 1, 2, &b) < 0
        || !take_one_of(&c, (char[]){sep, 0}) || take_digits(&c, 4, 4, &t->y) < 0)
        return -1;
    t->mo = month_first ? a : b;
    t->d = month_first ? b : a;
    return take_time_of_day(&c, t, 0, 0) == 0 && c.p == c.end ? 0 : -1;
}

static int valid(const intake_time *t)
{
    return t->y >= YEAR_MIN && t->y <= YEAR_MAX && t->mo >= 1 && t->mo <= 12 && t->d >= 1
        && t->d <= days_in_month(t->y, t->mo) && t->h >= 0 && t->h <= 23 && t->mi >= 0 && t->mi <= 59
        && t->s >= 0 && t->s <= 59;
}

/* Tries one format on c (formats: for DATES_1904). 0 when it reads the
 * whole text as a real date, DATE_NOT_REAL when as another, else -1. */
static int try_format(cursor c, unsigned bit, unsigned formats, intake_time *t)
{
    *t = (intake_time){0};
    int r = -1;
    switch (bit) {
    case DATES_YMD:   r = parse_ymd(c, t); break;
    case DATES_CN:    r = parse_cn(c, t); break;
    case DATES_MDY:   r = parse_xxy(c, t, 1); break;
    case DATES_DMY:   r = parse_xxy(c, t, 0); break;
    case DATES_EXCEL: r = parse_excel(c, formats & DATES_1904 ? EXCEL_1904 : 0, t); break;
    case DATES_EPOCH: r = parse_epoch(c, t); break;
    default:          break;
    }
    if (r != 0)
        return -1;
    return valid(t) ? 0 : DATE_NOT_REAL;
}

int intake_date_parse(const char *s, size_t len, unsigned formats, intake_time *t)
{
    cursor c = {s, s + len};
    skip_spaces(&c);
    while (c.end > c.p && (c.end[-1] == ' ' || c.end[-1] == '\t'))
        c.end--;
    int r = -1;
    for (size_t i = 0; i < NFORMATS; i++) {
        int got = (formats & FORMATS[i].bit) ? try_format(c, FORMATS[i].bit, formats, t) : -1;
        if (got == 0)
            return 0;
        if (got == DATE_NOT_REAL)
            r = got;
    }
    return r;
}

long long intake_date_seconds(const intake_time *t)
{
    return (long long)civil_days(t->y, t->mo, t->d) * 86400 + t->h * 3600 + t->mi * 60 + t->s;
}

void intake_date_from_seconds(long long seconds, intake_time *t)
{
    long long days = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
    long long secs = seconds - days * 86400;
    *t = (intake_time){0};
    civil_date((long)days, &t->y, &t->mo, &t->d);
    t->h = (int)(secs / 3600);
    t->mi = (int)(secs / 60 % 60);
    t->s = (int)(secs % 60);
}

void intake_date_text(const intake_time *t, char out[32])
{
    /* every value is in range once parsed; the modulos only tell the compiler so */
    int n = snprintf(out, 32, "%04u-%02u-%02u %02u:%02u:%02u", (unsigned)t->y % 10000, (unsigned)t->mo % 100,
                     (unsigned)t->d % 100, (unsigned)t->h % 100, (unsigned)t->mi % 100, (unsigned)t->s % 100);
    if (t->has_offset && n > 0 && n < 32) {
        unsigned off = (unsigned)(t->offset_min < 0 ? -t->offset_min : t->offset_min);
        snprintf(out + n, (size_t)(32 - n), "%c%02u:%02u", t->offset_min < 0 ? '-' : '+', off / 60 % 100,
                 off % 60);
    }
}

int intake_date_formats_parse(const char *list, unsigned *formats, char *why, size_t whylen)
{
    *formats = 0;
    for (const char *p = list; *p;) {
        size_t n = strcspn(p, " ,\t");
        size_t i = 0;
        while (n > 0 && i < NFORMATS && (strlen(FORMATS[i].name) != n || strncmp(FORMATS[i].name, p, n) != 0))
            i++;
        if (n > 0 && i == NFORMATS) {
            snprintf(why, whylen, "不认识的日期格式“%.*s”（可用：ymd cn mdy dmy excel epoch）", (int)n, p);
            return -1;
        }
        if (n > 0)
            *formats |= FORMATS[i].bit;
        p += n;
        p += strspn(p, " ,\t");
    }
    if (!*formats) {
        snprintf(why, whylen, "没有写日期格式（ymd cn mdy dmy excel epoch）");
        return -1;
    }
    if ((*formats & DATES_MDY) && (*formats & DATES_DMY)) {
        snprintf(why, whylen, "mdy 和 dmy 同时写了：05/01/2022 既可能是日在前也可能是月在前；"
                              "只写导出系统用的那一种");
        return -1;
    }
    return 0;
}

int intake_date_two_digit_year(const char *s, size_t len)
{
    cursor c = {s, s + len};
    intake_time t = {0};
    int a;
    char sep;
    skip_spaces(&c);
    while (c.end > c.p && (c.end[-1] == ' ' || c.end[-1] == '\t'))
        c.end--;
    return take_digits(&c, 1, 2, &a) == 0 && (sep = take_one_of(&c, "/-.")) && take_digits(&c, 1, 2, &a) == 0
        && take_one_of(&c, (char[]){sep, 0}) && take_digits(&c, 1, 2, &a) == 0
        && take_time_of_day(&c, &t, 0, 0) == 0 && c.p == c.end;
}

unsigned intake_date_other_formats(const char *s, size_t len, unsigned formats)
{
    unsigned found = 0, excluded = formats;
    excluded |= formats & DATES_MDY ? DATES_DMY : 0;
    excluded |= formats & DATES_DMY ? DATES_MDY : 0;
    for (size_t i = 0; i < NFORMATS; i++) {
        intake_time t;
        if (!(excluded & FORMATS[i].bit) && intake_date_parse(s, len, FORMATS[i].bit, &t) == 0)
            found |= FORMATS[i].bit;
    }
    return found;
}

void intake_date_formats_text(unsigned formats, intake_dates_style style, char *out, size_t outlen)
{
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < NFORMATS; i++) {
        if (!(formats & FORMATS[i].bit) || n >= outlen)
            continue;
        int w = style == DATES_AS_KEYS ? snprintf(out + n, outlen - n, "%s%s (%s)", n ? "; " : "", FORMATS[i].name,
                                                  FORMATS[i].example)
              : style == DATES_AS_NAMES ? snprintf(out + n, outlen - n, "%s%s", n ? " " : "", FORMATS[i].name)
                                        : snprintf(out + n, outlen - n, "%s%s", n ? "、" : "", FORMATS[i].title);
        n += w > 0 ? (size_t)w : 0;
    }
}
