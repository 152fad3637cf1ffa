/* test_svc.c — the shared service skeleton: start-up from a config file,
 * ping answered for every service, requests dispatched by type, unknown types
 * refused with the list of known ones, a missing endpoint key refused; and
 * who may ask: the handler runs for the principal of the connection's key,
 * only when its role is the route's; a key not registered is refused at the
 * handshake, a disabled user or a key given up at the next request (on a
 * connection already open too); a service without its key
 * file does not start; a delegate service (auth.delegates) acts for a person
 * by their live session or API token, and nobody else may; a handler whose
 * statement PostgreSQL refuses answers with PostgreSQL's reason. Needs
 * JIESU_TEST_PG (tests/run.sh sets it). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zmq.h>

#include "svc.h"
#include "test_keys.h"
#include "view.h"
#include "test_servers.h"

typedef struct {
    char dir[64];
    char conf[128];
    char router[128];
} fixture;

/* The service's pair (written to <dir>/intake.key), a clerk's, a handler's
 * (both registered), a stranger's (not registered), and two services': the
 * web tier (a delegate) and another. */
static keys_pair SERVICE, CLERK, HANDLER, STRANGER, WEB, OTHER_SERVICE;

#define CLERK_TOKEN "jsk_test-clerk-api-token"
#define CLERK_SESSION "jsk_test-clerk-session"

static int handled;
static char handled_for[AUTH_NAME_MAX];

static void on_echo(service *s, const bus_request *req, const auth_principal *who)
{
    handled++;
    snprintf(handled_for, sizeof handled_for, "%s", who->name);
    Jiesu__Pong pong = JIESU__PONG__INIT;
    pong.service = "echo";
    bus_server_reply(s->server, req, "echo.reply", &pong.base);
}

/* A view whose statement names a column that is not there. */
static const view_section BROKEN_SECTIONS[] = {
    {"broken", "l", NULL, 0, "SELECT no_such_column FROM principals WHERE id = $1::int", NULL}, {NULL}};
static const view_def BROKEN_VIEWS[] = {{"broken", AUTH_CLERK, 0, 0, "broken", BROKEN_SECTIONS, NULL, NULL}, {NULL}};

static void on_view(service *s, const bus_request *req, const auth_principal *who)
{
    view_answer(s, req, who, BROKEN_VIEWS);
}

static const svc_route ROUTES[] = {{"echo", on_echo, AUTH_CLERK}, {"view.request", on_view, AUTH_CLERK},
                                   {NULL, NULL, 0}};

