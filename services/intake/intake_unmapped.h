/* intake_unmapped.h — hotline category values an import brings that routing
 * cannot map, counted for the import's summary.
 *
 * Routing maps a row's hotline category (complaints.category_raw) through
 * category_aliases, else takes it as a category's name or code; a value that
 * is none of these is not an error, but its rows are
 * classified by their text alone (routing's reason says "hotline category X
 * not mapped"), which the clerk should hear of: a 市场监管-价格 complaint
 * about a car park's fees can otherwise end up with the traffic police. The
 * values are compared as stored (normalised), exactly as routing compares.
 */
#ifndef JIESU_INTAKE_UNMAPPED_H
#define JIESU_INTAKE_UNMAPPED_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#define UNMAPPED_DISTINCT_MAX 10000     /* values told apart; more are counted as one lot */

typedef struct intake_unmapped intake_unmapped;

/* The known hotline category names: category_aliases' and the categories'
 * names and codes. NULL with why. */
intake_unmapped *intake_unmapped_load(PGconn *pg, char *why, size_t whylen);

/* Counts a row's category when it is not empty and not known. 0, or -1 when
 * out of memory. */
int intake_unmapped_see(intake_unmapped *self, const char *category);

/* Rows counted, and distinct values (beyond UNMAPPED_DISTINCT_MAX: that many). */
int64_t intake_unmapped_rows(const intake_unmapped *self);
size_t intake_unmapped_distinct(const intake_unmapped *self);

/* The i-th value by rows, most first (ties by name): its rows in *rows.
 * NULL past the last. Sorting happens on the first call after a change. */
const char *intake_unmapped_at(intake_unmapped *self, size_t i, int64_t *rows);

void intake_unmapped_destroy(intake_unmapped **self);

#endif
