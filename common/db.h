/* db.h — small helpers over libpq: connect, run, transactions, COPY, migrations.
 *
 * Errors, one way: a function that fails returns -1 or NULL and writes the
 * whole reason into the caller's err (errlen bytes) as one line, "LABEL
 * failed: PostgreSQL's message (its detail) at its context", and logs
 * nothing. The caller — a request handler, a service's loop, a CLI command —
 * logs it, prints it or passes it on to its client. (Server notices and
 * warnings, which answer no call, are the one thing logged here.)
 * PGresult pointers returned to the caller are the caller's to PQclear().
 */
#ifndef JIESU_DB_H
#define JIESU_DB_H

#include <libpq-fe.h>
#include <stddef.h>

/* A number macro as the text of an SQL literal: " LIMIT " DB_NUM(ROWS). */
#define DB_NUM(x) DB_NUM_(x)
#define DB_NUM_(x) #x

/* Connects with a libpq conninfo string ("host=... dbname=..."). Retries for
 * up to wait_ms while the server is starting. NULL on failure, with the
 * reason in err: "PostgreSQL at HOST:PORT/DBNAME: libpq's words" (never
 * the conninfo, which may hold a password). */
PGconn *db_connect(const char *conninfo, int wait_ms, char *err, size_t errlen);

/* db_connect() for a message of its own to people: the server tried, as
 * "HOST:PORT" (libpq's defaults where the conninfo names none; never a
 * password), in server (server_cap bytes) whether or not it answered, and
 * on failure only libpq's words in err. */
PGconn *db_connect_to(const char *conninfo, int wait_ms, char *server, size_t server_cap, char *err, size_t errlen);

/* 1 when conn is usable as far as can be told without a round trip, else
 * 0. What the server sent while the connection sat idle is read first,
 * without waiting: a server that stopped or restarted meanwhile closed it,
 * which a bare PQstatus() shows only after the next query has failed. */
int db_alive(PGconn *conn);

/* Runs a statement that returns no rows (its first line names it in err).
 * 0 or -1. */
int db_exec(PGconn *conn, const char *sql, char *err, size_t errlen);

/* Runs a parameterised statement; label names it in err.
 * Returns the result (PGRES_COMMAND_OK or PGRES_TUPLES_OK) or NULL. */
PGresult *db_query(PGconn *conn, const char *label, const char *sql,
                   int nparams, const char *const *params, char *err, size_t errlen);

/* The statement sql run as the prepared statement name: parsed and planned
 * once per connection, which keeps the names prepared on it (forgotten at
 * PQreset), so no first try fails in PostgreSQL's log; a name deallocated
 * by hand is prepared again. Inside a transaction block, where any failure
 * would abort it, nothing is prepared: a name already prepared runs as
 * such, another as PQexecParams (db_prepare() before the BEGIN prepares
 * it). The result unchecked, as PQexecParams returns it. Each name must
 * always stand for the same sql. */
PGresult *db_prepared(PGconn *conn, const char *name, const char *sql, int nparams, const char *const *params);

/* Prepares sql as name on conn unless it is already (outside a transaction
 * block; inside one, does nothing), for db_prepared() to run in the
 * transactions that follow. 0 or -1. */
int db_prepare(PGconn *conn, const char *name, const char *sql, int nparams, char *err, size_t errlen);

/* db_query() through db_prepared(); name is the label. */
PGresult *db_query_prepared(PGconn *conn, const char *name, const char *sql, int nparams,
                            const char *const *params, char *err, size_t errlen);

/* A query sent without waiting for its answer, so the caller goes on with
 * other work (on another connection) while the server runs it. 0 or -1. */
int db_send_query(PGconn *conn, const char *label, const char *sql, int nparams, const char *const *params,
                  char *err, size_t errlen);

/* Reads what the server answered to the query db_send_query() sent, without
 * waiting. *res is NULL before the first call and left alone between calls
 * (the answer gathers there). 1: the whole answer came, in *res (the
 * caller's to PQclear()); 0: not yet (call again once PQsocket(conn) is
 * readable); -1: the query failed (why in err, label names it; *res NULL). */
int db_take_result(PGconn *conn, const char *label, PGresult **res, char *err, size_t errlen);

/* Like db_query for statements without rows: 0 or -1; *affected gets the row
 * count when not NULL. */
int db_command(PGconn *conn, const char *label, const char *sql,
               int nparams, const char *const *params, long *affected, char *err, size_t errlen);

/* PostgreSQL's error codes the services tell apart (SQLSTATE, appendix A
 * of its manual); a class is a code's first two characters. */
#define DB_DATA_EXCEPTION      "22"       /* class: a bad value (a date, a number) */
#define DB_INTEGRITY           "23"       /* class: a constraint refused the row */
#define DB_CHECK_VIOLATION     "23514"
#define DB_INVALID_STATEMENT   "26000"    /* no such prepared statement */
#define DB_SERIALIZATION       "40001"
#define DB_DUPLICATE_PREPARED  "42P05"
#define DB_LOCK_NOT_AVAILABLE  "55P03"
#define DB_QUERY_CANCELED      "57014"    /* statement_timeout, or cancelled */

/* 1 when res failed with the error code state, or (state of two
 * characters) with a code of that class; 0 otherwise, and for NULL. */
int db_failed_with(const PGresult *res, const char *state);

/* The first line of the connection's last error message ("" when none), in
 * buf: for the libpq calls made directly, outside these helpers. */
const char *db_error(PGconn *conn, char *buf, size_t cap);

int db_begin(PGconn *conn, char *err, size_t errlen);
/* -1 also when the transaction had been aborted (COMMIT then rolls back). */
int db_commit(PGconn *conn, char *err, size_t errlen);
/* Rolls back; safe to call when no transaction is open. */
void db_rollback(PGconn *conn);

/* COPY ... FROM STDIN in text format. Start, put any number of buffers, end.
 * db_copy_end() returns -1 with PostgreSQL's message in err if the COPY failed.
 *
 * Overlapped: after db_copy_start_queued() puts never block: the data waits
 * in libpq's buffer (memory grows by what is put) and goes out as PostgreSQL
 * takes it, on each db_copy_pump() — call it now and then while doing other
 * work — and finally in db_copy_end(), which sends the rest (blocking) and
 * puts the connection back in blocking mode. */
int db_copy_start(PGconn *conn, const char *copy_sql, char *err, size_t errlen);
int db_copy_start_queued(PGconn *conn, const char *copy_sql, char *err, size_t errlen);
int db_copy_put(PGconn *conn, const char *buf, size_t len, char *err, size_t errlen);
void db_copy_pump(PGconn *conn);
int db_copy_end(PGconn *conn, char *err, size_t errlen);

/* Appends s to buf (of capacity cap, current length *len) escaped for COPY
 * text format (backslash, tab, newline, carriage return). NULL s writes \N.
 * Returns 0, or -1 if it would not fit (buf unchanged past *len). */
int db_copy_escape(char *buf, size_t cap, size_t *len, const char *s);

/* Applies every NNN_name.sql file in dir not yet recorded in schema_migrations,
 * in order, each in its own transaction. Sets *applied to how many ran. */
int db_migrate(PGconn *conn, const char *dir, int *applied, char *err, size_t errlen);

/* Runs the grants file at path (db/grants.sql: what the services' role may
 * do) for role, in one transaction under the migration lock; the file reads
 * the role's name from the setting jiesu.service_role. Meant to run after
 * db_migrate every time, so tables of later migrations are covered. 0 or -1. */
int db_grant(PGconn *conn, const char *path, const char *role, char *err, size_t errlen);

#endif
