/* report_unit_orders.h — the orders behind one street office's figures in
 * the per-street summary (`jiesu report 单位`): those its 超期 counts, each
 * with the deadline past (签收 or 办结), when it fell due and how long ago in
 * working time, and those it holds on hold (暂缓办理, in its 在办), since
 * when and why. The same orders the summary counts (report_streets.c:
 * owned now by the unit, called within the scope's dates), of those the
 * reader may read (principal_seen, migration 022).
 *
 * The orders are malloc'd into reply->orders; report_reply_free() frees them.
 */
#ifndef JIESU_REPORT_UNIT_ORDERS_H
#define JIESU_REPORT_UNIT_ORDERS_H

#include <libpq-fe.h>
#include <stddef.h>

#include "calendar.h"
#include "jiesu.pb-c.h"

/* Appends to reply the orders behind unit unit_id's row, of those principal
 * may read; from, to: the scope's dates (NULL: no bound), tz their zone,
 * lateness in working time on cal. 0, or -1 with err. */
int report_unit_orders(PGconn *pg, int unit_id, int principal, const char *from, const char *to, const char *tz,
                       const calendar *cal, Jiesu__ReportReply *reply, char *err, size_t errlen);

#endif
