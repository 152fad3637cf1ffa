/* report_views.h — the views people read through the reporting service
 * (`jiesu show`, `alerts`, `manual`, `units`, `audit`), answered by view_answer();
 * the workbench's order page shows the same order view (web_order.c). */
#ifndef JIESU_REPORT_VIEWS_H
#define JIESU_REPORT_VIEWS_H

#include "view.h"

extern const view_def REPORT_VIEWS[];

/* The roles that read orders (principal_seen, migration 022): an
 * administrator reads none, so no page may show it counts of them as if
 * there were none. */
#define REPORT_ORDER_READERS (AUTH_CLERK | AUTH_DISPATCHER | AUTH_HANDLER | AUTH_CAMPAIGN | AUTH_DISCIPLINE | AUTH_CALLBACK)

/* For the SQL of an order's views and page: the order of ticket $2, when
 * principal $1 may see it; and how they show a time. */
#define REPORT_SEEN_ORDER "(SELECT id FROM complaints WHERE ticket_no = $2 AND principal_sees($1::int, id))"
#define REPORT_TIME_FMT   "'YYYY-MM-DD HH24:MI'"
/* For the SQL of an order's events (complaint_events e): the name of the
 * unit whose code e's detail holds under key, or NULL (where a dispatch sent
 * the order); of the category (a dispatcher's correction of routing's); the
 * co-handlers a reassignment ended, 、 between, or NULL. The history and
 * the order page's answer to a dispatch (web_order.c) name them so. */
#define REPORT_UNIT_NAMED(key)     "(SELECT u.name FROM units u WHERE u.code = e.detail->>'" key "')"
#define REPORT_CATEGORY_NAMED(key) "(SELECT k.name FROM categories k WHERE k.code = e.detail->>'" key "')"
#define REPORT_CO_ENDED_NAMED                                                                              \
    "(SELECT string_agg(u.name, '、' ORDER BY x.n)"                                                        \
    "   FROM jsonb_array_elements_text(e.detail->'co_ended') WITH ORDINALITY AS x(code, n)"                 \
    "   JOIN units u ON u.code = x.code)"
/* How urgent an order of urgency u is: its accept deadline's factor
 * (urgency_levels: 特急 ¼, 紧急 ½, 一般 1), the smaller the sooner; an
 * urgency the table does not have counts as 一般. The manual queue puts
 * the most urgent first (`jiesu manual`, the dispatcher's workbench). */
#define REPORT_URGENCY_RANK(u) "coalesce((SELECT ul.accept_factor FROM urgency_levels ul WHERE ul.name = " u "), 1)"
/* The order view's column of the caller's phone number (masked; the order
 * page offers the full one beside it: report_phone.h). */
#define REPORT_PHONE_COLUMN "联系电话"

/* The order view's last section, its photos (`jiesu show`, which cannot show
 * them, says where they are); the order page shows them instead, as images
 * (web_order.c). */
#define REPORT_PHOTOS_TITLE "整改前后照片（照片本身请在工作台打开这个工单查看）"

/* What follows "没有您可以查看的工单 X" (jiesu show, the order page): the
 * next step, and why an order that exists may be answered so too (the
 * answer is the same whether it exists or not). */
#define REPORT_NOT_SEEN_HINT "：请核对工单号是否完整；不归您查看的工单（如已转交其他单位的）也这样回答"

#endif
