/* route_places.c — street and community names found in a complaint (see route_places.h).
 *
 * Every written form of every place goes into one Aho–Corasick automaton
 * (route_ac.h), so a text is scanned once whatever the number of places.
 * A hit inside a longer hit is dropped ("张村" inside "张村河南社区", "沙子口"
 * inside "沙子口街道"), and of two hits on the same words the stronger form
 * wins (the street 王哥庄 over the community 王哥庄). What is left is tallied
 * per street and the street with the most mentions is the answer.
 *
 * Which forms a place is known by:
 *   street      its NBS name, that name without 办事处, short+街道, short+镇,
 *               and the bare short name (沙子口, also two-character ones like
 *               北宅: a district has a handful of streets, their short names are
 *               the town names people actually write; never a single character);
 *   community   its NBS name, its everyday name (张村社区居民委员会 → 张村社区),
 *               short+社区, short+村, and the bare short name only when it has
 *               three characters or more (金家岭, 张村河南), or two ending in 村
 *               (张村: the 村 is already the suffix). Other two-character
 *               community names — 山海, 会场, 荷花, 书院, 河东 — are everyday
 *               words, so they count only with their suffix;
 *   gazetteer   a road or landmark by its name. A road crossing streets has
 *               house-number ranges: the number written right after the name
 *               (海尔路178号) picks the range; a road without a number that
 *               matches one range counts once for every street it crosses,
 *               which makes the text ambiguous on purpose.
 * Two hits on exactly the same words that mean different streets (海口路 the
 * road in 崂山区, 海口路 the community in 市南区) are both kept: ambiguity is
 * resolved by the rest of the text or by a dispatcher, never silently.
 */
#include "route_places.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "route_mem.h"
#include "route_places_int.h"
#include "text.h"

/* ---- building ---- */

route_places *route_places_new(void)
{
    route_places *self = calloc(1, sizeof *self);
    if (!self || !(self->ac = route_ac_new())) {
        free(self);
        return NULL;
    }
    return self;
}

void route_places_destroy(route_places **self)
{
    if (!self || !*self)
        return;
    for (size_t i = 0; i < (*self)->nplaces; i++) {
        free((*self)->places[i].name);
        free((*self)->places[i].said);
    }
    free((*self)->places);
    free((*self)->pats);
    free((*self)->ranges);
    route_ac_destroy(&(*self)->ac);
    free(*self);
    *self = NULL;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* The name people write: the NBS name without its office part
 * (张村社区居民委员会 → 张村社区, 某某村村民委员会 → 某某村, X街道办事处 → X街道). */
static char *display_name(const char *name)
{
    static const char *const OFFICE[] = {"居民委员会", "村民委员会", "居委会", "村委会", "办事处", NULL};
    size_t len = strlen(name);
    for (const char *const *o = OFFICE; *o; o++)
        if (ends_with(name, *o) && text_utf8_chars(name, len - strlen(*o)) >= 2) {
            len -= strlen(*o);
            break;
        }
    return strndup(name, len);
}

typedef struct {
    char       text[MAX_FORMS][FORM_BYTES];
    place_form form[MAX_FORMS];
    size_t     n;
} form_set;

/* Adds one written form unless empty, too long or already there. */
static void form_add(form_set *f, place_form form, const char *a, const char *b)
{
    if (f->n == MAX_FORMS || !*a)
        return;
    int len = snprintf(f->text[f->n], FORM_BYTES, "%s%s", a, b);
    if (len < 0 || len >= FORM_BYTES)
        return;
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->text[i], f->text[f->n]) == 0)
            return;
    f->form[f->n++] = form;
}

static void street_forms(form_set *f, const char *name, const char *display, const char *short_name)
{
    form_add(f, FORM_FULL, name, "");
    form_add(f, FORM_FULL, display, "");
    form_add(f, FORM_SUFFIXED, short_name, "街道");
    form_add(f, FORM_SUFFIXED, short_name, "镇");
    if (text_utf8_chars(short_name, strlen(short_name)) >= 2)
        form_add(f, FORM_STREET_SHORT, short_name, "");
}

