/* route_category.c — category of a complaint from the hotline's column or
 * from its text (see route_category.h). */
#include "route_category.h"
#include "route_mem.h"
#include "db.h"
#include "route_ac.h"
#include "route_say.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CATEGORIES 4096

typedef struct {
    char *name;
    int   category;
} cat_alias;

typedef struct {
    char *text;
    int   category;
} cat_term;

typedef struct {
    char  *name;
    double accept, resolve;
} cat_urgency;

struct route_cat {
    route_category *cats;
    size_t          ncats, cap_cats;
    cat_term       *terms;          /* indexed by the automaton's pattern value */
    size_t          nterms, cap_terms;
    cat_alias      *aliases;
    size_t          naliases, cap_aliases;
    cat_urgency    *urgencies;
    size_t          nurgencies, cap_urgencies;
    route_ac       *ac;
};

route_cat *route_cat_new(void)
{
    route_cat *self = calloc(1, sizeof *self);
    if (self && !(self->ac = route_ac_new())) {
        free(self);
        return NULL;
    }
    return self;
}

void route_cat_destroy(route_cat **pself)
{
    if (!pself || !*pself)
        return;
    route_cat *self = *pself;
    for (size_t i = 0; i < self->ncats; i++) {
        free(self->cats[i].code);
        free(self->cats[i].name);
        free(self->cats[i].dept_kind);
    }
    for (size_t i = 0; i < self->nterms; i++)
        free(self->terms[i].text);
    for (size_t i = 0; i < self->naliases; i++)
        free(self->aliases[i].name);
    for (size_t i = 0; i < self->nurgencies; i++)
        free(self->urgencies[i].name);
    free(self->urgencies);
    free(self->cats);
    free(self->terms);
    free(self->aliases);
    route_ac_destroy(&self->ac);
    free(self);
    *pself = NULL;
}

int route_cat_find(const route_cat *self, const char *code)
{
    for (size_t i = 0; i < self->ncats; i++)
        if (strcmp(self->cats[i].code, code) == 0)
            return (int)i;
    return -1;
}

int route_cat_resolve(const route_cat *self, const char *label)
{
    if (!label || !*label)
        return -1;
    for (size_t i = 0; i < self->naliases; i++)
        if (strcmp(self->aliases[i].name, label) == 0)
            return self->aliases[i].category;
    for (size_t i = 0; i < self->ncats; i++)
        if (strcmp(self->cats[i].name, label) == 0)
            return (int)i;
    return route_cat_find(self, label);
}

int route_cat_within(const route_cat *self, int c, int a)
{
    for (; c >= 0 && (size_t)c < self->ncats; c = self->cats[c].parent)
        if (c == a)
            return 1;
    return 0;
}

size_t route_cat_term_count(const route_cat *self)
{
    return self->nterms;
}

const char *route_cat_term(const route_cat *self, size_t i, int *category)
{
    if (i >= self->nterms)
        return NULL;
    *category = self->terms[i].category;
    return self->terms[i].text;
}

int route_cat_add(route_cat *self, const char *code, const char *name, const char *parent_code,
                  const char *dept_kind, int accept_minutes, double resolve_days)
{
    int parent = -1;
    if (parent_code && parent_code[0] && (parent = route_cat_find(self, parent_code)) < 0)
        return -1;
    if (route_cat_find(self, code) >= 0 || self->ncats >= MAX_CATEGORIES ||
        route_grow((void **)&self->cats, &self->cap_cats, self->ncats + 1, sizeof *self->cats) != 0)
        return -1;
    route_category *c = &self->cats[self->ncats];
    *c = (route_category){.code = strdup(code), .name = strdup(name), .dept_kind = strdup(dept_kind ? dept_kind : ""),
                          .parent = parent, .accept_minutes = accept_minutes, .resolve_days = resolve_days};
    if (!c->code || !c->name || !c->dept_kind) {
        free(c->code); free(c->name); free(c->dept_kind);
        return -1;
    }
    return (int)self->ncats++;
}

