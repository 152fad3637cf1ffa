/* esc_timers.c — firing the rungs of deadlines exactly once in effect (see
 * esc_timers.h; why the row lock and the checks: README.md).
 */
#include "esc_timers.h"

#include <stdint.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "db.h"
#include "esc_alert.h"
#include "esc_ladder.h"
#include "failpoint.h"
#include "names.h"
#include "sqlarr.h"
#include "log.h"
#include "timers.h"

#define RETRY_MS 1000           /* a timer whose firing failed is retried this much later */

/* The next page of pending deadlines by id, with when to arm each (NULL: not
 * planned yet, or paused). A page is so many pending rows whatever they hold:
 * looking for so many armable ones, a walk past the planned ones (a backlog
 * being planned in id order) read the rest of the table for every page. The
 * page is read in index order whatever the statistics (migration 033). */
static const char SQL_PENDING[] =
    "SELECT id, CASE WHEN paused_at IS NULL AND rung_next IN ('remind', 'supervise', 'accountability')"
    "                THEN " ESC_SQL_MS("rung_at") " END"
    " FROM deadlines_pending_after($1::bigint, $2::int) ORDER BY id";

/* The claimed deadlines, locked in id order (two processes that claimed the
 * same ids lock them in the same order: no deadlock). Their orders are looked
 * up by key (= ANY of the ids): a join the planner may choose instead reads
 * all of complaints for every batch. Each one's owner is looked up by its
 * own order (LATERAL): the same "= ANY" there was tested against the whole
 * array for every deadline, 0.61 s for a batch of 4,000 against 0.03 s. */
static const char SQL_LOCK[] =
    "WITH d AS MATERIALIZED ("
    "  SELECT * FROM deadlines WHERE id = ANY($1::bigint[]) AND fired_at IS NULL ORDER BY id FOR UPDATE"
    "), o AS (SELECT ARRAY(SELECT complaint_id FROM d) AS ids)"
    " SELECT d.id, d.complaint_id, d.kind, d.cycle, d.rung_next, d.paused_at IS NOT NULL,"
    "       d.met_at IS NULL AND d.cycle = c.cycle, " ESC_SQL_MS("d.started_at") ", " ESC_SQL_MS("d.due_at") ","
    "       " LADDER_SQL_SHARE ", " LADDER_SQL_DAYS ", c.status, c.ticket_no,"
    "       u.id, coalesce(u.code, ''), coalesce(u.name, ''), d.paused_seconds * 1000,"
    "       coalesce(" ESC_SQL_MS("d.extended_from") ", 0), coalesce(" ESC_SQL_MS("d.extended_to") ", 0),"
    "       coalesce(" ESC_SQL_MS("d.extended_at") ", 0)"
    " FROM d CROSS JOIN o JOIN complaints c ON c.id = d.complaint_id AND c.id = ANY(o.ids)"
    " LEFT JOIN LATERAL (SELECT a.unit_id FROM assignments a"
    "   WHERE a.complaint_id = d.complaint_id AND a.active AND a.role = 'owner' LIMIT 1) a ON true"
    " LEFT JOIN units u ON u.id = coalesce(d.unit_id, a.unit_id)" LADDER_SQL("c.category", "c.urgency")
    " ORDER BY d.id";

/* Up to $2 deadlines not planned yet (all, or those in $1), skipping those
 * another process holds (two processes share the backlog), as one array for
 * SQL_LOCK: picked within SQL_LOCK itself, their number unknown to the
 * planner, the lookups by key ran once per deadline (0.48 s for 1,000). */
static const char SQL_PICK_UNPLANNED[] =
    "SELECT coalesce(array_agg(id ORDER BY id), '{}') FROM (SELECT id FROM deadlines"
    "  WHERE fired_at IS NULL AND rung_next IS NULL AND paused_at IS NULL"
    "    AND ($1::bigint[] IS NULL OR id = ANY($1::bigint[]))"
    "  ORDER BY id LIMIT $2::int FOR UPDATE SKIP LOCKED) p";

