/* route_extend.h — a unit's request for more time (申请延期) and the
 * decision on it (README.md, "Extensions"; table extension_requests,
 * migration 070).
 *
 *   extend             the owner unit (主办) of an order it is handling
 *                      (办理中) asks for a later 办结 deadline, with a
 *                      reason: refused while another request of the order
 *                      waits, once the deadline has passed (已逾期), for a
 *                      time not later than the deadline or more than
 *                      max_days after it; a co-handler (协办) is told that
 *                      the lead unit asks
 *   extension_approve  a dispatcher (discipline inspection for the conduct
 *                      complaints it reads) approves the order's waiting
 *                      request, with an optional note: the order's resolve
 *                      deadline of its cycle moves to the time asked, in the
 *                      same transaction, and goes back to escalation's
 *                      planning (its rungs follow the new time); the
 *                      repeats merged into it that its unit holds move with
 *                      it (合并办理: resolved with it), each its own event
 *   extension_reject   … or rejects it, with a reason: nothing but the
 *                      request changes
 * Nobody decides their own request. Each is one transaction with its event
 * in complaint_events, by the person (extension_requested, _approved,
 * _rejected). The same request or decision sent again (a double tap, a
 * retry whose answer was lost) changes nothing and is answered as done.
 * The roles are checked by the caller (route_api.c); the order's reading
 * rule and its unit here.
 */
#ifndef JIESU_ROUTE_EXTEND_H
#define JIESU_ROUTE_EXTEND_H

#include <libpq-fe.h>

#include "route_actions.h"

typedef struct {
    const char *ticket_no;
    const char *action;     /* extend | extension_approve | extension_reject */
    const char *unit_code;  /* the acting person's unit; "" for a dispatcher */
    int         principal;  /* who acts (principals.id): only orders it may read (principal_sees) */
    const char *actor;      /* their name (principals.name), recorded */
    const char *reason;     /* extend: why (required); approve: a note (may be ""); reject: why (required) */
    const char *due;        /* extend: the new deadline as typed (route_due.h) */
    const char *day_end;    /* calendar.day_end: when a deadline given as a date alone falls */
    const char *timezone;   /* the city's (`timezone`): the deadline typed and every time said */
    long        max_days;   /* assignment.extension_max_days: at most so many days after the deadline */
} route_extend_req;

/* 1 when action is one of route_extend()'s. */
int route_extend_is(const char *action);

/* Carries out req, in a transaction of its own. 0 with *out filled (its
 * note says what was done, in words; changed 0 when it had been done
 * before); -1 refused with the reason for the person in err; -2 when the
 * database failed (err for the log). */
int route_extend(PGconn *pg, const route_extend_req *req, route_action_result *out, char *err, size_t errlen);

#endif
