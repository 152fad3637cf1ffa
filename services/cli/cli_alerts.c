/* cli_alerts.c — `jiesu alerts` lists alerts, `jiesu ack ID` acknowledges one.
 *
 *   jiesu alerts [--all] [--rung RUNG] [--limit N]
 *       newest first; without --all only those not acknowledged yet. Each
 *       row: id, time, rung, the order (ticket) or unit it is about, cycle,
 *       target unit, webhook delivery (state and attempts), acknowledgement,
 *       and the reason (personal numbers were masked when it was raised).
 *   jiesu ack ID [--by NAME]
 *       marks the alert acknowledged by NAME (default $USER); acknowledging
 *       one twice is refused and says by whom and when.
 * Both read and write PostgreSQL directly, so they work while services are
 * down. Times are shown in report.timezone (Asia/Shanghai).
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_table.h"
#include "db.h"

#define TIME_FMT "'MM-DD HH24:MI'"
#define DEFAULT_LIMIT "50"
#define COLS 9

static const char LIST_SQL[] =
    "SELECT a.id, to_char(a.created_at, " TIME_FMT "), a.rung,"
    "       coalesce(c.ticket_no, u.name, a.subject), a.cycle, coalesce(t.name, a.target),"
    "       coalesce((SELECT string_agg(d.state || '/' || d.attempts, ' ' ORDER BY d.id)"
    "                 FROM deliveries d WHERE d.alert_id = a.id), '-'),"
    "       coalesce(a.acked_by || ' ' || to_char(a.acked_at, " TIME_FMT "), '-'), a.reason"
    "  FROM alerts a LEFT JOIN complaints c ON c.id = a.complaint_id"
    "  LEFT JOIN units u ON u.id = a.unit_id LEFT JOIN units t ON t.id = a.target_unit_id"
    " WHERE ($1::bool OR a.acked_at IS NULL) AND ($2::text IS NULL OR a.rung = $2::text)"
    " ORDER BY a.id DESC LIMIT $3::int";

static const char *const HEADER[COLS] = {"id", "at", "rung", "about", "cycle", "target", "delivery", "acked",
                                         "reason"};

/* The acknowledgement goes into the order's history too (event 'acked'). */
static const char ACK_SQL[] =
    "WITH a AS ("
    "  UPDATE alerts SET acked_at = now(), acked_by = $2::text WHERE id = $1::bigint AND acked_at IS NULL"
    "  RETURNING id, complaint_id, rung, cycle"
    "), logged AS ("
    "  INSERT INTO complaint_events (complaint_id, actor, event, detail)"
    "  SELECT complaint_id, $2::text, 'acked', jsonb_build_object('alert_id', id, 'rung', rung, 'cycle', cycle)"
    "  FROM a WHERE complaint_id IS NOT NULL"
    ") SELECT id FROM a";

static const char ACKED_SQL[] =
    "SELECT coalesce(acked_by, ''), to_char(acked_at, 'YYYY-MM-DD HH24:MI') FROM alerts WHERE id = $1::bigint";

/* Sets the session time zone to report.timezone. 0 or -1 (printed). */
static int use_timezone(cli_ctx *ctx, PGconn *pg, const char *cmd)
{
    const char *tz[1] = {config_get(ctx->cfg, "report.timezone", "Asia/Shanghai")};
    PGresult *set = db_query(pg, "set timezone", "SELECT set_config('TimeZone', $1, false)", 1, tz);
    if (!set) {
        cli_error("%s: time zone '%s' (report.timezone): %.*s", cmd, tz[0], CLI_PQ_MSG(pg));
        return -1;
    }
    PQclear(set);
    return 0;
}

static int print_alerts(PGresult *res)
{
    cli_table *t = cli_table_new(COLS, "rlllrllll");
    const char *cells[COLS];
    int rc = t && cli_table_add(t, HEADER) == 0 ? 0 : -1;
    for (int r = 0; rc == 0 && r < PQntuples(res); r++) {
        for (int c = 0; c < COLS; c++)
            cells[c] = PQgetvalue(res, r, c);
        rc = cli_table_add(t, cells);
    }
    if (rc == 0)
        cli_table_print(t, stdout);
    else
        cli_error("alerts: out of memory");
    cli_table_destroy(&t);
    return rc;
}

int cli_alerts_main(cli_ctx *ctx, int argc, char **argv)
{
    const char *all = "false", *rung = NULL, *limit = DEFAULT_LIMIT;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--all") == 0) {
            all = "true";
        } else if (strcmp(argv[i], "--rung") == 0 && i + 1 < argc) {
            rung = argv[++i];
        } else if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc && atoi(argv[i + 1]) > 0) {
            limit = argv[++i];
        } else {
            fprintf(stderr, "usage: jiesu alerts [--all] [--rung RUNG] [--limit N]\n");
            return 2;
        }
    }
    PGconn *pg = cli_pg(ctx, 0);
    if (!pg || use_timezone(ctx, pg, "alerts") < 0)
        return 1;
    const char *params[] = {all, rung, limit};
    PGresult *res = db_query(pg, "list alerts", LIST_SQL, 3, params);
    if (!res) {
        cli_error("alerts: %.*s", CLI_PQ_MSG(pg));
        return 1;
    }
    int rc = PQntuples(res) ? print_alerts(res) : (printf("no %salerts\n", *all == 't' ? "" : "open "), 0);
    PQclear(res);
    return rc < 0 ? 1 : 0;
}

/* Says why alert id could not be acknowledged. */
static void explain_refusal(PGconn *pg, const char *id)
{
    const char *params[] = {id};
    PGresult *res = db_query(pg, "read alert", ACKED_SQL, 1, params);
    if (res && PQntuples(res) == 1)
        cli_error("ack: alert %s was already acknowledged by %s at %s", id, PQgetvalue(res, 0, 0),
                  PQgetvalue(res, 0, 1));
    else if (res)
        cli_error("ack: no alert with id %s (see `jiesu alerts --all`)", id);
    else
        cli_error("ack %s: %.*s", id, CLI_PQ_MSG(pg));
    PQclear(res);
}

int cli_ack_main(cli_ctx *ctx, int argc, char **argv)
{
    const char *by = getenv("USER");
    char *end = NULL;
    if (argc == 4 && strcmp(argv[2], "--by") == 0 && *argv[3])
        by = argv[3];
    else if (argc != 2)
        argv[1] = NULL;
    if (!argv[1] || strtoll(argv[1], &end, 10) <= 0 || *end) {
        fprintf(stderr, "usage: jiesu ack ID [--by NAME]   (ID: a number from `jiesu alerts`)\n");
        return 2;
    }
    PGconn *pg = cli_pg(ctx, 0);
    if (!pg || use_timezone(ctx, pg, "ack") < 0)
        return 1;
    const char *params[] = {argv[1], by && *by ? by : "operator"};
    PGresult *res = db_query(pg, "acknowledge alert", ACK_SQL, 2, params);
    int ok = res && PQntuples(res) == 1;
    if (ok)
        printf("alert %s acknowledged by %s\n", argv[1], params[1]);
    else
        explain_refusal(pg, argv[1]);
    PQclear(res);
    return ok ? 0 : 1;
}
