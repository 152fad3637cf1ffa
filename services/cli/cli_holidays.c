/* cli_holidays.c — `jiesu holidays`: the official holiday calendar, through
 * the escalation service's "holidays.request" (escalation owns the calendar
 * and re-times the deadlines a change moves):
 *
 *   jiesu holidays                          days stored per year, and whether the calendar runs out
 *   jiesu holidays load FILE                the State Council's notice as a holiday-cn JSON file
 *   jiesu holidays add DATE NAME --off|--work
 *                                           one day typed in: a day off, or an adjusted working day
 *   jiesu holidays complete YEAR            the year's days are all typed in: its calendar is whole
 *   jiesu holidays remove DATE              a day stored by mistake taken out (an ordinary day again)
 *   jiesu holidays incomplete YEAR          a year confirmed whole by mistake taken back
 *
 * The tool only reads the file and sends its text; the service checks it.
 */
#include "cli.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "cli_args.h"
#include "holidays.h"

#define TRIES 2             /* storing the same days again changes nothing (a day or a year taken
                               back is not tried again) */
#define USAGE                                                                                                   \
    "用法：jiesu holidays [load 文件 | add YYYY-MM-DD 名称 --off|--work | complete 年份 | remove YYYY-MM-DD\n" \
    "                     | incomplete 年份]\n"                                                            \
    "      （add 要写 --off 或 --work：--off 这一天放假，--work 这一天调休上班，如节前节后的周末；\n"           \
    "       complete：这一年的放假和调休上班都已逐日录入，全年完整；\n"                                       \
    "       remove：删去误存的一天，它又按平常的日子算；\n"                                                     \
    "       incomplete：撤回误下的“全年完整”，这一年又算不完整）\n"

/* The words and the day's --off or --work of argv: the count of words
 * (the first four in args), or -1 after saying what is wrong. */
static int split(int argc, char **argv, const char **args, const char **flag)
{
    int nargs = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int day = strcmp(a, "--off") == 0 || strcmp(a, "--work") == 0;
        if (day && *flag && strcmp(*flag, a) != 0) {
            cli_error("holidays add：--off 和 --work 只能用一个（--off 这一天放假，--work 这一天调休上班）");
            return -1;
        }
        if (day)
            *flag = a;
        else if (a[0] == '-' && a[1]) {
            cli_args_option("holidays", "--off --work", a, "");
            return -1;
        } else if (nargs++ < 4)
            args[nargs - 1] = a;
    }
    return nargs;
}

/* The operation named args[0] with the n words given: 0 when they are
 * right, else -1 after saying what is wrong. */
static int check_op(const char **args, int n, const char *flag)
{
    static const struct {
        const char *op, *need;
    } OPS[] = {{"load", "文件"}, {"add", "日期和名称"}, {"complete", "年份"}, {"remove", "日期"},
                 {"incomplete", "年份"}};
    int k = -1, add = n > 0 && strcmp(args[0], "add") == 0;
    char cmd[32];
    for (int i = 0; i < (int)(sizeof OPS / sizeof OPS[0]) && n > 0; i++)
        k = strcmp(args[0], OPS[i].op) == 0 ? i : k;
    if (n == 0 ? !flag : k >= 0 && n == (add ? 3 : 2) && (!flag == !add))
        return 0;
    if (n > 0 && k < 0) {
        cli_error("holidays：没有“%s”这个操作；有 load、add、complete、remove、incomplete（不写：列出每年的天数）", args[0]);
        return -1;
    }
    snprintf(cmd, sizeof cmd, "holidays %s", n ? args[0] : "");
    if (flag && !add)
        cli_error("%s：%s 只用于 add（录入一天）", n ? cmd : "holidays", flag);
    else if (n > (add ? 3 : 2))
        cli_error("%s：多余的参数“%s”", cmd, args[add ? 3 : 2]);
    else if (n < (add ? 3 : 2))
        cli_error("%s：要写%s", cmd, OPS[k].need);
    else
        cli_error("holidays add：要写 --off 或 --work");
    return -1;
}

/* Splits argv into the request. 0, -1 (usage, said why), or -2 (said why).
 * The file's text, when one is loaded, goes to *text (the caller frees it). */
static int parse(int argc, char **argv, Jiesu__HolidaysRequest *rq, Jiesu__HolidayDay *day, char **text,
                 char *source, size_t cap)
{
    const char *args[4] = {NULL, NULL, NULL, NULL}, *flag = NULL;
    char err[512];
    int nargs = split(argc, argv, args, &flag);
    if (nargs < 0 || check_op(args, nargs, flag) < 0)
        return -1;
    if (nargs == 0)
        return 0;
    if (strcmp(args[0], "load") == 0) {
        if (!(*text = holidays_read_text(args[1], err, sizeof err))) {
            cli_error("holidays load: %s", err);
            return -2;
        }
        char *copy = strdup(args[1]);
        snprintf(source, cap, "文件 %s", copy ? basename(copy) : args[1]);
        free(copy);
        rq->json = *text;
        rq->source = source;
        return 0;
    }
    if (strcmp(args[0], "complete") == 0 || strcmp(args[0], "incomplete") == 0) {
        if (strlen(args[1]) != 4 || strspn(args[1], "0123456789") != 4) {
            cli_error("holidays %s：“%s”不是年份：请写四位数，如 jiesu holidays %s 2027", args[0], args[1], args[0]);
            return -1;
        }
        *(strcmp(args[0], "complete") == 0 ? &rq->complete_year : &rq->incomplete_year) = atoi(args[1]);
        return 0;
    }
    if (strcmp(args[0], "remove") == 0) {
        rq->remove_date = (char *)args[1];      /* the service checks it is a date */
        return 0;
    }
    day->date = (char *)args[1];
    day->name = (char *)args[2];
    day->off = strcmp(flag, "--off") == 0;
    return 0;
}

