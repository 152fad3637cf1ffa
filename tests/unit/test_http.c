/* test_http.c — the route table, form and query fields, and the error replies,
 * over real HTTP with libcurl on loopback; the limits read from the config; a
 * server's own refusals (no route, a body too large) as Open311's JSON or as
 * its owner says them; a handler blocked (on the database, say) holding up
 * no other client, and not cut by the request deadline that cuts a stalled
 * client meanwhile, and a second request of its client's address refused at
 * once; behind a trusted proxy, the client known by X-Forwarded-For, for
 * http_client_address and for the requests of one address answered at once,
 * and the header believed from no one else; a stream route's file reaching its sink piece by piece (never the
 * request's fields), the text fields before it readable meanwhile, a sink
 * that stops answered by its handler and not refused as too large; a
 * response written by its reader as it is sent.
 * (tests/integration/test_http_limits.sh tries the per-client limits on the
 * reporting service.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <arpa/inet.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "georeport.h"
#include "http.h"

typedef struct {
    char  *data;
    size_t len;
} sink;

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    sink *s = ud;
    char *grown = realloc(s->data, s->len + size * n + 1);
    assert_non_null(grown);
    memcpy(grown + s->len, p, size * n);
    s->data = grown;
    s->len += size * n;
    s->data[s->len] = '\0';
    return size * n;
}

/* Performs a request from local address src (NULL: any; header: one
 * "Name: value" line, or NULL); returns the status, *body the malloc'd body. */
static long fetch_from(const char *src, int port, const char *path, const char *post, const char *header,
                       char **body)
{
    char url[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
    CURL *c = curl_easy_init();
    sink s = {0};
    struct curl_slist *headers = header ? curl_slist_append(NULL, header) : NULL;
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
    if (src)
        curl_easy_setopt(c, CURLOPT_INTERFACE, src);
    if (post)
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, post);
    assert_int_equal(curl_easy_perform(c), CURLE_OK);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    curl_slist_free_all(headers);
    *body = s.data ? s.data : strdup("");
    return status;
}

static long fetch(int port, const char *path, const char *post, const char *header, char **body)
{
    return fetch_from(NULL, port, path, post, header, body);
}

static void echo(void *ctx, const http_request *req, http_response *resp)
{
    const char *name = http_param(req, "name"), *q = http_param(req, "q"), *key = http_header(req, "idempotency-key");
    http_reply(resp, 200, "text/plain", "%s %s %s name=%s q=%s%s%s", (const char *)ctx, http_method(req),
               http_path(req), name ? name : "-", q ? q : "-", key ? " key=" : "", key ? key : "");
}

/* Requests path (POSTing post unless NULL) and checks the status and, unless want is NULL, the body. */
static void expect(int port, const char *path, const char *post, long status, const char *want)
{
    char *body;
    assert_int_equal(fetch(port, path, post, NULL, &body), status);
    if (want)
        assert_string_equal(body, want);
    free(body);
}

/* A server on a free loopback port taking bodies up to max_body. */
static http_server *server_new(size_t max_body)
{
    char err[256];
    http_server *srv = http_server_new("127.0.0.1:0", max_body, err, sizeof err);
    if (!srv)
        fail_msg("%s", err);
    return srv;
}

/* Starts srv; its port. */
static int server_start(http_server *srv)
{
    char err[256];
    if (http_server_start(srv, err, sizeof err) != 0)
        fail_msg("%s", err);
    return http_server_port(srv);
}

