/* cli_rejects.h — an import's rejects file, fetched from the intake service
 * to the clerk's own machine ("rejects.fetch").
 *
 * Intake writes the rejected and repeated rows of an import on its machine;
 * the clerk may import from another one. After an import with such rows,
 * `jiesu import` fetches the file over the bus, a chunk of at most 1 MiB at
 * a time (memory stays flat however many rows were refused), into a new
 * file of the clerk's: beside the imported file (NAME.拒收明细.csv for
 * NAME.csv), or in the current directory when that directory cannot be
 * written. A file already there is never written over: the next free name
 * is taken (NAME.拒收明细-2.csv, …). The file is 0600 — it quotes callers'
 * names and phone numbers —, removed again when the fetch fails part way.
 * `jiesu import --rejects 导入编号` fetches it again, into the current
 * directory. Intake gives it only to the clerk who ran the import, or an
 * administrator (intake_fetch.h).
 */
#ifndef JIESU_CLI_REJECTS_H
#define JIESU_CLI_REJECTS_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"

/* Fetches import id's rejects file into a new file beside the file at
 * beside (NULL: in the current directory, named after the file intake
 * recorded). 0 with the new file's path in local; -1 after printing why. */
int cli_rejects_fetch(cli_ctx *ctx, int64_t id, const char *beside, char *local, size_t cap);

/* `jiesu import --rejects 导入编号`, id the number as typed. The exit status. */
int cli_rejects_main(cli_ctx *ctx, const char *id);

#endif
