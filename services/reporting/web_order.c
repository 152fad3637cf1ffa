/* web_order.c — one order on the workbench, its photos, and the actions
 * the person may take on it (see web_work.h).
 *
 * The sections are the reporting service's order view, the one `jiesu show`
 * prints (report_views.c), run for the person: every statement finds the
 * order only through principal_sees(), so an order the
 * person may not see is the same "no such order" as one that does not exist,
 * and names, phones and numbers in free text are masked by view.c. Which
 * actions are offered follows the role, the unit and the status; the
 * service that carries an action out checks all of it again. Beside the
 * masked phone number, to whoever is to call the citizen, a button that
 * answers the page again with the full number in it, recorded
 * (report_phone.h decides and records; the page only asks it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "names.h"
#include "report_phone.h"
#include "report_views.h"
#include "text.h"
#include "view.h"
#include "web_html.h"
#include "web_work.h"

#define HTML_TYPE "text/html; charset=utf-8"

/* What the person can do to the order: its status, and whether their unit owns it. */
static const char SQL_STANDING[] =
    "SELECT c.status, coalesce((SELECT a.role FROM assignments a WHERE a.complaint_id = c.id AND a.active"
    "                            AND a.unit_id = (SELECT unit_id FROM principals WHERE id = $1::int)"
    "                          ORDER BY a.role <> 'owner' LIMIT 1), ''),"
    "       coalesce((SELECT a.street_code FROM assignments a WHERE a.complaint_id = c.id AND a.active"
    "                  AND a.role = 'manual' LIMIT 1), ''),"
    "       CASE WHEN c.status IN " NAMES_HELD_SQL " THEN coalesce((SELECT u.code FROM assignments a"
    "            JOIN units u ON u.id = a.unit_id WHERE a.complaint_id = c.id AND a.active AND a.role = 'owner'), '')"
    "            ELSE '' END,"
    "       coalesce((SELECT k.name FROM categories k WHERE k.code = c.category), ''),"
    "       coalesce(r.due_to, ''), coalesce(r.mine, false)"
    "  FROM complaints c LEFT JOIN LATERAL (SELECT to_char(x.due_to, " REPORT_TIME_FMT ") AS due_to,"
    "                                              x.requested_by = (SELECT name FROM principals WHERE id = $1::int) AS mine"
    "                                         FROM extension_requests x WHERE x.complaint_id = c.id AND x.state = 'pending') r"
    "    ON true"
    " WHERE c.id = " REPORT_SEEN_ORDER;
/* S_PART: the reader's unit's role in it (owner, co) or ""; S_ASKED: the time its waiting request for more time
 * asks for, or "" (none waits); S_MINE: the reader made it. */
enum { S_STATUS, S_PART, S_SUGGESTED, S_HOLDER, S_CATEGORY, S_ASKED, S_MINE };

static const char SQL_PHOTOS[] =
    "SELECT id, kind, sha256, person_named_at(uploaded_by, created_at), to_char(created_at, " REPORT_TIME_FMT ")"
    "  FROM photos WHERE complaint_id = " REPORT_SEEN_ORDER " ORDER BY cycle, kind DESC, id";
enum { P_ID, P_KIND, P_SHA256, P_BY, P_AT };

/* Units a dispatcher may give an order to; a unit of no district (kept for
 * orders whose district cannot be told, 区纪委监委) said so, not to be taken
 * for the district's own (崂山区纪委监委) in the list. */
static const char SQL_UNITS[] =
    "SELECT code, name || CASE WHEN region_code IS NULL THEN '（区县不明的工单）' ELSE '' END FROM units"
    " WHERE kind IN ('street', 'dept', 'discipline') ORDER BY kind = 'street' DESC, code";

/* The categories a dispatch may put an order in, by name (the dispatch form's list). */
static const char SQL_CATEGORY_NAMES[] = "SELECT name FROM categories ORDER BY code";

static const char SQL_PHOTO[] =
    "SELECT p.mime, p.data FROM photos p WHERE p.id = $2::bigint AND principal_sees($1::int, p.complaint_id)";

/* What the order's 联系电话 shows: the full number asked for (in this
 * answer only, to dial with a touch on a phone), or the masked one with,
 * when the reader may ask, the button that asks. */
