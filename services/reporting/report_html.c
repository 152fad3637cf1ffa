/* report_html.c — the bulletin page and the dashboard (see report_html.h).
 * Every text from the database goes through text_html_escape(). */
#include "report_html.h"

#include <math.h>
#include <string.h>

#include "names.h"
#include "report_svg.h"
#include "text.h"

#define RED "#c0392b"
#define YELLOW "#e0a800"
#define GREEN "#2e8b57"
#define TREND_SERIES 10

static const char CSS[] =
    "body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:24px;color:#222}"
    "h1{font-size:22px}h2{font-size:17px;border-bottom:2px solid #c0392b;padding-bottom:4px;margin-top:28px}"
    "table{border-collapse:collapse;margin:8px 0;font-size:13px}"
    "th,td{border:1px solid #bbb;padding:3px 7px;text-align:right}th{background:#f2f2f2}"
    "td.t,th.t{text-align:left}tr.flag-R td{background:#ffc7ce}tr.flag-Y td{background:#ffeb9c}"
    "tr.unit th{text-align:left;background:#e8eef7}.up{color:#2e8b57}.down{color:#c0392b}"
    ".note{color:#666;font-size:12px}svg.chart{display:block;margin:8px 0;max-width:100%;height:auto}"
    ".wide{overflow-x:auto;max-width:100%}.wide th,.wide td{white-space:nowrap}"   /* scrolls, never squeezed */
    ".warning{background:#c0392b;color:#fff;padding:10px 14px;font-size:15px;font-weight:bold}"
    /* On paper nothing scrolls: a table that scrolled on the screen lost its
     * right-hand columns there (超期数, 重复率), so its type is smaller, its
     * headings wrap, and so do the orders' places and callers. */
    "@media print{body{margin:0}h2{page-break-after:avoid}table,svg{page-break-inside:avoid}"
    ".wide{overflow:visible}.wide table{font-size:11px}.wide th,.wide td{padding:2px 4px}"
    ".wide th,table.orders td.t{white-space:normal}}";

const char *report_html_style(void)
{
    return CSS;
}

/* The page up to its <h1>; bar (HTML, or NULL) first in the body. */
static void page_start(FILE *f, const char *title, const char *bar)
{
    fputs("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>", f);
    text_html_escape(f, title);
    fprintf(f, "</title><style>%s</style></head><body>\n%s<h1>", CSS, bar ? bar : "");
    text_html_escape(f, title);
    fputs("</h1>\n", f);
}

static void cell_text(FILE *f, const char *s)
{
    fputs("<td class=\"t\">", f);
    text_html_escape(f, s);
    fputs("</td>", f);
}

/* A ticket linking to its order's page on the workbench. */
static void cell_order(FILE *f, const char *ticket)
{
    char url[256];
    text_url_encode(url, sizeof url, ticket);
    fprintf(f, "<td class=\"t\"><a href=\"/work/order?t=%s\">", url);
    text_html_escape(f, ticket);
    fputs("</a></td>", f);
}

static void cell_num(FILE *f, double v, const char *fmt)
{
    fputs("<td>", f);
    if (isnan(v))
        fputs("–", f);
    else
        fprintf(f, fmt, v);
    fputs("</td>", f);
}

/* A change (report_bulletin_change), coloured by its direction. */
static void cell_change(FILE *f, double d)
{
    if (isnan(d)) {
        fputs("<td>–</td>", f);
        return;
    }
    fprintf(f, "<td class=\"%s\">%s%.2f</td>", d > 0 ? "up" : d < 0 ? "down" : "", d > 0 ? "+" : "", d);
}

/* u's rank (2, 2（并列）), or in words why it has none (样本不足,
 * 无可考核工单); "–" with no u. */
static void cell_rank(FILE *f, const report_unit *u)
{
    char rank[32];
    report_rank_text(rank, sizeof rank, u);
    if (u && u->unranked)
        cell_text(f, rank);
    else
        fprintf(f, "<td>%s</td>", *rank ? rank : "–");
}

static const char *kind_title(const char *kind)
{
    return strcmp(kind, "dept") == 0 ? "部门" : "街道";
}

