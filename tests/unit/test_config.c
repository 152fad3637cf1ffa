/* test_config.c — config files ([section]s, comments, whitespace, bad lines
 * reported as "path:line: reason"), environment overrides, numbers, and
 * $JIESU_CONFIG; the key tables: typed reads with their defaults, the start-up
 * check (unknown, retired and bad values named with file:line or variable),
 * and the README listing every key as the tables do. Files are written to a
 * temporary directory; the parser's keys start with "t" so the JIESU_*
 * variables of a test stack cannot clash.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

typedef struct {
    char    dir[64];
    char    path[128];
    config *cfg;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    snprintf(f->dir, sizeof f->dir, "/tmp/test_config_%ld_XXXXXX", (long)getpid());
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof f->path, "%s/jiesu.conf", f->dir);
    f->cfg = config_new();
    assert_non_null(f->cfg);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    config_destroy(&f->cfg);
    assert_null(f->cfg);
    unlink(f->path);
    rmdir(f->dir);
    unsetenv("JIESU_TREDIS_ADDR");
    unsetenv("JIESU_TLIMIT");
    unsetenv("JIESU_CONFIG");
    free(f);
    return 0;
}

static void write_file(const char *path, const char *text)
{
    FILE *out = fopen(path, "w");
    assert_non_null(out);
    fputs(text, out);
    fclose(out);
}

static void test_sections_comments_whitespace(void **state)
{
    fixture *f = *state;
    char err[256] = "";
    write_file(f->path,
               "# jiesu settings\n"
               "tlog.level = debug\n"
               "\n"
               "   ; another comment style\n"
               "[tredis]\n"
               "  addr   =   127.0.0.1:6380   \n"
               "\t[ tpg ]\t\n"
               "conninfo = host=db port=5432 dbname=jiesu\n"
               "empty =\n"
               "anchor = page#top\n"
               "[tintake]\n"
               "rejects_dir = var/拒收\n"
               "\n");
    assert_int_equal(config_load_file(f->cfg, f->path, err, sizeof err), 0);
    assert_string_equal(config_get(f->cfg, "tlog.level", NULL), "debug");
    assert_string_equal(config_get(f->cfg, "tredis.addr", NULL), "127.0.0.1:6380");
    /* only the first '=' splits; the rest belongs to the value */
    assert_string_equal(config_get(f->cfg, "tpg.conninfo", NULL), "host=db port=5432 dbname=jiesu");
    assert_string_equal(config_get(f->cfg, "tpg.empty", "def"), "");
    assert_string_equal(config_get(f->cfg, "tpg.anchor", NULL), "page#top");   /* '#' mid-value stays */
    assert_string_equal(config_get(f->cfg, "tintake.rejects_dir", NULL), "var/拒收");
    assert_null(config_get(f->cfg, "addr", NULL));                 /* keys carry their section */
    assert_string_equal(config_get(f->cfg, "tmissing", "fallback"), "fallback");
}

static void test_later_keys_replace_earlier(void **state)
{
    fixture *f = *state;
    char err[256] = "";
    write_file(f->path, "tk = one\ntk = two\n[ts]\nk = a\n");
    assert_int_equal(config_load_file(f->cfg, f->path, err, sizeof err), 0);
    assert_string_equal(config_get(f->cfg, "tk", NULL), "two");
    assert_string_equal(config_get(f->cfg, "ts.k", NULL), "a");
    write_file(f->path, "[ts]\nk = b\n");
    assert_int_equal(config_load_file(f->cfg, f->path, err, sizeof err), 0);
    assert_string_equal(config_get(f->cfg, "ts.k", NULL), "b");
    assert_string_equal(config_get(f->cfg, "tk", NULL), "two");
}

