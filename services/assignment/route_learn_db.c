/* route_learn_db.c — settled orders in, models out (see route_learn_db.h). */
#include "route_learn_db.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "route_conduct.h"
#include "route_say.h"

/* The settled orders' text as the citizen wrote it, less the note a split
 * letter's problem part reads where its accusation was (the model would
 * learn the note's words as a category's). */
static const char SQL_SETTLED[] =
    "SELECT replace(content, '" ROUTE_CONDUCT_NOTE "', ' '), category FROM complaints"
    " WHERE status IN ('resolved', 'closed') AND category IS NOT NULL AND link_id IS NULL"
    "   AND category NOT IN (WITH RECURSIVE t AS (SELECT code FROM categories WHERE code = 'conduct'"
    "                        UNION ALL SELECT c.code FROM categories c JOIN t ON c.parent_code = t.code)"
    "                        SELECT code FROM t)"
    " ORDER BY called_at DESC LIMIT $1::int";
enum { S_CONTENT, S_CATEGORY };

/* The model and, in the same statement, the admin_events row naming who
 * trained it ($8): the source is a file's name as its sender gave it. */
static const char SQL_STORE[] =
    "WITH m AS (INSERT INTO models (source, texts, classes, macro_f1, accuracy, temperature, blob)"
    "           VALUES ($1, $2::int, $3::text[], $4::float8, $5::float8, $6::float8, $7::bytea) RETURNING version),"
    " e AS (INSERT INTO admin_events (actor, action, subject, detail)"
    "       SELECT $8, 'model.learn', 'v' || version,"
    "              jsonb_build_object('source', $1::text, 'texts', $2::int, 'macro_f1', $4::float8) FROM m)"
    " SELECT version FROM m";

/* Whether label is one of the examples ("a、b、c") already. */
static int listed(const char *examples, const char *label)
{
    static const char sep[] = "、";
    size_t n = strlen(label);
    for (const char *p = examples; *p;) {
        const char *end = strstr(p, sep);
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && memcmp(p, label, n) == 0)
            return 1;
        if (!end)
            break;
        p = end + strlen(sep);
    }
    return 0;
}

int route_learn_add_labelled(route_learn_set *set, const route_cat *cats, const char *text, const char *label,
                             route_learn_unknown *unknown)
{
    const route_category *c = route_cat_get(cats, route_cat_resolve(cats, label));
    if (c)
        return route_learn_set_add(set, text, c->code, c->name) < 0 ? -1 : 0;
    unknown->skipped++;
    if (unknown->shown < 4 && !listed(unknown->examples, label)
        && strlen(unknown->examples) + strlen(label) + 4 < sizeof unknown->examples) {
        unknown->shown++;
        size_t len = strlen(unknown->examples);
        route_say(unknown->examples, sizeof unknown->examples, &len, "%s%s", len ? "、" : "", label);
    }
    return 0;
}

long route_learn_db_settled(PGconn *pg, const route_cat *cats, route_learn_set *set, route_learn_unknown *unknown,
                            char *err, size_t errlen)
{
    char limit[24];
    snprintf(limit, sizeof limit, "%d", ROUTE_LEARN_DB_MAX);
    const char *params[] = {limit};
    PGresult *res = db_query(pg, "settled orders to learn from", SQL_SETTLED, 1, params, err, errlen);
    if (!res)
        return -1;
    long n = 0;
    for (int r = 0; r < PQntuples(res) && n >= 0; r++, n++)
        if (route_learn_add_labelled(set, cats, PQgetvalue(res, r, S_CONTENT), PQgetvalue(res, r, S_CATEGORY),
                                     unknown) != 0) {
            snprintf(err, errlen, "已办结的工单：第 %d 件时内存不足", r + 1);
            n = -2;
        }
    PQclear(res);
    return n < 0 ? -1 : n;
}

/* The model's class codes as an array literal {a,b} into a new string. */
static char *classes_literal(const route_model *model)
{
    size_t cap = 16;
    for (size_t c = 0; c < route_model_class_count(model); c++)
        cap += strlen(route_model_class(model, c)) + 3;
    char *s = malloc(cap);
    size_t len = 0;
    if (!s)
        return NULL;
    route_say(s, cap, &len, "{");
    for (size_t c = 0; c < route_model_class_count(model); c++)
        route_say(s, cap, &len, "%s\"%s\"", c ? "," : "", route_model_class(model, c));
    route_say(s, cap, &len, "}");
    return s;
}

int route_learn_db_store(PGconn *pg, const route_model *model, const route_learn_stats *st, const char *source,
                         const char *actor, char *err, size_t errlen)
{
    unsigned char *blob = NULL;
    size_t blob_len = 0, hex_len = 0;
    char texts[24], f1[32], acc[32], temp[32];
    char *classes = classes_literal(model);
    unsigned char *hex = NULL;
    int version = -1;
    if (!classes || route_model_blob(model, &blob, &blob_len) != 0 ||
        !(hex = PQescapeByteaConn(pg, blob, blob_len, &hex_len))) {
        snprintf(err, errlen, "模型：存 %zu 字节时内存不足", blob_len);
        goto done;
    }
    snprintf(texts, sizeof texts, "%zu", st->texts);
    snprintf(f1, sizeof f1, "%.6f", st->macro_f1);
    snprintf(acc, sizeof acc, "%.6f", st->accuracy);
    snprintf(temp, sizeof temp, "%.6f", st->temperature);
    const char *params[] = {source, texts, classes, f1, acc, temp, (const char *)hex, actor};
    char why[512] = "no version returned";
    PGresult *res = db_query(pg, "store the text model", SQL_STORE, 8, params, why, sizeof why);
    if (res && PQntuples(res) == 1)
        version = atoi(PQgetvalue(res, 0, 0));
    else
        snprintf(err, errlen, "模型存不进数据库：%s（执行过 `jiesu migrate` 吗？）", why);
    PQclear(res);
done:
    PQfreemem(hex);
    free(blob);
    free(classes);
    return version;
}
