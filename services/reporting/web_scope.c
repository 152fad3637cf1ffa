/* web_scope.c — narrowing the reports to what a person may read (see web_scope.h). */
#include "web_scope.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "report_views.h"

/* The conduct complaints unit $1 holds: all, still open. */
static const char SQL_CONDUCT[] =
    "SELECT count(*), count(*) FILTER (WHERE c.status NOT IN ('resolved', 'closed'))"
    "  FROM complaints c"
    " WHERE c.id IN (SELECT a.complaint_id FROM assignments a WHERE a.unit_id = $1::int AND a.active)"
    "   AND complaint_for_discipline(c)";

int web_scope_for(const auth_principal *p, const char *configured, web_scope *out)
{
    memset(out, 0, sizeof *out);
    if (p->role == AUTH_SERVICE)
        return -1;
    int own_district = (p->role & AUTH_UNIT_ROLES) && *p->district;
    snprintf(out->districts, sizeof out->districts, "%s", own_district ? p->district : configured);
    out->role = p->role;
    out->reader_unit = p->unit_id;
    if (p->role == AUTH_HANDLER)
        snprintf(out->unit, sizeof out->unit, "%s", p->unit_code);
    if (p->role == AUTH_DISCIPLINE)
        out->unit_id = p->unit_id;
    return 0;
}

/* 1 when a row of unit code is in the scope. */
static int keeps(const web_scope *s, const char *code)
{
    return !*s->unit || strcmp(s->unit, code) == 0;
}

void web_scope_table(const web_scope *s, report_table *t)
{
    size_t kept = 0;
    for (size_t i = 0; t && i < t->n; i++)
        if (keeps(s, t->units[i].code))
            t->units[kept++] = t->units[i];
    if (t)
        t->n = kept;
}

void web_scope_bulletin(const web_scope *s, report_bulletin *b)
{
    if (!(s->role & REPORT_ORDER_READERS)) {
        b->orders_withheld = report_bulletin_orders_listed(b);
        b->orders_withheld_from = auth_role_title(s->role);
        b->n_orders = 0;
    }
    if (!*s->unit)
        return;
    web_scope_table(s, b->cur);
    web_scope_table(s, b->prev);
    size_t kept = 0;
    for (size_t i = 0; i < b->n_orders; i++)
        if (keeps(s, b->orders[i].unit_code))
            b->orders[kept++] = b->orders[i];
    b->n_orders = kept;
    kept = 0;
    for (size_t i = 0; i < b->n_holds; i++)
        if (keeps(s, b->holds[i].code))
            b->holds[kept++] = b->holds[i];
    b->n_holds = kept;
    b->n_categories = b->n_places = 0;
    b->hot_withheld = 1;
}

void web_scope_daily(const web_scope *s, report_daily *d)
{
    size_t kept = 0;
    for (size_t i = 0; i < d->n; i++)
        if (keeps(s, d->rows[i].code))
            d->rows[kept++] = d->rows[i];
    d->n = kept;
}

void web_scope_streets(const web_scope *s, Jiesu__ReportReply *r)
{
    if (!*s->unit)
        return;
    size_t kept = 0;
    for (size_t i = 0; i < r->n_streets; i++) {
        if (keeps(s, r->streets[i]->street_code))
            r->streets[kept++] = r->streets[i];
        else
            jiesu__street_summary__free_unpacked(r->streets[i], NULL);
    }
    r->n_streets = kept;
    r->manual = r->unrouted = 0;
    r->one_unit = 1;
}

int web_scope_conduct(PGconn *pg, const web_scope *s, long *total, long *open, char *err, size_t errlen)
{
    char unit[16];
    snprintf(unit, sizeof unit, "%d", s->unit_id);
    const char *params[] = {unit};
    PGresult *res = db_query(pg, "conduct complaints of a discipline unit", SQL_CONDUCT, 1, params, err,
                             errlen);
    if (!res)
        return -1;
    *total = atol(PQgetvalue(res, 0, 0));
    *open = atol(PQgetvalue(res, 0, 1));
    PQclear(res);
    return 0;
}
