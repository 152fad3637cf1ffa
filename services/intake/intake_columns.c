/* intake_columns.c — a header mapped through an import profile, the messages
 * about what it lacks or leaves unused, and the extra-columns JSON (see
 * intake_columns.h).
 *
 * "Looks like" is a score of a header against a field: one point for each
 * word of the field's hints the header contains (HINTS below: 时间, date,
 * created ... for called_at; a name in camel case, CreatedDate, is words
 * apart), plus the bigram likeness (Dice coefficient over
 * characters) of the header to the names the profile accepts. 诉求类别 scores
 * against category by both its 类别 and its likeness to 诉求类型.
 */
#include "intake_columns.h"
#include "intake_json.h"
#include "intake_profile.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

#define KEY_MAX 256
#define LIKE_MIN 0.5        /* a header scoring less does not look like the field */
#define CLOSEST_MAX 3
#define GRAMS_MAX 64
#define HINTS_MAX 12

static const char *const NAMES[COL_COUNT] = {
    "ticket_no", "called_at", "caller_name", "caller_phone", "address",
    "content", "category", "urgency", "lon", "lat",
};

/* What a clerk reads for each field. */
static const char *const TITLES[COL_COUNT] = {
    "工单编号", "来电时间", "来电人", "联系电话", "诉求地址", "诉求内容", "诉求类别", "紧急程度", "经度", "纬度",
};

static const int REQUIRED[COL_COUNT] = {[COL_TICKET_NO] = 1, [COL_CALLED_AT] = 1, [COL_CONTENT] = 1};

/* Words that suggest a field, in any system's language (keys: lower case). */
static const char *const HINTS[COL_COUNT][HINTS_MAX] = {
    [COL_TICKET_NO]    = {"编号", "单号", "key", "id", "number", "no", "ticket"},
    [COL_CALLED_AT]    = {"时间", "日期", "date", "time", "datetime", "dt", "created", "opened", "open", "reported"},
    [COL_CALLER_NAME]  = {"姓名", "来电人", "联系人", "name", "caller"},
    [COL_CALLER_PHONE] = {"电话", "手机", "号码", "phone", "tel", "mobile"},
    [COL_ADDRESS]      = {"地址", "地点", "位置", "address", "location", "street"},
    [COL_CONTENT]      = {"内容", "描述", "诉求", "description", "descriptor", "complaint", "detail", "details",
                          "problem", "text", "title"},
    [COL_CATEGORY]     = {"类型", "类别", "分类", "type", "category", "kind"},
    [COL_URGENCY]      = {"紧急", "urgency", "priority"},
    [COL_LON]          = {"经度", "longitude", "lon", "lng", "long"},
    [COL_LAT]          = {"纬度", "latitude", "lat"},
};

typedef struct {
    int    cols[PROFILE_MAX_PARTS];
    size_t n;
} field_cols;

struct intake_columns {
    const intake_profile *profile;
    field_cols  field[COL_COUNT][PROFILE_MAX_ALTS];  /* the alternatives the file has */
    size_t      nalts[COL_COUNT];
    size_t      ncols;
    char      **headers;      /* normalised header of each column */
    char      **keys;         /* its comparison key */
    char      **words;        /* lower case, words apart: " unique key " */
    int        *used;         /* USED_* */
};

enum {
    USED_NOT = 0,
    USED_FIELD,               /* by a field's first alternative */
    USED_EXTRA,               /* listed under extra, or in a later alternative: no warning */
};

const char *intake_columns_field_name(intake_field f)
{
    return f < COL_COUNT ? NAMES[f] : "?";
}

const char *intake_columns_field_title(intake_field f)
{
    return f < COL_COUNT ? TITLES[f] : "?";
}

const char *intake_columns_field_said(intake_field f, intake_door door, char out[INTAKE_FIELD_SAID_BYTES])
{
    if (door == INTAKE_ON_PAGE)
        snprintf(out, INTAKE_FIELD_SAID_BYTES, "%s", intake_columns_field_title(f));
    else
        snprintf(out, INTAKE_FIELD_SAID_BYTES, "%s（%s）", intake_columns_field_title(f), intake_columns_field_name(f));
    return out;
}

/* ---- looking alike ---- */

/* Code points of a UTF-8 key (at most max). */
static size_t code_points(const char *s, uint32_t *out, size_t max)
{
    size_t n = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p && n < max) {
        uint32_t c = *p++;
        int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
        c &= more == 3 ? 0x07 : more == 2 ? 0x0F : more == 1 ? 0x1F : 0x7F;
        for (; more > 0 && (*p & 0xC0) == 0x80; more--)
            c = (c << 6) | (*p++ & 0x3F);
        out[n++] = c;
    }
    return n;
}

