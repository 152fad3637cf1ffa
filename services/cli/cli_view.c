/* cli_view.c — the read commands: each asks a service for one of its views
 * ("view.request", common/view.h) with the operator's key and prints the
 * tables that come back. The service decides what this key's user may see
 * and masks personal data before it leaves; the tool only prints.
 *
 *   jiesu show TICKET                          one order (reporting)
 *   jiesu alerts [--all] [--rung RUNG] [--limit N]   alerts for your unit (reporting)
 *   jiesu manual [--limit N]                   the manual dispatch queue (reporting)
 *   jiesu extensions [--limit N]               requests for more time: those to decide, or
 *                                              your unit's (reporting)
 *   jiesu units [TEXT]                         units, by code or name; one street office
 *                                              found, its communities too; no unit found,
 *                                              the communities of that name (reporting)
 *   jiesu audit [NAME] [--limit N]             what administrators changed, sign-ins (reporting)
 *   jiesu profiles [NAME]                      import profiles, or one's text (intake)
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "cli_args.h"
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
            cli_print_table(reply->tables[i],
                            (reply->n_tables > 1 || reply->tables[i]->titled) && !reply->tables[i]->fields);
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
    const char *ticket = NULL;
    if (cli_args_words("show", argc, argv, 1, 1, "工单号") < 0 || !(ticket = text_ticket(typed, sizeof typed, argv[1]))) {
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

/* The options of a list with --limit (opts names them all): each other's
 * value into *other, whether --all into *all, --limit's checked. 0, or -1
 * after saying what is wrong; words (up to one, into *word) when word is
 * not NULL. */
static int list_args(const char *cmd, const char *opts, int argc, char **argv, const char **word, const char **limit,
                     const char **other, int *all)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (word && a[0] != '-' && !*word)
            *word = a;
        else if (!cli_args_option(cmd, opts, a, ""))
            return -1;
        else if (strcmp(a, "--all") == 0)
            *all = 1;
        else if (cli_args_value(cmd, argc, argv, &i, strcmp(a, "--limit") == 0 ? limit : other) < 0)
            return -1;
    }
    return *limit && cli_args_number(cmd, "--limit", *limit, 1, VIEW_LIMIT_MAX, "（条数）") < 0 ? -1 : 0;
}

int cli_alerts_main(cli_ctx *ctx, int argc, char **argv)
{
    const char *limit = NULL, *rung = NULL;
    int all = 0;
    if (list_args("alerts", "--all --rung --limit", argc, argv, NULL, &limit, &rung, &all) < 0) {
        fprintf(stderr, "用法：jiesu alerts [--all] [--rung 级别] [--limit 条数（1 到 %d）]\n", VIEW_LIMIT_MAX);
        return 2;
    }
    char *args[3] = {all ? "all" : "", "", limit ? (char *)limit : ""};     /* all, rung, limit */
    if (rung && !(args[1] = (char *)rung_code(rung)))
        return 2;
    return cli_view(ctx, "reporting", "alerts", "alerts", args, 3);
}

/* A list whose only option is --limit (jiesu manual, jiesu extensions): the
 * view of that name from reporting. */
static int limited_list(cli_ctx *ctx, const char *name, int argc, char **argv)
{
    const char *limit = NULL;
    if (list_args(name, "--limit", argc, argv, NULL, &limit, NULL, NULL) < 0) {
        fprintf(stderr, "用法：jiesu %s [--limit 条数（1 到 %d）]\n", name, VIEW_LIMIT_MAX);
        return 2;
    }
    char *args[1] = {limit ? (char *)limit : ""};
    return cli_view(ctx, "reporting", name, name, args, 1);
}

int cli_manual_main(cli_ctx *ctx, int argc, char **argv)
{
    return limited_list(ctx, "manual", argc, argv);
}

int cli_extensions_main(cli_ctx *ctx, int argc, char **argv)
{
    return limited_list(ctx, "extensions", argc, argv);
}

int cli_units_main(cli_ctx *ctx, int argc, char **argv)
{
    if (cli_args_words("units", argc, argv, 0, 1, "") < 0) {
        fprintf(stderr, "用法：jiesu units [文字]    （列出代码或名称含这段文字的单位；其中只有一个街道办事处时，\n"
                        "      也列出它下辖的社区和村；没有这样的单位时，列出名称含它的社区和村及所属街道办事处）\n");
        return 2;
    }
    return cli_view(ctx, "reporting", "units", "units", argv + 1, argc - 1);
}

int cli_audit_main(cli_ctx *ctx, int argc, char **argv)
{
    const char *name = NULL, *limit = NULL;
    if (list_args("audit", "--limit", argc, argv, &name, &limit, NULL, NULL) < 0) {
        fprintf(stderr, "用法：jiesu audit [用户名] [--limit 条数（1 到 %d）]    （只看此人做的和对此人做的）\n",
                VIEW_LIMIT_MAX);
        return 2;
    }
    char *args[2] = {name ? (char *)name : "", limit ? (char *)limit : ""};      /* name, limit */
    return cli_view(ctx, "reporting", "audit", "audit", args, 2);
}

int cli_profiles_main(cli_ctx *ctx, int argc, char **argv)
{
    if (cli_args_words("profiles", argc, argv, 0, 1, "") < 0) {
        fprintf(stderr, "用法：jiesu profiles [模板名]\n");
        return 2;
    }
    return cli_view(ctx, "intake", "profiles", "profiles", argv + 1, argc - 1);
}
