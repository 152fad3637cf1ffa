/* report_views.c — the reads people ask the reporting service for
 * ("view.request", common/view.h): one order with its routing reasons,
 * deadlines, alerts and history (`jiesu show`); open alerts (`jiesu alerts`);
 * the manual dispatch queue (`jiesu manual`); the units (`jiesu units`).
 *
 * Every statement keeps only what the asking principal ($1) may see: orders
 * through principal_sees() (migration 010: conduct complaints only to
 * discipline inspection, a unit's own orders to its handlers, a district's
 * to its campaign office), alerts through the unit they are addressed to.
 * Names, phones and numbers in free text are masked by view.c.
 */
#include "report_views.h"

#include <stdio.h>
#include <stdlib.h>

#include "calendar.h"
#include "holidays.h"
#include "report_deadline.h"

#define TIME_FMT "'YYYY-MM-DD HH24:MI'"

/* ---- deadlines, in working time ---- */

enum { D_KIND, D_CYCLE, D_DUE, D_MET, D_DUE_S, D_MET_S, D_PAUSED_S, D_PAUSED, D_NOW_S, D_RUNG };

/* The deadlines with their true state, counted on the official calendar as
 * escalation counts (report_deadline.h). */
static Jiesu__Table *deadlines_table(const config *cfg, PGconn *pg, const view_section *sec, PGresult *res, char *err,
                                     size_t errlen)
{
    static const char *const HEAD[] = {"kind", "cycle", "due", "met", "state (working time)", "next rung"};
    char state[256];
    int day_minutes = 0;
    calendar *cal = cal_from_config(cfg, &day_minutes, err, errlen);
    if (cal && holidays_load(pg, cal, err, errlen) < 0)
        cal_destroy(&cal);
    Jiesu__Table *t = cal ? view_table_new(sec->title, sec->align, HEAD, 6) : NULL;
    for (int r = 0; t && r < PQntuples(res); r++) {
        report_deadline d = {.due = strtoll(PQgetvalue(res, r, D_DUE_S), NULL, 10),
                             .met = strtoll(PQgetvalue(res, r, D_MET_S), NULL, 10),
                             .paused = strtoll(PQgetvalue(res, r, D_PAUSED_S), NULL, 10),
                             .paused_text = PQgetvalue(res, r, D_PAUSED),
                             .now = strtoll(PQgetvalue(res, r, D_NOW_S), NULL, 10)};
        report_deadline_state(state, sizeof state, cal, day_minutes, &d);
        const char *cells[] = {PQgetvalue(res, r, D_KIND), PQgetvalue(res, r, D_CYCLE), PQgetvalue(res, r, D_DUE),
                               PQgetvalue(res, r, D_MET), state, PQgetvalue(res, r, D_RUNG)};
        if (view_table_add(t, cells) < 0) {
            jiesu__table__free_unpacked(t, NULL);
            t = NULL;
            snprintf(err, errlen, "out of memory");
        }
    }
    cal_destroy(&cal);
    return t;
}

/* The order of ticket $2, when $1 may see it. */
#define SEEN_ORDER "(SELECT id FROM complaints WHERE ticket_no = $2 AND principal_sees($1::int, id))"

