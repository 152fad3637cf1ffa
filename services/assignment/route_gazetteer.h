/* route_gazetteer.h — administrators edit the road and landmark gazetteer
 * routing reads ("gazetteer.request" to assignment; the list is the view
 * "gazetteer").
 *
 *   add     NAME → a street office (by code or name: unit_named.h), optionally a community
 *           and a house-number range. Entries of the same name whose numbers
 *           overlap the new one (another street's, or a shipped one) are
 *           refused and named, unless replace is set: then they are removed
 *           in the same transaction, and the answer says which.
 *   remove  the entries of NAME (those covering the given numbers, if any).
 *   restore the shipped entries of NAME (covering the numbers, if given)
 *           that a remove or a replace took out: refused, naming them, while
 *           entries in use overlap them.
 * A shipped entry (data/routing/gazetteer.csv) taken out by remove or
 * replace is kept aside in gazetteer_withdrawn: `jiesu migrate` does not
 * load it again, the list shows it ("shipped, removed by ..."), restore
 * puts it back. Each change is recorded in admin_events as done by the
 * administrator; every assignment process picks it up at its next reload
 * (assignment.reload_seconds). The list matches part of an entry's name or
 * of its street office's.
 */
#ifndef JIESU_ROUTE_GAZETTEER_H
#define JIESU_ROUTE_GAZETTEER_H

#include "svc.h"
#include "view.h"

void route_gazetteer_request(service *s, const bus_request *req, const auth_principal *who);

/* The views of the assignment service: "gazetteer" [NAME]. */
extern const view_def ROUTE_VIEWS[];

#endif
