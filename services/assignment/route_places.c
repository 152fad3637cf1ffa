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
 *               words, so they count only with their suffix.
 */
#include "route_places.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "route_ac.h"
#include "text.h"

enum { LEVEL_STREET, LEVEL_COMMUNITY };

/* Written forms, weakest first: the order settles two hits on the same words. */
typedef enum { FORM_COMMUNITY_SHORT, FORM_STREET_SHORT, FORM_SUFFIXED, FORM_FULL } place_form;
static const double FORM_SCORE[] = {0.85, 0.9, 0.95, 1.0};

#define CONTENT_FACTOR   0.8    /* the place is only in the content, not the address */
#define AMBIGUOUS_FACTOR 0.5    /* the deciding text names two or more streets */
#define DISAGREE_FACTOR  0.9    /* the address names one street, the content another */
#define MAX_HITS         64     /* per text; more is no better evidence */
#define MAX_FORMS        6
#define FORM_BYTES       256
#define LIST_STREETS     4      /* streets listed in an ambiguity reason */

typedef struct {
    char    code[ROUTE_CODE_MAX];
    char    parent[ROUTE_CODE_MAX];   /* a community's street code */
    char   *name;                     /* display name: 中韩街道, 张村社区 */
    int     level;
    int32_t street;                   /* index of its street (itself for a street); -1 if none */
} place;

typedef struct {
    int32_t    place;
    place_form form;
} pattern;

struct route_places {
    place    *places;
    size_t    nplaces, cap_places;
    pattern  *pats;
    size_t    npats, cap_pats;
    route_ac *ac;
    size_t    nused;
    int       built;
};

typedef struct {
    int32_t    place;
    place_form form;
    size_t     start, end;
} hit;

typedef struct {
    const route_places *self;
    hit                 hits[MAX_HITS];
    size_t              n;
} hit_list;

/* What one text says about one street. */
typedef struct {
    int32_t street;
    int     mentions;
    size_t  best;         /* index of its strongest (then earliest) hit */
    int32_t community;    /* index of its strongest community hit, or -1 */
} tally;

typedef struct {
    tally  t[MAX_HITS];
    size_t n;
} tally_set;

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
    for (size_t i = 0; i < (*self)->nplaces; i++)
        free((*self)->places[i].name);
    free((*self)->places);
    free((*self)->pats);
    route_ac_destroy(&(*self)->ac);
    free(*self);
    *self = NULL;
}

