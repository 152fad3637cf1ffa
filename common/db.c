/* db.c — libpq helpers: connect with retry, statements, transactions, COPY,
 * numbered migrations (see db.h).
 *
 * Nothing here logs a failure: each one is written whole into the caller's
 * err buffer, a label naming the statement and PostgreSQL's own message on
 * one line, and the caller (a handler or a command) logs it or passes it on.
 * Only server notices, which arrive with no call to answer them, go to the
 * log. Migrations take a transaction-scoped advisory lock, so two processes
 * migrating the same database at once apply each file exactly once; the
 * grants file runs under the same lock.
 */
#include "db.h"
#include "clock.h"
#include "log.h"
#include "text.h"

#include <libpq-events.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CONNECT_RETRY_MS 200
#define MIGRATE_LOCK_KEY "7243110001"    /* pg_advisory_xact_lock key owned by db_migrate */

static void sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* The first line of msg, for one-line logs. */
static void first_line(char *dst, size_t cap, const char *msg)
{
    snprintf(dst, cap, "%s", msg ? msg : "");
    dst[strcspn(dst, "\n")] = '\0';
}

const char *db_error(PGconn *conn, char *buf, size_t cap)
{
    first_line(buf, cap, PQerrorMessage(conn));
    return buf;
}

/* Writes PostgreSQL's account of a failed result into dst as one line: the
 * message, its detail and where it happened ("COPY t, line 2, column id"). */
static void result_error(char *dst, size_t cap, const PGconn *conn, const PGresult *res)
{
    const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (!primary) {
        const char *msg = res ? PQresultErrorMessage(res) : "";
        first_line(dst, cap, msg && *msg ? msg : PQerrorMessage(conn));
        return;
    }
    const char *detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
    const char *context = PQresultErrorField(res, PG_DIAG_CONTEXT);
    /* A COPY context ends with the row's text (": \"...\""), which may hold
     * personal data: keep only the table, line and column before it. */
    int context_len = context ? (int)strcspn(context, ":\n") : 0;
    snprintf(dst, cap, "%s%s%s%s%s%.*s", primary, detail ? " (" : "", detail ? detail : "", detail ? ")" : "",
             context ? " at " : "", context_len, context ? context : "");
    for (char *p = dst; *p; p++)
        if (*p == '\n')
            *p = ' ';
}

/* Server notices go to the log (warnings as warnings, the rest as debug)
 * instead of bare lines on stderr. */
static void notice_to_log(void *arg, const PGresult *res)
{
    (void)arg;
    const char *severity = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
    char msg[512];
    result_error(msg, sizeof msg, NULL, res);
    if (severity && strcmp(severity, "WARNING") == 0)
        log_warn("db: server warning: %s", msg);
    else
        log_debug("db: server notice: %s", msg);
}

/* ---- the statements prepared on a connection ----
 * Kept beside the connection as libpq's instance data (attached at its first
 * prepared statement), so db_prepared() prepares each name once without first
 * asking for it and failing (each failure an ERROR line in PostgreSQL's log).
 * A reset connection has none; the list goes with the connection. */

typedef struct {
    char  **names;
    size_t  n, cap;
} prepared_list;

static void prepared_clear(prepared_list *list)
{
    for (size_t i = 0; i < list->n; i++)
        free(list->names[i]);
    list->n = 0;
}

static int prepared_events(PGEventId id, void *info, void *pass_through)
{
    (void)pass_through;
    if (id == PGEVT_CONNRESET || id == PGEVT_CONNDESTROY) {
        PGconn *conn = id == PGEVT_CONNRESET ? ((PGEventConnReset *)info)->conn : ((PGEventConnDestroy *)info)->conn;
        prepared_list *list = PQinstanceData(conn, prepared_events);
        if (list)
            prepared_clear(list);
        if (list && id == PGEVT_CONNDESTROY) {
            free(list->names);
            free(list);
        }
    }
    return 1;
}

/* conn's list, attached on first use; NULL when out of memory (each name
 * is then prepared again at each run, and refused as existing). */
static prepared_list *prepared_of(PGconn *conn)
{
    prepared_list *list = PQinstanceData(conn, prepared_events);
    if (list)
        return list;
    if (!(list = calloc(1, sizeof *list)) ||
        !PQregisterEventProc(conn, prepared_events, "jiesu prepared statements", NULL) ||
        !PQsetInstanceData(conn, prepared_events, list)) {
        free(list);
        return NULL;
    }
    return list;
}

