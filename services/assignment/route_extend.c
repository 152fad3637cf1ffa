/* route_extend.c — a unit's request for more time and the decision on it
 * (see route_extend.h).
 *
 * One statement locks the order and reads where it stands for the person
 * asking (SQL_STANDING): its owner, its 办结 deadline, the request of its
 * cycle made last and how this call compares with it; every refusal is
 * said from that row, and what is done is one statement more (a request
 * and its event; a decision, the deadline it moves and its event).
 */
#include "route_extend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "names.h"
#include "route_actions_int.h"
#include "route_due.h"
#include "text.h"

/* A time as the messages say it, in the city's time ($4). */
#define LOCAL(t) "to_char(timezone($4::text, " t "), 'YYYY-MM-DD HH24:MI')"
/* The deadline asked for ($5, local), as a timestamptz; NULL for a decision. */
#define ASKED "($5::timestamp AT TIME ZONE $4::text)"

/* $1 ticket, $2 the principal, $3 its unit's code ('' none), $4 the city's
 * time zone, $5 the deadline asked for (local, NULL for a decision), $6 the
 * reason or note, $7 the actor, $8 the most days an extension may add. One
 * row if the principal may read the order (locked): see the enum below. */
static const char SQL_STANDING[] =
    "SELECT c.id, c.status, coalesce(o.code, ''), coalesce(o.name, ''), coalesce(o.kind, ''),"
    "       EXISTS (SELECT 1 FROM assignments a JOIN units u ON u.id = a.unit_id"
    "                WHERE a.complaint_id = c.id AND a.active AND a.role = 'co' AND u.code = $3),"
    "       coalesce(" LOCAL("d.due_at") ", ''), coalesce(d.due_at <= esc_now() AND d.paused_at IS NULL, false),"
    "       (extract(epoch FROM now()) * 1000)::bigint,"
    "       coalesce(" ASKED " <= d.due_at, false),"
    "       coalesce(" ASKED " > d.due_at + make_interval(days => $8::int), false),"
    "       coalesce(" LOCAL("d.due_at + make_interval(days => $8::int)") ", ''),"
    "       coalesce(r.id::text, ''), coalesce(r.state, ''), coalesce(person_name(r.requested_by), ''),"
    "       coalesce(" LOCAL("r.requested_at") ", ''), coalesce(" LOCAL("r.due_to") ", ''),"
    "       coalesce(person_name(r.decided_by), ''), coalesce(" LOCAL("r.decided_at") ", ''), coalesce(r.note, ''),"
    "       coalesce(r.lapsed_with, ''), coalesce(ru.kind, ''),"
    "       coalesce(r.requested_by = $7 AND r.due_to = " ASKED " AND r.reason = $6, false),"
    "       coalesce(r.decided_by = $7 AND r.note = $6, false), coalesce(r.requested_by = $7, false),"
    "       d.id IS NOT NULL"
    "  FROM complaints c"
    "  LEFT JOIN LATERAL (SELECT u.code, u.name, u.kind FROM assignments a JOIN units u ON u.id = a.unit_id"
    "                      WHERE a.complaint_id = c.id AND a.active AND a.role = 'owner' LIMIT 1) o ON true"
    "  LEFT JOIN deadlines d ON d.complaint_id = c.id AND d.kind = 'resolve' AND d.cycle = c.cycle"
    "  LEFT JOIN LATERAL (SELECT * FROM extension_requests x WHERE x.complaint_id = c.id AND x.cycle = c.cycle"
    "                      ORDER BY x.id DESC LIMIT 1) r ON true"
    "  LEFT JOIN units ru ON ru.id = r.unit_id"
    " WHERE c.ticket_no = $1 AND ($2::int = 0 OR principal_sees($2::int, c.id)) FOR UPDATE OF c";
enum {
    X_ID, X_STATUS, X_OWNER, X_OWNER_NAME, X_OWNER_KIND, X_CO, X_DUE, X_OVERDUE, X_NOW_MS, X_NOT_LATER, X_TOO_LATE, X_MAX,
    X_R_ID, X_R_STATE, X_R_BY, X_R_AT, X_R_TO, X_R_DECIDER, X_R_DECIDED_AT, X_R_NOTE, X_R_LAPSED, X_R_UNIT_KIND,
    X_SAME_ASK, X_SAME_DECISION, X_MINE, X_HAS_DEADLINE, X_PARAMS = 8
};

/* $1 order id, $2 actor, $3 unit code, $4 time zone, $5 the deadline asked
 * for (local), $6 reason: the request and its event; the deadline asked
 * for, as said. */
