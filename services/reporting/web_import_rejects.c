/* web_import_rejects.c — an import's rejects file, downloaded from the
 * import page (GET /work/import/rejects?id=N; see web_import.h).
 *
 * Intake decides who may have it, as for `jiesu import --rejects`: the
 * request goes as the person asking, and its refusal (another clerk's
 * import, no such import, no rejects) is the page. The first chunk is
 * read before answering, so a refusal is a page and not a broken
 * download; the rest is read chunk by chunk as the browser takes the
 * answer (http_response.reader), so memory stays one chunk however many
 * rows were refused.
 */
#include "web_import.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_client.h"
#include "log.h"
#include "svc.h"
#include "text.h"
#include "web_html.h"

#define STEM_BYTES 200      /* of the imported file's name in the download's */

/* A download under way: the chunk being sent, and where it is. */
typedef struct {
    const web_import     *w;
    bus_client           *bus;          /* to intake, as the person */
    import_client_rejects rejects;
    Jiesu__Envelope      *env;
    Jiesu__RejectsChunk  *chunk;
    size_t                at;           /* bytes of chunk sent */
    char                  who[64];      /* for the log */
} download;

static void chunk_free(download *d)
{
    if (d->chunk)
        jiesu__rejects_chunk__free_unpacked(d->chunk, NULL);
    if (d->env)
        jiesu__envelope__free_unpacked(d->env, NULL);
    d->chunk = NULL;
    d->env = NULL;
    d->at = 0;
}

static void download_free(void *p)
{
    download *d = p;
    if (!d)
        return;
    chunk_free(d);
    bus_client_destroy(&d->bus);
    free(d);
}

/* import_client_call_fn: a chunk asked on the download's connection. */
static int call_intake(void *ctx, const char *type, const ProtobufCMessage *msg, int last, Jiesu__Envelope **reply,
                       int *code, char *err, size_t errlen)
{
    download *d = ctx;
    (void)last;
    return web_bus_send(d->bus, type, msg, d->w->bus->timeout_ms, reply, code, err, errlen) < 0 ? -1 : 0;
}

/* http_response.reader: the file's bytes from pos, the next chunk asked
 * for when the one held is sent. */
static ssize_t read_rejects(void *ctx, uint64_t pos, char *buf, size_t max)
{
    download *d = ctx;
    char err[1024];
    (void)pos;          /* the bytes go in order: pos is what was sent */
    if (d->chunk && d->at == d->chunk->data.len) {
        chunk_free(d);
        if (import_client_rejects_next(&d->rejects, &d->env, &d->chunk, err, sizeof err) < 0) {
            log_error("web: rejects of import %" PRId64 " for %s cut short: %s", d->rejects.id, d->who, err);
            return HTTP_READER_FAILED;
        }
    }
    size_t n = d->chunk->data.len - d->at < max ? d->chunk->data.len - d->at : max;
    memcpy(buf, d->chunk->data.data + d->at, n);
    d->at += n;
    return n ? (ssize_t)n : HTTP_READER_FAILED;
}

/* Content-Disposition of the download: NAME.拒收明细.csv after the imported
 * file, as jiesu import names its copy (an ASCII name for old browsers). */
static void disposition(http_response *resp, int64_t id, const char *file_name)
{
    char stem[STEM_BYTES], name[STEM_BYTES + 32], coded[3 * sizeof name], header[sizeof coded + 128];
    const char *dot = strrchr(file_name, '.');
    snprintf(stem, sizeof stem, "%.*s", (int)(dot && dot > file_name ? (size_t)(dot - file_name) : strlen(file_name)),
             file_name);
    text_utf8_cut(stem);
    snprintf(name, sizeof name, "%s.拒收明细.csv", *stem ? stem : "导入");
    text_url_encode(coded, sizeof coded, name);
    snprintf(header, sizeof header, "attachment; filename=\"import-%" PRId64 "-rejects.csv\"; filename*=UTF-8''%s",
             id, coded);
    http_add_header(resp, "Content-Disposition", header);
}

/* What intake's refusal or silence says on the page, and its status. */
static int refusal(int code, const char *err, int64_t id, char *out, size_t cap)
{
    if (code == 403 || code == 404 || code == 409 || code == SVC_ERR_BAD_REQUEST) {
        snprintf(out, cap, "%s", err);
        return code == SVC_ERR_BAD_REQUEST ? 400 : code;
    }
    log_error("web: rejects of import %" PRId64 ": %s", id, err);
    snprintf(out, cap, "暂时取不到第 %" PRId64 " 号导入的拒收明细（%s，原因已记入报表服务的日志）：请过一会儿再下载。", id,
             code == WEB_BUS_UNREACHED ? "连不上工单受理服务" : "工单受理服务没有应答");
    return 503;
}

void web_import_rejects(const web_import *w, const web_user *u, const http_request *req, http_response *resp)
{
    char err[1024], said[1200];
    const char *v = http_param(req, "id");
    char *end = NULL;
    long long id = v ? strtoll(v, &end, 10) : 0;
    if (u->who.role != AUTH_CLERK && u->who.role != AUTH_ADMIN) {
        snprintf(said, sizeof said, "%s 的角色是%s，不能下载拒收明细：拒收明细里有来电人的姓名和电话，只有做这次导入的话务员"
                 "本人和系统管理员可以下载。", u->who.name, auth_role_title(u->who.role));
        web_html_fail(req, resp, 403, said);
        return;
    }
    if (!v || !*v || *end || id <= 0) {
        web_html_fail(req, resp, 400, "没有说下载哪次导入的拒收明细：请从导入页面“最近的导入”里的链接下载。");
        return;
    }
    download *d = calloc(1, sizeof *d);
    if (!d || !(d->bus = web_bus_open(w->bus, "intake", u->credential, err, sizeof err))) {
        log_error("web: rejects of import %lld for %s: %s", id, u->who.name, d ? err : "out of memory");
        download_free(d);
        web_html_fail(req, resp, 503, "暂时无法下载拒收明细（原因已记入报表服务的日志）：请过一会儿再下载。");
        return;
    }
    d->w = w;
    snprintf(d->who, sizeof d->who, "%s", u->who.name);
    import_client_rejects_init(&d->rejects, call_intake, d, id);
    if (import_client_rejects_next(&d->rejects, &d->env, &d->chunk, err, sizeof err) < 0) {
        int status = refusal(d->rejects.code, err, id, said, sizeof said);
        download_free(d);
        web_html_fail(req, resp, status, said);
        return;
    }
    log_info("web: rejects of import %lld (%" PRId64 " bytes) to %s", id, d->rejects.size, u->who.name);
    resp->status = 200;
    resp->content_type = "text/csv; charset=utf-8";
    disposition(resp, id, d->chunk->file_name);
    resp->reader = read_rejects;
    resp->reader_ctx = d;
    resp->reader_free = download_free;
    resp->size = (uint64_t)d->rejects.size;
}
