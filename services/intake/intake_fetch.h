/* intake_fetch.h — an import's rejects file, read back by the person who ran
 * the import ("rejects.fetch").
 *
 * The rejects file (intake_rejects.h) is written on intake's machine; the
 * clerk may import from another one. They fetch it over the bus, chunk by
 * chunk, each asked for at its offset, so neither side holds the whole
 * file. The file quotes callers' names and phone numbers: only the principal
 * recorded as the import's (imports.imported_by) or an administrator may
 * read it, and every fetch — its first chunk — and every refusal is logged
 * with who asked. Intake reads only the file its rejects_dir holds for the
 * import named, never a path a client names; an import still running has no
 * whole file yet and is refused.
 */
#ifndef JIESU_INTAKE_FETCH_H
#define JIESU_INTAKE_FETCH_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "auth.h"
#include "jiesu.pb-c.h"

#define INTAKE_FETCH_CHUNK (1 << 20)    /* bytes of one chunk at most */

/* Reads the chunk rq asks for, for who, from the rejects files in dir, into
 * buf (INTAKE_FETCH_CHUNK bytes, the caller's). 0 with *out filled (its data
 * points into buf, its file_name into name); -1 with the HTTP-like code in
 * *code (403, 404, 409; 500 with the database's words) and what to tell the
 * asker, in Chinese, in err. */
int intake_fetch_rejects(PGconn *pg, const char *dir, const auth_principal *who, const Jiesu__RejectsRequest *rq,
                         Jiesu__RejectsChunk *out, uint8_t *buf, char name[256], int *code, char *err,
                         size_t errlen);

#endif