static const char SQL_ASK[] =
    "WITH r AS ("
    "  INSERT INTO extension_requests (complaint_id, cycle, unit_id, requested_by, due_from, due_to, reason)"
    "  SELECT c.id, c.cycle, u.id, $2, d.due_at, " ASKED ", $6"
    "    FROM complaints c JOIN units u ON u.code = $3"
    "    JOIN deadlines d ON d.complaint_id = c.id AND d.kind = 'resolve' AND d.cycle = c.cycle"
    "   WHERE c.id = $1::bigint"
    "  RETURNING id, due_from, due_to"
    "), e AS ("
    "  INSERT INTO complaint_events (complaint_id, actor, event, detail)"
    "  SELECT $1::bigint, $2, 'extension_requested', jsonb_build_object('request', r.id, 'unit', $3::text, 'reason', $6::text,"
    "                                                                  'due_from', r.due_from, 'due_to', r.due_to)"
    "    FROM r"
    ") SELECT " LOCAL("r.due_to") " FROM r";

/* Whether deadline d had passed: before esc_now(), or before its clock
 * stopped (暂缓办理) when it is paused. */
#define OVERDUE(d) d ".due_at <= coalesce(" d ".paused_at, esc_now())"
/* An approved deadline's new time (d0.new_due) and its extension, the time
 * before it `from`; sent back to planning. */
#define MOVED(from)                                                                                         \
    "due_at = d0.new_due, extended_from = " from ", extended_to = d0.new_due, extended_at = esc_now(),"    \
    " rung_next = NULL, rung_at = NULL, fired_at = NULL"

/* $1 order id, $2 actor, $3 note, $4 time zone, $5 'approved' or
 * 'rejected', $6 the event: the order's waiting request decided, and, when
 * approved, its 办结 deadline moved to the time asked (never earlier than
 * it stands: a pause since may have moved it later) and sent back to
 * planning (rung_next NULL; fired_at NULL for a ladder climbed to its end),
 * escalation's sweep planning its rungs from the new time, under the key of
 * the new deadline (extended_from/_to/_at, migration 083: a rung raised at
 * the old time is raised again at the new); the event, saying whether the
 * old deadline had passed (overdue: due before esc_now(), or before its
 * clock stopped). The
 * repeats merged into the order (parent_id) that its unit holds, open, are
 * handled with it and resolved with it (合并办理): their 办结 deadlines due
 * before the new time move to it too, each with its event saying with which
 * order (as a pause takes their clocks with the order's). The deadline
 * before and after, as said, how many repeats moved, and whether the order
 * was overdue. */
static const char SQL_DECIDE[] =
    "WITH r AS ("
    "  UPDATE extension_requests SET state = $5::text, decided_by = $2, decided_at = now(), note = $3::text"
    "   WHERE complaint_id = $1::bigint AND state = 'pending'"
    "  RETURNING id, unit_id, due_to, (SELECT code FROM units WHERE id = unit_id) AS unit"
    "), d0 AS ("
    "  SELECT d.id, d.due_at, greatest(d.due_at, r.due_to) AS new_due, d.met_at, " OVERDUE("d") " AS overdue"
    "    FROM deadlines d JOIN complaints c ON c.id = d.complaint_id AND d.cycle = c.cycle CROSS JOIN r"
    "   WHERE c.id = $1::bigint AND d.kind = 'resolve'"
    "), moved AS ("
    "  UPDATE deadlines d SET " MOVED("d0.due_at")
    "    FROM d0 WHERE d.id = d0.id AND $5::text = 'approved' AND d0.met_at IS NULL"
    "), rd AS ("
    "  SELECT d.id, d.complaint_id, d.due_at, " OVERDUE("d") " AS overdue FROM complaints k"
    "    JOIN deadlines d ON d.complaint_id = k.id AND d.cycle = k.cycle AND d.kind = 'resolve' AND d.met_at IS NULL"
    "    JOIN assignments a ON a.complaint_id = k.id AND a.active AND a.role = 'owner'"
    "    JOIN assignments pa ON pa.complaint_id = $1::bigint AND pa.active AND pa.role = 'owner' AND pa.unit_id = a.unit_id"
    "    CROSS JOIN d0"
    "   WHERE $5::text = 'approved' AND k.parent_id = $1::bigint AND k.status IN " NAMES_HELD_SQL
    "     AND d.due_at < d0.new_due"
    "), rmoved AS ("
    "  UPDATE deadlines d SET " MOVED("rd.due_at")
    "    FROM rd CROSS JOIN d0 WHERE d.id = rd.id"
    "), e AS ("
    "  INSERT INTO complaint_events (complaint_id, actor, event, detail)"
    "  SELECT $1::bigint, $2, $6::text,"
    "         jsonb_build_object('request', r.id, 'unit', r.unit, 'reason', $3::text, 'due_from', d0.due_at,"
    "                            'due_to', CASE WHEN $5::text = 'approved' THEN d0.new_due ELSE r.due_to END,"
    "                            'overdue', $5::text = 'approved' AND d0.overdue AND d0.met_at IS NULL)"
    "    FROM r CROSS JOIN d0"
    "  UNION ALL"
    "  SELECT rd.complaint_id, $2, $6::text,"
    "         jsonb_build_object('request', r.id, 'unit', r.unit, 'reason', $3::text, 'due_from', rd.due_at,"
    "                            'due_to', d0.new_due, 'overdue', rd.overdue, 'note', '与工单 ' || (SELECT ticket_no FROM complaints"
    "                                                                        WHERE id = $1::bigint) || ' 合并办理，随之延期')"
    "    FROM rd CROSS JOIN r CROSS JOIN d0"
    ") SELECT " LOCAL("d0.due_at") ", " LOCAL("d0.new_due") ", (SELECT count(*) FROM rd), d0.overdue FROM d0";

