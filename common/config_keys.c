/* config_keys.c — every configuration key, once: type, default, bounds and
 * meaning (in Chinese: the administrators who set them read `jiesu config`),
 * one table per program plus one for what several read (config.h).
 *
 * The README's configuration section is this file printed by
 * config_print_markdown() (`jiesu config`); tests/unit/test_config.c checks
 * that they agree. A key is added here first, then read with config_str/
 * config_long/config_real wherever it is needed.
 */
#include "config.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define TEXT(k, d, m) {k, CONFIG_TEXT, d, 0, 0, NULL, m}
#define CHOICE(k, d, c, m) {k, CONFIG_TEXT, d, 0, 0, c, m}
#define INT(k, d, lo, hi, m) {k, CONFIG_INT, d, lo, hi, NULL, m}
#define REAL(k, d, lo, hi, m) {k, CONFIG_REAL, d, lo, hi, NULL, m}

#define DAY 86400
#define ENDPOINT(svc, title, r, p)                                                  \
    TEXT(svc ".router", "tcp://127.0.0.1:" r, title "接收请求的 ZeroMQ 地址（ROUTER）"), \
        TEXT(svc ".pub", "tcp://127.0.0.1:" p, title "发布事件的 ZeroMQ 地址（PUB）")
#define WEIGHT(rate, name, d) \
    REAL("report.weight." rate, d, 0, 1e9, name "在综合得分中的权重（0：不计入）")

static const config_key SHARED[] = {
    CHOICE("log.level", "info", "debug|info|warn|error", "各服务的日志级别"),
    {"timezone", CONFIG_ZONE, "Asia/Shanghai", 0, 0, NULL,
     "本市的当地时间：按工作时间算的办理时限、报表的日和周、Open311 和告警里的时间"
     "（导入文件里的时间按其导入模板的时区）"},
    TEXT("redis.addr", "127.0.0.1:6379", "Redis 的地址：`主机:端口` 或 `unix:/路径`"),
    TEXT("redis.password_file", "",
         "存放 Redis 密码的文件（权限 0600），第一行是密码；每次连接和重连都用它做 AUTH"),
    TEXT("pg.conninfo", "dbname=jiesu",
         "各服务和 `jiesu` 连接 PostgreSQL 的连接串（服务角色）；密码不要写在里面："
         "用 `passfile=` 指向权限 0600 的 pgpass 文件"),
    TEXT("keys.dir", "var/keys",
         "各服务的 CURVE 密钥对（`<服务>.key`，0600）、公钥（`<服务>.pub`）和第一位管理员的密钥（`admin.key`）"
         "所在的目录；`jiesu keys` 生成它们，`jiesu migrate` 登记它们"),
    TEXT("data.dir", "data", "随附数据的目录（区划、节假日、区界、导入模板、派单数据）"),
    TEXT("regions.districts", "370212",
         "本系统服务的区，国家统计局区划代码，多个用逗号隔开（默认崂山区；地名库也有市南区 370202）"),
    TEXT("calendar.day_start", "08:30", "工作日上班时间，办理时限从这里算起（时:分）"),
    TEXT("calendar.day_end", "17:30", "工作日下班时间（时:分）"),
    TEXT("queue.route_stream", "jiesu:route", "待派单工单的 Redis 流"),
    TEXT("queue.route_group", "assignment", "派单流的消费组"),
    TEXT("timers.key", "jiesu:timers",
         "计时器的有序集合：`r<时限编号>` 是时限的下一级督办，只有编号的请督办预警服务安排它"),
    TEXT("auth.delegates", "reporting",
         "可以代已登录的人办事的服务（`Envelope.on_behalf`），多个用逗号隔开"),
    ENDPOINT("intake", "工单受理服务", "7101", "7102"),
    ENDPOINT("assignment", "自动派单服务", "7111", "7112"),
    ENDPOINT("escalation", "督办预警服务", "7121", "7122"),
    ENDPOINT("reporting", "报表服务", "7131", "7132"),
    INT("http.threads", "4", 1, 64, "报表服务应答 HTTP（看板、工作台和 JSON）的线程数"),
    INT("http.max_connections", "256", 1, 65536, "同时打开的 HTTP 连接最多几个"),
    INT("http.per_ip_connections", "32", 1, 65536,
        "来自同一地址的 HTTP 连接最多几个（按连接另一端的地址：在反向代理后面，所有人的连接都是代理的，"
        "要调大到代理同时开的连接数）"),
    INT("http.per_ip_busy", "2", 1, 65536,
        "同一地址同时被应答的 HTTP 请求最多几个（按客户的地址，可信的反向代理后面按它转来的地址）"),
    {"http.trusted_proxies", CONFIG_ADDRS, "", 0, 0, NULL,
     "可信的反向代理（如在服务前面提供 HTTPS 的 nginx）：从它们来的请求，按 `X-Forwarded-For` 里代理记下的地址"
     "认客户（登录失败按地址计数、同一地址同时被应答的请求、日志和登录记录都用它）；空：谁的 `X-Forwarded-For` 都不信"},
    INT("http.idle_timeout_seconds", "10", 1, 3600, "空闲的 HTTP 连接过这么多秒关闭"),
    INT("http.request_timeout_seconds", "30", 1, 3600, "这么多秒内没有收全的请求被丢弃"),
    INT("http.connection_memory_kib", "32", 8, 1024, "一个 HTTP 连接的请求可用的内存（KiB）"),
};

