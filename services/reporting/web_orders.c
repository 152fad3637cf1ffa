/* web_orders.c — "my orders" and the unit's alerts on the workbench (see web_work.h).
 *
 * Which orders a person works on is one SQL statement per kind of list,
 * each the same shape: the orders' current open deadline (the earliest not
 * yet met in the current cycle) is joined once, the list is ordered by it,
 * and only the page's rows are dressed (names, place, alerts). Working time
 * only ever grows with the clock, so ordering by the due time is ordering by
 * working time left, overdue first; the page then says how much working
 * time is left for the rows it shows, as of escalation's clock (esc_now(),
 * as the order page and the wall board count) on the official calendar
 * (report_calendar.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "mask.h"
#include "names.h"
#include "report_deadline.h"
#include "report_views.h"
#include "text.h"
#include "view.h"
#include "web_html.h"
#include "web_work.h"

#define PAGE_ROWS 50
#define CONTENT_CHARS 40    /* of the complaint shown in every list (cut once masked) */
#define HTML_TYPE "text/html; charset=utf-8"

/* The list's order: overdue first, then by working time left (the due
 * time); the orders with no deadline to meet after them, those waiting in
 * the manual queue the most urgent first (a 特急 order has a quarter of a
 * 一般 one's time once dispatched), then those waiting for their callback
 * the longest since they were resolved first (the callback agent's list:
 * by call time, one resolved last week waited behind one called earlier
 * and resolved an hour ago), then by call time. */
#define LIST_ORDER(t) \
    t "due_at NULLS LAST, " t "urgent NULLS LAST, " t "resolved_at NULLS LAST, " t "called_at, " t "id"
/* Every list: the person's orders with their current open deadline (the
 * earliest not yet met in the current cycle, of an order a unit holds:
 * one waiting for routing or in the manual queue has none, whatever a unit
 * that returned it left unmet, as on the wall board), then only the page's rows
 * get their names, place, alerts and the start of the complaint (what it is
 * about, masked: a handler sees at a glance which to take first). Whether the deadline's clock
 * stands still is read as the order page reads it, from the order's status the moment
 * it is put on hold or resumed (report_deadline.h). $1 principal, $2 unit id, $3
 * district, $4 statuses shown by default, $5 one status or NULL, $6
 * category or NULL, $7 ticket or NULL (found in any status: the clerk's
 * list shows none by default), $8 rows, $9 offset, $10 the code of the unit
 * owning the orders or NULL, $11 't' for the overdue alone (by the wall
 * board's rule, REPORT_DEADLINE_OVERDUE: a deadline past due and running)
 * or NULL: the board's and the bulletin's figures of a unit drill down to
 * these. */
#define LIST_HEAD                                                                                                \
    "WITH cand AS ("                                                                                               \
    "  SELECT c.id, c.ticket_no, c.status, c.category, c.category_raw, c.address, c.cycle, c.called_at,"           \
    "         c.urgency,"                                                                                          \
    "         a.role, a.unit_id AS holder, a.reasons, a.street_code, a.community_code, d.kind, d.due_at,"           \
    "         d.paused_at, d.resuming,"                                                                            \
    "         CASE WHEN c.status = 'manual' THEN " REPORT_URGENCY_RANK("c.urgency") " END AS urgent,"                     \
    "         CASE WHEN c.status = 'resolved' THEN (SELECT e.at FROM complaint_events e WHERE e.complaint_id = c.id"   \
    "                                                  AND e.event = 'resolved' ORDER BY e.id DESC LIMIT 1) END AS resolved_at" \
    "    FROM assignments a JOIN complaints c ON c.id = a.complaint_id"                                            \
    "    LEFT JOIN LATERAL (SELECT dl.kind, dl.due_at, " REPORT_DEADLINE_PAUSED_AT("dl", "c") " AS paused_at,"    \
    "                              " REPORT_DEADLINE_RESUMING("dl", "c") " AS resuming FROM deadlines dl"              \
    "                        WHERE dl.complaint_id = c.id AND dl.cycle = c.cycle AND dl.met_at IS NULL"            \
    "                          AND c.status IN " NAMES_HELD_SQL                                              \
    "                        ORDER BY dl.due_at LIMIT 1) d ON true"
#define LIST_TAIL                                                                                                \
    "     AND ($7::text IS NOT NULL OR CASE WHEN $5::text IS NULL THEN c.status = ANY ($4::text[])"               \
    "                                       ELSE c.status = $5 END)"                                                 \
    "     AND ($7::text IS NULL OR c.ticket_no = $7)"                                                              \
    "     AND ($10::text IS NULL OR (a.role = 'owner' AND a.unit_id = (SELECT id FROM units WHERE code = $10)))"      \
    "     AND ($11::text IS NULL OR (c.status IN " NAMES_HELD_SQL " AND EXISTS (SELECT 1 FROM deadlines_counted dl"   \
    "            WHERE dl.complaint_id = c.id AND dl.cycle = c.cycle AND " REPORT_DEADLINE_OVERDUE("dl", "c") ")))"    \
    "     AND $1::int IS NOT NULL AND $2::int IS NOT NULL AND $3::text IS NOT NULL"
/* Only what principal $1 may read of the list (asked once for all): a unit's
 * own list too, since an order it holds may have become a conduct complaint
 * (merged into one) that only discipline inspection reads. */
#define LIST_SEEN "), mine AS (SELECT * FROM cand WHERE id IN " WEB_SEEN_AMONG("$1", "SELECT id FROM cand")
/* The page of the orders in category $6 (or of all), their count, and on
 * the first row, for the filter, the categories of the whole list (whatever
 * $6 is) with how many orders each has; one row of NULLs when the page is
 * empty, so the count, the clock and the categories are always there; of
 * a resolved or closed order, the unit holding it (which resolved it) and
 * when it was last resolved ("<epoch> <local time>", the callback agent's);
 * of one awaiting its callback, the callers not reached since (未接通 2 次，
 * 最近一次 …), or NULL. */
