/* fuzz_route.c — libFuzzer target for routing's decision (assignment's
 * route_decide): what every complaint's address, content, hotline category
 * and urgency go through, whatever a citizen wrote.
 *
 * The decider is built once from the shipped data, as `jiesu migrate` loads
 * it: Qingdao's streets and communities (data/regions, short names by
 * cli_seed_short_name), the gazetteer, the category tree with its terms,
 * aliases and urgency levels (data/categories, data/routing), the conduct
 * words (the terms under 纪检监察), the districts and cities outside Qingdao
 * as places outside the jurisdiction, the district boundaries (data/geo), an
 * address history, and a text model over the category roots with weights
 * drawn from a fixed seed (no history is shipped to learn one from). Run from
 * the project's root, as `make fuzz` does.
 *
 * The input's first byte chooses: coordinates or none (and which of four
 * points: 崂山区, 市南区, the sea, far away), a conduct part, a street that
 * returned the order; the rest is split at NUL bytes into address, content,
 * hotline category and urgency (a missing field is NULL). Besides memory
 * errors (ASan) and undefined behaviour (UBSan), it checks what
 * route_decide.h promises: reasons terminated and UTF-8 when the input was;
 * a street owner named by its code and never one the letter accuses; a
 * co-handler never accused; manual dispatch naming no unit; conduct to a
 * discipline unit; a score in 0..1; positive limits; never back to the
 * street that returned the order; the same decision twice. And of the
 * content as a split letter's problem part reads it (route_conduct_redact):
 * that it accuses nobody, and is UTF-8 when the letter was.
 *
 *   make fuzz FUZZ_TARGETS=route
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_seed.h"
#include "route_decide.h"
#include "text.h"

#define CITY        "3702"
#define FIELDS_MAX  11
#define LINE_MAX    2048
#define MODEL_BITS  12
#define RETURNED    "370212002"     /* 沙子口街道, when the first byte says it returned the order */

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_route: broken promise: %s\n", what);
        abort();
    }
}

/* ---- the shipped data ---- */

typedef void (*row_fn)(char **col, int n, void *ctx);

/* Each row of a shipped CSV file (no quoting in them) after its header, split at commas. */
static void each_row(const char *path, row_fn fn, void *ctx)
{
    char line[LINE_MAX], *col[FIELDS_MAX];
    FILE *fp = fopen(path, "r");
    check(fp != NULL, "the shipped data is read from the project's root");
    for (int header = 1; fgets(line, sizeof line, fp); header = 0) {
        line[strcspn(line, "\r\n")] = '\0';
        int n = 0;
        for (char *p = line, *c; n < FIELDS_MAX && (c = strsep(&p, ",")) != NULL;)
            col[n++] = c;
        if (!header)
            fn(col, n, ctx);
    }
    fclose(fp);
}

static void add_region(char **col, int n, void *ctx, const char *level)
{
    char short_name[256];
    if (n < 4 || strncmp(col[0], CITY, strlen(CITY)) != 0)
        return;
    cli_seed_short_name(short_name, sizeof short_name, col[1], level);
    int rc = strcmp(level, "street") == 0 ? route_places_add_street(ctx, col[0], col[1], short_name)
                                           : route_places_add_community(ctx, col[0], col[1], short_name, col[3]);
    check(rc == 0, "a shipped region is added");
}

static void add_street(char **col, int n, void *ctx) { add_region(col, n, ctx, "street"); }
static void add_community(char **col, int n, void *ctx) { add_region(col, n, ctx, "community"); }

/* name,kind,street_code,community_code,num_from,num_to: numbered rows are approximate, as shipped. */
static void add_place(char **col, int n, void *ctx)
{
    check(n == 6, "gazetteer row");
    int rc = *col[4] ? route_places_add_gazetteer_approx(ctx, col[0], col[2], col[3], atol(col[4]), atol(col[5]))
                     : route_places_add_gazetteer(ctx, col[0], col[2], col[3], -1, -1);
    check(rc == 0, "a gazetteer row is added");
}

/* code,parent,name,dept_kind,accept_minutes,resolve_days,terms (terms split at |). */
static void add_category(char **col, int n, void *ctx)
{
    check(n == 7, "category row");
    int c = route_cat_add(ctx, col[0], col[2], col[1], col[3], atoi(col[4]), atof(col[5]));
    check(c >= 0, "a shipped category is added");
    for (char *p = col[6], *t; (t = strsep(&p, "|")) != NULL;)
        check(!*t || route_cat_add_term(ctx, c, t) == 0, "a category's term is added");
}

static void add_alias(char **col, int n, void *ctx)
{
    check(n == 2 && route_cat_map(ctx, col[0], route_cat_find(ctx, col[1])) == 0, "an alias is added");
}

