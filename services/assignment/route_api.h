/* route_api.h — the assignment service's requests over ZeroMQ.
 *
 * "action.request" (a unit accepts, returns, resolves ... an order, the
 * hotline reports a callback; route_actions.c) answers "action.reply", or
 * "error" 400 for a malformed request and 409 with the reason an action was
 * refused. Each move is published as "complaint.status" after its commit; a
 * returned or reopened order is put on the routing stream for the workers.
 * "dispatch" (a dispatcher gives a manual order to a unit, target in
 * unit_code) gets deadlines from the order's category and urgency. A
 * resolve may carry photos before and after (photos.h), stored in its
 * transaction; any other action with photos, or a photo that is not a JPEG
 * or PNG or too large, is refused (400).
 * The actor is always the principal behind the request: a unit acts as the
 * unit its user belongs to, a dispatcher dispatches, a callback agent
 * records callbacks; anyone else is refused (403) before anything is read.
 *
 * "model.learn" (route_learn.h) trains the text model from the file sent
 * (a labelled export) or, when none is sent, from the settled orders, stores
 * it as a new version and answers "model.learned" with its held-back
 * macro-F1; this process reloads its rules at once, the others within
 * assignment.reload_seconds. Training runs in the service's loop: routing
 * and other requests wait for it (seconds for a few thousand texts, under a
 * minute for 100,000). Administrators and dispatchers may train; the model
 * records who did, with its source.
 */
#ifndef JIESU_ROUTE_API_H
#define JIESU_ROUTE_API_H

#include "route_rules.h"
#include "svc.h"

/* What the handlers need besides the service: the service's user pointer. */
typedef struct {
    const route_rules *rules;           /* the current rules (swapped on reload) */
    long               accept_seconds;  /* deadline.accept_seconds: > 0 overrides the calendar */
    long               resolve_seconds;
    int                reload_now;      /* set by model.learn: reload the rules before the next batch */
    size_t             photo_max_bytes; /* assignment.photo_max_bytes: each photo of a resolve */
    size_t             photo_max_count; /* assignment.photo_max_count: photos of one resolve */
} route_api_state;

void route_api_action(service *s, const bus_request *req, const auth_principal *who);
void route_api_learn(service *s, const bus_request *req, const auth_principal *who);

#endif
