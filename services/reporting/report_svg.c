/* report_svg.c — inline SVG bar and line charts (see report_svg.h). */
#include "report_svg.h"

#include <math.h>

#include "text.h"

#define BAR_W 640
#define BAR_LABEL_W 170
#define BAR_H 22
#define LINE_W 640
#define LINE_H 260
#define LINE_PAD 40

static const char *const PALETTE[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                      "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
#define NPALETTE (sizeof PALETTE / sizeof PALETTE[0])

static double largest(const report_bar *bars, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isnan(bars[i].value) && bars[i].value > m)
            m = bars[i].value;
        if (!isnan(bars[i].second) && bars[i].second > m)
            m = bars[i].second;
    }
    return m > 0 ? m : 1;
}

static void bar_row(FILE *f, const report_bar *b, size_t i, double max, const char *value_fmt)
{
    double y = 30 + (double)i * (BAR_H + 8), span = BAR_W - BAR_LABEL_W - 60;
    fprintf(f, "<text x=\"%d\" y=\"%.0f\" text-anchor=\"end\" font-size=\"12\">", BAR_LABEL_W - 6, y + 15);
    text_html_escape(f, b->label);
    fputs("</text>", f);
    if (isnan(b->value)) {
        fprintf(f, "<text x=\"%d\" y=\"%.0f\" font-size=\"12\">–</text>", BAR_LABEL_W + 4, y + 15);
    } else {
        double w = span * b->value / max;
        fprintf(f, "<rect class=\"bar\" x=\"%d\" y=\"%.0f\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>",
                BAR_LABEL_W, y, w > 0 ? w : 0, BAR_H - 6, b->color ? b->color : PALETTE[0]);
        fprintf(f, "<text x=\"%.1f\" y=\"%.0f\" font-size=\"12\">", BAR_LABEL_W + (w > 0 ? w : 0) + 4, y + 13);
        fprintf(f, value_fmt, b->value);
        fputs("</text>", f);
    }
    if (!isnan(b->second))
        fprintf(f, "<rect x=\"%d\" y=\"%.0f\" width=\"%.1f\" height=\"4\" fill=\"#999\"/>", BAR_LABEL_W,
                y + BAR_H - 5, span * (b->second > 0 ? b->second : 0) / max);
}

void report_svg_bars(FILE *f, const char *title, const report_bar *bars, size_t n, double max,
                     const char *value_fmt)
{
    if (max <= 0)
        max = largest(bars, n);
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"%d\" height=\"%zu\""
               " viewBox=\"0 0 %d %zu\" role=\"img\"><title>",
            BAR_W, 40 + n * (BAR_H + 8), BAR_W, 40 + n * (BAR_H + 8));
    text_html_escape(f, title);
    fputs("</title><text x=\"4\" y=\"16\" font-size=\"14\" font-weight=\"bold\">", f);
    text_html_escape(f, title);
    fputs("</text>", f);
    for (size_t i = 0; i < n; i++)
        bar_row(f, &bars[i], i, max, value_fmt);
    fputs("</svg>\n", f);
}

static double x_at(size_t i, size_t nx)
{
    return LINE_PAD + (nx > 1 ? (double)i * (LINE_W - 2 * LINE_PAD - 120) / (double)(nx - 1) : 0);
}

static double y_at(double v)
{
    return LINE_H - LINE_PAD - v * (LINE_H - 2 * LINE_PAD) / 100;
}

static void line_axes(FILE *f, const char *const *xlabels, size_t nx)
{
    for (int v = 0; v <= 100; v += 25)
        fprintf(f, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                   "<text x=\"%d\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\">%d</text>",
                LINE_PAD, LINE_W - 120 - LINE_PAD, y_at(v), y_at(v), LINE_PAD - 4, y_at(v) + 3, v);
    for (size_t i = 0; i < nx; i++) {
        fprintf(f, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">", x_at(i, nx),
                LINE_H - LINE_PAD + 14);
        text_html_escape(f, xlabels[i]);
        fputs("</text>", f);
    }
}

static void line_series(FILE *f, const report_series *s, size_t k, size_t nx)
{
    const char *color = PALETTE[k % NPALETTE];
    int pen_down = 0;
    fprintf(f, "<path class=\"series\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" d=\"", color);
    for (size_t i = 0; i < nx; i++) {
        if (isnan(s->values[i])) {
            pen_down = 0;
            continue;
        }
        fprintf(f, "%c%.1f %.1f ", pen_down ? 'L' : 'M', x_at(i, nx), y_at(s->values[i]));
        pen_down = 1;
    }
    fputs("\"/>", f);
    for (size_t i = 0; i < nx; i++)     /* a point alone (a week between gaps) still shows */
        if (!isnan(s->values[i]))
            fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>", x_at(i, nx),
                    y_at(s->values[i]), color);
    double ly = 30 + (double)k * 16;
    fprintf(f, "<rect x=\"%d\" y=\"%.0f\" width=\"10\" height=\"10\" fill=\"%s\"/>"
               "<text x=\"%d\" y=\"%.0f\" font-size=\"11\">",
            LINE_W - 110, ly, color, LINE_W - 96, ly + 9);
    text_html_escape(f, s->name);
    fputs("</text>", f);
}

void report_svg_lines(FILE *f, const char *title, const char *const *xlabels, size_t nx,
                      const report_series *series, size_t ns)
{
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"%d\" height=\"%d\""
               " viewBox=\"0 0 %d %d\" role=\"img\"><title>",
            LINE_W, LINE_H, LINE_W, LINE_H);
    text_html_escape(f, title);
    fputs("</title><text x=\"4\" y=\"16\" font-size=\"14\" font-weight=\"bold\">", f);
    text_html_escape(f, title);
    fputs("</text>", f);
    line_axes(f, xlabels, nx);
    for (size_t k = 0; k < ns; k++)
        line_series(f, &series[k], k, nx);
    fputs("</svg>\n", f);
}
