/* intake_fetch.c — reading an import's rejects file back for the person who
 * ran the import, or an administrator, whose fetch is recorded in
 * admin_events (`jiesu audit`) (see intake_fetch.h).
 *
 * Each chunk is checked afresh (the import's row, then the file), as every
 * request is answered for its principal as they are now: a clerk disabled
 * half-way gets no further chunk. The file of a finished import no longer
 * changes, so chunks read at their offsets make up the file.
 */
#include "intake_fetch.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "intake_rejects.h"
#include "log.h"

/* What a refusal adds: why, and whom to ask. */
#define WHO_MAY "拒收明细里有来电人的姓名和电话，只有做这次导入的话务员本人和系统管理员可以取回"

static const char SQL_IMPORT[] =
    "SELECT file_name, coalesce(imported_by, ''), status FROM imports WHERE id = $1::bigint";
enum { I_FILE, I_BY, I_STATUS };

/* An administrator's fetch of the rejects of an import not theirs (callers'
 * names and numbers), recorded as theirs before its first chunk leaves, as
 * every look at a caller's number is: $1 who, $2 whose import ('' none
 * recorded), $3 its number, $4 its file, $5 the file's bytes. */
static const char SQL_RECORD[] =
    "INSERT INTO admin_events (actor, action, subject, detail)"
    " VALUES ($1, 'rejects.fetch', $2, jsonb_build_object('import', $3::bigint, 'file', $4::text, 'bytes', $5::bigint))";

/* Whether who may read import id's rejects: the import's row and its owner.
 * 0 with the file's name in name and who ran the import in by ('' none
 * recorded); -1 with code and err. */
static int may_read(PGconn *pg, const auth_principal *who, int64_t id, char name[256], char by[128], int *code,
                    char *err, size_t errlen)
{
    char idtext[24];
    snprintf(idtext, sizeof idtext, "%" PRId64, id);
    const char *params[] = {idtext};
    PGresult *res = db_query(pg, "rejects of an import", SQL_IMPORT, 1, params, err, errlen);
    int rc = -1;
    if (!res) {
        *code = 500;
        return -1;
    }
    if (PQntuples(res) != 1) {
        *code = 404;
        snprintf(err, errlen, "没有编号为 %" PRId64 " 的导入：请点导入页面“最近的导入”里的拒收明细链接取回，"
                 "或核对导入编号（jiesu import 取回拒收明细失败时会给出）", id);
    } else if (who->role != AUTH_ADMIN && strcmp(PQgetvalue(res, 0, I_BY), who->name) != 0) {
        *code = 403;
        snprintf(err, errlen, "第 %" PRId64 " 号导入不是 %s 做的：" WHO_MAY, id, who->name);
    } else if (strcmp(PQgetvalue(res, 0, I_STATUS), "running") == 0) {
        *code = 409;
        snprintf(err, errlen, "第 %" PRId64 " 号导入还没有做完：做完后再取回拒收明细", id);
    } else {
        snprintf(name, 256, "%s", PQgetvalue(res, 0, I_FILE));
        snprintf(by, 128, "%s", PQgetvalue(res, 0, I_BY));
        rc = 0;
    }
    PQclear(res);
    return rc;
}

/* Opens the rejects file at path of import id. The descriptor, its size in
 * *size; -1 with code and err (500: the system's words, for the log). */
static int open_rejects(const char *path, int64_t id, off_t *size, int *code, char *err, size_t errlen)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        *size = st.st_size;
        return fd;
    }
    if (fd < 0 && errno == ENOENT) {
        *code = 404;
        snprintf(err, errlen, "第 %" PRId64 " 号导入没有拒收明细：这次导入没有拒收或重复的行，或工单受理服务上的明细文件"
                 "已被清理（那就再导入同一个文件：会再列出来，已存的行不会重复存）", id);
    } else {
        *code = 500;
        snprintf(err, errlen, "rejects file %s: %s", path, fd < 0 ? strerror(errno) : "not a regular file");
    }
    if (fd >= 0)
        close(fd);
    return -1;
}

