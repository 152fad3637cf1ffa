/* test_keys.c — key files: a secret one is its owner's only whatever the
 * umask, and one saved where someone left a link at its temporary name
 * lands in a new file of its own, the link's target untouched. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "keys.h"
#include "test_keys.h"
#include "test_tmpdir.h"

typedef test_tmpdir fixture;

static int setup(void **state)
{
    return test_tmpdir_setup(state, "test_keys", "someone.key");
}

static int teardown(void **state)
{
    return test_tmpdir_teardown(state);
}

static void test_secret_file_is_0600_whatever_the_umask(void **state)
{
    fixture *fx = *state;
    char err[512];
    struct stat st;
    keys_pair kp = test_keys(), back;
    mode_t old = umask(022);
    assert_int_equal(keys_save(fx->path, &kp, 1, "someone", err, sizeof err), 0);
    umask(old);
    assert_int_equal(stat(fx->path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(keys_load(fx->path, &back, 1, err, sizeof err), 0);
    assert_string_equal(back.secret_key, kp.secret_key);
}

static void test_a_link_at_the_temporary_name_is_not_followed(void **state)
{
    fixture *fx = *state;
    char err[512], decoy[PATH_MAX], tmp[PATH_MAX + 32];
    struct stat st;
    keys_pair kp = test_keys();
    snprintf(decoy, sizeof decoy, "%s/decoy", fx->dir);
    FILE *f = fopen(decoy, "w");
    assert_non_null(f);
    fclose(f);
    chmod(decoy, 0644);
    snprintf(tmp, sizeof tmp, "%s.tmp%ld", fx->path, (long)getpid());
    assert_int_equal(symlink(decoy, tmp), 0);
    assert_int_equal(keys_save(fx->path, &kp, 1, "someone", err, sizeof err), 0);
    assert_int_equal(stat(decoy, &st), 0);
    assert_int_equal(st.st_size, 0);                  /* the secret did not go where the link pointed */
    assert_int_equal(lstat(fx->path, &st), 0);
    assert_true(S_ISREG(st.st_mode));                 /* the key is a file of its own, not the link */
    assert_int_equal(st.st_mode & 0777, 0600);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_secret_file_is_0600_whatever_the_umask, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_link_at_the_temporary_name_is_not_followed, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
