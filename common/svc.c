/* svc.c — the start-up, request loop and shutdown every jiesu service shares
 * (see svc.h). A service's main.c keeps only its own wiring and handlers. */
#include "svc.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include "clock.h"
#include "db.h"
#include "log.h"
#include "rconn.h"

#define CONNECT_WAIT_MS 30000
#define REDIS_TIMEOUT_MS 5000
#define DOWN_SAY_MS 60000       /* how often a lasting outage (PostgreSQL, Redis) is logged again */
/* The answer when a principal cannot be looked up (%s: the service's title). */
#define IDENTITY_UNCHECKED "现在核对不了你的身份（%s 连不上数据库）；请稍后再试，一直如此请告知系统管理员"

static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;      /* no SA_RESTART: zmq_poll returns EINTR */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
}

int svc_stopping(void)
{
    return g_stop != 0;
}

const volatile sig_atomic_t *svc_stop_flag(void)
{
    return &g_stop;
}

static int load_config(service *s, int argc, char **argv)
{
    char err[4600] = "";
    const char *file = NULL;
    int opt;
    optind = 1;
    while ((opt = getopt(argc, argv, "c:")) != -1) {
        if (opt != 'c') {
            fprintf(stderr, "usage: jiesu-%s [-c FILE]\n", s->name);
            return -1;
        }
        file = optarg;
    }
    if (!(s->cfg = config_new()))
        return -1;
    int rc = file ? config_load_file(s->cfg, file, err, sizeof err)
                  : config_load_env_file(s->cfg, err, sizeof err);
    if (rc < 0 || config_check(s->cfg, err, sizeof err) < 0) {
        fprintf(stderr, "jiesu-%s: %s\n", s->name, err);
        return -1;
    }
    log_init(s->name, log_level_parse(config_str(s->cfg, "log.level")));
    return 0;
}

static const struct {
    const char *name, *title;
} SERVICES[] = {
    {"intake", "工单受理服务"}, {"assignment", "自动派单服务"}, {"escalation", "督办预警服务"}, {"reporting", "报表服务"},
};

const char *svc_name(size_t i)
{
    return i < sizeof SERVICES / sizeof SERVICES[0] ? SERVICES[i].name : NULL;
}

const char *svc_title(size_t i)
{
    return i < sizeof SERVICES / sizeof SERVICES[0] ? SERVICES[i].title : NULL;
}

const char *svc_title_of(const char *name)
{
    for (size_t i = 0; svc_name(i); i++)
        if (strcmp(svc_name(i), name) == 0)
            return svc_title(i);
    return name;
}

const char *svc_endpoint(const config *cfg, const char *name, const char *what)
{
    char key[64];
    snprintf(key, sizeof key, "%s.%s", name, what);
    return config_str(cfg, key);
}

/* The service's key pair and, before any socket is bound, the ZAP handler
 * that admits only keys of enabled principals. 0 or -1 (logged). */
static int start_security(service *s)
{
    char path[4096], err[700] = "";
    s->keys_dir = config_str(s->cfg, "keys.dir");
    keys_path(path, sizeof path, s->keys_dir, s->name, "key");
    if (keys_load(path, &s->keys, 1, err, sizeof err) < 0) {
        log_error("CURVE key: %s (`jiesu keys` makes the services' keys; `jiesu migrate` registers them)", err);
        return -1;
    }
    if (!(s->zap_auth = auth_zap_new(config_str(s->cfg, "pg.conninfo"))) ||
        !(s->zap = zap_start(s->zctx, auth_zap_decide, s->zap_auth, err, sizeof err))) {
        log_error("%s", *err ? err : "out of memory");
        return -1;
    }
    return 0;
}

int svc_peer_key(const service *s, const char *peer, char out[KEYS_Z85_LEN + 1])
{
    char err[700];
    if (keys_load_peer(s->keys_dir, peer, out, err, sizeof err) == 0)
        return 0;
    log_error("public key of %s: %s", peer, err);
    return -1;
}

static int bind_sockets(service *s)
{
    char err[512] = "";
    const char *router = svc_endpoint(s->cfg, s->name, "router"), *pub = svc_endpoint(s->cfg, s->name, "pub");
    if (!router || !pub)
        return -1;
    if (!(s->zctx = bus_context_new())) {
        log_error("cannot create a ZeroMQ context: %s", zmq_strerror(errno));
        return -1;
    }
    if (start_security(s) < 0)
        return -1;
    s->server = bus_server_new(s->zctx, router, s->name, &s->keys, err, sizeof err);
    if (s->server)
        s->pub = bus_pub_new(s->zctx, pub, s->name, &s->keys, err, sizeof err);
    if (!s->pub) {
        log_error("%s", err);
        return -1;
    }
    log_info("listening router=%s pub=%s", router, pub);
    return 0;
}