#define LIST_PAGE                                                                                                \
    "), chosen AS (SELECT * FROM mine WHERE $6::text IS NULL OR category = $6)"                                   \
    ", page AS (SELECT * FROM chosen ORDER BY " LIST_ORDER("") " LIMIT $8::int OFFSET $9::int)"                      \
    ", kinds AS (SELECT category, count(*) AS n FROM mine WHERE category IS NOT NULL GROUP BY category)"          \
    " SELECT p.ticket_no, p.status, coalesce(cat.name, nullif(p.category_raw, ''), '未分类'),"                    \
    "        coalesce(rc.name, rs.name, ''), p.address, coalesce(p.kind, ''),"                                     \
    "        coalesce(extract(epoch FROM p.due_at)::bigint::text, ''), "                                         \
    "        coalesce(extract(epoch FROM p.paused_at)::bigint::text, ''), p.resuming,"                               \
    "        (SELECT count(*) FROM alerts al WHERE al.complaint_id = p.id AND al.cycle = p.cycle"                   \
    "            AND " VIEW_ALERT_SHOWN("al", VIEW_UNIT_OF("$1")) "),"                                                  \
    "        p.role, coalesce(reasons_read($1::int, p.reasons), ''), (SELECT count(*) FROM chosen),"                                      \
    "        extract(epoch FROM (SELECT esc_now()))::bigint,"                                                      \
    "        (SELECT left(x.content, " DB_NUM(VIEW_EXCERPT_READ) ") FROM complaints x WHERE x.id = p.id),"             \
    "        CASE WHEN row_number() OVER (ORDER BY " LIST_ORDER("p.") ") = 1 THEN"                                       \
    "          (SELECT array_agg(category ORDER BY category) FROM kinds) END,"                                     \
    "        CASE WHEN row_number() OVER (ORDER BY " LIST_ORDER("p.") ") = 1 THEN"                                       \
    "          (SELECT array_agg(n ORDER BY category) FROM kinds) END,"                                            \
    "        CASE WHEN p.urgent < 1 THEN p.urgency END,"                                                            \
"        CASE WHEN p.status IN ('resolved', 'closed') THEN (SELECT h.name FROM units h WHERE h.id = p.holder) END," \
"        (SELECT extract(epoch FROM e.at)::bigint::text || ' ' || to_char(e.at, " REPORT_TIME_FMT ")"              \
"           FROM complaint_events e WHERE e.complaint_id = p.id AND e.event = 'resolved'"                          \
"            AND p.status IN ('resolved', 'closed') ORDER BY e.id DESC LIMIT 1),"                                   \
"        CASE WHEN p.status = 'resolved' THEN"                                                                 \
"          (SELECT '未接通 ' || count(*) || ' 次，最近一次 ' || to_char(max(e.at), " REPORT_TIME_FMT ")"            \
"             FROM complaint_events e WHERE e.complaint_id = p.id AND e.event = 'callback_unreached'"             \
"              AND e.at >= p.resolved_at HAVING count(*) > 0) END,"                                              \
"        h.name, h.code"                                                                                         \
    "   FROM (VALUES (1)) AS one (x) LEFT JOIN page p ON true LEFT JOIN categories cat ON cat.code = p.category"   \
    "   LEFT JOIN regions rs ON rs.code = p.street_code LEFT JOIN regions rc ON rc.code = p.community_code"       \
    "   LEFT JOIN units h ON h.id = p.holder"                                                                      \
    "  ORDER BY " LIST_ORDER("p.")
enum { L_TICKET, L_STATUS, L_CATEGORY, L_PLACE, L_ADDRESS, L_KIND, L_DUE, L_PAUSED, L_RESUMING, L_ALERTS, L_ROLE, L_REASONS,
       L_TOTAL, L_NOW, L_CONTENT, L_KINDS, L_KIND_COUNTS, L_URGENT, L_RESOLVER, L_RESOLVED, L_UNREACHED, L_HOLDER,
       L_HOLDER_CODE };

/* A unit's own orders: owner or co-handler (handlers, discipline inspection). */
static const char SQL_UNIT[] = LIST_HEAD " WHERE a.unit_id = $2::int AND a.active" LIST_TAIL LIST_SEEN LIST_PAGE;
/* A campaign office's district: the orders street offices and departments there own. */
static const char SQL_DISTRICT[] =
    LIST_HEAD " JOIN units ou ON ou.id = a.unit_id"
    " WHERE a.active AND a.role = 'owner' AND ou.kind IN ('street', 'dept') AND left(ou.region_code, 6) = $3"
    LIST_TAIL LIST_SEEN LIST_PAGE;
/* Orders waiting for a person of the hotline (the manual queue, callbacks, a search). */
static const char SQL_HOTLINE[] =
    LIST_HEAD " WHERE a.active AND a.role IN ('owner', 'manual')" LIST_TAIL LIST_SEEN LIST_PAGE;

/* Open alerts addressed to unit $1 about what $2 may see (about ticket $3
 * only, when given: a list searched by ticket, which the order's page
 * links to), the newest ALERTS_SHOWN, each with how many there are in all. */
#define ALERTS_SHOWN 50
static const char SQL_ALERTS[] =
    "SELECT a.id, to_char(a.created_at, 'MM-DD HH24:MI'), a.rung, coalesce(c.ticket_no, ''),"
    "       coalesce(u.name, ''), a.reason, count(*) OVER ()"
    "  FROM alerts a LEFT JOIN complaints c ON c.id = a.complaint_id LEFT JOIN units u ON u.id = a.unit_id"
    " WHERE a.target_unit_id = $1::int AND a.acked_at IS NULL"
    "   AND " VIEW_ALERT_SEEN("$2") " AND ($3::text IS NULL OR c.ticket_no = $3)"
    " ORDER BY a.id DESC LIMIT " DB_NUM(ALERTS_SHOWN);
