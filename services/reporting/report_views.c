/* report_views.c — the reads people ask the reporting service for
 * ("view.request", common/view.h): one order with its routing reasons,
 * deadlines, alerts and history (`jiesu show`); open alerts (`jiesu alerts`);
 * the manual dispatch queue (`jiesu manual`); the units (`jiesu units`,
 * report_units.c); the requests for more time (`jiesu extensions`,
 * report_extensions.c);
 * the administrators' record (`jiesu audit`, report_audit.c).
 *
 * Every statement keeps only what the asking principal ($1) may see: orders
 * through principal_sees() (migration 010: conduct complaints only to
 * discipline inspection, a unit's own orders to its handlers, a district's
 * to its campaign office), alerts through the unit they are addressed to
 * and, when they are about an order, that order's principal_sees().
 * Names, phones and numbers in free text are masked, and codes named in
 * Chinese (common/names.h), by view.c.
 */
#include "report_views.h"

#include <stdio.h>
#include <stdlib.h>

#include "calendar.h"
#include "civil.h"
#include "db.h"
#include "holidays.h"
#include "names.h"
#include "report_audit.h"
#include "report_deadline.h"
#include "report_extensions.h"
#include "report_units.h"

/* ---- deadlines, in working time ---- */

enum { D_KIND, D_CYCLE, D_UNIT, D_DUE, D_MET, D_DUE_S, D_MET_S, D_PAUSED_S, D_PAUSED, D_NOW_S, D_RUNG, D_NOBODYS,
       D_RESUMED };

/* A deadline not met of an order no unit holds (waiting for routing or in
 * the manual queue, a unit having returned it): nobody's, it does not run
 * and starts again when the order is dispatched, as the lists and the wall
 * board give such an order none. */
#define NOBODYS_DEADLINE "无单位承办，不计时：派单后重新起算"

/* The deadlines with their true state, counted on the official calendar as
 * escalation counts (report_deadline.h). */
static Jiesu__Table *deadlines_table(const config *cfg, PGconn *pg, const view_section *sec, PGresult *res, char *err,
                                     size_t errlen)
{
    static const char *const HEAD[] = {"时限", "轮次", "单位", "到期", "完成", "状态（按工作时间）", "下一级"};
    char state[256], due_text[32];
    int day_minutes = 0;
    calendar *cal = holidays_calendar(pg, cfg, &day_minutes, err, errlen);
    Jiesu__Table *t = cal ? view_table_new(sec->title, sec->align, HEAD, 7) : NULL;
    for (int r = 0; t && r < PQntuples(res); r++) {
        report_deadline d = {.due = strtoll(PQgetvalue(res, r, D_DUE_S), NULL, 10),
                             .met = strtoll(PQgetvalue(res, r, D_MET_S), NULL, 10),
                             .paused = strtoll(PQgetvalue(res, r, D_PAUSED_S), NULL, 10),
                             .paused_text = PQgetvalue(res, r, D_PAUSED),
                             .now = strtoll(PQgetvalue(res, r, D_NOW_S), NULL, 10)};
        int nobodys = *PQgetvalue(res, r, D_NOBODYS) == 't';
        snprintf(due_text, sizeof due_text, "%s", PQgetvalue(res, r, D_DUE));
        if (*PQgetvalue(res, r, D_RESUMED) == 't') {  /* as escalation will have it: report_deadline.h */
            report_deadline_resume(cal, &d);
            civil_format_minute(due_text, sizeof due_text, d.due, config_utc_offset_min(cfg));
        }
        if (nobodys)
            snprintf(state, sizeof state, "%s", NOBODYS_DEADLINE);
        else
            report_deadline_state(state, sizeof state, cal, day_minutes, &d);
        const char *rung = PQgetvalue(res, r, D_RUNG);
        const char *cells[] = {names_deadline(PQgetvalue(res, r, D_KIND)), PQgetvalue(res, r, D_CYCLE),
                               PQgetvalue(res, r, D_UNIT), nobodys ? "—" : due_text,
                               PQgetvalue(res, r, D_MET), state, *rung && !nobodys ? names_rung(rung) : "—"};
        if (!(t = view_table_row(t, cells)))
            snprintf(err, errlen, "out of memory");
    }
    calendar_destroy(&cal);
    return t;
}

