/* intake_upload.h — files a clerk sends to the intake service, chunk by
 * chunk, spooled to disk until whole ("import.upload").
 *
 * Intake imports only what it was sent: there is no request that names a
 * path of the server's filesystem. Each upload is a file of its own in
 * intake.spool_dir (directory 0700, files 0600: they hold callers' phone
 * numbers), belongs to the principal who opened it (another user's chunk is
 * refused), must continue exactly where it stopped (a chunk sent again after
 * a lost reply is recognised and ignored), may not exceed
 * intake.max_upload_bytes, is hashed as it arrives, and is removed when imported, or after
 * UPLOAD_IDLE_MS without a chunk. A restarted intake knows no upload: the
 * client starts the file again (code UPLOAD_GONE). Its file is locked while
 * in use, so intake_uploads_new removes the files an intake killed or
 * crashed left (no process holds them), never a running one's.
 */
#ifndef JIESU_INTAKE_UPLOAD_H
#define JIESU_INTAKE_UPLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "jiesu.pb-c.h"

#define UPLOAD_GONE 410         /* the error code when the upload is not known (any more) */
#define UPLOAD_TOO_BIG 413
#define UPLOAD_IDLE_MS (10 * 60 * 1000)

typedef struct intake_uploads intake_uploads;

/* Uploads spooled in dir (created 0700 when missing), each at most max_bytes;
 * the files left in it by imports cut off are removed (logged). NULL with err. */
intake_uploads *intake_uploads_new(const char *dir, int64_t max_bytes, char *err, size_t errlen);

typedef struct {
    char    id[33];
    int64_t received;
    char    path[4096];         /* the spooled file, when complete */
    char    file_name[256];     /* what the clerk called it */
    char    sha256[65];         /* its SHA-256 when complete; "" when a chunk came twice */
} intake_upload_state;

/* Takes one chunk sent by owner. 0: stored, more to come (st->id and
 * st->received to answer with); 1: the file is whole (st->path, file_name:
 * import it, then intake_uploads_done()); -1: refused, with the error code
 * in *code and the reason in err. */
int intake_uploads_put(intake_uploads *self, const char *owner, const Jiesu__ImportUpload *chunk,
                       intake_upload_state *st, int *code, char *err, size_t errlen);

/* Forgets upload id and removes its file. */
void intake_uploads_done(intake_uploads *self, const char *id);

/* Forgets the uploads idle longer than UPLOAD_IDLE_MS (their files too). */
void intake_uploads_expire(intake_uploads *self);

void intake_uploads_destroy(intake_uploads **self);

#endif
