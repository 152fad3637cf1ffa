/* main.c — jiesu, the operator's tool: global options, configuration and
 * dispatch to the subcommands (cli_<name>.c).
 *
 *   jiesu [-c FILE] [-k KEYFILE] COMMAND [ARGS...]     (jiesu --help, jiesu help: usage)
 *
 * Configuration comes from -c FILE, else the file named by $JIESU_CONFIG,
 * with every key overridable from the environment (see common/config.h).
 * Files it writes (bulletins) are its user's only, whatever the umask.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cli_args.h"
#include "config.h"
#include "log.h"

typedef struct {
    const char *name;
    int (*run)(cli_ctx *ctx, int argc, char **argv);
} cli_command;

static const cli_command COMMANDS[] = {
    {"import", cli_import_main},
    {"report", cli_report_main},
    {"daily", cli_daily_main},
    {"bulletin", cli_bulletin_main},
    {"show", cli_show_main},
    {"phone", cli_phone_main},
    {"status", cli_status_main},
    {"migrate", cli_migrate_main},
    {"keys", cli_keys_main},
    {"user", cli_user_main},
    {"gazetteer", cli_gazetteer_main},
    {"holidays", cli_holidays_main},
    {"alerts", cli_alerts_main},
    {"ack", cli_ack_main},
    {"manual", cli_manual_main},
    {"units", cli_units_main},
    {"audit", cli_audit_main},
    {"profiles", cli_profiles_main},
    {"dispatch", cli_action_main},
    {"accept", cli_action_main},
    {"return", cli_action_main},
    {"progress", cli_action_main},
    {"wait", cli_action_main},
    {"resume", cli_action_main},
    {"resolve", cli_action_main},
    {"callback", cli_action_main},
    {"handback", cli_action_main},
    {"extend", cli_action_main},
    {"extension", cli_action_main},
    {"extensions", cli_extensions_main},
    {"learn", cli_learn_main},
    {"config", cli_config_main},
};

/* Each command's entry: a line starting "  " and its name(s), then lines
 * starting with spaces only (command_help() finds them so). */
