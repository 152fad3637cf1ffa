/* web_html.c — the frame of the people's pages (see web_html.h). */
#include "web_html.h"

#include <string.h>

#include "georeport.h"
#include "log.h"
#include "report_json.h"
#include "report_svg.h"
#include "text.h"
#include "view.h"

#define BAR_CSS                                                                                              \
    ".bar{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;background:#1f3b5a;color:#fff;padding:8px 16px}" \
    ".bar a{color:#fff;text-decoration:none;font-weight:bold}.bar .who{margin-left:auto}"                      \
    ".bar form{display:inline;margin:0}"                                                                        \
    ".bar button{background:none;border:1px solid #fff;color:#fff;border-radius:4px;padding:2px 10px;font-size:14px}" \
    "@media (max-width:640px){.bar{gap:6px 12px;padding:6px 8px}.bar button{min-height:40px;padding:4px 14px}}" \
    "@media print{.bar{display:none}}"

/* Hidden from sight, read by screen readers (a table's header row on a phone). */
#define UNSEEN "position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap"

static const char CSS[] =
    "*{box-sizing:border-box}"
    "body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:0;color:#222;background:#f6f7f9;"
    "font-size:16px;line-height:1.5}"
    "main{max-width:1280px;margin:0 auto;padding:12px 16px}"
    "h1{font-size:1.4em;margin:.4em 0}h2{font-size:1.15em;margin:1em 0 .4em}"
    BAR_CSS
    ".scroll{overflow-x:auto;background:#fff;border:1px solid #ddd;border-radius:6px}"
    "table{border-collapse:collapse;width:100%}th,td{padding:6px 8px;border-bottom:1px solid #eee;text-align:left;"
    "vertical-align:top}th{background:#eef2f6;white-space:nowrap}td.n{text-align:right;white-space:nowrap}td.k{white-space:nowrap}"
    "tr.overdue td{background:#fdecea}tr.soon td{background:#fff6e0}"
    ".card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:12px 16px;margin:12px 0}"
    /* a message's own lines stay lines (intake's refusal of a header: a missing field a line) */
    ".msg{padding:8px 12px;border-radius:6px;margin:8px 0;white-space:pre-line}.msg.err{background:#fdecea;color:#8a1c12}"
    ".msg.ok{background:#e7f6ea;color:#1d5e2c}.msg.empty{background:#fff;border:1px solid #ddd}"
    /* a profile drafted for the clerk to copy: its lines as they are, wrapped on a phone, selected whole */
    "pre.draft{white-space:pre-wrap;overflow-wrap:anywhere;user-select:all;background:#fff;border:1px solid #ddd;"
    "border-radius:6px;padding:8px 12px;margin:8px 0;font-size:14px}"
    "form.inline{display:flex;flex-wrap:wrap;gap:8px;align-items:flex-end;margin:8px 0}"
    "label{display:flex;flex-direction:column;font-size:14px;gap:2px;min-width:0;max-width:100%}"
    "input,select,textarea,button{font-size:16px;padding:6px 8px;border:1px solid #bbb;border-radius:4px;max-width:100%}"
    "button{background:#1f6fb2;color:#fff;border-color:#1f6fb2;cursor:pointer}"
    "textarea{width:100%;min-height:4em}"
    "dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}dt{color:#666}dd{margin:0}"
    ".photos{display:flex;flex-wrap:wrap;gap:8px}.photos img{max-width:240px;max-height:240px;border:1px solid #ccc}"
    ".signin{max-width:380px;margin:10vh auto}.signin form{display:flex;flex-direction:column;gap:12px}"
    ".hint{color:#666;font-size:14px}"
    "details.whole summary{cursor:pointer;color:#1f6fb2}details.whole>div{white-space:pre-wrap}"
    "label.check{flex-direction:row;align-items:center;gap:8px}label.check>input{width:auto;min-height:0}"
    /* A phone (390 px): nothing wider than the screen, fields a thumb can use. */
    "@media (max-width:640px){body{font-size:15px}main{padding:8px;overflow-wrap:anywhere}.hide-phone{display:none}"
    "dl{grid-template-columns:max-content minmax(0,1fr);gap:2px 10px}"
    "input,select,button{min-height:44px}"
    "form.inline{flex-direction:column;align-items:stretch}form.inline label{width:100%}"
    "form.inline label>input,form.inline label>select{width:100%}form.inline label.check>input{width:auto}"
    "form.action+form.action{border-top:1px solid #eee;padding-top:12px}"
    "form.filters{display:grid;grid-template-columns:1fr 1fr;align-items:end}"
    ".photos figure{margin:0}.photos img{max-width:100%}"
    /* the list: a card an order — ticket, deadline and time left; what it is about; where; its status */
    ".scroll.list{overflow:visible;background:none;border:0}"
    "table.orders,table.orders tbody{display:block}table.orders thead,table.rec thead{" UNSEEN "}"
    "table.orders tr{display:flex;flex-wrap:wrap;align-items:baseline;gap:2px 8px;position:relative;"
    "background:#fff;border:1px solid #ddd;border-radius:6px;padding:10px 12px;margin:0 0 8px}"
    "table.orders tr.overdue{background:#fdecea;border-color:#f0b8b0}table.orders tr.soon{background:#fff6e0}"
    "table.orders td{display:block;padding:0;border:0;background:none;min-width:0}"
    "td.ticket{order:1;font-weight:bold}td.ticket a::after{content:'';position:absolute;inset:0}"
    "td.due{order:2;margin-left:auto;color:#555}td.left{order:3;font-weight:bold}tr.overdue td.left{color:#a3190e}"
    "td.about{order:4;flex:1 0 100%}td.said{order:5;flex:1 0 100%;color:#444}"
    "td.place{order:6;flex:1 0 100%;color:#555;font-size:14px}td.status{order:7;font-size:14px}"
    "td.unit{order:7;font-size:14px}td.unit a{position:relative;z-index:1}"
    "td.alarm{order:8;font-size:14px;color:#a3190e}td.alarm::before{content:'告警次数 '}"
    "table.orders td.none,table.orders td.hide-phone{display:none}"
    /* the order page's tables: a record a row, each cell named */
    "table.rec,table.rec tbody,table.rec tr,table.rec td{display:block}"
    "table.rec tr{padding:6px 0;border-bottom:1px solid #ddd}table.rec td{border:0;padding:1px 10px}"
    "table.rec td::before{content:attr(data-label) '：';color:#666}}";

