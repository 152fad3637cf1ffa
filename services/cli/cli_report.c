/* cli_report.c — `jiesu report [单位] [--json] [--from DATE] [--to DATE]`:
 * asks the reporting service for the per-street summary and prints it as an
 * aligned table with a total row, then the streets' holds and requests for
 * more time (暂缓与延期) as a second one with what each column counts, or as JSON.
 * A street office named (by name or code, as jiesu dispatch names one) gets
 * its row alone and the orders behind it: its overdue orders, then those on
 * hold. The literal 街道 (or streets) names the summary of every street, as
 * writing nothing does.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#include "bus.h"
#include "cli_args.h"
#include "cli_table.h"
#include "names.h"
#include "report_json.h"
#include "report_metrics.h"
#include "report_streets.h"

#define REPORT_TRIES 2

typedef struct {
    const char *kind;
    const char *unit;           /* a street office named, or NULL */
    const char *from, *to;
    int         json;
} report_args;

/* Whether w names the one summary there is: 街道, or its synonym streets. */
static int names_streets(const char *w)
{
    return strcmp(w, "街道") == 0 || strcmp(w, "streets") == 0;
}

/* The options and the one kind there is. 0, or -1 after saying what is wrong. */
static int parse_args(report_args *a, int argc, char **argv)
{
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        const char *w = argv[i];
        if (names_streets(w) && !a->kind && !a->unit)
            a->kind = w;
        else if (w[0] != '-' && !a->kind && !a->unit)
            a->unit = w;
        else if (w[0] != '-') {
            cli_error("report：多余的参数“%s”：只写一个单位（或不写，各街道汇总）", w);
            return -1;
        } else if (!cli_args_option("report", "--json --from --to", w, ""))
            return -1;
        else if (strcmp(w, "--json") == 0)
            a->json = 1;
        else if (cli_args_value("report", argc, argv, &i, strcmp(w, "--from") == 0 ? &a->from : &a->to) < 0)
            return -1;
    }
    a->kind = "streets";
    return 0;
}

/* Adds one table row: the street's name and its five counts. */
static int add_row(cli_table *t, const char *name, const Jiesu__StreetSummary *s)
{
    char n[5][24];
    const long long v[5] = {s->total, s->open, s->resolved, s->overdue, s->alerts};
    for (int i = 0; i < 5; i++)
        snprintf(n[i], sizeof n[i], "%lld", v[i]);
    const char *cells[] = {name, n[0], n[1], n[2], n[3], n[4]};
    return cli_table_add(t, cells);
}

/* Adds one row of the second table: the street's holds and requests for more time. */
static int add_holds_row(cli_table *t, const char *name, const Jiesu__StreetSummary *s)
{
    char n[5][24];
    snprintf(n[0], sizeof n[0], "%lld", (long long)s->holds);
    snprintf(n[1], sizeof n[1], "%.1f", s->hold_hours);
    snprintf(n[2], sizeof n[2], "%lld", (long long)s->extensions_asked);
    snprintf(n[3], sizeof n[3], "%lld", (long long)s->extensions_approved);
    snprintf(n[4], sizeof n[4], "%lld", (long long)s->extensions_rejected);
    const char *cells[] = {name, n[0], n[1], n[2], n[3], n[4]};
    return cli_table_add(t, cells);
}

/* The streets' holds and requests for more time (暂缓与延期), the same rows and total, and what each column counts. */
static int print_holds(FILE *out, const Jiesu__ReportReply *r, const Jiesu__StreetSummary *sum)
{
    static const char *const HEAD[] = {"街道", "暂缓件数", "暂缓工作小时", "申请延期", "批准延期", "驳回延期"};
    cli_table *t = cli_table_new(6, "lrrrrr");
    int rc = -1;
    if (!t || cli_table_add(t, HEAD) < 0)
        goto cleanup;
    for (size_t i = 0; i < r->n_streets; i++)
        if (add_holds_row(t, r->streets[i]->street_name, r->streets[i]) < 0)
            goto cleanup;
    if (!*r->unit && (cli_table_add_rule(t) < 0 || add_holds_row(t, "合计", sum) < 0))
        goto cleanup;
    fputs("\n暂缓与延期（本期：所给日期内发生的，不论工单何时来电；不给日期：至今全部）：\n", out);
    cli_table_print(t, out);
    fputs(REPORT_HOLDS_NOTE "\n", out);
    rc = 0;
cleanup:
    cli_table_destroy(&t);
    return rc;
}

/* The unit's overdue orders (held 0) or those on hold (1), titled; nothing
 * but the title's 无 when it has none. */
