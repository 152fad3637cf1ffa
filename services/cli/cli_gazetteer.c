/* cli_gazetteer.c — `jiesu gazetteer`: administrators edit the road and
 * landmark gazetteer routing uses, through the assignment service
 * (route_gazetteer.h); dispatchers and administrators list it.
 *
 *   jiesu gazetteer add NAME STREET [--landmark] [--community CODE] [--numbers FROM-TO] [--replace]
 *   jiesu gazetteer remove NAME [--numbers FROM-TO]
 *   jiesu gazetteer restore NAME [--numbers FROM-TO]
 *   jiesu gazetteer list [TEXT]
 *
 * STREET is a street office's code or name. An entry whose numbers overlap
 * another of the same name is refused, naming it, unless --replace. A
 * shipped entry removed or replaced stays out (migrate does not load it
 * again) until restore puts it back.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"

#define GAZETTEER_TRIES 1

static int usage(void)
{
    fprintf(stderr, "用法：jiesu gazetteer add 名称 街道 [--landmark] [--community 代码] [--numbers 起-止]"
                    " [--replace]\n"
                    "      jiesu gazetteer remove 名称 [--numbers 起-止]\n"
                    "      jiesu gazetteer restore 名称 [--numbers 起-止]   （恢复删去或替换的内置条目）\n"
                    "      jiesu gazetteer list [文字]   （文字：地名或街道办事处名称的一部分）\n"
                    "街道：街道办事处的代码或名称（`jiesu units 街道`）\n"
                    "起-止：门牌号的范围，如 --numbers 1-99（起不大于止，都是 0 到 1000000 之间的整数）\n");
    return 2;
}

/* "FROM-TO" into rq. 0 or -1. */
static int parse_numbers(const char *s, Jiesu__GazetteerRequest *rq)
{
    char *end;
    long a = strtol(s, &end, 10);
    if (end == s || *end != '-' || a < 0)
        return -1;
    const char *b_start = end + 1;
    long b = strtol(b_start, &end, 10);
    if (end == b_start || *end || b < a || b > 1000000)
        return -1;
    rq->has_numbers = 1;
    rq->num_from = (int32_t)a;
    rq->num_to = (int32_t)b;
    return 0;
}

/* The options after NAME [STREET]. 0, or -1 (usage). */
static int parse(int argc, char **argv, int first, Jiesu__GazetteerRequest *rq)
{
    for (int i = first; i < argc; i++) {
        if (strcmp(argv[i], "--landmark") == 0)
            rq->kind = "landmark";
        else if (strcmp(argv[i], "--replace") == 0)
            rq->replace = 1;
        else if (strcmp(argv[i], "--community") == 0 && i + 1 < argc)
            rq->community = argv[++i];
        else if (strcmp(argv[i], "--numbers") == 0 && i + 1 < argc && parse_numbers(argv[i + 1], rq) == 0)
            i++;
        else
            return -1;
    }
    return 0;
}

static int send_change(cli_ctx *ctx, Jiesu__GazetteerRequest *rq)
{
    char what[256], err[2048];
    Jiesu__Envelope *env = NULL;
    Jiesu__Done *done = NULL;
    snprintf(what, sizeof what, "gazetteer %s %s", rq->op, rq->name);
    int timeout_ms = (int)(1000 * config_long(ctx->cfg, "cli.timeout_seconds"));
    if (cli_call(ctx, "assignment", what, "gazetteer.request", &rq->base, timeout_ms, GAZETTEER_TRIES, 0, &env, err,
                 sizeof err) < 0)
        return 1;
    int rc = 1;
    if (strcmp(env->type, "done") != 0 || !(done = BUS_UNPACK(done, env))) {
        cli_unexpected(what, "assignment", env->type, "done");
    } else {
        printf("%s\n", done->message);
        rc = 0;
    }
    if (done)
        jiesu__done__free_unpacked(done, NULL);
    jiesu__envelope__free_unpacked(env, NULL);
    return rc;
}

int cli_gazetteer_main(cli_ctx *ctx, int argc, char **argv)
{
    Jiesu__GazetteerRequest rq = JIESU__GAZETTEER_REQUEST__INIT;
    if (argc >= 2 && strcmp(argv[1], "list") == 0 && argc <= 3)
        return cli_view(ctx, "assignment", "gazetteer list", "gazetteer", argv + 2, argc - 2);
    int add = argc >= 4 && strcmp(argv[1], "add") == 0;
    int remove = argc >= 3 && (strcmp(argv[1], "remove") == 0 || strcmp(argv[1], "restore") == 0);
    if ((!add && !remove) || argv[2][0] == '-' || (add && argv[3][0] == '-'))
        return usage();
    rq.op = argv[1];
    rq.name = argv[2];
    rq.street = add ? argv[3] : "";
    rq.kind = "road";
    if (parse(argc, argv, add ? 4 : 3, &rq) < 0 || (remove && (rq.replace || *rq.community)))
        return usage();
    return send_change(ctx, &rq);
}