void web_html_csrf(FILE *f, const web_user *u)
{
    fputs("<input type=\"hidden\" name=\"csrf\" value=\"", f);
    text_html_escape(f, u->csrf);
    fputs("\">", f);
}

void web_html_value(FILE *f, const char *s)
{
    text_html_escape(f, view_value(s));
}

void web_html_bar(FILE *f, const web_user *u)
{
    fputs("<nav class=\"bar\"><a href=\"/work\">工作台</a>", f);
    if (u->who.role == AUTH_CLERK)
        fputs("<a href=\"/work/import\">导入文件</a>", f);
    fputs("<a href=\"/\">看板</a><a href=\"/bulletin.html\">周通报</a><span class=\"who\">", f);
    text_html_escape(f, u->who.display_name);
    fputs("（", f);
    text_html_escape(f, auth_role_title(u->who.role));
    fputs("）</span>", f);
    if (*u->csrf) {
        fputs("<form method=\"post\" action=\"/signout\">", f);
        web_html_csrf(f, u);
        fputs("<button type=\"submit\">退出</button></form>", f);
    }
    fputs("</nav>\n", f);
}

void web_html_bar_css(FILE *f)
{
    fprintf(f, "<style>%s</style>", web_html_bar_style());
}

const char *web_html_bar_style(void)
{
    return BAR_CSS;
}

const char *web_html_style(void)
{
    return CSS;
}

void web_html_start(FILE *f, const char *title, const web_user *u)
{
    fputs("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>", f);
    text_html_escape(f, title);
    fprintf(f, " - 接诉即办</title><style>%s</style></head><body>\n", CSS);
    if (u)
        web_html_bar(f, u);
    fputs("<main>\n<h1>", f);
    text_html_escape(f, title);
    fputs("</h1>\n", f);
}

void web_html_end(FILE *f)
{
    fputs("</main>\n</body></html>\n", f);
}