enum { A_ID, A_AT, A_RUNG, A_TICKET, A_UNIT, A_REASON, A_TOTAL };

/* The category filter's options: the categories $1 of the list, with the
 * number of its orders in each ($2), and the one chosen ($3, when it is a
 * category), each under its first level (the root of the tree, found
 * through parent_code: routing's own categories hang inside the official
 * tree) and named without it. A handler picks among the few its orders
 * have, not among every category there is. */
static const char SQL_CATEGORIES[] =
    "WITH RECURSIVE shown AS ("
    "  SELECT c.code, c.name, coalesce(k.n, 0) AS n FROM categories c"
    "    LEFT JOIN unnest($1::text[], $2::bigint[]) AS k (code, n) ON k.code = c.code"
    "   WHERE k.code IS NOT NULL OR c.code = $3::text"
    "), up AS ("
    "  SELECT s.code AS leaf, c.code, c.parent_code, 0 AS depth FROM shown s JOIN categories c ON c.code = s.code"
    "  UNION ALL"
    "  SELECT up.leaf, c.code, c.parent_code, up.depth + 1 FROM up JOIN categories c ON c.code = up.parent_code"
    "   WHERE up.depth < 16"
    ")"
    " SELECT s.code, CASE WHEN left(s.name, length(r.name) + 1) = r.name || '/'"
    "                     THEN substr(s.name, length(r.name) + 2) ELSE s.name END, r.name, s.n"
    "   FROM shown s JOIN up ON up.leaf = s.code AND up.parent_code IS NULL JOIN categories r ON r.code = up.code"
    "  ORDER BY r.code, s.code";
enum { C_CODE, C_NAME, C_FIRST, C_COUNT };

/* What a role's list is. */
typedef struct {
    auth_role   roles;
    const char *title;
    const char *sql;
    const char *statuses;       /* shown by default, an array literal */
    const char *choices;        /* the status filter's options, comma-separated */
    const char *search;         /* a ticket searched for: the statement, when the role reads more than its
                                   list (every order of the district: a street office's it was alerted
                                   about, one waiting for a dispatcher), else NULL: the list's own */
    int         resolved;       /* 1: who resolved each order and when, how long it has waited (the
                                   callback agent's: a resolved order has no deadline), not 期限 and 剩余时间 */
    int         units;          /* 1: the list spans units (a campaign office's): whose each order is,
                                   the unit linking to its orders */
} list_kind;

static const list_kind LISTS[] = {
    {AUTH_HANDLER, "我的工单", SQL_UNIT, NAMES_HELD_ARRAY, "dispatched,accepted,waiting,resolved,closed",
     NULL, 0, 0},
    /* discipline inspection calls back the conduct complaints it resolved (nobody else reads them) */
    {AUTH_DISCIPLINE, "我的工单", SQL_UNIT, "{dispatched,accepted,waiting,resolved}",
     "dispatched,accepted,waiting,resolved,closed", SQL_HOTLINE, 0, 0},
    {AUTH_CAMPAIGN, "本区工单", SQL_DISTRICT, NAMES_HELD_ARRAY,
     "dispatched,accepted,waiting,resolved,closed", SQL_HOTLINE, 0, 1},
    {AUTH_DISPATCHER, "人工派单队列", SQL_HOTLINE, "{manual}", "manual,handed_back", NULL, 0, 0},
    {AUTH_CALLBACK, "待回访工单", SQL_HOTLINE, "{resolved}", "resolved,closed", NULL, 1, 0},
    {AUTH_CLERK, "查询工单", SQL_HOTLINE, "{}",
     "new,manual,dispatched,accepted,waiting,returned,resolved,closed,handed_back", NULL, 0, 0},
};

static const list_kind *list_for(auth_role role)
{
    for (size_t i = 0; i < sizeof LISTS / sizeof LISTS[0]; i++)
        if (LISTS[i].roles & role)
            return &LISTS[i];
    return NULL;
}

/* The workbench of a role that reads no orders (the administrator,
 * REPORT_ORDER_READERS): says so, who does, and what the role does instead,
 * rather than a search that could only ever find nothing. */
static void no_list(const web_user *u, http_response *resp)
{
    char roles[256];
    http_body b;
    FILE *f = http_body_open(&b);
    auth_roles_say(REPORT_ORDER_READERS, roles, sizeof roles);
    if (f) {
        web_html_start(f, "工作台", u);
        fprintf(f, "<p class=\"msg empty\">%s的账号不查看工单，这里没有您可办理的工单（查看工单的是%s）。",
                auth_role_title(u->who.role), roles);
        if (u->who.role & AUTH_ADMIN)
            fputs("用户、密钥和节假日安排请用 jiesu 命令管理（jiesu user、jiesu holidays）；", f);
        fputs("全区的情况请看<a href=\"/\">看板</a>和<a href=\"/bulletin.html\">周通报</a>。</p>\n", f);
        web_html_end(f);
    }
    http_body_reply(&b, resp, 200, HTML_TYPE);
}

/* A query parameter: NULL when absent or empty. */
static const char *param(const http_request *req, const char *name)
{
    const char *v = http_param(req, name);
    return v && *v ? v : NULL;
}

/* Whether req narrows the list to the overdue orders (overdue=1: the wall
 * board's 超期工单 of a unit link here). */
static int overdue_only(const http_request *req)
{
    return param(req, "overdue") && strcmp(param(req, "overdue"), "0") != 0;
}