/* How many units of kind the bulletin holds (its reader's scope may hold none of a kind). */
static size_t units_of(const report_bulletin *b, const char *kind)
{
    size_t n = 0;
    for (size_t i = 0; i < b->cur->n; i++)
        n += strcmp(b->cur->units[i].kind, kind) == 0;
    return n;
}

/* 1, having said so, when the reader's scope holds no unit of kind: no empty table then. */
static int none_of(FILE *f, const report_bulletin *b, const char *kind)
{
    if (units_of(b, kind))
        return 0;
    fprintf(f, "<p class=\"note none\">您可查看的单位中没有%s。</p>\n", kind_title(kind));
    return 1;
}

/* A unit's 超期数; on the bulletin's page (links), when there are some, a
 * link to the unit's rows in the list of overdue and escalated orders below. */
static void cell_overdue(FILE *f, const report_unit *u, int links)
{
    if (!links || u->overdue <= 0) {
        cell_num(f, (double)u->overdue, "%.0f");
        return;
    }
    fputs("<td><a href=\"#orders-", f);
    text_html_escape(f, u->code);
    fprintf(f, "\" title=\"看这些工单\">%ld</a></td>", u->overdue);
}

/* The ranking of kind; links: 超期数 links to the orders listed below (the bulletin's page). */
static void ranking_table(FILE *f, const report_bulletin *b, const char *kind, int links)
{
    if (none_of(f, b, kind))
        return;
    fprintf(f, "<div class=\"wide\"><table class=\"ranking\" data-kind=\"%s\"><tr><th>排名</th><th class=\"t\">%s</th>"
               "<th>综合得分</th><th>" REPORT_CHANGE_POINTS "</th><th>上周排名</th>", kind, kind_title(kind));
    for (int r = 0; r < RATE_COUNT; r++)
        fprintf(f, "<th>%s</th>", REPORT_RATES[r].label);
    fputs("<th>超期数</th></tr>\n", f);
    for (size_t i = 0; i < b->cur->n; i++) {
        const report_unit *u = &b->cur->units[i];
        if (strcmp(u->kind, kind) != 0)
            continue;
        const report_unit *p = report_bulletin_prev(b, u);
        fprintf(f, "<tr class=\"flag-%c\">", u->flag ? u->flag : 'N');
        cell_rank(f, u);
        cell_text(f, u->name);
        cell_num(f, u->composite, "%.2f");
        cell_change(f, report_bulletin_change(b, u));
        cell_rank(f, p);
        for (int r = 0; r < RATE_COUNT; r++)
            cell_num(f, report_rate_pct(u->rate[r]), u->thin[r] ? "%.1f%%*" : "%.1f%%");
        cell_overdue(f, u, links);
        fputs("</tr>\n", f);
    }
    fputs("</table></div>\n", f);
    fprintf(f, "<p class=\"note\">名次相同的单位并列（写作 2" REPORT_TIED "），按单位编码的顺序列出，先后不分高下。"
               "–：没有可计算的工单，在综合得分中同样按同类单位合计的比率计。* " REPORT_THIN "：不足 %ld 件的比率只作展示，不参与该项排名；"
               "在综合得分中按同类单位（街道或部门）合计的比率计，不加分也不减分，同类单位都按同样几项比率计分。"
               "排名写" REPORT_THIN "的单位，计入综合得分的比率都不足 %ld 件；写" REPORT_NO_CASES "的，"
               "这些比率都没有一件：没有已签收、已办结或已到期的时限，也没有回访。"
               "合计的比率低了（如别的单位有超期工单），同类单位的综合得分一起低：综合得分比的是同一周同类单位的高下。</p>\n",
            b->cur->min_cases, b->cur->min_cases);
}

/* What each rate counts, in REPORT_RATES order: the README's formulas in words. */
static const char *const RATE_MEANS[RATE_COUNT] = {
    "按时签收的 ÷ 本期派给该单位、已签收或已过签收时限的工单",
    "本期内办结的 ÷ 本期开始计办结时限、已办结或已过办结时限的工单",
    "回访满意、基本满意的 ÷ 本期的回访（算给被回访时承办的单位；未接通的不算回访）",
    "按时办结的 ÷ 本期到期的办结时限（暂缓办理、暂停计时未到期的不算）",
    "本期派给该单位、又在本期被它退回的 ÷ 本期派给该单位的",
    "本期来电中并入先前工单的重复诉求 ÷ 本期来电",
};

