/* route_reconcile.c — re-enqueueing 'new' and 'returned' orders without a routing entry (see route_reconcile.h).
 *
 * Walks the orders waiting for routing by id (keyset pages of `batch`, over the partial
 * index complaints_status) so a large backlog never sits in memory at once.
 */
#include "route_reconcile.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "db.h"

static const char SQL_NEW[] =
    "SELECT id FROM complaints"
    " WHERE status IN ('new', 'returned') AND updated_at < now() - make_interval(secs => $1::float8) AND id > $2::bigint"
    " ORDER BY id LIMIT $3::int";

/* Entries in the stream, or -1 with err. */
static long long stream_length(redisContext *rc, const char *stream, char *err, size_t errlen)
{
    redisReply *r = redisCommand(rc, "XLEN %s", stream);
    long long n = r && r->type == REDIS_REPLY_INTEGER ? r->integer : -1;
    if (n < 0)
        snprintf(err, errlen, "Redis: XLEN %s: %s", stream, r && r->type == REDIS_REPLY_ERROR ? r->str : rc->errstr);
    if (r)
        freeReplyObject(r);
    return n;
}

long route_reconcile(PGconn *pg, redisContext *rc, queue *q, const char *stream, long min_age_s, size_t batch,
                     char *err, size_t errlen)
{
    long long backlog = stream_length(rc, stream, err, errlen);
    if (backlog != 0)
        return backlog < 0 ? -1 : 0;
    int64_t *ids = malloc((batch ? batch : 1) * sizeof *ids);
    if (!ids) {
        snprintf(err, errlen, "route reconcile: out of memory");
        return -1;
    }
    char age[32], after[32] = "0", limit[32];
    snprintf(age, sizeof age, "%ld", min_age_s);
    snprintf(limit, sizeof limit, "%zu", batch);
    long total = 0;
    for (;;) {
        const char *params[] = {age, after, limit};
        PGresult *res = db_query(pg, "find unrouted complaints", SQL_NEW, 3, params, err, errlen);
        if (!res) {
            total = -1;
            break;
        }
        size_t n = (size_t)PQntuples(res);
        for (size_t i = 0; i < n; i++)
            ids[i] = strtoll(PQgetvalue(res, (int)i, 0), NULL, 10);
        PQclear(res);
        if (n == 0)
            break;
        if (queue_add(q, ids, n) != 0) {
            snprintf(err, errlen, "Redis: re-enqueueing %zu unrouted complaints: %s", n, queue_errstr(q));
            total = -1;
            break;
        }
        total += (long)n;
        snprintf(after, sizeof after, "%" PRId64, ids[n - 1]);
        if (n < batch)
            break;
    }
    free(ids);
    return total;
}