static const char COMMANDS_HELP[] =
    "  import [--profile 模板名|模板文件.conf] [--dry-run] 文件...\n"
    "                          经工单受理服务导入热线导出文件（CSV 或 XLSX）；每个文件一行汇总\n"
    "                          （总行数、新存、重复、拒收、所用导入模板），提醒在它前面；\n"
    "                          拒收和重复的行取回本机，存在导入的文件旁边（文件名.拒收明细.csv，\n"
    "                          不覆盖已有的文件）；--dry-run 只显示列的对应和头几行存入后的样子，什么也不存\n"
    "  import --rejects 导入编号\n"
    "                          再取回某次导入的拒收明细，存到当前目录（做这次导入的话务员本人或管理员）\n"
    "  profiles [模板名]       导入模板一览（列名、日期格式、时区），或某个模板的全文\n"
    "  report [单位名称或代码] [--json] [--from YYYY-MM-DD] [--to YYYY-MM-DD]\n"
    "                          报表服务给出的各街道汇总；写一个街道办事处（如 jiesu report 中韩街道，\n"
    "                          名称或代码，同 jiesu dispatch）只看它的一行和背后的工单：超期工单（时限、\n"
    "                          到期时间、超时的工作小时）和暂缓办理的工单（暂缓起、原因）\n"
    "  daily [--date YYYY-MM-DD] [--json]\n"
    "                          各街道的每日派单表（默认今天）\n"
    "  bulletin [--week 上周|本周|YYYY-Www] (--out 目录 | --json)\n"
    "                          周通报（CSV、XLSX 和 HTML）：默认上周（完整的一周，即发通报的那一周），\n"
    "                          --week 本周 为本周至今，也可写 ISO 周（2026-W47）\n"
    "  show 工单号             一件工单：诉求（个人信息已遮蔽）、派单决定和理由、时限、预警和处理经过\n"
    "  phone 工单号            来电人完整号码，给打电话给来电人的人：回访员（已办结待回访）、承办此单的\n"
    "                          承办人员（办理中）、纪委监委（本单位承办的作风投诉）；每次查看都以本人\n"
    "                          名义记入工单的处理记录\n"
    "  status [--wait 秒数]    各服务、Redis 和 PostgreSQL 是否正常（正常或不通）及延迟，Open311 接口和\n"
    "                          大屏的网页是否在监听；--wait 一直重试到全部正常（网页没在监听就不再等）；\n"
    "                          法定节假日日历快用完时提醒\n"
    "  alerts [--all] [--rung 级别] [--limit 条数]\n"
    "                          尚未确认的告警（--all：全部），新的在前，含事由、发给谁、推送状态和原因；\n"
    "                          级别：催办、督办、问责预警、重复诉求、反弹、反复退单、单位超期率过高、暂缓过久\n"
    "  ack 编号 [处理说明]     以本人名义确认发给本单位的告警\n"
    "  migrate                 以数据库所有者身份执行 db/migrations 和服务角色的授权，载入\n"
    "                          regions.districts 所列区的区划和单位，登记 keys.dir 里的密钥\n"
    "                          （数据库所有者的命令：它自己执行 SQL）\n"
    "  keys                    在 keys.dir 里生成各服务和第一位管理员的密钥对（只写文件；已有的不动）\n"
    "  keys new 文件           生成一把自己的密钥对；打印公钥，交给管理员登记\n"
    "  manual [--limit 条数]   待人工派单的工单及自动派单的理由\n"
    "  units [文字]            按代码和名称列出单位（街道办事处、职能部门、纪委监委等）；找到的\n"
    "                          单位里只有一个街道办事处时，也列出它下辖的社区和村；没有这样的单位时，\n"
    "                          列出名称含这段文字的社区和村，及其所属街道办事处和区县\n"
    "  dispatch 工单号 单位 [派单说明或改派原因] [--category 分类]\n"
    "                          人工派单：给等待派单的工单派单，或改派某单位手上的工单（改派须写改派\n"
    "                          原因并记录在案，新单位的时限从此刻算起；已办结待回访或已销号的工单不能改派）；\n"
    "                          --category 同时改正派单建议的分类（名称或代码），协办单位和时限随之；\n"
    "                          改的是单位手上的工单时，时限重新起算，也须写明原因\n"
    "  handback 工单号 退回热线的理由\n"
    "                          退回热线：待人工派单的工单不是本区的事（地址在别的区，或本区没有单位\n"
    "                          办理这类事项），以本人名义退回市热线，理由记入工单；工单状态为已退回热线，\n"
    "                          不再等待派单（派单员）\n"
    "  extend 工单号 新的办结时限 延期理由\n"
    "                          申请延期（主办单位，工单办理中时）：新的办结时限写日期（2026-12-20，当天下班时\n"
    "                          到期）或日期和时间（\"2026-12-20 12:00\"），本市时间，最多比现在的办结时限晚\n"
    "                          assignment.extension_max_days 天（默认 30）；逾期后不能申请；一件工单同一时间\n"
    "                          只能有一份待审核的申请；审核之前时限照常计算\n"
    "  extension approve 工单号 [审核说明], extension reject 工单号 驳回原因\n"
    "                          审核延期申请（派单员；纪委监委审核它办理的作风投诉的，申请人本人除外）：\n"
    "                          批准后办结时限即改为申请的时间，催办、督办、问责预警按新的时限；驳回须写原因\n"
    "  extensions [--limit 条数]\n"
    "                          延期申请：派单员看待审核的，承办单位和纪委监委看本单位的（含审核结果）\n"
    "  accept|resume 工单号, resolve 工单号 [办结说明]\n"
    "                          单位对自己工单的操作（以密钥所属用户的单位身份）：签收、恢复办理、办结\n"
    "  return 工单号 退回原因, progress 工单号 进展说明, wait 工单号 暂缓原因\n"
    "                          单位对自己工单的操作：退回（非本单位职责）、记录进展、暂缓办理（时限暂停计时）\n"
    "  callback 工单号 满意|基本满意|不满意|未接通 [回访记录]\n"
    "                          回访结果（满意、基本满意、不满意）；不满意的工单重新办理；\n"
    "                          打不通或无人接听记 未接通：工单仍待回访，记下第几次，稍后再打\n"
    "                          （回访员；干部作风投诉由办理它的纪委监委回访）\n"
    "  gazetteer add 名称 街道 [--landmark] [--community 社区] [--numbers 起-止] [--replace]\n"
    "  gazetteer remove|restore 名称 [--numbers 起-止]\n"
    "  gazetteer list [文字]   编辑或查看自动派单所用的道路/地标地名表；删去或替换的内置条目\n"
    "                          在恢复之前一直不用\n"
    "  user add|list|disable|enable|key|token|password|move|display|holds|release ...\n"
    "                          谁可以操作、是什么角色、属于哪个单位；暂停网页登录的地址，解除暂停\n"
    "                          （管理员；`jiesu user` 列出选项）\n"
    "  audit [用户名] [--limit 条数]\n"
    "                          管理员的操作记录（谁在何时添加、停用、调整了谁，换了密钥、令牌、密码，改了\n"
    "                          地名表、节假日、派单模型，解除了哪个地址的登录暂停）和网页登录记录，新的在前；\n"
    "                          写用户名（或地址）只看与它有关的（管理员）\n"
    "  learn [文件]            用已标注的导出文件（有诉求内容和类别两列的 CSV 或 XLSX）或已办结的\n"
    "                          工单训练自动派单的文本模型；打印留出五分之一数据上的宏平均 F1\n"
    "                          （管理员、派单员）\n"
    "  holidays [load 文件 | add YYYY-MM-DD 名称 --off|--work | complete 年份 | remove YYYY-MM-DD\n"
    "            | incomplete 年份]\n"
    "                          法定节假日日历（督办预警服务）：每年的天数、是否完整；管理员载入国务院\n"
    "                          通知（holiday-cn JSON），或逐日录入、录完一年后确认它完整（complete），\n"
    "                          删去误存的一天（remove），撤回误下的全年完整（incomplete）；受影响的\n"
    "                          未到期时限重新计算\n"
    "  config                  全部配置项：默认值、允许的值、含义\n"
    "  help [命令]             本说明，或一个命令的（也可写 jiesu 命令 --help）\n";

