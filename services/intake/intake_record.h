/* intake_record.h — the `imports` row of each import: written when it
 * starts, its counts after every committed batch, how it ended.
 *
 * An import holds a session advisory lock on its row while it runs, so a
 * row left 'running' whose lock nobody holds belongs to a process that is
 * gone: intake_record_fail_orphans() marks those failed. Why the counts move
 * with each batch's COMMIT: services/intake/README.md.
 */
#ifndef JIESU_INTAKE_RECORD_H
#define JIESU_INTAKE_RECORD_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

/* The counts an import has committed, as its row keeps them. */
typedef struct {
    int64_t     rows_total, inserted, duplicates, rejected;
    int64_t     repeated;       /* of duplicates, the rows repeating a ticket of the file's own */
    uint64_t    bytes;          /* of the file read */
    const char *encoding, *profile;
    const char *timezone;       /* the profile's: the zone of the file's local times */
} intake_record_counts;

/* Writes the row (status running) and takes its lock. The import's id, also
 * as text in id, or -1 with why. */
int64_t intake_record_begin(PGconn *pg, const char *file_name, const char *sha256, const char *actor, char id[24],
                            char *why, size_t whylen);

/* The counts as of a batch, in that batch's transaction. 0 or -1 with why. */
int intake_record_progress(PGconn *pg, const char *id, const intake_record_counts *c, char *why, size_t whylen);

/* How the import ended (status done or failed, error or NULL), and lets go
 * of its lock. 0, or -1 with err: the outcome stands either way (the next
 * import marks a row left running as failed). */
int intake_record_finish(PGconn *pg, const char *id, const char *status, const char *error, const char *encoding,
                         const char *profile, char *err, size_t errlen);

/* Marks imports left 'running' by a process that is gone as failed. 0, or
 * -1 with PostgreSQL's reason in err. */
int intake_record_fail_orphans(PGconn *pg, char *err, size_t errlen);

#endif
