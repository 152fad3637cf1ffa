/* intake_row.c — row validation and normalisation into COPY text (see intake_row.h).
 *
 * A row is checked in the order a person fixing the file would want: what the
 * CSV reader found wrong, stray fields, then each required field, then the
 * optional ones that have a format (coordinates). The first problem is the
 * one reported, with the column's header as the file names it: in 列 and
 * in the reason, which says what to do (a 问政 file's bad 留言时间 is its
 * 留言时间, not the 来电时间 the system calls it). A field made of several
 * columns is named by all of them, with its value as joined.
 */
#include "intake_row.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "intake_dates.h"
#include "intake_profile.h"
#include "text.h"

#define NAMED_BYTES 512

struct intake_row {
    csv_options  limits;
    char        *norm;      /* normalised fields, each NUL-terminated */
    size_t       norm_cap;
    char        *extra;     /* extra columns as JSON */
    size_t       extra_cap;
    char        *line;      /* the COPY line */
    size_t       line_cap;
    char        *taken;     /* per column: its value went into a field of this row */
    size_t       taken_cap;
    const char  *val[COL_COUNT];    /* the values of that line: in norm, or below */
    char         when[32], lon[32], lat[32];
    intake_time  called;            /* called_at as read */
    char         named[NAMED_BYTES]; /* the columns of the field at fault, as the header names them */
    intake_door  door;              /* whose clerk reads the reasons: what they teach */
};

intake_row *intake_row_new(const csv_options *limits, intake_door door)
{
    intake_row *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->door = door;
    if (limits)
        self->limits = *limits;
    return self;
}

void intake_row_destroy(intake_row **self)
{
    if (!self || !*self)
        return;
    free((*self)->norm);
    free((*self)->extra);
    free((*self)->line);
    free((*self)->taken);
    free(*self);
    *self = NULL;
}

static int grow(char **buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : 1024;
    while (n < need)
        n *= 2;
    char *p = realloc(*buf, n);
    if (!p)
        return -1;
    *buf = p;
    *cap = n;
    return 0;
}

int intake_is_scientific(const char *s)
{
    const char *p = s;
    if (*p < '0' || *p > '9')
        return 0;
    while (*p >= '0' && *p <= '9')
        p++;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++)
            ;
    if (*p != 'E' && *p != 'e')
        return 0;
    p++;
    if (*p == '+' || *p == '-')
        p++;
    if (*p < '0' || *p > '9')
        return 0;
    while (*p >= '0' && *p <= '9')
        p++;
    return *p == '\0';
}

/* ---- rows ---- */

