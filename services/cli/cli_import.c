/* cli_import.c — `jiesu import [--profile NAME|FILE.conf] [--dry-run] FILE...`:
 * sends each file to the intake service, which imports it, and prints one
 * summary line per file, the warnings intake sends before the first row
 * (columns the profile leaves unused) and after the summary the hotline
 * categories routing will not find in category_aliases and the rows whose
 * local time the profile's zone skips or repeats; on a terminal a
 * progress bar (sending, then rows/s and an ETA) runs on stderr
 * (cli_progress.h). --profile names an import profile of the intake service,
 * or a profile file of the clerk's own, sent with the import; --dry-run
 * prints the mapping and the first rows as they would be stored. The rows
 * refused or repeated come back to this machine as a file beside the
 * imported one (cli_rejects.h); --rejects fetches them again. The options
 * may stand before or after the files; one not known, or given twice, is
 * refused before any file is sent. An import
 * that stopped part way says so first, with its number, what of the file
 * is stored and what to do (intake's words), then the stored part's
 * summary and rejects, and the command fails.
 *
 * The file's bytes travel over the bus ("import.upload", 1 MiB a chunk, each
 * acknowledged); the last chunk makes intake import the file, and the wait
 * for the summary is bounded by the silence between intake's reports
 * (cli.import_timeout_seconds). Why, and why sending a file again after an
 * intake restart is safe: README.md.
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
#include "cli_args.h"
#include "cli_progress.h"
#include "cli_rejects.h"
#include "import_client.h"
#include "text.h"

#define CHUNK_BYTES IMPORT_CLIENT_CHUNK
#define CHUNK_TRIES 3
#define IMPORT_TRIES 2
#define SENDS 3                 /* whole sends of one file when intake restarts under it */
#define PROFILE_MAX_BYTES (256 * 1024)
#define UNMAPPED_SHOWN 10
#define IMPORT_OPTS "--profile --dry-run --rejects"

/* How the files are to be imported (the command's options). */
typedef struct {
    const char *profile;        /* a profile's name, or NULL */
    char       *profile_text;   /* a profile file's text (profile names it), or NULL */
    int         dry_run;
} import_how;

/* What the progress reports of one file go to. */
typedef struct {
    const char   *file;
    cli_progress *bar;
    int           warned;       /* the warnings came before the first row */
} watch;

static void print_warnings(const char *file, char **warnings, size_t n)
{
    for (size_t i = 0; i < n; i++)
        printf("%s：提醒：%s\n", file, warnings[i]);
    fflush(stdout);
}

static void print_unmapped(const char *file, const Jiesu__ImportReply *r)
{
    if (r->unmapped_rows == 0)
        return;
    printf("%s：%lld 行的热线类别（%lld 种）既不在类别对照表 category_aliases 里，也不是本系统的类别名称，"
           "分派时按诉求内容判断类别；要按类别分派，把这些名称加进 data/routing/category_aliases.csv：", file, (long long)r->unmapped_rows,
           (long long)r->unmapped_distinct);
    for (size_t i = 0; i < r->n_unmapped && i < UNMAPPED_SHOWN; i++)
        printf("%s%s（%lld 行）", i ? "、" : "", r->unmapped[i]->name, (long long)r->unmapped[i]->rows);
    if ((int64_t)r->n_unmapped < r->unmapped_distinct || r->n_unmapped > UNMAPPED_SHOWN)
        printf("……");
    printf("\n");
}

/* The summary line and what follows it; local is the rejects file fetched
 * to this machine ("" when it could not be). */
static void print_summary(const char *file, const Jiesu__ImportReply *r, const watch *w, const char *local)
{
    if (!w->warned)
        print_warnings(file, r->warnings, r->n_warnings);
    if (*r->failed) {
        char failure[IMPORT_CLIENT_FAILURE_BYTES];
        import_client_failure(failure, r);
        printf("%s：%s\n", file, failure);
    }
    printf("%s：", file);
    import_client_counts(stdout, r);
    const char *which = !r->repeated ? "拒收" : r->rejected ? "拒收和重复" : "重复";
    if (import_client_has_rejects(r) && *local)
        printf("（%s明细：%s）", which, local);
    else if (import_client_has_rejects(r))
        printf("（%s明细没有取回：用 jiesu import --rejects %lld 再取）", which, (long long)r->import_id);
    printf("，用时 %.1f 秒，编码 %s，导入模板 %s（%s）\n", r->elapsed_ms / 1000.0,
           *r->encoding ? r->encoding : "未知", r->profile, r->profile_how);
    print_unmapped(file, r);
    print_warnings(file, r->notes, r->n_notes);
    for (size_t i = 0; i < r->n_preview; i++)
        cli_print_table(r->preview[i], 1);
}

