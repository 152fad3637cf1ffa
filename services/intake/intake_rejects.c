/* intake_rejects.c — writing the rejects CSV of one import (see intake_rejects.h).
 *
 * A rejects file quotes the rows it refused, callers' names and phone numbers
 * included: it is created 0600 (directories 0700) whatever the umask, and a
 * file left from an earlier run is made 0600 again when rewritten. At start
 * intake_rejects_secure() makes the directory 0700 again and every file in it
 * 0600 that an older version or a wider umask left open to others.
 */
#include "intake_rejects.h"

#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "text.h"

struct intake_rejects {
    char     dir[PATH_MAX];
    char     path[PATH_MAX];
    int64_t  import_id;
    FILE    *fp;
};

intake_rejects *intake_rejects_new(const char *dir, int64_t import_id)
{
    intake_rejects *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    snprintf(self->dir, sizeof self->dir, "%s", dir);
    self->import_id = import_id;
    return self;
}

/* mkdir -p. 0 or -1 with errno. */
static int make_dirs(const char *dir)
{
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s", dir);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0700) < 0 && errno != EEXIST)
            return -1;
        *s = '/';
    }
    return mkdir(p, 0700) < 0 && errno != EEXIST ? -1 : 0;
}

/* Makes each regular file in d open to group or others 0600; how many. */
static int secure_files(DIR *d)
{
    struct dirent *e;
    struct stat st;
    int n = 0;
    while ((e = readdir(d)))
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
            (st.st_mode & 077) && fchmodat(dirfd(d), e->d_name, 0600, 0) == 0)
            n++;
    return n;
}

int intake_rejects_secure(const char *dir, char *err, size_t errlen)
{
    struct stat st;
    DIR *d = NULL;
    if (make_dirs(dir) < 0 || stat(dir, &st) < 0 || ((st.st_mode & 077) && chmod(dir, 0700) < 0) ||
        !(d = opendir(dir))) {
        snprintf(err, errlen, "rejects directory %s: %s", dir, strerror(errno));
        return -1;
    }
    int files = secure_files(d);
    closedir(d);
    if ((st.st_mode & 077) || files > 0)
        log_warn("rejects directory %s: made 0700 (it was %03o) and %d file(s) in it 0600: an older version or a"
                 " wider umask left callers' names and phone numbers readable by others", dir,
                 (unsigned)(st.st_mode & 0777), files);
    return 0;
}

