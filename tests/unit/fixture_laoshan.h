/* fixture_laoshan.h — test fixture: real servers and the real streets and
 * communities of 崂山区 (370212), for the routing and escalation tests.
 *
 * Included by test files only (functions are static inline so each test uses
 * what it needs). The regions come from data/regions/{streets,communities}.csv
 * (directory $JIESU_DATA_DIR/regions, default data/regions, relative to the
 * repository root where tests run) and are inserted idempotently with their
 * short names, together with one unit per street office and the district's
 * campaign office — whatever `jiesu migrate` already seeded is left alone.
 */
#ifndef JIESU_FIXTURE_LAOSHAN_H
#define JIESU_FIXTURE_LAOSHAN_H

#include <hiredis/hiredis.h>
#include <libpq-fe.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rconn.h"

#define LAOSHAN "370212"

static inline PGconn *fixture_pg(void)
{
    const char *conninfo = getenv("JIESU_TEST_PG");
    if (!conninfo || !*conninfo)
        fail_msg("JIESU_TEST_PG is not set: point it at a migrated PostgreSQL database "
                 "(scripts/stack.sh start/migrate prints it)");
    PGconn *pg = PQconnectdb(conninfo);
    if (PQstatus(pg) != CONNECTION_OK)
        fail_msg("PostgreSQL at JIESU_TEST_PG (%s): %s", conninfo, PQerrorMessage(pg));
    return pg;
}

static inline redisContext *fixture_redis(void)
{
    char err[256];
    const char *addr = getenv("JIESU_TEST_REDIS");
    if (!addr || !*addr)
        fail_msg("JIESU_TEST_REDIS is not set: point it at a Redis server (host:port)");
    redisContext *rc = rconn_open(addr, getenv("JIESU_TEST_REDIS_PASSWORD_FILE"), 5000, 5000, err, sizeof err);
    if (!rc)
        fail_msg("Redis at JIESU_TEST_REDIS: %s", err);
    return rc;
}

/* A tag unique to this run, for ticket numbers and Redis keys. */
static inline void fixture_tag(char *dst, size_t cap, const char *prefix)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(dst, cap, "%s%lld%03ld-%ld", prefix, (long long)ts.tv_sec, ts.tv_nsec / 1000000, (long)getpid());
}

/* Runs one statement; fails the test with the statement on error. The result
 * is returned when rows are wanted (caller PQclear()s), else cleared. */
static inline PGresult *fixture_sqlv(PGconn *pg, int keep, const char *fmt, va_list ap)
{
    char sql[8192];
    int n = vsnprintf(sql, sizeof sql, fmt, ap);
    if (n < 0 || n >= (int)sizeof sql)
        fail_msg("fixture SQL too long: %.80s", fmt);
    PGresult *res = PQexec(pg, sql);
    if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
        fail_msg("%s\n-- in: %s", PQerrorMessage(pg), sql);
    if (keep)
        return res;
    PQclear(res);
    return NULL;
}

static inline void fixture_exec(PGconn *pg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline void fixture_exec(PGconn *pg, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fixture_sqlv(pg, 0, fmt, ap);
    va_end(ap);
}

/* The first column of the first row as a number (0 when NULL or no row). */
static inline long long fixture_num(PGconn *pg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline long long fixture_num(PGconn *pg, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    PGresult *res = fixture_sqlv(pg, 1, fmt, ap);
    va_end(ap);
    long long v = PQntuples(res) && !PQgetisnull(res, 0, 0) ? strtoll(PQgetvalue(res, 0, 0), NULL, 10) : 0;
    PQclear(res);
    return v;
}

/* Inserts the rows of one region CSV (code,name,level,parent_code,…) of 崂山区. */
static inline void fixture_load_csv(PGconn *pg, const char *file, const char *level, const char *suffixes)
{
    char path[1024], line[2048];
    const char *dir = getenv("JIESU_DATA_DIR");
    snprintf(path, sizeof path, "%s/regions/%s", dir && *dir ? dir : "data", file);
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("%s: cannot open (tests run from the repository root, or set JIESU_DATA_DIR)", path);
    while (fgets(line, sizeof line, f)) {
        char *save = NULL, *code = strtok_r(line, ",", &save), *name = strtok_r(NULL, ",", &save);
        strtok_r(NULL, ",", &save);
        char *parent = strtok_r(NULL, ",\r\n", &save);
        if (!code || !name || !parent || strncmp(code, LAOSHAN, 6) != 0)
            continue;
        const char *params[] = {code, name, level, parent, suffixes};
        PGresult *res = PQexecParams(pg,
            "INSERT INTO regions (code, name, short_name, level, parent_code)"
            " VALUES ($1, $2, regexp_replace($2, '(' || $5 || ')$', ''), $3, $4) ON CONFLICT (code) DO NOTHING",
            5, NULL, params, NULL, NULL, 0);
        if (PQresultStatus(res) != PGRES_COMMAND_OK)
            fail_msg("%s: inserting %s: %s", path, code, PQerrorMessage(pg));
        PQclear(res);
    }
    fclose(f);
}

static inline void fixture_seed_laoshan(PGconn *pg)
{
    fixture_exec(pg, "INSERT INTO regions (code, name, short_name, level) VALUES ('%s', '崂山区', '崂山', 'district')"
                     " ON CONFLICT (code) DO NOTHING", LAOSHAN);
    fixture_load_csv(pg, "streets.csv", "street", "街道办事处|街道|镇|乡");
    fixture_load_csv(pg, "communities.csv", "community",
                     "社区居民委员会|社区居委会|居民委员会|村民委员会|村委会|居委会|社区");
    fixture_exec(pg, "INSERT INTO units (code, name, kind, region_code)"
                     " SELECT code, name, 'street', code FROM regions WHERE level = 'street' AND parent_code = '%s'"
                     " ON CONFLICT (code) DO NOTHING", LAOSHAN);
    fixture_exec(pg, "INSERT INTO units (code, name, kind) VALUES ('campaign', '崂山区创城办', 'campaign')"
                     " ON CONFLICT (code) DO NOTHING");
}

#endif
