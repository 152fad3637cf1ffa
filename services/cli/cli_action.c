/* cli_action.c — what a unit (or the hotline) does with an order, through
 * the assignment service's "action.request":
 *
 *   jiesu accept   TICKET
 *   jiesu return   TICKET REASON
 *   jiesu progress TICKET NOTE
 *   jiesu wait     TICKET REASON
 *   jiesu resume   TICKET
 *   jiesu resolve  TICKET [NOTE]
 *   jiesu callback TICKET 满意|基本满意|不满意|未接通 [NOTE] (or satisfied|basic|unsatisfied|unreached)
 *   jiesu dispatch TICKET UNIT [REASON] [--category CATEGORY]   (routing's category corrected)
 *   jiesu handback TICKET REASON   (退回热线: not this district's business)
 *   jiesu extend   TICKET DUE REASON   (申请延期: DUE the new 办结 deadline, route_due.h)
 *   jiesu extension approve TICKET [NOTE] | reject TICKET REASON   (审核延期申请)
 *
 * Who acts is the owner of the key the command runs with (-k KEYFILE): a
 * handler acts for its own unit, which must hold the order; a dispatcher
 * dispatches and hands orders back to the hotline and decides the units' requests for more time; a callback
 * agent records callbacks (discipline inspection those of the conduct complaints it holds, and decides
 * their requests for more time). Nothing on the command
 * line can name another actor. Prints the order's new status, or the
 * service's reason for refusing.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#include "bus.h"
#include "cli_args.h"
#include "names.h"
#include "text.h"

#define ACTION_TRIES 2

typedef struct {
    const char *name;
    int         text_args;      /* positional arguments after TICKET */
    int         text_required;  /* how many of them are required */
    const char *need;           /* what the first of them is, as people call it */
    const char *usage;          /* its texts named as the workbench's forms name them (web_order.c) */
} action_cmd;

static const action_cmd CMDS[] = {
    {"accept", 0, 0, "", "accept 工单号"},
    {"return", 1, 1, "退回原因", "return 工单号 退回原因"},
    {"progress", 1, 1, "进展说明", "progress 工单号 进展说明"},
    {"wait", 1, 1, "暂缓原因", "wait 工单号 暂缓原因"},
    {"resume", 0, 0, "", "resume 工单号"},
    {"resolve", 1, 0, "", "resolve 工单号 [办结说明]"},
    {"callback", 2, 1, "回访结果", "callback 工单号 满意|基本满意|不满意|未接通 [回访记录]（不满意的工单重新办理；"
                                  "未接通的仍待回访，稍后再打）"},
    {"dispatch", 2, 1, "单位", "dispatch 工单号 单位 [派单说明或改派原因] [--category 分类]（改派须写改派原因；"
                               "--category 改正派单建议的分类，协办单位和时限随之；改的是单位手上的工单时也须写原因）"},
    {"handback", 1, 1, "退回热线的理由", "handback 工单号 退回热线的理由（非本区事项退回热线）"},
    {"extend", 2, 2, "新的办结时限和延期理由",
     "extend 工单号 新的办结时限 延期理由（时限写日期，如 2026-12-20，当天下班时到期；或日期和时间，"
     "如 \"2026-12-20 12:00\"）"},
    {"extension approve", 1, 0, "", "extension approve 工单号 [审核说明]"},
    {"extension reject", 1, 1, "驳回原因", "extension reject 工单号 驳回原因"},
};

/* The action a command asks of the assignment service: its name, or for
 * `extension approve|reject` extension_approve|extension_reject. */
static const char *action_of(const action_cmd *c, char buf[32])
{
    snprintf(buf, 32, "%s", c->name);
    for (char *sp = strchr(buf, ' '); sp; sp = strchr(sp, ' '))
        *sp = '_';
    return buf;
}

static const action_cmd *find_cmd(const char *name)
{
    for (size_t i = 0; i < sizeof CMDS / sizeof CMDS[0]; i++)
        if (strcmp(CMDS[i].name, name) == 0)
            return &CMDS[i];
    return NULL;
}

/* Splits argv (after the command name) into TICKET (normalised into
 * typed, as imports store numbers) and texts; a word starting with "--"
 * is an option, which only dispatch takes: --category CATEGORY (a text may
 * start with one "-").
 * 0, or -1 after saying what is wrong. */
