/* cli_routing.h — loading the routing data (the data/routing files) into PostgreSQL.
 *
 * `jiesu migrate` calls this after the regions are seeded: department kinds
 * and one department unit per kind and loaded district, the category tree
 * with its terms and limits (data/categories/categories.csv, the one tree
 * intake's Open311 service list also reads), urgency levels, the hotline's category names and
 * the shipped gazetteer rows whose street is loaded. Each file is streamed
 * with COPY (CSV, header line) into a temporary table of text columns, each
 * row with its line, and upserted from there in one transaction, so a bad
 * row rolls everything back. A row is refused before any upsert in words
 * that name its file and line and say what to write: the file's shape by
 * cli_datafile.h, then what each field must hold and refer to (a category's
 * parent, a department kind, a street's community) by the step's checks. Gazetteer rows operators added
 * (`jiesu gazetteer add`) are never overwritten, and shipped rows an operator
 * removed or replaced (gazetteer_withdrawn) are not loaded again.
 */
#ifndef JIESU_CLI_ROUTING_H
#define JIESU_CLI_ROUTING_H

#include <libpq-fe.h>
#include <stddef.h>

typedef struct {
    long dept_units;        /* department units of the loaded districts */
    long categories;
    long aliases;
    long gazetteer;         /* shipped gazetteer rows whose street is loaded */
    long withdrawn;         /* shipped gazetteer rows left out: an operator removed or replaced them */
    long changed;           /* rows inserted or updated, all tables */
} cli_routing_stats;

/* Loads the files of dir. 0, or -1 in err with what is wrong and what to
 * do, in Chinese: "PATH 第 N 行：…" for a row a file must not hold. */
int cli_routing_load(PGconn *conn, const char *dir, cli_routing_stats *st, char *err, size_t errlen);

#endif
