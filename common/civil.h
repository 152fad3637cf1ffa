/* civil.h — dates of the proleptic Gregorian calendar as day counts since
 * 1970-01-01, and back (H. Hinnant's algorithms): the one conversion the
 * working-day calendar and intake's date reading both use.
 */
#ifndef JIESU_CIVIL_H
#define JIESU_CIVIL_H

/* Days since 1970-01-01 of year y, month m (1-12), day d (1-31). */
long civil_days(int y, int m, int d);

/* Year, month and day of day z (days since 1970-01-01). */
void civil_date(long z, int *y, int *m, int *d);

#endif
