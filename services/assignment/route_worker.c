/* route_worker.c — one routing batch (see route_worker.h).
 *
 * The batch travels to PostgreSQL as parallel arrays (ids, streets, rules,
 * reasons, scores …) unnested into rows, so a batch of 500 orders costs two
 * statements whatever its size: one to read the orders, one to write every
 * decision. The write is a chain of data-modifying CTEs driven by the UPDATE
 * of rows still 'new': whatever a concurrent worker or an earlier delivery
 * already routed drops out there, and the inserts below it see nothing to do.
 * The rows are locked in id order first, so two workers whose batches overlap
 * wait for each other instead of deadlocking; the one that waited then sees
 * the order no longer 'new'.
 */
#include "route_worker.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "timers.h"

#define MEMBER_BYTES 24     /* a deadline id in decimal */

enum { ARR_ID, ARR_STREET, ARR_COMMUNITY, ARR_RULE, ARR_REASONS, ARR_SCORE, ARR_MANUAL, NARRAYS };

/* A growing string for PostgreSQL array literals. */
typedef struct {
    char  *s;
    size_t len, cap;
} strbuf;

struct route_worker {
    route_worker_opts   o;
    queue_item         *items;
    route_place_result *results;
    strbuf              arr[NARRAYS];
    char               (*members)[MEMBER_BYTES];   /* deadline ids of the batch, 2 per order */
    char              **member_ptrs;
    int64_t            *due_ms;
    int64_t             last_claim_ms;
};

static const char SQL_LOAD[] =
    "SELECT id, ticket_no, address, content FROM complaints"
    " WHERE id = ANY($1::bigint[]) AND status = 'new' ORDER BY id";

/* $1..$7 the batch's arrays, $8/$9 accept/resolve seconds. Returns one row per
 * order that moved: idx (1-based position in the arrays), status, unit code
 * and name, reasons, accept deadline id and due ms, resolve deadline id and due ms. */
static const char SQL_WRITE[] =
    "WITH input AS ("
    "  SELECT t.idx, t.complaint_id, t.street_code, t.community_code, t.rule, t.score,"
    "         u.id AS unit_id, u.code AS unit_code, u.name AS unit_name, u.id IS NOT NULL AS dispatch,"
    "         CASE WHEN NOT t.manual AND u.id IS NULL"
    "              THEN t.reasons || '; no street office unit for ' || t.street_code || ', manual dispatch'"
    "              ELSE t.reasons END AS reasons"
    "  FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::bool[])"
    "       WITH ORDINALITY AS t(complaint_id, street_code, community_code, rule, reasons, score, manual, idx)"
    "  LEFT JOIN units u ON NOT t.manual AND u.code = t.street_code AND u.kind = 'street'"
    "), locked AS ("
    "  SELECT c.id FROM complaints c JOIN input i ON i.complaint_id = c.id"
    "  WHERE c.status = 'new' ORDER BY c.id FOR UPDATE OF c"
    "), moved AS ("
    "  UPDATE complaints c SET status = CASE WHEN i.dispatch THEN 'dispatched' ELSE 'manual' END,"
    "         updated_at = now()"
    "  FROM input i WHERE c.id = i.complaint_id AND c.id IN (SELECT id FROM locked) AND c.status = 'new'"
    "  RETURNING c.id, c.status"
    "), owner AS ("
    "  INSERT INTO assignments (complaint_id, unit_id, role, street_code, community_code, rule, reasons, score)"
    "  SELECT i.complaint_id, i.unit_id, CASE WHEN i.dispatch THEN 'owner' ELSE 'manual' END,"
    "         i.street_code, i.community_code, i.rule, i.reasons, i.score"
    "  FROM moved m JOIN input i ON i.complaint_id = m.id"
    "  ON CONFLICT DO NOTHING"
    "), due AS ("
    "  INSERT INTO deadlines (complaint_id, kind, cycle, due_at)"
    "  SELECT m.id, k.kind, 1, now() + make_interval(secs => k.secs)"
    "  FROM moved m CROSS JOIN (VALUES ('accept', $8::float8), ('resolve', $9::float8)) AS k(kind, secs)"
    "  WHERE m.status = 'dispatched'"
    "  ON CONFLICT DO NOTHING"
    "  RETURNING id, complaint_id, kind, ceil(extract(epoch FROM due_at) * 1000)::bigint AS due_ms"
    "), logged AS ("
    "  INSERT INTO complaint_events (complaint_id, actor, event, detail)"
    "  SELECT m.id, 'assignment', CASE WHEN m.status = 'dispatched' THEN 'routed' ELSE 'manual' END,"
    "         jsonb_build_object('rule', i.rule, 'reasons', i.reasons, 'score', i.score,"
    "                            'street', i.street_code, 'community', i.community_code, 'unit', i.unit_code)"
    "  FROM moved m JOIN input i ON i.complaint_id = m.id"
    ")"
    " SELECT i.idx, m.status, coalesce(i.unit_code, ''), coalesce(i.unit_name, ''), i.reasons,"
    "        a.id, a.due_ms, r.id, r.due_ms"
    " FROM moved m JOIN input i ON i.complaint_id = m.id"
    " LEFT JOIN due a ON a.complaint_id = m.id AND a.kind = 'accept'"
    " LEFT JOIN due r ON r.complaint_id = m.id AND r.kind = 'resolve'"
    " ORDER BY i.idx";