static const view_section ORDER[] = {
    {"order", "ll", "---np-t----------t", 1,
     "SELECT c.ticket_no AS ticket, c.status || ' (since ' || to_char(c.updated_at, " TIME_FMT ") || ')' AS status,"
     "       to_char(c.called_at, " TIME_FMT ") AS called, coalesce(c.caller_name, '') AS caller,"
     "       coalesce(c.caller_phone, '') AS phone, c.address,"
     "       coalesce(nullif(c.category_raw, ''), '-') AS \"hotline category\","
     "       coalesce(cat.name || ' (' || c.category || ')', '-') AS category,"
     "       c.cycle || ' (returns this cycle: ' || c.returns || ')' AS cycle,"
     "       coalesce(nullif(c.urgency, ''), '-') AS urgency,"
     "       coalesce('import ' || c.import_id || ', row ' || c.source_row, '-') AS imported,"
     "       coalesce(CASE WHEN (SELECT role FROM principals WHERE id = $1::int) = 'discipline'"
     "                     THEN nullif(array_to_string(c.accused_units, ', '), '') || ' (never given this order)' END,"
     "                '-') AS accuses,"
     "       coalesce((SELECT 'the conduct part of ' || l.ticket_no FROM complaints l WHERE l.id = c.link_id),"
     "                (SELECT 'its conduct part is ' || l.ticket_no || ' (discipline inspection)' FROM complaints l"
     "                  WHERE l.link_id = c.id AND principal_sees($1::int, l.id)), '-') AS conduct,"
     "       c.content"
     "  FROM complaints c LEFT JOIN categories cat ON cat.code = c.category"
     " WHERE c.id = " SEEN_ORDER},
    {"assignment (owner, co-handler; the reasons are routing's)", "llllrll", "------t",
     0,
     "SELECT a.role, coalesce(u.name || ' (' || u.code || ')', '-') AS unit,"
     "       coalesce(rc.name, rs.name, '') AS place, rule_name(a.rule) AS rule,"
     "       to_char(a.score, 'FM0.00') AS score, to_char(a.created_at, " TIME_FMT ") AS at, a.reasons"
     "  FROM assignments a LEFT JOIN units u ON u.id = a.unit_id"
     "  LEFT JOIN regions rs ON rs.code = a.street_code LEFT JOIN regions rc ON rc.code = a.community_code"
     " WHERE a.complaint_id = " SEEN_ORDER " AND a.active ORDER BY a.id"},
    {"earlier assignments (returned, reopened or dispatched again)", "lrllll", "-----t", 0,
     "SELECT a.role, a.cycle, coalesce(u.name || ' (' || u.code || ')', '-') AS unit, rule_name(a.rule) AS rule,"
     "       to_char(a.created_at, " TIME_FMT ") AS at, a.reasons"
     "  FROM assignments a LEFT JOIN units u ON u.id = a.unit_id"
     " WHERE a.complaint_id = " SEEN_ORDER " AND NOT a.active ORDER BY a.id"},
    {"deadlines", "lrllll", NULL, 0,
     "SELECT kind, cycle, to_char(due_at, " TIME_FMT "), coalesce(to_char(met_at, " TIME_FMT "), ''),"
     "       extract(epoch FROM due_at)::bigint, coalesce(extract(epoch FROM met_at)::bigint, 0),"
     "       coalesce(extract(epoch FROM paused_at)::bigint, 0), coalesce(to_char(paused_at, " TIME_FMT "), ''),"
     "       extract(epoch FROM esc_now())::bigint, coalesce(rung_next, '')"
     "  FROM deadlines WHERE complaint_id = " SEEN_ORDER " ORDER BY cycle, due_at",
     deadlines_table},
    {"alerts", "lllrlll", "------t", 0,
     "SELECT to_char(al.created_at, " TIME_FMT ") AS at, al.rung, coalesce(u.name, '-') AS unit,"
     "       al.cycle, al.target,"
     "       coalesce('acked ' || to_char(al.acked_at, " TIME_FMT ") || ' by ' || al.acked_by, 'not acked') AS ack,"
     "       al.reason"
     "  FROM alerts al LEFT JOIN units u ON u.id = al.unit_id"
     " WHERE al.complaint_id = " SEEN_ORDER " ORDER BY al.id"},
    {"history", "llll", "---t", 0,
     "SELECT to_char(at, 'YYYY-MM-DD HH24:MI:SS') AS at, actor, event, detail::text AS detail"
     "  FROM complaint_events WHERE complaint_id = " SEEN_ORDER " ORDER BY id"},
    {NULL},
};

/* Alerts addressed to the principal's unit, and the remind and supervise
 * rungs about it (accountability and pattern alerts are for their target
 * alone: discipline inspection); $2 'all' or NULL,
 * $3 rung or NULL, $4 limit. */
