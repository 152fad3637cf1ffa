/* cli_learn.c — `jiesu learn [FILE]`: trains the text model routing uses,
 * through the assignment service's "model.learn".
 *
 *   jiesu learn FILE      from a labelled export (CSV or XLSX with a content
 *                         and a category column, as an import has them)
 *   jiesu learn           from the settled orders in PostgreSQL
 *
 * The file's bytes travel in the request (the service need not see this
 * filesystem), so one file is at most MAX_FILE_BYTES (the bus refuses larger
 * messages); a larger history is imported and learned from as settled
 * orders. Prints the model's version and its macro-F1 on the fifth of the
 * texts held back. Training may take a minute: the wait is
 * cli.learn_timeout_seconds (600). Training twice stores two versions;
 * the newer is used, so a retry after a lost reply is harmless.
 */
#include "cli.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"

#define MAX_FILE_BYTES (15L * 1024 * 1024)
#define LEARN_TRIES    1

/* Reads the whole file into a new buffer. NULL after printing why. */
static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    long size = -1;
    if (fp && fseek(fp, 0, SEEK_END) == 0)
        size = ftell(fp);
    if (!fp || size < 0 || fseek(fp, 0, SEEK_SET) != 0) {
        cli_error("learn %s: %s", path, strerror(errno));
        if (fp)
            fclose(fp);
        return NULL;
    }
    if (size == 0 || size > MAX_FILE_BYTES) {
        cli_error("learn %s: %ld bytes; a file sent for training holds 1 byte to %ld MiB (import a larger history"
                  " and run `jiesu learn` to learn from the settled orders)", path, size, MAX_FILE_BYTES >> 20);
        fclose(fp);
        return NULL;
    }
    unsigned char *buf = malloc((size_t)size);
    if (!buf || fread(buf, 1, (size_t)size, fp) != (size_t)size) {
        cli_error("learn %s: cannot read it (%s)", path, buf ? strerror(errno) : "out of memory");
        free(buf);
        buf = NULL;
    }
    fclose(fp);
    *len = (size_t)size;
    return buf;
}

static void print_reply(const Jiesu__LearnReply *r)
{
    printf("model v%d from %s: %lld texts in %d categories (%lld trained on, %lld held back)\n", r->version,
           r->source, (long long)r->texts, r->classes, (long long)r->train, (long long)r->test);
    printf("held-back fifth: macro-F1 %.4f, accuracy %.4f; %.1f s\n", r->macro_f1, r->accuracy, r->seconds);
    if (r->skipped)
        printf("%lld rows skipped: their label names no category (e.g. %s)\n", (long long)r->skipped,
               r->unknown_labels);
}

int cli_learn_main(cli_ctx *ctx, int argc, char **argv)
{
    char err[1024], name_buf[4096];
    if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
        fprintf(stderr, "usage: jiesu learn [FILE]\n");
        return 2;
    }
    Jiesu__LearnRequest rq = JIESU__LEARN_REQUEST__INIT;
    unsigned char *data = NULL;
    if (argc == 2) {
        if (!(data = slurp(argv[1], &rq.file.len)))
            return 1;
        rq.file.data = data;
        snprintf(name_buf, sizeof name_buf, "%s", argv[1]);
        rq.file_name = basename(name_buf);
    }
    long secs = config_long(ctx->cfg, "cli.learn_timeout_seconds");
    Jiesu__Envelope *env = NULL;
    Jiesu__LearnReply *reply = NULL;
    int rc = 1;
    if (cli_call(ctx, "assignment", "learn", "model.learn", &rq.base, (int)(secs * 1000), LEARN_TRIES, 0, &env, err,
                 sizeof err) < 0)
        goto cleanup;
    if (strcmp(env->type, "model.learned") != 0 || !(reply = BUS_UNPACK(learn_reply, env))) {
        cli_error("learn: assignment answered '%s', not a valid model.learned", env->type);
        goto cleanup;
    }
    print_reply(reply);
    rc = 0;
cleanup:
    if (reply)
        jiesu__learn_reply__free_unpacked(reply, NULL);
    if (env)
        jiesu__envelope__free_unpacked(env, NULL);
    free(data);
    return rc;
}