/* The category a dispatcher put the order in (分类由市政设施改为垃圾清运), or
 * NULL: a dispatch that changed it records where from (category_from,
 * route_actions.c); routing's own events record the category it routed by
 * (its reasons say how it read it), which is no change of anybody's. */
#define CATEGORY_CHANGE                                                                                        \
    "CASE WHEN e.detail ? 'category_from' THEN"                                                                \
    " ('分类' || coalesce('由' || " REPORT_CATEGORY_NAMED("category_from") ", '') || '改为' || "                  \
    REPORT_CATEGORY_NAMED("category") ") END"

/* Who did an event, as people read them: their display name and, for a
 * person of a unit, the name of the unit they were in then, in （） unless
 * the display name says it already (钟晓梅（中韩街道）, 中韩街道 承办员; a
 * dispatcher 派单员 小赵; a service 自动派单服务), a person moved since
 * named by the unit they did it for (migration 087). */
#define ACTOR_NAMED "actor_named_at(e.actor, e.at)"

/* The alert an acknowledgement ('acked') was of, as people know it: its
 * rung and, for a deadline's, which deadline of which round (督办（办结时限，
 * 第 1 轮）); a pattern alert by its name (重复诉求). Named from names.h's
 * one list, as the 告警 section's 级别 is. */
#define ALERT_NAMED                                                                                        \
    "(SELECT " NAMES_RUNG_SQL("al.rung") " || coalesce('（' || " NAMES_DEADLINE_SQL("d.kind") " || '时限，第 '" \
    "         || al.cycle || ' 轮）', '')"                                                                      \
    "    FROM alerts al LEFT JOIN deadlines d ON d.id = al.deadline_id"                                      \
    "   WHERE al.id = (e.detail->>'alert_id')::bigint)"

/* One order, as `jiesu show` prints it and the workbench's order page shows
 * it (web_order.c): the same sections, the same names, the same masks. */
