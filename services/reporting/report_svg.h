/* report_svg.h — small inline SVG charts for the printable bulletin and the
 * dashboard: horizontal bars and lines. Written straight into a FILE (a file
 * or an open_memstream buffer); no external assets, no script.
 */
#ifndef JIESU_REPORT_SVG_H
#define JIESU_REPORT_SVG_H

#include <stdio.h>

typedef struct {
    const char *label;
    double      value;      /* NAN: drawn as "–" with no bar */
    double      second;     /* a thinner bar under it (last week), NAN for none */
    const char *color;      /* "#c0392b", or NULL for the default */
} report_bar;

/* Horizontal bars, one per item, scaled to max (0: the largest value).
 * value_fmt formats each value ("%.1f", "%.0f"). */
void report_svg_bars(FILE *f, const char *title, const report_bar *bars, size_t n, double max,
                     const char *value_fmt);

typedef struct {
    const char   *name;
    const double *values;   /* one per x label; NAN leaves a gap */
} report_series;

/* Lines over the x labels (weeks), y from 0 to 100, with a legend. */
void report_svg_lines(FILE *f, const char *title, const char *const *xlabels, size_t nx,
                      const report_series *series, size_t ns);

#endif
