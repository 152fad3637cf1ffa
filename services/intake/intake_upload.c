/* intake_upload.c — spooling uploaded files (see intake_upload.h).
 *
 * A fixed table of UPLOADS_MAX slots: a clerk's upload takes one until it is
 * imported or goes idle. Chunks are written with pwrite at their offset, so
 * a chunk that comes twice (the client retried after a lost reply) lands on
 * the same bytes; one that would leave a hole is refused. The file is hashed
 * as its chunks come in order (a chunk sent again leaves the hashing to the
 * import), and never synced to disk: a restarted intake knows no upload, so
 * the spooled file never has to outlive a crash (the client sends it again).
 * A file whose size its sender does not know (a browser's upload, read as
 * it comes) is held to max_bytes chunk by chunk, and is whole at its last.
 *
 * Each spooled file is locked (flock, exclusive) by the process that made it
 * from its first byte until it is removed: through its import too, which
 * runs on it before intake_uploads_done. A process that dies (a crash, a
 * kill -9 mid-import) leaves its file behind, but the kernel drops its lock;
 * so at start intake removes every upload file no process holds locked
 * (sweep_leftovers), which no running import, of this process or of another
 * intake sharing the directory, can still be using. One empty and made in
 * the last minute is left: another intake may have just made it and not yet
 * locked it (it holds nothing then).
 */
#include "intake_upload.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <dirent.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bus.h"
#include "clock.h"
#include "import_client.h"
#include "intake_sha.h"
#include "log.h"
#include "text.h"

#define UPLOADS_MAX 16
#define UPLOAD_PREFIX "upload-"
#define UPLOAD_FRESH_S 60        /* an empty file younger than this may be another intake's, not locked yet */

typedef struct {
    char    id[33];             /* "" when the slot is free */
    char    owner[ZAP_USER_ID_MAX];
    char    file_name[256];
    char    path[4096];
    int     fd;
    int64_t received, size;
    int64_t touched_ms;
    intake_sha *sha;            /* the bytes 0..hashed; NULL once a chunk came out of order */
    int64_t hashed;
} upload;

struct intake_uploads {
    char    dir[3072];
    int64_t max_bytes;
    upload  slot[UPLOADS_MAX];
};

/* 1 when name is one intake gives a spooled file: "upload-" and an id. */
static int upload_name(const char *name)
{
    size_t n = strlen(UPLOAD_PREFIX);
    return strncmp(name, UPLOAD_PREFIX, n) == 0 && strlen(name + n) == 32 &&
           strspn(name + n, "0123456789abcdef") == 32;
}

/* Removes file name of dir when no process holds it locked, unless it is
 * empty and fresh. 1 when removed (its size added to *bytes), else 0. */
static int sweep_one(int dfd, const char *dir, const char *name, long long *bytes)
{
    struct stat st;
    int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC), gone = 0;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (fd >= 0)
            close(fd);
        return 0;           /* gone meanwhile, not a file, or a running import's */
    }
    if (st.st_size > 0 || time(NULL) - st.st_mtime > UPLOAD_FRESH_S) {
        gone = unlinkat(dfd, name, 0) == 0;
        *bytes += gone ? (long long)st.st_size : 0;
        if (!gone && errno != ENOENT)
            log_warn("spool directory %s: cannot remove %s, left by an import cut off: %s", dir, name,
                     strerror(errno));
    }
    close(fd);
    return gone;
}

/* Removes the upload files left by imports cut off (intake killed or crashed
 * while a clerk's file was spooled or imported): those no process holds
 * locked. They hold callers' personal data, and nothing reads them again. */
static void sweep_leftovers(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        log_warn("spool directory %s: cannot read it to remove what interrupted imports left: %s", dir,
                 strerror(errno));
        return;
    }
    int removed = 0;
    long long bytes = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        removed += upload_name(e->d_name) && sweep_one(dirfd(d), dir, e->d_name, &bytes);
    closedir(d);
    if (removed > 0)
        log_warn("spool directory %s: removed %d file(s) (%lld bytes) of uploads whose import was cut off"
                 " (intake killed or crashed under it): no running intake held them", dir, removed, bytes);
}

