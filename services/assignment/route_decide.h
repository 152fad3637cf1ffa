/* route_decide.h — one complaint's routing decision: category, place, units, limits.
 *
 *   1. category: the hotline's own category column through the alias table,
 *      else the complaint's content by terms (route_category.h);
 *   2. place: the street (and community) from the address, else the content,
 *      without the streets that returned the order, and only in the district
 *      the complaint's coordinates lie in when it has coordinates inside a
 *      loaded boundary (route_places.h, route_geo.h);
 *   3. units: a complaint about officials' conduct (a conduct term and an
 *      office or official named: 街道办, 城管, 工作人员 of 社区 ...) goes to
 *      discipline inspection, and the office it names is never given it;
 *      a conduct term without an office is classified again without the
 *      conduct category. Otherwise the street office owns the order (属地) and
 *      the category's department kind in the street's district is co-handler
 *      (行业, unit code "<district>.<kind>"); a place score under min_score,
 *      or no place, sends it to manual dispatch;
 *   4. limits: the category's accept and resolve limits at the complaint's
 *      urgency (defaults when no category was found).
 * The reasons say all of it in words a dispatcher reads. Decisions are pure:
 * the same input gives the same decision, nothing is allocated.
 */
#ifndef JIESU_ROUTE_DECIDE_H
#define JIESU_ROUTE_DECIDE_H

#include "route_category.h"
#include "route_geo.h"
#include "route_places.h"

#define ROUTE_UNIT_CODE_MAX 48
#define ROUTE_REASONS_MAX   1024

typedef struct {
    const route_places *places;              /* borrowed */
    const route_geo    *geo;                 /* district boundaries, borrowed; NULL: none */
    const route_cat    *cats;                /* borrowed; watching the conduct category */
    int                 conduct;             /* index of the conduct category, -1 when none */
    double              min_score;           /* assignment.min_score */
    int                 default_accept_minutes;
    double              default_resolve_days;
} route_decider;

typedef struct {
    const char          *address, *content;  /* either may be NULL */
    const char          *category_raw;       /* the hotline's category column, may be NULL */
    const char          *urgency;            /* 一般, 紧急 ..., may be NULL */
    const route_exclude *exclude;            /* streets that returned it; NULL for none */
    int                  has_coords;         /* lon, lat given (GCJ-02) */
    double               lon, lat;
} route_input;

typedef enum { ROUTE_TO_STREET, ROUTE_TO_DISCIPLINE, ROUTE_TO_MANUAL } route_owner;

typedef struct {
    route_owner        owner;
    char               owner_code[ROUTE_UNIT_CODE_MAX];  /* street code, "370212.discipline" ("discipline":
                                                            district not known), or "" (manual) */
    char               co_code[ROUTE_UNIT_CODE_MAX];     /* co-handling department unit code, or "" */
    const char        *category_code;                    /* NULL when none (owned by the categories) */
    const char        *rule;                             /* "conduct", or the place rule (static) */
    double             score;                            /* 0..1 */
    int                accept_minutes;                   /* working minutes */
    double             resolve_days;                     /* working days */
    route_place_result place;
    route_cat_result   cat;
    char               reasons[ROUTE_REASONS_MAX];
} route_decision;

/* Decides one complaint. */
void route_decide(const route_decider *d, const route_input *in, route_decision *out);

#endif
