/* cli_show.c — `jiesu show TICKET`: one order as the database has it — the
 * complaint (caller's name and phone masked), its current assignment with the
 * routing rule, reasons and score, its deadlines each with its true state
 * (met on time or late, paused, overdue or pending, in working time on the
 * official calendar, by the escalation clock), its alerts and its event
 * history in order. Reads PostgreSQL directly, so it works while services
 * are down. Times are shown in report.timezone (Asia/Shanghai).
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_deadline.h"
#include "cli_table.h"
#include "db.h"
#include "holidays.h"
#include "text.h"

#define TIME_FMT "'YYYY-MM-DD HH24:MI'"

static const char SHOW_COMPLAINT_SQL[] =
    "SELECT id, ticket_no, status, to_char(called_at, " TIME_FMT "), caller_name, caller_phone,"
    "       address, content, coalesce(category_raw, ''), coalesce(urgency, ''),"
    "       coalesce(import_id::text, ''), coalesce(source_row::text, ''), to_char(updated_at, " TIME_FMT "),"
    "       coalesce(category, ''), cycle, returns"
    "  FROM complaints WHERE ticket_no = $1";
enum { F_ID, F_TICKET, F_STATUS, F_CALLED, F_NAME, F_PHONE, F_ADDRESS, F_CONTENT, F_CATEGORY,
       F_URGENCY, F_IMPORT, F_ROW, F_UPDATED, F_DECIDED, F_CYCLE, F_RETURNS };

typedef struct {
    const char *heading;
    const char *align;
    const char *sql;        /* $1 = the complaint id */
    int (*print)(cli_ctx *ctx, PGconn *pg, const char *sql, const char *id);    /* NULL: the rows as they are */
} show_section;

static int print_deadlines(cli_ctx *ctx, PGconn *pg, const char *sql, const char *id);

static const show_section SECTIONS[] = {
    {"assignment (owner, co-handler; the reasons are routing's)", "llllrll",
     "SELECT a.role, coalesce(u.name || ' (' || u.code || ')', '-') AS unit,"
     "       coalesce(rc.name, rs.name, '') AS place, a.rule,"
     "       to_char(a.score, 'FM0.00') AS score, to_char(a.created_at, " TIME_FMT ") AS at,"
     "       a.reasons"
     "  FROM assignments a LEFT JOIN units u ON u.id = a.unit_id"
     "  LEFT JOIN regions rs ON rs.code = a.street_code LEFT JOIN regions rc ON rc.code = a.community_code"
     " WHERE a.complaint_id = $1 AND a.active ORDER BY a.id"},
    {"earlier assignments (returned, reopened or dispatched again)", "lrllll",
     "SELECT a.role, a.cycle, coalesce(u.name || ' (' || u.code || ')', '-') AS unit, a.rule,"
     "       to_char(a.created_at, " TIME_FMT ") AS at, a.reasons"
     "  FROM assignments a LEFT JOIN units u ON u.id = a.unit_id"
     " WHERE a.complaint_id = $1 AND NOT a.active ORDER BY a.id"},
    {"deadlines", "lrlll",
     "SELECT kind, cycle, to_char(due_at, " TIME_FMT "), coalesce(to_char(met_at, " TIME_FMT "), ''),"
     "       extract(epoch FROM due_at)::bigint, coalesce(extract(epoch FROM met_at)::bigint, 0),"
     "       coalesce(extract(epoch FROM paused_at)::bigint, 0), coalesce(to_char(paused_at, " TIME_FMT "), ''),"
     "       extract(epoch FROM esc_now())::bigint, coalesce(rung_next, '')"
     "  FROM deadlines WHERE complaint_id = $1 ORDER BY cycle, due_at",
     print_deadlines},
    {"alerts", "lllrlll",
     "SELECT to_char(al.created_at, " TIME_FMT ") AS at, al.rung, coalesce(u.name, '-') AS unit,"
     "       al.cycle, al.target,"
     "       coalesce('acked ' || to_char(al.acked_at, " TIME_FMT ") || ' by ' || al.acked_by, 'not acked') AS ack,"
     "       al.reason"
     "  FROM alerts al LEFT JOIN units u ON u.id = al.unit_id"
     " WHERE al.complaint_id = $1 ORDER BY al.id"},
    {"history", "llll",
     "SELECT to_char(at, 'YYYY-MM-DD HH24:MI:SS') AS at, actor, event, detail::text AS detail"
     "  FROM complaint_events WHERE complaint_id = $1 ORDER BY id"},
};