typedef struct {
    const web_user *u;
    const char     *ticket;
    const char     *full;      /* the number revealed, or NULL */
    int             offer;     /* the reader may ask for it */
} phone_cell;

static void phone_value(FILE *f, const phone_cell *p, const char *masked)
{
    if (p->full) {
        fputs("<a class=\"phone\" href=\"tel:", f);
        text_html_escape(f, p->full);
        fputs("\"><strong>", f);
        text_html_escape(f, p->full);
        fputs("</strong></a>（完整号码，只在这一次显示；此次查看已记入处理记录）", f);
        return;
    }
    web_html_value(f, masked);
    if (!p->offer)
        return;
    fputs(" <form class=\"inline\" method=\"post\" action=\"/work/phone\">", f);
    web_html_csrf(f, p->u);
    fputs("<input type=\"hidden\" name=\"t\" value=\"", f);
    text_html_escape(f, p->ticket);
    fputs("\"><button type=\"submit\">显示完整号码</button></form>", f);
}

/* web_html_cell_fn: the record's 联系电话 as phone_value() shows it. */
static int phone_hook(FILE *f, const void *ctx, const Jiesu__Table *t, size_t row, size_t col)
{
    if (strcmp(t->columns[col], REPORT_PHONE_COLUMN) != 0)
        return 0;
    phone_value(f, ctx, t->rows[row]->cells[col]);
    return 1;
}

/* The order's photos, each with who sent it, when, and the start of its
 * SHA-256 as people call such a thing, 校验码 (the file as stored). */
static void photos(FILE *f, PGresult *res)
{
    fputs("<h2>整改前后照片</h2>\n", f);
    if (PQntuples(res) == 0) {
        fputs("<p>无</p>\n", f);
        return;
    }
    fputs("<div class=\"photos\">", f);
    for (int r = 0; r < PQntuples(res); r++) {
        const char *kind = strcmp(PQgetvalue(res, r, P_KIND), "before") == 0 ? "整改前" : "整改后";
        fprintf(f, "<figure><img src=\"/work/photo?id=%s\" alt=\"%s\"><figcaption>%s · ", PQgetvalue(res, r, P_ID),
                kind, kind);
        text_html_escape(f, PQgetvalue(res, r, P_BY));
        fprintf(f, " · %s · 校验码 %.12s…</figcaption></figure>", PQgetvalue(res, r, P_AT),
                PQgetvalue(res, r, P_SHA256));
    }
    fputs("</div>\n", f);
}

/* One action's form as the page offers it. */
typedef struct {
    const char *action, *button;
    const char *before;     /* fields before the reason (HTML), or NULL */
    const char *reason;     /* the reason field's label, or NULL for none */
    int         required;   /* the reason must be given */
    const char *after;      /* fields after the reason (HTML), or NULL */
    int         multipart;  /* it sends photos */
} act_form;

/* One action's form: a button, with the fields it needs, the reason as typed. */
static void action_form(FILE *f, const web_user *u, const char *ticket, const act_form *a,
                        const http_request *typed)
{
    const char *again = web_typed(typed, "action", a->action, "reason");
    fprintf(f, "<form class=\"inline action\" method=\"post\" action=\"/work/act\"%s>",
            a->multipart ? " enctype=\"multipart/form-data\"" : "");
    web_html_csrf(f, u);
    fputs("<input type=\"hidden\" name=\"t\" value=\"", f);
    text_html_escape(f, ticket);
    fprintf(f, "\"><input type=\"hidden\" name=\"action\" value=\"%s\">%s", a->action, a->before ? a->before : "");
    if (a->reason) {
        fprintf(f, "<label>%s<input name=\"reason\"%s", a->reason, a->required ? " required" : "");
        if (again) {
            fputs(" value=\"", f);
            text_html_escape(f, again);
            fputc('"', f);
        }
        fputs("></label>", f);
    }
    fprintf(f, "%s<button type=\"submit\" name=\"go\" value=\"%s\">%s</button></form>\n", a->after ? a->after : "",
            a->action, a->button);
}

