/* main.c — jiesu, the operator's tool: global options, configuration and
 * dispatch to the subcommands (cli_<name>.c).
 *
 *   jiesu [-c FILE] [-k KEYFILE] COMMAND [ARGS...]     (jiesu --help, jiesu help: usage)
 *
 * Configuration comes from -c FILE, else the file named by $JIESU_CONFIG,
 * with every key overridable from the environment (see common/config.h).
 * Files it writes (bulletins) are its user's only, whatever the umask.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
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
    {"keys", cli_keys_main},
    {"user", cli_user_main},
    {"gazetteer", cli_gazetteer_main},
    {"holidays", cli_holidays_main},
    {"alerts", cli_alerts_main},
    {"ack", cli_ack_main},
    {"manual", cli_manual_main},
    {"units", cli_units_main},
    {"profiles", cli_profiles_main},
    {"dispatch", cli_action_main},
    {"accept", cli_action_main},
    {"return", cli_action_main},
    {"progress", cli_action_main},
    {"wait", cli_action_main},
    {"resume", cli_action_main},
    {"resolve", cli_action_main},
    {"callback", cli_action_main},
    {"learn", cli_learn_main},
    {"config", cli_config_main},
};

static void usage(FILE *out)
{
    fputs("usage: jiesu [-c FILE] [-k KEYFILE] COMMAND [ARGS...]\n"
          "\n"
          "commands:\n"
          "  import [--profile NAME|FILE.conf] [--dry-run] FILE...\n"
          "                          import hotline exports (CSV or XLSX) through the intake service;\n"
          "                          one summary line per file (rows, inserted, duplicates, rejected,\n"
          "                          the import profile), warnings before it; --dry-run shows the\n"
          "                          column mapping and the first rows as stored, storing nothing\n"
          "  profiles [NAME]         the import profiles (column names, dates, time zone), or one's text\n"
          "  report [streets] [--json] [--from YYYY-MM-DD] [--to YYYY-MM-DD]\n"
          "                          the per-street summary from the reporting service\n"
          "  daily [--date YYYY-MM-DD] [--json]\n"
          "                          the daily dispatch sheet per street (default today)\n"
          "  bulletin [--week last|this|YYYY-Www] (--out DIR | --json)\n"
          "                          the weekly bulletin (周通报) as CSV, XLSX and HTML: of last week\n"
          "                          (the default: a whole week, the one a bulletin is published for),\n"
          "                          of this week so far (--week this), or of an ISO week (2026-W47)\n"
          "  show TICKET             one order: complaint (personal data masked), routing decision\n"
          "                          and reasons, deadlines, alerts and its event history\n"
          "  status [--wait SECONDS] every service, Redis and PostgreSQL: ok or DOWN, with latency;\n"
          "                          --wait retries until all are up; warns when the holiday\n"
          "                          calendar runs out\n"
          "  alerts [--all] [--rung RUNG] [--limit N]\n"
          "                          alerts not yet acknowledged (--all: every one), newest first,\n"
          "                          with target, webhook delivery state and reason; RUNG: remind,\n"
          "                          supervise, accountability, repeat, rebound, bounce, unit_overdue\n"
          "  ack ID [NOTE]           acknowledge alert ID (addressed to your unit), as yourself\n"
          "  migrate                 apply db/migrations and the service role's grants (as the\n"
          "                          owner), load the regions and units of the districts in\n"
          "                          regions.districts and register the keys in keys.dir\n"
          "                          (the database owner's command: it runs SQL itself)\n"
          "  keys                    make the services' and the first administrator's key pairs in\n"
          "                          keys.dir (files only; existing ones are kept)\n"
          "  keys new FILE           a key pair of your own; prints the public key for an administrator\n"
          "  manual [--limit N]      the manual dispatch queue with routing's reasons\n"
          "  units [TEXT]            units by code and name (street offices, departments, offices)\n"
          "  dispatch TICKET UNIT [REASON]   give an order to a unit by hand: one waiting for a\n"
          "                          dispatcher, or one a unit holds (a reassignment: REASON required\n"
          "                          and recorded, the new unit's deadlines start now; never a\n"
          "                          resolved or closed order)\n"
          "  accept|resume TICKET, return|progress TICKET TEXT, wait|resolve TICKET [TEXT]\n"
          "                          a unit's action on its order (as the unit of the key's user)\n"
          "  callback TICKET satisfied|basic|unsatisfied [NOTE]\n"
          "                          the citizen's verdict; unsatisfied reopens the order\n"
          "  gazetteer add NAME STREET [--landmark] [--community CODE] [--numbers FROM-TO] [--replace]\n"
          "  gazetteer remove|restore NAME [--numbers FROM-TO]\n"
          "  gazetteer list [TEXT]   edit or show the road/landmark gazetteer routing uses; a shipped\n"
          "                          entry removed or replaced stays out until restored\n"
          "  user add|list|disable|enable|key|token|password ...\n"
          "                          who may act, with which role and unit (administrators; `jiesu user`\n"
          "                          prints the options)\n"
          "  learn [FILE]            train routing's text model from a labelled export (CSV or XLSX with\n"
          "                          content and category columns), or from the settled orders; prints\n"
          "                          its macro-F1 on a held-back fifth (administrators, dispatchers)\n"
          "  holidays [load FILE | add YYYY-MM-DD NAME --off|--work]\n"
          "                          the official holiday calendar (escalation service): days per\n"
          "                          year; administrators store the State Council's notice (holiday-cn\n"
          "                          JSON) or a day typed in; pending deadlines it changes are re-timed\n"
          "  config                  every configuration key: default, what is allowed, meaning\n"
          "  help                    this text\n"
          "\n"
          "configuration: -c FILE, else the file named by $JIESU_CONFIG (key = value lines,\n"
          "[section] headers); any key can be overridden as JIESU_<KEY> (pg.conninfo ->\n"
          "JIESU_PG_CONNINFO); an unknown key or a bad value stops here, naming it. `jiesu config`\n"
          "lists every key.\n"
          "exit status: 0 on success, 1 when anything failed, 2 on a usage error.\n",
          out);
}

int main(int argc, char **argv)
{
    char err[512] = "";
    const char *file = NULL, *key_file = NULL;
    int opt, rc = 2;
    cli_ctx ctx;
    static const struct option LONG[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};

    memset(&ctx, 0, sizeof ctx);
    umask(077);
    while ((opt = getopt_long(argc, argv, "+c:k:h", LONG, NULL)) != -1) {
        if (opt == 'c') {
            file = optarg;
        } else if (opt == 'k') {
            key_file = optarg;
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
    if (strcmp(name, "help") == 0) {
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
              : config_load_env_file(ctx.cfg, err, sizeof err)) < 0 ||
        config_check(ctx.cfg, err, sizeof err) < 0) {
        cli_error("configuration: %s", err);
        rc = 1;
        goto cleanup;
    }
    ctx.key_file = key_file ? key_file : config_str(ctx.cfg, "cli.key_file");
    log_init("jiesu", log_level_parse(config_str(ctx.cfg, "cli.log_level")));
    rc = cmd->run(&ctx, argc - optind, argv + optind);
cleanup:
    cli_ctx_close(&ctx);
    config_destroy(&ctx.cfg);
    return rc;
}
