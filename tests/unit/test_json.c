/* test_json.c — the JSON string escaping rule every JSON writer uses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "json.h"

static void test_escapes(void **state)
{
    (void)state;
    char out[JSON_ESCAPE_MAX];
    assert_string_equal(json_escape_byte('a', out), "a");
    assert_string_equal(json_escape_byte('"', out), "\\\"");
    assert_string_equal(json_escape_byte('\\', out), "\\\\");
    assert_string_equal(json_escape_byte('\n', out), "\\u000a");
    assert_string_equal(json_escape_byte(0x1f, out), "\\u001f");
    assert_string_equal(json_escape_byte(0xe6, out), "\xe6");     /* a UTF-8 byte stays itself */
    assert_string_equal(json_escape_byte('/', out), "/");
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_escapes)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
