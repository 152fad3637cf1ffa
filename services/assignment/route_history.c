/* route_history.c — places learned from settled orders (see route_history.h).
 *
 * One entry per (address, street), sorted by address then orders, so an
 * address's streets are adjacent and its first is the one with most orders;
 * a lookup is a binary search.
 */
#include "route_history.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "route_mem.h"

#define KEY_MAX 256

/* Owner assignments of orders closed, or given by a dispatcher, at an address. */
static const char SQL_HISTORY[] =
    "SELECT address, street_code, count(*) FROM ("
    "  SELECT c.address, a.street_code FROM complaints c"
    "  JOIN assignments a ON a.complaint_id = c.id AND a.active AND a.role = 'owner' AND a.street_code IS NOT NULL"
    "  WHERE c.address <> '' AND c.link_id IS NULL AND (c.status = 'closed' OR a.rule = 'dispatcher')"
    "  ORDER BY c.called_at DESC LIMIT $1::int) h GROUP BY 1, 2";
enum { HI_ADDRESS, HI_STREET, HI_ORDERS };

typedef struct {
    char *address;        /* whitespace removed */
    char  street[16];
    long  orders;
} entry;

struct route_history {
    entry  *e;
    size_t  n, cap;
    int     built;
};

route_history *route_history_new(void)
{
    return calloc(1, sizeof(route_history));
}

void route_history_destroy(route_history **self)
{
    if (!self || !*self)
        return;
    for (size_t i = 0; i < (*self)->n; i++)
        free((*self)->e[i].address);
    free((*self)->e);
    free(*self);
    *self = NULL;
}

/* address without whitespace into key. 0, or -1 when too long. */
static int make_key(const char *address, char *key)
{
    size_t n = 0;
    for (const char *p = address; *p; p++)
        if (*p != ' ' && *p != '\t') {
            if (n + 1 >= KEY_MAX)
                return -1;
            key[n++] = *p;
        }
    key[n] = '\0';
    return n ? 0 : -1;
}

int route_history_add(route_history *self, const char *address, const char *street_code, long orders)
{
    char key[KEY_MAX];
    if (self->built || orders <= 0 || strlen(street_code) >= sizeof self->e[0].street)
        return -1;
    if (make_key(address, key) != 0)
        return 1;
    if (route_grow((void **)&self->e, &self->cap, self->n + 1, sizeof *self->e) != 0)
        return -1;
    entry *x = &self->e[self->n];
    if (!(x->address = strdup(key)))
        return -1;
    snprintf(x->street, sizeof x->street, "%s", street_code);
    x->orders = orders;
    self->n++;
    return 0;
}

static int cmp_entry(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    int c = strcmp(x->address, y->address);
    return c ? c : (y->orders > x->orders) - (y->orders < x->orders);
}

int route_history_build(route_history *self)
{
    if (self->n)
        qsort(self->e, self->n, sizeof *self->e, cmp_entry);
    self->built = 1;
    return 0;
}

size_t route_history_count(const route_history *self)
{
    return self->n;
}

int route_history_find(const route_history *self, const char *address, route_history_hit *hit)
{
    char key[KEY_MAX];
    if (!self || !address || make_key(address, key) != 0)
        return 0;
    size_t lo = 0, hi = self->n;
    while (lo < hi) {             /* the first entry of the address */
        size_t mid = (lo + hi) / 2;
        if (strcmp(self->e[mid].address, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == self->n || strcmp(self->e[lo].address, key) != 0)
        return 0;
    *hit = (route_history_hit){.street_code = self->e[lo].street, .orders = self->e[lo].orders};
    for (size_t i = lo; i < self->n && strcmp(self->e[i].address, key) == 0; i++) {
        hit->total += self->e[i].orders;
        hit->streets++;
    }
    return 1;
}

route_history *route_history_load(PGconn *pg, char *err, size_t errlen)
{
    char limit[24];
    snprintf(limit, sizeof limit, "%d", ROUTE_HISTORY_ROWS);
    const char *params[] = {limit};
    char why[512] = "out of memory";
    route_history *self = route_history_new();
    PGresult *res = self ? db_query(pg, "load places learned from history", SQL_HISTORY, 1, params, why, sizeof why)
                         : NULL;
    if (!res) {
        snprintf(err, errlen, "history: %s", why);
        route_history_destroy(&self);
        return NULL;
    }
    int rc = 0;
    for (int r = 0; r < PQntuples(res) && rc >= 0; r++)
        rc = route_history_add(self, PQgetvalue(res, r, HI_ADDRESS), PQgetvalue(res, r, HI_STREET),
                               atol(PQgetvalue(res, r, HI_ORDERS)));
    PQclear(res);
    if (rc < 0) {
        snprintf(err, errlen, "history: out of memory");
        route_history_destroy(&self);
        return NULL;
    }
    route_history_build(self);
    return self;
}