/* Names every PostgreSQL session of the process after the service
 * (pg_stat_activity.application_name: jiesu-intake …), so that whose a
 * session, a lock or a slow statement is can be told; a PGAPPNAME the
 * operator set wins. Before any thread or connection starts. */
static void name_sessions(const char *name)
{
    char app[64];
    snprintf(app, sizeof app, "jiesu-%s", name);
    setenv("PGAPPNAME", app, 0);
}

int svc_start(service *s, const char *name, int argc, char **argv, const svc_route *routes, void *user)
{
    char err[512] = "";
    memset(s, 0, sizeof *s);
    s->name = name;
    s->routes = routes;
    s->user = user;
    s->started_ms = clock_wall_ms();
    umask(077);
    install_signals();
    if (load_config(s, argc, argv) < 0)
        return -1;
    name_sessions(name);
    s->pg = db_connect(config_str(s->cfg, "pg.conninfo"), CONNECT_WAIT_MS, err, sizeof err);
    if (!s->pg) {
        log_error("PostgreSQL: %s", err);
        return -1;
    }
    return bind_sockets(s);
}

/* Logs that what (PostgreSQL, Redis) is out of reach for the reason in err:
 * when the outage starts and once a minute while it lasts. */
static void say_out(svc_outage *out, const char *what, const char *err)
{
    int64_t now = clock_mono_ms();
    if (!out->lost_ms)
        out->lost_ms = now;
    if (!out->said_ms || now - out->said_ms >= DOWN_SAY_MS) {
        log_error("%s: %s (out of reach for %lld s; retrying, said again each minute while it lasts)", what, err,
                  (long long)((now - out->lost_ms) / 1000));
        out->said_ms = now;
    }
}

/* Logs that what is back, when it had been out of reach. */
static void say_back(svc_outage *out, const char *what)
{
    if (out->lost_ms)
        log_info("%s reachable again after %lld s", what, (long long)((clock_mono_ms() - out->lost_ms) / 1000));
    out->lost_ms = out->said_ms = 0;
}

int svc_ensure_pg(service *s, char *err, size_t errlen)
{
    char why[256];
    if (db_alive(s->pg))
        return 0;
    if (!s->pg_out.lost_ms)
        log_warn("PostgreSQL connection lost; reconnecting");
    PQreset(s->pg);
    if (PQstatus(s->pg) == CONNECTION_OK) {
        say_back(&s->pg_out, "PostgreSQL");
        return 0;
    }
    db_error(s->pg, why, sizeof why);
    snprintf(err, errlen, "PostgreSQL: %s", why);
    say_out(&s->pg_out, "PostgreSQL", why);
    return -1;
}

int svc_ensure_redis(service *s)
{
    char err[512] = "";
    if (s->redis && !s->redis->err)
        return 0;
    if (s->redis) {
        log_warn("Redis connection lost (%s); reconnecting", s->redis->errstr);
        redisFree(s->redis);
    }
    s->redis = rconn_open(config_str(s->cfg, "redis.addr"), config_str(s->cfg, "redis.password_file"),
                          REDIS_TIMEOUT_MS, 0, err, sizeof err);
    if (!s->redis) {
        say_out(&s->redis_out, "Redis", err);
        return -1;
    }
    s->redis_epoch++;
    say_back(&s->redis_out, "Redis");
    return 0;
}

/* The title people read for service name (its code when not one of ours). */
static const char *title_of(const char *name)
{
    for (size_t i = 0; svc_name(i); i++)
        if (strcmp(svc_name(i), name) == 0)
            return svc_title(i);
    return name;
}

void svc_reply_failed(service *s, const bus_request *req, int code, const char *err)
{
    log_error("%s: %s", req->env->type, err);
    if (code == SVC_ERR_INTERNAL)
        bus_server_reply_error(s->server, req, code, "%s暂时无法完成这件事（原因已记入它的日志）；请稍后再试，"
                               "一直如此请告知系统管理员", title_of(s->name));
    else
        bus_server_reply_error(s->server, req, code, "%s", err);
}

/* "ok", or, in words for `jiesu status`, why this service cannot use
 * PostgreSQL now, into out; PostgreSQL's own words go to the log. */
