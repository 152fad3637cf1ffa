/* report_metrics.c — the metrics of the bulletin, each formula written once
 * (see report_metrics.h; the README's Metrics section says the same in words):
 * the counts per day in report_day_facts (migration 020), summed over the
 * period here; the rates, composite, ranks and flags below.
 *
 * Period P = [from, to) in the report time zone; "up to now" = before
 * min(to, now()). A unit is a street office of the configured districts or a
 * department. A deadline counts for deadlines.unit_id, or when that is empty
 * for the order's active owner; a callback for the unit named in its
 * detail.unit (the owner it judged), else the owner dispatched last before
 * it; an order called in P for the owner of the order it was merged into
 * (its parent), else its own.
 *
 *   response rate       = accepted_on_time / dispatched
 *                         (accept deadlines started in P and decided by now:
 *                         accepted, or fallen due unaccepted; met_at <= due_at)
 *   resolution rate     = resolved / assigned
 *                         (resolve deadlines started in P and decided by now:
 *                         met, or fallen due unmet, by the same rule,
 *                         deadline_decided_at (migration 050); met_at before
 *                         the end of P)
 *   satisfaction rate   = satisfied / callbacks      (callback events in P)
 *   rectification rate  = on_time / due              (整改率: resolve deadlines due in P
 *                         up to now, not one paused before it fell due;
 *                         met_at <= due_at)
 *   overdue count       = due - on_time              (due in P, not resolved by the deadline)
 *   return rate         = returned / owned           (dispatches to the unit as owner made in P,
 *                         and of those the ones it returned before the end of P:
 *                         the same orders above and below the line; a return
 *                         counts for the unit whose dispatch it ended, the owner
 *                         assignment active when it came)
 *   repeat rate         = repeats / called           (orders called in P with parent_id set)
 *   composite score     = 100 * sum(w_i * s_i) / sum(w_i) over the rates i some unit
 *                         of the kind has a case of, s_i = the unit's rate, or on
 *                         fewer cases than report.min_cases (or none) the kind's
 *                         pooled rate (sum of numerators / sum of denominators of
 *                         the kind's units in the table), and 1 - that for the
 *                         return and repeat rates; w_i = report.weight.<rate>;
 *                         rounded to 0.01 (half up), the score as published
 * A rate on fewer cases (its denominator) than report.min_cases is shown
 * but not ranked (样本不足), and counts in the composite at its kind's
 * pooled rate, neither helping nor hurting the unit: so every unit of a kind
 * is scored on the same rates (a street whose 满意率 had enough callbacks to
 * count was ranked below streets ahead of it on no rate, scored without
 * theirs). A unit none of whose rates counted in the composite (weight > 0)
 * has enough cases is not ranked at all, and says why: 样本不足, or
 * 无可考核工单 when none of them has a case.
 * Attribution: a deadline counts for its unit (deadlines.unit_id), else for
 * the order's active owner; a callback for the unit it names, else the
 * owner dispatched last before it: units are ranked on what they handled, and a
 * department that only co-handles orders has no rates of its own.
 * Ranks: among units of the same kind, by composite (higher first) and by each
 * defined rate in its better direction; equal values share a rank (1, 2, 2, 4):
 * composites equal as published (66.67 and 66.67, whatever rates made them),
 * rates equal as published (2/3 and 4/6; 46/55 and 51/61, both 83.6%); a
 * unit whose value is undefined is not ranked (0). Flags, by the number of
 * ranked units of the kind below a unit: red when fewer than report.flag_red
 * are below it, yellow when fewer than flag_red + flag_yellow; a tie is never
 * split (all of it is flagged or none), and a unit ranked first (alone or
 * tied) is never flagged.
 */
#include "report_metrics.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "report_query.h"

const report_rate_info REPORT_RATES[RATE_COUNT] = {
    [RATE_RESPONSE] = {"response", "响应率", 1},
    [RATE_RESOLUTION] = {"resolution", "解决率", 1},
    [RATE_SATISFACTION] = {"satisfaction", "满意率", 1},
    [RATE_RECTIFICATION] = {"rectification", "整改率", 1},
    [RATE_RETURN] = {"return", "退单率", 0},
    [RATE_REPEAT] = {"repeat", "重复率", 0},
};

