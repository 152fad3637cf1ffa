/* web_import.c — the clerk's import page: the form, the file streamed to
 * intake as the clerk, the import's summary and the recent imports (see
 * web_import.h).
 *
 * The file never rests here. The body's file field reaches
 * web_import_piece() as libmicrohttpd parses it; the pieces fill one chunk
 * of IMPORT_CLIENT_CHUNK, and each full chunk goes to intake before more
 * is taken (import_client.h: the requests `jiesu import` makes), so a
 * slow intake slows the upload rather than filling memory. The sender is
 * checked at the first piece — a clerk whose form carries the session's
 * token, the token sent before the file as the page's form puts it — and
 * nothing is sent for anyone else; the handler checks again and answers.
 * The last chunk goes when the body is done, and the page waits for the
 * import, whose progress reports after every batch keep the wait alive
 * (web.import_timeout_seconds is the silence allowed between them):
 * README "The workbench" says why the page waits rather than refreshing.
 */
#include "web_import.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import_client.h"
#include "log.h"
#include "names.h"
#include "report_views.h"
#include "svc.h"
#include "text.h"
#include "web_html.h"

#define HTML_TYPE "text/html; charset=utf-8"
#define NAME_SHOWN 120      /* bytes of a file's name quoted in a message */
#define RECENT "20"         /* imports listed */
#define WHY_SHOWN 40        /* characters of a failed import's reason in the list, before 看全文 */

/* One POST's upload, from its first piece to its answer. */
typedef struct {
    const web_import *w;
    bus_client       *bus;          /* to intake, as the clerk */
    import_client     up;
    char              file_name[NAME_SHOWN];
    char             *buf;          /* the chunk being filled */
    size_t            held;
    int64_t           taken;        /* bytes of the file taken */
    int               checked;      /* the first piece came: the sender was looked at */
    int               status;       /* 0 while all is well; else the answer's, with msg */
    char              msg[IMPORT_CLIENT_REFUSAL_BYTES + 200];   /* intake's refusal, the file named */
} upload;

static void upload_free(void *p)
{
    upload *up = p;
    if (!up)
        return;
    bus_client_destroy(&up->bus);
    free(up->buf);
    free(up);
}

/* import_client_call_fn: a request to intake on the upload's connection;
 * the last chunk waits out the import's silences, the others a reply. */
static int call_intake(void *ctx, const char *type, const ProtobufCMessage *msg, int last, Jiesu__Envelope **reply,
                       int *code, char *err, size_t errlen)
{
    upload *up = ctx;
    int timeout = last ? up->w->bus->import_timeout_ms : up->w->bus->timeout_ms;
    return web_bus_send(up->bus, type, msg, timeout, reply, code, err, errlen) < 0 ? -1 : 0;
}

/* Stops the upload with status and msg for the page. -1. */
static int refuse(upload *up, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int refuse(upload *up, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(up->msg, sizeof up->msg, fmt, ap);
    va_end(ap);
    up->status = status;
    return -1;
}

/* "512 MB", "300 KB": a limit as a person reads it. */
static const char *size_text(char *out, size_t cap, int64_t bytes)
{
    if (bytes >= 1024 * 1024)
        snprintf(out, cap, "%.0f MB", (double)bytes / (1024 * 1024));
    else
        snprintf(out, cap, "%" PRId64 " KB", (bytes + 1023) / 1024);
    return out;
}

/* The refusal of a file over web.import_max_bytes. -1. */
static int too_large(upload *up)
{
    char max[32];
    return refuse(up, 413, "文件“%s”超过了工作台导入的上限 %s（web.import_max_bytes），没有导入：更大的文件请用命令 "
                  "jiesu import 导入，或把文件拆成几个再在这里导入。", up->file_name,
                  size_text(max, sizeof max, up->w->max_bytes));
}

/* The ends of the names of the files jiesu import takes: CSV, tab-separated
 * text (.tsv, and .txt as Excel names it), workbooks, zips of them. */
static const char *const IMPORTABLE[] = {".csv", ".tsv", ".txt", ".xlsx", ".zip"};

/* Whether name ends as one of IMPORTABLE. */
static int importable(const char *name)
{
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < sizeof IMPORTABLE / sizeof IMPORTABLE[0]; i++)
        if (strcasecmp(dot, IMPORTABLE[i]) == 0)
            return 1;
    return 0;
}