/* The category filter's options (SQL_CATEGORIES) for the list res, under
 * an optgroup per first level; whether the one chosen is a category. */
static int category_options(FILE *f, PGconn *pg, PGresult *list, const char *category)
{
    int some = PQntuples(list) > 0 && !PQgetisnull(list, 0, L_KINDS);
    const char *params[] = {some ? PQgetvalue(list, 0, L_KINDS) : NULL,
                            some ? PQgetvalue(list, 0, L_KIND_COUNTS) : NULL, category};
    char err[512];
    PGresult *res = db_query(pg, "categories", SQL_CATEGORIES, 3, params, err, sizeof err);
    if (!res)
        log_error("workbench: the category filter left empty: %s", err);
    int known = !category || !res;      /* the categories unread: nothing to say of it */
    const char *group = NULL;
    for (int r = 0; res && r < PQntuples(res); r++) {
        int chosen = category && strcmp(category, PQgetvalue(res, r, C_CODE)) == 0;
        known |= chosen;
        if (!group || strcmp(group, PQgetvalue(res, r, C_FIRST)) != 0) {
            fputs(group ? "</optgroup><optgroup label=\"" : "<optgroup label=\"", f);
            group = PQgetvalue(res, r, C_FIRST);
            text_html_escape(f, group);
            fputs("\">", f);
        }
        fputs("<option value=\"", f);
        text_html_escape(f, PQgetvalue(res, r, C_CODE));
        fprintf(f, "\"%s>", chosen ? " selected" : "");
        text_html_escape(f, PQgetvalue(res, r, C_NAME));
        fprintf(f, "（%s 件）</option>", PQgetvalue(res, r, C_COUNT));
    }
    if (group)
        fputs("</optgroup>", f);
    PQclear(res);
    return known;
}

/* The filter form: status, category (those of the list res), ticket. */
static void filters(FILE *f, PGconn *pg, const list_kind *k, const http_request *req, PGresult *list)
{
    const char *status = param(req, "status"), *category = param(req, "category"), *ticket = param(req, "t");
    fputs("<form class=\"inline filters\" method=\"get\" action=\"/work\"><label>状态<select name=\"status\">"
          "<option value=\"\">默认</option>", f);
    char choices[256];
    snprintf(choices, sizeof choices, "%s", k->choices);
    for (char *save = NULL, *c = strtok_r(choices, ",", &save); c; c = strtok_r(NULL, ",", &save))
        fprintf(f, "<option value=\"%s\"%s>%s</option>", c, status && strcmp(status, c) == 0 ? " selected" : "",
                names_status(c));
    fputs("</select></label><label>分类<select name=\"category\"><option value=\"\">全部</option>", f);
    int known = category_options(f, pg, list, category);
    fprintf(f, "</select></label><label class=\"check\"><input type=\"checkbox\" name=\"overdue\" value=\"1\"%s>只看超期</label>",
            overdue_only(req) ? " checked" : "");
    if (param(req, "unit")) {   /* kept while the other filters change: cleared by the note's link */
        fputs("<input type=\"hidden\" name=\"unit\" value=\"", f);
        text_html_escape(f, param(req, "unit"));
        fputs("\">", f);
    }
    fputs("<label>工单号<input name=\"t\" value=\"", f);
    text_html_escape(f, ticket ? ticket : "");
    fputs("\" size=\"16\"></label><button type=\"submit\">筛选</button></form>\n", f);
    if (!known) {
        fputs("<p class=\"msg err\">没有代码为“", f);
        text_html_escape(f, category);
        fputs("”的分类：请在“分类”里选一个。</p>\n", f);
    }
}

/* Opens a link to the order page of ticket (any text: encoded for the URL). */
static void order_link(FILE *f, const char *ticket)
{
    char url[512];
    text_url_encode(url, sizeof url, ticket);
    fprintf(f, "<a href=\"/work/order?t=%s\">", url);
}

/* The two cells after the place in the callback agent's list: the unit
 * that resolved the order and when, with how long it has waited for its
 * callback (none once closed); — for what is not known. */
static void resolved_cells(FILE *f, const web_work *w, PGresult *res, int r, long long now)
{
    char when[160] = "—", waited[96];
    const char *at = PQgetvalue(res, r, L_RESOLVED), *local = strchr(at, ' ');
    if (local && strcmp(PQgetvalue(res, r, L_STATUS), "resolved") == 0) {
        web_time_waited(w, atoll(at), now, waited, sizeof waited);
        snprintf(when, sizeof when, "%s（%s）", local + 1, waited);
    } else if (local) {
        snprintf(when, sizeof when, "%s", local + 1);
    }
    fputs("<td class=\"k due\">", f);
    web_html_value(f, PQgetvalue(res, r, L_RESOLVER));
    fputs("</td><td class=\"n left\">", f);
    text_html_escape(f, when);
    fputs("</td>", f);
}

/* The two cells after the place in the other lists: the deadline the
 * order is to meet next and the working time left, or — and no line on a
 * phone; a co-handler's is the lead unit's, which it cannot meet itself,
 * and says so (主办单位签收). */
static void deadline_cells(FILE *f, PGresult *res, int r, const char *left)
{
    const char *due = PQgetvalue(res, r, L_DUE), *none = " none";
    int co = strcmp(PQgetvalue(res, r, L_ROLE), "co") == 0;
    fprintf(f, "<td class=\"k due%s\">%s%s</td><td class=\"n left%s\">%s</td>", *due ? "" : none,
            *due && co ? "主办单位" : "", *due ? names_deadline(PQgetvalue(res, r, L_KIND)) : "—", *due ? "" : none,
            left);
}

/* The unit holding the order, linking to its orders (the list narrowed to
 * it, unit=), in a list that spans units; — when none holds it. */