static const view_section ORDER[] = {
    {"工单", "ll", "-s--npt--------t", 1,
     "SELECT c.ticket_no AS 工单号, c.status AS 状态, to_char(c.updated_at, " REPORT_TIME_FMT ") AS 状态更新,"
     "       call_time(c, " REPORT_TIME_FMT ") AS 来电时间, coalesce(c.caller_name, '') AS 来电人,"
     "       coalesce(c.caller_phone, '') AS " REPORT_PHONE_COLUMN ", c.address AS 地址,"
     "       coalesce(nullif(c.category_raw, ''), '—') AS 热线分类, coalesce(cat.name, '—') AS 分类,"
     "       coalesce(nullif(c.urgency, ''), '一般') AS 紧急程度,"
     "       c.cycle || '（本轮退回 ' || c.returns || ' 次）' AS 轮次,"
     "       coalesce((SELECT i.file_name || ' 第 ' || c.source_row || ' 行（第 ' || i.id || ' 号导入）'"
     "                   FROM imports i WHERE i.id = c.import_id),"
     "                CASE WHEN c.extra->>'source' = 'open311' THEN 'Open311 接口' END, '—') AS 来源,"
     "       coalesce(CASE WHEN (SELECT role FROM principals WHERE id = $1::int) = 'discipline'"
     "                     THEN (SELECT string_agg(coalesce(u.name, coalesce(unit_code_named(a.code), a.code)"
     "                                                     || '（没有登记为单位）'), '、' ORDER BY a.n)"
     "                             FROM unnest(c.accused_units) WITH ORDINALITY AS a(code, n)"
     "                             LEFT JOIN units u ON u.code = a.code) || '（不交其办理）' END,"
     "                '—') AS 被投诉单位,"
     "       coalesce((SELECT '工单 ' || l.ticket_no || ' 的作风问题部分' FROM complaints l WHERE l.id = c.link_id),"
     "                (SELECT '作风问题部分为工单 ' || l.ticket_no || '（纪委监委办理）' FROM complaints l"
     "                  WHERE l.link_id = c.id AND principal_sees($1::int, l.id)), '—') AS 拆分立单,"
     /* the orders a 重复诉求 alert counts (有 3 单…诉求，已合并为一单), those the reader sees */
     "       coalesce((SELECT '已并入工单 ' || p.ticket_no FROM complaints p"
     "                  WHERE p.id = c.parent_id AND principal_sees($1::int, p.id)),"
     "                (SELECT string_agg(k.ticket_no, '、' ORDER BY k.called_at, k.id) || ' 并入本工单（连同本工单共 '"
     "                        || count(*) + 1 || ' 单）'"
     "                   FROM complaints k WHERE k.parent_id = c.id AND principal_sees($1::int, k.id)"
     "                 HAVING count(*) > 0), '—') AS 重复诉求,"
     "       c.content AS 诉求内容"
     "  FROM complaints c LEFT JOIN categories cat ON cat.code = c.category"
     " WHERE c.id = " REPORT_SEEN_ORDER},
    {"派单决定与理由", "lllllll", "o--l--t", 0,
     "SELECT a.role AS 角色, coalesce(u.name, '—') AS 单位,"
     "       coalesce(region_named(a.community_code), region_named(a.street_code), '') AS 地点, a.rule AS 依据,"
     "       to_char(a.score, 'FM0.00') AS 得分, to_char(a.created_at, " REPORT_TIME_FMT ") AS 时间, reasons_read($1::int, a.reasons) AS 理由"
     "  FROM assignments a LEFT JOIN units u ON u.id = a.unit_id"
     " WHERE a.complaint_id = " REPORT_SEEN_ORDER " AND a.active ORDER BY a.id"},
    {"以往派单（退回、重新办理或改派之前）", "lrllll", "o--l-t", 0,
     "SELECT a.role AS 角色, a.cycle AS 轮次, coalesce(u.name, '—') AS 单位, a.rule AS 依据,"
     "       to_char(a.created_at, " REPORT_TIME_FMT ") AS 时间, reasons_read($1::int, a.reasons) AS 理由"
     "  FROM assignments a LEFT JOIN units u ON u.id = a.unit_id"
     " WHERE a.complaint_id = " REPORT_SEEN_ORDER " AND NOT a.active ORDER BY a.id"},
    {"办理时限", "lrlllll", NULL, 0,
     "SELECT d.kind, d.cycle, coalesce(u.name, '—'), to_char(d.due_at, " REPORT_TIME_FMT "),"
     "       coalesce(to_char(d.met_at, " REPORT_TIME_FMT "), '—'),"
     "       extract(epoch FROM d.due_at)::bigint, coalesce(extract(epoch FROM d.met_at)::bigint, 0),"
     "       coalesce(extract(epoch FROM p.at)::bigint, 0), coalesce(to_char(p.at, " REPORT_TIME_FMT "), ''),"
     "       extract(epoch FROM (SELECT esc_now()))::bigint,"
     "       CASE WHEN d.met_at IS NULL THEN coalesce(d.rung_next, '') ELSE '' END,"
     "       d.met_at IS NULL AND d.cycle = c.cycle AND c.status IN ('new', 'manual', 'returned'),"
     "       " REPORT_DEADLINE_RESUMING("d", "c")
     "  FROM deadlines d JOIN complaints c ON c.id = d.complaint_id LEFT JOIN units u ON u.id = d.unit_id"
     /* its clock stopped by a hold a moment ago, or restarted: as the lists read it (report_deadline.h) */
     "  CROSS JOIN LATERAL (SELECT " REPORT_DEADLINE_PAUSED_AT("d", "c") " AS at) p"
     " WHERE d.complaint_id = " REPORT_SEEN_ORDER " ORDER BY d.cycle, d.due_at",
     deadlines_table},
    {REPORT_ORDER_EXTENSIONS_SECTION},
    {"告警", "llllrll", "-r----t", 0,
     "SELECT to_char(al.created_at, " REPORT_TIME_FMT ") AS 时间, al.rung AS 级别, coalesce(u.name, '—') AS 单位,"
     "       coalesce(t.name, " NAMES_ALERT_TARGET_SQL("al.target") ") AS 发给, al.cycle AS 轮次,"
     "       coalesce(person_named_at(al.acked_by, al.acked_at) || ' ' || to_char(al.acked_at, " REPORT_TIME_FMT ") || ' 已确认',"
     "                '未确认') AS 确认,"
     "       al.reason AS 原因"
     "  FROM alerts al LEFT JOIN units u ON u.id = al.unit_id LEFT JOIN units t ON t.id = al.target_unit_id"
     " WHERE al.complaint_id = " REPORT_SEEN_ORDER " AND " VIEW_ALERT_SHOWN("al", VIEW_UNIT_OF("$1")) " ORDER BY al.id"},
    /* 说明: where a dispatch sent the order, its co-handler and the category it put it in
     * (分类由…改为…; a recategorisation, 调整分类, says that first); why routing gave it to a
     * dispatcher (转人工派单: its reasons); a callback's result before what the agent wrote
     * (不满意：第二天又来了); the reason given; the alert acknowledged before what was written with it (催办（签收时限，第 1 轮）：
     * 已安排); what else the action did (the repeats moved with it); the order a repeat was merged
     * into (or, given to discipline inspection since, is no longer: 不再并入工单); the letter a
     * conduct part was split from. Each part there is, one blank between. */
    {"处理记录", "llll", "--et", 0,
     "SELECT to_char(e.at, " REPORT_TIME_FMT ") AS 时间, " ACTOR_NAMED " AS 操作人,"
     "       e.event AS 事件,"
     "       concat_ws(' ', CASE WHEN e.event IN ('routed', 'reassigned', 'recategorised') THEN concat_ws('，',"
     "                        CASE WHEN e.event <> 'recategorised' THEN"
     "                          coalesce('从' || " REPORT_UNIT_NAMED("from_unit") " || '改派', '派') || '给' || "
                                 REPORT_UNIT_NAMED("unit") " END,"
     "                        CASE WHEN e.event = 'recategorised' THEN " CATEGORY_CHANGE " END,"
     "                        '协办单位 ' || " REPORT_UNIT_NAMED("co") ","
     "                        " REPORT_CO_ENDED_NAMED " || '不再协办',"
     "                        CASE WHEN e.event <> 'recategorised' THEN " CATEGORY_CHANGE " END) END,"
     "                 CASE WHEN e.event = 'manual' THEN reasons_read($1::int, e.detail->>'reasons') END,"
     "                 " REPORT_EXTENSION_SAID(REPORT_TIME_FMT) ","
     "                 nullif(concat_ws('：', CASE e.detail->>'result' WHEN 'satisfied' THEN '满意'"
     "                                             WHEN 'basic' THEN '基本满意' WHEN 'unsatisfied' THEN '不满意' END,"
     "                                  nullif(e.detail->>'reason', '')), ''),"
     "                 CASE WHEN e.event = 'acked' THEN concat_ws('：', " ALERT_NAMED ", nullif(e.detail->>'note', ''))"
     "                      ELSE nullif(e.detail->>'note', '') END,"
     "                 CASE e.event WHEN 'unmerged' THEN '不再并入工单 ' ELSE '并入工单 ' END || (e.detail->>'parent_ticket'),"
     "                 '由工单 ' || (SELECT l.ticket_no FROM complaints l"
     "                               WHERE l.id = (e.detail->>'conduct_part_of')::bigint) || ' 拆出的作风问题部分') AS 说明"
     "  FROM complaint_events e"
     " WHERE e.complaint_id = " REPORT_SEEN_ORDER
     "   AND (e.event NOT IN ('alert', 'acked') OR EXISTS (SELECT 1 FROM alerts al"
     "        WHERE al.id = (e.detail->>'alert_id')::bigint AND " VIEW_ALERT_SHOWN("al", VIEW_UNIT_OF("$1")) "))"
     " ORDER BY e.id"},
    /* as the page captions them (web_order.c), with the file's name and size; none: left out */
    {REPORT_PHOTOS_TITLE, "lrlrlll", "-------", 0,
     "SELECT CASE p.kind WHEN 'before' THEN '整改前' ELSE '整改后' END AS 照片, p.cycle AS 轮次,"
     "       p.name AS 文件名, CASE WHEN p.size >= 1048576 THEN to_char(p.size / 1048576.0, 'FM9990.0') || ' MB'"
     "                              ELSE ceil(p.size / 1024.0) || ' KB' END AS 大小,"
     "       left(p.sha256, 12) || '…' AS 校验码, person_named_at(p.uploaded_by, p.created_at) AS 提交人,"
     "       to_char(p.created_at, " REPORT_TIME_FMT ") AS 时间"
     "  FROM photos p WHERE p.complaint_id = " REPORT_SEEN_ORDER " ORDER BY p.cycle, p.kind DESC, p.id",
     NULL, 1},
    {NULL},
};

