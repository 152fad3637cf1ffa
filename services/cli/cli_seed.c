/* cli_seed.c — regions and units of the configured districts (see cli_seed.h).
 *
 * The three CSV files are read in order (districts, streets, communities) and
 * the rows of the configured districts are streamed with COPY into a
 * temporary table; two set-based upserts then move them into `regions` and
 * `units`. Doing the upsert from a table lets PostgreSQL pick one row per code
 * (districts.csv lists a district once per NBS edition: the newest wins) and
 * count only rows that really changed (the DO UPDATE is skipped when nothing
 * differs). Communities whose street code no longer exists in streets.csv
 * (NBS renumbered the street) are skipped and counted. The districts and
 * streets of the other districts, and every district's city, come too, for
 * their names alone (table region_names): a code of one of them is then
 * named in words where a page shows it (an accused office the system has no
 * unit for), and routing reads a loaded district's city by its name.
 */
#include "cli_seed.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_datafile.h"
#include "db.h"
#include "text.h"

#define MAX_FIELDS 32
#define NAME_MAX_BYTES 512

/* Columns located by header name. */
enum { C_CODE, C_NAME, C_PARENT, C_YEAR, C_DISTRICT, C_CITY, NCOLS };
static const char *const COL_NAMES[NCOLS] = {"code", "name", "parent_code", "nbs_year", "district_code", "city_name"};

#define COL(c) (1u << (c))

typedef struct {
    const char *file;
    const char *level;
    const char *title;          /* the level as people name it: 区县, 街道, 社区 */
    size_t      code_len;       /* digits in this level's codes */
    int         district_col;   /* column holding the row's district code */
    unsigned    need;           /* COL() bits of the columns the file must have */
} seed_file;

static const seed_file SEED_FILES[] = {
    {"districts.csv", "district", "区县", 6, C_CODE, COL(C_CODE) | COL(C_NAME) | COL(C_YEAR)},
    {"streets.csv", "street", "街道", 9, C_PARENT, COL(C_CODE) | COL(C_NAME) | COL(C_YEAR) | COL(C_PARENT)},
    {"communities.csv", "community", "社区", 12, C_DISTRICT,
     COL(C_CODE) | COL(C_NAME) | COL(C_YEAR) | COL(C_PARENT) | COL(C_DISTRICT)},
};

typedef struct {
    char  **v;
    size_t  n, cap;
} strset;

typedef struct {
    PGconn *conn;
    strset  wanted;     /* configured district codes */
    strset  found;      /* those seen in districts.csv */
    strset  streets;    /* street codes loaded */
    long    skipped;
} seed_run;

static const char SEED_TEMP_SQL[] =
    "CREATE TEMP TABLE seed_regions (code text, name text, short_name text, level text,"
    " parent_code text, nbs_year int, wanted boolean) ON COMMIT DROP";

static const char SEED_COUNT_SQL[] =
    "SELECT count(*) FILTER (WHERE level = 'district'), count(*) FILTER (WHERE level = 'street'),"
    "       count(*) FILTER (WHERE level = 'community'),"
    "       coalesce(string_agg(name, '、' ORDER BY code) FILTER (WHERE level = 'district'), '')"
    "  FROM (SELECT DISTINCT ON (code) code, name, level FROM seed_regions WHERE wanted"
    "         ORDER BY code, nbs_year DESC NULLS LAST) s";

static const char SEED_REGIONS_SQL[] =
    "INSERT INTO regions (code, name, short_name, level, parent_code)"
    " SELECT DISTINCT ON (code) code, name, short_name, level, parent_code"
    "   FROM seed_regions WHERE wanted ORDER BY code, nbs_year DESC NULLS LAST"
    " ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, short_name = EXCLUDED.short_name,"
    "   level = EXCLUDED.level, parent_code = EXCLUDED.parent_code"
    " WHERE (regions.name, regions.short_name, regions.level, regions.parent_code)"
    "   IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.short_name, EXCLUDED.level, EXCLUDED.parent_code)";

/* Every city's, district's and street's name, loaded or not (migration 069). */
static const char SEED_NAMES_SQL[] =
    "INSERT INTO region_names (code, name)"
    " SELECT DISTINCT ON (code) code, name FROM seed_regions WHERE level IN ('city', 'district', 'street')"
    "  ORDER BY code, nbs_year DESC NULLS LAST"
    " ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name WHERE region_names.name IS DISTINCT FROM EXCLUDED.name";