enum { L_ID, L_COMPLAINT, L_KIND, L_CYCLE, L_RUNG, L_PAUSED, L_UNMET, L_STARTED, L_DUE, L_SHARE, L_DAYS, L_STATUS,
       L_TICKET, L_UNIT_ID, L_UNIT_CODE, L_UNIT_NAME, L_STOOD, L_EXT_FROM, L_EXT_TO, L_EXT_AT };

/* $1 ids, $2 their next rungs, $3 when those fall due (ms). */
static const char SQL_ADVANCE[] =
    "UPDATE deadlines d SET rung_next = u.rung,"
    "       rung_at = CASE WHEN u.rung = 'done' THEN NULL ELSE to_timestamp(u.ms / 1000.0) END,"
    "       fired_at = CASE WHEN u.rung = 'done' THEN now() END"
    " FROM unnest($1::bigint[], $2::text[], $3::bigint[]) AS u(id, rung, ms)"
    " WHERE d.id = u.id AND d.id = ANY($1::bigint[])";      /* by key, see SQL_LOCK */

/* ---- reconcile ---- */

/* Arms the planned deadlines of one page of pending ones after id *after. Returns the page size or -1. */
static long reconcile_page(const esc_ctx *ctx, char after[ESC_MEMBER_BYTES], size_t batch,
                           char (*ids)[ESC_MEMBER_BYTES], int64_t *due)
{
    char limit[32];
    size_t armed = 0;
    snprintf(limit, sizeof limit, "%zu", batch);
    const char *params[] = {after, limit};
    PGresult *res = db_query(ctx->pg, "list pending deadlines", SQL_PENDING, 2, params, ctx->err, ctx->errlen);
    if (!res)
        return -1;
    size_t n = (size_t)PQntuples(res);
    for (size_t i = 0; i < n; i++) {
        if (PQgetisnull(res, (int)i, 1))
            continue;
        snprintf(ids[armed], ESC_MEMBER_BYTES, "%s", PQgetvalue(res, (int)i, 0));
        due[armed++] = strtoll(PQgetvalue(res, (int)i, 1), NULL, 10);
    }
    if (n)
        snprintf(after, ESC_MEMBER_BYTES, "%s", PQgetvalue(res, (int)n - 1, 0));
    PQclear(res);
    if (armed && esc_ladder_arm(ctx, ids, due, armed) != 0)
        return -1;
    return (long)n;
}

long esc_timers_reconcile_step(const esc_ctx *ctx, char after[ESC_MEMBER_BYTES], size_t batch)
{
    long n = -1;
    batch = batch ? batch : 1;
    char (*ids)[ESC_MEMBER_BYTES] = calloc(batch, sizeof *ids);
    int64_t *due = calloc(batch, sizeof *due);
    if (ids && due)
        n = reconcile_page(ctx, after, batch, ids, due);
    else
        snprintf(ctx->err, ctx->errlen, "timer reconcile: out of memory");
    free(ids);
    free(due);
    if (n >= 0 && (size_t)n < batch)
        snprintf(after, ESC_MEMBER_BYTES, "0");
    return n;
}

/* ---- firing ---- */

/* One locked deadline (row r of the batch) being fired. */
typedef struct {
    PGresult   *d;
    int         r;
    ladder_span span;
    const char *rung;           /* the rung it stands at: stored, or its first when not planned yet */
    const char *next;           /* the rung it moves to, NULL: stays */
    int64_t     arm_at;         /* -1: nothing to arm */
    int         raise;          /* its alert is in[] at this index + 1 (0: none) */
    int64_t     ext_from_ms, ext_to_ms, ext_at_ms;  /* an approved extension moved it (0: none) */
    char        due_ms[24], orders[32], subject[48];
    char        reason[ESC_REASON_BYTES];
} firing;

#define V(f, col) PQgetvalue((f)->d, (f)->r, (col))

