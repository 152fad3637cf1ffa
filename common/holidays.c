/* holidays.c — holiday-cn files, the holidays table and the calendar's reach
 * (see holidays.h).
 *
 * The parser reads only what a holiday-cn file holds: an object with a
 * "days" array of flat objects whose values are strings, booleans, numbers
 * or null. It is not a general JSON parser and refuses anything nested inside
 * a day.
 */
#include "holidays.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "sqlarr.h"
#include "text.h"

#define MAX_FILE_BYTES (1L << 20)

_Static_assert(HOLIDAYS_NAME_CHARS * 4 < sizeof ((holidays_day *)0)->name, "a typed-in name fits whole");

/* $1 dates, $2 off flags, $3 names, $4 source, $5 overwrite. The last of
 * a date given twice wins. */
static const char SQL_STORE[] =
    "INSERT INTO holidays (day, off, name, source)"
    " SELECT DISTINCT ON (u.day) u.day, u.off, u.name, $4"
    "   FROM unnest($1::date[], $2::boolean[], $3::text[]) WITH ORDINALITY AS u(day, off, name, i)"
    "  ORDER BY u.day, u.i DESC"
    " ON CONFLICT (day) DO UPDATE SET off = EXCLUDED.off, name = EXCLUDED.name, source = EXCLUDED.source,"
    "                                 changed_at = now()"
    "  WHERE (holidays.off, holidays.name) IS DISTINCT FROM (EXCLUDED.off, EXCLUDED.name)"
    "    AND ($5::boolean OR holidays.source = EXCLUDED.source)";

static const char SQL_LOAD[] =
    "SELECT extract(year FROM day)::int, extract(month FROM day)::int, extract(day FROM day)::int, off"
    "  FROM holidays ORDER BY day";
enum { L_YEAR, L_MONTH, L_DAY, L_OFF };

static const char SQL_YEARS[] =
    "SELECT h.year, count(*) FILTER (WHERE h.off), count(*) FILTER (WHERE NOT h.off), bool_or(c.year IS NOT NULL)"
    "  FROM (SELECT extract(year FROM day)::int AS year, off FROM holidays) h"
    "  LEFT JOIN holiday_years c ON c.year = h.year"
    " GROUP BY h.year ORDER BY h.year";
enum { Y_YEAR, Y_OFF, Y_WORK, Y_COMPLETE };

/* $1 year, $2 source. */
static const char SQL_COMPLETE[] =
    "INSERT INTO holiday_years (year, source) VALUES ($1::int, $2) ON CONFLICT (year) DO NOTHING";

static const char SQL_VERSION[] =
    "SELECT count(*) || '@' || coalesce(extract(epoch FROM max(changed_at))::text, '') FROM holidays";

/* $1 now (Unix seconds), $2 UTC offset in minutes. One row: the first year
 * from this one on not on record whole, whether it is this year or next year
 * seen from November on, its first instant, and how many of its days are
 * stored all the same. */
static const char SQL_GAP[] =
    "WITH t AS (SELECT to_timestamp($1::double precision) AT TIME ZONE 'UTC'"
    "                  + make_interval(mins => $2::int) AS local),"
    " y AS (SELECT extract(year FROM local)::int AS this_year, extract(month FROM local)::int AS month FROM t),"
    " gap AS (SELECT min(g) AS year FROM y, generate_series(y.this_year, y.this_year + 50) g"
    "          WHERE NOT EXISTS (SELECT 1 FROM holiday_years c WHERE c.year = g))"
    " SELECT gap.year, gap.year = y.this_year OR (gap.year = y.this_year + 1 AND y.month >= 11),"
    "        make_timestamptz(gap.year, 1, 1, 0, 0, 0, 'UTC') - make_interval(mins => $2::int),"
    "        (SELECT count(*) FROM holidays h"
    "          WHERE h.day >= make_date(gap.year, 1, 1) AND h.day < make_date(gap.year + 1, 1, 1))"
    "   FROM gap, y";
enum { G_YEAR, G_SOON, G_FROM, G_DAYS };

/* $1 the gap year's first instant: the pending deadlines due then or later.
 * A query of its own so that the bound is known when it is planned: computed
 * in the same statement, the planner guessed a third of all deadlines and
 * read every one (3-7 s over the report benchmark's 19.6M deadlines, on every
 * dashboard), where the index finds the few. */
