/* web_board.c — the wall board: overdue orders and open alerts by unit, as
 * JSON, and the dashboard's frame and script that show it (see web_board.h).
 *
 * One statement reads everything, so the counts and the lists are of the
 * same instant: rows of section 'unit' (the counts), 'order' and 'alert'
 * (the lists, the first WEB_BOARD_ROWS of each), 'queue' (orders with no
 * unit yet) and 'now'. The script draws only with textContent, so nothing
 * from the database is ever read as HTML.
 */
#include "web_board.h"

#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "names.h"
#include "report_deadline.h"
#include "report_json.h"
#include "report_query.h"
#include "report_views.h"
#include "text.h"
#include "web_html.h"

#define JSON_TYPE "application/json; charset=utf-8"
#define WEB_BOARD_SECONDS 10        /* a read that takes longer is stopped (a thread and a connection each) */
#define BOARD_LIMIT_SQL "SET LOCAL statement_timeout = " DB_NUM(WEB_BOARD_SECONDS) "000"

#define SEEN_AMONG(ids) WEB_SEEN_AMONG("$2", ids)     /* of orders ids, those the reader may read */
#define OPEN_ALERTS_ORDERS "SELECT complaint_id FROM alerts WHERE acked_at IS NULL AND complaint_id IS NOT NULL"
#define QUEUE_STATUSES "status IN ('manual', 'new', 'returned')"

/* $1 districts, $2 principal, $3 the one unit's code (a handler) or NULL.
 * Columns: section, code or ticket, unit name, kind or category, deadline
 * kind or rung, n1 (overdue; due at; alert id; manual), n2 (alerts; paused
 * at, of an order's deadline back at work a moment ago, else 0; unrouted),
 * time text, order within the section, the deadline kind an alert climbed
 * (NULL for a pattern alert's: 重复诉求 …). */
