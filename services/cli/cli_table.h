/* cli_table.h — aligned text tables for a terminal, by display width: the
 * tool's own and those a service sends (a view's, a document's).
 *
 * A Chinese character takes two columns on a terminal, a combining mark none:
 * aligning by bytes or by code points misaligns every row with a street name
 * in it. Cells are copied into the table; cli_table_destroy() frees them.
 */
#ifndef JIESU_CLI_TABLE_H
#define JIESU_CLI_TABLE_H

#include <stddef.h>
#include <stdio.h>

#include "jiesu.pb-c.h"

/* Columns a UTF-8 string takes on a terminal: 2 for East Asian wide and
 * full-width characters, 0 for combining marks, zero-width and control
 * characters, 1 otherwise (an invalid byte counts as 1). */
size_t cli_table_width(const char *s);

/* Writes s padded with spaces to `width` columns, on the left when right is 1. */
void cli_table_pad(FILE *out, const char *s, size_t width, int right);

typedef struct cli_table cli_table;

/* A table with ncols columns. align has one letter per column: 'l' or 'r'.
 * NULL when align does not have ncols letters, or out of memory. */
cli_table *cli_table_new(size_t ncols, const char *align);

/* Appends a row of ncols cells (NULL prints as empty). 0 or -1. */
int cli_table_add(cli_table *self, const char *const *cells);

/* Appends a rule: a line of dashes as wide as each column (above a total row). */
int cli_table_add_rule(cli_table *self);

/* Prints every row, columns separated by two spaces, no trailing blanks.
 * A rule row prints as dashes across each column. */
void cli_table_print(const cli_table *self, FILE *out);

void cli_table_destroy(cli_table **self);

/* Prints a table a service sent (a view's, a document's) to out: under its
 * title when titled, header and rows (or "  (none)"), or "column  value"
 * lines for a one-record table; an empty cell as "—", as the pages print it
 * (view_value). 0, or -1 when it is malformed (a row of the
 * wrong width) or memory ran out. */
int cli_table_print_reply(const Jiesu__Table *t, int titled, FILE *out);

#endif
