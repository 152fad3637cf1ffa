/* route_category.h — which category a complaint belongs to.
 *
 * Two sources, in order: the hotline's own category column, mapped through a
 * table of hotline names (route_cat_map()) or naming a category (route_cat_resolve()); else the complaint's text, scanned
 * once for every category's terms with an Aho–Corasick automaton. A term hit
 * weighs its length in characters (longer terms are more specific); a
 * category's score is the sum of its own hits and its sub-categories' hits go
 * to the sub-category, which wins a tie with its parent.
 *
 * Each category has accept and resolve limits for urgency 一般; urgency levels
 * (紧急, 特急 ...) scale them by their factors (route_cat_limits()).
 *
 * The categories are the official 12345 tree (15 classes, 3 levels, names
 * written as their path: 城乡建设/城乡规划/违章建筑) with the city's own
 * inspection items inside it (垃圾清运 under 城乡建设/城市建设和市政管理/环境卫生);
 * data/categories/categories.csv.
 *
 * The classifier owns copies of every string given to it.
 */
#ifndef JIESU_ROUTE_CATEGORY_H
#define JIESU_ROUTE_CATEGORY_H

#include <libpq-fe.h>
#include <stddef.h>

typedef struct {
    char *code;             /* "order.stall" */
    char *name;             /* "占道经营" */
    char *dept_kind;        /* code of the regulating department kind, e.g. "zhifa" */
    int   parent;           /* index of the parent category, -1 for a root */
    int    accept_minutes;  /* accept limit, working minutes */
    double resolve_days;    /* resolve limit, working days */
} route_category;

typedef struct {
    int    category;        /* index, or -1 when nothing matched */
    double score;           /* 0..1 confidence */
    const char *rule;       /* "hotline-category", "terms" or "none" */
    char   reason[512];     /* e.g. "terms 占道经营, 摆摊 → 占道经营" */
} route_cat_result;

typedef struct route_cat route_cat;

route_cat *route_cat_new(void);

/* Adds a category; parent_code NULL or "" for a root (the parent must come first).
 * Returns its index, or -1 (unknown parent, duplicate code, out of memory). */
int route_cat_add(route_cat *self, const char *code, const char *name, const char *parent_code,
                  const char *dept_kind, int accept_minutes, double resolve_days);

/* Adds a term pointing to a category. 0 or -1. */
int route_cat_add_term(route_cat *self, int category, const char *term);

/* Maps a value of the hotline's category column to a category. 0 or -1. */
int route_cat_map(route_cat *self, const char *hotline_name, int category);

/* Adds an urgency level as the hotline writes it (紧急) with the factors its
 * limits are multiplied by. 0, or -1 (empty name, factor <= 0, out of memory). */
int route_cat_add_urgency(route_cat *self, const char *name, double accept_factor, double resolve_factor);

/* The limits of category (index; -1 for none: the defaults given) at urgency
 * (NULL, "" or unknown: factor 1). Returns 1 when the urgency was known or
 * empty, 0 when it was not (the caller may say so). */
int route_cat_limits(const route_cat *self, int category, const char *urgency, int default_accept_minutes,
                     double default_resolve_days, int *accept_minutes, double *resolve_days);

/* Freezes the term automaton; call once after adding everything. 0 or -1. */
int route_cat_build(route_cat *self);

/* Classifies one complaint. raw_category may be NULL or "". */
void route_cat_classify(const route_cat *self, const char *raw_category, const char *text,
                        route_cat_result *out);

/* Classifies the text as if category `without` (an index) had no terms. */
void route_cat_classify_without(const route_cat *self, const char *text, int without, route_cat_result *out);

/* Loads the categories, their terms, the hotline category names and the
 * urgency levels from PostgreSQL (migration 003) and builds. NULL with
 * "categories: reason" in err on failure. */
route_cat *route_cat_load(PGconn *pg, char *err, size_t errlen);

/* The category at index, or NULL. */
const route_category *route_cat_get(const route_cat *self, int index);

/* The index of a category code, or -1. */
int route_cat_find(const route_cat *self, const char *code);

/* The category a label means: a hotline category name (the alias table),
 * else a category's name (城乡建设, 城乡建设/城乡规划/违章建筑, 垃圾清运), else a
 * code. -1 when none. */
int route_cat_resolve(const route_cat *self, const char *label);

/* 1 if category c is category a or lies under it. */
int route_cat_within(const route_cat *self, int c, int a);

/* The i-th term (i < route_cat_term_count) and its category into *category. */
size_t      route_cat_term_count(const route_cat *self);
const char *route_cat_term(const route_cat *self, size_t i, int *category);

size_t route_cat_count(const route_cat *self);

void route_cat_destroy(route_cat **self);

#endif
