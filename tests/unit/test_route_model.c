/* test_route_model.c — the text model: features, training on a small set
 * written here, calibrated probabilities, evidence, the stored blob, and
 * reading a labelled export the way `jiesu learn FILE` does. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "route_category.h"
#include "route_learn.h"
#include "route_learn_db.h"
#include "route_learn_file.h"
#include "route_model.h"

/* Three categories, texts made of a place, a problem of the category and a plea. */
static const char *const PLACES[] = {"小区门口", "楼下", "路口", "菜市场旁", "学校附近", "公园里", "广场上", "河边"};
static const char *const PROBLEMS[3][4] = {
    {"晚上噪音扰民", "广场舞音响太吵", "装修噪声很大", "半夜施工吵得睡不着"},
    {"垃圾堆积没人清运", "垃圾桶满溢发臭", "生活垃圾散落一地", "垃圾好几天没清"},
    {"车辆乱停占道", "违章停车堵住消防通道", "僵尸车长期占用车位", "乱停车导致拥堵"},
};
static const char *const CODES[3] = {"noise", "env.garbage", "traffic.parking"};
static const char *const PLEAS[] = {"请尽快处理", "希望有关部门管一管", "多次反映无果"};

static route_learn_set *written_set(void)
{
    char text[256];
    route_learn_set *s = route_learn_set_new(14);
    assert_non_null(s);
    for (int c = 0; c < 3; c++)
        for (int p = 0; p < 8; p++)
            for (int k = 0; k < 4; k++) {
                snprintf(text, sizeof text, "%s%s，%s", PLACES[p], PROBLEMS[c][k], PLEAS[(p + k) % 3]);
                assert_int_equal(route_learn_set_add(s, text, CODES[c], NULL), 0);
            }
    assert_int_equal(route_learn_set_add(s, "", "noise", NULL), 1);           /* empty texts are skipped */
    assert_int_equal(route_learn_set_count(s), 96);
    return s;
}

static void test_features_fold_digits_and_case(void **state)
{
    (void)state;
    route_model_feats a = {0}, b = {0};
    assert_int_equal(route_model_featurize("3号楼ABC", strlen("3号楼ABC"), 16, &a), 0);
    assert_int_equal(route_model_featurize("7 号楼abc", strlen("7 号楼abc"), 16, &b), 0);
    assert_int_equal(a.n, b.n);                       /* digits are one symbol, case and spaces do not count */
    assert_memory_equal(a.bucket, b.bucket, a.n * sizeof a.bucket[0]);
    assert_int_equal(a.n, 6 + 5);                    /* 6 characters, 5 pairs */
    for (size_t i = 1; i < a.n; i++)
        assert_true(a.bucket[i - 1] < a.bucket[i]);   /* increasing, as liblinear needs */
    route_model_feats_free(&a);
    route_model_feats_free(&b);
}

static void test_trains_measures_and_classifies(void **state)
{
    (void)state;
    char err[256];
    route_learn_stats st;
    route_learn_set *s = written_set();
    route_model *m = route_learn_train(s, &(route_learn_opts){.holdout = 1}, &st, err, sizeof err);
    assert_non_null(m);
    assert_int_equal(st.texts, 96);
    assert_int_equal(st.classes, 3);
    assert_int_equal(st.test, 18);                   /* every fifth text of each class: 6 of 32, three times */
    assert_int_equal(st.train, 78);
    assert_true(st.macro_f1 > 0.9);
    assert_true(st.temperature > 0);
    route_model_result r;
    const char *text = "河边有人乱停车，堵住消防通道";
    route_model_classify(m, text, &r);
    assert_int_equal(r.ntop, 3);
    assert_string_equal(route_model_class(m, (size_t)r.top[0]), "traffic.parking");
    assert_true(r.prob[0] > r.prob[1] && r.prob[1] >= r.prob[2]);
    assert_true(r.prob[0] + r.prob[1] + r.prob[2] > 0.999 && r.prob[0] + r.prob[1] + r.prob[2] < 1.001);
    assert_true(r.nevidence >= 1);                    /* the n-grams that weighed most are words of the text */
    for (int e = 0; e < r.nevidence; e++) {
        assert_true(r.evidence[e].start + r.evidence[e].len <= strlen(text));
        assert_true(r.evidence[e].weight > 0);
    }
    route_model_destroy(&m);
    assert_null(m);
    route_learn_set_destroy(&s);
}