static int prepared_known(const prepared_list *list, const char *name)
{
    for (size_t i = 0; list && i < list->n; i++)
        if (strcmp(list->names[i], name) == 0)
            return 1;
    return 0;
}

static void prepared_forget(prepared_list *list, const char *name)
{
    for (size_t i = 0; list && i < list->n; i++)
        if (strcmp(list->names[i], name) == 0) {
            free(list->names[i]);
            list->names[i] = list->names[--list->n];
            return;
        }
}

/* Notes that name is prepared; forgetting it only costs a prepare. */
static void prepared_note(prepared_list *list, const char *name)
{
    if (!list || prepared_known(list, name))
        return;
    if (list->n == list->cap) {
        size_t cap = list->cap ? 2 * list->cap : 16;
        char **names = realloc(list->names, cap * sizeof *names);
        if (!names)
            return;
        list->names = names;
        list->cap = cap;
    }
    if ((list->names[list->n] = strdup(name)) != NULL)
        list->n++;
}

/* The server conn was to reach, "HOST:PORT", into buf: libpq's defaults
 * where the conninfo names none (the socket directory, 5432). */
static void server_of(PGconn *conn, char *buf, size_t cap)
{
    const char *host = PQhost(conn), *port = PQport(conn);
    snprintf(buf, cap, "%s:%s", host && *host ? host : "localhost", port && *port ? port : "5432");
}

PGconn *db_connect_to(const char *conninfo, int wait_ms, char *server, size_t server_cap, char *err, size_t errlen)
{
    long deadline = clock_mono_ms() + (wait_ms > 0 ? wait_ms : 0);
    for (;;) {
        PGconn *conn = PQconnectdb(conninfo);
        if (server)
            server_of(conn, server, server_cap);
        if (PQstatus(conn) == CONNECTION_OK) {
            PQsetNoticeReceiver(conn, notice_to_log, NULL);
            return conn;
        }
        if (clock_mono_ms() >= deadline) {
            first_line(err, errlen, PQerrorMessage(conn));
            PQfinish(conn);
            return NULL;
        }
        PQfinish(conn);
        sleep_ms(CONNECT_RETRY_MS);
    }
}

PGconn *db_connect(const char *conninfo, int wait_ms, char *err, size_t errlen)
{
    /* Name the server, not the conninfo: it may hold a password. */
    char server[300], why[512];
    PGconn *conn = db_connect_to(conninfo, wait_ms, server, sizeof server, why, sizeof why);
    if (!conn) {
        PQconninfoOption *opts = PQconninfoParse(conninfo, NULL);
        const char *db = "";
        for (PQconninfoOption *o = opts; o && o->keyword; o++)
            if (strcmp(o->keyword, "dbname") == 0 && o->val)
                db = o->val;
        snprintf(err, errlen, "PostgreSQL at %s/%s: %s", server, db, why);
        PQconninfoFree(opts);
    }
    return conn;
}

int db_alive(PGconn *conn)
{
    /* Twice: a closing server sends a last message, then closes; one read may take only the message. */
    for (int i = 0; i < 2; i++)
        if (PQstatus(conn) != CONNECTION_OK || !PQconsumeInput(conn))
            return 0;
    return PQstatus(conn) == CONNECTION_OK;
}

/* Writes "label failed: reason" into err (errlen bytes). */
static void fail(char *err, size_t errlen, const char *label, const char *why)
{
    snprintf(err, errlen, "%s failed: %s", label, why);
}

/* 1 when res is a success (or ok_status); else writes "label failed: reason"
 * into err and returns 0. */
static int result_ok(PGconn *conn, const PGresult *res, const char *label, ExecStatusType ok_status, char *err,
                     size_t errlen)
{
    ExecStatusType st = PQresultStatus(res);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == ok_status)
        return 1;
    char msg[1024];
    result_error(msg, sizeof msg, conn, res);
    fail(err, errlen, label, msg);
    return 0;
}

int db_send_query(PGconn *conn, const char *label, const char *sql, int nparams, const char *const *params,
                  char *err, size_t errlen)
{
    char msg[512];
    if (PQsendQueryParams(conn, sql, nparams, NULL, params, NULL, NULL, 0))
        return 0;
    fail(err, errlen, label, db_error(conn, msg, sizeof msg));
    return -1;
}