static const config_key INTAKE[] = {
    TEXT("intake.http_addr", "127.0.0.1:7103",
         "工单受理服务接收 Open311 `POST /requests.json` 和 `GET /services.json` 的地址（`off`：不接收）"),
    INT("intake.open311_threads", "16", 1, 64,
        "应答 Open311 的线程数，每个线程有自己的 PostgreSQL 连接（启动时打开）"),
    INT("intake.open311_rate_per_minute", "60", 1, 1000000,
        "一个 API 密钥每分钟最多提交几次 Open311 POST，除非它的用户另有 `rate_per_minute`"),
    TEXT("intake.rejects_dir", "var/rejects",
         "拒收明细文件写在哪个目录（工单受理服务的机器上，目录 0700，文件 0600，启动时把更宽的改回来；"
         "`jiesu import` 再取回到话务员的机器，工作台的导入页供话务员下载）"),
    TEXT("intake.spool_dir", "var/spool",
         "话务员发来的文件在导入前存放在哪个目录（目录 0700，文件 0600；导入中途被杀掉留下的文件，下次启动时删除）"),
    INT("intake.max_upload_bytes", "4294967296", 1, 1e15, "话务员发来的文件最大多少字节"),
    INT("intake.batch_rows", "50000", 1, 10000000,
        "每批 COPY 的行数（每批一个事务；每批的 COPY 文本最多 64 MiB）"),
    INT("intake.max_field_chars", "32767", 1, 10000000, "一个字段超过这么多字符，这一行拒收（Excel 单元格的上限）"),
    TEXT("intake.profiles_dir", "",
         "导入模板（`名称.conf`）所在的目录；空：`<data.dir>/profiles`（自动派单服务的 `jiesu learn 文件` 也按这里的模板读文件）"),
};

static const config_key ASSIGNMENT[] = {
    TEXT("geo.dir", "", "区界（DataV GeoJSON）所在的目录；空：`<data.dir>/geo`"),
    INT("assignment.claim_idle_ms", "30000", 1, 86400000, "停掉的派单进程手里空闲这么多毫秒的流条目，由别的进程接手"),
    INT("assignment.batch", "500", 1, 100000, "一批派单取几个流条目（一个事务）"),
    REAL("assignment.min_score", "0.6", 0, 1, "派单判断的得分低于它，工单转人工派单"),
    REAL("assignment.min_category_prob", "0.5", 0, 1,
         "文本模型给出的概率低于它（又没有更有把握的词典词），类别留给派单员定"),
    INT("assignment.max_returns", "3", 1, 1000, "一轮办理中退单这么多次后，工单转人工裁定"),
    INT("assignment.reload_seconds", "60", 1, DAY,
        "派单旁的线程每隔这么多秒重读它用的表（地名库、类别、模型、从历史学到的地点、督办级别）"),
    INT("assignment.reconcile_seconds", "60", 1, DAY, "每隔这么多秒重读 PostgreSQL，找回队列里丢失的工单"),
    INT("assignment.reconcile_min_age_seconds", "10", 0, DAY,
        "最后一次变动这么多秒后仍是新建（`new`）或已退回（`returned`）的工单，重新放回派单队列"),
    INT("assignment.photo_max_bytes", "4194304", 1, 1e9, "自动派单服务随办结保存的照片最大多少字节"),
    INT("assignment.photo_max_count", "9", 2, 100,
        "一次办结最多附几张照片（整改前后合计；工作台的表单整改前、整改后各一张，所以至少 2）；多了整个办结被拒绝，什么也不记"),
    INT("assignment.extension_max_days", "30", 1, 366,
        "申请延期（`jiesu extend`、工单页的申请延期）最多把办结时限延后几天（自然日，从现在的办结时限算起）；"
        "更晚的申请被拒绝并说明最多延至哪一天"),
    INT("deadline.accept_seconds", "0", 0, 366 * DAY,
        "大于 0 时，签收时限一律是派单后这么多秒（自然时间，用于测试、演练）；0：按工作时间"),
    INT("deadline.resolve_seconds", "0", 0, 366 * DAY,
        "大于 0 时，办结时限一律是派单后这么多秒（自然时间）；0：按工作时间"),
    INT("deadline.default_accept_minutes", "120", 1, 100000, "类别不明的工单的签收时限（工作分钟）"),
    REAL("deadline.default_resolve_days", "3", 0.01, 1000, "类别不明的工单的办结时限（工作日）"),
};

