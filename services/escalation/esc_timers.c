/* esc_timers.c — firing the rungs of deadlines exactly once in effect (see esc_timers.h).
 *
 * Why the lock and the checks: a timer can be claimed twice (a reconciler
 * re-added it while another process was firing it, or Redis returned an old
 * member after a failover). The second firing waits on the row lock of the
 * first, then reads the rung already advanced and either finds the next rung
 * not yet due (put back) or fires that next rung; the unique key of alerts
 * backs that up should rung_next ever be reset by hand.
 */
#include "esc_timers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "esc_alert.h"
#include "esc_ladder.h"
#include "log.h"
#include "timers.h"

#define RETRY_MS 1000           /* a timer whose firing failed is retried this much later */

static const char SQL_PENDING[] =
    "SELECT id, " ESC_SQL_MS("rung_at") " FROM deadlines"
    " WHERE fired_at IS NULL AND paused_at IS NULL AND rung_next IN ('remind', 'supervise', 'accountability')"
    "   AND id > $1::bigint ORDER BY id LIMIT $2::int";

static const char SQL_LOCK[] =
    "SELECT d.complaint_id, d.kind, d.cycle, d.rung_next, d.paused_at IS NOT NULL,"
    "       d.met_at IS NULL AND d.cycle = c.cycle, " ESC_SQL_MS("d.started_at") ", " ESC_SQL_MS("d.due_at") ","
    "       coalesce(l.remind_share, 0.75), coalesce(l.accountability_days, 2), c.status, c.ticket_no,"
    "       u.id, coalesce(u.code, ''), coalesce(u.name, '')"
    " FROM deadlines d JOIN complaints c ON c.id = d.complaint_id"
    " LEFT JOIN assignments a ON a.complaint_id = d.complaint_id AND a.active AND a.role = 'owner'"
    " LEFT JOIN units u ON u.id = coalesce(d.unit_id, a.unit_id)" ESC_SQL_LADDER
    " WHERE d.id = $1::bigint AND d.fired_at IS NULL FOR UPDATE OF d";

enum { L_COMPLAINT, L_KIND, L_CYCLE, L_RUNG, L_PAUSED, L_UNMET, L_STARTED, L_DUE, L_SHARE, L_DAYS, L_STATUS,
       L_TICKET, L_UNIT_ID, L_UNIT_CODE, L_UNIT_NAME };

static const char SQL_ADVANCE[] =
    "UPDATE deadlines SET rung_next = $2::text,"
    "       rung_at = CASE WHEN $2::text = 'done' THEN NULL ELSE to_timestamp($3::bigint / 1000.0) END,"
    "       fired_at = CASE WHEN $2::text = 'done' THEN now() END"
    " WHERE id = $1::bigint";

/* ---- reconcile ---- */

/* Arms one page of pending deadlines after id *after. Returns the page size or -1. */
static long reconcile_page(const esc_ctx *ctx, char after[ESC_MEMBER_BYTES], size_t batch,
                           char (*ids)[ESC_MEMBER_BYTES], int64_t *due)
{
    char limit[32];
    snprintf(limit, sizeof limit, "%zu", batch);
    const char *params[] = {after, limit};
    PGresult *res = db_query(ctx->pg, "list pending deadlines", SQL_PENDING, 2, params);
    if (!res)
        return -1;
    size_t n = (size_t)PQntuples(res);
    for (size_t i = 0; i < n; i++) {
        snprintf(ids[i], ESC_MEMBER_BYTES, "%s", PQgetvalue(res, (int)i, 0));
        due[i] = strtoll(PQgetvalue(res, (int)i, 1), NULL, 10);
    }
    PQclear(res);
    if (n && esc_arm(ctx, ids, due, n) != 0)
        return -1;
    if (n)
        snprintf(after, ESC_MEMBER_BYTES, "%s", ids[n - 1]);
    return (long)n;
}

long esc_reconcile(const esc_ctx *ctx, size_t batch)
{
    long total = 0, n;
    char after[ESC_MEMBER_BYTES] = "0";
    batch = batch ? batch : 1;
    while ((n = esc_plan(ctx, NULL, batch)) == (long)batch)
        ;
    if (n < 0)
        return -1;
    char (*ids)[ESC_MEMBER_BYTES] = calloc(batch, sizeof *ids);
    int64_t *due = calloc(batch, sizeof *due);
    if (!ids || !due) {
        log_error("timer reconcile: out of memory");
        total = -1;
        goto cleanup;
    }
    while ((n = reconcile_page(ctx, after, batch, ids, due)) > 0) {
        total += n;
        if ((size_t)n < batch)
            break;
    }
    if (n < 0)
        total = -1;
cleanup:
    free(ids);
    free(due);
    return total;
}

