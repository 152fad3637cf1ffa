/* route_learn.c — training the text model with liblinear (see route_learn.h).
 *
 * Every text is turned into its hashed n-gram counts once; a training run
 * computes idf over its own texts (buckets in fewer than MIN_DF of them get
 * idf 0), weighs and normalises the vectors exactly as route_model does when
 * classifying, and hands them to liblinear. liblinear keeps one weight
 * vector per class, feature-major (w[feature × classes + class]) — the
 * layout route_model uses — except for two classes, where it keeps one
 * vector for the first label and the other class is its negation.
 * Cross-validation's folds keep near-duplicates together (texts whose
 * feature sets overlap by a Jaccard index of at least a threshold).
 */
#include "route_learn.h"

#include <linear.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "route_mem.h"

#define DEFAULT_BITS 18
#define MIN_DF       2        /* a bucket seen in one text only says nothing general */
#define HOLD_EVERY   5        /* every fifth text of a class is held back */
#define SOLVER_EPS   0.01

typedef struct {
    route_model_feats f;         /* at the set's bits */
    int               label;     /* class index */
    uint64_t          copy_key;  /* equal for texts the model cannot tell apart */
} item;

struct route_learn_set {
    item              *items;
    size_t             n, cap;
    char             **classes;     /* each its code, a NUL, its name */
    size_t             nclasses, cap_classes;
    unsigned           bits;
};

route_learn_set *route_learn_set_new(unsigned bits)
{
    route_learn_set *s = bits == 0 || (bits >= 10 && bits <= 24) ? calloc(1, sizeof *s) : NULL;
    if (s)
        s->bits = bits ? bits : DEFAULT_BITS;
    return s;
}

void route_learn_set_destroy(route_learn_set **self)
{
    if (!self || !*self)
        return;
    route_learn_set *s = *self;
    for (size_t i = 0; i < s->n; i++)
        route_model_feats_free(&s->items[i].f);
    for (size_t c = 0; c < s->nclasses; c++)
        free(s->classes[c]);
    free(s->items);
    free(s->classes);
    free(s);
    *self = NULL;
}

/* The class index of code, added with its name when new; -1 when out of memory. */
static int class_of(route_learn_set *s, const char *code, const char *name)
{
    for (size_t c = 0; c < s->nclasses; c++)
        if (strcmp(s->classes[c], code) == 0)
            return (int)c;
    size_t clen = strlen(code) + 1, nlen = strlen(name) + 1;
    char *copy = malloc(clen + nlen);
    if (copy) {
        memcpy(copy, code, clen);
        memcpy(copy + clen, name, nlen);
    }
    if (!copy || route_grow((void **)&s->classes, &s->cap_classes, s->nclasses + 1, sizeof *s->classes) != 0) {
        free(copy);
        return -1;
    }
    s->classes[s->nclasses] = copy;
    return (int)s->nclasses++;
}

/* The name class c was added with. */
static const char *class_name(const route_learn_set *s, size_t c)
{
    return s->classes[c] + strlen(s->classes[c]) + 1;
}

/* A hash of the features (FNV-1a over buckets and counts): texts equal
 * once folded as the model folds them (digits, case, whitespace) have one. */
static uint64_t copy_key(const route_model_feats *f)
{
    uint64_t h = 14695981039346656037ull;
    const unsigned char *b = (const unsigned char *)f->bucket, *t = (const unsigned char *)f->tf;
    for (size_t i = 0; i < f->n * sizeof *f->bucket; i++)
        h = (h ^ b[i]) * 1099511628211ull;
    for (size_t i = 0; i < f->n * sizeof *f->tf; i++)
        h = (h ^ t[i]) * 1099511628211ull;
    return h;
}

