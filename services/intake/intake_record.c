/* intake_record.c — the `imports` row of each import (see intake_record.h). */
#include "intake_record.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "db.h"
#include "text.h"

#define LOCK_CLASS "7101"    /* advisory lock namespace of imports */
#define LOCK_KEY   "(" LOCK_CLASS ", ($1::bigint % 2147483647)::int)"

static const char SQL_BEGIN[] =
    "WITH i AS (INSERT INTO imports (file_name, sha256, imported_by) VALUES ($1, $2, $3) RETURNING id) "
    "SELECT id, pg_advisory_lock(" LOCK_CLASS ", (id % 2147483647)::int) FROM i";

static const char SQL_PROGRESS[] =
    "UPDATE imports SET rows_total = $2, inserted = $3, duplicates = $4, rejected = $5,"
    " encoding = $6, bytes_read = $7, profile = nullif($8, ''), timezone = nullif($9, ''), repeated = $10"
    " WHERE id = $1";

static const char SQL_FINISH[] =
    "UPDATE imports SET status = $2, error = $3, encoding = $4, profile = nullif($5, ''), finished_at = now()"
    " WHERE id = $1";

static const char SQL_UNLOCK[] = "SELECT pg_advisory_unlock" LOCK_KEY;

static const char SQL_FAIL_ORPHANS[] =
    "UPDATE imports SET status = 'failed', finished_at = now(),"
    " error = '导入中断：导入进程没有做完就停了'"
    " WHERE status = 'running' AND pg_try_advisory_xact_lock(" LOCK_CLASS ", (id % 2147483647)::int)";

int64_t intake_record_begin(PGconn *pg, const char *file_name, const char *sha256, const char *actor, char id[24],
                            char *why, size_t whylen)
{
    const char *params[] = {file_name, sha256, actor};
    PGresult *res = db_query(pg, "intake record import", SQL_BEGIN, 3, params, why, whylen);
    if (!res || PQntuples(res) != 1) {
        if (res)
            snprintf(why, whylen, "数据库没有给出这次导入的编号");
        text_prefix(why, whylen, "无法在数据库里登记这次导入，文件没有导入（请过一会儿再导入，一直如此请告知系统管理员）：");
        PQclear(res);
        return -1;
    }
    snprintf(id, 24, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    return strtoll(id, NULL, 10);
}

int intake_record_progress(PGconn *pg, const char *id, const intake_record_counts *c, char *why, size_t whylen)
{
    char counts[6][24];
    snprintf(counts[0], sizeof counts[0], "%" PRId64, c->rows_total);
    snprintf(counts[1], sizeof counts[1], "%" PRId64, c->inserted);
    snprintf(counts[2], sizeof counts[2], "%" PRId64, c->duplicates);
    snprintf(counts[3], sizeof counts[3], "%" PRId64, c->rejected);
    snprintf(counts[4], sizeof counts[4], "%" PRIu64, c->bytes);
    snprintf(counts[5], sizeof counts[5], "%" PRId64, c->repeated);
    const char *params[] = {id,         counts[0], counts[1],  counts[2], counts[3],
                            c->encoding, counts[4], c->profile, c->timezone, counts[5]};
    return db_command(pg, "intake import progress", SQL_PROGRESS, 10, params, NULL, why, whylen);
}

int intake_record_finish(PGconn *pg, const char *id, const char *status, const char *error, const char *encoding,
                         const char *profile, char *err, size_t errlen)
{
    const char *params[] = {id, status, error, encoding, profile};
    const char *lock[] = {id};
    int rc = db_command(pg, "intake finish import", SQL_FINISH, 5, params, NULL, err, errlen);
    if (db_command(pg, "intake unlock import", SQL_UNLOCK, 1, lock, NULL, rc == 0 ? err : NULL, rc == 0 ? errlen : 0)
        != 0)
        rc = -1;
    return rc;
}

int intake_record_fail_orphans(PGconn *pg, char *err, size_t errlen)
{
    return db_command(pg, "intake fail orphaned imports", SQL_FAIL_ORPHANS, 0, NULL, NULL, err, errlen);
}
