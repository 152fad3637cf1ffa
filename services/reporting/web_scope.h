/* web_scope.h — what of the reports each person may read, through either
 * door: the dashboard and its JSON (report_http.c) and the bus requests of
 * `jiesu report`, `jiesu daily` and `jiesu bulletin` (main.c,
 * report_documents.c) ask the same functions, so a person reads the same rows
 * at a terminal as on the web.
 *
 *   handler (a street office or department)   its own unit's rows only, in
 *             its district's tables (its rank stays its rank among them);
 *             no hot spots, manual queue or unrouted counts (district-wide)
 *   campaign office                            the units of its district
 *   discipline inspection                      the units of its district, and
 *             the count of the conduct complaints its unit holds
 *   dispatcher, callback agent, clerk, admin   every configured district
 * The bulletin's list of overdue and escalated orders goes to those who read
 * orders (REPORT_ORDER_READERS): an administrator reads none, and is told so.
 * (the offices kept for orders whose district is unknown: every configured
 * district). No report names a conduct complaint to anyone (report_bulletin.h).
 */
#ifndef JIESU_WEB_SCOPE_H
#define JIESU_WEB_SCOPE_H

#include <libpq-fe.h>

#include "auth.h"
#include "report_bulletin.h"
#include "report_daily.h"
#include "jiesu.pb-c.h"

typedef struct {
    char districts[256];    /* the districts whose units' figures are read */
    char unit[64];          /* "" every unit of those; else only this unit's rows */
    int  unit_id;           /* discipline inspection: its unit, whose conduct complaints are counted; else 0 */
    int  reader_unit;       /* the reader's own unit (0: none): the alerts it is shown (VIEW_ALERT_SHOWN) */
    auth_role role;         /* the reader's */
} web_scope;

/* What a principal who reads no reports is told. */
#define WEB_SCOPE_NONE "服务账号不能查看报表"

/* The scope of p given the configured districts (regions.districts). 0, or
 * -1 for a principal who reads no reports (a service). */
int web_scope_for(const auth_principal *p, const char *configured, web_scope *out);

/* Drop what is outside the scope, in place (freeing what they drop); a
 * unit's street summary says so (one_unit) and counts no manual queue. */
void web_scope_table(const web_scope *s, report_table *t);
void web_scope_bulletin(const web_scope *s, report_bulletin *b);
void web_scope_daily(const web_scope *s, report_daily *d);
void web_scope_streets(const web_scope *s, Jiesu__ReportReply *r);

/* For discipline inspection: the conduct complaints its unit holds, all and
 * still open. 0, or -1 with err. */
int web_scope_conduct(PGconn *pg, const web_scope *s, long *total, long *open, char *err, size_t errlen);

#endif
