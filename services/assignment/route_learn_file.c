/* route_learn_file.c — reading a labelled export for training (see route_learn_file.h). */
#include "route_learn_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "intake_pick.h"
#include "intake_row.h"
#include "intake_source.h"
#include "text.h"

/* Header names of the text and the label column (compared folded to lower
 * case, full-width to half-width): a hotline export's own names and those of
 * labelled training sets. */
static const char *const TEXT_HEADERS[] = {"诉求内容", "内容", "来电内容", "工单内容", "问题描述", "留言详情",
                                           "content", "description", "text", NULL};
static const char *const LABEL_HEADERS[] = {"诉求类型", "问题类型", "诉求类别", "工单类型", "category", "label",
                                            "一级分类", "分类", "类别", "最终分类", "一级标签", NULL};

typedef struct {
    int           text, label;  /* column indices, -1 until found (label: -1 too when the profile's category is it) */
    intake_picked pick;         /* the profile the header fits; pick.map NULL: the header names above */
    intake_row   *row;          /* builds a row as an import does, when pick.map */
    char          aside[3200];  /* when no profile fits, those set aside as an import names them ("" none) */
} columns;

static int header_in(const char *h, size_t len, const char *const *names)
{
    char norm[128];
    size_t n = text_normalize(norm, sizeof norm, h, len);
    if (n == (size_t)-1)
        return 0;
    for (char *p = norm; *p; p++)
        *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
    for (const char *const *l = names; *l; l++)
        if (strcmp(norm, *l) == 0)
            return 1;
    return 0;
}

/* The first column of rec whose header is one of names, or -1. */
static int column_named(const csv_record *rec, const char *const *names)
{
    for (size_t i = 0; i < rec->nfields; i++)
        if (header_in(rec->fields[i], rec->lens[i], names))
            return (int)i;
    return -1;
}

/* The header mapped as an import maps it, when exactly one profile of dir
 * fits it. 1 when one fits, 0 when none or several do, -1 with err (the
 * profiles unreadable, out of memory). */
static int by_profile(const csv_record *rec, const char *dir, const csv_options *limits, columns *c, char *err,
                      size_t errlen)
{
    char why[4096];
    intake_pick_opts o = {dir, NULL, NULL};
    if (intake_pick(&o, rec, &c->pick, why, sizeof why) != 0) {
        int read = c->pick.set != NULL;
        if (!read)
            snprintf(err, errlen, "%s", why);
        else
            intake_pick_aside(c->pick.set, INTAKE_AT_TERMINAL, c->aside, sizeof c->aside);
        intake_pick_free(&c->pick);
        return read ? 0 : -1;
    }
    if (!(c->row = intake_row_new(limits, INTAKE_AT_TERMINAL))) {
        snprintf(err, errlen, "读表头时内存不足");
        return -1;
    }
    c->text = intake_columns_index(c->pick.map, COL_CONTENT);
    c->label = intake_columns_index(c->pick.map, COL_CATEGORY) < 0 ? column_named(rec, LABEL_HEADERS) : -1;
    return 1;
}

/* Finds the text and the label of rec, the header: by the profile of dir
 * that fits it (dir NULL: none), else by the names above. 0 or -1 with err. */
static int find_columns(const csv_record *rec, const char *dir, const csv_options *limits, columns *c, char *err,
                        size_t errlen)
{
    int fits = dir ? by_profile(rec, dir, limits, c, err, errlen) : 0;
    if (fits < 0)
        return -1;
    if (!fits) {
        c->text = column_named(rec, TEXT_HEADERS);
        c->label = column_named(rec, LABEL_HEADERS);
    }
    if (c->text >= 0 && (c->label >= 0 || (fits && intake_columns_index(c->pick.map, COL_CATEGORY) >= 0)))
        return 0;
    snprintf(err, errlen, "第一行（表头）里没有%s列：诉求内容列可以叫 诉求内容、内容、来电内容、留言详情、content，"
             "类别列可以叫 诉求类型、问题类型、一级分类、一级标签、category、label%s%s", c->text < 0 ? "诉求内容" : "类别",
             *c->aside ? "\n" : "", c->aside);
    text_utf8_cut(err);
    return -1;
}

/* A row's label as an import stores a category (text_normalize: trimmed,
 * runs of whitespace as one space, full-width ASCII as ASCII), into buf: a
 * label with a space or a tab around it, as a file made by hand has, is
 * still its category. NULL when the row has no text or no label; a label
 * too long for buf goes as it is (no category has such a name). */
static const char *row_label(const csv_record *rec, const columns *c, char *buf, size_t cap)
{
    if (rec->status != CSV_OK || (size_t)c->text >= rec->nfields || (size_t)c->label >= rec->nfields ||
        !rec->lens[c->text])
        return NULL;
    size_t n = text_normalize(buf, cap, rec->fields[c->label], rec->lens[c->label]);
    return n == (size_t)-1 ? rec->fields[c->label] : n ? buf : NULL;
}

