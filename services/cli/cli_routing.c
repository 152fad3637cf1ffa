/* cli_routing.c — the routing data files into PostgreSQL (see cli_routing.h).
 *
 * One table of steps: each names its file and its header, the temporary
 * table COPY fills (text columns of the header's names, and each row's
 * line), the checks a row must pass, said with its line before anything is
 * stored, and the upserts that move the rows on, casting the text to the
 * tables' types the checks vouched for. Upserts skip rows that did not change,
 * so the row counts they return are what really changed; the totals shown
 * to the operator come from one query over the final tables.
 */
#include "cli_routing.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_datafile.h"
#include "db.h"
#include "text.h"

#define MAX_UPSERTS 2
#define MAX_CHECKS 8
#define CHUNK 65536

/* A row a file must not hold: cond, over the row t of the step's table (and
 * what is loaded already), is true for it; say tells what is wrong and what
 * to write, and column is the field quoted from the row. */
typedef struct {
    const char *column, *cond, *say;
} routing_check;

typedef struct {
    const char *file;
    const char *table;                    /* a temporary table of text columns, one per header name, and line */
    const char *header;                   /* the file's header: the columns, in order */
    routing_check check[MAX_CHECKS];      /* {NULL} after the last */
    const char *upsert[MAX_UPSERTS];      /* NULL when fewer */
} routing_step;

/* Conditions the checks share: a field empty, not a whole number above 0,
 * not a number above 0, neither empty nor a whole number, a key written on
 * an earlier line too. */
#define EMPTY(c) "coalesce(t." c ", '') = ''"
#define NOT_COUNT(c) "NOT coalesce(t." c " ~ '^0*[1-9][0-9]{0,8}$', false)"
#define NOT_POSITIVE(c) "NOT coalesce(t." c " ~ '^[0-9]{1,9}(\\.[0-9]{1,9})?$' AND t." c " ~ '[1-9]', false)"
#define NOT_NUMBER(c) "NOT coalesce(nullif(t." c ", '') ~ '^[0-9]{1,9}$', true)"
#define REPEATED(table, key) "EXISTS (SELECT 1 FROM " table " o WHERE (" key ") = (SELECT " key " FROM " table \
                             " x WHERE x.line = t.line) AND o.line < t.line)"

