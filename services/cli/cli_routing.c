/* cli_routing.c — the routing data files into PostgreSQL (see cli_routing.h).
 *
 * One table of steps: each names its file, the temporary table COPY fills and
 * the upserts that move the rows on. Upserts skip rows that did not change,
 * so the row counts they return are what really changed; the totals shown
 * to the operator come from one query over the final tables.
 */
#include "cli_routing.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "text.h"

#define MAX_UPSERTS 2
#define CHUNK 65536

typedef struct {
    const char *file;
    const char *temp;                     /* CREATE TEMP TABLE ... ON COMMIT DROP */
    const char *copy;                     /* COPY <temp> FROM STDIN (FORMAT csv, HEADER true) */
    const char *upsert[MAX_UPSERTS];      /* NULL when fewer */
} routing_step;

static const routing_step STEPS[] = {
    {"dept_kinds.csv",
     "CREATE TEMP TABLE load_dept_kinds (code text, name text) ON COMMIT DROP",
     "COPY load_dept_kinds FROM STDIN (FORMAT csv, HEADER true)",
     {"INSERT INTO dept_kinds (code, name) SELECT code, name FROM load_dept_kinds"
      " ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name WHERE dept_kinds.name <> EXCLUDED.name",
      "INSERT INTO units (code, name, kind, region_code, dept_kind)"
      " SELECT r.code || '.' || k.code, r.name || k.name, 'dept', r.code, k.code"
      "   FROM regions r CROSS JOIN dept_kinds k WHERE r.level = 'district'"
      " ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind,"
      "   region_code = EXCLUDED.region_code, dept_kind = EXCLUDED.dept_kind"
      " WHERE (units.name, units.kind, units.region_code, units.dept_kind)"
      "   IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.kind, EXCLUDED.region_code, EXCLUDED.dept_kind)"}},
    {"../categories/categories.csv",     /* the one category tree: intake's Open311 services list it too */
     "CREATE TEMP TABLE load_categories (code text, parent text, name text, dept_kind text,"
     " accept_minutes integer, resolve_days numeric, terms text) ON COMMIT DROP",
     "COPY load_categories FROM STDIN (FORMAT csv, HEADER true)",
     {"INSERT INTO categories (code, parent_code, name, dept_kind, accept_minutes, resolve_days, terms)"
      " SELECT code, nullif(parent, ''), name, nullif(dept_kind, ''), accept_minutes, resolve_days,"
      "        coalesce(string_to_array(nullif(terms, ''), '|'), '{}') FROM load_categories"
      " ON CONFLICT (code) DO UPDATE SET parent_code = EXCLUDED.parent_code, name = EXCLUDED.name,"
      "   dept_kind = EXCLUDED.dept_kind, accept_minutes = EXCLUDED.accept_minutes,"
      "   resolve_days = EXCLUDED.resolve_days, terms = EXCLUDED.terms"
      " WHERE (categories.parent_code, categories.name, categories.dept_kind, categories.accept_minutes,"
      "        categories.resolve_days, categories.terms)"
      "   IS DISTINCT FROM (EXCLUDED.parent_code, EXCLUDED.name, EXCLUDED.dept_kind, EXCLUDED.accept_minutes,"
      "        EXCLUDED.resolve_days, EXCLUDED.terms)"}},
    {"urgency_levels.csv",
     "CREATE TEMP TABLE load_urgency (name text, accept_factor numeric, resolve_factor numeric) ON COMMIT DROP",
     "COPY load_urgency FROM STDIN (FORMAT csv, HEADER true)",
     {"INSERT INTO urgency_levels (name, accept_factor, resolve_factor) SELECT * FROM load_urgency"
      " ON CONFLICT (name) DO UPDATE SET accept_factor = EXCLUDED.accept_factor,"
      "   resolve_factor = EXCLUDED.resolve_factor"
      " WHERE (urgency_levels.accept_factor, urgency_levels.resolve_factor)"
      "   IS DISTINCT FROM (EXCLUDED.accept_factor, EXCLUDED.resolve_factor)"}},
    {"category_aliases.csv",
     "CREATE TEMP TABLE load_aliases (hotline_name text, category_code text) ON COMMIT DROP",
     "COPY load_aliases FROM STDIN (FORMAT csv, HEADER true)",
     {"INSERT INTO category_aliases (hotline_name, category_code) SELECT * FROM load_aliases"
      " ON CONFLICT (hotline_name) DO UPDATE SET category_code = EXCLUDED.category_code"
      " WHERE category_aliases.category_code <> EXCLUDED.category_code"}},
    {"gazetteer.csv",
     "CREATE TEMP TABLE load_gazetteer (name text, kind text, street_code text, community_code text,"
     " num_from integer, num_to integer) ON COMMIT DROP",
     "COPY load_gazetteer FROM STDIN (FORMAT csv, HEADER true)",
     {"INSERT INTO gazetteer (name, kind, street_code, community_code, num_from, num_to, source)"
      " SELECT g.name, g.kind, g.street_code, nullif(g.community_code, ''), g.num_from, g.num_to, 'shipped'"
      "   FROM load_gazetteer g JOIN regions r ON r.code = g.street_code AND r.level = 'street'"
      "  WHERE NOT EXISTS (SELECT 1 FROM gazetteer_withdrawn w WHERE w.name = g.name"
      "                       AND w.street_code = g.street_code AND coalesce(w.num_from, -1) = coalesce(g.num_from, -1))"
      " ON CONFLICT (name, street_code, coalesce(num_from, -1)) DO UPDATE SET kind = EXCLUDED.kind,"
      "   community_code = EXCLUDED.community_code, num_to = EXCLUDED.num_to"
      " WHERE gazetteer.source = 'shipped' AND (gazetteer.kind, gazetteer.community_code, gazetteer.num_to)"
      "   IS DISTINCT FROM (EXCLUDED.kind, EXCLUDED.community_code, EXCLUDED.num_to)"}},
};

