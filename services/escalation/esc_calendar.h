/* esc_calendar.h — the working calendar escalation counts in, and owns.
 *
 * What it does:
 *   - loads the calendar (working hours from calendar.*, days from table
 *     holidays) and loads it again whenever the table changed;
 *   - stores days an operator gives (the "holidays.request" of jiesu
 *     holidays, esc_api.c), with the year a file is the notice of as on
 *     record whole, and, in the same transaction, moves every deadline
 *     not yet met whose working time the new days change: its working time
 *     from started_at to due_at on the old calendar is counted again on the
 *     new one (2026-12-31 17:00 + 1 working day: 2027-01-01 17:00 before
 *     元旦 2027 was stored, 2027-01-04 17:00 after); a deadline still climbing
 *     its ladder is planned again from the new due_at;
 *   - records a year typed in day by day as on record whole, when an
 *     administrator says so (jiesu holidays complete), and takes that
 *     back (jiesu holidays incomplete);
 *   - takes out a day an administrator stored by mistake (jiesu holidays
 *     remove), re-timing the deadlines as a store does;
 *   - warns in the log when the calendar runs out (holidays_gap_check): at
 *     start-up, after each change and every hour while it lasts.
 * Ownership: the calendar is the module's; ctx->cal is pointed at it after
 * every load, and a calendar replaced is freed.
 */
#ifndef JIESU_ESC_CALENDAR_H
#define JIESU_ESC_CALENDAR_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "esc_ctx.h"
#include "holidays.h"

typedef struct {
    calendar     *cal;              /* NULL until the first load */
    const config *cfg;              /* borrowed: calendar.* keys */
    int           utc_offset_min;
    char          version[64];      /* holidays_version() of the loaded calendar */
    int64_t       next_warn_ms;
} esc_calendar;

typedef struct {
    long stored;                    /* days new or changed */
    long unchanged;                 /* days given that were already stored as given */
    long retimed;                   /* deadlines moved onto the new calendar */
    int  completed;                 /* 1: the year given is on record whole from now on */
} esc_calendar_stats;

/* Checks the calendar.* keys. 0, or -1 with the reason in err. */
int esc_calendar_init(esc_calendar *self, const config *cfg, char *err, size_t errlen);

/* Loads the calendar when the table changed since the last load (always the
 * first time) and points ctx->cal at it; logs the warning when due (real_now_ms
 * paces it). 0, or -1 (logged) when it could not be read: the calendar loaded
 * before stays, and without one the caller must not fire anything. */
int esc_calendar_refresh(esc_calendar *self, esc_ctx *ctx, int64_t real_now_ms);

/* Who stores days, and from where: the record of the change. */
typedef struct {
    const char *actor;      /* the principal's name */
    const char *action;     /* holidays.load (a file), holidays.add (days typed in), holidays.complete,
                               holidays.incomplete, holidays.remove */
    const char *from;       /* the file's name, "typed in", or the year completed or taken back ("2027 年") */
} esc_calendar_by;

/* Stores days (holidays.source "<from> by <actor>", overwriting what is
 * stored) and re-times the deadlines they change, in one transaction with an
 * admin_events row naming by->actor, the days that changed, their years and
 * the year made whole (none when no day changed and no year became whole),
 * then loads the new calendar. year, when not 0, is the year
 * the days are the whole notice of (holidays_notice_year), on record whole
 * from then on. 0, or -1 with the reason in err (nothing stored). */
int esc_calendar_store(esc_calendar *self, esc_ctx *ctx, const holidays_day *days, size_t n, int year,
                       const esc_calendar_by *by, esc_calendar_stats *st, char *err, size_t errlen);

/* Records year as on record whole (its days typed in, by->actor says), with
 * an admin_events row when it was not before; st->completed says which. The
 * caller checks that the year holds a day off. 0, or -1 with err. */
int esc_calendar_complete(esc_calendar *self, esc_ctx *ctx, int year, const esc_calendar_by *by,
                          esc_calendar_stats *st, char *err, size_t errlen);

/* Takes back year as on record whole (an administrator's jiesu holidays
 * complete by mistake), in one statement with an admin_events row
 * (by->action); its days stay as stored, so no deadline moves, and the
 * warning that its calendar is missing is said again. 0; 1 when the year is
 * not on record whole or is a bundled notice's, which jiesu migrate makes
 * whole again (err says which and what to do); -1 with err. */
int esc_calendar_incomplete(esc_calendar *self, esc_ctx *ctx, int year, const esc_calendar_by *by, char *err,
                            size_t errlen);

/* Takes out the day date (YYYY-MM-DD) an administrator stored (loaded or
 * typed in; the bundled notices' days `jiesu migrate` would store again
 * stay) and re-times the deadlines it changes, in one transaction with an
 * admin_events row (holidays.remove, the day as it was); st->stored is 1.
 * 0; 1 when no such day is stored, or it is a bundled one (err says which
 * and what to do); -1 with err. */
int esc_calendar_remove(esc_calendar *self, esc_ctx *ctx, const char *date, const esc_calendar_by *by,
                        esc_calendar_stats *st, char *err, size_t errlen);

/* Frees the calendar. */
void esc_calendar_finish(esc_calendar *self);

#endif
