/* test_route_geo.c — district boundaries (data/geo) and what coordinates do
 * to a routing decision: a road that crosses a district boundary (海口路 runs
 * from 市南区 into 崂山区) is ambiguous by name alone, and the complaint's
 * coordinates decide. No database: the places are built by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "route_decide.h"
#include "route_geo.h"

#define LAOSHAN_LON 120.4689     /* 崂山区政府, GCJ-02 */
#define LAOSHAN_LAT 36.1072
#define SHINAN_LON  120.3847     /* 五四广场 */
#define SHINAN_LAT  36.0622

static void test_districts_from_boundaries(void **state)
{
    (void)state;
    char err[256] = "";
    route_geo *geo = route_geo_load_dir("data/geo", err, sizeof err);
    assert_non_null(geo);
    assert_int_equal(route_geo_count(geo), 10 + 11 + 4);     /* Qingdao, Dezhou, Panjin */
    assert_string_equal(route_geo_district(geo, LAOSHAN_LON, LAOSHAN_LAT), "370212");
    assert_string_equal(route_geo_district(geo, SHINAN_LON, SHINAN_LAT), "370202");
    assert_null(route_geo_district(geo, 121.2, 35.8));         /* the Yellow Sea */
    assert_string_equal(route_geo_name(geo, "370212"), "崂山区");
    assert_string_equal(route_geo_name(geo, "999999"), "999999");   /* no boundary: the code */
    assert_int_equal(route_geo_add_json(geo, "{\"type\":\"Feature\",\"adcode\":1,\"coordinates\":[[[1,", 47, err,
                                        sizeof err), -1);
    route_geo_destroy(&geo);
    assert_null(geo);
    geo = route_geo_load_dir("no/such/dir", err, sizeof err);   /* no boundaries: no district, no error */
    assert_non_null(geo);
    assert_null(route_geo_district(geo, LAOSHAN_LON, LAOSHAN_LAT));
    route_geo_destroy(&geo);
}

static void test_coordinates_decide_the_district(void **state)
{
    (void)state;
    char err[256] = "";
    route_places *places = route_places_new();
    assert_int_equal(route_places_add_street(places, "370212005", "金家岭街道", "金家岭"), 0);
    assert_int_equal(route_places_add_street(places, "370202014", "珠海路街道", "珠海路"), 0);
    assert_int_equal(route_places_add_gazetteer(places, "海口路", "370202014", "", 1, 99), 0);
    assert_int_equal(route_places_add_gazetteer(places, "海口路", "370212005", "", 100, 999), 0);
    assert_int_equal(route_places_build(places), 0);
    route_cat *cats = route_cat_new();
    assert_int_equal(route_cat_build(cats), 0);
    route_geo *geo = route_geo_load_dir("data/geo", err, sizeof err);
    route_decider d = {.places = places, .geo = geo, .cats = cats, .conduct = -1, .min_score = 0.6,
                       .default_accept_minutes = 120, .default_resolve_days = 3};
    route_decision out;
    route_input in = {.address = "海口路边上", .content = "路灯不亮"};
    route_decide(&d, &in, &out);
    assert_int_equal(out.owner, ROUTE_TO_MANUAL);              /* by name alone: two districts */
    in.has_coords = 1;
    in.lon = LAOSHAN_LON;
    in.lat = LAOSHAN_LAT;
    /* the point settles the district; a road's name without a house number still does not dispatch */
    route_decide(&d, &in, &out);
    assert_string_equal(out.place.street_code, "370212005");
    assert_string_equal(out.place.rule, "gazetteer");
    assert_non_null(strstr(out.reasons, "坐标 120.46890,36.10720 崂山区"));
    in.address = "海口路120号边上";
    route_decide(&d, &in, &out);
    assert_int_equal(out.owner, ROUTE_TO_STREET);
    assert_string_equal(out.owner_code, "370212005");
    route_places *shipped = route_places_new();               /* the same ranges, as shipped: approximate */
    assert_int_equal(route_places_add_street(shipped, "370212005", "金家岭街道", "金家岭"), 0);
    assert_int_equal(route_places_add_gazetteer_approx(shipped, "海口路", "370212005", "", 100, 999), 0);
    assert_int_equal(route_places_build(shipped), 0);
    route_decider ds = d;
    ds.places = shipped;
    route_decide(&ds, &in, &out);
    assert_int_equal(out.owner, ROUTE_TO_MANUAL);
    assert_non_null(strstr(out.reasons, "近似号段"));
    route_places_destroy(&shipped);
    in.address = "海口路边上";
    in.lon = SHINAN_LON;
    in.lat = SHINAN_LAT;
    route_decide(&d, &in, &out);
    assert_string_equal(out.place.street_code, "370202014");
    in.lon = 121.2;
    in.lat = 35.8;
    route_decide(&d, &in, &out);                                /* outside every boundary: names alone */
    assert_int_equal(out.owner, ROUTE_TO_MANUAL);
    assert_non_null(strstr(out.reasons, "在已加载的区界之外"));
    route_geo_destroy(&geo);
    route_cat_destroy(&cats);
    route_places_destroy(&places);
}