intake_uploads *intake_uploads_new(const char *dir, int64_t max_bytes, char *err, size_t errlen)
{
    struct stat st;
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "spool directory %s: %s", dir, strerror(errno));
        return NULL;
    }
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode) || chmod(dir, 0700) != 0) {
        snprintf(err, errlen, "spool directory %s: not a directory this service owns", dir);
        return NULL;
    }
    intake_uploads *self = calloc(1, sizeof *self);
    if (!self) {
        snprintf(err, errlen, "内存不足");
        return NULL;
    }
    if (strlen(dir) >= sizeof self->dir) {
        snprintf(err, errlen, "spool directory %s: path too long", dir);
        free(self);
        return NULL;
    }
    snprintf(self->dir, sizeof self->dir, "%s", dir);
    sweep_leftovers(self->dir);
    self->max_bytes = max_bytes;
    for (int i = 0; i < UPLOADS_MAX; i++)
        self->slot[i].fd = -1;
    return self;
}

static void forget(upload *u)
{
    if (u->fd >= 0)
        close(u->fd);
    intake_sha_destroy(&u->sha);
    if (*u->path)
        unlink(u->path);
    memset(u, 0, sizeof *u);
    u->fd = -1;
}

static upload *find(intake_uploads *self, const char *id)
{
    for (int i = 0; i < UPLOADS_MAX; i++)
        if (*self->slot[i].id && strcmp(self->slot[i].id, id) == 0)
            return &self->slot[i];
    return NULL;
}

