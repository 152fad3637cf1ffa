/* test_photos.c — the photos a resolve may carry, as the assignment service
 * checks them before anything is written: JPEG and PNG of the right kind and
 * size pass; a wrong kind, an empty one, one too large, one that is not an
 * image by its first bytes, one with an overlong name and one whose name is
 * not UTF-8 (PostgreSQL stores the name with the photo) are refused, saying
 * which photo and why in Chinese; so are more photos than one resolve may
 * carry, saying the limit and how many to leave out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "photos.h"

static const unsigned char JPEG[] = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0, 1};
static const unsigned char PNG[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13};

static Jiesu__Photo photo(const char *kind, const char *name, const void *data, size_t len)
{
    Jiesu__Photo p = JIESU__PHOTO__INIT;
    p.kind = (char *)kind;
    p.name = (char *)name;
    p.data.data = (uint8_t *)data;
    p.data.len = len;
    return p;
}

/* photos_check of the two photos a and b, max 100 bytes, 9 photos; err filled. */
static int check(Jiesu__Photo a, Jiesu__Photo b, char *err, size_t errlen)
{
    Jiesu__Photo *list[] = {&a, &b};
    photos_set set = {.photos = list, .n = 2, .by = "zhong"};
    err[0] = '\0';
    return photos_check(&set, 100, 9, err, errlen);
}

static void test_good_photos_pass(void **state)
{
    (void)state;
    char err[512];
    assert_int_equal(check(photo("before", "a.jpg", JPEG, sizeof JPEG), photo("after", "b.png", PNG, sizeof PNG),
                           err, sizeof err), 0);
    assert_string_equal(err, "");
}

static void test_each_refusal_says_which_and_why(void **state)
{
    (void)state;
    char err[512], name[260], big[101] = {0};
    memset(name, 'n', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    memcpy(big, PNG, sizeof PNG);
    Jiesu__Photo good = photo("before", "a.jpg", JPEG, sizeof JPEG);
    const struct {
        const char *kind, *name;
        const void *data;
        size_t      len;
        const char *want;
    } CASES[] = {
        {"during", "c.jpg", JPEG, sizeof JPEG, "第 2 张照片“c.jpg”（12 字节）不是整改前（before）或整改后（after）照片"},
        {"after", "c.jpg", JPEG, 0, "第 2 张照片“c.jpg”（0 字节）是空的"},
        {"after", "c.png", big, sizeof big, "第 2 张照片“c.png”（101 字节）太大；每张最多 100 字节"},
        {"after", "c.jpg", "GIF89a", 6, "第 2 张照片“c.jpg”（6 字节）不是 JPEG 或 PNG 图片"},
        {"after", name, JPEG, sizeof JPEG, "的文件名有 259 个字，最多 200 个"},
        {"after", "\xd5\xfb\xb8\xc4.jpg", JPEG, sizeof JPEG, "的文件名不是 UTF-8 文字"},     /* 整改 in GBK */
    };
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        assert_int_equal(check(good, photo(CASES[i].kind, CASES[i].name, CASES[i].data, CASES[i].len), err,
                               sizeof err), -1);
        if (!strstr(err, CASES[i].want))
            fail_msg("case %zu: '%s' does not say '%s'", i, err, CASES[i].want);
    }
    char wide[4 * 200 + 1] = "";
    for (int i = 0; i < 200; i++)
        strcat(wide, "国");                  /* 200 characters, 600 bytes: a name of the most characters */
    assert_int_equal(check(good, photo("after", wide, JPEG, sizeof JPEG), err, sizeof err), 0);
}

/* Nine photos pass; ten are refused whole, before any is looked at. */
static void test_more_than_the_limit_refused(void **state)
{
    (void)state;
    char err[512] = "";
    Jiesu__Photo p = photo("after", "a.png", PNG, sizeof PNG), *list[10];
    for (size_t i = 0; i < 10; i++)
        list[i] = &p;
    photos_set set = {.photos = list, .n = 9, .by = "zhong"};
    assert_int_equal(photos_check(&set, 100, 9, err, sizeof err), 0);
    set.n = 10;
    assert_int_equal(photos_check(&set, 100, 9, err, sizeof err), -1);
    assert_string_equal(err, "一次办结最多附 9 张照片，这次附了 10 张，没有办结：请只留下最能说明整改前后情况的 9 张"
                             "（去掉 1 张）再办结");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_photos_pass),
        cmocka_unit_test(test_each_refusal_says_which_and_why),
        cmocka_unit_test(test_more_than_the_limit_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
