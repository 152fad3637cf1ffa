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
#include "text.h"
#include "unit_named.h"

#define ERR_REFUSED 409
#define LIST_MAX 8
#define NAME_CHARS 50       /* a road's or a landmark's name at most */

/* The same-name entries overlapping numbers $2..$3 (NULL: all). */
#define OVERLAPS                                                                                          \
    "SELECT g.id FROM gazetteer g WHERE g.name = $1"                                                      \
    "   AND ($2::int IS NULL OR g.num_from IS NULL OR (g.num_from <= $3::int AND $2::int <= g.num_to))"

/* An entry g of street office so described for a person: the street office
 * (by its name, as add takes it), numbers, source. */
#define DESCRIBED                                                                                         \
    "so.name || ' ' || coalesce(g.num_from || '-' || g.num_to || ' 号', '全部门牌')"                          \
    " || CASE WHEN g.source = 'shipped' THEN '，内置' ELSE '' END"

/* The overlapping entries, described. */
static const char SQL_OVERLAPS[] =
    "SELECT " DESCRIBED
    "  FROM gazetteer g JOIN units so ON so.code = g.street_code WHERE g.id IN (" OVERLAPS ") ORDER BY g.id";

/* A shipped entry an operator takes out is kept aside, so that `jiesu
 * migrate` does not load it again and `restore` can: follows a CTE "gone"
 * (the deleted rows); actor is a parameter. */
#define WITHDRAW_GONE(actor)                                                                                   \
    "), kept AS ("                                                                                             \
    "  INSERT INTO gazetteer_withdrawn (name, kind, street_code, community_code, num_from, num_to, withdrawn_by)" \
    "  SELECT name, kind, street_code, community_code, num_from, num_to, " actor                               \
    "    FROM gone WHERE source = 'shipped'"                                                                   \
    "  ON CONFLICT (name, street_code, coalesce(num_from, -1)) DO NOTHING RETURNING 1"

/* $1 name, $2/$3 numbers, $4 kind, $5 street code (find_street), $6 community, $7 actor, $8 replace.
 * One row: entries added (0 or 1), entries replaced, shipped ones of them kept aside. */
static const char SQL_ADD[] =
    "WITH street AS ("
    "  SELECT code FROM regions WHERE level = 'street' AND code = $5"
    "), gone AS ("
    "  DELETE FROM gazetteer WHERE $8::bool AND id IN (" OVERLAPS ") RETURNING *"
    WITHDRAW_GONE("$7")
    "), added AS ("
    "  INSERT INTO gazetteer (name, kind, street_code, community_code, num_from, num_to, source)"
    "  SELECT $1, $4, s.code, $6, $2::int, $3::int, 'operator' FROM street s"
    "   WHERE $6::text IS NULL OR EXISTS (SELECT 1 FROM regions c WHERE c.code = $6 AND c.parent_code = s.code)"
    "  RETURNING id, street_code"
    "), ev AS ("
    "  INSERT INTO admin_events (actor, action, subject, detail)"
    "  SELECT $7, 'gazetteer.add', $1, jsonb_build_object('street', street_code, 'from', $2::int, 'to', $3::int,"
    "         'replaced', (SELECT count(*) FROM gone), 'kind', $4::text, 'community', $6::text) FROM added"
    ") SELECT (SELECT count(*) FROM added), (SELECT count(*) FROM gone), (SELECT count(*) FROM kept)";
/* The columns SQL_ADD, SQL_REMOVE and SQL_RESTORE answer with (SQL_RESTORE keeps none aside; SQL_REMOVE
 * alone says what it took out). */
enum { G_DONE, G_GONE, G_KEPT, G_WHAT };

/* $1 name, $2/$3 numbers, $4 actor. One row: 1, entries removed, shipped ones kept aside, the entries
 * removed described. The record holds each entry as it was, so that one added by mistake and
 * removed by mistake can be added again as it was. */
