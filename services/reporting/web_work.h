/* web_work.h — the workbench (工作台): where street offices, departments,
 * the campaign office, discipline inspection, the dispatcher and the
 * callback agent see their orders and act on them, in a browser.
 *
 *   GET  /work          my orders (web_orders.c): what the person's role
 *                       works on — a unit's orders (owner or co-handler), a
 *                       campaign office's district, discipline inspection's
 *                       conduct complaints, the dispatcher's manual queue
 *                       with routing's suggestions, the callback agent's
 *                       resolved orders — overdue first, then by working
 *                       time left (common/calendar, escalation's clock);
 *                       filters by status and by the categories its
 *                       orders have, search by ticket;
 *                       the unit's open alerts, acknowledged there
 *   GET  /work/order    one order (?t=TICKET, web_order.c): the complaint
 *                       (caller masked), the routing decision and reasons,
 *                       deadlines with their true state, alerts, history,
 *                       photos, and the actions the person may take
 *   GET  /work/photo    one photo (?id=N) of an order the person may see
 *   POST /work/act      an action (web_act.c): accept, return, progress,
 *                       wait, resume, resolve with photos before and after,
 *                       dispatch, callback — sent to the assignment service
 *                       as the person (web_bus.h), the same path as `jiesu`
 *   POST /work/ack      acknowledge an alert, through the escalation service
 *   /work/import        the clerk's import page (web_import.h)
 *
 * What anyone sees is decided by the database's one rule (principal_sees,
 * migration 010): an order outside it is "no such order" whatever URL is
 * typed, and an action outside the person's role or unit is refused by the
 * service that carries it out.
 */
#ifndef JIESU_WEB_WORK_H
#define JIESU_WEB_WORK_H

#include <libpq-fe.h>
#include <stdio.h>

#include "calendar.h"
#include "http.h"
#include "web_auth.h"
#include "web_bus.h"

/* SQL: of the orders the query ids lists, those principal p (a parameter,
 * "$1") may read — the rule asked once for them all (principal_seen,
 * migration 022), for lists of thousands. */
#define WEB_SEEN_AMONG(p, ids) "(SELECT s.id FROM principal_seen(" p "::int, ARRAY(" ids ")) AS s(id))"

typedef struct {
    const config   *cfg;            /* the service's, for the order view's deadlines */
    const web_bus  *bus;
    const calendar *cal;            /* working time, as escalation counts it (report_calendar.h) */
    int             day_minutes;    /* of a working day */
    size_t          photo_max;      /* web.photo_max_bytes: each photo */
} web_work;

void web_work_list(const web_work *w, PGconn *pg, const web_user *u, const http_request *req, http_response *resp);
void web_work_order(const web_work *w, PGconn *pg, const web_user *u, const http_request *req,
                    http_response *resp);
void web_work_photo(PGconn *pg, const web_user *u, const http_request *req, http_response *resp);
void web_work_act(const web_work *w, PGconn *pg, const web_user *u, const http_request *req, http_response *resp);
void web_work_ack(const web_work *w, PGconn *pg, const web_user *u, const http_request *req, http_response *resp);
/* POST /work/phone: the order page again, its caller's full number shown in
 * this answer alone when u may see it (report_phone.h), else the refusal. */
void web_work_phone(const web_work *w, PGconn *pg, const web_user *u, const http_request *req, http_response *resp);

/* The order page with an error message (after a refused action), at status;
 * the form of req's action filled in with what req sent (its reason, the
 * unit or result chosen), so nothing typed is lost. */
void web_work_order_error(const web_work *w, PGconn *pg, const web_user *u, const http_request *req,
                          const char *ticket, int status, const char *message, http_response *resp);

/* The workbench's list with an error message (after a refused
 * acknowledgement), at status; the ack form of req's alert filled in with
 * the note req sent, so nothing typed is lost. */
void web_work_list_error(const web_work *w, PGconn *pg, const web_user *u, const http_request *req, int status,
                         const char *message, http_response *resp);

/* The requests for more time on u's workbench (web_extensions.c): to a
 * dispatcher those waiting for a decision (待审核的延期申请), to discipline
 * inspection those and its unit's own, to a handler its unit's with their
 * decisions (none: nothing shown); each ticket a link to its order page. */
void web_extensions_panel(FILE *f, const web_work *w, PGconn *pg, const web_user *u);

/* ---- shared by the pages (web_text.c) ---- */

/* What the person typed in field of a form, when typed (the request of a
 * refused action or acknowledgement, or NULL) was sent by that form: the one
 * whose field key is value (an action's "action", an alert's "id"). The page
 * shown with the refusal fills the field in again; NULL otherwise. */
const char *web_typed(const http_request *typed, const char *key, const char *value, const char *field);

/* "剩余 3小时20分", "已逾期 1个工作日2小时" or "已暂停计时" for a deadline due
 * at due (Unix seconds) as of now, in working time (report_deadline_state). */
void web_time_left(const web_work *w, long long due, int paused, long long now, char *out, size_t cap);

/* What u's last dispatch of ticket did, in the words `jiesu dispatch`
 * answered (names_dispatch_said: 已从北宅街道改派给中韩街道，…，签收和办结时限从现在重新起算),
 * into out, no full stop; "" when u never dispatched it. */
void web_dispatch_said(PGconn *pg, const web_user *u, const char *ticket, char *out, size_t cap);

/* "已等 2小时5分": the working time from since to now (Unix seconds), as a
 * resolved order has waited for its callback. */
void web_time_waited(const web_work *w, long long since, long long now, char *out, size_t cap);

#endif