/* 1 if the order is still open for a deadline of this kind. One handed
 * back to the city hotline (handed_back: not this district's business) is
 * nobody's here to resolve, like one resolved or closed. */
static int still_open(const firing *f)
{
    const char *kind = V(f, L_KIND), *status = V(f, L_STATUS);
    if (strcmp(V(f, L_UNMET), "t") != 0)
        return 0;
    if (strcmp(kind, "accept") == 0)
        return strcmp(status, "dispatched") == 0;
    return strcmp(status, "resolved") != 0 && strcmp(status, "closed") != 0 && strcmp(status, "handed_back") != 0;
}

/* What an approved extension that moved the deadline adds after its time
 * falling due, into ext: from when to when
 * (（经批准延期，由 2026-12-09 17:30 延至 2026-12-11 17:30）); else "". */
static void format_extended(char *ext, size_t cap, const esc_ctx *ctx, const firing *f)
{
    char from[32], to[32];
    *ext = '\0';
    if (!f->ext_to_ms)
        return;
    civil_format_minute(from, sizeof from, f->ext_from_ms / 1000, ctx->utc_offset_min);
    civil_format_minute(to, sizeof to, f->ext_to_ms / 1000, ctx->utc_offset_min);
    snprintf(ext, cap, "（经批准延期，由 %s 延至 %s）", from, to);
}

static void format_reason(char *dst, size_t cap, const esc_ctx *ctx, const firing *f)
{
    char due[64], ext[128], who[256];
    const char *rung = f->rung, *status = names_status(V(f, L_STATUS)), *task = names_deadline(V(f, L_KIND));
    civil_format_minute(due, sizeof due, f->span.due_ms / 1000, ctx->utc_offset_min);
    format_extended(ext, sizeof ext, ctx, f);
    if (*V(f, L_UNIT_NAME))
        snprintf(who, sizeof who, "%s 尚未%s工单 %s", V(f, L_UNIT_NAME), task, V(f, L_TICKET));
    else
        snprintf(who, sizeof who, "工单 %s 没有承办单位，尚未%s", V(f, L_TICKET), task);
    if (strcmp(rung, "remind") == 0)
        snprintf(dst, cap, "%s：%s时限已用 %.0f%%，%s 到期%s：%s（当前状态：%s）", names_rung(rung), task,
                 f->span.remind_share * 100, due, ext, who, status);
    else if (strcmp(rung, "supervise") == 0)
        snprintf(dst, cap, "%s：%s时限 %s 已到期%s：%s（当前状态：%s）", names_rung(rung), task, due, ext, who, status);
    else
        snprintf(dst, cap, "%s：%s时限 %s 已到期%s，%d 个工作日后仍未完成：%s（当前状态：%s）", names_rung(rung),
                 task, due, ext, f->span.accountability_days, who, status);
}

static const char *rung_target(const char *rung)
{
    if (strcmp(rung, "remind") == 0)
        return "unit";
    return strcmp(rung, "supervise") == 0 ? "campaign" : "discipline";
}

/* Prepares the alert of the current rung, due at `at`, in *in. */
static void prepare_alert(const esc_ctx *ctx, firing *f, int64_t at, esc_alert_in *in)
{
    const char *rung = f->rung;
    format_reason(f->reason, sizeof f->reason, ctx, f);
    snprintf(f->due_ms, sizeof f->due_ms, "%lld", (long long)at);
    snprintf(f->orders, sizeof f->orders, "{%s}", V(f, L_COMPLAINT));
    if (f->ext_to_ms)
        snprintf(f->subject, sizeof f->subject, "%s:extended:%lld", V(f, L_KIND), (long long)(f->ext_to_ms / 1000));
    else
        snprintf(f->subject, sizeof f->subject, "%s", V(f, L_KIND));
    *in = (esc_alert_in){.complaint_id = V(f, L_COMPLAINT), .deadline_id = V(f, L_ID), .rung = rung,
                         .cycle = V(f, L_CYCLE), .subject = f->subject,
                         .unit_id = PQgetisnull(f->d, f->r, L_UNIT_ID) ? NULL : V(f, L_UNIT_ID),
                         .target = rung_target(rung), .orders = f->orders, .due_ms = f->due_ms,
                         .reason = f->reason, .ticket_no = V(f, L_TICKET), .unit_code = V(f, L_UNIT_CODE)};
}

