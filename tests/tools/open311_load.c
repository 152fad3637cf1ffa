/* open311_load.c — open-loop load on Open311's POST /requests.json, for
 * bench_open311.sh and the concurrency test: requests are sent at a fixed
 * rate whatever the answers do (request i is due at start + i / RATE), over
 * CONNS kept-alive connections, each from its own loopback address
 * (127.0.1.1, 127.0.1.2 …: as many clients, each within the server's
 * per-address limits). A request due while every connection waits for an
 * answer waits for the first free one, and its latency still counts from
 * when it was due, so a stalled server shows in the figures instead of
 * slowing the load (no coordinated omission).
 *
 *   open311_load HOST:PORT RATE COUNT API_KEY [--conns N] [--tag T] [--repeat-every K]
 *                [--idempotency-key KEY]
 *
 * Each request files a complaint of env.garbage with a description naming
 * T and its number and an address of its own in 中韩街道 (every K-th, when
 * K > 0, at one of REPEAT_PLACES shared addresses instead: repeat orders for
 * the escalation's pattern sweep to merge). With COUNT requests sent at
 * RATE per second; RATE 0 sends them all at once (as many at a time as
 * there are connections). With --idempotency-key every request carries
 * that Idempotency-Key header and files the same complaint (a client
 * sending one request again and again). Prints one line per request, in order:
 *
 *   STATUS TICKET DUE_EPOCH_US LATENCY_US
 *
 * STATUS is the HTTP status (0 when the connection failed), TICKET the
 * service_request_id ("-" when none), DUE_EPOCH_US the wall-clock time it
 * was due, LATENCY_US from then to the whole answer. Exit status 0 when
 * every request was answered 200.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS     512
#define REPEAT_PLACES 20
#define REQ_CAP       2048
#define RESP_CAP      8192

typedef struct {
    int    status;
    char   ticket[32];
    double latency_us;
} load_result;

typedef struct {
    int    fd;                  /* -1 when not connected */
    long   req;                 /* the request in flight, -1 when idle */
    char   out[REQ_CAP];
    size_t out_len, out_sent;
    char   in[RESP_CAP];
    size_t in_len;
    unsigned addr;              /* its loopback source address: 127.0.1.addr */
} load_conn;

typedef struct {
    struct sockaddr_in to;
    double      rate;
    long        count, next, answered;
    const char *key, *tag, *idem;   /* idem: the Idempotency-Key, or NULL */
    long        repeat_every;
    double      t0_mono_us, t0_epoch_us;
    load_conn   conns[MAX_CONNS];
    int         nconns;
    int         cursor;         /* the connection to try first for the next request */
    load_result *res;
} load_run;

