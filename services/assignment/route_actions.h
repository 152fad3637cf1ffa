/* route_actions.h — what units do with their orders: accept, resolve.
 *
 * One action is one statement (one transaction): the order is locked by its
 * ticket number, its state and owner are checked, the status moves and a
 * complaint_events row records who did it and why. Repeating an action that
 * already took effect (accepting an accepted order) succeeds and changes
 * nothing, so a client may retry safely. Return, progress and the callback
 * result come with the full routing work.
 */
#ifndef JIESU_ROUTE_ACTIONS_H
#define JIESU_ROUTE_ACTIONS_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *ticket_no;
    const char *action;       /* "accept" | "resolve" */
    const char *unit_code;    /* the acting unit; "" = a dispatcher acting for the owner */
    const char *actor;        /* who, for the audit trail; "" = the unit code */
    const char *reason;       /* free text, may be "" */
} route_action_req;

typedef struct {
    int64_t complaint_id;
    char    from[16];         /* status before */
    char    to[16];           /* status after */
    int     changed;          /* 1 if this call moved the order, 0 if it already was there */
    int64_t at_ms;            /* when (database clock) */
} route_action_result;

/* Carries out req. 0 with *out filled, or -1 with a message for the caller in
 * err (unknown action or ticket, wrong state, not the owner, database failure). */
int route_action(PGconn *pg, const route_action_req *req, route_action_result *out, char *err, size_t errlen);

#endif