int route_learn_set_add(route_learn_set *self, const char *text, const char *code, const char *name)
{
    if (!text || !*text || !code || !*code)
        return 1;
    if (route_grow((void **)&self->items, &self->cap, self->n + 1, sizeof *self->items) != 0)
        return -1;
    item *it = &self->items[self->n];
    *it = (item){.label = class_of(self, code, name ? name : code)};
    if (it->label < 0 || route_model_featurize(text, strlen(text), self->bits, &it->f) != 0) {
        route_model_feats_free(&it->f);
        return -1;
    }
    it->copy_key = copy_key(&it->f);
    self->n++;
    return 0;
}

size_t route_learn_set_count(const route_learn_set *self) { return self->n; }
int route_learn_set_label(const route_learn_set *self, size_t i) { return self->items[i].label; }
size_t route_learn_set_classes(const route_learn_set *self) { return self->nclasses; }

const char *route_learn_set_class(const route_learn_set *self, int cls)
{
    return cls >= 0 && (size_t)cls < self->nclasses ? self->classes[cls] : NULL;
}

/* ---- one training run over a subset ---- */

typedef struct {
    const route_learn_set *set;
    const char            *use;       /* use[i]: text i is in this run */
    size_t                 n;         /* texts used */
} subset;

/* idf over the subset's texts into the model's rows. */
static void fill_idf(const subset *sub, route_model *m)
{
    size_t buckets = (size_t)1 << sub->set->bits;
    uint32_t *df = calloc(buckets, sizeof *df);
    if (!df)
        return;
    for (size_t i = 0; i < sub->set->n; i++)
        for (size_t k = 0; sub->use[i] && k < sub->set->items[i].f.n; k++)
            df[sub->set->items[i].f.bucket[k]]++;
    for (size_t b = 0; b < buckets; b++)
        route_model_row(m, (uint32_t)b)[0] =
            df[b] < MIN_DF ? 0.0f : (float)(log((1.0 + (double)sub->n) / (1.0 + df[b])) + 1.0);
    free(df);
}

/* Text i as a liblinear vector (weighed, normalised, bias node, end node) into nodes. Returns nodes used. */
static size_t vectorize(const route_model_feats *f, const route_model *m, struct feature_node *nodes, int bias_index)
{
    size_t k = 0;
    double norm = 0;
    for (size_t j = 0; j < f->n; j++) {
        double x = (1.0 + log(f->tf[j])) * route_model_idf(m, f->bucket[j]);
        if (x == 0)
            continue;
        nodes[k++] = (struct feature_node){.index = (int)f->bucket[j] + 1, .value = x};
        norm += x * x;
    }
    norm = norm > 0 ? sqrt(norm) : 1.0;
    for (size_t j = 0; j < k; j++)
        nodes[j].value /= norm;
    nodes[k++] = (struct feature_node){.index = bias_index, .value = 1.0};
    nodes[k++] = (struct feature_node){.index = -1, .value = 0};
    return k;
}

/* The liblinear problem of the subset. 0 or -1; free with problem_free. */
static int problem_build(const subset *sub, const route_model *m, struct problem *p, struct feature_node **pool)
{
    const route_learn_set *s = sub->set;
    size_t total = 0;
    for (size_t i = 0; i < s->n; i++)
        total += sub->use[i] ? s->items[i].f.n + 2 : 0;
    int bias_index = (1 << s->bits) + 1;
    *p = (struct problem){.l = (int)sub->n, .n = bias_index, .bias = -1};
    p->y = malloc(sub->n * sizeof *p->y);
    p->x = malloc(sub->n * sizeof *p->x);
    *pool = malloc((total ? total : 1) * sizeof **pool);
    if (!p->y || !p->x || !*pool)
        return -1;
    size_t at = 0, r = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (!sub->use[i])
            continue;
        p->x[r] = *pool + at;
        p->y[r++] = s->items[i].label;
        at += vectorize(&s->items[i].f, m, *pool + at, bias_index);
    }
    return 0;
}

static void problem_free(struct problem *p, struct feature_node **pool)
{
    free(p->y);
    free(p->x);
    free(*pool);
    *pool = NULL;
}

