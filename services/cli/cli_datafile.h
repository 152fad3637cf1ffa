/* cli_datafile.h — the shape of a CSV data file `jiesu migrate` loads with
 * COPY (data/routing, data/categories), checked before PostgreSQL reads it,
 * so a file a person edited by hand is refused in words that name its line
 * and say what to write there, not in PostgreSQL's English after the whole
 * load was rolled back: the header is the expected one, every line has as
 * many fields as the header, a quoted field ends on its own line, no line
 * is blank, the text is UTF-8. What the fields hold is checked after COPY,
 * by the loader (cli_routing.c), against the rows and tables it refers to.
 */
#ifndef JIESU_CLI_DATAFILE_H
#define JIESU_CLI_DATAFILE_H

#include <stddef.h>

/* The step every refusal of a data file ends with. */
#define CLI_DATAFILE_FIX "改正后再运行 jiesu migrate"

/* Checks the file at path against header ("code,name": the column names in
 * order). 0, or -1 with "PATH 第 N 行：what is wrong：what to do" in err. */
int cli_datafile_check(const char *path, const char *header, char *err, size_t errlen);

#endif
