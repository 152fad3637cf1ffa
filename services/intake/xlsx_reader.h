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
 * declaration (entity expansion), a cell longer than max_cell_bytes.
 */
#ifndef JIESU_XLSX_READER_H
#define JIESU_XLSX_READER_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t max_member_bytes;    /* default 2 GiB */
    uint32_t max_ratio;           /* default 200 */
    size_t   max_cell_bytes;      /* default 32767 * 4: Excel's cell limit in UTF-8 bytes */
    uint64_t max_shared_bytes;    /* default 512 MiB of shared-string text */
} xlsx_limits;

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

/* The last error, "" when none. */
const char *xlsx_errstr(const xlsx_reader *self);

void xlsx_close(xlsx_reader **self);

#endif
