/* intake_open311.h — single complaints over HTTP: Open311 GeoReport v2.
 *
 *   GET  /services.json   the categories (intake_services.h), read afresh each request
 *   POST /requests.json   one complaint, filed by a clerk: api_key (the
 *                         clerk's API token; or an Authorization: Bearer
 *                         header), form fields service_code (required),
 *                         description (required), address_string and/or
 *                         lat + long (one of them required), first_name,
 *                         last_name, phone, email, device_id, account_id,
 *                         media_url, as a form in UTF-8 (else 415);
 *                         answers 200 [{"service_request_id": ...}] or 400
 *                         [{"code": 400, "description": "field：why"}] (why
 *                         in Chinese: what the platform shows its user), 404
 *                         for a service_code no service has;
 *                         401 without a key, 403 for a key that is unknown,
 *                         of a disabled user or not a clerk's, 429 with
 *                         Retry-After past the key's rate (principals.
 *                         rate_per_minute, else rate_per_minute below)
 *
 * Every path also ends .xml (GET /services.xml, POST /requests.xml): the
 * same answer, status and Chinese error in GeoReport v2's XML (georeport.h),
 * its required format, which FixMyStreet's client asks for.
 *
 * A complaint is validated and normalised like an imported row (UTF-8, field
 * limits, full-width → half-width, whitespace), stored with a new 'W' ticket
 * number (006_intake.sql) and its 'imported' event, naming the clerk as its
 * actor, in one statement, and put
 * on the routing stream after the commit (if Redis is down the assignment
 * reconciler enqueues it). The caller's name is 姓 + 名 (last_name first_name);
 * the other fields go to the complaint's `extra`.
 *
 * The server answers on intake.open311_threads libmicrohttpd threads (the
 * limits' threads), so a POST waiting for its commit holds up only the
 * connections of its own thread. Each handler takes a link — a PostgreSQL
 * connection and a Redis connection for the routing stream, never the
 * service loop's — from a pool of idle ones (one per thread, their PostgreSQL
 * connections opened at start, never more) and gives it back; the per-key
 * rate limiter is shared under a lock.
 * The other limits (connections per client, requests of one address at
 * once, timeouts) are the http.* settings.
 */
#ifndef JIESU_INTAKE_OPEN311_H
#define JIESU_INTAKE_OPEN311_H

#include <stddef.h>

#include "http.h"

typedef struct {
    const char *http_addr;      /* "127.0.0.1:7103" */
    const char *pg_conninfo;
    const char *redis_addr;
    const char *redis_password_file;    /* "" when Redis has no password */
    const char *route_stream;
    const char *route_group;
    int         utc_offset_min; /* the hotline's local time (ticket dates) */
    size_t      max_field;      /* characters per field */
    int         rate_per_minute;    /* intake.open311_rate_per_minute: POSTs per key and minute */
    const http_limits *limits;  /* http.*, threads from intake.open311_threads */
} intake_open311_opts;

typedef struct intake_open311 intake_open311;

/* Loads the services, connects PostgreSQL and starts listening. The strings
 * in opt must outlive the server. NULL with the reason in err. */
intake_open311 *intake_open311_start(const intake_open311_opts *opt, char *err, size_t errlen);

/* The port bound (tests bind port 0), or -1. */
int intake_open311_port(const intake_open311 *self);

/* Stops the server, closes its connections and sets *self to NULL. */
void intake_open311_stop(intake_open311 **self);

#endif