/* Adds text as a file holds it: exactly its bytes, no NUL after them (a
 * read past the end is AddressSanitizer's). */
static int add(route_geo *geo, const char *text, char *why, size_t whylen)
{
    size_t len = strlen(text);
    char *copy = malloc(len);
    memcpy(copy, text, len);
    int rc = route_geo_add_json(geo, copy, len, why, whylen);
    free(copy);
    return rc;
}

#define SQUARE "[[[[120,36],[121,36],[121,37],[120,37],[120,36]]]]"

static void test_boundaries_as_files_write_them(void **state)
{
    (void)state;
    char why[128] = "";
    route_geo *geo = route_geo_load_dir("no/such/dir", why, sizeof why);
    /* the adcode as a string; a feature that is no district (the country's
     * file) passed over; a name in GBK not shown (the code is) */
    assert_int_equal(add(geo, "{\"features\":[{\"type\":\"Feature\",\"properties\":{\"adcode\":\"100000_JD\","
                              "\"name\":\"\"},\"geometry\":{\"coordinates\":[[[100,10],[101,10]]]}},"
                              "{\"type\":\"Feature\",\"properties\":{\"adcode\":\"370212\",\"name\":\"\xc0\xcd\xc9\xbd\"},"
                              "\"geometry\":{\"coordinates\":" SQUARE "}}]}", why, sizeof why), 1);
    assert_int_equal(route_geo_count(geo), 1);
    assert_string_equal(route_geo_district(geo, 120.5, 36.5), "370212");
    assert_null(route_geo_district(geo, 100.5, 10.0));
    assert_string_equal(route_geo_name(geo, "370212"), "370212");
    /* what does not parse says where; a number ends where the text does */
    assert_int_equal(add(geo, "{\"type\":\"Feature\",\"adcode\":370202,\n\"coordinates\":[[[120,36],\n[121,", why,
                           sizeof why), -1);
    assert_string_equal(why, "line 3: a point is not [longitude, latitude] in numbers");
    assert_int_equal(add(geo, "{\"type\":\"Feature\",\"adcode\":370202,\"coordinates\":[[[120,36],[1e999,1]]]}", why,
                           sizeof why), -1);
    assert_string_equal(why, "line 1: a point is not [longitude, latitude] in numbers");
    assert_int_equal(add(geo, "{\"type\":\"Feature\",\"coordinates\":[[[1,2]]]},{\"type\":\"Feature\",\"adcode\":1}",
                           why, sizeof why), -1);
    assert_string_equal(why, "line 1: a feature without \"adcode\" before its \"coordinates\"");
    assert_int_equal(add(geo, "{\"type\":\"Feature\",\"adcode\":370202,\"coordinates\":[[[120,36]]", why,
                           sizeof why), -1);
    assert_string_equal(why, "line 1: the coordinates do not end");
    route_geo_destroy(&geo);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_districts_from_boundaries),
        cmocka_unit_test(test_coordinates_decide_the_district),
        cmocka_unit_test(test_boundaries_as_files_write_them),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