static void holder_cell(FILE *f, PGresult *res, int r)
{
    char url[256];
    fputs("<td class=\"k unit\">", f);
    if (*PQgetvalue(res, r, L_HOLDER_CODE)) {
        text_url_encode(url, sizeof url, PQgetvalue(res, r, L_HOLDER_CODE));
        fprintf(f, "<a href=\"/work?unit=%s\">", url);
        web_html_value(f, PQgetvalue(res, r, L_HOLDER));
        fputs("</a>", f);
    } else {
        web_html_value(f, "");
    }
    fputs("</td>", f);
}

/* One row of the list; each cell's class places it in the phone's card
 * (web_html.c): ticket, deadline and time left (the callback agent's: who
 * resolved it and when) on the first line, then what the order is about,
 * where, its status and alerts. */
static void order_row(FILE *f, const web_work *w, const list_kind *k, PGresult *res, int r, long long now, int manual)
{
    char left[96] = "—", masked[1024];
    const char *due = PQgetvalue(res, r, L_DUE), *alerts = PQgetvalue(res, r, L_ALERTS);
    report_deadline d = {.due = atoll(due), .paused = atoll(PQgetvalue(res, r, L_PAUSED)), .now = now};
    if (*due && *PQgetvalue(res, r, L_RESUMING) == 't')     /* as the order page reads it (report_deadline.h) */
        report_deadline_resume(w->cal, &d);
    int paused = d.paused != 0;
    long long due_s = d.due;
    if (*due)
        web_time_left(w, due_s, paused, now, left, sizeof left);
    const char *cls = !*due || paused ? "" : due_s < now ? " class=\"overdue\"" : due_s - now < 3600 ? " class=\"soon\"" : "";
    fprintf(f, "<tr%s><td class=\"ticket\">", cls);
    order_link(f, PQgetvalue(res, r, L_TICKET));
    text_html_escape(f, PQgetvalue(res, r, L_TICKET));
    fputs("</a></td>", f);
    if (k->units)
        holder_cell(f, res, r);
    fprintf(f, "<td class=\"k status\">%s%s", names_status(PQgetvalue(res, r, L_STATUS)),
            strcmp(PQgetvalue(res, r, L_ROLE), "co") == 0 ? "（协办）" : "");
    if (*PQgetvalue(res, r, L_UNREACHED)) {     /* awaiting its callback, tried: the caller to be called again */
        fputs("（", f);
        text_html_escape(f, PQgetvalue(res, r, L_UNREACHED));
        fputs("）", f);
    }
    if (*PQgetvalue(res, r, L_URGENT)) {    /* waiting for a dispatcher, and urgent: why it is near the top */
        fputs("（<b class=\"urgent\">", f);
        text_html_escape(f, PQgetvalue(res, r, L_URGENT));
        fputs("</b>）", f);
    }
    fputs("</td><td class=\"k about\">", f);
    web_html_value(f, PQgetvalue(res, r, L_CATEGORY));
    fputs("</td><td class=\"place\">", f);
    web_html_value(f, *PQgetvalue(res, r, L_PLACE) ? PQgetvalue(res, r, L_PLACE) : PQgetvalue(res, r, L_ADDRESS));
    fputs("</td>", f);
    if (k->resolved)
        resolved_cells(f, w, res, r, now);
    else
        deadline_cells(f, res, r, left);
    fprintf(f, "<td class=\"n alarm%s\">%s</td>", strcmp(alerts, "0") == 0 ? " none" : "", alerts);
    mask_excerpt(masked, sizeof masked, PQgetvalue(res, r, L_CONTENT), CONTENT_CHARS);
    fputs("<td class=\"said\">", f);
    web_html_value(f, masked);
    fputs("</td>", f);
    if (manual) {
        mask_text(masked, sizeof masked, PQgetvalue(res, r, L_REASONS));
        fputs("<td class=\"hide-phone\">", f);
        web_html_value(f, masked);
        fputs("</td>", f);
    }
    fputs("</tr>\n", f);
}

/* The rows of the list res that are orders: none when its one row is the
 * empty page's (LIST_PAGE). */
static int orders_on_page(PGresult *res)
{
    return PQntuples(res) > 0 && !PQgetisnull(res, 0, L_TICKET) ? PQntuples(res) : 0;
}

/* Runs the list's query for the page asked for. A list narrowed to a unit's
 * orders or to the overdue ones reads the orders units hold (待签收, 办理中,
 * 暂缓办理) unless a status is chosen, whatever the list shows by default (a
 * dispatcher's is the manual queue), and a unit's orders are looked for
 * where a ticket is (discipline inspection reads its district's, its list
 * only its own). NULL with err. */
static PGresult *run_list(PGconn *pg, const list_kind *k, const web_user *u, const http_request *req, int page,
                          char *err, size_t errlen)
{
    char id[16], unit[16], rows[16], offset[16], typed[256];
    snprintf(id, sizeof id, "%d", u->who.id);
    snprintf(unit, sizeof unit, "%d", u->who.unit_id);
    snprintf(rows, sizeof rows, "%d", PAGE_ROWS);
    snprintf(offset, sizeof offset, "%d", (page - 1) * PAGE_ROWS);
    const char *ticket = text_ticket(typed, sizeof typed, param(req, "t"));
    const char *owner = ticket ? NULL : param(req, "unit"), *late = !ticket && overdue_only(req) ? "t" : NULL;
    const char *params[] = {id, unit, u->who.district, owner || late ? NAMES_HELD_ARRAY : k->statuses,
                            ticket ? NULL : param(req, "status"), param(req, "category"), ticket, rows, offset,
                            owner, late};
    return db_query(pg, k->title, (ticket || owner) && k->search ? k->search : k->sql, 11, params, err, errlen);
}