/* Numerator and denominator of each rate, as offsets into report_counts. */
static const struct {
    size_t num, den;
} RATE_PARTS[RATE_COUNT] = {
    [RATE_RESPONSE] = {offsetof(report_counts, accepted_on_time), offsetof(report_counts, dispatched)},
    [RATE_RESOLUTION] = {offsetof(report_counts, resolved), offsetof(report_counts, assigned)},
    [RATE_SATISFACTION] = {offsetof(report_counts, satisfied), offsetof(report_counts, callbacks)},
    [RATE_RECTIFICATION] = {offsetof(report_counts, on_time), offsetof(report_counts, due)},
    [RATE_RETURN] = {offsetof(report_counts, returned), offsetof(report_counts, owned)},
    [RATE_REPEAT] = {offsetof(report_counts, repeats), offsetof(report_counts, called)},
};

/* $1 districts (comma list), $2 first day, $3 the day after the last, $4 time
 * zone. One row per unit: code, name, kind and the counts in report_counts
 * order: the period's days summed from report_day_facts (migration 020), the
 * formulas' one home; closed days whose rows report_days holds and which
 * nothing changed since (report_days_dirty) are read from there, the others
 * (today, stale days, days not stored yet) are counted now. assigned counts
 * what is decided by now (until_day not 'infinity'); resolved and returned
 * only what was met or returned before the period ended (until_day). */
static const char METRICS_SQL[] =
    "WITH " REPORT_UNITS_IN_SCOPE ", " REPORT_DAYS_CTES("$2", "$3", "$4") ","
    " f AS ("
    "    SELECT r.* FROM report_days r"
    "    WHERE r.day >= $2::date AND r.day < $3::date AND r.day IN (SELECT day FROM days WHERE stored)"
    "    UNION ALL"
    "    SELECT x.* FROM (SELECT ARRAY(SELECT day FROM days WHERE NOT stored) AS live) l,"
    "                    LATERAL report_day_facts(l.live, $4) x WHERE cardinality(l.live) > 0"
    ")"
    "SELECT u.code, u.name, u.kind,"
    "       coalesce(sum(f.dispatched), 0), coalesce(sum(f.accepted_on_time), 0),"
    "       coalesce(sum(f.assigned) FILTER (WHERE f.until_day < 'infinity'), 0),"
    "       coalesce(sum(f.resolved) FILTER (WHERE f.until_day < $3::date), 0), coalesce(sum(f.callbacks), 0),"
    "       coalesce(sum(f.satisfied), 0), coalesce(sum(f.due), 0), coalesce(sum(f.on_time), 0),"
    "       coalesce(sum(f.owned), 0), coalesce(sum(f.returned) FILTER (WHERE f.until_day < $3::date), 0),"
    "       coalesce(sum(f.called), 0), coalesce(sum(f.repeats), 0)"
    "  FROM u LEFT JOIN f ON f.unit_id = u.id"
    " GROUP BY u.id, u.code, u.name, u.kind"
    " ORDER BY u.kind = 'dept', u.code";

enum { M_CODE, M_NAME, M_KIND, M_FIRST_COUNT };

/* Where each count column of METRICS_SQL, from M_FIRST_COUNT on, goes. */
static const size_t COUNT_COLS[] = {
    offsetof(report_counts, dispatched), offsetof(report_counts, accepted_on_time),
    offsetof(report_counts, assigned),   offsetof(report_counts, resolved),
    offsetof(report_counts, callbacks),  offsetof(report_counts, satisfied),
    offsetof(report_counts, due),        offsetof(report_counts, on_time),
    offsetof(report_counts, owned),      offsetof(report_counts, returned),
    offsetof(report_counts, called),     offsetof(report_counts, repeats),
};
_Static_assert(sizeof COUNT_COLS / sizeof *COUNT_COLS == sizeof(report_counts) / sizeof(long),
               "every count of report_counts is read from METRICS_SQL");

