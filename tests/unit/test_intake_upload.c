/* test_intake_upload.c — files spooled chunk by chunk (intake_upload.c): a
 * file sent whole in order comes out the same bytes with its SHA-256; a
 * chunk sent again is taken without harm; what does not continue the file,
 * is too large, is another user's, is unknown, or ends short of the size
 * declared is refused saying so, and the process goes on. A file whose
 * size its sender does not know (a browser's upload) is whole at its last
 * chunk, and held to the limit chunk by chunk. A file that cannot be read
 * to hash it is said in Chinese. A file an import cut off left is removed
 * when intake starts, a running upload's never. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "import_client.h"
#include "intake_sha.h"
#include "intake_upload.h"

#define MAX_BYTES 64

/* "abc"'s SHA-256 (FIPS 180-2, appendix B.1). */
#define ABC_SHA256 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

typedef struct {
    char            dir[64];
    intake_uploads *up;
    intake_upload_state st;
    int             code;
    char            err[256];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/jiesu-upload-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    assert_int_equal(rmdir(f->dir), 0);     /* made by intake_uploads_new, 0700 */
    f->up = intake_uploads_new(f->dir, MAX_BYTES, f->err, sizeof f->err);
    assert_non_null(f->up);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    intake_uploads_destroy(&f->up);
    rmdir(f->dir);
    free(f);
    return 0;
}

/* Sends one chunk as owner; what intake_uploads_put returns. */
static int put(fixture *f, const char *owner, const char *id, int64_t offset, const char *data, int last,
               int64_t size)
{
    Jiesu__ImportUpload c = JIESU__IMPORT_UPLOAD__INIT;
    c.upload_id = (char *)id;
    c.offset = offset;
    c.data.data = (uint8_t *)data;
    c.data.len = strlen(data);
    c.last = last;
    c.file_name = "工单.csv";
    c.size = size;
    f->code = 0;
    f->err[0] = '\0';
    return intake_uploads_put(f->up, owner, &c, &f->st, &f->code, f->err, sizeof f->err);
}

/* The file at path holds want (a line of it). */
static void assert_file_holds(const char *path, const char *want)
{
    char got[64] = "";
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    assert_non_null(fgets(got, sizeof got, fp));
    fclose(fp);
    assert_string_equal(got, want);
}