int route_cat_add_term(route_cat *self, int category, const char *term)
{
    if (category < 0 || (size_t)category >= self->ncats || !term[0])
        return -1;
    if (route_grow((void **)&self->terms, &self->cap_terms, self->nterms + 1, sizeof *self->terms) != 0)
        return -1;
    char *copy = strdup(term);
    if (!copy || route_ac_add(self->ac, term, strlen(term), (int32_t)self->nterms) != 0) {
        free(copy);
        return -1;
    }
    self->terms[self->nterms++] = (cat_term){.text = copy, .category = category};
    return 0;
}

int route_cat_map(route_cat *self, const char *hotline_name, int category)
{
    if (category < 0 || (size_t)category >= self->ncats ||
        route_grow((void **)&self->aliases, &self->cap_aliases, self->naliases + 1, sizeof *self->aliases) != 0)
        return -1;
    char *copy = strdup(hotline_name);
    if (!copy)
        return -1;
    self->aliases[self->naliases++] = (cat_alias){.name = copy, .category = category};
    return 0;
}

int route_cat_add_urgency(route_cat *self, const char *name, double accept_factor, double resolve_factor)
{
    if (!*name || accept_factor <= 0 || resolve_factor <= 0 ||
        route_grow((void **)&self->urgencies, &self->cap_urgencies, self->nurgencies + 1, sizeof *self->urgencies) != 0)
        return -1;
    char *copy = strdup(name);
    if (!copy)
        return -1;
    self->urgencies[self->nurgencies++] = (cat_urgency){.name = copy, .accept = accept_factor,
                                                        .resolve = resolve_factor};
    return 0;
}

int route_cat_limits(const route_cat *self, int category, const char *urgency, int default_accept_minutes,
                     double default_resolve_days, int *accept_minutes, double *resolve_days)
{
    const route_category *c = route_cat_get(self, category);
    double accept = c ? c->accept_minutes : default_accept_minutes, resolve = c ? c->resolve_days : default_resolve_days;
    int known = !urgency || !*urgency;
    for (size_t i = 0; !known && i < self->nurgencies; i++)
        if (strcmp(self->urgencies[i].name, urgency) == 0) {
            accept *= self->urgencies[i].accept;
            resolve *= self->urgencies[i].resolve;
            known = 1;
        }
    *accept_minutes = accept < 1 ? 1 : (int)(accept + 0.5);
    *resolve_days = resolve;
    return known;
}

int route_cat_build(route_cat *self)
{
    return route_ac_build(self->ac);
}

const route_category *route_cat_get(const route_cat *self, int index)
{
    return index >= 0 && (size_t)index < self->ncats ? &self->cats[index] : NULL;
}

size_t route_cat_count(const route_cat *self)
{
    return self->ncats;
}

/* Per-scan tally: weight per category hit and which terms hit. */
#define MAX_HIT_TERMS 16
#define MAX_HIT_CATS  16

typedef struct {
    const route_cat *cat;
    int              cats[MAX_HIT_CATS];     /* categories with hits */
    double           weight[MAX_HIT_CATS];   /* their own hits' weight */
    size_t           ncats;
    int              hit_terms[MAX_HIT_TERMS];
    size_t           nhits;
} tally;

/* The slot of category c in the tally (added when new), or -1 when full. */
static int tally_slot(tally *t, int c)
{
    for (size_t i = 0; i < t->ncats; i++)
        if (t->cats[i] == c)
            return (int)i;
    if (t->ncats == MAX_HIT_CATS)
        return -1;
    t->cats[t->ncats] = c;
    t->weight[t->ncats] = 0;
    return (int)t->ncats++;
}

static int on_term(void *ctx, int32_t value, size_t start, size_t end)
{
    tally *t = ctx;
    (void)start;
    (void)end;
    const cat_term *term = &t->cat->terms[value];
    int k = tally_slot(t, term->category);
    if (k >= 0)
        t->weight[k] += (double)text_utf8_chars(term->text, strlen(term->text));
    for (size_t i = 0; i < t->nhits; i++)
        if (t->hit_terms[i] == value)
            return 0;
    if (t->nhits < MAX_HIT_TERMS)
        t->hit_terms[t->nhits++] = value;
    return 0;
}