static double clock_us(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static double due_us(const load_run *r, long i)
{
    return r->rate > 0 ? (double)i * 1e6 / r->rate : 0;
}

/* "127.0.0.1:7103" into sa. 0 or -1. */
static int parse_addr(const char *s, struct sockaddr_in *sa)
{
    char host[64];
    unsigned short port;
    *sa = (struct sockaddr_in){.sin_family = AF_INET};
    if (sscanf(s, "%63[^:]:%hu", host, &port) != 2)
        return -1;
    sa->sin_port = htons(port);
    return inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -1;
}

static int plain_char(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* Adds name=percent-encoded s to the form at dst + *n. */
static void form_add(char *dst, size_t cap, size_t *n, const char *name, const char *s)
{
    *n += (size_t)snprintf(dst + *n, cap - *n, "%s%s=", *n ? "&" : "", name);
    for (const unsigned char *p = (const unsigned char *)s; *p && *n + 4 < cap; p++)
        *n += (size_t)(plain_char(*p) ? snprintf(dst + *n, cap - *n, "%c", *p)
                                      : snprintf(dst + *n, cap - *n, "%%%02X", *p));
}

/* The whole HTTP request number i into c->out. */
static void build_request(const load_run *r, load_conn *c, long i)
{
    char form[1200], desc[160], addr[160], idem[300] = "";
    size_t n = 0;
    long nth = r->idem ? 0 : i + 1;
    snprintf(desc, sizeof desc, "%s 第%ld件 小区门口垃圾桶满了三天没人清运", r->tag, nth);
    if (r->repeat_every > 0 && i % r->repeat_every == 0)
        snprintf(addr, sizeof addr, "崂山区中韩街道重复路%ld号", 900 + (i / r->repeat_every) % REPEAT_PLACES);
    else
        snprintf(addr, sizeof addr, "崂山区中韩街道%s路%ld号", r->tag, nth);
    if (r->idem)
        snprintf(idem, sizeof idem, "Idempotency-Key: %s\r\n", r->idem);
    form_add(form, sizeof form, &n, "api_key", r->key);
    form_add(form, sizeof form, &n, "service_code", "env.garbage");
    form_add(form, sizeof form, &n, "description", desc);
    form_add(form, sizeof form, &n, "address_string", addr);
    c->out_len = (size_t)snprintf(c->out, sizeof c->out,
                                  "POST /requests.json HTTP/1.1\r\nHost: jiesu\r\n"
                                  "Content-Type: application/x-www-form-urlencoded\r\n%s"
                                  "Content-Length: %zu\r\n\r\n%s", idem, n, form);
    c->out_sent = 0;
    c->in_len = 0;
    c->req = i;
}

/* Connects c from its own loopback address. 0 or -1. */
static int conn_open(const load_run *r, load_conn *c)
{
    struct sockaddr_in from = {.sin_family = AF_INET};
    int one = 1;
    from.sin_addr.s_addr = htonl(0x7f000100u + c->addr);
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    if (c->fd < 0)
        return -1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (bind(c->fd, (struct sockaddr *)&from, sizeof from) < 0 ||
        connect(c->fd, (const struct sockaddr *)&r->to, sizeof r->to) < 0) {
        close(c->fd);
        c->fd = -1;
        return -1;
    }
    return 0;
}

static void conn_close(load_conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}

/* Records the answer (or failure: status 0) of c's request; c is idle again. */
static void finish(load_run *r, load_conn *c, int status, const char *body)
{
    load_result *res = &r->res[c->req];
    const char *t = body ? strstr(body, "\"service_request_id\":\"") : NULL;
    res->status = status;
    res->latency_us = clock_us(CLOCK_MONOTONIC) - r->t0_mono_us - due_us(r, c->req);
    snprintf(res->ticket, sizeof res->ticket, "-");
    if (t)
        sscanf(t + 22, "%31[A-Za-z0-9]", res->ticket);
    c->req = -1;
    r->answered++;
}

/* The answer in c->in when it is whole: 1 (finished), 0 (not yet). */
static int parse_answer(load_run *r, load_conn *c)
{
    c->in[c->in_len] = '\0';
    char *end = strstr(c->in, "\r\n\r\n");
    const char *cl = end ? strcasestr(c->in, "\r\nContent-Length:") : NULL;
    int status = 0;
    if (!end || !cl || sscanf(c->in, "HTTP/1.%*d %d", &status) != 1)
        return 0;
    size_t body_len = strtoul(cl + 17, NULL, 10);
    if ((size_t)(end + 4 - c->in) + body_len > c->in_len)
        return 0;
    finish(r, c, status, end + 4);
    if (strcasestr(c->in, "\r\nConnection: close"))
        conn_close(c);
    return 1;
}

/* Reads from c; a closed or failed connection fails its request. */
static void conn_read(load_run *r, load_conn *c)
{
    ssize_t n = recv(c->fd, c->in + c->in_len, RESP_CAP - 1 - c->in_len, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0 || (c->in_len += (size_t)n) >= RESP_CAP - 1) {
        conn_close(c);
        finish(r, c, 0, NULL);
        return;
    }
    parse_answer(r, c);
}

static void conn_write(load_run *r, load_conn *c)
{
    ssize_t n = send(c->fd, c->out + c->out_sent, c->out_len - c->out_sent, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n < 0) {
        conn_close(c);
        finish(r, c, 0, NULL);
        return;
    }
    c->out_sent += (size_t)n;
}

/* Whether the server has closed idle connection c (its idle timeout, say). */
static int conn_stale(const load_conn *c)
{
    char b;
    ssize_t n = recv(c->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR);
}

/* Gives every due request an idle connection while there are both, taking
 * them in turn so that every connection stays in use. */
static void send_due(load_run *r, double now_us)
{
    int busy = 0;               /* connections in a row found waiting for an answer */
    while (busy < r->nconns && r->next < r->count && due_us(r, r->next) <= now_us) {
        load_conn *c = &r->conns[r->cursor];
        r->cursor = (r->cursor + 1) % r->nconns;
        if (c->req >= 0) {
            busy++;
            continue;
        }
        busy = 0;
        if (c->fd >= 0 && conn_stale(c))
            conn_close(c);
        if (c->fd < 0 && conn_open(r, c) < 0) {
            c->req = r->next++;
            finish(r, c, 0, NULL);
            continue;
        }
        build_request(r, c, r->next++);
        conn_write(r, c);
    }
}

/* One turn: send what is due, wait for sockets until the next is due (1 ms at most). */
static void turn(load_run *r)
{
    struct pollfd pfd[MAX_CONNS];
    int map[MAX_CONNS], n = 0;
    send_due(r, clock_us(CLOCK_MONOTONIC) - r->t0_mono_us);
    for (int k = 0; k < r->nconns; k++) {
        load_conn *c = &r->conns[k];
        if (c->req < 0 || c->fd < 0)
            continue;
        pfd[n] = (struct pollfd){.fd = c->fd, .events = c->out_sent < c->out_len ? POLLOUT : POLLIN};
        map[n++] = k;
    }
    if (poll(pfd, (nfds_t)n, 1) <= 0)
        return;
    for (int i = 0; i < n; i++) {
        load_conn *c = &r->conns[map[i]];
        if (pfd[i].revents & POLLOUT)
            conn_write(r, c);
        else if (pfd[i].revents)
            conn_read(r, c);
    }
}

static int usage(void)
{
    fprintf(stderr, "usage: open311_load HOST:PORT RATE COUNT API_KEY [--conns N] [--tag T] [--repeat-every K]"
                    " [--idempotency-key KEY]\n");
    return 2;
}

static int parse_args(load_run *r, int argc, char **argv)
{
    if (argc < 5 || parse_addr(argv[1], &r->to) < 0)
        return -1;
    r->rate = atof(argv[2]);
    r->count = atol(argv[3]);
    r->key = argv[4];
    r->nconns = 64;
    r->tag = "压测";
    for (int i = 5; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--conns") == 0)
            r->nconns = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--tag") == 0)
            r->tag = argv[i + 1];
        else if (strcmp(argv[i], "--repeat-every") == 0)
            r->repeat_every = atol(argv[i + 1]);
        else if (strcmp(argv[i], "--idempotency-key") == 0)
            r->idem = argv[i + 1];
        else
            return -1;
    }
    return r->count > 0 && r->rate >= 0 && r->nconns > 0 && r->nconns <= MAX_CONNS && (argc - 5) % 2 == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    static load_run r;
    int bad = 0;
    if (parse_args(&r, argc, argv) < 0)
        return usage();
    if (!(r.res = calloc((size_t)r.count, sizeof *r.res)))
        return 1;
    for (int k = 0; k < r.nconns; k++) {      /* kept alive: opened before the clock starts, as pgbench's are */
        r.conns[k] = (load_conn){.fd = -1, .req = -1, .addr = (unsigned)k + 1};
        conn_open(&r, &r.conns[k]);         /* one that fails is tried again when a request needs it */
    }
    r.t0_mono_us = clock_us(CLOCK_MONOTONIC);
    r.t0_epoch_us = clock_us(CLOCK_REALTIME);
    while (r.answered < r.count)
        turn(&r);
    for (long i = 0; i < r.count; i++) {
        printf("%d %s %.0f %.0f\n", r.res[i].status, r.res[i].ticket, r.t0_epoch_us + due_us(&r, i),
               r.res[i].latency_us);
        bad += r.res[i].status != 200;
    }
    for (int k = 0; k < r.nconns; k++)
        conn_close(&r.conns[k]);
    free(r.res);
    return bad ? 1 : 0;
}
