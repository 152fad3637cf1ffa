/* report_sheet.c — the bulletin's three tables, column by column (see report_sheet.h). */
#include "report_sheet.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "names.h"
#include "text.h"

static void text(report_cell *c, const char *s)
{
    c->is_num = 0;
    text_defuse_formula(c->text, sizeof c->text, s ? s : "");
}

static void num(report_cell *c, double v, int decimals)
{
    c->is_num = 1;
    c->num = v;
    c->decimals = decimals;
    c->text[0] = '\0';
}

static double rounded(double v, double scale)
{
    return isnan(v) ? NAN : round(v * scale) / scale;
}

/* ---- ranking: one row per unit, in table order ---- */

static const char *const RANK_HEAD[] = {"类别", "排名", "标记", "单位编码", "单位", "综合得分", "上周得分",
                                        REPORT_CHANGE_POINTS, "上周排名", "超期数"};
#define RANK_FIXED (sizeof RANK_HEAD / sizeof RANK_HEAD[0])
enum { RANK_CODE = 3 };     /* 单位编码 */

/* After RANK_HEAD, each rate's value and rank. */
static void rank_header(const report_bulletin *b, size_t col, report_cell *c)
{
    (void)b;
    char h[64];
    size_t r = (col - RANK_FIXED) / 2;
    snprintf(h, sizeof h, "%s%s", REPORT_RATES[r].label, (col - RANK_FIXED) % 2 ? "排名" : "(%)");
    text(c, h);
}

static size_t rank_nrows(const report_bulletin *b)
{
    return b->cur->n;
}

/* u's rank, or in words why it has none (样本不足, 无可考核工单); empty with no u. */
static void rank_cell(report_cell *c, const report_unit *u)
{
    if (u && u->unranked)
        text(c, u->unranked);
    else
        num(c, u && u->rank ? u->rank : NAN, 0);
}

static char rank_row(const report_bulletin *b, size_t i, report_cell *c)
{
    const report_unit *u = &b->cur->units[i];
    const report_unit *p = report_bulletin_prev(b, u);
    double prev = p ? p->composite : NAN;
    text(&c[0], strcmp(u->kind, "dept") == 0 ? "部门" : "街道");
    rank_cell(&c[1], u);
    text(&c[2], names_flag(u->flag));
    text(&c[RANK_CODE], u->code);
    text(&c[4], u->name);
    num(&c[5], rounded(u->composite, 100), 2);
    num(&c[6], rounded(prev, 100), 2);
    num(&c[7], report_bulletin_change(b, u), 2);
    rank_cell(&c[8], p);
    num(&c[9], (double)u->overdue, 0);
    for (int r = 0; r < RATE_COUNT; r++) {
        num(&c[RANK_FIXED + 2 * r], report_rate_pct(u->rate[r]), 1);
        if (u->thin[r])
            text(&c[RANK_FIXED + 2 * r + 1], REPORT_THIN);
        else
            num(&c[RANK_FIXED + 2 * r + 1], u->rate_rank[r] ? u->rate_rank[r] : NAN, 0);
    }
    return u->flag;
}

/* ---- overdue and escalated orders, by unit ---- */

static const char *const ORDER_HEAD[] = {"单位", "工单号", "类别", "地点", "来电人", "时限", "到期时间", "状态",
                                         "超时(工作小时)", "最高" NAMES_ALERT, NAMES_ALERT "数"};

static size_t order_nrows(const report_bulletin *b)
{
    return b->n_orders;
}

static char order_row(const report_bulletin *b, size_t i, report_cell *c)
{
    const report_order *o = &b->orders[i];
    text(&c[0], o->unit_name);
    text(&c[1], o->ticket);
    text(&c[2], o->category);
    text(&c[3], o->place);
    text(&c[4], o->caller);
    text(&c[5], report_deadline_label(o->deadline));
    text(&c[6], o->due_at);
    text(&c[7], report_state_label(o->deadline, o->state));
    num(&c[8], report_order_late_shown(o), 1);
    text(&c[9], names_rung(o->rung));
    num(&c[10], (double)o->alerts, 0);
    return strcmp(o->state, "overdue") == 0 ? 'R' : 0;
}

/* ---- hot spots: categories, then places ---- */

static const char *const HOT_HEAD[] = {"类型", "名称", "本周", NULL, REPORT_CHANGE_ORDERS};   /* NULL: 上周 or 上周同期 */

static void hot_header(const report_bulletin *b, size_t col, report_cell *c)
{
    (void)col;
    text(c, report_hot_prev_title(b));
}

static size_t hot_nrows(const report_bulletin *b)
{
    return b->n_categories + b->n_places;
}

static char hot_row(const report_bulletin *b, size_t i, report_cell *c)
{
    int is_cat = i < b->n_categories;
    const report_hotspot *h = is_cat ? &b->categories[i] : &b->places[i - b->n_categories];
    text(&c[0], is_cat ? "类别" : "地点");
    text(&c[1], h->name);
    num(&c[2], (double)h->count, 0);
    num(&c[3], (double)h->prev, 0);
    num(&c[4], (double)(h->count - h->prev), 0);
    return 0;
}

static const char *const HOLDS_HEAD[] = {"单位编码", "单位", "暂缓件数", "暂缓工作小时", "申请延期", "批准延期", "驳回延期"};

static size_t holds_nrows(const report_bulletin *b)
{
    return b->n_holds;
}

static char holds_row(const report_bulletin *b, size_t i, report_cell *c)
{
    const report_holds *h = &b->holds[i];
    text(&c[0], h->code);
    text(&c[1], h->name);
    num(&c[2], (double)h->holds, 0);
    num(&c[3], h->hold_hours, 1);
    num(&c[4], (double)h->asked, 0);
    num(&c[5], (double)h->approved, 0);
    num(&c[6], (double)h->rejected, 0);
    return 0;
}

size_t report_sheet_ncols(const report_sheet *sh)
{
    return sh->nhead + sh->more;
}

void report_sheet_header(const report_sheet *sh, const report_bulletin *b, size_t col, report_cell *cell)
{
    if (col < sh->nhead && sh->head[col])
        text(cell, sh->head[col]);
    else
        sh->header(b, col, cell);
}

#define HEAD(h) h, sizeof h / sizeof h[0]
const report_sheet REPORT_SHEETS[] = {
    {"ranking", "排名", RANK_CODE, HEAD(RANK_HEAD), 2 * RATE_COUNT, rank_header, rank_nrows, rank_row},
    {"orders", "超期及" NAMES_ALERT "工单", -1, HEAD(ORDER_HEAD), 0, NULL, order_nrows, order_row},
    {"hotspots", "热点", -1, HEAD(HOT_HEAD), 0, hot_header, hot_nrows, hot_row},
    {"holds", "暂缓与延期", 0, HEAD(HOLDS_HEAD), 0, NULL, holds_nrows, holds_row},
};
const size_t REPORT_NSHEETS = sizeof REPORT_SHEETS / sizeof REPORT_SHEETS[0];
