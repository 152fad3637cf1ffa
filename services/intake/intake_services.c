/* intake_services.c — Open311 services from the categories table (see intake_services.h). */
#include "intake_services.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "intake_json.h"

/* The hotline category of category t: an alias the hotline uses, else the
 * category's name, which routing resolves too. */
#define HOTLINE_CATEGORY \
    "coalesce((SELECT min(a.hotline_name) FROM category_aliases a WHERE a.category_code = t.code), t.name)"

/* code, name, root name (the official class), hotline category. */
static const char SQL_SERVICES[] =
    "WITH RECURSIVE t AS ("
    "  SELECT code, name, parent_code, name AS root_name FROM categories WHERE parent_code IS NULL"
    "  UNION ALL"
    "  SELECT c.code, c.name, c.parent_code, t.root_name FROM categories c JOIN t ON c.parent_code = t.code"
    ") SELECT t.code, t.name, t.root_name, " HOTLINE_CATEGORY
    "    FROM t ORDER BY t.code";

/* The hotline category of service $1 (one indexed read, not the whole list). */
static const char SQL_SERVICE[] = "SELECT " HOTLINE_CATEGORY " FROM categories t WHERE t.code = $1";

enum { COL_CODE, COL_NAME, COL_GROUP, COL_CATEGORY };

struct intake_services {
    PGresult *rows;     /* SQL_SERVICES' result */
    char     *json;
};

/* Appends column col of row i as a JSON string. */
static void json_value(const intake_services *self, int i, int col, char *dst, size_t cap, size_t *n)
{
    intake_json_string(dst, cap, n, PQgetvalue(self->rows, i, col), (size_t)PQgetlength(self->rows, i, col));
}

/* Writes the services list as Open311 JSON; returns the length it needs. */
static size_t render(const intake_services *self, char *dst, size_t cap)
{
    size_t n = 0;
    intake_json_char(dst, cap, &n, '[');
    for (int i = 0; i < PQntuples(self->rows); i++) {
        intake_json_raw(dst, cap, &n, i ? ",{\"service_code\":" : "{\"service_code\":");
        json_value(self, i, COL_CODE, dst, cap, &n);
        intake_json_raw(dst, cap, &n, ",\"service_name\":");
        json_value(self, i, COL_NAME, dst, cap, &n);
        intake_json_raw(dst, cap, &n, ",\"description\":");
        json_value(self, i, COL_CATEGORY, dst, cap, &n);
        intake_json_raw(dst, cap, &n, ",\"metadata\":false,\"type\":\"realtime\",\"keywords\":\"\",\"group\":");
        json_value(self, i, COL_GROUP, dst, cap, &n);
        intake_json_char(dst, cap, &n, '}');
    }
    intake_json_char(dst, cap, &n, ']');
    intake_json_end(dst, cap, n);
    return n;
}

intake_services *intake_services_load(PGconn *pg, char *err, size_t errlen)
{
    intake_services *self = calloc(1, sizeof *self);
    char why[512] = "out of memory";
    if (!self || !(self->rows = db_query(pg, "open311 services", SQL_SERVICES, 0, NULL, why, sizeof why))) {
        snprintf(err, errlen, "the categories could not be read: %s", why);
        intake_services_destroy(&self);
        return NULL;
    }
    size_t len = render(self, NULL, 0);
    if (!(self->json = malloc(len + 1))) {
        snprintf(err, errlen, "out of memory");
        intake_services_destroy(&self);
        return NULL;
    }
    render(self, self->json, len + 1);
    return self;
}

const char *intake_services_json(const intake_services *self)
{
    return self->json;
}

int intake_services_category(PGconn *pg, const char *code, char *category, size_t cap, char *err, size_t errlen)
{
    PGresult *res = db_query_prepared(pg, "open311_service", SQL_SERVICE, 1, &code, err, errlen);
    int found = !res ? -1 : PQntuples(res) == 1;
    if (found == 1)
        snprintf(category, cap, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    return found;
}

size_t intake_services_count(const intake_services *self)
{
    return (size_t)PQntuples(self->rows);
}

void intake_services_destroy(intake_services **pself)
{
    if (!pself || !*pself)
        return;
    PQclear((*pself)->rows);
    free((*pself)->json);
    free(*pself);
    *pself = NULL;
}
