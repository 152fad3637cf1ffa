/* route_gazetteer.h — administrators edit the road and landmark gazetteer
 * routing reads ("gazetteer.request" to assignment; the list is the view
 * "gazetteer").
 *
 *   add     NAME → a street office (by code or name), optionally a community
 *           and a house-number range. Entries of the same name whose numbers
 *           overlap the new one (another street's, or a shipped one) are
 *           refused and named, unless replace is set: then they are removed
 *           in the same transaction, and the answer says which.
 *   remove  the entries of NAME (those covering the given numbers, if any).
 * Each change is recorded in admin_events as done by the administrator;
 * every assignment process picks it up at its next reload
 * (assignment.reload_seconds). `jiesu migrate` puts removed shipped entries
 * back (data/routing/gazetteer.csv is the shipped list).
 */
#ifndef JIESU_ROUTE_GAZETTEER_H
#define JIESU_ROUTE_GAZETTEER_H

#include "svc.h"
#include "view.h"

void route_gazetteer_request(service *s, const bus_request *req, const auth_principal *who);

/* The views of the assignment service: "gazetteer" [NAME]. */
extern const view_def ROUTE_VIEWS[];

#endif