/* The sender, checked at the first piece: 0 to take the file, -1 not. */
static int check_sender(upload *up, PGconn *pg, http_request *req)
{
    web_user u;
    char err[600];
    const char *length = http_header(req, "Content-Length");
    int found = pg ? web_auth_who(pg, req, &u) : -1;
    if (found < 0)
        return refuse(up, 503, "暂时无法核对登录身份，" WEB_READ_LATER);
    if (!found || u.who.role != AUTH_CLERK || !web_auth_csrf_ok(&u, req))
        return refuse(up, 400, "%s", "这份表单不是导入页面发来的（它的令牌不在文件之前），文件没有导入："
                      "请在导入页面上选择文件再点“导入”。");  /* the handler answers first when it is not a clerk's */
    http_request_unhurried(req);
    if (!importable(up->file_name))
        return refuse(up, 400, "“%s”不是可以导入的文件：请选择热线导出的 .csv、.xlsx 文件或制表符分隔的 .tsv、.txt 文件，"
                      "或装着它们的 .zip 文件。",
                      up->file_name);
    if (length && strtoll(length, NULL, 10) > up->w->max_bytes + WEB_IMPORT_FORM_BYTES)
        return too_large(up);
    if (!(up->buf = malloc(IMPORT_CLIENT_CHUNK)) || !(up->bus = web_bus_open(up->w->bus, "intake", u.credential, err,
                                                                              sizeof err))) {
        log_error("web: import of %s by %s: %s", up->file_name, u.who.name, up->buf ? err : "out of memory");
        return refuse(up, 503, "暂时无法把文件交给工单受理服务（原因已记入报表服务的日志）：请过一会儿再导入。");
    }
    const char *profile = http_param(req, "profile"), *dry = http_param(req, "dry_run");
    import_client_init(&up->up, call_intake, up, up->file_name, IMPORT_CLIENT_SIZE_UNKNOWN, profile, NULL,
                       dry && *dry, 1);
    log_info("web: %s sends %s to intake", u.who.name, up->file_name);
    return 0;
}

/* What intake's refusal or silence means for the clerk, in up->msg. */
static void say_failure(upload *up, int code, const char *err)
{
    if (code == IMPORT_CLIENT_GONE)
        refuse(up, 409, "工单受理服务重启过，丢了已经传过去的部分，文件没有导入：请重新选择文件导入。");
    else if (code == WEB_BUS_UNREACHED)
        refuse(up, 503, "连不上工单受理服务（它没有在运行，或正在重启），文件没有导入：请过一会儿再导入；一直如此请告知系统管理员。");
    else if (code == 0 && !up->up.up.last)
        refuse(up, 503, "工单受理服务没有应答（它可能正在导入别的文件；原因已记入报表服务的日志），文件没有导入："
                        "请过几分钟再导入。");
    else if (code == 0)
        refuse(up, 503, "工单受理服务没有应答（原因已记入报表服务的日志）：导入可能仍在进行，也可能没有开始。请过几分钟看下面"
                        "“最近的导入”里有没有这个文件，再决定是否重新导入（已入库的工单不会重复入库）。");
    else
        refuse(up, code == SVC_ERR_FORBIDDEN ? 403 : 409, "文件“%s”没有导入：%s", up->file_name, err);
}

/* Sends the full chunk. 0, or -1 with the refusal. */
static int send_chunk(upload *up)
{
    char err[IMPORT_CLIENT_REFUSAL_BYTES];
    if (import_client_send(&up->up, up->buf, up->held, err, sizeof err) < 0) {
        log_info("web: import of %s: chunk at %" PRId64 " refused: %s", up->file_name, up->up.sent, err);
        say_failure(up, up->up.code, err);
        return -1;
    }
    up->held = 0;
    return 0;
}