static int print_orders(FILE *out, const Jiesu__ReportReply *r, int held)
{
    static const char *const HEAD[2][6] = {{"工单号", "类别", "地点", "时限", "到期时间", "超时(工作小时)"},
                                           {"工单号", "类别", "地点", "暂缓起", "暂缓原因", NULL}};
    cli_table *t = cli_table_new(held ? 5 : 6, held ? "lllll" : "lllllr");
    size_t n = 0;
    int rc = -1;
    if (!t || cli_table_add(t, HEAD[held]) < 0)
        goto cleanup;
    for (size_t i = 0; i < r->n_orders; i++) {
        const Jiesu__UnitOrder *o = r->orders[i];
        char late[24];
        snprintf(late, sizeof late, "%.1f", o->hours_late);
        const char *cells[2][6] = {{o->ticket, o->category, o->place, strcmp(o->deadline, "accept") == 0 ? "签收" : "办结",
                                    o->due_at, late},
                                   {o->ticket, o->category, o->place, o->held_since, o->held_reason, NULL}};
        if (o->held != held)
            continue;
        n++;
        if (cli_table_add(t, cells[held]) < 0)
            goto cleanup;
    }
    fprintf(out, "\n%s：%s\n", held ? "暂缓办理的工单（在办之中，暂停计时）" : "超期工单（签收或办结时限已过）", n ? "" : "无");
    if (n)
        cli_table_print(t, out);
    rc = 0;
cleanup:
    cli_table_destroy(&t);
    return rc;
}

static int print_table(FILE *out, const Jiesu__ReportReply *r, const report_args *a)
{
    static const char *const HEAD[] = {"街道", "工单", "在办", "已办结", "超期", NAMES_ALERT "次数"};
    Jiesu__StreetSummary sum = JIESU__STREET_SUMMARY__INIT;
    cli_table *t = cli_table_new(6, "lrrrrr");
    int rc = -1;

    if (!t || cli_table_add(t, HEAD) < 0)
        goto cleanup;
    for (size_t i = 0; i < r->n_streets; i++) {
        if (add_row(t, r->streets[i]->street_name, r->streets[i]) < 0)
            goto cleanup;
        report_streets_add(&sum, r->streets[i]);
    }
    if (!*r->unit && (cli_table_add_rule(t) < 0 || add_row(t, "合计", &sum) < 0))
        goto cleanup;
    if (a->from && a->to)
        fprintf(out, "来电时间 %s 至 %s 的工单\n", a->from, a->to);
    else if (a->from || a->to)
        fprintf(out, "来电时间%s %s %s的工单\n", a->from ? "" : "至", a->from ? a->from : a->to, a->from ? "起" : "");
    cli_table_print(t, out);
    if (!r->one_unit)       /* a unit's own streets: the queues are the dispatchers', not counted for it */
        fprintf(out, "\n待人工派单：%lld    尚未派单：%lld\n", (long long)r->manual, (long long)r->unrouted);
    if (*r->unit && (print_orders(out, r, 0) < 0 || print_orders(out, r, 1) < 0))
        goto cleanup;
    rc = print_holds(out, r, &sum);
cleanup:
    cli_table_destroy(&t);
    if (rc < 0)
        cli_error("report：内存不足");
    return rc;
}

int cli_report_main(cli_ctx *ctx, int argc, char **argv)
{
    report_args a;
    char err[1024];
    Jiesu__Envelope *env = NULL;
    Jiesu__ReportReply *reply = NULL;
    int rc = 1;

    if (parse_args(&a, argc, argv) < 0) {
        fprintf(stderr, "用法：jiesu report [单位名称或代码] [--json] [--from YYYY-MM-DD] [--to YYYY-MM-DD]\n");
        return 2;
    }
    Jiesu__ReportRequest req = JIESU__REPORT_REQUEST__INIT;
    req.kind = (char *)a.kind;
    req.from_date = (char *)(a.from ? a.from : "");
    req.to_date = (char *)(a.to ? a.to : "");
    req.unit = (char *)(a.unit ? a.unit : "");
    long secs = config_long(ctx->cfg, "cli.timeout_seconds");
    if (cli_call(ctx, "reporting", "report", "report.request", &req.base,
                 (int)(secs > 0 && secs < 3600 ? secs : 5) * 1000, REPORT_TRIES, 0, &env, err, sizeof err) < 0)
        return 1;
    if (strcmp(env->type, "report.reply") != 0 || !(reply = BUS_UNPACK(report_reply, env))) {
        cli_unexpected("report", "reporting", env->type, "report.reply");
        goto cleanup;
    }
    if (a.json)
        report_json_streets(stdout, reply, a.from, a.to);
    else if (print_table(stdout, reply, &a) < 0)
        goto cleanup;
    rc = fflush(stdout) == 0 ? 0 : 1;
cleanup:
    if (reply)
        jiesu__report_reply__free_unpacked(reply, NULL);
    jiesu__envelope__free_unpacked(env, NULL);
    return rc;
}
