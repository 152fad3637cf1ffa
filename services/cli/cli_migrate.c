/* cli_migrate.c — `jiesu migrate`: applies the numbered SQL migrations not yet
 * recorded, then loads the configured districts' regions and units
 * (cli_seed.c), the routing data (cli_routing.c) and the bundled official
 * holidays (calendar.dir, default <data.dir>/holidays, into table holidays:
 * days stored by an operator are kept). Every step is safe to repeat. It says
 * loudly when the calendar runs out (common/holidays.h).
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli_routing.h"
#include "cli_seed.h"
#include "db.h"
#include "holidays.h"

#define BUNDLED_SOURCE "bundled data/holidays"

/* Stores the bundled holiday files and says what the calendar holds. 0 or -1 (printed). */
static int load_holidays(cli_ctx *ctx, PGconn *pg)
{
    char dir[1024], err[1024] = "", warning[1024];
    holidays_day *days;
    size_t n;
    int files;
    snprintf(dir, sizeof dir, "%s/holidays", config_get(ctx->cfg, "data.dir", "data"));
    const char *from = config_get(ctx->cfg, "calendar.dir", dir);
    if (holidays_read_dir(from, &days, &n, &files, err, sizeof err) < 0) {
        cli_error("migrate: loading holidays: %s", err);
        return -1;
    }
    long changed = holidays_store(pg, days, n, BUNDLED_SOURCE, 0, err, sizeof err);
    free(days);
    if (changed < 0 || holidays_warning(pg, (int64_t)time(NULL),
                                        (int)config_get_long(ctx->cfg, "calendar.utc_offset_minutes", 480), warning,
                                        sizeof warning, err, sizeof err) < 0) {
        cli_error("migrate: loading holidays: %s", err);
        return -1;
    }
    printf("holidays: %zu days from %d files in %s (%ld rows new or changed)\n", n, files, from, changed);
    if (*warning)
        printf("WARNING: %s\n", warning);
    return 0;
}

int cli_migrate_main(cli_ctx *ctx, int argc, char **argv)
{
    char err[1024] = "", regions_dir[1024], routing_dir[1024];
    cli_seed_stats st;
    cli_routing_stats rt;
    int applied = 0;

    (void)argv;
    if (argc != 1) {
        fprintf(stderr, "usage: jiesu migrate\n");
        return 2;
    }
    PGconn *pg = cli_pg(ctx, 30000);
    if (!pg)
        return 1;
    const char *dir = config_get(ctx->cfg, "db.migrations_dir", "db/migrations");
    if (db_migrate(pg, dir, &applied) < 0) {
        cli_error("migrate: applying the migrations in %s failed%s%.*s", dir,
                  *PQerrorMessage(pg) ? ": " : "", CLI_PQ_MSG(pg));
        return 1;
    }
    printf("migrations: %d applied from %s\n", applied, dir);

    const char *districts = config_get(ctx->cfg, "regions.districts", "370212");
    snprintf(regions_dir, sizeof regions_dir, "%s/regions", config_get(ctx->cfg, "data.dir", "data"));
    if (cli_seed_regions(pg, regions_dir, districts, &st, err, sizeof err) < 0) {
        cli_error("migrate: loading regions: %s", err);
        return 1;
    }
    printf("regions %s: %ld district%s, %ld streets, %ld communities (%ld rows new or changed)\n",
           districts, st.districts, st.districts == 1 ? "" : "s", st.streets, st.communities,
           st.regions_changed);
    if (st.skipped > 0)
        printf("  %ld communities skipped: their street code is not in %s/streets.csv (renumbered by NBS)\n",
               st.skipped, regions_dir);
    printf("units: %ld street offices, campaign office, discipline inspection (%ld new or changed)\n",
           st.streets, st.units_changed);
    snprintf(routing_dir, sizeof routing_dir, "%s/routing", config_get(ctx->cfg, "data.dir", "data"));
    if (cli_routing_load(pg, routing_dir, &rt, err, sizeof err) < 0) {
        cli_error("migrate: loading routing data: %s", err);
        return 1;
    }
    printf("routing: %ld categories, %ld hotline category names, %ld department units, %ld gazetteer entries"
           " (%ld rows new or changed)\n", rt.categories, rt.aliases, rt.dept_units, rt.gazetteer, rt.changed);
    return load_holidays(ctx, pg) < 0 ? 1 : 0;
}
