/* route_places_int.h — the inside of route_places, shared by its two halves:
 * route_places.c builds the places (NBS regions, gazetteer) and the automaton,
 * route_places_match.c finds them in a complaint. Not for other modules.
 */
#ifndef JIESU_ROUTE_PLACES_INT_H
#define JIESU_ROUTE_PLACES_INT_H

#include <stdint.h>

#include "route_ac.h"
#include "route_places.h"

enum { LEVEL_STREET, LEVEL_COMMUNITY, LEVEL_GAZETTEER, LEVEL_DISTRICT, LEVEL_CITY };   /* a city: one per district */
#define STREET_BY_NUMBER (-2)   /* a gazetteer place whose street depends on the house number */

/* Written forms, weakest first: the order settles two hits on the same words. */
typedef enum { FORM_COMMUNITY_SHORT, FORM_STREET_SHORT, FORM_GAZETTEER, FORM_SUFFIXED, FORM_FULL } place_form;

#define MAX_FORMS        6
#define FORM_BYTES       256

typedef struct {
    char    code[ROUTE_CODE_MAX];
    char    parent[ROUTE_CODE_MAX];   /* a community's street code */
    char   *name;                     /* display name: 中韩街道, 张村社区 */
    char   *said;                     /* the name in reasons: name, with its district's when a place of
                                       * another district has it too (市中街道（乐陵市）); NULL: name */
    int     level;
    int32_t street;                   /* index of its street (itself for a street); -1 if none */
    int32_t ranges;                   /* a gazetteer place's first range, -1 if none */
    int32_t district;                 /* a street's district place, -1 if not loaded */
} place;

/* The name of place p as reasons say it. */
#define PLACE_SAID(p) ((p)->said ? (p)->said : (p)->name)

/* One gazetteer row: house numbers [from, to] (from < 0: the rest) of a road → street. */
typedef struct {
    long    from, to;
    char    street_code[ROUTE_CODE_MAX];
    char    community[ROUTE_CODE_MAX];  /* "" when none */
    int32_t street;                     /* resolved at build; -1 when not loaded */
    int32_t next;                       /* next range of the same place, -1 */
    int     approximate;                /* a shipped range: right for the road's main stretch only */
} gaz_range;

typedef struct {
    int32_t    place;
    place_form form;
} pattern;

struct route_places {
    place    *places;
    size_t    nplaces, cap_places;
    pattern  *pats;
    size_t    npats, cap_pats;
    gaz_range *ranges;
    size_t    nranges, cap_ranges;
    route_ac *ac;
    size_t    nused;
    int       built;
};

#endif