void report_settings_load(report_settings *s, const config *cfg)
{
    char key[64];
    for (int i = 0; i < RATE_COUNT; i++) {
        snprintf(key, sizeof key, "report.weight.%s", REPORT_RATES[i].key);
        s->weight[i] = config_real(cfg, key);
    }
    s->red = (int)config_long(cfg, "report.flag_red");
    s->yellow = (int)config_long(cfg, "report.flag_yellow");
    s->min_cases = config_long(cfg, "report.min_cases");
}

static long count_at(const report_counts *n, size_t off)
{
    return *(const long *)((const char *)n + off);
}

static void set_count(report_counts *n, size_t off, long v)
{
    *(long *)((char *)n + off) = v;
}

/* v rounded to a whole number, half up, a double a hair short of the half
 * counting as the half: the one rounding of every figure published. */
static double half_up(double v)
{
    return floor(v + 0.5 + 1e-6);
}

/* v (from 0 to top) in steps of 1/scale, rounded half up, but never to
 * either end unless it is there: a figure short of the whole (4,998 orders
 * of 5,000 on time, 99.96%) is not published as the whole (100.0%, read as
 * "every one"), nor one above nothing (1 of 3,000, 0.03%) as nothing. */
static double published(double v, double scale, double top)
{
    double r = half_up(v * scale) / scale;
    if (r >= top && v < top)
        return top - 1 / scale;
    if (r <= 0 && v > 0)
        return 1 / scale;
    return r;
}

/* v rounded to 0.01, half up: 66.665 (stored as 66.66499...) gives 66.67;
 * 99.996 gives 99.99, not 100.00. */
static double to_hundredths(double v)
{
    return published(v, 100, 100);
}

/* The unit's rates, 样本不足 marks and overdue count from its counts. */
static void compute_rates(report_unit *u, const report_settings *s)
{
    for (int i = 0; i < RATE_COUNT; i++) {
        long den = count_at(&u->n, RATE_PARTS[i].den);
        u->rate[i] = den > 0 ? (double)count_at(&u->n, RATE_PARTS[i].num) / (double)den : NAN;
        u->thin[i] = den > 0 && den < s->min_cases;
    }
    u->overdue = u->n.due - u->n.on_time;
}

/* Each rate pooled over the units of kind in t (the sum of their numerators
 * over the sum of their denominators), NAN when none of them has a case. */
static void pool_rates(const report_table *t, const char *kind, double pooled[RATE_COUNT])
{
    for (int i = 0; i < RATE_COUNT; i++) {
        long num = 0, den = 0;
        for (size_t j = 0; j < t->n; j++) {
            if (strcmp(t->units[j].kind, kind) != 0)
                continue;
            num += count_at(&t->units[j].n, RATE_PARTS[i].num);
            den += count_at(&t->units[j].n, RATE_PARTS[i].den);
        }
        pooled[i] = den > 0 ? (double)num / (double)den : NAN;
    }
}

/* The composite of u, the only place it is computed (every page, file,
 * rank, flag and week-on-week change reads u->composite): each rate the
 * kind has a case of counts, u's own on enough cases, else the kind's
 * pooled rate; NAN, and u->unranked says why, when none of u's own does. */
static void score_unit(report_unit *u, const report_settings *s, const double pooled[RATE_COUNT])
{
    double sum = 0, wsum = 0;
    int own = 0, cases = 0;     /* rates the composite counts (weight > 0) on enough cases; with a case */
    for (int i = 0; i < RATE_COUNT; i++) {
        if (s->weight[i] <= 0 || isnan(pooled[i]))
            continue;
        int enough = !isnan(u->rate[i]) && !u->thin[i];
        own += enough;
        cases += !isnan(u->rate[i]);
        double rate = enough ? u->rate[i] : pooled[i];
        sum += s->weight[i] * (REPORT_RATES[i].higher_better ? rate : 1 - rate);
        wsum += s->weight[i];
    }
    u->composite = own ? to_hundredths(100 * sum / wsum) : NAN;
    /* Ranked by the composite, or said why not: a rate not in the composite
     * (退单率, 重复率 by default) ranks no unit, on however many cases. */
    u->unranked = own ? NULL : cases ? REPORT_THIN : REPORT_NO_CASES;
}

