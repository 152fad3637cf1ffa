/* bench_learn.c — the text model on a labelled file: cross-validated
 * macro-F1, training and classification speed.
 *
 *   bench_learn FILE.csv [C] [BITS]      5-fold cross-validation, then speed
 *   bench_learn --speed ROWS FILE.csv    training on ROWS texts cycled from
 *                                        FILE (gen_complaints' export), and
 *                                        classification speed
 *   bench_learn --split FILE.csv FOLD DIR   writes fold FOLD's split for the
 *                                        end-to-end run: DIR/train.csv (content,
 *                                        label: the other folds), DIR/export.csv
 *                                        (a hotline export of the fold's texts,
 *                                        no address, no category) and
 *                                        DIR/labels.csv (ticket, label); the
 *                                        folds are cross-validation's
 *   bench_learn --export FILE.csv DIR [TRAIN.csv]   the same for a held-out
 *                                        file: every text of it in DIR/export.csv
 *                                        (tickets HO…) and DIR/labels.csv;
 *                                        DIR/train.csv the texts of TRAIN that
 *                                        FILE has not, nor near copies of its
 *                                        texts (empty without TRAIN), so no
 *                                        text scored is one learned
 *
 * FILE has a text column and a label column, found by header as `jiesu
 * learn` finds them (content/内容/…, label/category/一级分类/…; run from the
 * repository, a layout of data/profiles gives the text an import stores). Folds are
 * stratified (a class's texts dealt round the five folds in order) and keep
 * near-duplicates in one fold: texts whose features (characters and character
 * pairs, folded as the model folds them) have a Jaccard index of at least
 * NEAR, and texts linked through such pairs. A citizen writing twice, or one
 * letter sent to two offices, in training and in the fold scored is the model
 * remembering, not routing a message it has never seen; cross-validation
 * prints what folds blind to them give as well. Speed is CPU time of this
 * thread (one core).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "route_learn.h"
#include "route_learn_file.h"

#define FOLDS 5
#define NEAR  0.8      /* Jaccard index of two texts' features from which they are near-duplicates */

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

typedef struct {
    char  **text, **label;
    size_t  n, cap;
} rows;

static int on_row(void *ctx, const char *text, const char *label)
{
    rows *r = ctx;
    if (!*text || !*label)
        return 0;                   /* as the set skips them: row i is text i of the set */
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 1024;
        r->text = realloc(r->text, r->cap * sizeof *r->text);
        r->label = realloc(r->label, r->cap * sizeof *r->label);
        if (!r->text || !r->label)
            return -1;
    }
    r->text[r->n] = strdup(text);
    r->label[r->n++] = strdup(label);
    return 0;
}

static int read_file(const char *path, rows *r)
{
    char err[512];
    route_learn_refused refused;
    if (route_learn_file_read(path, "data/profiles", &refused, on_row, r, err, sizeof err) < 0) {
        fprintf(stderr, "bench_learn: %s\n", err);
        return -1;
    }
    return 0;
}

static route_learn_set *set_of(const rows *r, size_t n, unsigned bits)
{
    route_learn_set *s = route_learn_set_new(bits);
    for (size_t i = 0; s && i < n; i++)
        if (route_learn_set_add(s, r->text[i % r->n], r->label[i % r->n], NULL) < 0)
            route_learn_set_destroy(&s);
    return s;
}

/* The near-duplicate groups of s (route_learn_set_near at NEAR), with how
 * many groups of two or more and how many texts are in them. NULL when out
 * of memory; the caller frees. */
static size_t *near_groups(const route_learn_set *s, long *groups, size_t *texts)
{
    size_t n = route_learn_set_count(s);
    size_t *group = malloc((n ? n : 1) * sizeof *group);
    if (!group || (*groups = route_learn_set_near(s, NEAR, group)) < 0) {
        free(group);
        return NULL;
    }
    *texts = (size_t)*groups;
    for (size_t i = 0; i < n; i++)
        *texts += group[i] != i;
    return group;
}

/* Trains on every fold but one and predicts it, five times, into pred.
 * CPU seconds, or -1. */
static double run_folds(const route_learn_set *s, const route_learn_opts *o, const int *fold, int *pred)
{
    char err[512];
    double t0 = cpu_s();
    for (int f = 0; f < FOLDS; f++)
        if (route_learn_fold(s, o, fold, f, pred, err, sizeof err) != 0) {
            fprintf(stderr, "bench_learn: %s\n", err);
            return -1;
        }
    return cpu_s() - t0;
}

static double accuracy(const int *truth, const int *pred, size_t n)
{
    size_t right = 0;
    for (size_t i = 0; i < n; i++)
        right += pred[i] == truth[i];
    return n ? (double)right / (double)n : 0;
}

static void print_classes(const route_learn_set *s, const int *truth, const int *pred)
{
    size_t n = route_learn_set_count(s);
    for (size_t cl = 0; cl < route_learn_set_classes(s); cl++) {
        size_t tp = 0, fp = 0, fn = 0;
        for (size_t i = 0; i < n; i++) {
            tp += truth[i] == (int)cl && pred[i] == (int)cl;
            fp += truth[i] != (int)cl && pred[i] == (int)cl;
            fn += truth[i] == (int)cl && pred[i] != (int)cl;
        }
        printf("     %-24s n %4zu  F1 %.3f\n", route_learn_set_class(s, (int)cl), tp + fn,
               tp ? 2.0 * tp / (2.0 * tp + fp + fn) : 0.0);
    }
}

