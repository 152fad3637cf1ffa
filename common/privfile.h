/* privfile.h — a private file (mode 0600) written whole under its name.
 *
 * What jiesu writes for its user alone (a key, a bulletin) goes to a new
 * temporary file beside its name and is renamed over it: a reader never sees
 * half of it, and a file or link someone left at the name, or at the
 * temporary one, in a directory others may write is replaced, never written
 * through (the file a link points to is not touched). A secret written
 * once (privfile_create) is linked at its name instead, never over anything.
 */
#ifndef JIESU_PRIVFILE_H
#define JIESU_PRIVFILE_H

#include <stddef.h>

/* Writes the len bytes at data to path: into "<path>.tmp<pid>", removed first
 * and created anew (O_CREAT|O_EXCL|O_NOFOLLOW), 0600 whatever the umask,
 * flushed to disk and renamed over path. 0, or -1 with errno set; the
 * temporary file is removed then, and whatever was at path is left as it was. */
int privfile_write(const char *path, const void *data, size_t len);

/* As privfile_write, but never over a file: the file is linked at path,
 * and -1 with errno EEXIST leaves whatever came there meanwhile as it was
 * (a secret written once, where another writer may have put its own). */
int privfile_create(const char *path, const void *data, size_t len);

/* Writes all len bytes at data to fd, again after a short write or a signal.
 * 0, or -1 with errno set. (A private file written piece by piece, as
 * `jiesu import` writes the rejects file it fetches.) */
int privfile_write_all(int fd, const void *data, size_t len);

#endif