static int depth(const route_cat *self, int c)
{
    int d = 0;
    for (; c >= 0 && self->cats[c].parent >= 0; c = self->cats[c].parent)
        d++;
    return d;
}

static int is_ancestor(const route_cat *self, int a, int c)
{
    for (int p = self->cats[c].parent; p >= 0; p = self->cats[p].parent)
        if (p == a)
            return 1;
    return 0;
}

/* A hit category's weight: its own hits plus its ancestors' (a child term
 * plus its parent's terms beat a lone parent). */
static double total_weight(const route_cat *self, const tally *t, size_t k, int without)
{
    if (t->cats[k] == without)
        return 0;
    double w = t->weight[k];
    for (size_t j = 0; j < t->ncats; j++)
        if (t->cats[j] != without && is_ancestor(self, t->cats[j], t->cats[k]))
            w += t->weight[j];
    return w;
}

/* The heaviest hit category (a tie goes to the deeper one) and the weight of
 * the strongest rival that is not one of its ancestors. */
static int best_category(const route_cat *self, const tally *t, int without, double *best_w, double *rival_w)
{
    int best = -1;
    *best_w = *rival_w = 0;
    for (size_t k = 0; k < t->ncats; k++) {
        double w = total_weight(self, t, k, without);
        if (w > *best_w || (w > 0 && w == *best_w && depth(self, t->cats[k]) > depth(self, best))) {
            best = t->cats[k];
            *best_w = w;
        }
    }
    for (size_t k = 0; best >= 0 && k < t->ncats; k++) {
        double w = total_weight(self, t, k, without);
        if (t->cats[k] != best && !is_ancestor(self, t->cats[k], best) && w > *rival_w)
            *rival_w = w;
    }
    return best;
}

static void classify_text(const route_cat *self, const char *text, int without, route_cat_result *out)
{
    tally t = {.cat = self};
    route_ac_scan(self->ac, text, strlen(text), on_term, &t);
    double best_w, rival_w;
    int best = best_category(self, &t, without, &best_w, &rival_w);
    if (best >= 0) {
        out->category = best;
        out->rule = "terms";
        out->score = best_w / (best_w + rival_w + 2.0);  /* one 2-char term alone: 0.5 */
        size_t len = 0, shown = 0;
        route_say(out->reason, sizeof out->reason, &len, "关键词");
        for (size_t i = 0; i < t.nhits; i++)
            if (self->terms[t.hit_terms[i]].category != without)
                route_say(out->reason, sizeof out->reason, &len, "%s%s", shown++ ? "、" : " ",
                          self->terms[t.hit_terms[i]].text);
        route_say(out->reason, sizeof out->reason, &len, " → %s", self->cats[best].name);
    }
}

void route_cat_classify(const route_cat *self, const char *raw_category, const char *text,
                        route_cat_result *out)
{
    *out = (route_cat_result){.category = -1, .score = 0, .rule = "none"};
    snprintf(out->reason, sizeof out->reason, "没有找到分类关键词");
    int c = route_cat_resolve(self, raw_category);
    if (c >= 0) {
        out->category = c;
        out->score = 1.0;
        out->rule = "hotline-category";
        snprintf(out->reason, sizeof out->reason, "热线分类 %s → %s", raw_category, self->cats[c].name);
        return;
    }
    if (text)
        classify_text(self, text, -1, out);
}

void route_cat_classify_without(const route_cat *self, const char *text, int without, route_cat_result *out)
{
    *out = (route_cat_result){.category = -1, .score = 0, .rule = "none"};
    snprintf(out->reason, sizeof out->reason, "没有找到分类关键词");
    if (text)
        classify_text(self, text, without, out);
}

/* ---- loading from PostgreSQL ---- */

static const char SQL_CATEGORIES[] =
    "WITH RECURSIVE tree AS ("
    "  SELECT code, 0 AS depth FROM categories WHERE parent_code IS NULL"
    "  UNION ALL SELECT c.code, t.depth + 1 FROM categories c JOIN tree t ON c.parent_code = t.code"
    ") SELECT c.code, c.name, coalesce(c.parent_code, ''), coalesce(c.dept_kind, ''), c.accept_minutes,"
    "         c.resolve_days, array_to_string(c.terms, '|')"
    "    FROM categories c JOIN tree t USING (code) ORDER BY t.depth, c.code";
