/* report_calendar.c — the workbench's shared working calendar (see report_calendar.h). */
#include "report_calendar.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "holidays.h"

/* One load of the calendar, held by the cache (while current) and by the
 * requests counting in it. */
struct report_calendar_loaded {
    calendar *cal;
    char      version[64];          /* holidays_version() read before the load */
    int       refs;
};

struct report_calendar {
    const config           *cfg;
    int                     day_minutes;
    pthread_mutex_t         lock;   /* guards current and every refs */
    report_calendar_loaded *current;
};

report_calendar *report_calendar_new(const config *cfg, char *err, size_t errlen)
{
    report_calendar *self = calloc(1, sizeof *self);
    calendar *probe = self ? calendar_from_config(cfg, &self->day_minutes, err, errlen) : NULL;
    if (!self)
        snprintf(err, errlen, "calendar: out of memory");
    if (!probe) {
        free(self);
        return NULL;
    }
    calendar_destroy(&probe);
    self->cfg = cfg;
    pthread_mutex_init(&self->lock, NULL);
    return self;
}

/* Drops one holder of l; the last frees it. Called with the lock held. */
static void release(report_calendar_loaded *l)
{
    if (l && --l->refs == 0) {
        calendar_destroy(&l->cal);
        free(l);
    }
}

/* The current load if it is of version, held once more; else NULL. */
static report_calendar_loaded *hold_current(report_calendar *self, const char *version)
{
    pthread_mutex_lock(&self->lock);
    report_calendar_loaded *l = self->current;
    if (l && strcmp(l->version, version) == 0)
        l->refs++;
    else
        l = NULL;
    pthread_mutex_unlock(&self->lock);
    return l;
}

/* A new load, made current and held by the caller. A table changed again
 * during the load leaves it labelled with the older version: the next
 * request loads once more. NULL with err. */
static report_calendar_loaded *load(report_calendar *self, PGconn *pg, const char *version, char *err, size_t errlen)
{
    report_calendar_loaded *l = calloc(1, sizeof *l);
    if (!l) {
        snprintf(err, errlen, "calendar: out of memory");
        return NULL;
    }
    if (!(l->cal = holidays_calendar(pg, self->cfg, NULL, err, errlen))) {
        free(l);
        return NULL;
    }
    snprintf(l->version, sizeof l->version, "%s", version);
    l->refs = 2;                    /* the cache's and the caller's */
    pthread_mutex_lock(&self->lock);
    release(self->current);
    self->current = l;
    pthread_mutex_unlock(&self->lock);
    return l;
}

int report_calendar_take(report_calendar *self, PGconn *pg, report_calendar_hold *hold, char *err, size_t errlen)
{
    char version[64];
    memset(hold, 0, sizeof *hold);
    if (holidays_version(pg, version, sizeof version, err, errlen) < 0)
        return -1;
    report_calendar_loaded *l = hold_current(self, version);
    if (!l && !(l = load(self, pg, version, err, errlen)))
        return -1;
    *hold = (report_calendar_hold){l->cal, self->day_minutes, l};
    return 0;
}

void report_calendar_give(report_calendar *self, report_calendar_hold *hold)
{
    if (!hold->loaded)
        return;
    pthread_mutex_lock(&self->lock);
    release(hold->loaded);
    pthread_mutex_unlock(&self->lock);
    memset(hold, 0, sizeof *hold);
}

void report_calendar_destroy(report_calendar **self)
{
    if (!self || !*self)
        return;
    release((*self)->current);
    pthread_mutex_destroy(&(*self)->lock);
    free(*self);
    *self = NULL;
}