#define V(res, col) PQgetvalue((res), 0, (col))
#define IS(res, col) (*V(res, col) == 't')

int route_extend_is(const char *action)
{
    return strcmp(action, "extend") == 0 || strcmp(action, "extension_approve") == 0 ||
           strcmp(action, "extension_reject") == 0;
}

/* Who decides the requests of a unit of kind: discipline inspection its
 * own (a conduct complaint's, which no dispatcher reads), else a dispatcher. */
static const char *decider(const char *kind)
{
    return strcmp(kind, "discipline") == 0 ? "纪委监委（申请人以外的人）" : "派单员";
}

/* What the request must carry before anything is read. 0 or -1 with err. */
static int check_request(const route_extend_req *req, char asked[ROUTE_DUE_TEXT], char *err, size_t errlen)
{
    int ask = strcmp(req->action, "extend") == 0, reject = strcmp(req->action, "extension_reject") == 0;
    const char *field = ask ? "延期理由" : reject ? "驳回原因" : "审核说明";
    if (!*req->ticket_no) {
        snprintf(err, errlen, "没有给出工单号");
        return -1;
    }
    if (text_check(req->ticket_no, TEXT_TICKET_MAX, "工单号", err, errlen) < 0 ||
        text_check_note(req->reason, field, err, errlen) < 0)
        return -1;
    if ((ask || reject) && !*req->reason) {
        snprintf(err, errlen, "%s需要写明%s，请填写后再提交", ask ? "申请延期" : "驳回延期申请", field);
        return -1;
    }
    if (ask && (text_check(req->due, 64, "新的办结时限", err, errlen) < 0 ||
                route_due_parse(req->due, req->day_end, asked, err, errlen) < 0))
        return -1;
    return 0;
}

/* Why the owner's request cannot be made, from the standing row res, into
 * err: -1; 0 when it may. */
static int ask_refused(const route_extend_req *req, PGresult *res, char *err, size_t errlen)
{
    const char *status = V(res, X_STATUS), *t = req->ticket_no;
    if (strcmp(status, "accepted") != 0) {
        const char *next = strcmp(status, "dispatched") == 0 ? "：请先签收，再申请延期"
                         : strcmp(status, "waiting") == 0    ? "：请先恢复办理，再申请延期（暂缓期间时限停止计时，"
                                                               "恢复办理后按暂缓的时间顺延）"
                                                             : "";
        snprintf(err, errlen, "工单 %s 状态为%s，不能申请延期%s", t, names_status(status), next);
    } else if (strcmp(V(res, X_R_STATE), "pending") == 0) {
        snprintf(err, errlen, "工单 %s 已有一份待审核的延期申请（%s %s 申请延至 %s）：同一时间只能有一份，"
                 "请等%s审核后再申请", t, V(res, X_R_BY), V(res, X_R_AT), V(res, X_R_TO), decider(V(res, X_R_UNIT_KIND)));
    } else if (!IS(res, X_HAS_DEADLINE)) {
        snprintf(err, errlen, "工单 %s 这一轮没有办结时限，不用申请延期", t);
    } else if (IS(res, X_OVERDUE)) {
        snprintf(err, errlen, "工单 %s 的办结时限 %s 已过（已逾期）：逾期后不能再申请延期，请尽快办结；"
                 "办理中的困难请记入进展", t, V(res, X_DUE));
    } else if (IS(res, X_NOT_LATER)) {
        snprintf(err, errlen, "新的办结时限 %s 不晚于工单 %s 现在的办结时限 %s：请写比它晚的时间（最多延至 %s）",
                 req->due, t, V(res, X_DUE), V(res, X_MAX));
    } else if (IS(res, X_TOO_LATE)) {
        snprintf(err, errlen, "新的办结时限 %s 超出了可以延期的范围：工单 %s 最多延至 %s（现在的办结时限 %s 之后 "
                 "%ld 天）；需要更久的，先申请到这一天，临近时说明情况再申请", req->due, t, V(res, X_MAX),
                 V(res, X_DUE), req->max_days);
    } else {
        return 0;
    }
    return -1;
}