static const act_form ACCEPT = {"accept", "签收", NULL, NULL, 0, NULL, 0};
static const act_form PROGRESS = {"progress", "记录进展", NULL, "进展说明", 1, NULL, 0};
static const act_form WAIT = {"wait", "暂缓办理", NULL, "暂缓原因", 1, NULL, 0};
static const act_form RESUME = {"resume", "恢复办理", NULL, NULL, 0, NULL, 0};
static const act_form RESOLVE = {"resolve", "办结", NULL, "办结说明", 0,
    "<label>整改前照片<input type=\"file\" name=\"photo_before\" accept=\"image/jpeg,image/png\"></label>"
    "<label>整改后照片<input type=\"file\" name=\"photo_after\" accept=\"image/jpeg,image/png\"></label>", 1};
static const act_form RETURN = {"return", "退回（非本单位职责）", NULL, "退回原因", 1, NULL, 0};
/* The dispatcher's, for an order of the manual queue that is not this
 * district's business: back to the city hotline, for good. */
static const act_form HANDBACK = {"handback", "退回热线（非本区事项）", NULL, "退回热线的理由", 1, NULL, 0};

/* A dispatcher's decision on a request for more time (discipline
 * inspection's, on a conduct complaint's): the reason a rejection's, required. */
static const act_form APPROVE = {"extension_approve", "批准延期", NULL, "审核说明（可选）", 0, NULL, 0};
static const act_form REJECT = {"extension_reject", "驳回延期申请", NULL, "驳回原因", 1, NULL, 0};

/* The owner's 申请延期 of an order 办理中: the new 办结 deadline (the forms
 * route_due.h reads) as typed before, and why; the service checks the rest. */
static void extend_form(FILE *f, const web_user *u, const char *ticket, const http_request *typed)
{
    const char *again = web_typed(typed, "action", "extend", "due");
    char *fields = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&fields, &len);
    if (!m)
        return;
    fputs("<label>新的办结时限<input name=\"due\" required placeholder=\"2026-12-20 或 2026-12-20 12:00\"", m);
    if (again) {
        fputs(" value=\"", m);
        text_html_escape(m, again);
        fputc('"', m);
    }
    fputs("></label>", m);
    if (fclose(m) == 0)
        action_form(f, u, ticket, &(act_form){"extend", "申请延期", fields, "延期理由", 1, NULL, 0}, typed);
    free(fields);
}

/* Where the order's request for more time stands for u: the owner asks
 * (none waiting, the order 办理中), whoever decides — a dispatcher, or
 * discipline inspection of the conduct complaint it holds — is offered both
 * decisions (never on their own request), the rest are told it waits. */
static void extension(FILE *f, const web_user *u, const char *ticket, PGresult *standing, const http_request *typed)
{
    const char *asked = PQgetvalue(standing, 0, S_ASKED), *part = PQgetvalue(standing, 0, S_PART);
    int owner = (u->who.role & (AUTH_HANDLER | AUTH_DISCIPLINE)) && strcmp(part, "owner") == 0;
    int decides = ((u->who.role & AUTH_DISPATCHER) || ((u->who.role & AUTH_DISCIPLINE) && owner)) &&
                  *PQgetvalue(standing, 0, S_MINE) != 't';
    if (!*asked && owner && strcmp(PQgetvalue(standing, 0, S_STATUS), "accepted") == 0) {
        extend_form(f, u, ticket, typed);
        return;
    }
    if (!*asked || !(owner || decides))
        return;
    /* not deciding, an inspector is the one who asked (only it owns a conduct complaint) */
    fprintf(f, "<p>延期申请待审核：申请把办结时限延至 %s（理由见下面的“延期申请”）%s。</p>", asked,
            decides                            ? ""
            : u->who.role & AUTH_DISCIPLINE ? "，由另一位纪委监委（申请人以外的人）审核；审核之前时限照常计算"
                                            : "，由派单员审核；审核之前时限照常计算");
    if (decides) {
        action_form(f, u, ticket, &APPROVE, typed);
        action_form(f, u, ticket, &REJECT, typed);
    }
}

/* The callback's form, the callback agent's and discipline inspection's
 * (for the conduct complaints it resolved): the results names.c knows, none
 * chosen unless typed chose one (请选择, which the browser will not send: a
 * result preselected was recorded by a slip, 满意 closing the order and
 * counting for the unit); 不满意 says that the order is reopened, 未接通 that
 * it stays to be called again. */
