/* route_worker.c — one routing batch (see route_worker.h).
 *
 * The batch travels to PostgreSQL as parallel arrays (ids, streets, rules,
 * reasons, scores …) unnested into rows, so a batch of 500 orders costs two
 * statements whatever its size: one to read the orders, one to write every
 * decision: a chain of data-modifying CTEs driven by the UPDATE of rows
 * still 'new' or 'returned', locked in id order first (why: README.md).
 */
#include "route_worker.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "db.h"
#include "failpoint.h"
#include "ladder.h"
#include "log.h"
#include "route_say.h"
#include "sqlarr.h"
#include "timers.h"

#define MAX_EXCLUDED 16     /* streets that returned one order in one cycle */
#define WRITE_PREPARED_MAX 32   /* orders a write may hold and still use the prepared statement */

enum { ARR_ID, ARR_STREET, ARR_COMMUNITY, ARR_RULE, ARR_REASONS, ARR_SCORE, ARR_OWNER, ARR_CO, ARR_CATEGORY,
       ARR_ACCEPT_MS, ARR_RESOLVE_MS, ARR_ACCUSED, ARR_SPLIT, ARR_STARTED_MS, ARR_ACCEPT_RUNG, ARR_ACCEPT_RUNG_MS,
       ARR_RESOLVE_RUNG, ARR_RESOLVE_RUNG_MS, ARR_SHOWN, NARRAYS };

/* The deadlines of one decision: accept [0] and resolve [1], when each is
 * due and its first rung (ladder.h), both in Unix ms. */
typedef struct {
    int64_t     due_ms[2];
    const char *rung[2];
    int64_t     rung_ms[2];
} plan;

struct route_worker {
    route_worker_opts   o;
    queue_item         *items;
    route_decision     *results;
    sqlarr              arr[NARRAYS];
    char               (*members)[LADDER_MEMBER_BYTES];    /* timers of the batch's deadlines, 2 per order */
    char              **member_ptrs;
    int64_t            *due_ms;
    plan               *plans;                     /* of each decision */
    int64_t            *linked;                    /* conduct parts created by the batch, to route */
    int64_t             last_claim_ms;
};

/* The orders of the batch still to route, the units that returned each in
 * its current cycle (comma list), the database clock in ms, and whether the
 * order is a complaint about conduct already (conduct_of, migration 029:
 * its category, a letter's conduct part, an order discipline inspection has
 * held, or merged into one): routed as one, to discipline inspection alone.
 * The content is the letter as it came: a split letter's own was redacted
 * when it was split, the whole letter is its conduct part's (link_id), so
 * routing it again decides as the first time did.
 * The ids come through a sub-select, hidden from the planner: given the
 * array itself, PostgreSQL costed the plan for a batch of 3 below the plan
 * it keeps for any batch (the same plan) and planned every batch again,
 * 0.27 ms each at Open311's rate; now the prepared statement keeps its plan. */
static const char SQL_LOAD[] =
    "SELECT c.id, c.ticket_no, c.address,"
    "       coalesce((SELECT j.content FROM complaints j WHERE j.link_id = c.id), c.content),"
    "       coalesce(c.category_raw, ''), coalesce(c.urgency, ''),"
    "       c.returns,"
    "       (SELECT coalesce(string_agg(DISTINCT u.code, ','), '') FROM assignments a JOIN units u ON u.id = a.unit_id"
    "         WHERE a.complaint_id = c.id AND NOT a.active AND a.role = 'owner' AND a.cycle = c.cycle),"
    "       (extract(epoch FROM now()) * 1000)::bigint, c.lon IS NOT NULL AND c.lat IS NOT NULL,"
    "       coalesce(c.lon, 0), coalesce(c.lat, 0), conduct_of(c, p)"
    "  FROM complaints c LEFT JOIN complaints p ON p.id = c.parent_id"
    " WHERE c.id = ANY((SELECT $1::bigint[])::bigint[]) AND c.status IN ('new', 'returned') ORDER BY c.id";