/* Not due yet: armed for when it is; a deadline not planned yet is planned
 * (its first rung stored). */
static void wait_for_rung(firing *f, int64_t at, int planning, esc_fire_stats *st)
{
    f->arm_at = at;
    if (planning) {
        st->planned++;
        f->next = f->rung;
    } else {
        st->early++;
    }
}

/* The first rung of a deadline not planned yet: that of its span, but
 * after an approved extension not a remind whose time under the new
 * deadline came before the approval (raised at it, it would come at once,
 * not at its time). */
static const char *first_rung(const esc_ctx *ctx, const firing *f)
{
    const char *rung = ladder_rung_first(ctx->cal, &f->span);
    if (f->ext_to_ms && strcmp(rung, "remind") == 0 && ladder_rung_at(ctx->cal, rung, &f->span) <= f->ext_at_ms)
        return ladder_rung_next(rung);
    return rung;
}

/* Decides for one locked deadline: raise its rung's alert and move on, put
 * it back (not due yet), end its ladder (the order moved on), or leave it.
 * A deadline not planned yet stands at its first rung: planned and, when
 * that is due already, fired in the same write. */
static void decide(const esc_ctx *ctx, firing *f, int64_t now_ms, esc_fire_stats *st, esc_alert_in *in,
                   size_t *n_in)
{
    const char *stored = V(f, L_RUNG);
    f->span = (ladder_span){.started_ms = strtoll(V(f, L_STARTED), NULL, 10), .due_ms = strtoll(V(f, L_DUE), NULL, 10),
                         .remind_share = atof(V(f, L_SHARE)), .accountability_days = atoi(V(f, L_DAYS)),
                         .paused_ms = strtoll(V(f, L_STOOD), NULL, 10)};
    f->ext_from_ms = strtoll(V(f, L_EXT_FROM), NULL, 10);
    f->ext_to_ms = strtoll(V(f, L_EXT_TO), NULL, 10);
    f->ext_at_ms = strtoll(V(f, L_EXT_AT), NULL, 10);
    f->rung = *stored ? stored : first_rung(ctx, f);
    if (strcmp(stored, "done") == 0) {
        st->stale++;
    } else if (strcmp(V(f, L_PAUSED), "t") == 0) {
        st->paused++;
    } else if (!still_open(f)) {
        st->quiet++;
        f->next = "done";
    } else {
        int64_t at = ladder_rung_at(ctx->cal, f->rung, &f->span);
        if (at > now_ms) {
            wait_for_rung(f, at, !*stored, st);
            return;
        }
        prepare_alert(ctx, f, at, &in[*n_in]);
        f->raise = (int)++*n_in;
        f->next = ladder_rung_next(f->rung);
        if (strcmp(f->next, "done") != 0)
            f->arm_at = ladder_rung_at(ctx->cal, f->next, &f->span);
    }
}

/* Moves every decided deadline to its next rung in one statement. */
static int advance_all(const esc_ctx *ctx, const firing *fs, size_t n)
{
    sqlarr a[3];
    const char *params[3];
    int rc = -1;
    memset(a, 0, sizeof a);
    for (size_t i = 0; i < n; i++) {
        if (fs[i].next && (sqlarr_add(&a[0], V(&fs[i], L_ID)) || sqlarr_add(&a[1], fs[i].next) ||
                           sqlarr_add_ms(&a[2], fs[i].arm_at)))
            goto cleanup;
    }
    for (int c = 0; c < 3; c++)
        if (!(params[c] = sqlarr_text(&a[c])))
            goto cleanup;
    rc = a[0].n ? db_command(ctx->pg, "advance deadline rungs", SQL_ADVANCE, 3, params, NULL, ctx->err, ctx->errlen)
                : 0;
cleanup:
    for (int c = 0; c < 3; c++)
        sqlarr_free(&a[c]);
    return rc;
}

