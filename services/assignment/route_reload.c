/* route_reload.c — the routing rules loaded again by a thread of their own (see route_reload.h). */
#include "route_reload.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "clock.h"
#include "db.h"
#include "log.h"

#define CONNECT_WAIT_MS 2000

struct route_reload {
    const char     *conninfo;
    const config   *cfg;
    long            every_ms;
    pthread_t       thread;
    pthread_mutex_t lock;       /* guards the fields below */
    pthread_cond_t  wake;       /* stop, or a skip: the period starts again */
    int             stop;
    unsigned long   epoch;      /* raised by every skip: a load begun before it is dropped */
    route_rules    *ready;      /* loaded, not taken yet */
    PGcancel       *cancel;     /* of the thread's connection, while it has one */
};

/* The thread's connection, (re)opened when it is not usable; NULL (logged). */
static PGconn *connection(route_reload *self, PGconn *pg)
{
    char err[512];
    if (pg && db_alive(pg))
        return pg;
    pthread_mutex_lock(&self->lock);
    PQfreeCancel(self->cancel);
    self->cancel = NULL;
    pthread_mutex_unlock(&self->lock);
    PQfinish(pg);
    if (!(pg = db_connect(self->conninfo, CONNECT_WAIT_MS, err, sizeof err))) {
        log_error("reloading the routing rules: PostgreSQL: %s; the rules in use stay, tried again in %ld s", err,
                  self->every_ms / 1000);
        return NULL;
    }
    pthread_mutex_lock(&self->lock);
    self->cancel = PQgetCancel(pg);
    pthread_mutex_unlock(&self->lock);
    return pg;
}

/* Waits out the period (under the lock). 1 when it ran out, 0 when it was
 * skipped (started again), -1 when stopping. */
static int wait_period(route_reload *self, unsigned long *epoch)
{
    struct timespec until = clock_mono_after(self->every_ms);
    int rc = 0;
    *epoch = self->epoch;
    while (!self->stop && self->epoch == *epoch && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&self->wake, &self->lock, &until);
    return self->stop ? -1 : self->epoch == *epoch;
}

/* Loads the rules and leaves them ready unless a skip came meanwhile. Called without the lock. */
static PGconn *load(route_reload *self, PGconn *pg, unsigned long epoch)
{
    char err[512] = "";
    route_rules *rules = (pg = connection(self, pg)) ? route_rules_load(pg, self->cfg, err, sizeof err) : NULL;
    pthread_mutex_lock(&self->lock);
    if (pg && !rules && !self->stop)     /* stopping: the load was cancelled */
        log_error("reloading the routing rules: %s; the rules in use stay", err);
    if (rules && self->epoch == epoch && !self->stop) {
        route_rules_destroy(&self->ready);
        self->ready = rules;
        rules = NULL;
    }
    pthread_mutex_unlock(&self->lock);
    route_rules_destroy(&rules);    /* stale: a newer load was made meanwhile */
    return pg;
}

static void *reload_main(void *arg)
{
    route_reload *self = arg;
    PGconn *pg = NULL;
    unsigned long epoch;
    int turn;
    pthread_mutex_lock(&self->lock);
    while ((turn = wait_period(self, &epoch)) >= 0) {
        if (turn == 0)
            continue;
        pthread_mutex_unlock(&self->lock);
        pg = load(self, pg, epoch);
        pthread_mutex_lock(&self->lock);
    }
    PQfreeCancel(self->cancel);
    self->cancel = NULL;
    pthread_mutex_unlock(&self->lock);
    PQfinish(pg);
    return NULL;
}

route_reload *route_reload_start(const config *cfg)
{
    route_reload *self = calloc(1, sizeof *self);
    if (!self) {
        log_error("reloading the routing rules: out of memory");
        return NULL;
    }
    *self = (route_reload){.conninfo = config_str(cfg, "pg.conninfo"), .cfg = cfg,
                           .every_ms = 1000 * config_long(cfg, "assignment.reload_seconds")};
    pthread_mutex_init(&self->lock, NULL);
    int cond = clock_cond_init(&self->wake) == 0;
    if (cond && pthread_create(&self->thread, NULL, reload_main, self) == 0)
        return self;
    log_error("reloading the routing rules: cannot start its thread");
    if (cond)
        pthread_cond_destroy(&self->wake);
    pthread_mutex_destroy(&self->lock);
    free(self);
    return NULL;
}

route_rules *route_reload_take(route_reload *self)
{
    pthread_mutex_lock(&self->lock);
    route_rules *rules = self->ready;
    self->ready = NULL;
    pthread_mutex_unlock(&self->lock);
    return rules;
}

void route_reload_skip(route_reload *self)
{
    pthread_mutex_lock(&self->lock);
    self->epoch++;
    route_rules_destroy(&self->ready);
    pthread_cond_signal(&self->wake);
    pthread_mutex_unlock(&self->lock);
}

void route_reload_stop(route_reload **pself)
{
    char err[256];
    route_reload *self = pself ? *pself : NULL;
    if (!self)
        return;
    pthread_mutex_lock(&self->lock);
    self->stop = 1;
    if (self->cancel)
        PQcancel(self->cancel, err, sizeof err);    /* a load under way ends at once */
    pthread_cond_signal(&self->wake);
    pthread_mutex_unlock(&self->lock);
    pthread_join(self->thread, NULL);
    route_rules_destroy(&self->ready);
    pthread_cond_destroy(&self->wake);
    pthread_mutex_destroy(&self->lock);
    free(self);
    *pself = NULL;
}
