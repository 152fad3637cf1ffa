/* test_route_conduct.c — conduct terms and offices in the same clause, whom
 * they accuse, and a letter without its accusing sentences. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "route_conduct.h"

static int setup(void **state)
{
    route_conduct *c = route_conduct_new();
    const char *terms[] = {"不作为", "态度恶劣", "推诿", "吃拿卡要", "敷衍", "索要", "收受"};
    for (size_t i = 0; i < sizeof terms / sizeof terms[0]; i++)
        assert_int_equal(route_conduct_add_term(c, terms[i]), 0);
    assert_int_equal(route_conduct_build(c), 0);
    *state = c;
    return 0;
}

static int teardown(void **state)
{
    route_conduct *c = *state;
    route_conduct_destroy(&c);
    assert_null(c);
    return 0;
}

static void test_same_clause_accuses(void **state)
{
    route_conduct_result r;
    const char *text = "楼下违建没人管，村委会不作为。";
    route_conduct_find(*state, text, &r);
    assert_int_equal(r.n, 1);
    assert_string_equal(r.hit[0].term, "不作为");
    assert_string_equal(r.hit[0].office, "村委会");
    assert_string_equal(r.hit[0].accused_kind, "street");
    assert_int_equal(r.hit[0].clause_start, strlen("楼下违建没人管，"));
    assert_int_equal(r.hit[0].clause_end, strlen("楼下违建没人管，村委会不作为"));
    route_conduct_find(*state, "摊贩占道经营,城管执法人员吃拿卡要", &r);   /* ASCII comma: intake folds ， */
    assert_int_equal(r.n, 1);
    assert_string_equal(r.hit[0].accused_kind, "zhifa");
    route_conduct_find(*state, "派出所民警接警后不作为", &r);
    assert_string_equal(r.hit[0].accused_kind, "gongan");
}

/* A department by the names the real letters give it, and the office word that says whom before
 * one that does not (of the 1,842 real labelled messages, 44 accused a 局, a 部门 or a 领导). */
static void test_departments_accused(void **state)
{
    route_conduct_result r;
    route_conduct_find(*state, "投诉造纸企业污染严重和K9县环保局不作为问题", &r);
    assert_int_equal(r.n, 1);
    assert_string_equal(r.hit[0].office, "环保局");
    assert_string_equal(r.hit[0].accused_kind, "huanbao");
    route_conduct_find(*state, "F3区交通局领导以“管不了”来敷衍我们", &r);
    assert_string_equal(r.hit[0].office, "交通局");                /* not 领导: it says whom */
    assert_string_equal(r.hit[0].accused_kind, "jiaotong");
    route_conduct_find(*state, "社区工作人员态度恶劣", &r);
    assert_string_equal(r.hit[0].accused_kind, "street");         /* not the 工作人员 inside it */
    route_conduct_find(*state, "业主维权却遭受各部门联合推诿", &r);
    assert_int_equal(r.n, 1);
    assert_string_equal(r.hit[0].accused_kind, "");               /* nobody in particular */
}

static void test_apart_accuses_nobody(void **state)
{
    route_conduct_result r;
    route_conduct_find(*state, "我给政府写过信。\n楼下饭店油烟很大，老板态度恶劣", &r);
    assert_int_equal(r.n, 0);
    route_conduct_find(*state, "街道办门口有人摆摊；摊贩态度恶劣！物业推诿？", &r);
    assert_int_equal(r.n, 0);
    route_conduct_find(*state, "工商局介入此事协调 培训机构老师相互推诿", &r);  /* a space ends a clause */
    assert_int_equal(r.n, 0);
    route_conduct_find(*state, "邻居推诿说垃圾不是他家的", &r);              /* no office at all */
    assert_int_equal(r.n, 0);
    route_conduct_find(*state, "物业工作人员态度恶劣", &r);        /* staff, but not the state's */
    assert_int_equal(r.n, 0);
    route_conduct_find(*state, "开发商公司领导一直推诿", &r);
    assert_int_equal(r.n, 0);
    route_conduct_find(*state, "银行工作人员敷衍", &r);
    assert_int_equal(r.n, 0);
    route_conduct_find(*state, "物业和街道工作人员互相推诿", &r);   /* an office named: accused still */
    assert_int_equal(r.n, 1);
    assert_string_equal(r.hit[0].accused_kind, "street");
    route_conduct_find(*state, "政府部门和开发商互相推诿", &r);     /* the state named */
    assert_int_equal(r.n, 1);
    assert_string_equal(r.hit[0].accused_kind, "");
    route_conduct_find(*state, NULL, &r);
    assert_int_equal(r.n, 0);
}

/* 索要 is a citizen's when what it demands is owed to him (one of the real labelled messages asked a
 * township for wages and was split as an accusation), an official's when it is a bribe or nothing
 * said. */
