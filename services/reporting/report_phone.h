/* report_phone.h — the caller's full phone number, shown on purpose to
 * whoever is to call the citizen, and recorded.
 *
 * Everywhere else the number is masked (138****5678: view.c, the logs, the
 * alerts, the bulletin, Open311). Who may see it whole, one rule here for
 * the order page's button (web_order.c) and `jiesu phone` ("phone.reveal"):
 *   - the callback agent, for an order it reads that awaits its callback
 *     (已办结待回访);
 *   - a handler of the unit holding the order now (owner or co-handler),
 *     while it is open in its hands (待签收, 办理中, 暂缓办理);
 *   - discipline inspection, for a conduct complaint its unit holds, open
 *     or awaiting the callback it records itself.
 * Nobody else: the dispatcher, the clerk, a campaign office, the
 * administrator, another unit, the office a conduct complaint accuses (to
 * which, as to any reader outside principal_sees, it is no order at all).
 * Each number shown writes a 'phone_shown' event (complaint_events, the
 * append-only audit trail) as the person's, with the time and their unit,
 * in the statement that reads it; a refusal writes nothing.
 */
#ifndef JIESU_REPORT_PHONE_H
#define JIESU_REPORT_PHONE_H

#include <libpq-fe.h>
#include <stddef.h>

#include "auth.h"
#include "svc.h"

/* The roles that may ever see a full number (the rule above narrows it). */
#define REPORT_PHONE_ROLES (AUTH_CALLBACK | AUTH_HANDLER | AUTH_DISCIPLINE)

typedef enum {
    REPORT_PHONE_YES,       /* may: shown (when asked to) and recorded */
    REPORT_PHONE_ROLE,      /* the role never may */
    REPORT_PHONE_NO_ORDER,  /* no order the person may read */
    REPORT_PHONE_NOT_NOW,   /* an order they read, not theirs to call now */
    REPORT_PHONE_NONE,      /* allowed, but the order has no number */
    REPORT_PHONE_FAILED,    /* the database failed: say holds its reason, for the log */
} report_phone_answer;

/* Whether who may see the full number of order ticket; with reveal, the
 * number into number (cap bytes) and the event recorded, in one statement.
 * Without reveal nothing is recorded nor read out (the page asks so to
 * offer the button). say gets what to tell them when it is not
 * REPORT_PHONE_YES: why, and who may. */
report_phone_answer report_phone(PGconn *pg, const auth_principal *who, const char *ticket, int reveal, char *number,
                                 size_t cap, char *say, size_t saylen);

/* The HTTP status of a refusal: 403 the role, 404 no order, 409 not now
 * or no number, 503 the database. */
int report_phone_status(report_phone_answer a);

/* Answers "phone.reveal" (a PhoneRequest) for who: a PhoneReply, or the
 * refusal. */
void report_phone_request(service *s, const bus_request *req, const auth_principal *who);

#endif
