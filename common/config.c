/* config.c — key/value settings from a file, overridden by the environment,
 * checked against the tables of config_keys.c (see config.h).
 *
 * A service has a few dozen keys read once at start, so they live in a plain
 * array searched linearly. The environment is consulted on every lookup, not
 * copied, so a test can change a variable between two reads.
 */
#include "config.h"

#include "clock.h"
#include "proxies.h"
#include "text.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *key;
    char *value;
    char *where; /* "file:line", or "config_set" */
} config_entry;

struct config {
    config_entry *entries;
    size_t        n, cap;
    int           checked;        /* config_check() passed: utc_offset_min is set */
    int           utc_offset_min; /* of `timezone`, fixed all year (checked) */
};

config *config_new(void)
{
    return calloc(1, sizeof(config));
}

void config_destroy(config **pself)
{
    if (!pself || !*pself)
        return;
    config *self = *pself;
    for (size_t i = 0; i < self->n; i++) {
        free(self->entries[i].key);
        free(self->entries[i].value);
        free(self->entries[i].where);
    }
    free(self->entries);
    free(self);
    *pself = NULL;
}

/* Sets key to value, remembering where it was set. 0 or -1 (out of memory). */
static int set_at(config *self, const char *key, const char *value, const char *where)
{
    if (!key || !*key || !value)
        return -1;
    self->checked = 0;
    char *v = strdup(value), *w = strdup(where);
    if (!v || !w) {
        free(v);
        free(w);
        return -1;
    }
    for (size_t i = 0; i < self->n; i++) {
        if (strcmp(self->entries[i].key, key) == 0) {
            free(self->entries[i].value);
            free(self->entries[i].where);
            self->entries[i].value = v;
            self->entries[i].where = w;
            return 0;
        }
    }
    if (self->n == self->cap) {
        size_t cap = self->cap ? self->cap * 2 : 32;
        config_entry *p = realloc(self->entries, cap * sizeof *p);
        if (!p) {
            free(v);
            free(w);
            return -1;
        }
        self->entries = p;
        self->cap = cap;
    }
    char *k = strdup(key);
    if (!k) {
        free(v);
        free(w);
        return -1;
    }
    self->entries[self->n++] = (config_entry){.key = k, .value = v, .where = w};
    return 0;
}

int config_set(config *self, const char *key, const char *value)
{
    return set_at(self, key, value, "config_set");
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1]))
        *--end = '\0';
    return s;
}

/* Handles one line; section holds the current [section] name. */
static int parse_line(config *self, char *line, const char *where, char *section, size_t section_cap,
                      const char **why)
{
    char *s = trim(line);
    if (!*s || *s == '#' || *s == ';')
        return 0;
    if (*s == '[') {
        char *close = strchr(s, ']');
        if (!close || close[1] != '\0' || close == s + 1) {
            *why = "节标题写错了：应为 [节名]";
            return -1;
        }
        *close = '\0';
        if (snprintf(section, section_cap, "%s", trim(s + 1)) >= (int)section_cap) {
            *why = "节名太长";
            return -1;
        }
        return 0;
    }
    char *eq = strchr(s, '=');
    if (!eq) {
        *why = "应为“键 = 值”的形式";
        return -1;
    }
    *eq = '\0';
    char *key = trim(s), *value = trim(eq + 1);
    if (!*key) {
        *why = "等号前没有键名";
        return -1;
    }
    char full[512];
    if (snprintf(full, sizeof full, "%s%s%s", section, *section ? "." : "", key) >= (int)sizeof full) {
        *why = "键名太长";
        return -1;
    }
    if (set_at(self, full, value, where) != 0) {
        *why = "内存不足";
        return -1;
    }
    return 0;
}

#define LINE_MAX_BYTES 4095

/* Why line lineno (len bytes read) cannot be read, or NULL. A UTF-8 BOM
 * starting the file (as Windows editors save it) is taken off. */