static const view_section ALERTS[] = {
    {"alerts", "rlllrlllll", "---------t", 0,
     "SELECT a.id, to_char(a.created_at, 'MM-DD HH24:MI') AS at, a.rung,"
     "       coalesce(c.ticket_no, u.name, a.subject) AS about, a.cycle, coalesce(t.name, a.target) AS target,"
     "       coalesce((SELECT string_agg(d.state || '/' || d.attempts, ' ' ORDER BY d.id)"
     "                 FROM deliveries d WHERE d.alert_id = a.id), '-') AS delivery,"
     "       coalesce(a.acked_by || ' ' || to_char(a.acked_at, 'MM-DD HH24:MI'), '-') AS acked,"
     "       coalesce(to_char(a.due_at, 'MM-DD HH24:MI'), '-') AS due, a.reason"
     "  FROM alerts a LEFT JOIN complaints c ON c.id = a.complaint_id"
     "  LEFT JOIN units u ON u.id = a.unit_id LEFT JOIN units t ON t.id = a.target_unit_id"
     "  JOIN principals p ON p.id = $1::int"
     "   AND (p.unit_id = a.target_unit_id OR p.unit_id = a.unit_id AND a.rung IN ('remind', 'supervise'))"
     " WHERE ($2::text = 'all' OR a.acked_at IS NULL) AND ($3::text IS NULL OR a.rung = $3::text)"
     " ORDER BY a.id DESC LIMIT coalesce($4::int, 50)"},
    {NULL},
};

/* The manual queue: orders a dispatcher must place ($2 limit). */
static const view_section MANUAL[] = {
    {"manual dispatch queue (oldest first)", "lllllrlrl", "--tt----t", 0,
     "SELECT c.ticket_no AS ticket, to_char(c.called_at, " TIME_FMT ") AS called,"
     "       left(c.address, 24) AS address, left(c.content, 30) AS content,"
     "       coalesce(cat.name, '-') AS category, c.returns, rule_name(a.rule) AS rule, to_char(a.score, 'FM0.00') AS score, a.reasons"
     "  FROM complaints c JOIN assignments a ON a.complaint_id = c.id AND a.active AND a.role = 'manual'"
     "  LEFT JOIN categories cat ON cat.code = c.category"
     " WHERE c.status = 'manual' AND principal_sees($1::int, c.id)"
     " ORDER BY c.called_at, c.id LIMIT coalesce($2::int, 50)"},
    {NULL},
};

/* Every unit; $2 narrows to codes or names containing it. */
static const view_section UNITS[] = {
    {"units", "llll", NULL, 0,
     "SELECT u.code, u.name, CASE u.kind WHEN 'street' THEN '街道办事处' WHEN 'dept' THEN '职能部门'"
     "       WHEN 'campaign' THEN '创城办' WHEN 'discipline' THEN '纪委监委' ELSE u.kind END AS kind,"
     "       coalesce(d.name, '') AS district"
     "  FROM units u LEFT JOIN regions d ON d.code = left(u.region_code, 6)"
     " WHERE $1::int IS NOT NULL AND ($2::text IS NULL OR u.code LIKE '%' || $2 || '%' OR u.name LIKE '%' || $2 || '%')"
     " ORDER BY u.kind = 'street' DESC, u.kind, u.code"},
    {NULL},
};

#define SEE_ORDERS (AUTH_CLERK | AUTH_DISPATCHER | AUTH_HANDLER | AUTH_CAMPAIGN | AUTH_DISCIPLINE | AUTH_CALLBACK)

const view_def REPORT_VIEWS[] = {
    {"order", SEE_ORDERS, 1, 1, "show TICKET", ORDER, "no order %s that you may see", NULL},
    {"alerts", AUTH_HANDLER | AUTH_CAMPAIGN | AUTH_DISCIPLINE, 0, 3, "alerts [--all] [--rung RUNG] [--limit N]",
     ALERTS, NULL, "acknowledge one with `jiesu ack ID`"},
    {"manual", AUTH_DISPATCHER, 0, 1, "manual [--limit N]", MANUAL, NULL,
     "give one to a unit with `jiesu dispatch TICKET UNIT [REASON]` (a unit by code or name: `jiesu units`)"},
    {"units", AUTH_PEOPLE, 0, 1, "units [TEXT]", UNITS, NULL, NULL},
    {NULL},
};