static int parse(const action_cmd *c, int argc, char **argv, Jiesu__ActionRequest *rq, char typed[256])
{
    const char *text[2] = {"", ""};
    int ntext = 0;
    rq->ticket_no = NULL;
    const char *opts = strcmp(c->name, "dispatch") == 0 ? "--category" : "";
    for (int i = 1; i < argc; i++) {
        if (*opts && strcmp(argv[i], opts) == 0) {
            if (cli_args_value(c->name, argc, argv, &i, (const char **)&rq->category) < 0)
                return -1;
            continue;
        }
        if (strncmp(argv[i], "--", 2) == 0 || (rq->ticket_no && ntext == c->text_args)) {
            cli_args_option(c->name, opts, argv[i], "");
            return -1;
        }
        if (rq->ticket_no)
            text[ntext++] = argv[i];
        else if (!(rq->ticket_no = (char *)text_ticket(typed, 256, argv[i])))
            break;
    }
    if (!rq->ticket_no || ntext < c->text_required) {
        cli_error("%s：要写%s", c->name, !rq->ticket_no ? "工单号" : c->need);
        return -1;
    }
    if (strcmp(c->name, "callback") == 0) {
        if (!(rq->result = (char *)names_callback_result(text[0]))) {
            cli_error("callback：回访结果要写 满意、基本满意、不满意 或 未接通，不是“%s”", text[0]);
            return -1;
        }
        rq->reason = (char *)text[1];
    } else if (strcmp(c->name, "dispatch") == 0) {
        rq->unit_code = (char *)text[0];
        rq->reason = (char *)text[1];
    } else if (strcmp(c->name, "extend") == 0) {
        rq->due = (char *)text[0];
        rq->reason = (char *)text[1];
    } else {
        rq->reason = (char *)text[0];
    }
    return 0;
}

/* `extension approve|reject …`: its command, argv moved to the word after
 * extension; NULL after saying what to write. */
static const action_cmd *extension_cmd(int *argc, char ***argv)
{
    char name[32];
    const action_cmd *c = NULL;
    if (*argc >= 2 && strlen((*argv)[1]) < 10) {
        snprintf(name, sizeof name, "extension %s", (*argv)[1]);
        c = find_cmd(name);
    }
    if (!c) {
        cli_error("extension：要写 approve（批准）或 reject（驳回）%s%s%s", *argc >= 2 ? "，不是“" : "",
                  *argc >= 2 ? (*argv)[1] : "", *argc >= 2 ? "”" : "");
        fprintf(stderr, "用法：jiesu %s\n      jiesu %s\n", find_cmd("extension approve")->usage,
                find_cmd("extension reject")->usage);
        return NULL;
    }
    (*argc)--;
    (*argv)++;
    return c;
}

int cli_action_main(cli_ctx *ctx, int argc, char **argv)
{
    char what[512], err[1024], typed[256], action[32];
    Jiesu__Envelope *env = NULL;
    Jiesu__ActionReply *reply = NULL;
    const action_cmd *c = strcmp(argv[0], "extension") == 0 ? extension_cmd(&argc, &argv) : find_cmd(argv[0]);
    if (!c && strcmp(argv[0], "extension") == 0)
        return 2;
    Jiesu__ActionRequest rq = JIESU__ACTION_REQUEST__INIT;
    rq.action = c ? (char *)action_of(c, action) : argv[0];
    if (!c || parse(c, argc, argv, &rq, typed) != 0) {
        fprintf(stderr, "用法：jiesu %s\n", c ? c->usage : "操作 工单号 ...");
        return 2;
    }
    snprintf(what, sizeof what, "%s %s", c->name, rq.ticket_no);
    int timeout_ms = (int)(1000 * config_long(ctx->cfg, "cli.timeout_seconds"));
    if (cli_call(ctx, "assignment", what, "action.request", &rq.base, timeout_ms, ACTION_TRIES, 0, &env, err,
                 sizeof err) < 0)
        return 1;
    int rc = 1;
    if (strcmp(env->type, "action.reply") != 0 || !(reply = BUS_UNPACK(action_reply, env))) {
        cli_unexpected(what, "assignment", env->type, "action.reply");
        goto cleanup;
    }
    const char *status = names_status(reply->status);
    if (strncmp(reply->message, status, strlen(status)) == 0)  /* 已退回，重新派单: the status said once */
        printf("%s：%s\n", what, reply->message);
    else
        printf("%s：%s（%s）\n", what, status, reply->message);
    rc = 0;
cleanup:
    if (reply)
        jiesu__action_reply__free_unpacked(reply, NULL);
    jiesu__envelope__free_unpacked(env, NULL);
    return rc;
}
