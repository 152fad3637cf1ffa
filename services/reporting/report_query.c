/* report_query.c — the queries' common part (see report_query.h). */
#include "report_query.h"

#include <stdio.h>

#include "db.h"

static const char BOUNDS_SQL[] =
    "SELECT $1::date::timestamp AT TIME ZONE $3, $2::date::timestamp AT TIME ZONE $3,"
    "       least($2::date::timestamp AT TIME ZONE $3, now())";

int report_query_session(PGconn *pg, char *err, size_t errlen)
{
    return db_exec(pg, "SET jit = off; SET random_page_cost = 1.1; SET work_mem = '64MB'", err, errlen);  /* one round trip */
}

int report_query_start(PGconn *pg, const report_period *p, const char *tz, report_bounds *b, char *err,
                       size_t errlen)
{
    const char *params[3] = {p->from, p->to, tz};
    char why[512];
    PGresult *res = report_query_session(pg, why, sizeof why) < 0
                        ? NULL
                        : db_query(pg, "report bounds", BOUNDS_SQL, 3, params, why, sizeof why);
    if (!res) {
        snprintf(err, errlen, "the bounds of %s in time zone '%s': %s", p->label, tz, why);
        return -1;
    }
    snprintf(b->t0, sizeof b->t0, "%s", PQgetvalue(res, 0, 0));
    snprintf(b->t1, sizeof b->t1, "%s", PQgetvalue(res, 0, 1));
    snprintf(b->tn, sizeof b->tn, "%s", PQgetvalue(res, 0, 2));
    PQclear(res);
    return 0;
}

int report_snapshot_begin(PGconn *pg, char *err, size_t errlen)
{
    char why[512];
    if (PQtransactionStatus(pg) != PQTRANS_IDLE)
        return 0;
    if (db_exec(pg, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", why, sizeof why) < 0) {
        snprintf(err, errlen, "the report's snapshot: %s", why);
        return -1;
    }
    return 1;
}

void report_snapshot_end(PGconn *pg, int began)
{
    if (began == 1)
        db_rollback(pg);    /* it wrote nothing: ending it is all */
}

PGresult *report_query(PGconn *pg, const char *what, const report_period *p, const char *sql, int nparams,
                       const char *const *params, char *err, size_t errlen)
{
    char why[512];
    PGresult *res = db_query(pg, what, sql, nparams, params, why, sizeof why);
    if (!res)
        snprintf(err, errlen, "the %s query for %s failed: %s", what, p->label, why);
    return res;
}