enum { W_IDX, W_STATUS, W_UNIT_CODE, W_UNIT_NAME, W_REASONS, W_ACCEPT_ID, W_ACCEPT_MS, W_RESOLVE_ID, W_RESOLVE_MS };

/* ---- array literals ---- */

static int sb_put(strbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (b->len + n + 1 > cap)
            cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p)
            return -1;
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
    return 0;
}

/* Appends one element (a separator first unless it is the first): NULL for
 * NULL, quoted text with " and \ escaped when quote, else raw. */
static int arr_elem(strbuf *b, const char *v, int quote)
{
    if (sb_put(b, b->len > 1 ? "," : "", b->len > 1) != 0)
        return -1;
    if (!v)
        return sb_put(b, "NULL", 4);
    if (!quote)
        return sb_put(b, v, strlen(v));
    if (sb_put(b, "\"", 1) != 0)
        return -1;
    for (const char *p = v; *p; p++) {
        if ((*p == '"' || *p == '\\') && sb_put(b, "\\", 1) != 0)
            return -1;
        if (sb_put(b, p, 1) != 0)
            return -1;
    }
    return sb_put(b, "\"", 1);
}

/* Empties every array and opens it with "{". */
static int arrays_start(route_worker *self)
{
    for (int a = 0; a < NARRAYS; a++) {
        self->arr[a].len = 0;
        if (sb_put(&self->arr[a], "{", 1) != 0)
            return -1;
    }
    return 0;
}

static int arrays_close(route_worker *self)
{
    for (int a = 0; a < NARRAYS; a++)
        if (sb_put(&self->arr[a], "}", 1) != 0)
            return -1;
    return 0;
}

/* ---- life cycle ---- */

route_worker *route_worker_new(const route_worker_opts *opts)
{
    if (opts->batch_max == 0)
        return NULL;
    route_worker *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->o = *opts;
    size_t n = opts->batch_max;
    self->items = calloc(n, sizeof *self->items);
    self->results = calloc(n, sizeof *self->results);
    self->members = calloc(2 * n, sizeof *self->members);
    self->member_ptrs = calloc(2 * n, sizeof *self->member_ptrs);
    self->due_ms = calloc(2 * n, sizeof *self->due_ms);
    if (!self->items || !self->results || !self->members || !self->member_ptrs || !self->due_ms)
        route_worker_destroy(&self);
    return self;
}

void route_worker_destroy(route_worker **self)
{
    if (!self || !*self)
        return;
    route_worker *w = *self;
    for (int a = 0; a < NARRAYS; a++)
        free(w->arr[a].s);
    free(w->items);
    free(w->results);
    free(w->members);
    free(w->member_ptrs);
    free(w->due_ms);
    free(w);
    *self = NULL;
}

