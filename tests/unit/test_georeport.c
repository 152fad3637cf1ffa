/* test_georeport.c — one Open311 answer spelled as JSON and as XML, and the
 * XML text of what a complaint may hold (< & " ' CR, control characters). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "georeport.h"

/* The answer of two requests, the first with a null, in fmt. */
static char *written(georeport_format fmt)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    georeport w;
    georeport_begin(&w, f, fmt, "service_requests", "request");
    georeport_item(&w);
    georeport_text(&w, "service_request_id", "W1");
    georeport_literal(&w, "account_id", NULL);
    georeport_item(&w);
    georeport_text(&w, "description", "a<b & \"c\"");
    georeport_literal(&w, "lat", "36.123");
    georeport_end(&w);
    fclose(f);
    return buf;
}

static void test_one_answer_two_spellings(void **state)
{
    (void)state;
    char *json = written(GEOREPORT_JSON), *xml = written(GEOREPORT_XML);
    assert_string_equal(json, "[{\"service_request_id\":\"W1\",\"account_id\":null},"
                              "{\"description\":\"a<b & \\\"c\\\"\",\"lat\":36.123}]\n");
    assert_string_equal(xml, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<service_requests>\n"
                             "<request><service_request_id>W1</service_request_id><account_id/></request>\n"
                             "<request><description>a&lt;b &amp; &quot;c&quot;</description><lat>36.123</lat>"
                             "</request>\n</service_requests>\n");
    free(json);
    free(xml);
}

static void test_empty_list(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    georeport w;
    georeport_begin(&w, f, GEOREPORT_XML, "services", "service");
    georeport_end(&w);
    georeport_begin(&w, f, GEOREPORT_JSON, "services", "service");
    georeport_end(&w);
    fclose(f);
    assert_string_equal(buf, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<services></services>\n[]\n");
    free(buf);
}

static void test_xml_text(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    /* markup, a CR a parser would read as LF, tab and LF kept, control
     * characters and U+FFFF that XML 1.0 cannot hold, Chinese as itself */
    georeport_xml_text(f, "<a href='x'>&amp;</a>\r\n\t\x01\x1f\x7f|\xef\xbf\xbf|\xef\xbf\xbd|路");
    fclose(f);
    assert_string_equal(buf, "&lt;a href=&apos;x&apos;&gt;&amp;amp;&lt;/a&gt;&#13;\n\t\xef\xbf\xbd\xef\xbf\xbd\x7f|"
                             "\xef\xbf\xbd|\xef\xbf\xbd|路");
    free(buf);
}

static void test_suffix(void **state)
{
    (void)state;
    georeport_format fmt;
    assert_int_equal(georeport_suffix("/requests/W1.xml", &fmt), 4);
    assert_int_equal(fmt, GEOREPORT_XML);
    assert_int_equal(georeport_suffix("/requests/W1.json", &fmt), 5);
    assert_int_equal(fmt, GEOREPORT_JSON);
    assert_int_equal(georeport_suffix("/requests/W1", &fmt), 0);
    assert_int_equal(fmt, GEOREPORT_JSON);
    assert_int_equal(georeport_format_of("/services.xml"), GEOREPORT_XML);
    assert_string_equal(georeport_content_type(GEOREPORT_XML), "text/xml; charset=utf-8");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_answer_two_spellings),
        cmocka_unit_test(test_empty_list),
        cmocka_unit_test(test_xml_text),
        cmocka_unit_test(test_suffix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