/* The composites of the units of kind in t, on the same rates for all. */
static void score_kind(report_table *t, const char *kind, const report_settings *s)
{
    double pooled[RATE_COUNT];
    pool_rates(t, kind, pooled);
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->units[i].kind, kind) == 0)
            score_unit(&t->units[i], s, pooled);
}

/* Ranks value(u) among the units of t of kind `kind`: 1 + the number of units
 * strictly better. Undefined values get 0. */
static void rank_by(report_table *t, const char *kind, int higher_better, double (*value)(const report_unit *, int),
                    int which, void (*set)(report_unit *, int, int))
{
    for (size_t i = 0; i < t->n; i++) {
        report_unit *u = &t->units[i];
        if (strcmp(u->kind, kind) != 0)
            continue;
        double v = value(u, which);
        int rank = 0;
        if (!isnan(v)) {
            rank = 1;
            for (size_t j = 0; j < t->n; j++) {
                double o = value(&t->units[j], which);
                if (strcmp(t->units[j].kind, kind) == 0 && !isnan(o) && (higher_better ? o > v : o < v))
                    rank++;
            }
        }
        set(u, which, rank);
    }
}

static double composite_of(const report_unit *u, int which)
{
    (void)which;
    return u->composite;
}

/* A rate on too few cases is not ranked; the others as published (two at
 * 83.6% share a rank, whatever digits the page does not show). */
static double rate_of(const report_unit *u, int which)
{
    return u->thin[which] ? NAN : report_rate_pct(u->rate[which]);
}

static void set_rank(report_unit *u, int which, int rank)
{
    (void)which;
    u->rank = rank;
}

static void set_rate_rank(report_unit *u, int which, int rank)
{
    u->rate_rank[which] = rank;
}

/* Marks the ranked units of kind whose rank another of the kind shares,
 * before a reader's scope hides the other. */
static void mark_ties(report_table *t, const char *kind)
{
    for (size_t i = 0; i < t->n; i++) {
        report_unit *u = &t->units[i];
        if (strcmp(u->kind, kind) != 0)
            continue;
        u->tied = 0;
        for (size_t j = 0; j < t->n && u->rank; j++)
            u->tied |= j != i && t->units[j].rank == u->rank && strcmp(t->units[j].kind, kind) == 0;
    }
}

/* The ranked units of the kind ranked below u. */
static int ranked_below(const report_table *t, const report_unit *u)
{
    int n = 0;
    for (size_t i = 0; i < t->n; i++)
        n += strcmp(t->units[i].kind, u->kind) == 0 && t->units[i].rank > u->rank;
    return n;
}

/* Red when fewer than s->red ranked units of the kind are below, yellow when
 * fewer than s->red + s->yellow; never the first. */
static void flag_bottom(report_table *t, const char *kind, const report_settings *s)
{
    for (size_t i = 0; i < t->n; i++) {
        report_unit *u = &t->units[i];
        if (strcmp(u->kind, kind) != 0 || u->rank <= 1)
            continue;
        int below = ranked_below(t, u);
        u->flag = below < s->red ? 'R' : below < s->red + s->yellow ? 'Y' : 0;
    }
}

/* Streets before departments; within a kind by composite rank, unranked last, then by code. */
static int table_order(const void *a, const void *b)
{
    const report_unit *x = a, *y = b;
    int kx = strcmp(x->kind, "dept") == 0, ky = strcmp(y->kind, "dept") == 0;
    if (kx != ky)
        return kx - ky;
    int rx = x->rank ? x->rank : 1 << 30, ry = y->rank ? y->rank : 1 << 30;
    if (rx != ry)
        return rx < ry ? -1 : 1;
    return strcmp(x->code, y->code);
}

