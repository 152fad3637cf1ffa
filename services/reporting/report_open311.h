/* report_open311.h — the public view: Open311 GeoReport v2 reads,
 * GET /requests.json and GET /requests/{service_request_id}.json, answered
 * from PostgreSQL for an anonymous caller — what a FixMyStreet would publish.
 * A path ending .xml (GET /requests.xml, /requests/{id}.xml) has the same
 * answer in GeoReport v2's XML (georeport.h), <service_requests> of
 * <request>s, errors as <errors>.
 *
 * What is published of a complaint (each request keeps the GeoReport v2
 * fields service_request_id = the ticket number, status "open" until the
 * order is resolved or closed, status_notes (the status as a citizen reads
 * it, names_status_public: 已交承办单位，等待接收办理), service_code, service_name,
 * description, agency_responsible, requested_datetime, updated_datetime,
 * address, lat, long):
 *   - only complaints routing has decided (status new is not shown: until
 *     then nobody knows whether the text accuses an official);
 *   - never a complaint for discipline inspection (complaint_for_discipline,
 *     migration 013): not in lists, not under service_code=conduct, and by id
 *     it answers 404 exactly like a ticket that does not exist; nor a
 *     letter whose conduct part routing split off, which keeps its words;
 *   - never the caller's name or phone number, nor the caller's name where
 *     the description or address holds it (mask_name_in: 赵*来电反映);
 *   - description: mask_public_text — phone, ID and bank card numbers and
 *     every house, building, unit and room number masked;
 *   - address: mask_address — the address before its house number (a road,
 *     a junction, a compound, a village), else the community or street
 *     routing placed the order in, else null;
 *   - lat and long rounded to 3 decimals (about 110 m north–south, 90 m
 *     east–west at Qingdao's latitude).
 */
#ifndef JIESU_REPORT_OPEN311_H
#define JIESU_REPORT_OPEN311_H

#include <libpq-fe.h>

#include "http.h"

#define OPEN311_DEFAULT_LIMIT 50
#define OPEN311_MAX_LIMIT 200
#define OPEN311_MAX_DEPTH 2000      /* page × limit at most: older requests by start_date/end_date */

/* GET /requests.json, newest first, with the optional filters start_date,
 * end_date (ISO 8601), status (open, closed or open,closed), service_code
 * (category codes, comma-delimited), limit (1..200, default 50) and page
 * (1.., while page × limit ≤ 2,000); or, with service_request_id (up to 200
 * ticket numbers, comma-delimited), those requests whatever else is asked.
 * The connection's TimeZone gives the times' offsets. Each query may take
 * the database 2 s at most (then 503): an anonymous caller cannot make it
 * work longer. */
void report_open311_list(PGconn *pg, const http_request *req, http_response *resp);

/* GET /requests/{id}.json or .xml: a list of one request, or 404. */
void report_open311_one(PGconn *pg, const http_request *req, http_response *resp);

#endif