static const char SQL_GAP_PENDING[] =
    "SELECT count(*) FROM deadlines d WHERE d.fired_at IS NULL AND d.met_at IS NULL AND d.due_at >= $1::timestamptz";

/* ---- dates ---- */

int holidays_valid_date(const char *date)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, m, d, used = 0;
    if (strlen(date) != 10 || sscanf(date, "%4d-%2d-%2d%n", &y, &m, &d, &used) != 3 || used != 10 ||
        date[4] != '-' || date[7] != '-')
        return 0;
    if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return !(m == 2 && d == 29 && !leap);
}

int holidays_apply(calendar *cal, const holidays_day *days, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int y, m, d;
        if (sscanf(days[i].date, "%4d-%2d-%2d", &y, &m, &d) != 3 || calendar_set_day(cal, y, m, d, days[i].off) != 0)
            return -1;
    }
    return 0;
}

/* ---- parsing ---- */

typedef struct {
    const char *start;      /* the whole text, for line numbers */
    const char *p;
    const char *what;
    char       *err;
    size_t      errlen;
    int         entry;      /* 1-based, for messages */
} parser;

static const char *skip_ws(const char *p)
{
    return p + strspn(p, " \t\r\n");
}

/* Says why, naming the line reading stopped on and the day (the entry of
 * "days") it was reading. -1. */
static int fail(parser *ps, const char *why)
{
    int line = 1;
    for (const char *c = ps->start; c < ps->p && *c; c++)
        line += *c == '\n';
    if (ps->entry)
        snprintf(ps->err, ps->errlen, "%s 第 %d 行，第 %d 天：%s", ps->what, line, ps->entry, why);
    else
        snprintf(ps->err, ps->errlen, "%s 第 %d 行：%s", ps->what, line, why);
    return -1;
}

/* Reads the JSON string at ps->p (its opening quote) into dst, cut to cap at
 * a character boundary. 0 or -1. */
static int read_string(parser *ps, char *dst, size_t cap)
{
    static const char ESC_IN[] = "\"\\/bfnrt", ESC_OUT[] = "\"\\/\b\f\n\r\t";
    size_t len = 0;
    const char *p = ps->p + 1;
    dst[0] = '\0';
    while (*p && *p != '"') {
        unsigned cp = (unsigned char)*p++;
        if (cp == '\\') {
            const char *e = *p ? strchr(ESC_IN, *p) : NULL;
            unsigned u;
            if (e) {
                cp = (unsigned char)ESC_OUT[e - ESC_IN];
                p++;
            } else if (*p == 'u' && sscanf(p + 1, "%4x", &u) == 1 && strspn(p + 1, "0123456789abcdefABCDEF") >= 4) {
                cp = u >= 0xD800 && u < 0xE000 ? '?' : u;
                p += 5;
            } else {
                return fail(ps, "字符串里有写错的转义（\\ 后只能跟 \" \\ / b f n r t 或 u 加四位十六进制数）");
            }
            text_utf8_append(dst, cap, &len, cp);
        } else if (len + 1 < cap) {
            dst[len++] = (char)cp;
            dst[len] = '\0';
        }
    }
    if (*p != '"')
        return fail(ps, "字符串缺少结尾的引号");
    text_utf8_cut(dst);     /* a long name cut inside a character would not be UTF-8 */
    ps->p = p + 1;
    return 0;
}

/* One value of a day's field: a string into str, true/false into *flag (1/0), anything else skipped. */
static int read_value(parser *ps, char *str, size_t cap, int *flag)
{
    const char *p = skip_ws(ps->p);
    *flag = -1;
    str[0] = '\0';
    ps->p = p;
    if (*p == '"')
        return read_string(ps, str, cap);
    if (strncmp(p, "true", 4) == 0 || strncmp(p, "false", 5) == 0) {
        *flag = *p == 't';
        ps->p = p + (*p == 't' ? 4 : 5);
        return 0;
    }
    if (*p == '{' || *p == '[' || !*p)
        return fail(ps, "每一天的值只能是字符串、true/false 或数字");
    ps->p = p + strcspn(p, ",}");
    return 0;
}

