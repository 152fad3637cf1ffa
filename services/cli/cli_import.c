/* cli_import.c — `jiesu import FILE...`: asks the intake service to import
 * each file and prints one summary line per file; on a terminal a progress
 * bar (rows/s, ETA) runs on stderr while the intake works (cli_progress.h).
 *
 * The intake service reads the file itself (it must see the same
 * filesystem), so the path sent is the absolute, resolved one. A big file can
 * take minutes: the wait is long (cli.import_timeout_seconds, 30 min). An
 * import is idempotent (tickets already stored are counted as duplicates,
 * never inserted twice), so one retry after a lost reply is safe.
 */
#include "cli.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bus.h"
#include "cli_progress.h"

#define IMPORT_TRIES 2

static void print_summary(const char *file, const Jiesu__ImportReply *r)
{
    printf("%s: %lld rows, %lld inserted, %lld duplicates, %lld rejected", file,
           (long long)r->rows_total, (long long)r->inserted, (long long)r->duplicates,
           (long long)r->rejected);
    if (r->rejected > 0 && *r->rejects_path)
        printf(" (rejects: %s)", r->rejects_path);
    printf(", %.1f s, %s\n", r->elapsed_ms / 1000.0, *r->encoding ? r->encoding : "unknown encoding");
}

/* Imports one file. 0 on success, -1 after printing the error. */
static int import_one(cli_ctx *ctx, const char *file, int timeout_ms)
{
    char what[PATH_MAX + 16], err[1024], abs[PATH_MAX], base_buf[PATH_MAX];
    Jiesu__Envelope *env = NULL;
    Jiesu__ImportReply *reply = NULL;
    int rc = -1;

    snprintf(what, sizeof what, "import %s", file);
    if (!realpath(file, abs)) {
        cli_error("%s: %s", what, strerror(errno));
        return -1;
    }
    snprintf(base_buf, sizeof base_buf, "%s", abs);
    Jiesu__ImportRequest req = JIESU__IMPORT_REQUEST__INIT;
    req.path = abs;
    req.file_name = basename(base_buf);
    struct stat st;
    cli_progress *bar = isatty(STDERR_FILENO) && stat(abs, &st) == 0
                            ? cli_progress_start(cli_pg(ctx, 0), req.file_name, (uint64_t)st.st_size) : NULL;
    int called = cli_call(ctx, "intake", what, "import.request", &req.base, timeout_ms, IMPORT_TRIES, 1,
                          &env, err, sizeof err);
    cli_progress_stop(&bar);
    if (called < 0) {
        cli_error("%s: %s", what, err);
        return -1;
    }
    if (strcmp(env->type, "import.reply") != 0 || !(reply = BUS_UNPACK(import_reply, env))) {
        cli_error("%s: intake answered '%s', not a valid import.reply", what, env->type);
        goto cleanup;
    }
    print_summary(file, reply);
    rc = 0;
cleanup:
    if (reply)
        jiesu__import_reply__free_unpacked(reply, NULL);
    jiesu__envelope__free_unpacked(env, NULL);
    return rc;
}

int cli_import_main(cli_ctx *ctx, int argc, char **argv)
{
    if (argc < 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: jiesu import FILE...\n");
        return 2;
    }
    long secs = config_get_long(ctx->cfg, "cli.import_timeout_seconds", 1800);
    int timeout_ms = (int)((secs > 0 && secs < 86400 ? secs : 1800) * 1000);
    int failed = 0;
    for (int i = 1; i < argc; i++)
        failed += import_one(ctx, argv[i], timeout_ms) < 0;
    fflush(stdout);
    return failed ? 1 : 0;
}
