/* test_route_history.c — places learned from settled orders as evidence in
 * the routing decision: placing an order nothing else places, agreeing with
 * a weak place, and lowering the score when it says otherwise. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "route_decide.h"

typedef struct {
    route_places  *places;
    route_cat     *cats;
    route_history *history;
    route_decider  d;
} world;

static int setup(void **state)
{
    static world w;
    w.places = route_places_new();
    assert_int_equal(route_places_add_street(w.places, "370212001", "中韩街道", "中韩"), 0);
    assert_int_equal(route_places_add_street(w.places, "370212005", "金家岭街道", "金家岭"), 0);
    assert_int_equal(route_places_add_gazetteer(w.places, "苗岭路", "370212005", "", -1, -1), 0);
    assert_int_equal(route_places_build(w.places), 0);
    w.cats = route_cat_new();
    assert_int_equal(route_cat_build(w.cats), 0);
    w.history = route_history_new();
    assert_int_equal(route_history_add(w.history, "海天花园 5号楼", "370212005", 3), 0);
    assert_int_equal(route_history_add(w.history, "某公司门口", "370212001", 1), 0);
    assert_int_equal(route_history_add(w.history, "苗岭路", "370212005", 2), 0);
    assert_int_equal(route_history_add(w.history, "中韩街道某小区", "370212005", 4), 0);
    assert_int_equal(route_history_add(w.history, "两边小区", "370212005", 2), 0);
    assert_int_equal(route_history_add(w.history, "两边小区", "370212001", 1), 0);
    assert_int_equal(route_history_add(w.history, "   ", "370212001", 1), 1);       /* no address: left out */
    assert_int_equal(route_history_build(w.history), 0);
    assert_int_equal(route_history_count(w.history), 6);
    w.d = (route_decider){.places = w.places, .cats = w.cats, .history = w.history, .conduct = -1,
                          .min_score = 0.6, .default_accept_minutes = 120, .default_resolve_days = 3};
    *state = &w;
    return 0;
}

static int teardown(void **state)
{
    world *w = *state;
    route_history_destroy(&w->history);
    assert_null(w->history);
    route_cat_destroy(&w->cats);
    route_places_destroy(&w->places);
    return 0;
}

static route_decision decide(world *w, const char *address, const route_exclude *ex)
{
    route_decision out;
    route_input in = {.address = address, .content = "路灯不亮", .exclude = ex};
    route_decide(&w->d, &in, &out);
    return out;
}

static void test_history_places_an_address(void **state)
{
    route_decision out = decide(*state, "海天花园5号楼", NULL);       /* whitespace does not matter */
    assert_int_equal(out.owner, ROUTE_TO_STREET);
    assert_string_equal(out.owner_code, "370212005");
    assert_string_equal(out.rule, "history");
    assert_non_null(strstr(out.reasons, "历史：该地址已办结 3 单，其中 3 单由 金家岭街道 办理"));
    out = decide(*state, "某公司门口", NULL);                          /* one order is not enough */
    assert_int_equal(out.owner, ROUTE_TO_MANUAL);
    const char *returned[] = {"370212005"};
    route_exclude ex = {.street_codes = returned, .n = 1};
    out = decide(*state, "海天花园5号楼", &ex);                         /* never back to a street that returned it */
    assert_int_equal(out.owner, ROUTE_TO_MANUAL);
}

static void test_history_agreeing_lifts_a_road_alone(void **state)
{
    route_decision out = decide(*state, "苗岭路", NULL);
    assert_int_equal(out.owner, ROUTE_TO_STREET);
    assert_string_equal(out.owner_code, "370212005");
    assert_true(out.score > 0.84 && out.score < 0.86);
    assert_non_null(strstr(out.reasons, "与文字所指相同"));
}

static void test_history_against_the_words_lowers_the_score(void **state)
{
    route_decision out = decide(*state, "中韩街道某小区", NULL);
    assert_string_equal(out.place.street_code, "370212001");        /* the words still decide the street */
    assert_true(out.score > 0.69 && out.score < 0.71);
    assert_non_null(strstr(out.reasons, "与文字所指不同"));
    out = decide(*state, "两边小区", NULL);                            /* a divided history places nothing */
    assert_int_equal(out.owner, ROUTE_TO_MANUAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_history_places_an_address),
        cmocka_unit_test(test_history_agreeing_lifts_a_road_alone),
        cmocka_unit_test(test_history_against_the_words_lowers_the_score),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
