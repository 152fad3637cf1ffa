/* cli_import.c — `jiesu import FILE...`: sends each file to the intake
 * service, which imports it, and prints one summary line per file; on a
 * terminal a progress bar (sending, then rows/s and an ETA) runs on stderr
 * (cli_progress.h).
 *
 * The file's bytes travel over the bus ("import.upload", 1 MiB a chunk, each
 * acknowledged): intake reads nothing but what the clerk sends, so the clerk
 * may sit on another machine, and no path of the server is ever opened on a
 * client's say. The last chunk makes intake import the file; it reports
 * after every batch, so the wait for the summary is bounded by the silence
 * between reports (cli.import_timeout_seconds), not by the file's size. An
 * intake restarted mid-way knows nothing of the upload: the file is sent
 * again from the start, which is safe because an import is idempotent
 * (tickets already stored are counted as duplicates, never inserted twice).
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bus.h"
#include "cli_progress.h"

#define CHUNK_BYTES (1 << 20)
#define CHUNK_TRIES 3
#define IMPORT_TRIES 2
#define SENDS 3                 /* whole sends of one file when intake restarts under it */
#define UPLOAD_GONE 410         /* intake's "upload not known": send the file again */

static void print_summary(const char *file, const Jiesu__ImportReply *r)
{
    printf("%s: %lld rows, %lld inserted, %lld duplicates, %lld rejected", file,
           (long long)r->rows_total, (long long)r->inserted, (long long)r->duplicates,
           (long long)r->rejected);
    if (r->rejected > 0 && *r->rejects_path)
        printf(" (rejects: %s)", r->rejects_path);
    printf(", %.1f s, %s\n", r->elapsed_ms / 1000.0, *r->encoding ? r->encoding : "unknown encoding");
}

static void on_progress(void *ctx, const Jiesu__Envelope *env)
{
    Jiesu__ImportProgress *p = BUS_UNPACK(import_progress, env);
    if (p) {
        cli_progress_imported(ctx, (uint64_t)p->bytes, p->rows);
        jiesu__import_progress__free_unpacked(p, NULL);
    }
}

typedef struct {
    const char   *what;         /* "import FILE", for messages */
    int           fd;
    int64_t       size;
    int           timeout_ms, import_timeout_ms;
    cli_progress *bar;
    uint8_t      *buf;
} upload;

/* Takes intake's answer to a middle chunk: the upload id and where to go on. 0 or -1. */
static int next_offset(const upload *u, Jiesu__Envelope *env, char id[33], int64_t *offset)
{
    Jiesu__UploadReply *r = strcmp(env->type, "import.uploaded") == 0 ? BUS_UNPACK(upload_reply, env) : NULL;
    if (!r) {
        cli_error("%s: intake answered '%s', not import.uploaded", u->what, env->type);
        return -1;
    }
    snprintf(id, 33, "%s", r->upload_id);
    *offset = r->received;
    jiesu__upload_reply__free_unpacked(r, NULL);
    return 0;
}

/* Sends the file once, chunk by chunk. 0 with *reply set (the import's
 * answer); 1 when intake lost the upload (send again); -1 after printing why. */
static int send_once(cli_ctx *ctx, upload *u, const char *name, Jiesu__Envelope **reply)
{
    char id[33] = "", err[1024];
    int64_t offset = 0;
    Jiesu__ImportUpload up = JIESU__IMPORT_UPLOAD__INIT;
    up.file_name = (char *)name;
    up.size = u->size;
    for (;;) {
        ssize_t n = pread(u->fd, u->buf, CHUNK_BYTES, offset);
        if (n < 0) {
            cli_error("%s: reading: %s", u->what, strerror(errno));
            return -1;
        }
        up.upload_id = id;
        up.offset = offset;
        up.data.data = u->buf;
        up.data.len = (size_t)n;
        up.last = n < CHUNK_BYTES;
        if (cli_call(ctx, "intake", u->what, "import.upload", &up.base, up.last ? u->import_timeout_ms : u->timeout_ms,
                     up.last ? IMPORT_TRIES : CHUNK_TRIES, 1, reply, err, sizeof err) < 0) {
            if (ctx->error_code == UPLOAD_GONE)
                return 1;
            cli_error("%s: %s", u->what, err);
            return -1;
        }
        if (up.last)
            return 0;
        int rc = next_offset(u, *reply, id, &offset);
        jiesu__envelope__free_unpacked(*reply, NULL);
        *reply = NULL;
        if (rc < 0)
            return -1;
        cli_progress_sent(u->bar, (uint64_t)offset);
    }
}