static void test_routes_and_fields(void **state)
{
    (void)state;
    http_server *srv = server_new(1024);
    assert_int_equal(http_route(srv, "GET", "/services.json", echo, "svc"), 0);
    assert_int_equal(http_route(srv, "POST", "/requests.json", echo, "post"), 0);
    assert_int_equal(http_route(srv, "GET", "/requests/*", echo, "one"), 0);
    http_server_refusals(srv, georeport_refuse);
    int port = server_start(srv);
    assert_true(port > 0);
    char *body;

    assert_int_equal(fetch(port, "/services.json?q=%E8%B7%AF", NULL, NULL, &body), 200);
    assert_string_equal(body, "svc GET /services.json name=- q=路");
    free(body);
    assert_int_equal(fetch(port, "/requests.json", "name=%E5%BC%A0%E4%B8%89&q=1", NULL, &body), 200);
    assert_string_equal(body, "post POST /requests.json name=张三 q=1");
    free(body);
    assert_int_equal(fetch(port, "/requests.json", "q=2", "Idempotency-Key: k-1", &body), 200);
    assert_string_equal(body, "post POST /requests.json name=- q=2 key=k-1");
    free(body);
    assert_int_equal(fetch(port, "/requests/42.json", NULL, NULL, &body), 200);
    assert_string_equal(body, "one GET /requests/42.json name=- q=-");
    free(body);
    expect(port, "/nothing", NULL, 404, "[{\"code\":404,\"description\":\"没有这个地址\"}]\n");
    expect(port, "/services.xml", NULL, 404,
           "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<errors>\n<error><code>404</code>"
           "<description>没有这个地址</description></error>\n</errors>\n");
    expect(port, "/services.json", "a=b", 405, "[{\"code\":405,\"description\":\"这个地址不接受 POST 请求\"}]\n");
    char big[4096];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    memcpy(big, "name=", 5);
    assert_int_equal(fetch(port, "/requests.json", big, NULL, &body), 413);
    assert_non_null(strstr(body, "1024"));
    free(body);
    http_server_destroy(&srv);
    assert_null(srv);
}

/* Answers the request's query string as http_query() writes it again, into ctx's bytes (a size_t). */
static void query_again(void *ctx, const http_request *req, http_response *resp)
{
    char out[64];
    size_t n = http_query(req, out, *(const size_t *)ctx);
    http_reply(resp, 200, "text/plain", "%s|%s", n == (size_t)-1 ? "too long" : "fits", out);
}

static void test_query_written_again(void **state)
{
    (void)state;
    static const size_t roomy = 64, tight = 12;
    http_server *srv = server_new(1024);
    assert_int_equal(http_route(srv, "GET", "/q", query_again, (void *)&roomy), 0);
    assert_int_equal(http_route(srv, "GET", "/tight", query_again, (void *)&tight), 0);
    int port = server_start(srv);
    expect(port, "/q", NULL, 200, "fits|");
    expect(port, "/q?t=T1&done=accept", NULL, 200, "fits|?t=T1&done=accept");
    /* each name and value decoded, then encoded again as a URL's: a space, a &, Chinese */
    expect(port, "/q?t=%E8%B7%AF%201&x=a%26b&flag", NULL, 200, "fits|?t=%E8%B7%AF%201&x=a%26b&flag");
    expect(port, "/tight?t=T1&done=accept", NULL, 200, "too long|");
    http_server_destroy(&srv);
}

/* Answers the length of field name, field q and the field given twice. */
static void lengths(void *ctx, const http_request *req, http_response *resp)
{
    (void)ctx;
    const char *name = http_param(req, "name"), *q = http_param(req, "q"), *twice = http_repeated_field(req);
    http_reply(resp, 200, "text/plain", "name=%zu q=%s twice=%s", name ? strlen(name) : 0, q ? q : "-",
               twice ? twice : "-");
}

static void test_fields_given_twice(void **state)
{
    (void)state;
    http_server *srv = server_new(100000);
    assert_int_equal(http_route(srv, "POST", "/f", lengths, NULL), 0);
    int port = server_start(srv);
    expect(port, "/f", "name=ab&q=1", 200, "name=2 q=1 twice=-");
    /* the second value is not run into the first: the first is kept, the name told */
    expect(port, "/f", "name=ab&q=1&name=cde", 200, "name=2 q=1 twice=name");
    expect(port, "/f", "q=1&name=ab&q=2", 200, "name=2 q=1 twice=q");
    expect(port, "/f?q=1&q=2", "name=ab", 200, "name=2 q=1 twice=q");
    /* one value longer than the form reader's buffer arrives in chunks: one value */
    static char big[40006];
    memcpy(big, "name=", 5);
    memset(big + 5, 'x', sizeof big - 6);
    big[sizeof big - 1] = '\0';
    expect(port, "/f", big, 200, "name=40000 q=- twice=-");
    http_server_destroy(&srv);
}