static const char SQL_REMOVE[] =
    "WITH gone AS (DELETE FROM gazetteer WHERE id IN (" OVERLAPS ") RETURNING *"
    WITHDRAW_GONE("$4")
    "), ev AS ("
    "  INSERT INTO admin_events (actor, action, subject, detail)"
    "  SELECT $4, 'gazetteer.remove', $1, jsonb_build_object('removed', count(*), 'entries',"
    "         jsonb_agg(jsonb_build_object('street', street_code, 'from', num_from, 'to', num_to, 'kind', kind,"
    "                                      'community', community_code, 'source', source) ORDER BY id))"
    "    FROM gone HAVING count(*) > 0"
    ") SELECT 1, (SELECT count(*) FROM gone), (SELECT count(*) FROM kept),"
    "  (SELECT string_agg(" DESCRIBED ", '; ' ORDER BY g.id) FROM gone g JOIN units so ON so.code = g.street_code)";

/* The shipped entries of $1 kept aside that cover numbers $2..$3 (NULL: all). */
#define WITHDRAWN                                                                                         \
    "w.name = $1 AND ($2::int IS NULL OR w.num_from IS NULL OR (w.num_from <= $3::int AND $2::int <= w.num_to))"

/* The entries in use that a restore of those would overlap, described as SQL_OVERLAPS does. */
static const char SQL_RESTORE_OVERLAPS[] =
    "SELECT DISTINCT " DESCRIBED
    "  FROM gazetteer_withdrawn w JOIN gazetteer g ON g.name = w.name"
    "   AND (g.num_from IS NULL OR w.num_from IS NULL OR (g.num_from <= w.num_to AND w.num_from <= g.num_to))"
    "  JOIN units so ON so.code = g.street_code WHERE " WITHDRAWN;

/* $1 name, $2/$3 numbers, $4 actor. One row: 1, entries restored. */
static const char SQL_RESTORE[] =
    "WITH back AS (DELETE FROM gazetteer_withdrawn w WHERE " WITHDRAWN " RETURNING *), put AS ("
    "  INSERT INTO gazetteer (name, kind, street_code, community_code, num_from, num_to, source)"
    "  SELECT name, kind, street_code, community_code, num_from, num_to, 'shipped' FROM back"
    "  ON CONFLICT (name, street_code, coalesce(num_from, -1)) DO NOTHING RETURNING 1"
    "), ev AS ("
    "  INSERT INTO admin_events (actor, action, subject, detail)"
    "  SELECT $4, 'gazetteer.restore', $1, jsonb_build_object('restored', count(*)) FROM put HAVING count(*) > 0"
    ") SELECT 1, (SELECT count(*) FROM put)";

static void reply_done(service *s, const bus_request *req, const char *msg)
{
    Jiesu__Done done = JIESU__DONE__INIT;
    done.message = (char *)msg;
    bus_server_reply(s->server, req, "done", &done.base);
}

/* "a; b; c" of the entries sql finds (params: name, numbers) into out; their
 * number, or -1 with the reason in out. */
static int describe(PGconn *pg, const char *sql, const char *const *params, char *out, size_t cap)
{
    PGresult *res = db_query(pg, "gazetteer overlaps", sql, 3, params, out, cap);
    if (!res)
        return -1;
    size_t len = 0;
    int n = PQntuples(res);
    out[0] = '\0';
    for (int i = 0; i < n && i < LIST_MAX && len < cap; i++)
        len += (size_t)snprintf(out + len, cap - len, "%s%s", i ? "; " : "", PQgetvalue(res, i, 0));
    PQclear(res);
    return n;
}

typedef enum { OP_ADD, OP_REMOVE, OP_RESTORE } gazetteer_op;

/* The answer to a change that was made: gone entries replaced, removed or
 * restored, kept of them shipped ones kept aside, replaced and removed their
 * description; street, an add's street office by name. */
