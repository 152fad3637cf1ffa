/* cli_phone.c — `jiesu phone TICKET`: the caller's full phone number, for
 * whoever is to call the citizen back (the callback agent, the unit
 * handling the order, discipline inspection for the conduct complaints it
 * holds), through the reporting service's "phone.reveal". The service
 * decides and records the look in the order's history as the key's user;
 * `jiesu show` keeps the number masked.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#include "bus.h"
#include "cli_args.h"
#include "text.h"

#define PHONE_TRIES 1       /* each answer is recorded: not sent twice */

int cli_phone_main(cli_ctx *ctx, int argc, char **argv)
{
    char what[160], typed[256], err[1024];
    const char *ticket = NULL;
    Jiesu__Envelope *env = NULL;
    Jiesu__PhoneReply *reply = NULL;
    Jiesu__PhoneRequest rq = JIESU__PHONE_REQUEST__INIT;
    if (cli_args_words("phone", argc, argv, 1, 1, "工单号") < 0 || !(ticket = text_ticket(typed, sizeof typed, argv[1]))) {
        fprintf(stderr, "用法：jiesu phone 工单号   （来电人完整号码，打电话给来电人时用；每次查看都记入工单的处理记录）\n");
        return 2;
    }
    snprintf(what, sizeof what, "phone %s", ticket);
    rq.ticket_no = (char *)ticket;
    int timeout_ms = (int)(1000 * config_long(ctx->cfg, "cli.timeout_seconds"));
    if (cli_call(ctx, "reporting", what, "phone.reveal", &rq.base, timeout_ms, PHONE_TRIES, 0, &env, err,
                 sizeof err) < 0)
        return 1;
    int rc = 1;
    if (strcmp(env->type, "phone.reply") != 0 || !(reply = BUS_UNPACK(phone_reply, env))) {
        cli_unexpected(what, "reporting", env->type, "phone.reply");
    } else {
        printf("%s\n", reply->message);
        rc = 0;
    }
    if (reply)
        jiesu__phone_reply__free_unpacked(reply, NULL);
    jiesu__envelope__free_unpacked(env, NULL);
    return rc;
}
