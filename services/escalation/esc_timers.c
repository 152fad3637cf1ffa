/* esc_timers.c — firing deadlines exactly once in effect (see esc_timers.h).
 *
 * Why the lock and the checks: a timer can be claimed twice (a reconciler
 * re-added it while another process was firing it, or Redis returned an old
 * member after a failover). The second firing waits on the row lock of the
 * first, then reads fired_at set and does nothing; the unique key of alerts
 * backs that up should fired_at ever be cleared by hand.
 */
#include "esc_timers.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "log.h"
#include "timers.h"

#define RETRY_MS 1000           /* a timer whose firing failed is retried this much later */
#define MEMBER_BYTES 24
#define REASON_BYTES 512

static const char SQL_PENDING[] =
    "SELECT id, ceil(extract(epoch FROM due_at) * 1000)::bigint FROM deadlines"
    " WHERE fired_at IS NULL AND id > $1::bigint ORDER BY id LIMIT $2::int";

static const char SQL_LOCK[] =
    "SELECT d.complaint_id, d.kind, d.cycle, d.fired_at IS NOT NULL, d.due_at > now(),"
    "       ceil(extract(epoch FROM d.due_at) * 1000)::bigint, c.status, c.ticket_no,"
    "       u.id, coalesce(u.code, ''), coalesce(u.name, '')"
    " FROM deadlines d JOIN complaints c ON c.id = d.complaint_id"
    " LEFT JOIN assignments a ON a.complaint_id = d.complaint_id AND a.active AND a.role = 'owner'"
    " LEFT JOIN units u ON u.id = a.unit_id"
    " WHERE d.id = $1::bigint FOR UPDATE OF d";

enum { L_COMPLAINT, L_KIND, L_CYCLE, L_FIRED, L_EARLY, L_DUE_MS, L_STATUS, L_TICKET, L_UNIT_ID, L_UNIT_CODE,
       L_UNIT_NAME };

/* $1 complaint, $2 deadline, $3 rung, $4 cycle, $5 unit id (or NULL), $6 reason, $7 unit code. */
static const char SQL_ALERT[] =
    "WITH raised AS ("
    "  INSERT INTO alerts (complaint_id, deadline_id, rung, cycle, unit_id, target, reason)"
    "  VALUES ($1::bigint, $2::bigint, $3::text, $4::int, $5::int, 'campaign', $6::text)"
    "  ON CONFLICT DO NOTHING"
    "  RETURNING id, ceil(extract(epoch FROM created_at) * 1000)::bigint AS at_ms"
    "), logged AS ("
    "  INSERT INTO complaint_events (complaint_id, actor, event, detail)"
    "  SELECT $1::bigint, 'escalation', 'alert',"
    "         jsonb_build_object('alert_id', id, 'rung', $3::text, 'cycle', $4::int, 'deadline_id', $2::bigint,"
    "                            'target', 'campaign', 'unit', $7::text, 'reason', $6::text)"
    "  FROM raised"
    ")"
    " SELECT id, at_ms FROM raised";

static const char SQL_FIRED[] = "UPDATE deadlines SET fired_at = now() WHERE id = $1::bigint";

/* ---- reconcile ---- */

/* Adds one page of pending deadlines after id *after. Returns the page size or -1. */
static long reconcile_page(const esc_ctx *ctx, char after[MEMBER_BYTES], size_t batch,
                           char (*members)[MEMBER_BYTES], char **ptrs, int64_t *due)
{
    char limit[32];
    snprintf(limit, sizeof limit, "%zu", batch);
    const char *params[] = {after, limit};
    PGresult *res = db_query(ctx->pg, "list pending deadlines", SQL_PENDING, 2, params);
    if (!res)
        return -1;
    size_t n = (size_t)PQntuples(res);
    for (size_t i = 0; i < n; i++) {
        snprintf(members[i], MEMBER_BYTES, "%s", PQgetvalue(res, (int)i, 0));
        ptrs[i] = members[i];
        due[i] = strtoll(PQgetvalue(res, (int)i, 1), NULL, 10);
    }
    PQclear(res);
    if (n && timers_add(ctx->redis, ctx->key, ptrs, due, n) != 0) {
        log_error("Redis: adding %zu pending deadlines to %s failed", n, ctx->key);
        return -1;
    }
    if (n)
        snprintf(after, MEMBER_BYTES, "%s", members[n - 1]);
    return (long)n;
}

