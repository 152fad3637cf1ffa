/* queue.h — a work queue on a Redis Stream with a consumer group.
 *
 * Entries carry one field, "id", holding a complaint id: PostgreSQL is the
 * record, the queue only says what to look at. A consumer reads a batch with
 * queue_read(), commits its effect in PostgreSQL, then queue_ack()s it. Entries
 * a dead consumer held are taken over with queue_claim_stale() (XAUTOCLAIM).
 * Because a message can come back after a failover, consumers must be
 * idempotent: re-handling an entry changes nothing.
 */
#ifndef JIESU_QUEUE_H
#define JIESU_QUEUE_H

#include <hiredis/hiredis.h>
#include <stddef.h>
#include <stdint.h>

typedef struct queue queue;

typedef struct {
    char    entry_id[32];   /* stream entry id, e.g. "1700000000000-0" */
    int64_t id;             /* the complaint id it carries */
} queue_item;

/* Makes a queue over a borrowed Redis context (not freed by the queue).
 * consumer names this process within the group (e.g. "assignment-4242").
 * Returns NULL when out of memory. */
queue *queue_new(redisContext *rc, const char *stream, const char *group, const char *consumer);

/* Creates the group (and the stream) if missing. 0 or -1. */
int queue_ensure_group(queue *self);

/* Appends ids with one pipelined round of XADD. 0 or -1. */
int queue_add(queue *self, const int64_t *ids, size_t n);

/* Reads up to max new entries for this consumer, blocking up to block_ms
 * (0 or less: not at all; keep it below the context's command timeout, see
 * rconn.h). Entries whose id field is not a number are acked and skipped
 * (logged). *n gets the count. 0 or -1. */
int queue_read(queue *self, queue_item *items, size_t max, int block_ms, size_t *n);

/* Claims up to max entries idle for at least min_idle_ms from any consumer
 * (this one included) and returns them like queue_read(). 0 or -1. */
int queue_claim_stale(queue *self, long min_idle_ms, queue_item *items, size_t max, size_t *n);

/* Acknowledges and deletes handled entries. 0 or -1. */
int queue_ack(queue *self, const queue_item *items, size_t n);

/* Entries read but not yet acknowledged by any consumer, or -1. */
long queue_pending(queue *self);

/* The last error, "" when none. */
const char *queue_errstr(const queue *self);

/* Frees the queue (not the Redis context) and sets *self to NULL. */
void queue_destroy(queue **self);

#endif
