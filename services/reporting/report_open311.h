/* report_open311.h — Open311 GeoReport v2 reads: GET /requests.json and
 * GET /requests/{service_request_id}.json, answered from PostgreSQL.
 *
 * service_request_id is the hotline's ticket number. status is "open" until
 * the order is resolved or closed. Caller names and phone numbers are never
 * returned; digit runs of 8 to 15 digits in the description (phone numbers)
 * are masked to their first 3 and last 4 digits.
 */
#ifndef JIESU_REPORT_OPEN311_H
#define JIESU_REPORT_OPEN311_H

#include <libpq-fe.h>

#include "http.h"

/* GET /requests.json with the optional filters start_date, end_date (ISO 8601),
 * status (open|closed), service_code (category code) and limit (1..1000,
 * default 50). The connection's TimeZone gives the times' offsets. */
void report_open311_list(PGconn *pg, const http_request *req, http_response *resp);

/* GET /requests/{id}.json: a one-element array, or 404. */
void report_open311_one(PGconn *pg, const http_request *req, http_response *resp);

#endif
