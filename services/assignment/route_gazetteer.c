/* route_gazetteer.c — editing the gazetteer (see route_gazetteer.h).
 *
 * Two entries of one name overlap when their house-number ranges meet; an
 * entry without numbers covers every number. An overlap is what made a new
 * entry silently lose to an old one: routing cannot tell which street a
 * number belongs to, so it is refused (or replaces, when asked).
 */
#include "route_gazetteer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"

#define ERR_REFUSED 409
#define LIST_MAX 8

/* The same-name entries overlapping numbers $2..$3 (NULL: all). */
#define OVERLAPS                                                                                          \
    "SELECT g.id FROM gazetteer g WHERE g.name = $1"                                                      \
    "   AND ($2::int IS NULL OR g.num_from IS NULL OR (g.num_from <= $3::int AND $2::int <= g.num_to))"

/* The overlapping entries, described for a person: street, numbers, source. */
static const char SQL_OVERLAPS[] =
    "SELECT r.name || ' (' || g.street_code || ') ' || coalesce(g.num_from || '-' || g.num_to, 'all numbers')"
    "       || CASE WHEN g.source = 'shipped' THEN ', shipped' ELSE '' END"
    "  FROM gazetteer g JOIN regions r ON r.code = g.street_code WHERE g.id IN (" OVERLAPS ") ORDER BY g.id";

/* $1 name, $2/$3 numbers, $4 kind, $5 street code or name, $6 community, $7 actor, $8 replace. */
static const char SQL_ADD[] =
    "WITH street AS ("
    "  SELECT code FROM regions WHERE level = 'street' AND (code = $5 OR name = $5) ORDER BY code = $5 DESC LIMIT 1"
    "), gone AS ("
    "  DELETE FROM gazetteer WHERE $8::bool AND id IN (" OVERLAPS ") RETURNING id"
    "), added AS ("
    "  INSERT INTO gazetteer (name, kind, street_code, community_code, num_from, num_to, source)"
    "  SELECT $1, $4, s.code, $6, $2::int, $3::int, 'operator' FROM street s"
    "   WHERE $6::text IS NULL OR EXISTS (SELECT 1 FROM regions c WHERE c.code = $6 AND c.parent_code = s.code)"
    "  RETURNING id, street_code"
    "), ev AS ("
    "  INSERT INTO admin_events (actor, action, subject, detail)"
    "  SELECT $7, 'gazetteer.add', $1, jsonb_build_object('street', street_code, 'from', $2::int, 'to', $3::int,"
    "         'replaced', (SELECT count(*) FROM gone)) FROM added"
    ") SELECT (SELECT count(*) FROM added), (SELECT count(*) FROM gone)";

/* $1 name, $2/$3 numbers, $4 actor. */
static const char SQL_REMOVE[] =
    "WITH gone AS (DELETE FROM gazetteer WHERE id IN (" OVERLAPS ") RETURNING id), ev AS ("
    "  INSERT INTO admin_events (actor, action, subject, detail)"
    "  SELECT $4, 'gazetteer.remove', $1, jsonb_build_object('removed', count(*)) FROM gone HAVING count(*) > 0"
    ") SELECT 1, (SELECT count(*) FROM gone)";

static void reply_done(service *s, const bus_request *req, const char *msg)
{
    Jiesu__Done done = JIESU__DONE__INIT;
    done.message = (char *)msg;
    bus_server_reply(s->server, req, "done", &done.base);
}

/* "a; b; c" of the overlapping entries into out; their number. */
static int describe_overlaps(PGconn *pg, const char *const *params, char *out, size_t cap)
{
    PGresult *res = db_query(pg, "gazetteer overlaps", SQL_OVERLAPS, 3, params);
    size_t len = 0;
    int n = res ? PQntuples(res) : 0;
    out[0] = '\0';
    for (int i = 0; i < n && i < LIST_MAX && len < cap; i++)
        len += (size_t)snprintf(out + len, cap - len, "%s%s", i ? "; " : "", PQgetvalue(res, i, 0));
    PQclear(res);
    return n;
}

