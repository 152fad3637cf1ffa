/* test_route.c — finding the street (and community) of a complaint, with the
 * real streets and communities of 崂山区 loaded from PostgreSQL.
 *
 * Needs JIESU_TEST_PG (a migrated database); the regions are inserted
 * idempotently by fixture_laoshan.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fixture_laoshan.h"
#include "route_places.h"
#include "text.h"

#define ZHONGHAN   "370212001"
#define SHAZIKOU   "370212002"
#define WANGGEZHUANG "370212003"
#define BEIZHAI    "370212004"
#define JINJIALING "370212005"

static int setup(void **state)
{
    char err[256];
    PGconn *pg = fixture_pg();
    fixture_seed_laoshan(pg);
    route_places *places = route_places_load(pg, err, sizeof err);
    PQfinish(pg);
    if (!places)
        fail_msg("%s", err);
    *state = places;
    return 0;
}

static int teardown(void **state)
{
    route_places *places = *state;
    route_places_destroy(&places);
    assert_null(places);
    return 0;
}

static route_place_result match(void **state, const char *address, const char *content)
{
    route_place_result r;
    route_places_match(*state, address, content, &r);
    assert_true(text_utf8_valid(r.reason, strlen(r.reason), NULL));
    return r;
}

static void test_loaded(void **state)
{
    /* 5 streets and 161 communities in the NBS list for 崂山区 (more if other districts are seeded) */
    assert_true(route_places_count(*state) >= 5 + 161);
}

static void test_street_full_name(void **state)
{
    route_place_result r = match(state, "青岛市崂山区沙子口街道南九水路12号", "路灯不亮");
    assert_string_equal(r.street_code, SHAZIKOU);
    assert_string_equal(r.street_name, "沙子口街道");
    assert_string_equal(r.community_code, "");
    assert_string_equal(r.rule, "street");
    assert_true(r.score == 1.0);
    assert_string_equal(r.reason, "地址中匹配到街道 沙子口街道");
}

static void test_street_short_name(void **state)
{
    /* 王哥庄 is a street and a community: the street reading wins */
    route_place_result r = match(state, "王哥庄渔港停车场", "乱收费");
    assert_string_equal(r.street_code, WANGGEZHUANG);
    assert_string_equal(r.community_code, "");
    assert_string_equal(r.rule, "street");
    assert_true(r.score > 0.85 && r.score < 1.0);
    assert_string_equal(r.reason, "地址中匹配到街道 王哥庄街道（写作“王哥庄”）");
    /* a two-character street short name counts on its own */
    r = match(state, "北宅樱桃谷", "");
    assert_string_equal(r.street_code, BEIZHAI);
}

static void test_community_implies_street(void **state)
{
    route_place_result r = match(state, "张村社区3号楼", "楼道堆放杂物");
    assert_string_equal(r.street_code, ZHONGHAN);
    assert_string_equal(r.community_code, "370212001019");
    assert_string_equal(r.rule, "community");
    assert_string_equal(r.reason, "地址中匹配到社区 张村社区 → 中韩街道");
    r = match(state, "张村社区居民委员会门口", "");
    assert_string_equal(r.community_code, "370212001019");
    assert_true(r.score == 1.0);
}

static void test_community_short_forms(void **state)
{
    /* three characters: the bare short name counts */
    route_place_result r = match(state, "石老人观光园东侧", "");
    assert_string_equal(r.street_code, JINJIALING);
    assert_string_equal(r.community_code, "370212005008");
    assert_string_equal(r.reason, "地址中匹配到社区 石老人社区（写作“石老人”） → 金家岭街道");
    /* two characters ending in 村 count bare */
    r = match(state, "张村河边", "");
    assert_string_equal(r.community_code, "370212001019");
    /* other two-character names only with their suffix */
    r = match(state, "山海美景小区", "");
    assert_string_equal(r.rule, "none");
    r = match(state, "山海社区", "");
    assert_string_equal(r.street_code, SHAZIKOU);
    assert_string_equal(r.community_code, "370212002040");
    r = match(state, "卧龙村村口", "");
    assert_string_equal(r.street_code, BEIZHAI);
    assert_string_equal(r.community_code, "370212004030");
}

static void test_longest_name_wins(void **state)
{
    /* 张村 inside 张村河南社区; 沙子口 (street and community) inside 沙子口社区 */
    route_place_result r = match(state, "张村河南社区", "");
    assert_string_equal(r.community_code, "370212001022");
    r = match(state, "沙子口社区卫生室", "");
    assert_string_equal(r.street_code, SHAZIKOU);
    assert_string_equal(r.community_code, "370212002014");
}