int cli_print_query(PGconn *pg, const char *label, const char *align, const char *sql, int nparams,
                    const char *const *params)
{
    PGresult *res = db_query(pg, label, sql, nparams, params);
    cli_table *t = NULL;
    int rc = -1;

    if (!res) {
        cli_error("%s: %.*s", label, CLI_PQ_MSG(pg));
        return -1;
    }
    int rows = PQntuples(res), cols = PQnfields(res);
    if (rows == 0) {
        printf("  (none)\n");
        rc = 0;
        goto cleanup;
    }
    const char *cells[16];
    if (cols > 16 || !(t = cli_table_new((size_t)cols, align)))
        goto cleanup;
    for (int c = 0; c < cols; c++)
        cells[c] = PQfname(res, c);
    if (cli_table_add(t, cells) < 0)
        goto cleanup;
    for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++)
            cells[c] = PQgetvalue(res, r, c);
        if (cli_table_add(t, cells) < 0)
            goto cleanup;
    }
    cli_table_print(t, stdout);
    rc = 0;
cleanup:
    if (rc < 0)
        cli_error("%s: out of memory", label);
    cli_table_destroy(&t);
    PQclear(res);
    return rc;
}

enum { D_KIND, D_CYCLE, D_DUE, D_MET, D_DUE_S, D_MET_S, D_PAUSED_S, D_PAUSED, D_NOW_S, D_RUNG };

/* The official calendar, as escalation counts in it. NULL after printing why. */
static calendar *show_calendar(cli_ctx *ctx, PGconn *pg, int *day_minutes)
{
    char err[512];
    calendar *cal = cal_from_config(ctx->cfg, day_minutes, err, sizeof err);
    if (cal && holidays_load(pg, cal, err, sizeof err) < 0)
        cal_destroy(&cal);
    if (!cal)
        cli_error("show: %s", err);
    return cal;
}

/* One row of the deadlines table, its state worked out on cal. */
static int add_deadline(cli_table *t, const PGresult *res, int r, const calendar *cal, int day_minutes)
{
    char state[256];
    cli_deadline d = {.due = strtoll(PQgetvalue(res, r, D_DUE_S), NULL, 10),
                      .met = strtoll(PQgetvalue(res, r, D_MET_S), NULL, 10),
                      .paused = strtoll(PQgetvalue(res, r, D_PAUSED_S), NULL, 10),
                      .paused_text = PQgetvalue(res, r, D_PAUSED),
                      .now = strtoll(PQgetvalue(res, r, D_NOW_S), NULL, 10)};
    cli_deadline_state(state, sizeof state, cal, day_minutes, &d);
    const char *cells[] = {PQgetvalue(res, r, D_KIND), PQgetvalue(res, r, D_CYCLE), PQgetvalue(res, r, D_DUE),
                           PQgetvalue(res, r, D_MET), state, PQgetvalue(res, r, D_RUNG)};
    return cli_table_add(t, cells);
}

static int print_deadlines(cli_ctx *ctx, PGconn *pg, const char *sql, const char *id)
{
    static const char *const HEAD[] = {"kind", "cycle", "due", "met", "state (working time)", "next rung"};
    const char *params[1] = {id};
    int day_minutes = 0, rc = -1;
    calendar *cal = show_calendar(ctx, pg, &day_minutes);
    PGresult *res = cal ? db_query(pg, "show deadlines", sql, 1, params) : NULL;
    cli_table *t = res ? cli_table_new(6, "lrllll") : NULL;
    if (t && cli_table_add(t, HEAD) == 0) {
        rc = 0;
        for (int r = 0; r < PQntuples(res) && rc == 0; r++)
            rc = add_deadline(t, res, r, cal, day_minutes);
    }
    if (rc == 0 && PQntuples(res) == 0)
        printf("  (none)\n");
    else if (rc == 0)
        cli_table_print(t, stdout);
    else if (cal)
        cli_error("show deadlines: %.*s", CLI_PQ_MSG(pg));
    cli_table_destroy(&t);
    PQclear(res);
    cal_destroy(&cal);
    return rc;
}

