/* test_http.c — the route table, form and query fields, and the error replies,
 * over real HTTP with libcurl on loopback. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <curl/curl.h>

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

/* Performs a request (header: one "Name: value" line, or NULL); returns the
 * status, *body the malloc'd body. */
static long fetch(int port, const char *path, const char *post, const char *header, char **body)
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

static void echo(void *ctx, const http_request *req, http_response *resp)
{
    const char *name = http_param(req, "name"), *q = http_param(req, "q"), *key = http_header(req, "idempotency-key");
    http_reply(resp, 200, "text/plain", "%s %s %s name=%s q=%s%s%s", (const char *)ctx, http_method(req),
               http_path(req), name ? name : "-", q ? q : "-", key ? " key=" : "", key ? key : "");
}

static void test_routes_and_fields(void **state)
{
    (void)state;
    char err[256];
    http_server *srv = http_server_new("127.0.0.1:0", 1024, err, sizeof err);
    assert_non_null(srv);
    assert_int_equal(http_route(srv, "GET", "/services.json", echo, "svc"), 0);
    assert_int_equal(http_route(srv, "POST", "/requests.json", echo, "post"), 0);
    assert_int_equal(http_route(srv, "GET", "/requests/*", echo, "one"), 0);
    assert_int_equal(http_server_start(srv, err, sizeof err), 0);
    int port = http_server_port(srv);
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
    assert_int_equal(fetch(port, "/nothing", NULL, NULL, &body), 404);
    free(body);
    assert_int_equal(fetch(port, "/services.json", "a=b", NULL, &body), 405);
    free(body);
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

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_routes_and_fields),
        cmocka_unit_test(test_bad_address),
    };
    int rc = cmocka_run_group_tests_name("http", tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
