/* intake_row.c — row validation and normalisation into COPY text (see intake_row.h).
 *
 * A row is checked in the order a person fixing the file would want: what the
 * CSV reader found wrong, stray fields, then each required field, then the
 * optional ones that have a format (coordinates). The first problem is the
 * one reported, with the column's header as the file names it.
 */
#include "intake_row.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "text.h"

#define YEAR_MIN 1970
#define YEAR_MAX 2099
#define EXCEL_1970 25569    /* Excel serial day number of 1970-01-01 */
#define EXCEL_2100 73051    /* ... of 2100-01-01 */

struct intake_row {
    int          utc_offset_min;
    csv_options  limits;
    char        *norm;      /* normalised fields, each NUL-terminated */
    size_t       norm_cap;
    char        *extra;     /* extra columns as JSON */
    size_t       extra_cap;
    char        *line;      /* the COPY line */
    size_t       line_cap;
    const char  *ticket;    /* the ticket of that line, in norm */
};

intake_row *intake_row_new(int utc_offset_min, const csv_options *limits)
{
    intake_row *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->utc_offset_min = utc_offset_min;
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

/* ---- timestamps ---- */

typedef struct {
    const char *p, *end;
} cursor;

/* Reads min..max digits not followed by another digit. 0 or -1. */
static int take_digits(cursor *c, int min, int max, int *out)
{
    int n = 0, v = 0;
    while (c->p < c->end && n < max && *c->p >= '0' && *c->p <= '9') {
        v = v * 10 + (*c->p++ - '0');
        n++;
    }
    if (n < min || (c->p < c->end && *c->p >= '0' && *c->p <= '9'))
        return -1;
    *out = v;
    return 0;
}

/* Consumes lit when the input continues with it. 1 if it did. */
static int take(cursor *c, const char *lit)
{
    size_t n = strlen(lit);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, lit, n) != 0)
        return 0;
    c->p += n;
    return 1;
}

static int skip_spaces(cursor *c)
{
    const char *start = c->p;
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
        c->p++;
    return c->p > start;
}

static int days_in_month(int y, int m)
{
    static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dim[m - 1];
}

