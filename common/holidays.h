/* holidays.h — the official holiday calendar as data: holiday-cn JSON files
 * (NateScarlet/holiday-cn, one per year, scraped from the State Council's
 * notices), the table holidays in PostgreSQL (migration 012) that is the
 * record of it, and the check that the calendar reaches far enough.
 *
 *   - holidays_parse() / holidays_read_file() / holidays_read_dir(): days
 *     from holiday-cn text, a file, or every NNNN.json file of a directory;
 *     holidays_notice_year(): the year a file is the whole notice of, and
 *     holidays_notice_check(): what keeps it from being one;
 *   - holidays_store(): days into the table (new or changed rows only);
 *   - holidays_complete(): a year's calendar on record whole (table
 *     holiday_years, migration 058): its notice stored, not a day of it;
 *   - holidays_load(): every stored day into a calendar;
 *   - holidays_calendar(): the working calendar whole (configured hours and
 *     every stored day), as routing, escalation and the reports count in;
 *   - holidays_version(): what changes whenever the table does;
 *   - holidays_gap_check(): the first year from this one on whose calendar is
 *     not on record whole, and whether that needs a warning now.
 *
 * Day lists are malloc'd arrays the caller frees with free().
 */
#ifndef JIESU_HOLIDAYS_H
#define JIESU_HOLIDAYS_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "calendar.h"

#define HOLIDAYS_NAME_CHARS 15     /* characters of a day's name typed in, at most (each up to 4 bytes) */

typedef struct {
    char date[11];          /* YYYY-MM-DD, local */
    int  off;               /* 1: a day off; 0: an adjusted working day (调休上班) */
    char name[64];          /* 元旦, 春节 ... ("" when not given) */
} holidays_day;

/* The source `jiesu migrate` stores the bundled notices (data/holidays) as. */
#define HOLIDAYS_BUNDLED_SOURCE "bundled data/holidays"

/* Days from the text of a holiday-cn file: every object of its "days" array
 * with "date", "isOffDay" and optionally "name". what names the text in
 * errors. Sets *days (the caller frees it; NULL when there are none) and *n.
 * 0, or -1 with "WHAT 第 L 行，第 N 天：what is wrong" in err (L: the line
 * reading stopped on; N: the entry of "days"). */
int holidays_parse(const char *text, const char *what, holidays_day **days, size_t *n, char *err, size_t errlen);

/* Reads a file of at most 1 MiB as a NUL-terminated string the caller frees.
 * NULL with "path: reason" in err. */
char *holidays_read_text(const char *path, char *err, size_t errlen);

/* holidays_parse() of one file. */
int holidays_read_file(const char *path, holidays_day **days, size_t *n, char *err, size_t errlen);

/* The year text (a holiday-cn file) is the whole notice of, by its own
 * evidence: its "year", when it names the State Council's paper ("papers")
 * and its days (days, n: holidays_parse() of it) give days off of that year
 * for every official holiday (元旦、春节、清明、劳动节、端午、中秋、国庆, by
 * name); else 0 (2027.json before the notice came out: no days; a file of
 * one day an administrator tries: not the year's notice, which would have
 * made every other weekday of it a working day). */
int holidays_notice_year(const char *text, const holidays_day *days, size_t n);

/* What keeps text from being a whole notice (holidays_notice_year), in words
 * ("没有通知的出处（"papers"）" joined by "，" with "没有清明、劳动节的放假日子"), into
 * buf of cap bytes, "" when nothing does. Returns the year it names ("year"),
 * 0 when none. */
int holidays_notice_check(const char *text, const holidays_day *days, size_t n, char *buf, size_t cap);

/* holidays_parse() of every NNNN.json file of dir, in name order, appended
 * to one list; *files gets how many were read, and *years (the caller frees
 * it) the *nyears years they are the notice of (holidays_notice_year).
 * 0 or -1 with err. */
int holidays_read_dir(const char *dir, holidays_day **days, size_t *n, int *files, int **years, size_t *nyears,
                      char *err, size_t errlen);

/* 1 when date is a real YYYY-MM-DD date, else 0. */
int holidays_valid_date(const char *date);

/* Sets every day of the list on cal. 0, or -1 (out of memory). */
int holidays_apply(calendar *cal, const holidays_day *days, size_t n);

/* Stores days in table holidays, recorded as coming from source. A day
 * already stored is changed when its off flag or name differ and either
 * overwrite is set or it was stored from the same source (a bundled file
 * re-read); otherwise it is kept. Runs in the caller's transaction, if any.
 * Returns how many rows were new or changed, or -1 with the reason in err. */
long holidays_store(PGconn *pg, const holidays_day *days, size_t n, const char *source, int overwrite,
                    char *err, size_t errlen);

/* Records in table holiday_years that year's calendar is stored whole, from
 * source (a year recorded before keeps its first source). Runs in the
 * caller's transaction, if any. 1 when recorded now, 0 when it was before,
 * -1 with the reason in err. */
int holidays_complete(PGconn *pg, int year, const char *source, char *err, size_t errlen);

/* Sets every stored day on cal. Returns how many, or -1 with err. */
long holidays_load(PGconn *pg, calendar *cal, char *err, size_t errlen);

/* A calendar with the working day of the configuration (calendar_from_config)
 * and every stored day (holidays_load); *day_minutes as calendar_from_config
 * sets it. NULL with the reason in err. */
calendar *holidays_calendar(PGconn *pg, const config *cfg, int *day_minutes, char *err, size_t errlen);

/* One year's stored days. */
typedef struct {
    int year;
    int days_off;
    int working_days;   /* adjusted working days (调休上班) */
    int complete;       /* 1: its calendar is on record whole (holidays_complete) */
} holidays_year;

/* Every year with stored days, in order: *years (the caller frees it) and *n.
 * 0 or -1 with err. */
int holidays_years(PGconn *pg, holidays_year **years, size_t *n, char *err, size_t errlen);

/* A text that changes whenever a row of holidays is stored or changed
 * ("count@last change"), in buf. 0 or -1 with err. Routing asks before
 * every batch, so the statement is prepared once per connection. */
int holidays_version(PGconn *pg, char *buf, size_t cap, char *err, size_t errlen);

/* Where the calendar runs out. */
typedef struct {
    int  year;          /* the first year from this one on whose calendar is not on record whole */
    long days;          /* days of it stored all the same (typed in one by one) */
    long pending;       /* pending deadlines (not met, ladder not done) due in it or later */
    int  soon;          /* it is this year, or next year and it is November or December */
} holidays_gap;

/* Checks the stored calendar against the local date of now_s (Unix seconds,
 * local time UTC+utc_offset_min). Returns 1 when a warning is due (soon, or
 * pending > 0) with *gap filled, 0 when not, -1 with err. */
int holidays_gap_check(PGconn *pg, int64_t now_s, int utc_offset_min, holidays_gap *gap, char *err,
                       size_t errlen);

/* The warning for operators, with what to do: "2027 年的国务院节假日安排还没有
 * 载入：... jiesu holidays load 2027.json ..., or the days typed in with
 * jiesu holidays add and then jiesu holidays complete 2027"; with some days
 * stored, "还没有载入完整：只录入了 N 天", the rest counted as working days. */
void holidays_gap_say(const holidays_gap *gap, char *buf, size_t cap);

/* holidays_gap_check() then holidays_gap_say(): the warning due now in buf,
 * "" when none. 0, or -1 with err. */
int holidays_warning(PGconn *pg, int64_t now_s, int utc_offset_min, char *buf, size_t cap, char *err,
                     size_t errlen);

#endif