static const config_key ESCALATION[] = {
    TEXT("escalation.webhook_url", "",
         "告警对象单位没有 `units.webhook_url` 时，告警发到这里；空：只保存不发送"),
    INT("escalation.webhook_timeout_ms", "5000", 100, 600000, "一次 POST 的时限（毫秒）"),
    INT("escalation.webhook_max_attempts", "8", 1, 100, "POST 失败这么多次后，这次投递记为失败（`failed`）"),
    INT("escalation.webhook_backoff_ms", "1000", 1, 86400000, "第 n 次失败后等待 backoff × 2^(n−1) 毫秒……"),
    INT("escalation.webhook_max_backoff_ms", "600000", 1, 86400000, "……最多等这么多毫秒"),
    INT("escalation.webhook_senders", "4", 1, 64,
        "一个进程同时投递几条告警，每条用自己的 PostgreSQL 连接；同一地址同时只投一条（跨进程也是）"),
    TEXT("escalation.smtp_url", "", "通知渠道是 `mailto:` 的单位所用的邮件服务器（`smtp://主机:25`、`smtps://…`）"),
    TEXT("escalation.smtp_from", "jiesu@localhost", "这些邮件的发件人"),
    INT("escalation.reconcile_seconds", "30", 1, DAY, "每隔这么多秒重读 PostgreSQL，找回丢失的计时器"),
    INT("escalation.patterns_seconds", "60", 1, 7 * DAY, "每隔这么多秒查一次重复投诉、反弹等规律"),
    INT("escalation.repeat_count", "3", 2, 1000,
        "时间窗内同一地址同一类别的工单达到这么多件：合并，发出重复投诉（`repeat`）告警"),
    INT("escalation.repeat_window_days", "7", 1, 366, "重复投诉（`repeat`）的时间窗（天）"),
    INT("escalation.rebound_window_days", "30", 1, 366,
        "同一地点同一类别的工单办结后这么多天内又来：反弹（`rebound`）"),
    INT("escalation.bounce_count", "3", 1, 1000, "一件工单退单加重办达到这么多次，发出反复退办（`bounce`）告警"),
    REAL("escalation.unit_overdue_rate", "0.3", 0, 1,
         "一个单位近 7 天到期的时限中超期的比例超过它：单位超期（`unit_overdue`）告警……"),
    INT("escalation.unit_overdue_min", "10", 1, 1000000, "……到期的时限至少要有这么多个"),
    INT("escalation.hold_alert_days", "5", 1, 366,
        "一件工单暂缓办理满这么多个工作日仍未恢复：向创城办发出暂缓过久（`long_wait`）告警，每次暂缓一次"),
};

