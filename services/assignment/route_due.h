/* route_due.h — the new 办结 deadline a unit asks for (申请延期, `jiesu extend`
 * and the order page's form), read from what a person typed.
 *
 * Accepted, in the city's time (`timezone`), full-width digits and
 * punctuation read as ASCII, spaces around ignored:
 *   2026-12-20, 2026/12/20, 2026年12月20日      that day at calendar.day_end
 *                                              (the end of its working day:
 *                                              a deadline then is due that day)
 *   any of them followed by 12:00 or 12:00:00   that time (after a space or T;
 *                                              after 日 no space is needed)
 * Months, days and hours may have one digit (2026-12-5 9:00). Anything else,
 * and a date or time that does not exist (2026-02-30, 24:00), is refused
 * saying the forms to write (ROUTE_DUE_FORMS).
 */
#ifndef JIESU_ROUTE_DUE_H
#define JIESU_ROUTE_DUE_H

#include <stddef.h>

/* The forms, as a refusal names them. */
#define ROUTE_DUE_FORMS "写日期，如 2026-12-20（当天下班时到期），或日期和时间，如 2026-12-20 12:00"

/* "YYYY-MM-DD HH:MM:SS" and its NUL. */
#define ROUTE_DUE_TEXT 20

/* Reads typed into out (a local date and time for PostgreSQL's timestamp),
 * a date alone taking day_end ("17:30", calendar.day_end). 0, or -1 with
 * err saying what was typed and what to write. */
int route_due_parse(const char *typed, const char *day_end, char out[ROUTE_DUE_TEXT], char *err, size_t errlen);

#endif
