/* route_model.c — hashed character n-gram features and a linear classifier
 * over them (see route_model.h).
 *
 * A text's n-grams are counted in a hash table of bucket → count (and where
 * the n-gram first occurred, for the evidence), then every distinct bucket
 * is weighed once. The table lives in thread-local memory sized for the
 * longest text looked at (MAX_CHARS characters; a longer text is judged by
 * its beginning, where complaints say what they are about), so classifying
 * allocates nothing.
 */
#include "route_model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAGIC      "JIESUM01"
#define MAGIC_LEN  8
#define MAX_CHARS  2048                               /* characters of a text looked at */
#define MAX_GRAMS  (MAX_CHARS * ROUTE_MODEL_NGRAM)
#define TABLE_MAX  16384                              /* power of two >= 2 × MAX_GRAMS */
#define EVIDENCE_POOL 12                              /* candidates the evidence is chosen from */
#define CLASS_MAX  4096
#define PREFETCH   8                                  /* rows asked for ahead of use */
#define CODE_MAX   128

struct route_model {
    unsigned bits;
    size_t   nclasses;
    char   **classes;
    size_t   stride;       /* 1 + nclasses */
    float   *rows;         /* [2^bits × stride]: idf, then the classes' weights */
    float   *bias;         /* [nclasses] */
    double   temperature;
};

typedef struct {           /* 16 bytes: a text's table stays small in the cache */
    uint32_t key;          /* bucket + 1; 0 = empty */
    uint32_t start;        /* first occurrence, bytes */
    uint16_t count;        /* occurrences (at most 65535 counted) */
    uint8_t  len;          /* bytes of the first occurrence */
    uint8_t  chars;        /* characters in the n-gram */
    float    x;            /* its weight in the vector, once scored */
} slot;

typedef struct {
    slot     t[TABLE_MAX];
    uint32_t used[MAX_GRAMS];   /* occupied slot indices, in insertion order */
    size_t   nused;
    uint32_t mask;
} gram_table;

static _Thread_local gram_table TABLE;

/* ---- features ---- */

/* The next code point of s[i..len) and its byte length (1 for a bad byte). */
static uint32_t next_cp(const unsigned char *s, size_t i, size_t len, size_t *n)
{
    unsigned char c = s[i];
    int k = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    if (i + (size_t)k > len)
        k = 1;
    uint32_t cp = k == 1 ? c : c & (0x7Fu >> k);
    for (int j = 1; j < k; j++)
        cp = (cp << 6) | (s[i + j] & 0x3F);
    *n = (size_t)k;
    return cp;
}

/* What a character counts as: digits are one symbol, letters lower case,
 * whitespace nothing (0). */
static uint32_t fold(uint32_t cp)
{
    if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x3000)
        return 0;
    if (cp >= '0' && cp <= '9')
        return '0';
    if (cp >= 'A' && cp <= 'Z')
        return cp + 32;
    return cp;
}

static uint32_t mix(uint32_t h)
{
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    return h ^ (h >> 16);
}

static void table_add(gram_table *t, uint32_t bucket, size_t start, size_t len, size_t chars)
{
    uint32_t i = mix(bucket) & t->mask;
    while (t->t[i].key && t->t[i].key != bucket + 1)
        i = (i + 1) & t->mask;
    slot *s = &t->t[i];
    if (!s->key) {
        *s = (slot){.key = bucket + 1, .start = (uint32_t)start, .count = 0, .len = (uint8_t)len,
                    .chars = (uint8_t)chars};
        t->used[t->nused++] = i;
    }
    s->count += s->count < UINT16_MAX;
}

/* Empties the slots the previous text used (the table is empty between
 * texts, so a short text does not pay for clearing a long one's table) and
 * sizes it for a text of chars characters: at most half full. */