int web_import_started(const http_request *req)
{
    const upload *up = http_request_state(req);
    return up && up->checked;
}

int web_import_piece(const web_import *w, PGconn *pg, http_request *req, const char *field, const char *filename,
                     const char *data, size_t len, uint64_t off)
{
    upload *up = http_request_state(req);
    if (!up) {
        if (!(up = calloc(1, sizeof *up)))
            return -1;
        up->w = w;
        http_request_set_state(req, up, upload_free);
    }
    if (!up->checked && !*filename)
        return -1;                      /* no file chosen: the handler says so */
    if (strcmp(field, "file") != 0 || (up->checked && off == 0 && up->taken > 0))
        return refuse(up, 400, "一次只能导入一个文件：请在导入页面上选择一个文件再导入。");
    if (!up->checked) {
        const char *base = strrchr(filename, '/') ? strrchr(filename, '/') + 1 : filename;
        base = strrchr(base, '\\') ? strrchr(base, '\\') + 1 : base;    /* a path some browsers send */
        up->checked = 1;
        text_quote(up->file_name, NAME_SHOWN, *base ? base : "upload");
        if (check_sender(up, pg, req) < 0)
            return -1;
    }
    while (len > 0) {
        size_t n = len < IMPORT_CLIENT_CHUNK - up->held ? len : IMPORT_CLIENT_CHUNK - up->held;
        if ((up->taken += (int64_t)n) > w->max_bytes)
            return too_large(up);
        memcpy(up->buf + up->held, data, n);
        up->held += n;
        data += n;
        len -= n;
        if (up->held == IMPORT_CLIENT_CHUNK && send_chunk(up) < 0)
            return -1;
    }
    return 0;
}

/* ---- the page ---- */

/* 1 when u may import here (a clerk), else 0 having answered 403 saying who may. */
static int clerk_only(const web_user *u, const http_request *req, http_response *resp)
{
    char msg[300];
    if (u->who.role == AUTH_CLERK)
        return 1;
    snprintf(msg, sizeof msg, "%s 的角色是%s，不能在工作台导入文件：只有话务员可以导入热线导出的文件。", u->who.name,
             auth_role_title(u->who.role));
    web_html_fail(req, resp, 403, msg);
    return 0;
}

/* A profile of intake's profiles view as the form's option: a profile set
 * aside (its file broken) shown, but not to be chosen. */
static void profile_option(FILE *f, char *const *cells, const char *chosen)
{
    int usable = strcmp(cells[IMPORT_PROFILE_STATE], IMPORT_PROFILE_USABLE) == 0;
    const char *name = cells[IMPORT_PROFILE_NAME], *note = cells[IMPORT_PROFILE_NOTE];
    fputs("<option value=\"", f);
    text_html_escape(f, name);
    fprintf(f, "\"%s>", !usable ? " disabled" : chosen && strcmp(chosen, name) == 0 ? " selected" : "");
    text_html_escape(f, name);
    if (!usable) {
        fputs("（有问题，暂不能用）", f);
    } else if (*note) {
        fputs("：", f);
        text_html_escape(f, note);
    }
    fputs("</option>", f);
}

/* Each profile set aside, in a sentence under the list: its problem, and
 * that an administrator is to fix it (the clerk cannot). */
static void profile_problems(FILE *f, const Jiesu__Table *t)
{
    for (size_t i = 0; i < t->n_rows; i++) {
        char *const *cells = t->rows[i]->cells;
        if (t->rows[i]->n_cells < IMPORT_PROFILE_COLUMNS ||
            strcmp(cells[IMPORT_PROFILE_STATE], IMPORT_PROFILE_USABLE) == 0)
            continue;
        fputs("<p class=\"hint\">导入模板 ", f);
        text_html_escape(f, cells[IMPORT_PROFILE_NAME]);
        fputs(" 有问题，暂不能用：", f);
        text_html_escape(f, cells[IMPORT_PROFILE_NOTE]);
        fputs("。模板只有系统管理员能改，导入页面上改不了：请系统管理员修好导入模板 ", f);
        text_html_escape(f, cells[IMPORT_PROFILE_NAME]);
        fputs("；修好后刷新这个页面就能选用。</p>", f);
    }
}

