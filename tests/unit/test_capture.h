/* test_capture.h — what a test's code writes to stderr (the log), caught in a
 * temporary file: capture_start(), run the code, capture_stop() gives stderr
 * back and returns what was written. Include after cmocka.h.
 */
#ifndef JIESU_TEST_CAPTURE_H
#define JIESU_TEST_CAPTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    char path[64];
    int  saved_stderr;          /* -1 while stderr is not redirected */
} capture;

/* Points stderr at a fresh temporary file. */
static inline void capture_start(capture *c)
{
    snprintf(c->path, sizeof c->path, "/tmp/test_capture_%ld_XXXXXX", (long)getpid());
    int fd = mkstemp(c->path);
    assert_true(fd >= 0);
    fflush(stderr);
    c->saved_stderr = dup(STDERR_FILENO);
    assert_true(c->saved_stderr >= 0);
    assert_true(dup2(fd, STDERR_FILENO) >= 0);
    close(fd);
}

/* Gives stderr back (so failures can be reported) and returns what was
 * written to it, malloc'd. */
static inline char *capture_stop(capture *c)
{
    if (c->saved_stderr < 0)
        return NULL;
    dup2(c->saved_stderr, STDERR_FILENO);
    close(c->saved_stderr);
    c->saved_stderr = -1;
    FILE *f = fopen(c->path, "r");
    assert_non_null(f);
    char buf[65536];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    unlink(c->path);
    char *copy = strdup(buf);
    assert_non_null(copy);
    return copy;
}

#endif
