/* report_streets.c — the per-street summary in one PostgreSQL query (see report_streets.h).
 *
 * Formulas, over the orders called inside the scope's dates (all when unbounded)
 * whose active owner assignment (assignments.active, role 'owner') is the street's unit:
 *   total    = those orders; routed = total (every such order has been routed)
 *   open     = status 'dispatched', 'accepted' or 'waiting' (暂缓办理: in hand,
 *              its clock stopped), so that total = open + resolved
 *   resolved = status 'resolved' or 'closed'
 *   overdue  = dispatched or accepted (a waiting order's deadlines stand
 *              paused), and in the order's current deadline cycle (its highest
 *              deadlines.cycle) either the resolve deadline has passed, or the
 *              order is still 'dispatched' and the accept deadline has passed;
 *              "passed" means due_at < now() on the database clock
 *              (REPORT_OVERDUE_JOIN, report_streets.h: the orders behind it
 *              are found by the same)
 *   alerts   = alerts on the orders called inside the scope's dates (any rung,
 *              any cycle), each for the unit it counts for (alerts_counted,
 *              migration 059: as the daily sheet, the wall board and the
 *              bulletin's list count them)
 * and, over all orders in the scope whatever their street:
 *   manual   = status 'manual' (waiting in the manual dispatch queue)
 *   unrouted = status 'new' (not routed yet)
 * Every street unit of the districts gets a row, with zeros when it has no orders.
 * Beside them, each street's holds and requests for more time within the
 * dates (from the first day's start, or ever, up to the end of the last, or
 * now), whenever the orders were called: report_metrics_holds, whose
 * formulas are the bulletin's (report_metrics.c). A street office asked for
 * gets the orders behind its figures too (report_unit_orders.c).
 */
#include "report_streets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bus.h"
#include "clock.h"
#include "db.h"
#include "names.h"
#include "report_metrics.h"
#include "report_query.h"
#include "report_unit_orders.h"
#include "text.h"

/* $1 districts (comma list), $2 from date, $3 to date (inclusive), $4 time zone. */
#define IN_DATES                                                                        \
    "($2::date IS NULL OR c.called_at >= $2::date::timestamp AT TIME ZONE $4)"          \
    " AND ($3::date IS NULL OR c.called_at < ($3::date + 1)::timestamp AT TIME ZONE $4)"
static const char REPORT_STREETS_SQL[] =
    "WITH streets AS ("
    "    SELECT u.id, u.code, u.name FROM units u JOIN regions r ON r.code = u.region_code"
    "    WHERE u.kind = 'street' AND r.parent_code = ANY (string_to_array(replace($1, ' ', ''), ','))"
    "), owned AS ("                 /* from the streets' assignments */
    "    SELECT a.unit_id, c.status, dl.kind IS NOT NULL AS overdue"
    "    FROM streets st"
    "    JOIN assignments a ON a.unit_id = st.id AND a.active AND a.role = 'owner'"
    "    JOIN complaints c ON c.id = a.complaint_id"
    REPORT_OVERDUE_JOIN("c")
    "    WHERE " IN_DATES
    "), alerted AS ("
    "    SELECT al.counts_for AS unit_id, count(*) AS alerts"
    "    FROM alerts_counted al JOIN complaints c ON c.id = al.complaint_id WHERE " IN_DATES " GROUP BY 1"
    "), per_street AS ("
    "    SELECT st.id, st.code, st.name,"
    "           count(o.unit_id) AS total,"
    "           count(*) FILTER (WHERE o.status IN " NAMES_HELD_SQL ") AS open,"
    "           count(*) FILTER (WHERE o.status IN ('resolved', 'closed')) AS resolved,"
    "           count(*) FILTER (WHERE o.overdue) AS overdue"
    "    FROM streets st LEFT JOIN owned o ON o.unit_id = st.id"
    "    GROUP BY st.id, st.code, st.name"
    ")"
    "SELECT q.manual, q.unrouted, p.code, p.name, p.total, p.open, p.resolved, p.overdue, coalesce(x.alerts, 0)"
    "  FROM (SELECT count(*) FILTER (WHERE c.status = 'manual') AS manual,"     /* by complaints_status */
    "               count(*) FILTER (WHERE c.status = 'new') AS unrouted"
    "          FROM complaints c WHERE c.status IN ('new', 'manual') AND " IN_DATES ") q"
    "  LEFT JOIN per_street p ON true LEFT JOIN alerted x ON x.unit_id = p.id"
    " ORDER BY p.code";

