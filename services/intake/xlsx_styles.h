/* xlsx_styles.h — which cell styles of a workbook show a number as a date
 * or a time, read from xl/styles.xml.
 *
 * A workbook keeps a date as a number, its serial day (43595.6228 for
 * 2019-05-10 14:56:53), and shows it as a date by the number format of the
 * cell's style: the cell's s attribute indexes the styles of <cellXfs>, each
 * naming a number format by numFmtId, a built-in one (14 to 22, 27 to 36,
 * 45 to 47, 50 to 58 show dates and times; the CJK ones among them as
 * Chinese Excel writes 2019年5月10日) or one of <numFmts> with its format
 * code (yyyy/m/d h:mm:ss). The reader adds what it parses, then asks.
 */
#ifndef JIESU_XLSX_STYLES_H
#define JIESU_XLSX_STYLES_H

typedef struct xlsx_styles xlsx_styles;

/* An empty table. NULL when out of memory. */
xlsx_styles *xlsx_styles_new(void);

/* An element of xl/styles.xml starts: its local name (without a namespace
 * prefix) and its numFmtId and formatCode attributes (NULL when absent):
 * a <numFmt> is noted, an <xf> inside <cellXfs> is the next cell style.
 * 0, or -1 out of memory. */
int xlsx_styles_start(xlsx_styles *self, const char *name, const char *numfmt_id, const char *format_code);

/* An element of xl/styles.xml ends (its local name). */
void xlsx_styles_end(xlsx_styles *self, const char *name);

/* 1 when a number in a cell of style index xf is shown as a date or time. */
int xlsx_styles_is_date(const xlsx_styles *self, long xf);

/* 1 when the format code shows a date or a time: y, m, d, h or s outside
 * quoted text, escaped characters and [colour] or [condition] brackets
 * ([h]:mm elapsed time counts), in its first section. */
int xlsx_styles_code_is_date(const char *code);

/* Frees the table and sets *self to NULL. */
void xlsx_styles_destroy(xlsx_styles **self);

#endif