static void test_address_beats_content(void **state)
{
    route_place_result r = match(state, "沙子口街道栲栳岛", "我是北宅人，反映沙子口这边的问题");
    assert_string_equal(r.street_code, SHAZIKOU);
    assert_true(r.score < 1.0 && r.score >= 0.6);
    assert_non_null(strstr(r.reason, "诉求内容提到 北宅街道"));
    route_place_result same = match(state, "沙子口街道栲栳岛", "沙子口这边的问题");
    assert_true(same.score > r.score);
}

static void test_content_only(void **state)
{
    route_place_result r = match(state, "", "北宅街道卧龙村路边垃圾堆积");
    assert_string_equal(r.street_code, BEIZHAI);
    assert_string_equal(r.community_code, "370212004030");
    assert_string_equal(r.rule, "community");
    assert_true(r.score < 1.0);
    assert_non_null(strstr(r.reason, "诉求内容中匹配到"));
    route_place_result n = match(state, NULL, "北宅街道");
    assert_string_equal(n.street_code, BEIZHAI);
}

static void test_two_streets(void **state)
{
    route_place_result r = match(state, "沙子口街道与北宅街道交界处", "");
    assert_string_equal(r.rule, "ambiguous");
    assert_true(r.score < 0.6);
    assert_non_null(strstr(r.reason, "地址提到 2 个街道"));
    assert_string_equal(r.street_code, SHAZIKOU);     /* same count: the stronger, earlier mention */
    /* a community of one street with the name of another is a conflict too */
    r = match(state, "沙子口街道张村社区", "");
    assert_string_equal(r.rule, "ambiguous");
    /* more mentions win the proposal */
    r = match(state, "北宅街道，沙子口街道卧龙村", "");
    assert_string_equal(r.street_code, BEIZHAI);
}

static void test_nothing(void **state)
{
    route_place_result r = match(state, "青岛市市南区香港中路", "噪音扰民");
    assert_string_equal(r.rule, "none");
    assert_string_equal(r.street_code, "");
    assert_string_equal(r.street_name, "");
    assert_true(r.score == 0.0);
    assert_string_equal(r.reason, "地址和诉求内容中都没有街道或社区名称");
    r = match(state, NULL, NULL);
    assert_string_equal(r.rule, "none");
}

static void test_long_reason_is_cut_cleanly(void **state)
{
    (void)state;
    char a[400] = "", b[400] = "", text[1000];
    for (int i = 0; i < 60; i++) {
        strcat(a, "甲");
        strcat(b, "乙");
    }
    strcat(a, "街道");
    strcat(b, "街道");
    route_places *p = route_places_new();
    assert_int_equal(route_places_add_street(p, "999999001", a, "甲甲"), 0);
    assert_int_equal(route_places_add_street(p, "999999002", b, "乙乙"), 0);
    assert_int_equal(route_places_build(p), 0);
    snprintf(text, sizeof text, "%s%s", a, b);
    route_place_result r;
    route_places_match(p, text, NULL, &r);
    assert_string_equal(r.rule, "ambiguous");
    assert_true(strlen(r.reason) > sizeof r.reason - 8);     /* it was cut … */
    assert_true(text_utf8_valid(r.reason, strlen(r.reason), NULL));   /* … between characters */
    route_places_destroy(&p);
}

static void test_built_by_hand(void **state)
{
    (void)state;
    route_places *p = route_places_new();
    assert_int_equal(route_places_add_community(p, "999999001001", "甲村村民委员会", "甲村", "999999001"), 0);
    assert_int_equal(route_places_add_community(p, "999999009001", "无主社区居民委员会", "无主", "999999009"), 0);
    assert_int_equal(route_places_add_street(p, "999999001", "测试镇", "测试"), 0);
    assert_int_equal(route_places_add_street(p, "9999990019999999", "太长", "太长"), -1);
    assert_int_equal(route_places_build(p), 0);
    assert_int_equal(route_places_count(p), 2);          /* the orphan community is dropped */
    assert_int_equal(route_places_add_street(p, "999999002", "晚了街道", "晚了"), -1);
    route_place_result r;
    route_places_match(p, "甲村东头", NULL, &r);
    assert_string_equal(r.street_code, "999999001");
    assert_string_equal(r.reason, "地址中匹配到社区 甲村 → 测试镇");
    route_places_match(p, "无主社区", NULL, &r);
    assert_string_equal(r.rule, "none");
    route_places_match(p, "测试街道", NULL, &r);        /* short + 街道 for a 镇 */
    assert_string_equal(r.street_code, "999999001");
    route_places_destroy(&p);
}

