/* intake_row.h — one data row of a hotline export: validated, normalised, and
 * written as a line of COPY text for complaints (intake_import.c puts the
 * complaint's id in front of it).
 *
 * Checks: the CSV reader's verdict (field or record too long, bad encoding
 * or a NUL byte with the character where it is, a quote without its pair or
 * never closed with the line it opened on; a workbook's damaged cell, in
 * the words of intake_source.c), a last row the
 * file ends inside of (cut off), no non-empty fields past the header, the
 * required fields (ticket_no, called_at, content) present, ticket numbers
 * that Excel turned into scientific notation (1.23457E+17: digits are lost,
 * the order cannot be matched any more), timestamps in the profile's date
 * formats (intake_dates.h), coordinates. A field made of several columns is
 * their values joined (intake_columns.h). Text is normalised with
 * text_normalize() (full-width → half-width, whitespace collapsed).
 *
 * A timestamp without a zone is written as local time; PostgreSQL reads it in
 * the import's time zone (the profile's), see intake_import.c.
 */
#ifndef JIESU_INTAKE_ROW_H
#define JIESU_INTAKE_ROW_H

#include <stddef.h>
#include <stdint.h>

#include "csv_reader.h"
#include "intake_columns.h"
#include "intake_dates.h"

/* Columns of each COPY line, in order (complaints columns). */
#define INTAKE_COPY_COLUMNS \
    "import_id, source_row, ticket_no, called_at, caller_name, caller_phone, " \
    "address, content, category_raw, urgency, lon, lat, extra"


enum { INTAKE_ROW_OK = 0, INTAKE_ROW_REJECTED, INTAKE_ROW_EMPTY };

/* Why a row was refused. Pointers are borrowed from the record and the column
 * map and stay valid until the next csv_read(). */
typedef struct {
    uint64_t    row;            /* record number = spreadsheet row (header = 1) */
    uint64_t    line;           /* physical line the row starts on */
    const char *column;         /* header of the column at fault */
    char        reason[640];
    const char *value;          /* the raw value at fault (NULL when none) */
    size_t      value_len;
} intake_reject;

typedef struct intake_row intake_row;

/* A row builder; limits are the CSV reader's (for messages); door: where
 * the file came from, what the reasons teach (a profile's line to write at
 * the terminal, to ask an administrator on the page). NULL when out of memory. */
intake_row *intake_row_new(const csv_options *limits, intake_door door);

/* Builds the COPY line for record rec of import import_id, its columns
 * mapped by map (whose profile gives the date formats).
 * Returns INTAKE_ROW_OK with *line (ending in '\n', NUL-terminated, owned by
 * the builder, valid until the next call) and *len; INTAKE_ROW_REJECTED with *rej filled;
 * INTAKE_ROW_EMPTY for a row whose fields are all blank (to be skipped);
 * -1 when out of memory. */
int intake_row_build(intake_row *self, const intake_columns *map, const csv_record *rec,
                     int64_t import_id, const char **line, size_t *len, intake_reject *rej);

/* The stored values of the row built last with INTAKE_ROW_OK, field by
 * field (normalised, "" when empty; called_at as written for PostgreSQL,
 * the coordinates as numbers), and its extra
 * columns as JSON: for showing a row as it would be stored. Valid until the
 * next intake_row_build(). */
const char *intake_row_value(const intake_row *self, intake_field f);
const char *intake_row_extra(const intake_row *self);

/* called_at of the row built last with INTAKE_ROW_OK, as read (a local time
 * of the profile's zone unless it has_offset). Valid until the next build. */
const intake_time *intake_row_called(const intake_row *self);

/* 1 if the NUL-terminated s looks like a number in Excel's scientific
 * notation ("1.23457E+17"), else 0. */
int intake_is_scientific(const char *s);

/* Frees the builder and sets *self to NULL. */
void intake_row_destroy(intake_row **self);

#endif
