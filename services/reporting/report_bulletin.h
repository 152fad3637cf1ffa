/* report_bulletin.h — everything the weekly bulletin (周通报) shows, read from
 * PostgreSQL: the ranked metrics of the week and of the week before, the
 * overdue and escalated orders by unit, the hot spots by category and by
 * place, and the units' holds and requests for more time (暂缓与延期). The writers (report_csv.c, report_xlsx.c, report_html.c,
 * report_json.c) only format what is gathered here.
 *
 * Personal data is masked here, once: caller names and phone numbers never
 * leave this module unmasked. A complaint about officials' conduct (for
 * discipline inspection alone) is counted in the metrics and hot spots but
 * never listed: no ticket, place or caller of one leaves this module.
 *
 * report_bulletin_build() returns a malloc'd bulletin; free it with
 * report_bulletin_free().
 */
#ifndef JIESU_REPORT_BULLETIN_H
#define JIESU_REPORT_BULLETIN_H

#include <libpq-fe.h>
#include <stddef.h>

#include "calendar.h"
#include "report_metrics.h"

#define REPORT_HOTSPOTS 10          /* ranked rows per kind of hot spot */
#define REPORT_HOTSPOT_ROWS (REPORT_HOTSPOTS + 5)   /* + the rest, three kinds of unplaced or unknown, the total */
#define REPORT_MAX_ORDERS 2000      /* overdue / escalated orders listed at most */

/* What a hot spot row is: every order called in the week is in exactly one
 * row of each list (categories, places), so the rows add up to the total. */
typedef enum {
    HOT_RANKED,                     /* one of the ten with the most orders */
    HOT_OTHER,                      /* 其他: every other category or place */
    HOT_MANUAL,                     /* places: 待人工派单, in the manual dispatch queue */
    HOT_UNROUTED,                   /* places: 尚未派单, not routed yet (or returned, waiting to be again) */
    HOT_HANDED_BACK,                /* places: 已退回热线, handed back to the city hotline (not this district's) */
    HOT_UNKNOWN,                    /* categories: 未分类, no category known */
    HOT_TOTAL                       /* 合计 */
} report_hot_kind;

typedef struct {
    char            name[128];      /* category name (categories.name), place name, or the row's label */
    long            count;          /* orders called in the week */
    long            prev;           /* in the week before */
    report_hot_kind kind;
} report_hotspot;

typedef struct {
    char   unit_code[32];
    char   unit_name[96];
    char   ticket[64];
    char   category[64];            /* its name (categories.name), else the code or the hotline's category */
    char   caller[96];              /* masked: "张** 138****5678" */
    char   place[128];
    char   deadline[8];             /* the deadline the row is about: "resolve" (fell due in the week, or none
                                       other), "accept" (the one its highest alert climbed: a late 签收), "" */
    char   due_at[20];              /* that deadline, local "YYYY-MM-DD HH:MI" ("" when it has none) */
    char   state[16];               /* its state: "overdue" (open, past due), "late" (met after due),
                                       "on_time", "open" (not due yet), "paused" (waiting), "" (none) */
    double hours_late;              /* working hours past the deadline on the official calendar (to the fix,
                                       or to the end of the week or now), to 0.1; 0 when not late */
    char   rung[24];                /* highest alert rung raised in the week, or "": of those shown */
    long   alerts;                  /* alerts raised in the week: shown to the reader (report_bulletin_build) */
} report_order;