/* Runs add or remove; answers the client. */
static void change(service *s, const bus_request *req, const Jiesu__GazetteerRequest *rq, const char *const *params,
                   int add)
{
    char overlaps[1024], msg[1400];
    if (add && !rq->replace && describe_overlaps(s->pg, params, overlaps, sizeof overlaps) > 0) {
        bus_server_reply_error(s->server, req, ERR_REFUSED,
                               "these entries cover the same numbers: %s. Routing could not tell them apart: "
                               "give --replace to replace them, or other --numbers", overlaps);
        return;
    }
    const char *remove_params[] = {params[0], params[1], params[2], params[6]};
    PGresult *res = add ? db_query(s->pg, "gazetteer add", SQL_ADD, 8, params)
                        : db_query(s->pg, "gazetteer remove", SQL_REMOVE, 4, remove_params);
    long done = res && PQntuples(res) == 1 ? atol(PQgetvalue(res, 0, 0)) : -1;
    long gone = res && PQntuples(res) == 1 ? atol(PQgetvalue(res, 0, 1)) : 0;
    PQclear(res);
    if (done < 0)
        bus_server_reply_error(s->server, req, SVC_ERR_INTERNAL, "database error (see the assignment log)");
    else if (add && done == 0)
        bus_server_reply_error(s->server, req, ERR_REFUSED, "'%s' is not a loaded street office%s%s%s (`jiesu units"
                               " 街道` lists them)", rq->street, *rq->community ? ", or community " : "",
                               rq->community, *rq->community ? " does not belong to it" : "");
    else if (!add && gone == 0)
        bus_server_reply_error(s->server, req, ERR_REFUSED, "no gazetteer entry %s%s", rq->name,
                               rq->has_numbers ? " covering those numbers" : "");
    else {
        if (add)
            snprintf(msg, sizeof msg, "gazetteer: %s %s → %s added%s", rq->kind, rq->name, rq->street,
                     gone ? " (entries it overlapped replaced)" : "");
        else
            snprintf(msg, sizeof msg, "gazetteer: %ld entr%s of %s removed", gone, gone == 1 ? "y" : "ies", rq->name);
        log_info("%s", msg);
        reply_done(s, req, msg);
    }
}

void route_gazetteer_request(service *s, const bus_request *req, const auth_principal *who)
{
    char from[16], to[16];
    Jiesu__GazetteerRequest *rq = BUS_UNPACK(gazetteer_request, req->env);
    int add = rq && strcmp(rq->op, "add") == 0;
    if (!rq || !*rq->name || (!add && strcmp(rq->op, "remove") != 0) || (add && !*rq->street) ||
        (rq->has_numbers && (rq->num_from < 0 || rq->num_from > rq->num_to))) {
        bus_server_reply_error(s->server, req, SVC_ERR_BAD_REQUEST,
                               "gazetteer: add NAME STREET or remove NAME, with FROM <= TO numbers");
        goto cleanup;
    }
    if (svc_ensure_pg(s) < 0) {
        bus_server_reply_error(s->server, req, SVC_ERR_INTERNAL, "database unavailable; try again");
        goto cleanup;
    }
    snprintf(from, sizeof from, "%d", rq->num_from);
    snprintf(to, sizeof to, "%d", rq->num_to);
    const char *params[] = {rq->name, rq->has_numbers ? from : NULL, rq->has_numbers ? to : NULL,
                            add ? (strcmp(rq->kind, "landmark") == 0 ? "landmark" : "road") : NULL,
                            add ? rq->street : NULL, add && *rq->community ? rq->community : NULL, who->name,
                            rq->replace ? "true" : "false"};
    change(s, req, rq, params, add);
cleanup:
    if (rq)
        jiesu__gazetteer_request__free_unpacked(rq, NULL);
}

/* ---- the list ---- */

static const view_section GAZETTEER[] = {
    {"gazetteer", "llllll", NULL, 0,
     "SELECT g.name, g.kind, r.name || ' (' || g.street_code || ')' AS street,"
     "       coalesce(c.name, '') AS community, coalesce(g.num_from || '-' || g.num_to, 'all') AS numbers, g.source"
     "  FROM gazetteer g JOIN regions r ON r.code = g.street_code LEFT JOIN regions c ON c.code = g.community_code"
     " WHERE $1::int IS NOT NULL AND ($2::text IS NULL OR g.name LIKE '%' || $2 || '%' OR r.name LIKE '%' || $2 || '%')"
     " ORDER BY g.name, g.num_from NULLS FIRST"},
    {NULL},
};

const view_def ROUTE_VIEWS[] = {
    {"gazetteer", AUTH_ADMIN | AUTH_DISPATCHER, 0, 1, "gazetteer list [TEXT]", GAZETTEER, NULL, NULL},
    {NULL},
};
