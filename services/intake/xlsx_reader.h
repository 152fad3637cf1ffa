/* xlsx_reader.h — the first worksheet of an XLSX workbook, row by row.
 *
 * An XLSX file is a zip of XML parts. This opens the zip (libzip), finds the
 * first sheet through xl/workbook.xml and its relationships, loads the shared
 * strings, and streams the sheet's XML (expat) so memory stays bounded by the
 * shared-string table, not by the number of rows.
 *
 * Hostile files are refused with a clear error: a zip member whose declared
 * size passes max_member_bytes or whose compression ratio passes max_ratio
 * (zip bomb), more decompressed bytes than declared, any DOCTYPE or entity
 * declaration (entity expansion), shared strings taking more than
 * max_shared_bytes of memory, XML that is not well-formed (the message names
 * the sheet row it broke in).
 *
 * A damaged cell does not stop the reading: its row comes out without it,
 * marked with what is wrong (xlsx_row_problem()), and the next rows follow.
 * Memory stays flat whatever the file holds: cells past max_columns and text
 * past max_row_bytes are not kept, and parsing pauses once the rows parsed
 * but not yet handed out take HELD_BYTES (xlsx_reader.c).
 */
#ifndef JIESU_XLSX_READER_H
#define JIESU_XLSX_READER_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t max_member_bytes;    /* default 2 GiB */
    uint32_t max_ratio;           /* default 200 */
    size_t   max_cell_bytes;      /* default 32767 * 4: Excel's cell limit in UTF-8 bytes */
    uint64_t max_shared_bytes;    /* default 512 MiB: the shared strings in memory, each
                                   * string's pointer and allocation counted */
    size_t   max_columns;         /* default 16384 (XFD): cells past it are not kept */
    size_t   max_row_bytes;       /* default 4 MiB of cell text in one row */
} xlsx_limits;

/* What is wrong with the first damaged cell of a row. The row still comes
 * out, without that cell's value; the cells after it are kept when they fit. */
typedef enum {
    XLSX_ROW_OK = 0,
    XLSX_CELL_TOO_LONG,     /* over max_cell_bytes, or names a shared string that is */
    XLSX_ROW_TOO_LONG,      /* the row's text passes max_row_bytes at this cell */
    XLSX_CELL_TOO_FAR,      /* past max_columns */
    XLSX_CELL_NO_STRING,    /* names a shared string the workbook does not have */
    XLSX_CELL_MISPLACED     /* not after the cell before it (out of order, twice, no column) */
} xlsx_problem;

typedef struct xlsx_reader xlsx_reader;

/* Opens path. lim may be NULL for the defaults. NULL with "path: reason" in err on failure. */
xlsx_reader *xlsx_open(const char *path, const xlsx_limits *lim, char *err, size_t errlen);

/* The same over a workbook in memory (data[0..len), borrowed until
 * xlsx_close()); messages name it "workbook". */
xlsx_reader *xlsx_open_buffer(const void *data, size_t len, const xlsx_limits *lim, char *err, size_t errlen);

/* Next non-empty row: 1 with *cells (ncells strings, "" for empty cells, owned
 * by the reader and valid until the next call) and *row_no (the sheet's 1-based
 * row number); 0 at the end; -1 on error (see xlsx_errstr()). */
int xlsx_next_row(xlsx_reader *self, char ***cells, size_t *ncells, long *row_no);

/* The problem of the row last handed out (XLSX_ROW_OK when none), with the
 * 0-based column of the cell at fault in *col. */
xlsx_problem xlsx_row_problem(const xlsx_reader *self, size_t *col);

/* 1 when cell col of the row last handed out is a number its style shows
 * as a date or a time (its text is then the serial day, 43595.6228). */
int xlsx_cell_is_date(const xlsx_reader *self, size_t col);

/* 1 when the workbook counts serial dates from 1904 (workbookPr date1904),
 * else 0. */
int xlsx_date1904(const xlsx_reader *self);

/* The workbook's number of sheets (only the first is read), the first's
 * name in *first and the others' in *others ("「统计」「说明」", as many whole
 * names as fit in 512 bytes). The strings belong to the reader. */
size_t xlsx_sheets(const xlsx_reader *self, const char **first, const char **others);

/* The letters of 0-based column col ("A", "AB", "XFD") into out. */
void xlsx_column_name(size_t col, char out[8]);

/* The last error, "" when none. */
const char *xlsx_errstr(const xlsx_reader *self);

void xlsx_close(xlsx_reader **self);

#endif