long esc_reconcile(const esc_ctx *ctx, size_t batch)
{
    long total = 0, n;
    char after[MEMBER_BYTES] = "0";
    batch = batch ? batch : 1;
    char (*members)[MEMBER_BYTES] = calloc(batch, sizeof *members);
    char **ptrs = calloc(batch, sizeof *ptrs);
    int64_t *due = calloc(batch, sizeof *due);
    if (!members || !ptrs || !due) {
        log_error("timer reconcile: out of memory");
        total = -1;
        goto cleanup;
    }
    while ((n = reconcile_page(ctx, after, batch, members, ptrs, due)) > 0) {
        total += n;
        if ((size_t)n < batch)
            break;
    }
    if (n < 0)
        total = -1;
cleanup:
    free(members);
    free(ptrs);
    free(due);
    return total;
}

/* ---- firing ---- */

/* The deadline in local time: "2026-11-22 10:00 UTC+08:00". */
static void format_due(char *dst, size_t cap, int64_t due_ms, int offset_min)
{
    time_t t = (time_t)(due_ms / 1000) + (time_t)offset_min * 60;
    struct tm tm;
    int off = offset_min < 0 ? -offset_min : offset_min;
    char day[32] = "?";
    if (gmtime_r(&t, &tm))
        strftime(day, sizeof day, "%Y-%m-%d %H:%M", &tm);
    snprintf(dst, cap, "%s UTC%c%02d:%02d", day, offset_min < 0 ? '-' : '+', off / 60, off % 60);
}

/* 1 if the order is still open for a deadline of this kind. */
static int still_open(const char *kind, const char *status)
{
    if (strcmp(kind, "accept") == 0)
        return strcmp(status, "dispatched") == 0;
    return strcmp(status, "resolved") != 0 && strcmp(status, "closed") != 0;
}

static void format_reason(char *dst, size_t cap, PGresult *d, int offset_min)
{
    char due[64];
    const char *kind = PQgetvalue(d, 0, L_KIND), *unit = PQgetvalue(d, 0, L_UNIT_NAME);
    const char *verb = strcmp(kind, "accept") == 0 ? "accepted" : "resolved";
    format_due(due, sizeof due, strtoll(PQgetvalue(d, 0, L_DUE_MS), NULL, 10), offset_min);
    if (*unit)
        snprintf(dst, cap, "%s overdue since %s: %s has not %s order %s (status %s)", kind, due, unit, verb,
                 PQgetvalue(d, 0, L_TICKET), PQgetvalue(d, 0, L_STATUS));
    else
        snprintf(dst, cap, "%s overdue since %s: order %s has no owner unit and is not %s (status %s)", kind,
                 due, PQgetvalue(d, 0, L_TICKET), verb, PQgetvalue(d, 0, L_STATUS));
}

/* Inserts the alert of locked deadline d (row 0). *alert gets the new alert
 * (complaint_id, rung, reason … filled), or keeps id 0 when one existed. 0 or -1. */
static int raise_alert(const esc_ctx *ctx, const char *deadline_id, PGresult *d, Jiesu__Alert *alert,
                       char *rung, size_t rung_cap, char *reason, size_t reason_cap)
{
    snprintf(rung, rung_cap, "%s_overdue", PQgetvalue(d, 0, L_KIND));
    format_reason(reason, reason_cap, d, ctx->utc_offset_min);
    const char *params[] = {PQgetvalue(d, 0, L_COMPLAINT), deadline_id, rung, PQgetvalue(d, 0, L_CYCLE),
                            PQgetisnull(d, 0, L_UNIT_ID) ? NULL : PQgetvalue(d, 0, L_UNIT_ID), reason,
                            PQgetvalue(d, 0, L_UNIT_CODE)};
    PGresult *res = db_query(ctx->pg, "raise overdue alert", SQL_ALERT, 7, params);
    if (!res)
        return -1;
    if (PQntuples(res) == 1) {
        alert->id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
        alert->created_at_ms = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
        alert->complaint_id = strtoll(PQgetvalue(d, 0, L_COMPLAINT), NULL, 10);
        alert->ticket_no = PQgetvalue(d, 0, L_TICKET);
        alert->rung = rung;
        alert->cycle = atoi(PQgetvalue(d, 0, L_CYCLE));
        alert->unit_code = PQgetvalue(d, 0, L_UNIT_CODE);
        alert->target = "campaign";
        alert->reason = reason;
    }
    PQclear(res);
    return 0;
}

