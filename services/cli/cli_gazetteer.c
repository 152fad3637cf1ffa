/* cli_gazetteer.c — `jiesu gazetteer`: administrators edit the road and
 * landmark gazetteer routing uses, through the assignment service
 * (route_gazetteer.h); dispatchers and administrators list it.
 *
 *   jiesu gazetteer add NAME STREET [--landmark] [--community COMMUNITY] [--numbers FROM-TO] [--replace]
 *   jiesu gazetteer remove NAME [--numbers FROM-TO]
 *   jiesu gazetteer restore NAME [--numbers FROM-TO]
 *   jiesu gazetteer list [TEXT]
 *
 * STREET is a street office's code or name. An entry whose numbers overlap
 * another of the same name is refused, naming it, unless --replace. A
 * shipped entry removed or replaced stays out (migrate does not load it
 * again) until restore puts it back. Each operation refuses an option it
 * does not use (remove --landmark, list --numbers) and a word too many.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "cli_args.h"

#define GAZETTEER_TRIES 1

static int usage(void)
{
    fprintf(stderr, "用法：jiesu gazetteer add 名称 街道 [--landmark] [--community 社区] [--numbers 起-止]"
                    " [--replace]\n"
                    "      jiesu gazetteer remove 名称 [--numbers 起-止]\n"
                    "      jiesu gazetteer restore 名称 [--numbers 起-止]   （恢复删去或替换的内置条目）\n"
                    "      jiesu gazetteer list [文字]   （文字：地名或街道办事处名称的一部分）\n"
                    "街道：街道办事处的代码或名称（`jiesu units 街道`）\n"
                    "社区：这个街道下辖的社区或村，写代码或名称（中韩社区居民委员会、中韩社区；`jiesu units 街道名` 列出）\n"
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

/* The operations, the words each takes (NAME, STREET; list's TEXT) and its options. */
static const struct {
    const char *op, *words, *opts;
    int         min, max;
} OPS[] = {
    {"add", "名称和街道", "--landmark --community --numbers --replace", 2, 2},
    {"remove", "名称", "--numbers", 1, 1},
    {"restore", "名称", "--numbers", 1, 1},
    {"list", "", "", 0, 1},
};

/* The words and options after operation k, the words into words[]. Their
 * count, or -1 after saying what is wrong. */
static int parse(int argc, char **argv, int k, Jiesu__GazetteerRequest *rq, char **words)
{
    char cmd[32];
    const char *numbers = NULL;
    int n = 0;
    snprintf(cmd, sizeof cmd, "gazetteer %s", OPS[k].op);
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-' && n < OPS[k].max)
            words[n++] = argv[i];
        else if (!cli_args_option(cmd, OPS[k].opts, a, ""))
            return -1;
        else if (strcmp(a, "--landmark") == 0)
            rq->kind = "landmark";
        else if (strcmp(a, "--replace") == 0)
            rq->replace = 1;
        else if (cli_args_value(cmd, argc, argv, &i, strcmp(a, "--numbers") == 0 ? &numbers : (const char **)&rq->community) < 0)
            return -1;
    }
    if (numbers && parse_numbers(numbers, rq) < 0) {
        cli_error("%s：--numbers 要写门牌号的范围 起-止，不是“%s”", cmd, numbers);
        return -1;
    }
    if (n < OPS[k].min) {
        cli_error("%s：要写%s", cmd, OPS[k].words);
        return -1;
    }
    return n;
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
    char *words[2] = {NULL, NULL};
    int k = -1, n = -1;
    for (size_t i = 0; argc >= 2 && i < sizeof OPS / sizeof OPS[0]; i++)
        if (strcmp(argv[1], OPS[i].op) == 0)
            k = (int)i;
    if (argc >= 2 && k < 0)
        cli_error("gazetteer：没有“%s”这个操作；有 add、remove、restore、list", argv[1]);
    rq.kind = "road";
    if (k < 0 || (n = parse(argc, argv, k, &rq, words)) < 0)
        return usage();
    if (strcmp(OPS[k].op, "list") == 0)
        return cli_view(ctx, "assignment", "gazetteer list", "gazetteer", words, n);
    rq.op = argv[1];
    rq.name = words[0];
    rq.street = n > 1 ? words[1] : "";
    return send_change(ctx, &rq);
}
