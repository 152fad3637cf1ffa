/* intake_buf.h — a growable byte buffer, always NUL-terminated.
 *
 * Holds the text of an XML element being parsed (xlsx_reader.c) and the COPY
 * text of one import batch (intake_import.c). The buffer owns data; reset by
 * setting len to 0, release with intake_buf_free().
 */
#ifndef JIESU_INTAKE_BUF_H
#define JIESU_INTAKE_BUF_H

#include <stddef.h>

typedef struct {
    char  *data;
    size_t len, cap;
} intake_buf;

/* Appends s[0..n). 0, or -1 when out of memory (the buffer is unchanged). */
int intake_buf_add(intake_buf *b, const char *s, size_t n);

/* Frees data and zeroes *b. */
void intake_buf_free(intake_buf *b);

#endif
