/* intake_sha.h — the SHA-256 of an imported file (imports.sha256), as 64 hex
 * digits: either of a whole file, or fed piece by piece as an upload's
 * chunks arrive, so that the file is not read once more only to hash it.
 */
#ifndef JIESU_INTAKE_SHA_H
#define JIESU_INTAKE_SHA_H

#include <stddef.h>

typedef struct intake_sha intake_sha;

/* A hash of nothing yet; NULL when out of memory or SHA-256 is unavailable. */
intake_sha *intake_sha_new(void);

/* Hashes the next len bytes. */
void intake_sha_add(intake_sha *self, const void *data, size_t len);

/* The hash of everything added, as 64 hex digits and a NUL. 0, or -1. */
int intake_sha_hex(intake_sha *self, char out[65]);

void intake_sha_destroy(intake_sha **self);

/* The hash of everything fd reads from where it stands. 0, or -1 with why. */
int intake_sha_fd(int fd, char out[65], char *why, size_t whylen);

#endif