static void callback_form(FILE *f, const web_user *u, const char *ticket, const http_request *typed)
{
    const char *chosen = web_typed(typed, "action", "callback", "result"), *code, *name;
    char select[512];
    size_t at = (size_t)snprintf(select, sizeof select,
                                 "<label>回访结果<select name=\"result\" required><option value=\"\"%s>请选择</option>",
                                 chosen && *chosen ? "" : " selected");
    for (size_t i = 0; (code = names_callback_nth(i, &name)) && at < sizeof select; i++)
        at += (size_t)snprintf(select + at, sizeof select - at, "<option value=\"%s\"%s>%s%s</option>", code,
                               chosen && strcmp(chosen, code) == 0 ? " selected" : "", name,
                               strcmp(code, "unsatisfied") == 0  ? "（重新办理）"
                               : strcmp(code, "unreached") == 0 ? "（稍后再打）"
                                                                 : "");
    if (at < sizeof select)
        snprintf(select + at, sizeof select - at, "</select></label>");
    action_form(f, u, ticket, &(act_form){"callback", "记录回访", select, "回访记录", 0, NULL, 0}, typed);
}

/* The actions of a unit that owns the order, by its status. A conduct
 * complaint discipline inspection resolved is its to call back: no
 * callback agent may read it. */
static void unit_actions(FILE *f, const web_user *u, const char *ticket, const char *status, const http_request *typed)
{
    int dispatched = strcmp(status, "dispatched") == 0, accepted = strcmp(status, "accepted") == 0;
    int call_back = strcmp(status, "resolved") == 0 && (u->who.role & AUTH_DISCIPLINE);
    if (!dispatched && !accepted && strcmp(status, "waiting") != 0 && !call_back)
        fprintf(f, "<p>当前状态（%s）下本单位无可办理的操作。</p>", names_status(status));
    if (call_back)
        callback_form(f, u, ticket, typed);
    if (dispatched)
        action_form(f, u, ticket, &ACCEPT, typed);
    if (dispatched || accepted || strcmp(status, "waiting") == 0)
        action_form(f, u, ticket, &PROGRESS, typed);
    if (accepted)
        action_form(f, u, ticket, &WAIT, typed);
    if (strcmp(status, "waiting") == 0)
        action_form(f, u, ticket, &RESUME, typed);
    if (dispatched || accepted) {
        action_form(f, u, ticket, &RESOLVE, typed);
        action_form(f, u, ticket, &RETURN, typed);
    }
}

/* The dispatch form's 分类: empty keeps the order's category (named as
 * the placeholder), a name from the list corrects routing's. */
static void category_field(FILE *m, PGconn *pg, const char *category, const http_request *typed)
{
    const char *chosen = web_typed(typed, "action", "dispatch", "category");
    char err[512];
    PGresult *res = db_query(pg, "categories to dispatch in", SQL_CATEGORY_NAMES, 0, NULL, err, sizeof err);
    if (!res) {
        log_error("workbench: no categories offered to correct: %s", err);
        return;
    }
    fputs("<label>分类（派单建议的分类不对时改正）<input name=\"category\" list=\"categories\" placeholder=\"不改：", m);
    web_html_value(m, category);
    fputs("\" value=\"", m);
    text_html_escape(m, chosen ? chosen : "");
    fputs("\"></label><datalist id=\"categories\">", m);
    for (int r = 0; r < PQntuples(res); r++) {
        fputs("<option value=\"", m);
        text_html_escape(m, PQgetvalue(res, r, 0));
        fputs("\">", m);
    }
    fputs("</datalist>", m);
    PQclear(res);
}

/* The dispatcher's form: the units, routing's suggestion (or the unit that
 * holds it) marked and chosen, unless typed chose another. A reassignment
 * (held: a unit has the order) must say why. The holder shown goes with
 * the form: a dispatch that finds another is refused (route_actions.c).
 * category: the order's, by name, corrected in category_field. */