static const char CONFIG_HELP[] =
    "\n"
    "配置：-c 配置文件，否则读 $JIESU_CONFIG 指向的文件（“键 = 值”行，[节] 标题）；任何键都可用\n"
    "JIESU_<键> 覆盖（pg.conninfo -> JIESU_PG_CONNINFO）；不认识的键或不合法的值会在这里报错并指明。\n"
    "`jiesu config` 列出全部键。\n"
    "退出码：0 成功，1 有任何失败，2 用法错误。\n";

static void usage(FILE *out)
{
    fprintf(out, "用法：jiesu [-c 配置文件] [-k 密钥文件] 命令 [参数...]\n\n命令：\n%s%s", COMMANDS_HELP, CONFIG_HELP);
}

/* 1 if the entry starting at e names command name among the words before
 * its description ("  accept|resume 工单号, return|progress 工单号 文字"). */
static int entry_names(const char *e, const char *name)
{
    size_t n = strlen(name);
    for (const char *w = e + 2; *w && *w != '\n' && strncmp(w, "  ", 2) != 0; w++)
        if ((w == e + 2 || strchr(" |,", w[-1])) && strncmp(w, name, n) == 0 && strchr(" |,\n", w[n]))
            return 1;
    return 0;
}

/* `jiesu CMD --help`, `jiesu help CMD`: the entries of COMMANDS_HELP naming
 * cmd, on out. 0, or -1 when none does. */
