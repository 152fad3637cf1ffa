/* import_client.c — the requests of an import and of its rejects file, as
 * the tool and the workbench make them (see import_client.h).
 *
 * A middle chunk's answer says where intake has got to; the next chunk
 * goes there, so a chunk sent again after a lost answer lands on the same
 * bytes. A rejects chunk must start where the file has got to and agree on
 * its size, or the reading stops: part of a file is not the file.
 */
#include "import_client.h"

#include <string.h>

#include "bus.h"
#include "svc.h"
#include "text.h"

/* The answer of another type than want, in err. -1. */
static int unexpected(const Jiesu__Envelope *env, const char *want, char *err, size_t errlen)
{
    snprintf(err, errlen, "%s答非所问（%s，应为 %s）", svc_title_of("intake"), env->type, want);
    return -1;
}

void import_client_init(import_client *self, import_client_call_fn call, void *call_ctx, const char *file_name,
                        int64_t size, const char *profile, const char *profile_text, int dry_run, int from_page)
{
    memset(self, 0, sizeof *self);
    self->call = call;
    self->call_ctx = call_ctx;
    jiesu__import_upload__init(&self->up);
    self->up.file_name = (char *)file_name;
    self->up.size = size;
    self->up.profile = (char *)(profile ? profile : "");
    self->up.profile_text = (char *)(profile_text ? profile_text : "");
    self->up.dry_run = dry_run;
    self->up.from_page = from_page;
}

/* Sends the chunk of len bytes at self->sent. 0 with *env, or -1 with err. */
static int put(import_client *self, const void *data, size_t len, int last, Jiesu__Envelope **env, char *err,
               size_t errlen)
{
    self->up.upload_id = self->id;
    self->up.offset = self->sent;
    self->up.data.data = (uint8_t *)data;
    self->up.data.len = len;
    self->up.last = last;
    return self->call(self->call_ctx, "import.upload", &self->up.base, last, env, &self->code, err, errlen);
}

int import_client_send(import_client *self, const void *data, size_t len, char *err, size_t errlen)
{
    Jiesu__Envelope *env = NULL;
    if (put(self, data, len, 0, &env, err, errlen) < 0)
        return -1;
    Jiesu__UploadReply *r = strcmp(env->type, "import.uploaded") == 0 ? BUS_UNPACK(upload_reply, env) : NULL;
    int rc = r ? 0 : unexpected(env, "import.uploaded", err, errlen);
    if (r) {
        snprintf(self->id, sizeof self->id, "%s", r->upload_id);
        self->sent = r->received;
        jiesu__upload_reply__free_unpacked(r, NULL);
    }
    jiesu__envelope__free_unpacked(env, NULL);
    return rc;
}

int import_client_finish(import_client *self, const void *data, size_t len, Jiesu__ImportReply **reply, char *err,
                         size_t errlen)
{
    Jiesu__Envelope *env = NULL;
    *reply = NULL;
    if (put(self, data, len, 1, &env, err, errlen) < 0)
        return -1;
    if (strcmp(env->type, "import.reply") == 0)
        *reply = BUS_UNPACK(import_reply, env);
    int rc = *reply ? 0 : unexpected(env, "import.reply", err, errlen);
    jiesu__envelope__free_unpacked(env, NULL);
    return rc;
}

int import_client_has_rejects(const Jiesu__ImportReply *r)
{
    return !r->dry_run && r->import_id > 0 && *r->rejects_path && (r->rejected > 0 || r->repeated > 0);
}

void import_client_counts(FILE *f, const Jiesu__ImportReply *r)
{
    if (r->dry_run) {
        fprintf(f, "试导入，什么也没有存：共 %lld 行，格式无误 %lld 行（工单号是否已入库、在文件里是否重复，正式导入时才核对），拒收 %lld 行",
                (long long)r->rows_total, (long long)(r->rows_total - r->rejected), (long long)r->rejected);
        return;
    }
    fprintf(f, "%s共 %lld 行，新存 %lld 件，重复 %lld 行", *r->failed ? "停下前导入的部分：" : "",
            (long long)r->rows_total, (long long)r->inserted, (long long)r->duplicates);
    if (r->repeated > 0)
        fprintf(f, "（工单号已入库 %lld 行，文件里同一工单号又出现 %lld 行，只存了第一行）",
                (long long)(r->duplicates - r->repeated), (long long)r->repeated);
    else
        fputs("（工单号已入库）", f);
    fprintf(f, "，拒收 %lld 行", (long long)r->rejected);
    if (r->clashed > 0)
        fprintf(f, "，其中工单号已被另一件诉求占用的 %lld 行", (long long)r->clashed);
}

void import_client_failure(char out[IMPORT_CLIENT_FAILURE_BYTES], const Jiesu__ImportReply *r)
{
    snprintf(out, IMPORT_CLIENT_FAILURE_BYTES, "第 %lld 号导入没有做完：%s", (long long)r->import_id, r->failed);
    text_utf8_cut(out);
}

void import_client_rejects_init(import_client_rejects *self, import_client_call_fn call, void *call_ctx,
                                int64_t id)
{
    memset(self, 0, sizeof *self);
    self->call = call;
    self->call_ctx = call_ctx;
    self->id = id;
}

/* Whether chunk continues the file read so far. */
static int continues(const import_client_rejects *self, const Jiesu__RejectsChunk *chunk)
{
    return chunk->offset == self->offset && chunk->size == self->size &&
           chunk->offset + (int64_t)chunk->data.len <= self->size && (chunk->last || chunk->data.len > 0);
}

int import_client_rejects_next(import_client_rejects *self, Jiesu__Envelope **env, Jiesu__RejectsChunk **chunk,
                               char *err, size_t errlen)
{
    Jiesu__RejectsRequest rq = JIESU__REJECTS_REQUEST__INIT;
    rq.import_id = self->id;
    rq.offset = self->offset;
    *chunk = NULL;
    if (self->call(self->call_ctx, "rejects.fetch", &rq.base, 0, env, &self->code, err, errlen) < 0)
        return -1;
    if (strcmp((*env)->type, "rejects.chunk") == 0)
        *chunk = BUS_UNPACK(rejects_chunk, *env);
    if (*chunk && self->offset == 0)
        self->size = (*chunk)->size;
    if (*chunk && continues(self, *chunk)) {
        self->offset += (int64_t)(*chunk)->data.len;
        return 1;
    }
    self->code = IMPORT_CLIENT_MISMATCH;
    if (*chunk)
        snprintf(err, errlen, "工单受理服务发来的一块对不上（第 %lld 字节起 %zu 字节，文件 %lld 字节）",
                 (long long)(*chunk)->offset, (*chunk)->data.len, (long long)(*chunk)->size);
    else
        unexpected(*env, "rejects.chunk", err, errlen);
    if (*chunk)
        jiesu__rejects_chunk__free_unpacked(*chunk, NULL);
    jiesu__envelope__free_unpacked(*env, NULL);
    *chunk = NULL;
    *env = NULL;
    return -1;
}