enum { L_ID, L_TICKET, L_ADDRESS, L_CONTENT, L_CATEGORY, L_URGENCY, L_RETURNS, L_RETURNED_BY, L_NOW_MS, L_HAS_COORDS,
       L_LON, L_LAT, L_CONDUCT_PART };

/* $1..$19 the batch's arrays. Returns three kinds of rows, in no order:
 * one per order that moved (idx, its 1-based position in the arrays, status,
 * unit code and name, reasons), one per deadline stored (id, due ms) and one
 * per conduct part created for a split letter (its id). They are not joined
 * into one row per order: the CTEs' row counts are unknown to the planner,
 * which joined them by nested loops, 500 × 800 rows a batch. The
 * conduct part is a complaint of its own, ticket '<ticket>-J', link_id the
 * letter's, status 'new': the worker puts it on the routing stream after the
 * commit (the reconciler would find it otherwise), and routing sends it to
 * discipline inspection. The unique ticket and link_id make it once per letter.
 * The letter itself keeps its text without the accusing sentences ($19,
 * NULL for an order not split): the conduct part, which only discipline
 * inspection reads, has it whole, copied from the row as it was before
 * this statement. */
static const char SQL_WRITE[] =
    "WITH input AS ("
    "  SELECT t.idx, t.complaint_id, t.street_code, t.community_code, t.rule, t.score, t.category,"
    "         t.accept_ms, t.resolve_ms, t.split, coalesce(string_to_array(nullif(t.accused, ''), ','), '{}') AS accused,"
    "         t.started_ms, t.accept_rung, t.accept_rung_ms, t.resolve_rung, t.resolve_rung_ms, t.shown,"
    "         u.id AS unit_id, u.code AS unit_code, u.name AS unit_name,"
    "         u.id IS NOT NULL AS dispatch, cu.id AS co_id, cu.code AS co_code,"
    "         CASE WHEN t.owner IS NOT NULL AND u.id IS NULL"     /* a unit missing: named (migration 065) */
    "              THEN t.reasons || '；系统中还没有' || route_owner_named(t.owner) || '这个单位，转人工派单'"
    "              ELSE t.reasons END"
    "         || CASE WHEN cu.id IS NOT NULL THEN '；协办单位 ' || cu.name"
    "                 WHEN t.co IS NOT NULL AND u.id IS NOT NULL"
    "                 THEN '；系统中还没有' || route_co_named(t.co, t.category) || '，不设协办单位' ELSE '' END AS reasons"
    "  FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::text[],"
    "              $8::text[], $9::text[], $10::bigint[], $11::bigint[], $12::text[], $13::boolean[], $14::bigint[],"
    "              $15::text[], $16::bigint[], $17::text[], $18::bigint[], $19::text[])"
    "       WITH ORDINALITY AS t(complaint_id, street_code, community_code, rule, reasons, score, owner, co,"
    "                            category, accept_ms, resolve_ms, accused, split, started_ms, accept_rung,"
    "                            accept_rung_ms, resolve_rung, resolve_rung_ms, shown, idx)"
    "  LEFT JOIN units u ON u.code = t.owner"
    "  LEFT JOIN units cu ON cu.code = t.co AND u.id IS NOT NULL"
    "), locked AS ("
    "  SELECT c.id FROM complaints c"
    "  WHERE c.id = ANY($1::bigint[]) AND c.status IN ('new', 'returned') ORDER BY c.id FOR UPDATE"
    "), moved AS ("
    "  UPDATE complaints c SET status = CASE WHEN i.dispatch THEN 'dispatched' ELSE 'manual' END,"
    "         category = i.category, accused_units = i.accused, content = coalesce(i.shown, c.content),"
    "         updated_at = now()"
    "  FROM input i WHERE c.id = i.complaint_id AND c.id IN (SELECT id FROM locked)"
    "    AND c.status IN ('new', 'returned')"
    "  RETURNING c.id, c.status, c.cycle"
    "), owner AS ("
    "  INSERT INTO assignments (complaint_id, unit_id, role, street_code, community_code, category, rule, reasons,"
    "                           score, cycle)"
    "  SELECT i.complaint_id, i.unit_id, CASE WHEN i.dispatch THEN 'owner' ELSE 'manual' END,"
    "         i.street_code, i.community_code, i.category, i.rule, i.reasons, i.score, m.cycle"
    "  FROM moved m JOIN input i ON i.complaint_id = m.id"
    "  ON CONFLICT DO NOTHING"
    "), co AS ("
    "  INSERT INTO assignments (complaint_id, unit_id, role, street_code, community_code, category, rule, reasons,"
    "                           score, cycle)"
    "  SELECT i.complaint_id, i.co_id, 'co', i.street_code, i.community_code, i.category, 'category',"
    "         '主管“' || coalesce((SELECT name FROM categories WHERE code = i.category), i.category) || '”的部门',"
    "         i.score, m.cycle"
    "  FROM moved m JOIN input i ON i.complaint_id = m.id WHERE m.status = 'dispatched' AND i.co_id IS NOT NULL"
    "), due AS ("
    "  INSERT INTO deadlines (complaint_id, kind, cycle, due_at, started_at, unit_id, rung_next, rung_at)"
    "  SELECT m.id, k.kind, m.cycle, to_timestamp(k.ms / 1000.0), to_timestamp(i.started_ms / 1000.0), i.unit_id,"
    "         k.rung, to_timestamp(k.rung_ms / 1000.0)"
    "  FROM moved m JOIN input i ON i.complaint_id = m.id"
    "  CROSS JOIN LATERAL (VALUES ('accept', i.accept_ms, i.accept_rung, i.accept_rung_ms),"
    "                             ('resolve', i.resolve_ms, i.resolve_rung, i.resolve_rung_ms)) AS k(kind, ms, rung, rung_ms)"
    "  WHERE m.status = 'dispatched'"
    "  ON CONFLICT (complaint_id, kind, cycle) DO UPDATE SET due_at = EXCLUDED.due_at,"
    "     started_at = EXCLUDED.started_at, unit_id = EXCLUDED.unit_id, fired_at = NULL, paused_at = NULL,"
    "     met_at = NULL, rung_next = NULL, rung_at = NULL"
    "  RETURNING id, rung_next IS NOT NULL AS planned,"
    "            ceil(extract(epoch FROM coalesce(rung_at, due_at)) * 1000)::bigint AS arm_ms"
    "), unowned AS ("
    "  UPDATE deadlines d SET unit_id = NULL FROM moved m"
    "  WHERE m.status = 'manual' AND d.complaint_id = m.id AND d.cycle = m.cycle AND d.met_at IS NULL"
    "    AND d.unit_id IS NOT NULL"
    "), logged AS ("
    "  INSERT INTO complaint_events (complaint_id, actor, event, detail)"
    "  SELECT m.id, 'assignment', CASE WHEN m.status = 'dispatched' THEN 'routed' ELSE 'manual' END,"
    "         jsonb_build_object('rule', i.rule, 'reasons', i.reasons, 'score', i.score, 'category', i.category,"
    "                            'street', i.street_code, 'community', i.community_code, 'unit', i.unit_code,"
    "                            'co', i.co_code, 'cycle', m.cycle)"
    "  FROM moved m JOIN input i ON i.complaint_id = m.id"
    "), linked AS ("
    "  INSERT INTO complaints (ticket_no, called_at, caller_name, caller_phone, address, content, urgency, lon, lat,"
    "                          extra, import_id, source_row, request_key, link_id, accused_units)"
    "  SELECT c.ticket_no || '-J', c.called_at, c.caller_name, c.caller_phone, c.address, c.content, c.urgency,"
    "         c.lon, c.lat, c.extra, c.import_id, c.source_row, NULL, c.id, i.accused"
    "  FROM moved m JOIN input i ON i.complaint_id = m.id JOIN complaints c ON c.id = m.id WHERE i.split"
    "  ON CONFLICT DO NOTHING"
    "  RETURNING id, link_id"
    "), linked_logged AS ("
    "  INSERT INTO complaint_events (complaint_id, actor, event, detail)"
    "  SELECT l.id, 'assignment', 'created', jsonb_build_object('conduct_part_of', l.link_id) FROM linked l"
    ")"
    " SELECT i.idx, m.status, coalesce(i.unit_code, ''), coalesce(i.unit_name, ''), i.reasons,"
    "        NULL::bigint, NULL::bigint, NULL::boolean, NULL::bigint"
    " FROM moved m JOIN input i ON i.complaint_id = m.id"
    " UNION ALL SELECT NULL, NULL, NULL, NULL, NULL, d.id, d.arm_ms, d.planned, NULL FROM due d"
    " UNION ALL SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, l.id FROM linked l";

