/* route_reload.h — the routing rules loaded again beside routing.
 *
 * A load reads the gazetteer, the categories, the model, the calendar and
 * the places learned from the newest settled orders (route_history: 100 ms
 * at 200,000 orders, 0.4 s at 2 million). Done in the service loop every
 * assignment.reload_seconds, it held every batch up that long. A thread with
 * a PostgreSQL connection of its own loads them that often instead; the
 * service loop takes what it loaded (route_reload_take) between batches and
 * routes on with the rules it has until then. A load the service loop makes
 * itself (a model trained here, the calendar changed) is newer than one
 * under way: route_reload_skip drops that one and starts the period again.
 */
#ifndef JIESU_ROUTE_RELOAD_H
#define JIESU_ROUTE_RELOAD_H

#include "config.h"
#include "route_rules.h"

typedef struct route_reload route_reload;

/* Starts the thread, which connects with pg.conninfo and loads every
 * assignment.reload_seconds, the first that long from now. cfg must outlive
 * it. NULL when it cannot start (logged). */
route_reload *route_reload_start(const config *cfg);

/* The rules the thread loaded since the last take (the caller's to keep
 * and destroy), or NULL. */
route_rules *route_reload_take(route_reload *self);

/* Drops the rules of a load begun before now, taken or not yet finished,
 * and starts the period again. */
void route_reload_skip(route_reload *self);

/* Stops the thread (a query under way is cancelled) and frees it and what
 * it holds; *self becomes NULL. */
void route_reload_stop(route_reload **self);

#endif