/* Street offices, each by its street's name, and that of its district when
 * another loaded street has the same name (市中街道 is a street of 乐陵市 and
 * one of 禹城市: 市中街道（乐陵市）, 市中街道（禹城市）), so that every page,
 * list and message naming a unit tells them apart, as the district in the
 * names of the other units does (乐陵市纪委监委); each loaded district's
 * campaign office and discipline inspection (370212.campaign,
 * 370212.discipline); and one of each for orders whose district is not
 * known. The streets are those of every district loaded, this time or
 * before: one loaded now may share a name with one loaded then. */
static const char SEED_UNITS_SQL[] =
    "INSERT INTO units (code, name, kind, region_code)"
    " SELECT s.code, s.name || CASE WHEN count(*) OVER (PARTITION BY s.name) > 1"
    "                              THEN coalesce('（' || d.name || '）', '') ELSE '' END, 'street', s.code"
    "   FROM regions s LEFT JOIN regions d ON d.code = s.parent_code WHERE s.level = 'street'"
    " UNION ALL SELECT code || '.' || k.kind, name || k.suffix, k.kind, code FROM regions"
    "   CROSS JOIN (VALUES ('campaign', '创城办'), ('discipline', '纪委监委')) k(kind, suffix)"
    "   WHERE level = 'district'"
    " UNION ALL VALUES ('campaign', '区创城办', 'campaign', NULL), ('discipline', '区纪委监委', 'discipline', NULL)"
    " ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind,"
    "   region_code = EXCLUDED.region_code"
    " WHERE (units.name, units.kind, units.region_code)"
    "   IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.kind, EXCLUDED.region_code)";

/* ---- short names ---- */

static const char *const DISTRICT_SUFFIXES[] = {"区", "县", "市", NULL};
static const char *const STREET_SUFFIXES[] = {"街道办事处", "街道", "镇", "乡", NULL};
static const char *const COMMUNITY_SUFFIXES[] = {"社区居民委员会", "社区居委会", "居民委员会",
                                                 "村民委员会", "村委会", "居委会", "社区", NULL};

void cli_seed_short_name(char *dst, size_t cap, const char *name, const char *level)
{
    const char *const *sfx = strcmp(level, "street") == 0      ? STREET_SUFFIXES
                             : strcmp(level, "community") == 0 ? COMMUNITY_SUFFIXES
                                                               : DISTRICT_SUFFIXES;
    size_t len = strlen(name), keep = len;
    for (; *sfx; sfx++) {
        size_t sl = strlen(*sfx);
        if (sl < len && memcmp(name + len - sl, *sfx, sl) == 0) {
            if (text_utf8_chars(name, len - sl) >= 2)
                keep = len - sl;
            break;      /* suffixes are listed longest first: the first match decides */
        }
    }
    if (cap == 0)
        return;
    if (keep >= cap) {
        keep = cap - 1;
        while (keep > 0 && ((unsigned char)name[keep] & 0xC0) == 0x80)
            keep--;     /* cut at a character boundary */
    }
    memcpy(dst, name, keep);
    dst[keep] = '\0';
}

/* ---- a small set of codes ---- */

static int strset_has(const strset *s, const char *v)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i], v) == 0)
            return 1;
    return 0;
}

static int strset_add(strset *s, const char *v)
{
    if (strset_has(s, v))
        return 0;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        char **p = realloc(s->v, cap * sizeof *p);
        if (!p)
            return -1;
        s->v = p;
        s->cap = cap;
    }
    if (!(s->v[s->n] = strdup(v)))
        return -1;
    s->n++;
    return 0;
}

static void strset_free(strset *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    memset(s, 0, sizeof *s);
}

static int all_digits(const char *s, size_t want_len)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!isdigit((unsigned char)s[n]))
            return 0;
    return want_len ? n == want_len : n > 0;
}

