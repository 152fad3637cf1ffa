/* report_metrics.h — the ranked metrics of streets and departments over a period.
 *
 * For each street office of the configured districts and each department,
 * the counts behind every rate are read from PostgreSQL in one query, as the
 * sum of the period's days (report_day_facts, migration 020: stored for
 * closed days, counted live for the others); the rates, the overdue count,
 * the composite score, the ranks and the flags are computed here. Every
 * formula is written once: the counts in report_day_facts, the rest in
 * report_metrics.c (and both in the README's Metrics section).
 *
 * report_metrics_run() returns a malloc'd table the caller frees with
 * report_table_free().
 */
#ifndef JIESU_REPORT_METRICS_H
#define JIESU_REPORT_METRICS_H

#include <libpq-fe.h>
#include <stddef.h>

#include "calendar.h"
#include "config.h"
#include "report_period.h"
#include "report_query.h"

typedef enum {
    RATE_RESPONSE,          /* 响应率 */
    RATE_RESOLUTION,        /* 解决率 */
    RATE_SATISFACTION,      /* 满意率 */
    RATE_RECTIFICATION,     /* 整改率 */
    RATE_RETURN,            /* 退单率 (lower is better) */
    RATE_REPEAT,            /* 重复诉求率 (lower is better) */
    RATE_COUNT
} report_rate;

/* The counts one unit's rates are made of, for one period. */
typedef struct {
    long dispatched;        /* accept deadlines started in the period, decided by now (accepted or fallen due) */
    long accepted_on_time;  /*   of those, accepted by their deadline */
    long assigned;          /* resolve deadlines started in the period, decided by now: met, or fallen
                               due unmet */
    long resolved;          /*   of those, resolved before the period ended */
    long callbacks;         /* callback events in the period */
    long satisfied;         /*   of those, with detail.satisfied = true */
    long due;               /* resolve deadlines falling due in the period (up to now; not paused before it) */
    long on_time;           /*   of those, resolved by the deadline */
    long owned;             /* dispatches to the unit as owner made in the period */
    long returned;          /*   of those, returned by it before the period ended */
    long called;            /* orders called in the period */
    long repeats;           /*   of those, merged into an earlier order (parent_id set) */
} report_counts;

/* What a table shows in place of a rank on fewer cases than min_cases. */
#define REPORT_THIN "样本不足"
/* ... and in place of the rank of a unit none of whose scored rates has a case. */
#define REPORT_NO_CASES "无可考核工单"
/* ... after a rank another unit of the kind shares: 2（并列）, where two 2s
 * read as a misprint and the order of the two as a ranking. */
#define REPORT_TIED "（并列）"

typedef struct {
    char          code[32];
    char          name[96];
    char          kind[8];              /* "street" or "dept" */
    report_counts n;
    double        rate[RATE_COUNT];     /* 0..1, NAN when the denominator is 0 */
    unsigned char thin[RATE_COUNT];     /* 1: defined, but on fewer cases than report.min_cases (样本不足):
                                           shown, not ranked, in the composite at its kind's pooled rate */
    long          overdue;
    double        composite;            /* 0..100 rounded to 0.01 (as published, ranked and flagged;
                                           100.00 only when it is), on the
                                           same rates for every unit of its kind (a rate on too few cases at
                                           the kind's pooled rate); NAN when no rate with a weight is defined
                                           on enough cases */
    int           rank;                 /* by composite among units of its kind, 1 = best; 0 = unranked */
    unsigned char tied;                 /* 1: another unit of its kind has that rank (并列), whoever may read it */
    const char   *unranked;             /* NULL when ranked, else why not, shown instead of the rank: REPORT_THIN
                                           (the rates the composite counts, weight > 0, are on too few cases) or
                                           REPORT_NO_CASES (none of them has a case) */
    int           rate_rank[RATE_COUNT];
    char          flag;                 /* 'R' red, 'Y' yellow (bottom of the table) or 0 */
} report_unit;