/* Alerts addressed to the principal's unit, and the remind and supervise
 * rungs about it (accountability and pattern alerts are for their target
 * alone: discipline inspection), about orders it may still see (an order
 * given to discipline inspection since: not); $2 'all' or NULL,
 * $3 rung or NULL, $4 limit. */
#define ALERTS_OF_READER                                                                               \
    "  FROM alerts a LEFT JOIN complaints c ON c.id = a.complaint_id"                                   \
    "  LEFT JOIN units u ON u.id = a.unit_id LEFT JOIN units t ON t.id = a.target_unit_id"              \
    "  JOIN principals p ON p.id = $1::int"                                                             \
    "   AND (p.unit_id = a.target_unit_id OR p.unit_id = a.unit_id AND a.rung IN ('remind', 'supervise'))" \
    " WHERE ($2::text = 'all' OR a.acked_at IS NULL) AND ($3::text IS NULL OR a.rung = $3::text)"      \
    "   AND " VIEW_ALERT_SEEN("$1")
/* The newest of them, and, when the limit left some out, how many there
 * are and how to list them all: a discipline inspection with hundreds of
 * accountability alerts read the newest 50 as if they were all. */
static const view_section ALERTS[] = {
    {"告警", "rlllrlllll", "--r------t", 0,
     "SELECT a.id AS 编号, to_char(a.created_at, 'MM-DD HH24:MI') AS 时间, a.rung AS 级别,"
     "       coalesce(c.ticket_no, u.name, a.subject) AS 事由, a.cycle AS 轮次,"
     "       coalesce(t.name, " NAMES_ALERT_TARGET_SQL("a.target") ") AS 发给,"
     "       coalesce((SELECT string_agg(CASE d.state WHEN 'delivered' THEN '已送达' WHEN 'failed' THEN '送达失败'"
     "                                   ELSE '待送达' END || '（' || d.attempts || ' 次）', ' ' ORDER BY d.id)"
     "                 FROM deliveries d WHERE d.alert_id = a.id), '—') AS 推送,"
     "       coalesce(person_named_at(a.acked_by, a.acked_at) || ' ' || to_char(a.acked_at, 'MM-DD HH24:MI')"
     "                || coalesce('：' || a.ack_note, ''), '未确认') AS 确认,"
     "       coalesce(to_char(a.due_at, 'MM-DD HH24:MI'), '—') AS 到期, a.reason AS 原因"
     ALERTS_OF_READER
     " ORDER BY a.id DESC LIMIT coalesce($4::int, 50)"},
    {"未列出的告警", "l", NULL, 1,
     "SELECT '共 ' || count(*) || ' 条，上面只列出最新的 ' || coalesce($4::int, 50) || ' 条：jiesu alerts'"
     "       || CASE WHEN $2::text = 'all' THEN ' --all' ELSE '' END"
     "       || coalesce(' --rung ' || " NAMES_RUNG_SQL("$3::text") ", '')"
     "       || ' --limit ' || least(count(*), " DB_NUM(VIEW_LIMIT_MAX) ")"
     "       || CASE WHEN count(*) > " DB_NUM(VIEW_LIMIT_MAX) " THEN ' 列出最新的 ' || "
                    DB_NUM(VIEW_LIMIT_MAX) " || ' 条' ELSE ' 列出全部' END AS 告警"
     ALERTS_OF_READER " HAVING count(*) > coalesce($4::int, 50)", NULL, 1},
    {NULL},
};