static void community_forms(form_set *f, const char *name, const char *display, const char *short_name)
{
    form_add(f, FORM_FULL, name, "");
    form_add(f, FORM_FULL, display, "");
    form_add(f, FORM_SUFFIXED, short_name, "社区");
    if (!ends_with(short_name, "村"))
        form_add(f, FORM_SUFFIXED, short_name, "村");
    size_t chars = text_utf8_chars(short_name, strlen(short_name));
    if (chars >= 3 || (chars == 2 && ends_with(short_name, "村")))
        form_add(f, FORM_COMMUNITY_SHORT, short_name, "");
}

static int add_place(route_places *self, int level, const char *code, const char *name,
                     const char *short_name, const char *parent_code)
{
    if (self->built || !*name || strlen(code) >= ROUTE_CODE_MAX ||
        strlen(parent_code) >= ROUTE_CODE_MAX || !*short_name)
        return -1;
    if (route_grow((void **)&self->places, &self->cap_places, self->nplaces + 1, sizeof(place)) != 0)
        return -1;
    place *p = &self->places[self->nplaces];
    memset(p, 0, sizeof *p);
    if (!(p->name = display_name(name)))
        return -1;
    snprintf(p->code, sizeof p->code, "%s", code);
    snprintf(p->parent, sizeof p->parent, "%s", parent_code);
    p->level = level;
    p->street = -1;
    p->ranges = -1;
    p->district = -1;

    form_set f;
    f.n = 0;
    if (level == LEVEL_STREET)
        street_forms(&f, name, p->name, short_name);
    else if (level == LEVEL_COMMUNITY)
        community_forms(&f, name, p->name, short_name);
    else if (level == LEVEL_DISTRICT || level == LEVEL_CITY)
        form_add(&f, FORM_FULL, name, "");
    else
        form_add(&f, FORM_GAZETTEER, name, "");
    int32_t idx = (int32_t)self->nplaces++;   /* kept even on failure below: destroy frees its name */
    for (size_t i = 0; i < f.n; i++) {
        if (route_grow((void **)&self->pats, &self->cap_pats, self->npats + 1, sizeof(pattern)) != 0 ||
            route_ac_add(self->ac, f.text[i], strlen(f.text[i]), (int32_t)self->npats) != 0)
            return -1;
        self->pats[self->npats++] = (pattern){.place = idx, .form = f.form[i]};
    }
    return 0;
}

int route_places_add_street(route_places *self, const char *code, const char *name, const char *short_name)
{
    return add_place(self, LEVEL_STREET, code, name, short_name, "");
}

int route_places_add_community(route_places *self, const char *code, const char *name,
                               const char *short_name, const char *parent_code)
{
    return add_place(self, LEVEL_COMMUNITY, code, name, short_name, parent_code);
}

int route_places_add_district(route_places *self, const char *code, const char *name)
{
    return strlen(code) == 6 ? add_place(self, LEVEL_DISTRICT, code, name, name, "") : -1;
}

int route_places_add_city(route_places *self, const char *district_code, const char *name)
{
    return strlen(district_code) == 6 ? add_place(self, LEVEL_CITY, district_code, name, name, "") : -1;
}

/* The gazetteer place named name, or -1. */
static int32_t find_gazetteer(const route_places *self, const char *name)
{
    for (size_t i = 0; i < self->nplaces; i++)
        if (self->places[i].level == LEVEL_GAZETTEER && strcmp(self->places[i].name, name) == 0)
            return (int32_t)i;
    return -1;
}

