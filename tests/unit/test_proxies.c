/* test_proxies.c — http.trusted_proxies read (addresses and CIDR ranges,
 * IPv4 and IPv6, blanks, what is refused naming the entry) and the client's
 * address walked out of X-Forwarded-For: believed only from a trusted peer,
 * trusted entries skipped from the right, the first other one the client, a
 * malformed entry stopping at the peer, several headers read as one list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "proxies.h"

static proxies trusting(const char *list)
{
    proxies p;
    char err[256];
    if (proxies_parse(&p, list, err, sizeof err) != 0)
        fail_msg("'%s' refused: %s", list, err);
    return p;
}

/* The error proxies_parse gives list ("" when it takes it). */
static const char *refusal(const char *list)
{
    static char err[256];
    proxies p;
    err[0] = '\0';
    if (proxies_parse(&p, list, err, sizeof err) == 0)
        return "";
    assert_int_equal(p.n, 0);
    return err;
}

static void test_parse(void **state)
{
    (void)state;
    assert_int_equal(trusting("").n, 0);
    assert_int_equal(trusting("  ").n, 0);
    proxies p = trusting(" 10.0.0.5 ,172.16.0.0/12,\t::1, 2001:db8::/32, ::ffff:192.0.2.1 ");
    assert_int_equal(p.n, 5);
    assert_int_equal(p.ranges[1].bits, 12);
    assert_int_equal(p.ranges[2].v6, 1);
    assert_int_equal(p.ranges[4].v6, 0);            /* IPv4-mapped: the IPv4 address */
    assert_int_equal(trusting("0.0.0.0/0, ::/0").n, 2);
    assert_string_equal(refusal("10.0.0.5, nginx"), "“nginx”不是 IP 地址，也不是 CIDR 网段");
    assert_string_equal(refusal("10.0.0.300"), "“10.0.0.300”不是 IP 地址，也不是 CIDR 网段");
    assert_string_equal(refusal("10.0.0.1:8080"), "“10.0.0.1:8080”不是 IP 地址，也不是 CIDR 网段");
    assert_string_equal(refusal("10.0.0.0/33"), "“10.0.0.0/33”的前缀长度不对：斜线后应是 0 到 32 的整数");
    assert_string_equal(refusal("::/129"), "“::/129”的前缀长度不对：斜线后应是 0 到 128 的整数");
    assert_string_equal(refusal("10.0.0.0/"), "“10.0.0.0/”的前缀长度不对：斜线后应是 0 到 32 的整数");
    assert_string_equal(refusal("10.0.0.0/8x"), "“10.0.0.0/8x”的前缀长度不对：斜线后应是 0 到 32 的整数");
    assert_string_equal(refusal("10.0.0.0/-8"), "“10.0.0.0/-8”的前缀长度不对：斜线后应是 0 到 32 的整数");
    assert_string_equal(refusal("10.0.0.1,,10.0.0.2"), "有一项是空的（两个逗号之间，或开头、末尾的逗号）");
    assert_string_equal(refusal("10.0.0.1,"), "有一项是空的（两个逗号之间，或开头、末尾的逗号）");
    char many[2048] = "";
    for (int i = 0; i <= PROXIES_MAX; i++)
        snprintf(many + strlen(many), sizeof many - strlen(many), "%s10.0.%d.1", i ? "," : "", i);
    assert_string_equal(refusal(many), "多于 64 项：请把同一网段的地址合成 CIDR 网段");
}

static void test_trusts(void **state)
{
    (void)state;
    proxies p = trusting("10.0.0.5, 172.16.0.0/12, 2001:db8::/32");
    assert_true(proxies_trusts(&p, "10.0.0.5"));
    assert_false(proxies_trusts(&p, "10.0.0.6"));
    assert_true(proxies_trusts(&p, "172.16.0.1"));
    assert_true(proxies_trusts(&p, "172.31.255.255"));
    assert_false(proxies_trusts(&p, "172.32.0.0"));
    assert_true(proxies_trusts(&p, "2001:db8:1::7"));
    assert_false(proxies_trusts(&p, "2001:db9::1"));
    assert_true(proxies_trusts(&p, "::ffff:10.0.0.5"));
    assert_false(proxies_trusts(&p, ""));
    assert_false(proxies_trusts(&p, "nginx"));
    proxies none = trusting("");
    assert_false(proxies_trusts(&none, "10.0.0.5"));
}

