/* route_rules.h — everything a routing decision is made by, loaded together.
 *
 * The places (regions and gazetteer), the categories (tree, terms, hotline
 * names, urgency levels), the working calendar (data/holidays) and the
 * decider over them, from PostgreSQL and configuration:
 *   assignment.min_score (0.6), deadline.default_accept_minutes (120),
 *   deadline.default_resolve_days (3): limits when no category is found,
 *   calendar.dir (<data.dir>/holidays), calendar.utc_offset_minutes (480),
 *   calendar.day_start (08:30), calendar.day_end (17:30).
 * The service loads them at start and again every assignment.reload_seconds,
 * so a gazetteer entry an operator added is used without a restart.
 */
#ifndef JIESU_ROUTE_RULES_H
#define JIESU_ROUTE_RULES_H

#include <libpq-fe.h>
#include <stddef.h>

#include "calendar.h"
#include "config.h"
#include "route_decide.h"

typedef struct {
    route_places *places;
    route_cat    *cats;
    calendar     *calendar;
    int           day_minutes;     /* length of the working day */
    route_decider decider;         /* over places and cats */
} route_rules;

/* Loads everything. NULL with the reason in err. */
route_rules *route_rules_load(PGconn *pg, const config *cfg, char *err, size_t errlen);

/* Frees everything and sets *self to NULL. */
void route_rules_destroy(route_rules **self);

#endif