static const char *unreadable(char *line, size_t len, int lineno)
{
    if (lineno == 1 && len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0)
        memmove(line, line + 3, (len -= 3) + 1);
    if (strlen(line) != len)
        return "这一行含有 NUL 字节：请把文件存为 UTF-8 文本（不读 UTF-16）";
    if (len > (size_t)LINE_MAX_BYTES + (len && line[len - 1] == '\n'))
        return "这一行超过 4095 个字节";
    return NULL;
}

int config_load_file(config *self, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s：%s", path, text_os_error(errno));
        return -1;
    }
    char *line = NULL, section[128] = "";
    size_t cap = 0;
    ssize_t len;
    int lineno = 0, rc = 0;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        const char *why = unreadable(line, (size_t)len, lineno);
        char where[4200];
        snprintf(where, sizeof where, "%s:%d", path, lineno);
        if (why || parse_line(self, line, where, section, sizeof section, &why) != 0) {
            snprintf(err, errlen, "%s:%d：%s", path, lineno, why);
            rc = -1;
            break;
        }
    }
    free(line);
    fclose(f);
    return rc;
}

int config_load_env_file(config *self, char *err, size_t errlen)
{
    const char *path = getenv("JIESU_CONFIG");
    if (!path || !*path)
        return 0;
    return config_load_file(self, path, err, errlen);
}

/* The environment variable overriding key: JIESU_ + key upper-cased, '.' and
 * '-' → '_'. 0, or -1 when the name would not fit. */
static int env_name(char *name, size_t cap, const char *key)
{
    int n = snprintf(name, cap, "JIESU_%s", key);
    if (n < 0 || (size_t)n >= cap)
        return -1;
    for (char *p = name; *p; p++)
        *p = *p == '.' || *p == '-' ? '_' : (char)toupper((unsigned char)*p);
    return 0;
}

const char *config_get(const config *self, const char *key, const char *def)
{
    if (!self)
        return def;
    char name[256];
    const char *env = env_name(name, sizeof name, key) == 0 ? getenv(name) : NULL;
    if (env)
        return env;
    for (size_t i = 0; i < self->n; i++)
        if (strcmp(self->entries[i].key, key) == 0)
            return self->entries[i].value;
    return def;
}

/* ---- the tables ---- */

static const config_key *declared(const char *key)
{
    for (size_t t = 0; t < CONFIG_NTABLES; t++)
        for (size_t i = 0; i < CONFIG_TABLES[t].n; i++)
            if (strcmp(CONFIG_TABLES[t].keys[i].key, key) == 0)
                return &CONFIG_TABLES[t].keys[i];
    return NULL;
}

static const config_retired *retired(const char *key)
{
    for (size_t i = 0; i < CONFIG_NRETIRED; i++)
        if (strcmp(CONFIG_RETIRED[i].key, key) == 0)
            return &CONFIG_RETIRED[i];
    return NULL;
}

static const config_key *must_declare(const char *key)
{
    const config_key *k = declared(key);
    if (!k) {
        fprintf(stderr, "configuration key '%s' is read but declared in no table (common/config_keys.c)\n", key);
        abort();
    }
    return k;
}

static const config_entry *entry(const config *self, const char *key)
{
    for (size_t i = 0; i < self->n; i++)
        if (strcmp(self->entries[i].key, key) == 0)
            return &self->entries[i];
    return NULL;
}

/* 0 and the number when v is a whole number, else -1. */
static int parse_long(const char *v, long *out)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    while (isspace((unsigned char)*end))
        end++;
    if (errno || end == v || *end)
        return -1;
    *out = n;
    return 0;
}

static int parse_real(const char *v, double *out)
{
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    while (isspace((unsigned char)*end))
        end++;
    if (errno || end == v || *end || !isfinite(d))
        return -1;
    *out = d;
    return 0;
}

/* 1 when v is one of the '|'-separated choices. */
static int one_of(const char *v, const char *choices)
{
    size_t n = strlen(v);
    for (const char *p = choices; p; p = strchr(p, '|') ? strchr(p, '|') + 1 : NULL)
        if (strncmp(p, v, n) == 0 && (p[n] == '|' || p[n] == '\0'))
            return 1;
    return 0;
}