/* The composite's formula in words: 响应率 × 20 + …（1 − 退单率）× 10. */
static void composite_terms(FILE *f, const report_table *t)
{
    for (int r = 0, first = 1; r < RATE_COUNT; r++) {
        if (t->weight[r] <= 0)
            continue;
        int better = REPORT_RATES[r].higher_better;
        fprintf(f, "%s%s%s%s × %g", first ? "" : " + ", better ? "" : "（1 − ", REPORT_RATES[r].label,
                better ? "" : "）", t->weight[r]);
        first = 0;
    }
}

/* "；退单率、重复率只作展示，不计入": the rates of weight 0, if any. */
static void shown_only(FILE *f, const report_table *t)
{
    int n = 0;
    for (int r = 0; r < RATE_COUNT; r++)
        if (t->weight[r] <= 0)
            fprintf(f, "%s%s", n++ ? "、" : "；", REPORT_RATES[r].label);
    if (n)
        fputs("只作展示，不计入", f);
}

/* Below the rankings: what each figure counts and how the composite is
 * weighted (t's weights), so the reader need not ask what 整改率 is. */
static void metrics_note(FILE *f, const report_table *t)
{
    fputs("<h2>指标说明</h2>\n<p class=\"note metrics\">", f);
    for (int r = 0; r < RATE_COUNT; r++)
        fprintf(f, "%s = %s；", REPORT_RATES[r].label, RATE_MEANS[r]);
    fputs("超期数 = 本期到期、没有按时办结的办结时限件数。综合得分 = ", f);
    composite_terms(f, t);
    fputs("，除以权重之和，再乘 100（满分 100）；同类单位都没有工单的比率不计入", f);
    shown_only(f, t);
    fputs("。" REPORT_CHANGE_POINTS " = 本周综合得分 − 上周综合得分。</p>\n", f);
}

static const char *flag_color(char flag)
{
    return flag == 'R' ? RED : flag == 'Y' ? YELLOW : GREEN;
}

static void composite_chart(FILE *f, const report_bulletin *b, const char *kind)
{
    report_bar bars[256];
    size_t n = 0;
    char title[64];
    for (size_t i = 0; i < b->cur->n && n < 256; i++) {
        const report_unit *u = &b->cur->units[i];
        if (strcmp(u->kind, kind) != 0)
            continue;
        const report_unit *p = report_bulletin_prev(b, u);
        bars[n++] = (report_bar){u->name, u->composite, p ? p->composite : NAN, flag_color(u->flag)};
    }
    snprintf(title, sizeof title, "%s综合得分（灰线为上周）", kind_title(kind));
    if (n)
        report_svg_bars(f, title, bars, n, 100, "%.2f");     /* the score as the table publishes it */
}

/* 1 when some unit of kind in b is ranked on some rate. */
static int any_rate_ranked(const report_bulletin *b, const char *kind)
{
    for (size_t i = 0; i < b->cur->n; i++)
        for (int r = 0; r < RATE_COUNT; r++)
            if (strcmp(b->cur->units[i].kind, kind) == 0 && b->cur->units[i].rate_rank[r])
                return 1;
    return 0;
}