/* Dice coefficient of the character bigrams of two keys (0..1). */
static double likeness(const char *a, const char *b)
{
    uint32_t ca[GRAMS_MAX + 1], cb[GRAMS_MAX + 1];
    size_t na = code_points(a, ca, GRAMS_MAX + 1), nb = code_points(b, cb, GRAMS_MAX + 1);
    if (na < 2 || nb < 2)
        return 0;
    int taken[GRAMS_MAX] = {0};
    size_t common = 0;
    for (size_t i = 0; i + 1 < na; i++)
        for (size_t j = 0; j + 1 < nb; j++)
            if (!taken[j] && ca[i] == cb[j] && ca[i + 1] == cb[j + 1]) {
                taken[j] = 1;
                common++;
                break;
            }
    return 2.0 * (double)common / (double)(na - 1 + nb - 1);
}

/* How many of field f's hints column col's header has. */
static int hints_in(const intake_columns *self, size_t col, intake_field f)
{
    int n = 0;
    for (size_t h = 0; h < HINTS_MAX && HINTS[f][h]; h++) {
        const char *hint = HINTS[f][h];
        if ((unsigned char)hint[0] >= 0x80) {
            n += strstr(self->keys[col], hint) != NULL;
        } else {
            char word[64];
            snprintf(word, sizeof word, " %s ", hint);
            n += strstr(self->words[col], word) != NULL;
        }
    }
    return n;
}

/* How much column col looks like field f (see the top of the file). */
static double score(const intake_columns *self, size_t col, intake_field f)
{
    double s = hints_in(self, col, f), best = 0;
    const profile_field *pf = &self->profile->fields[f];
    for (size_t a = 0; a < pf->nalts; a++)
        for (size_t p = 0; p < pf->alts[a].nparts; p++) {
            char key[KEY_MAX];
            intake_profile_key(pf->alts[a].parts[p], strlen(pf->alts[a].parts[p]), key, sizeof key);
            double l = likeness(self->keys[col], key);
            if (l > best)
                best = l;
        }
    return s + best;
}

/* ---- mapping ---- */

/* The first column whose key is that of header h, or -1. */
static int column_named(const intake_columns *self, const char *h)
{
    char key[KEY_MAX];
    intake_profile_key(h, strlen(h), key, sizeof key);
    for (size_t c = 0; c < self->ncols; c++)
        if (self->keys[c][0] && strcmp(self->keys[c], key) == 0)
            return (int)c;
    return -1;
}

/* Marks the unused columns extra name x stands for: the column of that
 * header, or, when x ends in '*', every column whose header begins so
 * (":@computed_region_*", the Socrata API's computed regions). */
static void mark_extra(intake_columns *self, const char *x)
{
    size_t len = strlen(x);
    char key[KEY_MAX];
    if (len > 1 && x[len - 1] == '*') {
        size_t k = intake_profile_key(x, len - 1, key, sizeof key);
        for (size_t c = 0; k && c < self->ncols; c++)
            if (strncmp(self->keys[c], key, k) == 0 && self->used[c] == USED_NOT)
                self->used[c] = USED_EXTRA;
        return;
    }
    int c = column_named(self, x);
    if (c >= 0 && self->used[c] == USED_NOT)
        self->used[c] = USED_EXTRA;
}

/* The alternatives of field f whose columns are all in the file, in the
 * profile's order. The first one's columns are the field's; a later one's
 * are kept in extra too, since a row takes it only when the first is empty. */
static void map_field(intake_columns *self, intake_field f)
{
    const profile_field *pf = &self->profile->fields[f];
    for (size_t a = 0; a < pf->nalts; a++) {
        field_cols fc = {.n = 0};
        for (size_t p = 0; p < pf->alts[a].nparts; p++) {
            int c = column_named(self, pf->alts[a].parts[p]);
            if (c < 0)
                break;
            fc.cols[fc.n++] = c;
        }
        if (fc.n < pf->alts[a].nparts)
            continue;
        for (size_t i = 0; i < fc.n; i++)
            if (self->used[fc.cols[i]] != USED_FIELD)
                self->used[fc.cols[i]] = self->nalts[f] ? USED_EXTRA : USED_FIELD;
        self->field[f][self->nalts[f]++] = fc;
    }
}