static int add_gazetteer(route_places *self, const char *name, const char *street_code,
                         const char *community_code, long num_from, long num_to, int approximate)
{
    if (self->built || !*name || strlen(street_code) >= ROUTE_CODE_MAX ||
        strlen(community_code) >= ROUTE_CODE_MAX || (num_from >= 0 && num_to < num_from))
        return -1;
    int32_t p = find_gazetteer(self, name);
    if (p < 0) {
        if (add_place(self, LEVEL_GAZETTEER, "", name, name, "") != 0)
            return -1;
        p = (int32_t)self->nplaces - 1;
    }
    if (route_grow((void **)&self->ranges, &self->cap_ranges, self->nranges + 1, sizeof(gaz_range)) != 0)
        return -1;
    gaz_range *r = &self->ranges[self->nranges];
    *r = (gaz_range){.from = num_from < 0 ? -1 : num_from, .to = num_to, .street = -1,
                     .next = self->places[p].ranges, .approximate = approximate && num_from >= 0};
    snprintf(r->street_code, sizeof r->street_code, "%s", street_code);
    snprintf(r->community, sizeof r->community, "%s", community_code);
    self->places[p].ranges = (int32_t)self->nranges++;
    return 0;
}

int route_places_add_gazetteer(route_places *self, const char *name, const char *street_code,
                               const char *community_code, long num_from, long num_to)
{
    return add_gazetteer(self, name, street_code, community_code, num_from, num_to, 0);
}

int route_places_add_gazetteer_approx(route_places *self, const char *name, const char *street_code,
                                      const char *community_code, long num_from, long num_to)
{
    return add_gazetteer(self, name, street_code, community_code, num_from, num_to, 1);
}

typedef struct {
    const char *code;
    int32_t     place;
} street_key;

static int cmp_street_key(const void *a, const void *b)
{
    return strcmp(((const street_key *)a)->code, ((const street_key *)b)->code);
}

/* Index of the street with this code, or -1. keys is sorted by code. */
static int32_t find_street(const street_key *keys, size_t n, const char *code)
{
    street_key k = {.code = code};
    const street_key *found = n ? bsearch(&k, keys, n, sizeof *keys, cmp_street_key) : NULL;
    return found ? found->place : -1;
}

/* Sets a gazetteer place's street: the one street all its loaded ranges
 * name, STREET_BY_NUMBER when they name several, -1 when none is loaded. */
static void gazetteer_street(route_places *self, place *p)
{
    p->street = -1;
    for (int32_t r = p->ranges; r >= 0; r = self->ranges[r].next) {
        int32_t st = self->ranges[r].street;
        if (st < 0)
            continue;
        if (p->street == -1)
            p->street = st;
        else if (p->street != st)
            p->street = STREET_BY_NUMBER;
    }
    if (p->street != -1)
        self->nused++;
}

/* Each street's district place, when loaded. */
static void street_districts(route_places *self)
{
    for (size_t d = 0; d < self->nplaces; d++)
        if (self->places[d].level == LEVEL_DISTRICT)
            for (size_t i = 0; i < self->nplaces; i++)
                if (self->places[i].level == LEVEL_STREET
                    && strncmp(self->places[i].code, self->places[d].code, ROUTE_DISTRICT_DIGITS) == 0)
                    self->places[i].district = (int32_t)d;
}

/* Streets and communities by level and name. */
static int cmp_named(const void *a, const void *b, void *ctx)
{
    const route_places *self = ctx;
    const place *x = &self->places[*(const int32_t *)a], *y = &self->places[*(const int32_t *)b];
    return x->level != y->level ? x->level - y->level : strcmp(x->name, y->name);
}

/* 1 if places run[0..n) lie in more than one district. */
static int several_districts(const route_places *self, const int32_t *run, size_t n)
{
    for (size_t k = 1; k < n; k++)
        if (strncmp(self->places[run[k]].code, self->places[run[0]].code, ROUTE_DISTRICT_DIGITS) != 0)
            return 1;
    return 0;
}

