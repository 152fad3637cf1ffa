/* route_geo.c — district boundaries and point-in-polygon (see route_geo.h).
 *
 * The parser reads only what it needs: after each "type":"Feature" the first
 * "adcode" (the district's own; "parent" comes later), its "name", and the "coordinates"
 * array, walked bracket by bracket: an array whose first element is a number
 * is a point, an array of points is a ring. Every ring of a district goes
 * into one list; the even-odd rule over all of them handles holes and
 * islands alike.
 */
#include "route_geo.h"
#include "route_mem.h"
#include "text.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    double x, y;
} geo_pt;

typedef struct {
    char   code[7], name[64];
    size_t first_ring, nrings;
    double min_x, min_y, max_x, max_y;      /* bounding box: most points are outside most districts */
} geo_district;

typedef struct {
    size_t first, n;                        /* points */
} geo_ring;

struct route_geo {
    geo_district *d;     size_t nd, cap_d;
    geo_ring     *rings; size_t nrings, cap_rings;
    geo_pt       *pts;   size_t npts, cap_pts;
};

/* Where a parse is and what went wrong, for the message. */
typedef struct {
    const char *text, *end;
    const char *bad_at;         /* where the file stopped making sense, or NULL */
    const char *what;
} geo_parse;

static const char *fail(geo_parse *g, const char *at, const char *what)
{
    g->bad_at = at;
    g->what = what;
    return NULL;
}

static const char *skip_space(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
        p++;
    return p;
}

/* A JSON number at p, read within [p, end) (the text need not end in a NUL),
 * into *v; the position after it, or NULL when there is no finite number. */
static const char *parse_number(const char *p, const char *end, double *v)
{
    char buf[64], *e;
    size_t n = 0;
    while (p + n < end && n < sizeof buf - 1 && p[n] && strchr("0123456789+-.eE", p[n]))
        n++;
    if (n == 0 || n == sizeof buf - 1)
        return NULL;
    memcpy(buf, p, n);
    buf[n] = '\0';
    *v = strtod(buf, &e);
    return e == buf + n && isfinite(*v) ? p + n : NULL;
}

/* Parses "x, y]" at p (after the '['). Returns the position after ']' or NULL. */
static const char *parse_point(geo_parse *g, const char *p, geo_pt *pt)
{
    const char *at = p;
    if (!(p = parse_number(p, g->end, &pt->x)) || (p = skip_space(p, g->end)) >= g->end || *p != ',' ||
        !(p = parse_number(skip_space(p + 1, g->end), g->end, &pt->y)))
        return fail(g, at, "a point is not [longitude, latitude] in numbers");
    while (p < g->end && *p != ']')      /* an altitude, if any */
        p++;
    return p < g->end ? p + 1 : fail(g, at, "a point has no closing ']'");
}

static int add_point(route_geo *self, geo_district *d, int *ring_open, geo_pt pt)
{
    if (!*ring_open) {
        if (route_grow((void **)&self->rings, &self->cap_rings, self->nrings + 1, sizeof *self->rings) != 0)
            return -1;
        self->rings[self->nrings++] = (geo_ring){.first = self->npts, .n = 0};
        d->nrings++;
        *ring_open = 1;
    }
    if (route_grow((void **)&self->pts, &self->cap_pts, self->npts + 1, sizeof *self->pts) != 0)
        return -1;
    self->pts[self->npts++] = pt;
    self->rings[self->nrings - 1].n++;
    if (pt.x < d->min_x) d->min_x = pt.x;
    if (pt.x > d->max_x) d->max_x = pt.x;
    if (pt.y < d->min_y) d->min_y = pt.y;
    if (pt.y > d->max_y) d->max_y = pt.y;
    return 0;
}

/* Reads the coordinates array starting at p ('['). Returns the end or NULL. */
static const char *parse_rings(route_geo *self, geo_parse *g, geo_district *d, const char *p)
{
    const char *start = p;
    int depth = 0, ring_open = 0;
    geo_pt pt;
    while (p < g->end) {
        if (*p == '[') {
            const char *q = skip_space(p + 1, g->end);
            if (q < g->end && (*q == '-' || (*q >= '0' && *q <= '9'))) {
                if (!(p = parse_point(g, q, &pt)))
                    return NULL;
                if (add_point(self, d, &ring_open, pt) != 0)
                    return fail(g, q, "out of memory");
                continue;
            }
            depth++;
        } else if (*p == ']') {
            ring_open = 0;
            if (--depth == 0)
                return p + 1;
        }
        p++;
    }
    return fail(g, start, "the coordinates do not end");
}

/* The district's 6-digit adcode after "adcode": (a number, or a string as
 * some files write it) into code; 0, or -1 when it is not one (a feature
 * that is no district, as "100000_JD" in the country's file). */
static int copy_code(const char *p, const char *end, char code[7])
{
    p = skip_space(p, end);
    int quoted = p < end && *p == '"';
    p += quoted;
    size_t n = 0;
    while (p + n < end && n < 7 && p[n] >= '0' && p[n] <= '9')
        n++;
    if (n != 6 || p + n >= end || (quoted ? p[n] != '"' : p[n] == '.' || p[n] == 'e' || p[n] == 'E'))
        return -1;
    memcpy(code, p, 6);
    code[6] = '\0';
    return 0;
}

/* The feature's "name" between its adcode and its coordinates into name; "" when there is none,
 * it is longer than any district's, or it is not plain UTF-8 text (the code is shown instead). */
