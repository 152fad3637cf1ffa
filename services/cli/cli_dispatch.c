/* cli_dispatch.c — `jiesu manual`: the dispatcher's view of the manual dispatch queue, oldest first,
 * with why routing could not decide (rule, score, reasons), so a dispatcher
 * can give each order to a unit with `jiesu dispatch TICKET UNIT`. Reads
 * PostgreSQL directly.
 *
 *   jiesu manual [--limit N]
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char MANUAL_SQL[] =
    "SELECT c.ticket_no AS ticket, to_char(c.called_at AT TIME ZONE $2, 'YYYY-MM-DD HH24:MI') AS called,"
    "       left(c.address, 24) AS address, left(c.content, 30) AS content, coalesce(cat.name, '-') AS category,"
    "       c.returns, a.rule, to_char(a.score, 'FM0.00') AS score, a.reasons"
    "  FROM complaints c JOIN assignments a ON a.complaint_id = c.id AND a.active AND a.role = 'manual'"
    "  LEFT JOIN categories cat ON cat.code = c.category"
    " WHERE c.status = 'manual' ORDER BY c.called_at, c.id LIMIT $1::int";

int cli_manual_main(cli_ctx *ctx, int argc, char **argv)
{
    char limit[24] = "50";
    if (argc == 3 && strcmp(argv[1], "--limit") == 0 && atoi(argv[2]) > 0)
        snprintf(limit, sizeof limit, "%d", atoi(argv[2]));
    else if (argc != 1) {
        fprintf(stderr, "usage: jiesu manual [--limit N]\n");
        return 2;
    }
    PGconn *pg = cli_pg(ctx, 0);
    if (!pg)
        return 1;
    const char *params[] = {limit, config_get(ctx->cfg, "report.timezone", "Asia/Shanghai")};
    printf("manual dispatch queue (oldest first; give one to a unit with `jiesu dispatch TICKET UNIT`):\n");
    return cli_print_query(pg, "manual", "lllllrlrl", MANUAL_SQL, 2, params) == 0 ? 0 : 1;
}