enum { COL_MANUAL, COL_UNROUTED, COL_CODE, COL_NAME, COL_TOTAL, COL_OPEN, COL_RESOLVED,
       COL_OVERDUE, COL_ALERTS };

int report_date_valid(const char *s)
{
    int y, m, d, used = 0;
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &used) != 3 || used != 10)
        return 0;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = 12};
    time_t t = timegm(&tm);
    struct tm back;
    if (t == (time_t)-1 || !gmtime_r(&t, &back))
        return 0;
    return back.tm_year == y - 1900 && back.tm_mon == m - 1 && back.tm_mday == d;
}

/* A bound of the scope as the query takes it: NULL when absent. */
static const char *bound(const char *value)
{
    return value && *value ? value : NULL;
}

/* NULL for an absent bound, else the date after checking it. */
static int date_param(const char *name, const char *value, const char **param, char *err, size_t errlen)
{
    *param = bound(value);
    if (!*param)
        return 0;
    if (!report_date_valid(value)) {
        snprintf(err, errlen, "%s“%s”" REPORT_NOT_A_DATE, name, value);
        return -1;
    }
    return 0;
}

int report_scope_check(const report_scope *scope, char *err, size_t errlen)
{
    const char *from, *to;
    if (date_param("起始日期", scope->from_date, &from, err, errlen) < 0 ||
        date_param("截止日期", scope->to_date, &to, err, errlen) < 0)
        return -1;
    if (from && to && strcmp(from, to) > 0) {      /* YYYY-MM-DD compare as text */
        snprintf(err, errlen, "起始日期 %s 晚于截止日期 %s：请把两个日期对调", from, to);
        return -1;
    }
    return 0;
}

static char *dup_or_null(const char *s)
{
    return strdup(s ? s : "");
}

static long long get_ll(const PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col) ? 0 : strtoll(PQgetvalue(res, row, col), NULL, 10);
}

/* Appends the street in result row `row` to reply. 0 or -1 (out of memory). */
static int add_street(Jiesu__ReportReply *reply, const PGresult *res, int row)
{
    Jiesu__StreetSummary *s = malloc(sizeof *s);
    if (!s)
        return -1;
    jiesu__street_summary__init(s);
    s->street_code = dup_or_null(PQgetvalue(res, row, COL_CODE));
    s->street_name = dup_or_null(PQgetvalue(res, row, COL_NAME));
    reply->streets[reply->n_streets++] = s;     /* owned by reply from here on */
    if (!s->street_code || !s->street_name)
        return -1;
    s->total = get_ll(res, row, COL_TOTAL);
    s->routed = s->total;
    s->open = get_ll(res, row, COL_OPEN);
    s->resolved = get_ll(res, row, COL_RESOLVED);
    s->overdue = get_ll(res, row, COL_OVERDUE);
    s->alerts = get_ll(res, row, COL_ALERTS);
    return 0;
}

/* The scope's dates as the instants report_metrics_holds() takes: from the
 * first day's start (or ever) up to the day after the last (or now), never
 * after now. $1 from, $2 to (NULL: no bound), $3 time zone. */
static const char SQL_SCOPE_BOUNDS[] =
    "SELECT coalesce($1::date::timestamp AT TIME ZONE $3, '-infinity'::timestamptz)::text,"
    "       least(coalesce(($2::date + 1)::timestamp AT TIME ZONE $3, 'infinity'::timestamptz), now())::text";

/* Each street's holds and requests for more time within the scope, into its
 * summary (the departments' are the bulletin's). 0, or -1 with err. */