enum { W_IDX, W_STATUS, W_UNIT_CODE, W_UNIT_NAME, W_REASONS, W_DEADLINE_ID, W_ARM_MS, W_PLANNED, W_LINKED };

/* Adds the time since *mark to *acc and moves the mark. */
static void lap(int64_t *mark, int64_t *acc)
{
    int64_t t = clock_mono_us();
    *acc += t - *mark;
    *mark = t;
}

/* ---- array literals ---- */

/* Empties every array for the next batch. */
static void arrays_start(route_worker *self)
{
    for (int a = 0; a < NARRAYS; a++)
        sqlarr_reset(&self->arr[a]);
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
    self->plans = calloc(n, sizeof *self->plans);
    self->linked = calloc(n, sizeof *self->linked);
    if (!self->items || !self->results || !self->members || !self->member_ptrs || !self->due_ms || !self->plans ||
        !self->linked)
        route_worker_destroy(&self);
    return self;
}

void route_worker_destroy(route_worker **self)
{
    if (!self || !*self)
        return;
    route_worker *w = *self;
    for (int a = 0; a < NARRAYS; a++)
        sqlarr_free(&w->arr[a]);
    free(w->items);
    free(w->results);
    free(w->members);
    free(w->member_ptrs);
    free(w->due_ms);
    free(w->plans);
    free(w->linked);
    free(w);
    *self = NULL;
}