/* One table per kind: for each rate, the units in rank order ("1 南街道 100.0%"). */
static void rate_rank_table(FILE *f, const report_bulletin *b, const char *kind)
{
    if (none_of(f, b, kind))
        return;
    if (!any_rate_ranked(b, kind)) {    /* a table of headings alone read as a page cut short */
        fprintf(f, "<p class=\"note none-ranked\">本期没有哪个%s的哪项比率够 %ld 件，各项都不排名。</p>\n",
                kind_title(kind), b->cur->min_cases);
        return;
    }
    fputs("<table class=\"rate-ranks\"><tr><th>名次</th>", f);
    for (int r = 0; r < RATE_COUNT; r++)
        fprintf(f, "<th class=\"t\">%s</th>", REPORT_RATES[r].label);
    fputs("</tr>\n", f);
    for (int place = 1; place <= (int)b->cur->n; place++) {
        int any = 0;
        for (size_t i = 0; i < b->cur->n; i++)
            for (int r = 0; r < RATE_COUNT; r++)
                any |= strcmp(b->cur->units[i].kind, kind) == 0 && b->cur->units[i].rate_rank[r] == place;
        if (!any)
            continue;
        fprintf(f, "<tr><td>%d</td>", place);
        for (int r = 0; r < RATE_COUNT; r++) {
            fputs("<td class=\"t\">", f);
            for (size_t i = 0; i < b->cur->n; i++) {
                const report_unit *u = &b->cur->units[i];
                if (strcmp(u->kind, kind) != 0 || u->rate_rank[r] != place)
                    continue;
                text_html_escape(f, u->name);
                fprintf(f, " %.1f%% ", report_rate_pct(u->rate[r]));
            }
            fputs("</td>", f);
        }
        fputs("</tr>\n", f);
    }
    fputs("</table>\n", f);
}

/* The overdue and escalated orders by unit, each unit's rows headed by its
 * name (where its 超期数 links to); links: each ticket to its order's page
 * (the bulletin's page on the web, not the files). */
static void orders_table(FILE *f, const report_bulletin *b, int links)
{
    char why[512];
    if (*report_bulletin_orders_withheld(b, why, sizeof why)) {
        fputs("<p class=\"note withheld-orders\">", f);
        text_html_escape(f, why);
        fputs("。</p>\n", f);
        return;
    }
    fputs("<div class=\"wide\"><table class=\"orders\"><tr><th class=\"t\">工单号</th><th class=\"t\">类别</th><th class=\"t\">地点</th>"
          "<th class=\"t\">来电人</th><th class=\"t\">时限</th><th class=\"t\">到期时间</th><th class=\"t\">状态</th><th>超时(工作小时)</th>"
          "<th class=\"t\">最高" NAMES_ALERT "</th><th>" NAMES_ALERT "数</th></tr>\n", f);
    for (size_t i = 0; i < b->n_orders; i++) {
        const report_order *o = &b->orders[i];
        if (i == 0 || strcmp(o->unit_code, b->orders[i - 1].unit_code) != 0) {
            fputs("<tr class=\"unit\" id=\"orders-", f);
            text_html_escape(f, o->unit_code);
            fputs("\"><th colspan=\"10\">", f);
            text_html_escape(f, o->unit_name);
            fputs("</th></tr>\n", f);
        }
        fprintf(f, "<tr class=\"flag-%c\">", strcmp(o->state, "overdue") == 0 ? 'R' : 'N');
        if (links)
            cell_order(f, o->ticket);
        else
            cell_text(f, o->ticket);
        cell_text(f, o->category);
        cell_text(f, o->place);
        cell_text(f, o->caller);
        cell_text(f, report_deadline_label(o->deadline));
        cell_text(f, o->due_at);
        cell_text(f, report_state_label(o->deadline, o->state));
        cell_num(f, report_order_late_shown(o), "%.1f");
        cell_text(f, names_rung(o->rung));
        cell_num(f, (double)o->alerts, "%.0f");
        fputs("</tr>\n", f);
    }
    if (b->n_orders == 0)
        fputs("<tr><td class=\"t\" colspan=\"10\">本周无超期或" NAMES_ALERT "工单</td></tr>\n", f);
    fputs("</table></div>\n", f);
}

/* The units' holds and requests for more time, the longest on hold first, and what each column counts. */
static void holds_table(FILE *f, const report_bulletin *b)
{
    fputs("<table class=\"holds\"><tr><th class=\"t\">单位</th><th>暂缓件数</th><th>暂缓工作小时</th>"
          "<th>申请延期</th><th>批准延期</th><th>驳回延期</th></tr>\n", f);
    for (size_t i = 0; i < b->n_holds; i++) {
        const report_holds *h = &b->holds[i];
        fputs("<tr>", f);
        cell_text(f, h->name);
        cell_num(f, (double)h->holds, "%.0f");
        cell_num(f, h->hold_hours, "%.1f");
        cell_num(f, (double)h->asked, "%.0f");
        cell_num(f, (double)h->approved, "%.0f");
        cell_num(f, (double)h->rejected, "%.0f");
        fputs("</tr>\n", f);
    }
    if (b->n_holds == 0)
        fputs("<tr><td class=\"t\" colspan=\"6\">本周没有暂缓办理或延期申请</td></tr>\n", f);
    fputs("</table>\n<p class=\"note holds-note\">" REPORT_HOLDS_NOTE "只列本周有暂缓或延期申请的单位，暂缓时间长的在前。</p>\n", f);
}

