/* intake_import.h — one import of a hotline export into PostgreSQL.
 *
 * The file (CSV or XLSX, intake_source.h) is hashed (SHA-256) and recorded
 * in `imports` (status running); its header picks the import profile
 * (intake_pick.h) that says which columns give which field, the date formats
 * and the time zone; then it is streamed: each batch of good rows is COPYed
 * into `complaints` (tickets already stored left out), with an 'imported'
 * event per new complaint and the import's counts, all in one transaction.
 * After the commit the new ids go to the routing stream. Rejected rows go to
 * the rejects file (intake_rejects.h). Memory does not grow with the file.
 *
 * Idempotent: a ticket number already in `complaints` (from this file or an
 * earlier import) is counted as a duplicate and left alone, so importing a
 * file again leaves every row exactly once (the argument, and what a crash
 * leaves: README.md). A row whose ticket another import stored with another
 * call time is another complaint under that number: left alone too, but
 * refused, in the rejects file (intake_probe.h).
 */
#ifndef JIESU_INTAKE_IMPORT_H
#define JIESU_INTAKE_IMPORT_H

#include <libpq-fe.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "csv_reader.h"
#include "intake_columns.h"
#include "queue.h"

#define INTAKE_BATCH_ROWS 50000
#define IMPORT_WARNINGS_MAX 6
#define IMPORT_NOTES_MAX 3          /* after the summary: rows whose local time the zone skips, repeats;
                                       rows written with an offset the zone did not have (intake_zone.h) */
#define IMPORT_WARNING_BYTES 4096
#define IMPORT_UNMAPPED_SHOWN 20    /* unmapped category values named in the result */
#define IMPORT_PREVIEW_ROWS 5       /* rows a dry run shows as they would be stored */
#define PREVIEW_VALUE_BYTES 240

struct intake_result;

typedef struct {
    PGconn     *pg;             /* borrowed; no transaction open */
    queue      *route;          /* routing stream, borrowed; NULL: do not enqueue */
    const char *rejects_dir;    /* where rejects files go */
    size_t      batch_rows;     /* rows per transaction; 0 → INTAKE_BATCH_ROWS */
    const char *profiles_dir;   /* the import profiles (intake_profile.h) */
    const char *profile;        /* the profile asked for; NULL or "": the one the header fits */
    const char *profile_text;   /* a profile sent with the file (named profile), or NULL */
    int         dry_run;        /* read and check the file, store nothing */
    intake_door door;           /* where the file came from: what the messages' advice teaches */
    csv_options csv;            /* reader limits; zeros → defaults */
    const volatile sig_atomic_t *stop;  /* when set: stop after the current batch; may be NULL */
    const char *actor;          /* who imports (the clerk): the rows' 'imported' events and
                                 * imports.imported_by; NULL: "intake" */
    const char *sha256;         /* the file's SHA-256 (64 hex digits) when the caller has it
                                 * (hashed as it arrived); NULL or "": hashed here */
    /* After each committed batch: rows and bytes of the file read so far. May be NULL. */
    void      (*progress)(void *ctx, int64_t rows, uint64_t bytes);
    void       *progress_ctx;
    /* Once the header is mapped, before any row: the profile and the warnings
     * are in the result. May be NULL; gets progress_ctx. */
    void      (*started)(void *ctx, const struct intake_result *res);
} intake_import_opts;

/* A row of a dry run as it would be stored. */
typedef struct {
    uint64_t row;                                   /* the file's row */
    char     value[COL_COUNT][PREVIEW_VALUE_BYTES]; /* each field as stored (cut) */
    char     called_utc[40];                        /* called_at as the stored instant, in UTC */
    int      called_offset;                         /* called_at was written with its offset, read at it */
    char     extra[PREVIEW_VALUE_BYTES];
} intake_preview_row;

typedef struct intake_result {
    int64_t import_id;          /* 0 when no imports row was written (a dry run) */
    int64_t rows_total;         /* data rows read (blank rows not counted) */
    int64_t inserted;
    int64_t duplicates;
    int64_t repeated;           /* of the duplicates: rows whose ticket an earlier row of the
                                 * file has (in the rejects file, naming that row) */
    int64_t rejected;
    int64_t clashed;            /* of the rejected: rows whose ticket another import stored as
                                 * another complaint, called at another time (intake_probe.h) */
    int64_t not_enqueued;       /* committed ids the routing stream refused (see .c) */
    char    sha256[65];
    char    encoding[32];       /* csv_encoding_name(), or "XLSX" */
    char    rejects_path[4096]; /* "" when no row was rejected */
    int64_t elapsed_ms;
    char    profile[64];        /* the import profile used */
    char    profile_how[48];    /* how it was chosen (intake_pick.h) */
    char    timezone[64];       /* the profile's */
    int     nwarnings;          /* for the clerk: columns left unused, ... */
    char    warnings[IMPORT_WARNINGS_MAX][IMPORT_WARNING_BYTES];
    int     nnotes;             /* for the clerk after the summary: rows to check */
    char    notes[IMPORT_NOTES_MAX][IMPORT_WARNING_BYTES];
    int64_t zone_skipped;       /* rows whose called_at the profile's zone skips (intake_zone.h) */
    int64_t zone_repeated;      /* ... and repeats */
    int64_t unmapped_rows;      /* rows whose hotline category category_aliases lacks */
    size_t  unmapped_distinct;  /* how many such values */
    size_t  nunmapped;          /* named below, most rows first */
    struct {
        char    name[128];
        int64_t rows;
    } unmapped[IMPORT_UNMAPPED_SHOWN];
    /* a dry run: */
    char    mapping[COL_COUNT][300];    /* the columns of each field ("" when none) */
    int     npreview;
    intake_preview_row preview[IMPORT_PREVIEW_ROWS];
    int     nrejects_shown;             /* the first rejected rows: "第 7 行（来电时间）：why" */
    char    rejects_shown[IMPORT_PREVIEW_ROWS][840];
} intake_result;

/* Imports the file at path, recorded under file_name (NULL: path's base name).
 * Returns 0 when the whole file was read (status done), or -1 with what went
 * wrong in err, for a caller who names the file (never the path it was read
 * from), and what of it is stored and what to do next (intake_stopped.h).
 * Status failed when an imports row exists; *res then holds the counts and
 * the rejects file of the batches committed before (rows_total > 0: part
 * of the file is stored). A dry run reads every row and fills the
 * counts, the warnings and the preview, and stores nothing: no imports row,
 * no rejects file, tickets not compared with those stored. */
int intake_import(const intake_import_opts *opt, const char *path, const char *file_name,
                  intake_result *res, char *err, size_t errlen);

#endif
