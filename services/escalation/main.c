/* main.c — jiesu-escalation: fires the escalation ladder of every deadline,
 * raises pattern alerts and delivers alerts to webhooks.
 *
 *   jiesu-escalation [-c FILE]        (else the file named by $JIESU_CONFIG)
 *
 * Wiring only (common/svc does the start-up and requests, esc_engine.h the
 * work): start the webhook senders, then one loop of engine ticks,
 * answering requests while waiting for the next timer (at most ESC_TICK_MS),
 * so a rung fires well within a second of its due time. Everything overdue
 * fires right after start-up, because the first tick re-arms it. Requests:
 * "holidays.request" (esc_api.c: the official calendar, which escalation owns).
 * SIGTERM/SIGINT stop the loop after the current tick.
 */
#include <curl/curl.h>
#include <stdio.h>
#include <time.h>

#include "config.h"
#include "esc_ack.h"
#include "esc_api.h"
#include "holidays.h"
#include "esc_engine.h"
#include "log.h"
#include "svc.h"

#define RETRY_PAUSE_MS 1000

static const svc_route ROUTES[] = {
    {"alert.ack", esc_ack_request, AUTH_HANDLER | AUTH_CAMPAIGN | AUTH_DISCIPLINE},
    {"holidays.request", esc_api_holidays, AUTH_PEOPLE},     /* esc_api.c: only administrators change it */
    {NULL, NULL, 0},
};

/* Reconnects what broke, then runs one tick. The wait before the next, or -1. */
static int tick(esc_engine *e, service *s)
{
    char err[512];
    if (svc_ensure_redis(s) < 0)
        return -1;
    if (svc_ensure_pg(s, err, sizeof err) < 0)
        return -1;                          /* logged there, once a minute while it lasts */
    if (e->redis_epoch != s->redis_epoch) {
        e->redis_epoch = s->redis_epoch;
        esc_engine_rearm(e);
    }
    e->ctx.redis = s->redis;
    e->ctx.pg = s->pg;
    return esc_engine_tick(e, svc_stop_flag());
}

/* The ping's warning (`jiesu status`): the official holiday calendar running out. */
static void calendar_warning(service *s, char *out, size_t cap)
{
    char err[256];
    esc_engine *e = s->user;
    if (svc_ensure_pg(s, err, sizeof err) < 0 ||
        holidays_warning(s->pg, (int64_t)time(NULL), e->calendar.utc_offset_min, out, cap, err, sizeof err) < 0)
        snprintf(out, cap, "cannot tell whether the holiday calendar reaches far enough (%s)", err);
}

int main(int argc, char **argv)
{
    char err[512] = "";
    esc_engine e = {0};
    service s;
    int rc = 1;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (svc_start(&s, "escalation", argc, argv, ROUTES, &e) == 0) {
        s.warning = calendar_warning;
        if (esc_engine_init(&e, s.cfg, err, sizeof err) < 0)
            log_error("%s", err);
        else if (esc_engine_start_delivery(&e) == 0)
            rc = 0;
        e.ctx.pub = s.pub;
        if (rc == 0)
            log_info("escalation ready (timers %s)", e.ctx.key);
        while (!svc_stopping() && rc == 0) {
            int wait = tick(&e, &s);
            rc = svc_poll(&s, wait < 0 ? RETRY_PAUSE_MS : wait) < 0;
        }
        log_info("stopping");
    }
    esc_engine_finish(&e);
    svc_finish(&s);
    curl_global_cleanup();
    return rc;
}