static const char SQL_BOARD[] =
    "WITH " REPORT_UNITS_IN_SCOPE ", me AS (SELECT unit_id FROM principals WHERE id = $2::int),"
    " od0 AS MATERIALIZED ("          /* each open order's earliest overdue deadline, before asking whether */
    "    SELECT c.id, c.ticket_no, c.category, c.category_raw, d.kind, d.due_at, d.paused_at, d.unit_id"
    "      FROM complaints c CROSS JOIN LATERAL ("      /* the reader sees it; its unit: the one it counts for */
    "           SELECT dl.kind, dl.due_at, dl.counts_for AS unit_id,"       /* (deadlines_counted); its clock */
    "                  CASE WHEN " REPORT_DEADLINE_RESUMING("dl", "c") " THEN dl.paused_at END AS paused_at"
    "             FROM deadlines_counted dl"      /* read as the order page reads it (report_deadline.h) */
    "            WHERE dl.complaint_id = c.id AND dl.cycle = c.cycle AND " REPORT_DEADLINE_OVERDUE("dl", "c")
    "            ORDER BY dl.due_at LIMIT 1) d"
    "     WHERE c.status IN " NAMES_HELD_SQL
    "), od AS MATERIALIZED ("
    "    SELECT id, ticket_no, category, category_raw, kind, due_at, paused_at, unit_id"
    "      FROM od0 WHERE id IN " SEEN_AMONG("SELECT id FROM od0")
    "), al AS MATERIALIZED ("   /* about orders: an alert about a unit counts for none (alerts_counted) */
    "    SELECT a.id, a.rung, a.created_at, c.ticket_no, c.category, c.category_raw,"
    "           a.counts_for AS unit_id, (SELECT d.kind FROM deadlines d WHERE d.id = a.deadline_id) AS deadline"
    "      FROM alerts_counted a JOIN complaints c ON c.id = a.complaint_id"
    "     WHERE a.acked_at IS NULL AND a.complaint_id IN " SEEN_AMONG(OPEN_ALERTS_ORDERS)
    "       AND " VIEW_ALERT_SHOWN("a", "(SELECT unit_id FROM me)")
    "), x AS ("
    "    SELECT 'order' AS s, id, ticket_no, category, category_raw, kind AS what, due_at AS at, unit_id,"
    "           NULL AS deadline, paused_at FROM od"
    "    UNION ALL"
    "    SELECT 'alert', id, ticket_no, category, category_raw, rung, created_at, unit_id, deadline, NULL FROM al"
    "), xu AS ("
    "    SELECT x.*, un.code, un.name AS unit_name, un.kind AS unit_kind,"
    "           coalesce(k.name, nullif(x.category_raw, ''), '未分类') AS category_name,"
    "           row_number() OVER (PARTITION BY x.s ORDER BY array_position(ARRAY['accountability', 'supervise'],"
    "                              x.what) NULLS LAST, x.at, x.id) AS rn"
    "      FROM x LEFT JOIN units un ON un.id = x.unit_id LEFT JOIN categories k ON k.code = x.category"
    "     WHERE $3::text IS NULL OR un.code = $3"
    "), n AS ("
    "    SELECT coalesce(code, '') AS code, coalesce(unit_name, '未定单位') AS name, coalesce(unit_kind, '') AS kind,"
    "           count(*) FILTER (WHERE s = 'order') AS overdue, count(*) FILTER (WHERE s = 'alert') AS alerts"
    "      FROM (SELECT s, code, unit_name, unit_kind FROM xu"
    "            UNION ALL SELECT 'unit', code, name, kind FROM u WHERE $3::text IS NULL OR code = $3) y"
    "     GROUP BY 1, 2, 3"
    ")"
    "SELECT 'unit', code, name, kind, '', overdue, alerts, '',"
    "       row_number() OVER (ORDER BY overdue DESC, alerts DESC, kind <> 'street', code), NULL FROM n"
    " UNION ALL"
    " SELECT s, ticket_no, coalesce(unit_name, '未定单位'), category_name, what,"
    "        CASE s WHEN 'order' THEN extract(epoch FROM at)::bigint ELSE id END,"
    "        coalesce(extract(epoch FROM paused_at)::bigint, 0), to_char(at, 'MM-DD HH24:MI'), rn,"
    "        deadline"
    "   FROM xu WHERE rn <= " DB_NUM(WEB_BOARD_ROWS)
    " UNION ALL"
    " SELECT 'queue', '', '', '', '', count(*) FILTER (WHERE status = 'manual'), count(*) FILTER (WHERE status <> 'manual'),"
    "        '', 0, NULL FROM complaints"
    "  WHERE $3::text IS NULL AND " QUEUE_STATUSES " AND id IN " SEEN_AMONG("SELECT id FROM complaints WHERE " QUEUE_STATUSES)
    " HAVING $3::text IS NULL"
    " UNION ALL"
    " SELECT 'now', '', '', '', '', extract(epoch FROM esc_now())::bigint, 0, to_char(now(), 'HH24:MI:SS'), 0, NULL"
    " ORDER BY 1, 9";
enum { B_SECTION, B_KEY, B_UNIT, B_KIND, B_WHAT, B_N1, B_N2, B_TIME, B_RANK, B_DEADLINE };

static const char *col(const PGresult *res, int r, int c)
{
    return PQgetvalue(res, r, c);
}

static long long num(const PGresult *res, int r, int c)
{
    return strtoll(PQgetvalue(res, r, c), NULL, 10);
}

/* A "key": "value" pair, after a comma unless first. */
static void pair(FILE *f, const char *key, const char *value, int first)
{
    fprintf(f, "%s\"%s\": ", first ? "" : ", ", key);
    report_json_string(f, value);
}

