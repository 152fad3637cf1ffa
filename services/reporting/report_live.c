/* report_live.c — today's counters from events, re-read on a gap (see report_live.h). */
#include "report_live.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "log.h"

/* $1 time zone. Today's date and the four counts, as report_live.h lists them. */
static const char LIVE_SQL[] =
    "WITH b AS (SELECT date_trunc('day', now() AT TIME ZONE $1) AT TIME ZONE $1 AS t0)"
    "SELECT to_char(now() AT TIME ZONE $1, 'YYYYMMDD'),"
    "       (SELECT count(*) FROM complaint_events e, b WHERE e.event = 'imported' AND e.at >= b.t0),"
    "       (SELECT count(*) FROM complaint_events e, b WHERE e.event IN ('routed', 'manual') AND e.at >= b.t0),"
    "       (SELECT count(*) FROM complaint_events e, b"
    "         WHERE e.event IN ('accepted', 'returned', 'progress', 'waiting', 'resumed', 'resolved',"
    "                           'callback', 'reopened', 'closed') AND e.at >= b.t0),"
    "       (SELECT count(*) FROM alerts a, b WHERE a.created_at >= b.t0)";

/* How much an event adds: ImportReply.inserted for an import, else 1. */
static long weight(const Jiesu__Envelope *env)
{
    if (strcmp(env->type, "complaint.imported") != 0)
        return 1;
    Jiesu__ImportReply *r = BUS_UNPACK(import_reply, env);
    long n = r ? (long)r->inserted : 0;
    if (r)
        jiesu__import_reply__free_unpacked(r, NULL);
    return n;
}

void report_live_note(report_live *self, const Jiesu__Envelope *env, int day)
{
    if (self->day != day) {
        long gaps = self->gaps, reloads = self->reloads;
        memset(self, 0, sizeof *self);
        self->day = day;
        self->gaps = gaps;
        self->reloads = reloads;
    }
    self->events++;
    if (strcmp(env->type, "complaint.imported") == 0)
        self->imported += weight(env);
    else if (strcmp(env->type, "complaint.routed") == 0)
        self->routed++;
    else if (strcmp(env->type, "complaint.status") == 0)
        self->status++;
    else if (strcmp(env->type, "alert.raised") == 0)
        self->alerts++;
}

int report_live_reload(report_live *self, PGconn *pg, const char *tz, char *err, size_t errlen)
{
    const char *params[1] = {tz};
    char why[256];
    PGresult *res = db_query(pg, "live counts", LIVE_SQL, 1, params);
    if (!res) {
        snprintf(err, errlen, "re-reading today's counts failed: %s", db_error(pg, why, sizeof why));
        return -1;
    }
    self->day = atoi(PQgetvalue(res, 0, 0));
    self->imported = strtol(PQgetvalue(res, 0, 1), NULL, 10);
    self->routed = strtol(PQgetvalue(res, 0, 2), NULL, 10);
    self->status = strtol(PQgetvalue(res, 0, 3), NULL, 10);
    self->alerts = strtol(PQgetvalue(res, 0, 4), NULL, 10);
    self->events = 0;
    self->reloads++;
    PQclear(res);
    return 0;
}

int report_live_drain(report_live *self, bus_sub *sub, PGconn *pg, const char *tz)
{
    Jiesu__Envelope *env = NULL;
    int gap = 0, any_gap = 0, n = 0;
    char err[512];
    while (bus_sub_recv(sub, 0, &env, &gap) == 1) {
        any_gap |= gap;
        self->gaps += gap != 0;
        report_live_note(self, env, report_live_day(time(NULL)));
        log_debug("event %s from %s seq=%llu", env->type, env->sender, (unsigned long long)env->seq);
        jiesu__envelope__free_unpacked(env, NULL);
        env = NULL;
        n++;
    }
    if (any_gap) {
        if (report_live_reload(self, pg, tz, err, sizeof err) == 0)
            log_info("missed events: today's counts re-read from PostgreSQL (imported=%ld routed=%ld "
                     "status=%ld alerts=%ld)", self->imported, self->routed, self->status, self->alerts);
        else
            log_warn("%s; live counts stay approximate until the next gap or day", err);
    }
    return n;
}

int report_live_day(long long t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!localtime_r(&tt, &tm))
        return 0;
    return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}
