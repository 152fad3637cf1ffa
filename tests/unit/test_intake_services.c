/* test_intake_services.c — the Open311 services list from the categories
 * table of the migrated test database (JIESU_TEST_PG), and the JSON writing
 * it relies on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "intake_json.h"
#include "intake_services.h"
#include "test_servers.h"

static long count_of(PGconn *pg, const char *sql)
{
    char err[512];
    PGresult *res = db_query(pg, "count", sql, 0, NULL, err, sizeof err);
    if (!res)
        fail_msg("%s", err);
    long n = strtol(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    return n;
}

/* The list as GET /services.json or /services.xml answers it (malloc'd). */
static char *written(const intake_services *s, georeport_format fmt)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    georeport w;
    georeport_begin(&w, f, fmt, "services", "service");
    intake_services_write(s, &w);
    georeport_end(&w);
    fclose(f);
    return buf;
}

static void test_categories_table(void **state)
{
    (void)state;
    char err[512] = "";
    PGconn *pg = test_pg();
    intake_services *s = intake_services_load(pg, err, sizeof err);
    if (!s)
        fail_msg("%s", err);
    assert_true(intake_services_count(s) > 0);
    assert_int_equal(intake_services_count(s), count_of(pg, "SELECT count(*) FROM categories"));
    char category[256];
    assert_int_equal(intake_services_category(pg, "env.garbage", category, sizeof category, err, sizeof err), 1);
    assert_string_equal(category, "环境卫生-垃圾清运");  /* its alias */
    assert_int_equal(intake_services_category(pg, "no.such", category, sizeof category, err, sizeof err), 0);
    char *json = written(s, GEOREPORT_JSON), *xml = written(s, GEOREPORT_XML);
    assert_int_equal(json[0], '[');
    assert_non_null(strstr(json, "{\"service_code\":\"env.garbage\",\"service_name\":\"垃圾清运\","
                                 "\"description\":\"环境卫生-垃圾清运\",\"metadata\":false,"
                                 "\"type\":\"realtime\",\"keywords\":\"\",\"group\":\"城乡建设\"}"));
    assert_non_null(strstr(xml, "<service><service_code>env.garbage</service_code><service_name>垃圾清运"
                                "</service_name><description>环境卫生-垃圾清运</description><metadata>false"
                                "</metadata><type>realtime</type><keywords></keywords><group>城乡建设</group>"
                                "</service>"));
    free(json);
    free(xml);
    intake_services_destroy(&s);
    assert_null(s);
    PQfinish(pg);
}

static void test_category_without_alias(void **state)
{
    (void)state;
    char category[256], err[512] = "";
    PGconn *pg = test_pg();
    assert_int_equal(db_begin(pg, err, sizeof err), 0);
    assert_int_equal(db_exec(pg, "INSERT INTO categories (code, parent_code, name, accept_minutes, resolve_days)"
                                 " VALUES ('env.unit_test', 'env', '测试子类', 60, 1)", err, sizeof err), 0);
    assert_int_equal(intake_services_category(pg, "env.unit_test", category, sizeof category, err, sizeof err), 1);
    assert_string_equal(category, "测试子类");   /* its name */
    db_rollback(pg);
    PQfinish(pg);
}

static void test_database_gone(void **state)
{
    (void)state;
    char err[512] = "";
    PGconn *pg = test_pg();
    PQfinish(pg);
    pg = PQconnectdb("host=127.0.0.1 port=1 connect_timeout=1");
    assert_null(intake_services_load(pg, err, sizeof err));
    const char *said = "the categories could not be read: open311 services failed: ";
    assert_non_null(strstr(err, said));
    assert_true(strlen(err) > strlen(said));        /* and libpq's reason after it */
    char category[256];
    assert_int_equal(intake_services_category(pg, "env.garbage", category, sizeof category, err, sizeof err), -1);
    assert_non_null(strstr(err, "open311_service failed: "));
    PQfinish(pg);
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
        cmocka_unit_test(test_categories_table),
        cmocka_unit_test(test_category_without_alias),
        cmocka_unit_test(test_database_gone),
        cmocka_unit_test(test_json_escapes_and_measures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
