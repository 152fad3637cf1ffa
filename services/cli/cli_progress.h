/* cli_progress.h — a progress bar for `jiesu import` on a terminal.
 *
 * The import runs in the intake service; the CLI waits for its reply. While
 * it waits, a thread polls the imports row the intake commits after every
 * batch (rows read, bytes read) and redraws one line on stderr:
 *
 *   complaints.csv [##########----------]  48%  480,000 rows  95,012 rows/s  ETA 0:05
 *
 * The import is the first one of that file name with an id above the last
 * id before the request. The thread uses the PostgreSQL connection it is
 * given alone: the caller must not touch it until cli_progress_stop().
 */
#ifndef JIESU_CLI_PROGRESS_H
#define JIESU_CLI_PROGRESS_H

#include <libpq-fe.h>
#include <stdint.h>

typedef struct cli_progress cli_progress;

/* Starts showing the progress of the next import of file_name, whose size is
 * file_bytes. NULL (and nothing shown) when the bar cannot run. */
cli_progress *cli_progress_start(PGconn *pg, const char *file_name, uint64_t file_bytes);

/* Stops the thread, clears the line and sets *self to NULL. */
void cli_progress_stop(cli_progress **self);

#endif
