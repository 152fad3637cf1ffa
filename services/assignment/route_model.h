/* route_model.h — a linear text classifier over hashed character n-grams,
 * learned from the city's own history (route_learn.h trains it).
 *
 * Features: the characters of the text (digits folded to one symbol, ASCII
 * letters to lower case, whitespace dropped), every run of 1 or 2 of them
 * hashed into 2^bits buckets; each bucket weighs (1 + log tf) × idf, and the
 * vector is scaled to length 1. Buckets seen in fewer than two training
 * texts have idf 0 and count for nothing.
 *
 * Classes are category codes. A class's score is the dot product of the
 * vector with its weights plus a bias; the probabilities are the softmax of
 * the scores divided by a temperature fitted on held-back texts, so a 0.8
 * means right about 8 times in 10 on texts like the history's.
 *
 * Classifying is read-only and allocates nothing (threads may share a
 * model); it reports the three likeliest classes and the n-grams of the text
 * that weighed most for the best one, as byte ranges of the text.
 *
 * The blob (route_model_blob) is what PostgreSQL stores (table models,
 * migration 011): a magic, the sizes, the class codes, the temperature and
 * the bucket rows (idf and class weights) and biases as little-endian float32.
 */
#ifndef JIESU_ROUTE_MODEL_H
#define JIESU_ROUTE_MODEL_H

#include <stddef.h>
#include <stdint.h>

#define ROUTE_MODEL_TOP      3      /* likeliest classes reported */
#define ROUTE_MODEL_EVIDENCE 3      /* n-grams reported */
#define ROUTE_MODEL_NGRAM    2      /* longest n-gram, in characters */

typedef struct route_model route_model;

typedef struct {
    size_t start, len;                    /* bytes of the text */
    double weight;                        /* what it added to the best class's score */
} route_model_evidence;

typedef struct {
    int    ntop;                          /* classes in top (min(3, classes)) */
    int    top[ROUTE_MODEL_TOP];          /* class indices, likeliest first */
    double prob[ROUTE_MODEL_TOP];         /* their probabilities */
    int    nevidence;
    route_model_evidence evidence[ROUTE_MODEL_EVIDENCE];
} route_model_result;

/* The sparse features of one text, as training needs them: bucket indices
 * in increasing order with their term counts. */
typedef struct {
    uint32_t *bucket;
    float    *tf;
    size_t    n, cap;
} route_model_feats;

/* Fills f (growing its arrays) with the hashed n-grams of text[0..len) into
 * 2^bits buckets. 0, or -1 when out of memory. */
int route_model_featurize(const char *text, size_t len, unsigned bits, route_model_feats *f);

/* Frees f's arrays (not f). */
void route_model_feats_free(route_model_feats *f);

/* A model of nclasses classes (codes copied) over 2^bits buckets, weights
 * zero: the trainer fills them. NULL when out of memory or bits not in 10..24. */
route_model *route_model_new(unsigned bits, const char *const *classes, size_t nclasses);

/* For the trainer: a bucket's row, its idf then its weight for every class
 * (what one n-gram needs is adjacent in memory), and the biases[nclasses]. */
float *route_model_row(route_model *self, uint32_t bucket);
float  route_model_idf(const route_model *self, uint32_t bucket);
float *route_model_bias(route_model *self);
void   route_model_set_temperature(route_model *self, double t);

/* Raw class scores of a text into scores[nclasses] (no softmax). */
void route_model_scores(const route_model *self, const char *text, double *scores);

/* The same for features made by route_model_featurize at the model's bits. */
void route_model_scores_feats(const route_model *self, const route_model_feats *f, double *scores);

/* Probabilities of a text: softmax of scores / temperature into prob[nclasses]. */
void route_model_softmax(const route_model *self, const double *scores, double temperature, double *prob);

/* Classifies text (NUL-terminated). */
void route_model_classify(const route_model *self, const char *text, route_model_result *out);

size_t      route_model_class_count(const route_model *self);
const char *route_model_class(const route_model *self, size_t i);   /* owned by the model */
unsigned    route_model_bits(const route_model *self);

/* Serialises the model into a new buffer (*data, the caller frees). 0 or -1. */
int route_model_blob(const route_model *self, unsigned char **data, size_t *len);

/* A model from a blob. NULL with "model: reason" in err when it is not one. */
route_model *route_model_from_blob(const unsigned char *data, size_t len, char *err, size_t errlen);

void route_model_destroy(route_model **self);

#endif
