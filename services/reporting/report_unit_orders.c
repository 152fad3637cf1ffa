/* report_unit_orders.c — the orders behind a street office's row (see
 * report_unit_orders.h).
 *
 * Overdue as the summary's 超期, by the same rule (REPORT_OVERDUE_JOIN). On
 * hold: status waiting, since its last 暂缓办理 event, with the reason
 * written then. Overdue first, the longest overdue first, then on hold.
 */
#include "report_unit_orders.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "report_bulletin.h"
#include "report_streets.h"

/* $1 unit id, $2 principal, $3 from date or NULL, $4 to date or NULL, $5 time zone. */
static const char SQL_UNIT_ORDERS[] =
    "WITH o AS ("
    "  SELECT c.id, c.ticket_no, c.status = 'waiting' AS held, coalesce(k.name, c.category, c.category_raw, '') AS category,"
    "         coalesce(cr.name, sr.name, '') AS place, dl.kind, dl.due_at"
    "    FROM assignments a JOIN complaints c ON c.id = a.complaint_id"
    "    LEFT JOIN categories k ON k.code = c.category"
    "    LEFT JOIN regions cr ON cr.code = a.community_code"
    "    LEFT JOIN regions sr ON sr.code = a.street_code"
    REPORT_OVERDUE_JOIN("c")
    "   WHERE a.unit_id = $1::int AND a.active AND a.role = 'owner'"
    "     AND (c.status = 'waiting' OR dl.kind IS NOT NULL)"
    "     AND ($3::date IS NULL OR c.called_at >= $3::date::timestamp AT TIME ZONE $5)"
    "     AND ($4::date IS NULL OR c.called_at < ($4::date + 1)::timestamp AT TIME ZONE $5)"
    ")"
    "SELECT o.ticket_no, o.category, o.place, o.held, coalesce(o.kind, ''),"
    "       coalesce(to_char(o.due_at AT TIME ZONE $5, 'YYYY-MM-DD HH24:MI'), ''),"
    "       coalesce(extract(epoch FROM o.due_at)::bigint, 0),"
    "       coalesce(to_char(w.at AT TIME ZONE $5, 'YYYY-MM-DD HH24:MI'), ''), coalesce(w.reason, '')"
    "  FROM o LEFT JOIN LATERAL (SELECT e.at, e.detail->>'reason' AS reason FROM complaint_events e"
    "                             WHERE o.held AND e.complaint_id = o.id AND e.event = 'waiting'"
    "                             ORDER BY e.id DESC LIMIT 1) w ON true"
    " WHERE o.id IN (SELECT s.id FROM principal_seen($2::int, ARRAY(SELECT id FROM o)) AS s(id))"
    " ORDER BY o.held, o.due_at, w.at, o.ticket_no";
enum { U_TICKET, U_CATEGORY, U_PLACE, U_HELD, U_DEADLINE, U_DUE_AT, U_DUE_S, U_SINCE, U_REASON };

/* One row of res as a new order, or NULL when out of memory. */
static Jiesu__UnitOrder *order_of(const PGresult *res, int r, const calendar *cal, long long now)
{
    Jiesu__UnitOrder *o = malloc(sizeof *o);
    if (!o)
        return NULL;
    jiesu__unit_order__init(o);
    char **text[] = {[U_TICKET] = &o->ticket, [U_CATEGORY] = &o->category, [U_PLACE] = &o->place,
                     [U_DEADLINE] = &o->deadline, [U_DUE_AT] = &o->due_at, [U_SINCE] = &o->held_since,
                     [U_REASON] = &o->held_reason};
    int ok = 1;
    for (size_t c = 0; c < sizeof text / sizeof text[0]; c++)
        if (text[c] && !(*text[c] = strdup(PQgetvalue(res, r, (int)c))))
            ok = 0;
    o->held = strcmp(PQgetvalue(res, r, U_HELD), "t") == 0;
    o->hours_late = o->held ? 0 : report_hours_late(cal, atoll(PQgetvalue(res, r, U_DUE_S)), now);
    if (ok)
        return o;
    jiesu__unit_order__free_unpacked(o, NULL);
    return NULL;
}

int report_unit_orders(PGconn *pg, int unit_id, int principal, const char *from, const char *to, const char *tz,
                       const calendar *cal, Jiesu__ReportReply *reply, char *err, size_t errlen)
{
    char unit[16], who[16];
    snprintf(unit, sizeof unit, "%d", unit_id);
    snprintf(who, sizeof who, "%d", principal);
    const char *params[] = {unit, who, from, to, tz};
    PGresult *res = db_query(pg, "a unit's orders", SQL_UNIT_ORDERS, 5, params, err, errlen);
    if (!res)
        return -1;
    int rows = PQntuples(res);
    reply->orders = calloc(rows > 0 ? (size_t)rows : 1, sizeof *reply->orders);
    for (int r = 0; reply->orders && r < rows; r++) {
        if (!(reply->orders[r] = order_of(res, r, cal, (long long)time(NULL))))
            break;
        reply->n_orders++;
    }
    PQclear(res);
    if (!reply->orders || (int)reply->n_orders < rows) {
        snprintf(err, errlen, "out of memory for a unit's %d orders", rows);
        return -1;
    }
    return 0;
}
