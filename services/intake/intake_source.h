/* intake_source.h — the rows of an import file, whatever its format.
 *
 * A file starting with the zip signature "PK\3\4" is read as an XLSX workbook
 * (first sheet, xlsx_reader.h); anything else as CSV (csv_reader.h, encoding
 * detected). Either way each row comes out as a csv_record, so validation
 * (intake_row.h) does not care where it came from. For XLSX the record number
 * is the sheet's row number, and a row with a damaged cell (over the field
 * limit, past the column limit, naming a shared string the workbook lacks,
 * out of order) gets the status a CSV field would (CSV_ERR_FIELD_TOO_LONG,
 * CSV_ERR_TOO_MANY_FIELDS, ...; CSV_ERR_CELL where CSV has none) with the
 * reason in rec->why: the cell's reference, what is wrong, what to do. The
 * row is rejected, the rest of the sheet read on. A number its cell's style
 * shows as a date comes as the date and time it shows, 2019-05-10 14:56:53,
 * marked in rec->dates (its serial when it is no date of 1970-2099). The
 * reader's limits are the CSV reader's: max_field characters a cell,
 * max_fields columns, max_record bytes a row.
 */
#ifndef JIESU_INTAKE_SOURCE_H
#define JIESU_INTAKE_SOURCE_H

#include <stdint.h>

#include "csv_reader.h"
#include "intake_columns.h"

typedef struct intake_source intake_source;

/* Opens the rows of the file at path, already open as fd (borrowed, read
 * from its current offset for CSV): a workbook by the zip signature, an old
 * .xls by its own (refused, saying how to save it), else CSV. NULL with the
 * reason in why. */
intake_source *intake_source_open(int fd, const char *path, const csv_options *opt,
                                  char *why, size_t whylen);

/* Next row: 1 with *rec (valid until the next call), 0 at the end, -1 when
 * the file cannot be read on (intake_source_errstr() says why). */
int intake_source_read(intake_source *self, csv_record *rec);

const char *intake_source_errstr(const intake_source *self);

/* Why the file cannot be read on, as the clerk at door is told it: the
 * errstr, and for an encoding that could not be told (intake_source_unsure)
 * what to do: at the terminal the profile's encoding line, written by an
 * administrator or in a copy sent with --profile, or to save the file as
 * CSV UTF-8; on the page, to save it so or ask an administrator. */
void intake_source_explain_error(const intake_source *self, intake_door door, char *why, size_t whylen);

/* 1 when a CSV's reading failed because its encoding could not be told
 * (csv_reader_unsure): opened again with the encoding named, it reads. */
int intake_source_unsure(const intake_source *self);

/* "XLSX", or the CSV encoding detected so far ("UTF-8", "GB18030" ...). */
const char *intake_source_format(const intake_source *self);

/* Why a header record whose text cannot be read (CSV_ERR_ENCODING) cannot
 * be: where, in which encoding and why that one (profile names the profile
 * whose encoding key chose it, NULL when detected), and what to do, as the
 * clerk at door can: on the import page, a profile's encoding is the
 * administrator's to fix (intake_profile_say_broken). */
void intake_source_explain_header(const intake_source *self, const csv_record *rec, const char *profile,
                                  intake_door door, char *why, size_t whylen);

/* When the file's byte order mark overrode the encoding told by the encoding
 * key of profile (UTF-16 with a mark where it says utf-8 or gb18030, UTF-8
 * with one where it says gb18030): that the file was read as the mark says,
 * for the clerk. 1 with out filled, else 0. */
int intake_source_describe_marked(const intake_source *self, csv_encoding_choice told, const char *profile,
                                  char *out, size_t outlen);

/* What of the file is not read, for the clerk: a workbook's sheets after
 * the first, named, and how to import one. 1 with out filled, else 0. */
int intake_source_describe_unread(const intake_source *self, char *out, size_t outlen);

/* Bytes of the file read so far (CSV), 0 when unknown (XLSX). */
uint64_t intake_source_bytes(const intake_source *self);

/* The field limits in force. */
const csv_options *intake_source_options(const intake_source *self);

void intake_source_destroy(intake_source **self);

#endif
