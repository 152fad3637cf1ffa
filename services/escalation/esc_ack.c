/* esc_ack.c — acknowledging an alert (see esc_ack.h). One statement moves
 * the alert, its note with it (an alert about no order has no history to
 * hold it), and writes the order's event, so neither happens alone. An
 * alert is acknowledged only by its unit and only while the person may read
 * what it is about (VIEW_ALERT_SEEN, as `jiesu alerts` lists it): an order
 * given to discipline inspection since is, to the office that held it, no
 * alert at all. */
#include "esc_ack.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "text.h"
#include "view.h"

#define ERR_REFUSED 409

/* $1 alert id, $2 the principal's name, $3 their unit id, $4 note, $5 their id. */
static const char SQL_ACK[] =
    "WITH acked AS ("
    "  UPDATE alerts a SET acked_at = now(), acked_by = $2, ack_note = nullif($4, '')"
    "   WHERE a.id = $1::bigint AND a.acked_at IS NULL AND a.target_unit_id = $3::int AND " VIEW_ALERT_SEEN("$5")
    "  RETURNING a.id, a.complaint_id, a.rung, a.cycle"
    "), logged AS ("
    "  INSERT INTO complaint_events (complaint_id, actor, event, detail)"
    "  SELECT complaint_id, $2, 'acked', jsonb_build_object('alert_id', id, 'rung', rung, 'cycle', cycle,"
    "                                                      'note', nullif($4, ''))"
    "  FROM acked WHERE complaint_id IS NOT NULL"
    ") SELECT id FROM acked";

/* Why alert $1 was not acknowledged by unit $2: who acked it (their name as
 * people read it) and when, in local time ($3 minutes east of UTC), or
 * whether it is the unit's at all, and about what principal $4 may read;
 * whether principal $5 (by name) was the one. */
static const char SQL_WHY[] =
    "SELECT coalesce(person_name(a.acked_by), ''),"
    "       coalesce(to_char(a.acked_at AT TIME ZONE 'UTC' + make_interval(mins => $3::int), 'YYYY-MM-DD HH24:MI'), ''),"
    "       a.target_unit_id IS NOT DISTINCT FROM $2::int AND " VIEW_ALERT_SEEN("$4") ","
    "       a.acked_by IS NOT DISTINCT FROM $5"
    "  FROM alerts a WHERE a.id = $1::bigint";

/* The answer that alert id is acknowledged, message msg. */
static void reply_acked(service *s, const bus_request *req, long long id, const char *msg)
{
    Jiesu__AckReply reply = JIESU__ACK_REPLY__INIT;
    reply.alert_id = id;
    reply.message = (char *)msg;
    bus_server_reply(s->server, req, "alert.acked", &reply.base);
}

/* Alert id was not acknowledged now: not the unit's, or acknowledged
 * before — by this person, which is what they asked (a retry whose first
 * answer was lost, a second click), or by another, which is a refusal. */
static void explain(service *s, const bus_request *req, const char *id, const auth_principal *who)
{
    char unit[16], offset[16], me[16], err[512], msg[400];
    snprintf(unit, sizeof unit, "%d", who->unit_id);
    snprintf(offset, sizeof offset, "%d", config_utc_offset_min(s->cfg));
    snprintf(me, sizeof me, "%d", who->id);
    const char *params[] = {id, unit, offset, me, who->name};
    PGresult *res = db_query(s->pg, "alert ack refusal", SQL_WHY, 5, params, err, sizeof err);
    if (!res) {
        svc_reply_failed(s, req, SVC_ERR_INTERNAL, err);
    } else if (PQntuples(res) == 0 || *PQgetvalue(res, 0, 2) != 't') {
        bus_server_reply_error(s->server, req, ERR_REFUSED, "没有发给%s的第 %s 号告警：只能确认发给本单位的告警"
                               "（见工作台的告警，或 jiesu alerts）", who->unit_name, id);
    } else if (*PQgetvalue(res, 0, 3) == 't') {
        snprintf(msg, sizeof msg, "第 %s 号告警您已于 %s 确认过，不必再确认", id, PQgetvalue(res, 0, 1));
        reply_acked(s, req, strtoll(id, NULL, 10), msg);
    } else {
        bus_server_reply_error(s->server, req, ERR_REFUSED, "第 %s 号告警已由%s于 %s 确认，不必再确认", id,
                               PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1));
    }
    PQclear(res);
}

void esc_ack_request(service *s, const bus_request *req, const auth_principal *who)
{
    char id[24], unit[16], me[16], err[512];
    Jiesu__AckRequest *rq = BUS_UNPACK(ack_request, req->env);
    if (!rq || rq->alert_id <= 0) {
        bus_server_reply_error(s->server, req, SVC_ERR_BAD_REQUEST, "没有告警编号：请指明确认哪一条告警");
        goto cleanup;
    }
    if (text_check_note(rq->note, "处理说明", err, sizeof err) < 0) {
        bus_server_reply_error(s->server, req, SVC_ERR_BAD_REQUEST, "%s", err);
        goto cleanup;
    }
    if (svc_ensure_pg(s, err, sizeof err) < 0) {
        svc_reply_failed(s, req, SVC_ERR_INTERNAL, err);
        goto cleanup;
    }
    snprintf(id, sizeof id, "%lld", (long long)rq->alert_id);
    snprintf(unit, sizeof unit, "%d", who->unit_id);
    snprintf(me, sizeof me, "%d", who->id);
    const char *params[] = {id, who->name, unit, rq->note, me};
    PGresult *res = db_query(s->pg, "alert ack", SQL_ACK, 5, params, err, sizeof err);
    if (!res) {
        text_prefix(err, sizeof err, "acknowledging alert %s: ", id);
        svc_reply_failed(s, req, SVC_ERR_INTERNAL, err);
    } else if (PQntuples(res) == 0) {
        explain(s, req, id, who);
    } else {
        char msg[400];
        snprintf(msg, sizeof msg, "第 %s 号告警已确认（%s，%s）", id, who->display_name, who->unit_name);
        reply_acked(s, req, rq->alert_id, msg);
        log_info("%s", msg);
    }
    PQclear(res);
cleanup:
    if (rq)
        jiesu__ack_request__free_unpacked(rq, NULL);
}
