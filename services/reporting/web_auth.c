/* web_auth.c — sessions and bearer tokens at the door of every page (see web_auth.h). */
#include "web_auth.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "text.h"
#include "web_html.h"

#define SESSION_COOKIE "jiesu_session"
#define SIGNIN_COOKIE  "jiesu_signin"      /* the sign-in form's CSRF token, before any session */
#define HOME           "/work"
#define HTML           "text/html; charset=utf-8"
#define JSON           "application/json; charset=utf-8"
#define NEXT_MAX       512

void web_auth_opts_load(web_auth_opts *o, const config *cfg)
{
    o->cookie_secure = (int)config_long(cfg, "web.cookie_secure") != 0;
    web_session_opts_load(&o->session, cfg);
}

void web_auth_redirect(http_response *resp, const char *location)
{
    http_add_header(resp, "Location", location);
    http_reply(resp, 303, HTML, "<a href=\"%s\">继续</a>\n", location);
}

/* A cookie's header value: name=value with the flags every cookie here has. */
static void set_cookie(http_response *resp, const web_auth_opts *o, const char *name, const char *value,
                       int max_age_s)
{
    char v[256];
    snprintf(v, sizeof v, "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s", name, value, max_age_s,
             o->cookie_secure ? "; Secure" : "");
    http_add_header(resp, "Set-Cookie", v);
}

/* next when it is a path of this server ("/work?x=1"), else HOME. A
 * control character anywhere sends it home too: a browser drops a tab or a
 * newline from a Location before reading it, so "/<TAB>/evil.example" would
 * be "//evil.example", another site. */
static const char *local_path(const char *next)
{
    if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\' || strlen(next) >= NEXT_MAX ||
        strpbrk(next, "\"<>"))
        return HOME;
    for (const unsigned char *c = (const unsigned char *)next; *c; c++)
        if (*c < 0x20 || *c == 0x7f)
            return HOME;
    return next;
}

/* 1 when a and b are the same token (in constant time), 0 otherwise or when either is missing. */
static int same_token(const char *a, const char *b)
{
    size_t n = a ? strlen(a) : 0;
    return n > 0 && b && strlen(b) == n && sodium_memcmp(a, b, n) == 0;
}

/* Sends the way to sign in: 303 for pages, 401 for JSON. A page's next is
 * its whole address, the query too (an order's page is /work/order?t=…). */
static void not_signed_in(const http_request *req, http_response *resp)
{
    const char *path = http_path(req);
    char page[NEXT_MAX], next[NEXT_MAX], location[NEXT_MAX + 32];
    if (strncmp(path, "/api/", 5) == 0) {
        http_add_header(resp, "WWW-Authenticate", "Bearer realm=\"jiesu\"");
        http_reply(resp, 401, JSON, "{\"error\": \"请先登录：带上在 /signin 登录得到的会话 Cookie，或在 Authorization: Bearer "
                   "头里带上 API 令牌（管理员用 jiesu user token 用户名 生成）\"}\n");
        return;
    }
    size_t n = (size_t)snprintf(page, sizeof page, "%s", path);
    if (n >= sizeof page || http_query(req, page + n, sizeof page - n) == (size_t)-1)
        page[0] = '\0';                            /* too long: sign-in goes home */
    text_url_encode(next, sizeof next, page);      /* too long: "", likewise */
    snprintf(location, sizeof location, "/signin?next=%s", next);
    web_auth_redirect(resp, location);
}

int web_auth_who(PGconn *pg, const http_request *req, web_user *u)
{
    char err[512];
    const char *cookie = http_cookie(req, SESSION_COOKIE), *bearer = http_bearer(req);
    int found = 0;
    memset(u, 0, sizeof *u);
    if (bearer) {
        u->credential = bearer;
        found = auth_credential_load(pg, bearer, &u->who, err, sizeof err);
    } else if (cookie && *cookie) {
        u->credential = cookie;
        found = web_session_load(pg, cookie, &u->who, u->csrf, err, sizeof err);
    }
    if (found < 0)
        log_error("web: %s", err);
    return found;
}