/* 1 when the capital s[i] begins a word of a name written in camel case:
 * after a small letter or digit (CreatedDate, CaseID), or a capital before a
 * small letter (SRNumber). */
static int camel_break(const char *s, size_t i, size_t n)
{
    char before = i ? s[i - 1] : ' ', after = i + 1 < n ? s[i + 1] : ' ';
    int small_before = (before >= 'a' && before <= 'z') || (before >= '0' && before <= '9');
    return small_before || (before >= 'A' && before <= 'Z' && after >= 'a' && after <= 'z');
}

/* Fills the normalised header, key and words of column col. 0 or -1. */
static int describe_column(intake_columns *self, size_t col, const char *h, size_t len)
{
    size_t cap = len + 32;
    char *norm = malloc(cap), *key = malloc(KEY_MAX), *words = malloc(2 * cap + 2);
    self->headers[col] = norm;
    self->keys[col] = key;
    self->words[col] = words;
    if (!norm || !key || !words)
        return -1;
    size_t n = text_normalize(norm, cap, h, len);
    if (n == (size_t)-1)
        n = 0;
    norm[n] = '\0';
    intake_profile_key(norm, n, key, KEY_MAX);
    size_t w = 0;
    words[w++] = ' ';
    for (size_t i = 0; i < n; i++) {
        char c = norm[i];
        int alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (unsigned char)c >= 0x80;
        if (c >= 'A' && c <= 'Z' && words[w - 1] != ' ' && camel_break(norm, i, n))
            words[w++] = ' ';
        if (c >= 'A' && c <= 'Z')
            words[w++] = (char)(c - 'A' + 'a');
        else if (alnum)
            words[w++] = c;
        else if (words[w - 1] != ' ')
            words[w++] = ' ';
    }
    if (words[w - 1] != ' ')
        words[w++] = ' ';
    words[w] = '\0';
    if (n == 0)
        snprintf(norm, cap, "第 %zu 列", col + 1);
    return 0;
}

/* Names a header that repeats an earlier column's by its place too
 * (处理意见（第 7 列）): a row's extra columns are one JSON object, where a
 * second 处理意见 would replace the first, and messages must tell them apart.
 * 0 or -1. */
static int name_repeats_apart(intake_columns *self)
{
    for (size_t c = 1; c < self->ncols; c++)
        for (size_t e = 0; e < c; e++) {
            if (strcmp(self->headers[e], self->headers[c]) != 0)
                continue;
            size_t cap = strlen(self->headers[c]) + 48;
            char *named = malloc(cap);
            if (!named)
                return -1;
            snprintf(named, cap, "%s（第 %zu 列）", self->headers[c], c + 1);
            free(self->headers[c]);
            self->headers[c] = named;
            break;
        }
    return 0;
}

intake_columns *intake_columns_new(const intake_profile *p, const char *const *headers, const size_t *lens, size_t n)
{
    intake_columns *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->profile = p;
    self->ncols = n;
    size_t slots = n ? n : 1;
    self->headers = calloc(slots, sizeof *self->headers);
    self->keys = calloc(slots, sizeof *self->keys);
    self->words = calloc(slots, sizeof *self->words);
    self->used = calloc(slots, sizeof *self->used);
    int ok = self->headers && self->keys && self->words && self->used;
    for (size_t c = 0; ok && c < n; c++)
        ok = describe_column(self, c, headers[c], lens[c]) == 0;
    if (!ok || name_repeats_apart(self) < 0) {
        intake_columns_destroy(&self);
        return NULL;
    }
    for (int f = 0; f < COL_COUNT; f++)
        map_field(self, (intake_field)f);
    for (size_t e = 0; e < p->nextra; e++)
        mark_extra(self, p->extra[e]);
    return self;
}

const intake_profile *intake_columns_profile(const intake_columns *self)
{
    return self->profile;
}

int intake_columns_missing(const intake_columns *self)
{
    int n = 0;
    for (int f = 0; f < COL_COUNT; f++)
        n += REQUIRED[f] && self->nalts[f] == 0;
    return n;
}

int intake_columns_found(const intake_columns *self)
{
    int n = 0;
    for (int f = 0; f < COL_COUNT; f++)
        n += self->nalts[f] > 0;
    return n;
}

