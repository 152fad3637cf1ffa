/* cli_bulletin.c — `jiesu bulletin [--week YYYY-Www] (--out DIR | --json)`:
 * the weekly bulletin (周通报) read straight from PostgreSQL with the
 * reporting modules, written as CSV, XLSX and HTML files into DIR (created
 * when missing), or printed as JSON. Without --week: last week. Prints the
 * ranking of the streets and the files written.
 */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli_table.h"
#include "report_bulletin.h"
#include "report_files.h"
#include "report_json.h"

typedef struct {
    const char *week;
    const char *out;
    int         json;
} bulletin_args;

static int parse_args(bulletin_args *a, int argc, char **argv)
{
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--week") == 0 && i + 1 < argc)
            a->week = argv[++i];
        else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
            a->out = argv[++i];
        else if (strcmp(argv[i], "--json") == 0)
            a->json = 1;
        else
            return -1;
    }
    return a->out || a->json ? 0 : -1;
}

static int add_unit_row(cli_table *t, const report_bulletin *b, const report_unit *u)
{
    char rank[16], score[32], change[32];
    const report_unit *p = report_bulletin_prev(b, u);
    double d = p ? u->composite - p->composite : NAN;
    snprintf(rank, sizeof rank, u->thin_all ? "too few" : u->rank ? "%d" : "–", u->rank);
    snprintf(score, sizeof score, isnan(u->composite) ? "–" : "%.2f", u->composite);
    snprintf(change, sizeof change, isnan(d) ? "–" : "%+.2f", d);
    const char *cells[] = {rank, u->name, score, change, u->flag == 'R' ? "red" : u->flag == 'Y' ? "yellow" : ""};
    return cli_table_add(t, cells);
}

static int print_ranking(FILE *out, const report_bulletin *b)
{
    static const char *const HEAD[] = {"rank", "unit", "composite", "change", "flag"};
    cli_table *t = cli_table_new(5, "rlrrl");
    int rc = -1;
    if (!t || cli_table_add(t, HEAD) < 0)
        goto cleanup;
    for (size_t i = 0; i < b->cur->n; i++)
        if (add_unit_row(t, b, &b->cur->units[i]) < 0)
            goto cleanup;
    fprintf(out, "bulletin %s (%s .. %s), compared with %s\n", b->cur->period.label, b->cur->period.from,
            b->cur->period.last, b->prev->period.label);
    cli_table_print(t, out);
    fprintf(out, "\noverdue or escalated orders listed: %zu\n", b->n_orders);
    rc = 0;
cleanup:
    cli_table_destroy(&t);
    return rc;
}

static int make_dir(const char *dir)
{
    if (mkdir(dir, 0755) == 0 || errno == EEXIST)
        return 0;
    cli_error("bulletin: cannot create %s: %s", dir, strerror(errno));
    return -1;
}

int cli_bulletin_main(cli_ctx *ctx, int argc, char **argv)
{
    bulletin_args a;
    report_period p;
    report_settings s;
    char err[1024] = "";
    int written = 0, rc = 1;

    if (parse_args(&a, argc, argv) < 0) {
        fprintf(stderr, "usage: jiesu bulletin [--week YYYY-Www] (--out DIR | --json)\n");
        return 2;
    }
    const char *tz = config_get(ctx->cfg, "report.timezone", "Asia/Shanghai");
    setenv("TZ", tz, 1);        /* "last week" in the reports' time zone */
    tzset();
    if (a.week ? report_period_week(&p, a.week, err, sizeof err) < 0
               : (report_period_current(&p, (long long)time(NULL) - 7 * 86400LL, 7), 0)) {
        cli_error("bulletin: %s", err);
        return 2;
    }
    if (report_settings_load(&s, ctx->cfg, err, sizeof err) < 0) {
        cli_error("bulletin: configuration: %s", err);
        return 1;
    }
    PGconn *pg = cli_pg(ctx, 0);
    if (!pg || (a.out && make_dir(a.out) < 0))
        return 1;
    report_bulletin *b = report_bulletin_build(pg, config_get(ctx->cfg, "regions.districts", "370212"),
                                               tz, &p, &s, err, sizeof err);
    if (!b) {
        cli_error("bulletin %s: %s", p.label, err);
        return 1;
    }
    if (a.json) {
        report_json_bulletin(stdout, b);
    } else if (report_files_write(b, a.out, &written, err, sizeof err) < 0) {
        cli_error("bulletin %s: writing %s", p.label, err);
        goto cleanup;
    } else if (print_ranking(stdout, b) < 0) {
        cli_error("bulletin: out of memory");
        goto cleanup;
    } else {
        printf("wrote %d files to %s: bulletin-%s.html, .xlsx and -ranking/-orders/-hotspots.csv\n", written,
               a.out, p.label);
    }
    rc = fflush(stdout) == 0 ? 0 : 1;
cleanup:
    report_bulletin_free(&b);
    return rc;
}