/* 1 when the request's bearer token is a disabled user's, answered 403
 * saying so and whom to ask (as Open311 answers such an api_key), where "请先
 * 登录" would send its program's keeper to make a token; 0 otherwise. */
static int disabled_token(PGconn *pg, const http_request *req, http_response *resp)
{
    char err[512], msg[512];
    auth_principal who;
    const char *bearer = http_bearer(req);
    if (!bearer || auth_token_load(pg, bearer, &who, err, sizeof err) != AUTH_TOKEN_DISABLED)
        return 0;
    snprintf(msg, sizeof msg, "这个 API 令牌是 %s 的，这个用户已停用：要再用，请系统管理员重新启用（jiesu user enable %s）",
             who.name, who.name);
    web_html_fail(req, resp, 403, msg);
    return 1;
}

int web_auth_user(PGconn *pg, const http_request *req, web_user *u, http_response *resp)
{
    int found = web_auth_who(pg, req, u);
    if (found < 0) {
        web_html_fail(req, resp, 503, "暂时无法核对登录身份，" WEB_READ_LATER);
        return -1;
    }
    if (!found && !disabled_token(pg, req, resp))
        not_signed_in(req, resp);
    return found ? 0 : -1;
}

int web_auth_csrf_ok(const web_user *u, const http_request *req)
{
    return !*u->csrf || same_token(u->csrf, http_param(req, "csrf"));
}

int web_auth_csrf(const web_user *u, const http_request *req, http_response *resp)
{
    if (web_auth_csrf_ok(u, req))
        return 0;
    web_html_fail(req, resp, 403, "表单已失效（页面是在上次登录之前打开的，或来自别处），这次没有办理："
                                  "请回到工作台刷新页面后重新操作。");
    return -1;
}

/* The sign-in page, with message (NULL: none) as an error, at status; the
 * user name sent with req (a sign-in refused) kept in its field, and the
 * password's field the one to type in, as only the password is asked again. */
static void signin_form(const web_auth_opts *o, const http_request *req, http_response *resp, int status,
                        const char *message)
{
    unsigned char raw[16];
    char token[33];
    http_body b;
    const char *typed = strcmp(http_method(req), "POST") == 0 ? http_param(req, "name") : NULL;
    if (typed && (!*typed || !text_utf8_valid(typed, strlen(typed), NULL)))
        typed = NULL;       /* a name not UTF-8 (a hand-made request) is not shown back */
    if (sodium_init() < 0)
        abort();
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(token, sizeof token, raw, sizeof raw);
    set_cookie(resp, o, SIGNIN_COOKIE, token, 3600);
    FILE *f = http_body_open(&b);
    if (f) {
        web_html_start(f, "登录", NULL);
        fputs("<div class=\"signin card\">", f);
        if (message) {
            fputs("<p class=\"msg err\" role=\"alert\">", f);
            text_html_escape(f, message);
            fputs("</p>", f);
        }
        fputs("<form method=\"post\" action=\"/signin\"><input type=\"hidden\" name=\"csrf\" value=\"", f);
        text_html_escape(f, token);
        fputs("\"><input type=\"hidden\" name=\"next\" value=\"", f);
        text_html_escape(f, local_path(http_param(req, "next")));
        fputs("\"><label>用户名<input name=\"name\" autocomplete=\"username\" autocapitalize=\"none\" "
              "spellcheck=\"false\" required", f);      /* a phone would capitalise the name */
        if (typed) {
            fputs(" value=\"", f);
            text_html_escape(f, typed);
            fputs("\"></label><label>密码<input name=\"password\" type=\"password\" autocomplete=\"current-password\" "
                  "required autofocus>", f);
        } else {
            fputs(" autofocus></label><label>密码<input name=\"password\" type=\"password\" "
                  "autocomplete=\"current-password\" required>", f);
        }
        fputs("</label><button type=\"submit\">登录</button></form>"
              "<p class=\"hint\">账号由系统管理员开设；忘记密码请找系统管理员重设（jiesu user password 用户名）。</p>"
              "</div>\n", f);
        web_html_end(f);
    }
    http_body_reply(&b, resp, status, HTML);
}