static void done_message(const Jiesu__GazetteerRequest *rq, gazetteer_op op, const char *street, long gone,
                         long kept, const char *replaced, const char *removed, char *msg, size_t cap)
{
    int n;
    if (op == OP_ADD)
        n = snprintf(msg, cap, "地名表：已添加%s %s → %s%s%s", strcmp(rq->kind, "landmark") == 0 ? "地标" : "道路",
                     rq->name, street, gone ? "，替换了 " : "", gone ? replaced : "");
    else if (op == OP_REMOVE)
        n = snprintf(msg, cap, "地名表：已删去 %s 的 %ld 个条目：%s%s", rq->name, gone, removed,
                     gone > kept ? "（人工添加的条目删去后要再用，照原样 jiesu gazetteer add；"
                                   "jiesu audit 记着删去的每一条）" : "");
    else
        n = snprintf(msg, cap, "地名表：已恢复 %s 的 %ld 个内置条目", rq->name, gone);
    if (kept && n > 0 && (size_t)n < cap)
        snprintf(msg + n, cap - (size_t)n, "（其中 %ld 个是内置的：`jiesu migrate` 不再载入；"
                 "`jiesu gazetteer restore %s` 可以恢复）", kept, rq->name);
}

/* Refuses an add (unless replace) or a restore that would overlap entries in
 * use, naming them; for an add with replace, out names those it replaces.
 * 0 to go on, -1 answered. */
static int check_overlaps(service *s, const bus_request *req, const Jiesu__GazetteerRequest *rq, gazetteer_op op,
                          const char *const *params, char *out, size_t cap)
{
    out[0] = '\0';
    if (op == OP_REMOVE)
        return 0;
    int n = describe(s->pg, op == OP_ADD ? SQL_OVERLAPS : SQL_RESTORE_OVERLAPS, params, out, cap);
    if (n == 0 || (n > 0 && op == OP_ADD && rq->replace))
        return 0;
    if (n < 0)
        svc_reply_failed(s, req, SVC_ERR_INTERNAL, out);
    else if (op == OP_ADD)
        bus_server_reply_error(s->server, req, ERR_REFUSED,
                               "这些条目覆盖了同样的门牌号：%s。自动派单分不清它们：用 --replace 替换它们，"
                               "或换一段 --numbers", out);
    else
        bus_server_reply_error(s->server, req, ERR_REFUSED,
                               "这些在用的条目覆盖了同样的门牌号：%s。自动派单分不清它们：先执行 "
                               "`jiesu gazetteer remove %s --numbers 起-止`", out, rq->name);
    return -1;
}

/* The street office an add names (unit_named.h) into *street. 0, or -1
 * answered: a name two street offices share, or no street office's. */
static int find_street(service *s, const bus_request *req, const Jiesu__GazetteerRequest *rq, unit_named *street)
{
    char err[1024];
    unit_named_found found = unit_named_find(s->pg, rq->street, street, err, sizeof err);
    int ok = found == UNIT_NAMED_ONE && strcmp(street->kind, "street") == 0;
    if (found == UNIT_NAMED_FAILED)
        svc_reply_failed(s, req, SVC_ERR_INTERNAL, err);
    else if (found == UNIT_NAMED_SHARED)
        bus_server_reply_error(s->server, req, ERR_REFUSED, "%s", err);
    else if (!ok)
        bus_server_reply_error(s->server, req, ERR_REFUSED, "“%s”不是已载入的街道办事处（`jiesu units 街道` 列出全部）",
                               rq->street);
    return ok ? 0 : -1;
}

/* The communities and villages $1 names by code anywhere, or in street $2
 * by name: whole (中韩社区居民委员会), short (中韩, 张村) or short with 社区
 * (中韩社区), as people say them; those of the street first. */
static const char SQL_COMMUNITY[] =
    "SELECT c.code, c.name, c.parent_code = $2, coalesce(u.name, s.name, c.parent_code)"
    "  FROM regions c LEFT JOIN regions s ON s.code = c.parent_code LEFT JOIN units u ON u.code = c.parent_code"
    " WHERE c.level = 'community' AND (c.code = $1 OR (c.parent_code = $2"
    "       AND (c.name = $1 OR c.short_name = $1 OR c.short_name || '社区' = $1)))"
    " ORDER BY c.parent_code = $2 DESC, c.code LIMIT 2";
enum { CM_CODE, CM_NAME, CM_HERE, CM_STREET };

/* The code of the community or village an add names with --community, in
 * its street office's street, into code. 0, or -1 answered: one of another
 * street, two of that name, or none. */