typedef struct {
    report_table   *cur;            /* the week */
    report_table   *prev;           /* the week before, for the week-on-week change */
    report_hotspot  categories[REPORT_HOTSPOT_ROWS];
    size_t          n_categories;
    report_hotspot  places[REPORT_HOTSPOT_ROWS];
    size_t          n_places;
    int             hot_withheld;   /* the hot spots (the district's) left out for this reader: a unit's
                                       handler (web_scope_bulletin); their lists are then empty */
    report_order   *orders;
    size_t          n_orders;
    report_holds   *holds;          /* the units' holds and requests for more time (暂缓与延期) */
    size_t          n_holds;
    const char     *orders_withheld_from;   /* the list left out for a reader of this role, who reads no
                                               orders (系统管理员: web_scope_bulletin), else NULL */
    size_t          orders_withheld;        /* … how many orders it held then */
    char            generated_at[20];   /* local "YYYY-MM-DD HH:MI" */
    int             days_begun;         /* of the week's 7 days, begun when generated: this week on a
                                           Monday 1 (only today counted), a past week 7 */
} report_bulletin;

/* Gathers the bulletin of period p (usually a week) for the units of
 * districts, days in time zone tz, lateness counted in working time on cal
 * (holidays_calendar()); of the alerts on the orders listed, those shown to
 * a reader of unit reader_unit (0: of none), as every view shows them
 * (VIEW_ALERT_SHOWN, common/view.h). NULL with the reason in err. */
report_bulletin *report_bulletin_build(PGconn *pg, const char *districts, int reader_unit, const char *tz,
                                       const report_period *p, const report_settings *s, const calendar *cal,
                                       char *err, size_t errlen);

/* The Chinese label of a row kind ("其他", "待人工派单" ...; "" for ranked
 * rows), and its key in JSON ("ranked", "other", "manual", "unrouted",
 * "unknown", "total"). */
const char *report_hot_label(report_hot_kind kind);
const char *report_hot_key(report_hot_kind kind);

/* The Chinese name of a row's deadline ("签收", "办结"; "" for none), and of
 * that deadline's state, naming the deadline ("超期未签收", "超期未办结" ...,
 * "无时限" for ""): an alert about a late 签收 never reads beside 未到期 of
 * the resolve deadline. */
const char *report_deadline_label(const char *deadline);
const char *report_state_label(const char *deadline, const char *state);

/* The same unit in the previous week's table, or NULL. */
const report_unit *report_bulletin_prev(const report_bulletin *b, const report_unit *u);

/* 环比, the week-on-week change, as every table heads it (the printable
 * page, the dashboard, the CSV and XLSX, jiesu bulletin), saying what it
 * counts: the composite's is the difference of two scores made of
 * percentages, in percentage points (a bare +3.20 was read as 3.2% more);
 * the hot spots' a difference of orders. */
#define REPORT_CHANGE_POINTS "环比（百分点）"
#define REPORT_CHANGE_ORDERS "环比（件）"

/* u's composite less the week before's, to 0.01 as both are published: the
 * one figure of every table; NAN when either is undefined. */
double report_bulletin_change(const report_bulletin *b, const report_unit *u);

/* How many orders the list holds, each once: an order is listed under every
 * unit it counts for (a deadline or alert without a unit: its owner and its
 * co-handlers), so it may take more than one row. */
size_t report_bulletin_orders_listed(const report_bulletin *b);

/* What the hot spots' counts of the week before are headed: 上周, or for a
 * week not over 上周同期 (as many of its days as the week has begun). */
const char *report_hot_prev_title(const report_bulletin *b);

/* Working hours from due to end (Unix seconds) on cal, to 0.1, and 0.1 at
 * least when any: two working minutes late are not 0.0; 0 when not late.
 * The bulletin's list and `jiesu report 单位` count lateness so. */
double report_hours_late(const calendar *cal, long long due, long long end);

/* o's 超时(工作小时) as every table shows it: its hours_late when its deadline
 * was missed (overdue, late), 0.0 too (missed at night, no working hour
 * since), else NAN ("–": not late). */
double report_order_late_shown(const report_order *o);

/* Why the orders' list is empty for this reader, into out, when it is left
 * out (系统管理员的账号不查看工单，这 2 件不列出（查看它们的是话务员、…）),
 * else "". Returns out. */
char *report_bulletin_orders_withheld(const report_bulletin *b, char *out, size_t cap);

void report_bulletin_free(report_bulletin **b);

#endif