/* The unused columns that look most like field f, best first, in cols. */
static size_t closest(const intake_columns *self, intake_field f, size_t cols[CLOSEST_MAX])
{
    double best[CLOSEST_MAX] = {0};
    size_t k = 0;
    for (size_t c = 0; c < self->ncols; c++) {
        double s = self->used[c] == USED_FIELD ? 0 : score(self, c, f);
        if (s < LIKE_MIN)
            continue;
        size_t at = k < CLOSEST_MAX ? k++ : CLOSEST_MAX;
        if (at == CLOSEST_MAX && s <= best[CLOSEST_MAX - 1])
            continue;
        if (at == CLOSEST_MAX)
            at--;
        while (at > 0 && best[at - 1] < s) {
            best[at] = best[at - 1];
            cols[at] = cols[at - 1];
            at--;
        }
        best[at] = s;
        cols[at] = c;
    }
    return k;
}

/* The words of column col's header. */
static int words_in(const intake_columns *self, size_t col)
{
    int n = 0;
    for (const char *w = self->words[col]; *w; w++)
        n += w[0] == ' ' && w[1] && w[1] != ' ';
    return n ? n : 1;
}

int intake_columns_likeliest(const intake_columns *self, intake_field f, const unsigned char *taken)
{
    int best = 0, best_words = 1, col = -1;
    for (size_t c = 0; f < COL_COUNT && c < self->ncols; c++) {
        int n = taken[c] || !self->keys[c][0] ? 0 : hints_in(self, c, f), w = words_in(self, c);
        if (n > 0 && n * best_words > best * w) {
            best = n;
            best_words = w;
            col = (int)c;
        }
    }
    return col;
}

double intake_columns_closeness(const intake_columns *self)
{
    double sum = intake_columns_found(self);
    for (int f = 0; f < COL_COUNT; f++) {
        size_t near[CLOSEST_MAX];
        if (REQUIRED[f] && !self->nalts[f] && closest(self, (intake_field)f, near) > 0)
            sum += score(self, near[0], (intake_field)f) / 100;
    }
    return sum;
}

void intake_columns_describe_missing(const intake_columns *self, intake_door door, char *out, size_t outlen)
{
    size_t n = 0;
    out[0] = '\0';
    for (int f = 0; f < COL_COUNT; f++) {
        if (!REQUIRED[f] || self->nalts[f])
            continue;
        char alts[600], field[INTAKE_FIELD_SAID_BYTES];
        size_t near[CLOSEST_MAX];
        size_t k = closest(self, (intake_field)f, near);
        text_appendf(out, outlen, &n, "%s  %s：模板认的列 %s；文件里最像的列：", n ? "\n" : "",
            intake_columns_field_said((intake_field)f, door, field),
            intake_profile_alts_text(self->profile, (intake_field)f, alts, sizeof alts));
        for (size_t i = 0; i < k; i++)
            text_appendf(out, outlen, &n, "%s%s", i ? "、" : "", self->headers[near[i]]);
        if (k == 0)
            text_appendf(out, outlen, &n, "没有相像的");
    }
}

/* The field column col looks most like among those the file has no column
 * for, or -1: none does, or one it has a column for looks as much like it (a
 * 办结时间 beside 来电时间 is no call time, and a street's name beside the
 * address, location_street_name or STREET_NAME, no caller's name, which its
 * "name" alone suggested). */
static int looks_like(const intake_columns *self, size_t col)
{
    double best = LIKE_MIN, found = 0;
    int field = -1;
    for (int f = 0; f < COL_COUNT; f++) {
        double s = score(self, col, (intake_field)f);
        if (self->nalts[f])
            found = s > found ? s : found;
        else if (s >= best) {
            best = s;
            field = f;
        }
    }
    return field >= 0 && best > found ? field : -1;
}

/* How to use an unused column, after the list: at the terminal, the line to
 * add to a copy of the profile (`f = A | B | col`, or `f = col`); on the
 * page, whom to ask, the field named as people know it. */
static void say_how_to_use(const intake_columns *self, intake_door door, int example, size_t example_col, char *out,
                           size_t outlen, size_t *n)
{
    char alts[600];
    const char *name = self->profile->name;
    if (door == INTAKE_ON_PAGE && example >= 0)
        text_appendf(out, outlen, n, "。要用上其中一列，请系统管理员在导入模板 %s 里把它对应到字段（如把“%s”对应到%s）；"
            "不用的列写进模板的 extra 就只存不提醒", name, self->headers[example_col], TITLES[example]);
    else if (door == INTAKE_ON_PAGE)
        text_appendf(out, outlen, n, "。要用上其中一列，请系统管理员在导入模板 %s 里把它对应到一个字段；不用的列写进模板的 extra "
            "就只存不提醒", name);
    else if (example >= 0) {
        int has = self->profile->fields[example].nalts > 0;
        text_appendf(out, outlen, n, "。要用上其中一列，在模板的副本（jiesu profiles %s）里把它加到字段上，"
            "如 `%s = %s%s%s`，再用 --profile 模板文件.conf 导入；把列写进 `extra =` 就只存不提醒", name,
            NAMES[example], has ? intake_profile_alts_text(self->profile, (intake_field)example, alts, sizeof alts) : "",
            has ? " | " : "", self->headers[example_col]);
    } else
        text_appendf(out, outlen, n, "。要用上其中一列，在模板的副本里把它对应到一个字段；把列写进 `extra =` 就只存不提醒");
}

