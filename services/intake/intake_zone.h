/* intake_zone.h — the local times an import's time zone skips or repeats
 * (summer time), found among the rows' called_at and told to the clerk.
 *
 * A time without an offset is local time of the profile's zone, and
 * PostgreSQL makes it an instant (intake_import.c). Where the zone's clocks
 * jump forward (America/New_York, 2022-03-13 02:00 → 03:00) the local times
 * of the jump do not exist; where they fall back (2022-11-06 02:00 → 01:00)
 * an hour of local times happens twice. PostgreSQL reads a skipped time with
 * the offset before the jump (02:30 as 03:30 summer time, after a call at
 * 03:00) and a repeated one with the offset after the fall (01:30 as the
 * second 01:30); nothing in the file says what was meant, so the clerk is
 * told how many rows, the first of them, and how it was read.
 *
 * A time written with an offset (Open311's requested_datetime,
 * 2022-05-01T00:03:45-04:00) is an instant whatever the zone; but the
 * import records its zone (imports.timezone) for the order page to show
 * the call's time on the exporting system's clock, 当地时间. A zone that
 * did not have that offset then (the open311 profile's UTC for New York's
 * -04:00) is not the clock the time was written on: such rows are counted,
 * the clerk is told, and the import records no zone, so no page shows the
 * call at 04:03 当地时间 UTC where the caller's clock read 00:03.
 *
 * The zone's changes come from PostgreSQL's tz database, the one that makes
 * the instants, a local year at a time: the first row of a year not asked
 * about yet waits, with the rows after it of that year, until
 * intake_zone_learn() asks (the import asks between batches, when no COPY
 * is under way: at most a batch's rows wait).
 */
#ifndef JIESU_INTAKE_ZONE_H
#define JIESU_INTAKE_ZONE_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "intake_dates.h"

enum { ZONE_SKIPPED = 0, ZONE_REPEATED = 1, ZONE_KINDS = 2 };

typedef struct intake_zone intake_zone;

/* A checker for local times of zone (an IANA name PostgreSQL knows; the
 * string is copied). NULL when out of memory. */
intake_zone *intake_zone_new(const char *zone);

/* Notes the called_at t of file row `row`; a time with an offset is checked
 * against the zone's offset then. 0, or -1 when out of memory. */
int intake_zone_see(intake_zone *self, const intake_time *t, uint64_t row);

/* Asks PostgreSQL (pg free: no COPY under way) for the zone's changes in the
 * years seen and not yet asked about, and sorts the rows that waited for
 * them. 0 (also when none waited), or -1 with why. */
int intake_zone_learn(intake_zone *self, PGconn *pg, char *why, size_t whylen);

/* 1 when every time learned so far was on the zone's clock (written without
 * an offset, or with the zone's offset then): the zone to record for the
 * import; else 0. */
int intake_zone_fits(const intake_zone *self);

/* Into res (intake_import.h): the rows found of each kind, and for each
 * kind found a note the clerk reads: how many, the first, how it was read
 * and what to do; then the rows written with another zone's offset, if
 * any, and that the import records no zone. */
struct intake_result;
void intake_zone_note(const intake_zone *self, struct intake_result *res);

/* Frees the checker and sets *self to NULL. */
void intake_zone_destroy(intake_zone **self);

#endif