/* The rows of one section as a JSON array, each written by one(). */
static void section(FILE *f, const PGresult *res, const char *name, const web_work *w, long long now,
                    void (*one)(FILE *, const PGresult *, int, const web_work *, long long))
{
    int first = 1;
    fputc('[', f);
    for (int r = 0; r < PQntuples(res); r++) {
        if (strcmp(col(res, r, B_SECTION), name) != 0)
            continue;
        fputs(first ? "\n  {" : ",\n  {", f);
        one(f, res, r, w, now);
        fputc('}', f);
        first = 0;
    }
    fputc(']', f);
}

/* A unit's row; its "orders", the workbench's list of the unit's overdue
 * orders (what its 超期工单 counts), which the page links its name to:
 * none for 未定单位, no unit's. */
static void unit_row(FILE *f, const PGresult *res, int r, const web_work *w, long long now)
{
    char url[256];
    (void)w;
    (void)now;
    pair(f, "code", col(res, r, B_KEY), 1);
    pair(f, "name", col(res, r, B_UNIT), 0);
    pair(f, "kind", col(res, r, B_KIND), 0);
    fprintf(f, ", \"overdue\": %lld, \"alerts\": %lld", num(res, r, B_N1), num(res, r, B_N2));
    if (*col(res, r, B_KEY)) {
        text_url_encode(url, sizeof url, col(res, r, B_KEY));
        fprintf(f, ", \"orders\": \"/work?unit=%s&overdue=1\"", url);
    }
}

/* An overdue deadline's due time: as read, or, back at work a moment ago,
 * as escalation will have it once it restarts the clock (report_deadline.h),
 * in local time "MM-DD HH:MI" (due_at, 12 bytes and more). */
static long long due_of(const PGresult *res, int r, const web_work *w, long long now, char *due_at, size_t cap)
{
    report_deadline d = {.due = num(res, r, B_N1), .paused = num(res, r, B_N2), .now = now};
    char local[32];
    if (!d.paused) {
        snprintf(due_at, cap, "%s", col(res, r, B_TIME));
        return d.due;
    }
    report_deadline_resume(w->cal, &d);
    civil_format_minute(local, sizeof local, d.due, config_utc_offset_min(w->cfg));
    snprintf(due_at, cap, "%s", local + 5);     /* without the year, as the rows read ("YYYY-MM-DD HH:MI") */
    return d.due;
}

static void order_row(FILE *f, const PGresult *res, int r, const web_work *w, long long now)
{
    char span[64], due_at[32];
    long long seconds = calendar_work_seconds_between(w->cal, due_of(res, r, w, now, due_at, sizeof due_at), now);
    report_deadline_span(span, sizeof span, seconds, w->day_minutes);
    pair(f, "ticket", col(res, r, B_KEY), 1);
    pair(f, "unit", col(res, r, B_UNIT), 0);
    pair(f, "category", col(res, r, B_KIND), 0);
    pair(f, "deadline", names_deadline(col(res, r, B_WHAT)), 0);
    pair(f, "due_at", due_at, 0);
    pair(f, "overdue_for", span, 0);
    fprintf(f, ", \"overdue_minutes\": %lld", seconds / 60);
}

static void alert_row(FILE *f, const PGresult *res, int r, const web_work *w, long long now)
{
    (void)w;
    (void)now;
    fprintf(f, "\"id\": %lld", num(res, r, B_N1));
    pair(f, "ticket", col(res, r, B_KEY), 0);
    pair(f, "unit", col(res, r, B_UNIT), 0);
    pair(f, "category", col(res, r, B_KIND), 0);
    pair(f, "rung", col(res, r, B_WHAT), 0);
    pair(f, "rung_name", names_rung(col(res, r, B_WHAT)), 0);
    pair(f, "deadline", PQgetisnull(res, r, B_DEADLINE) ? "—" : names_deadline(col(res, r, B_DEADLINE)), 0);
    pair(f, "raised_at", col(res, r, B_TIME), 0);
}

/* The row of a section that has one ('now', 'queue'), or -1. */
static int single(const PGresult *res, const char *name)
{
    for (int r = 0; r < PQntuples(res); r++)
        if (strcmp(col(res, r, B_SECTION), name) == 0)
            return r;
    return -1;
}

