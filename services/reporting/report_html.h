/* report_html.h — HTML pages of the reports: the printable weekly bulletin and
 * the dashboard. Self-contained pages (inline CSS and SVG, no external
 * assets; the dashboard's only script is the wall board's), written into a FILE.
 */
#ifndef JIESU_REPORT_HTML_H
#define JIESU_REPORT_HTML_H

#include <stdio.h>

#include "holidays.h"
#include "report_bulletin.h"

/* The style sheet of the bulletin's and the dashboard's pages, as they
 * carry it (web_policy.c allows it by its SHA-256). */
const char *report_html_style(void);

/* The printable bulletin: bar (HTML: who is signed in, on the web; NULL in
 * the files) at the top, rankings by composite and by each rate with the
 * week-on-week change and flags, charts, overdue and escalated orders by
 * unit, hot spots. */
void report_html_bulletin(FILE *f, const report_bulletin *b, const char *bar);

/* The dashboard: bar (HTML: who is signed in, or NULL) at the top, a
 * warning when the official holiday calendar runs out (gap; NULL: none),
 * board (HTML: the wall board's frame and script, web_board.h; or NULL), the
 * ranking table of b's week, the composite trend of the streets over
 * weeks[0..nweeks) (oldest first), and the category chart; the links to its
 * data, the city's live counters among them when live (the reader may read them). */
void report_html_dashboard(FILE *f, const report_bulletin *b, const report_table *const *weeks, size_t nweeks,
                           const holidays_gap *gap, const char *bar, const char *board, int live);

#endif