static int grow(void **arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap * 2 : 64;
    void *p = realloc(*arr, n * elem);
    if (!p)
        return -1;
    *arr = p;
    *cap = n;
    return 0;
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
    if (grow((void **)&self->places, &self->cap_places, self->nplaces + 1, sizeof(place)) != 0)
        return -1;
    place *p = &self->places[self->nplaces];
    memset(p, 0, sizeof *p);
    if (!(p->name = display_name(name)))
        return -1;
    snprintf(p->code, sizeof p->code, "%s", code);
    snprintf(p->parent, sizeof p->parent, "%s", parent_code);
    p->level = level;
    p->street = -1;

    form_set f;
    f.n = 0;
    if (level == LEVEL_STREET)
        street_forms(&f, name, p->name, short_name);
    else
        community_forms(&f, name, p->name, short_name);
    int32_t idx = (int32_t)self->nplaces++;   /* kept even on failure below: destroy frees its name */
    for (size_t i = 0; i < f.n; i++) {
        if (grow((void **)&self->pats, &self->cap_pats, self->npats + 1, sizeof(pattern)) != 0 ||
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
    free(keys);
    if (route_ac_build(self->ac) != 0)
        return -1;
    self->built = 1;
    return 0;
}

size_t route_places_count(const route_places *self)
{
    return self->nused;
}

route_places *route_places_load(PGconn *pg, char *err, size_t errlen)
{
    route_places *self = NULL;
    PGresult *res = db_query(pg, "load regions",
                             "SELECT code, name, short_name, level, coalesce(parent_code, '') FROM regions"
                             " WHERE level IN ('street', 'community') ORDER BY code", 0, NULL);
    if (!res) {
        snprintf(err, errlen, "regions: query failed (see log)");
        return NULL;
    }
    if (!(self = route_places_new()))
        goto oom;
    for (int r = 0; r < PQntuples(res); r++) {
        const char *code = PQgetvalue(res, r, 0), *name = PQgetvalue(res, r, 1);
        const char *short_name = PQgetvalue(res, r, 2);
        int rc = strcmp(PQgetvalue(res, r, 3), "street") == 0
                     ? route_places_add_street(self, code, name, short_name)
                     : route_places_add_community(self, code, name, short_name, PQgetvalue(res, r, 4));
        if (rc != 0) {
            snprintf(err, errlen, "regions: cannot add %s %s (empty name or code too long)", code, name);
            goto fail;
        }
    }
    if (route_places_build(self) != 0)
        goto oom;
    if (route_places_count(self) == 0) {
        snprintf(err, errlen, "regions: no streets loaded (run `jiesu migrate` to seed regions)");
        goto fail;
    }
    PQclear(res);
    return self;
oom:
    snprintf(err, errlen, "regions: out of memory");
fail:
    PQclear(res);
    route_places_destroy(&self);
    return NULL;
}

/* ---- matching ---- */

static int on_hit(void *ctx, int32_t value, size_t start, size_t end)
{
    hit_list *h = ctx;
    const pattern *p = &h->self->pats[value];
    if (h->self->places[p->place].street < 0)
        return 0;                       /* a community whose street is not loaded */
    if (h->n == MAX_HITS)
        return 1;
    h->hits[h->n++] = (hit){.place = p->place, .form = p->form, .start = start, .end = end};
    return 0;
}

/* 1 if g covers h and is longer, or covers exactly the same words in a stronger form. */
static int dominates(const hit *g, const hit *h)
{
    if (g->start > h->start || g->end < h->end)
        return 0;
    size_t gl = g->end - g->start, hl = h->end - h->start;
    return gl > hl || (gl == hl && g->form > h->form);
}

static void scan(const route_places *self, const char *text, hit_list *h)
{
    h->self = self;
    h->n = 0;
    if (!text)
        return;
    route_ac_scan(self->ac, text, strlen(text), on_hit, h);
    unsigned char drop[MAX_HITS] = {0};
    for (size_t i = 0; i < h->n; i++)
        for (size_t j = 0; j < h->n && !drop[i]; j++)
            drop[i] = j != i && dominates(&h->hits[j], &h->hits[i]);
    size_t keep = 0;
    for (size_t i = 0; i < h->n; i++)
        if (!drop[i])
            h->hits[keep++] = h->hits[i];
    h->n = keep;
}

/* 1 if hit a is better evidence than hit b: stronger form, then earlier. */
static int stronger(const hit *a, const hit *b)
{
    return a->form != b->form ? a->form > b->form : a->start < b->start;
}

static void count_streets(const route_places *self, const hit_list *h, tally_set *ts)
{
    ts->n = 0;
    for (size_t i = 0; i < h->n; i++) {
        const place *p = &self->places[h->hits[i].place];
        size_t k = 0;
        while (k < ts->n && ts->t[k].street != p->street)
            k++;
        tally *t = &ts->t[k];
        if (k == ts->n) {
            *t = (tally){.street = p->street, .mentions = 0, .best = i, .community = -1};
            ts->n++;
        }
        t->mentions++;
        if (stronger(&h->hits[i], &h->hits[t->best]))
            t->best = i;
        if (p->level == LEVEL_COMMUNITY && (t->community < 0 || stronger(&h->hits[i], &h->hits[t->community])))
            t->community = (int32_t)i;
    }
}

/* The street with the most mentions, then the strongest hit, then the earliest. */
static const tally *winner(const hit_list *h, const tally_set *ts)
{
    const tally *w = &ts->t[0];
    for (size_t k = 1; k < ts->n; k++) {
        const tally *t = &ts->t[k];
        if (t->mentions != w->mentions ? t->mentions > w->mentions
                                       : stronger(&h->hits[t->best], &h->hits[w->best]))
            w = t;
    }
    return w;
}

/* Appends to the reason; a result that does not fit is cut at a character boundary. */
static void say(route_place_result *out, size_t *len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void say(route_place_result *out, size_t *len, const char *fmt, ...)
{
    size_t room = sizeof out->reason - *len;
    if (room <= 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out->reason + *len, room, fmt, ap);
    va_end(ap);
    if (n < 0) {
        out->reason[*len] = '\0';
        return;
    }
    if ((size_t)n < room) {
        *len += (size_t)n;
        return;
    }
    size_t end = sizeof out->reason - 1, lead = end;
    while (lead > *len && ((unsigned char)out->reason[lead - 1] & 0xC0) == 0x80)
        lead--;
    if (lead > *len) {
        unsigned char c = (unsigned char)out->reason[lead - 1];
        size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        if (lead - 1 + need > end)
            end = lead - 1;
    }
    out->reason[end] = '\0';
    *len = end;
}

/* "沙子口街道 (沙子口)": a street and the words that named it. */
static void say_street(const route_places *self, const hit_list *h, const char *text, const tally *t,
                       route_place_result *out, size_t *len)
{
    const hit *b = &h->hits[t->best];
    say(out, len, "%s (%.*s)", self->places[t->street].name, (int)(b->end - b->start), text + b->start);
}

/* "matched community 张村社区 (as 张村) → 中韩街道 in address" */
static void say_match(const route_places *self, const hit_list *h, const char *text, const tally *t,
                      const char *where, route_place_result *out, size_t *len)
{
    const hit *b = &h->hits[t->community >= 0 ? (size_t)t->community : t->best];
    const place *p = &self->places[b->place];
    int mlen = (int)(b->end - b->start);
    say(out, len, "matched %s %s", p->level == LEVEL_COMMUNITY ? "community" : "street", p->name);
    if (strlen(p->name) != (size_t)mlen || memcmp(p->name, text + b->start, (size_t)mlen) != 0)
        say(out, len, " (as %.*s)", mlen, text + b->start);
    if (p->level == LEVEL_COMMUNITY)
        say(out, len, " → %s", self->places[t->street].name);
    say(out, len, " in %s", where);
}

static void say_ambiguous(const route_places *self, const hit_list *h, const char *text, const tally_set *ts,
                          const tally *w, const char *where, route_place_result *out, size_t *len)
{
    say(out, len, "%s names %zu streets: ", where, ts->n);
    for (size_t k = 0; k < ts->n && k < LIST_STREETS; k++) {
        say(out, len, "%s", k ? ", " : "");
        say_street(self, h, text, &ts->t[k], out, len);
    }
    say(out, len, "%s; proposed %s", ts->n > LIST_STREETS ? ", …" : "",
        self->places[w->street].name);
}

void route_places_match(const route_places *self, const char *address, const char *content,
                        route_place_result *out)
{
    hit_list ha, hc;
    tally_set ta, tc;
    size_t len = 0;
    memset(out, 0, sizeof *out);
    out->street_name = "";
    scan(self, address, &ha);
    scan(self, content, &hc);
    count_streets(self, &ha, &ta);
    count_streets(self, &hc, &tc);
    if (ta.n == 0 && tc.n == 0) {
        out->rule = "none";
        say(out, &len, "no street or community name in address or content");
        return;
    }
    int in_address = ta.n > 0;
    const hit_list *h = in_address ? &ha : &hc;
    const tally_set *ts = in_address ? &ta : &tc;
    const char *text = in_address ? address : content, *where = in_address ? "address" : "content";
    const tally *w = winner(h, ts);
    const place *street = &self->places[w->street];
    snprintf(out->street_code, sizeof out->street_code, "%s", street->code);
    out->street_name = street->name;
    if (w->community >= 0)
        snprintf(out->community_code, sizeof out->community_code, "%s",
                 self->places[h->hits[w->community].place].code);
    out->score = FORM_SCORE[h->hits[w->best].form] * (in_address ? 1.0 : CONTENT_FACTOR);
    if (ts->n > 1) {
        out->rule = "ambiguous";
        out->score *= AMBIGUOUS_FACTOR;
        say_ambiguous(self, h, text, ts, w, where, out, &len);
        return;
    }
    out->rule = w->community >= 0 ? "community" : "street";
    say_match(self, h, text, w, where, out, &len);
    for (size_t k = 0; in_address && k < tc.n; k++)
        if (tc.t[k].street != w->street) {
            out->score *= DISAGREE_FACTOR;
            say(out, &len, "; content names ");
            say_street(self, &hc, content, &tc.t[k], out, &len);
            break;
        }
}
