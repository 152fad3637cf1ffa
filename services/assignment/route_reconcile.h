/* route_reconcile.h — re-enqueueing orders whose routing entry was lost.
 *
 * Intake commits complaints, then adds their ids to the routing stream; a
 * crash or a Redis failover between the two leaves orders 'new' in
 * PostgreSQL that no entry points to; the same holds for orders a unit
 * returned or a callback reopened (route_actions.c enqueues them after the
 * commit). The reconciler finds them and enqueues
 * them again; routing is idempotent, so an order enqueued twice is harmless.
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
 * Returns the number of ids enqueued, or -1 (logged). */
long route_reconcile(PGconn *pg, redisContext *rc, queue *q, const char *stream, long min_age_s, size_t batch);

#endif