/* Loads text and expects failure with exactly "path:line: reason". */
static void expect_bad(fixture *f, const char *text, int line, const char *reason)
{
    char err[256] = "", want[256];
    write_file(f->path, text);
    assert_int_equal(config_load_file(f->cfg, f->path, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s:%d：%s", f->path, line, reason);
    assert_string_equal(err, want);
}

static void test_bad_lines_name_file_and_line(void **state)
{
    fixture *f = *state;
    expect_bad(f, "ta = 1\n\njust words\n", 3, "应为“键 = 值”的形式");
    expect_bad(f, "# ok\n[tredis\naddr = x\n", 2, "节标题写错了：应为 [节名]");
    expect_bad(f, "[tredis] trailing\n", 1, "节标题写错了：应为 [节名]");
    expect_bad(f, "[]\n", 1, "节标题写错了：应为 [节名]");
    expect_bad(f, "ta = 1\n   = value\n", 2, "等号前没有键名");

    char text[6000];
    memset(text, 'x', sizeof text);
    memcpy(text, "ta = 1\ntb = ", 12);
    strcpy(text + sizeof text - 2, "\n");
    expect_bad(f, text, 2, "这一行超过 4095 个字节");
    FILE *fp = fopen(f->path, "w");                            /* UTF-16, as Notepad may save it */
    assert_non_null(fp);
    fwrite("t\0a\0 \0=\0 \0\x31\0\n\0", 1, 14, fp);
    fclose(fp);
    char err[256] = "", want[256];
    assert_int_equal(config_load_file(f->cfg, f->path, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s:1：这一行含有 NUL 字节：请把文件存为 UTF-8 文本（不读 UTF-16）",
             f->path);
    assert_string_equal(err, want);
    memset(text, 's', 300);
    text[0] = '[';
    strcpy(text + 300, "]\n");
    expect_bad(f, text, 1, "节名太长");
}

static void test_a_bom_is_not_part_of_the_first_key(void **state)
{
    fixture *f = *state;
    char err[256] = "";
    write_file(f->path, "\xEF\xBB\xBF" "ta = 1\ntb = \xEF\xBB\xBF" "2\n");
    assert_int_equal(config_load_file(f->cfg, f->path, err, sizeof err), 0);
    assert_string_equal(config_get(f->cfg, "ta", NULL), "1");
    assert_string_equal(config_get(f->cfg, "tb", NULL), "\xEF\xBB\xBF" "2");     /* only the file's start */
}

static void test_missing_file(void **state)
{
    fixture *f = *state;
    char err[256] = "";
    assert_int_equal(config_load_file(f->cfg, "/nonexistent/jiesu.conf", err, sizeof err), -1);
    assert_string_equal(err, "/nonexistent/jiesu.conf：没有这个文件或目录（核对路径）");
}

static void test_environment_wins(void **state)
{
    fixture *f = *state;
    char err[256] = "";
    write_file(f->path, "[tredis]\naddr = from-file:1\n");
    assert_int_equal(config_load_file(f->cfg, f->path, err, sizeof err), 0);
    assert_int_equal(config_set(f->cfg, "tlimit", "5"), 0);
    assert_string_equal(config_get(f->cfg, "tredis.addr", NULL), "from-file:1");
    setenv("JIESU_TREDIS_ADDR", "from-env:2", 1);
    setenv("JIESU_TLIMIT", "9", 1);
    assert_string_equal(config_get(f->cfg, "tredis.addr", NULL), "from-env:2");
    assert_string_equal(config_get(f->cfg, "tlimit", NULL), "9");
    assert_int_equal(config_set(f->cfg, "tredis.addr", "set:3"), 0);
    assert_string_equal(config_get(f->cfg, "tredis.addr", NULL), "from-env:2");  /* still the environment */
    unsetenv("JIESU_TREDIS_ADDR");
    assert_string_equal(config_get(f->cfg, "tredis.addr", NULL), "set:3");
    /* an absent key with an environment value needs no file entry */
    setenv("JIESU_TREDIS_ADDR", "only-env:4", 1);
    config *empty = config_new();
    assert_string_equal(config_get(empty, "tredis.addr", "def"), "only-env:4");
    config_destroy(&empty);
}

static void test_typed_reads(void **state)
{
    fixture *f = *state;
    assert_int_equal(config_long(f->cfg, "escalation.repeat_count"), 3);               /* the table's default */
    assert_true(config_real(f->cfg, "escalation.unit_overdue_rate") == 0.3);
    assert_string_equal(config_str(f->cfg, "escalation.smtp_from"), "jiesu@localhost");
    assert_false(config_is_set(f->cfg, "escalation.repeat_count"));
    assert_int_equal(config_set(f->cfg, "escalation.repeat_count", " 42 "), 0);
    assert_int_equal(config_set(f->cfg, "escalation.unit_overdue_rate", "0.25"), 0);
    assert_int_equal(config_long(f->cfg, "escalation.repeat_count"), 42);
    assert_true(config_real(f->cfg, "escalation.unit_overdue_rate") == 0.25);
    assert_true(config_is_set(f->cfg, "escalation.repeat_count"));
    assert_int_equal(config_long(NULL, "http.threads"), 4);                             /* NULL: the defaults */
    assert_string_equal(config_str(f->cfg, "timezone"), "Asia/Shanghai");
    assert_int_equal(config_utc_offset_min(f->cfg), 480);
}

/* Loads text as the file and expects config_check to refuse it with want in the message. */
static void expect_refused(fixture *f, const char *text, const char *want)
{
    char err[1024] = "";
    config *cfg = config_new();
    write_file(f->path, text);
    assert_int_equal(config_load_file(cfg, f->path, err, sizeof err), 0);
    assert_int_equal(config_check(cfg, err, sizeof err), -1);
    if (!strstr(err, want))
        fail_msg("refused with '%s', expected '%s' in it", err, want);
    config_destroy(&cfg);
}

static void test_check_refuses_bad_settings(void **state)
{
    fixture *f = *state;
    char want[512], err[1024] = "";
    snprintf(want, sizeof want, "%s:3：没有“escalation.repeat_cuont”这个配置键（`jiesu config` 列出全部配置键", f->path);
    expect_refused(f, "[escalation]\nrepeat_count = 4\nrepeat_cuont = 5\n", want);
    snprintf(want, sizeof want, "%s:2：escalation.repeat_count = '3x'：应为 2 到 1000 的整数", f->path);
    expect_refused(f, "[escalation]\nrepeat_count = 3x\n", want);
    expect_refused(f, "escalation.repeat_count = 1\n", "escalation.repeat_count = '1'：应为 2 到 1000 的整数");
    expect_refused(f, "escalation.unit_overdue_rate = 7\n", "'7'：应为 0 到 1 的数");
    expect_refused(f, "assignment.batch =\n", "assignment.batch = ''：应为 1 到");
    expect_refused(f, "log.level = loud\n", "log.level = 'loud'：应为 debug/info/warn/error 之一");
    snprintf(want, sizeof want, "%s:2：calendar.utc_offset_minutes 已不再读取，请改设 timezone", f->path);
    expect_refused(f, "[calendar]\nutc_offset_minutes = 480\n", want);
    expect_refused(f, "report.timezone = Asia/Shanghai\n", "请改设 timezone");
    expect_refused(f, "timezone = Mars/Olympus_Mons\n", "timezone = 'Mars/Olympus_Mons'：应为不用夏令时的 IANA 时区名");
    expect_refused(f, "timezone = Europe/Paris\n", "不用夏令时");
    expect_refused(f, "timezone = ../../etc/passwd\n", "应为不用夏令时的 IANA 时区名");
    setenv("JIESU_ESCALATION_REPEAT_COUNT", "many", 1);
    assert_int_equal(config_check(f->cfg, err, sizeof err), -1);
    assert_string_equal(err, "环境变量 JIESU_ESCALATION_REPEAT_COUNT：escalation.repeat_count = 'many'："
                             "应为 2 到 1000 的整数");
    unsetenv("JIESU_ESCALATION_REPEAT_COUNT");
    setenv("JIESU_INTAKE_UTC_OFFSET_MINUTES", "480", 1);
    assert_int_equal(config_check(f->cfg, err, sizeof err), -1);
    assert_non_null(strstr(err, "JIESU_INTAKE_UTC_OFFSET_MINUTES：intake.utc_offset_minutes 已不再读取，"
                                "请改设 timezone"));
    unsetenv("JIESU_INTAKE_UTC_OFFSET_MINUTES");
    write_file(f->path, "timezone = UTC\n[escalation]\nrepeat_count = 4\n");
    assert_int_equal(config_load_file(f->cfg, f->path, err, sizeof err), 0);
    assert_int_equal(config_check(f->cfg, err, sizeof err), 0);
    assert_int_equal(config_utc_offset_min(f->cfg), 0);
}

/* Every default passes its own check, and no key is declared twice. */
static void test_tables_consistent(void **state)
{
    (void)state;
    char err[1024] = "";
    config *cfg = config_new();
    const char *seen[512];
    size_t nseen = 0;
    for (size_t t = 0; t < CONFIG_NTABLES; t++) {
        for (size_t i = 0; i < CONFIG_TABLES[t].n; i++) {
            const config_key *k = &CONFIG_TABLES[t].keys[i];
            for (size_t j = 0; j < nseen; j++)
                if (strcmp(seen[j], k->key) == 0)
                    fail_msg("%s is declared twice", k->key);
            assert_true(nseen < sizeof seen / sizeof seen[0]);
            seen[nseen++] = k->key;
            assert_int_equal(config_set(cfg, k->key, k->def), 0);
            assert_true(k->type == CONFIG_TEXT || k->type == CONFIG_ADDRS || *k->def); /* only text and lists may be empty */
            assert_non_null(k->meaning);
        }
    }
    int rc = config_check(cfg, err, sizeof err);
    config_destroy(&cfg);
    if (rc != 0)
        fail_msg("a default is refused: %s", err);
}

/* What `jiesu config` prints (config_print_markdown), its length into *len
 * unless NULL; the caller frees it. */
static char *listing_made(size_t *len)
{
    char *listing = NULL;
    size_t n = 0;
    FILE *out = open_memstream(&listing, &n);
    assert_non_null(out);
    config_print_markdown(out);
    fclose(out);
    if (len)
        *len = n;
    return listing;
}

/* The README's configuration section is the tables' listing, word for word. */
static void test_readme_lists_every_key(void **state)
{
    (void)state;
    static const char BEGIN[] = "<!-- config-keys: begin (jiesu config) -->\n", END[] = "<!-- config-keys: end -->";
    FILE *in = fopen("README.md", "r");
    assert_non_null(in);
    static char readme[1 << 20];
    size_t n = fread(readme, 1, sizeof readme - 1, in);
    fclose(in);
    readme[n] = '\0';
    char *from = strstr(readme, BEGIN), *to = from ? strstr(from, END) : NULL;
    assert_non_null(to);
    from += strlen(BEGIN);
    size_t len;
    char *listing = listing_made(&len);
    if ((size_t)(to - from) != len || memcmp(from, listing, len) != 0)
        fail_msg("README.md's configuration table differs from common/config_keys.c: put the output of "
                 "`jiesu config` between the config-keys markers");
    free(listing);
}

/* `jiesu config` is read by the administrators who set the keys: Chinese
 * headings, allowed values and meanings; the keys and defaults as written. */
static void test_listing_in_chinese(void **state)
{
    (void)state;
    char *listing = listing_made(NULL);
    assert_non_null(strstr(listing, "每个程序读取：\n\n| 键 | 默认值 | 可取的值 | 含义 |\n"));
    assert_non_null(strstr(listing, "| `log.level` | `info` | debug/info/warn/error 之一 | 各服务的日志级别 |\n"));
    assert_non_null(strstr(listing, "| `escalation.repeat_count` | `3` | 2 到 1000 的整数 |"));
    assert_non_null(strstr(listing, "| `redis.password_file` | （无） |"));
    assert_non_null(strstr(listing, "jiesu（命令行工具）读取："));
    assert_null(strstr(listing, "Read by"));
    assert_null(strstr(listing, "whole number"));
    free(listing);
}

/* `jiesu config` lists the defaults, not the values a program uses: its
 * heading said only 每个程序读取 over a column 默认值, read as the settings
 * in force; it says so first, and where the values in use are. */
static void test_listing_says_it_lists_defaults(void **state)
{
    (void)state;
    char *listing = listing_made(NULL);
    assert_true(strncmp(listing, "这里列的是各键的默认值，不是在用的值。", strlen("这里列的是各键的默认值，不是在用的值。")) == 0);
    assert_non_null(strstr(listing, "`JIESU_CONFIG`"));
    assert_non_null(strstr(listing, "`JIESU_REDIS_ADDR`"));
    free(listing);
}

static void test_env_file(void **state)
{
    fixture *f = *state;
    char err[256] = "";
    unsetenv("JIESU_CONFIG");
    assert_int_equal(config_load_env_file(f->cfg, err, sizeof err), 0);     /* unset: nothing to load */
    write_file(f->path, "[tintake]\nrouter = tcp://127.0.0.1:7101\n");
    setenv("JIESU_CONFIG", f->path, 1);
    assert_int_equal(config_load_env_file(f->cfg, err, sizeof err), 0);
    assert_string_equal(config_get(f->cfg, "tintake.router", NULL), "tcp://127.0.0.1:7101");
    char missing[160];
    snprintf(missing, sizeof missing, "%s/absent.conf", f->dir);
    setenv("JIESU_CONFIG", missing, 1);
    assert_int_equal(config_load_env_file(f->cfg, err, sizeof err), -1);
    assert_non_null(strstr(err, missing));
}

static void test_set_and_destroy(void **state)
{
    (void)state;
    config *cfg = config_new();
    assert_non_null(cfg);
    char key[32];
    for (int i = 0; i < 200; i++) {                 /* grows past the first allocation */
        snprintf(key, sizeof key, "tmany.k%d", i);
        assert_int_equal(config_set(cfg, key, key), 0);
    }
    assert_string_equal(config_get(cfg, "tmany.k199", NULL), "tmany.k199");
    assert_int_equal(config_set(cfg, "", "x"), -1);
    assert_int_equal(config_set(cfg, NULL, "x"), -1);
    config_destroy(&cfg);
    assert_null(cfg);
    config_destroy(&cfg);                           /* twice is harmless */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sections_comments_whitespace, setup, teardown),
        cmocka_unit_test_setup_teardown(test_later_keys_replace_earlier, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_lines_name_file_and_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_bom_is_not_part_of_the_first_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_environment_wins, setup, teardown),
        cmocka_unit_test_setup_teardown(test_typed_reads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_refuses_bad_settings, setup, teardown),
        cmocka_unit_test(test_tables_consistent),
        cmocka_unit_test(test_readme_lists_every_key),
        cmocka_unit_test(test_listing_in_chinese),
        cmocka_unit_test(test_listing_says_it_lists_defaults),
        cmocka_unit_test_setup_teardown(test_env_file, setup, teardown),
        cmocka_unit_test(test_set_and_destroy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