/* Year, month, day of a day count since 1970-01-01 (proleptic Gregorian). */
static void civil_from_days(long z, int *y, int *m, int *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

typedef struct {
    int y, mo, d, h, mi, s, offset_min;
} civil_time;

/* Excel's serial day number (days since 1899-12-30, fraction = time of day). */
static int parse_excel_serial(const char *s, size_t len, civil_time *t)
{
    char buf[32];
    size_t dot = 0;
    while (dot < len && s[dot] >= '0' && s[dot] <= '9')
        dot++;
    if (dot != 5 || len >= sizeof buf || (dot < len && s[dot] != '.'))
        return -1;
    for (size_t i = dot + 1; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    double v = strtod(buf, NULL);
    if (v < EXCEL_1970 || v >= EXCEL_2100)
        return -1;
    long days = (long)floor(v);
    long secs = lround((v - (double)days) * 86400.0);
    if (secs >= 86400) {
        days++;
        secs -= 86400;
    }
    civil_from_days(days - EXCEL_1970, &t->y, &t->mo, &t->d);
    t->h = (int)(secs / 3600);
    t->mi = (int)(secs / 60 % 60);
    t->s = (int)(secs % 60);
    return 0;
}

static int parse_date(cursor *c, civil_time *t)
{
    if (take_digits(c, 4, 4, &t->y) < 0)
        return -1;
    int cn = 0;
    const char *sep = take(c, "-") ? "-" : take(c, "/") ? "/" : take(c, ".") ? "." : NULL;
    if (!sep) {
        if (!take(c, "年"))
            return -1;
        cn = 1;
        sep = "月";
    }
    if (take_digits(c, 1, 2, &t->mo) < 0 || !take(c, sep) || take_digits(c, 1, 2, &t->d) < 0)
        return -1;
    if (cn)
        take(c, "日");
    return 0;
}

/* [T| ]H:MM[:SS[.fff]] [zone]; absent means midnight local time. */
static int parse_clock(cursor *c, civil_time *t)
{
    int sign, zh, zm = 0;
    if (c->p == c->end)
        return 0;
    if (!take(c, "T") && !skip_spaces(c))
        return -1;
    if (take_digits(c, 1, 2, &t->h) < 0 || !take(c, ":") || take_digits(c, 1, 2, &t->mi) < 0)
        return -1;
    if (take(c, ":")) {
        if (take_digits(c, 1, 2, &t->s) < 0)
            return -1;
        if (take(c, ".") || take(c, ","))
            while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
                c->p++;
    }
    skip_spaces(c);
    if (take(c, "Z")) {
        t->offset_min = 0;
    } else if ((sign = take(c, "+") ? 1 : take(c, "-") ? -1 : 0) != 0) {
        if (take_digits(c, 2, 2, &zh) < 0)
            return -1;
        take(c, ":");
        if (c->p < c->end && take_digits(c, 2, 2, &zm) < 0)
            return -1;
        if (zh > 14 || zm > 59)
            return -1;
        t->offset_min = sign * (zh * 60 + zm);
    }
    return 0;
}

int intake_parse_time(const char *s, size_t len, int utc_offset_min, char out[32])
{
    civil_time t = {.offset_min = utc_offset_min};
    cursor c = {s, s + len};
    skip_spaces(&c);
    while (c.end > c.p && (c.end[-1] == ' ' || c.end[-1] == '\t'))
        c.end--;
    if (parse_excel_serial(c.p, (size_t)(c.end - c.p), &t) < 0) {
        if (parse_date(&c, &t) < 0 || parse_clock(&c, &t) < 0 || c.p != c.end)
            return -1;
        if (t.y < YEAR_MIN || t.y > YEAR_MAX || t.mo < 1 || t.mo > 12 || t.d < 1
            || t.d > days_in_month(t.y, t.mo) || t.h > 23 || t.mi > 59 || t.s > 59)
            return -1;
    }
    unsigned off = (unsigned)(t.offset_min < 0 ? -t.offset_min : t.offset_min);
    /* every value is in range by now; the modulos only tell the compiler so */
    snprintf(out, 32, "%04u-%02u-%02u %02u:%02u:%02u%c%02u:%02u", (unsigned)t.y % 10000,
             (unsigned)t.mo % 100, (unsigned)t.d % 100, (unsigned)t.h % 100, (unsigned)t.mi % 100,
             (unsigned)t.s % 100, t.offset_min < 0 ? '-' : '+', off / 60 % 100, off % 60);
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

static int reject(intake_reject *rej, const cols_map *map, const csv_record *rec, size_t col,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int reject(intake_reject *rej, const cols_map *map, const csv_record *rec, size_t col,
                  const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rej->reason, sizeof rej->reason, fmt, ap);
    va_end(ap);
    rej->column = cols_header(map, col);
    rej->value = col < rec->nfields ? rec->fields[col] : NULL;
    rej->value_len = col < rec->nfields ? rec->lens[col] : 0;
    return INTAKE_ROW_REJECTED;
}

static int blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return 0;
    return 1;
}

static int reject_csv(const intake_row *self, const cols_map *map, const csv_record *rec,
                      intake_reject *rej)
{
    const csv_options *lim = &self->limits;
    size_t col = rec->bad_field;
    switch (rec->status) {
    case CSV_ERR_FIELD_TOO_LONG:
        return reject(rej, map, rec, col, "longer than %zu characters", lim->max_field);
    case CSV_ERR_RECORD_TOO_LONG:
        return reject(rej, map, rec, col, "row longer than %zu bytes", lim->max_record);
    case CSV_ERR_TOO_MANY_FIELDS:
        return reject(rej, map, rec, col, "more than %zu fields", lim->max_fields);
    case CSV_ERR_UNTERMINATED_QUOTE:
        return reject(rej, map, rec, col, "quote opened on line %llu never closed (rest of file)",
                      (unsigned long long)rec->line_no);
    default:
        return reject(rej, map, rec, col, "%s", csv_status_text(rec->status));
    }
}

/* Normalises every mapped field into self->norm; val[f] is "" when absent. */
static int normalise_fields(intake_row *self, const cols_map *map, const csv_record *rec,
                            const char *val[COL_COUNT])
{
    size_t need = COL_COUNT + 1, at = 0;
    for (int f = 0; f < COL_COUNT; f++) {
        int c = cols_index(map, (cols_field)f);
        if (c >= 0 && (size_t)c < rec->nfields)
            need += rec->lens[c];
    }
    if (grow(&self->norm, &self->norm_cap, need) < 0)
        return -1;
    size_t offs[COL_COUNT];
    for (int f = 0; f < COL_COUNT; f++) {
        int c = cols_index(map, (cols_field)f);
        size_t len = c >= 0 && (size_t)c < rec->nfields ? rec->lens[c] : 0;
        size_t n = len ? text_normalize(self->norm + at, len + 1, rec->fields[c], len) : 0;
        if (n == (size_t)-1) {          /* cannot happen (normalising never lengthens); keep the text */
            memcpy(self->norm + at, rec->fields[c], len);
            n = len;
        }
        self->norm[at + n] = '\0';
        offs[f] = at;
        at += n + 1;
    }
    for (int f = 0; f < COL_COUNT; f++)
        val[f] = self->norm + offs[f];
    return 0;
}

/* Parses a coordinate in [-limit, limit] into out ("" when empty). 0 or -1. */
static int coordinate(const char *s, double limit, char out[32])
{
    out[0] = '\0';
    if (!*s)
        return 0;
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !isfinite(v) || fabs(v) > limit)
        return -1;
    snprintf(out, 32, "%.10g", v);
    return 0;
}

/* Checks the fields; 0 when the row is good, else INTAKE_ROW_REJECTED. */
static int check_fields(const intake_row *self, const cols_map *map, const csv_record *rec,
                        const char *val[COL_COUNT], char when[32], char lon[32], char lat[32],
                        intake_reject *rej)
{
    static const cols_field required[] = {COL_TICKET_NO, COL_CALLED_AT, COL_CONTENT};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (!*val[required[i]])
            return reject(rej, map, rec, (size_t)cols_index(map, required[i]),
                          "required %s is empty", cols_field_name(required[i]));
    size_t tc = (size_t)cols_index(map, COL_TICKET_NO);
    if (intake_is_scientific(val[COL_TICKET_NO]))
        return reject(rej, map, rec, tc, "ticket number in scientific notation (Excel dropped its "
                      "digits): format the column as text and export again");
    if (strlen(val[COL_TICKET_NO]) > INTAKE_TICKET_MAX)
        return reject(rej, map, rec, tc, "ticket number longer than %d bytes", INTAKE_TICKET_MAX);
    if (intake_parse_time(val[COL_CALLED_AT], strlen(val[COL_CALLED_AT]), self->utc_offset_min,
                          when) < 0)
        return reject(rej, map, rec, (size_t)cols_index(map, COL_CALLED_AT),
                      "not a date and time (e.g. 2021-05-30 10:57:00, 2021/5/30 10:57, 44346.4563)");
    if (coordinate(val[COL_LON], 180, lon) < 0)
        return reject(rej, map, rec, (size_t)cols_index(map, COL_LON), "not a longitude");
    if (coordinate(val[COL_LAT], 90, lat) < 0)
        return reject(rej, map, rec, (size_t)cols_index(map, COL_LAT), "not a latitude");
    return 0;
}

static int extra_json(intake_row *self, const cols_map *map, const csv_record *rec)
{
    for (;;) {
        size_t need = cols_extra_json(map, rec->fields, rec->lens, rec->nfields, self->extra,
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
static int write_line(intake_row *self, const csv_record *rec, int64_t import_id,
                      const char *val[COL_COUNT], const char *when, const char *lon,
                      const char *lat, size_t *len)
{
    /* address and extra are NOT NULL in complaints: '' and {} when absent. */
    const char *cols[] = {val[COL_TICKET_NO], when, or_null(val[COL_CALLER_NAME]),
                          or_null(val[COL_CALLER_PHONE]), val[COL_ADDRESS],
                          val[COL_CONTENT], or_null(val[COL_CATEGORY]), or_null(val[COL_URGENCY]),
                          or_null(lon), or_null(lat), self->extra};
    size_t need = 320 + 2 * strlen(self->extra);    /* ids, time, coordinates, tabs */
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

int intake_row_build(intake_row *self, const cols_map *map, const csv_record *rec,
                     int64_t import_id, const char **line, size_t *len, intake_reject *rej)
{
    const char *val[COL_COUNT];
    char when[32], lon[32], lat[32];
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
    for (size_t i = cols_count(map); i < rec->nfields; i++)
        if (!blank(rec->fields[i], rec->lens[i]))
            return reject(rej, map, rec, i, "row has %zu fields, the header has %zu",
                          rec->nfields, cols_count(map));
    if (normalise_fields(self, map, rec, val) < 0)
        return -1;
    int r = check_fields(self, map, rec, val, when, lon, lat, rej);
    if (r != 0)
        return r;
    if (extra_json(self, map, rec) < 0 || write_line(self, rec, import_id, val, when, lon, lat, len) < 0)
        return -1;
    *line = self->line;
    self->ticket = val[COL_TICKET_NO];
    return INTAKE_ROW_OK;
}

const char *intake_row_ticket(const intake_row *self)
{
    return self->ticket;
}
