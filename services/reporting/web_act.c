/* web_act.c — the workbench's actions, carried out by the services that own
 * them, as the person signed in (see web_work.h, web_bus.h).
 *
 * POST /work/act becomes the assignment service's "action.request" — the
 * request `jiesu accept` and its siblings send — with the resolve's photos
 * (整改前后照片) inside it; POST /work/ack the escalation service's
 * "alert.ack". Both carry the CSRF token of the session. The web tier checks
 * only what it can say better (a photo too large, not an image): the
 * service decides everything else and its refusal is shown on the page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "image.h"
#include "log.h"
#include "report_views.h"
#include "svc.h"
#include "text.h"
#include "web_html.h"
#include "web_work.h"

#define HTML_TYPE "text/html; charset=utf-8"
#define STALE_FORM "这张表单是在您上次登录之前打开的，已经失效，这次没有办理：填写的内容已放回下面的表单，请核对后重新提交。"

/* A size in bytes as a person reads it: "4.0 MB", or "5 KB" (rounded up) below a megabyte. */
static const char *size_text(char *out, size_t cap, size_t bytes)
{
    if (bytes >= 1024 * 1024)
        snprintf(out, cap, "%.1f MB", (double)bytes / (1024 * 1024));
    else
        snprintf(out, cap, "%zu KB", (bytes + 1023) / 1024);
    return out;
}

/* A photo field of the form, when a file was chosen. 1 with *out filled,
 * 0 when none was, -1 with why: what is wrong with it and what to do (the
 * page comes back with the note as typed, the files to be chosen again). */
static int take_photo(const web_work *w, const http_request *req, const char *field, const char *kind,
                      Jiesu__Photo *out, char *why, size_t whylen)
{
    size_t len = 0;
    const char *name = "", *type = "";
    char shown[61], size[32], max[32], wrong[128];
    const char *data = http_field(req, field, &len, &name, &type);
    if (!data || len == 0)
        return 0;
    if (len > w->photo_max || !image_mime(data, len)) {
        if (len > w->photo_max)
            snprintf(wrong, sizeof wrong, "有 %s，超过每张 %s 的上限：请压缩后", size_text(size, sizeof size, len),
                     size_text(max, sizeof max, w->photo_max));
        else
            snprintf(wrong, sizeof wrong, "不是 JPEG 或 PNG 图片：请");
        snprintf(why, whylen, "%s照片“%s”%s重新选择照片再办结（办结说明已保留）。",
                 strcmp(kind, "before") == 0 ? "整改前" : "整改后", text_quote(shown, sizeof shown, name), wrong);
        return -1;
    }
    jiesu__photo__init(out);
    out->kind = (char *)kind;
    out->name = (char *)name;
    out->data.data = (uint8_t *)data;
    out->data.len = len;
    return 1;
}

/* The HTTP status of a request a service answered with bus error code:
 * not allowed, not possible now (no answer, or it failed inside), or refused. */
static int status_of(int code)
{
    return code == SVC_ERR_FORBIDDEN ? 403
         : code == 0 || code == SVC_ERR_INTERNAL || code == WEB_BUS_UNREACHED ? 503 : 409;
}

/* What the service answered to the person's doing (办理, 确认告警), in
 * words for the page: its refusal as it said it; when it was not reached,
 * that nothing was done; when it did not answer, only that (the bus's
 * reason, which names sockets, is in the log): it may have done it before
 * the answer was lost, so the page says to look first. */
static void say_refusal(int code, const char *err, const char *doing, char *out, size_t cap)
{
    if (code == SVC_ERR_FORBIDDEN)
        snprintf(out, cap, "无权%s：%s", doing, err);
    else if (code == WEB_BUS_UNREACHED)
        snprintf(out, cap, "连不上办理这件事的服务（它没有在运行，或正在重启），这次%s没有生效："
                 "请过一会儿再试；一直如此请告知系统管理员。", doing);
    else if (code == 0)
        snprintf(out, cap, "没有收到服务的应答（原因已记入报表服务的日志）：请刷新页面，看这次%s是否已生效，"
                 "再决定是否重试；一直如此请告知系统管理员。", doing);
    else
        snprintf(out, cap, "未能%s：%s", doing, err);
}