/* Reads one day object at ps->p (its '{') into *day. 0 or -1. */
static int read_day(parser *ps, holidays_day *day)
{
    char key[32], value[64], date[64] = "";
    int flag, have_off = 0;
    memset(day, 0, sizeof *day);
    ps->p = skip_ws(ps->p + 1);
    while (*ps->p == '"') {
        if (read_string(ps, key, sizeof key) < 0)
            return -1;
        ps->p = skip_ws(ps->p);
        if (*ps->p != ':')
            return fail(ps, "键的后面应是英文冒号（\"date\": \"2027-01-01\"）");
        ps->p++;
        if (read_value(ps, value, sizeof value, &flag) < 0)
            return -1;
        if (strcmp(key, "date") == 0)
            snprintf(date, sizeof date, "%s", value);
        else if (strcmp(key, "name") == 0)
            snprintf(day->name, sizeof day->name, "%s", value);
        else if (strcmp(key, "isOffDay") == 0 && flag >= 0) {
            day->off = flag;
            have_off = 1;
        }
        ps->p = skip_ws(ps->p);
        if (*ps->p == ',')
            ps->p = skip_ws(ps->p + 1);
    }
    if (*ps->p != '}')
        return fail(ps, "这里应是下一个键（\"name\"、\"date\"、\"isOffDay\"）或这一天结尾的 }：是不是少了逗号或引号？");
    ps->p++;
    if (!holidays_valid_date(date))
        return fail(ps, "缺少 \"date\" 或不是日期（应写 YYYY-MM-DD）");
    memcpy(day->date, date, sizeof day->date);
    if (!have_off)
        return fail(ps, "缺少 \"isOffDay\"（true：放假；false：调休上班）");
    return 0;
}

/* Appends a day to the list. 0 or -1 (out of memory). */
static int push(holidays_day **days, size_t *n, size_t *cap, const holidays_day *d)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 64;
        holidays_day *grown = realloc(*days, c * sizeof *grown);
        if (!grown)
            return -1;
        *days = grown;
        *cap = c;
    }
    (*days)[(*n)++] = *d;
    return 0;
}

static int parse_into(parser *ps, holidays_day **days, size_t *n)
{
    size_t cap = *n;
    const char *a = strstr(ps->p, "\"days\"");
    if (!a)
        return fail(ps, "没有 \"days\" 数组：不是 holiday-cn 格式的节假日文件？");
    ps->p = skip_ws(a + 6);
    if (*ps->p != ':' || *(ps->p = skip_ws(ps->p + 1)) != '[')
        return fail(ps, "\"days\" 不是数组");
    ps->p = skip_ws(ps->p + 1);
    while (*ps->p == '{') {
        holidays_day d;
        ps->entry++;
        if (read_day(ps, &d) < 0)
            return -1;
        if (push(days, n, &cap, &d) < 0)
            return fail(ps, "内存不足");
        ps->p = skip_ws(ps->p);
        if (*ps->p == ',')
            ps->p = skip_ws(ps->p + 1);
    }
    ps->entry = 0;
    return *ps->p == ']' ? 0 : fail(ps, "\"days\" 数组没有结束，或其中有一项不是 {…} 对象");
}

/* holidays_parse() appending to a list that may hold days already. */
static int parse_append(const char *text, const char *what, holidays_day **days, size_t *n, char *err,
                        size_t errlen)
{
    parser ps = {.start = text, .p = text, .what = what, .err = err, .errlen = errlen};
    return parse_into(&ps, days, n);
}

int holidays_parse(const char *text, const char *what, holidays_day **days, size_t *n, char *err, size_t errlen)
{
    *days = NULL;
    *n = 0;
    if (parse_append(text, what, days, n, err, errlen) == 0)
        return 0;
    free(*days);
    *days = NULL;
    *n = 0;
    return -1;
}

char *holidays_read_text(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s：打不开（没有这个文件，或没有读的权限）", path);
        return NULL;
    }
    char *text = NULL;
    long size = -1;
    if (fseek(f, 0, SEEK_END) == 0)
        size = ftell(f);
    if (size < 0 || size > MAX_FILE_BYTES || fseek(f, 0, SEEK_SET) != 0) {
        snprintf(err, errlen, "%s：读不了，或大于 1 MiB（节假日文件只有几 KB）", path);
    } else if (!(text = malloc((size_t)size + 1)) || fread(text, 1, (size_t)size, f) != (size_t)size) {
        snprintf(err, errlen, "%s：读取失败", path);
        free(text);
        text = NULL;
    } else {
        text[size] = '\0';
    }
    fclose(f);
    return text;
}