/* ---- firing ---- */

/* 1 if the order is still open for a deadline of this kind. */
static int still_open(PGresult *d)
{
    const char *kind = PQgetvalue(d, 0, L_KIND), *status = PQgetvalue(d, 0, L_STATUS);
    if (strcmp(PQgetvalue(d, 0, L_UNMET), "t") != 0)
        return 0;
    if (strcmp(kind, "accept") == 0)
        return strcmp(status, "dispatched") == 0;
    return strcmp(status, "resolved") != 0 && strcmp(status, "closed") != 0;
}

static void format_reason(char *dst, size_t cap, const esc_ctx *ctx, PGresult *d, const esc_span *s)
{
    char due[64], who[256];
    const char *kind = PQgetvalue(d, 0, L_KIND), *rung = PQgetvalue(d, 0, L_RUNG);
    const char *verb = strcmp(kind, "accept") == 0 ? "accepted" : "resolved";
    esc_format_time(due, sizeof due, s->due_ms, ctx->utc_offset_min);
    if (*PQgetvalue(d, 0, L_UNIT_NAME))
        snprintf(who, sizeof who, "%s has not %s order %s", PQgetvalue(d, 0, L_UNIT_NAME), verb,
                 PQgetvalue(d, 0, L_TICKET));
    else
        snprintf(who, sizeof who, "order %s has no owner unit and is not %s", PQgetvalue(d, 0, L_TICKET), verb);
    if (strcmp(rung, "remind") == 0)
        snprintf(dst, cap, "remind: %.0f%% of the %s time used, due %s: %s (status %s)", s->remind_share * 100,
                 kind, due, who, PQgetvalue(d, 0, L_STATUS));
    else if (strcmp(rung, "supervise") == 0)
        snprintf(dst, cap, "supervise: %s overdue since %s: %s (status %s)", kind, due, who,
                 PQgetvalue(d, 0, L_STATUS));
    else
        snprintf(dst, cap, "accountability: %s overdue since %s and %d working days later still open: %s (status %s)",
                 kind, due, s->accountability_days, who, PQgetvalue(d, 0, L_STATUS));
}

static const char *rung_target(const char *rung)
{
    if (strcmp(rung, "remind") == 0)
        return "unit";
    return strcmp(rung, "supervise") == 0 ? "campaign" : "discipline";
}

/* Raises the alert of the current rung of locked deadline d (row 0). */
static int raise_rung(const esc_ctx *ctx, const char *id, PGresult *d, const esc_span *s, int64_t at,
                      esc_alert_in *in, esc_raised *out, char *due_ms, char *orders)
{
    char reason[ESC_REASON_BYTES];
    format_reason(reason, sizeof reason, ctx, d, s);
    snprintf(due_ms, 24, "%lld", (long long)at);
    snprintf(orders, 32, "{%s}", PQgetvalue(d, 0, L_COMPLAINT));
    const char *rung = PQgetvalue(d, 0, L_RUNG);
    *in = (esc_alert_in){.complaint_id = PQgetvalue(d, 0, L_COMPLAINT), .deadline_id = id, .rung = rung,
                         .cycle = PQgetvalue(d, 0, L_CYCLE), .subject = PQgetvalue(d, 0, L_KIND),
                         .unit_id = PQgetisnull(d, 0, L_UNIT_ID) ? NULL : PQgetvalue(d, 0, L_UNIT_ID),
                         .target = rung_target(rung), .orders = orders, .due_ms = due_ms, .reason = reason,
                         .ticket_no = PQgetvalue(d, 0, L_TICKET), .unit_code = PQgetvalue(d, 0, L_UNIT_CODE)};
    return esc_alert_raise(ctx, in, out);
}

static int advance(const esc_ctx *ctx, const char *id, const char *rung, int64_t at)
{
    char ms[24];
    snprintf(ms, sizeof ms, "%lld", (long long)at);
    const char *params[] = {id, rung, ms};
    return db_command(ctx->pg, "advance deadline rung", SQL_ADVANCE, 3, params, NULL);
}

