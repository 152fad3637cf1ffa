/* report_days.c — the thread that keeps report_days up to date (see report_days.h). */
#include "report_days.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "db.h"
#include "log.h"

struct report_days {
    pthread_t       thread;
    pthread_mutex_t lock;           /* guards stop */
    pthread_cond_t  wake;
    int             stop;
    char            conninfo[1024];
    char            tz[64];
};

/* Runs sql; 0, 1 when PostgreSQL answered with SQLSTATE busy (or the
 * serialization failure of two rounds at once), -1 with err. The result
 * (when rows) in *out. */
static int run(PGconn *pg, const char *sql, int n, const char *const *params, PGresult **out, char *err,
               size_t errlen)
{
    PGresult *res = PQexecParams(pg, sql, n, NULL, params, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(res);
    if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
        if (out)
            *out = res;
        else
            PQclear(res);
        return 0;
    }
    int busy = db_failed_with(res, DB_LOCK_NOT_AVAILABLE) || db_failed_with(res, DB_SERIALIZATION);
    const char *said = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);  /* NULL: libpq's own error */
    char why[256];
    if (!busy)
        snprintf(err, errlen, "report days: %s", said ? said : db_error(pg, why, sizeof why));
    PQclear(res);
    db_rollback(pg);
    return busy ? 1 : -1;
}

/* The events watermark into w (text). 0, 1 (busy: NULL, a writer still
 * open after lock_timeout) or -1. */
static int watermark(PGconn *pg, char *w, size_t cap, char *err, size_t errlen)
{
    char set[64];
    PGresult *res = NULL;
    snprintf(set, sizeof set, "SET LOCAL lock_timeout = %d", REPORT_DAYS_LOCK_MS);
    int rc = run(pg, "BEGIN", 0, NULL, NULL, err, errlen);
    if (rc == 0)
        rc = run(pg, set, 0, NULL, NULL, err, errlen);
    if (rc == 0)
        rc = run(pg, "SELECT report_events_watermark()", 0, NULL, &res, err, errlen);
    if (rc == 0) {
        int busy = PQgetisnull(res, 0, 0);  /* a writer held the lock past lock_timeout */
        snprintf(w, cap, "%s", PQgetvalue(res, 0, 0));
        PQclear(res);
        rc = run(pg, "COMMIT", 0, NULL, NULL, err, errlen);
        if (rc == 0 && busy)
            rc = 1;
    }
    return rc;
}

int report_days_refresh(PGconn *pg, const char *tz, long *days, char *err, size_t errlen)
{
    char w[32];
    PGresult *res = NULL;
    *days = 0;
    int rc = watermark(pg, w, sizeof w, err, errlen);
    if (rc == 0)
        rc = run(pg, "BEGIN ISOLATION LEVEL REPEATABLE READ", 0, NULL, NULL, err, errlen);
    if (rc == 0)    /* one round at a time, its snapshot taken after the lock */
        rc = run(pg, "LOCK TABLE report_days_state IN SHARE ROW EXCLUSIVE MODE NOWAIT", 0, NULL, NULL, err, errlen);
    const char *params[2] = {w, tz};
    if (rc == 0)
        rc = run(pg, "SELECT report_days_refresh($1::bigint, $2)", 2, params, &res, err, errlen);
    if (rc == 0) {
        *days = strtol(PQgetvalue(res, 0, 0), NULL, 10);
        PQclear(res);
        rc = run(pg, "COMMIT", 0, NULL, NULL, err, errlen);
    }
    return rc;
}

/* Waits ms or until asked to stop; 1 when asked. */
static int wait_or_stop(report_days *d, int ms)
{
    struct timespec until = clock_mono_after(ms);
    pthread_mutex_lock(&d->lock);
    while (!d->stop && pthread_cond_timedwait(&d->wake, &d->lock, &until) != ETIMEDOUT)
        ;
    int stop = d->stop;
    pthread_mutex_unlock(&d->lock);
    return stop;
}

/* One round on *pg (connecting first when needed); failures are logged once
 * until a round succeeds again. */
static void round_once(report_days *d, PGconn **pg, int *failing)
{
    char err[512] = "";
    long days = 0;
    if (*pg && !db_alive(*pg)) {
        PQfinish(*pg);
        *pg = NULL;
    }
    if (!*pg)
        *pg = db_connect(d->conninfo, 0, err, sizeof err);
    monotime_ms t0 = clock_mono_ms();
    int rc = *pg ? report_days_refresh(*pg, d->tz, &days, err, sizeof err) : -1;
    if (rc < 0 && !*failing)
        log_warn("%s; the reports count those days live meanwhile, retried every %d ms", err,
                 REPORT_DAYS_EVERY_MS);
    else if (rc == 0 && days > 0)
        log_info("report days: %ld days counted again in %lld ms", days, (long long)(clock_mono_ms() - t0));
    if (rc == 0 && *failing)
        log_info("report days: stored again");
    *failing = rc < 0 ? 1 : rc == 0 ? 0 : *failing;
}

static void *loop(void *arg)
{
    report_days *d = arg;
    PGconn *pg = NULL;
    int failing = 0;
    do
        round_once(d, &pg, &failing);
    while (!wait_or_stop(d, REPORT_DAYS_EVERY_MS));
    PQfinish(pg);
    return NULL;
}

report_days *report_days_start(const config *cfg, char *err, size_t errlen)
{
    report_days *d = calloc(1, sizeof *d);
    if (!d) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    snprintf(d->conninfo, sizeof d->conninfo, "%s", config_str(cfg, "pg.conninfo"));
    snprintf(d->tz, sizeof d->tz, "%s", config_str(cfg, "timezone"));
    pthread_mutex_init(&d->lock, NULL);
    clock_cond_init(&d->wake);
    if (pthread_create(&d->thread, NULL, loop, d) != 0) {
        snprintf(err, errlen, "cannot start the report days thread");
        pthread_cond_destroy(&d->wake);
        pthread_mutex_destroy(&d->lock);
        free(d);
        return NULL;
    }
    return d;
}

void report_days_stop(report_days **self)
{
    if (!self || !*self)
        return;
    report_days *d = *self;
    pthread_mutex_lock(&d->lock);
    d->stop = 1;
    pthread_cond_signal(&d->wake);
    pthread_mutex_unlock(&d->lock);
    pthread_join(d->thread, NULL);
    pthread_cond_destroy(&d->wake);
    pthread_mutex_destroy(&d->lock);
    free(d);
    *self = NULL;
}