/* ---- one batch ---- */

/* Reads the orders of the batch that are still 'new'. NULL with err. */
static PGresult *load_orders(route_worker *self, size_t n, char *err, size_t errlen)
{
    char id[32];
    arrays_start(self);
    for (size_t i = 0; i < n; i++) {
        snprintf(id, sizeof id, "%" PRId64, self->items[i].id);
        if (sqlarr_add(&self->arr[ARR_ID], id) != 0)
            break;
    }
    const char *params[] = {sqlarr_text(&self->arr[ARR_ID])};
    if (!params[0]) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    return db_query_prepared(self->o.pg, "route_load", SQL_LOAD, 1, params, err, errlen);
}

/* Splits the comma list of units that returned an order into ex (pointing into buf). */
static void returned_by(char *buf, size_t cap, const char *list, const char **codes, route_exclude *ex)
{
    snprintf(buf, cap, "%s", list);
    ex->street_codes = codes;
    ex->n = 0;
    for (char *p = buf, *c; ex->n < MAX_EXCLUDED && (c = strsep(&p, ",")) != NULL;)
        if (*c)
            codes[ex->n++] = c;
}

/* Decides order r of the loaded batch into self->results[r]. */
static void decide_one(route_worker *self, PGresult *orders, int r)
{
    char buf[512];
    const char *codes[MAX_EXCLUDED];
    route_exclude ex;
    route_decision *d = &self->results[r];
    returned_by(buf, sizeof buf, PQgetvalue(orders, r, L_RETURNED_BY), codes, &ex);
    route_input in = {.address = PQgetvalue(orders, r, L_ADDRESS), .content = PQgetvalue(orders, r, L_CONTENT),
                      .category_raw = PQgetvalue(orders, r, L_CATEGORY), .urgency = PQgetvalue(orders, r, L_URGENCY),
                      .exclude = &ex, .has_coords = strcmp(PQgetvalue(orders, r, L_HAS_COORDS), "t") == 0,
                      .lon = atof(PQgetvalue(orders, r, L_LON)), .lat = atof(PQgetvalue(orders, r, L_LAT)),
                      .conduct_part = strcmp(PQgetvalue(orders, r, L_CONDUCT_PART), "t") == 0};
    route_decide(&self->o.rules->decider, &in, d);
    long returns = atol(PQgetvalue(orders, r, L_RETURNS));
    if (self->o.max_returns > 0 && returns >= self->o.max_returns) {
        size_t len = strlen(d->reasons);
        route_say(d->reasons, sizeof d->reasons, &len,
                  "；本轮退回已达 %ld 次（上限 %ld 次）：转人工派单，由派单员裁定", returns, self->o.max_returns);
        d->owner = ROUTE_TO_MANUAL;
        d->owner_code[0] = d->co_code[0] = '\0';
        d->rule = "arbitration";
    }
}

