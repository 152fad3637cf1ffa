/* users.h — the administrator's requests about users, and about the
 * addresses whose sign-ins to the pages are held back, answered by the
 * assignment service ("user.request" → "user.reply").
 *
 *   add       a person or program with one role (and, for handlers, campaign
 *             offices and discipline inspectors, their unit, by code or name),
 *             and the name every record shows of them (display_name, required:
 *             a person's 姓名, a program's what it is),
 *             a CURVE public key for the bus, and optionally a password for
 *             signing in over HTTP and an API token (shown once)
 *   list      everyone (with `all`, the disabled too)
 *   disable   at once: the key is refused at the next connection and at the
 *             next request on an open one, sessions end, the token stops
 *   enable, key (a new public key), token (a new token), password
 *   move      another role, or another unit, or both: the role and unit are
 *             checked as for add, and take effect at the person's next request
 *   display   another display name (a user added before one was required
 *             shows their sign-in name), recorded with the one before
 *   holds     the addresses whose sign-ins are held back now after too many
 *             failures (web_address.h): how many, the attempts refused since,
 *             until when in the city's time
 *   release   one such address's hold lifted early, its count started afresh
 *
 * Only administrators may (the route's roles); an administrator cannot
 * disable or move themselves. Every change is recorded in admin_events as done by
 * the administrator who asked.
 */
#ifndef JIESU_USERS_H
#define JIESU_USERS_H

#include "svc.h"

void users_request(service *s, const bus_request *req, const auth_principal *who);

#endif