/* A zone's offset is the same all year: the working-time calendar counts in one. */
static int zone_fixed(const char *zone)
{
    int64_t now = (int64_t)time(NULL);
    int a = clock_zone_offset_min(zone, now);
    return clock_zone_offset_min(zone, now + 91 * 86400) == a && clock_zone_offset_min(zone, now + 182 * 86400) == a &&
           clock_zone_offset_min(zone, now + 273 * 86400) == a;
}

/* "1 到 100 的整数", "debug/info/… 之一": what k allows, in the words of
 * the listing and of the start-up check alike (an administrator reads both). */
static void allowed(char *buf, size_t cap, const config_key *k)
{
    switch (k->type) {
    case CONFIG_INT: snprintf(buf, cap, "%.15g 到 %.15g 的整数", k->min, k->max); break;
    case CONFIG_REAL: snprintf(buf, cap, "%.15g 到 %.15g 的数", k->min, k->max); break;
    case CONFIG_ZONE: snprintf(buf, cap, "不用夏令时的 IANA 时区名，如 Asia/Shanghai"); break;
    case CONFIG_ADDRS:
        snprintf(buf, cap, "以逗号隔开的 IP 地址或 CIDR 网段（IPv4 或 IPv6），如 10.0.0.5, 172.16.0.0/12, ::1");
        break;
    case CONFIG_TEXT:
        if (k->choices) {
            snprintf(buf, cap, "%s 之一", k->choices);
            for (char *p = buf; *p; p++)
                if (*p == '|')
                    *p = '/';
        } else {
            snprintf(buf, cap, "任意文本");
        }
        break;
    }
}

/* 1 when v is a value of k; else 0, with what is wrong in why when
 * there is more to say than what k allows ("" when not). */
static int valid(const config_key *k, const char *v, char *why, size_t whylen)
{
    long n;
    double d;
    proxies p;
    why[0] = '\0';
    switch (k->type) {
    case CONFIG_INT: return parse_long(v, &n) == 0 && n >= k->min && n <= k->max;
    case CONFIG_REAL: return parse_real(v, &d) == 0 && d >= k->min && d <= k->max;
    case CONFIG_ZONE: return clock_zone_known(v) && zone_fixed(v);
    case CONFIG_ADDRS: return proxies_parse(&p, v, why, whylen) == 0;
    case CONFIG_TEXT: return !k->choices || one_of(v, k->choices);
    }
    return 0;
}

/* Where key's value comes from: the variable, or the file and line. */
static void source(char *buf, size_t cap, const config *self, const char *key)
{
    char name[256];
    if (env_name(name, sizeof name, key) == 0 && getenv(name)) {
        snprintf(buf, cap, "环境变量 %s", name);
        return;
    }
    const config_entry *e = entry(self, key);
    snprintf(buf, cap, "%s", e ? e->where : "（默认值）");
}

static int check_names(const config *self, char *err, size_t errlen)
{
    for (size_t i = 0; i < self->n; i++) {
        const config_entry *e = &self->entries[i];
        const config_retired *r = retired(e->key);
        if (r) {
            snprintf(err, errlen, "%s：%s 已不再读取，请改设 %s", e->where, e->key, r->instead);
            return -1;
        }
        if (!declared(e->key)) {
            snprintf(err, errlen, "%s：没有“%s”这个配置键（`jiesu config` 列出全部配置键，README 的 Configuration 一节有说明）",
                     e->where, e->key);
            return -1;
        }
    }
    for (size_t i = 0; i < CONFIG_NRETIRED; i++) {
        char name[256];
        if (env_name(name, sizeof name, CONFIG_RETIRED[i].key) == 0 && getenv(name)) {
            snprintf(err, errlen, "环境变量 %s：%s 已不再读取，请改设 %s", name,
                     CONFIG_RETIRED[i].key, CONFIG_RETIRED[i].instead);
            return -1;
        }
    }
    return 0;
}