/* The filters of req as a query string for the page links: status and
 * category are codes ([a-z._]), a unit's code digits too (kept only when
 * given); anything else is left out. */
static void filter_query(const http_request *req, char *out, size_t cap)
{
    const char *status = param(req, "status"), *category = param(req, "category"), *unit = param(req, "unit");
    const char *ok = "abcdefghijklmnopqrstuvwxyz._", *code = "0123456789abcdefghijklmnopqrstuvwxyz._";
    int kept = unit && !unit[strspn(unit, code)];
    snprintf(out, cap, "status=%s&amp;category=%s%s%s%s", status && !status[strspn(status, ok)] ? status : "",
             category && !category[strspn(category, ok)] ? category : "", kept ? "&amp;unit=" : "", kept ? unit : "",
             overdue_only(req) ? "&amp;overdue=1" : "");
}

/* 1 when k lists nothing until a ticket or a status is asked for (查询工单)
 * and req asks for neither. */
static int waits_to_be_asked(const list_kind *k, const http_request *req)
{
    return strcmp(k->statuses, "{}") == 0 && !param(req, "t") && !param(req, "status") && !param(req, "category") &&
           !param(req, "unit") && !overdue_only(req);
}

/* An empty list said in words, with what to do: a ticket searched for, a
 * filter chosen, a list that lists nothing until asked (查询工单: a ticket or a status), or none
 * of the statuses it shows by default (named from k->statuses). */
static void empty_list(FILE *f, const list_kind *k, const http_request *req)
{
    char statuses[128];
    fputs("<p class=\"msg empty\">", f);
    if (param(req, "t")) {
        fputs("没有您可以查看的工单“", f);
        text_html_escape(f, param(req, "t"));
        fputs("”：请核对工单号是否完整（按整个工单号查找），或清空工单号再筛选。", f);
    } else if (param(req, "unit") || overdue_only(req)) {
        fputs("现在没有这样的工单（超期的工单签收、办结或暂缓办理后就不再算超期）：点上面的“看全部工单”。", f);
    } else if (param(req, "status") || param(req, "category")) {
        fputs("没有符合所选状态和分类的工单：换一个状态或分类再点“筛选”。", f);
    } else if (waits_to_be_asked(k, req)) {
        fprintf(f, "“%s”不预先列出工单：请输入工单号，或选择一个状态（可再选分类）后点“筛选”。", k->title);
    } else {
        snprintf(statuses, sizeof statuses, "%s", k->statuses + 1);
        statuses[strcspn(statuses, "}")] = '\0';
        fputs("当前没有", f);
        const char *sep = "";
        for (char *save = NULL, *c = strtok_r(statuses, ",", &save); c; c = strtok_r(NULL, ",", &save), sep = "、")
            fprintf(f, "%s%s", sep, names_status(c));
        fputs("的工单。", f);
    }
    fputs("</p>\n", f);
}

/* The name of the unit whose code is code, in name; 0 when none has it
 * (or it could not be read: said in the log). */
static int unit_name(PGconn *pg, const char *code, char *name, size_t cap)
{
    char err[512];
    const char *params[] = {code};
    PGresult *res = db_query(pg, "the unit's name", "SELECT name FROM units WHERE code = $1", 1, params, err, sizeof err);
    if (!res)
        log_warn("workbench: the name of unit %s not read: %s", code, err);
    int found = res && PQntuples(res) == 1;
    snprintf(name, cap, "%s", found ? PQgetvalue(res, 0, 0) : "");
    PQclear(res);
    return found;
}

/* Above a list narrowed to one unit's orders (unit=, the wall board's link
 * from the unit's row) or to the overdue ones: what it lists, and the way
 * back to the whole list; a code no unit has, said so. */
static void narrowed(FILE *f, PGconn *pg, const http_request *req)
{
    const char *code = param(req, "unit");
    char name[256];
    if (param(req, "t") || (!code && !overdue_only(req)))
        return;
    if (code && !unit_name(pg, code, name, sizeof name)) {
        fputs("<p class=\"msg err\">没有代码为“", f);
        text_html_escape(f, code);
        fputs("”的单位，下面没有工单：请从看板“按单位”一栏点单位名称进来，或<a href=\"/work\">看全部工单</a>。</p>\n", f);
        return;
    }
    fputs("<p class=\"msg narrowed\">只列出", f);
    if (code) {
        fputs("<b>", f);
        text_html_escape(f, name);
        fputs("</b>承办的", f);
    }
    fprintf(f, "%s。<a href=\"/work\">看全部工单</a></p>\n",
            overdue_only(req) ? "<b>超期</b>工单（签收或办结时限已过、仍在计时的）" : "工单");
}

/* Below a list of more than a page: which page of how many, and the links
 * to the pages before and after it (keep: the filters, as a query). */
static void pager(FILE *f, int page, int pages, const char *keep)
{
    if (pages < 2)
        return;
    fprintf(f, "<p class=\"pager\">第 %d 页，共 %d 页", page, pages);
    if (page > 1)
        fprintf(f, " <a href=\"/work?page=%d&amp;%s\">上一页</a>", page - 1, keep);
    if (page < pages)
        fprintf(f, " <a class=\"next\" href=\"/work?page=%d&amp;%s\">下一页</a>", page + 1, keep);
    fputs("</p>\n", f);
}

/* A page past the last (a ?page= typed, or kept from a list since grown
 * shorter): said so, with the way to the last page. */
static void past_last(FILE *f, int page, int pages, const char *keep)
{
    fprintf(f, "<p class=\"msg empty\">没有第 %d 页：这个列表只有 %d 页。<a href=\"/work?page=%d&amp;%s\">看最后一页"
            "（第 %d 页）</a></p>\n", page, pages, pages, keep, pages);
}

