/* test_esc_deliver.c — alerts POSTed to a real HTTP receiver (libmicrohttpd
 * in this process): a webhook that fails twice then answers 200 gets the
 * alert on the third attempt, with the caller masked; one that never answers
 * ends as failed after the configured attempts and stays in the table; a
 * sender never posts to an address another sender is posting to.
 *
 * Needs JIESU_TEST_PG (a migrated database).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <microhttpd.h>

#include "db.h"
#include "esc_alert.h"
#include "esc_deliver.h"
#include "fixture_laoshan.h"

#define FAIL_FIRST 2

typedef struct {
    esc_ctx          ctx;
    esc_deliver_cfg  cfg;
    struct MHD_Daemon *mhd;
    int              port;
    int              requests;
    int              robot_requests;
    char             body[4096];
    size_t           body_len;
    char             idem[64];
    char             tag[64];
} fixture;

/* What the robot at url answers (HTTP 200, a refusal in its JSON), or NULL for a plain webhook:
 * /robot-gbk in GBK (中文), /robot-long in more words than a quote of 200 bytes holds whole. */
static const char *robot_reply(const char *url)
{
    static char long_reply[512];
    if (strcmp(url, "/robot-gbk") == 0)
        return "{\"errcode\":93000,\"errmsg\":\"\xd6\xd0\xce\xc4\"}";
    if (strcmp(url, "/robot-long") != 0)
        return NULL;
    size_t n = (size_t)snprintf(long_reply, sizeof long_reply, "{\"errcode\":93000,\"errmsg\":\"");
    for (int i = 0; i < 100; i++)
        n += (size_t)snprintf(long_reply + n, sizeof long_reply - n, "很");
    snprintf(long_reply + n, sizeof long_reply - n, "\"}");
    return long_reply;
}

/* Collects the body; a robot's path gets its refusal, a path /ok… 200, other paths 500 to the
 * first FAIL_FIRST requests, then 200. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *data, size_t *size, void **con_cls)
{
    (void)method, (void)version;
    fixture *f = cls;
    if (!*con_cls) {                        /* first call: headers only */
        *con_cls = f;
        f->body_len = 0;
        const char *k = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Idempotency-Key");
        snprintf(f->idem, sizeof f->idem, "%s", k ? k : "");
        return MHD_YES;
    }
    if (*size) {
        size_t n = *size < sizeof f->body - 1 - f->body_len ? *size : sizeof f->body - 1 - f->body_len;
        memcpy(f->body + f->body_len, data, n);
        f->body_len += n;
        f->body[f->body_len] = '\0';
        *size = 0;
        return MHD_YES;
    }
    const char *robot = robot_reply(url), *answer = robot ? robot : "ok";
    int status = robot ? (f->robot_requests++, 200) : strncmp(url, "/ok", 3) == 0 ? 200
                                                    : ++f->requests <= FAIL_FIRST ? 500 : 200;
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(answer), (void *)answer, MHD_RESPMEM_PERSISTENT);
    enum MHD_Result rc = MHD_queue_response(conn, (unsigned)status, r);
    MHD_destroy_response(r);
    return rc;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    f->ctx.pg = fixture_pg();
    fixture_seed_laoshan(f->ctx.pg);
    fixture_tag(f->tag, sizeof f->tag, "ED");
    f->cfg = (esc_deliver_cfg){.timeout_ms = 2000, .max_attempts = 3, .base_ms = 50, .max_backoff_ms = 200};
    f->mhd = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, on_request, f, MHD_OPTION_END);
    assert_non_null(f->mhd);
    f->port = MHD_get_daemon_info(f->mhd, MHD_DAEMON_INFO_BIND_PORT)->port;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    MHD_stop_daemon(f->mhd);
    PQfinish(f->ctx.pg);
    curl_global_cleanup();
    free(f);
    return 0;
}

