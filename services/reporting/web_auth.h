/* web_auth.h — who is asking, for every page and JSON report of the
 * reporting service, and the sign-in and sign-out pages.
 *
 *   GET  /signin     the form (user name, password), with a CSRF token kept
 *                    in a cookie of its own until the session starts
 *   POST /signin     checks them (web_session.c: lockout, audit); a session
 *                    cookie `jiesu_session` — HttpOnly, SameSite=Strict,
 *                    Secure when web.cookie_secure = 1 — and 303 to where the
 *                    person was going (a local path only)
 *   POST /signout    ends the session (CSRF checked) and clears the cookie
 *
 * A request is someone's when it carries a live session cookie or an
 * "Authorization: Bearer <API token>" header (programs). Otherwise a page
 * answers 303 to /signin?next=<the page>, and a JSON report (/api/...) 401.
 * Every POST of a signed-in page must carry the session's CSRF token (a
 * bearer token needs none: no browser sends it on its own).
 */
#ifndef JIESU_WEB_AUTH_H
#define JIESU_WEB_AUTH_H

#include "auth.h"
#include "config.h"
#include "http.h"
#include "web_session.h"

/* The person behind a request. */
typedef struct {
    auth_principal who;
    char           csrf[WEB_CSRF_LEN + 1];  /* the session's; "" for a bearer token */
    const char    *credential;              /* the cookie's or bearer token, to act on the person's behalf over
                                             * the bus; the request's, valid during the handler only */
} web_user;

typedef struct {
    web_session_opts session;
    int              cookie_secure;         /* web.cookie_secure: add Secure to the cookies (HTTPS in front) */
} web_auth_opts;

/* web_session_opts_load() and web.cookie_secure. */
void web_auth_opts_load(web_auth_opts *o, const config *cfg);

/* Fills *u for req without answering: 1, 0 for nobody, -1 when PostgreSQL
 * failed (logged). For a request's body taken before its handler runs. */
int web_auth_who(PGconn *pg, const http_request *req, web_user *u);

/* Fills *u for req. 0, or -1 after answering (303 to sign in, 401 for
 * /api/ paths, 503 when PostgreSQL fails). */
int web_auth_user(PGconn *pg, const http_request *req, web_user *u, http_response *resp);

/* 1 when a POST of u carries its session's CSRF token (or u came with a
 * bearer token), else 0: the form was not made for this session (a page
 * opened before signing in again, or another site's). */
int web_auth_csrf_ok(const web_user *u, const http_request *req);

/* 0 when web_auth_csrf_ok(), else -1 after answering 403 with a page
 * saying the form has gone stale and to reload before doing it again. */
int web_auth_csrf(const web_user *u, const http_request *req, http_response *resp);

/* The handlers of the three routes above. */
void web_auth_signin_page(const web_auth_opts *o, const http_request *req, http_response *resp);
void web_auth_signin(const web_auth_opts *o, PGconn *pg, const http_request *req, http_response *resp);
void web_auth_signout(const web_auth_opts *o, PGconn *pg, const web_user *u, const http_request *req,
                      http_response *resp);

/* Answers 303 See Other to location (a local path). */
void web_auth_redirect(http_response *resp, const char *location);

#endif