static const char *pg_health(service *s, char *out, size_t cap)
{
    char why[512];
    if (svc_ensure_pg(s, why, sizeof why) < 0) {    /* logged there */
        snprintf(out, cap, "连不上（原因见它的日志）");
        return out;
    }
    PGresult *res = PQexec(s->pg, "SELECT 1");
    if (PQresultStatus(res) == PGRES_TUPLES_OK) {
        snprintf(out, cap, "ok");
    } else {
        log_error("PostgreSQL: SELECT 1: %s", db_error(s->pg, why, sizeof why));
        snprintf(out, cap, "连上了，但查询失败（原因见它的日志）");
    }
    PQclear(res);
    return out;
}

/* The same for Redis, one try to reconnect a lost connection (a ping must
 * answer at once; why it failed goes to the log); "" when the service never
 * tried it, as one that keeps no connection never does. */
static const char *redis_health(service *s, char *out, size_t cap)
{
    if (!s->redis && !s->redis_epoch && !s->redis_out.lost_ms)
        return "";
    snprintf(out, cap, "%s", svc_ensure_redis(s) == 0 && rconn_ping(s->redis) == 0 ? "ok" : "连不上（原因见它的日志）");
    return out;
}

static void answer_ping(service *s, const bus_request *req, const auth_principal *who)
{
    char pg[300], redis[300];
    (void)who;
    Jiesu__Pong pong = JIESU__PONG__INIT;
    pong.service = (char *)s->name;
    pong.started_at_ms = s->started_ms;
    pong.pid = getpid();
    pong.postgresql = (char *)pg_health(s, pg, sizeof pg);
    pong.redis = (char *)redis_health(s, redis, sizeof redis);
    char warning[1024] = "";
    if (s->warning)
        s->warning(s, warning, sizeof warning);
    pong.warning = warning;
    pong.http_addr = s->http_addr;
    pong.http_error = s->http_error;
    bus_server_reply(s->server, req, "pong", &pong.base);
}

void svc_http(service *s, const char *addr, int port)
{
    const char *colon = strrchr(addr, ':');
    int host_len = colon ? (int)(colon - addr) : (int)strlen(addr);
    s->http_error[0] = '\0';
    if (port >= 0) {
        snprintf(s->http_addr, sizeof s->http_addr, "%.*s:%d", host_len, addr, port);
        return;
    }
    snprintf(s->http_addr, sizeof s->http_addr, "%s", addr);
    snprintf(s->http_error, sizeof s->http_error,
             "没有在监听：绑定不了这个地址（端口多半被别的程序占用了，原因见它的日志）；换一个空闲端口，再重启%s",
             svc_title_of(s->name));
}

/* "ping, import.request, ..." for the error naming what this service answers. */
static void known_types(const service *s, char *out, size_t cap)
{
    size_t len = (size_t)snprintf(out, cap, "ping");
    for (const svc_route *r = s->routes; r && r->type && len < cap; r++)
        len += (size_t)snprintf(out + len, cap - len, ", %s", r->type);
}

static const svc_route PING = {"ping", answer_ping, AUTH_ANYONE};

static const svc_route *find_route(const service *s, const char *type)
{
    if (strcmp(type, PING.type) == 0)
        return &PING;
    for (const svc_route *r = s->routes; r && r->type; r++)
        if (strcmp(type, r->type) == 0)
            return r;
    return NULL;
}

/* 1 when the service principal p is named in auth.delegates (default
 * "reporting": the web tier acts for the people signed in there). */
static int may_act_for_people(const service *s, const auth_principal *p)
{
    const char *list = config_str(s->cfg, "auth.delegates");
    size_t n = strlen(p->name);
    if (p->role != AUTH_SERVICE)
        return 0;
    for (const char *at = list; (at = strstr(at, p->name)) != NULL; at += n)
        if ((at == list || strchr(", ", at[-1])) && strchr(", ", at[n]))
            return 1;
    return 0;
}

/* The request carries a person's credential: who (the connection's
 * principal) must be a delegate, and becomes the person the credential
 * stands for now. 0, or -1 after answering why not. */
static int act_for(service *s, const bus_request *req, auth_principal *who)
{
    char err[512];
    auth_principal person;
    if (!may_act_for_people(s, who)) {
        log_warn("refused %s from %s (%s): it asked to act for someone else, which only the services in "
                 "auth.delegates may", req->env->type, who->name, auth_role_title(who->role));
        bus_server_reply_error(s->server, req, SVC_ERR_FORBIDDEN, "%s 不能代别人操作（只有 auth.delegates "
                               "列出的服务可以）；已拒绝", who->name);
        return -1;
    }
    int found = auth_credential_load(s->pg, req->env->on_behalf, &person, err, sizeof err);
    if (found < 0) {
        log_error("%s", err);
        bus_server_reply_error(s->server, req, SVC_ERR_INTERNAL, IDENTITY_UNCHECKED, svc_title_of(s->name));
        return -1;
    }
    if (!found) {
        log_warn("refused %s from %s: the credential it acts on stands for nobody now", req->env->type, who->name);
        bus_server_reply_error(s->server, req, SVC_ERR_FORBIDDEN, "登录已失效或用户已停用；请重新登录");
        return -1;
    }
    log_debug("%s for %s via %s", req->env->type, person.name, who->name);
    *who = person;
    return 0;
}

