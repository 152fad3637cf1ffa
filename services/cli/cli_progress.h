/* cli_progress.h — a progress bar for `jiesu import` on a terminal.
 *
 * The file goes to the intake service in chunks, then intake imports it and
 * reports after every batch it commits ("import.progress"). The import
 * command feeds both here and one line on stderr is redrawn, at most five
 * times a second:
 *
 *   complaints.csv  发送中 [#######-------------]  35%  78.2 MB/秒
 *   complaints.csv [##########----------]  48%  480,000 行  95,012 行/秒  还需 0:05
 */
#ifndef JIESU_CLI_PROGRESS_H
#define JIESU_CLI_PROGRESS_H

#include <stdint.h>

typedef struct cli_progress cli_progress;

/* A bar for file_name of file_bytes bytes. NULL (and nothing shown) when out of memory. */
cli_progress *cli_progress_new(const char *file_name, uint64_t file_bytes);

/* bytes of the file sent so far. */
void cli_progress_sent(cli_progress *self, uint64_t bytes);

/* The import has read bytes of the file and rows rows. */
void cli_progress_imported(cli_progress *self, uint64_t bytes, int64_t rows);

/* Clears the line and frees; sets *self to NULL. */
void cli_progress_destroy(cli_progress **self);

#endif