static int vreject(intake_reject *rej, const intake_columns *map, const csv_record *rec, size_t col,
                   const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

static int vreject(intake_reject *rej, const intake_columns *map, const csv_record *rec, size_t col,
                   const char *fmt, va_list ap)
{
    vsnprintf(rej->reason, sizeof rej->reason, fmt, ap);
    text_utf8_cut(rej->reason);
    rej->column = intake_columns_header(map, col);
    rej->value = col < rec->nfields ? rec->fields[col] : NULL;
    rej->value_len = col < rec->nfields ? rec->lens[col] : 0;
    return INTAKE_ROW_REJECTED;
}

static int reject(intake_reject *rej, const intake_columns *map, const csv_record *rec, size_t col,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int reject(intake_reject *rej, const intake_columns *map, const csv_record *rec, size_t col,
                  const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreject(rej, map, rec, col, fmt, ap);
    va_end(ap);
    return INTAKE_ROW_REJECTED;
}

static int blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return 0;
    return 1;
}

/* Bad bytes or a NUL in field col: where, whether the file ends there, and
 * what to do: the row exported again, or, where such rows are many (a file
 * saved in another encoding: a CP1252 CSV of a Western Windows' Excel, read
 * as UTF-8 or GB18030), the file saved as CSV UTF-8. */
static int reject_encoding(const intake_columns *map, const csv_record *rec, size_t col, intake_reject *rej)
{
    int nul;
    size_t at = csv_field_bad_char(rec, col, &nul);
    if (nul)
        return reject(rej, map, rec, col, "本字段第 %zu 个字符是空字符（字节 0，文本里不会有：导出出了错，或文件是"
                      "没有字节顺序标记的 UTF-16 文本）（这一行未导入，文件其余部分照常读取；请重新导出这一行，"
                      "或在 Excel 里另存为“CSV UTF-8”后再导入）", at);
    if (rec->cut && col + 1 == rec->nfields && at && at == text_utf8_chars(rec->fields[col], rec->lens[col]))
        return reject(rej, map, rec, col, "文件在本字段第 %zu 个字符处、一个字的中间结束：文件被截断了？"
                      "（文件其余部分照常读取；请重新导出这一行）", at);
    if (rec->encoding == CSV_ENC_UTF16LE || rec->encoding == CSV_ENC_UTF16BE)
        return reject(rej, map, rec, col, "本字段第 %zu 个字符不完整：文件是 UTF-16 文本，生僻字和表情符号"
                      "在其中分成两半存，这里只有一半（这一行未导入，文件其余部分照常读取；请在 Excel 里"
                      "改好或删掉这个字，另存后再导入这个文件即可，已存的行算作重复）", at);
    return reject(rej, map, rec, col, "本字段第 %zu 个字符起不是 %s 文本（这一行未导入，文件其余部分照常读取）："
                  "请在原系统重新导出这一行；这样的行多，多半是文件用别的编码另存过（如西文 Windows 的 Excel 存的 CSV），"
                  "请另存为“CSV UTF-8（逗号分隔）”后再导入，已存的行算作重复", at,
                  csv_encoding_name(rec->encoding == CSV_ENC_UTF8_BOM ? CSV_ENC_UTF8 : rec->encoding));
}

static int reject_csv(const intake_row *self, const intake_columns *map, const csv_record *rec,
                      intake_reject *rej)
{
#define MEND_AND_AGAIN "（这一行未导入，其余行照常读取；改好后再导入这个文件即可，已存的行算作重复）"
    const csv_options *lim = &self->limits;
    size_t col = rec->bad_field;
    if (rec->why)
        return reject(rej, map, rec, col, "%s" MEND_AND_AGAIN, rec->why);
    switch (rec->status) {
    case CSV_ERR_FIELD_TOO_LONG:
        return reject(rej, map, rec, col, "超过 %zu 个字符：请删短到 %zu 个字符以内" MEND_AND_AGAIN,
                      lim->max_field, lim->max_field);
    case CSV_ERR_RECORD_TOO_LONG:
        return reject(rej, map, rec, col, "这一行超过 %zu 字节：请删短其中过长的字段" MEND_AND_AGAIN, lim->max_record);
    case CSV_ERR_TOO_MANY_FIELDS:
        return reject(rej, map, rec, col, "超过 %zu 个字段：请删掉多余的列" MEND_AND_AGAIN, lim->max_fields);
    case CSV_ERR_UNTERMINATED_QUOTE:
        if (rec->cut)
            return reject(rej, map, rec, col, "文件在第 %llu 行起的引号里、这个字段的中间结束：文件被截断了？这一行未导入，"
                          "其余行照常读取；请重新导出完整的文件再导入，已存的行算作重复（文件若是完整的，就是这个引号多余："
                          "删掉它或补上闭合的引号）", (unsigned long long)rec->quote_line);
        return reject(rej, map, rec, col, "第 %llu 行的引号到文件末尾都没有闭合：这一行未导入，其后的行照常读取；"
                      "请删掉这个引号或补上闭合的引号，再重新导入这一行", (unsigned long long)rec->quote_line);
    case CSV_ERR_UNPAIRED_QUOTE:
        return reject(rej, map, rec, col, "第 %llu 行的引号没有配对（其后几行被当成了这个字段的内容）：这一行未导入，"
                      "其后的行照常读取；请删掉这个引号，或在字段末尾补上引号（字段里的引号要写成两个 \"\"），"
                      "再重新导入这一行", (unsigned long long)rec->quote_line);
    case CSV_ERR_ENCODING:
        return reject_encoding(map, rec, col, rej);
    default:
        return reject(rej, map, rec, col, "%s", csv_status_text(rec->status));
    }
#undef MEND_AND_AGAIN
}

/* The alternative of field f this row takes: the first whose first column
 * is not blank in it, else the first. */
static size_t alternative(const intake_columns *map, const csv_record *rec, intake_field f)
{
    size_t n = intake_columns_alternatives(map, f);
    for (size_t a = 0; a < n; a++) {
        const int *cols;
        intake_columns_of(map, f, a, &cols);
        size_t c = (size_t)cols[0];
        if (c < rec->nfields && !blank(rec->fields[c], rec->lens[c]))
            return a;
    }
    return 0;
}

/* Normalises field f (its columns' values joined) into self->norm at *at. */
static void normalise_field(intake_row *self, const intake_columns *map, const csv_record *rec, intake_field f,
                            size_t *at)
{
    const int *cols;
    size_t ncols = intake_columns_of(map, f, alternative(map, rec, f), &cols), start = *at;
    const char *join = intake_columns_join(map, f);
    size_t jlen = strlen(join);
    for (size_t i = 0; i < ncols; i++) {
        size_t c = (size_t)cols[i], len = c < rec->nfields ? rec->lens[c] : 0;
        if (c < rec->nfields)
            self->taken[c] = 1;
        char *dst = self->norm + *at + (*at > start ? jlen : 0);
        size_t n = len ? text_normalize(dst, len + 1, rec->fields[c], len) : 0;
        if (n == (size_t)-1) {          /* cannot happen (normalising never lengthens); keep the text */
            memcpy(dst, rec->fields[c], len);
            n = len;
        }
        if (n == 0)
            continue;
        if (*at > start) {              /* a value before this one: the join goes between */
            memcpy(self->norm + *at, join, jlen);
            *at += jlen;
        }
        *at += n;
    }
    self->norm[(*at)++] = '\0';
}

/* Normalises every mapped field into self->norm; self->val[f] is "" when absent. */
static int normalise_fields(intake_row *self, const intake_columns *map, const csv_record *rec)
{
    size_t need = COL_COUNT + 1, at = 0, offs[COL_COUNT];
    for (int f = 0; f < COL_COUNT; f++) {
        size_t longest = 0, jlen = strlen(intake_columns_join(map, (intake_field)f));
        for (size_t a = 0; a < intake_columns_alternatives(map, (intake_field)f); a++) {
            const int *cols;
            size_t ncols = intake_columns_of(map, (intake_field)f, a, &cols), sum = 0;
            for (size_t i = 0; i < ncols; i++)
                sum += ((size_t)cols[i] < rec->nfields ? rec->lens[cols[i]] : 0) + 1 + jlen;
            if (sum > longest)
                longest = sum;
        }
        need += longest;
    }
    if (grow(&self->norm, &self->norm_cap, need) < 0
        || grow(&self->taken, &self->taken_cap, rec->nfields + 1) < 0)
        return -1;
    memset(self->taken, 0, rec->nfields + 1);
    for (int f = 0; f < COL_COUNT; f++) {
        offs[f] = at;
        normalise_field(self, map, rec, (intake_field)f, &at);
    }
    for (int f = 0; f < COL_COUNT; f++)
        self->val[f] = self->norm + offs[f];
    return 0;
}

/* Checks a coordinate in [-limit, limit] and writes it into out as the file
 * gives it, every digit kept ("" when empty; a longer one than fits, at
 * double precision). 0 or -1. */
static int coordinate(const char *s, double limit, char out[32])
{
    out[0] = '\0';
    if (!*s)
        return 0;
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || strspn(s, "0123456789.+-eE") != strlen(s) || !isfinite(v) || fabs(v) > limit)
        return -1;          /* decimal only: strtod's hex and "nan" are no coordinates for PostgreSQL */
    if (strlen(s) < 32)
        memcpy(out, s, strlen(s) + 1);
    else
        snprintf(out, 32, "%.17g", v);
    return 0;
}