/* Says each place of run[0..n) with its district's name. 0 or -1 (out of memory). */
static int say_districts(route_places *self, const int32_t *run, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        place *p = &self->places[run[k]];
        int32_t d = self->places[p->street].district;
        if (d >= 0 && asprintf(&p->said, "%s（%s）", p->name, self->places[d].name) < 0) {
            p->said = NULL;
            return -1;
        }
    }
    return 0;
}

/* The name reasons say: a street's or community's name that a place of the same level in another loaded
 * district has too is said with its district's (市中街道（乐陵市）, as `jiesu migrate` names its street office).
 * 0 or -1 (out of memory). */
static int name_shared(route_places *self)
{
    int32_t *order = malloc((self->nplaces ? self->nplaces : 1) * sizeof *order);
    if (!order)
        return -1;
    size_t n = 0;
    for (size_t i = 0; i < self->nplaces; i++)
        if ((self->places[i].level == LEVEL_STREET || self->places[i].level == LEVEL_COMMUNITY) &&
            self->places[i].street >= 0)
            order[n++] = (int32_t)i;
    qsort_r(order, n, sizeof *order, cmp_named, self);
    int rc = 0;
    for (size_t i = 0, j; i < n && rc == 0; i = j) {
        for (j = i + 1; j < n && cmp_named(&order[i], &order[j], self) == 0;)
            j++;
        if (several_districts(self, order + i, j - i))
            rc = say_districts(self, order + i, j - i);
    }
    free(order);
    return rc;
}

int route_places_build(route_places *self)
{
    if (self->built)
        return 0;
    street_key *keys = malloc((self->nplaces ? self->nplaces : 1) * sizeof *keys);
    if (!keys)
        return -1;
    size_t nstreets = 0;
    for (size_t i = 0; i < self->nplaces; i++)
        if (self->places[i].level == LEVEL_STREET) {
            self->places[i].street = (int32_t)i;
            keys[nstreets++] = (street_key){.code = self->places[i].code, .place = (int32_t)i};
        }
    qsort(keys, nstreets, sizeof *keys, cmp_street_key);
    self->nused = nstreets;
    for (size_t i = 0; i < self->nplaces; i++) {
        place *p = &self->places[i];
        if (p->level == LEVEL_COMMUNITY && (p->street = find_street(keys, nstreets, p->parent)) >= 0)
            self->nused++;
    }
    for (size_t i = 0; i < self->nranges; i++)
        self->ranges[i].street = find_street(keys, nstreets, self->ranges[i].street_code);
    for (size_t i = 0; i < self->nplaces; i++)
        if (self->places[i].level == LEVEL_GAZETTEER)
            gazetteer_street(self, &self->places[i]);
    free(keys);
    street_districts(self);
    if (name_shared(self) != 0 || route_ac_build(self->ac) != 0)
        return -1;
    self->built = 1;
    return 0;
}

const char *route_places_street_name(const route_places *self, const char *code)
{
    for (size_t i = 0; i < self->nplaces; i++)
        if (self->places[i].level == LEVEL_STREET && strcmp(self->places[i].code, code) == 0)
            return PLACE_SAID(&self->places[i]);
    return code;
}

size_t route_places_count(const route_places *self)
{
    return self->nused;
}

static const char SQL_REGIONS[] =
    "SELECT code, name, short_name, level, coalesce(parent_code, '') FROM regions"
    " WHERE level IN ('district', 'street', 'community') ORDER BY code";
enum { R_CODE, R_NAME, R_SHORT_NAME, R_LEVEL, R_PARENT };

/* Each loaded district's city, as `jiesu migrate` keeps its name (migration 069). */
static const char SQL_CITIES[] =
    "SELECT r.code, c.name FROM regions r JOIN region_names c ON c.code = left(r.code, 4)"
    " WHERE r.level = 'district' ORDER BY r.code";

static const char SQL_GAZETTEER[] =
    "SELECT name, street_code, coalesce(community_code, ''), coalesce(num_from, -1), coalesce(num_to, -1),"
    "       source = 'shipped' FROM gazetteer ORDER BY id";