void report_metrics_compute(report_table *t, const report_settings *s)
{
    static const char *const KINDS[] = {"street", "dept"};
    t->min_cases = s->min_cases;
    memcpy(t->weight, s->weight, sizeof t->weight);
    for (size_t i = 0; i < t->n; i++)
        compute_rates(&t->units[i], s);
    for (int k = 0; k < 2; k++) {
        score_kind(t, KINDS[k], s);
        rank_by(t, KINDS[k], 1, composite_of, 0, set_rank);
        mark_ties(t, KINDS[k]);
        for (int r = 0; r < RATE_COUNT; r++)
            rank_by(t, KINDS[k], REPORT_RATES[r].higher_better, rate_of, r, set_rate_rank);
        flag_bottom(t, KINDS[k], s);
    }
    qsort(t->units, t->n, sizeof *t->units, table_order);
}

static void read_unit(report_unit *u, const PGresult *res, int row)
{
    snprintf(u->code, sizeof u->code, "%s", PQgetvalue(res, row, M_CODE));
    snprintf(u->name, sizeof u->name, "%s", PQgetvalue(res, row, M_NAME));
    snprintf(u->kind, sizeof u->kind, "%s", PQgetvalue(res, row, M_KIND));
    for (size_t c = 0; c < sizeof COUNT_COLS / sizeof *COUNT_COLS; c++)
        set_count(&u->n, COUNT_COLS[c], strtol(PQgetvalue(res, row, M_FIRST_COUNT + (int)c), NULL, 10));
}

report_table *report_metrics_run(PGconn *pg, const char *districts, const char *tz, const report_period *p,
                                 const report_settings *s, char *err, size_t errlen)
{
    report_bounds b;
    const char *params[4] = {districts, p->from, p->to, tz};
    PGresult *res = report_query_start(pg, p, tz, &b, err, errlen) < 0
                        ? NULL
                        : report_query(pg, "metrics", p, METRICS_SQL, 4, params, err, errlen);
    if (!res)
        return NULL;
    int rows = PQntuples(res);
    report_table *t = calloc(1, sizeof *t);
    if (t)
        t->units = calloc(rows > 0 ? (size_t)rows : 1, sizeof *t->units);
    if (!t || !t->units) {
        snprintf(err, errlen, "out of memory for %d units", rows);
        PQclear(res);
        report_table_free(&t);
        return NULL;
    }
    t->period = *p;
    for (int i = 0; i < rows; i++)
        read_unit(&t->units[t->n++], res, i);
    PQclear(res);
    report_metrics_compute(t, s);
    return t;
}

/* rate as a percentage to 0.1, half up as the composite is: 201/400
 * (50.25%, whose thousandths are 502.49999999999994 as doubles) is 50.3;
 * but 4,998/5,000 is 99.9, not 100.0, and 1/3,000 is 0.1, not 0.0. */
double report_rate_pct(double rate)
{
    return isnan(rate) ? NAN : published(rate * 100, 10, 100);
}

char *report_rank_text(char *out, size_t cap, const report_unit *u)
{
    *out = '\0';
    if (u && u->unranked)
        snprintf(out, cap, "%s", u->unranked);
    else if (u && u->rank)
        snprintf(out, cap, "%d%s", u->rank, u->tied ? REPORT_TIED : "");
    return out;
}

const report_unit *report_table_find(const report_table *t, const char *code)
{
    for (size_t i = 0; t && i < t->n; i++)
        if (strcmp(t->units[i].code, code) == 0)
            return &t->units[i];
    return NULL;
}

void report_table_free(report_table **t)
{
    if (!t || !*t)
        return;
    free((*t)->units);
    free(*t);
    *t = NULL;
}

