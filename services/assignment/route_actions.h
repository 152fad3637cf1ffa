/* route_actions.h — what units, dispatchers and the hotline do with an order.
 *
 *   dispatch  manual|returned|new → dispatched to the unit named by a
 *             dispatcher (target_unit): earlier assignments end, the unit
 *             owns it with the deadlines given (accept_due_ms, resolve_due_ms);
 *             dispatched|accepted|waiting → dispatched to another unit (a
 *             reassignment, event "reassigned"): only with a reason; the
 *             owner's assignment ends, the new unit's deadlines start now
 *             (met, paused or fired, the cycle's start again), and the order
 *             has the co-handler a dispatch to the new unit gives (a street's
 *             category department in its district, as routing's; none for
 *             a department): any other co-handler's part ends, named in the
 *             event (co_ended), so a department of the district the order
 *             left neither reads nor acts on it any more. To the unit
 *             that has it: nothing changes. From the order page
 *             (shown_holder): another holder than the page showed refuses
 *             it, nothing done (two dispatchers at once). A resolved or closed order is
 *             refused, and so is any unit the conduct rule forbids. An order
 *             the dispatcher may not read (a conduct complaint) is answered
 *             as no such order, unless no unit holds it and it goes to
 *             discipline inspection (arbitration of a conduct complaint)
 *   accept    dispatched → accepted (the accept deadline is met); the
 *             merged repeats with it, as with resolve
 *   return    dispatched|accepted → returned, with a reason: the unit gives the
 *             order back; its assignments end, the return count of the
 *             cycle goes up, and the caller enqueues it so
 *             routing decides again without that unit (after
 *             assignment.max_returns returns: manual arbitration)
 *   progress  a note on an open order; the status stays
 *   wait      accepted → waiting (for the citizen); the merged repeats
 *             with it, as with resolve, those its unit holds still
 *             dispatched (merged after the order was signed for) signed
 *             for first
 *   resume    waiting → accepted; the merged repeats with it, likewise
 *             (escalation pauses the deadlines of waiting and returned
 *             orders and moves them on by the working time paused)
 *   resolve   dispatched|accepted → resolved (both deadlines met); the
 *             repeats merged into the order (parent_id) that its unit holds,
 *             dispatched or accepted, are resolved with it (合并办理), each
 *             its own event saying with which order; note names them
 *   callback  resolved → closed when the citizen is satisfied (result
 *             satisfied or basic); unsatisfied reopens it: cycle + 1, status
 *             new, assignments end, and the caller enqueues it for routing,
 *             which gives it new deadlines
 *   handback  manual → handed_back, with a reason (a dispatcher's): the order
 *             is not this district's business (another district's address,
 *             a matter no unit here handles) and goes back to the city
 *             hotline for good; no unit is given it, and routing's
 *             decision (the assignment saying why it came to a dispatcher)
 *             stays its last, read by the lists of the hotline's people
 * (A unit's request for more time and its decision, extend and
 * extension_approve|reject, are route_extend.h's.)
 * One action is one transaction, recorded in complaint_events (who and why);
 * repeating one that already took effect changes nothing (README.md).
 */
#ifndef JIESU_ROUTE_ACTIONS_H
#define JIESU_ROUTE_ACTIONS_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

/* The categories (alias k) text p names: by code, by name (城乡建设/城乡规划/违章建筑,
 * 垃圾清运) or by its last part (违章建筑). A dispatch's category must name one. */
#define ROUTE_CATEGORY_NAMED(k, p) \
    "(" k ".code = " p " OR " k ".name = " p " OR right(" k ".name, length(" p ") + 1) = '/' || " p ")"

typedef struct {
    const char *ticket_no;
    const char *action;       /* accept | return | progress | wait | resume | resolve | callback | dispatch | handback */
    const char *unit_code;    /* the acting unit; "" = a dispatcher or the hotline acting for the owner */
    int         principal;    /* who acts (principals.id): an order it may not read (principal_sees,
                               * migration 022) it cannot act on, and hears of as of no such order —
                               * save a dispatcher's dispatch of an order no unit holds to discipline
                               * inspection (README.md, Who may do what); 0: a service acting as itself */
    const char *actor;        /* who, for the audit trail; "" = the unit code */
    const char *reason;       /* free text (UTF-8, TEXT_NOTE_CHARS at most); required for return and progress */
    const char *result;       /* callback: satisfied | basic | unsatisfied */
    const char *target_unit;  /* dispatch: the unit code that gets the order */
    int64_t     accept_due_ms, resolve_due_ms;   /* dispatch: its deadlines, unless due gives them */
    /* dispatch: its deadlines from the category the order is in (or the
     * dispatch puts it in) and its urgency, read once the order is locked,
     * now_ms the transaction's clock (the deadlines' start). NULL: the two
     * above as given. */
    void      (*due)(void *ctx, const char *category, const char *urgency, int64_t now_ms, int64_t *accept_due_ms,
                     int64_t *resolve_due_ms);
    void       *due_ctx;
    const char *category;     /* dispatch: the category the order is put in (code or name, ROUTE_CATEGORY_NAMED),
                               * the co-handler and deadlines following it; "": kept as it is */
    const char *shown_holder; /* dispatch from the order page: the holder it showed (a unit code, "none");
                               * another holding it now refuses the dispatch. "": not checked */
    /* More work in the action's transaction once the order has moved (the
     * photos of a resolve, say): 0, or -1 with a message in err, which
     * undoes the whole action. NULL: none. */
    int       (*in_tx)(PGconn *pg, int64_t complaint_id, void *ctx, char *err, size_t errlen);
    void       *in_tx_ctx;
} route_action_req;

#define ROUTE_REROUTED_MAX 16

typedef struct {
    int64_t complaint_id;
    char    from[16];         /* status before */
    char    to[16];           /* status after */
    int     changed;          /* 1 if this call moved the order, 0 if it already was there */
    int     reroute;          /* 1 when the order now waits for routing (returned, reopened) */
    int64_t rerouted[ROUTE_REROUTED_MAX];   /* the merged repeats a return took with the order, which wait
                                             * for routing too (more than these: the reconciler finds them) */
    int     n_rerouted;
    int64_t at_ms;            /* when (database clock) */
    int     reassigned;       /* 1 when a dispatch took the order from the unit that held it */
    char    note[768];        /* what a dispatch, a resolve taking merged repeats or a callback of 不满意 did, in words ("已派单至A，协办单位 C",
                               * "已从A改派给B，协办单位 C，D不再协办", "不满意已记录，工单重新办理…"), else "" */
} route_action_result;

/* Carries out req. 0 with *out filled; -1 refused, with a message for the
 * person asking in err (unknown action or ticket, wrong state, not the
 * owner, missing reason, a rule of the database such as the conduct guard);
 * -2 when the database failed, nothing stored, PostgreSQL's reason in err
 * for the log (it names tables and roles: not for the person asking). */
int route_action(PGconn *pg, const route_action_req *req, route_action_result *out, char *err, size_t errlen);

#endif
