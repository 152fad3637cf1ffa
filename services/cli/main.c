/* main.c — jiesu, the operator's tool: global options, configuration and
 * dispatch to the subcommands (cli_<name>.c).
 *
 *   jiesu [-c FILE] COMMAND [ARGS...]
 *
 * Configuration comes from -c FILE, else the file named by $JIESU_CONFIG,
 * with every key overridable from the environment (see common/config.h).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "log.h"

typedef struct {
    const char *name;
    int (*run)(cli_ctx *ctx, int argc, char **argv);
} cli_command;

static const cli_command COMMANDS[] = {
    {"import", cli_import_main},
    {"report", cli_report_main},
    {"daily", cli_daily_main},
    {"bulletin", cli_bulletin_main},
    {"show", cli_show_main},
    {"status", cli_status_main},
    {"migrate", cli_migrate_main},
    {"gazetteer", cli_gazetteer_main},
    {"holidays", cli_holidays_main},
    {"alerts", cli_alerts_main},
    {"ack", cli_ack_main},
    {"manual", cli_manual_main},
    {"dispatch", cli_action_main},
    {"accept", cli_action_main},
    {"return", cli_action_main},
    {"progress", cli_action_main},
    {"wait", cli_action_main},
    {"resume", cli_action_main},
    {"resolve", cli_action_main},
    {"callback", cli_action_main},
};

static void usage(FILE *out)
{
    fputs("usage: jiesu [-c FILE] COMMAND [ARGS...]\n"
          "\n"
          "commands:\n"
          "  import FILE...          import hotline exports (CSV or XLSX) through the intake service;\n"
          "                          one summary line per file (rows, inserted, duplicates, rejected)\n"
          "  report [streets] [--json] [--from YYYY-MM-DD] [--to YYYY-MM-DD]\n"
          "                          the per-street summary from the reporting service\n"
          "  daily [--date YYYY-MM-DD] [--json]\n"
          "                          the daily dispatch sheet per street (default today)\n"
          "  bulletin [--week YYYY-Www] (--out DIR | --json)\n"
          "                          the weekly bulletin as CSV, XLSX and HTML (default last week)\n"
          "  show TICKET             one order: complaint (personal data masked), routing decision\n"
          "                          and reasons, deadlines, alerts and its event history\n"
          "  status [--wait SECONDS] every service, Redis and PostgreSQL: ok or DOWN, with latency;\n"
          "                          --wait retries until all are up; warns when the holiday\n"
          "                          calendar runs out\n"
          "  alerts [--all] [--rung RUNG] [--limit N]\n"
          "                          alerts not yet acknowledged (--all: every one), newest first,\n"
          "                          with target, webhook delivery state and reason\n"
          "  ack ID [--by NAME]      acknowledge alert ID\n"
          "  migrate                 apply db/migrations, then load the regions and units of the\n"
          "                          districts in regions.districts\n"
          "  manual [--limit N]      the manual dispatch queue with routing's reasons\n"
          "  dispatch TICKET UNIT [REASON]   give a manual order to a unit by hand\n"
          "  accept|resume TICKET, return|progress TICKET TEXT, wait|resolve TICKET [TEXT]\n"
          "                          a unit's action on its order (--unit CODE, --actor NAME)\n"
          "  callback TICKET satisfied|basic|unsatisfied [NOTE]\n"
          "                          the citizen's verdict; unsatisfied reopens the order\n"
          "  gazetteer add NAME STREET_CODE [--landmark] [--community CODE] [--numbers FROM-TO]\n"
          "  gazetteer list [NAME]   extend or show the road/landmark gazetteer routing uses\n"
          "  holidays [load FILE | add YYYY-MM-DD NAME --off|--work] [--actor NAME]\n"
          "                          the official holiday calendar (escalation service): days per\n"
          "                          year; store the State Council's notice (holiday-cn JSON) or a\n"
          "                          day typed in; pending deadlines it changes are re-timed\n"
          "  help                    this text\n"
          "\n"
          "configuration: -c FILE, else the file named by $JIESU_CONFIG (key = value lines,\n"
          "[section] headers); any key can be overridden as JIESU_<KEY> (pg.conninfo ->\n"
          "JIESU_PG_CONNINFO). Keys used here: pg.conninfo, redis.addr, <service>.router,\n"
          "data.dir, db.migrations_dir, regions.districts, report.timezone,\n"
          "cli.timeout_seconds (5), cli.import_timeout_seconds (1800), cli.log_level (warn).\n"
          "exit status: 0 on success, 1 when anything failed, 2 on a usage error.\n",
          out);
}

int main(int argc, char **argv)
{
    char err[512] = "";
    const char *file = NULL;
    int opt, rc = 2;
    cli_ctx ctx;

    memset(&ctx, 0, sizeof ctx);
    while ((opt = getopt(argc, argv, "+c:h")) != -1) {
        if (opt == 'c') {
            file = optarg;
        } else {
            usage(opt == 'h' ? stdout : stderr);
            return opt == 'h' ? 0 : 2;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return 2;
    }
    const char *name = argv[optind];
    if (strcmp(name, "help") == 0 || strcmp(name, "--help") == 0) {
        usage(stdout);
        return 0;
    }
    const cli_command *cmd = NULL;
    for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++)
        if (strcmp(COMMANDS[i].name, name) == 0)
            cmd = &COMMANDS[i];
    if (!cmd) {
        cli_error("unknown command '%s' (try `jiesu help`)", name);
        return 2;
    }

    ctx.cfg = config_new();
    if (!ctx.cfg) {
        cli_error("out of memory");
        return 1;
    }
    if ((file ? config_load_file(ctx.cfg, file, err, sizeof err)
              : config_load_env_file(ctx.cfg, err, sizeof err)) < 0) {
        cli_error("configuration: %s", err);
        rc = 1;
        goto cleanup;
    }
    log_init("jiesu", log_level_parse(config_get(ctx.cfg, "cli.log_level", "warn")));
    rc = cmd->run(&ctx, argc - optind, argv + optind);
cleanup:
    cli_ctx_close(&ctx);
    config_destroy(&ctx.cfg);
    return rc;
}