static void copy_name(const char *from, const char *to, char *name, size_t cap)
{
    const char *n = memmem(from, (size_t)(to - from), "\"name\":\"", 8);
    const char *q = n ? memchr(n + 8, '"', (size_t)(to - (n + 8))) : NULL;
    size_t len = q ? (size_t)(q - (n + 8)) : 0;
    name[0] = '\0';
    if (len == 0 || len >= cap || !text_utf8_valid(n + 8, len, NULL) || memchr(n + 8, '\\', len))
        return;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)n[8 + i] < 0x20)
            return;
    memcpy(name, n + 8, len);
    name[len] = '\0';
}

/* The line of position at in g's text, from 1. */
static size_t line_of(const geo_parse *g, const char *at)
{
    size_t line = 1;
    for (const char *p = g->text; p < at; p++)
        line += *p == '\n';
    return line;
}

/* Reads the feature whose "Feature" is at p; the position after its
 * coordinates, or NULL with g->what set (g->bad_at NULL: no more features). */
static const char *add_feature(route_geo *self, geo_parse *g, const char *p)
{
    const char *code = memmem(p, (size_t)(g->end - p), "\"adcode\":", 9);
    const char *coords = memmem(p, (size_t)(g->end - p), "\"coordinates\":", 14);
    if (!code || !coords || coords < code)
        return code || coords ? fail(g, p, "a feature without \"adcode\" before its \"coordinates\"") : NULL;
    if (route_grow((void **)&self->d, &self->cap_d, self->nd + 1, sizeof *self->d) != 0)
        return fail(g, p, "out of memory");
    geo_district *d = &self->d[self->nd];
    *d = (geo_district){.first_ring = self->nrings, .min_x = 1e9, .min_y = 1e9, .max_x = -1e9, .max_y = -1e9};
    int district = copy_code(code + 9, g->end, d->code) == 0;
    copy_name(code, coords, d->name, sizeof d->name);
    const char *arr = memchr(coords, '[', (size_t)(g->end - coords));
    if (!arr)
        return fail(g, coords, "\"coordinates\" without an array");
    if (!(p = parse_rings(self, g, d, arr)))
        return NULL;
    if (district)
        self->nd++;
    else if (d->nrings) {           /* not a district: its rings go */
        self->npts = self->rings[d->first_ring].first;
        self->nrings = d->first_ring;
    }
    return p;
}

int route_geo_add_json(route_geo *self, const char *json, size_t len, char *why, size_t whylen)
{
    geo_parse g = {.text = json, .end = json + len};
    const char *p = json;
    size_t before = self->nd;
    while ((p = memmem(p, (size_t)(g.end - p), "\"Feature\"", 9)) != NULL)
        if (!(p = add_feature(self, &g, p + 9)))
            break;
    if (g.bad_at) {
        snprintf(why, whylen, "line %zu: %s", line_of(&g, g.bad_at), g.what);
        return -1;
    }
    return (int)(self->nd - before);
}

static int inside(const route_geo *self, const geo_district *d, double x, double y)
{
    int in = 0;
    if (x < d->min_x || x > d->max_x || y < d->min_y || y > d->max_y)
        return 0;
    for (size_t r = d->first_ring; r < d->first_ring + d->nrings; r++) {
        const geo_pt *pt = self->pts + self->rings[r].first;
        size_t n = self->rings[r].n;
        for (size_t i = 0, j = n - 1; i < n; j = i++)
            if ((pt[i].y > y) != (pt[j].y > y) &&
                x < (pt[j].x - pt[i].x) * (y - pt[i].y) / (pt[j].y - pt[i].y) + pt[i].x)
                in = !in;
    }
    return in;
}

const char *route_geo_name(const route_geo *self, const char *code)
{
    for (size_t i = 0; self && i < self->nd; i++)
        if (strcmp(self->d[i].code, code) == 0 && self->d[i].name[0])
            return self->d[i].name;
    return code;
}

const char *route_geo_district(const route_geo *self, double lon, double lat)
{
    for (size_t i = 0; self && i < self->nd; i++)
        if (inside(self, &self->d[i], lon, lat))
            return self->d[i].code;
    return NULL;
}

size_t route_geo_count(const route_geo *self)
{
    return self ? self->nd : 0;
}

/* Reads a whole file. NULL on failure (errno set). */
static char *read_file(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    char *buf = NULL;
    long n;
    if (!fp)
        return NULL;
    if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 && fseek(fp, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)n + 1)) != NULL && fread(buf, 1, (size_t)n, fp) == (size_t)n) {
        buf[n] = '\0';
        *len = (size_t)n;
    } else {
        free(buf);
        buf = NULL;
    }
    fclose(fp);
    return buf;
}

route_geo *route_geo_load_dir(const char *dir, char *err, size_t errlen)
{
    char path[1024];
    route_geo *self = calloc(1, sizeof *self);
    DIR *dh = self ? opendir(dir) : NULL;
    if (!self) {
        snprintf(err, errlen, "geo: out of memory");
        return NULL;
    }
    for (struct dirent *e; dh && (e = readdir(dh)) != NULL;) {
        size_t len, nlen = strlen(e->d_name);
        if (nlen < 6 || strcmp(e->d_name + nlen - 5, ".json") != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        char *json = read_file(path, &len), why[128];
        snprintf(why, sizeof why, "%s", strerror(errno));
        int rc = json ? route_geo_add_json(self, json, len, why, sizeof why) : -1;
        free(json);
        if (rc < 0) {
            snprintf(err, errlen, "geo: %s: %s (district boundaries are DataV.GeoAtlas GeoJSON: mend the file or "
                     "take it out of the directory)", path, why);
            closedir(dh);
            route_geo_destroy(&self);
            return NULL;
        }
    }
    if (dh)
        closedir(dh);
    return self;
}

void route_geo_destroy(route_geo **self)
{
    if (!self || !*self)
        return;
    free((*self)->d);
    free((*self)->rings);
    free((*self)->pts);
    free(*self);
    *self = NULL;
}