/* 5-fold cross-validation with near-duplicates in one fold, then with folds blind to them. */
static int cross_validate(const rows *r, double c, unsigned bits)
{
    route_learn_opts o = {.c = c};
    route_learn_set *s = set_of(r, r->n, bits);
    size_t n = s ? route_learn_set_count(s) : 0, k = s ? route_learn_set_classes(s) : 0, in_groups = 0;
    long groups = 0;
    size_t *group = s ? near_groups(s, &groups, &in_groups) : NULL;
    int *fold = calloc(n + 1, sizeof *fold), *blind = calloc(n + 1, sizeof *blind);
    int *pred = calloc(n + 1, sizeof *pred), *truth = calloc(n + 1, sizeof *truth);
    int rc = -1;
    if (!group || !fold || !blind || !pred || !truth || route_learn_set_folds(s, group, FOLDS, fold) != 0 ||
        route_learn_set_folds(s, NULL, FOLDS, blind) != 0) {
        fprintf(stderr, "bench_learn: out of memory\n");
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        truth[i] = route_learn_set_label(s, i);
    double secs = run_folds(s, &o, fold, pred);
    if (secs < 0)
        goto done;
    double f1 = route_learn_macro_f1(truth, pred, n, k);
    printf("   %zu texts, %zu classes, C %.2f, 2^%u buckets: 5-fold macro-F1 %.4f, accuracy %.4f,"
           " near-duplicates kept in one fold (%ld groups, %zu texts; %.1f s for 5 trainings)\n", n, k, c,
           bits ? bits : 18, f1, accuracy(truth, pred, n), groups, in_groups, secs);
    print_classes(s, truth, pred);
    if (run_folds(s, &o, blind, pred) < 0)
        goto done;
    double blind_f1 = route_learn_macro_f1(truth, pred, n, k);
    printf("   folds blind to near-duplicates (features' Jaccard >= %.1f), a copy of a text scored perhaps learned:"
           " macro-F1 %.4f (%+.4f), accuracy %.4f\n", NEAR, blind_f1, blind_f1 - f1, accuracy(truth, pred, n));
    rc = 0;
done:
    free(group); free(fold); free(blind); free(pred); free(truth);
    route_learn_set_destroy(&s);
    return rc;
}

/* Trains on n texts cycled from r, then classifies r's texts cycled to 200,000. */
static int speed(const rows *r, size_t n)
{
    char err[512];
    route_learn_stats st;
    route_learn_opts o = {.holdout = 1};
    double t0 = cpu_s();
    route_learn_set *s = set_of(r, n, 0);
    double t1 = cpu_s();
    route_model *m = s ? route_learn_train(s, &o, &st, err, sizeof err) : NULL;
    double t2 = cpu_s();
    if (!m) {
        fprintf(stderr, "bench_learn: %s\n", s ? err : "out of memory");
        return -1;
    }
    printf("   training on %zu texts: %.1f s CPU (features %.1f s, holdout + final training %.1f s);"
           " held-back macro-F1 %.4f, temperature %.2f\n", n, t2 - t0, t1 - t0, t2 - t1, st.macro_f1,
           st.temperature);
    route_model_result res;
    size_t chars = 0, total = 200000;
    double t3 = cpu_s();
    for (size_t i = 0; i < total; i++) {
        route_model_classify(m, r->text[i % r->n], &res);
        chars += res.ntop;
    }
    double t4 = cpu_s();
    printf("   classifying: %.0f texts/s on one core (%zu texts, %.2f s CPU)\n", total / (t4 - t3), total,
           t4 - t3);
    route_model_destroy(&m);
    route_learn_set_destroy(&s);
    return chars ? 0 : -1;
}

/* Writes s as one CSV field (quoted, quotes doubled). */
static void csv_field(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* The fold of each of r's texts, as cross-validation has them: stratified,
 * near-duplicates in one fold. NULL when out of memory; the caller frees. */
static int *folds_of(const rows *r)
{
    long groups;
    size_t in_groups;
    route_learn_set *s = set_of(r, r->n, 0);
    size_t *group = s ? near_groups(s, &groups, &in_groups) : NULL;
    int *fold = calloc(r->n + 1, sizeof *fold);
    if (!group || !fold || route_learn_set_folds(s, group, FOLDS, fold) != 0) {
        fprintf(stderr, "bench_learn: out of memory\n");
        free(fold);
        fold = NULL;
    }
    free(group);
    route_learn_set_destroy(&s);
    return fold;
}

/* Writes fold fold's split into dir; fold -1: every text to the export. */
static int split(const rows *r, int fold, const char *dir)
{
    const char *prefix = fold < 0 ? "HO" : "TC";
    char path[3][1024];
    FILE *f[3];
    const char *names[3] = {"train.csv", "export.csv", "labels.csv"};
    for (int k = 0; k < 3; k++) {
        snprintf(path[k], sizeof path[k], "%s/%s", dir, names[k]);
        if (!(f[k] = fopen(path[k], "w"))) {
            perror(path[k]);
            return -1;
        }
    }
    int *of = fold < 0 ? NULL : folds_of(r);
    fputs("content,label\n", f[0]);
    fputs("工单编号,来电时间,诉求内容\n", f[1]);
    fputs("ticket_no,label\n", f[2]);
    for (size_t i = 0; (fold < 0 || of) && i < r->n; i++) {
        int exported = fold < 0 || of[i] == fold;
        FILE *out = exported ? f[1] : f[0];
        if (exported) {
            fprintf(out, "%s%05zu,2026/10/1 9:00,", prefix, i + 1);
            fprintf(f[2], "%s%05zu,%s\n", prefix, i + 1, r->label[i]);
            csv_field(out, r->text[i]);
        } else {
            csv_field(out, r->text[i]);
            fprintf(out, ",%s", r->label[i]);
        }
        fputc('\n', out);
    }
    int rc = fold < 0 || of ? 0 : -1;
    free(of);
    for (int k = 0; k < 3; k++)
        fclose(f[k]);
    return rc;
}

/* Which of train's texts are one of held's or a near copy of one (in one
 * group with one: route_learn_set_near over both files). NULL when out of
 * memory; the caller frees. */
static char *held_copies(const rows *held, const rows *train)
{
    long groups;
    size_t in_groups, n = train->n + held->n;
    route_learn_set *s = set_of(train, train->n, 0);
    for (size_t j = 0; s && j < held->n; j++)
        if (route_learn_set_add(s, held->text[j], held->label[j], NULL) < 0)
            route_learn_set_destroy(&s);
    size_t *group = s ? near_groups(s, &groups, &in_groups) : NULL;
    char *with_held = calloc(n + 1, 1), *copy = calloc(train->n + 1, 1);
    if (!group || !with_held || !copy) {
        free(copy);
        copy = NULL;
    }
    for (size_t j = train->n; copy && j < n; j++)
        with_held[group[j]] = 1;
    for (size_t i = 0; copy && i < train->n; i++)
        copy[i] = with_held[group[i]];
    free(group);
    free(with_held);
    route_learn_set_destroy(&s);
    return copy;
}

/* Writes dir/train.csv: the texts of train that held has not, nor a near
 * copy of, and says how many it has (a held-out part of the training file
 * itself scores what was learned: macro-F1 1.0). */
static int train_without(const rows *held, const rows *train, const char *held_path, const char *train_path,
                         const char *dir)
{
    char path[1024];
    char *copy = held_copies(held, train);
    snprintf(path, sizeof path, "%s/train.csv", dir);
    FILE *f = copy ? fopen(path, "w") : NULL;
    if (!f) {
        if (copy)
            perror(path);
        else
            fprintf(stderr, "bench_learn: out of memory\n");
        free(copy);
        return -1;
    }
    size_t both = 0;
    fputs("content,label\n", f);
    for (size_t i = 0; i < train->n; i++) {
        if (copy[i]) {
            both++;
            continue;
        }
        csv_field(f, train->text[i]);
        fprintf(f, ",%s\n", train->label[i]);
    }
    fclose(f);
    free(copy);
    printf("   %zu of the %zu texts of %s are in %s too or near copies of its texts (features' Jaccard >= %.1f):"
           " learning from its other %zu, so that no text scored is one learned\n", both, train->n, train_path,
           held_path, NEAR, train->n - both);
    return 0;
}

int main(int argc, char **argv)
{
    rows r = {0};
    if (argc >= 5 && strcmp(argv[1], "--split") == 0)
        return read_file(argv[2], &r) == 0 && split(&r, atoi(argv[3]), argv[4]) == 0 ? 0 : 1;
    if (argc >= 4 && strcmp(argv[1], "--export") == 0) {
        rows t = {0};
        if (read_file(argv[2], &r) != 0 || split(&r, -1, argv[3]) != 0)
            return 1;
        return argc < 5 || (read_file(argv[4], &t) == 0 && train_without(&r, &t, argv[2], argv[4], argv[3]) == 0)
               ? 0 : 1;
    }
    if (argc >= 4 && strcmp(argv[1], "--speed") == 0)
        return read_file(argv[3], &r) == 0 && speed(&r, strtoul(argv[2], NULL, 10)) == 0 ? 0 : 1;
    if (argc < 2) {
        fprintf(stderr, "usage: bench_learn FILE.csv [C] [BITS] | bench_learn --speed ROWS FILE.csv |"
                        " bench_learn --split FILE.csv FOLD DIR | bench_learn --export FILE.csv DIR [TRAIN.csv]\n");
        return 2;
    }
    double c = argc > 2 ? atof(argv[2]) : ROUTE_LEARN_C;
    unsigned bits = argc > 3 ? (unsigned)atoi(argv[3]) : 0;
    return read_file(argv[1], &r) == 0 && cross_validate(&r, c, bits) == 0 ? 0 : 1;
}