/* A history with every text five times over (exports imported again,
 * repeated calls): a copy of a held-back text among those learned scores what
 * was learned. Labels here say nothing of the text, so a fifth never learned
 * scores near chance; copies on both sides scored 1.0. */
static void test_copies_held_back_together(void **state)
{
    (void)state;
    static const char *const CH[8] = {"灯", "路", "水", "电", "车", "树", "门", "墙"};
    char err[256], text[64];
    route_learn_stats st;
    route_learn_set *s = route_learn_set_new(14);
    assert_non_null(s);
    for (int round = 0; round < 5; round++)
        for (int i = 0; i < 64; i++) {
            snprintf(text, sizeof text, "%s%s的事", CH[i / 8], CH[i % 8]);
            assert_int_equal(route_learn_set_add(s, text, CODES[(i * 37 + 11) % 3], NULL), 0);
        }
    route_model *m = route_learn_train(s, &(route_learn_opts){.holdout = 1}, &st, err, sizeof err);
    assert_non_null(m);
    assert_int_equal(st.texts, 320);
    assert_true(st.test > 0);
    assert_int_equal(st.test % 5, 0);                 /* a text held back with its four copies */
    assert_int_equal(st.train + st.test, 320);
    if (st.macro_f1 > 0.8)
        fail_msg("held-back macro-F1 %.3f on labels that say nothing: copies were learned", st.macro_f1);
    route_model_destroy(&m);
    route_learn_set_destroy(&s);
}

/* Cross-validation's folds: a letter written again with a word changed, or
 * with other digits and spacing, goes to the fold of its first copy (else
 * one copy is learned and the other scored on it); a letter sharing only its
 * first half with it is another letter. Without groups, the i-th text of a
 * class is in fold i mod 5. */
static void test_near_copies_in_one_fold(void **state)
{
    (void)state;
    static const char *const NOISE[6] = {
        "我家楼下的烧烤店每天晚上营业到凌晨两点，油烟和噪音让全楼居民无法入睡，多次打电话投诉都没有结果，请有关部门尽快处理",
        "我家楼下的烧烤店每天晚上营业到凌晨两点，隔壁工地也在半夜打桩施工，周末白天还有广场舞音响开得很大",
        "我家楼下的烧烤店每天晚上营业到凌晨三点，油烟和噪音让全楼居民无法入睡，多次打电话投诉都没有结果，请有关部门尽快处理",
        "广场舞音响太吵",
        "装修噪声很大",
        "我家 楼下的烧烤店每天晚上营业到凌晨两点，油烟和噪音让全楼居民无法入睡，多次打电话投诉都没有结果，请有关部门尽快处理！",
    };
    route_learn_set *s = route_learn_set_new(14);
    assert_non_null(s);
    for (int i = 0; i < 6; i++)
        assert_int_equal(route_learn_set_add(s, NOISE[i], "noise", NULL), 0);
    assert_int_equal(route_learn_set_add(s, "垃圾堆积没人清运", "env.garbage", NULL), 0);
    size_t group[7];
    int fold[7];
    assert_int_equal(route_learn_set_near(s, 0.8, group), 1);
    const size_t groups[7] = {0, 1, 0, 3, 4, 0, 6};
    assert_memory_equal(group, groups, sizeof group);
    assert_int_equal(route_learn_set_folds(s, group, 5, fold), 0);
    const int together[7] = {0, 1, 0, 2, 3, 0, 0};
    assert_memory_equal(fold, together, sizeof fold);
    assert_int_equal(route_learn_set_folds(s, NULL, 5, fold), 0);
    const int dealt[7] = {0, 1, 2, 3, 4, 0, 0};
    assert_memory_equal(fold, dealt, sizeof fold);
    assert_int_equal(route_learn_set_near(s, 0, group), -1);
    route_learn_set_destroy(&s);
}