/* Parses the configured district list ("370212, 370203"). */
static int parse_districts(strset *out, const char *list, char *err, size_t errlen)
{
    char buf[1024];
    if (snprintf(buf, sizeof buf, "%s", list) >= (int)sizeof buf) {
        snprintf(err, errlen, "配置项 regions.districts 太长（最多 %zu 字节）：只列要载入的区县代码", sizeof buf - 1);
        return -1;
    }
    for (char *save = NULL, *tok = strtok_r(buf, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save)) {
        if (!all_digits(tok, 6)) {
            snprintf(err, errlen, "配置项 regions.districts 里的“%.32s”不是 6 位数字的区县代码（国家统计局的，如 370212）："
                     "改正它", tok);
            return -1;
        }
        if (strset_add(out, tok) < 0) {
            snprintf(err, errlen, "内存不足");
            return -1;
        }
    }
    if (out->n == 0) {
        snprintf(err, errlen, "配置项 regions.districts 是空的：写上要载入的区县代码，如 370212");
        return -1;
    }
    return 0;
}

/* ---- CSV reading ---- */

/* Splits line in place at commas. Returns the field count (MAX_FIELDS + 1 when more). */
static int split(char *line, char **fields)
{
    int n = 0;
    for (char *p = line;; p++) {
        if (n == MAX_FIELDS)
            return MAX_FIELDS + 1;
        fields[n++] = p;
        p = strchr(p, ',');
        if (!p)
            return n;
        *p = '\0';
    }
}

static void chomp(char *line)
{
    size_t len = strlen(line);
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        line[--len] = '\0';
}

/* Maps header names to column indexes; unused columns get -1. */
static int map_header(char *line, int *cols, const char *path, char *err, size_t errlen)
{
    char *fields[MAX_FIELDS];
    if (strncmp(line, "\xEF\xBB\xBF", 3) == 0)
        memmove(line, line + 3, strlen(line + 3) + 1);
    int n = split(line, fields);
    if (n > MAX_FIELDS) {
        snprintf(err, errlen, "%s 第 1 行（表头）：超过 %d 列，不像国家统计局区划代码的表头：核对文件，" CLI_DATAFILE_FIX, path,
                 MAX_FIELDS);
        return -1;
    }
    for (int c = 0; c < NCOLS; c++) {
        cols[c] = -1;
        for (int i = 0; i < n; i++)
            if (strcmp(fields[i], COL_NAMES[c]) == 0)
                cols[c] = i;
    }
    return n;
}

/* -1 with what is wrong with the row, and what to write, in err (where
 * names its file and line); 0 when its code, parent, year and name are
 * as NBS writes them. */
static int bad_row(const seed_file *f, char **col, const char *where, char *err, size_t errlen)
{
    const char *parent = strcmp(f->level, "district") == 0 ? NULL : col[C_PARENT], *field = NULL, *value = NULL;
    char want[128], shown[96];
    if (!all_digits(col[C_CODE], f->code_len)) {
        field = "代码 code", value = col[C_CODE];
        snprintf(want, sizeof want, "%s代码应是 %zu 位数字", f->title, f->code_len);
    } else if (parent && !all_digits(parent, f->code_len - 3)) {
        field = "上级代码 parent_code", value = parent;
        snprintf(want, sizeof want, "应是上一级的 %zu 位数字代码", f->code_len - 3);
    } else if (!all_digits(col[C_YEAR], 0)) {
        field = "年份 nbs_year", value = col[C_YEAR];
        snprintf(want, sizeof want, "应是国家统计局代码的年份，如 2023");
    } else if (!*col[C_NAME] || strlen(col[C_NAME]) >= NAME_MAX_BYTES) {
        field = "名称 name", value = col[C_NAME];
        snprintf(want, sizeof want, "应是%s的名称（1 到 %d 字节）", f->title, NAME_MAX_BYTES - 1);
    } else {
        return 0;
    }
    snprintf(err, errlen, "%s：%s“%s”不对：%s，" CLI_DATAFILE_FIX, where, field, text_quote(shown, sizeof shown, value), want);
    return -1;
}

/* Streams the values of one row into the COPY. */
static int copy_row(seed_run *run, const char *const *vals, size_t n, const char *where, char *err, size_t errlen)
{
    char line[4 * NAME_MAX_BYTES], why[512];
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        if (db_copy_escape(line, sizeof line - 1, &len, vals[i]) < 0) {     /* - 1: room for the separator */
            snprintf(err, errlen, "%s：这一行太长（最多 %d 字节）：核对它，" CLI_DATAFILE_FIX, where, 4 * NAME_MAX_BYTES);
            return -1;
        }
        line[len++] = i + 1 < n ? '\t' : '\n';
    }
    if (db_copy_put(run->conn, line, len, why, sizeof why) < 0) {
        snprintf(err, errlen, "%s：PostgreSQL 出错（它的原话：%s）", where, why);
        return -1;
    }
    return 0;
}

