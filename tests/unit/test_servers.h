/* test_servers.h — the real PostgreSQL and Redis a unit test runs against.
 *
 * tests/run.sh starts both and names them in JIESU_TEST_PG (libpq conninfo
 * of a migrated database, as the stack's superuser: tests create schemas and
 * databases) and JIESU_TEST_REDIS (host:port), with Redis's password in the
 * file JIESU_TEST_REDIS_PASSWORD_FILE. A test that needs
 * one and finds it unset or unreachable fails saying so. Include once per
 * test file, after cmocka.h.
 */
#ifndef JIESU_TEST_SERVERS_H
#define JIESU_TEST_SERVERS_H

#include <hiredis/hiredis.h>
#include <libpq-fe.h>
#include <stdlib.h>

#include "db.h"
#include "rconn.h"

/* A connection to the test database; fails the test when there is none. */
static inline PGconn *test_pg(void)
{
    const char *conninfo = getenv("JIESU_TEST_PG");
    char err[512] = "";
    if (!conninfo || !*conninfo)
        fail_msg("JIESU_TEST_PG is not set: give the conninfo of a migrated test database "
                 "(scripts/stack.sh start DIR REDIS_PORT PG_PORT prints it)");
    PGconn *pg = db_connect(conninfo, 5000, err, sizeof err);
    if (!pg)
        fail_msg("PostgreSQL (%s): %s", conninfo, err);
    return pg;
}

/* Runs sql on pg; fails the test when PostgreSQL refuses it. */
static inline void test_sql(PGconn *pg, const char *sql)
{
    PGresult *res = PQexec(pg, sql);
    if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
        fail_msg("%s: %s", sql, PQresultErrorMessage(res));
    PQclear(res);
}

/* The single value of a query, as a number; fails the test otherwise. */
static inline long test_sql_num(PGconn *pg, const char *sql)
{
    PGresult *res = PQexec(pg, sql);
    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
        fail_msg("%s: %s", sql, PQresultErrorMessage(res));
    long n = atol(PQgetvalue(res, 0, 0));
    PQclear(res);
    return n;
}

/* A connection to the test Redis; fails the test when there is none. */
static inline redisContext *test_redis(void)
{
    const char *addr = getenv("JIESU_TEST_REDIS");
    char err[512] = "";
    if (!addr || !*addr)
        fail_msg("JIESU_TEST_REDIS is not set: point it at a Redis server (host:port; "
                 "scripts/stack.sh start prints it)");
    redisContext *rc = rconn_open(addr, getenv("JIESU_TEST_REDIS_PASSWORD_FILE"), 5000, 2000, err, sizeof err);
    if (!rc)
        fail_msg("Redis at %s: %s", addr, err);
    return rc;
}

#endif