/* The column of field f, its first alternative's first (-1 when unmapped). */
static size_t column_of(const intake_columns *map, intake_field f)
{
    int c = intake_columns_index(map, f);
    return c >= 0 ? (size_t)c : (size_t)-1;
}

/* The columns of field f this row takes (cols), how many. */
static size_t columns_taken(const intake_columns *map, const csv_record *rec, intake_field f, const int **cols)
{
    return intake_columns_of(map, f, alternative(map, rec, f), cols);
}

static int reject_field(intake_row *self, intake_reject *rej, const intake_columns *map, const csv_record *rec,
                        intake_field f, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Rejects the row for field f, its columns named as the header names them
 * in self->named ("留言详情"; "留言主题、留言详情" for a field of several),
 * which the reason's arguments may give: 列 those columns, 原值 its value
 * (of several columns, as joined). */
static int reject_field(intake_row *self, intake_reject *rej, const intake_columns *map, const csv_record *rec,
                        intake_field f, const char *fmt, ...)
{
    const int *cols;
    size_t n = columns_taken(map, rec, f, &cols), at = 0;
    self->named[0] = '\0';
    for (size_t i = 0; i < n && at < sizeof self->named; i++) {
        int w = snprintf(self->named + at, sizeof self->named - at, "%s%s", i ? "、" : "",
                         intake_columns_header(map, (size_t)cols[i]));
        at += w > 0 ? (size_t)w : 0;
    }
    text_utf8_cut(self->named);
    va_list ap;
    va_start(ap, fmt);
    vreject(rej, map, rec, n ? (size_t)cols[0] : (size_t)-1, fmt, ap);
    va_end(ap);
    rej->column = self->named;
    if (n > 1) {
        rej->value = self->val[f];
        rej->value_len = strlen(self->val[f]);
    }
    return INTAKE_ROW_REJECTED;
}

/* A row whose ticket number and call time are their columns' headers: the
 * header again, where exports were joined one after another. */
static int header_again(const intake_row *self, const intake_columns *map)
{
    static const intake_field named[] = {COL_TICKET_NO, COL_CALLED_AT};
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
        size_t c = column_of(map, named[i]);
        if (c == (size_t)-1 || strcmp(self->val[named[i]], intake_columns_header(map, c)) != 0)
            return 0;
    }
    return 1;
}