/* What the request changed: the days stored, the year made whole; nothing
 * (没有变化, and nothing recorded) when it changed neither. */
static void print_change(const Jiesu__HolidaysRequest *rq, const Jiesu__HolidaysReply *r)
{
    if (rq->incomplete_year)
        printf("已撤回：%d 年不再算全年完整，存着的日子不变；它没有存着的工作日又按平常的日子算，"
               "日历用到这一年时又会提醒（录完后再 jiesu holidays complete %d）\n", rq->incomplete_year,
               rq->incomplete_year);
    else if (*rq->remove_date)
        printf("已删去 %s 的安排：这一天又按平常的日子算（周一至周五上班，周六、周日休息）；%lld 个未到期的时限重新计算\n",
               rq->remove_date, (long long)r->retimed);
    else if (!r->stored && !r->completed_year && rq->complete_year)
        printf("没有变化：%d 年早已确认全年完整\n", rq->complete_year);
    else if (!r->stored && !r->completed_year)
        printf("没有变化：给出的 %d 天都已照样存着，也没有哪一年由此全年完整\n", r->unchanged);
    else if (rq->complete_year)
        printf("已确认：%d 年的节假日安排全年完整\n", rq->complete_year);
    else {
        printf("已存：新增或改动 %d 天，未变 %d 天；%lld 个未到期的时限重新计算", r->stored, r->unchanged,
               (long long)r->retimed);
        if (r->completed_year)
            printf("；%d 年的节假日安排由此全年完整", r->completed_year);
        putchar('\n');
    }
}

/* After a file that made no year whole: which year it names stays 不完整, why
 * (holidays_notice_check) and how to confirm it once its days are all stored. */
static void print_not_whole(const Jiesu__HolidaysRequest *rq, const Jiesu__HolidaysReply *r)
{
    char why[512], err[256];
    holidays_day *days = NULL;
    size_t n = 0;
    if (holidays_parse(rq->json, "文件", &days, &n, err, sizeof err) < 0)
        return;     /* the service took it: it parses the same */
    int year = holidays_notice_check(rq->json, days, n, why, sizeof why);
    free(days);
    for (size_t i = 0; year && i < r->n_years; i++)
        if (r->years[i]->year == year && r->years[i]->complete)
            return;
    if (year)
        printf("这个文件不是 %d 年整年的放假通知（%s），%d 年仍然不完整：没有存的工作日照常上班。"
               "%d 年放假和调休的日子都存好后，确认全年完整：jiesu holidays complete %d\n",
               year, why, year, year, year);
    else
        printf("这个文件不是哪一年整年的放假通知（%s），它的日子所在的年份仍然不完整。"
               "一年放假和调休的日子都存好后，确认全年完整：jiesu holidays complete 年份\n", why);
}

static void print_reply(const Jiesu__HolidaysRequest *rq, const Jiesu__HolidaysReply *r)
{
    if (rq->complete_year || rq->incomplete_year || *rq->json || rq->n_days || *rq->remove_date)
        print_change(rq, r);
    if (*rq->json && !r->completed_year)
        print_not_whole(rq, r);
    printf("年份  放假天数  调休上班天数  全年\n");
    for (size_t i = 0; i < r->n_years; i++)
        printf("%4d  %8d  %12d  %s\n", r->years[i]->year, r->years[i]->days_off, r->years[i]->working_days,
               r->years[i]->complete ? "完整" : "不完整");
    if (*r->warning)
        printf("提醒：%s\n", r->warning);
}

int cli_holidays_main(cli_ctx *ctx, int argc, char **argv)
{
    char source[512] = "", err[1024];
    char *text = NULL;
    Jiesu__Envelope *env = NULL;
    Jiesu__HolidaysReply *reply = NULL;
    Jiesu__HolidaysRequest rq = JIESU__HOLIDAYS_REQUEST__INIT;
    Jiesu__HolidayDay day = JIESU__HOLIDAY_DAY__INIT, *days[1] = {&day};
    int p = parse(argc, argv, &rq, &day, &text, source, sizeof source);
    if (p != 0) {
        if (p == -1)
            fputs(USAGE, stderr);
        return p == -1 ? 2 : 1;
    }
    if (*day.date) {
        rq.n_days = 1;
        rq.days = days;
    }
    int rc = 1, tries = *rq.remove_date || rq.incomplete_year ? 1 : TRIES;
    int timeout_ms = (int)(1000 * config_long(ctx->cfg, "cli.timeout_seconds"));
    if (cli_call(ctx, "escalation", "holidays", "holidays.request", &rq.base, timeout_ms, tries, 0, &env, err,
                 sizeof err) < 0)
        goto cleanup;
    if (strcmp(env->type, "holidays.reply") != 0 || !(reply = BUS_UNPACK(holidays_reply, env))) {
        cli_unexpected("holidays", "escalation", env->type, "holidays.reply");
        goto cleanup;
    }
    print_reply(&rq, reply);
    rc = 0;
cleanup:
    if (reply)
        jiesu__holidays_reply__free_unpacked(reply, NULL);
    if (env)
        jiesu__envelope__free_unpacked(env, NULL);
    free(text);
    return rc;
}
