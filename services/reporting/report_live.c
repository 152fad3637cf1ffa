/* report_live.c — today's counters read from PostgreSQL (see report_live.h). */
#include "report_live.h"

#include <stdio.h>
#include <stdlib.h>

#include "db.h"
#include "log.h"

/* The day's start is written in each count (a stable expression, no join):
 * PostgreSQL takes it as the bound of an index range on (event, at) and on
 * alerts' created_at, so each count reads today's rows only. */
#define LIVE_T0 "(date_trunc('day', now() AT TIME ZONE $1) AT TIME ZONE $1)"

/* $1 time zone. Today's date and the four counts, as report_live.h lists them. */
static const char LIVE_SQL[] =
    "SELECT to_char(now() AT TIME ZONE $1, 'YYYYMMDD'),"
    "       (SELECT count(*) FROM complaint_events e WHERE e.event = 'imported' AND e.at >= " LIVE_T0 "),"
    "       (SELECT count(*) FROM complaint_events e WHERE e.event IN ('routed', 'manual') AND e.at >= " LIVE_T0 "),"
    "       (SELECT count(*) FROM complaint_events e"
    "         WHERE e.event IN ('accepted', 'returned', 'progress', 'waiting', 'resumed', 'resolved',"
    "                           'callback', 'reopened', 'closed', 'handed_back') AND e.at >= " LIVE_T0 "),"
    "       (SELECT count(*) FROM alerts a WHERE a.created_at >= " LIVE_T0 ")";

int report_live_reload(report_live *self, PGconn *pg, const char *tz, char *err, size_t errlen)
{
    const char *params[1] = {tz};
    char why[256];
    PGresult *res = db_query(pg, "live counts", LIVE_SQL, 1, params, why, sizeof why);
    self->read_at = clock_mono_ms();    /* a failed read is retried after REPORT_LIVE_EVERY_MS */
    if (!res) {
        snprintf(err, errlen, "re-reading today's counts failed: %s", why);
        return -1;
    }
    self->day = atoi(PQgetvalue(res, 0, 0));
    self->imported = strtol(PQgetvalue(res, 0, 1), NULL, 10);
    self->routed = strtol(PQgetvalue(res, 0, 2), NULL, 10);
    self->status = strtol(PQgetvalue(res, 0, 3), NULL, 10);
    self->alerts = strtol(PQgetvalue(res, 0, 4), NULL, 10);
    self->reloads++;
    self->stale = 0;
    PQclear(res);
    return 0;
}

int report_live_drain(report_live *self, bus_sub *sub)
{
    Jiesu__Envelope *env = NULL;
    int gap = 0, n = 0;
    while (bus_sub_recv(sub, 0, &env, &gap) == 1) {
        log_debug("event %s from %s seq=%llu", env->type, env->sender, (unsigned long long)env->seq);
        jiesu__envelope__free_unpacked(env, NULL);
        env = NULL;
        n++;
    }
    self->events += n;
    self->stale |= n > 0;
    return n;
}

int report_live_due(const report_live *self, monotime_ms now)
{
    if (!self->read_at)
        return 1;
    monotime_ms since = now - self->read_at;
    return since >= REPORT_LIVE_EVERY_MS || (self->stale && since >= REPORT_LIVE_SOON_MS);
}
