/* test_privfile.c — a private file written whole under its name: 0600
 * whatever the umask, and a link someone left at its name replaced by the
 * file, the link's target untouched. (The temporary name's link: test_keys.) */
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_file_is_0600_whatever_the_umask, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_link_at_the_name_is_replaced, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