/* The manual queue: orders a dispatcher must place ($2 limit), and, when
 * the limit left some out, how many are waiting and how to list them all
 * (the workbench's queue says its count above the list). */
#define MANUAL_QUEUE \
    "  FROM complaints c JOIN assignments a ON a.complaint_id = c.id AND a.active AND a.role = 'manual'" \
    "  LEFT JOIN categories cat ON cat.code = c.category" \
    " WHERE c.status = 'manual' AND principal_sees($1::int, c.id)"
static const view_section MANUAL[] = {
    {"待人工派单（特急、紧急的在前，同样紧急的来电早的在前）", "llllllrlrl", "---xx--l-t", 0,
     "SELECT c.ticket_no AS 工单号, call_time(c, " REPORT_TIME_FMT ") AS 来电时间, c.urgency AS 紧急程度,"
     "       left(c.address, " DB_NUM(VIEW_EXCERPT_READ) ") AS 地址, left(c.content, " DB_NUM(VIEW_EXCERPT_READ) ") AS 诉求内容,"
     "       coalesce(cat.name, '—') AS 分类, c.returns AS 退回次数, a.rule AS 依据, to_char(a.score, 'FM0.00') AS 得分,"
     "       reasons_read($1::int, a.reasons) AS 理由"
     MANUAL_QUEUE " ORDER BY " REPORT_URGENCY_RANK("c.urgency") ", c.called_at, c.id LIMIT coalesce($2::int, 50)"},
    {"队列", "l", NULL, 1,
     "SELECT '共 ' || count(*) || ' 件，上面只列出排在最前的 ' || coalesce($2::int, 50) || ' 件：jiesu manual --limit '"
     "       || least(count(*), " DB_NUM(VIEW_LIMIT_MAX) ")"
     "       || CASE WHEN count(*) > " DB_NUM(VIEW_LIMIT_MAX) " THEN ' 列出排在最前的 ' || "
                    DB_NUM(VIEW_LIMIT_MAX) " || ' 件' ELSE ' 列出全部' END AS 待人工派单"
     MANUAL_QUEUE " HAVING count(*) > coalesce($2::int, 50)"},
    {NULL},
};