static void table_reset(gram_table *t, size_t chars)
{
    for (size_t i = 0; i < t->nused; i++)
        t->t[t->used[i]].key = 0;
    t->nused = 0;
    size_t size = 256, grams = ROUTE_MODEL_NGRAM * (chars < MAX_CHARS ? chars : MAX_CHARS);
    while (size < TABLE_MAX && size < 2 * grams)
        size *= 2;
    t->mask = (uint32_t)size - 1;
}

static size_t count_chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len && n <= MAX_CHARS; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

/* Counts the n-grams of text[0..len) into the thread's table. */
static gram_table *collect(const char *text, size_t len, unsigned bits)
{
    gram_table *t = &TABLE;
    const unsigned char *s = (const unsigned char *)text;
    uint32_t cps[ROUTE_MODEL_NGRAM] = {0};
    size_t starts[ROUTE_MODEL_NGRAM] = {0}, chars = 0, n;
    uint32_t mask = (1u << bits) - 1;
    table_reset(t, count_chars(text, len));
    for (size_t i = 0; i < len && chars < MAX_CHARS; i += n) {
        uint32_t cp = fold(next_cp(s, i, len, &n));
        if (!cp)
            continue;
        for (size_t k = ROUTE_MODEL_NGRAM - 1; k > 0; k--) {
            cps[k] = cps[k - 1];
            starts[k] = starts[k - 1];
        }
        cps[0] = cp;
        starts[0] = i;
        chars++;
        uint32_t h = 2166136261u;
        for (size_t k = 0; k < ROUTE_MODEL_NGRAM && k < chars; k++) {
            h = (h ^ cps[k]) * 16777619u;
            table_add(t, mix(h + (uint32_t)k * 0x9e3779b9u) & mask, starts[k], i + n - starts[k], k + 1);
        }
    }
    return t;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

int route_model_featurize(const char *text, size_t len, unsigned bits, route_model_feats *f)
{
    gram_table *t = collect(text, len, bits);
    if (t->nused > f->cap) {
        uint32_t *b = realloc(f->bucket, t->nused * sizeof *b);
        if (b)
            f->bucket = b;
        float *tf = b ? realloc(f->tf, t->nused * sizeof *tf) : NULL;
        if (!tf)
            return -1;
        f->tf = tf;
        f->cap = t->nused;
    }
    f->n = t->nused;
    for (size_t i = 0; i < t->nused; i++)
        f->bucket[i] = t->t[t->used[i]].key - 1;
    if (f->n)
        qsort(f->bucket, f->n, sizeof *f->bucket, cmp_u32);
    for (size_t i = 0; i < f->n; i++) {     /* counts looked up again, in bucket order */
        uint32_t j = mix(f->bucket[i]) & t->mask;
        while (t->t[j].key != f->bucket[i] + 1)
            j = (j + 1) & t->mask;
        f->tf[i] = (float)t->t[j].count;
    }
    return 0;
}

void route_model_feats_free(route_model_feats *f)
{
    free(f->bucket);
    free(f->tf);
    *f = (route_model_feats){0};
}

/* ---- the model ---- */

route_model *route_model_new(unsigned bits, const char *const *classes, size_t nclasses)
{
    if (bits < 10 || bits > 24 || nclasses == 0 || nclasses > CLASS_MAX)
        return NULL;
    route_model *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    size_t buckets = (size_t)1 << bits;
    m->bits = bits;
    m->temperature = 1.0;
    m->classes = calloc(nclasses, sizeof *m->classes);
    m->stride = 1 + nclasses;
    m->rows = calloc(buckets * m->stride, sizeof *m->rows);
    m->bias = calloc(nclasses, sizeof *m->bias);
    int ok = m->classes && m->rows && m->bias;
    for (size_t i = 0; ok && i < nclasses; i++, m->nclasses++)
        ok = strlen(classes[i]) < CODE_MAX && (m->classes[i] = strdup(classes[i])) != NULL;
    if (!ok)
        route_model_destroy(&m);
    return m;
}

void route_model_destroy(route_model **self)
{
    if (!self || !*self)
        return;
    route_model *m = *self;
    for (size_t i = 0; i < m->nclasses; i++)
        free(m->classes[i]);
    free(m->classes);
    free(m->rows);
    free(m->bias);
    free(m);
    *self = NULL;
}

float *route_model_row(route_model *self, uint32_t bucket) { return self->rows + (size_t)bucket * self->stride; }
float route_model_idf(const route_model *self, uint32_t bucket) { return self->rows[(size_t)bucket * self->stride]; }
float *route_model_bias(route_model *self) { return self->bias; }
void route_model_set_temperature(route_model *self, double t) { self->temperature = t > 0 ? t : 1.0; }
size_t route_model_class_count(const route_model *self) { return self->nclasses; }
unsigned route_model_bits(const route_model *self) { return self->bits; }

const char *route_model_class(const route_model *self, size_t i)
{
    return i < self->nclasses ? self->classes[i] : NULL;
}

/* The weight of a bucket counted tf times: (1 + log tf) × idf. */
static double gram_weight(const route_model *self, uint32_t bucket, double tf)
{
    return (tf == 1 ? 1.0 : 1.0 + log(tf)) * route_model_idf(self, bucket);
}

/* Adds a bucket of weight x to scores[] and x² to *norm. */
static void accumulate(const route_model *self, uint32_t bucket, double x, double *scores, double *norm)
{
    if (x == 0)
        return;
    *norm += x * x;
    const float *w = self->rows + (size_t)bucket * self->stride + 1;
    for (size_t c = 0; c < self->nclasses; c++)
        scores[c] += x * w[c];
}

/* Divides the sums by the vector's length and adds the biases; returns the length. */
static double finish_scores(const route_model *self, double norm, double *scores)
{
    norm = norm > 0 ? sqrt(norm) : 1.0;
    for (size_t c = 0; c < self->nclasses; c++)
        scores[c] = scores[c] / norm + self->bias[c];
    return norm;
}

/* Scores of the text in the thread's table into scores[]; returns the vector's length. */
static double table_scores(const route_model *self, gram_table *t, double *scores)
{
    double norm = 0;
    memset(scores, 0, self->nclasses * sizeof *scores);
    for (size_t i = 0; i < t->nused; i++) {
        if (i + PREFETCH < t->nused)      /* the rows are all over memory: ask for one ahead of use */
            __builtin_prefetch(self->rows + (size_t)(t->t[t->used[i + PREFETCH]].key - 1) * self->stride);
        slot *s = &t->t[t->used[i]];
        s->x = (float)gram_weight(self, s->key - 1, s->count);
        accumulate(self, s->key - 1, s->x, scores, &norm);
    }
    return finish_scores(self, norm, scores);
}

void route_model_scores_feats(const route_model *self, const route_model_feats *f, double *scores)
{
    double norm = 0;
    memset(scores, 0, self->nclasses * sizeof *scores);
    for (size_t j = 0; j < f->n; j++)
        accumulate(self, f->bucket[j], gram_weight(self, f->bucket[j], f->tf[j]), scores, &norm);
    finish_scores(self, norm, scores);
}

void route_model_scores(const route_model *self, const char *text, double *scores)
{
    table_scores(self, collect(text, strlen(text), self->bits), scores);
}

void route_model_softmax(const route_model *self, const double *scores, double temperature, double *prob)
{
    double top = scores[0], sum = 0;
    for (size_t c = 1; c < self->nclasses; c++)
        top = scores[c] > top ? scores[c] : top;
    for (size_t c = 0; c < self->nclasses; c++)
        sum += prob[c] = exp((scores[c] - top) / temperature);
    for (size_t c = 0; c < self->nclasses; c++)
        prob[c] /= sum;
}

/* The ROUTE_MODEL_TOP likeliest classes. */
static void pick_top(const route_model *self, const double *prob, route_model_result *out)
{
    out->ntop = 0;
    for (size_t c = 0; c < self->nclasses; c++) {
        int k = out->ntop < ROUTE_MODEL_TOP ? out->ntop++ : ROUTE_MODEL_TOP;
        while (k > 0 && prob[c] > out->prob[k - 1]) {
            if (k < ROUTE_MODEL_TOP) {
                out->top[k] = out->top[k - 1];
                out->prob[k] = out->prob[k - 1];
            }
            k--;
        }
        if (k < ROUTE_MODEL_TOP) {
            out->top[k] = (int)c;
            out->prob[k] = prob[c];
        }
    }
}

/* 1 if byte ranges a and b overlap. */
static int overlaps(size_t a, size_t alen, size_t b, size_t blen)
{
    return a < b + blen && b < a + alen;
}

/* The n-grams that added most to class best's score, not overlapping each
 * other; longer ones first (音响 says more to a dispatcher than 音). */
static void pick_evidence(const route_model *self, const gram_table *t, int best, double norm,
                          route_model_result *out)
{
    const slot *pool[EVIDENCE_POOL];
    double val[EVIDENCE_POOL];
    size_t npool = 0;
    for (size_t i = 0; i < t->nused; i++) {
        if (i + PREFETCH < t->nused)
            __builtin_prefetch(self->rows + (size_t)(t->t[t->used[i + PREFETCH]].key - 1) * self->stride);
        const slot *s = &t->t[t->used[i]];
        double v = s->x * self->rows[(size_t)(s->key - 1) * self->stride + 1 + (size_t)best] / norm;
        if (v <= 0 || (npool == EVIDENCE_POOL && v <= val[npool - 1]))
            continue;
        size_t k = npool < EVIDENCE_POOL ? npool++ : EVIDENCE_POOL - 1;
        for (; k > 0 && v > val[k - 1]; k--) {
            pool[k] = pool[k - 1];
            val[k] = val[k - 1];
        }
        pool[k] = s;
        val[k] = v;
    }
    out->nevidence = 0;
    for (size_t k = 0; k < 2 * npool && out->nevidence < ROUTE_MODEL_EVIDENCE; k++) {
        size_t i = k % npool;
        if ((k < npool) != (pool[i]->chars > 1))
            continue;                     /* first pass: n-grams of two characters or more; then the rest */
        int clash = 0;
        for (int e = 0; e < out->nevidence && !clash; e++)
            clash = overlaps(pool[i]->start, pool[i]->len, out->evidence[e].start, out->evidence[e].len);
        if (!clash)
            out->evidence[out->nevidence++] = (route_model_evidence){pool[i]->start, pool[i]->len, val[i]};
    }
}

void route_model_classify(const route_model *self, const char *text, route_model_result *out)
{
    static _Thread_local double scores[CLASS_MAX], prob[CLASS_MAX];
    memset(out, 0, sizeof *out);
    gram_table *t = collect(text, strlen(text), self->bits);
    double norm = table_scores(self, t, scores);
    route_model_softmax(self, scores, self->temperature, prob);
    pick_top(self, prob, out);
    if (out->ntop)
        pick_evidence(self, t, out->top[0], norm, out);
}

/* ---- blob ---- */

typedef struct {
    const unsigned char *p, *end;
} reader;

static int take(reader *r, void *dst, size_t n)
{
    if ((size_t)(r->end - r->p) < n)
        return -1;
    memcpy(dst, r->p, n);
    r->p += n;
    return 0;
}

/* Bytes of a blob's weights: every bucket's row (idf and one weight a class), then the biases. */
static size_t weight_bytes(unsigned bits, size_t nclasses)
{
    return (((size_t)1 << bits) * (1 + nclasses) + nclasses) * sizeof(float);
}

int route_model_blob(const route_model *self, unsigned char **data, size_t *len)
{
    size_t buckets = (size_t)1 << self->bits, names = 0;
    for (size_t c = 0; c < self->nclasses; c++)
        names += strlen(self->classes[c]) + 1;
    uint32_t head[3] = {self->bits, (uint32_t)self->nclasses, ROUTE_MODEL_NGRAM};
    float temp = (float)self->temperature;
    size_t n = MAGIC_LEN + sizeof head + sizeof temp + names + weight_bytes(self->bits, self->nclasses);
    unsigned char *b = malloc(n), *p = b;
    if (!b)
        return -1;
    memcpy(p, MAGIC, MAGIC_LEN), p += MAGIC_LEN;
    memcpy(p, head, sizeof head), p += sizeof head;
    memcpy(p, &temp, sizeof temp), p += sizeof temp;
    for (size_t c = 0; c < self->nclasses; c++) {
        size_t k = strlen(self->classes[c]) + 1;
        memcpy(p, self->classes[c], k), p += k;
    }
    memcpy(p, self->rows, buckets * self->stride * sizeof(float)), p += buckets * self->stride * sizeof(float);
    memcpy(p, self->bias, self->nclasses * sizeof(float));
    *data = b;
    *len = n;
    return 0;
}

/* 1 when each of v[0..n) is a finite number. */
static int all_finite(const float *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return 0;
    return 1;
}

/* Reads the class codes (NUL-terminated strings) into names. 0 or -1. */
static int take_names(reader *r, char (*names)[CODE_MAX], size_t n)
{
    for (size_t c = 0; c < n; c++) {
        const unsigned char *z = memchr(r->p, '\0', (size_t)(r->end - r->p));
        if (!z || (size_t)(z - r->p) >= CODE_MAX)
            return -1;
        memcpy(names[c], r->p, (size_t)(z - r->p) + 1);
        r->p = z + 1;
    }
    return 0;
}

route_model *route_model_from_blob(const unsigned char *data, size_t len, char *err, size_t errlen)
{
    reader r = {data, data + len};
    char magic[MAGIC_LEN];
    uint32_t head[3];
    float temp;
    if (take(&r, magic, MAGIC_LEN) != 0 || memcmp(magic, MAGIC, MAGIC_LEN) != 0 || take(&r, head, sizeof head) != 0 ||
        take(&r, &temp, sizeof temp) != 0 || head[2] != ROUTE_MODEL_NGRAM || head[1] == 0 || head[1] > CLASS_MAX) {
        snprintf(err, errlen, "model: not a jiesu text model of this version (bad header)");
        return NULL;
    }
    char (*names)[CODE_MAX] = calloc(head[1], CODE_MAX);
    const char **ptrs = calloc(head[1], sizeof *ptrs);
    route_model *m = NULL;
    if (!names || !ptrs || take_names(&r, names, head[1]) != 0) {
        snprintf(err, errlen, "model: class names cut short or out of memory");
        goto done;
    }
    for (size_t c = 0; c < head[1]; c++)
        ptrs[c] = names[c];
    if (head[0] >= 10 && head[0] <= 24 && (size_t)(r.end - r.p) != weight_bytes(head[0], head[1])) {
        snprintf(err, errlen, "model: %zu bytes do not hold %zu buckets × %u classes", len, (size_t)1 << head[0],
                 head[1]);      /* said before the model, maybe gigabytes, is made for it */
        goto done;
    }
    if (!(m = route_model_new(head[0], ptrs, head[1]))) {
        snprintf(err, errlen, "model: %u bits or %u classes out of range, or out of memory", head[0], head[1]);
        goto done;
    }
    size_t buckets = (size_t)1 << m->bits;
    take(&r, m->rows, buckets * m->stride * sizeof(float));     /* their size was checked above */
    take(&r, m->bias, m->nclasses * sizeof(float));
    if (!all_finite(m->rows, buckets * m->stride) || !all_finite(m->bias, m->nclasses) || !isfinite(temp)) {
        snprintf(err, errlen, "model: weights that are not numbers (NaN or infinite): a damaged model; "
                 "learn it again (jiesu learn)");     /* scores from them would be NaN */
        route_model_destroy(&m);
        goto done;
    }
    route_model_set_temperature(m, temp);
done:
    free(names);
    free(ptrs);
    return m;
}
