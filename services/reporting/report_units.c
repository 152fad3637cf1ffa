/* report_units.c — the units as people look them up (`jiesu units [文字]`):
 * code, name, kind and district of every unit, or of those whose code or
 * name holds the text. When those hold exactly one street office, its
 * street's communities and villages follow (regions of level community
 * under the street's region, which `jiesu migrate` loads from the NBS list
 * of 2021), counted as what they are: the list says 社区 or 村 only in the
 * name (中韩社区居民委员会, 大村村民委员会), so a name is read for it here.
 * A street with none says why instead of an empty list.
 *
 * A text no unit holds may be a community's or village's name, all a caller
 * gave (张村): those of that name are listed with the street office that
 * handles them and its district, so a dispatcher learns where to send it.
 * The view is not found only when neither finds anything.
 */
#include "report_units.h"

#include <stdio.h>
#include <string.h>

/* Of units u, those whose code or name holds $2 (all when $2 is NULL). */
#define UNITS_MATCHING "($2::text IS NULL OR u.code LIKE '%' || $2 || '%' OR u.name LIKE '%' || $2 || '%')"

/* What a community is, by its name: a 村民委员会 (村委会, 村委员会, or a name
 * ending in 村) is a village, any other (社区居民委员会, 居委会, 生活区) a community. */
#define COMMUNITY_KIND(name) "CASE WHEN " name " ~ '村民?委|村$' THEN '村' ELSE '社区' END"

enum { C_STREET, C_REGION, C_CODE, C_NAME, C_KIND };

/* The street office the matching units hold, when they hold exactly one, with
 * each community of its street (none: one row, without a community). */
static const char COMMUNITIES_SQL[] =
    "WITH street AS (SELECT u.name, u.region_code FROM units u"
    "                 WHERE $1::int IS NOT NULL AND $2::text IS NOT NULL AND u.kind = 'street' AND " UNITS_MATCHING ")"
    "SELECT s.name, coalesce(s.region_code, ''), r.code, r.name, " COMMUNITY_KIND("r.name")
    "  FROM street s LEFT JOIN regions r ON r.parent_code = s.region_code AND r.level = 'community'"
    " WHERE (SELECT count(*) FROM street) = 1"
    " ORDER BY r.code";

enum { N_TEXT, N_NAME, N_KIND, N_OFFICE, N_DISTRICT };

/* When no unit holds the text: the communities whose name holds it, each with
 * the street office of its street (the street's own name when no unit is of
 * it) and its district. */
static const char NAMED_SQL[] =
    "SELECT $2::text, r.name, " COMMUNITY_KIND("r.name") ","
    "       coalesce(o.names, s.name || '（没有登记为单位，不能派单）'), coalesce(d.name, '')"
    "  FROM regions r JOIN regions s ON s.code = r.parent_code"
    "  LEFT JOIN LATERAL (SELECT string_agg(u.name, '、' ORDER BY u.code) AS names FROM units u"
    "                      WHERE u.kind = 'street' AND u.region_code = r.parent_code) o ON true"
    "  LEFT JOIN regions d ON d.code = left(r.parent_code, 6)"
    " WHERE $1::int IS NOT NULL AND $2::text IS NOT NULL AND r.level = 'community'"
    "   AND r.name LIKE '%' || $2 || '%' AND NOT EXISTS (SELECT 1 FROM units u WHERE " UNITS_MATCHING ")"
    " ORDER BY r.code";

/* How many communities and villages the rows of res hold: those whose column
 * have is not NULL, by column kind (社区 or 村). */
static void kinds_count(PGresult *res, int have, int kind, int *communities, int *villages)
{
    *communities = *villages = 0;
    for (int r = 0; r < PQntuples(res); r++)
        if (!PQgetisnull(res, r, have))
            ++*(strcmp(PQgetvalue(res, r, kind), "村") == 0 ? villages : communities);
}

/* What is counted, as a title says it: 社区，共 2 个, or 社区和村，共 40 个（社区 10 个，村 30 个）. */
static void kinds_say(char *out, size_t cap, int communities, int villages)
{
    if (communities && villages)
        snprintf(out, cap, "社区和村，共 %d 个（社区 %d 个，村 %d 个）", communities + villages, communities, villages);
    else
        snprintf(out, cap, "%s，共 %d 个", communities ? "社区" : "村", communities + villages);
}

