/* route_rules.h — everything a routing decision is made by, loaded together.
 *
 * The places (regions and gazetteer), the categories (tree, terms, hotline
 * names, urgency levels), the newest text model (table models), the conduct
 * words, the places learned from settled orders (route_history.h), the
 * places outside the jurisdiction (the districts and cities of
 * <data.dir>/regions/districts.csv that are not loaded), the working
 * calendar (table holidays), the escalation ladder's rows (the first rung of
 * each deadline routing stores: ladder.h) and the decider over them, from
 * PostgreSQL and configuration:
 *   assignment.min_score, assignment.min_category_prob: a model
 *   probability under it leaves the category to a dispatcher,
 *   deadline.default_accept_minutes,
 *   deadline.default_resolve_days: limits when no category is found,
 *   timezone,
 *   geo.dir (<data.dir>/geo): district boundaries for coordinates,
 *   calendar.day_start, calendar.day_end (defaults in config_keys.c).
 * The service loads them at start and again every assignment.reload_seconds,
 * so a gazetteer entry an operator added is used without a restart, and at
 * once when the holidays changed (route_rules_calendar_changed()).
 */
#ifndef JIESU_ROUTE_RULES_H
#define JIESU_ROUTE_RULES_H

#include <libpq-fe.h>
#include <stddef.h>

#include "calendar.h"
#include "config.h"
#include "ladder.h"
#include "route_decide.h"

typedef struct {
    route_places *places;
    route_cat    *cats;
    route_conduct *conduct;
    route_juris  *juris;
    route_history *history;
    route_model  *model;           /* NULL until a model was trained */
    int          *model_cat;       /* category of each model class */
    int           model_version;
    route_geo    *geo;
    calendar     *calendar;
    int           day_minutes;     /* length of the working day */
    char          holidays_version[64];    /* holidays_version() of the calendar's days */
    ladder_table *ladder;          /* table esc_ladder */
    route_decider decider;         /* over places and cats */
} route_rules;

/* Loads everything. NULL with the reason in err. */
route_rules *route_rules_load(PGconn *pg, const config *cfg, char *err, size_t errlen);

/* When a limit of work_minutes working minutes from now_ms runs out, in ms:
 * now_ms + flat_seconds when flat_seconds > 0 (deadline.*_seconds), else on
 * the working calendar. */
int64_t route_rules_due_ms(const route_rules *self, int64_t now_ms, long flat_seconds, long work_minutes);

/* 1 when table holidays changed since the rules were loaded (reload them). */
int route_rules_calendar_changed(const route_rules *self, PGconn *pg);

/* The accept and resolve limits, in working minutes, of a category code (NULL
 * or "" or unknown: the defaults) at an urgency. */
void route_rules_limits(const route_rules *self, const char *category, const char *urgency, long *accept_minutes,
                        long *resolve_minutes);

/* Frees everything and sets *self to NULL. */
void route_rules_destroy(route_rules **self);

#endif