static const config_key REPORTING[] = {
    TEXT("report.http_addr", "127.0.0.1:7133",
         "报表服务提供看板、JSON 和 Open311 的地址（`off`：不提供）"),
    INT("report.trend_weeks", "8", 1, 26, "看板的趋势图显示几周的综合得分"),
    WEIGHT("response", "响应率", "20"),
    WEIGHT("resolution", "解决率", "20"),
    WEIGHT("satisfaction", "满意率", "30"),
    WEIGHT("rectification", "整改率", "30"),
    WEIGHT("return", "退单率", "0"),
    WEIGHT("repeat", "重复率", "0"),
    INT("report.flag_red", "1", 0, 1000, "同类参加排名的单位中，排在它后面的少于这个数，标红"),
    INT("report.flag_yellow", "2", 0, 1000, "……少于 `flag_red + flag_yellow` 个，标黄（见 README 的 Metrics 一节）"),
    INT("report.min_cases", "10", 1, 1000000,
        "件数不到这么多的比率只作展示，不参与排名，在综合得分中按同类单位合计的比率计（样本不足）"),
    INT("web.lockout_failures", "5", 1, 100, "连续输错几次密码锁定账号"),
    INT("web.lockout_minutes", "15", 1, 7 * 1440, "锁定多少分钟"),
    INT("web.session_minutes", "480", 1, 30 * 1440, "登录后多少分钟内有效"),
    INT("web.signin_address_failures", "20", 1, 100000,
        "同一地址（不论哪个账号）登录失败几次后暂停受理从它的登录（防有人逐个账号试密码）"),
    INT("web.signin_address_minutes", "15", 1, 7 * 1440,
        "……在第一次失败后多少分钟内；暂停也是这么多分钟"),
    INT("web.photo_max_bytes", "4194304", 1024, 6 << 20,
        "工作台接收的照片最大多少字节（处理前、处理后两张放在一条总线消息里）"),
    INT("web.bus_timeout_ms", "10000", 100, 600000, "工作台等执行办理操作的服务答复多少毫秒"),
    INT("web.connect_seconds", "3", 1, 600,
        "等那个服务接受连接多少秒，过了就说它没有运行"),
    INT("web.import_max_bytes", "536870912", 1024, 1e15,
        "话务员在工作台“导入文件”页上传的文件最大多少字节（更大的文件用 `jiesu import` 导入，它的上限是 `intake.max_upload_bytes`）"),
    INT("web.import_timeout_seconds", "1800", 1, 604800,
        "工作台导入文件时，工单受理服务多少秒没有进度报告就不再等（页面说去最近导入里看结果）"),
    INT("web.cookie_secure", "0", 0, 1, "`1`：Cookie 标记为 Secure（须在服务前面用 HTTPS 提供）"),
};

static const config_key CLI[] = {
    CHOICE("cli.log_level", "error", "debug|info|warn|error",
           "`jiesu` 命令自己写到 stderr 的日志（英文，供排查问题；warn：连调用的重试也记）"),
    TEXT("cli.key_file", "", "没有给 `-k 密钥文件` 时 `jiesu` 用的密钥"),
    TEXT("cli.on_behalf", "", "命令代其办事的人的会话或 API 令牌（`Envelope.on_behalf`）"),
    INT("cli.timeout_seconds", "5", 1, DAY, "`jiesu` 等服务答复多少秒"),
    INT("cli.import_timeout_seconds", "1800", 1, 7 * DAY, "导入时，多少秒没有进度报告就不再等"),
    INT("cli.learn_timeout_seconds", "600", 1, 7 * DAY, "一次训练最多多少秒"),
    INT("cli.connect_seconds", "10", 0, 3600, "`jiesu` 等服务接受连接多少秒"),
    TEXT("pg.owner_conninfo", "", "数据库所有者的连接串，只有 `jiesu migrate` 用；空：用 `pg.conninfo`"),
    TEXT("pg.service_role", "",
         "`jiesu migrate` 把各服务的权限授予哪个角色；空：`pg.conninfo` 里的 `user`"),
    TEXT("db.migrations_dir", "db/migrations", "`jiesu migrate` 执行的数据库迁移所在的目录"),
    TEXT("db.grants_file", "", "`jiesu migrate` 每次都执行的授权文件；空：`<db.migrations_dir>/../grants.sql`"),
    TEXT("calendar.dir", "",
         "`jiesu migrate` 存入 `holidays` 表的国务院节假日安排（holiday-cn JSON）所在的目录；空：`<data.dir>/holidays`"),
};

const config_table CONFIG_TABLES[] = {
    {"每个程序", SHARED, N(SHARED)},
    {"jiesu-intake（工单受理服务）", INTAKE, N(INTAKE)},
    {"jiesu-assignment（自动派单服务）", ASSIGNMENT, N(ASSIGNMENT)},
    {"jiesu-escalation（督办预警服务）", ESCALATION, N(ESCALATION)},
    {"jiesu-reporting（报表服务）", REPORTING, N(REPORTING)},
    {"jiesu（命令行工具）", CLI, N(CLI)},
};
const size_t CONFIG_NTABLES = N(CONFIG_TABLES);

const config_retired CONFIG_RETIRED[] = {
    {"intake.utc_offset_minutes", "timezone"},
    {"escalation.utc_offset_minutes", "timezone"},
    {"calendar.utc_offset_minutes", "timezone"},
    {"report.timezone", "timezone"},
};
const size_t CONFIG_NRETIRED = N(CONFIG_RETIRED);