static void test_blob_round_trip(void **state)
{
    (void)state;
    char err[256];
    route_learn_stats st;
    route_learn_set *s = written_set();
    route_model *m = route_learn_train(s, &(route_learn_opts){.holdout = 1}, &st, err, sizeof err);
    unsigned char *blob;
    size_t len;
    assert_int_equal(route_model_blob(m, &blob, &len), 0);
    route_model *back = route_model_from_blob(blob, len, err, sizeof err);
    assert_non_null(back);
    double a[3], b[3];
    route_model_scores(m, "楼下垃圾桶满溢发臭", a);
    route_model_scores(back, "楼下垃圾桶满溢发臭", b);
    assert_memory_equal(a, b, sizeof a);
    assert_null(route_model_from_blob(blob, len - 1, err, sizeof err));     /* cut short */
    assert_non_null(strstr(err, "do not hold"));
    float nan = NAN, inf = INFINITY, was;
    memcpy(&was, blob + len - sizeof was, sizeof was);
    memcpy(blob + len - sizeof nan, &nan, sizeof nan);                  /* the last bias */
    assert_null(route_model_from_blob(blob, len, err, sizeof err));
    assert_non_null(strstr(err, "not numbers (NaN or infinite)"));
    memcpy(blob + len - sizeof was, &was, sizeof was);
    memcpy(blob + 8 + 3 * sizeof(uint32_t), &inf, sizeof inf);          /* the temperature */
    assert_null(route_model_from_blob(blob, len, err, sizeof err));
    assert_non_null(strstr(err, "learn it again"));
    blob[0] = 'X';
    assert_null(route_model_from_blob(blob, len, err, sizeof err));
    assert_non_null(strstr(err, "bad header"));
    free(blob);
    route_model_destroy(&back);
    route_model_destroy(&m);
    route_learn_set_destroy(&s);
}

/* A damaged blob whose header claims 2^24 buckets of 4,096 classes (a model
 * of 275 GB) is refused for its size before any of it is made. */
static void test_blob_claiming_more_than_it_holds(void **state)
{
    (void)state;
    char err[256];
    uint32_t head[3] = {24, 4096, ROUTE_MODEL_NGRAM};
    float temp = 1;
    size_t len = 8 + sizeof head + sizeof temp + 4096 * 2 + 64;
    unsigned char *blob = calloc(1, len), *p = blob;
    assert_non_null(blob);
    memcpy(p, "JIESUM01", 8), p += 8;
    memcpy(p, head, sizeof head), p += sizeof head;
    memcpy(p, &temp, sizeof temp), p += sizeof temp;
    for (int c = 0; c < 4096; c++)
        *p++ = 'c', *p++ = '\0';                   /* class codes "c": 4,096 of them */
    assert_null(route_model_from_blob(blob, len, err, sizeof err));
    assert_non_null(strstr(err, "do not hold 16777216 buckets × 4096 classes"));
    free(blob);
}

static void test_refuses_what_it_cannot_learn(void **state)
{
    (void)state;
    char err[256];
    route_learn_stats st;
    route_learn_set *s = route_learn_set_new(0);
    assert_int_equal(route_learn_set_add(s, "噪音扰民", "noise", "噪声扰民"), 0);
    assert_int_equal(route_learn_set_add(s, "晚上很吵", "noise", "噪声扰民"), 0);
    assert_null(route_learn_train(s, &(route_learn_opts){.holdout = 1}, &st, err, sizeof err));
    assert_non_null(strstr(err, "2 条文本只分了 1 个类别：至少要两个类别"));
    assert_int_equal(route_learn_set_add(s, "垃圾没人清", "env.garbage", "垃圾清运"), 0);
    assert_null(route_learn_train(s, &(route_learn_opts){.holdout = 1}, &st, err, sizeof err));
    assert_non_null(strstr(err, "类别 垃圾清运 只有 1 条文本：多给它几条，或者去掉这一类"));
    /* settled orders: nobody adds or drops one, and the refusal offers neither */
    assert_null(route_learn_train(s, &(route_learn_opts){.holdout = 1, .settled = 1}, &st, err, sizeof err));
    assert_non_null(strstr(err, "类别 垃圾清运 只有 1 件已办结的工单，每一类至少要两件"));
    assert_null(strstr(err, "去掉"));
    route_learn_set_destroy(&s);
    assert_null(route_learn_set_new(9));
}

static int count_row(void *ctx, const char *text, const char *label)
{
    int *n = ctx;
    (*n)++;
    return strlen(text) && strlen(label) ? 0 : -1;
}

