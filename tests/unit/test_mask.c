/* test_mask.c — personal numbers masked inside free text in the shapes people
 * write them, the numbers that are not personal kept, house numbers hidden
 * for publication, a known name masked wherever a text holds it, and
 * addresses cut to what may be published. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mask.h"

typedef struct {
    const char *in, *want;
} mask_case;

typedef int (*mask_fn)(char *, size_t, const char *);

static void run_cases(mask_fn fn, const mask_case *cases, size_t n)
{
    int failed = 0;
    for (size_t i = 0; i < n; i++) {
        char out[512];
        int rc = fn(out, sizeof out, cases[i].in);
        if (rc != 0 || strcmp(out, cases[i].want) != 0) {
            print_error("  %s\n  gave %s\n  want %s\n", cases[i].in, out, cases[i].want);
            failed++;
        }
    }
    assert_int_equal(failed, 0);
}

#define RUN(fn, cases) run_cases(fn, cases, sizeof cases / sizeof cases[0])

static void test_mobiles_in_every_shape(void **state)
{
    (void)state;
    static const mask_case cases[] = {
        {"市民13812345678反映", "市民138****5678反映"},
        {"电话138-1234-5678", "电话138-****-5678"},
        {"138 1234 5678", "138 **** 5678"},
        {"138.1234.5678", "138.****.5678"},
        {"1381-234-5678", "138*-***-5678"},
        {"手机:+86 138 1234 5678", "手机:+86 138 **** 5678"},
        {"+8613812345678", "+86138****5678"},
        {"(+86)13812345678", "(+86)138****5678"},
        {"0086-138-1234-5678", "0086-138-****-5678"},
        {"0086 13812345678", "0086 138****5678"},
        {"86-13812345678", "86-138****5678"},
        {"8613812345678", "86138****5678"},
        {"１３８１２３４５６７８", "１３８****５６７８"},
        {"１３８－１２３４－５６７８", "１３８－****－５６７８"},
        {"＋８６　１３８　１２３４　５６７８", "＋８６　１３８　****　５６７８"},
        {"138—1234—5678", "138—****—5678"},
        {"1 3 8 1 2 3 4 5 6 7 8", "1 3 8 * * * * 5 6 7 8"},
        {"19912345678和17712345678", "199****5678和177****5678"},
        {"tel13812345678.", "tel138****5678."},
        {"13812345678 2024年", "138****5678 2024年"},
        {"2024-04-15 13812345678", "2024-04-15 138****5678"},
        {"来电13812345678，回拨13812345679", "来电138****5678，回拨138****5679"},
    };
    RUN(mask_text, cases);
}

static void test_landlines(void **state)
{
    (void)state;
    static const mask_case cases[] = {
        {"tel 0532-88881234.", "tel 0532-****1234."},
        {"0532-8888 6666", "0532-**** 6666"},
        {"(0532)88886666", "(0532)****6666"},
        {"（0532）88886666", "（0532）****6666"},
        {"(0532) 8888-6666", "(0532) ****-6666"},
        {"053288886666", "0532****6666"},
        {"010-62345678", "010-****5678"},
        {"01062345678", "010****5678"},
        {"021 6123 4567", "021 **** 4567"},
        {"0532-8888666", "0532-***8666"},
        {"+86 532 8888 6666", "+86 532 **** 6666"},
        {"+86-10-62345678", "+86-10-****5678"},
        {"０５３２－８８８８６６６６", "０５３２－****６６６６"},
        {"0532-88886666转123", "0532-****6666转123"},
        {"联系电话：8888 6666", "联系电话：**** 6666"},
        {"座机88886666", "座机****6666"},
        {"Tel: 8888-6666", "Tel: ****-6666"},
        {"电话是2888666", "电话是***8666"},
    };
    RUN(mask_text, cases);
}

static void test_id_and_bank_cards(void **state)
{
    (void)state;
    static const mask_case cases[] = {
        {"身份证370212199001011234", "身份证370**************4"},
        {"ID 37021219900101123X end", "ID 370**************X end"},
        {"37021219900101123x", "370**************x"},
        {"370212 19900101 123X", "370*** ******** ***X"},
        {"370212-1990-0101-123X", "370***-****-****-***X"},
        {"３７０２１２１９９００１０１１２３Ｘ", "３７０**************Ｘ"},
        {"370212990101123", "370************"},            /* old card: 15 digits, no check character */
        {"身份证号370212199013011234", "身份证号370**************4"},   /* a mistyped date: still masked */
        {"卡号6222021234567890128", "卡号***************0128"},
        {"4111 1111 1111 1111", "**** **** **** 1111"},
    };
    RUN(mask_text, cases);
}

