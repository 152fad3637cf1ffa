/* csv_reader.h — a streaming RFC 4180 CSV reader in constant memory.
 *
 * Reads records one at a time from a file descriptor or a FILE*: quoted fields,
 * doubled quotes, delimiters and line breaks (CRLF, LF or CR) inside quotes.
 * Blank lines are skipped. Each record carries its record number (the header is
 * record 1, so it equals the row number a spreadsheet shows) and the physical
 * line it starts on, for messages.
 *
 * Encoding is detected while reading (csv_decode.h): a UTF-8 byte order mark
 * is stripped, UTF-8 is passed through, UTF-16 with its mark is converted
 * from it, anything else from GB18030 / GBK; every field comes out as UTF-8.
 *
 * Bad records do not stop the reader: a field over the size limit, a record
 * over the byte limit, too many fields, or text that is not valid UTF-8
 * (bytes GB18030 cannot decode, half a surrogate pair or an odd last byte of
 * UTF-16, NUL bytes, which are kept in the field so a message can say where)
 * set the record's status and the index of the field concerned; the reader
 * still consumes the record to its end and goes on with the next one. So a record with status CSV_OK has every field valid UTF-8
 * without NULs.
 *
 * Fields are separated by commas, or by tabs or semicolons in a file whose
 * header line has more of them than commas (csv_options.delimiter).
 *
 * Quotes: a quoted field may hold line breaks (RFC 4180; what Excel writes
 * for a cell of several lines) and "" for a quote. A stray quote must not
 * swallow the rows after it, so a quoted field that runs over a line break
 * is broken when its closing quote is followed by anything but the
 * delimiter, a line break or the end of input (CSV_ERR_UNPAIRED_QUOTE), when
 * it runs past max_record bytes (the same), or when the input ends inside it
 * (CSV_ERR_UNTERMINATED_QUOTE). Such a record ends at that field, cut to the
 * field's first line, with quote_line set; the reader then goes back to the
 * line after the quote's and reads on from there, so the rows the quote
 * swallowed come out as records of their own. (To go back it keeps the input
 * from that line on while the field lasts: at most max_record bytes.) On a
 * single line a quoted field with text after its closing quote is read
 * leniently: "q"rest gives qrest. A quoted field still open at the end of
 * input on its own line is CSV_ERR_UNTERMINATED_QUOTE too, with cut set. So
 * is one over line breaks when the input ends neither after a line break nor
 * after a line with as many delimiters as the header: a file cut short
 * inside a cell of several lines, whose lines are that cell's, not rows, and
 * are not read again.
 *
 * Memory is bounded by the options: one read buffer, one record, and for
 * going back twice max_record bytes at most.
 */
#ifndef JIESU_CSV_READER_H
#define JIESU_CSV_READER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "csv_decode.h"

typedef enum {
    CSV_OK = 0,
    CSV_ERR_FIELD_TOO_LONG,     /* a field has more than max_field characters */
    CSV_ERR_RECORD_TOO_LONG,    /* the record has more than max_record bytes */
    CSV_ERR_TOO_MANY_FIELDS,    /* more than max_fields fields */
    CSV_ERR_UNTERMINATED_QUOTE, /* a quoted field still open at the end of input */
    CSV_ERR_ENCODING,           /* invalid UTF-8, undecodable GB18030 or UTF-16, or a NUL byte */
    CSV_ERR_UNPAIRED_QUOTE,     /* a quoted field over line breaks that does not end right */
    CSV_ERR_CELL                /* a workbook cell that cannot be read (intake_source.h) */
} csv_status;

typedef struct {
    size_t read_size;   /* bytes per read; 0 → 64 KiB (tests use tiny sizes) */
    size_t max_field;   /* characters per field; 0 → 32767 (an Excel cell) */
    size_t max_fields;  /* fields per record; 0 → 1024 */
    size_t max_record;  /* bytes per record; 0 → 4 MiB */
    char   delimiter;   /* 0 → the header line's: of '\t', ';' and ',', the one it has
                           most of outside quotes (a .tsv or .txt; Europe's CSV), ',' on a tie */
    csv_encoding_choice encoding;   /* CSV_DETECT (0), or the encoding the file is known to have */
} csv_options;