/* A server given no way of its own: its refusals a line of plain text. */
static void test_refusals_in_words(void **state)
{
    (void)state;
    http_server *srv = server_new(64);
    assert_int_equal(http_route(srv, "GET", "/page", echo, "page"), 0);
    int port = server_start(srv);
    expect(port, "/pgae", NULL, 404, "404 没有这个地址\n");
    expect(port, "/page", "a=b", 405, "405 这个地址不接受这种请求\n");
    http_server_destroy(&srv);
}

/* A server's own refusals said its way: the status and its number. */
static void refuse_plainly(const http_request *req, http_response *resp, int status, size_t n)
{
    http_reply(resp, status, "text/plain", "%s %s: %d %zu", http_method(req), http_path(req), status, n);
}

static void test_refusals_of_its_own(void **state)
{
    (void)state;
    http_server *srv = server_new(64);
    assert_int_equal(http_route(srv, "GET", "/page", echo, "page"), 0);
    http_server_refusals(srv, refuse_plainly);
    int port = server_start(srv);
    char big[256];
    expect(port, "/page", NULL, 200, NULL);
    expect(port, "/pgae", NULL, 404, "GET /pgae: 404 0");
    expect(port, "/page", "a=b", 405, "POST /page: 405 0");
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    expect(port, "/page", big, 413, "POST /page: 413 64");
    http_server_destroy(&srv);
}

static void test_bad_address(void **state)
{
    (void)state;
    char err[256];
    assert_null(http_server_new("localhost", 10, err, sizeof err));
    assert_non_null(strstr(err, "host:port"));
    http_server *srv = http_server_new("example:80", 10, err, sizeof err);
    assert_non_null(srv);
    assert_int_equal(http_server_start(srv, err, sizeof err), -1);
    assert_non_null(strstr(err, "not an IPv4 address"));
    http_server_destroy(&srv);
}

static void test_limits_from_config(void **state)
{
    (void)state;
    char err[512];
    http_limits l;
    config *cfg = config_new();
    http_limits_load(&l, cfg);
    assert_int_equal(l.threads, 4);
    assert_int_equal(l.max_connections, 256);
    assert_int_equal(l.per_ip_connections, 32);
    assert_int_equal(l.per_ip_busy, 2);
    assert_int_equal(l.idle_seconds, 10);
    assert_int_equal(l.request_seconds, 30);
    assert_int_equal(l.memory_kib, 32);
    config_set(cfg, "http.threads", "8");
    config_set(cfg, "http.request_timeout_seconds", "5");
    http_limits_load(&l, cfg);
    assert_int_equal(l.threads, 8);
    assert_int_equal(l.request_seconds, 5);
    assert_int_equal(l.trusted.n, 0);
    config_set(cfg, "http.trusted_proxies", "127.0.0.1, 10.0.0.0/8");
    assert_int_equal(config_check(cfg, err, sizeof err), 0);
    http_limits_load(&l, cfg);
    assert_int_equal(l.trusted.n, 2);
    config_set(cfg, "http.trusted_proxies", "127.0.0.1, nginx.local");
    assert_int_equal(config_check(cfg, err, sizeof err), -1);
    assert_non_null(strstr(err, "http.trusted_proxies = '127.0.0.1, nginx.local'：“nginx.local”不是 IP 地址，"
                                "也不是 CIDR 网段；应为以逗号隔开的 IP 地址或 CIDR 网段"));
    config_set(cfg, "http.trusted_proxies", "");
    config_set(cfg, "http.per_ip_connections", "many");
    assert_int_equal(config_check(cfg, err, sizeof err), -1);
    assert_non_null(strstr(err, "http.per_ip_connections = 'many'"));
    config_set(cfg, "http.per_ip_connections", "0");
    assert_int_equal(config_check(cfg, err, sizeof err), -1);
    assert_non_null(strstr(err, "应为 1 到"));
    config_destroy(&cfg);
}

/* A handler that waits until the test lets it go. */
typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t  cond;
    int             entered, released;
    int             port;
    long            status;         /* of the slow request, once answered */
    const char     *header;         /* the slow request's, or NULL */
} slow_gate;

