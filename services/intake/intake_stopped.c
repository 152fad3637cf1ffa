/* intake_stopped.c — what an import that stopped part way stored, and the
 * words for it (see intake_stopped.h). */
#include "intake_stopped.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "import_client.h"
#include "log.h"

/* The result and the rejects file as of the last commit. */
static void keep_stored_part(const intake_stopped *st, const char *id, intake_result *res, intake_rejects *rejects)
{
    char err[600];
    res->rows_total = st->rows;
    res->rejected = st->rejected;
    if (rejects && intake_rejects_cut(rejects, st->rejects_mark, err, sizeof err) < 0)
        log_warn("import %s: taking the rejects file back to the stored rows: %s", id, err);
}

void intake_stopped_explain(const intake_stopped *st, PGconn *pg, const char *id, int unreadable,
                            intake_result *res, intake_rejects *rejects, char *why, size_t whylen)
{
    int lost = PQstatus(pg) != CONNECTION_OK;
    const char *when = lost ? "等数据库恢复后" : "";
    keep_stored_part(st, id, res, rejects);
    if (lost) {
        log_warn("import %s: the database went away: %s", id, why);
        snprintf(why, whylen, "导入中途数据库断开了（数据库的原话记在工单受理服务的日志里）");
    }
    size_t n = strlen(why);
    if (n >= whylen - 1)
        return;
    if (st->rows == 0 && strstr(why, "\n" IMPORT_CLIENT_DRAFT_HEAD))
        return;     /* a header refused: the profile drafted for it ends the words, whole, to be copied */
    if (st->rows == 0) {
        snprintf(why + n, whylen - n, "；这个文件一行也没有存%s", lost ? "：请等数据库恢复后重新导入" : "");
        return;
    }
    const char *again = unreadable && !lost ? "按上面说的改好文件后再导入，照原样再导入会停在同一处"
                                            : "再导入同一个文件存下其余的行";
    snprintf(why + n, whylen - n, "；表头之后的前 %" PRId64 " 条记录已存（新存 %" PRId64 " 件），其余没有存：请%s%s"
             "（已存的行算作重复，不会重复立案）", st->rows, res->inserted, when, again);
}
