/* intake_columns.c — header aliases and the extra-columns JSON (see intake_columns.h).
 *
 * The alias table below is the only place that knows what hotline systems
 * call their columns. Aliases are written already normalised (half-width,
 * lower case) because headers are normalised the same way before comparing.
 */
#include "intake_columns.h"
#include "intake_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

#define MAX_ALIASES 8

static const struct {
    const char *name;
    int         required;
    const char *aliases[MAX_ALIASES];
} FIELDS[COL_COUNT] = {
    [COL_TICKET_NO]    = {"ticket_no", 1, {"工单编号", "工单号", "ticket_no", "service_request_id"}},
    [COL_CALLED_AT]    = {"called_at", 1, {"来电时间", "受理时间", "called_at", "requested_datetime"}},
    [COL_CALLER_NAME]  = {"caller_name", 0, {"来电人", "姓名", "联系人", "caller_name"}},
    [COL_CALLER_PHONE] = {"caller_phone", 0, {"联系电话", "电话", "来电号码", "caller_phone", "phone"}},
    [COL_ADDRESS]      = {"address", 0, {"诉求地址", "地址", "事发地址", "address"}},
    [COL_CONTENT]      = {"content", 1, {"诉求内容", "内容", "问题描述", "content", "description"}},
    [COL_CATEGORY]     = {"category", 0, {"诉求类型", "问题类型", "诉求分类", "category", "service_name"}},
    [COL_URGENCY]      = {"urgency", 0, {"紧急程度", "urgency"}},
    [COL_LON]          = {"lon", 0, {"经度", "lon", "lng", "longitude"}},
    [COL_LAT]          = {"lat", 0, {"纬度", "lat", "latitude"}},
};

struct cols_map {
    int     index[COL_COUNT];
    size_t  ncols;
    char  **headers;      /* normalised header of each column */
    int    *field_of;     /* field of each column, -1 for extra */
};

const char *cols_field_name(cols_field f)
{
    return f < COL_COUNT ? FIELDS[f].name : "?";
}

/* The field whose alias equals key, or -1. */
static int field_for(const char *key)
{
    for (int f = 0; f < COL_COUNT; f++)
        for (int a = 0; a < MAX_ALIASES && FIELDS[f].aliases[a]; a++)
            if (strcmp(FIELDS[f].aliases[a], key) == 0)
                return f;
    return -1;
}

static void describe_missing(cols_field f, char *err, size_t errlen)
{
    int n = snprintf(err, errlen, "missing required column %s (headers accepted:", FIELDS[f].name);
    for (int a = 0; a < MAX_ALIASES && FIELDS[f].aliases[a] && n > 0 && (size_t)n < errlen; a++)
        n += snprintf(err + n, errlen - (size_t)n, " %s", FIELDS[f].aliases[a]);
    if (n > 0 && (size_t)n < errlen)
        snprintf(err + n, errlen - (size_t)n, ")");
}

/* Normalises the header of column col into a new string ("column N" when
 * empty); *key gets a lower-cased copy for matching ("" when empty). */
static char *normalise_header(const char *h, size_t len, size_t col, char **key)
{
    char *out = malloc(len + 32);
    *key = NULL;
    if (!out)
        return NULL;
    size_t n = text_normalize(out, len + 32, h, len);
    if (n == (size_t)-1)
        n = 0;
    out[n] = '\0';
    *key = strdup(out);
    if (n == 0)
        snprintf(out, len + 32, "column %zu", col + 1);
    if (!*key) {
        free(out);
        return NULL;
    }
    for (char *p = *key; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    return out;
}

cols_map *cols_map_new(const char *const *headers, const size_t *lens, size_t n,
                       char *err, size_t errlen)
{
    cols_map *self = calloc(1, sizeof *self);
    if (!self)
        goto oom;
    self->ncols = n;
    self->headers = calloc(n ? n : 1, sizeof *self->headers);
    self->field_of = calloc(n ? n : 1, sizeof *self->field_of);
    if (!self->headers || !self->field_of)
        goto oom;
    for (int f = 0; f < COL_COUNT; f++)
        self->index[f] = -1;
    for (size_t c = 0; c < n; c++) {
        char *key;
        self->headers[c] = normalise_header(headers[c], lens[c], c, &key);
        if (!self->headers[c])
            goto oom;
        int f = key[0] ? field_for(key) : -1;
        free(key);
        self->field_of[c] = f;
        if (f < 0)
            continue;
        if (self->index[f] >= 0) {
            snprintf(err, errlen, "columns %d (%s) and %zu (%s) both hold %s", self->index[f] + 1,
                     self->headers[self->index[f]], c + 1, self->headers[c], FIELDS[f].name);
            cols_map_destroy(&self);
            return NULL;
        }
        self->index[f] = (int)c;
    }
    for (int f = 0; f < COL_COUNT; f++) {
        if (FIELDS[f].required && self->index[f] < 0) {
            describe_missing((cols_field)f, err, errlen);
            cols_map_destroy(&self);
            return NULL;
        }
    }
    return self;
oom:
    snprintf(err, errlen, "out of memory mapping %zu columns", n);
    cols_map_destroy(&self);
    return NULL;
}

int cols_field_of(const char *header, size_t len)
{
    char *key, *shown = normalise_header(header, len, 0, &key);
    int f = shown && key[0] ? field_for(key) : -1;
    free(shown);
    free(key);
    return f;
}

int cols_index(const cols_map *self, cols_field f)
{
    return f < COL_COUNT ? self->index[f] : -1;
}

size_t cols_count(const cols_map *self)
{
    return self->ncols;
}

const char *cols_header(const cols_map *self, size_t col)
{
    return col < self->ncols ? self->headers[col] : "(past the last header)";
}

int cols_is_extra(const cols_map *self, size_t col)
{
    return col < self->ncols && self->field_of[col] < 0;
}

size_t cols_extra_json(const cols_map *self, const char *const *fields, const size_t *lens,
                       size_t n, char *dst, size_t cap)
{
    size_t len = 0;
    int first = 1;
    intake_json_char(dst, cap, &len, '{');
    for (size_t c = 0; c < n && c < self->ncols; c++) {
        if (self->field_of[c] >= 0 || lens[c] == 0)
            continue;
        if (!first)
            intake_json_char(dst, cap, &len, ',');
        first = 0;
        const char *key = cols_header(self, c);
        intake_json_string(dst, cap, &len, key, strlen(key));
        intake_json_char(dst, cap, &len, ':');
        intake_json_string(dst, cap, &len, fields[c], lens[c]);
    }
    intake_json_char(dst, cap, &len, '}');
    intake_json_end(dst, cap, len);
    return len;
}

void cols_map_destroy(cols_map **self)
{
    if (!self || !*self)
        return;
    cols_map *m = *self;
    for (size_t c = 0; m->headers && c < m->ncols; c++)
        free(m->headers[c]);
    free(m->headers);
    free(m->field_of);
    free(m);
    *self = NULL;
}
