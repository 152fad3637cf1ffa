/* intake_dates.h — the date and time formats hotline exports write, read
 * into a civil date and time (and the offset, when the text gives one).
 *
 * An import profile names the formats its system writes (intake_profile.h);
 * a value is read only in those, so day and month are never guessed row by
 * row: "05/01/2022" is 1 May under mdy and 5 January under dmy, and a profile
 * naming both is refused. The formats:
 *
 *   ymd    2024-04-15 22:51[:30[.250]], 2024/4/15 22:51, 2024.4.15, a date
 *          alone (midnight), ISO 8601 with 'T' and a zone: 2024-04-15T22:51:30Z,
 *          2024-04-15T22:51:30.000, 2024-04-15T22:51:30+08:00 (or +0800, +08)
 *   cn     2024年4月15日 22时51分[30秒], 2024年4月15日 22:51[:30]
 *   mdy    04/15/2024 10:51[:30] PM, 4/15/2024 22:51 (US; '-' or '.' too)
 *   dmy    15/04/2024 22:51[:30] (most of Europe; '-' or '.' too)
 *   excel  Excel serial day numbers: 45397.9521 (days since 1899-12-30, the
 *          fraction the time of day), as a workbook stores a date cell; with
 *          DATES_1904 (a workbook set to the 1904 date system, as Excel for
 *          the Mac made them) days since 1904-01-01, 1462 days later
 *   epoch  a Unix time: 1651363203 (9-10 digits: seconds since 1970-01-01
 *          00:00:00 UTC) or 1651363203000 (12-13 digits: milliseconds, the
 *          milliseconds dropped); an instant, so the profile's time zone
 *          does not apply, as to a time with an offset. The digit counts
 *          keep seconds and milliseconds apart for 1973-2099.
 *
 * Two-digit years (5/1/22) are read in none: the century is a guess, and
 * so is which number is the year (22/5/1?); intake_date_two_digit_year()
 * tells such a value, to be refused saying so.
 *
 * Hours are 0-23, or 1-12 with AM/PM (12 AM is midnight). Years 1970-2099.
 * A time without a zone is local time of the profile's time zone; the
 * conversion to an instant is PostgreSQL's (the import sets the session's
 * TimeZone, see intake_import.c), with the system tz database.
 */
#ifndef JIESU_INTAKE_DATES_H
#define JIESU_INTAKE_DATES_H

#include <stddef.h>

enum {
    DATES_YMD   = 1 << 0,
    DATES_CN    = 1 << 1,
    DATES_MDY   = 1 << 2,
    DATES_DMY   = 1 << 3,
    DATES_EXCEL = 1 << 4,
    DATES_1904  = 1 << 5,   /* not a format: excel serials count from 1904 (the workbook's) */
    DATES_EPOCH = 1 << 6,
};

typedef struct {
    int y, mo, d, h, mi, s;
    int has_offset;         /* the text named its zone */
    int offset_min;         /* then: minutes east of UTC */
} intake_time;

/* Reads s[0..len) (surrounding spaces ignored) in one of formats (DATES_*).
 * 0 with *t; DATE_NOT_REAL when the text is written in one of them but is no
 * real date and time of 1970-2099 (02/30/2022, 24:00, the placeholder
 * 01/01/1900 12:00:00 AM); -1 when it is none of them. */
#define DATE_NOT_REAL (-2)
int intake_date_parse(const char *s, size_t len, unsigned formats, intake_time *t);

/* Seconds from 1970-01-01 00:00:00 to t's civil date and time, its zone
 * left aside (local seconds: comparable with others of the same zone). */
long long intake_date_seconds(const intake_time *t);

/* The civil date and time seconds after 1970-01-01 00:00:00 (no offset). */
void intake_date_from_seconds(long long seconds, intake_time *t);

/* Writes t as PostgreSQL reads a timestamptz: "2024-04-15 22:51:30" (local
 * time of the session's TimeZone) or "2024-04-15 22:51:30+08:00". */
void intake_date_text(const intake_time *t, char out[32]);

/* Reads a list of format names ("ymd cn excel", separated by spaces or
 * commas) into *formats. 0, or -1 with why (an unknown name, none at all,
 * both mdy and dmy). */
int intake_date_formats_parse(const char *list, unsigned *formats, char *why, size_t whylen);

/* The formats, other than those of formats and the one of mdy and dmy they
 * exclude, that read s[0..len) as a real date and time: what a value a
 * profile cannot read is written in (0: none). */
unsigned intake_date_other_formats(const char *s, size_t len, unsigned formats);

/* 1 when s[0..len) is a date whose year has two digits, three numbers of
 * one or two digits (5/1/22, 01.05.22 08:30), a time of day after it or
 * not: what no format reads, and the clerk is to be told why. */
int intake_date_two_digit_year(const char *s, size_t len);

/* How intake_date_formats_text() writes formats. */
typedef enum {
    DATES_AS_TITLES,    /* by example, as the list of profiles shows them to a
                           clerk: "2022-05-01、05/01/2022（月/日/年）" */
    DATES_AS_KEYS,      /* the names a profile writes, an example each, for whoever
                           writes one: "ymd (2022-05-01 00:00:03 ...); mdy (05/01/2022 12:00:03 AM)" */
    DATES_AS_NAMES      /* the names alone, as a profile's dates = line: "ymd mdy" */
} intake_dates_style;

/* Formats as people read them, in style. */
void intake_date_formats_text(unsigned formats, intake_dates_style style, char *out, size_t outlen);

#endif