/* The number after the first top-level-looking "key": in text, or 0. */
static long number_of(const char *text, const char *key)
{
    for (const char *p = text; (p = strstr(p, key)); p += strlen(key)) {
        const char *v = skip_ws(p + strlen(key));
        if (*v == ':')
            return strtol(skip_ws(v + 1), NULL, 10);
    }
    return 0;
}

/* 1 when text has a "papers" array that names at least one paper. */
static int has_papers(const char *text)
{
    for (const char *p = text; (p = strstr(p, "\"papers\"")); p += 8) {
        const char *v = skip_ws(p + 8);
        if (*v == ':' && *(v = skip_ws(v + 1)) == '[' && *skip_ws(v + 1) == '"')
            return 1;
    }
    return 0;
}

/* The holidays every year's notice gives days off for, as its names hold them
 * (a day may hold two: 国庆节、中秋节). */
static const char *const OFFICIAL[] = {"元旦", "春节", "清明", "劳动节", "端午", "中秋", "国庆"};

/* Appends "、name" (or "name" first) to buf. */
static void add_word(char *buf, size_t cap, const char *name)
{
    size_t len = strlen(buf);
    snprintf(buf + len, cap - len, "%s%s", len ? "、" : "", name);
}

int holidays_notice_check(const char *text, const holidays_day *days, size_t n, char *buf, size_t cap)
{
    char prefix[8], lacking[128] = "";
    long y = number_of(text, "\"year\"");
    int year = y >= 1970 && y <= 9999 ? (int)y : 0, off = 0;
    buf[0] = '\0';
    if (!year) {
        snprintf(buf, cap, "没有写明是哪一年的通知（\"year\"）");
        return 0;
    }
    snprintf(prefix, sizeof prefix, "%04d-", year);
    for (size_t k = 0; k < sizeof OFFICIAL / sizeof OFFICIAL[0]; k++) {
        int found = 0;
        for (size_t i = 0; i < n && !found; i++)
            found = days[i].off && strncmp(days[i].date, prefix, 5) == 0 && strstr(days[i].name, OFFICIAL[k]);
        if (!found)
            add_word(lacking, sizeof lacking, OFFICIAL[k]);
    }
    for (size_t i = 0; i < n; i++)
        off += days[i].off && strncmp(days[i].date, prefix, 5) == 0;
    if (!has_papers(text))
        snprintf(buf, cap, "没有通知的出处（\"papers\"）");
    if (*lacking) {
        size_t len = strlen(buf);
        if (off)
            snprintf(buf + len, cap - len, "%s没有%s的放假日子", len ? "，" : "", lacking);
        else
            snprintf(buf + len, cap - len, "%s没有 %d 年放假的日子", len ? "，" : "", year);
    }
    return year;
}

int holidays_notice_year(const char *text, const holidays_day *days, size_t n)
{
    char why[256];
    int year = holidays_notice_check(text, days, n, why, sizeof why);
    return *why ? 0 : year;
}

/* Reads path and appends its days; *year, when not NULL, gets the year it is
 * the notice of (holidays_notice_year). 0 or -1 with err. */
static int read_append(const char *path, holidays_day **days, size_t *n, int *year, char *err, size_t errlen)
{
    size_t before = *n;
    char *text = holidays_read_text(path, err, errlen);
    if (!text)
        return -1;
    int rc = parse_append(text, path, days, n, err, errlen);
    if (rc == 0 && year)
        *year = holidays_notice_year(text, *days + before, *n - before);
    free(text);
    return rc;
}

int holidays_read_file(const char *path, holidays_day **days, size_t *n, char *err, size_t errlen)
{
    *days = NULL;
    *n = 0;
    if (read_append(path, days, n, NULL, err, errlen) == 0)
        return 0;
    free(*days);
    *days = NULL;
    *n = 0;
    return -1;
}

static int is_year_file(const char *name)
{
    return strlen(name) == 9 && strspn(name, "0123456789") == 4 && strcmp(name + 4, ".json") == 0;
}

