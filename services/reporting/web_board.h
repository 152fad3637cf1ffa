/* web_board.h — the wall board (值班看板): what a campaign office leaves open
 * on a wall screen. As of now, the overdue orders and the open
 * (unacknowledged) alerts the reader may see, counted by unit and listed.
 *
 *   GET /api/board   the board as JSON (web_board_json)
 *   GET /            the dashboard carries the board's frame and a small
 *                    script (web_board_section) that fetches /api/board
 *                    every ?refresh= seconds (30 by default) and redraws it
 *
 * Overdue: an open order (待签收, 办理中, 暂缓办理) with a deadline of its
 * current cycle (accept or resolve) not met, not paused and past due on
 * escalation's clock (esc_now(): the clock alerts are raised by), counted once,
 * for the deadline's unit (else the order's owner); how long overdue in working
 * time (the official calendar, report_calendar.h). Open alert: not acknowledged, about an
 * order, counted for the unit it counts for in every count of alerts (alerts_counted,
 * migration 059: the deadline's unit, else the order's owner; none: 未定单位); an alert
 * about a unit (单位超期率过高) is on no row, as on the daily sheet and in jiesu report.
 *
 * Who sees what is the database's rule (principal_sees, migration 010): an
 * order the reader may not see is in no count; a handler sees its own unit's
 * row only; alerts of the remind and supervise rungs about orders the reader
 * sees, and the alerts addressed to the reader's own unit (discipline
 * inspection's accountability and pattern alerts) about an order the reader
 * may see (the campaign office is sent the supervise alert of a conduct
 * complaint, which it never sees). Every street office and
 * department of the reader's districts has a row, 0 or not, so a clear row is
 * an answer too. Orders with no unit yet (the manual queue, not routed) are
 * counted beside the table. No personal data: no caller, address or reason.
 */
#ifndef JIESU_WEB_BOARD_H
#define JIESU_WEB_BOARD_H

#include <stdio.h>

#include "web_scope.h"
#include "web_work.h"

#define WEB_BOARD_ROWS 200          /* orders and alerts listed at most each (counts are complete) */

/* Answers /api/board for u in scope sc; 503 with the reason when PostgreSQL fails. */
void web_board_json(const web_work *w, PGconn *pg, const web_user *u, const web_scope *sc, http_response *resp);

/* The board's frame, its style and the script that fills it from /api/board
 * every refresh seconds, saying 更新于 HH:MM:SS. */
void web_board_section(FILE *f, int refresh);

/* The board's style sheet and script as web_board_section writes them
 * (web_policy.c allows them by their SHA-256). */
const char *web_board_css(void);
const char *web_board_js(void);

/* In its place for u, who reads no orders (an administrator): that the board
 * is not shown and why, rather than every count 0 (none overdue, it read). */
void web_board_unread(FILE *f, const web_user *u);

#endif
