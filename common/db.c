/* db.c — libpq helpers: connect with retry, statements, transactions, COPY,
 * numbered migrations (see db.h). Every failure is logged with a label naming
 * the statement and PostgreSQL's own message. */
#include "db.h"
#include "log.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* The first line of PostgreSQL's error text, for one-line logs. */
static void first_line(char *dst, size_t cap, const char *msg)
{
    snprintf(dst, cap, "%s", msg ? msg : "");
    dst[strcspn(dst, "\n")] = '\0';
}

PGconn *db_connect(const char *conninfo, int wait_ms, char *err, size_t errlen)
{
    long deadline = now_ms() + wait_ms;
    for (;;) {
        PGconn *conn = PQconnectdb(conninfo);
        if (PQstatus(conn) == CONNECTION_OK) {
            PQsetErrorVerbosity(conn, PQERRORS_DEFAULT);
            return conn;
        }
        char msg[512];
        first_line(msg, sizeof msg, PQerrorMessage(conn));
        PQfinish(conn);
        if (now_ms() >= deadline) {
            snprintf(err, errlen, "PostgreSQL (%s): %s", conninfo, msg);
            return NULL;
        }
        sleep_ms(200);
    }
}

static int result_ok(PGconn *conn, PGresult *res, const char *label)
{
    ExecStatusType st = PQresultStatus(res);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
        return 1;
    char msg[512];
    first_line(msg, sizeof msg, res ? PQresultErrorMessage(res) : PQerrorMessage(conn));
    log_error("db: %s failed: %s", label, msg);
    return 0;
}

int db_exec(PGconn *conn, const char *sql)
{
    PGresult *res = PQexec(conn, sql);
    int ok = result_ok(conn, res, sql);
    PQclear(res);
    return ok ? 0 : -1;
}

PGresult *db_query(PGconn *conn, const char *label, const char *sql, int nparams, const char *const *params)
{
    PGresult *res = PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0);
    if (!result_ok(conn, res, label)) {
        PQclear(res);
        return NULL;
    }
    return res;
}

int db_command(PGconn *conn, const char *label, const char *sql, int nparams, const char *const *params,
               long *affected)
{
    PGresult *res = db_query(conn, label, sql, nparams, params);
    if (!res)
        return -1;
    if (affected)
        *affected = atol(PQcmdTuples(res));
    PQclear(res);
    return 0;
}

int db_begin(PGconn *conn) { return db_exec(conn, "BEGIN"); }
int db_commit(PGconn *conn) { return db_exec(conn, "COMMIT"); }

void db_rollback(PGconn *conn)
{
    if (PQtransactionStatus(conn) != PQTRANS_IDLE)
        PQclear(PQexec(conn, "ROLLBACK"));
}

int db_copy_start(PGconn *conn, const char *copy_sql)
{
    PGresult *res = PQexec(conn, copy_sql);
    int ok = PQresultStatus(res) == PGRES_COPY_IN;
    if (!ok) {
        char msg[512];
        first_line(msg, sizeof msg, PQresultErrorMessage(res));
        log_error("db: %s failed: %s", copy_sql, msg);
    }
    PQclear(res);
    return ok ? 0 : -1;
}

int db_copy_put(PGconn *conn, const char *buf, size_t len)
{
    if (PQputCopyData(conn, buf, (int)len) != 1) {
        log_error("db: COPY data: %s", PQerrorMessage(conn));
        return -1;
    }
    return 0;
}

int db_copy_end(PGconn *conn)
{
    if (PQputCopyEnd(conn, NULL) != 1) {
        log_error("db: COPY end: %s", PQerrorMessage(conn));
        return -1;
    }
    int rc = 0;
    PGresult *res;
    while ((res = PQgetResult(conn)) != NULL) {
        if (!result_ok(conn, res, "COPY"))
            rc = -1;
        PQclear(res);
    }
    return rc;
}