/* The ranked rows as bars; the rest of the list (其他, the unplaced or
 * unknown, 合计) as a line under the chart, so every order is accounted for;
 * beside each count the week before's (上周, or 上周同期 for a week not over). */
static void hotspot_chart(FILE *f, const report_bulletin *b, const char *what, const report_hotspot *h, size_t n)
{
    report_bar bars[REPORT_HOTSPOT_ROWS];
    size_t nbars = 0;
    const char *before = report_hot_prev_title(b);
    char title[96];
    snprintf(title, sizeof title, "%s（灰线为%s）", what, before);
    for (size_t i = 0; i < n; i++)
        if (h[i].kind == HOT_RANKED)
            bars[nbars++] = (report_bar){h[i].name, (double)h[i].count, (double)h[i].prev, NULL};
    if (nbars)
        report_svg_bars(f, title, bars, nbars, 0, "%.0f");
    else
        fputs("<p class=\"note\">本周无工单</p>\n", f);
    fputs("<p class=\"note hot-rest\">", f);
    for (size_t i = 0, first = 1; i < n; i++) {
        if (h[i].kind == HOT_RANKED)
            continue;
        fprintf(f, "%s%s %ld 件（%s %ld）", first ? "" : "；", report_hot_label(h[i].kind), h[i].count, before,
                h[i].prev);
        first = 0;
    }
    fputs("</p>\n", f);
}

/* 1, having said why, when the hot spots are left out for this reader:
 * their empty lists would read as "本周无工单". */
static int withheld(FILE *f, const report_bulletin *b)
{
    if (b->hot_withheld)
        fputs("<p class=\"note withheld\">热点按全区统计，承办单位的页面不显示；全区的热点见区里发布的周通报。</p>\n", f);
    return b->hot_withheld;
}

static void period_line(FILE *f, const report_bulletin *b)
{
    const report_period *p = &b->cur->period;
    fprintf(f, "<p class=\"note period\">统计周期 %s 至 %s", p->from, p->last);
    if (b->days_begun < 7)
        fprintf(f, "（本周至今：只含已过的 %d 天，截至生成时间；热点与上周同期，即上周的前 %d 天比较）", b->days_begun,
                b->days_begun);
    fprintf(f, "；生成时间 %s。红色、黄色为综合得分排名末位；个人信息已脱敏。</p>\n", b->generated_at);
}

void report_html_bulletin(FILE *f, const report_bulletin *b, const char *bar)
{
    char title[96], week[32];
    snprintf(title, sizeof title, "接诉即办工作周通报 %s", report_period_name(&b->cur->period, week, sizeof week));
    char why[512];
    int links = bar && !*report_bulletin_orders_withheld(b, why, sizeof why);   /* the web's, with the orders */
    page_start(f, title, bar);
    period_line(f, b);
    static const char *const KINDS[] = {"street", "dept"};
    for (int k = 0; k < 2; k++) {
        fprintf(f, "<h2>%s综合排名</h2>\n", kind_title(KINDS[k]));
        ranking_table(f, b, KINDS[k], links);
        composite_chart(f, b, KINDS[k]);
        fprintf(f, "<h2>%s分项指标排名</h2>\n", kind_title(KINDS[k]));
        rate_rank_table(f, b, KINDS[k]);
    }
    metrics_note(f, b->cur);
    fputs("<h2>超期及" NAMES_ALERT "工单（按单位）</h2>\n", f);
    orders_table(f, b, links);
    fputs("<h2>暂缓与延期（按单位）</h2>\n", f);
    holds_table(f, b);
    fputs("<h2>热点</h2>\n", f);
    if (!withheld(f, b)) {
        hotspot_chart(f, b, "热点类别", b->categories, b->n_categories);
        hotspot_chart(f, b, "热点地点", b->places, b->n_places);
    }
    fputs("</body></html>\n", f);
}