static void board_json(FILE *f, const web_work *w, const PGresult *res)
{
    long long overdue = 0, alerts = 0;
    int at = single(res, "now"), queue = single(res, "queue");
    long long now = at >= 0 ? num(res, at, B_N1) : 0;
    for (int r = 0; r < PQntuples(res); r++)
        if (strcmp(col(res, r, B_SECTION), "unit") == 0) {
            overdue += num(res, r, B_N1);
            alerts += num(res, r, B_N2);
        }
    fputs("{", f);
    pair(f, "updated_at", at >= 0 ? col(res, at, B_TIME) : "", 1);
    fprintf(f, ", \"overdue_total\": %lld, \"alerts_total\": %lld, \"listed_max\": %d, \"queue\": ", overdue, alerts,
            WEB_BOARD_ROWS);
    if (queue >= 0)
        fprintf(f, "{\"manual\": %lld, \"unrouted\": %lld}", num(res, queue, B_N1), num(res, queue, B_N2));
    else
        fputs("null", f);
    fputs(",\n\"units\": ", f);
    section(f, res, "unit", w, now, unit_row);
    fputs(",\n\"overdue\": ", f);
    section(f, res, "order", w, now, order_row);
    fputs(",\n\"alerts\": ", f);
    section(f, res, "alert", w, now, alert_row);
    fputs("}\n", f);
}

/* What went wrong, for the page: a read that ran out of time says why;
 * any other failure what to do (why is in the log). */
static void board_error(FILE *f, const PGresult *res)
{
    fputs("{\"error\": ", f);
    if (db_failed_with(res, DB_QUERY_CANCELED))
        report_json_string(f, "看板统计超过 " DB_NUM(WEB_BOARD_SECONDS) " 秒（超期工单过多），已停止；"
                              "请按街道查看 jiesu daily，或稍后再试");
    else
        report_json_string(f, "暂时无法读取看板，" WEB_READ_LATER);
    fputs("}\n", f);
}

void web_board_json(const web_work *w, PGconn *pg, const web_user *u, const web_scope *sc, http_response *resp)
{
    char who[16];
    snprintf(who, sizeof who, "%d", u->who.id);
    const char *params[] = {sc->districts, who, *sc->unit ? sc->unit : NULL};
    PGresult *res = NULL;
    char err[512] = "";
    if (db_begin(pg, err, sizeof err) == 0 && db_exec(pg, BOARD_LIMIT_SQL, err, sizeof err) == 0)
        res = PQexecParams(pg, SQL_BOARD, 3, NULL, params, NULL, NULL, 0);
    int ok = res && PQresultStatus(res) == PGRES_TUPLES_OK;
    if (!ok)
        log_warn("the wall board for %s: %s", u->who.name, *err ? err : db_error(pg, err, sizeof err));
    http_body m;
    FILE *f = http_body_open(&m);
    if (f && ok)
        board_json(f, w, res);
    else if (f)
        board_error(f, res);
    db_rollback(pg);                /* it only read */
    http_body_reply(&m, resp, ok ? 200 : 503, JSON_TYPE);
    PQclear(res);
}

/* Wide screens (a wall at 1920×1080) get large type and the two lists beside
 * the counts; a phone gets one column, each table scrolling inside itself. */
