/* bench_curve.c — what CURVE costs a request, measured against the same
 * sockets without it, in one run on one machine.
 *
 *   bench_curve [ROUND_TRIPS] [MIB]
 *
 * A DEALER sends to a ROUTER (echoing from a second thread) over ipc://:
 * ROUND_TRIPS small requests (a 120-byte envelope, like a ping or an action)
 * one at a time, then MIB one-MiB messages (like the chunks of an import),
 * once with the NULL mechanism and once with CURVE and a ZAP handler (the
 * services' set-up). Prints p50 and p99 of the round trips, the MiB/s, and
 * CURVE's ratios to the plain sockets.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "bus.h"
#include "bus_int.h"
#include "keys.h"
#include "zap.h"

#define SMALL 120
#define BIG (1 << 20)

static keys_pair SERVER, CLIENT;

static int admit(void *ctx, const char *domain, const char *key, const char *address, char *user, size_t cap,
                 char *why, size_t whycap)
{
    (void)ctx, (void)domain, (void)address, (void)why, (void)whycap;
    return strcmp(key, CLIENT.public_key) == 0 && snprintf(user, cap, "bench") > 0;
}

typedef struct {
    void *router;
    int   stop;
} echo_thread;

static void *echo_main(void *arg)
{
    echo_thread *e = arg;
    zmq_pollitem_t item = {.socket = e->router, .events = ZMQ_POLLIN};
    while (!__atomic_load_n(&e->stop, __ATOMIC_SEQ_CST)) {
        if (zmq_poll(&item, 1, 50) <= 0)
            continue;
        zmq_msg_t id, body;
        zmq_msg_init(&id);
        zmq_msg_init(&body);
        zmq_msg_recv(&id, e->router, 0);
        zmq_msg_recv(&body, e->router, 0);
        zmq_msg_send(&id, e->router, ZMQ_SNDMORE);
        zmq_msg_send(&body, e->router, 0);
    }
    return NULL;
}

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

typedef struct {
    double p50, p99, mib_s;
} result;

/* One round trip of len bytes. */
static void trip(void *dealer, const char *buf, size_t len, char *back)
{
    zmq_send(dealer, buf, len, 0);
    zmq_recv(dealer, back, len, 0);
}

static result run(int curve, int n, int mib)
{
    char ep[128], err[256];
    result r = {0};
    void *zctx = bus_context_new();
    zap *z = curve ? zap_start(zctx, admit, NULL, err, sizeof err) : NULL;
    void *router = zmq_socket(zctx, ZMQ_ROUTER), *dealer = zmq_socket(zctx, ZMQ_DEALER);
    snprintf(ep, sizeof ep, "ipc:///tmp/jiesu-bench-curve-%d-%ld", curve, (long)getpid());
    if (curve && (bus_set_curve(router, &SERVER, NULL, BUS_ZAP_REQUESTS, ep, err, sizeof err) < 0 ||
                  bus_set_curve(dealer, &CLIENT, SERVER.public_key, NULL, ep, err, sizeof err) < 0)) {
        fprintf(stderr, "bench_curve: %s\n", err);
        exit(1);
    }
    zmq_bind(router, ep);
    zmq_connect(dealer, ep);
    echo_thread e = {router, 0};
    pthread_t tid;
    pthread_create(&tid, NULL, echo_main, &e);
    char *buf = calloc(1, BIG), *back = malloc(BIG);
    double *lat = malloc(sizeof *lat * (size_t)n);
    trip(dealer, buf, SMALL, back);             /* connected, handshake done */
    for (int i = 0; i < n; i++) {
        double t0 = now_us();
        trip(dealer, buf, SMALL, back);
        lat[i] = now_us() - t0;
    }
    qsort(lat, (size_t)n, sizeof *lat, cmp_double);
    r.p50 = lat[n / 2];
    r.p99 = lat[n * 99 / 100];
    double t0 = now_us();
    for (int i = 0; i < mib; i++)
        trip(dealer, buf, BIG, back);
    r.mib_s = mib / ((now_us() - t0) / 1e6) * 2;    /* each MiB travels there and back */
    __atomic_store_n(&e.stop, 1, __ATOMIC_SEQ_CST);
    pthread_join(tid, NULL);
    int linger = 0;
    zmq_setsockopt(dealer, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(router, ZMQ_LINGER, &linger, sizeof linger);
    zmq_close(dealer);
    zmq_close(router);
    zap_stop(&z);
    zmq_ctx_term(zctx);
    unlink(ep + strlen("ipc://"));
    free(buf);
    free(back);
    free(lat);
    return r;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 20000, mib = argc > 2 ? atoi(argv[2]) : 200;
    if (n < 100 || mib < 1 || keys_generate(&SERVER) < 0 || keys_generate(&CLIENT) < 0) {
        fprintf(stderr, "usage: bench_curve [ROUND_TRIPS >= 100] [MIB >= 1]  (needs libzmq with CURVE)\n");
        return 2;
    }
    result plain = run(0, n, mib), curve = run(1, n, mib);
    printf("   %d requests of %d bytes, one at a time; %d MiB in 1 MiB messages (ipc, echoed)\n", n, SMALL, mib);
    printf("   plain ZeroMQ:  round trip p50 %6.1f us  p99 %6.1f us   %7.1f MiB/s\n", plain.p50, plain.p99, plain.mib_s);
    printf("   CURVE + ZAP:   round trip p50 %6.1f us  p99 %6.1f us   %7.1f MiB/s\n", curve.p50, curve.p99, curve.mib_s);
    printf("   CURVE / plain: p50 %.2f  p99 %.2f  throughput %.2f\n", curve.p50 / plain.p50, curve.p99 / plain.p99,
           curve.mib_s / plain.mib_s);
    return 0;
}
