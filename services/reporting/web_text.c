/* web_text.c — what the workbench's pages share: working time left and
 * waited as the lists show it, what a dispatch did, and what a refused form
 * sent, to fill it in again (see web_work.h). */
#include "web_work.h"

#include <stdio.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "names.h"
#include "report_deadline.h"
#include "report_views.h"

/* $1 ticket, $2 the person: what their last dispatch of the order did (派单,
 * 改派 or 调整分类), its names as the history gives them, for
 * names_dispatch_said(). The person's own dispatch, read whether they read
 * the order still or not (given to discipline inspection, they do not). */
static const char SQL_DISPATCHED[] =
    "SELECT e.event, coalesce(" REPORT_UNIT_NAMED("unit") ", ''), coalesce(" REPORT_UNIT_NAMED("from_unit") ", ''),"
    "       coalesce(" REPORT_UNIT_NAMED("co") ", ''), coalesce(" REPORT_CO_ENDED_NAMED ", ''),"
    "       coalesce(" REPORT_CATEGORY_NAMED("category") ", e.detail->>'category', ''),"
    "       coalesce(" REPORT_CATEGORY_NAMED("category_from") ", e.detail->>'category_from', '')"
    "  FROM complaint_events e"
    " WHERE e.complaint_id = (SELECT id FROM complaints WHERE ticket_no = $1) AND e.actor = $2"
    "   AND e.event IN ('routed', 'reassigned', 'recategorised')"
    " ORDER BY e.id DESC LIMIT 1";

void web_dispatch_said(PGconn *pg, const web_user *u, const char *ticket, char *out, size_t cap)
{
    char err[512];
    const char *params[] = {ticket, u->who.name};
    *out = '\0';
    PGresult *res = db_query(pg, "the dispatch done", SQL_DISPATCHED, 2, params, err, sizeof err);
    if (!res)
        log_warn("workbench: what %s's dispatch of order %s did not said: %s", u->who.name, ticket, err);
    if (res && PQntuples(res) == 1) {
        names_dispatch d = {PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 2),
                            PQgetvalue(res, 0, 3), PQgetvalue(res, 0, 4), PQgetvalue(res, 0, 5),
                            PQgetvalue(res, 0, 6)};
        names_dispatch_said(out, cap, &d);
    }
    PQclear(res);
}

void web_time_left(const web_work *w, long long due, int paused, long long now, char *out, size_t cap)
{
    if (paused)
        snprintf(out, cap, "已暂停计时");       /* the list does not read since when */
    else
        report_deadline_state(out, cap, w->cal, w->day_minutes, &(report_deadline){.due = due, .now = now});
}

void web_time_waited(const web_work *w, long long since, long long now, char *out, size_t cap)
{
    char span[64];
    report_deadline_span(span, sizeof span, since < now ? calendar_work_seconds_between(w->cal, since, now) : 0,
                         w->day_minutes);
    snprintf(out, cap, "已等 %s", span);
}

const char *web_typed(const http_request *typed, const char *key, const char *value, const char *field)
{
    const char *was = typed ? http_param(typed, key) : NULL;
    return was && strcmp(was, value) == 0 ? http_param(typed, field) : NULL;
}