/* The accused unit codes of d as one comma list into buf. */
static const char *accused_list(const route_decision *d, char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = '\0';
    for (int k = 0; k < d->naccused; k++)
        route_say(buf, cap, &n, "%s%s", k ? "," : "", d->accused[k]);
    return buf;
}

/* When the deadlines of decision r fall due, loaded at now_ms, and their
 * first rungs: planned here as escalation would plan them (ladder.h), so
 * escalation need not read and write every new deadline again. */
static void plan_deadlines(route_worker *self, PGresult *orders, int r, int64_t now_ms)
{
    const route_rules *rules = self->o.rules;
    const route_decision *d = &self->results[r];
    plan *p = &self->plans[r];
    long resolve_min = (long)(d->resolve_days * rules->day_minutes + 0.5);
    p->due_ms[0] = route_rules_due_ms(rules, now_ms, self->o.accept_seconds, d->accept_minutes);
    p->due_ms[1] = route_rules_due_ms(rules, now_ms, self->o.resolve_seconds, resolve_min);
    ladder_span span = {.started_ms = now_ms};
    ladder_table_row(rules->ladder, d->category_code, PQgetvalue(orders, r, L_URGENCY), &span.remind_share,
                     &span.accountability_days);
    for (int k = 0; k < 2; k++) {
        span.due_ms = p->due_ms[k];
        p->rung[k] = ladder_rung_first(rules->calendar, &span);
        p->rung_ms[k] = ladder_rung_at(rules->calendar, p->rung[k], &span);
    }
}

/* Appends to the write what the problem part of a split letter, decision r, is to read: the letter
 * without its accusing sentences (route_conduct.h); NULL, its text as it is, for any other. 0 or -1
 * (out of memory). */
static int add_shown(route_worker *self, PGresult *orders, int r)
{
    if (!self->results[r].split)
        return sqlarr_add_text(&self->arr[ARR_SHOWN], NULL);
    char *shown = route_conduct_redact(self->o.rules->decider.conduct_words, PQgetvalue(orders, r, L_CONTENT),
                                       ROUTE_CONDUCT_NOTE);
    int rc = shown ? sqlarr_add_text(&self->arr[ARR_SHOWN], shown) : -1;
    free(shown);
    return rc;
}