static void dispatch_form(FILE *f, PGconn *pg, const web_user *u, const char *ticket, const char *suggested, int held,
                          const char *category, const http_request *typed)
{
    const char *chosen = web_typed(typed, "action", "dispatch", "unit");
    char err[512];
    PGresult *res = db_query(pg, "units to dispatch to", SQL_UNITS, 0, NULL, err, sizeof err);
    char *fields = NULL;
    size_t len = 0;
    FILE *m = res ? open_memstream(&fields, &len) : NULL;
    if (!res)
        log_error("workbench: order %s: %s; no dispatch form shown", ticket, err);
    if (!res || !m) {
        PQclear(res);
        if (m)
            fclose(m);
        free(fields);
        return;
    }
    fputs("<input type=\"hidden\" name=\"holder\" value=\"", m);     /* as shown: route_actions.c checks it */
    text_html_escape(m, held ? suggested : "none");
    fputs("\"><label>派给<select name=\"unit\">", m);
    for (int r = 0; r < PQntuples(res); r++) {
        fputs("<option value=\"", m);
        text_html_escape(m, PQgetvalue(res, r, 0));
        fprintf(m, "\"%s>", strcmp(PQgetvalue(res, r, 0), chosen ? chosen : suggested) == 0 ? " selected" : "");
        text_html_escape(m, PQgetvalue(res, r, 1));
        fputs(strcmp(PQgetvalue(res, r, 0), suggested) != 0 ? "</option>" : held ? "（现承办）</option>"
                                                                               : "（系统建议）</option>", m);
    }
    fputs("</select></label>", m);
    PQclear(res);
    category_field(m, pg, category, typed);
    if (fclose(m) == 0)
        action_form(f, u, ticket,
                    &(act_form){"dispatch", held ? "改派" : "派单", fields, held ? "改派原因" : "派单说明", held, NULL, 0},
                    typed);
    free(fields);
}

/* To the workbench searched by the order's ticket, whose alerts to the
 * reader's unit it lists to acknowledge, however many newer ones the unit
 * has (the workbench alone lists the newest 50). */
static void alerts_link(FILE *f, const char *ticket)
{
    char url[3 * TEXT_TICKET_MAX + 1];
    text_url_encode(url, sizeof url, ticket);
    fprintf(f, "（<a href=\"/work?t=%s\">本单位关于这个工单的告警</a>）", url);
}

/* Every action u may take on the order now, the form of typed's action
 * (a refused request, or NULL) filled in as it was sent. */
static void actions(FILE *f, PGconn *pg, const web_user *u, const char *ticket, PGresult *standing,
                    const http_request *typed)
{
    const char *status = PQgetvalue(standing, 0, S_STATUS);
    const char *part = PQgetvalue(standing, 0, S_PART);
    fputs("<h2>办理</h2>\n<div class=\"card\">", f);
    if ((u->who.role & (AUTH_HANDLER | AUTH_DISCIPLINE)) && strcmp(part, "owner") == 0)
        unit_actions(f, u, ticket, status, typed);
    else if ((u->who.role & (AUTH_HANDLER | AUTH_DISCIPLINE)) && strcmp(part, "co") == 0)
        fputs("<p>本单位协办此单：可查看，由主办单位办理。</p>", f);
    else if (u->who.role & (AUTH_HANDLER | AUTH_DISCIPLINE))    /* discipline inspection reading its district's */
    {
        fputs("<p>此单不由本单位承办：可查看，由承办单位办理；发给本单位的告警在工作台确认", f);
        alerts_link(f, ticket);
        fputs("。</p>", f);
    }
    else if ((u->who.role & AUTH_DISPATCHER) && (strcmp(status, "manual") == 0 || strcmp(status, "returned") == 0)) {
        dispatch_form(f, pg, u, ticket, PQgetvalue(standing, 0, S_SUGGESTED), 0, PQgetvalue(standing, 0, S_CATEGORY),
                      typed);
        if (strcmp(status, "manual") == 0)
            action_form(f, u, ticket, &HANDBACK, typed);
    }
    else if ((u->who.role & AUTH_DISPATCHER) && *PQgetvalue(standing, 0, S_HOLDER))
        dispatch_form(f, pg, u, ticket, PQgetvalue(standing, 0, S_HOLDER), 1, PQgetvalue(standing, 0, S_CATEGORY),
                      typed);
    else if ((u->who.role & AUTH_CALLBACK) && strcmp(status, "resolved") == 0)
        callback_form(f, u, ticket, typed);
    else if (u->who.role & (AUTH_CAMPAIGN | AUTH_CLERK)) {     /* whatever the status: they act on no order */
        fprintf(f, "<p>%s的账号只查看工单，不办理：工单由承办单位办理%s", auth_role_title(u->who.role),
                u->who.role & AUTH_CAMPAIGN ? "；发给本单位的告警在工作台确认" : "");
        if (u->who.role & AUTH_CAMPAIGN)
            alerts_link(f, ticket);
        fputs("。</p>", f);
    }
    else if (!*PQgetvalue(standing, 0, S_ASKED) || !(u->who.role & AUTH_DISPATCHER))
        fprintf(f, "<p>当前状态（%s）下您无可办理的操作。</p>", names_status(status));
    extension(f, u, ticket, standing, typed);
    fputs("</div>\n", f);
}

