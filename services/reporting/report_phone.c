/* report_phone.c — the caller's full phone number for whoever is to call
 * the citizen, recorded as theirs (see report_phone.h).
 *
 * The rule is one statement: it finds the order only through
 * principal_sees(), says which part the asker's unit has in it and whether
 * the asker may call now, and — asked to reveal — writes the event in the
 * same statement that reads the number out, so no number leaves unrecorded
 * and no refusal leaves a record. The number never goes to a log.
 */
#include "report_phone.h"

#include <stdio.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "names.h"
#include "report_views.h"
#include "text.h"

/* Who may, as people are told with every refusal. */
#define WHO_MAY "只有回访员（工单已办结待回访时）、承办此单的单位的承办人员（主办或协办，工单办理中时）" \
                "和纪委监委（本单位承办的干部作风投诉）可以查看来电人完整号码"

/* $1 the principal, $2 the ticket, $3 whether to reveal. A row when the
 * order is one the principal reads: its status, the part the principal's
 * unit has in it (owner, co or ""), whether the principal may call now,
 * whether it has a number, and the number when revealed (recorded). */
static const char SQL_PHONE[] =
    "WITH me AS (SELECT p.name, p.role, p.unit_id, (SELECT code FROM units WHERE id = p.unit_id) AS unit"
    "              FROM principals p WHERE p.id = $1::int"
    "), o AS ("
    "  SELECT c.id, c.status, coalesce(c.caller_phone, '') AS phone,"
    "         coalesce((SELECT a.role FROM assignments a, me WHERE a.complaint_id = c.id AND a.active"
    "                     AND a.unit_id = me.unit_id AND a.role IN ('owner', 'co')"
    "                   ORDER BY a.role <> 'owner' LIMIT 1), '') AS part"
    "    FROM complaints c WHERE c.ticket_no = $2 AND principal_sees($1::int, c.id)"
    "), may AS ("
    "  SELECT o.id FROM o, me"
    "   WHERE (me.role = 'callback' AND o.status = 'resolved')"
    "      OR (me.role IN ('handler', 'discipline') AND o.part <> ''"
    "          AND o.status IN " NAMES_HELD_SQL ")"
    "      OR (me.role = 'discipline' AND o.part = 'owner' AND o.status = 'resolved')"
    "), shown AS ("
    "  INSERT INTO complaint_events (complaint_id, actor, event, detail)"
    "  SELECT may.id, me.name, 'phone_shown', jsonb_strip_nulls(jsonb_build_object('unit', me.unit))"
    "    FROM may, me, o WHERE $3::boolean AND o.phone <> ''"
    "  RETURNING id"
    ")"
    " SELECT o.status, o.part, EXISTS (SELECT 1 FROM may), o.phone <> '',"
    "        CASE WHEN EXISTS (SELECT 1 FROM shown) THEN o.phone ELSE '' END"
    "   FROM o";
enum { P_STATUS, P_PART, P_MAY, P_HAS, P_NUMBER };

/* What the row found says, the number copied out when revealed. */
static report_phone_answer read_answer(PGresult *res, const auth_principal *who, const char *ticket, char *number,
                                       size_t cap, char *say, size_t saylen)
{
    if (PQntuples(res) != 1) {
        snprintf(say, saylen, "没有您可以查看的工单 %s" REPORT_NOT_SEEN_HINT, ticket);
        return REPORT_PHONE_NO_ORDER;
    }
    const char *status = PQgetvalue(res, 0, P_STATUS), *part = PQgetvalue(res, 0, P_PART);
    if (strcmp(PQgetvalue(res, 0, P_MAY), "t") != 0) {
        if ((who->role & (AUTH_HANDLER | AUTH_DISCIPLINE)) && !*part)
            snprintf(say, saylen, "工单 %s 不由本单位承办：" WHO_MAY, ticket);
        else
            snprintf(say, saylen, "工单 %s 状态为%s：" WHO_MAY, ticket, names_status(status));
        return REPORT_PHONE_NOT_NOW;
    }
    if (strcmp(PQgetvalue(res, 0, P_HAS), "t") != 0) {
        snprintf(say, saylen, "工单 %s 没有登记联系电话：来电人的联系方式请看诉求内容或导入的原始记录", ticket);
        return REPORT_PHONE_NONE;
    }
    snprintf(number, cap, "%s", PQgetvalue(res, 0, P_NUMBER));
    return REPORT_PHONE_YES;
}

report_phone_answer report_phone(PGconn *pg, const auth_principal *who, const char *ticket, int reveal, char *number,
                                 size_t cap, char *say, size_t saylen)
{
    char id[16];
    report_phone_answer a = REPORT_PHONE_ROLE;
    *number = '\0';
    if (!(who->role & REPORT_PHONE_ROLES)) {
        snprintf(say, saylen, "%s 的角色是%s，不能查看来电人完整号码：" WHO_MAY, who->name,
                 auth_role_title(who->role));
    } else {
        snprintf(id, sizeof id, "%d", who->id);
        const char *params[] = {id, ticket, reveal ? "true" : "false"};
        PGresult *res = db_query(pg, "caller's phone", SQL_PHONE, 3, params, say, saylen);
        if (!res)
            return REPORT_PHONE_FAILED;
        a = read_answer(res, who, ticket, number, cap, say, saylen);
        PQclear(res);
    }
    if (reveal)     /* every asking, on the page as on the bus; never the number */
        log_info("caller's phone of order %s %s %s", ticket, a == REPORT_PHONE_YES ? "shown to" : "refused to",
                 who->name);
    return a;
}

int report_phone_status(report_phone_answer a)
{
    static const int STATUS[] = {[REPORT_PHONE_YES] = 200, [REPORT_PHONE_ROLE] = 403, [REPORT_PHONE_NO_ORDER] = 404,
                                 [REPORT_PHONE_NOT_NOW] = 409, [REPORT_PHONE_NONE] = 409, [REPORT_PHONE_FAILED] = 503};
    return STATUS[a];
}

void report_phone_request(service *s, const bus_request *req, const auth_principal *who)
{
    char typed[256], number[64], say[1024], message[512];
    Jiesu__PhoneRequest *rq = BUS_UNPACK(phone_request, req->env);
    const char *ticket = rq ? text_ticket(typed, sizeof typed, rq->ticket_no) : NULL;
    report_phone_answer a = REPORT_PHONE_FAILED;
    if (!ticket) {
        bus_server_reply_error(s->server, req, SVC_ERR_BAD_REQUEST, rq ? "没有给出工单号" : "phone.reveal: malformed payload");
    } else if (svc_ensure_pg(s, say, sizeof say) < 0 ||
               (a = report_phone(s->pg, who, ticket, 1, number, sizeof number, say, sizeof say)) ==
                   REPORT_PHONE_FAILED) {
        svc_reply_failed(s, req, SVC_ERR_INTERNAL, say);
    } else if (a != REPORT_PHONE_YES) {
        bus_server_reply_error(s->server, req, report_phone_status(a), "%s", say);
    } else {
        Jiesu__PhoneReply reply = JIESU__PHONE_REPLY__INIT;
        snprintf(message, sizeof message, "工单 %s 来电人完整号码：%s（此次查看已记入工单的处理记录）", ticket, number);
        reply.ticket_no = (char *)ticket;
        reply.phone = number;
        reply.message = message;
        bus_server_reply(s->server, req, "phone.reply", &reply.base);
    }
    if (rq)
        jiesu__phone_request__free_unpacked(rq, NULL);
}
