/* route_worker.h — one routing batch: stream → decisions → PostgreSQL → timers → events → ack.
 *
 * A step takes up to batch_max entries of the routing stream (entries a dead
 * consumer left idle for claim_idle_ms first, then new ones), loads those
 * complaints that are 'new' (imported or reopened) or 'returned', decides
 * each one with route_decide (a returned order without the streets that
 * returned it in this cycle; after max_returns returns straight to manual
 * arbitration), and writes every decision of the batch in one set-based
 * statement: the owner assignment (street office, discipline inspection, or
 * manual dispatch — also when the owner unit does not exist), the
 * co-handling department, the status and category, the accept and resolve
 * deadlines of dispatched orders (in working time on the calendar from the
 * category's limits at the order's urgency, or flat seconds when configured;
 * each planned at its first rung of the escalation ladder, ladder.h; a
 * returned order that goes to manual dispatch keeps its cycle's deadlines
 * with no unit: it is nobody's until a dispatcher gives it to one) and one
 * complaint_events row per order. After the commit: the deadlines' timers
 * (at their first rungs), one "complaint.routed" per order, the ack. Why a batch takes effect once
 * whatever is delivered twice, and what a crash leaves: README.md.
 */
#ifndef JIESU_ROUTE_WORKER_H
#define JIESU_ROUTE_WORKER_H

#include <hiredis/hiredis.h>
#include <libpq-fe.h>
#include <stddef.h>

#include "bus.h"
#include "queue.h"
#include "route_rules.h"

typedef struct {
    PGconn             *pg;               /* everything here is borrowed */
    redisContext       *redis;            /* holds the timers zset */
    queue              *queue;            /* the routing stream and its group */
    bus_pub            *pub;              /* NULL: publish nothing */
    const route_rules  *rules;            /* the decider, calendar and limits */
    const char         *timers_key;       /* timers.key */
    long                accept_seconds;   /* deadline.accept_seconds: > 0 overrides the calendar */
    long                resolve_seconds;  /* deadline.resolve_seconds: > 0 overrides the calendar */
    long                max_returns;      /* assignment.max_returns */
    long                claim_idle_ms;    /* take over entries idle at least this long */
    size_t              batch_max;        /* entries per batch, > 0 */
} route_worker_opts;

typedef struct {
    size_t entries;       /* queue entries taken in this step */
    size_t claimed;       /* of which taken over from idle consumers */
    size_t dispatched;    /* orders given to a street office */
    size_t manual;        /* orders sent to manual dispatch */
    size_t skipped;       /* entries whose order was not (or no longer) 'new' */
    size_t left;          /* orders the database refused to store even for manual dispatch: left on the stream */
    int64_t read_us;      /* where the step's time went, in µs: the stream read (or claim), */
    int64_t load_us;      /* reading the orders from PostgreSQL, */
    int64_t decide_us;    /* deciding them, */
    int64_t write_us;     /* the write and its commit, */
    int64_t after_us;     /* timers, events, conduct parts enqueued and the ack */
} route_batch_stats;

typedef struct route_worker route_worker;

/* A worker over opts (copied; what it points to is borrowed and must outlive
 * the worker). NULL when out of memory or batch_max is 0. */
route_worker *route_worker_new(const route_worker_opts *opts);

/* Runs one batch, waiting up to block_ms for new entries. 0 with *st filled
 * (st->entries == 0 when nothing came), or -1 when Redis or PostgreSQL failed
 * (logged; nothing that was not committed is acked). An order the database
 * refuses to store holds up no other (route_worker.c, write_each). */
int route_worker_step(route_worker *self, int block_ms, route_batch_stats *st);

/* Frees the worker (not what it borrows) and sets *self to NULL. */
void route_worker_destroy(route_worker **self);

#endif
