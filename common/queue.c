/* queue.c — a work queue on a Redis Stream with a consumer group (see queue.h).
 *
 * Handled entries are acknowledged and deleted together (XACK + XDEL in one
 * pipeline), so the stream only ever holds work not yet done: its length is
 * the backlog, and a group created late (from id 0) still sees every entry
 * a producer added before any consumer existed.
 */
#include "queue.h"
#include "log.h"
#include "rconn.h"

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

/* Records "what on stream: reason" as the last error. Returns -1. */
static int fail(queue *self, const char *what, const char *reason)
{
    snprintf(self->err, sizeof self->err, "%s on %s: %s", what, self->stream, reason);
    return -1;
}

/* 0 when r is a reply and not an error; else records why, frees r, returns -1. */
static int check(queue *self, redisReply *r, const char *what)
{
    if (!r)
        return fail(self, what, self->rc->err ? self->rc->errstr : "no reply");
    if (r->type == REDIS_REPLY_ERROR) {
        fail(self, what, r->str);
        freeReplyObject(r);
        return -1;
    }
    self->err[0] = '\0';
    return 0;
}

int queue_ensure_group(queue *self)
{
    /* From id 0, not $: entries added before the group existed are work too. */
    redisReply *r = redisCommand(self->rc, "XGROUP CREATE %s %s 0 MKSTREAM", self->stream, self->group);
    if (r && r->type == REDIS_REPLY_ERROR && strncmp(r->str, "BUSYGROUP", 9) == 0) {
        freeReplyObject(r);
        self->err[0] = '\0';
        return 0;
    }
    if (check(self, r, "XGROUP CREATE") != 0)
        return -1;
    freeReplyObject(r);
    return 0;
}

int queue_add(queue *self, const int64_t *ids, size_t n)
{
    size_t sent = 0;
    for (; sent < n; sent++) {
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)ids[sent]);
        if (redisAppendCommand(self->rc, "XADD %s * id %s", self->stream, id) != REDIS_OK)
            break;
    }
    char why[200];
    if (rconn_drain(self->rc, sent, why, sizeof why) != 0)
        return fail(self, "XADD", why);
    if (sent < n)
        return fail(self, "XADD", self->rc->err ? self->rc->errstr : "out of memory");
    self->err[0] = '\0';
    return 0;
}

/* The number in a reply string: a whole decimal > 0, else -1. */
static int64_t parse_id(const redisReply *v)
{
    if (!v || v->type != REDIS_REPLY_STRING || v->len == 0)
        return -1;
    char *end;
    errno = 0;
    long long n = strtoll(v->str, &end, 10);
    return errno || *end || n <= 0 ? -1 : (int64_t)n;
}

/* Parses one stream entry [entry-id, [field, value, ...]] into item. 0, or -1
 * when it has no numeric "id" field (item->entry_id is set when the entry
 * itself exists; XAUTOCLAIM gives nil for entries deleted meanwhile). */
static int parse_entry(const redisReply *e, queue_item *item)
{
    if (!e || e->type != REDIS_REPLY_ARRAY || e->elements != 2 || e->element[0]->type != REDIS_REPLY_STRING ||
        e->element[0]->len >= sizeof item->entry_id)
        return -1;
    memcpy(item->entry_id, e->element[0]->str, e->element[0]->len + 1);
    const redisReply *fields = e->element[1];
    if (fields->type != REDIS_REPLY_ARRAY)
        return -1;
    for (size_t i = 0; i + 1 < fields->elements; i += 2) {
        const redisReply *name = fields->element[i];
        if (name->type == REDIS_REPLY_STRING && strcmp(name->str, "id") == 0) {
            item->id = parse_id(fields->element[i + 1]);
            return item->id > 0 ? 0 : -1;
        }
    }
    return -1;
}