/* A district's city, for its name: its code (the district's parent_code) and city_name, when the file
 * has them. */
static int seed_city(seed_run *run, char **col, const char *where, char *err, size_t errlen)
{
    if (!col[C_PARENT] || !col[C_CITY] || !*col[C_CITY] || !all_digits(col[C_PARENT], 4) ||
        strlen(col[C_CITY]) >= NAME_MAX_BYTES)
        return 0;
    const char *vals[] = {col[C_PARENT], col[C_CITY], col[C_CITY], "city", NULL, col[C_YEAR], "f"};
    return copy_row(run, vals, sizeof vals / sizeof vals[0], where, err, errlen);
}

/* Streams one data row of a configured district into the COPY; a district or street of another, sound,
 * for its name, and a district's city. */
static int seed_row(seed_run *run, const seed_file *f, char **col, const char *where,
                    char *err, size_t errlen)
{
    char short_name[NAME_MAX_BYTES], ignored[8];
    int is_district = strcmp(f->level, "district") == 0, is_street = strcmp(f->level, "street") == 0;
    const char *parent = is_district ? NULL : col[C_PARENT];
    strset *seen = is_district ? &run->found : is_street ? &run->streets : NULL;
    int wanted = strset_has(&run->wanted, col[f->district_col]);

    if (!wanted && (!seen || bad_row(f, col, where, ignored, sizeof ignored) < 0))
        return 0;
    if (wanted && bad_row(f, col, where, err, errlen) < 0)
        return -1;
    if (is_district && seed_city(run, col, where, err, errlen) < 0)
        return -1;
    if (!seen && !strset_has(&run->streets, parent)) {
        run->skipped++;     /* a community of a street NBS has since renumbered */
        return 0;
    }
    if (seen && wanted && strset_add(seen, col[C_CODE]) < 0) {
        snprintf(err, errlen, "内存不足");
        return -1;
    }
    cli_seed_short_name(short_name, sizeof short_name, col[C_NAME], f->level);
    const char *vals[] = {col[C_CODE], col[C_NAME], short_name, f->level, parent, col[C_YEAR], wanted ? "t" : "f"};
    return copy_row(run, vals, sizeof vals / sizeof vals[0], where, err, errlen);
}

static int seed_file_rows(seed_run *run, const char *dir, const seed_file *f, char *err, size_t errlen)
{
    char path[1024], where[1100], *line = NULL, *fields[MAX_FIELDS];
    size_t cap = 0;
    int cols[NCOLS], ncols = -1, rc = -1;
    long lineno = 0;

    snprintf(path, sizeof path, "%s/%s", dir, f->file);
    FILE *fp = fopen(path, "r");
    if (!fp) {
        snprintf(err, errlen, "%s：%s", path, text_os_error(errno));
        return -1;
    }
    while (getline(&line, &cap, fp) != -1) {
        lineno++;
        chomp(line);
        snprintf(where, sizeof where, "%s 第 %ld 行", path, lineno);
        if (lineno == 1) {
            if ((ncols = map_header(line, cols, path, err, errlen)) < 0)
                goto cleanup;
            for (int c = 0; c < NCOLS; c++)
                if (cols[c] < 0 && (f->need & COL(c))) {
                    snprintf(err, errlen, "%s（表头）：没有“%s”这一列：国家统计局区划代码的表头要有它，" CLI_DATAFILE_FIX, where,
                             COL_NAMES[c]);
                    goto cleanup;
                }
            continue;
        }
        if (!*line)
            continue;
        int n = split(line, fields);
        if (n != ncols) {
            if (n > MAX_FIELDS)
                snprintf(err, errlen, "%s：超过 %d 列，表头有 %d 列：删去多余的逗号（这些文件的字段里不能有逗号），"
                         CLI_DATAFILE_FIX, where, MAX_FIELDS, ncols);
            else
                snprintf(err, errlen, "%s：有 %d 列，表头有 %d 列：补上缺的列或删去多余的逗号（这些文件的字段里"
                         "不能有逗号），" CLI_DATAFILE_FIX, where, n, ncols);
            goto cleanup;
        }
        char *col[NCOLS];
        for (int c = 0; c < NCOLS; c++)
            col[c] = cols[c] >= 0 ? fields[cols[c]] : NULL;
        if (seed_row(run, f, col, where, err, errlen) < 0)
            goto cleanup;
    }
    if (ferror(fp)) {
        snprintf(err, errlen, "%s：读取出错：%s", path, text_os_error(errno));
        goto cleanup;
    }
    if (lineno == 0) {
        snprintf(err, errlen, "%s：空文件", path);
        goto cleanup;
    }
    rc = 0;
cleanup:
    free(line);
    fclose(fp);
    return rc;
}

