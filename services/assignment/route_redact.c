/* route_redact.c — redacting letters split before routing did (see route_redact.h).
 *
 * Walks the conduct parts by the letter they came from (keyset pages of
 * `batch` over the index complaints_conduct_part), and writes each page's
 * letters in one statement, a letter only while its text is still the
 * whole letter, so two services starting together, or routing splitting it
 * again meanwhile, change nothing twice.
 */
#include "route_redact.h"

#include <stdio.h>
#include <stdlib.h>

#include "db.h"
#include "sqlarr.h"

static const char SQL_WHOLE[] =
    "SELECT j.link_id, j.content FROM complaints j JOIN complaints c ON c.id = j.link_id"
    " WHERE j.link_id > $1::bigint AND c.content = j.content ORDER BY j.link_id LIMIT $2::int";

/* $1 the letters, $2 their redacted text, $3 their whole text. */
static const char SQL_REDACT[] =
    "UPDATE complaints c SET content = u.shown FROM unnest($1::bigint[], $2::text[], $3::text[]) AS u(id, shown, whole)"
    " WHERE c.id = u.id AND c.content = u.whole AND u.shown <> u.whole";

enum { A_ID, A_SHOWN, A_WHOLE, NARR };

/* Adds letter r of page res, redacted, to the arrays. 0 or -1 (out of memory). */
static int add_letter(sqlarr *arr, const route_conduct *words, PGresult *res, int r)
{
    const char *whole = PQgetvalue(res, r, 1);
    char *shown = route_conduct_redact(words, whole, ROUTE_CONDUCT_NOTE);
    int rc = shown && sqlarr_add(&arr[A_ID], PQgetvalue(res, r, 0)) == 0 &&
                     sqlarr_add_text(&arr[A_SHOWN], shown) == 0 && sqlarr_add_text(&arr[A_WHOLE], whole) == 0
                 ? 0
                 : -1;
    free(shown);
    return rc;
}

/* Redacts the letters of page res in one statement. The number changed, or -1 with err. */
static long redact_page(PGconn *pg, const route_conduct *words, PGresult *res, sqlarr *arr, char *err, size_t errlen)
{
    long changed = 0;
    const char *params[NARR];
    for (int a = 0; a < NARR; a++)
        sqlarr_reset(&arr[a]);
    for (int r = 0; r < PQntuples(res); r++)
        if (add_letter(arr, words, res, r) != 0) {
            snprintf(err, errlen, "redacting split letters: out of memory");
            return -1;
        }
    for (int a = 0; a < NARR; a++)
        if (!(params[a] = sqlarr_text(&arr[a]))) {
            snprintf(err, errlen, "redacting split letters: out of memory");
            return -1;
        }
    return db_command(pg, "redact split letters", SQL_REDACT, NARR, params, &changed, err, errlen) == 0 ? changed : -1;
}

long route_redact_split(PGconn *pg, const route_conduct *words, size_t batch, char *err, size_t errlen)
{
    char after[32] = "0", limit[32];
    sqlarr arr[NARR] = {{0}};
    long done = 0;
    int n;
    snprintf(limit, sizeof limit, "%zu", batch ? batch : 1);
    do {
        const char *params[] = {after, limit};
        PGresult *res = db_query(pg, "find split letters kept whole", SQL_WHOLE, 2, params, err, errlen);
        n = res ? PQntuples(res) : 0;
        long changed = !res ? -1 : n ? redact_page(pg, words, res, arr, err, errlen) : 0;
        if (n)
            snprintf(after, sizeof after, "%s", PQgetvalue(res, n - 1, 0));
        PQclear(res);
        done = changed < 0 ? -1 : done + changed;
    } while (done >= 0 && (size_t)n >= (batch ? batch : 1));
    for (int a = 0; a < NARR; a++)
        sqlarr_free(&arr[a]);
    return done;
}