static int add_holds(PGconn *conn, const report_scope *scope, const char *const params[4], Jiesu__ReportReply *reply,
                     char *err, size_t errlen)
{
    const char *bp[] = {params[1], params[2], params[3]};
    report_period p = {.label = "各街道汇总"};
    report_bounds b = {""};
    report_holds *h = NULL;
    size_t n = 0;
    PGresult *res = db_query(conn, "scope bounds", SQL_SCOPE_BOUNDS, 3, bp, err, errlen);
    if (!res)
        return -1;
    snprintf(b.t0, sizeof b.t0, "%s", PQgetvalue(res, 0, 0));
    snprintf(b.tn, sizeof b.tn, "%s", PQgetvalue(res, 0, 1));
    PQclear(res);
    if (report_metrics_holds(conn, params[0], &p, &b, scope->cal, &h, &n, err, errlen) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < reply->n_streets; j++) {
            Jiesu__StreetSummary *s = reply->streets[j];
            if (strcmp(s->street_code, h[i].code) != 0)
                continue;
            s->holds = h[i].holds;
            s->hold_hours = h[i].hold_hours;
            s->extensions_asked = h[i].asked;
            s->extensions_approved = h[i].approved;
            s->extensions_rejected = h[i].rejected;
        }
    free(h);
    return 0;
}

Jiesu__ReportReply *report_streets(PGconn *conn, const report_scope *scope, char *err, size_t errlen)
{
    Jiesu__ReportReply *reply = NULL;
    PGresult *res = NULL;
    const char *params[4] = {scope->districts ? scope->districts : "", NULL, NULL,
                             scope->timezone ? scope->timezone : "UTC"};

    if (report_scope_check(scope, err, errlen) < 0)    /* callers check first to tell their error; so do we */
        return NULL;
    params[1] = bound(scope->from_date);
    params[2] = bound(scope->to_date);
    if (report_query_session(conn, err, errlen) == 0)
        res = db_query(conn, "report streets", REPORT_STREETS_SQL, 4, params, err, errlen);
    if (!res) {
        text_prefix(err, errlen, "the street summary: ");
        return NULL;
    }
    int rows = PQntuples(res);
    reply = malloc(sizeof *reply);
    if (!reply)
        goto oom;
    jiesu__report_reply__init(reply);
    reply->kind = strdup("streets");
    reply->streets = calloc(rows > 0 ? (size_t)rows : 1, sizeof *reply->streets);
    if (!reply->kind || !reply->streets)
        goto oom;
    reply->generated_at_ms = clock_wall_ms();
    for (int i = 0; i < rows; i++) {
        if (i == 0) {
            reply->manual = get_ll(res, 0, COL_MANUAL);
            reply->unrouted = get_ll(res, 0, COL_UNROUTED);
        }
        if (!PQgetisnull(res, i, COL_CODE) && add_street(reply, res, i) < 0)
            goto oom;
    }
    PQclear(res);
    if (add_holds(conn, scope, params, reply, err, errlen) < 0 ||
        (scope->unit_id && report_unit_orders(conn, scope->unit_id, scope->principal, params[1], params[2], params[3],
                                              scope->cal, reply, err, errlen) < 0)) {
        text_prefix(err, errlen, "the street summary: ");
        report_reply_free(&reply);
    }
    return reply;
oom:
    snprintf(err, errlen, "out of memory building the street summary");
    PQclear(res);
    report_reply_free(&reply);
    return NULL;
}

void report_streets_add(Jiesu__StreetSummary *sum, const Jiesu__StreetSummary *s)
{
    sum->total += s->total;
    sum->routed += s->routed;
    sum->open += s->open;
    sum->resolved += s->resolved;
    sum->overdue += s->overdue;
    sum->alerts += s->alerts;
    sum->holds += s->holds;
    sum->hold_hours += s->hold_hours;
    sum->extensions_asked += s->extensions_asked;
    sum->extensions_approved += s->extensions_approved;
    sum->extensions_rejected += s->extensions_rejected;
}

void report_reply_free(Jiesu__ReportReply **reply)
{
    if (!reply || !*reply)
        return;
    /* Every string and array of the reply was malloc'd, and unset strings
     * still point at protobuf-c's shared empty string, which free_unpacked
     * skips: so the library's own deep free releases exactly what was built. */
    jiesu__report_reply__free_unpacked(*reply, NULL);
    *reply = NULL;
}