/* 1 when the row's call time comes from a workbook's date cell, which
 * intake_source.c wrote as 2019-05-10 14:56:53 whatever the profile's
 * formats: a date, not text to be read in them. */
static int from_date_cell(const intake_columns *map, const csv_record *rec)
{
    const int *cols;
    size_t n = intake_columns_of(map, COL_CALLED_AT, alternative(map, rec, COL_CALLED_AT), &cols);
    for (size_t i = 0; rec->dates && i < n; i++)
        if ((size_t)cols[i] < rec->nfields && rec->dates[cols[i]])
            return 1;
    return 0;
}

/* "导入模板 12345 的 dates = ymd cn excel 里没有" at the terminal, where the
 * clerk writes profiles; "导入模板 12345 不认" on the page, which names no key. */
static const char *lacks(const intake_row *self, const intake_profile *p, const char *have, char out[160])
{
    if (self->door == INTAKE_ON_PAGE)
        snprintf(out, 160, "导入模板 %s 不认", p->name);
    else
        snprintf(out, 160, "导入模板 %s 的 dates = %s 里没有", p->name, have);
    return out;
}

/* Rejects a call time no format of the profile reads. When another format
 * reads it, it is written so and the profile lacks that format (a copy of
 * 12345's, ymd, for an American export's 05/01/2022 12:03:45 AM): the
 * format is named with the profile's dates = line that would read it, to be
 * written once (on the page, the administrator asked to make the profile
 * read it: intake_profile_say_change), where checking each row with the
 * exporting system (as for a value no format reads) would not have helped.
 * mdy and dmy both reading it, the clerk is to ask which the system writes. */