/* ---- the transaction ---- */

static int seed_load(seed_run *run, const char *dir, char *err, size_t errlen)
{
    char why[512];
    if (db_exec(run->conn, SEED_TEMP_SQL, why, sizeof why) < 0 ||
        db_copy_start(run->conn, "COPY seed_regions FROM STDIN", why, sizeof why) < 0) {
        snprintf(err, errlen, "PostgreSQL 出错（它的原话：%s）", why);
        return -1;
    }
    for (size_t i = 0; i < sizeof SEED_FILES / sizeof SEED_FILES[0]; i++) {
        if (seed_file_rows(run, dir, &SEED_FILES[i], err, errlen) < 0) {
            db_copy_end(run->conn, NULL, 0);     /* err already says why */
            return -1;
        }
    }
    if (db_copy_end(run->conn, why, sizeof why) < 0) {
        snprintf(err, errlen, "%s 的区划写入 PostgreSQL 时出错（它的原话：%s）", dir, why);
        return -1;
    }
    for (size_t i = 0; i < run->wanted.n; i++) {
        if (!strset_has(&run->found, run->wanted.v[i])) {
            snprintf(err, errlen, "配置项 regions.districts 里的区县 %s 不在 %s/districts.csv 里：核对这个代码"
                     "（国家统计局的 6 位区县代码），或在那个文件里加上它", run->wanted.v[i], dir);
            return -1;
        }
    }
    return 0;
}

static int seed_upsert(seed_run *run, cli_seed_stats *st, char *err, size_t errlen)
{
    char why[512];
    PGresult *res = db_query(run->conn, "seed count", SEED_COUNT_SQL, 0, NULL, why, sizeof why);
    if (!res)
        goto failed;
    st->districts = atol(PQgetvalue(res, 0, 0));
    st->streets = atol(PQgetvalue(res, 0, 1));
    st->communities = atol(PQgetvalue(res, 0, 2));
    snprintf(st->district_names, sizeof st->district_names, "%s", PQgetvalue(res, 0, 3));
    text_utf8_cut(st->district_names);
    PQclear(res);
    if (db_command(run->conn, "seed regions", SEED_REGIONS_SQL, 0, NULL, &st->regions_changed, why, sizeof why) < 0 ||
        db_command(run->conn, "seed units", SEED_UNITS_SQL, 0, NULL, &st->units_changed, why, sizeof why) < 0 ||
        db_command(run->conn, "seed region names", SEED_NAMES_SQL, 0, NULL, NULL, why, sizeof why) < 0)
        goto failed;
    st->skipped = run->skipped;
    return 0;
failed:
    snprintf(err, errlen, "存入区划和单位时 PostgreSQL 出错（它的原话：%s）", why);
    return -1;
}

int cli_seed_regions(PGconn *conn, const char *dir, const char *districts,
                     cli_seed_stats *st, char *err, size_t errlen)
{
    seed_run run = {.conn = conn};
    int rc = -1;
    char why[256];

    memset(st, 0, sizeof *st);
    if (parse_districts(&run.wanted, districts, err, errlen) < 0)
        goto cleanup;
    if (db_begin(conn, why, sizeof why) < 0) {
        snprintf(err, errlen, "PostgreSQL 出错（它的原话：%s）", why);
        goto cleanup;
    }
    if (seed_load(&run, dir, err, errlen) < 0 || seed_upsert(&run, st, err, errlen) < 0) {
        db_rollback(conn);
        goto cleanup;
    }
    if (db_commit(conn, why, sizeof why) < 0) {
        snprintf(err, errlen, "存入区划时 PostgreSQL 出错（它的原话：%s）：什么也没有存，再运行 jiesu migrate", why);
        goto cleanup;
    }
    rc = 0;
cleanup:
    strset_free(&run.wanted);
    strset_free(&run.found);
    strset_free(&run.streets);
    return rc;
}