static void on_progress(void *ctx, const Jiesu__Envelope *env)
{
    watch *w = ctx;
    Jiesu__ImportProgress *p = BUS_UNPACK(import_progress, env);
    if (!p)
        return;
    if (*p->profile) {
        print_warnings(w->file, p->warnings, p->n_warnings);
        w->warned = 1;
    } else {
        cli_progress_imported(w->bar, (uint64_t)p->bytes, p->rows);
    }
    jiesu__import_progress__free_unpacked(p, NULL);
}

typedef struct {
    cli_ctx      *ctx;
    const char   *what;         /* "导入 FILE", for messages */
    int           fd;
    int64_t       size;
    int           timeout_ms, import_timeout_ms;
    const import_how *how;
    watch         watch;
    uint8_t      *buf;
} upload;

/* import_client_call_fn: the request with the clerk's key, the chunks
 * tried CHUNK_TRIES times, the last one IMPORT_TRIES. */
static int call_intake(void *ctx, const char *type, const ProtobufCMessage *msg, int last, Jiesu__Envelope **reply,
                       int *code, char *err, size_t errlen)
{
    upload *u = ctx;
    int rc = cli_call(u->ctx, "intake", u->what, type, msg, last ? u->import_timeout_ms : u->timeout_ms,
                      last ? IMPORT_TRIES : CHUNK_TRIES, 1, reply, err, errlen);
    *code = u->ctx->error_code;
    return rc < 0 ? -1 : 0;
}

/* Sends the file once, chunk by chunk. 0 with *reply (the import's
 * answer); 1 when intake lost the upload (send again); -1 after printing why. */
static int send_once(upload *u, const char *name, Jiesu__ImportReply **reply)
{
    char err[IMPORT_CLIENT_REFUSAL_BYTES];
    import_client c;
    import_client_init(&c, call_intake, u, name, u->size, u->how->profile, u->how->profile_text, u->how->dry_run,
                       0);
    for (;;) {
        ssize_t n = pread(u->fd, u->buf, CHUNK_BYTES, c.sent);
        if (n < 0) {
            cli_error("%s：读文件出错：%s", u->what, text_os_error(errno));
            return -1;
        }
        int rc = n < CHUNK_BYTES ? import_client_finish(&c, u->buf, (size_t)n, reply, err, sizeof err)
                                 : import_client_send(&c, u->buf, (size_t)n, err, sizeof err);
        if (rc < 0 && c.code == IMPORT_CLIENT_GONE)
            return 1;
        if (rc < 0)
            cli_error_about(u->what, err);
        if (rc < 0 || n < CHUNK_BYTES)
            return rc;
        cli_progress_sent(u->watch.bar, (uint64_t)c.sent);
    }
}

/* Sends the file (again, when intake restarted under it) and prints the summary. 0 or -1. */
static int send_file(upload *u, const char *file, const char *name)
{
    Jiesu__ImportReply *reply = NULL;
    int rc = 1;
    for (int send = 1; rc == 1 && send <= SENDS; send++) {
        if (send > 1)
            fprintf(stderr, "jiesu: %s：工单受理服务丢了已传的部分（重启过？），重新发送文件（第 %d 次，共 %d 次）\n",
                    u->what, send, SENDS);
        rc = send_once(u, name, &reply);
    }
    if (rc == 1)
        cli_error("%s：工单受理服务 %d 次丢了已传的部分，不再重试；查看工单受理服务的日志，修好后再导入", u->what, SENDS);
    if (rc != 0)
        return -1;
    cli_progress_destroy(&u->watch.bar);
    char local[PATH_MAX] = "";
    rc = import_client_has_rejects(reply) ? cli_rejects_fetch(u->ctx, reply->import_id, file, local, sizeof local) : 0;
    print_summary(file, reply, &u->watch, local);
    rc = *reply->failed ? -1 : rc;
    jiesu__import_reply__free_unpacked(reply, NULL);
    return rc;
}

