/* cli_seed.h — loading the configured districts' regions and units into PostgreSQL.
 *
 * Reads the NBS code lists shipped in data/regions ({districts,streets,
 * communities}.csv: plain comma-separated, no quoted fields, one header line)
 * and upserts the rows of the configured districts into `regions`, then makes
 * one unit per street office plus the district's campaign office ('campaign')
 * and discipline inspection ('discipline'). Idempotent: a second run changes
 * nothing and reports zero changed rows.
 */
#ifndef JIESU_CLI_SEED_H
#define JIESU_CLI_SEED_H

#include <libpq-fe.h>
#include <stddef.h>

typedef struct {
    long districts, streets, communities;   /* rows of the configured districts read */
    long regions_changed;                   /* regions rows inserted or updated */
    long units_changed;                     /* units rows inserted or updated */
    long skipped;                           /* communities whose street is not in streets.csv */
    char district_names[256];               /* the districts read, by name: "崂山区、市南区" */
} cli_seed_stats;

/* Seeds the districts in `districts` (comma list of 6-digit NBS codes) from the
 * CSV files in dir, in one transaction. 0, or -1 in err with what is wrong
 * and what to do, in Chinese: "PATH 第 N 行：…" for a file's line, or the
 * database's reason after what failed. */
int cli_seed_regions(PGconn *conn, const char *dir, const char *districts,
                     cli_seed_stats *st, char *err, size_t errlen);

/* Writes the short form of a region name into dst: the official suffix
 * stripped (街道办事处/街道/镇/乡 for streets; 社区居民委员会/社区居委会/
 * 居民委员会/村民委员会/村委会/居委会/社区 for communities; 区/县/市 for
 * districts), unless fewer than 2 characters would be left. level is
 * "district", "street" or "community". */
void cli_seed_short_name(char *dst, size_t cap, const char *name, const char *level);

#endif