static const char BOARD_CSS[] =
    "#board{margin:12px 0 24px}#board h2{margin-top:8px}"
    "#board .updated{font-size:15px;color:#555;margin:4px 0}#board .updated.stale{color:#c0392b;font-weight:bold}"
    "#board .totals{display:flex;flex-wrap:wrap;gap:12px;margin:8px 0}"
    "#board .total{background:#fff;border:1px solid #ddd;border-radius:6px;padding:8px 16px;min-width:7em}"
    "#board .total b{display:block;font-size:2.2em;line-height:1.1;color:#c0392b}"
    "#board .total.clear b{color:#2e8b57}"
    "#board .lists{display:grid;grid-template-columns:minmax(0,1fr);gap:16px}"
    "#board .wide{overflow-x:auto;max-width:100%}"
    "#board table{width:100%;font-size:15px}#board td.n,#board th.n{text-align:right}"
    "#board tr.hot td{background:#ffc7ce}#board td.t,#board th.t{text-align:left}"
    "#board tfoot td{font-weight:bold;background:#f2f2f2}"
    "#board td,#board th{white-space:nowrap}#board table.units td.t{white-space:normal}"
    "@media (min-width:1200px){#board .lists{grid-template-columns:minmax(0,1fr) minmax(0,2.2fr)}}"
    "@media (min-width:1600px){#board{font-size:22px}#board table{font-size:22px}#board .updated{font-size:20px}"
    "#board h2{font-size:30px}#board h3{font-size:24px}}";

/* Draws /api/board into the frame; keeps the last figures and says so when a
 * read fails; asks to sign in again when the session has ended. */
static const char BOARD_JS[] =
    "(function(){"
    "var box=document.getElementById('board'),every=Number(box.dataset.refresh)*1000,"
    "said=box.querySelector('.updated');"
    /* a cell [text, class, link]: a unit's name links to its overdue orders, a ticket to its page */
    "function row(tbody,cells,cls){var tr=document.createElement('tr');if(cls)tr.className=cls;"
    "cells.forEach(function(c){var td=document.createElement('td'),to=td;if(c[2]){to=document.createElement('a');"
    "to.href=c[2];td.appendChild(to);}to.textContent=String(c[0]);"
    "td.className=c[1]||'t';tr.appendChild(td);});tbody.appendChild(tr);return tr;}"
    "function order(t){return t?'/work/order?t='+encodeURIComponent(t):'';}"
    "function table(name,rows,none,cells,hot){var body=box.querySelector('table.'+name+' tbody');"
    "body.replaceChildren();rows.forEach(function(r){var tr=row(body,cells(r),hot&&hot(r)?'hot':'');"
    "if(r.code!==undefined)tr.dataset.unit=r.code;});"
    "if(!rows.length)row(body,[[none]]).firstChild.colSpan=body.parentNode.rows[0].cells.length;}"
    "function total(name,n,label){var t=box.querySelector('.total.'+name);t.className='total '+name+(n?'':' clear');"
    "t.querySelector('b').textContent=n;t.querySelector('span').textContent=label;}"
    "function show(d){"
    "total('overdue',d.overdue_total,'超期工单');total('alerts',d.alerts_total,'未确认告警');"
    "table('units',d.units,'无',function(u){return[[u.name,'t',u.orders],[u.overdue,'n overdue'],[u.alerts,'n alerts']];},"
    "function(u){return u.overdue>0;});"
    "var foot=box.querySelector('table.units tfoot');foot.replaceChildren();"
    "row(foot,[['合计'],[d.overdue_total,'n'],[d.alerts_total,'n']]);"
    "box.querySelector('.queue').textContent=d.queue?'尚无承办单位（不计超期）：待人工派单 '+d.queue.manual+"
    "' 件，尚未派单 '+d.queue.unrouted+' 件。':'';"
    "table('overdue',d.overdue,'当前无超期工单',function(o){return[[o.ticket,'t',order(o.ticket)],[o.unit],[o.overdue_for,'n'],"
    "[o.category],[o.deadline+' '+o.due_at]];});"
    "table('alerts',d.alerts,'当前无未确认告警',function(a){return[[a.rung_name],[a.ticket,'t',order(a.ticket)],[a.unit],"
    "[a.deadline],[a.raised_at],[a.category]];});"
    "box.querySelectorAll('.more').forEach(function(p){p.textContent=(d[p.dataset.list].length<"
    "(p.dataset.list==='overdue'?d.overdue_total:d.alerts_total))?'只列出前 '+d.listed_max+' 件。':'';});"
    "said.textContent='更新于 '+d.updated_at+'（每 '+every/1000+' 秒自动更新）';said.className='updated';}"
    "function load(){fetch('/api/board',{credentials:'same-origin',headers:{Accept:'application/json'}})"
    ".then(function(r){if(r.status===401)throw new Error('登录已过期，请重新登录');"
    "if(!r.ok)return r.json().catch(function(){return{};}).then(function(d){"
    "throw new Error(d.error||(r.status>=502&&r.status<=504?'报表服务暂时不可用':'报表服务出错')+'，HTTP '+r.status);});"
    "return r.json();})"   /* a fetch that reaches no server fails with the browser's English (Failed to fetch) */
    ".then(show,function(e){said.textContent='更新失败（'+(e instanceof TypeError?'连不上报表服务，请检查网络':e.message)"
    "+'），仍显示上次数据，'+every/1000+' 秒后重试';"
    "said.className='updated stale';})"
    ".then(function(){setTimeout(load,every);});}"
    "load();})();";

