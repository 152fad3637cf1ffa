/* test_privfile.c — a private file written whole under its name: 0600
 * whatever the umask, and a link someone left at its name replaced by the
 * file, the link's target untouched; a file created once never over another.
 * (The temporary name's link: test_keys.) */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "privfile.h"
#include "test_tmpdir.h"

typedef test_tmpdir fixture;

static int setup(void **state)
{
    return test_tmpdir_setup(state, "test_privfile", "bulletin.csv");
}

static int teardown(void **state)
{
    return test_tmpdir_teardown(state);
}

/* The whole of file path into buf (cap bytes at most), as a string. */
static void slurp(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = fread(buf, 1, cap - 1, f);
    buf[n] = '\0';
    fclose(f);
}

static void test_file_is_0600_whatever_the_umask(void **state)
{
    fixture *fx = *state;
    char back[64];
    struct stat st;
    mode_t old = umask(0);
    assert_int_equal(privfile_write(fx->path, "名单\n", strlen("名单\n")), 0);
    umask(old);
    assert_int_equal(stat(fx->path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    slurp(fx->path, back, sizeof back);
    assert_string_equal(back, "名单\n");
}

static void test_a_link_at_the_name_is_replaced(void **state)
{
    fixture *fx = *state;
    char target[PATH_MAX], back[64];
    struct stat st;
    snprintf(target, sizeof target, "%s/elsewhere", fx->dir);
    FILE *f = fopen(target, "w");
    assert_non_null(f);
    fputs("untouched\n", f);
    fclose(f);
    assert_int_equal(symlink(target, fx->path), 0);
    assert_int_equal(privfile_write(fx->path, "名单\n", strlen("名单\n")), 0);
    assert_int_equal(lstat(fx->path, &st), 0);
    assert_true(S_ISREG(st.st_mode));                 /* the file in the link's place */
    slurp(fx->path, back, sizeof back);
    assert_string_equal(back, "名单\n");
    slurp(target, back, sizeof back);
    assert_string_equal(back, "untouched\n");         /* what it pointed to as it was */
}

/* A secret written once (a token: --token-out) never goes over a file that
 * came to its name after the name was found free: the other stays, and the
 * writer is told EEXIST, no temporary file left behind. */
static void test_create_never_over_a_file(void **state)
{
    fixture *fx = *state;
    char back[64], tmp[PATH_MAX + 16];
    struct stat st;
    FILE *f = fopen(fx->path, "w");
    assert_non_null(f);
    fputs("another's\n", f);
    fclose(f);
    errno = 0;
    assert_int_equal(privfile_create(fx->path, "jsk_1\n", strlen("jsk_1\n")), -1);
    assert_int_equal(errno, EEXIST);
    slurp(fx->path, back, sizeof back);
    assert_string_equal(back, "another's\n");
    snprintf(tmp, sizeof tmp, "%s.tmp%ld", fx->path, (long)getpid());
    assert_int_not_equal(lstat(tmp, &st), 0);
    assert_int_equal(unlink(fx->path), 0);
    assert_int_equal(privfile_create(fx->path, "jsk_1\n", strlen("jsk_1\n")), 0);
    assert_int_equal(stat(fx->path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    slurp(fx->path, back, sizeof back);
    assert_string_equal(back, "jsk_1\n");
    assert_int_not_equal(lstat(tmp, &st), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_file_is_0600_whatever_the_umask, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_link_at_the_name_is_replaced, setup, teardown),
        cmocka_unit_test_setup_teardown(test_create_never_over_a_file, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
