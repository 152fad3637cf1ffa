/* intake_services.c — Open311 services from the category tree (see intake_services.h). */
#include "intake_services.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv_reader.h"
#include "intake_json.h"

enum { COL_CODE, COL_PARENT, COL_NAME, NCOLS };
static const char *const COLUMN[NCOLS] = {"code", "parent", "name"};

typedef struct {
    char *code;
    char *name;
    char *category;     /* "group-name", or the name of a root */
    int   root;         /* index of its root */
} service;

struct intake_services {
    service *list;
    size_t   n, cap;
    char    *json;
};

static int find(const intake_services *self, const char *code)
{
    for (size_t i = 0; i < self->n; i++)
        if (strcmp(self->list[i].code, code) == 0)
            return (int)i;
    return -1;
}

/* Maps the header to COL_*; -1 with the missing column in err. */
static int map_header(const csv_record *rec, size_t col[NCOLS], char *err, size_t errlen)
{
    for (int c = 0; c < NCOLS; c++) {
        col[c] = rec->nfields;
        for (size_t i = 0; i < rec->nfields; i++)
            if (strcmp(rec->fields[i], COLUMN[c]) == 0)
                col[c] = i;
        if (col[c] == rec->nfields) {
            snprintf(err, errlen, "header: no column '%s'", COLUMN[c]);
            return -1;
        }
    }
    return 0;
}

/* Adds one category row. 0, or -1 with why in err. */
static int add(intake_services *self, const csv_record *rec, const size_t col[NCOLS], char *err, size_t errlen)
{
    const char *v[NCOLS];
    for (int c = 0; c < NCOLS; c++)
        v[c] = col[c] < rec->nfields ? rec->fields[col[c]] : "";
    int parent = *v[COL_PARENT] ? find(self, v[COL_PARENT]) : -1;
    if (!*v[COL_CODE] || !*v[COL_NAME] || find(self, v[COL_CODE]) >= 0 || (*v[COL_PARENT] && parent < 0)) {
        snprintf(err, errlen, "row %llu: empty or repeated code or name, or parent '%s' not listed before it",
                 (unsigned long long)rec->record_no, v[COL_PARENT]);
        return -1;
    }
    if (self->n == self->cap) {
        size_t ncap = self->cap ? self->cap * 2 : 32;
        service *p = realloc(self->list, ncap * sizeof *p);
        if (!p)
            goto oom;
        self->list = p;
        self->cap = ncap;
    }
    service *s = &self->list[self->n];
    s->root = parent < 0 ? (int)self->n : self->list[parent].root;
    const char *group = parent < 0 ? NULL : self->list[s->root].name;
    s->code = strdup(v[COL_CODE]);
    s->name = strdup(v[COL_NAME]);
    size_t clen = strlen(v[COL_NAME]) + (group ? strlen(group) + 2 : 1);
    s->category = malloc(clen);
    if (!s->code || !s->name || !s->category) {
        free(s->code); free(s->name); free(s->category);
        goto oom;
    }
    snprintf(s->category, clen, "%s%s%s", group ? group : "", group ? "-" : "", v[COL_NAME]);
    self->n++;
    return 0;
oom:
    snprintf(err, errlen, "out of memory");
    return -1;
}

/* Writes the services list as Open311 JSON; returns the length it needs. */
static size_t render(const intake_services *self, char *dst, size_t cap)
{
    size_t n = 0;
    intake_json_char(dst, cap, &n, '[');
    for (size_t i = 0; i < self->n; i++) {
        const service *s = &self->list[i];
        const char *group = self->list[s->root].name;
        intake_json_raw(dst, cap, &n, i ? ",{\"service_code\":" : "{\"service_code\":");
        intake_json_string(dst, cap, &n, s->code, strlen(s->code));
        intake_json_raw(dst, cap, &n, ",\"service_name\":");
        intake_json_string(dst, cap, &n, s->name, strlen(s->name));
        intake_json_raw(dst, cap, &n, ",\"description\":");
        intake_json_string(dst, cap, &n, s->category, strlen(s->category));
        intake_json_raw(dst, cap, &n, ",\"metadata\":false,\"type\":\"realtime\",\"keywords\":\"\",\"group\":");
        intake_json_string(dst, cap, &n, group, strlen(group));
        intake_json_char(dst, cap, &n, '}');
    }
    intake_json_char(dst, cap, &n, ']');
    intake_json_end(dst, cap, n);
    return n;
}

/* Reads every row of the open file. 0, or -1 with why in err. */
static int read_all(intake_services *self, int fd, char *err, size_t errlen)
{
    csv_reader *in = csv_reader_new(fd, NULL);
    csv_record rec;
    size_t col[NCOLS];
    int got, rc = -1;
    if (!in) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if ((got = csv_read(in, &rec)) != 1 || map_header(&rec, col, err, errlen) < 0) {
        if (got != 1)
            snprintf(err, errlen, "%s", got < 0 ? csv_reader_errstr(in) : "empty file");
        goto done;
    }
    while ((got = csv_read(in, &rec)) == 1)
        if (add(self, &rec, col, err, errlen) < 0)
            goto done;
    if (got < 0)
        snprintf(err, errlen, "%s", csv_reader_errstr(in));
    rc = got < 0 ? -1 : 0;
done:
    csv_reader_destroy(&in);
    return rc;
}

intake_services *intake_services_load(const char *path, char *err, size_t errlen)
{
    char why[400] = "out of memory";
    intake_services *self = calloc(1, sizeof *self);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        snprintf(why, sizeof why, "%s", strerror(errno));
    if (!self || fd < 0 || read_all(self, fd, why, sizeof why) < 0)
        goto fail;
    size_t len = render(self, NULL, 0);
    if (!(self->json = malloc(len + 1)))
        goto fail;
    render(self, self->json, len + 1);
    close(fd);
    return self;
fail:
    snprintf(err, errlen, "%s: %s", path, why);
    if (fd >= 0)
        close(fd);
    intake_services_destroy(&self);
    return NULL;
}

const char *intake_services_json(const intake_services *self)
{
    return self->json;
}

const char *intake_services_category(const intake_services *self, const char *code)
{
    int i = code ? find(self, code) : -1;
    return i < 0 ? NULL : self->list[i].category;
}

size_t intake_services_count(const intake_services *self)
{
    return self->n;
}

void intake_services_destroy(intake_services **pself)
{
    if (!pself || !*pself)
        return;
    intake_services *self = *pself;
    for (size_t i = 0; i < self->n; i++) {
        free(self->list[i].code);
        free(self->list[i].name);
        free(self->list[i].category);
    }
    free(self->list);
    free(self->json);
    free(self);
    *pself = NULL;
}