static void quiet(const char *s) { (void)s; }

/* Class weights n / (k × n_c) of the subset's classes into weight[], labels into label[]. */
static void class_weights(const subset *sub, int *label, double *weight)
{
    size_t k = sub->set->nclasses, present = 0;
    size_t *count = calloc(k, sizeof *count);
    if (!count)
        return;
    for (size_t i = 0; i < sub->set->n; i++)
        count[sub->set->items[i].label] += sub->use[i] != 0;
    for (size_t c = 0; c < k; c++)
        present += count[c] > 0;
    for (size_t c = 0; c < k; c++) {
        label[c] = (int)c;
        weight[c] = count[c] ? (double)sub->n / ((double)present * count[c]) : 1.0;
    }
    free(count);
}

/* Copies liblinear's weights into the model (classes indexed as in the set). */
static void copy_weights(const struct model *lm, route_model *m)
{
    size_t buckets = (size_t)1 << route_model_bits(m);
    float *bias = route_model_bias(m);
    int stride = lm->nr_class == 2 ? 1 : lm->nr_class;
    for (int k = 0; k < lm->nr_class; k++) {
        int cls = lm->label[k], src = lm->nr_class == 2 ? 0 : k;
        double sign = lm->nr_class == 2 && k == 1 ? -1.0 : 1.0;
        for (size_t b = 0; b < buckets; b++)
            route_model_row(m, (uint32_t)b)[1 + cls] = (float)(sign * lm->w[b * (size_t)stride + (size_t)src]);
        bias[cls] = (float)(sign * lm->w[buckets * (size_t)stride + (size_t)src]);
    }
}

/* Trains on the subset into a new model over every class of the set. NULL with err. */
static route_model *train_subset(const subset *sub, double c, char *err, size_t errlen)
{
    const route_learn_set *s = sub->set;
    struct problem p = {0};
    struct feature_node *pool = NULL;
    struct model *lm = NULL;
    int *label = calloc(s->nclasses, sizeof *label);
    double *weight = calloc(s->nclasses, sizeof *weight);
    route_model *m = route_model_new(s->bits, (const char *const *)s->classes, s->nclasses);
    if (m)
        fill_idf(sub, m);
    if (!label || !weight || !m || problem_build(sub, m, &p, &pool) != 0) {
        snprintf(err, errlen, "%zu 条文本：内存不足", sub->n);
        goto fail;
    }
    class_weights(sub, label, weight);
    struct parameter par = {.solver_type = L2R_LR_DUAL, .eps = SOLVER_EPS, .C = c, .nr_weight = (int)s->nclasses,
                            .weight_label = label, .weight = weight};
    const char *bad = check_parameter(&p, &par);
    set_print_string_function(quiet);
    if (bad || !(lm = train(&p, &par))) {
        snprintf(err, errlen, "liblinear 没能训练：%s", bad ? bad : "内存不足");
        goto fail;
    }
    copy_weights(lm, m);
    free_and_destroy_model(&lm);
    problem_free(&p, &pool);
    free(label);
    free(weight);
    return m;
fail:
    problem_free(&p, &pool);
    free(label);
    free(weight);
    route_model_destroy(&m);
    return NULL;
}

/* ---- measuring ---- */

double route_learn_macro_f1(const int *truth, const int *pred, size_t n, size_t nclasses)
{
    double sum = 0;
    size_t present = 0;
    for (size_t c = 0; c < nclasses; c++) {
        size_t tp = 0, fp = 0, fn = 0;
        for (size_t i = 0; i < n; i++) {
            tp += truth[i] == (int)c && pred[i] == (int)c;
            fp += truth[i] != (int)c && pred[i] == (int)c;
            fn += truth[i] == (int)c && pred[i] != (int)c;
        }
        if (tp + fn == 0)
            continue;
        present++;
        sum += tp ? 2.0 * tp / (2.0 * tp + fp + fn) : 0.0;
    }
    return present ? sum / present : 0.0;
}