enum { GZ_NAME, GZ_STREET, GZ_COMMUNITY, GZ_FROM, GZ_TO, GZ_SHIPPED };

/* Adds every district, street and community of `regions`. 0 or -1 with err. */
static int load_regions(route_places *self, PGconn *pg, char *err, size_t errlen)
{
    PGresult *res = db_query(pg, "load regions", SQL_REGIONS, 0, NULL, err, errlen);
    if (!res)
        return -1;
    int rc = 0;
    for (int r = 0; r < PQntuples(res) && rc == 0; r++) {
        const char *code = PQgetvalue(res, r, R_CODE), *name = PQgetvalue(res, r, R_NAME);
        const char *short_name = PQgetvalue(res, r, R_SHORT_NAME);
        const char *level = PQgetvalue(res, r, R_LEVEL);
        rc = strcmp(level, "district") == 0 ? route_places_add_district(self, code, name)
             : strcmp(level, "street") == 0 ? route_places_add_street(self, code, name, short_name)
                                             : route_places_add_community(self, code, name, short_name,
                                                                          PQgetvalue(res, r, R_PARENT));
        if (rc != 0)
            snprintf(err, errlen, "regions: cannot add %s %s (empty name, code too long or out of memory)",
                     code, name);
    }
    PQclear(res);
    return rc;
}

/* Adds every loaded district's city. 0 or -1 with err. */
static int load_cities(route_places *self, PGconn *pg, char *err, size_t errlen)
{
    PGresult *res = db_query(pg, "load cities", SQL_CITIES, 0, NULL, err, errlen);
    int rc = res ? 0 : -1;
    for (int r = 0; res && r < PQntuples(res) && rc == 0; r++)
        if ((rc = route_places_add_city(self, PQgetvalue(res, r, 0), PQgetvalue(res, r, 1))) != 0)
            snprintf(err, errlen, "regions: cannot add the city %s (out of memory)", PQgetvalue(res, r, 1));
    PQclear(res);
    return rc;
}

/* Adds every gazetteer row. 0 or -1 with err. */
static int load_gazetteer(route_places *self, PGconn *pg, char *err, size_t errlen)
{
    PGresult *res = db_query(pg, "load gazetteer", SQL_GAZETTEER, 0, NULL, err, errlen);
    if (!res)
        return -1;
    int rc = 0;
    for (int r = 0; r < PQntuples(res) && rc == 0; r++) {
        rc = add_gazetteer(self, PQgetvalue(res, r, GZ_NAME), PQgetvalue(res, r, GZ_STREET),
                           PQgetvalue(res, r, GZ_COMMUNITY), atol(PQgetvalue(res, r, GZ_FROM)),
                           atol(PQgetvalue(res, r, GZ_TO)), strcmp(PQgetvalue(res, r, GZ_SHIPPED), "t") == 0);
        if (rc != 0)
            snprintf(err, errlen, "gazetteer: cannot add %s (empty name, bad range or out of memory)",
                     PQgetvalue(res, r, GZ_NAME));
    }
    PQclear(res);
    return rc;
}

route_places *route_places_load(PGconn *pg, char *err, size_t errlen)
{
    route_places *self = route_places_new();
    if (!self) {
        snprintf(err, errlen, "regions: out of memory");
        return NULL;
    }
    if (load_regions(self, pg, err, errlen) != 0 || load_cities(self, pg, err, errlen) != 0 ||
        load_gazetteer(self, pg, err, errlen) != 0)
        goto fail;
    if (route_places_build(self) != 0) {
        snprintf(err, errlen, "regions: out of memory");
        goto fail;
    }
    if (route_places_count(self) == 0) {
        snprintf(err, errlen, "regions: no streets loaded (run `jiesu migrate` to seed regions)");
        goto fail;
    }
    return self;
fail:
    route_places_destroy(&self);
    return NULL;
}