/* Imports one file. 0 on success, -1 after printing the error. */
static int import_one(cli_ctx *ctx, const char *file, const import_how *how, int timeout_ms, int import_timeout_ms)
{
    char what[PATH_MAX + 16], base[PATH_MAX];
    struct stat st;
    upload u = {.ctx = ctx, .what = what, .timeout_ms = timeout_ms, .import_timeout_ms = import_timeout_ms, .how = how,
                .watch = {.file = file}};
    snprintf(what, sizeof what, "导入 %s", file);
    snprintf(base, sizeof base, "%s", file);
    if ((u.fd = open(file, O_RDONLY | O_CLOEXEC)) < 0 || fstat(u.fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        cli_error("%s：%s", what, u.fd < 0 ? text_os_error(errno) : "不是普通文件");
        if (u.fd >= 0)
            close(u.fd);
        return -1;
    }
    u.size = st.st_size;
    u.buf = malloc(CHUNK_BYTES);
    u.watch.bar = isatty(STDERR_FILENO) ? cli_progress_new(basename(base), (uint64_t)st.st_size) : NULL;
    ctx->progress = on_progress;
    ctx->progress_ctx = &u.watch;
    int rc = u.buf ? send_file(&u, file, basename(base)) : (cli_error("%s：内存不足", what), -1);
    ctx->progress = NULL;
    cli_progress_destroy(&u.watch.bar);
    free(u.buf);
    close(u.fd);
    return rc;
}

/* --profile FILE.conf: the file's text, named by its base name without
 * .conf. 0, or -1 after printing why. */
static int read_profile(const char *path, import_how *how, char *name, size_t namelen)
{
    FILE *fp = fopen(path, "r");
    char *text = malloc(PROFILE_MAX_BYTES + 1);
    size_t n = fp && text ? fread(text, 1, PROFILE_MAX_BYTES + 1, fp) : 0;
    int ok = fp && text && !ferror(fp) && n <= PROFILE_MAX_BYTES;
    if (!ok)
        cli_error("导入模板 %s：%s", path, !fp ? text_os_error(errno) : !text ? "内存不足"
                                               : n > PROFILE_MAX_BYTES ? "超过 256 KiB" : "读文件出错");
    if (fp)
        fclose(fp);
    if (!ok) {
        free(text);
        return -1;
    }
    text[n] = '\0';
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    size_t len = strlen(base);
    if (len > 5 && strcmp(base + len - 5, ".conf") == 0)
        len -= 5;
    snprintf(name, namelen, "%.*s", (int)len, base);
    how->profile = name;
    how->profile_text = text;
    return 0;
}

/* A --profile value that names a file of the clerk's, not a profile of the service. */
static int is_profile_file(const char *v)
{
    size_t n = strlen(v);
    return strchr(v, '/') || (n > 5 && strcmp(v + n - 5, ".conf") == 0);
}

/* The options anywhere among the files, the files moved to argv[1..]:
 * their count, or -1 after saying what is wrong. *rejects is the import
 * number of --rejects, which goes alone. */
static int parse(int argc, char **argv, import_how *how, const char **rejects)
{
    int files = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-' || a[1] == '\0')
            argv[1 + files++] = argv[i];
        else if (!cli_args_option("import", IMPORT_OPTS, a, ""))
            return -1;
        else if (strcmp(a, "--dry-run") == 0)
            how->dry_run = 1;
        else if (cli_args_value("import", argc, argv, &i, strcmp(a, "--profile") == 0 ? &how->profile : rejects) < 0)
            return -1;
    }
    if (*rejects && (files || how->dry_run || how->profile)) {
        cli_error("import：--rejects 只和导入编号一起写（它取回已做的导入的拒收明细，不导入文件）");
        return -1;
    }
    if (!*rejects && !files) {
        cli_error("import：要写导入的文件");
        return -1;
    }
    return files;
}

int cli_import_main(cli_ctx *ctx, int argc, char **argv)
{
    import_how how = {0};
    const char *rejects = NULL;
    char name[256];
    int files = parse(argc, argv, &how, &rejects);
    if (files < 0) {
        fprintf(stderr, "用法：jiesu import [--profile 模板名|模板文件.conf] [--dry-run] 文件...\n"
                        "      jiesu import --rejects 导入编号\n");
        return 2;
    }
    if (rejects)
        return cli_rejects_main(ctx, rejects);
    if (how.profile && is_profile_file(how.profile) && read_profile(how.profile, &how, name, sizeof name) < 0)
        return 1;
    long secs = config_long(ctx->cfg, "cli.import_timeout_seconds");
    int import_timeout_ms = (int)((secs > 0 && secs < 86400 ? secs : 1800) * 1000);
    int timeout_ms = (int)(1000 * config_long(ctx->cfg, "cli.timeout_seconds"));
    int failed = 0;
    for (int i = 1; i <= files; i++)
        failed += import_one(ctx, argv[i], &how, timeout_ms, import_timeout_ms) < 0;
    fflush(stdout);
    free(how.profile_text);
    return failed ? 1 : 0;
}
