/* route_places.h — which street office's area a complaint is in, from its words.
 *
 * The places are the NBS streets (街道) and communities (社区/村) of the loaded
 * districts. Each is known by several written forms: its full NBS name
 * (沙子口街道, 张村社区居民委员会), its everyday name (张村社区), and its short
 * name (沙子口, 张村). route_places_match() finds these forms in a complaint's
 * address and content and decides the street:
 *   - a community names its parent street;
 *   - the address is trusted over the content;
 *   - two different streets in the deciding text is an ambiguity: the street
 *     with the most mentions is proposed with a low score, never silently;
 *   - a place found only in the content through community or village names
 *     (青山村, 北村), with no street named, is proposed with a score under
 *     any dispatch bar: such names recur in other cities;
 *   - a name places of several districts have (市中街道 of 乐陵市 and of 禹城市)
 *     tells neither unless something else in the address or content tells
 *     the district: its name (乐陵市), or a place of only one of them (a
 *     road, a community, another street), else its city's name (德州市,
 *     when the other lies in another city). Untold, no street is proposed
 *     and the reason names every candidate with its district;
 *   - nothing found: no street, score 0 (manual dispatch).
 * The result carries the rule, a reason a dispatcher can read ("地址中匹配到社区
 * 张村社区 → 中韩街道") and a score in 0..1.
 *
 * Build once (route_places_add_* then route_places_build, or
 * route_places_load from PostgreSQL); matching is then read-only, allocates
 * nothing, and is deterministic. The places object owns copies of every string
 * given to it; result strings point into it and live as long as it does.
 */
#ifndef JIESU_ROUTE_PLACES_H
#define JIESU_ROUTE_PLACES_H

#include <libpq-fe.h>
#include <stddef.h>

#define ROUTE_CODE_MAX   16     /* NBS codes are at most 12 digits */
#define ROUTE_DISTRICT_DIGITS 6 /* a place's code begins with its district's: 370212 of 370212001 */
#define ROUTE_REASON_MAX 512
#define ROUTE_SAME_MAX   4      /* streets kept of a name several districts have */

typedef struct route_places route_places;

typedef struct {
    char        street_code[ROUTE_CODE_MAX];     /* "" when no street was found */
    char        community_code[ROUTE_CODE_MAX];  /* "" when no community of that street was named */
    const char *street_name;                     /* "中韩街道", or "" (owned by the places) */
    const char *rule;                            /* "community", "street", "gazetteer", "ambiguous" or "none" (static) */
    char        reason[ROUTE_REASON_MAX];        /* why, for people; truncated at a character boundary */
    double      score;                           /* confidence, 0..1 */
    int         in_address;                      /* 1 when the address decided, 0 the content (or nothing) */
    int         nsame;                           /* the deciding words are a name places of several districts
                                                  * have and nothing tells which: their streets (street_code ""),
                                                  * else 0 */
    char        same[ROUTE_SAME_MAX][ROUTE_CODE_MAX];
    const char *same_said[ROUTE_SAME_MAX];       /* those streets' names as reasons say them */
} route_place_result;

/* An empty set of places. NULL when out of memory. */
route_places *route_places_new(void);

/* Adds a street: 9-digit code, NBS name (沙子口街道) and short name (沙子口).
 * 0, or -1 when out of memory, after build, or on an empty name or too long code. */
int route_places_add_street(route_places *self, const char *code, const char *name, const char *short_name);

/* Adds a district: 6-digit code and name (乐陵市). Its name in a complaint tells which of the places of a
 * name several districts have is meant (乐陵市市中街道), and the reasons name such a place with its
 * district's (市中街道（乐陵市）). 0 or -1 as above. */
int route_places_add_district(route_places *self, const char *code, const char *name);

/* Adds the city a loaded district lies in (德州市 for 371481): its name tells the district among places of
 * one name in districts of two cities, when nothing names the district itself. 0 or -1 as above. */
int route_places_add_city(route_places *self, const char *district_code, const char *name);

/* Adds a community of the street parent_code (which may be added later).
 * Communities whose street never comes are dropped at build. 0 or -1 as above. */
int route_places_add_community(route_places *self, const char *code, const char *name,
                               const char *short_name, const char *parent_code);

/* Adds a gazetteer row: road or landmark `name` → street (and community,
 * "" for none); house numbers num_from..num_to, or num_from < 0 for every
 * number no other row of the name covers. Rows of the same name make one
 * place. 0, or -1 on an empty name, a bad range, after build or out of memory. */
int route_places_add_gazetteer(route_places *self, const char *name, const char *street_code,
                               const char *community_code, long num_from, long num_to);

/* The same for a range known to be approximate (the shipped gazetteer's
 * house-number ranges of roads that cross streets): a number in it alone
 * does not dispatch. */
int route_places_add_gazetteer_approx(route_places *self, const char *name, const char *street_code,
                                      const char *community_code, long num_from, long num_to);

/* Resolves parents and builds the matcher. Call once. 0 or -1 (out of memory). */
int route_places_build(route_places *self);

/* Loads every district, street and community in the regions table, the districts' cities (region_names), and the gazetteer
 * (shipped rows with house numbers as approximate ranges), and builds.
 * NULL with "regions: reason" in err on failure (or when no street is there). */
route_places *route_places_load(PGconn *pg, char *err, size_t errlen);

/* The name of the street with this code as reasons say it (中韩街道, 市中街道（乐陵市） where another loaded
 * district has a 市中街道), or the code itself when it is not loaded. */
const char *route_places_street_name(const route_places *self, const char *code);

/* Number of streets and communities in use (after build). */
size_t route_places_count(const route_places *self);

/* Decides the street for one complaint. address and content may be NULL. */
void route_places_match(const route_places *self, const char *address, const char *content,
                        route_place_result *out);

/* Streets a decision must not name: those of units that returned the order,
 * and, when district is set, every street outside that district (the one
 * the complaint's coordinates lie in). */
typedef struct {
    const char *const *street_codes;
    size_t             n;
    const char        *district;    /* 6-digit code, or NULL */
} route_exclude;

/* route_places_match as if the excluded streets' names were not there. ex may be NULL. */
void route_places_match_excluding(const route_places *self, const char *address, const char *content,
                                  const route_exclude *ex, route_place_result *out);

/* Frees everything and sets *self to NULL. */
void route_places_destroy(route_places **self);

#endif
