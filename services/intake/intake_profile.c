/* intake_profile.c — parsing import profiles and reading a directory of them
 * (see intake_profile.h).
 */
#include "intake_profile.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "intake_dates.h"
#include "text.h"

#define PROFILE_MAX_BYTES (256 * 1024)
#define PROFILES_MAX 256
#define DEFAULT_JOIN "; "

static void say(char *why, size_t whylen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *why, size_t whylen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, whylen, fmt, ap);
    va_end(ap);
    text_utf8_cut(why);     /* a long line quoted in it is cut at a character: the clerk reads it */
}

size_t intake_profile_key(const char *header, size_t len, char *out, size_t outlen)
{
    char norm[512];
    size_t take = len < sizeof norm - 1 ? len : sizeof norm - 1;
    size_t n = text_normalize(norm, sizeof norm, header, take);
    size_t k = 0;
    if (n == (size_t)-1)
        n = 0;
    for (size_t i = 0; i < n && k + 1 < outlen; i++) {
        char c = norm[i];
        if (strchr(" _-.()\t", c))
            continue;
        out[k++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    if (outlen)
        out[k] = '\0';
    return k;
}

void intake_profile_destroy(intake_profile **pself)
{
    if (!pself || !*pself)
        return;
    intake_profile *self = *pself;
    for (int f = 0; f < COL_COUNT; f++) {
        for (size_t a = 0; a < self->fields[f].nalts; a++)
            for (size_t p = 0; p < self->fields[f].alts[a].nparts; p++)
                free(self->fields[f].alts[a].parts[p]);
        free(self->fields[f].join);
    }
    for (size_t i = 0; i < self->nextra; i++)
        free(self->extra[i]);
    free(self->description);
    free(self->origin);
    free(self->text);
    free(self);
    *pself = NULL;
}

/* ---- values ---- */

static char *trimmed_dup(const char *s, size_t len)
{
    while (len && isspace((unsigned char)*s)) {
        s++;
        len--;
    }
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    return strndup(s, len);
}

/* The next header of a list at *p: quoted or up to '|', '+' or the end.
 * *sep gets the character after it ('|', '+' or 0). NULL with why. */
static char *next_header(const char **p, char *sep, char *why, size_t whylen)
{
    const char *s = *p + strspn(*p, " \t");
    char *h;
    if (*s == '"') {
        const char *close = strchr(s + 1, '"');
        if (!close) {
            say(why, whylen, "引号没有闭合");
            return NULL;
        }
        h = strndup(s + 1, (size_t)(close - s - 1));
        s = close + 1 + strspn(close + 1, " \t");
        if (*s && *s != '|' && *s != '+') {
            say(why, whylen, "加引号的列名后面还有文字：“%s”", s);
            free(h);
            return NULL;
        }
    } else {
        size_t n = strcspn(s, "|+");
        h = trimmed_dup(s, n);
        s += n;
    }
    if (h && !*h) {
        say(why, whylen, "列名列表里有一个空列名");
        free(h);
        return NULL;
    }
    *sep = *s;
    *p = *s ? s + 1 : s;
    if (!h)
        say(why, whylen, "内存不足");
    return h;
}

/* "A + B | C" into the alternatives of field. 0 or -1 with why. */
static int parse_field(profile_field *field, const char *value, char *why, size_t whylen)
{
    const char *p = value;
    char sep = '|';
    if (field->nalts) {
        say(why, whylen, "写了两次");
        return -1;
    }
    while (sep) {
        if (sep == '|' && field->nalts == PROFILE_MAX_ALTS) {
            say(why, whylen, "可选列（用 | 分开）超过 %d 个", PROFILE_MAX_ALTS);
            return -1;
        }
        profile_alt *alt = &field->alts[sep == '|' ? field->nalts++ : field->nalts - 1];
        if (alt->nparts == PROFILE_MAX_PARTS) {
            say(why, whylen, "拼接的列（用 + 连接）超过 %d 个", PROFILE_MAX_PARTS);
            return -1;
        }
        char *h = next_header(&p, &sep, why, whylen);
        if (!h)
            return -1;
        alt->parts[alt->nparts++] = h;
    }
    return 0;
}

static int parse_extra(intake_profile *self, const char *value, char *why, size_t whylen)
{
    const char *p = value;
    char sep = '|';
    while (sep) {
        if (self->nextra == PROFILE_MAX_EXTRA) {
            say(why, whylen, "超过 %d 列", PROFILE_MAX_EXTRA);
            return -1;
        }
        char *h = next_header(&p, &sep, why, whylen);
        if (!h)
            return -1;
        self->extra[self->nextra++] = h;
        if (sep == '+') {
            say(why, whylen, "extra 的列用 | 分开，不用 +");
            return -1;
        }
    }
    return 0;
}

/* A quoted or bare separator text. */
static char *parse_join(const char *value)
{
    size_t n = strlen(value);
    if (n >= 2 && value[0] == '"' && value[n - 1] == '"')
        return strndup(value + 1, n - 2);
    return strdup(value);
}

static int set_encoding(intake_profile *self, const char *v, char *why, size_t whylen)
{
    if (strcasecmp(v, "auto") == 0)
        self->encoding = CSV_DETECT;
    else if (strcasecmp(v, "utf-8") == 0 || strcasecmp(v, "utf8") == 0)
        self->encoding = CSV_FORCE_UTF8;
    else if (strcasecmp(v, "gb18030") == 0 || strcasecmp(v, "gbk") == 0 || strcasecmp(v, "gb2312") == 0)
        self->encoding = CSV_FORCE_GB18030;
    else if (strcasecmp(v, "windows-1252") == 0 || strcasecmp(v, "cp1252") == 0)
        self->encoding = CSV_FORCE_CP1252;
    else {
        say(why, whylen, "编码“%s”不认识：可写 auto、utf-8、gb18030 或 windows-1252（西文，Latin-1 也按它读）", v);
        return -1;
    }
    return 0;
}

/* The field named key (with n bytes of it compared), or -1. */
static int field_named(const char *key, size_t n)
{
    for (int f = 0; f < COL_COUNT; f++) {
        const char *name = intake_columns_field_name((intake_field)f);
        if (strlen(name) == n && strncmp(name, key, n) == 0)
            return f;
    }
    return -1;
}

/* Zone names of one offset all year that a clerk writes for a place that
 * keeps summer time: the place's name to write instead. */
static const struct {
    const char *name, *offset, *place, *zone, *summer, *fixed;
} ALL_YEAR[] = {
    {"EST", "UTC-05:00", "纽约", "America/New_York", "UTC-04:00", "Etc/GMT+5"},
    {"MST", "UTC-07:00", "丹佛", "America/Denver", "UTC-06:00", "Etc/GMT+7"},
};

/* 1 with why when PostgreSQL would read zone otherwise than its writer
 * means: a POSIX offset (UTC+8, GMT-5: no '/', letters then a signed or bare
 * number), whose sign is the other way round (UTC+8 is UTC-08:00, a Chinese
 * export's times 16 hours off), or a zone of one offset all year written for
 * a place that keeps summer time (EST for New York). 0 otherwise. */
static int zone_misread(const char *zone, char *why, size_t whylen)
{
    for (size_t i = 0; i < sizeof ALL_YEAR / sizeof ALL_YEAR[0]; i++)
        if (strcmp(zone, ALL_YEAR[i].name) == 0) {
            say(why, whylen, "时区“%s”全年都是 %s，不管夏令时：%s的时间写 %s（夏天按 %s 读）；文件里的时间若真是全年不变的 "
                "%s，写 %s", zone, ALL_YEAR[i].offset, ALL_YEAR[i].place, ALL_YEAR[i].zone, ALL_YEAR[i].summer,
                ALL_YEAR[i].offset, ALL_YEAR[i].fixed);
            return 1;
        }
    size_t letters = strspn(zone, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
    const char *p = zone + letters;
    char sign = *p == '+' || *p == '-' ? *p++ : '+';
    char *end;
    long hours = strtol(p, &end, 10);
    if (strchr(zone, '/') || letters < 2 || !isdigit((unsigned char)*p) || *end || hours == 0 || hours > 14)
        return 0;
    say(why, whylen, "时区“%s”会被读成 UTC%c%02ld:00（POSIX 的写法，东西颠倒），文件里的时间会差 %ld 小时：请写地区的时区名，"
        "如北京时间 Asia/Shanghai、纽约 America/New_York", zone, sign == '+' ? '-' : '+', hours, 2 * hours);
    return 1;
}

/* One "key = value" of the profile. 0 or -1 with why. */
static int set_key(intake_profile *self, const char *key, const char *value, char *why, size_t whylen)
{
    const char *dot = strchr(key, '.');
    int f = field_named(key, dot ? (size_t)(dot - key) : strlen(key));
    if (f >= 0 && !dot)
        return parse_field(&self->fields[f], value, why, whylen);
    if (f >= 0 && strcmp(dot, ".join") == 0) {
        free(self->fields[f].join);
        return (self->fields[f].join = parse_join(value)) ? 0 : (say(why, whylen, "内存不足"), -1);
    }
    if (strcmp(key, "description") == 0) {
        free(self->description);
        return (self->description = strdup(value)) ? 0 : (say(why, whylen, "内存不足"), -1);
    }
    if (strcmp(key, "timezone") == 0) {
        if (!clock_zone_name_ok(value)) {
            say(why, whylen, "时区“%s”不是 IANA 时区名（如 Asia/Shanghai、America/New_York）", value);
            return -1;
        }
        if (zone_misread(value, why, whylen))
            return -1;
        snprintf(self->timezone, sizeof self->timezone, "%s", value);
        return 0;
    }
    if (strcmp(key, "dates") == 0)
        return intake_date_formats_parse(value, &self->dates, why, whylen);
    if (strcmp(key, "encoding") == 0)
        return set_encoding(self, value, why, whylen);
    if (strcmp(key, "extra") == 0)
        return parse_extra(self, value, why, whylen);
    say(why, whylen, "不认识的键“%s”（可用：description、timezone、dates、encoding、extra，字段 ticket_no "
                     "called_at caller_name caller_phone address content category urgency lon lat，或 字段.join）",
        key);
    return -1;
}

/* One line (comments and blank lines skipped). 0 or -1 with why. */
static int parse_line(intake_profile *self, char *line, char *why, size_t whylen)
{
    int quoted = 0;
    for (char *p = line; *p; p++) {
        if (*p == '"')
            quoted = !quoted;
        else if (*p == '#' && !quoted) {
            *p = '\0';
            break;
        }
    }
    char *eq = strchr(line, '=');
    char *key = trimmed_dup(line, eq ? (size_t)(eq - line) : strlen(line));
    char *value = eq ? trimmed_dup(eq + 1, strlen(eq + 1)) : NULL;
    int rc = 0;
    if (!key || (eq && !value)) {
        say(why, whylen, "内存不足");
        rc = -1;
    } else if (!eq && *key) {
        say(why, whylen, "“%s”不是“键 = 值”的一行", key);
        rc = -1;
    } else if (eq && !*value) {
        say(why, whylen, "%s 没有值", key);
        rc = -1;
    } else if (eq) {
        rc = set_key(self, key, value, why, whylen);
    }
    free(key);
    free(value);
    return rc;
}

/* What every profile must say. 0 or -1 with why: a field left out, the line
 * to add; the ticket number, that a file without one cannot be imported
 * (Toronto's public 311 data has none), since it keeps each order once. */
static int check_complete(const intake_profile *self, char *why, size_t whylen)
{
    static const intake_field required[] = {COL_TICKET_NO, COL_CALLED_AT, COL_CONTENT};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (!self->fields[required[i]].nalts) {
            intake_field f = required[i];
            char said[INTAKE_FIELD_SAID_BYTES];
            say(why, whylen, "必填字段 %s没有写对应的列：加一行 `%s = 列名`（文件里放%s的列；几列合成的用 + 连起来）%s",
                intake_columns_field_said(f, INTAKE_AT_TERMINAL, said), intake_columns_field_name(f),
                intake_columns_field_title(f), f == COL_TICKET_NO ? "；文件里根本没有工单编号（如多伦多 311 的公开数据）"
                "就导入不了：每件工单凭工单编号只存一次，同一个文件再导入也不会重复存" : "");
            return -1;
        }
    if (!self->timezone[0]) {
        say(why, whylen, "没有写 timezone（文件里时间所用的 IANA 时区，如 Asia/Shanghai）");
        return -1;
    }
    if (!self->dates) {
        say(why, whylen, "没有写 dates（文件里日期的格式：ymd cn mdy dmy excel epoch）");
        return -1;
    }
    return 0;
}

static int name_ok(const char *name)
{
    if (!*name || strlen(name) >= PROFILE_NAME_MAX)
        return 0;
    for (const char *p = name; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("_-.", *p))
            return 0;
    return 1;
}

/* Profile text[0..len) named name, read from origin, or NULL with reason:
 * what is wrong with it, without its name or origin. */
static intake_profile *parse_text(const char *name, const char *text, size_t len, const char *origin, char *reason,
                                  size_t reasonlen)
{
    if (!name_ok(name)) {
        say(reason, reasonlen, "“%s”不能做模板名（只可用字母、数字、_、-、.）", name);
        return NULL;
    }
    intake_profile *self = calloc(1, sizeof *self);
    char *copy = strndup(text, len);
    int rc = self && copy && (self->origin = strdup(origin)) && (self->text = strndup(text, len)) ? 0 : -1;
    if (rc < 0)
        snprintf(reason, reasonlen, "内存不足");
    else
        snprintf(self->name, sizeof self->name, "%s", name);
    if (rc == 0 && (strlen(copy) != len || !text_utf8_valid(copy, len, NULL))) {
        snprintf(reason, reasonlen, "不是 UTF-8 文本（或含 NUL 字节）：请把模板存成 UTF-8 编码");
        rc = -1;
    }
    int line_no = 0;
    for (char *line = copy, *next; rc == 0 && line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        line[strcspn(line, "\r")] = '\0';
        line_no++;
        char lwhy[300];
        if (parse_line(self, line, lwhy, sizeof lwhy) < 0) {
            snprintf(reason, reasonlen, "第 %d 行：%s", line_no, lwhy);
            rc = -1;
        }
    }
    if (rc == 0)
        rc = check_complete(self, reason, reasonlen);
    for (int f = 0; rc == 0 && f < COL_COUNT; f++)
        if (!self->fields[f].join && !(self->fields[f].join = strdup(DEFAULT_JOIN))) {
            snprintf(reason, reasonlen, "内存不足");
            rc = -1;
        }
    free(copy);
    if (rc < 0)
        intake_profile_destroy(&self);
    return self;
}

/* Why profile name read from origin is not one, reason saying what is wrong. */
static void say_unparsed(char *why, size_t whylen, const char *name, const char *origin, const char *reason)
{
    if (name_ok(name))
        say(why, whylen, "导入模板 %s（%s）：%s", name, origin, reason);
    else
        say(why, whylen, "%s：%s", origin, reason);
}

intake_profile *intake_profile_parse(const char *name, const char *text, size_t len, const char *origin,
                                     char *why, size_t whylen)
{
    char reason[400] = "";
    intake_profile *self = parse_text(name, text, len, origin, reason, sizeof reason);
    if (!self)
        say_unparsed(why, whylen, name, origin, reason);
    return self;
}

void intake_profile_say_broken(char *why, size_t whylen, const char *name, const char *problem)
{
    say(why, whylen, "导入模板 %s 有问题：%s。模板只有系统管理员能改，导入页面上改不了："
                     "请系统管理员修好导入模板 %s，再导入这个文件", name, problem, name);
}

void intake_profile_say_change(intake_door door, const char *name, const char *line, const char *what, char *out,
                               size_t outlen)
{
    if (door == INTAKE_ON_PAGE)
        say(out, outlen, "模板只有系统管理员能改，导入页面上改不了：请系统管理员让导入模板 %s %s，再导入这个文件", name, what);
    else
        say(out, outlen, "在模板的副本里写 %s，用 --profile 模板文件.conf 再导入", line);
}

char *intake_profile_alts_text(const intake_profile *self, intake_field f, char *out, size_t outlen)
{
    size_t n = 0;
    const profile_field *pf = &self->fields[f];
    out[0] = '\0';
    for (size_t a = 0; a < pf->nalts && n < outlen; a++)
        for (size_t p = 0; p < pf->alts[a].nparts && n < outlen; p++) {
            int w = snprintf(out + n, outlen - n, "%s%s", a == 0 && p == 0 ? "" : p ? " + " : " | ",
                             pf->alts[a].parts[p]);
            n += w > 0 ? (size_t)w : 0;
        }
    text_utf8_cut(out);
    return out;
}

/* ---- a directory of profiles ---- */

struct intake_profiles {
    intake_profile       *all[PROFILES_MAX];
    size_t                n;
    intake_profile_fault *faults;       /* the profiles set aside, nfaults of them */
    size_t                nfaults;
};

static int by_name(const void *a, const void *b)
{
    return strcmp((*(intake_profile *const *)a)->name, (*(intake_profile *const *)b)->name);
}

static int fault_by_name(const void *a, const void *b)
{
    return strcmp(((const intake_profile_fault *)a)->name, ((const intake_profile_fault *)b)->name);
}

/* Reads the profile file dir/file into *out: 0 with the profile, or with
 * *out NULL and fault saying why it is set aside; -1 with why when memory
 * ran out. */
static int load_file(const char *dir, const char *file, intake_profile **out, intake_profile_fault *fault,
                     char *why, size_t whylen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    memset(fault, 0, sizeof *fault);
    snprintf(fault->name, sizeof fault->name, "%.*s", (int)(strlen(file) - strlen(".conf")), file);
    say(fault->path, sizeof fault->path, "%s", path);     /* cut: the file is opened by path */
    FILE *fp = fopen(path, "r");
    char *text = fp ? malloc(PROFILE_MAX_BYTES + 1) : NULL;
    size_t len = text ? fread(text, 1, PROFILE_MAX_BYTES + 1, fp) : 0;
    int rc = 0;
    *out = NULL;
    if (!fp) {
        say(fault->problem, sizeof fault->problem, "%s", text_os_error(errno));
    } else if (!text) {
        say(why, whylen, "内存不足");
        rc = -1;
    } else if (ferror(fp) || len > PROFILE_MAX_BYTES) {
        say(fault->problem, sizeof fault->problem, "%s", ferror(fp) ? "读文件出错" : "超过 256 KiB");
    } else {
        *out = parse_text(fault->name, text, len, path, fault->problem, sizeof fault->problem);
    }
    free(text);
    if (fp)
        fclose(fp);
    return rc;
}

static int is_conf(const char *file)
{
    size_t n = strlen(file);
    return n > 5 && file[0] != '.' && strcmp(file + n - 5, ".conf") == 0;
}

/* Keeps fault among the profiles set aside. 0, or -1 when memory ran out. */
static int set_aside(intake_profiles *self, const intake_profile_fault *fault)
{
    intake_profile_fault *more = realloc(self->faults, (self->nfaults + 1) * sizeof *more);
    if (!more)
        return -1;
    self->faults = more;
    self->faults[self->nfaults++] = *fault;
    return 0;
}

/* Reads file of dir into self: used, or set aside. 0, or -1 with why. */
static int add_file(intake_profiles *self, const char *dir, const char *file, char *why, size_t whylen)
{
    intake_profile *p;
    intake_profile_fault fault;
    if (self->n + self->nfaults == PROFILES_MAX) {
        say(why, whylen, "导入模板目录 %s：模板超过 %d 个", dir, PROFILES_MAX);
        return -1;
    }
    if (load_file(dir, file, &p, &fault, why, whylen) < 0)
        return -1;
    if (!p && set_aside(self, &fault) < 0) {
        say(why, whylen, "内存不足");
        return -1;
    }
    if (p)
        self->all[self->n++] = p;
    return 0;
}

/* Why directory dir cannot be read (errno e), in words, and what to do. */
static void say_unreadable(char *why, size_t whylen, const char *dir, int e)
{
    char what[200];
    if (e == ENOENT || e == ENOTDIR || e == EACCES)
        snprintf(what, sizeof what, "%s", e == ENOENT ? "不存在" : e == ENOTDIR ? "不是目录" : "不允许工单受理服务读取");
    else
        snprintf(what, sizeof what, "读不了（%s）", text_os_error(e));
    say(why, whylen, "导入模板目录 %s %s：请管理员建好这个目录、放入导入模板（模板名.conf），或改正配置项 intake.profiles_dir",
        dir, what);
}

intake_profiles *intake_profiles_load(const char *dir, char *why, size_t whylen)
{
    DIR *d = opendir(dir);
    if (!d) {
        say_unreadable(why, whylen, dir, errno);
        return NULL;
    }
    intake_profiles *self = calloc(1, sizeof *self);
    int ok = self != NULL;
    if (!ok)
        say(why, whylen, "内存不足");
    for (struct dirent *e; ok && (e = readdir(d));)
        if (is_conf(e->d_name))
            ok = add_file(self, dir, e->d_name, why, whylen) == 0;
    closedir(d);
    if (ok && self->n + self->nfaults == 0) {
        say(why, whylen, "导入模板目录 %s 里没有 模板名.conf 文件", dir);
        ok = 0;
    }
    if (!ok) {
        intake_profiles_destroy(&self);
        return NULL;
    }
    qsort(self->all, self->n, sizeof self->all[0], by_name);
    if (self->nfaults)
        qsort(self->faults, self->nfaults, sizeof self->faults[0], fault_by_name);
    return self;
}

size_t intake_profiles_count(const intake_profiles *self)
{
    return self->n;
}

const intake_profile *intake_profiles_at(const intake_profiles *self, size_t i)
{
    return i < self->n ? self->all[i] : NULL;
}

const intake_profile *intake_profiles_find(const intake_profiles *self, const char *name)
{
    for (size_t i = 0; i < self->n; i++)
        if (strcmp(self->all[i]->name, name) == 0)
            return self->all[i];
    return NULL;
}

size_t intake_profiles_set_aside(const intake_profiles *self)
{
    return self->nfaults;
}

const intake_profile_fault *intake_profiles_fault_at(const intake_profiles *self, size_t i)
{
    return i < self->nfaults ? &self->faults[i] : NULL;
}

const intake_profile_fault *intake_profiles_fault_of(const intake_profiles *self, const char *name)
{
    for (size_t i = 0; i < self->nfaults; i++)
        if (strcmp(self->faults[i].name, name) == 0)
            return &self->faults[i];
    return NULL;
}

void intake_profile_fault_text(const intake_profile_fault *f, intake_door door, char *out, size_t outlen)
{
    if (door == INTAKE_ON_PAGE)
        intake_profile_say_broken(out, outlen, f->name, f->problem);
    else
        say(out, outlen, "导入模板 %s 有问题，暂不能用：文件 %s：%s。改好这个文件即可，不必重启工单受理服务"
                         "（每次导入都重新读模板）", f->name, f->path, f->problem);
}

size_t intake_profiles_faults_text(const intake_profiles *self, intake_door door, char *out, size_t outlen)
{
    size_t at = 0;
    char line[1800];
    if (outlen)
        out[0] = '\0';
    for (size_t i = 0; i < self->nfaults && at + 1 < outlen; i++) {
        intake_profile_fault_text(&self->faults[i], door, line, sizeof line);
        int w = snprintf(out + at, outlen - at, "%s%s", i ? "\n" : "", line);
        at += w > 0 ? (size_t)w : 0;
    }
    if (outlen)
        text_utf8_cut(out);
    return self->nfaults;
}

void intake_profiles_destroy(intake_profiles **pself)
{
    if (!pself || !*pself)
        return;
    for (size_t i = 0; i < (*pself)->n; i++)
        intake_profile_destroy(&(*pself)->all[i]);
    free((*pself)->faults);
    free(*pself);
    *pself = NULL;
}