/* The import profiles intake knows, as the form's options: first the
 * file's header deciding, as jiesu import does unless told; those set
 * aside named with their problem. */
static void profile_options(FILE *f, const web_import *w, const web_user *u, const char *chosen)
{
    char err[600];
    int code;
    Jiesu__Envelope *env = NULL;
    Jiesu__ViewReply *r = NULL;
    Jiesu__ViewRequest rq = JIESU__VIEW_REQUEST__INIT;
    rq.name = "profiles";
    fputs("<label>导入模板<select name=\"profile\"><option value=\"\">按文件的表头自动选择（默认）</option>", f);
    if (web_bus_call(w->bus, "intake", u, "view.request", &rq.base, &env, &code, err, sizeof err) == 0 &&
        strcmp(env->type, "view.reply") == 0)
        r = BUS_UNPACK(view_reply, env);
    else
        log_warn("web: import profiles for %s: %s", u->who.name, env ? env->type : err);
    const Jiesu__Table *t = r && r->n_tables ? r->tables[0] : NULL;
    for (size_t i = 0; t && i < t->n_rows; i++)
        if (t->rows[i]->n_cells >= IMPORT_PROFILE_COLUMNS)
            profile_option(f, t->rows[i]->cells, chosen);
    fputs("</select></label>", f);
    if (t)
        profile_problems(f, t);
    else
        fputs("<p class=\"hint\">暂时读不到工单受理服务的导入模板，只能按文件的表头自动选择。</p>", f);
    if (r)
        jiesu__view_reply__free_unpacked(r, NULL);
    if (env)
        jiesu__envelope__free_unpacked(env, NULL);
}

static void form(FILE *f, const web_import *w, const web_user *u, const http_request *typed)
{
    char max[32];
    const char *dry = typed ? http_param(typed, "dry_run") : NULL;
    fputs("<form class=\"inline action\" method=\"post\" action=\"/work/import\" enctype=\"multipart/form-data\">", f);
    web_html_csrf(f, u);
    profile_options(f, w, u, typed ? http_param(typed, "profile") : NULL);
    fprintf(f, "<label class=\"check\"><input type=\"checkbox\" name=\"dry_run\" value=\"1\"%s>试导入（不入库）：只看模板怎样读这个文件、"
            "前几行存成什么样、哪些行会被拒收</label>", dry && *dry ? " checked" : "");
    fprintf(f, "<label>文件（热线导出的 .csv、.xlsx 或制表符分隔的 .tsv、.txt，或装着它们的 .zip；最大 %s）"
            "<input type=\"file\" name=\"file\" accept=\".csv,.tsv,.txt,.xlsx,.zip\" required></label>",
            size_text(max, sizeof max, w->max_bytes));
    fputs("<button type=\"submit\">导入</button></form>\n"
          "<p class=\"hint\">大文件要传一会儿、导一会儿（一百万行约半分钟）：点了“导入”请等页面显示结果，不要关闭。"
          "更大的文件用命令 jiesu import 导入。</p>\n", f);
}

/* The import's summary, as jiesu import prints it: first, for an import
 * that stopped part way, why and what to do, then its stored part's. */
