/* route_actions.c — accept and resolve (see route_actions.h).
 *
 * The statement locks the order, moves it only from an allowed state and only
 * for its owner unit, and logs the event from the row it moved; then the
 * caller gets back the state it found, the owner and whether anything moved,
 * which is all it needs to explain a refusal.
 */
#include "route_actions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

typedef struct {
    const char *action;
    const char *to;        /* status after, also the event name */
    const char *from;      /* allowed statuses, as an array literal */
} action_rule;

static const action_rule RULES[] = {
    {"accept", "accepted", "{dispatched}"},
    {"resolve", "resolved", "{dispatched,accepted}"},
};

/* $1 ticket, $2 new status, $3 allowed statuses, $4 unit code or '', $5 actor,
 * $6 event, $7 reason. One row per ticket found: id, status before, owner unit
 * code, moved, now in ms. */
static const char SQL_ACT[] =
    "WITH target AS ("
    "  SELECT id, status FROM complaints WHERE ticket_no = $1 FOR UPDATE"
    "), owner AS ("
    "  SELECT u.code FROM target t"
    "  JOIN assignments a ON a.complaint_id = t.id AND a.active AND a.role = 'owner'"
    "  JOIN units u ON u.id = a.unit_id"
    "), moved AS ("
    "  UPDATE complaints c SET status = $2, updated_at = now() FROM target t"
    "  WHERE c.id = t.id AND c.status = ANY($3::text[]) AND ($4 = '' OR $4 IN (SELECT code FROM owner))"
    "  RETURNING c.id"
    "), logged AS ("
    "  INSERT INTO complaint_events (complaint_id, actor, event, detail)"
    "  SELECT m.id, $5, $6, jsonb_build_object('from', t.status, 'to', $2::text, 'unit', nullif($4, ''),"
    "                                          'reason', nullif($7, ''))"
    "  FROM moved m JOIN target t ON t.id = m.id"
    ")"
    " SELECT t.id, t.status, coalesce((SELECT code FROM owner), ''), EXISTS (SELECT 1 FROM moved),"
    "        (extract(epoch FROM now()) * 1000)::bigint"
    " FROM target t";

static const action_rule *find_rule(const char *action)
{
    for (size_t i = 0; i < sizeof RULES / sizeof RULES[0]; i++)
        if (strcmp(RULES[i].action, action) == 0)
            return &RULES[i];
    return NULL;
}

/* Explains why the order found in res did not move; 0 if it already had moved. */
static int refusal(const route_action_req *req, const action_rule *rule, PGresult *res, char *err, size_t errlen)
{
    const char *status = PQgetvalue(res, 0, 1), *owner = PQgetvalue(res, 0, 2);
    if (*req->unit_code && strcmp(owner, req->unit_code) != 0) {
        if (*owner)
            snprintf(err, errlen, "order %s is owned by %s, not %s", req->ticket_no, owner, req->unit_code);
        else
            snprintf(err, errlen, "order %s has no owner unit (status %s)", req->ticket_no, status);
        return -1;
    }
    if (strcmp(status, rule->to) == 0)
        return 0;
    snprintf(err, errlen, "order %s is %s: cannot %s it", req->ticket_no, status, req->action);
    return -1;
}

int route_action(PGconn *pg, const route_action_req *req, route_action_result *out, char *err, size_t errlen)
{
    int rc = -1;
    memset(out, 0, sizeof *out);
    const action_rule *rule = find_rule(req->action);
    if (!rule) {
        snprintf(err, errlen, "unknown action '%s' (accept, resolve)", req->action);
        return -1;
    }
    if (!*req->ticket_no) {
        snprintf(err, errlen, "%s: no ticket number given", req->action);
        return -1;
    }
    const char *actor = *req->actor ? req->actor : *req->unit_code ? req->unit_code : "dispatch";
    const char *params[] = {req->ticket_no, rule->to, rule->from, req->unit_code, actor, rule->to, req->reason};
    PGresult *res = db_query(pg, "unit action", SQL_ACT, 7, params);
    if (!res) {
        snprintf(err, errlen, "%s %s: database error (see the assignment log)", req->action, req->ticket_no);
        return -1;
    }
    if (PQntuples(res) == 0) {
        snprintf(err, errlen, "no order with ticket %s", req->ticket_no);
        goto cleanup;
    }
    out->changed = strcmp(PQgetvalue(res, 0, 3), "t") == 0;
    if (!out->changed && refusal(req, rule, res, err, errlen) != 0)
        goto cleanup;
    out->complaint_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    snprintf(out->from, sizeof out->from, "%s", PQgetvalue(res, 0, 1));
    snprintf(out->to, sizeof out->to, "%s", rule->to);
    out->at_ms = strtoll(PQgetvalue(res, 0, 4), NULL, 10);
    rc = 0;
cleanup:
    PQclear(res);
    return rc;
}