int db_take_result(PGconn *conn, const char *label, PGresult **res, char *err, size_t errlen)
{
    char msg[512];
    if (!PQconsumeInput(conn)) {
        fail(err, errlen, label, db_error(conn, msg, sizeof msg));
        goto failed;
    }
    while (!PQisBusy(conn)) {
        PGresult *r = PQgetResult(conn);
        if (!r) {               /* the answer is complete */
            if (*res && result_ok(conn, *res, label, PGRES_TUPLES_OK, err, errlen))
                return 1;
            if (!*res)
                fail(err, errlen, label, "no result");
            goto failed;
        }
        if (*res)               /* one statement: one result, the rest cannot come */
            PQclear(r);
        else
            *res = r;
    }
    return 0;
failed:
    PQclear(*res);
    *res = NULL;
    return -1;
}

int db_exec(PGconn *conn, const char *sql, char *err, size_t errlen)
{
    char label[64];
    first_line(label, sizeof label, sql);           /* the statement's start names it */
    PGresult *res = PQexec(conn, sql);
    int ok = result_ok(conn, res, label, PGRES_COMMAND_OK, err, errlen);
    PQclear(res);
    return ok ? 0 : -1;
}

PGresult *db_query(PGconn *conn, const char *label, const char *sql, int nparams, const char *const *params,
                   char *err, size_t errlen)
{
    PGresult *res = PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0);
    if (!result_ok(conn, res, label, PGRES_COMMAND_OK, err, errlen)) {
        PQclear(res);
        return NULL;
    }
    return res;
}

int db_failed_with(const PGresult *res, const char *state)
{
    const char *got = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    return got && strncmp(got, state, strlen(state)) == 0;
}

/* Prepares name on conn, or finds it prepared by another hand, and notes
 * it. 0, or -1 with PostgreSQL's refusal in *refusal (NULL: no answer). */
static int prepare_one(PGconn *conn, prepared_list *list, const char *name, const char *sql, int nparams,
                       PGresult **refusal)
{
    PGresult *res = PQprepare(conn, name, sql, nparams, NULL);
    if (res && (PQresultStatus(res) == PGRES_COMMAND_OK || db_failed_with(res, DB_DUPLICATE_PREPARED))) {
        PQclear(res);
        prepared_note(list, name);
        return 0;
    }
    *refusal = res;
    return -1;
}

static PGresult *prepare_and_run(PGconn *conn, prepared_list *list, const char *name, const char *sql,
                                 int nparams, const char *const *params)
{
    PGresult *refusal = NULL;
    if (prepare_one(conn, list, name, sql, nparams, &refusal) != 0)
        return refusal;
    return PQexecPrepared(conn, name, nparams, params, NULL, NULL, 0);
}

int db_prepare(PGconn *conn, const char *name, const char *sql, int nparams, char *err, size_t errlen)
{
    prepared_list *list = prepared_of(conn);
    PGresult *refusal = NULL;
    if (PQtransactionStatus(conn) != PQTRANS_IDLE || prepared_known(list, name) ||
        prepare_one(conn, list, name, sql, nparams, &refusal) == 0)
        return 0;
    result_ok(conn, refusal, name, PGRES_COMMAND_OK, err, errlen);
    PQclear(refusal);
    return -1;
}

PGresult *db_prepared(PGconn *conn, const char *name, const char *sql, int nparams, const char *const *params)
{
    prepared_list *list = prepared_of(conn);
    int in_block = PQtransactionStatus(conn) != PQTRANS_IDLE;  /* no prepare there: a failure would abort it */
    if (!prepared_known(list, name))
        return in_block ? PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0)
                        : prepare_and_run(conn, list, name, sql, nparams, params);
    PGresult *res = PQexecPrepared(conn, name, nparams, params, NULL, NULL, 0);
    if (!db_failed_with(res, DB_INVALID_STATEMENT))
        return res;
    prepared_forget(list, name);        /* deallocated behind the list's back */
    if (in_block)
        return res;                     /* the caller rolls back; the next run outside prepares it */
    PQclear(res);
    return prepare_and_run(conn, list, name, sql, nparams, params);
}

PGresult *db_query_prepared(PGconn *conn, const char *name, const char *sql, int nparams,
                            const char *const *params, char *err, size_t errlen)
{
    PGresult *res = db_prepared(conn, name, sql, nparams, params);
    if (!result_ok(conn, res, name, PGRES_COMMAND_OK, err, errlen)) {
        PQclear(res);
        return NULL;
    }
    return res;
}

int db_command(PGconn *conn, const char *label, const char *sql, int nparams, const char *const *params,
               long *affected, char *err, size_t errlen)
{
    PGresult *res = db_query(conn, label, sql, nparams, params, err, errlen);
    if (!res)
        return -1;
    if (affected)
        *affected = atol(PQcmdTuples(res));
    PQclear(res);
    return 0;
}

