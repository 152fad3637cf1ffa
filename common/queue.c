/* queue.c — a work queue on a Redis Stream with a consumer group (see queue.h). */
#include "queue.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct queue {
    redisContext *rc;
    char         *stream, *group, *consumer;
    char          err[256];
};

queue *queue_new(redisContext *rc, const char *stream, const char *group, const char *consumer)
{
    queue *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->rc = rc;
    self->stream = strdup(stream);
    self->group = strdup(group);
    self->consumer = strdup(consumer);
    if (!self->stream || !self->group || !self->consumer)
        queue_destroy(&self);
    return self;
}

void queue_destroy(queue **pself)
{
    if (!pself || !*pself)
        return;
    free((*pself)->stream);
    free((*pself)->group);
    free((*pself)->consumer);
    free(*pself);
    *pself = NULL;
}

const char *queue_errstr(const queue *self)
{
    return self->err;
}

/* Records why a reply is bad; returns -1 (and frees the reply) or 0. */
static int check(queue *self, redisReply *r, const char *what)
{
    if (!r) {
        snprintf(self->err, sizeof self->err, "%s on %s: %s", what, self->stream,
                 self->rc->err ? self->rc->errstr : "no reply");
        return -1;
    }
    if (r->type == REDIS_REPLY_ERROR) {
        snprintf(self->err, sizeof self->err, "%s on %s: %s", what, self->stream, r->str);
        freeReplyObject(r);
        return -1;
    }
    self->err[0] = '\0';
    return 0;
}

int queue_ensure_group(queue *self)
{
    redisReply *r = redisCommand(self->rc, "XGROUP CREATE %s %s 0 MKSTREAM", self->stream, self->group);
    if (r && r->type == REDIS_REPLY_ERROR && strncmp(r->str, "BUSYGROUP", 9) == 0) {
        freeReplyObject(r);
        return 0;
    }
    if (check(self, r, "XGROUP CREATE") != 0)
        return -1;
    freeReplyObject(r);
    return 0;
}

int queue_add(queue *self, const int64_t *ids, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)ids[i]);
        if (redisAppendCommand(self->rc, "XADD %s * id %s", self->stream, id) != REDIS_OK) {
            snprintf(self->err, sizeof self->err, "XADD on %s: %s", self->stream, self->rc->errstr);
            return -1;
        }
    }
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        redisReply *r = NULL;
        if (redisGetReply(self->rc, (void **)&r) != REDIS_OK)
            r = NULL;
        if (check(self, r, "XADD") != 0) {
            rc = -1;
            if (!r && self->rc->err)
                return -1;      /* connection lost: the rest of the replies are gone too */
            continue;
        }
        freeReplyObject(r);
    }
    return rc;
}

/* Parses one stream entry [id, [field, value, ...]] into item. 0, or -1 when
 * the entry has no numeric "id" field (it has been deleted or is malformed). */
static int parse_entry(const redisReply *e, queue_item *item)
{
    if (!e || e->type != REDIS_REPLY_ARRAY || e->elements != 2 || e->element[0]->type != REDIS_REPLY_STRING)
        return -1;
    snprintf(item->entry_id, sizeof item->entry_id, "%s", e->element[0]->str);
    const redisReply *fields = e->element[1];
    if (fields->type != REDIS_REPLY_ARRAY)
        return -1;
    for (size_t i = 0; i + 1 < fields->elements; i += 2) {
        if (strcmp(fields->element[i]->str, "id") != 0)
            continue;
        char *end;
        errno = 0;
        long long v = strtoll(fields->element[i + 1]->str, &end, 10);
        if (errno || *end || end == fields->element[i + 1]->str || v <= 0)
            return -1;
        item->id = v;
        return 0;
    }
    return -1;
}

/* Fills items from an array of entries; malformed ones are acked away. */
static int take_entries(queue *self, const redisReply *entries, queue_item *items, size_t max, size_t *n)
{
    for (size_t i = 0; i < entries->elements && *n < max; i++) {
        queue_item item = {0};
        if (parse_entry(entries->element[i], &item) == 0) {
            items[(*n)++] = item;
        } else if (item.entry_id[0]) {
            log_warn("queue %s: entry %s has no numeric id field; dropped", self->stream, item.entry_id);
            queue_ack(self, &item, 1);
        }
    }
    return 0;
}

int queue_read(queue *self, queue_item *items, size_t max, int block_ms, size_t *n)
{
    *n = 0;
    redisReply *r = redisCommand(self->rc, "XREADGROUP GROUP %s %s COUNT %zu BLOCK %d STREAMS %s >", self->group,
                                 self->consumer, max, block_ms, self->stream);
    if (check(self, r, "XREADGROUP") != 0)
        return -1;
    /* Reply: nil on timeout, else [[stream, [entries...]]]. */
    if (r->type == REDIS_REPLY_ARRAY && r->elements == 1 && r->element[0]->type == REDIS_REPLY_ARRAY &&
        r->element[0]->elements == 2)
        take_entries(self, r->element[0]->element[1], items, max, n);
    freeReplyObject(r);
    return 0;
}

int queue_claim_stale(queue *self, long min_idle_ms, queue_item *items, size_t max, size_t *n)
{
    *n = 0;
    redisReply *r = redisCommand(self->rc, "XAUTOCLAIM %s %s %s %ld 0-0 COUNT %zu", self->stream, self->group,
                                 self->consumer, min_idle_ms, max);
    if (check(self, r, "XAUTOCLAIM") != 0)
        return -1;
    /* Reply (Redis 7): [next-cursor, [entries...], [deleted ids...]]. */
    if (r->type == REDIS_REPLY_ARRAY && r->elements >= 2 && r->element[1]->type == REDIS_REPLY_ARRAY)
        take_entries(self, r->element[1], items, max, n);
    if (r->type == REDIS_REPLY_ARRAY && r->elements >= 3 && r->element[2]->type == REDIS_REPLY_ARRAY)
        for (size_t i = 0; i < r->element[2]->elements; i++)
            log_warn("queue %s: pending entry %s was deleted from the stream", self->stream,
                     r->element[2]->element[i]->str);
    freeReplyObject(r);
    return 0;
}

int queue_ack(queue *self, const queue_item *items, size_t n)
{
    if (n == 0)
        return 0;
    const char **argv = malloc((n + 3) * sizeof *argv);
    if (!argv)
        return -1;
    argv[1] = self->stream;
    for (size_t i = 0; i < n; i++)
        argv[i + 3] = items[i].entry_id;
    argv[0] = "XACK";
    argv[2] = self->group;
    redisAppendCommandArgv(self->rc, (int)n + 3, argv, NULL);
    argv[1] = "XDEL";           /* XDEL stream id...: the same ids, one slot on */
    argv[2] = self->stream;
    redisAppendCommandArgv(self->rc, (int)n + 2, argv + 1, NULL);
    free(argv);
    int rc = 0;
    for (int i = 0; i < 2; i++) {
        redisReply *r = NULL;
        if (redisGetReply(self->rc, (void **)&r) != REDIS_OK)
            r = NULL;
        if (check(self, r, i == 0 ? "XACK" : "XDEL") != 0) {
            rc = -1;
            if (!r)
                break;
            continue;
        }
        freeReplyObject(r);
    }
    return rc;
}

long queue_pending(queue *self)
{
    redisReply *r = redisCommand(self->rc, "XPENDING %s %s", self->stream, self->group);
    if (check(self, r, "XPENDING") != 0)
        return -1;
    long n = r->type == REDIS_REPLY_ARRAY && r->elements >= 1 ? (long)r->element[0]->integer : -1;
    freeReplyObject(r);
    return n;
}
