/* route_decide.h — one complaint's routing decision: category, place, units, limits.
 *
 *   1. category: the hotline's own category column through the alias table,
 *      else the complaint's content: the text model learned from the city's
 *      history (route_model.h) combined with the dictionary terms
 *      (route_category.h) — terms inside the model's class refine it (垃圾清运
 *      inside 城乡建设), terms outside it win only when the model is unsure
 *      and they are surer; the reasons show the probability and the n-grams
 *      that weighed most. A model probability under min_prob sends the order
 *      to manual dispatch with the three likeliest categories;
 *   2. place: the street (and community) from the address, else the content,
 *      without the streets that returned the order, and only in the district
 *      the complaint's coordinates lie in when it has coordinates inside a
 *      loaded boundary (route_places.h, route_geo.h); the address's own
 *      history (route_history.h) places an order nothing else does, or
 *      lowers the score when it names another street. A complaint naming a
 *      city, district or county outside the loaded ones, or naming no loaded
 *      place with coordinates in no loaded boundary, is outside the
 *      jurisdiction: manual dispatch, with that reason (route_juris.h);
 *   3. units: a complaint about officials' conduct (route_conduct.h: a
 *      conduct term and an office in the same clause) goes to discipline
 *      inspection, and the offices it accuses are recorded and never given
 *      it; one outside the jurisdiction waits for the dispatcher instead. When the rest of the letter reports a problem, the decision is
 *      split: the complaint keeps the problem, routed as usual but to the
 *      dispatcher when an accused office would own it, and `split` asks for
 *      a linked conduct order (route_worker.h); the reasons say so without
 *      quoting the accusation, which the problem's holder reads. Otherwise the street office
 *      owns the order (属地) and the category's department kind in the
 *      street's district co-handles it (行业, unit "<district>.<kind>"); a
 *      category no local department handles, a place score under
 *      min_score, or no place, sends it to manual dispatch;
 *   4. limits: the category's accept and resolve limits at the complaint's
 *      urgency (defaults when no category was found).
 * The reasons say all of it in Chinese, the words a dispatcher reads, with
 * places and categories by their names. Decisions are pure: the same input gives the same
 * decision, nothing is allocated.
 */
#ifndef JIESU_ROUTE_DECIDE_H
#define JIESU_ROUTE_DECIDE_H

#include "route_category.h"
#include "route_conduct.h"
#include "route_geo.h"
#include "route_history.h"
#include "route_juris.h"
#include "route_model.h"
#include "route_places.h"

#define ROUTE_UNIT_CODE_MAX 48
#define ROUTE_REASONS_MAX   2048

typedef struct {
    const route_places *places;              /* borrowed */
    const route_geo    *geo;                 /* district boundaries, borrowed; NULL: none */
    const route_cat    *cats;                /* borrowed */
    const route_conduct *conduct_words;      /* borrowed */
    const route_juris  *juris;               /* places outside the jurisdiction, borrowed; NULL: none */
    const route_history *history;            /* places learned from settled orders, borrowed; NULL: none */
    const route_model  *model;               /* the text model, borrowed; NULL: dictionary only */
    const int          *model_cat;           /* category index of each model class (-1: not in the tree) */
    int                 model_version;
    int                 conduct;             /* index of the conduct category, -1 when none */
    double              min_score;           /* assignment.min_score */
    double              min_prob;            /* assignment.min_category_prob */
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
    int                  conduct_part;       /* conduct already (a split letter's conduct part, an order
                                              * discipline inspection has held): route it as conduct */
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
    int                split;                            /* a problem routed here and a conduct part to link */
    int                naccused;
    char               accused[ROUTE_CONDUCT_MAX][ROUTE_UNIT_CODE_MAX];   /* unit codes the conduct accuses */
    const char        *accused_as[ROUTE_CONDUCT_MAX];    /* how: 沙子口街道, or the office word (static or owned
                                                            by the place or conduct tables) */
    char               reasons[ROUTE_REASONS_MAX];
} route_decision;

/* Decides one complaint. */
void route_decide(const route_decider *d, const route_input *in, route_decision *out);

#endif