int db_begin(PGconn *conn, char *err, size_t errlen)
{
    return db_exec(conn, "BEGIN", err, errlen);
}

/* A COMMIT of a transaction a failed statement aborted answers "ROLLBACK",
 * not an error: that is a failure too. */
int db_commit(PGconn *conn, char *err, size_t errlen)
{
    int aborted = PQtransactionStatus(conn) == PQTRANS_INERROR;
    if (db_exec(conn, "COMMIT", err, errlen) != 0)
        return -1;
    if (aborted && err && errlen)
        snprintf(err, errlen, "COMMIT failed: the transaction was rolled back (an earlier statement in it failed)");
    return aborted ? -1 : 0;
}

void db_rollback(PGconn *conn)
{
    if (PQtransactionStatus(conn) != PQTRANS_IDLE)
        PQclear(PQexec(conn, "ROLLBACK"));
}

/* ---- COPY ---- */

/* Reads every pending result; -1 (the first failure's reason in err) when
 * one is not PGRES_COMMAND_OK. */
static int drain_results(PGconn *conn, const char *label, char *err, size_t errlen)
{
    PGresult *res;
    int rc = 0;
    while ((res = PQgetResult(conn)) != NULL) {
        if (!result_ok(conn, res, label, PGRES_COMMAND_OK, rc == 0 ? err : NULL, rc == 0 ? errlen : 0))
            rc = -1;
        PQclear(res);
    }
    return rc;
}

int db_copy_start(PGconn *conn, const char *copy_sql, char *err, size_t errlen)
{
    char label[64];
    first_line(label, sizeof label, copy_sql);
    PGresult *res = PQexec(conn, copy_sql);
    int ok = PQresultStatus(res) == PGRES_COPY_IN;
    if (!ok) {
        char msg[1024];
        result_error(msg, sizeof msg, conn, res);
        fail(err, errlen, label, msg[0] ? msg : "not a COPY FROM STDIN");
    }
    PQclear(res);
    return ok ? 0 : -1;
}

int db_copy_start_queued(PGconn *conn, const char *copy_sql, char *err, size_t errlen)
{
    if (db_copy_start(conn, copy_sql, err, errlen) < 0)
        return -1;
    if (PQsetnonblocking(conn, 1) == 0)
        return 0;
    char msg[512];
    fail(err, errlen, "COPY: switching to non-blocking", db_error(conn, msg, sizeof msg));
    PQputCopyEnd(conn, "client could not queue its data");
    drain_results(conn, "COPY", NULL, 0);
    return -1;
}

void db_copy_pump(PGconn *conn)
{
    PQflush(conn);      /* a failure shows again, and is said, in db_copy_end() */
}

/* Sends what a queued COPY still holds, waiting for the socket, and returns
 * to blocking mode. 0 or -1 (the reason in err). */
static int copy_drain_queue(PGconn *conn, char *err, size_t errlen)
{
    int left;
    while ((left = PQflush(conn)) == 1) {
        struct pollfd p = {.fd = PQsocket(conn), .events = POLLOUT | POLLIN};
        if (poll(&p, 1, -1) < 0 && errno != EINTR)
            break;
        if ((p.revents & POLLIN) && !PQconsumeInput(conn))
            break;
    }
    if (left != 0 || PQsetnonblocking(conn, 0) != 0) {
        char msg[512];
        fail(err, errlen, "COPY data", db_error(conn, msg, sizeof msg));
        PQsetnonblocking(conn, 0);
        return -1;
    }
    return 0;
}

int db_copy_put(PGconn *conn, const char *buf, size_t len, char *err, size_t errlen)
{
    char msg[512];
    if (len > INT_MAX) {
        snprintf(msg, sizeof msg, "a buffer of %zu bytes is too large for one message", len);
        fail(err, errlen, "COPY data", msg);
        return -1;
    }
    if (PQputCopyData(conn, buf, (int)len) != 1) {
        fail(err, errlen, "COPY data", db_error(conn, msg, sizeof msg));
        return -1;
    }
    return 0;
}