/* Prints one section's rows as a table with the column names as header. */
static int print_section(cli_ctx *ctx, PGconn *pg, const show_section *s, const char *id)
{
    const char *params[1] = {id};
    printf("\n%s:\n", s->heading);
    if (s->print)
        return s->print(ctx, pg, s->sql, id);
    return cli_print_query(pg, s->heading, s->align, s->sql, 1, params);
}

static void print_complaint(const PGresult *res)
{
    char name[64] = "-", phone[64] = "-";
    if (!PQgetisnull(res, 0, F_NAME) && *PQgetvalue(res, 0, F_NAME))
        text_mask_name(name, sizeof name, PQgetvalue(res, 0, F_NAME));
    if (!PQgetisnull(res, 0, F_PHONE) && *PQgetvalue(res, 0, F_PHONE))
        text_mask_phone(phone, sizeof phone, PQgetvalue(res, 0, F_PHONE));
    printf("ticket     %s  (id %s)\n", PQgetvalue(res, 0, F_TICKET), PQgetvalue(res, 0, F_ID));
    printf("status     %s  (since %s)\n", PQgetvalue(res, 0, F_STATUS), PQgetvalue(res, 0, F_UPDATED));
    printf("called at  %s\n", PQgetvalue(res, 0, F_CALLED));
    printf("caller     %s  %s\n", name, phone);
    printf("address    %s\n", PQgetvalue(res, 0, F_ADDRESS));
    printf("category   %s (hotline)  →  %s (routing)\n",
           *PQgetvalue(res, 0, F_CATEGORY) ? PQgetvalue(res, 0, F_CATEGORY) : "-",
           *PQgetvalue(res, 0, F_DECIDED) ? PQgetvalue(res, 0, F_DECIDED) : "-");
    printf("cycle      %s  (returns this cycle: %s)\n", PQgetvalue(res, 0, F_CYCLE), PQgetvalue(res, 0, F_RETURNS));
    if (*PQgetvalue(res, 0, F_URGENCY))
        printf("urgency    %s\n", PQgetvalue(res, 0, F_URGENCY));
    if (*PQgetvalue(res, 0, F_IMPORT))
        printf("imported   import %s, row %s\n", PQgetvalue(res, 0, F_IMPORT), PQgetvalue(res, 0, F_ROW));
    printf("content    %s\n", PQgetvalue(res, 0, F_CONTENT));
}

int cli_show_main(cli_ctx *ctx, int argc, char **argv)
{
    PGresult *res = NULL;
    int rc = 1;

    if (argc != 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: jiesu show TICKET\n");
        return 2;
    }
    PGconn *pg = cli_pg(ctx, 0);
    if (!pg)
        return 1;
    const char *tz[1] = {config_get(ctx->cfg, "report.timezone", "Asia/Shanghai")};
    PGresult *set = db_query(pg, "show timezone", "SELECT set_config('TimeZone', $1, false)", 1, tz);
    if (!set) {
        cli_error("show: time zone '%s' (report.timezone): %.*s", tz[0], CLI_PQ_MSG(pg));
        return 1;
    }
    PQclear(set);
    const char *params[1] = {argv[1]};
    res = db_query(pg, "show complaint", SHOW_COMPLAINT_SQL, 1, params);
    if (!res) {
        cli_error("show %s: %.*s", argv[1], CLI_PQ_MSG(pg));
        return 1;
    }
    if (PQntuples(res) == 0) {
        cli_error("show: no order with ticket number '%s'", argv[1]);
        goto cleanup;
    }
    print_complaint(res);
    for (size_t i = 0; i < sizeof SECTIONS / sizeof SECTIONS[0]; i++)
        if (print_section(ctx, pg, &SECTIONS[i], PQgetvalue(res, 0, F_ID)) < 0)
            goto cleanup;
    rc = 0;
cleanup:
    PQclear(res);
    return rc;
}
