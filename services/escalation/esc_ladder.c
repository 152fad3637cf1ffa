/* esc_ladder.c — pausing and resuming the clocks of deadlines (see
 * esc_ladder.h), and arming their timers. Resuming takes its rows with
 * FOR UPDATE SKIP LOCKED (why: README.md) and sends them back to planning,
 * which esc_timers_plan() does as the timers fire (esc_timers.c).
 */
#include "esc_ladder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "sqlarr.h"
#include "log.h"
#include "timers.h"

#define PAUSE_BATCH 1000

/* A deadline met already keeps its due_at: it never pauses. The orders
 * waiting, returned or in the manual queue (ESC_PAUSED_STATUSES) are read
 * first, their deadlines then by key: as a join, on tables a bulk import had
 * filled before their first ANALYZE, the planner walked every pending
 * deadline into complaints (2.0 s for 1,572,588 of them, every sweep; 27 ms
 * this way). */
static const char SQL_PAUSE[] =
    "UPDATE deadlines d SET paused_at = " ESC_SQL_NOW
    " WHERE d.complaint_id = ANY (ARRAY(SELECT c.id FROM complaints c WHERE c.status IN " ESC_PAUSED_STATUSES "))"
    "   AND d.fired_at IS NULL AND d.paused_at IS NULL AND d.met_at IS NULL";

/* The clock stood still from paused_at until now, or until the deadline was
 * met if that came first (before the pause: not at all). The paused
 * deadlines are read by id from function deadlines_paused_ids (migration
 * 034: found by their index whatever the statistics; as a join, on a table
 * not yet analyzed, every deadline was walked on every sweep). */
static const char SQL_TO_RESUME[] =
    "SELECT d.id, " ESC_SQL_MS("d.started_at") ", " ESC_SQL_MS("d.due_at") ", 0, 0, d.paused_seconds * 1000,"
    "       " ESC_SQL_MS("d.paused_at") ", " ESC_SQL_MS("least(" ESC_SQL_NOW ", coalesce(d.met_at, " ESC_SQL_NOW "))")
    " FROM deadlines d JOIN complaints c ON c.id = d.complaint_id"
    " WHERE d.id = ANY (ARRAY(SELECT deadlines_paused_ids())) AND d.paused_at IS NOT NULL"
    "   AND c.status NOT IN " ESC_PAUSED_STATUSES
    " ORDER BY d.id LIMIT $1::int FOR UPDATE OF d SKIP LOCKED";

/* Clearing paused_at sends the deadline back to planning (trigger
 * deadlines_replan, migration 004): its rungs are planned from the new due_at. */
static const char SQL_RESUME[] =
    "UPDATE deadlines d SET paused_at = NULL, due_at = to_timestamp(u.due / 1000.0),"
    "       paused_seconds = d.paused_seconds + u.stood / 1000"
    " FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS u(id, due, stood)"
    " WHERE d.id = u.id AND d.id = ANY($1::bigint[])";

enum { S_ID, S_STARTED, S_DUE, S_SHARE, S_DAYS, S_STOOD, S_PAUSED, S_NOW };

/* ---- timers ---- */

int esc_ladder_arm(const esc_ctx *ctx, char (*ids)[ESC_MEMBER_BYTES], const int64_t *due_ms, size_t n)
{
    int rc = -1;
    char (*members)[LADDER_MEMBER_BYTES] = calloc(n ? n : 1, sizeof *members);
    char **ptrs = calloc(n ? n : 1, sizeof *ptrs);
    if (members && ptrs) {
        for (size_t i = 0; i < n; i++) {
            ladder_member(members[i], ids[i], 1);
            ptrs[i] = members[i];
        }
        rc = n ? timers_add(ctx->redis, ctx->key, ptrs, due_ms, n) : 0;
    }
    if (rc != 0)
        log_warn("Redis: arming %zu escalation timers in %s failed; the reconciler will", n, ctx->key);
    free(members);
    free(ptrs);
    return rc;
}

