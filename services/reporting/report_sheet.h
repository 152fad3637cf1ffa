/* report_sheet.h — the bulletin's tables as rows of cells, defined once for
 * every tabular output (CSV files, XLSX sheets): the ranking, the overdue and
 * escalated orders, and the hot spots.
 *
 * Text cells are already neutralised for spreadsheets (a leading = + - @
 * gets a "'" prefix, see text_defuse_formula); numeric cells are numbers.
 * Nothing allocates.
 */
#ifndef JIESU_REPORT_SHEET_H
#define JIESU_REPORT_SHEET_H

#include <stddef.h>

#include "report_bulletin.h"

#define REPORT_SHEET_MAX_COLS 24

typedef struct {
    int    is_num;      /* 1: num (NAN = empty cell); 0: text */
    double num;
    int    decimals;    /* of num, as the page prints it: a workbook shows 96.70, not 96.7 */
    char   text[192];
} report_cell;

typedef struct {
    const char *name;                       /* file suffix / sheet name: "ranking", "orders", "hotspots" */
    const char *title;                      /* 排名, 超期及告警工单, 热点 */
    int codes;                              /* the column of unit codes, for programs (the CSV)
                                             * and not for people (the workbook); -1: none */
    const char *const *head;                /* the headings of the first nhead columns */
    size_t nhead;
    size_t more;                            /* columns after those, named by header() */
    /* Names column col that head leaves to it (one past nhead, or NULL in
     * head); NULL when head names every column. */
    void (*header)(const report_bulletin *b, size_t col, report_cell *cell);
    size_t (*nrows)(const report_bulletin *b);
    /* Fills the cells of row i; returns the row's flag ('R', 'Y' or 0). */
    char (*row)(const report_bulletin *b, size_t i, report_cell *cells);
} report_sheet;

/* The sheet's columns, and the heading of column col into cell. */
size_t report_sheet_ncols(const report_sheet *sh);
void report_sheet_header(const report_sheet *sh, const report_bulletin *b, size_t col, report_cell *cell);

extern const report_sheet REPORT_SHEETS[];
extern const size_t REPORT_NSHEETS;


#endif