/* ---- one batch ---- */

/* Reads the orders of the batch that are still 'new'. */
static PGresult *load_orders(route_worker *self, size_t n)
{
    char id[32];
    if (arrays_start(self) != 0)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        snprintf(id, sizeof id, "%" PRId64, self->items[i].id);
        if (arr_elem(&self->arr[ARR_ID], id, 0) != 0)
            return NULL;
    }
    if (sb_put(&self->arr[ARR_ID], "}", 1) != 0)
        return NULL;
    const char *params[] = {self->arr[ARR_ID].s};
    return db_query(self->o.pg, "load complaints to route", SQL_LOAD, 1, params);
}

/* Decides every loaded order and fills the arrays of the write. 0 or -1 (out of memory). */
static int decide(route_worker *self, PGresult *orders)
{
    char num[32];
    if (arrays_start(self) != 0)
        return -1;
    for (int r = 0; r < PQntuples(orders); r++) {
        route_place_result *res = &self->results[r];
        route_places_match(self->o.places, PQgetvalue(orders, r, 2), PQgetvalue(orders, r, 3), res);
        int manual = !*res->street_code || res->score < self->o.min_score;
        if (manual && *res->street_code) {
            size_t len = strlen(res->reason);   /* ASCII appended: a cut cannot split a character */
            snprintf(res->reason + len, sizeof res->reason - len, "; score %.2f under %.2f, manual dispatch",
                     res->score, self->o.min_score);
        }
        snprintf(num, sizeof num, "%.3f", res->score);
        if (arr_elem(&self->arr[ARR_ID], PQgetvalue(orders, r, 0), 0) != 0 ||
            arr_elem(&self->arr[ARR_STREET], *res->street_code ? res->street_code : NULL, 1) != 0 ||
            arr_elem(&self->arr[ARR_COMMUNITY], *res->community_code ? res->community_code : NULL, 1) != 0 ||
            arr_elem(&self->arr[ARR_RULE], res->rule, 1) != 0 ||
            arr_elem(&self->arr[ARR_REASONS], res->reason, 1) != 0 ||
            arr_elem(&self->arr[ARR_SCORE], num, 0) != 0 ||
            arr_elem(&self->arr[ARR_MANUAL], manual ? "t" : "f", 0) != 0)
            return -1;
    }
    return arrays_close(self);
}

static PGresult *write_decisions(route_worker *self)
{
    char accept[32], resolve[32];
    snprintf(accept, sizeof accept, "%ld", self->o.accept_seconds);
    snprintf(resolve, sizeof resolve, "%ld", self->o.resolve_seconds);
    const char *params[] = {self->arr[ARR_ID].s,      self->arr[ARR_STREET].s, self->arr[ARR_COMMUNITY].s,
                            self->arr[ARR_RULE].s,    self->arr[ARR_REASONS].s, self->arr[ARR_SCORE].s,
                            self->arr[ARR_MANUAL].s,  accept,                   resolve};
    return db_query(self->o.pg, "write routing decisions", SQL_WRITE, 9, params);
}

/* Adds a deadline (columns id_col, ms_col of row r) to the batch's timers. */
static void collect_timer(route_worker *self, PGresult *w, int r, int id_col, int ms_col, size_t *n)
{
    if (PQgetisnull(w, r, id_col))
        return;
    snprintf(self->members[*n], MEMBER_BYTES, "%s", PQgetvalue(w, r, id_col));
    self->member_ptrs[*n] = self->members[*n];
    self->due_ms[*n] = strtoll(PQgetvalue(w, r, ms_col), NULL, 10);
    (*n)++;
}

