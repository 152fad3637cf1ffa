/* clock.h — the two clocks and the time zone, in one place.
 *
 * Wall time (clock_wall_ms) is for times that are stored or shown: it can
 * jump when the system clock is set. Monotonic time (clock_mono_ms, its own
 * type monotime_ms so the two are not mixed up) is for slices, timeouts and
 * intervals: it never goes back. Neither allocates nor fails.
 */
#ifndef JIESU_CLOCK_H
#define JIESU_CLOCK_H

#include <pthread.h>
#include <stdint.h>
#include <time.h>

typedef int64_t monotime_ms; /* milliseconds on the monotonic clock: only differences mean anything */

/* Milliseconds since 1970-01-01 UTC. */
int64_t clock_wall_ms(void);

/* Milliseconds on the monotonic clock. */
monotime_ms clock_mono_ms(void);

/* Microseconds on the monotonic clock, for timing the parts of a piece of work. */
int64_t clock_mono_us(void);

/* A condition variable whose timed waits run on the monotonic clock, and the
 * moment ms from now on that clock, for pthread_cond_timedwait(). */
int clock_cond_init(pthread_cond_t *cond);
struct timespec clock_mono_after(long ms);

/* 1 when name looks like an IANA zone name: letters, digits, "_+-/", no "..",
 * not absolute, under 64 bytes (safe in a path and in SQL text). */
int clock_zone_name_ok(const char *name);

/* 1 when clock_zone_name_ok(name) and the system's zone database has it. */
int clock_zone_known(const char *name);

/* Until when something is held back, as people read it, in the process's
 * TZ: "14:05" on today's date, else with the date, "12月8日 14:05" (a hold
 * may last days: a bare time would say a time of today). The time is
 * given as seconds since the epoch in text, as PostgreSQL's extract(epoch
 * ...) gives it; "" for "". The pages' sessions run in PostgreSQL's own
 * zone, not the city's, so a time they show is formatted here. */
#define CLOCK_UNTIL_LEN 32

/* SQL: timestamptz ts rounded up to its minute, the time a hold is said to
 * end wherever it is shown ("请于 14:05 后再试" for a hold ending at 14:04:30:
 * trying at 14:04:45 would still be refused). Timestamps keep microseconds. */
#define CLOCK_SQL_MINUTE_UP(ts) "date_trunc('minute', (" ts ") + interval '59.999999 seconds')"
void clock_local_until(const char *epoch_s, char out[CLOCK_UNTIL_LEN]);

/* The zone's offset from UTC at the given time, in minutes (east positive).
 * The zone must be known (clock_zone_known). Sets TZ for a moment and puts it
 * back: call at start-up, before threads. */
int clock_zone_offset_min(const char *name, int64_t at_s);

#endif
