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
#include "cli_args.h"
#include "text.h"

#define MAX_FILE_BYTES (15L * 1024 * 1024)
#define LEARN_TRIES    1

/* Reads the whole file into a new buffer. NULL after printing why. */
static unsigned char *slurp(const char *path, size_t *len)
{
    errno = 0;
    char *buf = cli_file_read(path, MAX_FILE_BYTES, len);
    if (buf && *len > 0)
        return (unsigned char *)buf;
    if (buf || errno == EFBIG)
        cli_error("learn %s：%zu 字节；送去训练的文件应在 1 字节到 %ld MiB 之间（更多的历史数据请先导入，"
                  "再用 `jiesu learn` 从已办结的工单学习）", path, *len, MAX_FILE_BYTES >> 20);
    else
        cli_error("learn %s：%s", path, text_os_error(errno));
    free(buf);
    return NULL;
}

static void print_reply(const Jiesu__LearnReply *r)
{
    printf("模型 v%d，来自 %s：%lld 条文本，%d 个类别（训练 %lld 条，留出 %lld 条）\n", r->version,
           r->source, (long long)r->texts, r->classes, (long long)r->train, (long long)r->test);
    printf("留出的五分之一上：宏平均 F1 %.4f，准确率 %.4f；用时 %.1f 秒\n", r->macro_f1, r->accuracy, r->seconds);
    if (r->skipped)
        printf("跳过 %lld 行：它们的标注不是任何类别（如 %s）\n", (long long)r->skipped, r->unknown_labels);
    if (r->refused)
        printf("跳过 %lld 行：导入这个文件时它们会被拒收，没有用来训练（如%s）\n", (long long)r->refused,
               r->first_refused);
}

int cli_learn_main(cli_ctx *ctx, int argc, char **argv)
{
    char err[4096], name_buf[4096];
    if (cli_args_words("learn", argc, argv, 0, 1, "") < 0) {
        fprintf(stderr, "用法：jiesu learn [文件]\n");
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
        cli_unexpected("learn", "assignment", env->type, "model.learned");
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
