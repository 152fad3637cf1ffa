/* test_route_geo.c — district boundaries (data/geo) and what coordinates do
 * to a routing decision: a road that crosses a district boundary (海口路 runs
 * from 市南区 into 崂山区) is ambiguous by name alone, and the complaint's
 * coordinates decide. No database: the places are built by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
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
    assert_int_equal(route_geo_add_json(geo, "{\"type\":\"Feature\",\"adcode\":1,\"coordinates\":[[[1,", 47), -1);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_districts_from_boundaries),
        cmocka_unit_test(test_coordinates_decide_the_district),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