/* Fires one deadline in one transaction. 0 or -1 (rolled back). */
static int fire_one(const esc_ctx *ctx, const char *id, esc_fire_stats *st)
{
    char rung[32], reason[REASON_BYTES];
    Jiesu__Alert alert = JIESU__ALERT__INIT;
    int64_t requeue_ms = -1;
    PGresult *d = NULL;
    const char *params[] = {id};
    if (db_begin(ctx->pg) != 0 || !(d = db_query(ctx->pg, "lock deadline", SQL_LOCK, 1, params)))
        goto fail;
    if (PQntuples(d) == 0 || strcmp(PQgetvalue(d, 0, L_FIRED), "t") == 0) {
        st->stale++;
    } else if (strcmp(PQgetvalue(d, 0, L_EARLY), "t") == 0) {
        st->early++;
        requeue_ms = strtoll(PQgetvalue(d, 0, L_DUE_MS), NULL, 10);
    } else {
        if (still_open(PQgetvalue(d, 0, L_KIND), PQgetvalue(d, 0, L_STATUS)) &&
            raise_alert(ctx, id, d, &alert, rung, sizeof rung, reason, sizeof reason) != 0)
            goto fail;
        if (db_command(ctx->pg, "mark deadline fired", SQL_FIRED, 1, params, NULL) != 0)
            goto fail;
        if (alert.id)
            st->alerts++;
        else
            st->quiet++;
    }
    if (db_commit(ctx->pg) != 0)
        goto fail;
    if (requeue_ms >= 0) {
        char *member = (char *)id;
        if (timers_add(ctx->redis, ctx->key, &member, &requeue_ms, 1) != 0)
            log_warn("Redis: putting back deadline %s (not due yet) failed; the reconciler will", id);
    }
    if (alert.id) {
        log_info("alert %" PRId64 " %s order %s: %s", alert.id, alert.rung, alert.ticket_no, alert.reason);
        if (ctx->pub)
            bus_pub_send(ctx->pub, "alert.raised", &alert.base, NULL);
    }
    PQclear(d);
    return 0;
fail:
    db_rollback(ctx->pg);
    PQclear(d);
    return -1;
}

/* Puts members back to be retried RETRY_MS after now_ms. */
static void put_back(const esc_ctx *ctx, char **members, size_t n, int64_t now_ms)
{
    int64_t *due = malloc(n * sizeof *due);
    if (due) {
        for (size_t i = 0; i < n; i++)
            due[i] = now_ms + RETRY_MS;
    }
    if (!due || timers_add(ctx->redis, ctx->key, members, due, n) != 0)
        log_warn("Redis: putting back %zu unfired timers failed; the reconciler will", n);
    free(due);
}

int esc_fire_due(const esc_ctx *ctx, int64_t now_ms, size_t max, esc_fire_stats *st)
{
    int rc = 0;
    size_t n = 0;
    memset(st, 0, sizeof *st);
    char **members = calloc(max ? max : 1, sizeof *members);
    if (!members) {
        log_error("firing timers: out of memory");
        return -1;
    }
    if (timers_claim_due(ctx->redis, ctx->key, now_ms, max, members, &n) != 0) {
        log_error("Redis: claiming due timers from %s failed", ctx->key);
        free(members);
        return -1;
    }
    st->claimed = n;
    for (size_t i = 0; i < n; i++) {
        char *end = NULL;
        long long id = strtoll(members[i], &end, 10);
        if (id <= 0 || *end) {
            log_warn("timer member '%.40s' in %s is not a deadline id; dropped", members[i], ctx->key);
            st->stale++;
        } else if (fire_one(ctx, members[i], st) != 0) {
            put_back(ctx, members + i, n - i, now_ms);
            rc = -1;
            break;
        }
    }
    timers_free(members, n);
    free(members);
    return rc;
}
