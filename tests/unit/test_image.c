/* test_image.c — photos told by their first bytes: JPEG and PNG known, a
 * GIF, a PNG cut short, text named .jpg and an empty file not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <string.h>

#include "image.h"

static void test_magic(void **state)
{
    (void)state;
    static const unsigned char jpeg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F'};
    static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13};
    assert_string_equal(image_mime(jpeg, sizeof jpeg), "image/jpeg");
    assert_string_equal(image_mime(png, sizeof png), "image/png");
    assert_null(image_mime(png, 7));                    /* cut before its signature ends */
    assert_null(image_mime("GIF89a", 6));
    assert_null(image_mime("not an image at all", 19));
    assert_null(image_mime("", 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_magic)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
