/* route_target.c — what a dispatch gives an order (see route_target.h). */
#include "route_target.h"

#include <stdio.h>
#include <string.h>

#include "db.h"
#include "names.h"
#include "unit_named.h"


/* The kinds of unit that own orders. */
static int owns_orders(const char *kind)
{
    return strcmp(kind, "street") == 0 || strcmp(kind, "dept") == 0 || strcmp(kind, "discipline") == 0;
}

int route_target_unit(PGconn *pg, const route_action_req *req, target_unit *to, char *err, size_t errlen)
{
    unit_named u;
    unit_named_found found = unit_named_find(pg, req->target_unit, &u, err, errlen);
    if (found == UNIT_NAMED_NONE)
        snprintf(err, errlen, "没有代码或名称为“%s”的街道办事处、职能部门或纪委监委"
                 "（`jiesu units %s` 列出代码或名称含这几个字的单位，`jiesu units` 列出全部）", req->target_unit,
                 req->target_unit);
    if (found != UNIT_NAMED_ONE)
        return -1;
    if (!owns_orders(u.kind)) {
        snprintf(err, errlen, "%s（%s）是%s，不承办工单：请派给街道办事处、职能部门或纪委监委（`jiesu units` 列出全部单位）",
                 u.name, u.code, names_unit_kind(u.kind));
        return -1;
    }
    snprintf(to->code, sizeof to->code, "%s", u.code);
    snprintf(to->name, sizeof to->name, "%s", u.name);
    to->discipline = strcmp(u.kind, "discipline") == 0;
    return 0;
}

/* $1 the category as typed: the categories it names. */
static const char SQL_CATEGORY[] =
    "SELECT k.code, k.name FROM categories k WHERE " ROUTE_CATEGORY_NAMED("k", "$1") " ORDER BY k.code LIMIT 4";

int route_target_category(PGconn *pg, const route_action_req *req, target_unit *to, char *err, size_t errlen)
{
    const char *params[] = {req->category};
    PGresult *res = db_query(pg, "dispatch: the category", SQL_CATEGORY, 1, params, err, errlen);
    if (!res)
        return -1;
    int n = PQntuples(res);
    if (n == 1) {
        snprintf(to->category, sizeof to->category, "%s", PQgetvalue(res, 0, 0));
        snprintf(to->category_name, sizeof to->category_name, "%s", PQgetvalue(res, 0, 1));
    } else if (n == 0)
        snprintf(err, errlen, "没有名称或代码为“%s”的分类：请写分类的名称，如 垃圾清运、城乡建设/城乡规划/违章建筑（工单页面的“分类”可以选）",
                 req->category);
    else
        snprintf(err, errlen, "“%s”是%s、%s%s的名称的一部分：请写完整的分类名称", req->category, PQgetvalue(res, 0, 1),
                 PQgetvalue(res, 1, 1), n > 2 ? "等几个分类" : "两个分类");
    PQclear(res);
    return n == 1 ? 0 : -1;
}

/* $1 ticket, $2 category code: the order put in it, in the dispatch's
 * transaction, before its co-handler is found (it follows the category);
 * a row, with the category it had (code, name), only when it had another. */
static const char SQL_RECATEGORISE[] =
    "UPDATE complaints c SET category = $2 FROM (SELECT id, category FROM complaints WHERE ticket_no = $1) o"
    " WHERE c.id = o.id AND o.category IS DISTINCT FROM $2"
    " RETURNING coalesce(o.category, ''),"
    "           coalesce((SELECT k.name FROM categories k WHERE k.code = o.category), o.category, '')";

int route_target_recategorise(PGconn *pg, const route_action_req *req, target_unit *to, char *err, size_t errlen)
{
    const char *params[] = {req->ticket_no, to->category};
    PGresult *res = db_query(pg, "dispatch: recategorise", SQL_RECATEGORISE, 2, params, err, errlen);
    if (!res)
        return -1;
    if ((to->recategorised = PQntuples(res) == 1)) {
        snprintf(to->category_from, sizeof to->category_from, "%s", PQgetvalue(res, 0, 0));
        snprintf(to->category_from_name, sizeof to->category_from_name, "%s", PQgetvalue(res, 0, 1));
    }
    PQclear(res);
    return 0;
}

/* $1 ticket, $2 the unit a dispatch gives it to. The co-handler the order
 * has with that unit: when it is a street, the category's department in the
 * street's district, as routing names one (route_decide.c), unless the
 * complaint accuses that department; none for a department or discipline
 * inspection, nor for a category without a department (code, name: '').
 * Then the co-handlers the order has now that it keeps no longer, the new
 * unit itself aside (it owns the order now): a reassignment ends them
 * (RELEASE_OWNER_SQL), so one of another district, say, neither reads nor
 * acts on an order its district no longer has (a JSON array of codes and
 * their names, '' when none). */
static const char SQL_CO[] =
    "WITH o AS (SELECT c.id, c.category, c.accused_units FROM complaints c WHERE c.ticket_no = $1),"
    " co AS (SELECT co.code, co.name FROM o JOIN categories cat ON cat.code = o.category"
    "          JOIN units s ON s.code = $2 AND s.kind = 'street'"
    "          JOIN units co ON co.code = left(s.code, 6) || '.' || cat.dept_kind AND co.kind = 'dept'"
    "         WHERE NOT co.code = ANY (coalesce(o.accused_units, '{}'))),"
    " ended AS (SELECT u.code, u.name, a.id FROM o JOIN assignments a ON a.complaint_id = o.id AND a.active AND a.role = 'co'"
    "             JOIN units u ON u.id = a.unit_id"
    "            WHERE u.code <> $2 AND u.code IS DISTINCT FROM (SELECT code FROM co))"
    " SELECT coalesce((SELECT code FROM co), ''), coalesce((SELECT name FROM co), ''),"
    "        coalesce((SELECT jsonb_agg(code ORDER BY id)::text FROM ended), ''),"
    "        coalesce((SELECT string_agg(name, '、' ORDER BY id) FROM ended), '')";
enum { CO_CODE, CO_NAME, CO_ENDED, CO_ENDED_NAMES };

int route_target_co(PGconn *pg, const route_action_req *req, target_unit *to, char *err, size_t errlen)
{
    const char *params[] = {req->ticket_no, to->code};
    PGresult *res = db_query(pg, "dispatch: the co-handler", SQL_CO, 2, params, err, errlen);
    if (!res)
        return -1;
    snprintf(to->co, sizeof to->co, "%s", PQgetvalue(res, 0, CO_CODE));
    snprintf(to->co_name, sizeof to->co_name, "%s", PQgetvalue(res, 0, CO_NAME));
    int fits = snprintf(to->ended, sizeof to->ended, "%s", PQgetvalue(res, 0, CO_ENDED)) < (int)sizeof to->ended;
    snprintf(to->ended_names, sizeof to->ended_names, "%s", PQgetvalue(res, 0, CO_ENDED_NAMES));
    PQclear(res);
    if (!fits)      /* cut, the list would be no JSON: one co-handler an order has, by routing and dispatch */
        snprintf(err, errlen, "dispatch: the order has more co-handlers than a reassignment can end at once (%s)",
                 req->ticket_no);
    return fits ? 0 : -1;
}

