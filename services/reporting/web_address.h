/* web_address.h — failed sign-ins to the pages counted per client address,
 * across accounts (migration 048's signin_addresses).
 *
 * An account locks after its own run of wrong passwords (web_session.c),
 * but one address trying a password or two against every account in turn
 * (password spraying) leaves each account one failure from where it was.
 * So the failures of each address are counted too: `failures` of them
 * within `minutes` of the first hold its sign-ins back for `minutes`, every
 * attempt refused before any password is checked, so the refusal says
 * nothing of the account or the password. A success resets no count, its
 * own address's neither: one account of its own would otherwise let an
 * address clear its count between guesses.
 *
 * The count is in PostgreSQL, as the accounts' is, so every reporting
 * process shares it and a restart keeps it. The address is the client's
 * (http_client_address): the TCP peer's, or behind a trusted reverse proxy
 * (http.trusted_proxies) the one it forwarded, so that the people behind
 * the proxy are counted apart.
 *
 * Thread-safe as long as each thread uses its own PostgreSQL connection.
 */
#ifndef JIESU_WEB_ADDRESS_H
#define JIESU_WEB_ADDRESS_H

#include <libpq-fe.h>
#include <stddef.h>

#include "clock.h"

typedef struct {
    int failures;               /* web.signin_address_failures: failed sign-ins of one address that hold it back */
    int minutes;                /* web.signin_address_minutes: within so long of the first; held back as long */
} web_address_opts;

/* Until when a refusal lasts. */
typedef struct {
    char until[CLOCK_UNTIL_LEN];    /* the local time it ends ("14:05", clock_local_until) */
    int  seconds;               /* from now, for Retry-After (an address held back only) */
    int  failures;              /* the failures that hold the address back */
} web_hold;

/* 1 when sign-ins from address are held back now: this one (of name, as it
 * is recorded) is refused, recorded in auth_events ('address_blocked') and
 * logged with the address and its count, and *hold says until when; 0 when
 * they are not (rows whose time has passed are deleted on the way); -1
 * with err. */
int web_address_held(PGconn *pg, const web_address_opts *o, const char *name, const char *address, web_hold *hold,
                     char *err, size_t errlen);

/* Counts a failed sign-in from address, holding it back at o->failures
 * (logged). 0, or -1 with err. */
int web_address_failed(PGconn *pg, const web_address_opts *o, const char *address, char *err, size_t errlen);

#endif