static void slow(void *ctx, const http_request *req, http_response *resp)
{
    slow_gate *g = ctx;
    (void)req;
    pthread_mutex_lock(&g->lock);
    g->entered = 1;
    pthread_cond_broadcast(&g->cond);
    while (!g->released)
        pthread_cond_wait(&g->cond, &g->lock);
    pthread_mutex_unlock(&g->lock);
    http_reply(resp, 200, "text/plain", "slow");
}

static void *fetch_slow(void *arg)
{
    slow_gate *g = arg;
    char *body;
    g->status = fetch_from("127.0.0.1", g->port, "/slow", NULL, g->header, &body);
    free(body);
    return NULL;
}

static long long ms_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds until the server closes a connection that sent half a header, or -1 after 5 s. */
static long long stalled_for(int port)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    static const char half[] = "GET /fast HTTP/1.1\r\nHo";
    long long t0 = ms_now(), closed = -1;
    assert_true(send(fd, half, sizeof half - 1, MSG_NOSIGNAL) == (ssize_t)(sizeof half - 1));
    struct pollfd p = {fd, POLLIN, 0};
    char c;
    while (closed < 0 && ms_now() - t0 < 5000 && poll(&p, 1, 5000) >= 0)
        if (p.revents && recv(fd, &c, 1, 0) <= 0)
            closed = ms_now() - t0;
    close(fd);
    return closed;
}

/* Starts the slow request in t; returns once its handler runs. */
static void slow_start(slow_gate *g, pthread_t *t)
{
    assert_int_equal(pthread_create(t, NULL, fetch_slow, g), 0);
    pthread_mutex_lock(&g->lock);
    while (!g->entered)
        pthread_cond_wait(&g->cond, &g->lock);
    pthread_mutex_unlock(&g->lock);
}

/* Lets the slow request end and waits for its answer. */
static void slow_end(slow_gate *g, pthread_t t)
{
    pthread_mutex_lock(&g->lock);
    g->released = 1;
    pthread_cond_broadcast(&g->cond);
    pthread_mutex_unlock(&g->lock);
    pthread_join(t, NULL);
}

static void test_slow_handler_holds_up_no_one(void **state)
{
    (void)state;
    char *body;
    slow_gate g = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0, 0};
    http_limits l;
    http_limits_load(&l, NULL);
    l.threads = 2;
    l.request_seconds = 1;
    l.per_ip_busy = 1;
    http_server *srv = server_new(1024);
    http_server_limits(srv, &l);
    assert_int_equal(http_route(srv, "GET", "/slow", slow, &g), 0);
    assert_int_equal(http_route(srv, "GET", "/fast", echo, "fast"), 0);
    g.port = server_start(srv);
    pthread_t t;
    slow_start(&g, &t);

    assert_int_equal(fetch_from("127.0.0.1", g.port, "/fast", NULL, NULL, &body), 503);
    assert_non_null(strstr(body, "你的地址已有 1 个请求正在处理"));
    free(body);
    long long t0 = ms_now();
    assert_int_equal(fetch_from("127.0.0.2", g.port, "/fast", NULL, NULL, &body), 200);
    long long fast_ms = ms_now() - t0;
    free(body);
    if (fast_ms > 1000)
        fail_msg("a request took %lld ms while another client's handler was blocked", fast_ms);
    long long stalled = stalled_for(g.port);
    if (stalled < 900 || stalled > 2500)
        fail_msg("a stalled request was closed after %lld ms (request deadline 1 s)", stalled);

    slow_end(&g, t);                        /* the slow handler has now run past the deadline */
    assert_int_equal(g.status, 200);        /* a request being answered is not cut */
    http_server_destroy(&srv);
}

/* Answers the client's address. */
static void who(void *ctx, const http_request *req, http_response *resp)
{
    char addr[64];
    (void)ctx;
    http_client_address(req, addr, sizeof addr);
    http_reply(resp, 200, "text/plain", "%s", addr);
}

/* GET /who from src with header; checks the status and, for 200, the address answered. */
static void expect_who(int port, const char *src, const char *header, long status, const char *want)
{
    char *body;
    assert_int_equal(fetch_from(src, port, "/who", NULL, header, &body), status);
    if (status == 200)
        assert_string_equal(body, want);
    free(body);
}

