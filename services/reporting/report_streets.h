/* report_streets.h — the per-street summary, computed from PostgreSQL.
 *
 * One row per street office (units of kind 'street') of the loaded districts,
 * counting the orders whose active owner assignment is that street, plus the
 * orders waiting in the manual dispatch queue and those not yet routed, and
 * beside them each street's holds and requests for more time within the
 * scope's dates (暂缓与延期: report_metrics_holds, report_metrics.c). The
 * formulas are written once, in report_streets.c and report_metrics.c (and
 * in the README).
 *
 * The reply and everything it points to are malloc'd; the caller frees them
 * with report_reply_free().
 */
#ifndef JIESU_REPORT_STREETS_H
#define JIESU_REPORT_STREETS_H

#include <libpq-fe.h>
#include <stddef.h>
#include "calendar.h"
#include "jiesu.pb-c.h"

typedef struct {
    const char *districts;  /* comma list of district codes ("370212,370203") */
    const char *from_date;  /* YYYY-MM-DD: orders called on or after that day; NULL or "" = no bound */
    const char *to_date;    /* YYYY-MM-DD: orders called on or before that day; NULL or "" = no bound */
    const char *timezone;   /* IANA zone the dates are days in ("Asia/Shanghai") */
    const calendar *cal;    /* the working calendar the time on hold is counted in (borrowed) */
    int unit_id;            /* a street office asked for (jiesu report 单位): its orders too (report_unit_orders.h); 0 none */
    int principal;          /* … of those this principal may read */
} report_scope;

/* The deadline that makes order c overdue (the summary's 超期): of an order
 * dispatched or accepted (a waiting one's deadlines stand paused), in its
 * current deadline cycle (its highest deadlines.cycle), the resolve deadline
 * passed, or, still dispatched, the accept deadline passed (the 签收 named
 * first: it is what is late); "passed" on the database clock. A LATERAL join
 * giving dl.kind and dl.due_at, NULL when c is not overdue. */
#define REPORT_OVERDUE_JOIN(c)                                                                                \
    " LEFT JOIN LATERAL (SELECT d.kind, d.due_at FROM deadlines d WHERE d.complaint_id = " c ".id"            \
    "   AND d.cycle = (SELECT max(d2.cycle) FROM deadlines d2 WHERE d2.complaint_id = " c ".id)"               \
    "   AND d.due_at < now() AND (d.kind = 'resolve' OR " c ".status = 'dispatched')"                         \
    " ORDER BY d.kind = 'accept' DESC LIMIT 1) dl ON " c ".status IN ('dispatched', 'accepted')"

/* What err says of a date that is not one. */
#define REPORT_NOT_A_DATE "不是日期：请写 YYYY-MM-DD，如 2026-12-05"

/* Checks the scope's dates: each absent or YYYY-MM-DD, from not after to.
 * 0, or -1 with err saying what to write (the caller's mistake, not ours). */
int report_scope_check(const report_scope *scope, char *err, size_t errlen);

/* Runs the summary in one query. Returns a new reply of kind "streets", or
 * NULL with the reason in err (the scope refused by report_scope_check, or
 * the database failing). */
Jiesu__ReportReply *report_streets(PGconn *conn, const report_scope *scope, char *err, size_t errlen);

/* 1 if s is a real calendar date written YYYY-MM-DD, else 0. */
int report_date_valid(const char *s);

/* Adds the counts of s to sum (for a total row). */
void report_streets_add(Jiesu__StreetSummary *sum, const Jiesu__StreetSummary *s);

/* Frees a reply built by report_streets() and sets *reply to NULL. */
void report_reply_free(Jiesu__ReportReply **reply);

#endif