static int command_help(const char *cmd, FILE *out)
{
    int found = 0;
    for (const char *e = COMMANDS_HELP; *e;) {
        const char *end = e + 2;
        while ((end = strchr(end, '\n')) && strncmp(end + 1, "   ", 3) == 0)
            end++;
        end = end ? end + 1 : e + strlen(e);
        if (entry_names(e, cmd)) {
            if (!found++)
                fprintf(out, "用法：jiesu [-c 配置文件] [-k 密钥文件] 命令 [参数...]，其中\n");
            fprintf(out, "%.*s", (int)(end - e), e);
        }
        e = end;
    }
    return found ? 0 : -1;
}

/* `jiesu help [CMD]` (argv from "help"): the usage, or CMD's entries, on
 * stdout. A word more is refused as a command refuses one, help's own entry
 * after it. The exit status. */
static int help_main(int argc, char **argv)
{
    if (cli_args_words("help", argc, argv, 0, 1, "") < 0) {
        command_help("help", stderr);
        return 2;
    }
    if (argc < 2)
        usage(stdout);
    else if (command_help(argv[1], stdout) != 0) {
        cli_error("没有命令“%s”（`jiesu help` 列出全部命令）", argv[1]);
        return 2;
    }
    return 0;
}

/* The index in argv[1..argc) of the first "--help" or "-h", or 0. */
static int help_word(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return i;
    return 0;
}

/* `jiesu CMD --help` (argv from CMD, its word at argv[at] "--help" or "-h",
 * anywhere among CMD's words): CMD's entries, on stdout. Any other word is
 * refused as `jiesu help CMD WORD` is ("import --help：多余的参数“foo”",
 * whether foo came before or after it), CMD's entries after it. The exit
 * status. */
static int help_of(int argc, char **argv, int at)
{
    char said[64], *help = argv[at];
    memmove(argv + 2, argv + 1, (size_t)(at - 1) * sizeof *argv);      /* CMD --help, then the others */
    argv[1] = help;
    snprintf(said, sizeof said, "%s %s", argv[0], help);
    if (cli_args_words(said, argc - 1, argv + 1, 0, 0, "") < 0) {
        command_help(argv[0], stderr);
        return 2;
    }
    command_help(argv[0], stdout);
    return 0;
}

int main(int argc, char **argv)
{
    char err[512] = "";
    const char *file = NULL, *key_file = NULL;
    int opt, rc = 2;
    cli_ctx ctx;
    static const struct option LONG[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};

    memset(&ctx, 0, sizeof ctx);
    umask(077);
    while ((opt = getopt_long(argc, argv, "+c:k:h", LONG, NULL)) != -1) {
        if (opt == 'c') {
            file = optarg;
        } else if (opt == 'k') {
            key_file = optarg;
        } else {
            usage(opt == 'h' ? stdout : stderr);
            return opt == 'h' ? 0 : 2;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return 2;
    }
    const char *name = argv[optind];
    if (strcmp(name, "help") == 0)
        return help_main(argc - optind, argv + optind);
    const cli_command *cmd = NULL;
    for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++)
        if (strcmp(COMMANDS[i].name, name) == 0)
            cmd = &COMMANDS[i];
    if (!cmd) {
        cli_error("没有命令“%s”（`jiesu help` 列出全部命令）", name);
        return 2;
    }
    int help_at = help_word(argc - optind, argv + optind);
    if (help_at)
        return help_of(argc - optind, argv + optind, help_at);

    ctx.cfg = config_new();
    if (!ctx.cfg) {
        cli_error("内存不足");
        return 1;
    }
    if ((file ? config_load_file(ctx.cfg, file, err, sizeof err)
              : config_load_env_file(ctx.cfg, err, sizeof err)) < 0 ||
        config_check(ctx.cfg, err, sizeof err) < 0) {
        cli_error("配置：%s", err);
        rc = 1;
        goto cleanup;
    }
    ctx.key_file = key_file ? key_file : config_str(ctx.cfg, "cli.key_file");
    log_init("jiesu", log_level_parse(config_str(ctx.cfg, "cli.log_level")));
    rc = cmd->run(&ctx, argc - optind, argv + optind);
cleanup:
    cli_ctx_close(&ctx);
    config_destroy(&ctx.cfg);
    return rc;
}
