/* route_learn_file.c — reading a labelled export for training (see route_learn_file.h). */
#include "route_learn_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

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
    int text, label;     /* column indices, -1 until found */
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

static int find_columns(const csv_record *rec, columns *c, char *err, size_t errlen)
{
    *c = (columns){-1, -1};
    for (size_t i = 0; i < rec->nfields; i++) {
        if (c->text < 0 && header_in(rec->fields[i], rec->lens[i], TEXT_HEADERS))
            c->text = (int)i;
        else if (c->label < 0 && header_in(rec->fields[i], rec->lens[i], LABEL_HEADERS))
            c->label = (int)i;
    }
    if (c->text >= 0 && c->label >= 0)
        return 0;
    snprintf(err, errlen, "第一行（表头）里没有%s列：诉求内容列可以叫 诉求内容、内容、来电内容、留言详情、content，"
             "类别列可以叫 诉求类型、问题类型、一级分类、一级标签、category、label", c->text < 0 ? "诉求内容" : "类别");
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

/* Reads the rows of an open file. */
static long read_rows(int fd, const char *path, route_learn_row_fn fn, void *ctx, char *err, size_t errlen)
{
    char why[512];
    intake_source *src = intake_source_open(fd, path, NULL, why, sizeof why);
    if (!src) {
        snprintf(err, errlen, "%s", why);
        return -1;
    }
    csv_record rec;
    columns c = {-1, -1};
    long rows = 0;
    char buf[256];
    const char *label;
    int r;
    while ((r = intake_source_read(src, &rec)) == 1) {
        if (c.text < 0) {
            if (find_columns(&rec, &c, err, errlen) != 0)
                break;
            continue;
        }
        if (!(label = row_label(&rec, &c, buf, sizeof buf)))
            continue;
        if (fn(ctx, rec.fields[c.text], label) != 0) {
            snprintf(err, errlen, "第 %llu 条记录：内存不足", (unsigned long long)rec.record_no);
            break;
        }
        rows++;
    }
    if (r < 0)
        snprintf(err, errlen, "%s", intake_source_errstr(src));
    long out = r == 0 && c.text >= 0 ? rows : -1;
    if (r == 0 && c.text < 0)
        snprintf(err, errlen, "文件是空的（连表头也没有）");
    intake_source_destroy(&src);
    return out;
}

/* Prefixes err with the file's name. */
static void name_error(const char *name, char *err, size_t errlen)
{
    char tmp[1024];
    snprintf(tmp, sizeof tmp, "%s", err);
    snprintf(err, errlen, "%s：%s", name, tmp);
}

long route_learn_file_read(const char *path, route_learn_row_fn fn, void *ctx, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    long n = read_rows(fd, path, fn, ctx, err, errlen);
    close(fd);
    if (n < 0)
        name_error(path, err, errlen);
    return n;
}

long route_learn_file_read_bytes(const void *data, size_t len, const char *name, route_learn_row_fn fn, void *ctx,
                                 char *err, size_t errlen)
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
        snprintf(err, errlen, "%s：%zu 字节放不进内存（%s）", name, len, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);   /* XLSX is opened by name */
    long n = read_rows(fd, path, fn, ctx, err, errlen);
    close(fd);
    if (n < 0)
        name_error(name, err, errlen);
    return n;
}
