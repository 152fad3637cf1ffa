/* intake_stopped.h — an import that stopped part way (PostgreSQL gone, the
 * file unreadable further on, intake stopping): what of the file it stored,
 * and what the clerk is to do next.
 *
 * Each batch is its own transaction, so the batches committed before the
 * stop stay stored, and the import's record (imports) has their counts. The
 * import's result and its rejects file are taken back to the same place:
 * the clerk is answered with the rows of the stored part and fetches their
 * rejects as after a whole import. The rows read after the last commit,
 * rejected or not, are read again when the file is imported again, which
 * stores no ticket twice (intake_import.h).
 */
#ifndef JIESU_INTAKE_STOPPED_H
#define JIESU_INTAKE_STOPPED_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "intake_import.h"
#include "intake_rejects.h"

/* The import as of its last committed batch. */
typedef struct {
    int64_t rows;           /* the file's rows up to that batch's last */
    int64_t rejected;       /* of them, rejected */
    long    rejects_mark;   /* the rejects file as it was then (intake_rejects_mark) */
} intake_stopped;

/* After the import with id (text) stopped with why: res and rejects (may be
 * NULL) taken back to st, and to why is added what of the file is stored
 * and how to store the rest. When the database went away (pg's connection
 * is gone), why becomes only that: PostgreSQL's words, about COPY lines
 * and backends, go to the log. unreadable: the file could not be read on,
 * so it has to be mended first (imported again as it is, it would stop at
 * the same place). */
void intake_stopped_explain(const intake_stopped *st, PGconn *pg, const char *id, int unreadable,
                            intake_result *res, intake_rejects *rejects, char *why, size_t whylen);

#endif
