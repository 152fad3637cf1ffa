/* cli_migrate.c — `jiesu migrate`: applies the numbered SQL migrations not yet
 * recorded, then loads the configured districts' regions and units
 * (cli_seed.c) and the routing data (cli_routing.c). Every step is safe to repeat.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#include "cli_routing.h"
#include "cli_seed.h"
#include "db.h"

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
    const char *keys_dir = config_get(ctx->cfg, "keys.dir", "var/keys");
    int keys = 0;
    if (cli_keys_register(pg, keys_dir, &keys, err, sizeof err) < 0) {
        cli_error("migrate: registering keys: %s", err);
        return 1;
    }
    printf("keys: %d public key%s registered from %s%s\n", keys, keys == 1 ? "" : "s", keys_dir,
           keys ? "" : " (none there: `jiesu keys` makes them)");
    return 0;
}