static const routing_step STEPS[] = {
    {"dept_kinds.csv", "load_dept_kinds", "code,name",
     {{"code", EMPTY("code"), "部门种类的代码 code 是空的：填上它（如 chengguan）"},
      {"code", REPEATED("load_dept_kinds", "code"), "部门种类的代码 code 与前面一行重复：每种部门只写一行"},
      {"name", EMPTY("name"), "部门的名称 name 是空的：填上它（如 城市管理局）"}},
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
     "load_categories", "code,parent,name,dept_kind,accept_minutes,resolve_days,terms",
     {{"code", EMPTY("code"), "类别代码 code 是空的：填上它（如 order.stall）"},
      {"code", REPEATED("load_categories", "code"), "类别代码 code 与前面一行重复：每个类别只写一行"},
      {"parent", "t.parent <> '' AND NOT EXISTS (SELECT 1 FROM load_categories o WHERE o.code = t.parent)"
                 " AND NOT EXISTS (SELECT 1 FROM categories c WHERE c.code = t.parent)",
       "上级类别 parent 不是这个文件里的类别代码：写另一行的 code，顶级类别空着"},
      {"name", EMPTY("name"), "类别名称 name 是空的：填上它（如 占道经营）"},
      {"dept_kind", "t.dept_kind <> '' AND NOT EXISTS (SELECT 1 FROM dept_kinds k WHERE k.code = t.dept_kind)",
       "协办部门 dept_kind 不是 dept_kinds.csv 里的部门种类：写那里的一个 code，没有协办部门就空着"},
      {"accept_minutes", NOT_COUNT("accept_minutes"), "签收时限 accept_minutes 应是大于 0 的整数（工作分钟，如 120）"},
      {"resolve_days", NOT_POSITIVE("resolve_days"), "办结时限 resolve_days 应是大于 0 的数（工作日，如 5 或 0.5）"}},
     {"INSERT INTO categories (code, parent_code, name, dept_kind, accept_minutes, resolve_days, terms)"
      " SELECT code, nullif(parent, ''), name, nullif(dept_kind, ''), accept_minutes::integer, resolve_days::numeric,"
      "        coalesce(string_to_array(nullif(terms, ''), '|'), '{}') FROM load_categories"
      " ON CONFLICT (code) DO UPDATE SET parent_code = EXCLUDED.parent_code, name = EXCLUDED.name,"
      "   dept_kind = EXCLUDED.dept_kind, accept_minutes = EXCLUDED.accept_minutes,"
      "   resolve_days = EXCLUDED.resolve_days, terms = EXCLUDED.terms"
      " WHERE (categories.parent_code, categories.name, categories.dept_kind, categories.accept_minutes,"
      "        categories.resolve_days, categories.terms)"
      "   IS DISTINCT FROM (EXCLUDED.parent_code, EXCLUDED.name, EXCLUDED.dept_kind, EXCLUDED.accept_minutes,"
      "        EXCLUDED.resolve_days, EXCLUDED.terms)"}},
    {"urgency_levels.csv", "load_urgency", "name,accept_factor,resolve_factor",
     {{"name", EMPTY("name"), "紧急程度 name 是空的：填上它（如 紧急）"},
      {"name", REPEATED("load_urgency", "name"), "紧急程度 name 与前面一行重复：每种只写一行"},
      {"accept_factor", NOT_POSITIVE("accept_factor"), "签收时限的倍数 accept_factor 应是大于 0 的数（如 1 或 0.5）"},
      {"resolve_factor", NOT_POSITIVE("resolve_factor"), "办结时限的倍数 resolve_factor 应是大于 0 的数（如 1 或 0.5）"}},
     {"INSERT INTO urgency_levels (name, accept_factor, resolve_factor)"
      " SELECT name, accept_factor::numeric, resolve_factor::numeric FROM load_urgency"
      " ON CONFLICT (name) DO UPDATE SET accept_factor = EXCLUDED.accept_factor,"
      "   resolve_factor = EXCLUDED.resolve_factor"
      " WHERE (urgency_levels.accept_factor, urgency_levels.resolve_factor)"
      "   IS DISTINCT FROM (EXCLUDED.accept_factor, EXCLUDED.resolve_factor)"}},
    {"category_aliases.csv", "load_aliases", "hotline_name,category_code",
     {{"hotline_name", EMPTY("hotline_name"), "热线的类别名称 hotline_name 是空的：填上它（如 城市管理-占道经营）"},
      {"hotline_name", REPEATED("load_aliases", "hotline_name"), "热线的类别名称 hotline_name 与前面一行重复：每个名称只写一行"},
      {"category_code", "NOT EXISTS (SELECT 1 FROM categories c WHERE c.code = t.category_code)",
       "类别 category_code 不是 categories.csv 里的类别代码：写那里的一个 code（如 order.stall）"}},
     {"INSERT INTO category_aliases (hotline_name, category_code) SELECT hotline_name, category_code FROM load_aliases"
      " ON CONFLICT (hotline_name) DO UPDATE SET category_code = EXCLUDED.category_code"
      " WHERE category_aliases.category_code <> EXCLUDED.category_code"}},
    {"gazetteer.csv", "load_gazetteer", "name,kind,street_code,community_code,num_from,num_to",
     {{"name", EMPTY("name"), "地名 name 是空的：填上道路或地标的名称（如 海尔路）"},
      {"kind", "coalesce(t.kind NOT IN ('road', 'landmark'), true)", "种类 kind 应是 road（道路）或 landmark（地标）"},
      {"street_code", "NOT coalesce(t.street_code ~ '^[0-9]{9}$', false)",
       "街道 street_code 应是 9 位数字的街道代码（如 370212001，见 data/regions/streets.csv）"},
      {"community_code", "t.community_code <> '' AND EXISTS (SELECT 1 FROM regions r WHERE r.code = t.street_code"
                         " AND r.level = 'street') AND NOT EXISTS (SELECT 1 FROM regions r WHERE r.code = t.community_code"
                         " AND r.level = 'community')",
       "社区 community_code 不是已载入的社区代码：写 12 位的社区代码（见 data/regions/communities.csv），或空着"},
      {"num_from", NOT_NUMBER("num_from") " OR " NOT_NUMBER("num_to") " OR (coalesce(t.num_from, '') = '') <> "
                   "(coalesce(t.num_to, '') = '')",
       "门牌号 num_from、num_to 应是整数，两个都填（一段门牌号），或都空着（整条路）"},
      {"num_from", "t.num_from ~ '^[0-9]{1,9}$' AND t.num_to ~ '^[0-9]{1,9}$' AND t.num_from::integer > t.num_to::integer",
       "起始门牌号 num_from 大于结束门牌号 num_to：起止写反了？"},
      {"name", REPEATED("load_gazetteer", "name, street_code, coalesce(nullif(num_from, ''), '-1')"),
       "与前面一行重复（名称、街道和起始门牌号都一样）：删去一行"}},
     {"INSERT INTO gazetteer (name, kind, street_code, community_code, num_from, num_to, source)"
      " SELECT g.name, g.kind, g.street_code, nullif(g.community_code, ''), nullif(g.num_from, '')::integer,"
      "        nullif(g.num_to, '')::integer, 'shipped'"
      "   FROM load_gazetteer g JOIN regions r ON r.code = g.street_code AND r.level = 'street'"
      "  WHERE NOT EXISTS (SELECT 1 FROM gazetteer_withdrawn w WHERE w.name = g.name AND w.street_code = g.street_code"
      "                       AND coalesce(w.num_from, -1) = coalesce(nullif(g.num_from, '')::integer, -1))"
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
        snprintf(why, sizeof why, "%s", text_os_error(errno));
        rc = -1;
    }
    fclose(fp);
    if (db_copy_end(conn, rc == 0 ? why : NULL, rc == 0 ? sizeof why : 0) != 0 || rc != 0) {
        snprintf(err, errlen, "%s：PostgreSQL 读不进这个文件（它的原话：%s）：核对它是 UTF-8 的 CSV，" CLI_DATAFILE_FIX, path, why);
        return -1;
    }
    return 0;
}

/* The step's table made and filled from the file at path, each row with
 * its line in the file (the header is line 1). 0 or -1 with err. */
static int stage(PGconn *conn, const routing_step *s, const char *path, char *err, size_t errlen)
{
    char create[1024], copy[512], columns[512] = "", why[512];
    size_t len = 0, n;
    for (const char *c = s->header; *c; c += n + (c[n] == ',')) {
        n = strcspn(c, ",");
        len += (size_t)snprintf(columns + len, sizeof columns - len, ", %.*s text", (int)n, c);
    }
    snprintf(create, sizeof create, "CREATE TEMP TABLE %s (line integer GENERATED ALWAYS AS IDENTITY (START WITH 2)%s)"
             " ON COMMIT DROP", s->table, columns);
    snprintf(copy, sizeof copy, "COPY %s (%s) FROM STDIN (FORMAT csv, HEADER true)", s->table, s->header);
    if (db_exec(conn, create, why, sizeof why) != 0 || db_copy_start(conn, copy, why, sizeof why) != 0) {
        snprintf(err, errlen, "%s：PostgreSQL 出错（它的原话：%s）", path, why);
        return -1;
    }
    return stream_file(conn, path, err, errlen);
}

/* The first row of the step's table a check refuses, said with its line
 * into err. 0 when none is, -1 when one is or the query failed. */
static int check_rows(PGconn *conn, const routing_step *s, const char *path, char *err, size_t errlen)
{
    char sql[8192], why[512], shown[128];
    size_t len = 0, n = 0;
    for (; n < MAX_CHECKS && s->check[n].cond; n++)
        len += (size_t)snprintf(sql + len, sizeof sql - len, "%s SELECT t.line, coalesce(t.%s, ''), %zu FROM %s t"
                                " WHERE %s", n ? " UNION ALL" : "SELECT * FROM (", s->check[n].column, n, s->table,
                                s->check[n].cond);
    if (n == 0)
        return 0;
    snprintf(sql + len, sizeof sql - len, ") f ORDER BY 1, 3 LIMIT 1");
    PGresult *res = db_query(conn, s->file, sql, 0, NULL, why, sizeof why);
    if (!res) {
        snprintf(err, errlen, "%s：PostgreSQL 出错（它的原话：%s）", path, why);
        return -1;
    }
    int found = PQntuples(res) > 0;
    if (found) {
        const char *value = PQgetvalue(res, 0, 1);
        snprintf(err, errlen, "%s 第 %s 行：%s（这一行%s%s%s），" CLI_DATAFILE_FIX, path, PQgetvalue(res, 0, 0),
                 s->check[atoi(PQgetvalue(res, 0, 2))].say, *value ? "写的是“" : "这一列是空的",
                 *value ? text_quote(shown, sizeof shown, value) : "", *value ? "”" : "");
    }
    PQclear(res);
    return found ? -1 : 0;
}

/* dir/file into path, each leading "../" of file taken off the end of dir:
 * data/categories/categories.csv, as a person names it, not data/routing/../categories/. */
static void join(char *path, size_t cap, const char *dir, const char *file)
{
    int keep = (int)strlen(dir);
    for (const char *slash; strncmp(file, "../", 3) == 0 && (slash = memrchr(dir, '/', (size_t)keep)); file += 3)
        keep = (int)(slash - dir);
    snprintf(path, cap, "%.*s/%s", keep, dir, file);
}

static int run_step(PGconn *conn, const char *dir, const routing_step *s, long *changed,
                    char *err, size_t errlen)
{
    char path[1024], why[512];
    join(path, sizeof path, dir, s->file);
    if (cli_datafile_check(path, s->header, err, errlen) != 0 || stage(conn, s, path, err, errlen) != 0 ||
        check_rows(conn, s, path, err, errlen) != 0)
        return -1;
    for (int i = 0; i < MAX_UPSERTS && s->upsert[i]; i++) {
        long n = 0;
        if (db_command(conn, s->file, s->upsert[i], 0, NULL, &n, why, sizeof why) != 0) {
            snprintf(err, errlen, "%s：PostgreSQL 不收这个文件里的行（它的原话：%s）：按它说的改正，" CLI_DATAFILE_FIX, path, why);
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
        snprintf(err, errlen, "PostgreSQL 出错（它的原话：%s）", why);
        return -1;
    }
    for (size_t i = 0; i < sizeof STEPS / sizeof STEPS[0]; i++)
        if (run_step(conn, dir, &STEPS[i], &st->changed, err, errlen) != 0) {
            db_rollback(conn);
            return -1;
        }
    PGresult *res = db_query(conn, "routing counts", COUNT_SQL, 0, NULL, why, sizeof why);
    if (!res || db_commit(conn, why, sizeof why) != 0) {
        snprintf(err, errlen, "存入派单数据时 PostgreSQL 出错（它的原话：%s）：什么也没有存，再运行 jiesu migrate", why);
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