/* Appends decision r to the arrays of the write. 0 or -1 (out of memory). */
static int add_decision(route_worker *self, PGresult *orders, int r)
{
    char score[32], accused[ROUTE_CONDUCT_MAX * ROUTE_UNIT_CODE_MAX];
    const route_decision *d = &self->results[r];
    const plan *p = &self->plans[r];
    const char *street = d->place.street_code, *community = d->place.community_code;
    snprintf(score, sizeof score, "%.3f", d->score);
    return sqlarr_add(&self->arr[ARR_ID], PQgetvalue(orders, r, L_ID)) != 0 ||
                   sqlarr_add_text(&self->arr[ARR_STREET], *street ? street : NULL) != 0 ||
                   sqlarr_add_text(&self->arr[ARR_COMMUNITY], *community ? community : NULL) != 0 ||
                   sqlarr_add_text(&self->arr[ARR_RULE], d->rule) != 0 ||
                   sqlarr_add_text(&self->arr[ARR_REASONS], d->reasons) != 0 ||
                   sqlarr_add(&self->arr[ARR_SCORE], score) != 0 ||
                   sqlarr_add_text(&self->arr[ARR_OWNER], *d->owner_code ? d->owner_code : NULL) != 0 ||
                   sqlarr_add_text(&self->arr[ARR_CO], *d->co_code ? d->co_code : NULL) != 0 ||
                   sqlarr_add_text(&self->arr[ARR_CATEGORY], d->category_code) != 0 ||
                   sqlarr_add_ms(&self->arr[ARR_ACCEPT_MS], p->due_ms[0]) != 0 ||
                   sqlarr_add_ms(&self->arr[ARR_RESOLVE_MS], p->due_ms[1]) != 0 ||
                   sqlarr_add_text(&self->arr[ARR_ACCUSED], accused_list(d, accused, sizeof accused)) != 0 ||
                   sqlarr_add(&self->arr[ARR_SPLIT], d->split ? "t" : "f") != 0 ||
                   sqlarr_add(&self->arr[ARR_STARTED_MS], PQgetvalue(orders, r, L_NOW_MS)) != 0 ||
                   sqlarr_add_text(&self->arr[ARR_ACCEPT_RUNG], p->rung[0]) != 0 ||
                   sqlarr_add_ms(&self->arr[ARR_ACCEPT_RUNG_MS], p->rung_ms[0]) != 0 ||
                   sqlarr_add_text(&self->arr[ARR_RESOLVE_RUNG], p->rung[1]) != 0 ||
                   sqlarr_add_ms(&self->arr[ARR_RESOLVE_RUNG_MS], p->rung_ms[1]) != 0 || add_shown(self, orders, r) != 0
               ? -1
               : 0;
}

/* Decides every loaded order and fills the arrays of the write. 0 or -1 (out of memory). */
static int decide(route_worker *self, PGresult *orders)
{
    arrays_start(self);
    for (int r = 0; r < PQntuples(orders); r++) {
        decide_one(self, orders, r);
        plan_deadlines(self, orders, r, strtoll(PQgetvalue(orders, r, L_NOW_MS), NULL, 10));
        if (add_decision(self, orders, r) != 0)
            return -1;
    }
    return 0;
}

/* Writes the n decisions of the batch in one statement. NULL with err.
 * A few orders (Open311's, arriving one by one) run the statement prepared
 * once per connection: planning it (2-4 ms) costs more than writing them.
 * More are planned with the batch's arrays in view: the generic plan,
 * which cannot know their length, wrote batches of 500 in 102 ms instead
 * of 59 (README.md, Benchmarks). */
static PGresult *write_decisions(route_worker *self, int n, int *refused, char *err, size_t errlen)
{
    const char *params[NARRAYS];
    char why[512];
    *refused = 0;
    for (int a = 0; a < NARRAYS; a++) {
        if (!(params[a] = sqlarr_text(&self->arr[a]))) {
            snprintf(err, errlen, "out of memory");
            return NULL;
        }
    }
    PGresult *res = n <= WRITE_PREPARED_MAX ? db_prepared(self->o.pg, "route_write", SQL_WRITE, NARRAYS, params)
                                            : PQexecParams(self->o.pg, SQL_WRITE, NARRAYS, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) == PGRES_TUPLES_OK)
        return res;
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    *refused = db_failed_with(res, DB_DATA_EXCEPTION) || db_failed_with(res, DB_INTEGRITY);
    snprintf(err, errlen, "route_write failed (SQLSTATE %s): %s", state ? state : "none",
             db_error(self->o.pg, why, sizeof why));
    PQclear(res);
    return NULL;
}

/* The deadlines the write stored go into the timers zset: at their first
 * rung, or (one whose order was dispatched again in its cycle: trigger
 * deadlines_replan cleared the plan) at their due time as a request to
 * escalation to plan them. */