int holidays_read_dir(const char *dir, holidays_day **days, size_t *n, int *files, int **years, size_t *nyears,
                      char *err, size_t errlen)
{
    struct dirent **list = NULL;
    int count = scandir(dir, &list, NULL, alphasort), rc = 0;
    *days = NULL;
    *n = 0;
    *files = 0;
    *nyears = 0;
    if (count < 0) {
        *years = NULL;
        snprintf(err, errlen, "%s：读不了这个目录", dir);
        return -1;
    }
    if (!(*years = calloc((size_t)count + 1, sizeof **years))) {
        snprintf(err, errlen, "%s：内存不足", dir);
        rc = -1;
    }
    for (int i = 0; i < count; i++) {
        if (rc == 0 && is_year_file(list[i]->d_name)) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", dir, list[i]->d_name);
            rc = read_append(path, days, n, &(*years)[*nyears], err, errlen);
            *files += rc == 0;
            *nyears += rc == 0 && (*years)[*nyears] > 0;
        }
        free(list[i]);
    }
    free(list);
    if (rc != 0) {
        free(*days);
        free(*years);
        *days = NULL;
        *years = NULL;
        *n = *nyears = 0;
    }
    return rc;
}

/* ---- PostgreSQL ---- */

long holidays_store(PGconn *pg, const holidays_day *days, size_t n, const char *source, int overwrite,
                    char *err, size_t errlen)
{
    sqlarr a[3] = {{0}};
    char why[256];
    long changed = -1;
    const char *params[5];
    int ok = 1;
    for (size_t i = 0; i < n && ok; i++)
        ok = sqlarr_add_text(&a[0], days[i].date) == 0 && sqlarr_add(&a[1], days[i].off ? "t" : "f") == 0 &&
             sqlarr_add_text(&a[2], days[i].name) == 0;
    for (int i = 0; i < 3 && ok; i++)
        ok = (params[i] = n ? sqlarr_text(&a[i]) : "{}") != NULL;
    params[3] = source;
    params[4] = overwrite ? "t" : "f";
    if (!ok)
        snprintf(err, errlen, "存入 %s 的 %zu 天：内存不足", source, n);
    else if (db_command(pg, "store holidays", SQL_STORE, 5, params, &changed, why, sizeof why) != 0)
        snprintf(err, errlen, "存入 %s 的 %zu 天时 PostgreSQL 出错（它的原话：%s）", source, n, why);
    for (int i = 0; i < 3; i++)
        sqlarr_free(&a[i]);
    return ok ? changed : -1;
}

int holidays_complete(PGconn *pg, int year, const char *source, char *err, size_t errlen)
{
    char y[16], why[256];
    long added = -1;
    snprintf(y, sizeof y, "%d", year);
    const char *params[] = {y, source};
    if (db_command(pg, "complete a holiday year", SQL_COMPLETE, 2, params, &added, why, sizeof why) != 0) {
        snprintf(err, errlen, "记下 %d 年的节假日安排已完整时 PostgreSQL 出错（它的原话：%s）", year, why);
        return -1;
    }
    return added > 0;
}

long holidays_load(PGconn *pg, calendar *cal, char *err, size_t errlen)
{
    char why[256];
    PGresult *res = db_query(pg, "load holidays", SQL_LOAD, 0, NULL, why, sizeof why);
    if (!res) {
        snprintf(err, errlen, "calendar: reading table holidays: %s", why);
        return -1;
    }
    long n = PQntuples(res);
    for (int i = 0; i < (int)n; i++) {
        if (calendar_set_day(cal, atoi(PQgetvalue(res, i, L_YEAR)), atoi(PQgetvalue(res, i, L_MONTH)),
                             atoi(PQgetvalue(res, i, L_DAY)), strcmp(PQgetvalue(res, i, L_OFF), "t") == 0) != 0) {
            snprintf(err, errlen, "calendar: out of memory for %ld holidays", n);
            n = -1;
            break;
        }
    }
    PQclear(res);
    return n;
}

calendar *holidays_calendar(PGconn *pg, const config *cfg, int *day_minutes, char *err, size_t errlen)
{
    calendar *cal = calendar_from_config(cfg, day_minutes, err, errlen);
    if (cal && holidays_load(pg, cal, err, errlen) < 0)
        calendar_destroy(&cal);
    return cal;
}