/* Raises a supervise alert on a new order of this run, for webhook url. */
static long long raise_for(fixture *f, const char *url, int n)
{
    char cid[32], orders[40];
    esc_raised out;
    long long id = fixture_num(f->ctx.pg, "INSERT INTO complaints (ticket_no, called_at, content, caller_name, caller_phone)"
                                          " VALUES ('%s-%d', now(), '井盖丢失', '张三丰', '13812345678') RETURNING id",
                               f->tag, n);
    snprintf(cid, sizeof cid, "%lld", id);
    snprintf(orders, sizeof orders, "{%lld}", id);
    f->ctx.webhook_url = url;
    esc_alert_in in = {.complaint_id = cid, .rung = "supervise", .cycle = "1", .subject = "resolve",
                       .target = "campaign", .orders = orders, .reason = "supervise: caller 13812345678 waits",
                       .ticket_no = "", .unit_code = ""};
    assert_int_equal(esc_alert_raise_many(&f->ctx, &in, 1, &out), 0);
    assert_true(out.id > 0);
    return out.id;
}

/* Delivers until nothing is pending for alert (or 5 s passed). */
static void deliver_until_settled(fixture *f, long long alert)
{
    esc_deliver_stats st;
    for (int i = 0; i < 100; i++) {
        assert_int_equal(esc_deliver_due(&f->ctx, &f->cfg, 10, &st), 0);
        if (!fixture_num(f->ctx.pg, "SELECT count(*) FROM deliveries WHERE alert_id = %lld AND state = 'pending'", alert))
            return;
        usleep(50 * 1000);
    }
    fail_msg("delivery of alert %lld still pending after 5 s", alert);
}

static void test_fails_twice_then_delivered(void **state)
{
    fixture *f = *state;
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/hook", f->port);
    long long alert = raise_for(f, url, 1);
    deliver_until_settled(f, alert);
    assert_int_equal(f->requests, FAIL_FIRST + 1);
    assert_int_equal(fixture_num(f->ctx.pg, "SELECT count(*) FROM deliveries WHERE alert_id = %lld AND state = 'delivered'"
                                            " AND attempts = 3 AND last_status = 200 AND delivered_at IS NOT NULL", alert), 1);
    /* the payload: the alert, its orders, the caller masked, nothing in clear */
    assert_non_null(strstr(f->body, "\"rung\": \"supervise\""));
    assert_non_null(strstr(f->body, "\"caller\": \"张** 138****5678\""));
    assert_non_null(strstr(f->body, "caller 138****5678 waits"));
    assert_null(strstr(f->body, "13812345678"));
    assert_null(strstr(f->body, "张三丰"));
    char want[64];
    snprintf(want, sizeof want, "alert-%lld", alert);
    assert_string_equal(f->idem, want);
}

static void test_dead_webhook_ends_failed_and_stays(void **state)
{
    fixture *f = *state;
    long long alert = raise_for(f, "http://127.0.0.1:1/nobody", 2);
    deliver_until_settled(f, alert);
    assert_int_equal(fixture_num(f->ctx.pg, "SELECT count(*) FROM deliveries WHERE alert_id = %lld AND state = 'failed'"
                                            " AND attempts = 3 AND last_error <> ''", alert), 1);
    /* no webhook configured anywhere: no delivery row, the alert is still stored */
    long long quiet = raise_for(f, "", 3);
    assert_int_equal(fixture_num(f->ctx.pg, "SELECT count(*) FROM deliveries WHERE alert_id = %lld", quiet), 0);
}

/* A robot that refuses in words that are not UTF-8 (GBK), or in so many that
 * the quote of them is cut inside a character: the refusal is recorded ('?'
 * for what is not UTF-8), and each delivery is tried its number of times, no
 * more. (PostgreSQL once refused the record; the round's outcomes were rolled
 * back and its deliveries sent again, each round, for good.) */
static void test_robot_refusal_in_any_words_is_recorded(void **state)
{
    fixture *f = *state;
    char url[96];
    static const char *const path[2] = {"gbk", "long"};
    long long alert[2];
    for (int i = 0; i < 2; i++) {
        snprintf(url, sizeof url, "wecom+http://127.0.0.1:%d/robot-%s", f->port, path[i]);
        alert[i] = raise_for(f, url, 4 + i);
        deliver_until_settled(f, alert[i]);
        assert_int_equal(fixture_num(f->ctx.pg, "SELECT count(*) FROM deliveries WHERE alert_id = %lld"
                                                " AND state = 'failed' AND attempts = 3 AND last_status = 200"
                                                " AND last_error LIKE 'the robot refused it: {\"errcode\":93000%%'",
                                     alert[i]), 1);
    }
    assert_int_equal(f->robot_requests, 6);
    assert_int_equal(fixture_num(f->ctx.pg, "SELECT count(*) FROM deliveries WHERE alert_id = %lld"
                                            " AND last_error LIKE '%%\"errmsg\":\"????\"}'", alert[0]), 1);
    assert_int_equal(fixture_num(f->ctx.pg, "SELECT count(*) FROM deliveries WHERE alert_id = %lld"
                                            " AND last_error LIKE '%%很很很%%'", alert[1]), 1);
}