/* ---- holds and requests for more time (暂缓与延期) ----
 *
 * Over P up to now ([t0, tn)), for each unit of the table:
 *   holds       = 暂缓 events (complaint_events 'waiting') in P naming the
 *                 unit (detail.unit: the order's unit, which put it on hold),
 *                 but a merged repeat's put on hold with its order (its
 *                 parent's 暂缓 event of the same transaction: the same at)
 *   hold hours  = the working time (the official calendar) within P of each
 *                 such hold, begun in P or before: from its 暂缓 event to the
 *                 next event of the order leaving 暂缓办理 (detail.from
 *                 'waiting': 恢复办理, 改派, 办结 …), or up to now while the
 *                 order waits, to 0.1 hour
 *   asked       = extension_requests of the unit requested in P
 *   approved    = … approved in P (decided_at), whenever asked
 *   rejected    = … rejected in P
 * The holds read are those begun in P and those begun before still on at
 * its start, each found by time (migration 074), never every hold ever.
 * $1 districts, $2 t0, $3 tn. Each hold's span within P comes as two lists
 * of Unix seconds (starts, ends), counted here on the calendar. */
static const char HOLDS_SQL[] =
    "WITH " REPORT_UNITS_IN_SCOPE ","
    " s AS ("        /* the 暂缓 events of the holds within P (migration 074) */
    "    SELECT e.id, e.complaint_id, e.at, e.detail FROM complaint_events e"
    "     WHERE e.event = 'waiting' AND e.at >= $2::timestamptz AND e.at < $3::timestamptz"
    "    UNION"         /* begun before P, left at or after its start */
    "    SELECT b.id, b.complaint_id, b.at, b.detail FROM complaint_events l"
    "      CROSS JOIN LATERAL (SELECT p.id, p.complaint_id, p.at, p.detail FROM complaint_events p"
    "                           WHERE p.complaint_id = l.complaint_id AND p.id < l.id AND p.event = 'waiting'"
    "                           ORDER BY p.id DESC LIMIT 1) b"
    "     WHERE l.detail->>'from' = 'waiting' AND l.at >= $2::timestamptz AND b.at < $2::timestamptz"
    "    UNION"         /* begun before P, on hold still */
    "    SELECT b.id, b.complaint_id, b.at, b.detail FROM complaints oc"
    "      CROSS JOIN LATERAL (SELECT p.id, p.complaint_id, p.at, p.detail FROM complaint_events p"
    "                           WHERE p.complaint_id = oc.id AND p.event = 'waiting'"
    "                           ORDER BY p.id DESC LIMIT 1) b"
    "     WHERE oc.status = 'waiting' AND b.at < $2::timestamptz"
    "), w AS MATERIALIZED ("      /* each hold's end found once, not at each use */
    "    SELECT un.id AS unit_id, e.at AS since,"
    "           coalesce((SELECT min(x.at) FROM complaint_events x WHERE x.complaint_id = e.complaint_id"
    "                       AND x.id > e.id AND x.detail->>'from' = 'waiting'),"
    "                    CASE WHEN c.status = 'waiting' THEN $3::timestamptz ELSE e.at END) AS until"
    "    FROM s e JOIN u un ON un.code = e.detail->>'unit' JOIN complaints c ON c.id = e.complaint_id"
    "    WHERE NOT EXISTS (SELECT 1 FROM complaint_events pe WHERE pe.complaint_id = c.parent_id"
    "                        AND pe.event = 'waiting' AND pe.at = e.at)"
    "), h AS ("
    "    SELECT unit_id, count(*) FILTER (WHERE since >= $2::timestamptz) AS holds,"
    "           string_agg(floor(extract(epoch FROM greatest(since, $2::timestamptz)))::text, ',')"
    "             FILTER (WHERE least(until, $3::timestamptz) > $2::timestamptz) AS froms,"
    "           string_agg(floor(extract(epoch FROM least(until, $3::timestamptz)))::text, ',')"
    "             FILTER (WHERE least(until, $3::timestamptz) > $2::timestamptz) AS tos"
    "    FROM w GROUP BY unit_id"
    "), x AS ("
    "    SELECT r.unit_id,"
    "           count(*) FILTER (WHERE r.requested_at >= $2::timestamptz AND r.requested_at < $3::timestamptz) AS asked,"
    "           count(*) FILTER (WHERE r.state = 'approved' AND r.decided_at >= $2::timestamptz"
    "                              AND r.decided_at < $3::timestamptz) AS approved,"
    "           count(*) FILTER (WHERE r.state = 'rejected' AND r.decided_at >= $2::timestamptz"
    "                              AND r.decided_at < $3::timestamptz) AS rejected"
    "    FROM extension_requests r WHERE r.unit_id IN (SELECT id FROM u)"
    "     AND (r.requested_at >= $2::timestamptz OR r.decided_at >= $2::timestamptz)"
    "    GROUP BY r.unit_id"
    ")"
    "SELECT u.code, u.name, coalesce(h.holds, 0), coalesce(h.froms, ''), coalesce(h.tos, ''),"
    "       coalesce(x.asked, 0), coalesce(x.approved, 0), coalesce(x.rejected, 0)"
    "  FROM u LEFT JOIN h ON h.unit_id = u.id LEFT JOIN x ON x.unit_id = u.id"
    " WHERE coalesce(h.holds, 0) + coalesce(x.asked, 0) + coalesce(x.approved, 0) + coalesce(x.rejected, 0) > 0"
    "    OR h.froms IS NOT NULL";

