/* report_units.c — the units as people look them up (`jiesu units [文字]`):
 * code, name, kind and district of every unit, or of those whose code or
 * name holds the text. When those hold exactly one street office, its
 * street's communities and villages follow (regions of level community
 * under the street's region, which `jiesu migrate` loads from the NBS list
 * of 2021), counted as what they are: the list says 社区 or 村 only in the
 * name (中韩社区居民委员会, 大村村民委员会), so a name is read for it here.
 * A street with none says why instead of an empty list.
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

/* The list's title: how many of each there are, or why there are none. */
static void communities_title(char *out, size_t cap, const char *street, const char *region, int communities,
                              int villages)
{
    if (communities && villages)
        snprintf(out, cap, "%s下辖的社区和村，共 %d 个（社区 %d 个，村 %d 个）", street, communities + villages,
                 communities, villages);
    else if (communities || villages)
        snprintf(out, cap, "%s下辖的%s，共 %d 个", street, communities ? "社区" : "村", communities + villages);
    else if (!*region)
        snprintf(out, cap, "%s下辖的社区和村：列不出来，这个单位没有登记它是哪个街道（区划代码）", street);
    else
        snprintf(out, cap, "%s下辖的社区和村：区划数据里没有（载入的是国家统计局 2021 年的社区名录，其中没有街道代码 "
                 "%s 下的社区和村：2021 年以后新设或改过代码的街道就是这样）", street, region);
}

static Jiesu__Table *communities_table(const config *cfg, PGconn *pg, const view_section *sec, PGresult *res,
                                       char *err, size_t errlen)
{
    static const char *const HEAD[] = {"代码", "名称", "类别"};
    char title[512];
    int communities = 0, villages = 0;
    (void)cfg;
    (void)pg;
    for (int r = 0; r < PQntuples(res); r++)
        if (!PQgetisnull(res, r, C_CODE))
            ++*(strcmp(PQgetvalue(res, r, C_KIND), "村") == 0 ? &villages : &communities);
    communities_title(title, sizeof title, PQgetvalue(res, 0, C_STREET), PQgetvalue(res, 0, C_REGION), communities,
                      villages);
    Jiesu__Table *t = view_table_new(title, sec->align, HEAD, 3);
    for (int r = 0; t && communities + villages && r < PQntuples(res); r++) {
        const char *cells[] = {PQgetvalue(res, r, C_CODE), PQgetvalue(res, r, C_NAME), PQgetvalue(res, r, C_KIND)};
        if (view_table_add(t, cells) < 0) {
            jiesu__table__free_unpacked(t, NULL);
            t = NULL;
        }
    }
    if (!t)
        snprintf(err, errlen, "out of memory");
    return t;
}

const view_section REPORT_UNITS[] = {
    {"单位", "llll", "--u-", 0,
     "SELECT u.code AS 代码, u.name AS 名称, u.kind AS 类别, coalesce(d.name, '') AS 所属区县"
     "  FROM units u LEFT JOIN regions d ON d.code = left(u.region_code, 6)"
     " WHERE $1::int IS NOT NULL AND " UNITS_MATCHING
     " ORDER BY u.kind = 'street' DESC, u.kind, u.code", NULL, 0},
    {"社区和村", "lll", NULL, 0, COMMUNITIES_SQL, communities_table, 1},
    {NULL},
};
