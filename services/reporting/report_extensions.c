/* report_extensions.c — the units' requests for more time as people read
 * them (see report_extensions.h). A request reads its decision beside it:
 * 待审核, 已批准 or 已驳回 by whom and when, or 已失效 when the order left
 * the unit's hands before anyone decided (its status now in 工单状态).
 */
#include "report_extensions.h"

#include "names.h"
#include "report_views.h"

/* The requests of the reader's list: those waiting, to a dispatcher
 * (principal_sees keeps each to the orders it reads: no conduct
 * complaint's); a unit's own, discipline inspection's the ones it decides
 * (its conduct complaints': not a street office's, a dispatcher's to
 * decide, of an order it reads). */
static const char SQL_LIST[] =
    "SELECT c.ticket_no AS 工单号, c.status AS 工单状态, u.name AS 申请单位, person_named_at(r.requested_by, r.requested_at) AS 申请人,"
    "       to_char(r.requested_at, " REPORT_TIME_FMT ") AS 申请时间, to_char(r.due_from, " REPORT_TIME_FMT ") AS 原办结时限,"
    "       to_char(r.due_to, " REPORT_TIME_FMT ") AS 申请延至, r.reason AS 延期理由, " REPORT_EXTENSION_DECIDED " AS 审核,"
    "       r.note AS 审核说明"
    "  FROM extension_requests r JOIN complaints c ON c.id = r.complaint_id JOIN units u ON u.id = r.unit_id"
    "  JOIN principals p ON p.id = $1::int"
    " WHERE (r.state = 'pending' AND p.role = 'dispatcher' OR r.unit_id = p.unit_id)"
    "   AND principal_sees($1::int, c.id)"
    " ORDER BY r.state = 'pending' DESC, r.id DESC LIMIT coalesce($2::int, 50)";

const view_section REPORT_EXTENSIONS[] = {
    {"延期申请（待审核的在前）", "llllllllll", "-s-----t-t", 0, SQL_LIST},
    {NULL},
};