static void add_timers(route_worker *self, PGresult *w)
{
    size_t n = 0;
    for (int r = 0; r < PQntuples(w) && n < 2 * self->o.batch_max; r++) {
        if (PQgetisnull(w, r, W_DEADLINE_ID))
            continue;
        ladder_member(self->members[n], PQgetvalue(w, r, W_DEADLINE_ID), *PQgetvalue(w, r, W_PLANNED) == 't');
        self->member_ptrs[n] = self->members[n];
        self->due_ms[n] = strtoll(PQgetvalue(w, r, W_ARM_MS), NULL, 10);
        n++;
    }
    if (n && timers_add(self->o.redis, self->o.timers_key, self->member_ptrs, self->due_ms, n) != 0)
        log_warn("Redis: adding %zu deadline timers to %s failed; the escalation reconciler will add them",
                 n, self->o.timers_key);
}

/* Publishes one "complaint.routed" per order that moved and counts them. The
 * write named each by its place in its arrays, which started at order base. */
static void publish(route_worker *self, PGresult *orders, PGresult *w, int base, route_batch_stats *st)
{
    for (int r = 0; r < PQntuples(w); r++) {
        if (PQgetisnull(w, r, W_IDX))
            continue;       /* a deadline's or a conduct part's row */
        int o = base + atoi(PQgetvalue(w, r, W_IDX)) - 1;
        const route_decision *res = &self->results[o];
        int manual = strcmp(PQgetvalue(w, r, W_STATUS), "manual") == 0;
        if (manual)
            st->manual++;
        else
            st->dispatched++;
        if (!self->o.pub)
            continue;
        Jiesu__Assignment a = JIESU__ASSIGNMENT__INIT;
        a.complaint_id = strtoll(PQgetvalue(orders, o, L_ID), NULL, 10);
        a.ticket_no = PQgetvalue(orders, o, L_TICKET);
        a.unit_code = PQgetvalue(w, r, W_UNIT_CODE);
        a.unit_name = PQgetvalue(w, r, W_UNIT_NAME);
        a.street_code = (char *)res->place.street_code;
        a.rule = (char *)res->rule;
        a.reasons = PQgetvalue(w, r, W_REASONS);
        a.score = res->score;
        a.accept_by_ms = manual ? 0 : self->plans[o].due_ms[0];      /* as stored by the write */
        a.resolve_by_ms = manual ? 0 : self->plans[o].due_ms[1];
        a.manual = manual;
        bus_pub_send(self->o.pub, "complaint.routed", &a.base, NULL);
    }
}

/* Puts the conduct parts the batch created on the routing stream. When Redis
 * fails the reconciler finds them (they are 'new'). */
static void enqueue_linked(route_worker *self, PGresult *w)
{
    size_t n = 0;
    for (int r = 0; r < PQntuples(w); r++)
        if (!PQgetisnull(w, r, W_LINKED))
            self->linked[n++] = strtoll(PQgetvalue(w, r, W_LINKED), NULL, 10);
    if (n && queue_add(self->o.queue, self->linked, n) != 0)
        log_warn("Redis: %zu conduct parts wait for routing but could not be enqueued (%s); the reconciler will",
                 n, queue_errstr(self->o.queue));
}

/* What a committed write leads to: its deadlines' timers, its conduct parts
 * on the stream, its orders published (from order base of the batch). */
static void after_write(route_worker *self, PGresult *orders, PGresult *w, int base, route_batch_stats *st)
{
    add_timers(self, w);
    enqueue_linked(self, w);
    publish(self, orders, w, base, st);
}

/* Writes decision r of the batch by itself. 0; 1 when the database refused
 * its data; -1 (another failure), err saying why. */
