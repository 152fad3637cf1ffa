/* route_api.h — the assignment service's requests over ZeroMQ.
 *
 * "action.request" (a unit accepts, resolves ... an order; route_actions.c)
 * answers "action.reply", or "error" 400 for a malformed request and 409 with
 * the reason an action was refused. Each move is published as
 * "complaint.status" after its commit.
 */
#ifndef JIESU_ROUTE_API_H
#define JIESU_ROUTE_API_H

#include "svc.h"

void route_api_action(service *s, const bus_request *req);

#endif
