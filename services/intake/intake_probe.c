/* intake_probe.c — the stored tickets of an import batch, and the rejects
 * of its repeats and clashes (see intake_probe.h).
 */
#include "intake_probe.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "text.h"

/* $1 the batch's tickets, $2 this import: the stored ones, each with the
 * file row this import stored it from (0: another's), the import that
 * stored it (0: none), its call time in seconds since 1970 and the offset
 * of the batch's zone (the import's) then. */
static const char SQL_PROBE[] =
    "SELECT ticket_no, CASE WHEN import_id = $2::bigint THEN source_row ELSE 0 END, coalesce(import_id, 0),"
    "       floor(extract(epoch FROM called_at))::bigint, extract(timezone FROM called_at)::int"
    "  FROM complaints WHERE ticket_no = ANY($1::text[])";

/* The header of field f's column in the file (its first alternative's). */
static const char *header_of(const intake_columns *map, intake_field f)
{
    const int *cols;
    return intake_columns_of(map, f, 0, &cols) ? intake_columns_header(map, (size_t)cols[0]) : "";
}

/* A row repeating an earlier row of the file, first: which one is stored. */
static void say_repeat(const intake_columns *map, uint64_t first, intake_reject *rej)
{
    snprintf(rej->reason, sizeof rej->reason, "%s重复：第 %" PRIu64 " 条记录也是这个编号，只保存了那一条",
             header_of(map, COL_TICKET_NO), first);
}

/* A row called at the time called carrying the number of s, another
 * complaint: which, and what to do. */
static void say_clash(const intake_columns *map, const intake_stored *s, const intake_time *called,
                      intake_reject *rej)
{
    const char *ticket_col = header_of(map, COL_TICKET_NO), *called_col = header_of(map, COL_CALLED_AT);
    intake_time then;
    char by[48] = "", stored_at[32], row_at[32];
    intake_date_from_seconds(s->called + s->offset, &then);
    intake_date_text(&then, stored_at);
    intake_date_text(called, row_at);
    if (s->import_id)
        snprintf(by, sizeof by, "由第 %" PRId64 " 号导入", s->import_id);
    snprintf(rej->reason, sizeof rej->reason, "%s %s 已%s存为另一件诉求（%s %s，与这一行的 %s 不同）：不是同一件"
             "诉求时，请在原系统核对%s，改正后再导入这一行", ticket_col, s->ticket, by, called_col, stored_at,
             row_at, ticket_col);
    text_utf8_cut(rej->reason);
}

/* The batch's repeats and clashes to the rejects file, counted. 0, or -1 with why. */
static int reject_not_stored(const intake_tickets *t, const intake_columns *map, intake_rejects *rejects,
                             intake_probed *got, char *why, size_t whylen)
{
    for (size_t i = 0; i < intake_tickets_count(t); i++) {
        intake_reject rej = {.column = header_of(map, COL_TICKET_NO)};
        const intake_time *called;
        uint64_t first = intake_tickets_repeats(t, i, &rej.value, &rej.row, &rej.line);
        const intake_stored *clash = intake_tickets_clash(t, i, &called);
        if (first)
            say_repeat(map, first, &rej);
        else if (clash)
            say_clash(map, clash, called, &rej);
        else
            continue;
        rej.value_len = strlen(rej.value);
        if (intake_rejects_write(rejects, &rej, why, whylen) < 0)
            return -1;
        got->repeated += first != 0;
        got->clashed += !first;
    }
    return 0;
}

/* The stored tickets of res into stored (n of them). */
static void read_stored(PGresult *res, intake_stored *stored, int n)
{
    for (int i = 0; i < n; i++)
        stored[i] = (intake_stored){
            .ticket = PQgetvalue(res, i, 0),
            .from_row = strtoull(PQgetvalue(res, i, 1), NULL, 10),
            .import_id = strtoll(PQgetvalue(res, i, 2), NULL, 10),
            .called = strtoll(PQgetvalue(res, i, 3), NULL, 10),
            .offset = atoi(PQgetvalue(res, i, 4)),
        };
}

int intake_probe(PGconn *pg, const char *import_id, intake_tickets *t, const intake_columns *map,
                 intake_rejects *rejects, intake_probed *got, char *why, size_t whylen)
{
    const char *params[] = {intake_tickets_literal(t), import_id};
    char pg_why[512] = "内存不足";
    PGresult *res = params[0] ? db_query(pg, "intake probe tickets", SQL_PROBE, 2, params, pg_why, sizeof pg_why)
                              : NULL;
    int n = res ? PQntuples(res) : 0;
    intake_stored *stored = res ? malloc(((size_t)n + 1) * sizeof *stored) : NULL;
    *got = (intake_probed){.fresh = -1};
    if (stored) {
        read_stored(res, stored, n);
        got->fresh = intake_tickets_mark(t, stored, (size_t)n);
        snprintf(pg_why, sizeof pg_why, "内存不足");
    }
    int rc = got->fresh < 0 ? -1 : reject_not_stored(t, map, rejects, got, why, whylen);
    free(stored);
    PQclear(res);
    if (got->fresh < 0)
        snprintf(why, whylen, "向数据库查询这一批工单号是否已入库时出错：%s", pg_why);
    return got->fresh < 0 ? -1 : rc;
}