/* Loads the principal behind req (who holds the connection's key now, or
 * the person a delegate acts for) and checks its role against route. 0
 * with *who filled, or -1 after answering the client why not. */
static int admit(service *s, const bus_request *req, const svc_route *route, auth_principal *who)
{
    char err[512], roles[256];
    int found = *req->user_id && svc_ensure_pg(s, err, sizeof err) == 0
                    ? auth_principal_load_key(s->pg, req->user_id, who, err, sizeof err) : -1;
    if (found < 0 && !*req->user_id) {
        log_error("request %s came without a user id: is the ZAP handler running?", req->env->type);
        bus_server_reply_error(s->server, req, SVC_ERR_FORBIDDEN, "不知道你是谁（没有核对密钥）；已拒绝");
    } else if (found < 0) {
        log_error("%s", err);
        bus_server_reply_error(s->server, req, SVC_ERR_INTERNAL, IDENTITY_UNCHECKED, svc_title_of(s->name));
    } else if (!found) {
        log_warn("refused %s: no enabled user holds key %.8s… now", req->env->type, req->user_id);
        bus_server_reply_error(s->server, req, SVC_ERR_FORBIDDEN, "这把密钥的用户已停用，或已换用新密钥；"
                               "请找管理员");
    } else if (*req->env->on_behalf && act_for(s, req, who) < 0) {
        /* answered */
    } else if (!(who->role & route->roles)) {
        auth_roles_say(route->roles, roles, sizeof roles);
        log_warn("refused %s to %s (%s)", req->env->type, who->name, auth_role_title(who->role));
        bus_server_reply_error(s->server, req, SVC_ERR_FORBIDDEN, "%s 的角色是%s；只有%s可以这样做", who->name,
                               auth_role_title(who->role), roles);
    } else {
        return 0;
    }
    return -1;
}

static void dispatch(service *s, const bus_request *req)
{
    const char *type = req->env->type;
    const svc_route *route = find_route(s, type);
    auth_principal who;
    if (route) {
        if (admit(s, req, route, &who) == 0)
            route->fn(s, req, &who);
        return;
    }
    char known[256];
    known_types(s, known, sizeof known);
    bus_server_reply_error(s->server, req, SVC_ERR_BAD_REQUEST, "unknown request type '%s' (%s answers %s)",
                           type, s->name, known);
}

/* Answers every request already waiting, without blocking. */
static void svc_drain(service *s)
{
    bus_request req;
    memset(&req, 0, sizeof req);
    while (!g_stop && bus_server_recv(s->server, &req) == 1) {
        dispatch(s, &req);
        bus_request_clear(&req);
    }
}

int svc_poll_also(service *s, void *const *socks, int n, int *ready, int timeout_ms)
{
    zmq_pollitem_t items[1 + SVC_MAX_EXTRA];
    if (n < 0 || n > SVC_MAX_EXTRA)
        return -1;
    memset(items, 0, sizeof items);
    items[0] = (zmq_pollitem_t){.socket = bus_server_socket(s->server), .events = ZMQ_POLLIN};
    for (int i = 0; i < n; i++)
        items[1 + i] = (zmq_pollitem_t){.socket = socks[i], .events = ZMQ_POLLIN};
    int rc = zmq_poll(items, 1 + n, timeout_ms);
    for (int i = 0; i < n; i++)
        ready[i] = rc > 0 && (items[1 + i].revents & ZMQ_POLLIN);
    if (rc < 0 && errno != EINTR) {
        log_error("zmq_poll: %s", zmq_strerror(errno));
        return -1;
    }
    svc_drain(s);       /* non-blocking: also catches what arrived while polling the others */
    return 0;
}

int svc_poll(service *s, int timeout_ms)
{
    return svc_poll_also(s, NULL, 0, NULL, timeout_ms);
}

void svc_finish(service *s)
{
    bus_pub_destroy(&s->pub);
    bus_server_destroy(&s->server);
    zap_stop(&s->zap);
    auth_zap_destroy(&s->zap_auth);
    if (s->zctx)
        zmq_ctx_term(s->zctx);
    s->zctx = NULL;
    if (s->pg)
        PQfinish(s->pg);
    s->pg = NULL;
    if (s->redis)
        redisFree(s->redis);
    s->redis = NULL;
    config_destroy(&s->cfg);
}
