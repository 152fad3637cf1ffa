/* web_address.c — failed sign-ins counted per client address (see web_address.h). */
#include "web_address.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "db.h"
#include "log.h"

/* A sign-in of $1 from $2 ($3 the minutes of a window): rows whose hold
 * has ended, or whose window has passed holding nothing back, deleted (the
 * count starts afresh); when $2 is held back, the attempt refused, counted
 * and recorded. Returns, when refused: the
 * failures, the attempts refused so far, until when (epoch seconds) and
 * how many seconds from now. */
static const char SQL_HELD[] =
    "WITH gone AS ("
    "  DELETE FROM signin_addresses"
    "   WHERE blocked_until <= now() OR (blocked_until IS NULL AND first_at < now() - make_interval(mins => $3::int))"
    "), b AS ("
    "  UPDATE signin_addresses SET refused = refused + 1 WHERE address = $2 AND blocked_until > now()"
    "  RETURNING failures, refused, extract(epoch FROM " CLOCK_SQL_MINUTE_UP("blocked_until") ")::bigint::text AS until,"
    "            ceil(extract(epoch FROM blocked_until - now()))::int AS seconds"
    "), e AS ("
    "  INSERT INTO auth_events (name, event, address, detail)"
    "  SELECT $1, 'address_blocked', $2, jsonb_build_object('failures', failures, 'refused', refused) FROM b"
    ") SELECT failures, refused, until, seconds FROM b";
enum { H_FAILURES, H_REFUSED, H_UNTIL, H_SECONDS };

/* A failed sign-in from $1 ($2 failures hold it back for $3 minutes):
 * counted, the address held back at the bar. Returns the count and until
 * when it is held back (epoch seconds, "" when it is not). */
static const char SQL_FAILED[] =
    "INSERT INTO signin_addresses AS s (address, failures, first_at, blocked_until)"
    " VALUES ($1, 1, now(), CASE WHEN $2::int <= 1 THEN now() + make_interval(mins => $3::int) END)"
    " ON CONFLICT (address) DO UPDATE SET failures = s.failures + 1,"
    "   blocked_until = CASE WHEN s.failures + 1 >= $2::int"
    "                        THEN coalesce(s.blocked_until, now() + make_interval(mins => $3::int)) END"
    " RETURNING failures, coalesce(extract(epoch FROM " CLOCK_SQL_MINUTE_UP("blocked_until") ")::bigint::text, '')";

int web_address_held(PGconn *pg, const web_address_opts *o, const char *name, const char *address, web_hold *hold,
                     char *err, size_t errlen)
{
    char minutes[16];
    snprintf(minutes, sizeof minutes, "%d", o->minutes);
    const char *params[] = {name, address, minutes};
    PGresult *res = db_query(pg, "check the sign-ins of an address", SQL_HELD, 3, params, err, errlen);
    if (!res)
        return -1;
    int held = PQntuples(res) == 1;
    if (held) {
        hold->failures = atoi(PQgetvalue(res, 0, H_FAILURES));
        hold->seconds = atoi(PQgetvalue(res, 0, H_SECONDS));
        clock_local_until(PQgetvalue(res, 0, H_UNTIL), hold->until);
        log_warn("web: sign-in of %s from %s refused: %d failed sign-ins from that address within %d minutes; "
                 "refused so far: %s; held back until %s",
                 name, address, hold->failures, o->minutes, PQgetvalue(res, 0, H_REFUSED), hold->until);
    }
    PQclear(res);
    return held;
}

int web_address_failed(PGconn *pg, const web_address_opts *o, const char *address, char *err, size_t errlen)
{
    char failures[16], minutes[16];
    snprintf(failures, sizeof failures, "%d", o->failures);
    snprintf(minutes, sizeof minutes, "%d", o->minutes);
    const char *params[] = {address, failures, minutes};
    PGresult *res = db_query(pg, "count a failed sign-in of an address", SQL_FAILED, 3, params, err, errlen);
    if (!res)
        return -1;
    char until[CLOCK_UNTIL_LEN];
    clock_local_until(PQgetvalue(res, 0, 1), until);
    if (atoi(PQgetvalue(res, 0, 0)) == o->failures)
        log_warn("web: sign-ins from %s held back until %s after %d failed sign-ins within %d minutes", address,
                 until, o->failures, o->minutes);
    PQclear(res);
    return 0;
}
