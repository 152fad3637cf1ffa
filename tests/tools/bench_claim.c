/* bench_claim.c — what claiming due timers costs: the Redis sorted set the
 * escalation service uses (common/timers, one Lua script per claim) against
 * a PostgreSQL poll with FOR UPDATE SKIP LOCKED, the alternative it was
 * chosen over. Both claim the same N due items 100 at a time until none is
 * left; the poll marks what it claimed, as a poller must to hand items over.
 *
 *   bench_claim REDIS_ADDR PG_CONNINFO N
 *
 * Prints one line per mechanism: seconds and claims per second.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "rconn.h"
#include "timers.h"

#define BATCH 100
#define ADD_CHUNK 10000
#define KEY "bench:claim"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Fills the zset with n members, all due. 0 or -1. */
static int fill_redis(redisContext *rc, long n)
{
    char (*names)[24] = calloc(ADD_CHUNK, sizeof *names);
    char **ptrs = calloc(ADD_CHUNK, sizeof *ptrs);
    int64_t *due = calloc(ADD_CHUNK, sizeof *due);
    int rc_ = names && ptrs && due ? 0 : -1;
    freeReplyObject(redisCommand(rc, "DEL %s", KEY));
    for (long i = 0; rc_ == 0 && i < n; i += ADD_CHUNK) {
        size_t k = 0;
        for (; k < ADD_CHUNK && i + (long)k < n; k++) {
            snprintf(names[k], sizeof names[k], "r%ld", i + (long)k + 1);
            ptrs[k] = names[k];
            due[k] = 1000 + i + (long)k;
        }
        rc_ = timers_add(rc, KEY, ptrs, due, k);
    }
    free(names);
    free(ptrs);
    free(due);
    return rc_;
}

static double claim_redis(redisContext *rc, long n)
{
    char *members[BATCH];
    size_t got;
    long total = 0;
    double t0 = now_s();
    do {
        if (timers_claim_due(rc, KEY, 1LL << 50, 0, BATCH, members, &got) != 0)
            return -1;
        timers_free(members, got);
        total += (long)got;
    } while (got);
    return total == n ? now_s() - t0 : -1;
}

static const char SQL_SETUP[] =
    "DROP TABLE IF EXISTS bench_poll;"
    "CREATE TABLE bench_poll (id bigint PRIMARY KEY, due_at timestamptz NOT NULL, claimed boolean NOT NULL DEFAULT false);"
    "CREATE INDEX bench_poll_due ON bench_poll (due_at) WHERE NOT claimed;";

static const char SQL_CLAIM[] =
    "WITH c AS (SELECT id FROM bench_poll WHERE NOT claimed AND due_at <= now()"
    "           ORDER BY due_at LIMIT 100 FOR UPDATE SKIP LOCKED)"
    " UPDATE bench_poll b SET claimed = true FROM c WHERE b.id = c.id RETURNING b.id";

static double claim_pg(PGconn *pg, long n, char *err, size_t errlen)
{
    char num[24];
    long total = 0;
    int got;
    snprintf(num, sizeof num, "%ld", n);
    const char *params[] = {num};
    if (db_exec(pg, SQL_SETUP, err, errlen) != 0 ||
        db_command(pg, "fill", "INSERT INTO bench_poll (id, due_at)"
                               " SELECT i, now() - interval '1 hour' + i * interval '1 microsecond'"
                               " FROM generate_series(1, $1::bigint) i", 1, params, NULL, err, errlen) != 0 ||
        db_exec(pg, "VACUUM ANALYZE bench_poll", err, errlen) != 0)
        return -1;
    double t0 = now_s();
    do {
        PGresult *res = db_query(pg, "claim", SQL_CLAIM, 0, NULL, err, errlen);
        if (!res)
            return -1;
        got = PQntuples(res);
        total += got;
        PQclear(res);
    } while (got);
    double secs = now_s() - t0;
    if (db_exec(pg, "DROP TABLE bench_poll", err, errlen) != 0)
        return -1;
    if (total != n)
        snprintf(err, errlen, "claimed %ld of %ld", total, n);
    return total == n ? secs : -1;
}

int main(int argc, char **argv)
{
    char err[512];
    if (argc != 4 || atol(argv[3]) <= 0) {
        fprintf(stderr, "usage: bench_claim REDIS_ADDR PG_CONNINFO N\n");
        return 2;
    }
    long n = atol(argv[3]);
    redisContext *rc = rconn_open(argv[1], getenv("JIESU_REDIS_PASSWORD_FILE"), 10000, 5000, err, sizeof err);
    PGconn *pg = rc ? db_connect(argv[2], 5000, err, sizeof err) : NULL;
    if (!rc || !pg) {
        fprintf(stderr, "bench_claim: %s\n", err);
        return 1;
    }
    double r = fill_redis(rc, n) == 0 ? claim_redis(rc, n) : -1;
    char pg_err[512] = "";
    double p = claim_pg(pg, n, pg_err, sizeof pg_err);
    int ok = r > 0 && p > 0;
    if (ok) {
        printf("redis_zset %.3f s %.0f claims/s\n", r, (double)n / r);
        printf("skip_locked %.3f s %.0f claims/s\n", p, (double)n / p);
    } else {
        fprintf(stderr, "bench_claim: a claim run failed%s%s\n", *pg_err ? ": " : " (Redis)", pg_err);
    }
    redisFree(rc);
    PQfinish(pg);
    return ok ? 0 : 1;
}