/* Fills items from an array of entries; malformed ones are acked away. */
static void take_entries(queue *self, const redisReply *entries, queue_item *items, size_t max, size_t *n)
{
    if (entries->type != REDIS_REPLY_ARRAY)
        return;
    for (size_t i = 0; i < entries->elements && *n < max; i++) {
        queue_item item = {0};
        if (parse_entry(entries->element[i], &item) == 0) {
            items[(*n)++] = item;
        } else if (item.entry_id[0]) {
            log_warn("queue %s: entry %s has no numeric id field; dropped", self->stream, item.entry_id);
            if (queue_ack(self, &item, 1) != 0)
                log_warn("queue %s: %s", self->stream, self->err);
        }
    }
}

int queue_read(queue *self, queue_item *items, size_t max, int block_ms, size_t *n)
{
    *n = 0;
    if (max == 0)
        return 0;               /* COUNT 0 would mean "no limit" */
    char count[24], block[24];
    snprintf(count, sizeof count, "%zu", max);
    snprintf(block, sizeof block, "%d", block_ms);
    const char *argv[] = {"XREADGROUP", "GROUP", self->group, self->consumer, "COUNT", count,
                          "BLOCK", block, "STREAMS", self->stream, ">"};
    int argc = (int)(sizeof argv / sizeof *argv);
    if (block_ms <= 0) {        /* BLOCK 0 would mean "forever": leave it out */
        memmove(&argv[6], &argv[8], 3 * sizeof *argv);
        argc -= 2;
    }
    redisReply *r = redisCommandArgv(self->rc, argc, argv, NULL);
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
    if (max == 0)
        return 0;
    redisReply *r = redisCommand(self->rc, "XAUTOCLAIM %s %s %s %ld 0-0 COUNT %lu", self->stream, self->group,
                                 self->consumer, min_idle_ms, (unsigned long)max);
    if (check(self, r, "XAUTOCLAIM") != 0)
        return -1;
    /* Reply (Redis 7): [next-cursor, [entries...], [deleted ids...]]; Redis
     * drops the deleted ids from the pending list itself. */
    if (r->type == REDIS_REPLY_ARRAY && r->elements >= 2)
        take_entries(self, r->element[1], items, max, n);
    if (r->type == REDIS_REPLY_ARRAY && r->elements >= 3 && r->element[2]->type == REDIS_REPLY_ARRAY &&
        r->element[2]->elements > 0)
        log_warn("queue %s: %zu pending entries were deleted from the stream", self->stream,
                 r->element[2]->elements);
    freeReplyObject(r);
    return 0;
}

int queue_ack(queue *self, const queue_item *items, size_t n)
{
    if (n == 0)
        return 0;
    /* argv holds "XACK stream group id..." ; "XDEL stream id..." reuses its ids. */
    const char **argv = malloc((n + 3) * sizeof *argv);
    if (!argv)
        return fail(self, "XACK", "out of memory");
    argv[0] = "XACK";
    argv[1] = self->stream;
    argv[2] = self->group;
    for (size_t i = 0; i < n; i++)
        argv[i + 3] = items[i].entry_id;
    size_t sent = 0;
    if (redisAppendCommandArgv(self->rc, (int)n + 3, argv, NULL) == REDIS_OK) {
        sent++;
        argv[1] = "XDEL";
        argv[2] = self->stream;
        if (redisAppendCommandArgv(self->rc, (int)n + 2, argv + 1, NULL) == REDIS_OK)
            sent++;
    }
    free(argv);
    char why[200];
    if (rconn_drain(self->rc, sent, why, sizeof why) != 0)
        return fail(self, "XACK/XDEL", why);
    if (sent < 2)
        return fail(self, "XACK/XDEL", self->rc->err ? self->rc->errstr : "out of memory");
    self->err[0] = '\0';
    return 0;
}

long queue_pending(queue *self)
{
    redisReply *r = redisCommand(self->rc, "XPENDING %s %s", self->stream, self->group);
    if (check(self, r, "XPENDING") != 0)
        return -1;
    /* Summary form: [count, smallest id, largest id, [[consumer, count]...]]. */
    long n = -1;
    if (r->type == REDIS_REPLY_ARRAY && r->elements >= 1 && r->element[0]->type == REDIS_REPLY_INTEGER)
        n = (long)r->element[0]->integer;
    else
        fail(self, "XPENDING", "unexpected reply");
    freeReplyObject(r);
    return n;
}