/* Numbers that are not personal stay exactly as written. */
static void test_other_numbers_kept(void **state)
{
    (void)state;
    static const char *const kept[] = {
        "工单号2024041500123已办结",
        "order 2024010100123 at 10:30",
        "W202404150000123",
        "W202412311201234",                 /* a web ticket whose digits look like an old ID card */
        "GD-2024-0415-00123",
        "ES1796319495486-7824-1",           /* a long run joined to short ones: a ticket, not 18 digits */
        "2024041500123-0001",
        "2024-04-15 10:30",
        "2024.04.15",
        "20240415",
        "2024年4月15日",
        "5月1号",
        "海尔路178号",
        "海尔路178号3单元502室",
        "金家岭街道办事处3号楼",
        "罚款1380元",
        "退款12345.67元",
        "12,345,678元",
        "邮编266061",
        "拨打12345热线",
        "客服400-123-4567",
        "95598",
        "12345678901 is not a mobile",
        "138123456789 has 12 digits",
        "10086",
        "3.1415926",
        "192.168.1.1",
        "快递单号773012345678901",
        "订单6222021234567890123",          /* 19 digits failing the Luhn check */
        "88886666",                          /* 8 digits with nothing saying it is a phone */
        "2024-04-15 20:30 8888 6666",
        "no digits 张村社区",
        "",
    };
    for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++) {
        char out[256];
        assert_int_equal(mask_text(out, sizeof out, kept[i]), 0);
        if (strcmp(out, kept[i]) != 0)
            fail_msg("'%s' became '%s'", kept[i], out);
    }
}

static void test_public_text_hides_house_numbers(void **state)
{
    (void)state;
    static const mask_case cases[] = {
        {"海尔路178号3单元502室门口堆放垃圾", "海尔路*号*单元*室门口堆放垃圾"},
        {"张村社区5号楼2单元301户", "张村社区*号楼*单元*户"},
        {"3栋2层", "*栋*层"},
        {"178-3号", "*-*号"},
        {"12#楼", "*#楼"},
        {"1205室业主13812345678", "*室业主138****5678"},
        {"5月1号起", "5月1号起"},
        {"地铁2号线", "地铁2号线"},
        {"2024-04-15投诉3号楼", "2024-04-15投诉*号楼"},
        {"罚款200元", "罚款200元"},
    };
    RUN(mask_public_text, cases);
}

static void test_address_cut_before_the_house_number(void **state)
{
    (void)state;
    static const mask_case cases[] = {
        {"青岛市崂山区海尔路178号3单元502室", "青岛市崂山区海尔路"},
        {"海尔路178号", "海尔路"},
        {"金家岭街道张村社区5号楼", "金家岭街道张村社区"},
        {"张村社区五号楼二单元", "张村社区"},
        {"万科城A座1201", "万科城"},
        {"书院路与海尔路交叉口", "书院路与海尔路交叉口"},
        {"海尔路与松岭路交叉口东50米", "海尔路与松岭路交叉口东"},
        {"香港东路（近195号）", "香港东路"},
        {"崂山区(张村社区)王家村3号", "崂山区(张村社区)王家村"},
        {"王家村第3户", "王家村"},
        {"松岭路, 12号", "松岭路"},
        {"十字路口西侧", "十字路口西侧"},
        {"地铁2号线海尔路站", "地铁"},
        {"308国道旁", ""},
        {"1号", ""},
        {"", ""},
    };
    RUN(mask_address, cases);
    char out[8];
    assert_int_equal(mask_address(out, sizeof out, NULL), 0);
    assert_string_equal(out, "");
}

static void test_truncation_at_a_character(void **state)
{
    (void)state;
    char out[8];
    assert_int_equal(mask_text(out, sizeof out, "张村社区"), -1);
    assert_string_equal(out, "张村");                 /* 6 bytes; the third character would not fit */
    assert_int_equal(mask_text(out, sizeof out, "1381234567"), -1);
    assert_string_equal(out, "");                    /* a number kept as it is is not cut */
    assert_int_equal(mask_text(out, 0, "x"), -1);
    assert_int_equal(mask_address(out, sizeof out, "张村社区王家村"), -1);
    assert_string_equal(out, "张村");
}