/* Sends the file (again, when intake restarted under it) and prints the summary. 0 or -1. */
static int send_file(cli_ctx *ctx, upload *u, const char *file, const char *name)
{
    Jiesu__Envelope *env = NULL;
    Jiesu__ImportReply *reply = NULL;
    int rc = 1;
    for (int send = 1; rc == 1 && send <= SENDS; send++) {
        if (send > 1)
            fprintf(stderr, "jiesu: %s: intake lost the upload (restarted?); sending the file again (%d of %d)\n",
                    u->what, send, SENDS);
        rc = send_once(ctx, u, name, &env);
    }
    if (rc == 1)
        cli_error("%s: intake lost the upload %d times; giving up", u->what, SENDS);
    if (rc != 0)
        return -1;
    cli_progress_destroy(&u->bar);
    rc = -1;
    if (strcmp(env->type, "import.reply") != 0 || !(reply = BUS_UNPACK(import_reply, env))) {
        cli_error("%s: intake answered '%s', not a valid import.reply", u->what, env->type);
    } else {
        print_summary(file, reply);
        rc = 0;
    }
    if (reply)
        jiesu__import_reply__free_unpacked(reply, NULL);
    jiesu__envelope__free_unpacked(env, NULL);
    return rc;
}

/* Imports one file. 0 on success, -1 after printing the error. */
static int import_one(cli_ctx *ctx, const char *file, int timeout_ms, int import_timeout_ms)
{
    char what[PATH_MAX + 16], base[PATH_MAX];
    struct stat st;
    upload u = {.what = what, .timeout_ms = timeout_ms, .import_timeout_ms = import_timeout_ms};
    snprintf(what, sizeof what, "import %s", file);
    snprintf(base, sizeof base, "%s", file);
    if ((u.fd = open(file, O_RDONLY | O_CLOEXEC)) < 0 || fstat(u.fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        cli_error("%s: %s", what, u.fd < 0 ? strerror(errno) : "not a regular file");
        if (u.fd >= 0)
            close(u.fd);
        return -1;
    }
    u.size = st.st_size;
    u.buf = malloc(CHUNK_BYTES);
    u.bar = isatty(STDERR_FILENO) ? cli_progress_new(basename(base), (uint64_t)st.st_size) : NULL;
    ctx->progress = on_progress;
    ctx->progress_ctx = u.bar;
    int rc = u.buf ? send_file(ctx, &u, file, basename(base)) : (cli_error("%s: out of memory", what), -1);
    ctx->progress = NULL;
    cli_progress_destroy(&u.bar);
    free(u.buf);
    close(u.fd);
    return rc;
}

int cli_import_main(cli_ctx *ctx, int argc, char **argv)
{
    if (argc < 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: jiesu import FILE...\n");
        return 2;
    }
    long secs = config_get_long(ctx->cfg, "cli.import_timeout_seconds", 1800);
    int import_timeout_ms = (int)((secs > 0 && secs < 86400 ? secs : 1800) * 1000);
    int timeout_ms = (int)(1000 * config_get_long(ctx->cfg, "cli.timeout_seconds", 5));
    int failed = 0;
    for (int i = 1; i < argc; i++)
        failed += import_one(ctx, argv[i], timeout_ms, import_timeout_ms) < 0;
    fflush(stdout);
    return failed ? 1 : 0;
}