/* Why a decision cannot be made, from res, into err: -1; 0 when it may; 1
 * when this person made the same decision already (done before). */
static int decide_refused(const route_extend_req *req, int approve, PGresult *res, char *err, size_t errlen)
{
    const char *state = V(res, X_R_STATE), *t = req->ticket_no;
    const char *done = strcmp(state, "approved") == 0 ? "批准" : "驳回";
    if (!*state) {
        snprintf(err, errlen, "工单 %s 没有待审核的延期申请（延期由主办单位在工单办理中时申请）", t);
    } else if (strcmp(state, "lapsed") == 0) {
        snprintf(err, errlen, "工单 %s 的延期申请（%s 申请延至 %s）已失效，不用审核：审核之前工单已是%s", t,
                 V(res, X_R_BY), V(res, X_R_TO), names_status(V(res, X_R_LAPSED)));
    } else if (strcmp(state, "pending") != 0) {
        if (IS(res, X_SAME_DECISION) && strcmp(state, approve ? "approved" : "rejected") == 0)
            return 1;
        snprintf(err, errlen, "工单 %s 的延期申请（%s 申请延至 %s）已由%s于 %s %s，没有待审核的延期申请", t,
                 V(res, X_R_BY), V(res, X_R_TO), V(res, X_R_DECIDER), V(res, X_R_DECIDED_AT), done);
    } else if (IS(res, X_MINE)) {
        snprintf(err, errlen, "工单 %s 的延期申请是您本人提出的，不能自己审核：请由另一位%s审核", t, decider(V(res, X_R_UNIT_KIND)));
    } else {
        return 0;
    }
    return -1;
}

/* The request, once the standing row allows it. 0, or -1 (database: err). */
static int ask(PGconn *pg, const route_extend_req *req, PGresult *st, const char *asked, route_action_result *out,
               char *err, size_t errlen)
{
    const char *params[] = {V(st, X_ID), req->actor, req->unit_code, req->timezone, asked, req->reason};
    PGresult *res = db_query(pg, "extension request", SQL_ASK, 6, params, err, errlen);
    if (!res)
        return -1;
    snprintf(out->note, sizeof out->note, "已申请把办结时限从 %s 延至 %s，等待%s审核", V(st, X_DUE),
             PQntuples(res) ? PQgetvalue(res, 0, 0) : "", decider(V(st, X_OWNER_KIND)));
    PQclear(res);
    out->changed = 1;
    return 0;
}

/* The decision, once the standing row allows it. 0, or -1 (database: err). */
static int decide(PGconn *pg, const route_extend_req *req, int approve, PGresult *st, route_action_result *out,
                  char *err, size_t errlen)
{
    const char *params[] = {V(st, X_ID), req->actor, req->reason, req->timezone, approve ? "approved" : "rejected",
                            approve ? "extension_approved" : "extension_rejected"};
    PGresult *res = db_query(pg, "extension decision", SQL_DECIDE, 6, params, err, errlen);
    if (!res)
        return -1;
    const char *from = PQntuples(res) ? PQgetvalue(res, 0, 0) : "", *to = PQntuples(res) ? PQgetvalue(res, 0, 1) : "";
    const char *repeats = PQntuples(res) ? PQgetvalue(res, 0, 2) : "0";
    int late = PQntuples(res) && *PQgetvalue(res, 0, 3) == 't';
    if (approve)
        snprintf(out->note, sizeof out->note, "已批准延期：办结时限由 %s 延至 %s%s%s%s%s", from, to,
                 late ? NAMES_EXTENDED_LATE : "", strcmp(repeats, "0") != 0 ? "；与之合并的重复工单 " : "",
                 strcmp(repeats, "0") != 0 ? repeats : "", strcmp(repeats, "0") != 0 ? " 件随之延期" : "");
    else
        snprintf(out->note, sizeof out->note, "已驳回延期申请（申请延至 %s）：办结时限仍为 %s", V(st, X_R_TO), from);
    PQclear(res);
    out->changed = 1;
    return 0;
}