/* What the order page is to say was done (its done=): nothing, when the
 * assignment service's reply says the order was so already — "kept" for a
 * dispatch to the unit holding it, else "same" —; a dispatch that took the
 * order from a unit "reassign", a callback of 不满意 "reopen" (the order goes
 * back to be handled), one of 未接通 "unreached" (it waits to be called
 * again), else the action. */
static const char *done_as(const Jiesu__ActionRequest *rq, const Jiesu__Envelope *reply)
{
    Jiesu__ActionReply *r = strcmp(reply->type, "action.reply") == 0 ? BUS_UNPACK(action_reply, reply) : NULL;
    int dispatch = strcmp(rq->action, "dispatch") == 0, unchanged = r && r->unchanged, moved = r && r->reassigned;
    if (r)
        jiesu__action_reply__free_unpacked(r, NULL);
    if (unchanged)
        return dispatch ? "kept" : "same";
    if (dispatch && moved)
        return "reassign";
    if (strcmp(rq->action, "callback") == 0 && strcmp(rq->result, "unsatisfied") == 0)
        return "reopen";
    if (strcmp(rq->action, "callback") == 0 && strcmp(rq->result, "unreached") == 0)
        return "unreached";
    return rq->action;
}

/* 1 when u may still read the order of ticket after acting on it: a return,
 * or a dispatch to discipline inspection, takes it out of their sight. */
static int still_seen(PGconn *pg, const web_user *u, const char *ticket)
{
    char id[16], err[512], typed[256];
    snprintf(id, sizeof id, "%d", u->who.id);
    const char *params[] = {id, text_ticket(typed, sizeof typed, ticket)};
    if (!params[1])
        return 1;
    PGresult *res = db_query(pg, "the order still seen", "SELECT EXISTS " REPORT_SEEN_ORDER, 2, params, err,
                             sizeof err);
    if (!res)
        log_warn("workbench: whether %s still sees order %s not known: %s", u->who.name, ticket, err);
    int yes = !res || strcmp(PQgetvalue(res, 0, 0), "t") == 0;     /* not known: the order page says */
    PQclear(res);
    return yes;
}

/* Sends rq (from req) for u; answers 303 back to the order (to the
 * workbench, saying what was done, when u may no longer read it: the
 * action, also when this request found it done — a 退回 sent twice, whose
 * first took the order out of u's sight), or the order page with the
 * refusal and the form as req filled it. */
static void send_action(const web_work *w, PGconn *pg, const web_user *u, const http_request *req,
                        Jiesu__ActionRequest *rq, http_response *resp)
{
    char err[600], said[700], ticket[3 * TEXT_TICKET_MAX + 1], location[sizeof ticket + 64];
    int code;
    Jiesu__Envelope *reply = NULL;
    if (web_bus_call(w->bus, "assignment", u, "action.request", &rq->base, &reply, &code, err, sizeof err) < 0) {
        log_info("web: %s %s by %s refused: %s", rq->action, rq->ticket_no, u->who.name, err);
        say_refusal(code, err, "办理", said, sizeof said);
        web_work_order_error(w, pg, u, req, rq->ticket_no, status_of(code), said, resp);
        return;
    }
    text_url_encode(ticket, sizeof ticket, rq->ticket_no);
    const char *done = done_as(rq, reply);
    if (still_seen(pg, u, rq->ticket_no))
        snprintf(location, sizeof location, "/work/order?t=%s&done=%s", ticket, done);
    else    /* found done: by its twin, whose answer the browser dropped */
        snprintf(location, sizeof location, "/work?order=%s&done=%s", ticket,
                 strcmp(done, "same") == 0 || strcmp(done, "kept") == 0 ? rq->action : done);
    jiesu__envelope__free_unpacked(reply, NULL);
    web_auth_redirect(resp, location);
}

/* A ticket number as an import may store one: any text (UTF-8, checked where
 * the request entered) of at most TEXT_TICKET_MAX bytes. */
static int ticket_ok(const char *t)
{
    return t && *t && strlen(t) <= TEXT_TICKET_MAX;
}