static int reject_unread_time(intake_row *self, const intake_columns *map, const csv_record *rec,
                              intake_reject *rej)
{
    const char *val = self->val[COL_CALLED_AT], *named = self->named;   /* as in check_fields() */
    const intake_profile *p = intake_columns_profile(map);
    unsigned other = intake_date_other_formats(val, strlen(val), p->dates);
    char have[60], mdy[40], dmy[40], line[200], change[400], not_in[160];
    intake_date_formats_text(p->dates, DATES_AS_NAMES, have, sizeof have);
    intake_date_formats_text(DATES_MDY, DATES_AS_TITLES, mdy, sizeof mdy);
    intake_date_formats_text(DATES_DMY, DATES_AS_TITLES, dmy, sizeof dmy);
    if (intake_date_two_digit_year(val, strlen(val)))
        return reject_field(self, rej, map, rec, COL_CALLED_AT, "年份只写了两位（“%s”这样的写法）：是哪个世纪、哪个数是年，"
                            "都只能猜，所以不读。请让原系统导出四位数年份的时间（如 2022-05-01 08:30 或 05/01/2022 08:30）；"
                            "文件在 Excel 里打开、另存过的，多半是 Excel 按单元格格式写成了两位：把这一列的单元格格式设为 "
                            "yyyy-mm-dd hh:mm 后再另存、导入", val);
    if (other & DATES_EPOCH) {
        intake_time t;
        char utc[32];
        intake_date_parse(val, strlen(val), DATES_EPOCH, &t);
        intake_date_text(&t, utc);
        utc[19] = '\0';
        snprintf(line, sizeof line, "dates = %s epoch", have);
        intake_profile_say_change(self->door, p->name, line, "也读 Unix 时间戳", change, sizeof change);
        return reject_field(self, rej, map, rec, COL_CALLED_AT, "是 Unix 时间戳（1970-01-01 UTC 起的%s数，“%s”即 %s UTC），"
                            "%s这种写法：文件里的时间都这样写的话，%s（时间戳本身就是 UTC 的时刻，不按模板的时区换算）；"
                            "或请原系统导出看得懂的日期时间", strlen(val) > 10 ? "毫秒" : "秒", val, utc,
                            lacks(self, p, have, not_in), change);
    }
    if ((other & (DATES_MDY | DATES_DMY)) == (DATES_MDY | DATES_DMY)) {
        snprintf(line, sizeof line, "dates = %s mdy 或 dates = %s dmy", have, have);
        intake_profile_say_change(self->door, p->name, line, "按原系统的写法读月和日", change, sizeof change);
        return reject_field(self, rej, map, rec, COL_CALLED_AT, "是“%s”或“%s”这种写法，%s：问清原系统先写月还是先写日，%s",
                            mdy, dmy, lacks(self, p, have, not_in), change);
    }
    if (other) {
        unsigned first = other & -other;
        char title[60], name[20];
        intake_date_formats_text(first, DATES_AS_TITLES, title, sizeof title);
        intake_date_formats_text(first, DATES_AS_NAMES, name, sizeof name);
        snprintf(line, sizeof line, "dates = %s %s", have, name);
        intake_profile_say_change(self->door, p->name, line, "也读这种写法", change, sizeof change);
        return reject_field(self, rej, map, rec, COL_CALLED_AT, "是“%s”这种写法，%s：文件里的时间都这样写的话，%s", title,
                            lacks(self, p, have, not_in), change);
    }
    char formats[300];
    intake_date_formats_text(p->dates, DATES_AS_TITLES, formats, sizeof formats);
    return reject_field(self, rej, map, rec, COL_CALLED_AT, "不是导入模板 %s 认得的日期时间写法（%s，"
                        "日期后可带时、分、秒）：请向原系统核对这一行的%s", p->name, formats, named);
}