/* Where the order stands (SQL_STANDING) for req, locked. NULL (database: err). */
static PGresult *standing(PGconn *pg, const route_extend_req *req, const char *asked, char *err, size_t errlen)
{
    char principal[16], days[24];
    snprintf(principal, sizeof principal, "%d", req->principal);
    snprintf(days, sizeof days, "%ld", req->max_days);
    const char *params[X_PARAMS] = {req->ticket_no, principal, req->unit_code, req->timezone, *asked ? asked : NULL,
                                    req->reason, req->actor, days};
    return db_query(pg, "extension: the order", SQL_STANDING, X_PARAMS, params, err, errlen);
}

/* The request or decision (route_extend_req ctx) in the open transaction.
 * 0 (out), 1 refused (err), -1 database (err). */
typedef struct {
    const route_extend_req *req;
    const char             *asked;
    route_action_result    *out;
} extend_call;

static int act(PGconn *pg, void *ctx, char *err, size_t errlen)
{
    const extend_call *c = ctx;
    const route_extend_req *req = c->req;
    route_action_result *out = c->out;
    int asking = strcmp(req->action, "extend") == 0, approve = strcmp(req->action, "extension_approve") == 0;
    route_action_req as_action = {.ticket_no = req->ticket_no, .unit_code = asking ? req->unit_code : ""};
    PGresult *st = standing(pg, req, c->asked, err, errlen);
    if (!st)
        return -1;
    int rc = 1;
    if (PQntuples(st) == 0) {
        route_refused_no_order(&as_action, err, errlen);
        goto cleanup;
    }
    out->complaint_id = strtoll(V(st, X_ID), NULL, 10);
    out->at_ms = strtoll(V(st, X_NOW_MS), NULL, 10);
    snprintf(out->from, sizeof out->from, "%s", V(st, X_STATUS));
    snprintf(out->to, sizeof out->to, "%s", V(st, X_STATUS));
    if (asking && strcmp(V(st, X_OWNER), req->unit_code) != 0) {
        if (IS(st, X_CO))
            snprintf(err, errlen, "工单 %s 由%s主办，本单位协办：延期由主办单位申请，协办单位不能申请延期；"
                     "需要更多时间的，请告知%s，由它申请", req->ticket_no, V(st, X_OWNER_NAME), V(st, X_OWNER_NAME));
        else
            route_refused_no_order(&as_action, err, errlen);
        goto cleanup;
    }
    if (!asking && *req->unit_code && *V(st, X_OWNER) && strcmp(V(st, X_OWNER), req->unit_code) != 0) {
        /* discipline inspection decides its own conduct complaints' requests, no one else's (a request
           with no owner left has lapsed: decide_refused says so) */
        snprintf(err, errlen, "工单 %s 由%s办理，它的延期申请由%s审核：纪委监委只审核本单位办理的干部作风投诉的延期申请",
                 req->ticket_no, V(st, X_OWNER_NAME), decider(V(st, X_OWNER_KIND)));
        goto cleanup;
    }
    if (asking && IS(st, X_SAME_ASK) && strcmp(V(st, X_R_STATE), "rejected") != 0 &&
        strcmp(V(st, X_R_STATE), "lapsed") != 0) {
        rc = 0;     /* the same request again, waiting or approved since: done before */
        goto cleanup;
    }
    int why = asking ? ask_refused(req, st, err, errlen) : decide_refused(req, approve, st, err, errlen);
    if (why != 0) {
        rc = why > 0 ? 0 : 1;
        goto cleanup;
    }
    rc = asking ? ask(pg, req, st, c->asked, out, err, errlen) : decide(pg, req, approve, st, out, err, errlen);
cleanup:
    PQclear(st);
    return rc;
}

int route_extend(PGconn *pg, const route_extend_req *req, route_action_result *out, char *err, size_t errlen)
{
    char asked[ROUTE_DUE_TEXT] = "";
    memset(out, 0, sizeof *out);
    if (check_request(req, asked, err, errlen) != 0)
        return -1;
    extend_call call = {req, asked, out};
    return route_action_tx(pg, req->action, req->ticket_no, act, &call, err, errlen);
}
