/* test_tmpdir.h — a directory of a test's own under /tmp, made before each
 * test and removed with what is in it after, and the path of one file in it
 * (cmocka setup and teardown: test_tmpdir_setup, test_tmpdir_teardown). */
#ifndef JIESU_TEST_TMPDIR_H
#define JIESU_TEST_TMPDIR_H

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
    char dir[64];
    char path[PATH_MAX];
} test_tmpdir;

/* *state: a new directory /tmp/PREFIX-XXXXXX, path FILE inside it. */
static inline int test_tmpdir_setup(void **state, const char *prefix, const char *file)
{
    test_tmpdir *fx = calloc(1, sizeof *fx);
    if (!fx)
        return -1;
    snprintf(fx->dir, sizeof fx->dir, "/tmp/%s-XXXXXX", prefix);
    if (!mkdtemp(fx->dir)) {
        free(fx);
        return -1;
    }
    snprintf(fx->path, sizeof fx->path, "%s/%s", fx->dir, file);
    *state = fx;
    return 0;
}

static inline int test_tmpdir_teardown(void **state)
{
    test_tmpdir *fx = *state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx->dir);
    int rc = system(cmd);
    free(fx);
    return rc == 0 ? 0 : -1;
}

#endif