/* Runs one statement about the order for u. NULL with err. */
static PGresult *about(PGconn *pg, const char *label, const char *sql, const web_user *u, const char *ticket,
                       char *err, size_t errlen)
{
    char id[16];
    snprintf(id, sizeof id, "%d", u->who.id);
    const char *params[] = {id, ticket};
    return db_query(pg, label, sql, 2, params, err, errlen);
}

/* Whether u may ask for the full number of ticket: the button is offered
 * then (report_phone() asked without revealing; it decides again when asked). */
static int phone_offered(PGconn *pg, const web_user *u, const char *ticket)
{
    char none[1], say[1024];
    report_phone_answer a = report_phone(pg, &u->who, ticket, 0, none, sizeof none, say, sizeof say);
    if (a == REPORT_PHONE_FAILED)
        log_warn("workbench: order %s: no 显示完整号码 offered to %s: %s", ticket, u->who.name, say);
    return a == REPORT_PHONE_YES;
}

/* The page of ticket for u into f, typed's action (or none) filled in as
 * sent, phone the caller's full number revealed in this answer (or NULL);
 * 0, or 404 / 503 when there is none to show. */
static int order_page(FILE *f, const web_work *w, PGconn *pg, const web_user *u, const char *ticket, const char *note,
                      int note_ok, const http_request *typed, const char *phone)
{
    char id[16], err[512] = "";
    Jiesu__ViewReply reply = JIESU__VIEW_REPLY__INIT;
    snprintf(id, sizeof id, "%d", u->who.id);
    const char *params[] = {id, ticket};
    int rc = view_build(w->cfg, pg, view_find(REPORT_VIEWS, "order"), params, 2, &reply, err, sizeof err);
    PGresult *st = rc == 1 ? about(pg, "standing", SQL_STANDING, u, ticket, err, sizeof err) : NULL;
    PGresult *ph = st ? about(pg, "photos", SQL_PHOTOS, u, ticket, err, sizeof err) : NULL;
    int status = rc == 0 ? 404 : !ph || PQntuples(st) != 1 ? 503 : 0;
    if (status == 503) {
        if (!*err)
            snprintf(err, sizeof err, "standing: %d rows", PQntuples(st));
        log_error("workbench: order %s for %s: %s", ticket, u->who.name, err);
    }
    web_html_start(f, status == 404 ? "没有这个工单" : ticket, u);
    if (note && !(note_ok && status == 404)) {  /* what was done, of an order the person reads only */
        fprintf(f, "<p class=\"msg %s\" role=\"status\">", note_ok ? "ok" : "err");
        text_html_escape(f, note);
        fputs("</p>\n", f);
    }
    if (status == 404) {
        fputs("<p>没有您可以查看的工单 ", f);
        text_html_escape(f, ticket);
        fputs(REPORT_NOT_SEEN_HINT "。</p>\n", f);
    } else if (status) {
        fputs("<p>暂时无法读取此工单，" WEB_READ_LATER "</p>\n", f);
    } else {
        phone_cell cell = {u, ticket, phone, !phone && phone_offered(pg, u, ticket)};
        web_html_table(f, reply.tables[0], phone_hook, &cell);
        actions(f, pg, u, ticket, st, typed);
        for (size_t i = 1; i < reply.n_tables; i++)
            if (strcmp(reply.tables[i]->title, REPORT_PHOTOS_TITLE) != 0)  /* shown as images below */
                web_html_table(f, reply.tables[i], NULL, NULL);
        photos(f, ph);
    }
    fputs("<p><a href=\"/work\">返回工作台</a></p>\n", f);
    web_html_end(f);
    PQclear(st);
    PQclear(ph);
    for (size_t i = 0; i < reply.n_tables; i++)
        jiesu__table__free_unpacked(reply.tables[i], NULL);
    free(reply.tables);
    return status;
}

