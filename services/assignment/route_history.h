/* route_history.h — places learned from the city's history: which street
 * offices kept and closed the orders of an address, and to which a
 * dispatcher gave them by hand.
 *
 * An address (whitespace removed) maps to the streets its settled orders
 * went to, with counts. Routing uses it as gazetteer-like evidence, shown
 * in the reasons: the street the address's own history names,
 * unanimously and at least ROUTE_HISTORY_MIN times, places an order
 * nothing else places (or a road's name alone); history naming another
 * street than the words do, or several streets, lowers the score — a
 * dispatcher then decides.
 *
 * Build once (route_history_add for each address and street, then
 * route_history_build; or route_history_load from PostgreSQL); finding is
 * read-only and allocates nothing.
 */
#ifndef JIESU_ROUTE_HISTORY_H
#define JIESU_ROUTE_HISTORY_H

#include <libpq-fe.h>
#include <stddef.h>

#define ROUTE_HISTORY_MIN 2        /* orders an address's history needs to place one by itself */
#define ROUTE_HISTORY_ROWS 200000  /* newest settled orders read at each load */

typedef struct route_history route_history;

typedef struct {
    const char *street_code;   /* the street with the most orders (owned by the history) */
    long        orders;        /* its orders */
    long        total;         /* orders of the address, all streets */
    int         streets;       /* streets the address's orders went to */
} route_history_hit;

route_history *route_history_new(void);

/* Records orders orders of address kept by street_code. 0; 1 when the
 * address is empty or too long to keep (left out); -1 after build, on a bad
 * street code or out of memory. */
int route_history_add(route_history *self, const char *address, const char *street_code, long orders);

int route_history_build(route_history *self);

/* The history of an address (may be NULL): 1 with *hit, else 0. */
int route_history_find(const route_history *self, const char *address, route_history_hit *hit);

size_t route_history_count(const route_history *self);

/* The addresses of the newest ROUTE_HISTORY_ROWS settled orders (closed,
 * or dispatched by hand) and their streets. NULL with err. */
route_history *route_history_load(PGconn *pg, char *err, size_t errlen);

void route_history_destroy(route_history **self);

#endif
