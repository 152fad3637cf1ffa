/* intake_services.c — Open311 services from the categories table (see intake_services.h). */
#include "intake_services.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

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
};

intake_services *intake_services_load(PGconn *pg, char *err, size_t errlen)
{
    intake_services *self = calloc(1, sizeof *self);
    char why[512] = "out of memory";
    if (!self || !(self->rows = db_query(pg, "open311 services", SQL_SERVICES, 0, NULL, why, sizeof why))) {
        snprintf(err, errlen, "the categories could not be read: %s", why);
        intake_services_destroy(&self);
        return NULL;
    }
    return self;
}

void intake_services_write(const intake_services *self, georeport *w)
{
    for (int i = 0; i < PQntuples(self->rows); i++) {
        georeport_item(w);
        georeport_text(w, "service_code", PQgetvalue(self->rows, i, COL_CODE));
        georeport_text(w, "service_name", PQgetvalue(self->rows, i, COL_NAME));
        georeport_text(w, "description", PQgetvalue(self->rows, i, COL_CATEGORY));
        georeport_literal(w, "metadata", "false");
        georeport_text(w, "type", "realtime");
        georeport_text(w, "keywords", "");
        georeport_text(w, "group", PQgetvalue(self->rows, i, COL_GROUP));
    }
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
    free(*pself);
    *pself = NULL;
}