static void trend_chart(FILE *f, const report_table *const *weeks, size_t nweeks)
{
    const char *labels[64];
    char names[64][32];
    double values[TREND_SERIES][64];
    report_series series[TREND_SERIES];
    size_t ns = 0;
    const report_table *last = weeks[nweeks - 1];
    for (size_t i = 0; i < last->n && ns < TREND_SERIES; i++) {
        const report_unit *u = &last->units[i];
        if (strcmp(u->kind, "street") != 0)
            continue;
        for (size_t w = 0; w < nweeks && w < 64; w++) {
            const report_unit *x = report_table_find(weeks[w], u->code);
            values[ns][w] = x ? x->composite : NAN;
        }
        series[ns] = (report_series){u->name, values[ns]};
        ns++;
    }
    for (size_t w = 0; w < nweeks && w < 64; w++) {   /* 第47周: the year is in the page's title */
        const char *name = report_period_name(&weeks[w]->period, names[w], sizeof names[w]);
        labels[w] = strstr(name, "第") ? strstr(name, "第") : name;
    }
    report_svg_lines(f, "街道综合得分趋势", labels, nweeks < 64 ? nweeks : 64, series, ns);
}

/* The calendar's warning: deadlines counted over holidays as working days. */
static void calendar_warning(FILE *f, const holidays_gap *gap)
{
    fprintf(f, "<p class=\"warning\" id=\"calendar-warning\">节假日安排缺失：%d 年的国务院节假日安排尚未载入", gap->year);
    if (gap->days > 0)
        fprintf(f, "完整（只录入了 %ld 天），该年其余的周一至周五都按工作日计算办理时限", gap->days);
    else
        fputs("，该年每个周一至周五（含元旦、春节）都按工作日计算办理时限", f);
    if (gap->pending > 0)
        fprintf(f, "；已有 %ld 个未到期时限落在 %d 年及以后", gap->pending, gap->year);
    fprintf(f, "。请管理员载入通知：jiesu holidays load %d.json（或 jiesu holidays add 日期 名称 --off|--work "
               "逐日录入，全年录完后 jiesu holidays complete %d）。</p>\n", gap->year, gap->year);
}

/* The page's figures for programs and analysts to download, as links that
 * name what each holds, and how to ask for another week or day; the city's
 * live counters only to a reader who may read them (live). */
static void data_links(FILE *f, const report_period *week, int live)
{
    fprintf(f, "<p class=\"note data\">数据下载（JSON，供统计分析和其他系统读取）："
               "<a href=\"/api/bulletin?week=%s\">本页这一周的周通报</a>（其他周：改链接里的 week=）、"
               "<a href=\"/api/daily\">今日派单</a>（其他日子加 ?date=年-月-日）%s；"
               "Open311 接口：/requests.json、/requests/工单号.json</p>\n", week->label,
            live ? "、<a href=\"/api/live\">实时计数</a>" : "");
}

void report_html_dashboard(FILE *f, const report_bulletin *b, const report_table *const *weeks, size_t nweeks,
                           const holidays_gap *gap, const char *bar, const char *board, int live)
{
    char title[96], week[32];
    snprintf(title, sizeof title, "接诉即办 看板 %s", report_period_name(&b->cur->period, week, sizeof week));
    page_start(f, title, bar);
    if (gap)
        calendar_warning(f, gap);
    fputs(board ? board : "", f);
    period_line(f, b);
    fputs("<h2>街道排名</h2>\n", f);
    ranking_table(f, b, "street", 0);
    fputs("<h2>部门排名</h2>\n", f);
    ranking_table(f, b, "dept", 0);
    metrics_note(f, b->cur);
    fputs("<h2>趋势</h2>\n", f);
    if (nweeks > 0)
        trend_chart(f, weeks, nweeks);
    fputs("<h2>类别</h2>\n", f);
    if (!withheld(f, b))
        hotspot_chart(f, b, "本周热点类别", b->categories, b->n_categories);
    data_links(f, &b->cur->period, live);
    fputs("</body></html>\n", f);
}
