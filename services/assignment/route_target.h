/* route_target.h — what a dispatch gives an order (jiesu dispatch, the
 * order page's 派单/改派): the unit named, the category typed, the category
 * stored, the co-handler that follows them and those a reassignment ends.
 * Each reads or writes in the dispatch's transaction (route_actions.c).
 */
#ifndef JIESU_ROUTE_TARGET_H
#define JIESU_ROUTE_TARGET_H

#include <libpq-fe.h>

#include "route_actions.h"

/* The unit a dispatch gives an order to. */
typedef struct {
    char code[64];
    char name[128];
    int  discipline;    /* 1: a discipline inspection */
    char co[64];        /* the co-handler the dispatch gives the order (route_target_co), or "" */
    char co_name[128];
    char ended[256];    /* the co-handlers a reassignment ends (route_target_co), a JSON array of codes, or "" */
    char ended_names[256];  /* … by name: 崂山区综合行政执法局、… */
    char category[64];      /* the category the dispatch puts the order in (route_target_category), or "" */
    char category_name[128];
    int  recategorised;     /* 1: it was in another (category_from, "" for none) */
    char category_from[64];
    char category_from_name[128];
} target_unit;

/* A dispatch names one unit (unit_named.h) that exists and can own orders;
 * it goes into *to. 0 or -1 with err. */
int route_target_unit(PGconn *pg, const route_action_req *req, target_unit *to, char *err, size_t errlen);

/* A dispatch's category names one category of the tree; it goes into *to.
 * 0 or -1 with err (none, or several, with what to write). */
int route_target_category(PGconn *pg, const route_action_req *req, target_unit *to, char *err, size_t errlen);

/* The order put in to->category, before its co-handler is found (it
 * follows the category); to->recategorised and the category it had when it
 * had another. 0 or -1 with err. */
int route_target_recategorise(PGconn *pg, const route_action_req *req, target_unit *to, char *err, size_t errlen);

/* The co-handler a dispatch of req's order to *to gives it, into to->co and
 * to->co_name, and those it ends, into to->ended and to->ended_names (""
 * when none). 0 or -1 with err. */
int route_target_co(PGconn *pg, const route_action_req *req, target_unit *to, char *err, size_t errlen);

#endif
