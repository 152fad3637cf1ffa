/* cli_documents.c — `jiesu daily` and `jiesu bulletin`: the reporting
 * service builds the document ("document.request", report_documents.h) and
 * sends it whole; this prints its summary, or its JSON, or writes its files.
 *
 *   jiesu daily [--date YYYY-MM-DD] [--json]         today's dispatch sheet per street
 *   jiesu bulletin [--week 上周|本周|YYYY-Www] (--out DIR | --json)   last week's bulletin,
 *                                                  this week's so far, or an ISO week's
 *
 * An option either does not take, one given twice, or --out with --json is
 * refused (cli_args.h), before anything is asked.
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "bus.h"
#include "cli_args.h"
#include "privfile.h"
#include "report_period.h"
#include "text.h"

#define DOC_TRIES 1
#define DOC_TIMEOUT_MS 120000     /* a bulletin over millions of orders takes seconds */

/* Writes one file of the document into dir (mode 0600, like everything jiesu
 * writes) through a new temporary file renamed into place (privfile.h): a
 * file or link already at its name is replaced, never written through. 0 or -1. */
static int write_file(const char *dir, const Jiesu__DocFile *f)
{
    char path[4096];
    if (strchr(f->name, '/') || f->name[0] == '.') {
        cli_error("bulletin：不写名为“%s”的文件（名称不安全）", f->name);
        return -1;
    }
    snprintf(path, sizeof path, "%s/%s", dir, f->name);
    if (privfile_write(path, f->content.data, f->content.len) == 0)
        return 0;
    cli_error("写 %s 出错：%s", path, text_os_error(errno));
    return -1;
}

/* Prints or writes what came back. 0 or 1. */
static int show(const Jiesu__DocumentReply *r, const char *format, const char *out)
{
    int failed = 0;
    if (strcmp(format, "json") == 0) {
        for (size_t i = 0; i < r->n_files; i++)
            fwrite(r->files[i]->content.data, 1, r->files[i]->content.len, stdout);
        return 0;
    }
    printf("%s\n", r->title);
    for (size_t i = 0; i < r->n_tables; i++)
        cli_print_table(r->tables[i], r->tables[i]->titled);
    if (!out)
        return 0;
    for (size_t i = 0; i < r->n_files; i++)
        failed += write_file(out, r->files[i]) < 0;
    if (!failed)
        printf("已把 %zu 个文件写到 %s\n", r->n_files, out);
    return failed ? 1 : 0;
}

/* The week named period (its names: 上周, 本周 … as of no day in particular)
 * if it has begun by today. 0 or -1 with err. */
static int week_asked(report_period *p, const char *period, const char *today, char *err, size_t errlen)
{
    if (report_period_week_named(p, period, 0, err, errlen) < 0)
        return -1;
    return report_period_week_begun(p, today, err, errlen);
}

/* A period the service would refuse is a usage error, told before asking:
 * a day that is not one or is after today in the city's time zone (zone), a
 * week that is not one or begins after today. 0 or 2. */
static int check_period(const char *kind, const char *period, const char *zone)
{
    char err[256], today[11];
    report_period p;
    cli_city_day(today, (int64_t)time(NULL), zone);
    if (!*period || (strcmp(kind, "daily") == 0 ? report_period_day_until(&p, period, today, err, sizeof err)
                                                 : week_asked(&p, period, today, err, sizeof err)) == 0)
        return 0;
    cli_error("%s: %s", kind, err);
    return 2;
}

/* Asks for a document and shows it. The exit status. */
static int fetch(cli_ctx *ctx, const char *kind, const char *period, const char *format, const char *out)
{
    char what[64], err[1024];
    Jiesu__Envelope *env = NULL;
    Jiesu__DocumentReply *reply = NULL;
    Jiesu__DocumentRequest rq = JIESU__DOCUMENT_REQUEST__INIT;
    rq.kind = (char *)kind;
    rq.period = (char *)period;
    rq.format = (char *)format;
    if (check_period(kind, period, config_str(ctx->cfg, "timezone")) != 0)
        return 2;
    snprintf(what, sizeof what, "%s%s%s", kind, *period ? " " : "", period);
    if (out && mkdir(out, 0700) != 0 && errno != EEXIST) {
        cli_error("%s：无法创建 %s：%s", what, out, text_os_error(errno));
        return 1;
    }
    if (cli_call(ctx, "reporting", what, "document.request", &rq.base, DOC_TIMEOUT_MS, DOC_TRIES, 0, &env, err,
                 sizeof err) < 0)
        return 1;
    int rc = 1;
    if (strcmp(env->type, "document.reply") != 0 || !(reply = BUS_UNPACK(document_reply, env)))
        cli_unexpected(what, "reporting", env->type, "document.reply");
    else
        rc = show(reply, format, out);
    if (reply)
        jiesu__document_reply__free_unpacked(reply, NULL);
    jiesu__envelope__free_unpacked(env, NULL);
    return rc || fflush(stdout) != 0;
}

int cli_daily_main(cli_ctx *ctx, int argc, char **argv)
{
    const char *date = "", *format = "text";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!cli_args_option("daily", "--date --json", a, "（日期写在 --date 后面）") ||
            (strcmp(a, "--date") == 0 && cli_args_value("daily", argc, argv, &i, &date) < 0)) {
            fprintf(stderr, "用法：jiesu daily [--date YYYY-MM-DD] [--json]\n");
            return 2;
        }
        if (strcmp(a, "--json") == 0)
            format = "json";
    }
    return fetch(ctx, "daily", date, format, NULL);
}

/* bulletin's options: 0, or -1 after saying what is wrong. */
static int bulletin_args(int argc, char **argv, const char **week, const char **out, int *json)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!cli_args_option("bulletin", "--week --out --json", a, "（周写在 --week 后面，目录写在 --out 后面）") ||
            (strcmp(a, "--json") != 0 && cli_args_value("bulletin", argc, argv, &i, strcmp(a, "--week") == 0 ? week : out) < 0))
            return -1;
        *json |= strcmp(a, "--json") == 0;
    }
    if (*out && *json) {
        cli_error("bulletin：--out 和 --json 只能用一个（--out 把文件写进目录，--json 把数据打印出来）");
        return -1;
    }
    if (!*out && !*json) {
        cli_error("bulletin：要写 --out 目录（写出文件）或 --json（打印数据）");
        return -1;
    }
    return 0;
}

int cli_bulletin_main(cli_ctx *ctx, int argc, char **argv)
{
    const char *week = "", *out = NULL;
    int json = 0;
    if (bulletin_args(argc, argv, &week, &out, &json) < 0) {
        fprintf(stderr, "用法：jiesu bulletin [--week 上周|本周|YYYY-Www] (--out 目录 | --json)\n"
                        "      （默认上周：发通报的那一整周）\n");
        return 2;
    }
    return fetch(ctx, "bulletin", week, json ? "json" : "files", out);
}
