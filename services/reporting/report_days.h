/* report_days.h — keeps the ranked metrics' per-day counts (table
 * report_days, migration 020) up to date for the closed days, on a thread of
 * the reporting service with a PostgreSQL connection of its own.
 *
 * Every REPORT_DAYS_EVERY_MS the thread takes the events watermark (a moment
 * when no transaction that wrote events is open, asked for with a lock_timeout
 * of REPORT_DAYS_LOCK_MS so that writers never wait longer; busy: the next
 * round tries again) and, in one REPEATABLE READ transaction, computes again
 * the days changed since the last round and the days closed since
 * (report_days_refresh in SQL). The first round with nothing stored computes
 * every day. Reports never wait for it: they count live whatever it has not
 * stored yet or what changed since (report_metrics.c), so they are exact
 * whether it runs or not; it only keeps them fast.
 */
#ifndef JIESU_REPORT_DAYS_H
#define JIESU_REPORT_DAYS_H

#include <libpq-fe.h>
#include <stddef.h>

#include "config.h"

#define REPORT_DAYS_EVERY_MS 2000
#define REPORT_DAYS_LOCK_MS  100

typedef struct report_days report_days;

/* One round on pg for time zone tz: 0 (*days = days computed), 1 when
 * writers held the events table or another round ran at the same time (try
 * again later), -1 on failure (err says why). */
int report_days_refresh(PGconn *pg, const char *tz, long *days, char *err, size_t errlen);

/* Starts the thread (pg.conninfo, timezone); NULL with err. */
report_days *report_days_start(const config *cfg, char *err, size_t errlen);

/* Stops the thread (a round in progress finishes first) and frees it. */
void report_days_stop(report_days **self);

#endif