/* Counts a row the import would refuse; the first is named. */
static void refuse(route_learn_refused *refused, const intake_reject *rej)
{
    if (refused->rows++ == 0)
        snprintf(refused->first, sizeof refused->first, "第 %llu 行%s%s：%s", (unsigned long long)rej->row,
                 rej->column ? "的" : "", rej->column ? rej->column : "", rej->reason);
}

/* The text and the label of a data row into *text and *label: as an import
 * of the file stores the order's content and category when a profile fits
 * (a row the import would refuse is skipped and counted), else the columns
 * as they are. 1, 0 for a row to skip, -1 when out of memory. */
static int row_of(columns *c, const csv_record *rec, route_learn_refused *refused, const char **text,
                  const char **label, char *buf, size_t cap)
{
    if (!c->pick.map) {
        *text = rec->fields[c->text];
        return (*label = row_label(rec, c, buf, cap)) != NULL;
    }
    const char *line;
    size_t len;
    intake_reject rej;
    int r = intake_row_build(c->row, c->pick.map, rec, 0, &line, &len, &rej);
    if (r == INTAKE_ROW_REJECTED)
        refuse(refused, &rej);
    if (r != INTAKE_ROW_OK)
        return r < 0 ? -1 : 0;
    *text = intake_row_value(c->row, COL_CONTENT);
    *label = c->label < 0 ? intake_row_value(c->row, COL_CATEGORY) : row_label(rec, c, buf, cap);
    return *label && **label;
}

/* Reads the rows of an open file. */
static long read_rows(int fd, const char *path, const char *profiles_dir, route_learn_refused *refused,
                      route_learn_row_fn fn, void *ctx, char *err, size_t errlen)
{
    char why[512];
    *refused = (route_learn_refused){0};
    intake_source *src = intake_source_open(fd, path, NULL, why, sizeof why);
    if (!src) {
        snprintf(err, errlen, "%s", why);
        return -1;
    }
    csv_record rec;
    columns c = {.text = -1, .label = -1};
    long rows = 0;
    char buf[256];
    const char *text, *label;
    int r, got;
    while ((r = intake_source_read(src, &rec)) == 1) {
        if (c.text < 0) {
            if (find_columns(&rec, profiles_dir, intake_source_options(src), &c, err, errlen) != 0)
                break;
            continue;
        }
        if ((got = row_of(&c, &rec, refused, &text, &label, buf, sizeof buf)) == 0)
            continue;
        if (got < 0 || fn(ctx, text, label) != 0) {
            snprintf(err, errlen, "第 %llu 条记录：内存不足", (unsigned long long)rec.record_no);
            break;
        }
        rows++;
    }
    if (r < 0)
        intake_source_explain_error(src, INTAKE_AT_TERMINAL, err, errlen);
    long out = r == 0 && c.text >= 0 ? rows : -1;
    if (r == 0 && c.text < 0)
        snprintf(err, errlen, "文件是空的（连表头也没有）");
    intake_row_destroy(&c.row);
    intake_pick_free(&c.pick);
    intake_source_destroy(&src);
    return out;
}

/* Prefixes err with the file's name. */
static void name_error(const char *name, char *err, size_t errlen)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", err);
    snprintf(err, errlen, "%s：%s", name, tmp);
}

long route_learn_file_read(const char *path, const char *profiles_dir, route_learn_refused *refused,
                           route_learn_row_fn fn, void *ctx, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, text_os_error(errno));
        return -1;
    }
    long n = read_rows(fd, path, profiles_dir, refused, fn, ctx, err, errlen);
    close(fd);
    if (n < 0)
        name_error(path, err, errlen);
    return n;
}

long route_learn_file_read_bytes(const void *data, size_t len, const char *name, const char *profiles_dir,
                                 route_learn_refused *refused, route_learn_row_fn fn, void *ctx, char *err,
                                 size_t errlen)
{
    char path[64];
    int fd = memfd_create("jiesu-learn", MFD_CLOEXEC);
    const char *p = data;
    for (size_t done = 0; fd >= 0 && done < len;) {
        ssize_t w = write(fd, p + done, len - done);
        if (w <= 0) {
            close(fd);
            fd = -1;
        } else {
            done += (size_t)w;
        }
    }
    if (fd < 0 || lseek(fd, 0, SEEK_SET) != 0) {
        snprintf(err, errlen, "%s：%zu 字节放不进内存（%s）", name, len, text_os_error(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);   /* XLSX is opened by name */
    long n = read_rows(fd, path, profiles_dir, refused, fn, ctx, err, errlen);
    close(fd);
    if (n < 0)
        name_error(name, err, errlen);
    return n;
}