/* ---- pausing ---- */

static void span_of(PGresult *res, int r, ladder_span *s)
{
    s->started_ms = strtoll(PQgetvalue(res, r, S_STARTED), NULL, 10);
    s->due_ms = strtoll(PQgetvalue(res, r, S_DUE), NULL, 10);
    s->remind_share = atof(PQgetvalue(res, r, S_SHARE));
    s->accountability_days = atoi(PQgetvalue(res, r, S_DAYS));
    s->paused_ms = strtoll(PQgetvalue(res, r, S_STOOD), NULL, 10);
}

/* Appends one resumed deadline to the update's arrays: due_at later by the
 * working time it stood still. */
static int resume_row(const esc_ctx *ctx, PGresult *res, int r, sqlarr a[3])
{
    ladder_span s;
    span_of(res, r, &s);
    int64_t paused = strtoll(PQgetvalue(res, r, S_PAUSED), NULL, 10);
    int64_t until = strtoll(PQgetvalue(res, r, S_NOW), NULL, 10);
    int64_t stood = until > paused ? ladder_work_ms(ctx->cal, paused, until) : 0;
    if (stood > 0)
        s.due_ms = ladder_add_work_ms(ctx->cal, s.due_ms, stood);
    return sqlarr_add(&a[0], PQgetvalue(res, r, S_ID)) || sqlarr_add_ms(&a[1], s.due_ms) ||
                   sqlarr_add_ms(&a[2], stood)
               ? -1
               : 0;
}

/* Writes the resumed deadlines' arrays and commits. 0 or -1. */
static int resume_write(const esc_ctx *ctx, sqlarr a[3])
{
    const char *params[3];
    for (int i = 0; i < 3; i++)
        if (!(params[i] = sqlarr_text(&a[i]))) {
            snprintf(ctx->err, ctx->errlen, "resuming deadlines: out of memory");
            return -1;
        }
    return db_command(ctx->pg, "resume deadlines", SQL_RESUME, 3, params, NULL, ctx->err, ctx->errlen) != 0 ||
                   db_commit(ctx->pg, ctx->err, ctx->errlen) != 0
               ? -1
               : 0;
}

/* Resumes up to PAUSE_BATCH deadlines, taken with SKIP LOCKED, in one
 * transaction. Returns how many, or -1. */
static long resume_batch(const esc_ctx *ctx)
{
    char limit[24];
    const char *params[] = {limit};
    sqlarr a[3];
    long rc = -1;
    int n = 0;
    memset(a, 0, sizeof a);
    snprintf(limit, sizeof limit, "%d", PAUSE_BATCH);
    if (db_begin(ctx->pg, ctx->err, ctx->errlen) != 0)
        return -1;
    PGresult *res = db_query(ctx->pg, "select deadlines to resume", SQL_TO_RESUME, 1, params, ctx->err, ctx->errlen);
    if (!res)
        goto cleanup;
    n = PQntuples(res);
    for (int r = 0; r < n; r++)
        if (resume_row(ctx, res, r, a) != 0) {
            snprintf(ctx->err, ctx->errlen, "resuming deadlines: out of memory");
            goto cleanup;
        }
    rc = n && resume_write(ctx, a) != 0 ? -1 : n;
cleanup:
    if (rc <= 0)
        db_rollback(ctx->pg);
    for (int i = 0; i < 3; i++)
        sqlarr_free(&a[i]);
    PQclear(res);
    return rc;
}

int esc_ladder_pause_sweep(const esc_ctx *ctx, long *paused, long *resumed)
{
    long n;
    *resumed = 0;
    if (db_command(ctx->pg, "pause deadlines", SQL_PAUSE, 0, NULL, paused, ctx->err, ctx->errlen) != 0)
        return -1;
    while ((n = resume_batch(ctx)) > 0) {
        *resumed += n;
        if (n < PAUSE_BATCH)
            break;
    }
    return n < 0 ? -1 : 0;
}