/* After the commit: arms the next rungs and publishes the alerts. */
static void after_commit(const esc_ctx *ctx, firing *fs, size_t n, const esc_alert_in *in, const esc_raised *out)
{
    char (*ids)[ESC_MEMBER_BYTES] = calloc(n ? n : 1, sizeof *ids);
    int64_t *at = calloc(n ? n : 1, sizeof *at);
    size_t armed = 0;
    for (size_t i = 0; ids && at && i < n; i++) {
        if (fs[i].arm_at < 0)
            continue;
        snprintf(ids[armed], ESC_MEMBER_BYTES, "%s", V(&fs[i], L_ID));
        at[armed++] = fs[i].arm_at;
    }
    if (!ids || !at || esc_ladder_arm(ctx, ids, at, armed) != 0)
        log_warn("next rungs of %zu deadlines not armed; the reconciler will", n);
    for (size_t i = 0; i < n; i++)
        if (fs[i].raise)
            esc_alert_publish(ctx, &in[fs[i].raise - 1], &out[fs[i].raise - 1]);
    free(ids);
    free(at);
}

/* Raises the prepared alerts and counts them. 0 or -1. */
static int raise_all(const esc_ctx *ctx, const esc_alert_in *in, esc_raised *out, size_t n, esc_fire_stats *st)
{
    if (!n || esc_alert_raise_many(ctx, in, n, out) != 0)
        return n ? -1 : 0;
    for (size_t i = 0; i < n; i++) {
        if (out[i].id)
            st->alerts++;
        else
            st->quiet++;        /* raised before: the unique key held */
    }
    return 0;
}

/* Fires up to n deadlines in one transaction: those in ids ("{1,2}"), or
 * with ids NULL those SQL_PICK_UNPLANNED picks with `pick`. One statement
 * locks them, one raises every alert, one moves every deadline on.
 * Returns how many it locked, or -1 (rolled back). */