typedef struct {
    report_period period;
    report_unit  *units;        /* streets, then departments; each by composite rank (unranked last), then code */
    size_t        n;
    long          min_cases;    /* the settings' min_cases the ranks were made with */
    double        weight[RATE_COUNT];   /* … and the composite's weights (the page says them) */
} report_table;

/* Weights of the composite score and the flag counts, from configuration. */
typedef struct {
    double weight[RATE_COUNT];
    int    red;                 /* the bottom `red` ranks of each kind are flagged red */
    int    yellow;              /* the `yellow` ranks above them yellow */
    long   min_cases;           /* a rate on fewer cases (its denominator) is not ranked (样本不足) */
} report_settings;

/* Static facts about each rate: its key, Chinese name, and direction. */
typedef struct {
    const char *key;            /* "response": config key report.weight.<key>, JSON name <key>_rate */
    const char *label;          /* 响应率 */
    int         higher_better;
} report_rate_info;

extern const report_rate_info REPORT_RATES[RATE_COUNT];

/* Reads report.weight.<rate>, report.flag_red, report.flag_yellow and
 * report.min_cases (defaults and bounds in config_keys.c). */
void report_settings_load(report_settings *s, const config *cfg);

/* Runs the metrics for the units of districts (comma list) over period p,
 * dates as days in time zone tz. NULL with the reason in err. */
report_table *report_metrics_run(PGconn *pg, const char *districts, const char *tz, const report_period *p,
                                 const report_settings *s, char *err, size_t errlen);

/* Fills rates, overdue, composite, ranks and flags from the counts and sorts
 * the units in table order: the one place composites are computed, each
 * against the pooled rates of its kind among t's units. Called by
 * report_metrics_run(); public so the formulas can be tested on their own. */
void report_metrics_compute(report_table *t, const report_settings *s);

/* u's rank as published, into out: "2", "2（并列）" when another unit of
 * its kind has it too, else why it has none (样本不足, 无可考核工单); ""
 * with no u. Returns out. */
char *report_rank_text(char *out, size_t cap, const report_unit *u);

/* A rate as published, a percentage to 0.1 rounded half up (13/16 is 81.3),
 * never 100.0 short of every case nor 0.0 above none (99.96% is 99.9),
 * NAN for NAN: every page and file shows this one figure. */
double report_rate_pct(double rate);

/* The unit with this code, or NULL. */
const report_unit *report_table_find(const report_table *t, const char *code);

void report_table_free(report_table **t);

/* What one unit's orders stood on hold (暂缓办理) and what it asked for more
 * time (申请延期) in a period: counts beside the ranking, ranked on nothing
 * (formulas in report_metrics.c, and in the README's Metrics section). */
typedef struct {
    char   code[32];
    char   name[96];
    long   holds;           /* orders it put on hold in P */
    double hold_hours;      /* working hours its orders stood on hold within P, up to now, to 0.1 */
    long   asked;           /* requests for more time it made in P */
    long   approved;        /*   requests of its decided in P: approved */
    long   rejected;        /*   … rejected */
} report_holds;

/* What each column counts, as every table of them says under it. */
#define REPORT_HOLDS_NOTE                                                                                 \
    "暂缓件数：本期内本单位暂缓办理的工单（与之合并、随之暂缓的重复工单不另计）；暂缓工作小时：本单位暂缓的工单" \
    "在本期内停止计时的工作时间（按法定节假日和上下班时间计，截至生成时，本期以前开始的暂缓也计其在本期内的部分）；" \
    "申请延期：本期内本单位提出的延期申请；批准延期、驳回延期：本期内审核的本单位延期申请。"

/* The units of districts (as report_metrics_run) with a hold or a request
 * for more time in period p (bounds b, from report_query_start), working
 * hours counted on cal; the longest time on hold first (then the most holds,
 * the most requests, the code). *out is malloc'd (the caller frees it), *n
 * its rows. 0, or -1 with the reason in err. */
int report_metrics_holds(PGconn *pg, const char *districts, const report_period *p, const report_bounds *b,
                         const calendar *cal, report_holds **out, size_t *n, char *err, size_t errlen);

#endif
