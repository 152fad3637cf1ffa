/* test_rconn.c — Redis connections from address strings against a real Redis
 * (JIESU_TEST_REDIS, its password in the file JIESU_TEST_REDIS_PASSWORD_FILE):
 * good and bad addresses, retrying until wait_ms, the password (none, wrong,
 * missing file: refused at once), the command timeout, a server that takes
 * the connection and never answers given up within a second whatever the
 * command timeout, and reading the replies of a pipeline.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "rconn.h"

static const char *test_addr(void)
{
    const char *addr = getenv("JIESU_TEST_REDIS");
    if (!addr || !*addr)
        fail_msg("JIESU_TEST_REDIS is not set: point it at a Redis server (host:port; "
                 "scripts/stack.sh start prints it)");
    return addr;
}

/* The test server's password file; NULL when it has none. */
static const char *test_password_file(void)
{
    const char *file = getenv("JIESU_TEST_REDIS_PASSWORD_FILE");
    return file && *file ? file : NULL;
}

static long mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void test_open_and_ping(void **state)
{
    (void)state;
    char err[256] = "";
    redisContext *rc = rconn_open(test_addr(), test_password_file(), 2000, 2000, err, sizeof err);
    if (!rc)
        fail_msg("%s", err);
    assert_int_equal(rconn_ping(rc), 0);
    redisFree(rc);
    rc = rconn_open(test_addr(), test_password_file(), 0, 0, err, sizeof err);   /* no timeout at all */
    assert_non_null(rc);
    assert_int_equal(rconn_ping(rc), 0);
    redisFree(rc);
}

/* Opens addr expecting failure with "addr: <reason starting with why>". */
static void expect_refused(const char *addr, int wait_ms, const char *why)
{
    char err[256] = "", want[256];
    assert_null(rconn_open(addr, NULL, 500, wait_ms, err, sizeof err));
    snprintf(want, sizeof want, "%s: %s", addr, why);
    if (strncmp(err, want, strlen(want)) != 0)
        fail_msg("expected \"%s...\", got \"%s\"", want, err);
}

static void test_bad_addresses(void **state)
{
    (void)state;
    const char *const bad[] = {"localhost", "127.0.0.1:", "127.0.0.1:abc", "127.0.0.1:0", "127.0.0.1:70000",
                               ":6379", "[::1:6379", "127.0.0.1:63 79"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        long start = mono_ms();
        expect_refused(bad[i], 5000, "expected host:port or unix:/path");
        assert_true(mono_ms() - start < 1000);          /* a malformed address is not retried */
    }
}

static void test_retries_until_wait(void **state)
{
    (void)state;
    long start = mono_ms();
    expect_refused("127.0.0.1:1", 500, "");
    long took = mono_ms() - start;
    assert_true(took >= 500);
    assert_true(took < 5000);
    /* well-formed but unreachable forms get the server's reason, not a format complaint */
    char err[256] = "";
    assert_null(rconn_open("[::1]:1", NULL, 200, 0, err, sizeof err));
    assert_null(strstr(err, "expected host:port"));
    assert_null(rconn_open("unix:/nonexistent/redis.sock", NULL, 200, 0, err, sizeof err));
    assert_non_null(strstr(err, "unix:/nonexistent/redis.sock: "));
    assert_null(strstr(err, "expected host:port"));
}

/* Opens the test server with password_file expecting a refusal at once whose
 * reason contains want. */
static void expect_auth_refused(const char *password_file, const char *want)
{
    char err[512] = "";
    long start = mono_ms();
    assert_null(rconn_open(test_addr(), password_file, 500, 5000, err, sizeof err));
    assert_true(mono_ms() - start < 1000);              /* a refusal is not retried */
    if (!strstr(err, want))
        fail_msg("expected \"%s\" in \"%s\"", want, err);
}

static void test_password(void **state)
{
    (void)state;
    char wrong[] = "/tmp/test_rconn_wrong_XXXXXX";
    if (!test_password_file())
        skip();                                         /* the test server has no password */
    expect_auth_refused(NULL, "NOAUTH");
    expect_auth_refused(NULL, "set redis.password_file");
    expect_auth_refused("/nonexistent/redis.password", "password file /nonexistent/redis.password: ");
    int fd = mkstemp(wrong);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "not-the-password\n", 17), 17);
    close(fd);
    expect_auth_refused(wrong, "WRONGPASS");
    unlink(wrong);
}

static void test_command_timeout(void **state)
{
    (void)state;
    char err[256] = "", key[64];
    redisContext *rc = rconn_open(test_addr(), test_password_file(), 200, 0, err, sizeof err);
    assert_non_null(rc);
    snprintf(key, sizeof key, "test:rconn:%ld:empty", (long)getpid());
    long start = mono_ms();
    redisReply *r = redisCommand(rc, "BLPOP %s 3", key);  /* blocks longer than the timeout */
    assert_null(r);
    assert_int_not_equal(rc->err, 0);
    assert_true(mono_ms() - start < 2500);
    redisFree(rc);
}

/* A server that takes connections and never answers (the kernel completes
 * them on a listening socket nobody accepts on), as a stalled Redis does: a
 * try at it ends within about a second (the handshake's bound), not after the
 * 5 s command timeout, so a service retrying from its request loop keeps
 * answering. */
static void test_silent_server(void **state)
{
    (void)state;
    char err[256] = "", addr[64];
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof sin;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
    assert_int_equal(listen(fd, 8), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
    snprintf(addr, sizeof addr, "127.0.0.1:%d", ntohs(sin.sin_port));
    long start = mono_ms();
    assert_null(rconn_open(addr, NULL, 5000, 0, err, sizeof err));
    assert_true(mono_ms() - start < 3500);
    assert_non_null(strstr(err, addr));
    close(fd);
}

static void test_drain(void **state)
{
    (void)state;
    char err[256] = "", key[64];
    redisContext *rc = rconn_open(test_addr(), test_password_file(), 2000, 0, err, sizeof err);
    assert_non_null(rc);
    snprintf(key, sizeof key, "test:rconn:%ld:str", (long)getpid());
    assert_int_equal(redisAppendCommand(rc, "SET %s hello", key), REDIS_OK);
    assert_int_equal(redisAppendCommand(rc, "GET %s", key), REDIS_OK);
    assert_int_equal(rconn_drain(rc, 2, err, sizeof err), 0);

    assert_int_equal(redisAppendCommand(rc, "INCR %s", key), REDIS_OK);   /* not a number: error */
    assert_int_equal(redisAppendCommand(rc, "DEL %s", key), REDIS_OK);
    assert_int_equal(redisAppendCommand(rc, "INCR %s", key), REDIS_OK);
    assert_int_equal(rconn_drain(rc, 3, err, sizeof err), -1);
    assert_non_null(strstr(err, "not an integer"));
    /* every reply was read: the next command gets its own */
    redisReply *r = redisCommand(rc, "GET %s", key);
    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_STRING);
    assert_string_equal(r->str, "1");
    freeReplyObject(r);
    assert_int_equal(rconn_drain(rc, 0, err, sizeof err), 0);
    r = redisCommand(rc, "DEL %s", key);
    freeReplyObject(r);
    redisFree(rc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_and_ping),
        cmocka_unit_test(test_bad_addresses),
        cmocka_unit_test(test_retries_until_wait),
        cmocka_unit_test(test_password),
        cmocka_unit_test(test_command_timeout),
        cmocka_unit_test(test_silent_server),
        cmocka_unit_test(test_drain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