static void test_behind_a_trusted_proxy(void **state)
{
    (void)state;
    char err[256];
    slow_gate g = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0, 0,
                   "X-Forwarded-For: 203.0.113.7"};
    http_limits l;
    http_limits_load(&l, NULL);
    l.threads = 2;
    l.per_ip_busy = 1;
    assert_int_equal(proxies_parse(&l.trusted, "127.0.0.1", err, sizeof err), 0);
    http_server *srv = server_new(1024);
    http_server_limits(srv, &l);
    assert_int_equal(http_route(srv, "GET", "/slow", slow, &g), 0);
    assert_int_equal(http_route(srv, "GET", "/who", who, NULL), 0);
    int port = g.port = server_start(srv);
    expect_who(port, "127.0.0.1", "X-Forwarded-For: 203.0.113.7", 200, "203.0.113.7");
    expect_who(port, "127.0.0.1", "X-Forwarded-For: 10.9.9.9, 127.0.0.1", 200, "10.9.9.9");
    expect_who(port, "127.0.0.1", "X-Forwarded-For: 203.0.113.7, nonsense", 200, "127.0.0.1");
    expect_who(port, "127.0.0.2", "X-Forwarded-For: 203.0.113.7", 200, "127.0.0.2");

    pthread_t t;
    slow_start(&g, &t);         /* 203.0.113.7's one request being answered, through the proxy */
    expect_who(port, "127.0.0.1", "X-Forwarded-For: 203.0.113.7", 503, NULL);
    expect_who(port, "127.0.0.1", "X-Forwarded-For: 198.51.100.2", 200, "198.51.100.2");
    expect_who(port, "127.0.0.1", NULL, 200, "127.0.0.1");
    expect_who(port, "127.0.0.2", "X-Forwarded-For: 203.0.113.7", 200, "127.0.0.2");
    slow_end(&g, t);
    assert_int_equal(g.status, 200);
    expect_who(port, "127.0.0.1", "X-Forwarded-For: 203.0.113.7", 200, "203.0.113.7");
    http_server_destroy(&srv);
}

/* What a stream route's sink saw of a request. */
typedef struct {
    size_t   pieces, bytes, largest;
    unsigned sum;           /* of the bytes, in order */
    char     token[16];     /* the text field sent before the file, as the first piece found it */
    size_t   stop_after;    /* bytes after which the sink takes no more (0: never) */
} seen;

static int count_piece(void *ctx, http_request *req, const char *field, const char *filename, const char *data,
                       size_t len, uint64_t off)
{
    seen *s = http_request_state(req);
    (void)ctx;
    if (!s) {
        s = calloc(1, sizeof *s);
        assert_non_null(s);
        s->stop_after = *(const size_t *)ctx;
        const char *token = http_param(req, "token");
        snprintf(s->token, sizeof s->token, "%s", token ? token : "-");
        http_request_set_state(req, s, free);
    }
    assert_string_equal(field, "file");
    assert_string_equal(filename, "big.csv");
    assert_int_equal(off, s->bytes);
    for (size_t i = 0; i < len; i++)
        s->sum = s->sum * 31 + (unsigned char)data[i];
    s->pieces++;
    s->bytes += len;
    s->largest = len > s->largest ? len : s->largest;
    return s->stop_after && s->bytes >= s->stop_after ? -1 : 0;
}

static void counted(void *ctx, const http_request *req, http_response *resp)
{
    const seen *s = http_request_state(req);
    size_t len;
    const char *name, *type;
    (void)ctx;
    http_reply(resp, 200, "text/plain", "%s %zu %u kept=%s", s ? s->token : "-", s ? s->bytes : 0, s ? s->sum : 0,
               http_field(req, "file", &len, &name, &type) ? "yes" : "no");
}

/* Posts token=tok and a file of n bytes (byte i is i % 251) to path as
 * multipart/form-data; the status, *body the answer. */