static long fire_batch(const esc_ctx *ctx, const char *ids, const char *const *pick, size_t n, int64_t now_ms,
                       esc_fire_stats *st)
{
    long rc = -1;
    size_t rows = 0, n_in = 0;
    firing *fs = calloc(n ? n : 1, sizeof *fs);
    esc_alert_in *in = calloc(n ? n : 1, sizeof *in);
    esc_raised *out = calloc(n ? n : 1, sizeof *out);
    PGresult *picked = NULL, *d = NULL;
    if (!fs || !in || !out || db_begin(ctx->pg, ctx->err, ctx->errlen) != 0 ||
        (!ids && !(picked = db_query(ctx->pg, "pick unplanned deadlines", SQL_PICK_UNPLANNED, 2, pick, ctx->err,
                                     ctx->errlen))))
        goto cleanup;
    const char *params[] = {ids ? ids : PQgetvalue(picked, 0, 0)};
    if (!(d = db_query(ctx->pg, "lock deadlines", SQL_LOCK, 1, params, ctx->err, ctx->errlen)))
        goto cleanup;
    rows = (size_t)PQntuples(d) < n ? (size_t)PQntuples(d) : n;
    for (size_t i = 0; i < rows; i++) {
        fs[i] = (firing){.d = d, .r = (int)i, .arm_at = -1};
        decide(ctx, &fs[i], now_ms, st, in, &n_in);
    }
    if (raise_all(ctx, in, out, n_in, st) != 0 || advance_all(ctx, fs, rows) != 0)
        goto cleanup;
    if (st->alerts)
        failpoint("before_commit");
    if (db_commit(ctx->pg, ctx->err, ctx->errlen) != 0)
        goto cleanup;
    if (st->alerts)
        failpoint("after_commit");
    after_commit(ctx, fs, rows, in, out);
    rc = (long)rows;
cleanup:
    if (rc < 0)
        db_rollback(ctx->pg);
    PQclear(picked);
    PQclear(d);
    free(fs);
    free(in);
    free(out);
    return rc;
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

/* The id in member m ("r<id>" to fire, "<id>" to plan), or 0 for junk. */
static long long member_id(const char *m)
{
    char *end = NULL;
    const char *num = m + (m[0] == 'r');
    if (*num < '1' || *num > '9')
        return 0;
    long long v = strtoll(num, &end, 10);
    return end && *end == '\0' ? v : 0;
}

static int cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

/* Writes "{a,b,...}" of the sorted ids into buf (capacity n * 21 + 3). */
static void id_array(char *buf, long long *ids, size_t n)
{
    size_t len = 0;
    qsort(ids, n, sizeof *ids, cmp_ll);
    buf[len++] = '{';
    for (size_t i = 0; i < n; i++)
        len += (size_t)sprintf(buf + len, "%s%lld", i ? "," : "", ids[i]);
    strcpy(buf + len, "}");
}

/* Fires the deadlines the members name in one transaction: a bare id is a
 * planning request (as assignment arms a new deadline), planned there and
 * fired at once when its first rung is due. */
static int handle_members(const esc_ctx *ctx, char **members, size_t n, int64_t now_ms, esc_fire_stats *st)
{
    int rc = -1;
    size_t nf = 0;
    long long *ids = calloc(n, sizeof *ids);
    char *arr = malloc(n * 21 + 3);
    if (!ids || !arr)
        goto cleanup;
    for (size_t i = 0; i < n; i++) {
        long long id = member_id(members[i]);
        if (!id) {
            log_warn("timer member '%.40s' in %s is not a deadline; dropped", members[i], ctx->key);
            st->stale++;
        } else {
            ids[nf++] = id;
        }
    }
    id_array(arr, ids, nf);
    long locked = nf ? fire_batch(ctx, arr, NULL, nf, now_ms, st) : 0;
    if (locked >= 0) {
        st->stale += nf - (size_t)locked;       /* fired already, or no such deadline */
        rc = 0;
    }
cleanup:
    free(ids);
    free(arr);
    return rc;
}

long esc_timers_plan(const esc_ctx *ctx, const char *ids, size_t max, int64_t now_ms, esc_fire_stats *st)
{
    char limit[24];
    snprintf(limit, sizeof limit, "%zu", max);
    const char *pick[] = {ids, limit};
    memset(st, 0, sizeof *st);
    return fire_batch(ctx, NULL, pick, max, now_ms, st);
}

int esc_timers_fire_due(const esc_ctx *ctx, int64_t since_ms, int64_t now_ms, size_t max, esc_fire_stats *st)
{
    size_t n = 0;
    memset(st, 0, sizeof *st);
    long fresh = timers_count_due(ctx->redis, ctx->key, since_ms, now_ms);
    if (fresh < 0) {
        snprintf(ctx->err, ctx->errlen, "Redis: counting due timers in %s failed", ctx->key);
        return -1;
    }
    st->fresh = fresh < ESC_FIRE_FRESH_MAX ? (size_t)fresh : ESC_FIRE_FRESH_MAX;
    max += st->fresh;
    char **members = calloc(max ? max : 1, sizeof *members);
    if (!members) {
        snprintf(ctx->err, ctx->errlen, "firing timers: out of memory");
        return -1;
    }
    if (timers_claim_due(ctx->redis, ctx->key, now_ms, max - (max - st->fresh) / 4, max, members, &n) != 0) {
        snprintf(ctx->err, ctx->errlen, "Redis: claiming due timers from %s failed", ctx->key);
        free(members);
        return -1;
    }
    st->claimed = n;
    int rc = n ? handle_members(ctx, members, n, now_ms, st) : 0;
    if (rc != 0)
        put_back(ctx, members, n, now_ms);
    timers_free(members, n);
    free(members);
    return rc;
}