typedef struct {
    size_t              nfields;
    const char *const  *fields;     /* NUL-terminated; owned by the reader */
    const size_t       *lens;       /* byte lengths of fields */
    uint64_t            record_no;  /* 1-based; the header is record 1 */
    uint64_t            line_no;    /* physical line the record starts on, 1-based */
    csv_status          status;
    size_t              bad_field;  /* field the status is about (when not CSV_OK);
                                       max_fields for CSV_ERR_TOO_MANY_FIELDS */
    uint64_t            quote_line; /* CSV_ERR_UNPAIRED_QUOTE, CSV_ERR_UNTERMINATED_QUOTE:
                                       the line that field's quote opened on (else 0) */
    int                 cut;        /* the input ended inside this record, before a line
                                       break: the last record of a file cut short, or of
                                       one whose last line has no line break */
    const char         *why;        /* NULL, or what is wrong with field bad_field in the
                                       source's own words, in Chinese (a workbook's: the
                                       cell and how to mend it); set by intake_source.c only */
    int                 date1904;   /* from a workbook whose serial dates count from 1904
                                       (intake_source.c): read with DATES_1904 */
    const unsigned char *dates;     /* NULL, or per field: 1 for a workbook's cell showing its
                                       number as a date, written as the date and time it shows,
                                       2019-05-10 14:56:53 (intake_source.c) */
    csv_encoding        encoding;   /* what the record's text was read from (CSV_ENC_UTF8
                                       for a workbook's): which a CSV_ERR_ENCODING is of */
} csv_record;

typedef struct csv_reader csv_reader;

/* A reader over fd (borrowed, not closed). opt may be NULL for defaults.
 * Returns NULL only when out of memory. */
csv_reader *csv_reader_new(int fd, const csv_options *opt);

/* The same over a FILE* (borrowed, not closed). */
csv_reader *csv_reader_new_file(FILE *fp, const csv_options *opt);

/* Reads the next record into *rec; its strings stay valid until the next call.
 * Returns 1 for a record, 0 at the end of input, -1 on a read or conversion
 * failure (csv_reader_errstr() says why; the reader cannot go on). */
int csv_read(csv_reader *self, csv_record *rec);

/* The encoding detected so far (CSV_ENC_UTF8 while only ASCII was seen). */
csv_encoding csv_reader_encoding(const csv_reader *self);

/* 1 when reading failed on an encoding detection could not settle
 * (csv_decoder_unsure): the same file reads with the encoding told. */
int csv_reader_unsure(const csv_reader *self);

/* A short description of a record status, in Chinese ("字段太长" ...). */
const char *csv_status_text(csv_status status);

/* Where field col of a CSV_ERR_ENCODING record goes wrong: the 1-based
 * character at which its bytes stop being UTF-8 or its first NUL byte,
 * whichever comes first (*nul says which); 0 when neither is in it. */
size_t csv_field_bad_char(const csv_record *rec, size_t col, int *nul);

/* Replaces the zero sizes and limits in *opt by the defaults above; a zero
 * delimiter or encoding stays, for the file to tell as it is read. */
void csv_options_fill(csv_options *opt);

/* The limits in force (defaults filled in). */
const csv_options *csv_reader_options(const csv_reader *self);

/* Raw input bytes read so far (for progress). */
uint64_t csv_reader_bytes(const csv_reader *self);

/* The reason of the last -1 from csv_read(), "" when none. */
const char *csv_reader_errstr(const csv_reader *self);

/* Frees the reader (not its input) and sets *self to NULL. */
void csv_reader_destroy(csv_reader **self);

#endif
