/* cli_progress.c — the import progress bar (see cli_progress.h). */
#include "cli_progress.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"

#define POLL_MS   300
#define BAR_WIDTH 20

static const char SQL_LAST[] = "SELECT coalesce(max(id), 0) FROM imports";

static const char SQL_STATE[] =
    "SELECT rows_total, bytes_read, extract(epoch FROM now() - started_at) FROM imports"
    " WHERE id > $1::bigint AND file_name = $2 ORDER BY id LIMIT 1";

struct cli_progress {
    PGconn         *pg;
    char            file_name[256];
    char            after[24];      /* imports.id before the request */
    uint64_t        file_bytes;
    pthread_t       thread;
    pthread_mutex_t lock;
    pthread_cond_t  wake;
    int             stop;
    int             drawn;
};

/* 1234567 → "1,234,567". */
static void thousands(char *out, size_t cap, long long n)
{
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%lld", n < 0 ? 0 : n);
    size_t o = 0;
    for (int i = 0; i < len && o + 2 < cap; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
}

static void draw(cli_progress *self, long long rows, long long bytes, double secs)
{
    double frac = self->file_bytes && bytes > 0 ? (double)bytes / (double)self->file_bytes : 0;
    if (frac > 1)
        frac = 1;
    char bar[BAR_WIDTH + 1], nrows[32], rate[32], eta[32] = "--:--";
    int filled = (int)(frac * BAR_WIDTH);
    for (int i = 0; i < BAR_WIDTH; i++)
        bar[i] = i < filled ? '#' : '-';
    bar[BAR_WIDTH] = '\0';
    thousands(nrows, sizeof nrows, rows);
    thousands(rate, sizeof rate, secs > 0 ? (long long)(rows / secs) : 0);
    if (frac > 0.01 && secs > 0) {
        long left = (long)(secs / frac - secs);
        snprintf(eta, sizeof eta, "%ld:%02ld", left / 60, left % 60);
    }
    fprintf(stderr, "\r%s [%s] %3d%%  %s rows  %s rows/s  ETA %s\033[K", self->file_name, bar,
            (int)(frac * 100), nrows, rate, eta);
    fflush(stderr);
    self->drawn = 1;
}

/* Reads the import's row and redraws; nothing while it has not started. */
static void poll_once(cli_progress *self)
{
    const char *params[] = {self->after, self->file_name};
    PGresult *res = db_query(self->pg, "import progress", SQL_STATE, 2, params);
    if (res && PQntuples(res) == 1)
        draw(self, strtoll(PQgetvalue(res, 0, 0), NULL, 10), strtoll(PQgetvalue(res, 0, 1), NULL, 10),
             strtod(PQgetvalue(res, 0, 2), NULL));
    PQclear(res);
}

static void *run(void *arg)
{
    cli_progress *self = arg;
    pthread_mutex_lock(&self->lock);
    while (!self->stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += POLL_MS * 1000000L;
        until.tv_sec += until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&self->wake, &self->lock, &until);
        if (!self->stop)
            poll_once(self);
    }
    pthread_mutex_unlock(&self->lock);
    return NULL;
}

cli_progress *cli_progress_start(PGconn *pg, const char *file_name, uint64_t file_bytes)
{
    PGresult *res = pg ? db_query(pg, "last import", SQL_LAST, 0, NULL) : NULL;
    cli_progress *self = res && PQntuples(res) == 1 ? calloc(1, sizeof *self) : NULL;
    if (self) {
        self->pg = pg;
        self->file_bytes = file_bytes;
        snprintf(self->file_name, sizeof self->file_name, "%s", file_name);
        snprintf(self->after, sizeof self->after, "%s", PQgetvalue(res, 0, 0));
        pthread_mutex_init(&self->lock, NULL);
        pthread_cond_init(&self->wake, NULL);
        if (pthread_create(&self->thread, NULL, run, self) != 0) {
            pthread_mutex_destroy(&self->lock);
            pthread_cond_destroy(&self->wake);
            free(self);
            self = NULL;
        }
    }
    PQclear(res);
    return self;
}

void cli_progress_stop(cli_progress **pself)
{
    if (!pself || !*pself)
        return;
    cli_progress *self = *pself;
    pthread_mutex_lock(&self->lock);
    self->stop = 1;
    pthread_cond_signal(&self->wake);
    pthread_mutex_unlock(&self->lock);
    pthread_join(self->thread, NULL);
    if (self->drawn)
        fprintf(stderr, "\r\033[K");
    pthread_mutex_destroy(&self->lock);
    pthread_cond_destroy(&self->wake);
    free(self);
    *pself = NULL;
}