static void add_urgency(char **col, int n, void *ctx)
{
    check(n == 3 && route_cat_add_urgency(ctx, col[0], atof(col[1]), atof(col[2])) == 0, "an urgency is added");
}

/* code,name,level,parent_code,city_name: a district or city outside Qingdao is outside the jurisdiction. */
static void add_outside(char **col, int n, void *ctx)
{
    check(n >= 5, "district row");
    if (strncmp(col[0], CITY, strlen(CITY)) != 0)
        check(route_juris_add(ctx, col[1]) == 0 && route_juris_add(ctx, col[4]) == 0, "a place outside is added");
}

typedef struct {
    const char *path;
    row_fn      fn;
} source;

/* Each source's rows into obj (NULL: out of memory). */
static void *read_sources(void *obj, const source *src, size_t n)
{
    check(obj != NULL, "out of memory");
    for (size_t i = 0; i < n; i++)
        each_row(src[i].path, src[i].fn, obj);
    return obj;
}

static const source PLACES[] = {{"data/regions/streets.csv", add_street},
                                {"data/regions/communities.csv", add_community},
                                {"data/routing/gazetteer.csv", add_place}};
static const source CATEGORIES[] = {{"data/categories/categories.csv", add_category},
                                    {"data/routing/category_aliases.csv", add_alias},
                                    {"data/routing/urgency_levels.csv", add_urgency}};

static route_conduct *load_conduct(const route_cat *cats, int conduct)
{
    route_conduct *w = route_conduct_new();
    check(w != NULL, "out of memory");
    int cat;
    for (size_t i = 0; i < route_cat_term_count(cats); i++) {
        const char *t = route_cat_term(cats, i, &cat);
        check(!route_cat_within(cats, cat, conduct) || route_conduct_add_term(w, t) == 0, "a conduct word");
    }
    check(route_conduct_build(w) == 0, "conduct words are built");
    return w;
}

static const source OUTSIDE[] = {{"data/regions/districts.csv", add_outside}};

static route_history *load_history(void)
{
    route_history *h = route_history_new();
    check(h != NULL, "out of memory");
    check(route_history_add(h, "海天花园5号楼", "370212005", 3) == 0 && route_history_add(h, "两边小区", "370212005", 2) == 0 &&
              route_history_add(h, "两边小区", "370212001", 1) == 0 && route_history_build(h) == 0,
          "the history is built");
    return h;
}

/* A model over the category roots, its weights from a fixed seed; model_cat its classes' categories. */
static route_model *load_model(const route_cat *cats, int **model_cat)
{
    const char *roots[64];
    size_t n = 0;
    for (size_t i = 0; i < route_cat_count(cats) && n < 64; i++)
        if (route_cat_get(cats, (int)i)->parent < 0)
            roots[n++] = route_cat_get(cats, (int)i)->code;
    route_model *m = route_model_new(MODEL_BITS, roots, n);
    check(m != NULL && (*model_cat = calloc(n, sizeof **model_cat)) != NULL, "out of memory");
    uint32_t seed = 12345;
    for (uint32_t b = 0; b < (1u << MODEL_BITS); b++) {
        float *row = route_model_row(m, b);
        row[0] = 1.0f;
        for (size_t c = 1; c <= n; c++) {
            seed = seed * 1103515245u + 12345u;
            row[c] = (float)((seed >> 16) % 2001) / 1000.0f - 1.0f;
        }
    }
    route_model_set_temperature(m, 0.5);
    for (size_t c = 0; c < n; c++)
        (*model_cat)[c] = route_cat_find(cats, roots[c]);
    return m;
}

static const route_decider *decider(void)
{
    static route_decider d;
    static int *model_cat;
    if (d.places)
        return &d;
    char err[256] = "";
    route_cat *cats = read_sources(route_cat_new(), CATEGORIES, 3);
    route_juris *juris = read_sources(route_juris_new(), OUTSIDE, 1);
    route_places *places = read_sources(route_places_new(), PLACES, 3);
    check(route_cat_build(cats) == 0 && route_juris_build(juris) == 0 && route_places_build(places) == 0,
          "the tables are built");
    d.cats = cats;
    d.juris = juris;
    d.conduct = route_cat_find(d.cats, "conduct");
    check(d.conduct >= 0, "the conduct category is shipped");
    d.conduct_words = load_conduct(d.cats, d.conduct);
    d.history = load_history();
    d.model = load_model(d.cats, &model_cat);
    d.model_cat = model_cat;
    d.model_version = 1;
    d.geo = route_geo_load_dir("data/geo", err, sizeof err);
    check(d.geo != NULL && route_geo_count(d.geo) > 0, err);
    d.min_score = 0.6;
    d.min_prob = 0.5;
    d.default_accept_minutes = 120;
    d.default_resolve_days = 5;
    d.places = places;
    return &d;
}