/* Reads the call time into self->called and self->when; 0, else INTAKE_ROW_REJECTED. */
static int check_called(intake_row *self, const intake_columns *map, const csv_record *rec, intake_reject *rej)
{
    const char *val = self->val[COL_CALLED_AT], *named = self->named;   /* as in check_fields() */
    const intake_profile *p = intake_columns_profile(map);
    unsigned dates = p->dates | (rec->date1904 ? DATES_1904 : 0) | (from_date_cell(map, rec) ? DATES_YMD : 0);
    int got = intake_date_parse(val, strlen(val), dates, &self->called);
    if (got == DATE_NOT_REAL)
        return reject_field(self, rej, map, rec, COL_CALLED_AT, "格式对，却不是真实的日期时间：月、日、时、分、秒"
                            "超出范围，或年份不在 1970-2099 年之间（如占位用的 01/01/1900）；请向原系统核对这一行的%s",
                            named);
    if (got < 0)
        return reject_unread_time(self, map, rec, rej);
    intake_date_text(&self->called, self->when);
    return 0;
}

/* Checks the fields; 0 when the row is good, else INTAKE_ROW_REJECTED. */
static int check_fields(intake_row *self, const intake_columns *map, const csv_record *rec, intake_reject *rej)
{
    static const intake_field required[] = {COL_TICKET_NO, COL_CALLED_AT, COL_CONTENT};
    const char **val = self->val, *named = self->named;     /* reject_field() names the field there */
    const int *cols;
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (!*val[required[i]])
            return reject_field(self, rej, map, rec, required[i], "这一行的%s%s是空的：请在原系统补上%s后再导入这一行",
                                named, columns_taken(map, rec, required[i], &cols) > 1 ? "都" : "",
                                intake_columns_field_title(required[i]));
    if (header_again(self, map))
        return reject(rej, map, rec, column_of(map, COL_TICKET_NO), "这一行又是表头（几个导出文件首尾接在一起时"
                      "留下的）：它不是工单，没有导入，不用处理；其余行照常读取");
    if (intake_is_scientific(val[COL_TICKET_NO]))
        return reject_field(self, rej, map, rec, COL_TICKET_NO, "%s是科学计数法（Excel 丢掉了其中的数字）：请把该列"
                            "设为文本后重新导出", named);
    if (strlen(val[COL_TICKET_NO]) > TEXT_TICKET_MAX)
        return reject_field(self, rej, map, rec, COL_TICKET_NO, "%s超过 %d 字节：请在原系统核对这一行的%s", named,
                            TEXT_TICKET_MAX, named);
    if (check_called(self, map, rec, rej) != 0)
        return INTAKE_ROW_REJECTED;
    static const struct {
        intake_field f;
        double       limit;
        const char  *what;
    } coords[] = {{COL_LON, 180, "经度（-180 到 180 之间的数）"}, {COL_LAT, 90, "纬度（-90 到 90 之间的数）"}};
    char *written[] = {self->lon, self->lat};
    for (size_t i = 0; i < sizeof coords / sizeof coords[0]; i++)
        if (coordinate(val[coords[i].f], coords[i].limit, written[i]) < 0)
            return reject_field(self, rej, map, rec, coords[i].f, "%s不是%s：请改正或删掉这一行的%s后再导入这一行",
                                named, coords[i].what, named);
    val[COL_CALLED_AT] = self->when;
    val[COL_LON] = self->lon;
    val[COL_LAT] = self->lat;
    return 0;
}

static int extra_json(intake_row *self, const intake_columns *map, const csv_record *rec)
{
    for (;;) {
        size_t need = intake_columns_extra_json(map, rec->fields, rec->lens, rec->nfields, self->taken, self->extra,
                                                self->extra_cap);
        if (need < self->extra_cap)
            return 0;
        if (grow(&self->extra, &self->extra_cap, need + 1) < 0)
            return -1;
    }
}

