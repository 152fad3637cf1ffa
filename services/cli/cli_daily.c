/* cli_daily.c — `jiesu daily [--date YYYY-MM-DD] [--json]`: the daily dispatch
 * sheet per street office (new, in progress, due today, overdue, closed,
 * escalated), read from PostgreSQL with report_daily.c. Without --date: today
 * in report.timezone.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli_table.h"
#include "report_daily.h"
#include "report_json.h"

#define NCOUNTS 6

static void counts_of(const report_daily_row *r, long v[NCOUNTS])
{
    const long c[NCOUNTS] = {r->new_orders, r->in_progress, r->due_today, r->overdue, r->closed, r->escalated};
    memcpy(v, c, sizeof c);
}

static int add_row(cli_table *t, const char *name, const char *code, const long v[NCOUNTS])
{
    char n[NCOUNTS][24];
    for (int i = 0; i < NCOUNTS; i++)
        snprintf(n[i], sizeof n[i], "%ld", v[i]);
    const char *cells[] = {name, code, n[0], n[1], n[2], n[3], n[4], n[5]};
    return cli_table_add(t, cells);
}

static int print_sheet(FILE *out, const report_daily *d)
{
    static const char *const HEAD[] = {"street", "code", "new", "in progress", "due today", "overdue", "closed",
                                       "escalated"};
    long sum[NCOUNTS] = {0}, v[NCOUNTS];
    cli_table *t = cli_table_new(8, "llrrrrrr");
    int rc = -1;
    if (!t || cli_table_add(t, HEAD) < 0)
        goto cleanup;
    for (size_t i = 0; i < d->n; i++) {
        counts_of(&d->rows[i], v);
        for (int c = 0; c < NCOUNTS; c++)
            sum[c] += v[c];
        if (add_row(t, d->rows[i].name, d->rows[i].code, v) < 0)
            goto cleanup;
    }
    if (cli_table_add_rule(t) < 0 || add_row(t, "total", "", sum) < 0)
        goto cleanup;
    fprintf(out, "daily dispatch sheet %s\n", d->day.from);
    cli_table_print(t, out);
    rc = 0;
cleanup:
    cli_table_destroy(&t);
    return rc;
}

int cli_daily_main(cli_ctx *ctx, int argc, char **argv)
{
    const char *date = NULL;
    int json = 0;
    char err[1024] = "";
    report_period p;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--date") == 0 && i + 1 < argc) {
            date = argv[++i];
        } else if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else {
            fprintf(stderr, "usage: jiesu daily [--date YYYY-MM-DD] [--json]\n");
            return 2;
        }
    }
    const char *tz = config_get(ctx->cfg, "report.timezone", "Asia/Shanghai");
    if (date && report_period_day(&p, date, err, sizeof err) < 0) {
        cli_error("daily: %s", err);
        return 2;
    }
    if (!date) {
        setenv("TZ", tz, 1);
        tzset();
        report_period_current(&p, (long long)time(NULL), 1);
    }
    PGconn *pg = cli_pg(ctx, 0);
    if (!pg)
        return 1;
    report_daily *d = report_daily_run(pg, config_get(ctx->cfg, "regions.districts", "370212"), tz, &p, err,
                                       sizeof err);
    if (!d) {
        cli_error("daily %s: %s", p.label, err);
        return 1;
    }
    int rc = 0;
    if (json)
        report_json_daily(stdout, d);
    else if (print_sheet(stdout, d) < 0)
        rc = 1, cli_error("daily: out of memory");
    report_daily_free(&d);
    return rc || fflush(stdout) != 0;
}