static void test_gazetteer_house_numbers(void **state)
{
    (void)state;
    route_places *p = route_places_new();
    assert_int_equal(route_places_add_street(p, "999999001", "甲街道", "甲甲"), 0);
    assert_int_equal(route_places_add_street(p, "999999002", "乙街道", "乙乙"), 0);
    assert_int_equal(route_places_add_community(p, "999999002007", "海边社区居民委员会", "海边", "999999002"), 0);
    assert_int_equal(route_places_add_gazetteer(p, "长江路", "999999001", "", 1, 99), 0);
    assert_int_equal(route_places_add_gazetteer(p, "长江路", "999999002", "", 100, 999), 0);
    assert_int_equal(route_places_add_gazetteer(p, "海水浴场", "999999002", "999999002007", -1, -1), 0);
    assert_int_equal(route_places_add_gazetteer(p, "坏路", "999999002", "", 9, 1), -1);    /* from > to */
    assert_int_equal(route_places_build(p), 0);
    route_place_result r;
    route_places_match(p, "长江路178号", NULL, &r);       /* the number picks the street */
    assert_string_equal(r.street_code, "999999002");
    assert_string_equal(r.rule, "gazetteer");
    assert_string_equal(r.reason, "地址中匹配到门牌库 长江路 178号（号段 100-999） → 乙街道");
    route_places_match(p, "长江路 12-3号楼下", NULL, &r);
    assert_string_equal(r.street_code, "999999001");
    route_places_match(p, "长江路边", NULL, &r);          /* no number: both streets, never a silent pick */
    assert_string_equal(r.rule, "ambiguous");
    assert_true(r.score < 0.6);
    assert_non_null(strstr(r.reason, "甲街道（长江路）"));
    assert_non_null(strstr(r.reason, "乙街道（长江路）"));
    route_places_match(p, "长江路边", "就在甲甲这边", &r); /* the content does not rescue the address */
    assert_string_equal(r.rule, "ambiguous");
    route_places_match(p, "海水浴场门口", NULL, &r);      /* a landmark names its community */
    assert_string_equal(r.community_code, "999999002007");
    assert_string_equal(r.reason, "地址中匹配到门牌库 海水浴场 → 乙街道");
    const char *ex[] = {"999999001"};
    route_exclude x = {.street_codes = ex, .n = 1};
    route_places_match_excluding(p, "长江路12号，甲甲", NULL, &x, &r);   /* a street that returned it */
    assert_string_equal(r.rule, "none");
    route_places_destroy(&p);
}

/* Two districts that each have a 市中街道 (乐陵市 and 禹城市, as NBS lists them), a village name both have,
 * a community and a road only one has. */
static route_places *same_names(void)
{
    route_places *p = route_places_new();
    assert_int_equal(route_places_add_district(p, "371481", "乐陵市"), 0);
    assert_int_equal(route_places_add_district(p, "371482", "禹城市"), 0);
    assert_int_equal(route_places_add_street(p, "371481001", "市中街道", "市中"), 0);
    assert_int_equal(route_places_add_street(p, "371481002", "胡家街道", "胡家"), 0);
    assert_int_equal(route_places_add_street(p, "371482001", "市中街道", "市中"), 0);
    assert_int_equal(route_places_add_street(p, "371482002", "禹兴街道", "禹兴"), 0);
    assert_int_equal(route_places_add_community(p, "371481001001", "五一社区居民委员会", "五一", "371481001"), 0);
    assert_int_equal(route_places_add_community(p, "371481002201", "张庄村村委会", "张庄", "371481002"), 0);
    assert_int_equal(route_places_add_community(p, "371482002201", "张庄村村委会", "张庄", "371482002"), 0);
    assert_int_equal(route_places_add_gazetteer(p, "测试大道", "371482001", "", 1, 99), 0);
    assert_int_equal(route_places_build(p), 0);
    return p;
}

/* A name places of two districts have tells neither: no street is proposed, the reason names both with
 * their districts; before, the first loaded was proposed and the reason named both 市中街道 alike. */
static void test_same_name_untold(void **state)
{
    (void)state;
    route_places *p = same_names();
    route_place_result r;
    route_places_match(p, "市中街道菜市场门口", "油烟扰民", &r);
    assert_string_equal(r.rule, "ambiguous");
    assert_string_equal(r.street_code, "");
    assert_string_equal(r.street_name, "");
    assert_string_equal(r.reason, "地址中的“市中街道”在乐陵市、禹城市各有一个");
    assert_int_equal(r.nsame, 2);
    assert_string_equal(r.same[0], "371481001");
    assert_string_equal(r.same_said[1], "市中街道（禹城市）");
    route_places_match(p, "张庄村东头", NULL, &r);          /* a village of each: named with its street */
    assert_string_equal(r.street_code, "");
    assert_string_equal(r.reason, "地址中的“张庄村”在乐陵市胡家街道、禹城市禹兴街道各有一个");
    route_places_match(p, NULL, "乐陵市和禹城市交界的市中街道", &r);   /* both districts named */
    assert_string_equal(r.street_code, "");
    assert_string_equal(r.reason, "诉求内容中的“市中街道”在乐陵市、禹城市各有一个");
    route_places_match(p, "胡家街道", NULL, &r);            /* a name of one district, as before */
    assert_string_equal(r.reason, "地址中匹配到街道 胡家街道");
    route_places_destroy(&p);
}