enum { HO_CODE, HO_NAME, HO_HOLDS, HO_FROMS, HO_TOS, HO_ASKED, HO_APPROVED, HO_REJECTED };

/* The working hours of the spans froms[i]..tos[i] (comma lists of Unix
 * seconds) on cal, to 0.1 (half up, as the bulletin's hours late). */
static double hours_on_hold(const calendar *cal, const char *froms, const char *tos)
{
    long long seconds = 0;
    const char *f = froms, *t = tos;
    while (*f && *t) {
        char *fe, *te;
        long long a = strtoll(f, &fe, 10), b = strtoll(t, &te, 10);
        if (fe == f || te == t)
            break;
        seconds += calendar_work_seconds_between(cal, a, b);
        f = fe + (*fe == ',');
        t = te + (*te == ',');
    }
    return (double)((seconds + 180) / 360) / 10;
}

static void read_holds(report_holds *h, const PGresult *res, int i, const calendar *cal)
{
    snprintf(h->code, sizeof h->code, "%s", PQgetvalue(res, i, HO_CODE));
    snprintf(h->name, sizeof h->name, "%s", PQgetvalue(res, i, HO_NAME));
    h->holds = strtol(PQgetvalue(res, i, HO_HOLDS), NULL, 10);
    h->hold_hours = hours_on_hold(cal, PQgetvalue(res, i, HO_FROMS), PQgetvalue(res, i, HO_TOS));
    h->asked = strtol(PQgetvalue(res, i, HO_ASKED), NULL, 10);
    h->approved = strtol(PQgetvalue(res, i, HO_APPROVED), NULL, 10);
    h->rejected = strtol(PQgetvalue(res, i, HO_REJECTED), NULL, 10);
}

/* The longest time on hold first, then the most holds, the most requests, the code. */
static int holds_order(const void *pa, const void *pb)
{
    const report_holds *a = pa, *b = pb;
    if (a->hold_hours != b->hold_hours)
        return a->hold_hours > b->hold_hours ? -1 : 1;
    if (a->holds != b->holds)
        return a->holds > b->holds ? -1 : 1;
    if (a->asked != b->asked)
        return a->asked > b->asked ? -1 : 1;
    return strcmp(a->code, b->code);
}

int report_metrics_holds(PGconn *pg, const char *districts, const report_period *p, const report_bounds *b,
                         const calendar *cal, report_holds **out, size_t *n, char *err, size_t errlen)
{
    const char *params[3] = {districts, b->t0, b->tn};
    *out = NULL;
    *n = 0;
    PGresult *res = report_query(pg, "holds and extensions", p, HOLDS_SQL, 3, params, err, errlen);
    if (!res)
        return -1;
    int rows = PQntuples(res);
    if (!(*out = calloc(rows > 0 ? (size_t)rows : 1, sizeof **out))) {
        snprintf(err, errlen, "out of memory for %d units", rows);
        PQclear(res);
        return -1;
    }
    for (int i = 0; i < rows; i++)
        read_holds(&(*out)[(*n)++], res, i, cal);
    PQclear(res);
    qsort(*out, *n, sizeof **out, holds_order);
    return 0;
}