int holidays_years(PGconn *pg, holidays_year **years, size_t *n, char *err, size_t errlen)
{
    char why[256];
    PGresult *res = db_query(pg, "holiday years", SQL_YEARS, 0, NULL, why, sizeof why);
    *years = NULL;
    *n = 0;
    if (!res) {
        snprintf(err, errlen, "calendar: reading table holidays: %s", why);
        return -1;
    }
    int rows = PQntuples(res);
    if (rows > 0 && !(*years = calloc((size_t)rows, sizeof **years))) {
        snprintf(err, errlen, "calendar: out of memory");
        PQclear(res);
        return -1;
    }
    for (int i = 0; i < rows; i++)
        (*years)[(*n)++] = (holidays_year){atoi(PQgetvalue(res, i, Y_YEAR)), atoi(PQgetvalue(res, i, Y_OFF)),
                                           atoi(PQgetvalue(res, i, Y_WORK)),
                                           strcmp(PQgetvalue(res, i, Y_COMPLETE), "t") == 0};
    PQclear(res);
    return 0;
}

int holidays_version(PGconn *pg, char *buf, size_t cap, char *err, size_t errlen)
{
    char why[256];
    PGresult *res = db_query_prepared(pg, "holidays_version", SQL_VERSION, 0, NULL, why, sizeof why);
    if (!res) {
        snprintf(err, errlen, "calendar: reading table holidays: %s", why);
        return -1;
    }
    snprintf(buf, cap, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    return 0;
}

int holidays_gap_check(PGconn *pg, int64_t now_s, int utc_offset_min, holidays_gap *gap, char *err,
                       size_t errlen)
{
    char now[32], offset[16], why[256];
    snprintf(now, sizeof now, "%lld", (long long)now_s);
    snprintf(offset, sizeof offset, "%d", utc_offset_min);
    const char *params[] = {now, offset};
    PGresult *res = db_query(pg, "holidays gap", SQL_GAP, 2, params, why, sizeof why);
    if (!res) {
        snprintf(err, errlen, "calendar: checking table holidays: %s", why);
        return -1;
    }
    memset(gap, 0, sizeof *gap);
    gap->year = atoi(PQgetvalue(res, 0, G_YEAR));
    gap->soon = strcmp(PQgetvalue(res, 0, G_SOON), "t") == 0;
    gap->days = atol(PQgetvalue(res, 0, G_DAYS));
    const char *from[] = {PQgetvalue(res, 0, G_FROM)};
    PGresult *pending = db_query(pg, "holidays gap pending", SQL_GAP_PENDING, 1, from, why, sizeof why);
    PQclear(res);
    if (!pending) {
        snprintf(err, errlen, "calendar: counting the deadlines past table holidays: %s", why);
        return -1;
    }
    gap->pending = atol(PQgetvalue(pending, 0, 0));
    PQclear(pending);
    return gap->soon || gap->pending > 0;
}

void holidays_gap_say(const holidays_gap *gap, char *buf, size_t cap)
{
    char pending[160] = "", state[256];
    if (gap->pending > 0)
        snprintf(pending, sizeof pending, "；有 %ld 个未到期的时限落在 %d 年或以后", gap->pending, gap->year);
    if (gap->days > 0)
        snprintf(state, sizeof state, "还没有载入完整：只录入了 %ld 天，其余的周一至周五一律按工作日算"
                 "（没有录入的节日也不例外）", gap->days);
    else
        snprintf(state, sizeof state, "还没有载入：%d 年的周一至周五一律按工作日算（元旦、春节也不例外）", gap->year);
    snprintf(buf, cap,
             "%d 年的国务院节假日安排%s%s；请载入国务院的放假通知：jiesu holidays load %d.json（holiday-cn 格式），"
             "或逐日录入（jiesu holidays add 日期 名称 --off|--work），全年录完后确认：jiesu holidays complete %d",
             gap->year, state, pending, gap->year, gap->year);
}

int holidays_warning(PGconn *pg, int64_t now_s, int utc_offset_min, char *buf, size_t cap, char *err,
                     size_t errlen)
{
    holidays_gap gap;
    int rc = holidays_gap_check(pg, now_s, utc_offset_min, &gap, err, errlen);
    buf[0] = '\0';
    if (rc > 0)
        holidays_gap_say(&gap, buf, cap);
    return rc < 0 ? -1 : 0;
}
