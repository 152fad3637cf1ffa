/* test_route_ac.c — the Aho–Corasick matcher against a naive search. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "route_ac.h"

typedef struct {
    int32_t value[256];
    size_t  start[256], end[256];
    size_t  n;
    size_t  stop_after;     /* 0 = never stop */
} hits;

static int collect(void *ctx, int32_t value, size_t start, size_t end)
{
    hits *h = ctx;
    if (h->n < 256) {
        h->value[h->n] = value;
        h->start[h->n] = start;
        h->end[h->n] = end;
    }
    h->n++;
    return h->stop_after && h->n >= h->stop_after;
}

static void test_chinese_names(void **state)
{
    (void)state;
    route_ac *ac = route_ac_new();
    const char *names[] = {"沙子口街道", "沙子口", "张村社区", "张村", "村社"};
    for (int i = 0; i < 5; i++)
        assert_int_equal(route_ac_add(ac, names[i], strlen(names[i]), i), 0);
    assert_int_equal(route_ac_build(ac), 0);
    assert_int_equal(route_ac_add(ac, "x", 1, 9), -1);     /* frozen after build */
    const char *text = "崂山区沙子口街道张村社区门口";
    hits h = {0};
    route_ac_scan(ac, text, strlen(text), collect, &h);
    /* 沙子口 and 沙子口街道, then 张村, 村社, 张村社区 */
    assert_int_equal(h.n, 5);
    assert_int_equal(h.value[0], 1);
    assert_int_equal(h.start[0], strlen("崂山区"));
    assert_int_equal(h.value[1], 0);
    assert_int_equal(h.end[1], strlen("崂山区沙子口街道"));
    assert_int_equal(route_ac_size(ac), 5);
    route_ac_destroy(&ac);
    assert_null(ac);
}

static void test_same_pattern_two_values(void **state)
{
    (void)state;
    route_ac *ac = route_ac_new();
    assert_int_equal(route_ac_add(ac, "中心村", strlen("中心村"), 1), 0);
    assert_int_equal(route_ac_add(ac, "中心村", strlen("中心村"), 2), 0);
    assert_int_equal(route_ac_build(ac), 0);
    hits h = {0};
    route_ac_scan(ac, "到中心村", strlen("到中心村"), collect, &h);
    assert_int_equal(h.n, 2);
    assert_int_equal(h.value[0] + h.value[1], 3);
    route_ac_destroy(&ac);
}

static void test_stop_early(void **state)
{
    (void)state;
    route_ac *ac = route_ac_new();
    assert_int_equal(route_ac_add(ac, "a", 1, 1), 0);
    assert_int_equal(route_ac_build(ac), 0);
    hits h = {.stop_after = 2};
    route_ac_scan(ac, "aaaaa", 5, collect, &h);
    assert_int_equal(h.n, 2);
    route_ac_destroy(&ac);
}

/* Random small-alphabet patterns and texts: every occurrence found, nothing else. */
static void test_against_naive(void **state)
{
    (void)state;
    srand(42);
    for (int round = 0; round < 50; round++) {
        route_ac *ac = route_ac_new();
        char pats[20][6];
        size_t plen[20];
        for (int p = 0; p < 20; p++) {
            plen[p] = 1 + (size_t)(rand() % 5);
            for (size_t i = 0; i < plen[p]; i++)
                pats[p][i] = (char)('a' + rand() % 3);
            assert_int_equal(route_ac_add(ac, pats[p], plen[p], p), 0);
        }
        assert_int_equal(route_ac_build(ac), 0);
        char text[40];
        for (size_t i = 0; i < sizeof text; i++)
            text[i] = (char)('a' + rand() % 3);
        size_t expected = 0;
        for (int p = 0; p < 20; p++)
            for (size_t i = 0; i + plen[p] <= sizeof text; i++)
                expected += memcmp(text + i, pats[p], plen[p]) == 0;
        hits h = {0};
        route_ac_scan(ac, text, sizeof text, collect, &h);
        assert_int_equal(h.n, expected);
        for (size_t k = 0; k < h.n && k < 256; k++) {
            int p = h.value[k];
            assert_int_equal(h.end[k] - h.start[k], plen[p]);
            assert_memory_equal(text + h.start[k], pats[p], plen[p]);
        }
        route_ac_destroy(&ac);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chinese_names),
        cmocka_unit_test(test_same_pattern_two_values),
        cmocka_unit_test(test_stop_early),
        cmocka_unit_test(test_against_naive),
    };
    return cmocka_run_group_tests_name("route_ac", tests, NULL, NULL);
}