/* The list's title: how many of each there are, or why there are none. */
static void communities_title(char *out, size_t cap, const char *street, const char *region, int communities,
                              int villages)
{
    char counted[128];
    kinds_say(counted, sizeof counted, communities, villages);
    if (communities || villages)
        snprintf(out, cap, "%s下辖的%s", street, counted);
    else if (!*region)
        snprintf(out, cap, "%s下辖的社区和村：列不出来，这个单位没有登记它是哪个街道（区划代码）", street);
    else
        snprintf(out, cap, "%s下辖的社区和村：区划数据里没有（载入的是国家统计局 2021 年的社区名录，其中没有街道代码 "
                 "%s 下的社区和村：2021 年以后新设或改过代码的街道就是这样）", street, region);
}

/* A table of title with columns head: of each row of res (none when !rows),
 * the columns cols. NULL with err. */
static Jiesu__Table *rows_table(const char *title, const view_section *sec, const char *const *head,
                                const int *cols, size_t ncols, PGresult *res, int rows, char *err, size_t errlen)
{
    Jiesu__Table *t = view_table_new(title, sec->align, head, ncols);
    const char *cells[8];
    for (int r = 0; t && rows && r < PQntuples(res); r++) {
        for (size_t c = 0; c < ncols; c++)
            cells[c] = PQgetvalue(res, r, cols[c]);
        t = view_table_row(t, cells);
    }
    if (!t)
        snprintf(err, errlen, "out of memory");
    return t;
}

static Jiesu__Table *communities_table(const config *cfg, PGconn *pg, const view_section *sec, PGresult *res,
                                       char *err, size_t errlen)
{
    static const char *const HEAD[] = {"代码", "名称", "类别"};
    static const int COLS[] = {C_CODE, C_NAME, C_KIND};
    char title[512];
    int communities, villages;
    (void)cfg;
    (void)pg;
    kinds_count(res, C_CODE, C_KIND, &communities, &villages);
    communities_title(title, sizeof title, PQgetvalue(res, 0, C_STREET), PQgetvalue(res, 0, C_REGION), communities,
                      villages);
    return rows_table(title, sec, HEAD, COLS, 3, res, communities + villages, err, errlen);
}

static Jiesu__Table *named_table(const config *cfg, PGconn *pg, const view_section *sec, PGresult *res, char *err,
                                 size_t errlen)
{
    static const char *const HEAD[] = {"名称", "类别", "街道办事处", "所属区县"};
    static const int COLS[] = {N_NAME, N_KIND, N_OFFICE, N_DISTRICT};
    char counted[128], title[512];
    int communities, villages;
    const char *text = PQgetvalue(res, 0, N_TEXT);
    (void)cfg;
    (void)pg;
    kinds_count(res, N_NAME, N_KIND, &communities, &villages);
    kinds_say(counted, sizeof counted, communities, villages);
    snprintf(title, sizeof title, "没有代码或名称含“%s”的单位；名称含这几个字的%s，各由所属街道办事处受理", text, counted);
    Jiesu__Table *t = rows_table(title, sec, HEAD, COLS, 4, res, 1, err, errlen);
    if (t)
        t->titled = 1;      /* the only table: its title says no unit holds the text */
    return t;
}

const view_section REPORT_UNITS[] = {
    {"单位", "llll", "--u-", 0,
     "SELECT u.code AS 代码, u.name AS 名称, u.kind AS 类别, coalesce(d.name, '') AS 所属区县"
     "  FROM units u LEFT JOIN regions d ON d.code = left(u.region_code, 6)"
     " WHERE $1::int IS NOT NULL AND " UNITS_MATCHING
     " ORDER BY u.kind = 'street' DESC, u.kind, u.code", NULL, 1},
    {"社区和村", "lll", NULL, 0, COMMUNITIES_SQL, communities_table, 1},
    {"同名的社区和村", "llll", NULL, 0, NAMED_SQL, named_table, 1},
    {NULL},
};
