/* route_api.h — the assignment service's requests over ZeroMQ.
 *
 * "action.request" (a unit accepts, returns, resolves ... an order, the
 * hotline reports a callback; route_actions.c) answers "action.reply", or
 * "error" 400 for a malformed request and 409 with the reason an action was
 * refused. Each move is published as "complaint.status" after its commit; a
 * returned or reopened order is put on the routing stream for the workers.
 */
#ifndef JIESU_ROUTE_API_H
#define JIESU_ROUTE_API_H

#include "svc.h"

void route_api_action(service *s, const bus_request *req);

#endif