/* Text that is not UTF-8 (never what the services pass, but the functions
 * take any string): a stray lead byte last in a result that fills dst
 * exactly once made mask_address read past dst (ASan, `make fuzz`). */
static void test_address_with_a_stray_byte(void **state)
{
    (void)state;
    const char *in = "海尔路\xff";
    size_t cap = strlen(in) + 1;
    char *out = malloc(cap);    /* exactly the result's size: ASan guards the byte after it */
    assert_non_null(out);
    assert_int_equal(mask_address(out, cap, in), 0);
    assert_string_equal(out, in);
    free(out);
}

/* An excerpt is masked before it is cut: a number the cut splits keeps
 * only what its whole masked form shows. */
static void test_excerpt_masked_before_the_cut(void **state)
{
    (void)state;
    char out[128];
    assert_int_equal(mask_excerpt(out, sizeof out, "请回电13812345678谢谢", 7), 0);     /* cut first: 请回电1381… */
    assert_string_equal(out, "请回电138*…");
    assert_int_equal(mask_excerpt(out, sizeof out, "路灯不亮", 7), 0);
    assert_string_equal(out, "路灯不亮");
}

static void test_known_name_masked_in_text(void **state)
{
    (void)state;
    char s[128];
    snprintf(s, sizeof s, "赵六来电反映楼道堆物，赵六说已反映多次");
    mask_name_in(s, "赵六");
    assert_string_equal(s, "赵*来电反映楼道堆物，赵*说已反映多次");
    snprintf(s, sizeof s, "市民来电反映路灯不亮");
    mask_name_in(s, "市民");          /* no name */
    assert_string_equal(s, "市民来电反映路灯不亮");
    mask_name_in(s, "路");            /* one character: not looked for */
    assert_string_equal(s, "市民来电反映路灯不亮");
    mask_name_in(s, "");
    mask_name_in(s, NULL);
    assert_string_equal(s, "市民来电反映路灯不亮");
    snprintf(s, sizeof s, "Li Lei says");
    mask_name_in(s, "Li Lei");
    assert_string_equal(s, "L***** says");
}

static void test_url_keeps_no_token(void **state)
{
    (void)state;
    char out[256];
    assert_int_equal(mask_url(out, sizeof out,
                              "dingtalk+https://oapi.dingtalk.com/robot/send?access_token=ab12cd&timestamp=1#x"), 0);
    assert_string_equal(out, "dingtalk+https://oapi.dingtalk.com/robot/send?access_token=***&timestamp=***#***");
    mask_url(out, sizeof out, "wecom+https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6");
    assert_string_equal(out, "wecom+https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***");
    mask_url(out, sizeof out, "https://robot:s3cret@hooks.example.cn:8443/in?t0ken&a=&b=1");
    assert_string_equal(out, "https://***@hooks.example.cn:8443/in?***&a=&b=***");
    mask_url(out, sizeof out, "https://hooks.example.cn/a@b/in");      /* an '@' in the path is no userinfo */
    assert_string_equal(out, "https://hooks.example.cn/a@b/in");
    mask_url(out, sizeof out, "mailto:wang@jiesu.example.cn");
    assert_string_equal(out, "mailto:wang@jiesu.example.cn");
    assert_int_equal(mask_url(out, 20, "https://x.cn/send?key=123456"), -1);
    assert_null(strstr(out, "123456"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mobiles_in_every_shape),
        cmocka_unit_test(test_landlines),
        cmocka_unit_test(test_id_and_bank_cards),
        cmocka_unit_test(test_other_numbers_kept),
        cmocka_unit_test(test_public_text_hides_house_numbers),
        cmocka_unit_test(test_address_cut_before_the_house_number),
        cmocka_unit_test(test_truncation_at_a_character),
        cmocka_unit_test(test_address_with_a_stray_byte),
        cmocka_unit_test(test_excerpt_masked_before_the_cut),
        cmocka_unit_test(test_known_name_masked_in_text),
        cmocka_unit_test(test_url_keeps_no_token),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
