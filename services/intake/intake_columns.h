/* intake_columns.h — which column of a hotline export holds which field.
 *
 * Columns are found by their header, never by position: exports from
 * different hotline systems order and name them differently. Each field has
 * Chinese and English aliases (one table in intake_columns.c); headers are
 * compared after normalisation (full-width → half-width, whitespace trimmed)
 * and ASCII case folding. Columns matching no alias are kept as "extra" and
 * stored as a JSON object keyed by their header.
 */
#ifndef JIESU_INTAKE_COLUMNS_H
#define JIESU_INTAKE_COLUMNS_H

#include <stddef.h>

typedef enum {
    COL_TICKET_NO = 0,   /* required */
    COL_CALLED_AT,       /* required */
    COL_CALLER_NAME,
    COL_CALLER_PHONE,
    COL_ADDRESS,
    COL_CONTENT,         /* required */
    COL_CATEGORY,
    COL_URGENCY,
    COL_LON,
    COL_LAT,
    COL_COUNT
} cols_field;

typedef struct cols_map cols_map;

/* Maps a header record of n columns. Returns NULL with the reason in err when
 * a required column is missing ("missing required column called_at (headers
 * accepted: 来电时间 受理时间 ...)"), when two columns mean the same field, or when out of memory.
 * The map copies what it needs; cols_map_destroy() frees it. */
cols_map *cols_map_new(const char *const *headers, const size_t *lens, size_t n,
                       char *err, size_t errlen);

/* The field a header names (after the same normalisation), or -1: for
 * readers of other files that take the same columns (training exports). */
int cols_field_of(const char *header, size_t len);

/* The column holding field f, or -1 when the file has none. */
int cols_index(const cols_map *self, cols_field f);

/* Number of header columns. */
size_t cols_count(const cols_map *self);

/* The header of column col as the file names it (normalised), for messages:
 * "column N" (1-based) when the header is empty, "(past the last header)"
 * when col >= cols_count(). The string belongs to the map. */
const char *cols_header(const cols_map *self, size_t col);

/* The English name of a field ("ticket_no", "called_at", ...). */
const char *cols_field_name(cols_field f);

/* 1 if column col is an extra (unmapped) column. */
int cols_is_extra(const cols_map *self, size_t col);

/* Writes the extra columns of one record (fields[0..n), valid UTF-8) as a
 * JSON object {"header":"value",...} into dst, leaving out empty values.
 * Returns the length the whole object needs, without the NUL, like
 * snprintf(): when it is >= cap, the output was cut and the caller retries
 * with a larger buffer. dst is NUL-terminated when cap > 0. */
size_t cols_extra_json(const cols_map *self, const char *const *fields, const size_t *lens,
                       size_t n, char *dst, size_t cap);

/* Frees the map and sets *self to NULL. */
void cols_map_destroy(cols_map **self);

#endif
