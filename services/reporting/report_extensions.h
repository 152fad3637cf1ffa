/* report_extensions.h — the units' requests for more time (申请延期,
 * migration 070) as people read them: those of one order (a section of its
 * page and of `jiesu show`, left out when it has none), and the list
 * `jiesu extensions` and the workbench show: to a dispatcher, and to
 * discipline inspection, the requests waiting for a decision on the orders
 * they read; to a unit (discipline inspection's too) its own, decided or
 * not, newest first. A view of REPORT_VIEWS (report_views.c). */
#ifndef JIESU_REPORT_EXTENSIONS_H
#define JIESU_REPORT_EXTENSIONS_H

#include "names.h"
#include "report_views.h"
#include "view.h"

/* $1 the principal, $2 how many rows at most (50 unless told). */
extern const view_section REPORT_EXTENSIONS[];

/* A request's decision: who decided, and when; a lapsed one when it lapsed. */
#define REPORT_EXTENSION_DECIDED                                                                    \
    NAMES_EXTENSION_SQL("r.state") " || coalesce('（' || person_named_at(r.decided_by, r.decided_at) || ' ' ||" \
    " to_char(r.decided_at, " REPORT_TIME_FMT ") || '）', '（' || to_char(r.decided_at, " REPORT_TIME_FMT \
    ") || '）', '')"

/* The order view's section (report_views.c: left out when the order has no
 * request), its align and cells and its statement: $1 the principal, $2 the ticket. */
#define REPORT_ORDER_EXTENSIONS_SECTION                                                                       \
    "延期申请", "lllllll", "----t-t", 0,                                                                       \
    "SELECT to_char(r.requested_at, " REPORT_TIME_FMT ") AS 申请时间,"                                          \
    "       n.said || CASE WHEN strpos(n.said, u.name) > 0 THEN '' ELSE '（' || u.name || '）' END AS 申请人,"     \
    "       to_char(r.due_from, " REPORT_TIME_FMT ") AS 原办结时限, to_char(r.due_to, " REPORT_TIME_FMT ") AS 申请延至," \
    "       r.reason AS 延期理由, " REPORT_EXTENSION_DECIDED " AS 审核, r.note AS 审核说明"                      \
    "  FROM extension_requests r JOIN units u ON u.id = r.unit_id"                                           \
    "  CROSS JOIN LATERAL (SELECT person_named_at(r.requested_by, r.requested_at) AS said) n"              \
    " WHERE r.complaint_id = " REPORT_SEEN_ORDER " ORDER BY r.id",                                           \
    NULL, 1

/* What the list's reader does next, in words. */
#define REPORT_EXTENSIONS_NOTE \
    "审核（派单员；作风投诉由纪委监委）：jiesu extension approve 工单号 [审核说明]，" \
    "或 jiesu extension reject 工单号 驳回原因；申请（主办单位）：jiesu extend 工单号 新的办结时限 延期理由"

/* The history's words for an extension event e (complaint_events), NULL
 * for any other: what was asked or decided, the deadline before and after,
 * and an approval's that the old deadline had passed (NAMES_EXTENDED_LATE). */
#define REPORT_EXTENSION_SAID(fmt)                                                                           \
    "CASE e.event WHEN 'extension_requested' THEN '申请把办结时限从 ' || to_char((e.detail->>'due_from')::timestamptz, " \
    fmt ") || ' 延至 ' || to_char((e.detail->>'due_to')::timestamptz, " fmt ")"                                \
    " WHEN 'extension_approved' THEN '办结时限由 ' || to_char((e.detail->>'due_from')::timestamptz, " fmt ")"     \
    "      || ' 延至 ' || to_char((e.detail->>'due_to')::timestamptz, " fmt ")"                                   \
    "      || CASE WHEN (e.detail->>'overdue')::boolean THEN '" NAMES_EXTENDED_LATE "' ELSE '' END"              \
    " WHEN 'extension_rejected' THEN '不同意延至 ' || to_char((e.detail->>'due_to')::timestamptz, " fmt ")"        \
    "      || '，办结时限仍为 ' || to_char((e.detail->>'due_from')::timestamptz, " fmt ") END"

#endif