static void add_timers(route_worker *self, PGresult *w)
{
    size_t n = 0;
    for (int r = 0; r < PQntuples(w); r++) {
        collect_timer(self, w, r, W_ACCEPT_ID, W_ACCEPT_MS, &n);
        collect_timer(self, w, r, W_RESOLVE_ID, W_RESOLVE_MS, &n);
    }
    if (n && timers_add(self->o.redis, self->o.timers_key, self->member_ptrs, self->due_ms, n) != 0)
        log_warn("Redis: adding %zu deadline timers to %s failed; the escalation reconciler will add them",
                 n, self->o.timers_key);
}

static int64_t ms_or_zero(PGresult *w, int r, int col)
{
    return PQgetisnull(w, r, col) ? 0 : strtoll(PQgetvalue(w, r, col), NULL, 10);
}

/* Publishes one "complaint.routed" per order that moved and counts them. */
static void publish(route_worker *self, PGresult *orders, PGresult *w, route_batch_stats *st)
{
    for (int r = 0; r < PQntuples(w); r++) {
        int o = atoi(PQgetvalue(w, r, W_IDX)) - 1;
        const route_place_result *res = &self->results[o];
        int manual = strcmp(PQgetvalue(w, r, W_STATUS), "manual") == 0;
        if (manual)
            st->manual++;
        else
            st->dispatched++;
        if (!self->o.pub)
            continue;
        Jiesu__Assignment a = JIESU__ASSIGNMENT__INIT;
        a.complaint_id = strtoll(PQgetvalue(orders, o, 0), NULL, 10);
        a.ticket_no = PQgetvalue(orders, o, 1);
        a.unit_code = PQgetvalue(w, r, W_UNIT_CODE);
        a.unit_name = PQgetvalue(w, r, W_UNIT_NAME);
        a.street_code = (char *)res->street_code;
        a.rule = (char *)res->rule;
        a.reasons = PQgetvalue(w, r, W_REASONS);
        a.score = res->score;
        a.accept_by_ms = ms_or_zero(w, r, W_ACCEPT_MS);
        a.resolve_by_ms = ms_or_zero(w, r, W_RESOLVE_MS);
        a.manual = manual;
        bus_pub_send(self->o.pub, "complaint.routed", &a.base, NULL);
    }
}

/* Routes the n entries in self->items. 0 or -1. */
static int handle(route_worker *self, size_t n, route_batch_stats *st)
{
    int rc = -1;
    PGresult *w = NULL, *orders = load_orders(self, n);
    if (!orders)
        goto cleanup;
    if (decide(self, orders) != 0) {
        log_error("routing a batch of %zu: out of memory", n);
        goto cleanup;
    }
    if (PQntuples(orders) > 0 && !(w = write_decisions(self)))
        goto cleanup;       /* one statement: nothing of it was committed */
    if (w) {
        add_timers(self, w);
        publish(self, orders, w, st);
    }
    st->skipped = n - st->dispatched - st->manual;
    if (queue_ack(self->o.queue, self->items, n) != 0) {
        log_warn("Redis: ack of %zu routed entries failed (%s); they will be re-delivered harmlessly",
                 n, queue_errstr(self->o.queue));
        goto cleanup;
    }
    rc = 0;
cleanup:
    PQclear(w);
    PQclear(orders);
    return rc;
}

int route_worker_step(route_worker *self, int block_ms, route_batch_stats *st)
{
    size_t n = 0;
    memset(st, 0, sizeof *st);
    int64_t now = bus_now_ms();
    if (now - self->last_claim_ms >= self->o.claim_idle_ms) {
        if (queue_claim_stale(self->o.queue, self->o.claim_idle_ms, self->items, self->o.batch_max, &n) != 0) {
            log_error("Redis: claiming idle routing entries: %s", queue_errstr(self->o.queue));
            return -1;
        }
        if (n < self->o.batch_max)
            self->last_claim_ms = now;     /* a full batch: there may be more to claim at once */
        st->claimed = n;
    }
    if (n == 0 && queue_read(self->o.queue, self->items, self->o.batch_max, block_ms, &n) != 0) {
        log_error("Redis: reading the routing stream: %s", queue_errstr(self->o.queue));
        return -1;
    }
    st->entries = n;
    return n ? handle(self, n, st) : 0;
}