static void test_reads_a_labelled_export(void **state)
{
    (void)state;
    char err[512];
    int n = 0;
    route_learn_refused refused;
    const char csv[] = "工单编号,诉求内容,诉求类型\r\n1,\"楼下噪音,很大\",环境保护\r\n2,,城乡建设\r\n3,垃圾没人清,城乡建设\r\n";
    assert_int_equal(route_learn_file_read_bytes(csv, strlen(csv), "历史.csv", NULL, &refused, count_row, &n, err,
                                                 sizeof err), 2);
    assert_int_equal(n, 2);                            /* the row without a text is skipped */
    const char bad[] = "工单编号,诉求内容\n1,楼下噪音\n";
    assert_int_equal(route_learn_file_read_bytes(bad, strlen(bad), "历史.csv", NULL, &refused, count_row, &n, err,
                                                 sizeof err), -1);
    assert_non_null(strstr(err, "历史.csv：第一行（表头）里没有类别列"));
    assert_int_equal(route_learn_file_read("/nonexistent/x.csv", NULL, &refused, count_row, &n, err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent/x.csv"));
}

/* A label as an import stores a category: with stray spaces or tabs around
 * it (a file made by hand) it was no category, and every such row was
 * skipped — a whole file of them refused as "0 条文本". */
typedef struct {
    int  n;
    char label[3][32];
} kept_labels;

static int keep_label(void *ctx, const char *text, const char *label)
{
    kept_labels *k = ctx;
    if (k->n == 3 || !*text)
        return -1;
    snprintf(k->label[k->n++], sizeof k->label[0], "%s", label);
    return 0;
}

static void test_labels_as_imported(void **state)
{
    (void)state;
    char err[512];
    kept_labels k = {0};
    route_learn_refused refused;
    const char csv[] = "content,label\r\n楼下噪音很大,\t环境保护 \r\n垃圾没人清,\" 城乡建设　\"\r\n没有类别,\" \t \"\r\n";
    assert_int_equal(route_learn_file_read_bytes(csv, strlen(csv), "留出.csv", NULL, &refused, keep_label, &k, err,
                                                 sizeof err), 2);
    assert_string_equal(k.label[0], "环境保护");
    assert_string_equal(k.label[1], "城乡建设");       /* the third row, a blank label, is skipped */
}

/* A file in a layout an import profile knows is learned from the text an
 * import of it stores and routing classifies: a 问政 message's subject and
 * body joined (wenzheng), not the body alone. Here the subjects carry the
 * class and the bodies say nothing; a row the import would refuse (a date
 * it cannot read) is not learned from either. A content,label file, which
 * no profile fits, is read as before. */
typedef struct {
    int  n;
    char text[3][128], label[3][32];
} kept_rows;

static int keep_row(void *ctx, const char *text, const char *label)
{
    kept_rows *k = ctx;
    if (k->n == 3)
        return -1;
    snprintf(k->text[k->n], sizeof k->text[0], "%s", text);
    snprintf(k->label[k->n++], sizeof k->label[0], "%s", label);
    return 0;
}

static void test_learns_the_text_an_import_routes(void **state)
{
    (void)state;
    char err[512];
    kept_rows k = {0};
    route_learn_refused refused;
    const char csv[] = "留言编号,留言用户,留言主题,留言时间,留言详情,一级标签\r\n"
                       "1,A1,小区夜间施工噪音,2020/1/6 12:09:38,请尽快处理。,环境保护\r\n"
                       "2,A2,道路井盖破损,2020/1/7 08:00:00,请尽快处理。,城乡建设\r\n"
                       "3,A3,垃圾站无人清运,去年冬天,请尽快处理。,城乡建设\r\n";
    assert_int_equal(route_learn_file_read_bytes(csv, strlen(csv), "留言.csv", "data/profiles", &refused, keep_row, &k,
                                                 err, sizeof err), 2);
    assert_int_equal(refused.rows, 1);          /* the row whose time the import cannot read: counted, named */
    assert_non_null(strstr(refused.first, "第 4 行的留言时间："));
    assert_string_equal(k.text[0], "小区夜间施工噪音：请尽快处理。");
    assert_string_equal(k.label[0], "环境保护");
    assert_string_equal(k.text[1], "道路井盖破损：请尽快处理。");
    assert_string_equal(k.label[1], "城乡建设");
    kept_rows plain = {0};
    const char pairs[] = "content,label\r\n楼下噪音很大,环境保护\r\n";
    assert_int_equal(route_learn_file_read_bytes(pairs, strlen(pairs), "集.csv", "data/profiles", &refused, keep_row,
                                                 &plain, err, sizeof err), 1);
    assert_int_equal(refused.rows, 0);
    assert_string_equal(plain.text[0], "楼下噪音很大");
}

/* A file no usable import profile fits, beside one set aside as broken (an
 * administrator's typo), is refused naming that one as an import of the
 * file names it, in the same words: the file may have been exported for it.
 * Before, learn said only which column the header lacked. */
static void test_refusal_names_the_profile_set_aside(void **state)
{
    (void)state;
    char dir[] = "/tmp/jiesu-learn-profiles-XXXXXX", path[600], err[4096];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/typo.conf", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("timezone = Asia/Shanghai\ndates = ymd\nencoding = latin1\nticket_no = 工单编号\ncalled_at = 来电时间\n"
          "content = 诉求内容\n", f);
    assert_int_equal(fclose(f), 0);
    kept_rows k = {0};
    route_learn_refused refused;
    const char csv[] = "工单编号,诉求内容\r\n1,楼下噪音\r\n";
    assert_int_equal(route_learn_file_read_bytes(csv, strlen(csv), "历史.csv", dir, &refused, keep_row, &k, err,
                                                 sizeof err), -1);
    char said[1600];
    snprintf(said, sizeof said, "历史.csv：第一行（表头）里没有类别列：诉求内容列可以叫 诉求内容、内容、来电内容、留言详情、content，"
             "类别列可以叫 诉求类型、问题类型、一级分类、一级标签、category、label\n"
             "另有 1 个导入模板有问题、暂不能用，这个文件也许正该用它导入：\n"
             "导入模板 typo 有问题，暂不能用：文件 %s：第 3 行：编码“latin1”不认识：可写 auto、utf-8、gb18030 或 windows-1252（西文，Latin-1 也按它读）。"
             "改好这个文件即可，不必重启工单受理服务（每次导入都重新读模板）", path);
    assert_string_equal(err, said);
    const char pairs[] = "content,label\r\n楼下噪音很大,环境保护\r\n";
    assert_int_equal(route_learn_file_read_bytes(pairs, strlen(pairs), "集.csv", dir, &refused, keep_row, &k, err,
                                                 sizeof err), 1);   /* a file learned from says nothing of it */
    remove(path);
    rmdir(dir);
}

/* Labels that name no category are counted, and a few named for the
 * operator each once: an export's English hotline types, most of them one
 * type, were named as "Noise - Residential、Noise - Street/Sidewalk、Noise -
 * Residential、Blocked Driveway". */
static void test_unknown_labels_named_once(void **state)
{
    (void)state;
    route_cat *cats = route_cat_new();
    assert_non_null(cats);
    assert_true(route_cat_add(cats, "noise", "噪声扰民", NULL, "", 60, 5) >= 0);
    assert_true(route_cat_add(cats, "parking", "违章停车", NULL, "", 60, 5) >= 0);
    assert_int_equal(route_cat_build(cats), 0);
    route_learn_set *set = route_learn_set_new(14);
    route_learn_unknown unknown = {0};
    const char *labels[] = {"Noise - Residential", "Noise", "噪声扰民", "Noise - Residential", "Noise - Res",
                            "Noise", "Rodent", "Graffiti", "Taxi"};
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        assert_int_equal(route_learn_add_labelled(set, cats, "楼下很吵", labels[i], &unknown), 0);
    assert_int_equal(unknown.skipped, 8);
    assert_string_equal(unknown.examples, "Noise - Residential、Noise、Noise - Res、Rodent");
    assert_int_equal(route_learn_set_count(set), 1);
    route_learn_set_destroy(&set);
    route_cat_destroy(&cats);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_features_fold_digits_and_case),
        cmocka_unit_test(test_trains_measures_and_classifies),
        cmocka_unit_test(test_copies_held_back_together),
        cmocka_unit_test(test_near_copies_in_one_fold),
        cmocka_unit_test(test_unknown_labels_named_once),
        cmocka_unit_test(test_blob_round_trip),
        cmocka_unit_test(test_blob_claiming_more_than_it_holds),
        cmocka_unit_test(test_refuses_what_it_cannot_learn),
        cmocka_unit_test(test_reads_a_labelled_export),
        cmocka_unit_test(test_labels_as_imported),
        cmocka_unit_test(test_learns_the_text_an_import_routes),
        cmocka_unit_test(test_refusal_names_the_profile_set_aside),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