int intake_rejects_path_of(char *out, size_t cap, const char *dir, int64_t import_id)
{
    int n = snprintf(out, cap, "%s/import-%lld-rejects.csv", dir, (long long)import_id);
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

static int open_file(intake_rejects *self, char *err, size_t errlen)
{
    char path[PATH_MAX];
    if (intake_rejects_path_of(path, sizeof path, self->dir, self->import_id) < 0) {
        snprintf(err, errlen, "拒收明细目录的路径太长：%.200s", self->dir);
        return -1;
    }
    int fd = -1;
    if (make_dirs(self->dir) < 0 || (fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0 ||
        fchmod(fd, 0600) < 0 || !(self->fp = fdopen(fd, "w"))) {
        snprintf(err, errlen, "拒收明细文件 %s：%s", path, text_os_error(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    snprintf(self->path, sizeof self->path, "%s", path);
    fputs("\xEF\xBB\xBF记录,文件行号,列,原因,原值\n", self->fp);
    return 0;
}

/* Copies up to max_chars characters of s[0..len) into dst as valid UTF-8:
 * invalid bytes and NULs become U+FFFD, a cut is marked with "…". */
static void clean_value(char *dst, size_t cap, const char *s, size_t len, size_t max_chars)
{
    size_t n = 0, chars = 0, i = 0;
    while (i < len && chars < max_chars && n + 8 < cap) {
        size_t step = 1;
        while (step <= 4 && i + step <= len && !text_utf8_valid(s + i, step, NULL))
            step++;
        if (s[i] != '\0' && step <= 4 && i + step <= len) {
            memcpy(dst + n, s + i, step);
            n += step;
            i += step;
        } else {
            memcpy(dst + n, "\xEF\xBF\xBD", 3);
            n += 3;
            i++;
        }
        chars++;
    }
    if (i < len && n + 4 <= cap) {
        memcpy(dst + n, "\xE2\x80\xA6", 3);
        n += 3;
    }
    dst[n] = '\0';
}

/* Writes s as one CSV field, quoted when it needs to be, defused as a formula. */
static void put_field(FILE *fp, const char *s, int last)
{
    char safe[INTAKE_REJECTS_VALUE_CHARS * 4 + 16];
    text_defuse_formula(safe, sizeof safe, s);
    if (strpbrk(safe, ",\"\r\n")) {
        fputc('"', fp);
        for (const char *p = safe; *p; p++) {
            if (*p == '"')
                fputc('"', fp);
            fputc(*p, fp);
        }
        fputc('"', fp);
    } else {
        fputs(safe, fp);
    }
    fputc(last ? '\n' : ',', fp);
}

int intake_rejects_write(intake_rejects *self, const intake_reject *rej, char *err, size_t errlen)
{
    if (!self->fp && open_file(self, err, errlen) < 0)
        return -1;
    char value[INTAKE_REJECTS_VALUE_CHARS * 4 + 8];
    clean_value(value, sizeof value, rej->value ? rej->value : "", rej->value ? rej->value_len : 0,
                INTAKE_REJECTS_VALUE_CHARS);
    fprintf(self->fp, "%llu,%llu,", (unsigned long long)rej->row, (unsigned long long)rej->line);
    put_field(self->fp, rej->column ? rej->column : "", 0);
    put_field(self->fp, rej->reason, 0);
    put_field(self->fp, value, 1);
    if (ferror(self->fp)) {
        snprintf(err, errlen, "拒收明细文件 %s：写入出错", self->path);
        return -1;
    }
    return 0;
}

int intake_rejects_mark(intake_rejects *self, long *mark, char *err, size_t errlen)
{
    *mark = 0;
    if (!self->fp)
        return 0;
    if (fflush(self->fp) != 0 || (*mark = ftell(self->fp)) < 0) {
        snprintf(err, errlen, "拒收明细文件 %s：写入出错：%s", self->path, text_os_error(errno));
        return -1;
    }
    return 0;
}

int intake_rejects_cut(intake_rejects *self, long mark, char *err, size_t errlen)
{
    if (!self->fp)
        return 0;
    if (mark == 0) {
        fclose(self->fp);
        self->fp = NULL;
        int rc = unlink(self->path) < 0 && errno != ENOENT ? -1 : 0;
        if (rc < 0)
            snprintf(err, errlen, "拒收明细文件 %s：删不掉：%s", self->path, text_os_error(errno));
        self->path[0] = '\0';
        return rc;
    }
    if (fflush(self->fp) != 0 || ftruncate(fileno(self->fp), mark) < 0 || fseek(self->fp, mark, SEEK_SET) < 0) {
        snprintf(err, errlen, "拒收明细文件 %s：截短出错：%s", self->path, text_os_error(errno));
        return -1;
    }
    return 0;
}

int intake_rejects_close(intake_rejects *self, char *err, size_t errlen)
{
    if (!self->fp)
        return 0;
    int bad = ferror(self->fp) | fclose(self->fp);
    self->fp = NULL;
    if (bad) {
        snprintf(err, errlen, "拒收明细文件 %s：写入出错", self->path);
        return -1;
    }
    return 0;
}

const char *intake_rejects_path(const intake_rejects *self)
{
    return self->path;
}

void intake_rejects_destroy(intake_rejects **self)
{
    if (!self || !*self)
        return;
    if ((*self)->fp)
        fclose((*self)->fp);
    free(*self);
    *self = NULL;
}
