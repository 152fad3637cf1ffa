/* cli_ack.c — `jiesu ack ID [NOTE]`: acknowledge an alert addressed to
 * your unit, through the escalation service's "alert.ack". The service
 * records you (the owner of the key) as who acknowledged it, in the alert
 * and in the order's history; `jiesu alerts` (cli_view.c) lists yours.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "cli_args.h"

#define ACK_TRIES 2

int cli_ack_main(cli_ctx *ctx, int argc, char **argv)
{
    char what[64], err[1024], *end = NULL;
    Jiesu__Envelope *env = NULL;
    Jiesu__AckReply *reply = NULL;
    Jiesu__AckRequest rq = JIESU__ACK_REQUEST__INIT;
    int words = cli_args_words("ack", argc, argv, 1, 2, "告警编号");
    if (words == 0 && ((rq.alert_id = strtoll(argv[1], &end, 10)) <= 0 || *end))
        cli_error("ack：告警编号是 `jiesu alerts` 列出的正整数，不是“%s”", argv[1]);
    if (words < 0 || rq.alert_id <= 0 || *end) {
        fprintf(stderr, "用法：jiesu ack 编号 [处理说明]   （编号：`jiesu alerts` 列出的告警编号）\n");
        return 2;
    }
    rq.note = argc == 3 ? argv[2] : "";
    snprintf(what, sizeof what, "ack %s", argv[1]);
    int timeout_ms = (int)(1000 * config_long(ctx->cfg, "cli.timeout_seconds"));
    if (cli_call(ctx, "escalation", what, "alert.ack", &rq.base, timeout_ms, ACK_TRIES, 0, &env, err, sizeof err) < 0)
        return 1;
    int rc = 1;
    if (strcmp(env->type, "alert.acked") != 0 || !(reply = BUS_UNPACK(ack_reply, env))) {
        cli_unexpected(what, "escalation", env->type, "alert.acked");
    } else {
        printf("%s\n", reply->message);
        rc = 0;
    }
    if (reply)
        jiesu__ack_reply__free_unpacked(reply, NULL);
    jiesu__envelope__free_unpacked(env, NULL);
    return rc;
}
