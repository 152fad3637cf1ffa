/* test_db.c — the libpq helpers against a real PostgreSQL (JIESU_TEST_PG):
 * connecting and giving up, statements and transactions, statements
 * prepared once per connection, COPY round trips of awkward text, failing
 * COPYs, and migrations applied once, in numeric order, each file all or
 * nothing. A failure writes PostgreSQL's whole reason into
 * the caller's err and logs nothing.
 *
 * Every test works in a schema of its own (search_path), so the database may
 * also hold the real migrations; the schema is dropped afterwards.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_servers.h"

#include <stdio.h>
#include <stdlib.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "log.h"
#include "test_capture.h"

typedef struct {
    PGconn *pg;
    char    schema[64];
    char    dir[64];            /* migrations directory, "" until made */
    char    err[1024];          /* what the db_* calls write when they fail */
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    char sql[160];
    f->pg = test_pg();
    snprintf(f->schema, sizeof f->schema, "test_db_%ld_%ld", (long)getpid(), (long)time(NULL));
    snprintf(sql, sizeof sql, "CREATE SCHEMA %s", f->schema);
    test_sql(f->pg, sql);
    snprintf(sql, sizeof sql, "SET search_path TO %s", f->schema);
    test_sql(f->pg, sql);
    *state = f;
    return 0;
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *out = fopen(path, "w");
    assert_non_null(out);
    fputs(text, out);
    fclose(out);
}