/* ---- one input ---- */

static const double POINTS[4][2] = {{120.4689, 36.1072}, {120.3847, 36.0622}, {121.2, 35.8}, {-1e300, 1e300}};

/* The next NUL-ended field of the input at *p, or NULL when none is left. */
static const char *field(const char **p, const char *end)
{
    const char *f = *p;
    if (f >= end)
        return NULL;
    *p += strlen(f) + 1;
    return f;
}

static int accused(const route_decision *out, const char *code)
{
    for (int k = 0; k < out->naccused; k++)
        if (strcmp(out->accused[k], code) == 0)
            return 1;
    return 0;
}

static void check_text(const char *s, size_t cap, int valid, const char *what)
{
    size_t len = strnlen(s, cap);
    check(len < cap, what);
    check(!valid || text_utf8_valid(s, len, NULL), what);
}

static void check_decision(const route_decision *out, int valid, int returned)
{
    check_text(out->reasons, sizeof out->reasons, valid, "reasons terminated, UTF-8");
    check_text(out->place.reason, sizeof out->place.reason, valid, "the place's reason terminated, UTF-8");
    check_text(out->cat.reason, sizeof out->cat.reason, valid, "the category's reason terminated, UTF-8");
    check(out->naccused >= 0 && out->naccused <= ROUTE_CONDUCT_MAX, "accused count");
    check(out->score >= 0.0 && out->score <= 1.0, "a score in 0..1");
    check(out->accept_minutes > 0 && out->resolve_days > 0, "positive limits");
    switch (out->owner) {
    case ROUTE_TO_STREET:
        check(*out->owner_code && strcmp(out->owner_code, out->place.street_code) == 0,
              "a street owner is the place's");
        check(!accused(out, out->owner_code), "never to the street the letter accuses");
        check(!returned || strcmp(out->owner_code, RETURNED) != 0, "never back to the street that returned it");
        break;
    case ROUTE_TO_DISCIPLINE: {
        size_t n = strlen(out->owner_code), k = strlen("discipline");
        check(n >= k && strcmp(out->owner_code + n - k, "discipline") == 0, "conduct to a discipline unit");
        check(!*out->co_code && !out->split, "conduct has no co-handler and no split");
        break;
    }
    case ROUTE_TO_MANUAL:
        check(!*out->owner_code && !*out->co_code, "manual dispatch names no unit");
        break;
    default:
        check(0, "an owner");
    }
    check(!*out->co_code || !accused(out, out->co_code), "never a co-handler the letter accuses");
}

/* The content without its accusing sentences finds no accusing clause left (a note in their place
 * makes none with what is kept), and is UTF-8 when the content was. */
static void check_redacted(const route_conduct *words, const char *content, int valid)
{
    route_conduct_result r;
    if (!content)
        return;
    char *shown = route_conduct_redact(words, content, ROUTE_CONDUCT_NOTE);
    check(shown != NULL, "out of memory");
    route_conduct_find(words, shown, &r);
    check(r.n == 0, "the redacted content accuses nobody");
    check(!valid || text_utf8_valid(shown, strlen(shown), NULL), "the redacted content UTF-8");
    free(shown);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const route_decider *d = decider();
    if (size < 1)
        return 0;
    char *buf = malloc(size + 1);
    check(buf != NULL, "out of memory");
    memcpy(buf, data + 1, size - 1);
    buf[size - 1] = '\0';
    const char *p = buf, *end = buf + size - 1;
    const char *returned[] = {RETURNED};
    route_exclude ex = {.street_codes = returned, .n = 1};
    route_input in = {.address = field(&p, end), .content = field(&p, end), .category_raw = field(&p, end),
                      .urgency = field(&p, end), .has_coords = data[0] & 1, .conduct_part = (data[0] >> 1) & 1,
                      .exclude = (data[0] & 4) ? &ex : NULL};
    in.lon = POINTS[(data[0] >> 3) & 3][0];
    in.lat = POINTS[(data[0] >> 3) & 3][1];
    int valid = text_utf8_valid(buf, size - 1, NULL);     /* every field, NULs included */
    route_decision a, b;
    route_decide(d, &in, &a);
    check_decision(&a, valid, in.exclude != NULL);
    route_decide(d, &in, &b);
    check(a.owner == b.owner && strcmp(a.owner_code, b.owner_code) == 0 && strcmp(a.co_code, b.co_code) == 0 &&
              strcmp(a.reasons, b.reasons) == 0 && a.score == b.score,
          "the same decision twice");
    check_redacted(d->conduct_words, in.content, valid);
    free(buf);
    return 0;
}