static const char *or_null(const char *s)
{
    return *s ? s : NULL;
}

/* Writes the COPY line from checked fields. 0 or -1 (out of memory). */
static int write_line(intake_row *self, const csv_record *rec, int64_t import_id, size_t *len)
{
    const char **val = self->val;
    /* address and extra are NOT NULL in complaints: '' and {} when absent. */
    const char *cols[] = {val[COL_TICKET_NO], val[COL_CALLED_AT], or_null(val[COL_CALLER_NAME]),
                          or_null(val[COL_CALLER_PHONE]), val[COL_ADDRESS],
                          val[COL_CONTENT], or_null(val[COL_CATEGORY]), or_null(val[COL_URGENCY]),
                          or_null(val[COL_LON]), or_null(val[COL_LAT]), self->extra};
    size_t need = 320 + 2 * strlen(self->extra);    /* ids, tabs */
    for (int f = 0; f < COL_COUNT; f++)
        need += 2 * strlen(val[f]) + 4;
    if (grow(&self->line, &self->line_cap, need) < 0)
        return -1;
    size_t n = (size_t)snprintf(self->line, self->line_cap, "%lld\t%llu", (long long)import_id,
                                (unsigned long long)rec->record_no);
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
        self->line[n++] = '\t';
        if (db_copy_escape(self->line, self->line_cap, &n, cols[i]) < 0)
            return -1;
    }
    self->line[n++] = '\n';
    self->line[n] = '\0';
    *len = n;
    return 0;
}

/* A last row the file ends inside of, with fewer fields than the header:
 * cut off. 1 (rejected) or 0. */
static int cut_off(const intake_columns *map, const csv_record *rec, intake_reject *rej)
{
    if (!rec->cut || rec->status != CSV_OK || rec->nfields >= intake_columns_count(map))
        return 0;
    reject(rej, map, rec, rec->nfields ? rec->nfields - 1 : 0, "文件在这一行中间结束，只有 %zu 个字段（应有 %zu 个）："
           "文件被截断了？（请重新导出这一行）", rec->nfields, intake_columns_count(map));
    return 1;
}

int intake_row_build(intake_row *self, const intake_columns *map, const csv_record *rec,
                     int64_t import_id, const char **line, size_t *len, intake_reject *rej)
{
    memset(rej, 0, sizeof *rej);
    rej->row = rec->record_no;
    rej->line = rec->line_no;
    rej->column = "";
    size_t nonblank = 0;
    for (size_t i = 0; i < rec->nfields; i++)
        nonblank += !blank(rec->fields[i], rec->lens[i]);
    if (nonblank == 0 && rec->status == CSV_OK)
        return INTAKE_ROW_EMPTY;
    if (rec->status != CSV_OK)
        return reject_csv(self, map, rec, rej);
    if (cut_off(map, rec, rej))
        return INTAKE_ROW_REJECTED;
    for (size_t i = intake_columns_count(map); i < rec->nfields; i++)
        if (!blank(rec->fields[i], rec->lens[i]))
            return reject(rej, map, rec, i, "这一行有 %zu 个字段，表头只有 %zu 个", rec->nfields,
                          intake_columns_count(map));
    if (normalise_fields(self, map, rec) < 0)
        return -1;
    int r = check_fields(self, map, rec, rej);
    if (r != 0)
        return r;
    if (extra_json(self, map, rec) < 0 || write_line(self, rec, import_id, len) < 0)
        return -1;
    *line = self->line;
    return INTAKE_ROW_OK;
}

const char *intake_row_value(const intake_row *self, intake_field f)
{
    return f < COL_COUNT && self->val[f] ? self->val[f] : "";
}

const intake_time *intake_row_called(const intake_row *self)
{
    return &self->called;
}

const char *intake_row_extra(const intake_row *self)
{
    return self->extra ? self->extra : "{}";
}