/* The district's name, or a place only one district has, in the address or the content tells which. */
static void test_same_name_told(void **state)
{
    (void)state;
    route_places *p = same_names();
    route_place_result r;
    route_places_match(p, "乐陵市市中街道菜市场", NULL, &r);
    assert_string_equal(r.street_code, "371481001");
    assert_string_equal(r.rule, "street");
    assert_true(r.score == 1.0);
    assert_string_equal(r.street_name, "市中街道（乐陵市）");
    assert_string_equal(r.reason, "地址中匹配到街道 市中街道（乐陵市）；“市中街道”不止一个区县有，按地址中的“乐陵市”判断");
    assert_string_equal(route_places_street_name(p, "371482001"), "市中街道（禹城市）");
    route_places_match(p, "市中街道菜市场", "禹城市这边的", &r);
    assert_string_equal(r.street_code, "371482001");
    assert_non_null(strstr(r.reason, "按诉求内容中的“禹城市”判断"));
    route_places_match(p, "市中街道五一社区", NULL, &r);     /* a community of 乐陵市's only */
    assert_string_equal(r.street_code, "371481001");
    assert_string_equal(r.rule, "community");
    assert_string_equal(r.reason, "地址中匹配到社区 五一社区 → 市中街道（乐陵市）");
    route_places_match(p, "市中街道测试大道8号", NULL, &r);  /* a road of 禹城市's */
    assert_string_equal(r.street_code, "371482001");
    assert_string_equal(r.rule, "street");
    assert_true(r.score == 1.0);
    route_places_match(p, "禹兴街道张庄村", NULL, &r);       /* the village of the street named */
    assert_string_equal(r.street_code, "371482002");
    assert_string_equal(r.community_code, "371482002201");
    route_places_destroy(&p);
}

/* A village name of a district of 德州市 and one of 青岛市: the city's name tells which, where it does not
 * between two districts of one city. */
static void test_same_name_told_by_city(void **state)
{
    (void)state;
    route_places *p = route_places_new();
    assert_int_equal(route_places_add_district(p, "371481", "乐陵市"), 0);
    assert_int_equal(route_places_add_district(p, "370212", "崂山区"), 0);
    assert_int_equal(route_places_add_city(p, "371481", "德州市"), 0);
    assert_int_equal(route_places_add_city(p, "370212", "青岛市"), 0);
    assert_int_equal(route_places_add_street(p, "371481002", "胡家街道", "胡家"), 0);
    assert_int_equal(route_places_add_street(p, "370212001", "中韩街道", "中韩"), 0);
    assert_int_equal(route_places_add_community(p, "371481002201", "张庄村村委会", "张庄", "371481002"), 0);
    assert_int_equal(route_places_add_community(p, "370212001201", "张庄村村委会", "张庄", "370212001"), 0);
    assert_int_equal(route_places_build(p), 0);
    route_place_result r;
    route_places_match(p, "张庄村", NULL, &r);
    assert_string_equal(r.street_code, "");
    route_places_match(p, "德州市张庄村", NULL, &r);
    assert_string_equal(r.street_code, "371481002");
    assert_string_equal(r.reason, "地址中匹配到社区 张庄村（乐陵市） → 胡家街道；“张庄村”不止一个区县有，按地址中的“德州市”判断");
    route_places_match(p, "德州市张庄村", "离中韩街道不远", &r);     /* a place of 青岛市's tells more */
    assert_string_equal(r.street_code, "");
    route_places_destroy(&p);
    p = same_names();
    route_places_match(p, "德州市市中街道", NULL, &r);              /* both in 德州市 (no city added): neither */
    assert_string_equal(r.street_code, "");
    route_places_destroy(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loaded),
        cmocka_unit_test(test_street_full_name),
        cmocka_unit_test(test_street_short_name),
        cmocka_unit_test(test_community_implies_street),
        cmocka_unit_test(test_community_short_forms),
        cmocka_unit_test(test_longest_name_wins),
        cmocka_unit_test(test_address_beats_content),
        cmocka_unit_test(test_content_only),
        cmocka_unit_test(test_two_streets),
        cmocka_unit_test(test_nothing),
        cmocka_unit_test(test_long_reason_is_cut_cleanly),
        cmocka_unit_test(test_built_by_hand),
        cmocka_unit_test(test_gazetteer_house_numbers),
        cmocka_unit_test(test_same_name_untold),
        cmocka_unit_test(test_same_name_told),
        cmocka_unit_test(test_same_name_told_by_city),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
