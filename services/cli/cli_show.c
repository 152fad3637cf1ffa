/* cli_show.c — `jiesu show TICKET`: one order as the database has it — the
 * complaint (caller's name and phone masked), its current assignment with the
 * routing rule, reasons and score, its deadlines, its alerts and its event
 * history in order. Reads PostgreSQL directly, so it works while services
 * are down. Times are shown in report.timezone (Asia/Shanghai).
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#include "cli_table.h"
#include "db.h"
#include "text.h"

#define TIME_FMT "'YYYY-MM-DD HH24:MI'"

static const char SHOW_COMPLAINT_SQL[] =
    "SELECT id, ticket_no, status, to_char(called_at, " TIME_FMT "), caller_name, caller_phone,"
    "       address, content, coalesce(category_raw, ''), coalesce(urgency, ''),"
    "       coalesce(import_id::text, ''), coalesce(source_row::text, ''), to_char(updated_at, " TIME_FMT "),"
    "       coalesce((SELECT name FROM categories WHERE code = c.category), c.category, ''), cycle, returns,"
    "       coalesce(array_to_string(accused_units, ', '), ''),"
    "       coalesce((SELECT ticket_no FROM complaints l WHERE l.id = c.link_id), ''),"
    "       coalesce((SELECT ticket_no FROM complaints l WHERE l.link_id = c.id), '')"
    "  FROM complaints c WHERE ticket_no = $1";
enum { F_ID, F_TICKET, F_STATUS, F_CALLED, F_NAME, F_PHONE, F_ADDRESS, F_CONTENT, F_CATEGORY,
       F_URGENCY, F_IMPORT, F_ROW, F_UPDATED, F_DECIDED, F_CYCLE, F_RETURNS, F_ACCUSED, F_PART_OF, F_PART };

typedef struct {
    const char *heading;
    const char *align;
    const char *sql;        /* $1 = the complaint id */
} show_section;

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
    {"deadlines", "lrll",
     "SELECT kind, cycle, to_char(due_at, " TIME_FMT ") AS due,"
     "       CASE WHEN fired_at IS NOT NULL THEN 'fired ' || to_char(fired_at, " TIME_FMT ")"
     "            WHEN due_at < now() THEN 'passed, not fired yet' ELSE 'pending' END AS state"
     "  FROM deadlines WHERE complaint_id = $1 ORDER BY cycle, due_at"},
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

/* Prints one section's rows as a table with the column names as header. */
static int print_section(PGconn *pg, const show_section *s, const char *id)
{
    const char *params[1] = {id};
    printf("\n%s:\n", s->heading);
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
    if (*PQgetvalue(res, 0, F_ACCUSED))
        printf("accuses    %s (never given this order)\n", PQgetvalue(res, 0, F_ACCUSED));
    if (*PQgetvalue(res, 0, F_PART_OF))
        printf("conduct    the conduct part of %s\n", PQgetvalue(res, 0, F_PART_OF));
    if (*PQgetvalue(res, 0, F_PART))
        printf("conduct    its conduct part is %s (discipline inspection)\n", PQgetvalue(res, 0, F_PART));
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
        if (print_section(pg, &SECTIONS[i], PQgetvalue(res, 0, F_ID)) < 0)
            goto cleanup;
    rc = 0;
cleanup:
    PQclear(res);
    return rc;
}