int intake_columns_describe_ignored(const intake_columns *self, intake_door door, char *out, size_t outlen)
{
    size_t n = 0;
    int count = 0, example = -1;
    size_t example_col = 0;
    out[0] = '\0';
    for (size_t c = 0; c < self->ncols; c++) {
        if (self->used[c] || !self->keys[c][0])
            continue;
        int f = looks_like(self, c);
        text_appendf(out, outlen, &n, "%s%s", count++ ? "、" : "", self->headers[c]);
        if (f >= 0 && door == INTAKE_ON_PAGE)
            text_appendf(out, outlen, &n, "（像是%s）", TITLES[f]);
        else if (f >= 0)
            text_appendf(out, outlen, &n, "（像是%s %s）", TITLES[f], NAMES[f]);
        if (f >= 0 && example < 0) {
            example = f;
            example_col = c;
        }
    }
    if (count == 0)
        return 0;
    char head[200];
    snprintf(head, sizeof head, "有 %d 列导入模板 %s 没有用上，只存进附加信息%s：", count, self->profile->name,
             door == INTAKE_ON_PAGE ? "" : "（extra）");
    size_t hl = strlen(head);
    if (hl + n + 1 < outlen) {
        memmove(out + hl, out, n + 1);
        memcpy(out, head, hl);
        n += hl;
    }
    say_how_to_use(self, door, example, example_col, out, outlen, &n);
    return count;
}

size_t intake_columns_alternatives(const intake_columns *self, intake_field f)
{
    return f < COL_COUNT ? self->nalts[f] : 0;
}

size_t intake_columns_of(const intake_columns *self, intake_field f, size_t alt, const int **cols)
{
    if (f >= COL_COUNT || alt >= self->nalts[f])
        return 0;
    *cols = self->field[f][alt].cols;
    return self->field[f][alt].n;
}

int intake_columns_index(const intake_columns *self, intake_field f)
{
    return f < COL_COUNT && self->nalts[f] ? self->field[f][0].cols[0] : -1;
}

const char *intake_columns_join(const intake_columns *self, intake_field f)
{
    return f < COL_COUNT && self->profile->fields[f].join ? self->profile->fields[f].join : "; ";
}

size_t intake_columns_count(const intake_columns *self)
{
    return self->ncols;
}

const char *intake_columns_header(const intake_columns *self, size_t col)
{
    return col < self->ncols ? self->headers[col] : "（表头之外）";
}

int intake_columns_is_extra(const intake_columns *self, size_t col)
{
    return col < self->ncols && self->used[col] != USED_FIELD;
}

size_t intake_columns_extra_json(const intake_columns *self, const char *const *fields, const size_t *lens,
                                 size_t n, const char *taken, char *dst, size_t cap)
{
    size_t len = 0;
    int first = 1;
    intake_json_char(dst, cap, &len, '{');
    for (size_t c = 0; c < n && c < self->ncols; c++) {
        if ((taken ? taken[c] != 0 : self->used[c] == USED_FIELD) || lens[c] == 0)
            continue;
        if (!first)
            intake_json_char(dst, cap, &len, ',');
        first = 0;
        const char *key = intake_columns_header(self, c);
        intake_json_string(dst, cap, &len, key, strlen(key));
        intake_json_char(dst, cap, &len, ':');
        intake_json_string(dst, cap, &len, fields[c], lens[c]);
    }
    intake_json_char(dst, cap, &len, '}');
    intake_json_end(dst, cap, len);
    return len;
}

void intake_columns_destroy(intake_columns **self)
{
    if (!self || !*self)
        return;
    intake_columns *m = *self;
    for (size_t c = 0; c < m->ncols; c++) {
        free(m->headers ? m->headers[c] : NULL);
        free(m->keys ? m->keys[c] : NULL);
        free(m->words ? m->words[c] : NULL);
    }
    free(m->headers);
    free(m->keys);
    free(m->words);
    free(m->used);
    free(m);
    *self = NULL;
}
