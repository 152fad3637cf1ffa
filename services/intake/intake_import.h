/* intake_import.h — one import of a hotline export into PostgreSQL.
 *
 * The file (CSV or XLSX, intake_source.h) is hashed (SHA-256) and recorded
 * in `imports` (status running), then streamed: good rows are COPYed into a
 * temporary staging table in batches; each batch moves on into `complaints`
 * with one set-based INSERT ... ON CONFLICT (ticket_no) DO NOTHING, writes an
 * 'imported' event per new complaint and updates the import's counts, all in
 * one transaction.
 * After the commit the new ids go to the routing stream. Rejected rows go to
 * the rejects file (intake_rejects.h). Memory does not grow with the file.
 *
 * Idempotent: a ticket number already in `complaints` (from this file or an
 * earlier import) is counted as a duplicate and left alone, so importing a
 * file again, or again after a crash half-way, leaves every row exactly once.
 */
#ifndef JIESU_INTAKE_IMPORT_H
#define JIESU_INTAKE_IMPORT_H

#include <libpq-fe.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "csv_reader.h"
#include "queue.h"

#define INTAKE_BATCH_ROWS 50000

typedef struct {
    PGconn     *pg;             /* borrowed; no transaction open */
    queue      *route;          /* routing stream, borrowed; NULL: do not enqueue */
    const char *rejects_dir;    /* where rejects files go */
    size_t      batch_rows;     /* rows per transaction; 0 → INTAKE_BATCH_ROWS */
    int         utc_offset_min; /* the hotline's local time, minutes east of UTC */
    csv_options csv;            /* reader limits; zeros → defaults */
    const volatile sig_atomic_t *stop;  /* when set: stop after the current batch; may be NULL */
    const char *actor;          /* who imports (the clerk): the rows' 'imported' events and
                                 * imports.imported_by; NULL: "intake" */
    /* After each committed batch: rows and bytes of the file read so far. May be NULL. */
    void      (*progress)(void *ctx, int64_t rows, uint64_t bytes);
    void       *progress_ctx;
} intake_import_opts;

typedef struct {
    int64_t import_id;          /* 0 when no imports row was written */
    int64_t rows_total;         /* data rows read (blank rows not counted) */
    int64_t inserted;
    int64_t duplicates;
    int64_t rejected;
    int64_t not_enqueued;       /* committed ids the routing stream refused (see .c) */
    char    sha256[65];
    char    encoding[16];
    char    rejects_path[4096]; /* "" when no row was rejected */
    int64_t elapsed_ms;
} intake_result;

/* Imports the file at path, recorded under file_name (NULL: path's base name).
 * Returns 0 when the whole file was read (status done), or -1 with a message
 * naming the file in err (status failed when an imports row exists; *res holds
 * the counts committed so far). */
int intake_import(const intake_import_opts *opt, const char *path, const char *file_name,
                  intake_result *res, char *err, size_t errlen);

/* Marks imports left 'running' by a process that is gone as failed. 0 or -1. */
int intake_import_cleanup(PGconn *pg);

#endif