static int find_community(service *s, const bus_request *req, const Jiesu__GazetteerRequest *rq,
                          const unit_named *street, char code[64])
{
    char err[512];
    const char *params[] = {rq->community, street->code};
    if (text_check(rq->community, NAME_CHARS, "社区", err, sizeof err) < 0) {
        bus_server_reply_error(s->server, req, ERR_REFUSED, "%s", err);
        return -1;
    }
    PGresult *res = db_query(s->pg, "gazetteer community", SQL_COMMUNITY, 2, params, err, sizeof err);
    if (!res) {
        svc_reply_failed(s, req, SVC_ERR_INTERNAL, err);
        return -1;
    }
    int n = PQntuples(res), here = n > 0 && *PQgetvalue(res, 0, CM_HERE) == 't';
    if (here && n == 1)
        snprintf(code, 64, "%s", PQgetvalue(res, 0, CM_CODE));
    else if (here)
        bus_server_reply_error(s->server, req, ERR_REFUSED, "%s下辖的社区和村中有不止一个叫“%s”：%s %s、%s %s；"
                               "用 --community 写它的代码", street->name, rq->community, PQgetvalue(res, 0, CM_NAME),
                               PQgetvalue(res, 0, CM_CODE), PQgetvalue(res, 1, CM_NAME), PQgetvalue(res, 1, CM_CODE));
    else if (n > 0)
        bus_server_reply_error(s->server, req, ERR_REFUSED, "%s %s 属于%s，不属于%s（`jiesu units %s` 列出%s下辖的社区和村）",
                               rq->community, PQgetvalue(res, 0, CM_NAME), PQgetvalue(res, 0, CM_STREET), street->name,
                               street->name, street->name);
    else
        bus_server_reply_error(s->server, req, ERR_REFUSED, "%s下辖的社区和村中没有代码或名称为“%s”的（`jiesu units %s` "
                               "列出它们的代码和名称）", street->name, rq->community, street->name);
    PQclear(res);
    return here && n == 1 ? 0 : -1;
}

/* Runs add, remove or restore; answers the client. street: an add's street office. */
static void change(service *s, const bus_request *req, const Jiesu__GazetteerRequest *rq, const char *const *params,
                   gazetteer_op op, const unit_named *street)
{
    char overlaps[1024], removed[1024] = "", msg[2800], err[512] = "no row returned";
    if (check_overlaps(s, req, rq, op, params, overlaps, sizeof overlaps) < 0)
        return;
    const char *short_params[] = {params[0], params[1], params[2], params[6]};
    PGresult *res = op == OP_ADD ? db_query(s->pg, "gazetteer add", SQL_ADD, 8, params, err, sizeof err)
                    : op == OP_REMOVE
                        ? db_query(s->pg, "gazetteer remove", SQL_REMOVE, 4, short_params, err, sizeof err)
                        : db_query(s->pg, "gazetteer restore", SQL_RESTORE, 4, short_params, err, sizeof err);
    long done = res && PQntuples(res) == 1 ? atol(PQgetvalue(res, 0, G_DONE)) : -1;
    long gone = res && PQntuples(res) == 1 ? atol(PQgetvalue(res, 0, G_GONE)) : 0;
    long kept = res && PQntuples(res) == 1 && PQnfields(res) > G_KEPT ? atol(PQgetvalue(res, 0, G_KEPT)) : 0;
    if (res && PQntuples(res) == 1 && PQnfields(res) > G_WHAT)
        text_utf8_cut(strncpy(removed, PQgetvalue(res, 0, G_WHAT), sizeof removed - 1));   /* many: cut whole */
    PQclear(res);
    if (done < 0)
        svc_reply_failed(s, req, SVC_ERR_INTERNAL, err);
    else if (op == OP_ADD && done == 0)
        bus_server_reply_error(s->server, req, ERR_REFUSED, "社区 %s 不属于%s（`jiesu units %s` 列出它下辖的社区和村）",
                               rq->community, street->name, street->name);
    else if (op != OP_ADD && gone == 0)
        bus_server_reply_error(s->server, req, ERR_REFUSED, "%s没有%s地名条目 %s（`jiesu gazetteer list %s` 列出它的条目）",
                               op == OP_RESTORE ? "" : rq->has_numbers ? "在这段门牌号上" : "",
                               op == OP_RESTORE ? "被删去或替换的内置" : "", rq->name, rq->name);
    else {
        done_message(rq, op, street->name, gone, kept, overlaps, removed, msg, sizeof msg);
        log_info("%s", msg);
        reply_done(s, req, msg);
    }
}