static void span_of_row(PGresult *d, esc_span *s)
{
    s->started_ms = strtoll(PQgetvalue(d, 0, L_STARTED), NULL, 10);
    s->due_ms = strtoll(PQgetvalue(d, 0, L_DUE), NULL, 10);
    s->remind_share = atof(PQgetvalue(d, 0, L_SHARE));
    s->accountability_days = atoi(PQgetvalue(d, 0, L_DAYS));
}

/* Decides for locked deadline d: fire (raise + advance), put back, or done. */
static int fire_locked(const esc_ctx *ctx, const char *id, PGresult *d, int64_t now_ms, esc_fire_stats *st,
                       int64_t *arm_at, esc_alert_in *in, esc_raised *out, char *due_ms, char *orders)
{
    esc_span s;
    const char *rung = PQgetvalue(d, 0, L_RUNG);
    span_of_row(d, &s);
    if (!*rung || strcmp(rung, "done") == 0) {
        st->stale++;
        return 0;
    }
    if (strcmp(PQgetvalue(d, 0, L_PAUSED), "t") == 0) {
        st->paused++;
        return 0;
    }
    if (!still_open(d)) {
        st->quiet++;
        return advance(ctx, id, "done", 0);
    }
    int64_t at = esc_rung_at(ctx->cal, rung, &s);
    if (at > now_ms) {
        st->early++;
        *arm_at = at;
        return 0;
    }
    if (raise_rung(ctx, id, d, &s, at, in, out, due_ms, orders) != 0)
        return -1;
    if (out->id)
        st->alerts++;
    else
        st->quiet++;
    const char *next = esc_rung_next(rung);
    if (strcmp(next, "done") != 0)
        *arm_at = esc_rung_at(ctx->cal, next, &s);
    return advance(ctx, id, next, *arm_at);
}

/* Fires one deadline in one transaction. 0 or -1 (rolled back). */
static int fire_one(const esc_ctx *ctx, const char *id, int64_t now_ms, esc_fire_stats *st)
{
    esc_alert_in in;
    esc_raised out = {0};
    char due_ms[24], orders[32], member[ESC_MEMBER_BYTES];
    int64_t arm_at = -1;
    PGresult *d = NULL;
    const char *params[] = {id};
    if (db_begin(ctx->pg) != 0 || !(d = db_query(ctx->pg, "lock deadline", SQL_LOCK, 1, params)))
        goto fail;
    if (PQntuples(d) == 0)
        st->stale++;
    else if (fire_locked(ctx, id, d, now_ms, st, &arm_at, &in, &out, due_ms, orders) != 0)
        goto fail;
    if (out.id)
        esc_failpoint("before_commit");
    if (db_commit(ctx->pg) != 0)
        goto fail;
    if (out.id)
        esc_failpoint("after_commit");
    if (arm_at >= 0) {
        snprintf(member, sizeof member, "%s", id);
        esc_arm(ctx, &member, &arm_at, 1);
    }
    esc_alert_publish(ctx, &in, &out);
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

/* 1 if s is a positive decimal id. */
static int is_id(const char *s)
{
    char *end = NULL;
    long long v = strtoll(s, &end, 10);
    return v > 0 && *s != '+' && *s != '-' && end && *end == '\0';
}

/* One claimed member: "r<id>" fires, "<id>" asks for planning. 0 or -1. */
static int handle_member(const esc_ctx *ctx, const char *m, int64_t now_ms, esc_fire_stats *st)
{
    char ids[ESC_MEMBER_BYTES + 2];
    if (m[0] == 'r' && is_id(m + 1))
        return fire_one(ctx, m + 1, now_ms, st);
    st->stale++;
    if (!is_id(m)) {
        log_warn("timer member '%.40s' in %s is not a deadline; dropped", m, ctx->key);
        return 0;
    }
    snprintf(ids, sizeof ids, "{%s}", m);
    return esc_plan(ctx, ids, 1) < 0 ? -1 : 0;
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
        if (handle_member(ctx, members[i], now_ms, st) != 0) {
            put_back(ctx, members + i, n - i, now_ms);
            rc = -1;
            break;
        }
    }
    timers_free(members, n);
    free(members);
    return rc;
}