static void remove_dir(const char *dir)
{
    static const char *const names[] = {"001_first.sql", "002_second.sql", "9_nine.sql", "10_ten.sql",
                                        "003_broken.sql", "notes.txt", "readme.sql"};
    char path[256];
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

static int teardown(void **state)
{
    fixture *f = *state;
    char sql[160];
    db_rollback(f->pg);
    snprintf(sql, sizeof sql, "DROP SCHEMA %s CASCADE", f->schema);
    test_sql(f->pg, sql);
    PQfinish(f->pg);
    if (f->dir[0])
        remove_dir(f->dir);
    free(f);
    return 0;
}

static void make_dir(fixture *f)
{
    snprintf(f->dir, sizeof f->dir, "/tmp/test_db_%ld_XXXXXX", (long)getpid());
    assert_non_null(mkdtemp(f->dir));
}

/* ---- connecting ---- */

static long mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void test_connect_gives_up_after_wait(void **state)
{
    (void)state;
    char err[512] = "";
    long start = mono_ms();
    PGconn *pg = db_connect("host=127.0.0.1 port=1 dbname=nowhere user=jiesu password=secret connect_timeout=2",
                            400, err, sizeof err);
    long took = mono_ms() - start;
    assert_null(pg);
    assert_true(took >= 400);                       /* it kept trying for wait_ms */
    assert_true(took < 10000);
    assert_non_null(strstr(err, "PostgreSQL at 127.0.0.1:1/nowhere: "));
    assert_null(strstr(err, "secret"));             /* the password stays out of messages */
    assert_null(strchr(err, '\n'));
}

/* ---- statements and transactions ---- */

static void test_query_and_command(void **state)
{
    fixture *f = *state;
    assert_int_equal(db_exec(f->pg, "CREATE TABLE t (id int PRIMARY KEY, name text)", f->err, sizeof f->err), 0);
    const char *p1[] = {"1", "张三"}, *p2[] = {"2", NULL};
    long affected = -1;
    assert_int_equal(db_command(f->pg, "insert one", "INSERT INTO t VALUES ($1, $2)", 2, p1, &affected,
                                f->err, sizeof f->err), 0);
    assert_int_equal(affected, 1);
    assert_int_equal(db_command(f->pg, "insert two", "INSERT INTO t VALUES ($1, $2)", 2, p2, NULL,
                                f->err, sizeof f->err), 0);
    assert_int_equal(db_command(f->pg, "rename", "UPDATE t SET name = 'x'", 0, NULL, &affected,
                                f->err, sizeof f->err), 0);
    assert_int_equal(affected, 2);

    const char *id[] = {"1"};
    PGresult *res = db_query(f->pg, "lookup", "SELECT name FROM t WHERE id = $1", 1, id, f->err, sizeof f->err);
    assert_non_null(res);
    assert_int_equal(PQntuples(res), 1);
    assert_string_equal(PQgetvalue(res, 0, 0), "x");
    PQclear(res);

    /* failures: NULL / -1, and the connection still works afterwards */
    assert_null(db_query(f->pg, "bad syntax", "SELEC nothing", 0, NULL, f->err, sizeof f->err));
    assert_null(db_query(f->pg, "missing table", "SELECT * FROM no_such_table", 0, NULL, f->err, sizeof f->err));
    assert_int_equal(db_command(f->pg, "duplicate", "INSERT INTO t VALUES ($1, $2)", 2, p1, &affected,
                                f->err, sizeof f->err), -1);
    assert_int_equal(db_exec(f->pg, "DROP TABLE no_such_table", f->err, sizeof f->err), -1);
    assert_int_equal(test_sql_num(f->pg, "SELECT count(*) FROM t"), 2);
}

/* Takes the answer to the query sent, waiting on the socket between reads: the result of db_take_result(). */
static int take(fixture *f, const char *label, PGresult **res)
{
    int rc;
    while ((rc = db_take_result(f->pg, label, res, f->err, sizeof f->err)) == 0) {
        struct pollfd p = {.fd = PQsocket(f->pg), .events = POLLIN};
        poll(&p, 1, 1000);
    }
    return rc;
}

/* A query sent without waiting: nothing is in while it waits on a lock held
 * elsewhere, then the whole answer; a failed one names itself, and the
 * connection goes on. */
static void test_query_sent_without_waiting(void **state)
{
    fixture *f = *state;
    PGresult *res = NULL;
    PGconn *holder = test_pg();
    const char *n[] = {"3"};
    test_sql(holder, "SELECT pg_advisory_lock(4242)");
    assert_int_equal(db_send_query(f->pg, "locked count",
                                   "SELECT count(*) FROM generate_series(1, $1::int), pg_advisory_xact_lock(4242)",
                                   1, n, f->err, sizeof f->err), 0);
    for (int i = 0; i < 3; i++)
        assert_int_equal(db_take_result(f->pg, "locked count", &res, f->err, sizeof f->err), 0);
    test_sql(holder, "SELECT pg_advisory_unlock(4242)");
    PQfinish(holder);
    assert_int_equal(take(f, "locked count", &res), 1);
    assert_string_equal(PQgetvalue(res, 0, 0), "3");
    PQclear(res);
    res = NULL;
    assert_int_equal(db_send_query(f->pg, "missing table", "SELECT * FROM no_such_table", 0, NULL, f->err,
                                   sizeof f->err), 0);
    assert_int_equal(take(f, "missing table", &res), -1);
    assert_null(res);
    assert_non_null(strstr(f->err, "missing table failed: "));
    assert_int_equal(test_sql_num(f->pg, "SELECT 7"), 7);
}

static void test_transactions(void **state)
{
    fixture *f = *state;
    assert_int_equal(db_exec(f->pg, "CREATE TABLE t (id int PRIMARY KEY)", f->err, sizeof f->err), 0);
    db_rollback(f->pg);                             /* nothing open: harmless */

    assert_int_equal(db_begin(f->pg, f->err, sizeof f->err), 0);
    assert_int_equal(db_exec(f->pg, "INSERT INTO t VALUES (1)", f->err, sizeof f->err), 0);
    db_rollback(f->pg);
    assert_int_equal(test_sql_num(f->pg, "SELECT count(*) FROM t"), 0);

    assert_int_equal(db_begin(f->pg, f->err, sizeof f->err), 0);
    assert_int_equal(db_exec(f->pg, "INSERT INTO t VALUES (2)", f->err, sizeof f->err), 0);
    assert_int_equal(db_commit(f->pg, f->err, sizeof f->err), 0);
    assert_int_equal(test_sql_num(f->pg, "SELECT count(*) FROM t"), 1);

    /* a failed statement aborts the transaction; rollback recovers it */
    assert_int_equal(db_begin(f->pg, f->err, sizeof f->err), 0);
    assert_int_equal(db_exec(f->pg, "INSERT INTO t VALUES (2)", f->err, sizeof f->err), -1);
    assert_int_equal(PQtransactionStatus(f->pg), PQTRANS_INERROR);
    db_rollback(f->pg);
    assert_int_equal(PQtransactionStatus(f->pg), PQTRANS_IDLE);
    assert_int_equal(test_sql_num(f->pg, "SELECT count(*) FROM t"), 1);

    /* committing an aborted transaction is a failure, not a success */
    assert_int_equal(db_begin(f->pg, f->err, sizeof f->err), 0);
    assert_int_equal(db_exec(f->pg, "INSERT INTO t VALUES (3)", f->err, sizeof f->err), 0);
    assert_int_equal(db_exec(f->pg, "INSERT INTO t VALUES (2)", f->err, sizeof f->err), -1);
    assert_int_equal(db_commit(f->pg, f->err, sizeof f->err), -1);
    assert_non_null(strstr(f->err, "rolled back"));
    assert_int_equal(PQtransactionStatus(f->pg), PQTRANS_IDLE);
    assert_int_equal(test_sql_num(f->pg, "SELECT count(*) FROM t"), 1);
}

/* ---- prepared statements ---- */

static long plus_one(fixture *f, const char *name, const char *n)
{
    const char *p[] = {n};
    PGresult *res = db_prepared(f->pg, name, "SELECT $1::int + 1", 1, p);
    assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
    long v = atol(PQgetvalue(res, 0, 0));
    PQclear(res);
    return v;
}

static int occurrences(const char *text, const char *what)
{
    int n = 0;
    for (const char *p = text; (p = strstr(p, what)) != NULL; p += strlen(what))
        n++;
    return n;
}

/* Each name is parsed once per connection, and no first run fails (each
 * failure was an ERROR in PostgreSQL's log): read from libpq's trace of what
 * went to the server and came back. Again after a reset; again after a
 * DEALLOCATE by hand, and once for a PREPARE by hand (one failure each);
 * never inside a transaction block, where a name already prepared runs as
 * such (one prepared by db_prepare() before the BEGIN too), another as an
 * unnamed statement, and one deallocated behind the list's back fails
 * once, to be prepared again at its next run outside. */
static void test_prepared_once(void **state)
{
    fixture *f = *state;
    FILE *trace = tmpfile();
    assert_non_null(trace);
    PQtrace(f->pg, trace);
    PQsetTraceFlags(f->pg, PQTRACE_SUPPRESS_TIMESTAMPS);
    assert_int_equal(plus_one(f, "t_plus", "1"), 2);
    assert_int_equal(plus_one(f, "t_plus", "2"), 3);
    assert_int_equal(db_begin(f->pg, f->err, sizeof f->err), 0);
    assert_int_equal(plus_one(f, "t_plus", "3"), 4);
    assert_int_equal(plus_one(f, "t_other", "4"), 5);
    assert_int_equal(db_commit(f->pg, f->err, sizeof f->err), 0);
    assert_int_equal(plus_one(f, "t_other", "5"), 6);
    PQreset(f->pg);
    assert_int_equal(PQstatus(f->pg), CONNECTION_OK);
    assert_int_equal(plus_one(f, "t_plus", "6"), 7);
    test_sql(f->pg, "DEALLOCATE t_plus");
    assert_int_equal(plus_one(f, "t_plus", "7"), 8);
    test_sql(f->pg, "PREPARE t_hand AS SELECT $1::int + 1");
    assert_int_equal(plus_one(f, "t_hand", "8"), 9);
    assert_int_equal(plus_one(f, "t_hand", "9"), 10);
    assert_int_equal(db_prepare(f->pg, "t_ready", "SELECT $1::int + 1", 1, f->err, sizeof f->err), 0);
    assert_int_equal(db_prepare(f->pg, "t_ready", "SELECT $1::int + 1", 1, f->err, sizeof f->err), 0);
    assert_int_equal(db_begin(f->pg, f->err, sizeof f->err), 0);
    assert_int_equal(db_prepare(f->pg, "t_late", "SELECT $1::int + 1", 1, f->err, sizeof f->err), 0);
    assert_int_equal(plus_one(f, "t_ready", "10"), 11);
    assert_int_equal(db_commit(f->pg, f->err, sizeof f->err), 0);
    test_sql(f->pg, "DEALLOCATE t_ready");
    assert_int_equal(db_begin(f->pg, f->err, sizeof f->err), 0);
    const char *eleven[] = {"11"};
    PGresult *res = db_prepared(f->pg, "t_ready", "SELECT $1::int + 1", 1, eleven);
    assert_true(db_failed_with(res, DB_INVALID_STATEMENT));
    PQclear(res);
    db_rollback(f->pg);
    assert_int_equal(plus_one(f, "t_ready", "12"), 13);
    PQuntrace(f->pg);

    static char text[1 << 16];
    rewind(trace);
    size_t len = fread(text, 1, sizeof text - 1, trace);
    assert_true(len < sizeof text - 1);     /* the whole trace, so the counts are whole */
    text[len] = '\0';
    fclose(trace);
    assert_int_equal(occurrences(text, "Parse\t \"t_plus\""), 3);
    assert_int_equal(occurrences(text, "Parse\t \"t_other\""), 1);
    assert_int_equal(occurrences(text, "Parse\t \"t_hand\""), 1);
    assert_int_equal(occurrences(text, "Bind\t \"\" \"t_plus\""), 6);     /* "3" inside the block; "7" twice */
    assert_int_equal(occurrences(text, "Parse\t \"t_ready\""), 2);
    assert_int_equal(occurrences(text, "Bind\t \"\" \"t_ready\""), 3);
    assert_int_equal(occurrences(text, "\"t_late\""), 0);
    assert_int_equal(occurrences(text, "ErrorResponse"), 3);
}

/* A failure's code, exact or by its class; a success and NULL have none. */
static void test_failed_with(void **state)
{
    fixture *f = *state;
    PGresult *res = PQexec(f->pg, "SELECT 1 / 0");          /* 22012: division by zero */
    assert_true(db_failed_with(res, "22012"));
    assert_true(db_failed_with(res, DB_DATA_EXCEPTION));
    assert_false(db_failed_with(res, DB_INTEGRITY));
    assert_false(db_failed_with(res, DB_QUERY_CANCELED));
    PQclear(res);
    res = PQexec(f->pg, "SELECT 1");
    assert_false(db_failed_with(res, DB_DATA_EXCEPTION));
    PQclear(res);
    assert_false(db_failed_with(NULL, DB_DATA_EXCEPTION));
}

/* ---- COPY ---- */

static void test_copy_escape(void **state)
{
    (void)state;
    char buf[32];
    size_t len = 0;
    assert_int_equal(db_copy_escape(buf, sizeof buf, &len, "a\tb\nc\\d\re"), 0);
    assert_int_equal(len, 13);
    assert_memory_equal(buf, "a\\tb\\nc\\\\d\\re", 13);
    assert_int_equal(db_copy_escape(buf, sizeof buf, &len, NULL), 0);
    assert_memory_equal(buf + 13, "\\N", 2);
    assert_int_equal(len, 15);
    assert_int_equal(db_copy_escape(buf, sizeof buf, &len, ""), 0);
    assert_int_equal(len, 15);
    assert_int_equal(db_copy_escape(buf, sizeof buf, &len, "崂山"), 0);   /* UTF-8 goes as it is */
    assert_int_equal(len, 21);

    /* does not fit: -1, *len unchanged and nothing written past it */
    char small[8];
    memset(small, '#', sizeof small);
    len = 2;
    assert_int_equal(db_copy_escape(small, sizeof small, &len, "abcde\t"), -1);  /* needs 7, 6 left */
    assert_int_equal(len, 2);
    assert_int_equal(db_copy_escape(small, sizeof small, &len, "a\t\t\t"), -1);  /* needs 7 */
    assert_int_equal(len, 2);
    for (size_t i = 2; i < sizeof small; i++)
        assert_int_equal(small[i], '#');
    assert_int_equal(db_copy_escape(small, sizeof small, &len, "ab\tc"), 0);    /* exactly 5 */
    assert_int_equal(len, 7);
    assert_int_equal(db_copy_escape(small, sizeof small, &len, NULL), -1);
    len = 6;
    assert_int_equal(db_copy_escape(small, sizeof small, &len, NULL), 0);
    assert_int_equal(len, 8);
}

static const char *const AWKWARD[] = {
    "plain",
    "tab\there",
    "line\nbreak",
    "carriage\rreturn",
    "back\\slash\\N",
    "\\.",                      /* the old end-of-data marker, on a line of its own */
    NULL,
    "",
    "噪音扰民\t金家岭街道\n晚上十点后",
    "ends with backslash\\",
};
#define N_AWKWARD (sizeof AWKWARD / sizeof *AWKWARD)

static void test_copy_round_trip(void **state)
{
    fixture *f = *state;
    assert_int_equal(db_exec(f->pg, "CREATE TABLE c (id int PRIMARY KEY, body text)", f->err, sizeof f->err), 0);
    assert_int_equal(db_copy_start(f->pg, "COPY c (id, body) FROM STDIN", f->err, sizeof f->err), 0);
    for (size_t i = 0; i < N_AWKWARD; i++) {
        char line[256];
        size_t len = (size_t)snprintf(line, sizeof line, "%zu\t", i);
        assert_int_equal(db_copy_escape(line, sizeof line - 1, &len, AWKWARD[i]), 0);
        line[len++] = '\n';
        assert_int_equal(db_copy_put(f->pg, line, len, f->err, sizeof f->err), 0);
    }
    assert_int_equal(db_copy_end(f->pg, f->err, sizeof f->err), 0);

    PGresult *res = db_query(f->pg, "read back", "SELECT id, body FROM c ORDER BY id", 0, NULL, f->err, sizeof f->err);
    assert_non_null(res);
    assert_int_equal(PQntuples(res), N_AWKWARD);
    for (int i = 0; i < (int)N_AWKWARD; i++) {
        assert_int_equal(atoi(PQgetvalue(res, i, 0)), i);
        if (!AWKWARD[i])
            assert_true(PQgetisnull(res, i, 1));
        else
            assert_string_equal(PQgetvalue(res, i, 1), AWKWARD[i]);
    }
    PQclear(res);
}

static void test_copy_many_rows_in_buffers(void **state)
{
    fixture *f = *state;
    assert_int_equal(db_exec(f->pg, "CREATE TABLE c (id int PRIMARY KEY, body text)", f->err, sizeof f->err), 0);
    assert_int_equal(db_copy_start(f->pg, "COPY c FROM STDIN", f->err, sizeof f->err), 0);
    char buf[8192];
    size_t len = 0;
    for (int i = 1; i <= 5000; i++) {
        char row[64];
        int n = snprintf(row, sizeof row, "%d\t第%d行\n", i, i);
        if (len + (size_t)n > sizeof buf) {
            assert_int_equal(db_copy_put(f->pg, buf, len, f->err, sizeof f->err), 0);
            len = 0;
        }
        memcpy(buf + len, row, (size_t)n);
        len += (size_t)n;
    }
    assert_int_equal(db_copy_put(f->pg, buf, len, f->err, sizeof f->err), 0);
    assert_int_equal(db_copy_end(f->pg, f->err, sizeof f->err), 0);
    assert_int_equal(test_sql_num(f->pg, "SELECT count(*) FROM c"), 5000);
    assert_int_equal(test_sql_num(f->pg, "SELECT count(*) FROM c WHERE body = '第' || id || '行'"), 5000);
}

/* Queued: 200,000 rows put without blocking (pumped now and then), sent
 * at the end; a failing queued COPY leaves the connection blocking and usable. */
static void test_copy_queued(void **state)
{
    fixture *f = *state;
    assert_int_equal(db_exec(f->pg, "CREATE TABLE c (id int PRIMARY KEY, body text)", f->err, sizeof f->err), 0);
    assert_int_equal(db_copy_start_queued(f->pg, "COPY c FROM STDIN", f->err, sizeof f->err), 0);
    assert_int_equal(PQisnonblocking(f->pg), 1);
    for (int i = 1; i <= 200000; i++) {
        char row[64];
        int n = snprintf(row, sizeof row, "%d\tqueued row %d\n", i, i);
        assert_int_equal(db_copy_put(f->pg, row, (size_t)n, f->err, sizeof f->err), 0);
        if (i % 1000 == 0)
            db_copy_pump(f->pg);
    }
    assert_int_equal(db_copy_end(f->pg, f->err, sizeof f->err), 0);
    assert_int_equal(PQisnonblocking(f->pg), 0);
    assert_int_equal(test_sql_num(f->pg, "SELECT count(*) FROM c"), 200000);

    assert_int_equal(db_copy_start_queued(f->pg, "COPY c FROM STDIN", f->err, sizeof f->err), 0);
    const char *rows = "200001\tnew\n7\tstored already\n";
    assert_int_equal(db_copy_put(f->pg, rows, strlen(rows), f->err, sizeof f->err), 0);
    assert_int_equal(db_copy_end(f->pg, f->err, sizeof f->err), -1);
    assert_non_null(strstr(f->err, "duplicate key"));
    assert_int_equal(PQisnonblocking(f->pg), 0);
    assert_int_equal(test_sql_num(f->pg, "SELECT count(*) FROM c"), 200000);
}

static void test_copy_failures(void **state)
{
    fixture *f = *state;
    assert_int_equal(db_exec(f->pg, "CREATE TABLE c (id int PRIMARY KEY, body text)", f->err, sizeof f->err), 0);

    /* bad data: the error arrives only at the end */
    assert_int_equal(db_copy_start(f->pg, "COPY c FROM STDIN", f->err, sizeof f->err), 0);
    assert_int_equal(db_copy_put(f->pg, "1\tfine\n", 7, f->err, sizeof f->err), 0);
    assert_int_equal(db_copy_put(f->pg, "two\tnot a number\n", 17, f->err, sizeof f->err), 0);
    assert_int_equal(db_copy_end(f->pg, f->err, sizeof f->err), -1);
    assert_int_equal(test_sql_num(f->pg, "SELECT count(*) FROM c"), 0);

    /* a constraint violation inside a transaction aborts it, and err says why */
    assert_int_equal(db_begin(f->pg, f->err, sizeof f->err), 0);
    assert_int_equal(db_copy_start(f->pg, "COPY c FROM STDIN", f->err, sizeof f->err), 0);
    assert_int_equal(db_copy_put(f->pg, "1\ta\n1\tb\n", 8, f->err, sizeof f->err), 0);
    assert_int_equal(db_copy_end(f->pg, f->err, sizeof f->err), -1);
    assert_non_null(strstr(f->err, "duplicate key"));
    assert_null(strchr(f->err, '\n'));
    db_rollback(f->pg);

    /* too many columns */
    assert_int_equal(db_copy_start(f->pg, "COPY c FROM STDIN", f->err, sizeof f->err), 0);
    assert_int_equal(db_copy_put(f->pg, "1\ta\textra\n", 11, f->err, sizeof f->err), 0);
    assert_int_equal(db_copy_end(f->pg, f->err, sizeof f->err), -1);

    /* not a COPY, or a COPY of a missing table */
    assert_int_equal(db_copy_start(f->pg, "SELECT 1", f->err, sizeof f->err), -1);
    assert_int_equal(db_copy_start(f->pg, "COPY no_such_table FROM STDIN", f->err, sizeof f->err), -1);

    /* the connection is usable after all of that */
    assert_int_equal(PQtransactionStatus(f->pg), PQTRANS_IDLE);
    assert_int_equal(db_copy_start(f->pg, "COPY c FROM STDIN", f->err, sizeof f->err), 0);
    assert_int_equal(db_copy_put(f->pg, "7\tok\n", 5, f->err, sizeof f->err), 0);
    assert_int_equal(db_copy_end(f->pg, f->err, sizeof f->err), 0);
    assert_int_equal(test_sql_num(f->pg, "SELECT count(*) FROM c"), 1);
}

/* ---- migrations ---- */

static const char FIRST_SQL[] =
    "-- 001: a table and a function whose body holds semicolons\n"
    "CREATE TABLE items (id int PRIMARY KEY, label text NOT NULL);\n"
    "CREATE FUNCTION item_label(n int) RETURNS text LANGUAGE plpgsql AS $$\n"
    "DECLARE s text;\n"
    "BEGIN\n"
    "    s := 'item ' || n || ';';\n"
    "    RETURN s;\n"
    "END $$;\n";

static const char SECOND_SQL[] =
    "INSERT INTO items SELECT g, item_label(g) FROM generate_series(1, 3) g;\n"
    "CREATE INDEX items_label ON items (label);\n";

static void test_migrate_twice(void **state)
{
    fixture *f = *state;
    make_dir(f);
    write_file(f->dir, "001_first.sql", FIRST_SQL);
    write_file(f->dir, "002_second.sql", SECOND_SQL);
    write_file(f->dir, "notes.txt", "not a migration");
    write_file(f->dir, "readme.sql", "not a migration either;");
    int applied = -1;
    assert_int_equal(db_migrate(f->pg, f->dir, &applied, f->err, sizeof f->err), 0);
    assert_int_equal(applied, 2);
    assert_int_equal(test_sql_num(f->pg, "SELECT count(*) FROM items WHERE label LIKE 'item _;'"), 3);
    assert_int_equal(test_sql_num(f->pg, "SELECT count(*) FROM schema_migrations"), 2);
    assert_int_equal(test_sql_num(f->pg, "SELECT count(*) FROM schema_migrations WHERE version = 2 AND "
                                    "name = '002_second.sql' AND applied_at <= now()"), 1);

    assert_int_equal(db_migrate(f->pg, f->dir, &applied, f->err, sizeof f->err), 0);
    assert_int_equal(applied, 0);
    assert_int_equal(test_sql_num(f->pg, "SELECT count(*) FROM items"), 3);
}

static void test_migrate_numeric_order(void **state)
{
    fixture *f = *state;
    make_dir(f);
    /* "10" sorts before "9" as text; 10 needs 9's table */
    write_file(f->dir, "10_ten.sql", "INSERT INTO nine VALUES (10);");
    write_file(f->dir, "9_nine.sql", "CREATE TABLE nine (n int);");
    int applied = -1;
    assert_int_equal(db_migrate(f->pg, f->dir, &applied, f->err, sizeof f->err), 0);
    assert_int_equal(applied, 2);
    assert_int_equal(test_sql_num(f->pg, "SELECT n FROM nine"), 10);
}

static void test_migrate_failure_is_all_or_nothing(void **state)
{
    fixture *f = *state;
    make_dir(f);
    write_file(f->dir, "001_first.sql", FIRST_SQL);
    write_file(f->dir, "002_second.sql", SECOND_SQL);
    write_file(f->dir, "003_broken.sql", "CREATE TABLE later (id int);\nINSERT INTO later VALUES ('x');\n");
    int applied = -1;
    assert_int_equal(db_migrate(f->pg, f->dir, &applied, f->err, sizeof f->err), -1);
    assert_int_equal(applied, 2);                   /* the files before it stay applied */
    assert_int_equal(test_sql_num(f->pg, "SELECT count(*) FROM schema_migrations"), 2);
    assert_int_equal(test_sql_num(f->pg, "SELECT count(*) FROM pg_tables WHERE tablename = 'later' "
                                    "AND schemaname = current_schema()"), 0);
    assert_int_equal(PQtransactionStatus(f->pg), PQTRANS_IDLE);

    write_file(f->dir, "003_broken.sql", "CREATE TABLE later (id int);\nINSERT INTO later VALUES (1);\n");
    assert_int_equal(db_migrate(f->pg, f->dir, &applied, f->err, sizeof f->err), 0);
    assert_int_equal(applied, 1);
    assert_int_equal(test_sql_num(f->pg, "SELECT count(*) FROM later"), 1);
}

static void test_migrate_bad_directory(void **state)
{
    fixture *f = *state;
    int applied = -1;
    assert_int_equal(db_migrate(f->pg, "/nonexistent/migrations", &applied, f->err, sizeof f->err), -1);
    assert_int_equal(applied, 0);
}

/* ---- errors, one way ---- */

/* Each failure says which statement and PostgreSQL's reason, its detail
 * included, on one line; and not a byte goes to the log. */
static void test_failures_fill_err_and_log_nothing(void **state)
{
    fixture *f = *state;
    capture c = {.saved_stderr = -1};
    const char *dup[] = {"1"};
    char said[5][512];
    int rc[5], applied;
    assert_int_equal(db_exec(f->pg, "CREATE TABLE t (id int PRIMARY KEY)", f->err, sizeof f->err), 0);
    assert_int_equal(db_command(f->pg, "first row", "INSERT INTO t VALUES ($1::int)", 1, dup, NULL, f->err,
                                sizeof f->err), 0);
    log_init("test_db", LOG_LVL_DEBUG);
    capture_start(&c);              /* no assertion until it stops: cmocka reports on stderr */
    rc[0] = db_query(f->pg, "orders by unit", "SELECT * FROM no_such_table", 0, NULL, said[0], sizeof said[0])
                ? 0 : -1;
    rc[1] = db_command(f->pg, "second row", "INSERT INTO t VALUES ($1::int)", 1, dup, NULL, said[1],
                       sizeof said[1]);
    db_begin(f->pg, f->err, sizeof f->err);
    rc[2] = db_exec(f->pg, "SELECT 1/0", said[2], sizeof said[2]);
    db_rollback(f->pg);
    rc[3] = db_copy_start(f->pg, "SELECT 1", said[3], sizeof said[3]);
    rc[4] = db_migrate(f->pg, "/nonexistent/migrations", &applied, said[4], sizeof said[4]);
    char *logged = capture_stop(&c);
    log_init("jiesu", LOG_LVL_INFO);
    assert_string_equal(logged, "");

    free(logged);
    for (int i = 0; i < 5; i++)
        assert_int_equal(rc[i], -1);
    assert_string_equal(said[0], "orders by unit failed: relation \"no_such_table\" does not exist");
    assert_string_equal(said[1], "second row failed: duplicate key value violates unique constraint \"t_pkey\""
                                 " (Key (id)=(1) already exists.)");
    assert_string_equal(said[2], "SELECT 1/0 failed: division by zero");
    assert_string_equal(said[3], "SELECT 1 failed: not a COPY FROM STDIN");
    assert_string_equal(said[4], "迁移目录 /nonexistent/migrations：没有这个文件或目录（核对路径）");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_connect_gives_up_after_wait),
        cmocka_unit_test_setup_teardown(test_query_and_command, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_sent_without_waiting, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transactions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_prepared_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_with, setup, teardown),
        cmocka_unit_test(test_copy_escape),
        cmocka_unit_test_setup_teardown(test_copy_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_copy_many_rows_in_buffers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_copy_queued, setup, teardown),
        cmocka_unit_test_setup_teardown(test_copy_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrate_twice, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrate_numeric_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrate_failure_is_all_or_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrate_bad_directory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failures_fill_err_and_log_nothing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