void web_auth_signin_page(const web_auth_opts *o, const http_request *req, http_response *resp)
{
    signin_form(o, req, resp, 200, NULL);
}

/* The sign-in form again, 429: addr is held back (hold) after too many failed sign-ins. Says so, and
 * when to try again, in words and in Retry-After, nothing of the account or the password. */
static void held_back(const web_auth_opts *o, const http_request *req, http_response *resp, const char *addr,
                      const web_hold *hold)
{
    char message[512], seconds[16];
    snprintf(seconds, sizeof seconds, "%d", hold->seconds);
    http_add_header(resp, "Retry-After", seconds);
    snprintf(message, sizeof message,
             "从这个网络地址（%s）登录失败的次数太多（%d 分钟内 %d 次）。为防有人逐个账号试密码，"
             "这里的登录暂停到 %s，这之前密码对也登录不了，请到时再试；急需登录请联系系统管理员。",
             addr, o->session.address.minutes, hold->failures, hold->until);
    signin_form(o, req, resp, 429, message);
}

void web_auth_signin(const web_auth_opts *o, PGconn *pg, const http_request *req, http_response *resp)
{
    char token[AUTH_TOKEN_LEN + 1], addr[64], message[160], err[512];
    web_hold hold;
    const char *name = http_param(req, "name"), *password = http_param(req, "password");
    if (!same_token(http_cookie(req, SIGNIN_COOKIE), http_param(req, "csrf"))) {
        signin_form(o, req, resp, 403, "登录表单已过期，请重新输入。");
        return;
    }
    if (!name || !*name || !password || !*password) {
        signin_form(o, req, resp, 400, "请输入用户名和密码。");
        return;
    }
    http_client_address(req, addr, sizeof addr);
    web_signin_try t = {name, password, addr, http_cookie(req, SESSION_COOKIE)};
    web_signin_end end = web_session_signin(pg, &o->session, &t, token, &hold, err, sizeof err);
    if (*err)
        log_error("web: sign-in of %s from %s: %s", name, addr, err);
    switch (end) {
    case WEB_SIGNIN_OK:
        set_cookie(resp, o, SESSION_COOKIE, token, o->session.session_minutes * 60);
        set_cookie(resp, o, SIGNIN_COOKIE, "", 0);
        sodium_memzero(token, sizeof token);
        web_auth_redirect(resp, local_path(http_param(req, "next")));
        break;
    case WEB_SIGNIN_WRONG:
        signin_form(o, req, resp, 401, "用户名或密码不对。");
        break;
    case WEB_SIGNIN_LOCKED:
        snprintf(message, sizeof message, "密码连续输错 %d 次，账号已锁定，请于 %s 后再试，或联系系统管理员。",
                 o->session.failures, hold.until);
        signin_form(o, req, resp, 403, message);
        break;
    case WEB_SIGNIN_HELD:
        held_back(o, req, resp, addr, &hold);
        break;
    default:
        signin_form(o, req, resp, 503, "暂时无法登录（数据库不可用），请稍后再试。");
    }
}

void web_auth_signout(const web_auth_opts *o, PGconn *pg, const web_user *u, const http_request *req,
                      http_response *resp)
{
    char addr[64], err[512];
    if (web_auth_csrf(u, req, resp) < 0)
        return;
    http_client_address(req, addr, sizeof addr);
    if (*u->csrf && web_session_signout(pg, u->credential, u->who.name, addr, err, sizeof err) < 0)
        log_error("web: sign-out of %s: %s", u->who.name, err);
    set_cookie(resp, o, SESSION_COOKIE, "", 0);
    web_auth_redirect(resp, "/signin");
}
