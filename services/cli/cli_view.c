/* cli_view.c — the read commands: each asks a service for one of its views
 * ("view.request", common/view.h) with the operator's key and prints the
 * tables that come back. The service decides what this key's user may see
 * and masks personal data before it leaves; the tool only prints.
 *
 *   jiesu show TICKET                          one order (reporting)
 *   jiesu alerts [--all] [--rung RUNG] [--limit N]   alerts for your unit (reporting)
 *   jiesu manual [--limit N]                   the manual dispatch queue (reporting)
 *   jiesu units [TEXT]                         units, by code or name (reporting)
 *   jiesu audit [NAME] [--limit N]             what administrators changed, sign-ins (reporting)
 *   jiesu profiles [NAME]                      import profiles, or one's text (intake)
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "cli_table.h"
#include "names.h"
#include "text.h"
#include "view.h"

#define VIEW_TRIES 2

void cli_print_table(const Jiesu__Table *t, int titled)
{
    if (cli_table_print_reply(t, titled, stdout) < 0)
        cli_error("%s：收到的表格式不对", t->title);
}

int cli_view(cli_ctx *ctx, const char *svc, const char *what, const char *name, char **args, int nargs)
{
    char err[1024];
    Jiesu__Envelope *env = NULL;
    Jiesu__ViewReply *reply = NULL;
    Jiesu__ViewRequest rq = JIESU__VIEW_REQUEST__INIT;
    rq.name = (char *)name;
    rq.args = args;
    rq.n_args = (size_t)nargs;
    int timeout_ms = (int)(1000 * config_long(ctx->cfg, "cli.timeout_seconds"));
    if (cli_call(ctx, svc, what, "view.request", &rq.base, timeout_ms, VIEW_TRIES, 0, &env, err, sizeof err) < 0)
        return 1;
    int rc = 1;
    if (strcmp(env->type, "view.reply") != 0 || !(reply = BUS_UNPACK(view_reply, env))) {
        cli_unexpected(what, svc, env->type, "view.reply");
    } else {
        for (size_t i = 0; i < reply->n_tables; i++)
            cli_print_table(reply->tables[i], reply->n_tables > 1 && !reply->tables[i]->fields);
        if (*reply->note)
            printf("%s\n", reply->note);
        rc = 0;
    }
    if (reply)
        jiesu__view_reply__free_unpacked(reply, NULL);
    jiesu__envelope__free_unpacked(env, NULL);
    return rc;
}

/* ---- the commands ---- */

int cli_show_main(cli_ctx *ctx, int argc, char **argv)
{
    char what[160], typed[256];
    const char *ticket = argc == 2 ? text_ticket(typed, sizeof typed, argv[1]) : NULL;
    if (!ticket || ticket[0] == '-') {
        fprintf(stderr, "用法：jiesu show 工单号\n");
        return 2;
    }
    snprintf(what, sizeof what, "show %s", ticket);
    char *args[] = {(char *)ticket};
    return cli_view(ctx, "reporting", what, "order", args, 1);
}

/* The code of the rung named by rung (its Chinese name or its code), or NULL after saying which ones there are. */
static const char *rung_code(const char *rung)
{
    const char *code = names_alert_rung(rung);
    char all[256];
    if (!code) {
        names_alert_rungs_say(all, sizeof all);
        cli_error("alerts：没有“%s”这一级告警；级别有：%s", rung, all);
    }
    return code;
}

int cli_alerts_main(cli_ctx *ctx, int argc, char **argv)
{
    char *args[3] = {"", "", ""};       /* all, rung, limit */
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--all") == 0) {
            args[0] = "all";
        } else if (strcmp(argv[i], "--rung") == 0 && i + 1 < argc) {
            if (!(args[1] = (char *)rung_code(argv[++i])))
                return 2;
        } else if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc && cli_count(argv[i + 1], 1, VIEW_LIMIT_MAX) > 0) {
            args[2] = argv[++i];
        } else {
            fprintf(stderr, "用法：jiesu alerts [--all] [--rung 级别] [--limit 条数（1 到 %d）]\n", VIEW_LIMIT_MAX);
            return 2;
        }
    }
    return cli_view(ctx, "reporting", "alerts", "alerts", args, 3);
}

int cli_manual_main(cli_ctx *ctx, int argc, char **argv)
{
    char *args[1] = {""};
    if (argc == 3 && strcmp(argv[1], "--limit") == 0 && cli_count(argv[2], 1, VIEW_LIMIT_MAX) > 0)
        args[0] = argv[2];
    else if (argc != 1) {
        fprintf(stderr, "用法：jiesu manual [--limit 条数（1 到 %d）]\n", VIEW_LIMIT_MAX);
        return 2;
    }
    return cli_view(ctx, "reporting", "manual", "manual", args, 1);
}

int cli_units_main(cli_ctx *ctx, int argc, char **argv)
{
    if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
        fprintf(stderr, "用法：jiesu units [文字]    （列出代码或名称含这段文字的单位）\n");
        return 2;
    }
    return cli_view(ctx, "reporting", "units", "units", argv + 1, argc - 1);
}

int cli_audit_main(cli_ctx *ctx, int argc, char **argv)
{
    char *args[2] = {"", ""};       /* name, limit */
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc && cli_count(argv[i + 1], 1, VIEW_LIMIT_MAX) > 0) {
            args[1] = argv[++i];
        } else if (argv[i][0] != '-' && !*args[0]) {
            args[0] = argv[i];
        } else {
            fprintf(stderr, "用法：jiesu audit [用户名] [--limit 条数（1 到 %d）]    （只看此人做的和对此人做的）\n",
                    VIEW_LIMIT_MAX);
            return 2;
        }
    }
    return cli_view(ctx, "reporting", "audit", "audit", args, 2);
}

int cli_profiles_main(cli_ctx *ctx, int argc, char **argv)
{
    if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
        fprintf(stderr, "用法：jiesu profiles [模板名]\n");
        return 2;
    }
    return cli_view(ctx, "intake", "profiles", "profiles", argv + 1, argc - 1);
}