static void test_a_file_in_order_and_a_chunk_again(void **state)
{
    fixture *f = *state;
    char id[33];
    struct stat st;
    assert_int_equal(stat(f->dir, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    assert_int_equal(put(f, "clerk", "", 0, "a", 0, 3), 0);
    snprintf(id, sizeof id, "%s", f->st.id);
    assert_int_equal(f->st.received, 1);
    assert_int_equal(put(f, "clerk", id, 1, "b", 0, 3), 0);
    assert_int_equal(put(f, "clerk", id, 2, "c", 1, 3), 1);
    assert_string_equal(f->st.file_name, "工单.csv");
    assert_string_equal(f->st.sha256, ABC_SHA256);
    assert_file_holds(f->st.path, "abc");
    assert_int_equal(stat(f->st.path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);          /* callers' phone numbers */
    char path[sizeof f->st.path];
    snprintf(path, sizeof path, "%s", f->st.path);
    intake_uploads_done(f->up, id);
    assert_int_not_equal(access(path, F_OK), 0);

    /* a chunk sent again after a lost reply: the same bytes, no hash (the import hashes the file) */
    assert_int_equal(put(f, "clerk", "", 0, "ab", 0, 3), 0);
    snprintf(id, sizeof id, "%s", f->st.id);
    assert_int_equal(put(f, "clerk", id, 0, "ab", 0, 3), 0);
    assert_int_equal(f->st.received, 2);
    assert_int_equal(put(f, "clerk", id, 2, "c", 1, 3), 1);
    assert_string_equal(f->st.sha256, "");
    intake_uploads_done(f->up, id);
}

static void test_what_is_refused(void **state)
{
    fixture *f = *state;
    char id[33];
    assert_int_equal(put(f, "clerk", "", 0, "ab", 0, 4), 0);
    snprintf(id, sizeof id, "%s", f->st.id);

    assert_int_equal(put(f, "clerk", id, 3, "x", 0, 4), -1);           /* a hole */
    assert_int_equal(f->code, 409);
    assert_string_equal(f->err, "这一块从第 3 字节开始，工单受理服务只收到 2 字节：请从那里接着发");
    assert_int_equal(put(f, "clerk", id, INT64_MAX, "x", 0, 4), -1);   /* no overflow past it */
    assert_int_equal(f->code, 409);
    assert_int_equal(put(f, "clerk", id, -1, "x", 0, 4), -1);
    assert_int_equal(f->code, 409);
    assert_int_equal(put(f, "h370212001", id, 2, "c", 0, 4), -1);      /* another user's upload */
    assert_int_equal(f->code, 403);
    assert_int_equal(put(f, "clerk", "nosuchupload", 0, "a", 0, 4), -1);
    assert_int_equal(f->code, UPLOAD_GONE);
    assert_non_null(strstr(f->err, "请重新发送文件"));
    char big[MAX_BYTES + 2];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(put(f, "clerk", id, 2, big, 0, 4), -1);           /* past intake.max_upload_bytes */
    assert_int_equal(f->code, UPLOAD_TOO_BIG);
    assert_int_equal(put(f, "clerk", "", 0, "a", 0, MAX_BYTES + 1), -1);   /* declared too large */
    assert_int_equal(f->code, UPLOAD_TOO_BIG);

    /* the last chunk leaves the file short of (or past) its size: refused, the upload forgotten */
    assert_int_equal(put(f, "clerk", id, 2, "c", 1, 4), -1);
    assert_int_equal(f->code, 409);
    assert_string_equal(f->err, "文件应有 4 字节，工单受理服务收到了 3 字节（发送时文件变了？）：请等文件写完后重新导入");
    assert_int_equal(put(f, "clerk", id, 3, "d", 1, 4), -1);
    assert_int_equal(f->code, UPLOAD_GONE);
    assert_int_equal(put(f, "clerk", "", 0, "abcde", 1, 4), -1);
    assert_int_equal(f->code, 409);
}

static void test_a_file_of_unknown_size(void **state)
{
    fixture *f = *state;
    char id[33];
    assert_int_equal(put(f, "clerk", "", 0, "ab", 0, IMPORT_CLIENT_SIZE_UNKNOWN), 0);
    snprintf(id, sizeof id, "%s", f->st.id);
    assert_int_equal(put(f, "clerk", id, 2, "c", 1, IMPORT_CLIENT_SIZE_UNKNOWN), 1);
    assert_string_equal(f->st.sha256, ABC_SHA256);
    assert_file_holds(f->st.path, "abc");
    intake_uploads_done(f->up, id);

    /* held to intake.max_upload_bytes as it comes */
    char half[MAX_BYTES / 2 + 1];
    memset(half, 'x', sizeof half - 1);
    half[sizeof half - 1] = '\0';
    assert_int_equal(put(f, "clerk", "", 0, half, 0, IMPORT_CLIENT_SIZE_UNKNOWN), 0);
    snprintf(id, sizeof id, "%s", f->st.id);
    assert_int_equal(put(f, "clerk", id, MAX_BYTES / 2, half, 0, IMPORT_CLIENT_SIZE_UNKNOWN), 0);
    assert_int_equal(put(f, "clerk", id, MAX_BYTES, "x", 1, IMPORT_CLIENT_SIZE_UNKNOWN), -1);
    assert_int_equal(f->code, UPLOAD_TOO_BIG);
    assert_int_equal(put(f, "clerk", "", 0, "a", 0, -2), -1);         /* no size is less than unknown */
    assert_int_equal(f->code, UPLOAD_TOO_BIG);
}

/* Writes text to file name of dir, 0600 (an upload's file as intake leaves it). */
static void plant(const char *dir, const char *name, const char *text)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

static int present(const char *dir, const char *name)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return access(path, F_OK) == 0;
}

#define LEFT_BEHIND "upload-0123456789abcdef0123456789abcdef"
#define JUST_MADE "upload-fedcba9876543210fedcba9876543210"

/* A second intake starting on the same spool directory removes the file of
 * an upload an intake killed mid-import left (no process holds it), and
 * leaves a running upload's, an empty one just made (another intake's, not
 * locked yet) and what is not an upload's. The left file stayed for good. */
static void test_a_file_left_by_an_import_cut_off_is_removed(void **state)
{
    fixture *f = *state;
    char id[33], live[sizeof f->st.path];
    assert_int_equal(put(f, "clerk", "", 0, "ab", 0, 3), 0);
    snprintf(id, sizeof id, "%s", f->st.id);
    snprintf(live, sizeof live, "%s/upload-%s", f->dir, id);
    plant(f->dir, LEFT_BEHIND, "张三,13812345678\n");
    plant(f->dir, JUST_MADE, "");
    plant(f->dir, "notes.txt", "x");
    intake_uploads *other = intake_uploads_new(f->dir, MAX_BYTES, f->err, sizeof f->err);
    assert_non_null(other);
    intake_uploads_destroy(&other);
    assert_false(present(f->dir, LEFT_BEHIND));
    assert_int_equal(access(live, F_OK), 0);
    assert_true(present(f->dir, JUST_MADE));
    assert_true(present(f->dir, "notes.txt"));
    assert_int_equal(put(f, "clerk", id, 2, "c", 1, 3), 1);      /* the running upload goes on */
    assert_file_holds(f->st.path, "abc");
    intake_uploads_done(f->up, id);
    char path[128];
    snprintf(path, sizeof path, "%s/" JUST_MADE, f->dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/notes.txt", f->dir);
    unlink(path);
}

/* A file the import cannot read again to hash it (a directory here) is
 * said in the clerk's words, what to do, the system's reason beside. */
static void test_a_hash_that_fails_said_in_chinese(void **state)
{
    (void)state;
    char sha[65], why[600] = "";
    int fd = open("/tmp", O_RDONLY | O_DIRECTORY);
    assert_true(fd >= 0);
    assert_int_equal(intake_sha_fd(fd, sha, why, sizeof why), -1);
    close(fd);
    assert_non_null(strstr(why, "读文件出错（"));
    assert_non_null(strstr(why, "）：请重新导入；一直如此请告知系统管理员"));
    assert_null(strstr(why, "read failed"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_a_file_in_order_and_a_chunk_again, setup, teardown),
        cmocka_unit_test_setup_teardown(test_what_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_file_of_unknown_size, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_file_left_by_an_import_cut_off_is_removed, setup, teardown),
        cmocka_unit_test(test_a_hash_that_fails_said_in_chinese),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