/* The order page with note (or none) at status (0: what the page finds),
 * the form of typed (a refused action, or NULL) filled in as sent, phone
 * the full number revealed (or NULL). */
static void respond(const web_work *w, PGconn *pg, const web_user *u, const char *ticket, int status,
                    const char *note, int note_ok, const http_request *typed, const char *phone,
                    http_response *resp)
{
    http_body b;
    FILE *f = http_body_open(&b);
    int found = f ? order_page(f, w, pg, u, ticket, note, note_ok, typed, phone) : 0;
    http_body_reply(&b, resp, status ? status : found ? found : 200, HTML_TYPE);
}

/* A dispatch to the unit holding the order already ("kept") did nothing,
 * said naming it ("%s"); the other actions are said as names_action_done()
 * says them, and one that found the order so already ("same") as the
 * assignment service says it. */
#define KEPT "工单已在%s，未作改动：没有派单，也没有记录。要改派请在“派给”里选另一个单位。"

/* The unit that owns the order now, by name, when u may see the order. */
static const char SQL_OWNER[] =
    "SELECT u.name FROM assignments a JOIN units u ON u.id = a.unit_id"
    " WHERE a.complaint_id = " REPORT_SEEN_ORDER " AND a.active AND a.role = 'owner'";

/* $3 an action's event: what else its last one did (detail.note: the
 * merged repeats an accept, a wait, a resume or a resolve moved with the
 * order). */
static const char SQL_DONE_TOO[] =
    "SELECT e.detail->>'note' FROM complaint_events e"
    " WHERE e.complaint_id = " REPORT_SEEN_ORDER " AND e.event = $3 ORDER BY e.id DESC LIMIT 1";

/* The actions the merged repeats move with (route_actions.c), and their events. */
static const struct {
    const char *action;
    const char *event;
} WITH_REPEATS[] = {{"accept", "accepted"}, {"wait", "waiting"}, {"resume", "resumed"}, {"resolve", "resolved"}};

/* The action done, in words, and what else it did ("已办结。与之合并的重复工单 … 随之办结。"). */
static void done_too(PGconn *pg, const web_user *u, const char *ticket, const char *done, char *out, size_t cap)
{
    const char *event = NULL;
    for (size_t i = 0; i < sizeof WITH_REPEATS / sizeof WITH_REPEATS[0]; i++)
        if (strcmp(WITH_REPEATS[i].action, done) == 0)
            event = WITH_REPEATS[i].event;
    char id[16], err[512];
    int n = snprintf(out, cap, "%s。", names_action_done(done));
    if (!event || n <= 0 || (size_t)n >= cap)
        return;
    snprintf(id, sizeof id, "%d", u->who.id);
    const char *params[] = {id, ticket, event};
    PGresult *res = db_query(pg, "what the action did", SQL_DONE_TOO, 3, params, err, sizeof err);
    if (!res)
        log_warn("workbench: what else the %s of order %s did not said: %s", done, ticket, err);
    if (res && PQntuples(res) == 1 && !PQgetisnull(res, 0, 0))
        snprintf(out + n, cap - (size_t)n, "%s。", PQgetvalue(res, 0, 0));
    PQclear(res);
}

/* What was done, in words: a dispatch what it did, as `jiesu dispatch`
 * answers it; one that did nothing names the unit holding the order. */
static void done_note(PGconn *pg, const web_user *u, const char *ticket, const char *done, char *out, size_t cap)
{
    char err[512];
    *out = '\0';
    if (done && strcmp(done, "same") == 0) {
        snprintf(out, cap, "此前已办理，未作改动。");
        return;
    }
    if (done && strcmp(names_action_done(done), done) != 0) {   /* it has a word for the action */
        done_too(pg, u, ticket, done, out, cap);
        return;
    }
    if (done && (strcmp(done, "dispatch") == 0 || strcmp(done, "reassign") == 0)) {
        char said[768];
        web_dispatch_said(pg, u, ticket, said, sizeof said);
        if (*said)
            snprintf(out, cap, "%s。", said);
        return;
    }
    if (!done || strcmp(done, "kept") != 0)
        return;
    PGresult *res = about(pg, "owner", SQL_OWNER, u, ticket, err, sizeof err);
    if (!res)
        log_warn("workbench: the unit now holding order %s not named: %s", ticket, err);
    snprintf(out, cap, KEPT, res && PQntuples(res) == 1 ? PQgetvalue(res, 0, 0) : "所选单位");
    PQclear(res);
}

