/* route_actions_int.h — what route_actions.c, route_refused.c and
 * route_extend.c share: an action's rule, the columns of the statement that
 * acts (SQL_ACT in route_actions.c), what a unit hears of an order not its
 * own, and the transaction every action is. Private to those files.
 */
#ifndef JIESU_ROUTE_ACTIONS_INT_H
#define JIESU_ROUTE_ACTIONS_INT_H

#include <libpq-fe.h>

#include "route_actions.h"

typedef enum {
    FX_NONE, FX_MEET_ACCEPT, FX_MEET_BOTH, FX_RETURN, FX_CLOSE, FX_REOPEN, FX_DISPATCH, FX_REASSIGN, FX_RECATEGORISE
} effect;

typedef struct {
    const char *action;
    const char *says;      /* the action as people read it: 签收 … */
    const char *to;        /* status after; NULL: unchanged */
    const char *from;      /* allowed statuses, as an array literal */
    const char *event;
    effect      fx;
    int         need_reason;
    const char *field;      /* the reason as the workbench's form names it (web_order.c), NULL: none */
    int         with_repeats;   /* the repeats merged into the order move with it (合并办理): 1, those in
                                   the statuses it moves from; REPEATS_SIGNED, those still 待签收 too
                                   (merged after the order was signed for), signed for first */
} action_rule;

#define REPEATS_SIGNED 2

/* The columns of the row SQL_ACT returns for the order it found. */
enum { A_ID, A_STATUS, A_OWNER, A_MOVED, A_NOW_MS, A_OWNER_NAME, A_CO, A_AGAIN };

/* What a person is told of a ticket that is not there, or of an order
 * they may not act on as its owner: into err. */
void route_refused_no_order(const route_action_req *req, char *err, size_t errlen);

/* Why the order found in res (SQL_ACT's row) did not move, into err: -1;
 * 0 when it had moved already (the same action sent again). */
int route_refused_why(const route_action_req *req, const action_rule *rule, PGresult *res, char *err,
                      size_t errlen);

/* A return refused that the unit itself made last, sent again: 0 with *out
 * saying done before, 1 refused as err says, -1 database (err). */
int route_refused_returned_before(PGconn *pg, const route_action_req *req, const action_rule *rule,
                                  route_action_result *out, char *err, size_t errlen);

/* A callback refused (res, SQL_ACT's row): 0 when this person's same
 * callback was sent again, 1 refused (err says who called back and with
 * what, when someone did), -1 database. */
int route_refused_callback_again(PGconn *pg, const route_action_req *req, PGresult *res, char *err,
                                 size_t errlen);

/* Runs fn(pg, ctx, err, errlen) in a transaction of its own, for action
 * on ticket (both named in err): fn returns 0 (done: committed), 1
 * (refused: err says why to the person) or -1 (database: err). 0; -1
 * refused, rolled back; -2 database, rolled back (err for the log). Every
 * action and request for more time (route_extend.c) is one such. */
typedef int (*route_tx_fn)(PGconn *pg, void *ctx, char *err, size_t errlen);
int route_action_tx(PGconn *pg, const char *action, const char *ticket, route_tx_fn fn, void *ctx, char *err,
                    size_t errlen);

#endif