/* Reads up to INTAKE_FETCH_CHUNK bytes of the file at path from rq->offset
 * into out. 0, or -1 with code and err. */
static int read_chunk(const char *path, const Jiesu__RejectsRequest *rq, Jiesu__RejectsChunk *out, uint8_t *buf,
                      int *code, char *err, size_t errlen)
{
    off_t size;
    int fd = open_rejects(path, rq->import_id, &size, code, err, errlen);
    if (fd < 0)
        return -1;
    ssize_t n = -1;
    if (rq->offset > size) {
        *code = 409;
        snprintf(err, errlen, "第 %" PRId64 " 号导入的拒收明细只有 %lld 字节，没有第 %" PRId64 " 字节：请从头重新取回",
                 rq->import_id, (long long)size, rq->offset);
    } else if ((n = pread(fd, buf, INTAKE_FETCH_CHUNK, rq->offset)) < 0) {
        *code = 500;
        snprintf(err, errlen, "rejects file %s: %s", path, strerror(errno));
    }
    close(fd);
    if (n < 0)
        return -1;
    out->size = size;
    out->offset = rq->offset;
    out->data.data = buf;
    out->data.len = (size_t)n;
    out->last = rq->offset + n >= size;
    return 0;
}

/* Records who's fetch of import id's rejects (name, size bytes), run by
 * by: 0, or -1 with code 500 and err (nothing is sent unrecorded). */
static int record_fetch(PGconn *pg, const auth_principal *who, const char *by, int64_t id, const char *name,
                        int64_t size, int *code, char *err, size_t errlen)
{
    char idtext[24], bytes[24];
    snprintf(idtext, sizeof idtext, "%" PRId64, id);
    snprintf(bytes, sizeof bytes, "%" PRId64, size);
    const char *params[] = {who->name, by, idtext, name, bytes};
    if (db_command(pg, "record a rejects fetch", SQL_RECORD, 5, params, NULL, err, errlen) == 0)
        return 0;
    *code = 500;
    return -1;
}

int intake_fetch_rejects(PGconn *pg, const char *dir, const auth_principal *who, const Jiesu__RejectsRequest *rq,
                         Jiesu__RejectsChunk *out, uint8_t *buf, char name[256], int *code, char *err,
                         size_t errlen)
{
    char path[PATH_MAX], by[128] = "";
    *name = '\0';
    if (rq->import_id <= 0 || rq->offset < 0) {
        *code = 400;
        snprintf(err, errlen, "导入编号 %" PRId64 "、位置 %" PRId64 " 不成立：导入编号是正整数", rq->import_id, rq->offset);
        return -1;
    }
    if (intake_rejects_path_of(path, sizeof path, dir, rq->import_id) < 0) {
        *code = 500;
        snprintf(err, errlen, "拒收明细目录的路径太长：%.200s", dir);
        return -1;
    }
    int rc = may_read(pg, who, rq->import_id, name, by, code, err, errlen);
    if (rc == 0)
        rc = read_chunk(path, rq, out, buf, code, err, errlen);
    if (rc == 0 && rq->offset == 0 && strcmp(by, who->name) != 0)    /* an administrator's, once a fetch */
        rc = record_fetch(pg, who, by, rq->import_id, name, out->size, code, err, errlen);
    if (rc < 0 && *code != 500)
        log_info("rejects of import %" PRId64 " refused to %s: %s", rq->import_id, who->name, err);
    if (rc < 0)
        return -1;
    if (rq->offset == 0)    /* each fetch once, not each chunk */
        log_info("rejects of import %" PRId64 " (%s, %" PRId64 " bytes) sent to %s", rq->import_id, name, out->size,
                 who->name);
    out->import_id = rq->import_id;
    out->file_name = name;
    return 0;
}
