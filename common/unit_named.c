/* unit_named.c — the one unit a person names (see unit_named.h).
 *
 * One statement finds every unit the text may mean: its code, its name as
 * shown, or a street office's street name (regions keep the street's own
 * name, 市中街道, where the unit may carry its district). A code found
 * is the unit whatever else matches; otherwise more than one match is a
 * name shared, refused.
 */
#include "unit_named.h"

#include <stdio.h>
#include <string.h>

#include "db.h"

#define SHARED_LISTED 8     /* units named in a refusal, at most */

/* $1 the text: the units it names, the one of that code alone when there is one. */
static const char SQL_NAMED[] =
    "WITH named AS ("
    "  SELECT u.id, u.code, u.name, u.kind FROM units u"
    "    LEFT JOIN regions r ON r.code = u.region_code AND u.kind = 'street'"
    "   WHERE u.code = $1 OR u.name = translate($1, '()', '（）') OR r.name = $1)"
    "SELECT id, code, name, kind FROM named"
    " WHERE code = $1 OR NOT EXISTS (SELECT 1 FROM named WHERE code = $1)"
    " ORDER BY code LIMIT " DB_NUM(SHARED_LISTED);
enum { N_ID, N_CODE, N_NAME, N_KIND };

/* The refusal of a name the rows of res share. */
static void say_shared(PGresult *res, const char *text, char *err, size_t errlen)
{
    int n = PQntuples(res);
    size_t len = (size_t)snprintf(err, errlen, "%s %d 个单位叫“%s”：", n == SHARED_LISTED ? "至少有" : "有", n, text);
    for (int r = 0; r < n && len < errlen; r++)
        len += (size_t)snprintf(err + len, errlen - len, "%s%s", r ? "、" : "", PQgetvalue(res, r, N_NAME));
    if (len < errlen)
        snprintf(err + len, errlen - len, "。写明是哪一个：写它的全称（如 %s），或写它的代码（`jiesu units %s` 列出）",
                 PQgetvalue(res, 0, N_NAME), text);
}

unit_named_found unit_named_find(PGconn *pg, const char *text, unit_named *out, char *err, size_t errlen)
{
    PGresult *res = db_query(pg, "unit named", SQL_NAMED, 1, &text, err, errlen);
    if (!res)
        return UNIT_NAMED_FAILED;
    int n = PQntuples(res);
    unit_named_found found = n == 0 ? UNIT_NAMED_NONE : n == 1 ? UNIT_NAMED_ONE : UNIT_NAMED_SHARED;
    if (found == UNIT_NAMED_SHARED)
        say_shared(res, text, err, errlen);
    else if (found == UNIT_NAMED_ONE) {
        snprintf(out->id, sizeof out->id, "%s", PQgetvalue(res, 0, N_ID));
        snprintf(out->code, sizeof out->code, "%s", PQgetvalue(res, 0, N_CODE));
        snprintf(out->name, sizeof out->name, "%s", PQgetvalue(res, 0, N_NAME));
        snprintf(out->kind, sizeof out->kind, "%s", PQgetvalue(res, 0, N_KIND));
    }
    PQclear(res);
    return found;
}