void route_gazetteer_request(service *s, const bus_request *req, const auth_principal *who)
{
    char from[16], to[16], err[512];
    Jiesu__GazetteerRequest *rq = BUS_UNPACK(gazetteer_request, req->env);
    int add = rq && strcmp(rq->op, "add") == 0;
    gazetteer_op op = add ? OP_ADD : rq && strcmp(rq->op, "remove") == 0 ? OP_REMOVE : OP_RESTORE;
    if (!rq || !*rq->name || (op == OP_RESTORE && strcmp(rq->op, "restore") != 0) || (add && !*rq->street) ||
        (rq->has_numbers && (rq->num_from < 0 || rq->num_from > rq->num_to))) {
        bus_server_reply_error(s->server, req, SVC_ERR_BAD_REQUEST,
                               "add NAME STREET, remove NAME or restore NAME, with FROM <= TO numbers");
        goto cleanup;
    }
    if (text_check(rq->name, NAME_CHARS, "地名", err, sizeof err) < 0) {
        bus_server_reply_error(s->server, req, SVC_ERR_BAD_REQUEST, "%s", err);
        goto cleanup;
    }
    if (svc_ensure_pg(s, err, sizeof err) < 0) {
        svc_reply_failed(s, req, SVC_ERR_INTERNAL, err);
        goto cleanup;
    }
    unit_named street = {.name = ""};
    char community[64] = "";
    if (add && (find_street(s, req, rq, &street) < 0 || (*rq->community &&
                                                         find_community(s, req, rq, &street, community) < 0)))
        goto cleanup;
    snprintf(from, sizeof from, "%d", rq->num_from);
    snprintf(to, sizeof to, "%d", rq->num_to);
    const char *params[] = {rq->name, rq->has_numbers ? from : NULL, rq->has_numbers ? to : NULL,
                            add ? (strcmp(rq->kind, "landmark") == 0 ? "landmark" : "road") : NULL,
                            add ? street.code : NULL, *community ? community : NULL, who->name,
                            rq->replace ? "true" : "false"};
    change(s, req, rq, params, op, &street);
cleanup:
    if (rq)
        jiesu__gazetteer_request__free_unpacked(rq, NULL);
}

/* ---- the list ---- */

static const view_section GAZETTEER[] = {
    {"地名表", "llllll", NULL, 0,
     "SELECT name AS 名称, CASE kind WHEN 'landmark' THEN '地标' ELSE '道路' END AS 类型, street AS 街道,"
     "       community AS 社区, numbers AS 门牌号, source AS 来源 FROM ("
     "  SELECT g.name, g.kind, so.name AS street, coalesce(c.name, '') AS community,"
     "         coalesce(g.num_from || '-' || g.num_to, '全部') AS numbers,"
     "         CASE g.source WHEN 'shipped' THEN '内置' ELSE '人工添加' END AS source, g.num_from"
     "    FROM gazetteer g JOIN units so ON so.code = g.street_code LEFT JOIN regions c ON c.code = g.community_code"
     "  UNION ALL"
     "  SELECT w.name, w.kind, so.name, coalesce(c.name, ''),"
     "         coalesce(w.num_from || '-' || w.num_to, '全部'), '内置，已被 ' || w.withdrawn_by"
     "         || ' 删去（restore 可以恢复）', w.num_from"
     "    FROM gazetteer_withdrawn w JOIN units so ON so.code = w.street_code"
     "    LEFT JOIN regions c ON c.code = w.community_code"
     " ) e WHERE $1::int IS NOT NULL AND ($2::text IS NULL OR name LIKE '%' || $2 || '%' OR street LIKE '%' || $2 || '%')"
     " ORDER BY name, num_from NULLS FIRST"},
    {NULL},
};

const view_def ROUTE_VIEWS[] = {
    {"gazetteer", AUTH_ADMIN | AUTH_DISPATCHER, 0, 1, "gazetteer list [文字]", GAZETTEER, NULL, NULL},
    {NULL},
};