static long post_file(int port, const char *path, size_t n, char **body)
{
    char url[256];
    char *data = malloc(n);
    assert_non_null(data);
    for (size_t i = 0; i < n; i++)
        data[i] = (char)(i % 251);
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
    CURL *c = curl_easy_init();
    curl_mime *form = curl_mime_init(c);
    curl_mimepart *part = curl_mime_addpart(form);
    curl_mime_name(part, "token");
    curl_mime_data(part, "tok", CURL_ZERO_TERMINATED);
    part = curl_mime_addpart(form);
    curl_mime_name(part, "file");
    curl_mime_filename(part, "big.csv");
    curl_mime_data(part, data, n);
    sink s = {0};
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_MIMEPOST, form);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
    assert_int_equal(curl_easy_perform(c), CURLE_OK);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_mime_free(form);
    curl_easy_cleanup(c);
    free(data);
    *body = s.data ? s.data : strdup("");
    return status;
}

/* The sum count_piece makes of the first n bytes post_file sends. */
static unsigned sum_of(size_t n)
{
    unsigned sum = 0;
    for (size_t i = 0; i < n; i++)
        sum = sum * 31 + (unsigned char)(i % 251);
    return sum;
}

static void test_stream_route(void **state)
{
    (void)state;
    static const size_t never = 0, early = 100000;
    char want[128], *body;
    size_t n = 3 * 1024 * 1024 + 17;
    http_server *srv = server_new(1024);
    assert_int_equal(http_route_stream(srv, "POST", "/up", counted, count_piece, (void *)&never, 4 << 20), 0);
    assert_int_equal(http_route_stream(srv, "POST", "/stop", counted, count_piece, (void *)&early, 1 << 20), 0);
    int port = server_start(srv);
    assert_int_equal(post_file(port, "/up", n, &body), 200);
    snprintf(want, sizeof want, "tok %zu %u kept=no", n, sum_of(n));
    assert_string_equal(body, want);        /* every byte, in order, to the sink; none kept as a field */
    free(body);
    /* the sink stops: the rest is read and dropped, the handler answers (no 413 past the route's max) */
    assert_int_equal(post_file(port, "/stop", n, &body), 200);
    assert_non_null(strstr(body, "tok "));
    assert_true(strtoul(body + 4, NULL, 10) >= early && strtoul(body + 4, NULL, 10) < early + 65536);
    free(body);
    http_server_destroy(&srv);
}

/* http_response.reader: 300,000 bytes ('a' + pos % 26), in blocks. */
static ssize_t letters(void *ctx, uint64_t pos, char *buf, size_t max)
{
    (*(int *)ctx)++;
    size_t n = 300000 - pos < max ? 300000 - pos : max;
    for (size_t i = 0; i < n; i++)
        buf[i] = (char)('a' + (pos + i) % 26);
    return (ssize_t)n;
}

static void letters_done(void *ctx)
{
    *(int *)ctx = -*(int *)ctx;
}

static void read_out(void *ctx, const http_request *req, http_response *resp)
{
    (void)req;
    resp->status = 200;
    resp->content_type = "text/plain";
    resp->reader = letters;
    resp->reader_ctx = ctx;
    resp->reader_free = letters_done;
    resp->size = 300000;
}

static void test_response_reader(void **state)
{
    (void)state;
    int calls = 0;
    char *body;
    http_server *srv = server_new(1024);
    assert_int_equal(http_route(srv, "GET", "/letters", read_out, &calls), 0);
    int port = server_start(srv);
    assert_int_equal(fetch(port, "/letters", NULL, NULL, &body), 200);
    assert_int_equal(strlen(body), 300000);
    for (size_t i = 0; i < 300000; i++)
        if (body[i] != 'a' + (char)(i % 26))
            fail_msg("byte %zu is %c", i, body[i]);
    free(body);
    http_server_destroy(&srv);
    assert_true(calls < -1);                /* read in several blocks, then freed */
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_routes_and_fields),
        cmocka_unit_test(test_query_written_again),
        cmocka_unit_test(test_fields_given_twice),
        cmocka_unit_test(test_refusals_in_words),
        cmocka_unit_test(test_refusals_of_its_own),
        cmocka_unit_test(test_bad_address),
        cmocka_unit_test(test_limits_from_config),
        cmocka_unit_test(test_slow_handler_holds_up_no_one),
        cmocka_unit_test(test_behind_a_trusted_proxy),
        cmocka_unit_test(test_stream_route),
        cmocka_unit_test(test_response_reader),
    };
    int rc = cmocka_run_group_tests_name("http", tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