/* The imports the asking clerk ran, newest first ($2 how many, 20 unless
 * told): the workbench's import page lists them (web_import.c). The state
 * is its code (names_import_status), a failed import's reason intake's
 * words, whole (NULL for the others); of the rows repeated, those
 * repeating a ticket of the file's own are in the rejects file with the
 * rejected ones ('' for an import before migration 055). */
static const view_section IMPORTS[] = {
    {"最近的导入", "lllllrrrrr", NULL, 0,
     "SELECT i.id AS 编号, i.file_name AS 文件, to_char(i.started_at, " REPORT_TIME_FMT ") AS 导入时间,"
     "       i.status AS 状态, CASE WHEN i.status = 'failed' THEN i.error END AS 失败原因,"
     "       i.rows_total AS 共, i.inserted AS 新存, i.duplicates AS 重复,"
     "       i.repeated AS 其中文件里重复, i.rejected AS 拒收"
     "  FROM imports i JOIN principals p ON p.id = $1::int AND i.imported_by = p.name"
     " ORDER BY i.started_at DESC, i.id DESC LIMIT coalesce($2::int, 20)"},
    {NULL},
};

const view_def REPORT_VIEWS[] = {
    {"order", REPORT_ORDER_READERS, 1, 1, "show 工单号", ORDER, "没有您可以查看的工单 %s" REPORT_NOT_SEEN_HINT, NULL},
    {"alerts", AUTH_HANDLER | AUTH_CAMPAIGN | AUTH_DISCIPLINE, 0, 3, "alerts [--all] [--rung 级别] [--limit 条数]",
     ALERTS, NULL, "确认告警：jiesu ack 编号（只能确认“发给”一栏是本单位的告警；发给上级的督办列在这里供知晓）"},
    {"extensions", AUTH_DISPATCHER | AUTH_DISCIPLINE | AUTH_HANDLER, 0, 1, "extensions [--limit 条数]",
     REPORT_EXTENSIONS, NULL, REPORT_EXTENSIONS_NOTE},
    {"manual", AUTH_DISPATCHER, 0, 1, "manual [--limit 条数]", MANUAL, NULL,
     "派单：jiesu dispatch 工单号 单位 [派单说明]（单位写代码或名称，`jiesu units` 列出全部单位）"},
    {"audit", AUTH_ADMIN, 0, 2, "audit [用户名] [--limit 条数]", REPORT_AUDIT, NULL, NULL},
    {"imports", AUTH_CLERK, 0, 1, "imports [--limit 条数]", IMPORTS, NULL, NULL},
    {"units", AUTH_PEOPLE, 0, 1, "units [文字]", REPORT_UNITS, "没有代码或名称含“%s”的单位：换几个字再找，或不带文字列出全部单位", NULL},
    {NULL},
};