/* The service's configuration, and extra ("" or lines) at its end. */
static void write_conf(fixture *f, const char *extra)
{
    const char *pg = getenv("JIESU_TEST_PG");
    if (!pg || !*pg)
        fail_msg("JIESU_TEST_PG is not set");
    FILE *out = fopen(f->conf, "w");
    assert_non_null(out);
    fprintf(out, "[pg]\nconninfo = %s\n[keys]\ndir = %s\n[auth]\ndelegates = svc-test-web\n[intake]\nrouter = %s\n"
                 "pub = ipc://%s/pub\n%s",
            pg, f->dir, f->router, f->dir, extra);
    fclose(out);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    snprintf(f->dir, sizeof f->dir, "/tmp/test_svc.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->conf, sizeof f->conf, "%s/svc.conf", f->dir);
    snprintf(f->router, sizeof f->router, "ipc://%s/router", f->dir);
    char path[160], err[256];
    keys_path(path, sizeof path, f->dir, "intake", "key");
    assert_int_equal(keys_save(path, &SERVICE, 1, "service test", err, sizeof err), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    char path[160];
    keys_path(path, sizeof path, f->dir, "intake", "key");
    unlink(path);
    snprintf(path, sizeof path, "%s/pub", f->dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/router", f->dir);
    unlink(path);
    unlink(f->conf);
    rmdir(f->dir);
    free(f);
    return 0;
}

typedef struct {
    const char *endpoint;
    const keys_pair *keys;  /* who calls */
    const char *on_behalf;  /* a person's credential, or NULL */
    const char *type;
    const ProtobufCMessage *msg;    /* what the request carries; NULL: a Ping */
    int         rc;
    char        reply_type[64];
    char        err[256];
} call;

static void *client_main(void *arg)
{
    call *c = arg;
    void *zctx = zmq_ctx_new();
    char err[256] = "";
    bus_client *cl = bus_client_new(zctx, c->endpoint, "test", c->keys, SERVICE.public_key, err, sizeof err);
    Jiesu__Ping ping = JIESU__PING__INIT;
    Jiesu__Envelope *reply = NULL;
    if (cl && c->on_behalf)
        bus_client_set_on_behalf(cl, c->on_behalf);
    c->rc = cl ? bus_client_call(cl, c->type, c->msg ? c->msg : &ping.base, 3000, 1, &reply, c->err, sizeof c->err)
               : -1;
    if (reply) {
        snprintf(c->reply_type, sizeof c->reply_type, "%s", reply->type);
        jiesu__envelope__free_unpacked(reply, NULL);
    }
    bus_client_destroy(&cl);
    zmq_ctx_term(zctx);
    return NULL;
}

/* Sends one request of `type` from a thread while the service polls. */
static void roundtrip(service *s, call *c)
{
    pthread_t tid;
    assert_int_equal(pthread_create(&tid, NULL, client_main, c), 0);
    for (int i = 0; i < 40 && !*c->reply_type && !*c->err; i++)
        assert_int_equal(svc_poll(s, 100), 0);
    assert_int_equal(pthread_join(tid, NULL), 0);
}

static void test_dispatch(void **state)
{
    fixture *f = *state;
    write_conf(f, "");
    char *argv[] = {"jiesu-intake", "-c", f->conf, NULL};
    service s;
    char err[512];
    assert_int_equal(svc_start(&s, "intake", 3, argv, ROUTES, NULL), 0);
    assert_int_equal(svc_ensure_pg(&s, err, sizeof err), 0);

    call ping = {.endpoint = f->router, .keys = &CLERK, .type = "ping"};
    roundtrip(&s, &ping);
    assert_int_equal(ping.rc, 0);
    assert_string_equal(ping.reply_type, "pong");

    handled = 0;
    call echo = {.endpoint = f->router, .keys = &CLERK, .type = "echo"};
    roundtrip(&s, &echo);
    assert_int_equal(echo.rc, 0);
    assert_string_equal(echo.reply_type, "echo.reply");
    assert_int_equal(handled, 1);
    assert_string_equal(handled_for, "svc-test-clerk");

    call unknown = {.endpoint = f->router, .keys = &CLERK, .type = "nonsense"};
    roundtrip(&s, &unknown);
    assert_int_equal(unknown.rc, -1);
    assert_non_null(strstr(unknown.err, "unknown request type 'nonsense'"));
    assert_non_null(strstr(unknown.err, "ping, echo"));
    assert_false(svc_stopping());
    svc_finish(&s);
}

/* A failure inside the service: the client hears what to do and whose log
 * has the reason, in Chinese, never PostgreSQL's words (they are logged). */
static void test_failure_reply_says_what_to_do(void **state)
{
    fixture *f = *state;
    write_conf(f, "");
    char *argv[] = {"jiesu-intake", "-c", f->conf, NULL};
    service s;
    assert_int_equal(svc_start(&s, "intake", 3, argv, ROUTES, NULL), 0);
    Jiesu__ViewRequest rq = JIESU__VIEW_REQUEST__INIT;
    rq.name = "broken";
    call view = {.endpoint = f->router, .keys = &CLERK, .type = "view.request", .msg = &rq.base};
    roundtrip(&s, &view);
    assert_int_equal(view.rc, -1);
    assert_non_null(strstr(view.err, "工单受理服务暂时无法完成这件事（原因已记入它的日志）；请稍后再试"));
    assert_null(strstr(view.err, "no_such_column"));
    svc_finish(&s);
}

/* The role decides, the key names who; a stranger never gets past the
 * handshake; disabling a user refuses its next request on the same key. */
static void test_who_may_ask(void **state)
{
    fixture *f = *state;
    PGconn *pg = test_pg();
    write_conf(f, "");
    char *argv[] = {"jiesu-intake", "-c", f->conf, NULL};
    service s;
    assert_int_equal(svc_start(&s, "intake", 3, argv, ROUTES, NULL), 0);
    handled = 0;

    call handler = {.endpoint = f->router, .keys = &HANDLER, .type = "echo"};
    roundtrip(&s, &handler);
    assert_int_equal(handler.rc, -1);
    assert_non_null(strstr(handler.err, "svc-test-handler 的角色是承办人员；只有话务员可以这样做"));
    call handler_ping = {.endpoint = f->router, .keys = &HANDLER, .type = "ping"};
    roundtrip(&s, &handler_ping);
    assert_int_equal(handler_ping.rc, 0);     /* anyone registered may ping */

    call stranger = {.endpoint = f->router, .keys = &STRANGER, .type = "ping"};
    roundtrip(&s, &stranger);
    assert_int_equal(stranger.rc, -1);
    assert_non_null(strstr(stranger.err, "拒绝了这把密钥"));

    PQclear(PQexec(pg, "UPDATE principals SET disabled_at = now() WHERE name = 'svc-test-clerk'"));
    call disabled = {.endpoint = f->router, .keys = &CLERK, .type = "echo"};
    roundtrip(&s, &disabled);
    assert_int_equal(disabled.rc, -1);
    assert_int_equal(handled, 0);
    PQclear(PQexec(pg, "UPDATE principals SET disabled_at = NULL WHERE name = 'svc-test-clerk'"));
    svc_finish(&s);
    PQfinish(pg);
}

/* One connection of the clerk's, kept open while the database changes
 * under it: before each echo after the first, its statement runs. */
#define OPEN_STEPS 4
typedef struct {
    const char *endpoint;
    const char *sql[OPEN_STEPS];    /* before echo i (sql[0] unused) */
    int         rc[OPEN_STEPS];
    char        err[OPEN_STEPS][256];
    atomic_int  done;
} open_conn;

static void *open_conn_main(void *arg)
{
    open_conn *o = arg;
    void *zctx = zmq_ctx_new();
    char err[256] = "";
    PGconn *pg = test_pg();
    Jiesu__Ping ping = JIESU__PING__INIT;
    bus_client *cl = bus_client_new(zctx, o->endpoint, "test", &CLERK, SERVICE.public_key, err, sizeof err);
    for (int i = 0; i < OPEN_STEPS; i++) {
        Jiesu__Envelope *reply = NULL;
        if (o->sql[i])
            PQclear(PQexec(pg, o->sql[i]));
        o->rc[i] = cl ? bus_client_call(cl, "echo", &ping.base, 3000, 1, &reply, o->err[i], sizeof o->err[i]) : -1;
        if (reply)
            jiesu__envelope__free_unpacked(reply, NULL);
    }
    bus_client_destroy(&cl);
    zmq_ctx_term(zctx);
    PQfinish(pg);
    atomic_store(&o->done, 1);
    return NULL;
}

/* A key given up stops acting at the next request on the connection it
 * opened (before, the connection kept acting as the user its handshake
 * named), as a disabled user does; the key given back acts again. */
static void test_open_connection_follows_the_key(void **state)
{
    fixture *f = *state;
    char give_up[256], give_back[256];
    snprintf(give_up, sizeof give_up, "UPDATE principals SET curve_key = '%s' WHERE name = 'svc-test-clerk'",
             STRANGER.public_key);
    snprintf(give_back, sizeof give_back, "UPDATE principals SET curve_key = '%s' WHERE name = 'svc-test-clerk'",
             CLERK.public_key);
    open_conn o = {.endpoint = f->router, .sql = {NULL, give_up, give_back,
                   "UPDATE principals SET disabled_at = now() WHERE name = 'svc-test-clerk'"}};
    write_conf(f, "");
    char *argv[] = {"jiesu-intake", "-c", f->conf, NULL};
    service s;
    pthread_t tid;
    assert_int_equal(svc_start(&s, "intake", 3, argv, ROUTES, NULL), 0);
    handled = 0;
    assert_int_equal(pthread_create(&tid, NULL, open_conn_main, &o), 0);
    for (int i = 0; i < 150 && !atomic_load(&o.done); i++)
        assert_int_equal(svc_poll(&s, 100), 0);
    assert_int_equal(pthread_join(tid, NULL), 0);
    PGconn *pg = test_pg();
    PQclear(PQexec(pg, "UPDATE principals SET disabled_at = NULL WHERE name = 'svc-test-clerk'"));
    PQfinish(pg);
    svc_finish(&s);
    assert_int_equal(o.rc[0], 0);
    assert_int_equal(o.rc[1], -1);
    assert_non_null(strstr(o.err[1], "这把密钥的用户已停用，或已换用新密钥"));
    assert_null(strstr(o.err[1], "echo"));     /* a person reads it: no request type */
    assert_int_equal(o.rc[2], 0);
    assert_int_equal(o.rc[3], -1);
    assert_int_equal(handled, 2);
}

/* Runs one echo from keys on behalf of credential; returns the call. */
static call echo_for(service *s, fixture *f, const keys_pair *keys, const char *credential)
{
    call c = {.endpoint = f->router, .keys = keys, .on_behalf = credential, .type = "echo"};
    handled = 0;
    handled_for[0] = '\0';
    roundtrip(s, &c);
    return c;
}

/* The web tier acts for a signed-in clerk (session) or a program (API
 * token): the handler runs for the clerk. An expired session, a disabled
 * clerk, a credential from a key that is no delegate (a person's, another
 * service's): refused, and the handler never runs. */
static void test_on_behalf(void **state)
{
    fixture *f = *state;
    PGconn *pg = test_pg();
    char hash[AUTH_TOKEN_HASH_LEN + 1], sql[512];
    auth_token_hash(CLERK_TOKEN, hash);
    snprintf(sql, sizeof sql, "UPDATE principals SET token_hash = '%s' WHERE name = 'svc-test-clerk'", hash);
    PQclear(PQexec(pg, sql));
    auth_token_hash(CLERK_SESSION, hash);
    snprintf(sql, sizeof sql, "INSERT INTO sessions (token_hash, principal_id, csrf, expires_at) SELECT '%s', id, 'x',"
             " now() + interval '1 hour' FROM principals WHERE name = 'svc-test-clerk'", hash);
    PQclear(PQexec(pg, sql));
    write_conf(f, "");
    char *argv[] = {"jiesu-intake", "-c", f->conf, NULL};
    service s;
    assert_int_equal(svc_start(&s, "intake", 3, argv, ROUTES, NULL), 0);

    call c = echo_for(&s, f, &WEB, CLERK_TOKEN);
    assert_int_equal(c.rc, 0);
    assert_string_equal(handled_for, "svc-test-clerk");
    c = echo_for(&s, f, &WEB, CLERK_SESSION);
    assert_int_equal(c.rc, 0);
    assert_string_equal(handled_for, "svc-test-clerk");
    c = echo_for(&s, f, &WEB, NULL);                /* as itself: a service, not a clerk */
    assert_int_equal(c.rc, -1);
    assert_int_equal(handled, 0);

    c = echo_for(&s, f, &HANDLER, CLERK_TOKEN);     /* a person's own key */
    assert_int_equal(c.rc, -1);
    assert_non_null(strstr(c.err, "svc-test-handler 不能代别人操作"));
    assert_int_equal(handled, 0);
    c = echo_for(&s, f, &OTHER_SERVICE, CLERK_SESSION);     /* a service not named in auth.delegates */
    assert_int_equal(c.rc, -1);
    assert_non_null(strstr(c.err, "不能代别人操作"));
    c = echo_for(&s, f, &WEB, "jsk_forged");
    assert_int_equal(c.rc, -1);
    assert_non_null(strstr(c.err, "登录已失效"));
    assert_int_equal(handled, 0);

    snprintf(sql, sizeof sql, "UPDATE sessions SET expires_at = now() - interval '1 second' WHERE token_hash = '%s'",
             hash);
    PQclear(PQexec(pg, sql));
    c = echo_for(&s, f, &WEB, CLERK_SESSION);
    assert_int_equal(c.rc, -1);
    PQclear(PQexec(pg, "UPDATE principals SET disabled_at = now() WHERE name = 'svc-test-clerk'"));
    c = echo_for(&s, f, &WEB, CLERK_TOKEN);
    assert_int_equal(c.rc, -1);
    assert_int_equal(handled, 0);
    PQclear(PQexec(pg, "UPDATE principals SET disabled_at = NULL WHERE name = 'svc-test-clerk'"));
    PQclear(PQexec(pg, "DELETE FROM sessions"));
    svc_finish(&s);
    PQfinish(pg);
}

/* Without its key file a service does not start, and says which file. */
static void test_missing_key(void **state)
{
    fixture *f = *state;
    char path[160];
    write_conf(f, "");
    keys_path(path, sizeof path, f->dir, "intake", "key");
    unlink(path);
    char *argv[] = {"jiesu-intake", "-c", f->conf, NULL};
    service s;
    assert_int_equal(svc_start(&s, "intake", 3, argv, ROUTES, NULL), -1);
    assert_null(s.server);
    svc_finish(&s);
}

/* A typo'd key stops the service before it binds anything. */
static void test_unknown_key(void **state)
{
    fixture *f = *state;
    write_conf(f, "rejects_dri = /tmp\n");
    char *argv[] = {"jiesu-intake", "-c", f->conf, NULL};
    service s;
    assert_int_equal(svc_start(&s, "intake", 3, argv, ROUTES, NULL), -1);
    assert_null(s.server);
    svc_finish(&s);
}

static void test_missing_file(void **state)
{
    (void)state;
    char *argv[] = {"jiesu-intake", "-c", "/nonexistent/jiesu.conf", NULL};
    service s;
    assert_int_equal(svc_start(&s, "intake", 3, argv, ROUTES, NULL), -1);
    assert_null(s.pg);
    svc_finish(&s);
}

/* The web server a pong names: the port bound when "host:0" asked for any,
 * or the address it could not bind and why, naming the service. */
static void test_http_state(void **state)
{
    service s = {.name = "reporting"};
    (void)state;
    svc_http(&s, "127.0.0.1:0", 41234);
    assert_string_equal(s.http_addr, "127.0.0.1:41234");
    assert_string_equal(s.http_error, "");
    svc_http(&s, "127.0.0.1:7134", -1);
    assert_string_equal(s.http_addr, "127.0.0.1:7134");
    assert_non_null(strstr(s.http_error, "没有在监听"));
    assert_non_null(strstr(s.http_error, "重启报表服务"));
    svc_http(&s, "127.0.0.1:7134", 7134);
    assert_string_equal(s.http_error, "");
}

int main(void)
{
    unsetenv("JIESU_KEYS_DIR");     /* the environment would win over the file's keys.dir */
    SERVICE = test_keys();
    CLERK = test_keys();
    HANDLER = test_keys();
    STRANGER = test_keys();
    WEB = test_keys();
    OTHER_SERVICE = test_keys();
    PGconn *pg = test_pg();
    test_principal(pg, "svc-test-clerk", "clerk", "", &CLERK);
    test_principal(pg, "svc-test-handler", "handler", "370212001", &HANDLER);
    test_principal(pg, "svc-test-web", "service", "", &WEB);
    test_principal(pg, "svc-test-other", "service", "", &OTHER_SERVICE);
    PQfinish(pg);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_dispatch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failure_reply_says_what_to_do, setup, teardown),
        cmocka_unit_test_setup_teardown(test_who_may_ask, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_connection_follows_the_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_on_behalf, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_file, setup, teardown),
        cmocka_unit_test(test_http_state),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