void web_work_act(const web_work *w, PGconn *pg, const web_user *u, const http_request *req, http_response *resp)
{
    char why[300];
    Jiesu__ActionRequest rq = JIESU__ACTION_REQUEST__INIT;
    Jiesu__Photo photos[2], *list[2];
    const char *ticket = http_param(req, "t"), *v;
    if (!ticket_ok(ticket) || !(v = http_param(req, "action"))) {
        if (web_auth_csrf(u, req, resp) < 0)
            return;
        snprintf(why, sizeof why, "请求不完整：缺少工单号或操作（工单号最长 %d 字节）。请回到工单页面再办理。", TEXT_TICKET_MAX);
        web_html_fail(req, resp, 400, why);
        return;
    }
    if (!web_auth_csrf_ok(u, req)) {    /* the order page again, its form as sent, to send once more */
        web_work_order_error(w, pg, u, req, ticket, 403, STALE_FORM, resp);
        return;
    }
    rq.ticket_no = (char *)ticket;
    rq.action = (char *)v;
    rq.reason = (char *)((v = http_param(req, "reason")) ? v : "");
    rq.result = (char *)((v = http_param(req, "result")) ? v : "");
    rq.unit_code = (char *)((v = http_param(req, "unit")) ? v : "");
    rq.shown_holder = (char *)((v = http_param(req, "holder")) ? v : "");   /* the dispatch form's */
    rq.category = (char *)((v = http_param(req, "category")) ? v : "");   /* … and its correction of routing's */
    rq.due = (char *)((v = http_param(req, "due")) ? v : "");     /* 申请延期's new 办结 deadline, as typed */
    static const char *const FIELDS[2][2] = {{"photo_before", "before"}, {"photo_after", "after"}};
    for (int i = 0; i < 2; i++) {
        int got = take_photo(w, req, FIELDS[i][0], FIELDS[i][1], &photos[rq.n_photos], why, sizeof why);
        if (got < 0) {
            web_work_order_error(w, pg, u, req, ticket, 400, why, resp);
            return;
        }
        if (got) {
            list[rq.n_photos] = &photos[rq.n_photos];
            rq.n_photos++;
        }
    }
    rq.photos = list;
    send_action(w, pg, u, req, &rq, resp);
}

/* After an acknowledgement: the workbench, searched by the ticket the form
 * came from (its page's alerts: the rest of them to acknowledge), or all. */
static void ack_done(const http_request *req, http_response *resp)
{
    char typed[256], url[3 * TEXT_TICKET_MAX + 32], to[3 * TEXT_TICKET_MAX + 64];
    const char *ticket = text_ticket(typed, sizeof typed, http_param(req, "t"));
    if (ticket && strlen(ticket) <= TEXT_TICKET_MAX) {
        text_url_encode(url, sizeof url, ticket);
        snprintf(to, sizeof to, "/work?t=%s&done=ack", url);
    }
    web_auth_redirect(resp, ticket && strlen(ticket) <= TEXT_TICKET_MAX ? to : "/work?done=ack");
}

void web_work_ack(const web_work *w, PGconn *pg, const web_user *u, const http_request *req, http_response *resp)
{
    char err[600], said[700];
    int code;
    Jiesu__AckRequest rq = JIESU__ACK_REQUEST__INIT;
    Jiesu__Envelope *reply = NULL;
    const char *id = http_param(req, "id"), *note = http_param(req, "note");
    if (!web_auth_csrf_ok(u, req)) {    /* the workbench again, the note as sent, to send once more */
        web_work_list_error(w, pg, u, req, 403, STALE_FORM, resp);
        return;
    }
    rq.alert_id = id ? atoll(id) : 0;
    rq.note = (char *)(note ? note : "");
    if (web_bus_call(w->bus, "escalation", u, "alert.ack", &rq.base, &reply, &code, err, sizeof err) < 0) {
        log_info("web: ack of alert %s by %s refused: %s", id ? id : "?", u->who.name, err);
        say_refusal(code, err, "确认告警", said, sizeof said);
        web_work_list_error(w, pg, u, req, status_of(code), said, resp);
        return;
    }
    jiesu__envelope__free_unpacked(reply, NULL);
    ack_done(req, resp);
}