int db_copy_end(PGconn *conn, char *err, size_t errlen)
{
    int rc = PQisnonblocking(conn) ? copy_drain_queue(conn, err, errlen) : 0;
    if (PQputCopyEnd(conn, rc == 0 ? NULL : "client could not send its data") != 1) {
        char msg[512];
        if (rc == 0)
            fail(err, errlen, "COPY end", db_error(conn, msg, sizeof msg));
        rc = -1;
    }
    /* The COPY's outcome (bad data, constraint violations) arrives only now,
     * and every result must be read before the connection is usable again.
     * When sending already failed, PostgreSQL's account of the abort adds
     * nothing: the first reason stays in err. */
    int drained = drain_results(conn, "COPY", rc == 0 ? err : NULL, rc == 0 ? errlen : 0);
    return drained < 0 ? -1 : rc;
}

/* The escape letter for c in COPY text format, or 0 when c goes as it is. */
static char copy_escape_char(char c)
{
    switch (c) {
    case '\\': return '\\';
    case '\t': return 't';
    case '\n': return 'n';
    case '\r': return 'r';
    default: return 0;
    }
}

int db_copy_escape(char *buf, size_t cap, size_t *len, const char *s)
{
    size_t need = s ? 0 : 2;
    for (const char *p = s; p && *p; p++)
        need += copy_escape_char(*p) ? 2 : 1;
    if (*len > cap || need > cap - *len)
        return -1;
    size_t n = *len;
    if (!s) {
        buf[n++] = '\\';
        buf[n++] = 'N';
    }
    for (const char *p = s; p && *p; p++) {
        char esc = copy_escape_char(*p);
        if (esc) {
            buf[n++] = '\\';
            buf[n++] = esc;
        } else {
            buf[n++] = *p;
        }
    }
    *len = n;
    return 0;
}

/* ---- migrations ---- */

typedef struct {
    long  version;
    char *name;
} migration;

/* The version of a migration file name "NNN_name.sql", or -1 if it is not one. */
static long migration_version(const char *name)
{
    size_t digits = strspn(name, "0123456789"), n = strlen(name);
    if (digits == 0 || digits > 9 || name[digits] != '_' || n < digits + 5 || strcmp(name + n - 4, ".sql") != 0)
        return -1;
    return strtol(name, NULL, 10);
}

static int migration_cmp(const void *a, const void *b)
{
    const migration *x = a, *y = b;
    return (x->version > y->version) - (x->version < y->version);
}

static void migrations_free(migration *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(list[i].name);
    free(list);
}

/* Lists the migration files of dir in numeric order into *out (*n entries).
 * 0, or -1 (the reason in err) when the directory cannot be read or two files
 * share a version. */
static int migrations_list(const char *dir, migration **out, size_t *n, char *err, size_t errlen)
{
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, errlen, "迁移目录 %s：%s", dir, text_os_error(errno));
        return -1;
    }
    migration *list = NULL;
    size_t cap = 0, count = 0;
    int rc = -1;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        long version = migration_version(e->d_name);
        if (version < 0)
            continue;
        if (count == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            migration *p = realloc(list, ncap * sizeof *p);
            if (!p)
                goto out_of_memory;
            list = p;
            cap = ncap;
        }
        if (!(list[count].name = strdup(e->d_name)))
            goto out_of_memory;
        list[count++].version = version;
    }
    qsort(list, count, sizeof *list, migration_cmp);
    for (size_t i = 1; i < count; i++) {
        if (list[i].version == list[i - 1].version) {
            snprintf(err, errlen, "%s 里的迁移文件 %s 和 %s 编号都是 %ld：一个编号只能有一个文件", dir,
                     list[i - 1].name, list[i].name, list[i].version);
            goto cleanup;
        }
    }
    rc = 0;
    goto cleanup;
out_of_memory:
    snprintf(err, errlen, "读迁移目录 %s 时内存不足", dir);
cleanup:
    closedir(d);
    if (rc != 0) {
        migrations_free(list, count);
        list = NULL;
        count = 0;
    }
    *out = list;
    *n = count;
    return rc;
}

/* The whole file as a NUL-terminated string the caller frees, or NULL (the
 * reason in err). */
static char *read_whole_file(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s：%s", path, text_os_error(errno));
        return NULL;
    }
    char *text = NULL;
    size_t len = 0, cap = 0;
    int ok = 1;
    for (;;) {
        if (len + 1 >= cap) {
            char *p = realloc(text, cap ? cap * 2 : 65536);
            if (!p) {
                ok = 0;
                break;
            }
            text = p;
            cap = cap ? cap * 2 : 65536;
        }
        size_t got = fread(text + len, 1, cap - len - 1, f);
        len += got;
        if (got == 0)
            break;
    }
    if (ferror(f))
        ok = 0;
    fclose(f);
    if (!ok) {
        snprintf(err, errlen, "%s：读取失败（文件读不完，或内存不足）", path);
        free(text);
        return NULL;
    }
    text[len] = '\0';
    return text;
}

