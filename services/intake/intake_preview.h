/* intake_preview.h — what a dry run (jiesu import --dry-run) shows: the
 * first rows as they would be stored, with called_at as the instant
 * PostgreSQL would store, and the first rejected rows with their reasons.
 */
#ifndef JIESU_INTAKE_PREVIEW_H
#define JIESU_INTAKE_PREVIEW_H

#include <libpq-fe.h>
#include <stdint.h>

#include "intake_import.h"
#include "intake_row.h"

/* Keeps the row rows built last (INTAKE_ROW_OK), the file's row row_no, in
 * res->preview while there is room. */
void intake_preview_keep(intake_result *res, const intake_row *rows, uint64_t row_no);

/* Keeps a rejected row's reason in res->rejects_shown while there is room. */
void intake_preview_keep_reject(intake_result *res, const intake_reject *rej);

/* Fills each preview row's called_utc: its called_at read in res->timezone
 * and shown in UTC, as PostgreSQL does when it stores it. Nothing is
 * written. 0, or -1 with PostgreSQL's reason in err (called_utc left "?"). */
int intake_preview_instants(PGconn *pg, intake_result *res, char *err, size_t errlen);

#endif
