/* intake_row.h — one data row of a hotline export: validated, normalised, and
 * written as a line of COPY text for complaints (intake_import.c puts the
 * complaint's id in front of it).
 *
 * Checks: the CSV reader's verdict (field or record too long, bad encoding,
 * unterminated quote), no non-empty fields past the header, the required
 * fields (ticket_no, called_at, content) present, ticket numbers that Excel
 * turned into scientific notation (1.23457E+17: digits are lost, the order
 * cannot be matched any more), timestamps, coordinates. Text is normalised with
 * text_normalize() (full-width → half-width, whitespace collapsed).
 *
 * Timestamps accepted: 2021-05-30 10:57[:00], 2021/5/30 10:57[:00],
 * 2021.5.30, 2021年5月30日 10:57, ISO 8601 with 'T' and an optional zone
 * (Z, +08:00), a date alone (midnight), and Excel serial day numbers
 * (44346.4563 = 2021-05-30 10:57:04). Without a zone a time is the hotline's
 * local time, utc_offset_min east of UTC.
 */
#ifndef JIESU_INTAKE_ROW_H
#define JIESU_INTAKE_ROW_H

#include <stddef.h>
#include <stdint.h>

#include "csv_reader.h"
#include "intake_columns.h"

/* Columns of each COPY line, in order (complaints columns). */
#define INTAKE_COPY_COLUMNS \
    "import_id, source_row, ticket_no, called_at, caller_name, caller_phone, " \
    "address, content, category_raw, urgency, lon, lat, extra"

#define INTAKE_TICKET_MAX 64    /* bytes in a ticket number */

enum { INTAKE_ROW_OK = 0, INTAKE_ROW_REJECTED, INTAKE_ROW_EMPTY };

/* Why a row was refused. Pointers are borrowed from the record and the column
 * map and stay valid until the next csv_read(). */
typedef struct {
    uint64_t    row;            /* record number = spreadsheet row (header = 1) */
    uint64_t    line;           /* physical line the row starts on */
    const char *column;         /* header of the column at fault */
    char        reason[192];
    const char *value;          /* the raw value at fault (NULL when none) */
    size_t      value_len;
} intake_reject;

typedef struct intake_row intake_row;

/* A row builder for times in UTC+utc_offset_min; limits are the CSV reader's
 * (for messages). NULL when out of memory. */
intake_row *intake_row_new(int utc_offset_min, const csv_options *limits);

/* Builds the COPY line for record rec of import import_id.
 * Returns INTAKE_ROW_OK with *line (ending in '\n', NUL-terminated, owned by
 * the builder, valid until the next call) and *len; INTAKE_ROW_REJECTED with *rej filled;
 * INTAKE_ROW_EMPTY for a row whose fields are all blank (to be skipped);
 * -1 when out of memory. */
int intake_row_build(intake_row *self, const cols_map *map, const csv_record *rec,
                     int64_t import_id, const char **line, size_t *len, intake_reject *rej);

/* The ticket number of the row built last with INTAKE_ROW_OK (normalised),
 * valid until the next intake_row_build(). */
const char *intake_row_ticket(const intake_row *self);

/* Parses a timestamp (formats above) into "YYYY-MM-DD HH:MM:SS+HH:MM".
 * 0, or -1 when s[0..len) is not one. */
int intake_parse_time(const char *s, size_t len, int utc_offset_min, char out[32]);

/* 1 if the NUL-terminated s looks like a number in Excel's scientific
 * notation ("1.23457E+17"), else 0. */
int intake_is_scientific(const char *s);

/* Frees the builder and sets *self to NULL. */
void intake_row_destroy(intake_row **self);

#endif
