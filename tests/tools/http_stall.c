/* http_stall.c — a slow client, for the tests of the HTTP limits: opens COUNT
 * connections from one address, sends each the start of a request and then
 * nothing (or, with --drip, one more header byte every MS milliseconds, which
 * no idle timeout catches), and watches when the server closes each one.
 *
 *   http_stall HOST:PORT COUNT [--from ADDR] [--drip MS] [--wait SECONDS] [--ready FILE]
 *
 * --from binds the connections to a local address (127.0.0.2: another client
 * on this machine); --ready names a file created once every connection is
 * open; --wait (default 60) is how long to watch. Prints one line:
 *
 *   opened=N failed=F at_once=A later=L later_min_ms=X later_max_ms=Y still_open=S
 *
 * at_once: closed within 500 ms of opening (refused by a per-client limit);
 * later: closed after that, X..Y ms after opening; still_open: not closed
 * when the watch ended. Exit status 0 unless the arguments are wrong.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define AT_ONCE_MS 500
#define START "GET / HTTP/1.1\r\nHost: jiesu\r\nX-Stall: "

typedef struct {
    int       fd;               /* -1 once closed */
    long long opened_ms;
    long long closed_after_ms;  /* -1 while open */
} stall_conn;

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int parse_addr(const char *s, struct sockaddr_in *sa)
{
    char host[64];
    const char *colon = strrchr(s, ':');
    if (!colon || (size_t)(colon - s) >= sizeof host)
        return -1;
    snprintf(host, sizeof host, "%.*s", (int)(colon - s), s);
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_port = htons((unsigned short)atoi(colon + 1));
    return inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -1;
}

/* A connection from `from` (may be NULL) that has sent the start of a request, or -1. */
static int open_stalled(const struct sockaddr_in *to, const char *from)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in src = {.sin_family = AF_INET};
    if (fd < 0)
        return -1;
    if ((from && (inet_pton(AF_INET, from, &src.sin_addr) != 1 ||
                  bind(fd, (struct sockaddr *)&src, sizeof src) < 0)) ||
        connect(fd, (const struct sockaddr *)to, sizeof *to) < 0 ||
        send(fd, START, sizeof START - 1, MSG_NOSIGNAL) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Reads what is there; marks the connection closed at end of stream or error. */
static void drain(stall_conn *c, long long now)
{
    char buf[512];
    ssize_t n = recv(c->fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0 || (n < 0 && (errno == EAGAIN || errno == EINTR)))
        return;
    close(c->fd);
    c->fd = -1;
    c->closed_after_ms = now - c->opened_ms;
}

static void drip(stall_conn *conns, int n)
{
    for (int i = 0; i < n; i++)
        if (conns[i].fd >= 0)
            send(conns[i].fd, "a", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* Watches until every connection is closed or the deadline; drips every drip_ms (0: never). */
static void watch(stall_conn *conns, int n, long long deadline, int drip_ms)
{
    struct pollfd *p = calloc((size_t)n, sizeof *p);
    long long next_drip = now_ms() + drip_ms;
    for (;;) {
        int open = 0;
        for (int i = 0; i < n; i++) {
            p[i].fd = conns[i].fd;      /* a negative fd is skipped by poll */
            p[i].events = POLLIN | POLLRDHUP;
            open += conns[i].fd >= 0;
        }
        long long now = now_ms();
        if (!open || now >= deadline)
            break;
        long long wake = drip_ms && next_drip < deadline ? next_drip : deadline;
        poll(p, (nfds_t)n, (int)(wake > now ? wake - now : 0));
        now = now_ms();
        for (int i = 0; i < n; i++)
            if (conns[i].fd >= 0 && p[i].revents)
                drain(&conns[i], now);
        if (drip_ms && now >= next_drip) {
            drip(conns, n);
            next_drip = now + drip_ms;
        }
    }
    free(p);
}

static void report(const stall_conn *conns, int n, int failed)
{
    int at_once = 0, later = 0, still = 0;
    long long lo = -1, hi = -1;
    for (int i = 0; i < n; i++) {
        long long t = conns[i].closed_after_ms;
        if (t < 0) {
            still++;
        } else if (t < AT_ONCE_MS) {
            at_once++;
        } else {
            later++;
            lo = lo < 0 || t < lo ? t : lo;
            hi = t > hi ? t : hi;
        }
    }
    printf("opened=%d failed=%d at_once=%d later=%d later_min_ms=%lld later_max_ms=%lld still_open=%d\n", n,
           failed, at_once, later, lo, hi, still);
}

int main(int argc, char **argv)
{
    struct sockaddr_in to;
    const char *from = NULL, *ready = NULL;
    int drip_ms = 0, wait_s = 60;
    if (argc < 3 || parse_addr(argv[1], &to) < 0) {
        fprintf(stderr, "usage: http_stall HOST:PORT COUNT [--from ADDR] [--drip MS] [--wait SECONDS] [--ready FILE]\n");
        return 2;
    }
    int count = atoi(argv[2]);
    for (int i = 3; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--from") == 0)
            from = argv[i + 1];
        else if (strcmp(argv[i], "--drip") == 0)
            drip_ms = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--wait") == 0)
            wait_s = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--ready") == 0)
            ready = argv[i + 1];
    }
    stall_conn *conns = calloc((size_t)(count > 0 ? count : 1), sizeof *conns);
    int n = 0, failed = 0;
    for (int i = 0; i < count; i++) {
        int fd = open_stalled(&to, from);
        if (fd < 0) {
            failed++;
            continue;
        }
        conns[n++] = (stall_conn){fd, now_ms(), -1};
    }
    FILE *r = ready ? fopen(ready, "w") : NULL;
    if (r)
        fclose(r);
    watch(conns, n, now_ms() + wait_s * 1000LL, drip_ms);
    report(conns, n, failed);
    for (int i = 0; i < n; i++)
        if (conns[i].fd >= 0)
            close(conns[i].fd);
    free(conns);
    return 0;
}