static void test_demands_of_what_is_owed(void **state)
{
    const char *asking[] = {
        "在这八年时间里我们是多次找过当时的承建方雨母乡政府索要拖欠的工资",
        "向街道办索要押金", "找村委会索要我们应得的征地补偿款",
    };
    const char *accusing[] = {
        "北宅街道工作人员索要好处费", "村委会主任索要钱财", "网格员向商户索要红包",
        "城管执法人员索要好处费才退还押金",
    };
    route_conduct_result r;
    for (size_t i = 0; i < sizeof asking / sizeof asking[0]; i++) {
        route_conduct_find(*state, asking[i], &r);
        assert_int_equal(r.n, 0);
    }
    for (size_t i = 0; i < sizeof accusing / sizeof accusing[0]; i++) {
        route_conduct_find(*state, accusing[i], &r);
        assert_int_equal(r.n, 1);
    }
}

/* A term right after a word forbidding it is a plea, not a report (one of the real labelled messages
 * asked 各部门 "不要推诿" among its requests); 不要再推诿 says they did. */
static void test_pleas_accuse_nobody(void **state)
{
    route_conduct_result r;
    route_conduct_find(*state, "1、要像以前罚款一样迅速2、不要推诿3、办理流程请各部门计生的快点", &r);
    assert_int_equal(r.n, 0);
    route_conduct_find(*state, "干部严禁收受红包", &r);
    assert_int_equal(r.n, 0);
    route_conduct_find(*state, "街道办不要再推诿", &r);
    assert_int_equal(r.n, 1);
}

static void test_every_accusing_clause(void **state)
{
    route_conduct_result r;
    route_conduct_find(*state, "网格员敷衍了事，城管推诿，居委会不作为", &r);
    assert_int_equal(r.n, 3);
    assert_string_equal(r.hit[1].office, "城管");
    assert_int_equal(r.clause_bytes, strlen("网格员敷衍了事城管推诿居委会不作为"));
}

/* text redacted with note N is want. */
static void redacts_to(void *c, const char *text, const char *want)
{
    char *got = route_conduct_redact(c, text, "N");
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static void test_redact_takes_out_accusing_sentences(void **state)
{
    redacts_to(*state, "海尔路路面塌陷出现大坑。找过街道办，街道工作人员态度恶劣，互相推诿。请尽快修复！",
               "海尔路路面塌陷出现大坑。N请尽快修复！");
    redacts_to(*state, "路面塌陷，村委会不作为", "N");                 /* a sentence of both goes whole */
    redacts_to(*state, "城管吃拿卡要。网格员敷衍了事!路灯坏了", "N路灯坏了");  /* one note for a run */
    redacts_to(*state, "网格员敷衍\n路灯坏了\r\n城管推诿", "N\n路灯坏了\r\nN"); /* line ends stay */
    redacts_to(*state, "我给政府写过信。经区环保局多次推诿后，仍然有气味。", "我给政府写过信。N");  /* 局: no office word */
    redacts_to(*state, "交通局一直在敷衍我们，拖延时间。桥坏了", "N桥坏了");   /* the real letters' words */
    redacts_to(*state, "工商局介入协调 城管推诿 桥坏了", "工商局介入协调 N桥坏了");  /* no 。！？: spaces end */
    redacts_to(*state, "城管推诿 桥坏了。", "N");                 /* with one, a space does not */
    redacts_to(*state, "找过乡政府索要拖欠的工资。城管吃拿卡要。", "找过乡政府索要拖欠的工资。N");  /* asks */
    redacts_to(*state, "请各部门不要推诿。城管索要好处费。", "请各部门不要推诿。N");  /* a plea */
    redacts_to(*state, "", "");
}

/* More accusing sentences than one finding reports (ROUTE_CONDUCT_MAX), and a
 * sentence with more words than one scan keeps: all of them go. */
static void test_redact_has_no_limit(void **state)
{
    char text[4096] = "", want[256] = "", crowded[2048] = "不作为";
    for (int i = 0; i < ROUTE_CONDUCT_MAX + 2; i++) {
        strcat(text, "路灯坏了。城管推诿。");
        strcat(want, "路灯坏了。N");
    }
    redacts_to(*state, text, want);
    for (int i = 0; i < 70; i++)
        strcat(crowded, "敷衍");
    strcat(crowded, "，干部推诿。路灯坏了。");
    redacts_to(*state, crowded, "N路灯坏了。");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_clause_accuses),
        cmocka_unit_test(test_departments_accused),
        cmocka_unit_test(test_apart_accuses_nobody),
        cmocka_unit_test(test_demands_of_what_is_owed),
        cmocka_unit_test(test_pleas_accuse_nobody),
        cmocka_unit_test(test_every_accusing_clause),
        cmocka_unit_test(test_redact_takes_out_accusing_sentences),
        cmocka_unit_test(test_redact_has_no_limit),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
