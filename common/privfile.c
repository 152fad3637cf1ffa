/* privfile.c — a private file written whole under its name (see privfile.h). */
#include "privfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int privfile_write_all(int fd, const void *buf, size_t len)
{
    const char *data = buf;
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0) {
            errno = EIO;
            return -1;
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Writes the file into "<path>.tmp<pid>" and puts it at path: renamed over
 * whatever is there, or (!replace) linked there, refused with EEXIST when
 * anything is. 0, or -1 with errno set, the temporary file removed. */
static int write_placed(const char *path, const void *data, size_t len, int replace)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid()) >= (int)sizeof tmp) {
        errno = ENAMETOOLONG;
        return -1;
    }
    unlink(tmp);    /* a file of our own, new: never one (or a link to one) that was there */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    int ok = fchmod(fd, 0600) == 0 &&      /* whatever the umask made of it */
             privfile_write_all(fd, data, len) == 0 && fsync(fd) == 0;
    int err = ok ? 0 : errno;
    if (close(fd) != 0 && ok) {
        ok = 0;
        err = errno;
    }
    if (ok && (replace ? rename(tmp, path) : link(tmp, path)) != 0) {
        ok = 0;
        err = errno;
    }
    if (ok && !replace)
        unlink(tmp);
    if (ok)
        return 0;
    unlink(tmp);
    errno = err;
    return -1;
}

int privfile_write(const char *path, const void *data, size_t len)
{
    return write_placed(path, data, len, 1);
}

int privfile_create(const char *path, const void *data, size_t len)
{
    return write_placed(path, data, len, 0);
}