/* While another connection (another sender, of this process or another)
 * posts to an address (one that hangs, say), this one passes over that
 * address's deliveries and posts the others; once the address is free it
 * takes them. */
static void test_one_sender_per_address(void **state)
{
    fixture *f = *state;
    char held_url[64], free_url[64];
    snprintf(held_url, sizeof held_url, "http://127.0.0.1:%d/ok-held", f->port);
    snprintf(free_url, sizeof free_url, "http://127.0.0.1:%d/ok-free", f->port);
    long long held = raise_for(f, held_url, 6), other = raise_for(f, free_url, 7);
    PGconn *sender = fixture_pg();
    fixture_exec(sender, "BEGIN");
    fixture_exec(sender, "SELECT pg_advisory_xact_lock(7103, hashtext('%s'))", held_url);
    deliver_until_settled(f, other);
    assert_int_equal(fixture_num(f->ctx.pg, "SELECT count(*) FROM deliveries WHERE alert_id = %lld"
                                            " AND state = 'delivered' AND attempts = 1", other), 1);
    assert_int_equal(fixture_num(f->ctx.pg, "SELECT count(*) FROM deliveries WHERE alert_id = %lld"
                                            " AND state = 'pending' AND attempts = 0", held), 1);
    assert_int_equal(fixture_num(f->ctx.pg, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                                            " AND classid = 7103 AND pid = pg_backend_pid()"), 0);
    fixture_exec(sender, "COMMIT");
    PQfinish(sender);
    deliver_until_settled(f, held);
    assert_int_equal(fixture_num(f->ctx.pg, "SELECT count(*) FROM deliveries WHERE alert_id = %lld"
                                            " AND state = 'delivered' AND attempts = 1", held), 1);
}

/* A sender frozen in the middle of a delivery (its transaction idle, the
 * address locked) is cut off by PostgreSQL after hold_ms: the address is
 * free again for the others. */
static void test_frozen_sender_lets_go(void **state)
{
    fixture *f = *state;
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/ok-frozen", f->port);
    long long alert = raise_for(f, url, 8);
    esc_ctx frozen = f->ctx;
    esc_deliver_cfg cfg = f->cfg;
    cfg.hold_ms = 300;
    frozen.pg = fixture_pg();
    assert_int_equal(esc_deliver_session(&frozen, &cfg), 0);
    fixture_exec(frozen.pg, "BEGIN");
    fixture_exec(frozen.pg, "SELECT pg_advisory_xact_lock(7103, hashtext('%s'))", url);
    esc_deliver_stats st;
    assert_int_equal(esc_deliver_due(&f->ctx, &f->cfg, 10, &st), 0);
    assert_int_equal(fixture_num(f->ctx.pg, "SELECT count(*) FROM deliveries WHERE alert_id = %lld"
                                            " AND state = 'pending' AND attempts = 0", alert), 1);
    deliver_until_settled(f, alert);       /* within its 5 s: the frozen one is cut off after 0.3 */
    assert_int_equal(fixture_num(f->ctx.pg, "SELECT count(*) FROM deliveries WHERE alert_id = %lld"
                                            " AND state = 'delivered' AND attempts = 1", alert), 1);
    assert_int_equal(PQstatus(frozen.pg) == CONNECTION_OK && db_alive(frozen.pg), 0);
    PQfinish(frozen.pg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fails_twice_then_delivered),
        cmocka_unit_test(test_dead_webhook_ends_failed_and_stays),
        cmocka_unit_test(test_robot_refusal_in_any_words_is_recorded),
        cmocka_unit_test(test_one_sender_per_address),
        cmocka_unit_test(test_frozen_sender_lets_go),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