static void summary(FILE *f, const char *file, const Jiesu__ImportReply *r)
{
    if (*r->failed) {
        char failure[IMPORT_CLIENT_FAILURE_BYTES];
        import_client_failure(failure, r);
        fputs("<div class=\"msg err\" role=\"alert\"><p>文件“", f);
        text_html_escape(f, file);
        fputs("”的", f);
        text_html_escape(f, failure);
        fputs("</p>", f);
    } else {
        fputs("<div class=\"msg ok\" role=\"status\"><p>", f);
    }
    text_html_escape(f, file);
    fputs("：", f);
    import_client_counts(f, r);
    fputs("。", f);
    if (import_client_has_rejects(r))
        fprintf(f, "<a href=\"/work/import/rejects?id=%" PRId64 "\">下载%s明细</a>", r->import_id,
                !r->repeated ? "拒收" : r->rejected ? "拒收和重复" : "重复");
    fprintf(f, "</p><p>用时 %.1f 秒，编码 ", r->elapsed_ms / 1000.0);
    text_html_escape(f, *r->encoding ? r->encoding : "未知");
    fputs("，导入模板 ", f);
    text_html_escape(f, r->profile);
    fputs("（", f);
    text_html_escape(f, r->profile_how);
    fputs("）</p>", f);
    for (size_t i = 0; i < r->n_warnings + r->n_notes; i++) {
        fputs("<p>提醒：", f);
        text_html_escape(f, i < r->n_warnings ? r->warnings[i] : r->notes[i - r->n_warnings]);
        fputs("</p>", f);
    }
    fputs("</div>\n", f);
    for (size_t i = 0; i < r->n_preview; i++)
        web_html_table(f, r->preview[i], NULL, NULL);
}

enum { C_ID, C_FILE, C_TIME, C_STATE, C_WHY, C_TOTAL, C_STORED, C_REPEATED, C_OWN_REPEATS, C_REJECTED };

/* Whether the import of row cells has a rejects file: rows rejected, or
 * repeating a ticket of the file's own (not those stored before it, which
 * the file leaves out; any repeat for an import that did not count them). */
static int has_rejects(char *const *cells)
{
    const char *own = *cells[C_OWN_REPEATS] ? cells[C_OWN_REPEATS] : cells[C_REPEATED];
    return atoll(cells[C_REJECTED]) > 0 || atoll(own) > 0;
}

/* A failed import's reason in the list: its first line, shortened, and
 * when that is not all of it, the whole under 看全文 (intake's words: what
 * went wrong, the header's missing columns a line each, what to do). */
static void failure(FILE *f, const char *why)
{
    char first[WHY_SHOWN * 4 + 4];
    size_t line = strcspn(why, "\n");
    snprintf(first, sizeof first, "%.*s", (int)(line < sizeof first ? line : sizeof first - 1), why);
    text_utf8_cut(first);
    text_shorten(first, sizeof first, WHY_SHOWN);
    text_html_escape(f, first);
    if (strcmp(first, why) == 0)
        return;
    fputs("<details class=\"whole\"><summary>看全文</summary><div>", f);
    text_html_escape(f, why);
    fputs("</div></details>", f);
}

/* web_html_cell_fn of the recent imports: the state in words, a failed
 * import's reason, and beside the rejected rows the link to them once the
 * import is over (done, or failed part way: the stored part's). */
static int recent_cell(FILE *f, const void *ctx, const Jiesu__Table *t, size_t row, size_t col)
{
    char *const *cells = t->rows[row]->cells;
    (void)ctx;
    if (t->rows[row]->n_cells <= C_REJECTED || (col != C_STATE && col != C_WHY && col != C_REJECTED))
        return 0;
    if (col == C_STATE) {
        text_html_escape(f, names_import_status(cells[C_STATE]));
        return 1;
    }
    if (col == C_WHY) {
        if (!*cells[C_WHY])
            return 0;
        failure(f, cells[C_WHY]);
        return 1;
    }
    text_html_escape(f, cells[C_REJECTED]);
    if (strcmp(cells[C_STATE], "running") != 0 && has_rejects(cells)) {
        fputs(" <a href=\"/work/import/rejects?id=", f);
        text_html_escape(f, cells[C_ID]);
        fputs("\">拒收明细</a>", f);
    }
    return 1;
}