/* The client behind peer with the X-Forwarded-For headers given (NULL-terminated). */
static const char *client(const proxies *p, const char *peer, ...)
{
    static char out[64];
    const char *values[8];
    size_t n = 0;
    va_list ap;
    va_start(ap, peer);
    for (const char *v; (v = va_arg(ap, const char *));)
        values[n++] = v;
    va_end(ap);
    proxies_client(p, peer, values, n, out, sizeof out);
    return out;
}

static void test_walk(void **state)
{
    (void)state;
    proxies p = trusting("127.0.0.1, 10.0.0.0/8");
    assert_string_equal(client(&p, "127.0.0.1", "203.0.113.7", NULL), "203.0.113.7");
    assert_string_equal(client(&p, "127.0.0.1", NULL), "127.0.0.1");          /* no header */
    /* a client's own entry to the left of what the proxy wrote is never reached */
    assert_string_equal(client(&p, "127.0.0.1", "1.1.1.1, 203.0.113.7", NULL), "203.0.113.7");
    /* trusted hops skipped, whatever lies further left */
    assert_string_equal(client(&p, "127.0.0.1", "1.1.1.1, 203.0.113.7, 10.1.2.3 ,10.0.0.9", NULL), "203.0.113.7");
    /* every entry a trusted proxy: the furthest */
    assert_string_equal(client(&p, "127.0.0.1", "10.0.0.3, 10.0.0.9", NULL), "10.0.0.3");
    /* malformed before the client is found: the peer */
    assert_string_equal(client(&p, "127.0.0.1", "203.0.113.7, unknown", NULL), "127.0.0.1");
    assert_string_equal(client(&p, "127.0.0.1", "203.0.113.7:4711", NULL), "127.0.0.1");
    assert_string_equal(client(&p, "127.0.0.1", "203.0.113.7,", NULL), "127.0.0.1");
    assert_string_equal(client(&p, "127.0.0.1", "", NULL), "127.0.0.1");
    assert_string_equal(client(&p, "127.0.0.1", "garbage, 203.0.113.7", NULL), "203.0.113.7");   /* never reached */
    /* canonical text */
    assert_string_equal(client(&p, "127.0.0.1", "2001:DB8:0:0::1", NULL), "2001:db8::1");
    assert_string_equal(client(&p, "127.0.0.1", "::ffff:203.0.113.7", NULL), "203.0.113.7");
    /* several headers: one list, the last header the rightmost */
    assert_string_equal(client(&p, "127.0.0.1", "203.0.113.7", "198.51.100.2", NULL), "198.51.100.2");
    assert_string_equal(client(&p, "127.0.0.1", "203.0.113.7", "10.0.0.4", NULL), "203.0.113.7");
    assert_string_equal(client(&p, "127.0.0.1", "203.0.113.7", "10.0.0.4, bad", NULL), "127.0.0.1");
    /* an untrusted peer: the header is not read */
    assert_string_equal(client(&p, "192.0.2.9", "203.0.113.7", NULL), "192.0.2.9");
    assert_string_equal(client(&p, "", "203.0.113.7", NULL), "");
    proxies none = trusting("");
    assert_string_equal(client(&none, "127.0.0.1", "203.0.113.7", NULL), "127.0.0.1");
}

/* An address typed by a person is written as the sign-in pages record it. */
static void test_address(void **state)
{
    (void)state;
    char out[64];
    assert_int_equal(proxies_address("2001:DB8:0::7", out, sizeof out), 0);
    assert_string_equal(out, "2001:db8::7");
    assert_int_equal(proxies_address("::ffff:203.0.113.9", out, sizeof out), 0);
    assert_string_equal(out, "203.0.113.9");
    assert_int_equal(proxies_address("203.0.113.9", out, sizeof out), 0);
    assert_string_equal(out, "203.0.113.9");
    assert_int_equal(proxies_address("example.org", out, sizeof out), -1);
    assert_int_equal(proxies_address("", out, sizeof out), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_trusts),
        cmocka_unit_test(test_walk),
        cmocka_unit_test(test_address),
    };
    return cmocka_run_group_tests_name("proxies", tests, NULL, NULL);
}