static void orders_table(FILE *f, const web_work *w, const list_kind *k, const http_request *req, PGresult *res,
                         int page)
{
    char keep[320];
    filter_query(req, keep, sizeof keep);
    long long now = PQntuples(res) ? atoll(PQgetvalue(res, 0, L_NOW)) : 0;    /* escalation's clock */
    int manual = k->sql == SQL_HOTLINE && strcmp(k->statuses, "{manual}") == 0;
    long total = PQntuples(res) ? atol(PQgetvalue(res, 0, L_TOTAL)) : 0;
    int pages = (int)((total + PAGE_ROWS - 1) / PAGE_ROWS);
    if (!waits_to_be_asked(k, req))     /* not 共 0 件 of a list that looked for nothing */
        fprintf(f, "<p>共 <b class=\"total\">%ld</b> 件%s</p>\n", total,
                !total        ? "。"
                : k->resolved ? "，按办结后等待回访的时间排列，等得最久的在前（已销号的在后，按来电时间，早的在前）。"
                : k->sql == SQL_HOTLINE
                    ? "，逾期的在前，其余按剩余工作时间排列；没有待完成时限的：待人工派单的在前，特急、紧急工单"
                      "排在最前，再是已办结待回访的，办结早的在前，其余按来电时间，早的在前。"
                    : "，逾期的在前，其余按剩余工作时间排列；没有待完成时限的在后：已办结待回访的，办结早的在前，"
                      "其余按来电时间，早的在前。");
    if (total == 0) {
        empty_list(f, k, req);
        return;
    }
    if (orders_on_page(res) == 0) {
        past_last(f, page, pages, keep);
        return;
    }
    fprintf(f, "<div class=\"scroll list\"><table class=\"orders\"><thead><tr><th>工单号</th>%s<th>状态</th><th>分类</th>"
            "<th>地点</th>%s<th>告警次数</th>", k->units ? "<th>承办单位</th>" : "",
            k->resolved ? "<th>办结单位</th><th>办结时间</th>" : "<th>期限</th><th>剩余时间</th>");
    fputs("<th>诉求内容</th>", f);
    if (manual)
        fputs("<th class=\"hide-phone\">派单建议与原因</th>", f);
    fputs("</tr></thead><tbody>\n", f);
    for (int r = 0; r < orders_on_page(res); r++)
        order_row(f, w, k, res, r, now, manual);
    fputs("</tbody></table></div>\n", f);
    pager(f, page, pages, keep);
}

/* The open alerts addressed to the person's unit (about the ticket req
 * searches for, when it does), each with its ack button; the note of typed's
 * alert (a refused acknowledgement, or NULL) as sent. */
static void alerts_panel(FILE *f, PGconn *pg, const web_user *u, const http_request *req, const http_request *typed)
{
    char unit[16], id[16], masked[1024], typed_ticket[256];
    if (!u->who.unit_id)
        return;
    snprintf(unit, sizeof unit, "%d", u->who.unit_id);
    snprintf(id, sizeof id, "%d", u->who.id);
    const char *ticket = text_ticket(typed_ticket, sizeof typed_ticket, param(req, "t"));
    const char *params[] = {unit, id, ticket};
    char err[512];
    PGresult *res = db_query(pg, "unit alerts", SQL_ALERTS, 3, params, err, sizeof err);
    if (!res) {
        log_error("workbench: the alerts of %s left out: %s", u->who.unit_name, err);
        return;
    }
    long total = PQntuples(res) ? atol(PQgetvalue(res, 0, A_TOTAL)) : 0;
    fputs("<h2>本单位", f);
    if (ticket) {     /* those of the order searched for: any of them acknowledged here, however old */
        fputs("关于工单 ", f);
        text_html_escape(f, ticket);
        fputs(" 的", f);
    }
    fprintf(f, "待确认告警（%ld）</h2>\n", total);
    if (total > PQntuples(res))
        fprintf(f, "<p class=\"note\">这里列出最新的 %d 条；全部见 jiesu alerts --limit %ld，确认后其余的会显示在这里。</p>\n",
                PQntuples(res), total);
    for (int r = 0; r < PQntuples(res); r++) {
        mask_text(masked, sizeof masked, PQgetvalue(res, r, A_REASON));
        fprintf(f, "<div class=\"card alert\"><b>%s</b> %s ", names_rung(PQgetvalue(res, r, A_RUNG)),
                PQgetvalue(res, r, A_AT));
        if (*PQgetvalue(res, r, A_TICKET)) {
            order_link(f, PQgetvalue(res, r, A_TICKET));
            text_html_escape(f, PQgetvalue(res, r, A_TICKET));
            fputs("</a> ", f);
        }
        text_html_escape(f, PQgetvalue(res, r, A_UNIT));
        fputs("<br>", f);
        text_html_escape(f, masked);
        const char *again = web_typed(typed, "id", PQgetvalue(res, r, A_ID), "note");
        fputs("<form class=\"inline\" method=\"post\" action=\"/work/ack\">", f);
        web_html_csrf(f, u);
        fprintf(f, "<input type=\"hidden\" name=\"id\" value=\"%s\">", PQgetvalue(res, r, A_ID));
        if (ticket) {   /* back to this order's alerts once acknowledged */
            fputs("<input type=\"hidden\" name=\"t\" value=\"", f);
            text_html_escape(f, ticket);
            fputs("\">", f);
        }
        fputs("<label>处理说明（可选）<input name=\"note\"", f);
        if (again) {
            fputs(" value=\"", f);
            text_html_escape(f, again);
            fputc('"', f);
        }
        fputs("></label><button type=\"submit\">确认收到</button></form></div>\n", f);
    }
    PQclear(res);
}