/* 1 when the SQL file at path ran (res: its result); else 0 with, in err,
 * the file that PostgreSQL refused and its words, for `jiesu migrate` to
 * print. */
static int file_ran(PGconn *conn, const PGresult *res, const char *path, char *err, size_t errlen)
{
    ExecStatusType st = PQresultStatus(res);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY)
        return 1;
    char msg[1024];
    result_error(msg, sizeof msg, conn, res);
    snprintf(err, errlen, "PostgreSQL 执行 %s 时出错（它的原话：%s）", path, msg);
    return 0;
}

/* Opens a transaction holding the migration lock. 0 or -1 (the reason in err). */
static int migrate_lock(PGconn *conn, char *err, size_t errlen)
{
    return db_begin(conn, err, errlen) == 0 &&
                   db_exec(conn, "SELECT pg_advisory_xact_lock(" MIGRATE_LOCK_KEY ")", err, errlen) == 0
               ? 0
               : -1;
}

/* Applies one migration unless it is already recorded: the lock, the check,
 * the file and its record share one transaction. 1 applied, 0 already there,
 * -1 (the reason in err). */
static int migration_apply(PGconn *conn, const char *dir, const migration *m, char *err, size_t errlen)
{
    char path[4096], version[24];
    snprintf(path, sizeof path, "%s/%s", dir, m->name);
    snprintf(version, sizeof version, "%ld", m->version);
    const char *params[] = {version, m->name};
    char *sql = NULL;
    PGresult *res = NULL;
    int rc = -1;

    if (migrate_lock(conn, err, errlen) != 0)
        goto cleanup;
    res = db_query(conn, "migration lookup", "SELECT 1 FROM schema_migrations WHERE version = $1::int", 1, params,
                   err, errlen);
    if (!res)
        goto cleanup;
    if (PQntuples(res) > 0) {
        rc = 0;
        goto cleanup;
    }
    PQclear(res);
    if (!(sql = read_whole_file(path, err, errlen)))
        goto cleanup;
    res = PQexec(conn, sql);        /* the whole file: many statements, $$ bodies and all */
    if (!file_ran(conn, res, path, err, errlen))
        goto cleanup;
    if (db_command(conn, "migration record", "INSERT INTO schema_migrations (version, name) VALUES ($1::int, $2)",
                   2, params, NULL, err, errlen) != 0 ||
        db_commit(conn, err, errlen) != 0)
        goto cleanup;
    rc = 1;
cleanup:
    if (rc != 1)
        db_rollback(conn);
    PQclear(res);
    free(sql);
    return rc;
}

int db_migrate(PGconn *conn, const char *dir, int *applied, char *err, size_t errlen)
{
    *applied = 0;
    if (migrate_lock(conn, err, errlen) != 0 ||
        db_exec(conn, "CREATE TABLE IF NOT EXISTS schema_migrations (version int PRIMARY KEY, name text NOT NULL, "
                      "applied_at timestamptz NOT NULL DEFAULT now())", err, errlen) != 0 ||
        db_commit(conn, err, errlen) != 0) {
        db_rollback(conn);
        return -1;
    }
    migration *list;
    size_t n;
    if (migrations_list(dir, &list, &n, err, errlen) != 0)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        int r = migration_apply(conn, dir, &list[i], err, errlen);
        if (r < 0)
            rc = -1;
        else
            *applied += r;
    }
    migrations_free(list, n);
    return rc;
}

int db_grant(PGconn *conn, const char *path, const char *role, char *err, size_t errlen)
{
    const char *params[] = {role};
    char *sql = read_whole_file(path, err, errlen);
    PGresult *res = NULL;
    int rc = -1;

    if (!sql || migrate_lock(conn, err, errlen) != 0)
        goto cleanup;
    res = db_query(conn, "grants role", "SELECT set_config('jiesu.service_role', $1, true)", 1, params, err,
                   errlen);
    if (!res)
        goto cleanup;
    PQclear(res);
    res = PQexec(conn, sql);
    if (!file_ran(conn, res, path, err, errlen) || db_commit(conn, err, errlen) != 0)
        goto cleanup;
    rc = 0;
cleanup:
    if (rc != 0)
        db_rollback(conn);
    PQclear(res);
    free(sql);
    return rc;
}