/* The clerk's recent imports (reporting's view "imports"). */
static void recent(FILE *f, PGconn *pg, const web_user *u, const http_request *req)
{
    char id[16], err[600];
    Jiesu__ViewReply reply = JIESU__VIEW_REPLY__INIT;
    snprintf(id, sizeof id, "%d", u->who.id);
    const char *params[] = {id, RECENT};
    if (view_build(NULL, pg, view_find(REPORT_VIEWS, "imports"), params, 2, &reply, err, sizeof err) < 0) {
        log_error("%s %s: recent imports of %s: %s", http_method(req), http_path(req), u->who.name, err);
        fputs("<h2>最近的导入</h2><p>暂时无法读取最近的导入，" WEB_READ_LATER "</p>\n", f);
    } else if (reply.n_tables && reply.tables[0]->n_rows == 0) {
        fputs("<h2>最近的导入</h2><p class=\"msg empty\">您还没有导入过文件。</p>\n", f);
    } else if (reply.n_tables) {
        web_html_table(f, reply.tables[0], recent_cell, NULL);
    }
    for (size_t i = 0; i < reply.n_tables; i++)
        jiesu__table__free_unpacked(reply.tables[i], NULL);
    free(reply.tables);
}

/* Why the file was not imported; a profile intake drafted from its header,
 * last in the refusal (import_client.h), in a block of its own that one
 * click selects whole, for the clerk to copy to an administrator. */
static void refused(FILE *f, const char *refusal)
{
    char said[IMPORT_CLIENT_REFUSAL_BYTES + 200];
    const char *draft = strstr(refusal, "\n" IMPORT_CLIENT_DRAFT_HEAD);
    int len = draft ? (int)(draft - refusal) : (int)strlen(refusal);
    snprintf(said, sizeof said, "%.*s", len, refusal);
    fputs("<p class=\"msg err\" role=\"alert\">", f);
    text_html_escape(f, said);
    fputs("</p>\n", f);
    if (!draft)
        return;
    fputs("<pre class=\"draft\" aria-label=\"导入模板草稿\">", f);
    text_html_escape(f, draft + 1);
    fputs("</pre>\n", f);
}

/* The page at status: what came of an import (done, or why not: one of
 * the two, or neither), the form (as typed sent it), the recent imports. */
static void page(const web_import *w, PGconn *pg, const web_user *u, const http_request *req, http_response *resp,
                 int status, const char *refusal, const upload *up, const Jiesu__ImportReply *done)
{
    http_body b;
    FILE *f = http_body_open(&b);
    if (f) {
        web_html_start(f, "导入文件", u);
        if (refusal)
            refused(f, refusal);
        if (done)
            summary(f, up->file_name, done);
        form(f, w, u, strcmp(http_method(req), "POST") == 0 ? req : NULL);
        recent(f, pg, u, req);
        web_html_end(f);
    }
    http_body_reply(&b, resp, status, HTML_TYPE);
}

void web_import_page(const web_import *w, PGconn *pg, const web_user *u, const http_request *req,
                     http_response *resp)
{
    if (clerk_only(u, req, resp))
        page(w, pg, u, req, resp, 200, NULL, NULL, NULL);
}

void web_import_post(const web_import *w, PGconn *pg, const web_user *u, const http_request *req,
                     http_response *resp)
{
    char err[IMPORT_CLIENT_REFUSAL_BYTES];
    Jiesu__ImportReply *reply = NULL;
    upload *up = http_request_state(req);
    if (!clerk_only(u, req, resp) || web_auth_csrf(u, req, resp) < 0)
        return;
    if (!up || !up->checked) {
        page(w, pg, u, req, resp, 400, "没有选择文件：请先选择要导入的文件，再点“导入”。", NULL, NULL);
        return;
    }
    if (!up->status && import_client_finish(&up->up, up->buf, up->held, &reply, err, sizeof err) < 0) {
        log_info("web: import of %s by %s: %s", up->file_name, u->who.name, err);
        say_failure(up, up->up.code, err);
    }
    if (reply)
        log_info("web: %s imported %s: import %" PRId64, u->who.name, up->file_name, reply->import_id);
    int status = up->status ? up->status : reply && *reply->failed ? 409 : 200;
    page(w, pg, u, req, resp, status, up->status ? up->msg : NULL, up, reply);
    if (reply)
        jiesu__import_reply__free_unpacked(reply, NULL);
}
