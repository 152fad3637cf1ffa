/* civil.h — dates of the proleptic Gregorian calendar as day counts since
 * 1970-01-01, and back (H. Hinnant's algorithms): the one conversion the
 * working-day calendar and intake's date reading both use.
 */
#ifndef JIESU_CIVIL_H
#define JIESU_CIVIL_H

#include <stddef.h>
#include <stdint.h>

/* Days since 1970-01-01 of year y, month m (1-12), day d (1-31). */
long civil_days(int y, int m, int d);

/* Year, month and day of day z (days since 1970-01-01). */
void civil_date(long z, int *y, int *m, int *d);

/* Unix time t as the city's time as people read it, "2026-11-22 10:00"
 * (offset_min east of UTC), with no offset beside it, into dst (cap bytes,
 * 17 and more). Machine-readable times (webhooks' created_at, the API's)
 * stay ISO 8601 with their offset. */
void civil_format_minute(char *dst, size_t cap, int64_t t, int offset_min);

#endif