/* A new upload for chunk's file, in a free slot. NULL with code and err. */
static upload *open_upload(intake_uploads *self, const char *owner, const Jiesu__ImportUpload *chunk, int *code,
                           char *err, size_t errlen)
{
    upload *u = NULL;
    intake_uploads_expire(self);
    for (int i = 0; i < UPLOADS_MAX && !u; i++)
        if (!*self->slot[i].id)
            u = &self->slot[i];
    if (!u) {
        *code = 503;
        snprintf(err, errlen, "工单受理服务正在同时接收 %d 个文件，已满；请过一会儿再导入", UPLOADS_MAX);
        return NULL;
    }
    if (chunk->size < IMPORT_CLIENT_SIZE_UNKNOWN || chunk->size > self->max_bytes) {
        *code = UPLOAD_TOO_BIG;
        snprintf(err, errlen, "文件有 %lld 字节，工单受理服务最多收 %lld 字节（intake.max_upload_bytes）；请把文件拆小再导入",
                 (long long)chunk->size, (long long)self->max_bytes);
        return NULL;
    }
    bus_new_id(u->id);
    snprintf(u->path, sizeof u->path, "%s/upload-%s", self->dir, u->id);
    /* locked as long as it is in use: another intake starting leaves it (sweep_leftovers) */
    if ((u->fd = open(u->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0 || flock(u->fd, LOCK_EX) != 0) {
        *code = 500;
        snprintf(err, errlen, "暂存文件出错：%s：%s", u->path, text_os_error(errno));
        if (u->fd < 0)
            u->path[0] = '\0';     /* not made: nothing of ours to remove */
        forget(u);
        return NULL;
    }
    snprintf(u->owner, sizeof u->owner, "%s", owner);
    snprintf(u->file_name, sizeof u->file_name, "%s", *chunk->file_name ? chunk->file_name : "upload");
    u->size = chunk->size;
    u->sha = intake_sha_new();
    return u;
}

/* Adds a stored chunk to the upload's hash when it continues what was hashed;
 * one sent again gives the hash up (the import hashes the file instead). */
static void hash_chunk(upload *u, const Jiesu__ImportUpload *chunk)
{
    if (u->sha && chunk->offset == u->hashed) {
        intake_sha_add(u->sha, chunk->data.data, chunk->data.len);
        u->hashed += (int64_t)chunk->data.len;
    } else {
        intake_sha_destroy(&u->sha);
    }
}

/* Writes the chunk at its offset. 0, or -1 with code and err. */
static int write_chunk(intake_uploads *self, upload *u, const Jiesu__ImportUpload *chunk, int *code, char *err,
                       size_t errlen)
{
    if (chunk->offset < 0 || chunk->offset > u->received) {
        *code = 409;
        snprintf(err, errlen, "这一块从第 %lld 字节开始，工单受理服务只收到 %lld 字节：请从那里接着发",
                 (long long)chunk->offset, (long long)u->received);
        return -1;
    }
    int64_t end = chunk->offset + (int64_t)chunk->data.len;    /* offset <= received <= max_bytes: no overflow */
    if (end > self->max_bytes) {
        *code = UPLOAD_TOO_BIG;
        snprintf(err, errlen, "文件超过了 intake.max_upload_bytes（%lld 字节）；请把文件拆小再导入",
                 (long long)self->max_bytes);
        return -1;
    }
    for (size_t done = 0; done < chunk->data.len;) {
        ssize_t n = pwrite(u->fd, chunk->data.data + done, chunk->data.len - done, chunk->offset + (off_t)done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            *code = 507;
            snprintf(err, errlen, "暂存文件出错：%s", text_os_error(errno));
            return -1;
        }
        done += (size_t)n;
    }
    if (end > u->received)
        u->received = end;
    hash_chunk(u, chunk);
    return 0;
}

int intake_uploads_put(intake_uploads *self, const char *owner, const Jiesu__ImportUpload *chunk,
                       intake_upload_state *st, int *code, char *err, size_t errlen)
{
    upload *u = *chunk->upload_id ? find(self, chunk->upload_id) : open_upload(self, owner, chunk, code, err, errlen);
    if (!u && *chunk->upload_id) {
        *code = UPLOAD_GONE;
        snprintf(err, errlen, "工单受理服务不知道上传 %s（重启过，或闲置太久）：请重新发送文件",
                 chunk->upload_id);
    } else if (u && strcmp(u->owner, owner) != 0) {
        *code = 403;
        snprintf(err, errlen, "上传 %s 是别人的", chunk->upload_id);
        u = NULL;
    }
    if (!u || write_chunk(self, u, chunk, code, err, errlen) < 0)
        return -1;
    u->touched_ms = clock_mono_ms();
    snprintf(st->id, sizeof st->id, "%s", u->id);
    st->received = u->received;
    if (!chunk->last)
        return 0;
    if (u->size != IMPORT_CLIENT_SIZE_UNKNOWN && u->received != u->size) {  /* changed while it was sent, or a chunk lost */
        *code = 409;
        snprintf(err, errlen, "文件应有 %lld 字节，工单受理服务收到了 %lld 字节（发送时文件变了？）：请等文件写完后重新导入",
                 (long long)u->size, (long long)u->received);
        forget(u);
        return -1;
    }
    st->sha256[0] = '\0';
    if (u->sha && u->hashed == u->received && intake_sha_hex(u->sha, st->sha256) < 0)
        st->sha256[0] = '\0';
    intake_sha_destroy(&u->sha);
    snprintf(st->path, sizeof st->path, "%s", u->path);
    snprintf(st->file_name, sizeof st->file_name, "%s", u->file_name);
    return 1;
}

void intake_uploads_done(intake_uploads *self, const char *id)
{
    upload *u = find(self, id);
    if (u)
        forget(u);
}

void intake_uploads_expire(intake_uploads *self)
{
    int64_t now = clock_mono_ms();
    for (int i = 0; i < UPLOADS_MAX; i++)
        if (*self->slot[i].id && now - self->slot[i].touched_ms > UPLOAD_IDLE_MS) {
            log_warn("upload %s (%s) idle for %d minutes: dropped", self->slot[i].id, self->slot[i].file_name,
                     UPLOAD_IDLE_MS / 60000);
            forget(&self->slot[i]);
        }
}

void intake_uploads_destroy(intake_uploads **self)
{
    if (!*self)
        return;
    for (int i = 0; i < UPLOADS_MAX; i++)
        if (*(*self)->slot[i].id)
            forget(&(*self)->slot[i]);
    free(*self);
    *self = NULL;
}
