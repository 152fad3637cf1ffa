/* route_learn.h — training the text model (route_model.h) from labelled texts.
 *
 * A training set is texts with their category codes (from a historical
 * export, or from settled orders: route_learn_db.h). Training:
 *   1. holds back a fifth of every class (every fifth text of it, so the
 *      split is the same for the same set), trains on the rest and measures
 *      macro-F1 (the mean of the classes' F1, so small classes count as much
 *      as large ones) and accuracy on the held-back fifth;
 *   2. fits the temperature of the probabilities on that fifth (the one
 *      minimising their log loss), so they are calibrated.
 * A set of ROUTE_LEARN_SMALL texts or more keeps that model, trained on
 * four fifths: the figures stored with it are its own, and training costs
 * one run (a history that large loses little by a fifth). A smaller set is
 * trained again on every text, keeping the temperature, because there every
 * text counts (1,842 real messages: a fifth more data is worth about 0.02 of
 * macro-F1); its figures are then those of the four-fifths model, a little
 * pessimistic.
 * The solver is liblinear's L2-regularised logistic regression (dual
 * coordinate descent, three times faster than the primal solver here at the
 * same accuracy), one class against the rest, with class weights inversely proportional to class size
 * (a rare category is not drowned by a common one).
 *
 * Training runs on one core: memory is the features of every text (about
 * 1,200 n-grams of 8 bytes for a text of 400 characters).
 */
#ifndef JIESU_ROUTE_LEARN_H
#define JIESU_ROUTE_LEARN_H

#include <stddef.h>

#include "route_model.h"

typedef struct route_learn_set route_learn_set;

typedef struct {
    double   c;          /* inverse regularisation; 0: ROUTE_LEARN_C */
    int      holdout;    /* 1: measure on a held-back fifth (what the service does); 0: train on all, unmeasured */
    int      settled;    /* 1: the texts are settled orders, which nobody adds or drops: a refusal does not
                            offer to (a file's offers more rows of a category, or dropping it) */
} route_learn_opts;

#define ROUTE_LEARN_C 16.0
#define ROUTE_LEARN_SMALL 20000

typedef struct {
    size_t texts, classes;       /* in the set */
    size_t train, test;          /* sizes of the split measured */
    double macro_f1, accuracy;   /* on the held-back fifth (0 when not measured) */
    double temperature;
    double seconds;              /* wall time of the whole training */
} route_learn_stats;

/* An empty set whose texts are hashed into 2^bits buckets (0: 18; else 10..24). NULL when out of memory or bad bits. */
route_learn_set *route_learn_set_new(unsigned bits);

/* Adds a text with its category code (both copied); name, the category's as
 * errors show it, is kept with the code's first text (NULL: the code). Empty
 * texts or codes are skipped (returns 1). 0 when added, -1 when out of memory. */
int route_learn_set_add(route_learn_set *self, const char *text, const char *code, const char *name);

size_t route_learn_set_count(const route_learn_set *self);

/* The class index of text i and the class codes (owned by the set). */
int         route_learn_set_label(const route_learn_set *self, size_t i);
const char *route_learn_set_class(const route_learn_set *self, int cls);
size_t      route_learn_set_classes(const route_learn_set *self);

/* Trains a model (measured on a held-back fifth when opts->holdout). NULL with the reason in err: fewer than two classes,
 * a class with fewer than two texts, out of memory. */
route_model *route_learn_train(const route_learn_set *self, const route_learn_opts *opts, route_learn_stats *st,
                               char *err, size_t errlen);

/* Trains on the texts where fold_of[i] != fold and predicts those where it
 * is, into pred[i] (class indices; others untouched). For cross-validation.
 * 0 or -1 with err. */
int route_learn_fold(const route_learn_set *self, const route_learn_opts *opts, const int *fold_of, int fold,
                     int *pred, char *err, size_t errlen);

/* Near-duplicates of the set, for cross-validation that does not score a
 * text on its own copy (a citizen writing twice, a letter sent to two
 * offices): two texts are near-duplicates when their features (characters
 * and character pairs, folded as the model folds them) have a Jaccard index
 * of at least min_jaccard (0 < min_jaccard <= 1); a group is the texts
 * linked by such pairs. group[i] (count() entries, the caller's) is the
 * first text of i's group, i itself for a text with no near copy. Returns
 * the number of groups of two texts or more; -1 when out of memory or for a
 * bad min_jaccard. Compares every pair of texts whose sizes allow it: for a
 * labelled file, not for a history of millions. */
long route_learn_set_near(const route_learn_set *self, double min_jaccard, size_t *group);

/* Stratified folds into fold_of[i] (0..folds-1, count() entries, the
 * caller's): each class's texts are dealt round the folds in order, the
 * first to fold 0; a text of a group (group from route_learn_set_near, or
 * NULL for none) goes where the group's first text went, and the class's
 * next text to the fold with fewest of the class. Without groups the i-th
 * text of a class is in fold i mod folds. 0, or -1 when out of memory. */
int route_learn_set_folds(const route_learn_set *self, const size_t *group, int folds, int *fold_of);

/* Macro-F1 over classes present in truth of pred against truth (n items). */
double route_learn_macro_f1(const int *truth, const int *pred, size_t n, size_t nclasses);

void route_learn_set_destroy(route_learn_set **self);

#endif