void web_html_fail(const http_request *req, http_response *resp, int status, const char *msg)
{
    const char *path = http_path(req);
    int program = strncmp(path, "/api/", 5) == 0;
    http_body b;
    if (strncmp(path, "/requests", 9) == 0) {
        georeport_error(resp, georeport_format_of(path), status, msg);
        return;
    }
    FILE *f = http_body_open(&b);
    if (f && program) {
        fputs("{\"error\": ", f);
        report_json_string(f, msg);
        fputs("}\n", f);
    } else if (f) {
        web_html_start(f, status >= 500 ? "暂时无法显示" : "无法显示", NULL);
        fputs("<p class=\"msg err\">", f);
        text_html_escape(f, msg);
        fputs("</p>\n<p><a href=\"/\">回到看板</a> · <a href=\"/work\">回到工作台</a></p>\n", f);
        web_html_end(f);
    }
    http_body_reply(&b, resp, status, program ? "application/json; charset=utf-8" : "text/html; charset=utf-8");
}

void web_html_refuse(const http_request *req, http_response *resp, int status, size_t n)
{
    const char *path = http_path(req);
    char msg[512], shown[256] = "";
    if (strncmp(path, "/requests", 9) == 0) {
        georeport_refuse(req, resp, status, n);
        return;
    }
    if (strlen(path) < sizeof shown && text_utf8_valid(path, strlen(path), NULL))
        snprintf(shown, sizeof shown, "（%s）", path);
    if (status == 413)
        snprintf(msg, sizeof msg, "提交的内容超过 %zu KB，没有收下：照片请压缩后再传，或分几次提交。", n / 1024);
    else if (status == 503)
        snprintf(msg, sizeof msg, "您这里已有 %zu 个请求正在处理，这一个没有收下：请等一会儿再试。", n);
    else if (status == 405)
        snprintf(msg, sizeof msg, "这个地址%s不接受 %s 请求：请从看板或工作台的链接和按钮进入。", shown,
                 http_method(req));
    else
        snprintf(msg, sizeof msg, "没有这个%s%s：请从看板或工作台的链接进入。",
                 strncmp(path, "/api/", 5) == 0 ? "接口" : "页面", shown);
    web_html_fail(req, resp, status, msg);
}

void web_html_read_failed(const http_request *req, http_response *resp, const char *what, const char *err)
{
    char msg[256];
    log_error("%s %s: %s", http_method(req), http_path(req), err);
    snprintf(msg, sizeof msg, "暂时无法读取%s，" WEB_READ_LATER, what);
    web_html_fail(req, resp, 503, msg);
}

/* One cell: cell's way, else its value. */
static void table_cell(FILE *f, const Jiesu__Table *t, size_t r, size_t c, web_html_cell_fn cell, const void *ctx)
{
    if (!cell || !cell(f, ctx, t, r, c))
        web_html_value(f, t->rows[r]->cells[c]);
}

void web_html_table(FILE *f, const Jiesu__Table *t, web_html_cell_fn cell, const void *ctx)
{
    fputs("<h2>", f);
    text_html_escape(f, t->title);
    fputs("</h2>\n", f);
    if (t->fields && t->n_rows == 1) {
        fputs("<div class=\"card\"><dl>", f);
        for (size_t c = 0; c < t->n_columns && c < t->rows[0]->n_cells; c++) {
            fputs("<dt>", f);
            text_html_escape(f, t->columns[c]);
            fputs("</dt><dd>", f);
            table_cell(f, t, 0, c, cell, ctx);
            fputs("</dd>", f);
        }
        fputs("</dl></div>\n", f);
        return;
    }
    if (t->n_rows == 0) {
        fputs("<p>无</p>\n", f);
        return;
    }
    fputs("<div class=\"scroll\"><table class=\"rec\"><thead><tr>", f);
    for (size_t c = 0; c < t->n_columns; c++) {
        fputs("<th>", f);
        text_html_escape(f, t->columns[c]);
        fputs("</th>", f);
    }
    fputs("</tr></thead><tbody>", f);
    for (size_t r = 0; r < t->n_rows; r++) {
        fputs("<tr>", f);
        for (size_t c = 0; c < t->rows[r]->n_cells && c < t->n_columns; c++) {
            fputs("<td data-label=\"", f);
            text_html_escape(f, t->columns[c]);
            fputs("\">", f);
            table_cell(f, t, r, c, cell, ctx);
            fputs("</td>", f);
        }
        fputs("</tr>", f);
    }
    fputs("</tbody></table></div>\n", f);
}
