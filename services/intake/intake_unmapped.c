/* intake_unmapped.c — counting category values routing cannot map (see
 * intake_unmapped.h).
 *
 * Known names: a sorted array, one binary search per row. Unknown values: a
 * sorted array with their counts (a hotline has tens or hundreds of
 * categories, so inserting in place is cheap), re-sorted by count when asked.
 */
#include "intake_unmapped.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

/* What routing takes as a hotline category (route_cat_resolve): a name of
 * category_aliases, a category's name ("城乡建设") or its code. */
static const char SQL_KNOWN[] = "SELECT hotline_name FROM category_aliases"
                                " UNION SELECT name FROM categories UNION SELECT code FROM categories";

typedef struct {
    char   *name;
    int64_t rows;
} seen;

struct intake_unmapped {
    char  **known;
    size_t  nknown;
    seen   *unknown;          /* by name, or by rows once sorted for reading */
    size_t  n, cap;
    int     by_rows;
    int64_t rows;             /* all of them, values past UNMAPPED_DISTINCT_MAX too */
};

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_rows(const void *a, const void *b)
{
    const seen *x = a, *y = b;
    if (x->rows != y->rows)
        return x->rows > y->rows ? -1 : 1;
    return strcmp(x->name, y->name);
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(((const seen *)a)->name, ((const seen *)b)->name);
}

intake_unmapped *intake_unmapped_load(PGconn *pg, char *why, size_t whylen)
{
    PGresult *res = db_query(pg, "intake category aliases", SQL_KNOWN, 0, NULL, why, whylen);
    intake_unmapped *self = res ? calloc(1, sizeof *self) : NULL;
    int n = res ? PQntuples(res) : 0;
    if (self && n > 0 && !(self->known = calloc((size_t)n, sizeof *self->known)))
        intake_unmapped_destroy(&self);
    for (int i = 0; self && i < n; i++)
        if (!(self->known[self->nknown++] = strdup(PQgetvalue(res, i, 0))))
            intake_unmapped_destroy(&self);
    if (self && self->nknown > 1)
        qsort(self->known, self->nknown, sizeof *self->known, cmp_str);
    else if (res)
        snprintf(why, whylen, "内存不足");
    PQclear(res);
    return self;
}

/* The index where name is or belongs among the unknown values (by name). */
static size_t position(const intake_unmapped *self, const char *name, int *found)
{
    size_t lo = 0, hi = self->n;
    *found = 0;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(self->unknown[mid].name, name);
        if (c == 0) {
            *found = 1;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Inserts name at i with one row. 0 or -1. */
static int insert(intake_unmapped *self, size_t i, const char *name)
{
    if (self->n == self->cap) {
        size_t cap = self->cap ? self->cap * 2 : 32;
        seen *p = realloc(self->unknown, cap * sizeof *p);
        if (!p)
            return -1;
        self->unknown = p;
        self->cap = cap;
    }
    char *copy = strdup(name);
    if (!copy)
        return -1;
    memmove(self->unknown + i + 1, self->unknown + i, (self->n - i) * sizeof *self->unknown);
    self->unknown[i] = (seen){copy, 1};
    self->n++;
    return 0;
}

int intake_unmapped_see(intake_unmapped *self, const char *category)
{
    if (!*category || (self->nknown && bsearch(&category, self->known, self->nknown, sizeof *self->known, cmp_str)))
        return 0;
    if (self->by_rows && self->n > 1) {
        qsort(self->unknown, self->n, sizeof *self->unknown, cmp_name);
        self->by_rows = 0;
    }
    self->rows++;
    int found;
    size_t i = position(self, category, &found);
    if (found) {
        self->unknown[i].rows++;
        return 0;
    }
    return self->n < UNMAPPED_DISTINCT_MAX ? insert(self, i, category) : 0;
}

int64_t intake_unmapped_rows(const intake_unmapped *self)
{
    return self->rows;
}

size_t intake_unmapped_distinct(const intake_unmapped *self)
{
    return self->n;
}

const char *intake_unmapped_at(intake_unmapped *self, size_t i, int64_t *rows)
{
    if (!self->by_rows && self->n > 1)
        qsort(self->unknown, self->n, sizeof *self->unknown, cmp_rows);
    self->by_rows = 1;
    if (i >= self->n)
        return NULL;
    *rows = self->unknown[i].rows;
    return self->unknown[i].name;
}

void intake_unmapped_destroy(intake_unmapped **pself)
{
    if (!pself || !*pself)
        return;
    intake_unmapped *self = *pself;
    for (size_t i = 0; i < self->nknown; i++)
        free(self->known[i]);
    for (size_t i = 0; i < self->n; i++)
        free(self->unknown[i].name);
    free(self->known);
    free(self->unknown);
    free(self);
    *pself = NULL;
}
