/* report_files.c — the bulletin as CSV, XLSX and HTML files (see report_files.h).
 *
 * Each file is written under a temporary name and renamed into place, so a
 * reader never sees half a bulletin.
 */
#include "report_files.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <xlsxwriter.h>

#include "report_html.h"
#include "report_sheet.h"

#define FLAG_RED_BG 0xFFC7CE
#define FLAG_YELLOW_BG 0xFFEB9C

static void csv_cell(FILE *f, const report_cell *c)
{
    if (c->is_num) {
        if (!isnan(c->num))
            fprintf(f, "%.10g", c->num);
        return;
    }
    fputc('"', f);
    for (const char *p = c->text; *p; p++) {
        if (*p == '"')
            fputc('"', f);
        fputc(*p, f);
    }
    fputc('"', f);
}

static void csv_line(FILE *f, const report_cell *cells, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputc(',', f);
        csv_cell(f, &cells[i]);
    }
    fputs("\r\n", f);
}

static void write_csv(FILE *f, const report_bulletin *b, const report_sheet *sh)
{
    report_cell cells[REPORT_SHEET_MAX_COLS];
    size_t n = sh->ncols();
    fputs("\xEF\xBB\xBF", f);       /* so Excel reads the file as UTF-8 */
    for (size_t c = 0; c < n; c++)
        sh->header(c, &cells[c]);
    csv_line(f, cells, n);
    for (size_t r = 0; r < sh->nrows(b); r++) {
        sh->row(b, r, cells);
        csv_line(f, cells, n);
    }
}

/* Opens path.tmp for writing; commit_file() renames it over path. */
static FILE *open_tmp(const char *path, char *err, size_t errlen)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    if (!f)
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
    return f;
}

static int commit_file(FILE *f, const char *path, char *err, size_t errlen)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad || rename(tmp, path) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno ? errno : EIO));
        remove(tmp);
        return -1;
    }
    return 0;
}

static int write_csvs(const report_bulletin *b, const char *dir, int *written, char *err, size_t errlen)
{
    char path[4096];
    for (size_t i = 0; i < REPORT_NSHEETS; i++) {
        snprintf(path, sizeof path, "%s/bulletin-%s-%s.csv", dir, b->cur->period.label, REPORT_SHEETS[i].name);
        FILE *f = open_tmp(path, err, errlen);
        if (!f)
            return -1;
        write_csv(f, b, &REPORT_SHEETS[i]);
        if (commit_file(f, path, err, errlen) < 0)
            return -1;
        (*written)++;
    }
    return 0;
}

typedef struct {
    lxw_format *head, *red, *yellow, *plain;
} xlsx_formats;

static void xlsx_cell(lxw_worksheet *ws, size_t r, size_t c, const report_cell *cell, lxw_format *fmt)
{
    if (!cell->is_num)
        worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)c, cell->text, fmt);
    else if (isnan(cell->num))
        worksheet_write_blank(ws, (lxw_row_t)r, (lxw_col_t)c, fmt);
    else
        worksheet_write_number(ws, (lxw_row_t)r, (lxw_col_t)c, cell->num, fmt);
}

static void xlsx_sheet(lxw_workbook *wb, const xlsx_formats *fm, const report_bulletin *b, const report_sheet *sh)
{
    report_cell cells[REPORT_SHEET_MAX_COLS];
    lxw_worksheet *ws = workbook_add_worksheet(wb, sh->title);
    size_t n = sh->ncols();
    for (size_t c = 0; c < n; c++) {
        sh->header(c, &cells[c]);
        xlsx_cell(ws, 0, c, &cells[c], fm->head);
    }
    worksheet_set_column(ws, 0, (lxw_col_t)(n - 1), 12, NULL);
    worksheet_freeze_panes(ws, 1, 0);
    for (size_t r = 0; r < sh->nrows(b); r++) {
        char flag = sh->row(b, r, cells);
        lxw_format *fmt = flag == 'R' ? fm->red : flag == 'Y' ? fm->yellow : fm->plain;
        for (size_t c = 0; c < n; c++)
            xlsx_cell(ws, r + 1, c, &cells[c], fmt);
    }
}

static lxw_format *bg_format(lxw_workbook *wb, int color)
{
    lxw_format *f = workbook_add_format(wb);
    if (color >= 0)
        format_set_bg_color(f, (lxw_color_t)color);
    return f;
}

static int write_xlsx(const report_bulletin *b, const char *dir, int *written, char *err, size_t errlen)
{
    char path[4096], tmp[4200];
    snprintf(path, sizeof path, "%s/bulletin-%s.xlsx", dir, b->cur->period.label);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    lxw_workbook *wb = workbook_new(tmp);
    if (!wb) {
        snprintf(err, errlen, "%s: cannot create the workbook", tmp);
        return -1;
    }
    xlsx_formats fm = {bg_format(wb, -1), bg_format(wb, FLAG_RED_BG), bg_format(wb, FLAG_YELLOW_BG), NULL};
    format_set_bold(fm.head);
    for (size_t i = 0; i < REPORT_NSHEETS; i++)
        xlsx_sheet(wb, &fm, b, &REPORT_SHEETS[i]);
    lxw_error rc = workbook_close(wb);
    if (rc != LXW_NO_ERROR || rename(tmp, path) != 0) {
        snprintf(err, errlen, "%s: %s", path, rc != LXW_NO_ERROR ? lxw_strerror(rc) : strerror(errno));
        remove(tmp);
        return -1;
    }
    (*written)++;
    return 0;
}

static int write_html(const report_bulletin *b, const char *dir, int *written, char *err, size_t errlen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/bulletin-%s.html", dir, b->cur->period.label);
    FILE *f = open_tmp(path, err, errlen);
    if (!f)
        return -1;
    report_html_bulletin(f, b, NULL);
    if (commit_file(f, path, err, errlen) < 0)
        return -1;
    (*written)++;
    return 0;
}

int report_files_write(const report_bulletin *b, const char *dir, int *written, char *err, size_t errlen)
{
    *written = 0;
    if (write_csvs(b, dir, written, err, errlen) < 0 || write_xlsx(b, dir, written, err, errlen) < 0 ||
        write_html(b, dir, written, err, errlen) < 0)
        return -1;
    return 0;
}
