/* test_route_decide.c — the decision on a letter that reports a problem and
 * accuses an office (split): the problem part, without the accusing clause,
 * is what the text model classifies, and the n-grams it shows as evidence
 * are whole characters of it; and on a place whose name two districts have.
 * No database: the tables are built by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "route_decide.h"
#include "text.h"

#define BITS 10

typedef struct {
    route_places  *places;
    route_cat     *cats;
    route_conduct *words;
    route_model   *model;
    int            model_cat[2];
    route_decider  d;
} world;

/* A model sure of class 0 (城乡建设) by every n-gram except those of `quiet`: the evidence it
 * shows is then the n-grams of the rest. */
static route_model *model_loud_except(const char *quiet)
{
    static const char *const classes[] = {"urban", "conduct"};
    route_model_feats f = {0};
    route_model *m = route_model_new(BITS, classes, 2);
    assert_non_null(m);
    assert_int_equal(route_model_featurize(quiet, strlen(quiet), BITS, &f), 0);
    for (uint32_t b = 0; b < (1u << BITS); b++) {
        float *row = route_model_row(m, b);
        row[0] = 1.0f;      /* idf */
        row[1] = 5.0f;
    }
    for (size_t i = 0; i < f.n; i++)
        route_model_row(m, f.bucket[i])[1] = 0.0f;
    route_model_feats_free(&f);
    route_model_set_temperature(m, 1.0);
    return m;
}

static int setup(void **state)
{
    static world w;
    w.places = route_places_new();
    assert_int_equal(route_places_add_street(w.places, "370212001", "中韩街道", "中韩"), 0);
    assert_int_equal(route_places_build(w.places), 0);
    w.cats = route_cat_new();
    assert_int_equal(route_cat_add(w.cats, "urban", "城乡建设", NULL, "zhujian", 120, 5), 0);
    int conduct = route_cat_add(w.cats, "conduct", "纪检监察", NULL, "", 60, 5);
    assert_int_equal(conduct, 1);
    assert_int_equal(route_cat_add_term(w.cats, conduct, "不作为"), 0);
    assert_int_equal(route_cat_build(w.cats), 0);
    w.words = route_conduct_new();
    assert_int_equal(route_conduct_add_term(w.words, "不作为"), 0);
    assert_int_equal(route_conduct_build(w.words), 0);
    w.model = model_loud_except("楼顶漏水");
    w.model_cat[0] = 0;
    w.model_cat[1] = conduct;
    w.d = (route_decider){.places = w.places, .cats = w.cats, .conduct_words = w.words, .model = w.model,
                          .model_cat = w.model_cat, .model_version = 1, .conduct = conduct, .min_score = 0.6,
                          .min_prob = 0.5, .default_accept_minutes = 120, .default_resolve_days = 5};
    *state = &w;
    return 0;
}

static int teardown(void **state)
{
    world *w = *state;
    route_model_destroy(&w->model);
    route_conduct_destroy(&w->words);
    route_cat_destroy(&w->cats);
    route_places_destroy(&w->places);
    assert_null(w->places);
    return 0;
}

/* The problem part ends in a whole character: the evidence next to its end ("水。") is shown
 * whole, and the reasons are UTF-8 (PostgreSQL stores nothing else). */
static void test_split_problem_ends_whole(void **state)
{
    world *w = *state;
    route_decision out;
    route_input in = {.address = "中韩街道海景花园", .content = "楼顶漏水。社区居委会不作为"};
    route_decide(&w->d, &in, &out);
    assert_int_equal(out.split, 1);
    assert_int_equal(out.owner, ROUTE_TO_MANUAL);          /* the accused street would own the problem */
    assert_true(text_utf8_valid(out.cat.reason, strlen(out.cat.reason), NULL));
    assert_true(text_utf8_valid(out.reasons, strlen(out.reasons), NULL));
    assert_non_null(strstr(out.cat.reason, "（主要依据字串：水。）"));
}

/* Two districts that each have a 市中街道: named alone, it is neither's — the order goes to a dispatcher
 * saying so, and a conduct complaint about its office goes to discipline inspection of no district in
 * particular, both offices accused. Before, both went to 乐陵市's, the first loaded. */
static void test_same_name_is_neither(void **state)
{
    world *w = *state;
    route_places *p = route_places_new();
    assert_int_equal(route_places_add_district(p, "371481", "乐陵市"), 0);
    assert_int_equal(route_places_add_district(p, "371482", "禹城市"), 0);
    assert_int_equal(route_places_add_street(p, "371481001", "市中街道", "市中"), 0);
    assert_int_equal(route_places_add_street(p, "371482001", "市中街道", "市中"), 0);
    assert_int_equal(route_places_build(p), 0);
    route_decider d = w->d;
    d.places = p;
    d.model = NULL;
    route_decision out;
    route_input in = {.address = "市中街道菜市场", .content = "楼顶漏水"};
    route_decide(&d, &in, &out);
    assert_int_equal(out.owner, ROUTE_TO_MANUAL);
    assert_string_equal(out.place.street_code, "");
    assert_non_null(strstr(out.reasons, "地址中的“市中街道”在乐陵市、禹城市各有一个，无法判断是哪一个：转人工派单"));
    in = (route_input){.content = "市中街道的街道办不作为"};
    route_decide(&d, &in, &out);
    assert_int_equal(out.owner, ROUTE_TO_DISCIPLINE);
    assert_string_equal(out.owner_code, "discipline");
    assert_int_equal(out.naccused, 2);
    assert_string_equal(out.accused[0], "371481001");
    assert_string_equal(out.accused[1], "371482001");
    assert_non_null(strstr(out.reasons, "被投诉单位，不交其办理：市中街道（乐陵市）、市中街道（禹城市）"));
    in.address = "禹城市";
    route_decide(&d, &in, &out);
    assert_string_equal(out.owner_code, "371482.discipline");
    assert_int_equal(out.naccused, 1);
    assert_string_equal(out.accused[0], "371482001");
    route_places_destroy(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_problem_ends_whole),
        cmocka_unit_test(test_same_name_is_neither),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
