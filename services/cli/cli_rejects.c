/* cli_rejects.c — fetching an import's rejects file to the clerk's machine
 * (see cli_rejects.h).
 *
 * Chunks are asked for at the offset the file has reached, so a chunk asked
 * again after a lost reply lands on the same bytes; each must continue the
 * file and agree on its size, or the fetch stops and what was written goes.
 */
#include "cli_rejects.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "import_client.h"
#include "privfile.h"
#include "text.h"

#define CHUNK_TRIES 3
#define NAMES_TRIED 99      /* NAME.拒收明细.csv, NAME.拒收明细-2.csv … -99 */
#define SUFFIX ".拒收明细"
#define STEM_BYTES 200      /* of the imported file's name at most: the new name stays under NAME_MAX */

/* One fetch: where it goes, how far it got. */
typedef struct {
    cli_ctx    *ctx;
    int64_t     id;
    const char *beside;     /* the imported file, or NULL */
    char        what[64];   /* 取回第 N 号导入的拒收明细, for messages */
    int         timeout_ms;
    int         fd;         /* the new file, once the first chunk came */
    char        path[PATH_MAX];
} fetch;

/* import_client_call_fn: a chunk asked with the clerk's key, tried CHUNK_TRIES times. */
static int call_intake(void *ctx, const char *type, const ProtobufCMessage *msg, int last, Jiesu__Envelope **reply,
                       int *code, char *err, size_t errlen)
{
    fetch *f = ctx;
    (void)last;
    int rc = cli_call(f->ctx, "intake", f->what, type, msg, f->timeout_ms, CHUNK_TRIES, 1, reply, err, errlen);
    *code = f->ctx->error_code;
    return rc < 0 ? -1 : 0;
}

/* The name the new file is made from: the imported file's base name
 * without its extension, cut on a character ("" when it has none worth
 * using). */
static void stem_of(char out[STEM_BYTES], const char *file)
{
    const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
    const char *dot = strrchr(base, '.');
    size_t len = dot && dot > base ? (size_t)(dot - base) : strlen(base);
    snprintf(out, STEM_BYTES, "%.*s", (int)len, base);
    text_utf8_cut(out);
    if (strcmp(out, ".") == 0 || strcmp(out, "..") == 0)
        *out = '\0';
}

/* Creates the first free name of stem's rejects file in dir (a prefix
 * ending in '/', or "" for the current directory) into path. The
 * descriptor, or -1 with errno. */
static int create_in(const char *dir, const char *stem, char *path, size_t cap)
{
    for (int n = 1; n <= NAMES_TRIED; n++) {
        int len = n == 1 ? snprintf(path, cap, "%s%s" SUFFIX ".csv", dir, stem)
                         : snprintf(path, cap, "%s%s" SUFFIX "-%d.csv", dir, stem, n);
        if (len < 0 || (size_t)len >= cap) {
            errno = ENAMETOOLONG;
            return -1;
        }
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    return -1;
}

/* Creates the local file for the import of file_name (intake's record of
 * it): beside the imported file, else in the current directory. 0, or -1
 * after printing why. */
static int create_local(fetch *f, const char *file_name)
{
    char stem[STEM_BYTES], dir[PATH_MAX] = "";
    const char *slash = f->beside ? strrchr(f->beside, '/') : NULL;
    stem_of(stem, f->beside ? f->beside : file_name);
    if (!*stem)
        snprintf(stem, sizeof stem, "导入%lld", (long long)f->id);
    if (slash)
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - f->beside + 1), f->beside);
    f->fd = create_in(dir, stem, f->path, sizeof f->path);
    if (f->fd < 0 && errno != EEXIST && *dir) {  /* a directory the clerk may not write: here instead */
        *dir = '\0';
        f->fd = create_in(dir, stem, f->path, sizeof f->path);
    }
    if (f->fd >= 0)
        return 0;
    if (errno == EEXIST)
        cli_error("%s：%s 已有 %d 个同名的拒收明细文件，不覆盖：请把用过的移走后用 jiesu import --rejects %lld 再取",
                  f->what, *dir ? dir : "当前目录", NAMES_TRIED, (long long)f->id);
    else
        cli_error("%s：无法新建 %s：%s；请到可以写文件的目录里用 jiesu import --rejects %lld 再取", f->what, f->path,
                  text_os_error(errno), (long long)f->id);
    return -1;
}

/* Writes chunk (checked to continue the file) to the local file. 0, or -1
 * after printing why. */
static int put_chunk(fetch *f, const Jiesu__RejectsChunk *chunk)
{
    if (privfile_write_all(f->fd, chunk->data.data, chunk->data.len) == 0)
        return 0;
    cli_error("%s：写 %s 出错：%s", f->what, f->path, text_os_error(errno));
    return -1;
}

/* Fetches chunk after chunk into the local file. 0, or -1 after printing why. */
static int fetch_all(fetch *f)
{
    char err[1024];
    import_client_rejects r;
    import_client_rejects_init(&r, call_intake, f, f->id);
    for (int last = 0; !last;) {
        Jiesu__Envelope *env = NULL;
        Jiesu__RejectsChunk *chunk = NULL;
        if (import_client_rejects_next(&r, &env, &chunk, err, sizeof err) < 0) {
            if (r.code == IMPORT_CLIENT_MISMATCH)
                cli_error("%s：%s：请用 jiesu import --rejects %lld 再取", f->what, err, (long long)f->id);
            else
                cli_error_about(f->what, err);
            return -1;
        }
        int rc = f->fd < 0 && create_local(f, chunk->file_name) < 0 ? -1 : put_chunk(f, chunk);
        last = chunk->last;
        jiesu__rejects_chunk__free_unpacked(chunk, NULL);
        jiesu__envelope__free_unpacked(env, NULL);
        if (rc < 0)
            return -1;
    }
    return 0;
}
int cli_rejects_fetch(cli_ctx *ctx, int64_t id, const char *beside, char *local, size_t cap)
{
    fetch f = {.ctx = ctx, .id = id, .beside = beside, .fd = -1,
               .timeout_ms = (int)(1000 * config_long(ctx->cfg, "cli.timeout_seconds"))};
    snprintf(f.what, sizeof f.what, "取回第 %lld 号导入的拒收明细", (long long)id);
    int rc = fetch_all(&f);
    if (f.fd >= 0 && close(f.fd) < 0 && rc == 0) {
        cli_error("%s：写 %s 出错：%s", f.what, f.path, text_os_error(errno));
        rc = -1;
    }
    if (rc < 0 && f.fd >= 0)
        unlink(f.path);     /* part of the file is not the file */
    if (rc == 0)
        snprintf(local, cap, "%s", f.path);
    return rc;
}

int cli_rejects_main(cli_ctx *ctx, const char *typed)
{
    char local[PATH_MAX];
    long id = cli_count(typed, 1, LONG_MAX);
    if (id < 0) {
        cli_error("import：--rejects 后面写导入编号（正整数，导入时汇总行里说的第几号），不是“%s”", typed);
        return 2;
    }
    if (cli_rejects_fetch(ctx, id, NULL, local, sizeof local) < 0)
        return 1;
    printf("第 %ld 号导入的拒收明细：%s\n", id, local);
    return 0;
}
