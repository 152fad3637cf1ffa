/* fixture_report_week.h — the reports' hand-made fortnight
 * (tests/fixtures/report_week.sql), loaded into a transaction rolled back at
 * the end: cmocka group setup and teardown for the tests that read it.
 * Included by test files only (static functions, each test uses what it needs).
 * Needs JIESU_TEST_PG (a migrated database).
 */
#ifndef JIESU_FIXTURE_REPORT_WEEK_H
#define JIESU_FIXTURE_REPORT_WEEK_H

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>

#include "db.h"

#define FIXTURE "tests/fixtures/report_week.sql"
#define EAST "880100001"
#define WEST "880100002"
#define SOUTH "880100003"
#define NORTH "880100004"
#define CG "880100-CG"
#define SJ "880100-SJ"

static inline char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s (run from the repository root)", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static inline void exec_ok(PGconn *pg, const char *sql)
{
    PGresult *res = PQexec(pg, sql);
    if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
        fail_msg("%s", PQerrorMessage(pg));
    PQclear(res);
}

static inline int setup(void **state)
{
    const char *conninfo = getenv("JIESU_TEST_PG");
    char err[256];
    if (!conninfo || !*conninfo) {
        fprintf(stderr, "JIESU_TEST_PG is not set: give the conninfo of a migrated test database\n");
        return -1;
    }
    PGconn *pg = db_connect(conninfo, 5000, err, sizeof err);
    if (!pg)
        fail_msg("PostgreSQL (%s): %s", conninfo, err);
    exec_ok(pg, "BEGIN");
    char *sql = read_all(FIXTURE);
    exec_ok(pg, sql);
    free(sql);
    *state = pg;
    return 0;
}

static inline int teardown(void **state)
{
    PGconn *pg = *state;
    if (pg) {
        exec_ok(pg, "ROLLBACK");
        PQfinish(pg);
    }
    return 0;
}

/* Per test: what a test adds is undone after it, even when it failed. */
static inline int savepoint(void **state)
{
    exec_ok(*state, "SAVEPOINT each_test");
    return 0;
}

static inline int rollback_to_savepoint(void **state)
{
    exec_ok(*state, "ROLLBACK TO SAVEPOINT each_test");
    return 0;
}

#endif
