/* report_http.h — the reporting service's HTTP side (report.http_addr):
 *
 *   GET /signin, POST /signin, POST /signout   signing in and out (web_auth.h)
 *   GET /                    the dashboard (?week=YYYY-Www, default this week), with the
 *                            wall board at the top (?refresh=seconds, default 30)
 *   GET /api/board           the wall board as JSON: overdue orders and open alerts by unit, now (web_board.h)
 *   GET /bulletin.html       the printable weekly bulletin (?week=, default last week)
 *   GET /api/bulletin        the bulletin as JSON (?week=, default last week)
 *   GET /api/daily           the daily dispatch sheet as JSON (?date=YYYY-MM-DD, default today)
 *   GET /api/streets         the per-street summary as JSON (?from=, ?to=)
 *   GET /api/live            today's live counters as JSON (citywide readers only)
 *   GET /work..., POST /work/act, /work/ack   the workbench (web_work.h)
 *   GET /requests.json, GET /requests/{id}.json   Open311 GeoReport v2: public
 *
 * Every route but Open311's and signing in is for someone signed in (a
 * session cookie) or a program with an API token (Authorization: Bearer);
 * each reads what its role may (web_scope.h): a street office its street, a
 * campaign office or discipline inspection its district, the hotline's
 * people every district.
 *
 * Handlers run on the server's http.threads threads (common/http: a handler
 * waiting on the database holds up only its own thread's connections), each
 * request with a PostgreSQL connection of its own, taken from a pool of idle
 * ones (opened when none is idle, reset when broken; at most one per
 * thread); the live counters are handed over under a mutex
 * (report_http_set_live). Bad parameters get 400 with the reason, database
 * trouble 503. The http.* limits apply (see http.h).
 */
#ifndef JIESU_REPORT_HTTP_H
#define JIESU_REPORT_HTTP_H

#include <stddef.h>

#include "config.h"
#include "report_live.h"
#include "web_bus.h"

typedef struct report_http report_http;

/* Starts listening on report.http_addr; the workbench acts through bus
 * (copied). NULL with the reason in err (bad settings, or the address
 * cannot be bound). */
report_http *report_http_start(const config *cfg, const web_bus *bus, char *err, size_t errlen);

/* The port bound (tests bind port 0), or -1. */
int report_http_port(const report_http *self);

/* Copies the live counters for /api/live. */
void report_http_set_live(report_http *self, const report_live *live);

/* Stops the server, closes its connection and sets *self to NULL. */
void report_http_stop(report_http **self);

#endif