/* The class with the highest score. */
static int argmax(const double *v, size_t n)
{
    size_t best = 0;
    for (size_t i = 1; i < n; i++)
        best = v[i] > v[best] ? i : best;
    return (int)best;
}

/* Log loss of the held-back texts' probabilities at temperature t. */
static double log_loss(const route_model *m, const double *scores, const int *truth, size_t n, double t, double *prob)
{
    size_t nc = route_model_class_count(m);
    double loss = 0;
    for (size_t i = 0; i < n; i++) {
        route_model_softmax(m, scores + i * nc, t, prob);
        loss -= log(prob[truth[i]] > 1e-12 ? prob[truth[i]] : 1e-12);
    }
    return loss / (double)(n ? n : 1);
}

/* The temperature minimising the log loss (golden-section search on log t). */
static double fit_temperature(const route_model *m, const double *scores, const int *truth, size_t n)
{
    double *prob = malloc(route_model_class_count(m) * sizeof *prob);
    if (!prob || n == 0) {
        free(prob);
        return 1.0;
    }
    const double g = (sqrt(5.0) - 1) / 2;
    double a = log(0.02), b = log(50.0);
    for (int it = 0; it < 40; it++) {
        double x1 = b - g * (b - a), x2 = a + g * (b - a);
        if (log_loss(m, scores, truth, n, exp(x1), prob) < log_loss(m, scores, truth, n, exp(x2), prob))
            b = x2;
        else
            a = x1;
    }
    free(prob);
    return exp((a + b) / 2);
}

/* Scores of every text not in the subset (use[i] == 0) into scores (row-major) and their truth. Returns how many. */
static size_t score_rest(const route_learn_set *s, const char *use, const route_model *m, double *scores, int *truth)
{
    size_t k = 0, nc = route_model_class_count(m);
    for (size_t i = 0; i < s->n; i++)
        if (!use[i]) {
            route_model_scores_feats(m, &s->items[i].f, scores + k * nc);
            truth[k++] = s->items[i].label;
        }
    return k;
}

int route_learn_fold(const route_learn_set *self, const route_learn_opts *opts, const int *fold_of, int fold,
                     int *pred, char *err, size_t errlen)
{
    char *use = malloc(self->n ? self->n : 1);
    double *scores = malloc((self->n ? self->n : 1) * self->nclasses * sizeof *scores);
    int rc = -1;
    if (!use || !scores) {
        snprintf(err, errlen, "内存不足");
        goto done;
    }
    subset sub = {.set = self, .use = use};
    for (size_t i = 0; i < self->n; i++)
        sub.n += use[i] = fold_of[i] != fold;
    route_model *m = train_subset(&sub, opts->c > 0 ? opts->c : ROUTE_LEARN_C, err, errlen);
    if (!m)
        goto done;
    for (size_t i = 0; i < self->n; i++)
        if (!use[i]) {
            route_model_scores_feats(m, &self->items[i].f, scores);
            pred[i] = argmax(scores, self->nclasses);
        }
    route_model_destroy(&m);
    rc = 0;
done:
    free(use);
    free(scores);
    return rc;
}

