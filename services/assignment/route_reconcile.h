/* route_reconcile.h — re-enqueueing orders whose routing entry was lost
 * (committed, then not enqueued: the crash window and why enqueueing twice is
 * harmless are in README.md).
 */
#ifndef JIESU_ROUTE_RECONCILE_H
#define JIESU_ROUTE_RECONCILE_H

#include <hiredis/hiredis.h>
#include <libpq-fe.h>
#include <stddef.h>

#include "queue.h"

/* Enqueues, batch ids at a time, every complaint still 'new' or 'returned'
 * whose last change is more than min_age_s seconds old (younger ones may still be on their way).
 * Does nothing while the stream named `stream` on rc still holds entries: a
 * backlog reaches those orders anyway, and re-adding a large one would only
 * double the work; the next pass after it drains finds what was lost.
 * Returns the number of ids enqueued, or -1 with the reason in err. */
long route_reconcile(PGconn *pg, redisContext *rc, queue *q, const char *stream, long min_age_s, size_t batch,
                     char *err, size_t errlen);

#endif
