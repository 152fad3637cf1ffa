/* intake_preview.c — the rows a dry run shows (see intake_preview.h). */
#include "intake_preview.h"

#include <stdio.h>
#include <string.h>

#include "db.h"

/* The zone is set for one transaction that is rolled back. */
static const char SQL_TIMEZONE[] = "SELECT set_config('TimeZone', $1, true)";
static const char SQL_AS_UTC[] =
    "SELECT to_char($1::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC'";

/* Copies src into dst, cut at a character boundary when it does not fit. */
static void copy_cut(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap) {
        n = cap - 1;
        while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(dst, src, n);
    dst[n] = '\0';
}

void intake_preview_keep(intake_result *res, const intake_row *rows, uint64_t row_no)
{
    if (res->npreview >= IMPORT_PREVIEW_ROWS)
        return;
    intake_preview_row *p = &res->preview[res->npreview++];
    p->row = row_no;
    for (int f = 0; f < COL_COUNT; f++)
        copy_cut(p->value[f], sizeof p->value[f], intake_row_value(rows, (intake_field)f));
    copy_cut(p->extra, sizeof p->extra, intake_row_extra(rows));
    snprintf(p->called_utc, sizeof p->called_utc, "?");
    p->called_offset = intake_row_called(rows)->has_offset;
}

void intake_preview_keep_reject(intake_result *res, const intake_reject *rej)
{
    if (res->nrejects_shown >= IMPORT_PREVIEW_ROWS)
        return;
    char line[sizeof res->rejects_shown[0]];
    snprintf(line, sizeof line, "第 %llu 行（%s）：%s", (unsigned long long)rej->row, rej->column, rej->reason);
    copy_cut(res->rejects_shown[res->nrejects_shown++], sizeof line, line);
}

int intake_preview_instants(PGconn *pg, intake_result *res, char *err, size_t errlen)
{
    const char *zone[] = {res->timezone};
    int rc = db_begin(pg, err, errlen) == 0 &&
                     db_command(pg, "intake preview zone", SQL_TIMEZONE, 1, zone, NULL, err, errlen) == 0
                 ? 0
                 : -1;
    for (int i = 0; rc == 0 && i < res->npreview; i++) {
        const char *when[] = {res->preview[i].value[COL_CALLED_AT]};
        PGresult *r = db_query(pg, "intake preview instant", SQL_AS_UTC, 1, when, err, errlen);
        if (r && PQntuples(r) == 1)
            copy_cut(res->preview[i].called_utc, sizeof res->preview[i].called_utc, PQgetvalue(r, 0, 0));
        else if (r)
            snprintf(err, errlen, "intake preview instant: no row returned");
        if (!r || PQntuples(r) != 1)
            rc = -1;
        PQclear(r);
    }
    db_rollback(pg);
    return rc;
}