typedef struct {
    uint64_t key;
    size_t   i;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* Each copy of a text goes where its first went: a copy on both sides is
 * scored on what was learned (a history with every text five times over
 * held back 0.91 where its texts once each gave 0.84). */
static void keep_copies_together(const route_learn_set *s, char *use)
{
    keyed *k = malloc((s->n ? s->n : 1) * sizeof *k);
    if (!k)
        return;
    for (size_t i = 0; i < s->n; i++)
        k[i] = (keyed){s->items[i].copy_key, i};
    qsort(k, s->n, sizeof *k, cmp_keyed);
    for (size_t j = 1; j < s->n; j++)
        if (k[j].key == k[j - 1].key)
            use[k[j].i] = use[k[j - 1].i];     /* sorted by index within a key: the first copy's side */
    free(k);
}

/* Marks every HOLD_EVERY-th text of each class as held back (use 0), its
 * copies with it. */
static void split(const route_learn_set *s, char *use, size_t *kept)
{
    size_t *seen = calloc(s->nclasses, sizeof *seen);
    for (size_t i = 0; i < s->n; i++)
        use[i] = !seen || seen[s->items[i].label]++ % HOLD_EVERY != HOLD_EVERY - 1;
    free(seen);
    keep_copies_together(s, use);
    *kept = 0;
    for (size_t i = 0; i < s->n; i++)
        *kept += use[i] != 0;
}

/* Trains on four fifths and measures that model on the fifth held back
 * (st), with its temperature fitted there. NULL with err. */
static route_model *train_measured(const route_learn_set *s, double c, route_learn_stats *st, char *err,
                                   size_t errlen)
{
    char *use = malloc(s->n);
    double *scores = malloc(s->n * s->nclasses * sizeof *scores);
    int *truth = malloc(s->n * sizeof *truth), *pred = malloc(s->n * sizeof *pred);
    route_model *m = NULL;
    if (!use || !scores || !truth || !pred) {
        snprintf(err, errlen, "内存不足");
        goto done;
    }
    subset sub = {.set = s, .use = use};
    split(s, use, &sub.n);
    if (!(m = train_subset(&sub, c, err, errlen)))
        goto done;
    size_t k = score_rest(s, use, m, scores, truth), right = 0;
    for (size_t i = 0; i < k; i++) {
        pred[i] = argmax(scores + i * s->nclasses, s->nclasses);
        right += pred[i] == truth[i];
    }
    *st = (route_learn_stats){.texts = s->n, .classes = s->nclasses, .train = sub.n, .test = k,
                              .macro_f1 = route_learn_macro_f1(truth, pred, k, s->nclasses),
                              .accuracy = k ? (double)right / (double)k : 0,
                              .temperature = fit_temperature(m, scores, truth, k)};
    route_model_set_temperature(m, st->temperature);
done:
    free(use);
    free(scores);
    free(truth);
    free(pred);
    return m;
}

/* Refuses sets training cannot learn from (settled: of settled orders, see
 * route_learn_opts). 0 or -1 with err. */
static int check_set(const route_learn_set *s, int settled, char *err, size_t errlen)
{
    size_t *count = calloc(s->nclasses ? s->nclasses : 1, sizeof *count);
    int rc = 0;
    if (!count) {
        snprintf(err, errlen, "内存不足");
        return -1;
    }
    for (size_t i = 0; i < s->n; i++)
        count[s->items[i].label]++;
    if (s->nclasses < 2) {
        snprintf(err, errlen, "%zu 条文本只分了 %zu 个类别：至少要两个类别", s->n, s->nclasses);
        rc = -1;
    }
    for (size_t c = 0; rc == 0 && c < s->nclasses; c++)
        if (count[c] < 2) {
            snprintf(err, errlen, settled ? "类别 %s 只有 %zu 件已办结的工单，每一类至少要两件"
                                          : "类别 %s 只有 %zu 条文本：多给它几条，或者去掉这一类",
                     class_name(s, c), count[c]);
            rc = -1;
        }
    free(count);
    return rc;
}

route_model *route_learn_train(const route_learn_set *self, const route_learn_opts *opts, route_learn_stats *st,
                               char *err, size_t errlen)
{
    double t0 = clock_mono_ms() / 1e3, c = opts->c > 0 ? opts->c : ROUTE_LEARN_C;
    route_model *m = NULL;
    *st = (route_learn_stats){.texts = self->n, .classes = self->nclasses, .temperature = 1.0};
    if (check_set(self, opts->settled, err, errlen) != 0)
        return NULL;
    if (opts->holdout)
        m = train_measured(self, c, st, err, errlen);
    if (!opts->holdout || (m && self->n < ROUTE_LEARN_SMALL)) {
        char *use = malloc(self->n);
        subset all = {.set = self, .use = use, .n = self->n};
        if (use)
            memset(use, 1, self->n);
        route_model_destroy(&m);
        m = use ? train_subset(&all, c, err, errlen) : NULL;
        if (!use)
            snprintf(err, errlen, "内存不足");
        else if (m)
            route_model_set_temperature(m, st->temperature);
        free(use);
    }
    st->seconds = clock_mono_ms() / 1e3 - t0;
    return m;
}

/* ---- near-duplicates and folds, for cross-validation ---- */

/* Whether a and b share at least need buckets (both in increasing order). */
static int shares(const route_model_feats *a, const route_model_feats *b, size_t need)
{
    size_t i = 0, j = 0, both = 0;
    while (both < need && i < a->n && j < b->n) {
        size_t left = a->n - i < b->n - j ? a->n - i : b->n - j;
        if (both + left < need)
            return 0;
        if (a->bucket[i] == b->bucket[j]) {
            both++;
            i++;
            j++;
        } else if (a->bucket[i] < b->bucket[j]) {
            i++;
        } else {
            j++;
        }
    }
    return both >= need;
}

static size_t root_of(size_t *parent, size_t i)
{
    while (parent[i] != i)
        i = parent[i] = parent[parent[i]];
    return i;
}

/* Joins the groups of every pair of texts whose buckets have a Jaccard index
 * of at least t: |A ∩ B| >= t/(1+t) × (|A| + |B|), which a text can only reach
 * with texts at most 1/t times its size. */
static void join_near(const route_learn_set *s, double t, const keyed *by_size, size_t *parent)
{
    for (size_t p = 0; p < s->n; p++) {
        const route_model_feats *a = &s->items[by_size[p].i].f;
        for (size_t q = p + 1; q < s->n && t * (double)by_size[q].key <= (double)a->n; q++) {
            const route_model_feats *b = &s->items[by_size[q].i].f;
            size_t need = (size_t)ceil(t / (1 + t) * (double)(a->n + b->n) - 1e-9);
            size_t x = root_of(parent, by_size[p].i), y = root_of(parent, by_size[q].i);
            if (x != y && shares(a, b, need))
                parent[x > y ? x : y] = x < y ? x : y;      /* a group's root is its first text */
        }
    }
}

long route_learn_set_near(const route_learn_set *self, double min_jaccard, size_t *group)
{
    keyed *by_size = malloc((self->n ? self->n : 1) * sizeof *by_size);
    char *joined = calloc(self->n ? self->n : 1, 1);
    long groups = -1;
    if (!by_size || !joined || !(min_jaccard > 0 && min_jaccard <= 1))
        goto done;
    for (size_t i = 0; i < self->n; i++) {
        by_size[i] = (keyed){self->items[i].f.n, i};
        group[i] = i;
    }
    qsort(by_size, self->n, sizeof *by_size, cmp_keyed);
    join_near(self, min_jaccard, by_size, group);
    groups = 0;
    for (size_t i = 0; i < self->n; i++) {
        group[i] = root_of(group, i);
        if (group[i] != i && !joined[group[i]]) {
            joined[group[i]] = 1;
            groups++;
        }
    }
done:
    free(by_size);
    free(joined);
    return groups;
}

int route_learn_set_folds(const route_learn_set *self, const size_t *group, int folds, int *fold_of)
{
    size_t *filled = folds > 0 ? calloc(self->nclasses * (size_t)folds + 1, sizeof *filled) : NULL;
    if (!filled)
        return -1;
    for (size_t i = 0; i < self->n; i++) {
        size_t *of_class = filled + (size_t)self->items[i].label * (size_t)folds;
        int f = 0;
        if (group && group[i] != i)
            f = fold_of[group[i]];
        else
            for (int g = 1; g < folds; g++)
                f = of_class[g] < of_class[f] ? g : f;
        fold_of[i] = f;
        of_class[f]++;
    }
    free(filled);
    return 0;
}