static const char COUNT_SQL[] =
    "SELECT (SELECT count(*) FROM units WHERE kind = 'dept'), (SELECT count(*) FROM categories),"
    "       (SELECT count(*) FROM category_aliases), (SELECT count(*) FROM gazetteer WHERE source = 'shipped'),"
    "       (SELECT count(*) FROM gazetteer_withdrawn)";

/* Streams the file at path into the COPY already started. 0 or -1 with err. */
static int stream_file(PGconn *conn, const char *path, char *err, size_t errlen)
{
    char buf[CHUNK];
    size_t n;
    FILE *fp = fopen(path, "rb");
    char why[512] = "";
    if (!fp) {
        snprintf(err, errlen, "%s：%s", path, text_os_error(errno));
        db_copy_end(conn, why, sizeof why);
        return -1;
    }
    int rc = 0;
    while (rc == 0 && (n = fread(buf, 1, sizeof buf, fp)) > 0)
        rc = db_copy_put(conn, buf, n, why, sizeof why);
    if (ferror(fp) && rc == 0) {
        snprintf(why, sizeof why, "read error");
        rc = -1;
    }
    fclose(fp);
    if (db_copy_end(conn, rc == 0 ? why : NULL, rc == 0 ? sizeof why : 0) != 0 || rc != 0) {
        snprintf(err, errlen, "%s: %s", path, why);
        return -1;
    }
    return 0;
}

static int run_step(PGconn *conn, const char *dir, const routing_step *s, long *changed,
                    char *err, size_t errlen)
{
    char path[1024], why[512];
    snprintf(path, sizeof path, "%s/%s", dir, s->file);
    if (db_exec(conn, s->temp, why, sizeof why) != 0 || db_copy_start(conn, s->copy, why, sizeof why) != 0) {
        snprintf(err, errlen, "%s: cannot stage: %s", path, why);
        return -1;
    }
    if (stream_file(conn, path, err, errlen) != 0)
        return -1;
    for (int i = 0; i < MAX_UPSERTS && s->upsert[i]; i++) {
        long n = 0;
        if (db_command(conn, s->file, s->upsert[i], 0, NULL, &n, why, sizeof why) != 0) {
            snprintf(err, errlen, "%s: %s", path, why);
            return -1;
        }
        *changed += n;
    }
    return 0;
}

int cli_routing_load(PGconn *conn, const char *dir, cli_routing_stats *st, char *err, size_t errlen)
{
    char why[256];
    memset(st, 0, sizeof *st);
    if (db_begin(conn, why, sizeof why) != 0) {
        snprintf(err, errlen, "BEGIN failed: %s", why);
        return -1;
    }
    for (size_t i = 0; i < sizeof STEPS / sizeof STEPS[0]; i++)
        if (run_step(conn, dir, &STEPS[i], &st->changed, err, errlen) != 0) {
            db_rollback(conn);
            return -1;
        }
    PGresult *res = db_query(conn, "routing counts", COUNT_SQL, 0, NULL, why, sizeof why);
    if (!res || db_commit(conn, why, sizeof why) != 0) {
        snprintf(err, errlen, "committing the routing data failed: %s", why);
        PQclear(res);
        db_rollback(conn);
        return -1;
    }
    st->dept_units = atol(PQgetvalue(res, 0, 0));
    st->categories = atol(PQgetvalue(res, 0, 1));
    st->aliases = atol(PQgetvalue(res, 0, 2));
    st->gazetteer = atol(PQgetvalue(res, 0, 3));
    st->withdrawn = atol(PQgetvalue(res, 0, 4));
    PQclear(res);
    return 0;
}