int db_copy_escape(char *buf, size_t cap, size_t *len, const char *s)
{
    size_t n = *len;
    if (!s) {
        if (n + 2 > cap)
            return -1;
        buf[n++] = '\\';
        buf[n++] = 'N';
        *len = n;
        return 0;
    }
    for (; *s; s++) {
        char esc = 0;
        switch (*s) {
        case '\\': esc = '\\'; break;
        case '\t': esc = 't'; break;
        case '\n': esc = 'n'; break;
        case '\r': esc = 'r'; break;
        default: break;
        }
        if (n + (esc ? 2 : 1) > cap)
            return -1;
        if (esc) {
            buf[n++] = '\\';
            buf[n++] = esc;
        } else {
            buf[n++] = *s;
        }
    }
    *len = n;
    return 0;
}

/* ---- migrations ---- */

static int is_migration(const struct dirent *d)
{
    size_t n = strlen(d->d_name);
    return n > 8 && strspn(d->d_name, "0123456789") == 3 && d->d_name[3] == '_' &&
           strcmp(d->d_name + n - 4, ".sql") == 0;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *text = NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long size = ftell(f);
        if (size >= 0 && fseek(f, 0, SEEK_SET) == 0 && (text = malloc((size_t)size + 1)) != NULL) {
            if (fread(text, 1, (size_t)size, f) != (size_t)size) {
                free(text);
                text = NULL;
            } else {
                text[size] = '\0';
            }
        }
    }
    fclose(f);
    return text;
}

static int migration_applied(PGconn *conn, const char *version, int *applied)
{
    const char *params[] = {version};
    PGresult *res = db_query(conn, "migration lookup", "SELECT 1 FROM schema_migrations WHERE version = $1", 1,
                             params);
    if (!res)
        return -1;
    *applied = PQntuples(res) > 0;
    PQclear(res);
    return 0;
}

/* Applies one file and records it, in one transaction. */
static int apply_migration(PGconn *conn, const char *dir, const char *name)
{
    char path[4096], version[4];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    memcpy(version, name, 3);
    version[3] = '\0';
    char *sql = read_file(path);
    if (!sql) {
        log_error("db: migration %s: cannot read", path);
        return -1;
    }
    const char *params[] = {version, name};
    int rc = -1;
    if (db_begin(conn) != 0)
        goto cleanup;
    PGresult *res = PQexec(conn, sql);
    int ok = result_ok(conn, res, name);
    PQclear(res);
    if (!ok || db_command(conn, "migration record", "INSERT INTO schema_migrations (version, name) VALUES ($1::int, $2)",
                          2, params, NULL) != 0 || db_commit(conn) != 0)
        goto cleanup;
    log_info("db: applied migration %s", name);
    rc = 0;
cleanup:
    if (rc != 0)
        db_rollback(conn);
    free(sql);
    return rc;
}

int db_migrate(PGconn *conn, const char *dir, int *applied)
{
    *applied = 0;
    if (db_exec(conn, "CREATE TABLE IF NOT EXISTS schema_migrations (version int PRIMARY KEY, name text NOT NULL, "
                      "applied_at timestamptz NOT NULL DEFAULT now())") != 0)
        return -1;
    struct dirent **list = NULL;
    int n = scandir(dir, &list, is_migration, alphasort);
    if (n < 0) {
        log_error("db: migrations directory %s cannot be read", dir);
        return -1;
    }
    int rc = 0;
    for (int i = 0; i < n; i++) {
        char version[4];
        memcpy(version, list[i]->d_name, 3);
        version[3] = '\0';
        int done = 0;
        if (rc == 0 && migration_applied(conn, version, &done) != 0)
            rc = -1;
        if (rc == 0 && !done) {
            if (apply_migration(conn, dir, list[i]->d_name) != 0)
                rc = -1;
            else
                (*applied)++;
        }
        free(list[i]);
    }
    free(list);
    return rc;
}