int config_check(config *self, char *err, size_t errlen)
{
    if (check_names(self, err, errlen) < 0)
        return -1;
    for (size_t t = 0; t < CONFIG_NTABLES; t++) {
        for (size_t i = 0; i < CONFIG_TABLES[t].n; i++) {
            const config_key *k = &CONFIG_TABLES[t].keys[i];
            const char *v = config_get(self, k->key, k->type == CONFIG_ZONE ? k->def : NULL);
            char where[4300], want[160], why[200];
            if (!v || valid(k, v, why, sizeof why))
                continue;
            source(where, sizeof where, self, k->key);
            allowed(want, sizeof want, k);
            snprintf(err, errlen, "%s：%s = '%s'：%s%s应为%s%s", where, k->key, v, why, *why ? "；" : "",
                     (unsigned char)want[0] < 0x80 ? " " : "", want);     /* 应为 2 到 10 的整数, 应为不用夏令时的… */
            return -1;
        }
    }
    self->utc_offset_min = clock_zone_offset_min(config_str(self, "timezone"), (int64_t)time(NULL));
    self->checked = 1;
    return 0;
}

/* ---- typed reads ---- */

const char *config_str(const config *self, const char *key)
{
    return config_get(self, key, must_declare(key)->def);
}

long config_long(const config *self, const char *key)
{
    const config_key *k = must_declare(key);
    long n = 0;
    const char *v = config_get(self, key, NULL);
    if (!v || parse_long(v, &n) < 0)
        parse_long(k->def, &n);
    return n;
}

double config_real(const config *self, const char *key)
{
    const config_key *k = must_declare(key);
    double d = 0;
    const char *v = config_get(self, key, NULL);
    if (!v || parse_real(v, &d) < 0)
        parse_real(k->def, &d);
    return d;
}

int config_is_set(const config *self, const char *key)
{
    must_declare(key);
    return config_get(self, key, NULL) != NULL;
}

int config_utc_offset_min(const config *self)
{
    return self->checked ? self->utc_offset_min
                         : clock_zone_offset_min(config_str(self, "timezone"), (int64_t)time(NULL));
}

/* ---- the listing ---- */

static void print_row(FILE *out, const config_key *k)
{
    char want[160] = "";
    if (k->type != CONFIG_TEXT || k->choices)
        allowed(want, sizeof want, k);
    fprintf(out, "| `%s` | %s%s%s | %s | %s |\n", k->key, *k->def ? "`" : "", *k->def ? k->def : "（无）",
            *k->def ? "`" : "", want, k->meaning);
}

/* The listing's first words: these are the defaults, and where a program's
 * values in use are (the tool cannot read another process's file nor
 * environment, and the listing is the README's, the same everywhere). */
static const char LISTING_HEAD[] =
    "这里列的是各键的默认值，不是在用的值。一个程序在用的值：它启动时读的配置文件（`-c 文件`，或环境变量"
    " `JIESU_CONFIG` 指的文件）里写了的键用写的值，环境变量（`JIESU_` 加上大写的键名，点换成下划线，如 `redis.addr`"
    " 的 `JIESU_REDIS_ADDR`）又优先于文件，都没有写的才用默认值。要知道一个服务在用的值，看启动它的那个配置文件和"
    "环境变量。\n\n";

void config_print_markdown(FILE *out)
{
    fputs(LISTING_HEAD, out);
    for (size_t t = 0; t < CONFIG_NTABLES; t++) {
        fprintf(out, "%s%s读取：\n\n| 键 | 默认值 | 可取的值 | 含义 |\n|---|---|---|---|\n", t ? "\n" : "",
                CONFIG_TABLES[t].reader);
        for (size_t i = 0; i < CONFIG_TABLES[t].n; i++)
            print_row(out, &CONFIG_TABLES[t].keys[i]);
    }
}