/* Whether status is one of the list's filter choices (or absent). */
static int status_offered(const list_kind *k, const char *status)
{
    if (!status)
        return 1;
    size_t n = strlen(status);
    for (const char *c = k->choices; c; c = strchr(c, ','), c = c ? c + 1 : NULL)
        if (strncmp(c, status, n) == 0 && (c[n] == ',' || c[n] == '\0'))
            return 1;
    return 0;
}

/* A status this list does not offer: 400 naming the ones it does. */
static void status_refused(const list_kind *k, const http_request *req, http_response *resp)
{
    char msg[512], choices[256];
    snprintf(choices, sizeof choices, "%s", k->choices);
    size_t at = (size_t)snprintf(msg, sizeof msg, "“%s”没有这个状态可筛选，可选：", k->title);
    const char *sep = "";
    for (char *save = NULL, *c = strtok_r(choices, ",", &save); c && at < sizeof msg;
         c = strtok_r(NULL, ",", &save), sep = "、")
        at += (size_t)snprintf(msg + at, sizeof msg - at, "%s%s", sep, names_status(c));
    web_html_fail(req, resp, 400, msg);
}

/* The list of u's orders as req asks, at status (0: 200, or what the page
 * finds), after note (or none; an error unless note_ok), the alert form of
 * typed (a refused acknowledgement, or NULL) filled in as sent. */
static void list_page(const web_work *w, PGconn *pg, const web_user *u, const http_request *req, int status,
                      const char *note, int note_ok, const http_request *typed, http_response *resp)
{
    const list_kind *k = list_for(u->who.role);
    const char *p = http_param(req, "page");
    int page = p && atoi(p) > 0 && atoi(p) < 100000 ? atoi(p) : 1;
    if (!k) {
        no_list(u, resp);
        return;
    }
    if (!status_offered(k, param(req, "status"))) {
        status_refused(k, req, resp);
        return;
    }
    char err[512];
    http_body b;
    PGresult *res = run_list(pg, k, u, req, page, err, sizeof err);
    if (!res) {
        web_html_read_failed(req, resp, "工单", err);
        return;
    }
    FILE *f = http_body_open(&b);
    if (f) {
        char title[256];
        snprintf(title, sizeof title, "%s · %s", k->title, *u->who.unit_name ? u->who.unit_name : u->who.display_name);
        web_html_start(f, title, u);
        if (note) {
            fprintf(f, "<p class=\"msg %s\" role=\"status\">", note_ok ? "ok" : "err");
            text_html_escape(f, note);
            fputs("</p>\n", f);
        }
        alerts_panel(f, pg, u, req, typed);
        web_extensions_panel(f, w, pg, u);
        fputs("<h2>工单</h2>\n", f);
        filters(f, pg, k, req, res);
        narrowed(f, pg, req);
        orders_table(f, w, k, req, res, page);
        web_html_end(f);
    }
    PQclear(res);
    http_body_reply(&b, resp, status ? status : 200, HTML_TYPE);
}

/* $1 a person's name, $2 a ticket: a row when they acted on that order (an
 * event of theirs), which the page may then say they did without their
 * reading it any more, with what else their last action did (detail.note:
 * the merged repeats a return took with it), else NULL. */
static const char SQL_ACTED_ON[] =
    "SELECT e.detail->>'note' FROM complaints c JOIN complaint_events e ON e.complaint_id = c.id"
    " WHERE c.ticket_no = $2 AND e.actor = $1 ORDER BY e.id DESC LIMIT 1";

/* What the list is to say was done (its done=): an alert acknowledged, or
 * an action on the order that it took out of the person's sight (order=
 * the ticket: a return, a dispatch to discipline inspection), which the
 * list no longer shows, when u acted on that order (a link made up with
 * other words in order= says nothing); NULL for anything else. */
static const char *done_said(PGconn *pg, const web_user *u, const http_request *req, char *out, size_t cap)
{
    char typed[256], err[512], dispatched[768] = "";
    const char *done = http_param(req, "done"), *ticket = text_ticket(typed, sizeof typed, http_param(req, "order"));
    if (!done)
        return NULL;
    if (strcmp(done, "ack") == 0)
        return "告警已确认。";
    if (ticket && (strcmp(done, "dispatch") == 0 || strcmp(done, "reassign") == 0))   /* where it went: */
        web_dispatch_said(pg, u, ticket, dispatched, sizeof dispatched);   /* as jiesu dispatch says it */
    const char *said = *dispatched ? dispatched : names_action_done(done);
    if (!ticket || strcmp(said, done) == 0)
        return NULL;
    const char *params[] = {u->who.name, ticket};
    PGresult *res = db_query(pg, "the person's action", SQL_ACTED_ON, 2, params, err, sizeof err);
    if (!res)
        log_warn("workbench: whether %s acted on order %s not known: %s", u->who.name, ticket, err);
    int acted = res && PQntuples(res) == 1;
    const char *also = acted && !PQgetisnull(res, 0, 0) ? PQgetvalue(res, 0, 0) : "";
    if (acted)
        snprintf(out, cap, "工单 %s：%s%s%s。它已不归您查看，所以不在下面的列表里了。", ticket, said, *also ? "；" : "", also);
    PQclear(res);
    return acted ? out : NULL;
}

void web_work_list(const web_work *w, PGconn *pg, const web_user *u, const http_request *req, http_response *resp)
{
    char said[1536];     /* what was done, with the merged repeats it named (route_actions.c) */
    list_page(w, pg, u, req, 0, done_said(pg, u, req, said, sizeof said), 1, NULL, resp);
}

void web_work_list_error(const web_work *w, PGconn *pg, const web_user *u, const http_request *req, int status,
                         const char *message, http_response *resp)
{
    list_page(w, pg, u, req, status, message, 0, req, resp);
}