static int write_alone(route_worker *self, PGresult *orders, int r, route_batch_stats *st, char *err, size_t errlen)
{
    int refused;
    arrays_start(self);
    if (add_decision(self, orders, r) != 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    PGresult *w = write_decisions(self, 1, &refused, err, errlen);
    if (!w)
        return refused ? 1 : -1;
    after_write(self, orders, w, r, st);
    PQclear(w);
    return 0;
}

/* Decision r goes to manual dispatch, saying why: the database refused to
 * store it (what it refused may have been in the reasons, so they go). */
static void refused_to_manual(route_worker *self, int r)
{
    route_decision *d = &self->results[r];
    d->owner = ROUTE_TO_MANUAL;
    d->owner_code[0] = d->co_code[0] = '\0';
    snprintf(d->reasons, sizeof d->reasons, "自动派单的结果未能保存（数据库拒绝，原因见自动派单服务的日志）：转人工派单");
}

/* Takes the entry of order id out of the first n items to ack. The number left. */
static size_t unack(route_worker *self, size_t n, int64_t id)
{
    for (size_t i = 0; i < n;) {
        if (self->items[i].id == id)
            self->items[i] = self->items[--n];
        else
            i++;
    }
    return n;
}

/* After the database refused a batch's write for its data (SQLSTATE class
 * 22 or 23: one order's, say, which it would refuse again each time the
 * batch came back, holding up every other order of the batch for good):
 * each order written by itself; one refused again goes to manual dispatch
 * saying so, and one refused even then stays on the stream, out of the ack,
 * to be tried again when its entry is claimed as idle. The number of entries
 * to ack (kept at the front of items), or -1 on any other failure (nothing
 * more acked: what was written is skipped when it comes again). */
static long write_each(route_worker *self, PGresult *orders, size_t n, route_batch_stats *st)
{
    char err[1024];
    for (int r = 0; r < PQntuples(orders); r++) {
        const char *ticket = PQgetvalue(orders, r, L_TICKET);
        int rc = write_alone(self, orders, r, st, err, sizeof err);
        if (rc == 1) {
            log_error("routing %s alone: %s; sending it to manual dispatch", ticket, err);
            refused_to_manual(self, r);
            if ((rc = write_alone(self, orders, r, st, err, sizeof err)) == 1) {
                log_error("routing %s to manual dispatch: %s; left on the stream for the next claim", ticket, err);
                n = unack(self, n, strtoll(PQgetvalue(orders, r, L_ID), NULL, 10));
                st->left++;
                rc = 0;
            }
        }
        if (rc < 0) {
            log_error("routing %s alone: %s", ticket, err);
            return -1;
        }
    }
    return (long)n;
}

/* Writes the batch's decisions: in one statement (its result in *w, for
 * after_write), else one by one when the database refused it for its data.
 * The number of entries to ack, or -1. */
static long write_batch(route_worker *self, PGresult *orders, size_t n, route_batch_stats *st, PGresult **w)
{
    char err[1024];
    int refused;
    if (PQntuples(orders) == 0 || (*w = write_decisions(self, PQntuples(orders), &refused, err, sizeof err)) != NULL)
        return (long)n;
    log_error("routing a batch of %zu: %s", n, err);    /* one statement: nothing of it was committed */
    return refused ? write_each(self, orders, n, st) : -1;
}

/* Routes the n entries in self->items. 0 or -1. */
static int handle(route_worker *self, size_t n, route_batch_stats *st)
{
    int rc = -1;
    char err[1024];
    int64_t mark = clock_mono_us();
    PGresult *w = NULL, *orders = load_orders(self, n, err, sizeof err);
    lap(&mark, &st->load_us);
    if (!orders) {
        log_error("routing a batch of %zu: %s", n, err);
        goto cleanup;
    }
    if (decide(self, orders) != 0) {
        log_error("routing a batch of %zu: out of memory", n);
        goto cleanup;
    }
    lap(&mark, &st->decide_us);
    long ack = write_batch(self, orders, n, st, &w);
    lap(&mark, &st->write_us);
    if (ack < 0)
        goto cleanup;
    if (w)
        after_write(self, orders, w, 0, st);
    st->skipped = n - st->dispatched - st->manual - st->left;
    failpoint("route_before_ack");
    if (queue_ack(self->o.queue, self->items, (size_t)ack) != 0) {
        log_warn("Redis: ack of %zu routed entries failed (%s); they will be re-delivered harmlessly",
                 n, queue_errstr(self->o.queue));
        goto cleanup;
    }
    lap(&mark, &st->after_us);
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
    int64_t mark = clock_mono_us(), now = clock_mono_ms();
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
    lap(&mark, &st->read_us);
    return n ? handle(self, n, st) : 0;
}