void web_board_section(FILE *f, int refresh)
{
    fprintf(f, "<style>%s</style>\n<section id=\"board\" data-refresh=\"%d\" aria-labelledby=\"board-title\">\n"
               "<h2 id=\"board-title\">当前超期工单与未确认告警</h2>\n"
               "<p class=\"updated\" role=\"status\">正在读取…</p>\n"
               "<noscript><p class=\"updated stale\">本看板要在浏览器里启用脚本（JavaScript）才能显示："
               "请在浏览器设置里允许本站运行脚本，再刷新本页。</p></noscript>\n"
               "<div class=\"totals\"><p class=\"total overdue\"><b>–</b><span>超期工单</span></p>"
               "<p class=\"total alerts\"><b>–</b><span>未确认告警</span></p></div>\n<div class=\"lists\">\n"
               "<div><h3>按单位</h3><div class=\"wide\"><table class=\"units\"><thead><tr><th class=\"t\">单位</th>"
               "<th class=\"n\">超期工单</th><th class=\"n\">未确认告警</th></tr></thead><tbody></tbody><tfoot></tfoot>"
               "</table></div><p class=\"note queue\"></p></div>\n"
               "<div><div><h3>超期工单（按超期时长）</h3><div class=\"wide\"><table class=\"overdue\"><thead><tr>"
               "<th class=\"t\">工单号</th><th class=\"t\">单位</th><th class=\"n\">已超期（工作时间）</th>"
               "<th class=\"t\">类别</th><th class=\"t\">时限</th></tr></thead><tbody></tbody></table></div>"
               "<p class=\"note more\" data-list=\"overdue\"></p></div>\n"
               "<div><h3>未确认告警</h3><div class=\"wide\"><table class=\"alerts\"><thead><tr><th class=\"t\">级别</th>"
               "<th class=\"t\">工单号</th><th class=\"t\">单位</th><th class=\"t\">时限</th><th class=\"t\">发出时间</th>"
               "<th class=\"t\">类别</th>"
               "</tr></thead><tbody></tbody></table></div><p class=\"note more\" data-list=\"alerts\"></p></div></div>\n"
               "</div>\n</section>\n<script>%s</script>\n",
            BOARD_CSS, refresh, BOARD_JS);
}

const char *web_board_css(void)
{
    return BOARD_CSS;
}

const char *web_board_js(void)
{
    return BOARD_JS;
}

void web_board_unread(FILE *f, const web_user *u)
{
    char roles[256];
    auth_roles_say(REPORT_ORDER_READERS, roles, sizeof roles);
    fputs("<section id=\"board-unread\"><h2>当前超期工单与未确认告警</h2><p class=\"note\">", f);
    text_html_escape(f, auth_role_title(u->who.role));
    fprintf(f, "的账号不查看工单，这里不列出超期工单和告警（查看它们的是%s）；下面的排名和统计照常显示。</p></section>\n",
            roles);
}