enum { C_CODE, C_NAME, C_PARENT, C_DEPT_KIND, C_ACCEPT_MINUTES, C_RESOLVE_DAYS, C_TERMS };

static const char SQL_ALIASES[] = "SELECT hotline_name, category_code FROM category_aliases ORDER BY 1";
enum { AL_NAME, AL_CODE };

static const char SQL_URGENCY[] = "SELECT name, accept_factor, resolve_factor FROM urgency_levels ORDER BY 1";
enum { U_NAME, U_ACCEPT, U_RESOLVE };

/* Adds one category row and its |-separated terms. 0 or -1. */
static int load_category(route_cat *self, PGresult *res, int r)
{
    int c = route_cat_add(self, PQgetvalue(res, r, C_CODE), PQgetvalue(res, r, C_NAME), PQgetvalue(res, r, C_PARENT),
                          PQgetvalue(res, r, C_DEPT_KIND), atoi(PQgetvalue(res, r, C_ACCEPT_MINUTES)),
                          atof(PQgetvalue(res, r, C_RESOLVE_DAYS)));
    if (c < 0)
        return -1;
    char *terms = strdup(PQgetvalue(res, r, C_TERMS)), *p = terms;
    if (!terms)
        return -1;
    int rc = 0;
    for (char *t; rc == 0 && (t = strsep(&p, "|")) != NULL;)
        if (*t)
            rc = route_cat_add_term(self, c, t);
    free(terms);
    return rc;
}

/* Runs the three queries and adds their rows. 0 or -1 with err. */
static int load_rows(route_cat *self, PGconn *pg, char *err, size_t errlen)
{
    char why[512];
    PGresult *cats = db_query(pg, "load categories", SQL_CATEGORIES, 0, NULL, why, sizeof why);
    PGresult *aliases = cats ? db_query(pg, "load category aliases", SQL_ALIASES, 0, NULL, why, sizeof why) : NULL;
    PGresult *urg = aliases ? db_query(pg, "load urgency levels", SQL_URGENCY, 0, NULL, why, sizeof why) : NULL;
    int rc = -1;
    if (!urg) {
        snprintf(err, errlen, "categories: %s", why);
        goto cleanup;
    }
    for (int r = 0; r < PQntuples(cats); r++)
        if (load_category(self, cats, r) != 0) {
            snprintf(err, errlen, "categories: cannot add %s (bad parent, duplicate or out of memory)",
                     PQgetvalue(cats, r, C_CODE));
            goto cleanup;
        }
    for (int r = 0; r < PQntuples(aliases); r++)
        if (route_cat_map(self, PQgetvalue(aliases, r, AL_NAME),
                          route_cat_find(self, PQgetvalue(aliases, r, AL_CODE))) != 0) {
            snprintf(err, errlen, "categories: hotline name %s: unknown category %s", PQgetvalue(aliases, r, AL_NAME),
                     PQgetvalue(aliases, r, AL_CODE));
            goto cleanup;
        }
    for (int r = 0; r < PQntuples(urg); r++)
        if (route_cat_add_urgency(self, PQgetvalue(urg, r, U_NAME), atof(PQgetvalue(urg, r, U_ACCEPT)),
                                  atof(PQgetvalue(urg, r, U_RESOLVE))) != 0) {
            snprintf(err, errlen, "categories: urgency level %s: bad factors", PQgetvalue(urg, r, U_NAME));
            goto cleanup;
        }
    rc = 0;
cleanup:
    PQclear(cats);
    PQclear(aliases);
    PQclear(urg);
    return rc;
}

route_cat *route_cat_load(PGconn *pg, char *err, size_t errlen)
{
    route_cat *self = route_cat_new();
    if (!self) {
        snprintf(err, errlen, "categories: out of memory");
        return NULL;
    }
    if (load_rows(self, pg, err, errlen) != 0)
        goto fail;
    if (route_cat_build(self) != 0) {
        snprintf(err, errlen, "categories: out of memory");
        goto fail;
    }
    return self;
fail:
    route_cat_destroy(&self);
    return NULL;
}
