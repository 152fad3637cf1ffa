/* web_html.h — the frame of the pages people work in (sign-in, workbench):
 * one stylesheet for a phone (390 px: lists as cards, tables as records,
 * forms one column, buttons a thumb's size) and up to 1920×1080, the bar
 * with who is signed in, the way to the other pages and the sign-out form.
 * Server-rendered, no script, nothing loaded from elsewhere; Chinese
 * throughout. Every form a page writes carries the session's CSRF token
 * (web_html_csrf).
 */
#ifndef JIESU_WEB_HTML_H
#define JIESU_WEB_HTML_H

#include <stdio.h>

#include "jiesu.pb-c.h"
#include "web_auth.h"

/* The document head, the style and the bar (u NULL: signed out, no bar);
 * then the page's <h1>title</h1>. */
void web_html_start(FILE *f, const char *title, const web_user *u);

/* Closes what web_html_start() opened. */
void web_html_end(FILE *f);

/* Just the bar, and its style (the dashboard puts them into its own page). */
void web_html_bar(FILE *f, const web_user *u);
void web_html_bar_css(FILE *f);

/* The style sheets web_html_start and web_html_bar_css write, as they write
 * them (web_policy.c allows them by their SHA-256). */
const char *web_html_style(void);
const char *web_html_bar_style(void);

/* A field's value as a person reads it (view_value(): "—" when s is empty),
 * escaped. For every field of an order shown on its page or in a list. */
void web_html_value(FILE *f, const char *s);

/* Writes cell col of row of t itself and returns 1, or returns 0 to leave
 * it to web_html_table (its value, escaped). */
typedef int (*web_html_cell_fn)(FILE *f, const void *ctx, const Jiesu__Table *t, size_t row, size_t col);

/* A table of a view's reply under its title: one record as a list, else
 * rows (on a phone each row a record of its own, every cell named by its
 * column's data-label); "无" when it has none. cell (or NULL) may write
 * any cell its own way (ctx is its). */
void web_html_table(FILE *f, const Jiesu__Table *t, web_html_cell_fn cell, const void *ctx);

/* The hidden CSRF field of a form. */
void web_html_csrf(FILE *f, const web_user *u);

/* What a page says after a read of ours failed: what to do; why goes to the
 * service's log only (PostgreSQL's words are neither Chinese nor for users). */
#define WEB_READ_LATER "请稍后刷新；一直如此请告知系统管理员（原因已记入报表服务的日志）。"

/* Answers a request that failed, in the form its asker reads: {"error": msg}
 * to a program (paths under /api/), an Open311 error in the format its path
 * asks for (JSON or XML, georeport.h) under /requests, else a page saying
 * msg with the way back to the start. */
void web_html_fail(const http_request *req, http_response *resp, int status, const char *msg);

/* The server's own refusals (http_refusal_fn: no such path, not this
 * method, a body too large, too many requests at once) in Chinese, as
 * web_html_fail() answers; Open311's paths keep Open311's errors (georeport_refuse). */
void web_html_refuse(const http_request *req, http_response *resp, int status, size_t n);

/* A read of ours that failed: err (PostgreSQL's words) to the log with the
 * request, and 503 saying 暂时无法读取<what>，WEB_READ_LATER to the asker. */
void web_html_read_failed(const http_request *req, http_response *resp, const char *what, const char *err);

#endif