void web_work_order(const web_work *w, PGconn *pg, const web_user *u, const http_request *req, http_response *resp)
{
    char note[1024], typed[256];
    const char *ticket = text_ticket(typed, sizeof typed, http_param(req, "t")), *done = http_param(req, "done");
    if (!ticket) {
        web_html_fail(req, resp, 400, "要看哪件工单？在工作台的列表里点工单号，或在“工单号”框里查找。");
        return;
    }
    done_note(pg, u, ticket, done, note, sizeof note);
    respond(w, pg, u, ticket, 0, *note ? note : NULL, 1, NULL, NULL, resp);
}

void web_work_order_error(const web_work *w, PGconn *pg, const web_user *u, const http_request *req,
                          const char *ticket, int status, const char *message, http_response *resp)
{
    respond(w, pg, u, ticket, status, message, 0, req, NULL, resp);
}

void web_work_phone(const web_work *w, PGconn *pg, const web_user *u, const http_request *req, http_response *resp)
{
    char typed[256], number[64], say[1024];
    const char *ticket = text_ticket(typed, sizeof typed, http_param(req, "t"));
    if (!ticket) {
        web_html_fail(req, resp, 400, "要看哪件工单的来电人号码？请回到工单页面，在“联系电话”旁点“显示完整号码”。");
        return;
    }
    if (!web_auth_csrf_ok(u, req)) {    /* the page again, with a fresh form */
        respond(w, pg, u, ticket, 403, "这张表单是在您上次登录之前打开的，已经失效，没有显示号码：请再点一次“显示完整号码”。",
                0, NULL, NULL, resp);
        return;
    }
    report_phone_answer a = report_phone(pg, &u->who, ticket, 1, number, sizeof number, say, sizeof say);
    if (a == REPORT_PHONE_FAILED) {
        log_error("workbench: caller's phone of order %s for %s: %s", ticket, u->who.name, say);
        snprintf(say, sizeof say, "暂时无法读取来电人号码，没有显示，也没有记录：" WEB_READ_LATER);
    }
    if (a == REPORT_PHONE_YES)
        respond(w, pg, u, ticket, 0, "来电人完整号码见下面的“" REPORT_PHONE_COLUMN "”，只在这一次显示；此次查看已记入处理记录。",
                1, NULL, number, resp);
    else        /* no such order: the page says so itself */
        respond(w, pg, u, ticket, report_phone_status(a), a == REPORT_PHONE_NO_ORDER ? NULL : say, 0, NULL, NULL, resp);
}

void web_work_photo(PGconn *pg, const web_user *u, const http_request *req, http_response *resp)
{
    char id[16];
    const char *photo = http_param(req, "id");
    snprintf(id, sizeof id, "%d", u->who.id);
    int number = photo && *photo && strlen(photo) <= 18 && strspn(photo, "0123456789") == strlen(photo);
    const char *params[] = {id, number ? photo : "0"};     /* 18 digits: within bigint */
    PGresult *res = PQexecParams(pg, SQL_PHOTO, 2, NULL, params, NULL, NULL, 1);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        web_html_read_failed(req, resp, "照片", PQerrorMessage(pg));
        PQclear(res);
        return;
    }
    if (PQntuples(res) != 1) {
        web_html_fail(req, resp, 404, "没有您可以查看的这张照片：请从工单页面的“整改前后照片”打开。");
        PQclear(res);
        return;
    }
    int len = PQgetlength(res, 0, 1);
    char *body = malloc(len ? (size_t)len : 1);
    if (body) {
        memcpy(body, PQgetvalue(res, 0, 1), (size_t)len);
        free(resp->body);
        resp->status = 200;
        resp->content_type = strncmp(PQgetvalue(res, 0, 0), "image/png", 9) == 0 ? "image/png" : "image/jpeg";
        resp->body = body;
        resp->len = (size_t)len;
    }
    PQclear(res);
}
