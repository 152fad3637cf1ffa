/* test_intake_services.c — the Open311 services list from the category tree
 * (the bundled data/categories/categories.csv and broken copies of it), and
 * the JSON writing it relies on. Run from the repository root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "intake_json.h"
#include "intake_services.h"

static void write_file(char *path, size_t cap, const char *name, const char *text)
{
    snprintf(path, cap, "/tmp/jiesu-services-%d-%s", (int)getpid(), name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_bundled_tree(void **state)
{
    (void)state;
    char err[512] = "";
    intake_services *s = intake_services_load("data/categories/categories.csv", err, sizeof err);
    if (!s)
        fail_msg("%s", err);
    assert_int_equal(intake_services_count(s), 18);
    assert_string_equal(intake_services_category(s, "env.garbage"), "环境卫生-垃圾清运");
    assert_string_equal(intake_services_category(s, "env"), "环境卫生");
    assert_null(intake_services_category(s, "no.such"));
    assert_null(intake_services_category(s, NULL));
    const char *json = intake_services_json(s);
    assert_int_equal(json[0], '[');
    assert_int_equal(json[strlen(json) - 1], ']');
    assert_non_null(strstr(json, "{\"service_code\":\"env.garbage\",\"service_name\":\"垃圾清运\","
                                 "\"description\":\"环境卫生-垃圾清运\",\"metadata\":false,"
                                 "\"type\":\"realtime\",\"keywords\":\"\",\"group\":\"环境卫生\"}"));
    intake_services_destroy(&s);
    assert_null(s);
}

static void expect_error(const char *name, const char *text, const char *reason)
{
    char path[256], err[512] = "";
    write_file(path, sizeof path, name, text);
    assert_null(intake_services_load(path, err, sizeof err));
    if (!strstr(err, path) || !strstr(err, reason))
        fail_msg("expected '%s' and the path in '%s'", reason, err);
    unlink(path);
}

static void test_broken_trees(void **state)
{
    (void)state;
    expect_error("noname.csv", "code,parent\nenv,\n", "no column 'name'");
    expect_error("orphan.csv", "code,parent,name\nenv.x,env,子类\n", "row 2");
    expect_error("twice.csv", "code,parent,name\nenv,,环境\nenv,,又一个\n", "row 3");
    expect_error("empty.csv", "", "empty file");
    char err[512] = "";
    assert_null(intake_services_load("/nonexistent/categories.csv", err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/categories.csv: No such file"));
}

static void test_json_escapes_and_measures(void **state)
{
    (void)state;
    const char s[] = "a\"b\\c\n\x01中";
    size_t need = 0;
    intake_json_string(NULL, 0, &need, s, strlen(s));
    char out[64];
    size_t n = 0;
    intake_json_string(out, sizeof out, &n, s, strlen(s));
    intake_json_end(out, sizeof out, n);
    assert_int_equal(n, need);
    assert_string_equal(out, "\"a\\\"b\\\\c\\u000a\\u0001中\"");
    char small[5];
    n = 0;
    intake_json_raw(small, sizeof small, &n, "abcdefgh");
    intake_json_end(small, sizeof small, n);
    assert_int_equal(n, 8);
    assert_string_equal(small, "abcd");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bundled_tree),
        cmocka_unit_test(test_broken_trees),
        cmocka_unit_test(test_json_escapes_and_measures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
