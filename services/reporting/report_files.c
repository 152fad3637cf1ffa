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
    size_t n = report_sheet_ncols(sh);
    fputs("\xEF\xBB\xBF", f);       /* so Excel reads the file as UTF-8 */
    for (size_t c = 0; c < n; c++)
        report_sheet_header(sh, b, c, &cells[c]);
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

/* The workbook's formats: the header, the title, and a cell's by its row's
 * flag (none, red, yellow) and its number's decimals (0, 1, 2). */
typedef struct {
    lxw_format *head, *title, *cell[3][3];
} xlsx_formats;

#define XLSX_TITLE_ROW 0
#define XLSX_HEAD_ROW 1
#define XLSX_MAX_WIDTH 40   /* no column wider: a longer place shows its start, the cell holds it whole */

static lxw_format *cell_format(const xlsx_formats *fm, char flag, const report_cell *cell)
{
    int decimals = cell->is_num && cell->decimals > 0 && cell->decimals < 3 ? cell->decimals : 0;
    return fm->cell[flag == 'R' ? 1 : flag == 'Y' ? 2 : 0][decimals];
}

static void xlsx_cell(lxw_worksheet *ws, size_t r, size_t c, const report_cell *cell, lxw_format *fmt)
{
    if (!cell->is_num)
        worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)c, cell->text, fmt);
    else if (isnan(cell->num))
        worksheet_write_blank(ws, (lxw_row_t)r, (lxw_col_t)c, fmt);
    else
        worksheet_write_number(ws, (lxw_row_t)r, (lxw_col_t)c, cell->num, fmt);
}

/* How wide a cell reads, in Excel's character widths: a character of three
 * or four bytes in UTF-8 (Chinese) is two; a number as the format shows it. */
static double cell_width(const report_cell *cell)
{
    if (cell->is_num)
        return isnan(cell->num) ? 0 : snprintf(NULL, 0, "%.*f", cell->decimals, cell->num);
    double w = 0;
    for (const unsigned char *p = (const unsigned char *)cell->text; *p; p++)
        w += *p < 0x80 ? 1 : *p >= 0xE0 ? 2 : (*p & 0xC0) == 0xC0 ? 1 : 0;
    return w;
}

static void widen(double *width, const report_cell *cell)
{
    double w = cell_width(cell) + 2;
    if (w > *width)
        *width = w > XLSX_MAX_WIDTH ? XLSX_MAX_WIDTH : w;
}

/* The week the workbook is of, above its tables: the file is passed on and
 * opened apart from its name. */
static void xlsx_title(lxw_worksheet *ws, const xlsx_formats *fm, const report_bulletin *b)
{
    char week[32], title[256];
    const report_period *p = &b->cur->period;
    int n = snprintf(title, sizeof title, "接诉即办工作周通报 %s（统计周期 %s 至 %s",
                     report_period_name(p, week, sizeof week), p->from, p->last);
    if (b->days_begun < 7 && n > 0 && (size_t)n < sizeof title)
        n += snprintf(title + n, sizeof title - (size_t)n, "，本周至今：只含已过的 %d 天", b->days_begun);
    if (n > 0 && (size_t)n < sizeof title)
        snprintf(title + n, sizeof title - (size_t)n, "；生成时间 %s）", b->generated_at);
    worksheet_write_string(ws, XLSX_TITLE_ROW, 0, title, fm->title);
}

/* The sheet as the CSV has it, but for the column of unit codes, which is
 * for programs: a person reads the unit's name. */
static void xlsx_sheet(lxw_workbook *wb, const xlsx_formats *fm, const report_bulletin *b, const report_sheet *sh)
{
    report_cell cells[REPORT_SHEET_MAX_COLS];
    double width[REPORT_SHEET_MAX_COLS] = {0};
    lxw_worksheet *ws = workbook_add_worksheet(wb, sh->title);
    size_t n = report_sheet_ncols(sh);
    xlsx_title(ws, fm, b);
    for (size_t c = 0, x = 0; c < n; c++) {
        report_sheet_header(sh, b, c, &cells[c]);
        if ((int)c != sh->codes) {
            widen(&width[x], &cells[c]);
            xlsx_cell(ws, XLSX_HEAD_ROW, x++, &cells[c], fm->head);
        }
    }
    worksheet_freeze_panes(ws, XLSX_HEAD_ROW + 1, 0);
    for (size_t r = 0; r < sh->nrows(b); r++) {
        char flag = sh->row(b, r, cells);
        for (size_t c = 0, x = 0; c < n; c++) {
            if ((int)c == sh->codes)
                continue;
            widen(&width[x], &cells[c]);
            xlsx_cell(ws, XLSX_HEAD_ROW + 1 + r, x++, &cells[c], cell_format(fm, flag, &cells[c]));
        }
    }
    for (size_t x = 0; x + (sh->codes >= 0) < n; x++)
        worksheet_set_column(ws, (lxw_col_t)x, (lxw_col_t)x, width[x], NULL);
}

/* A new format of wb for a cell: its background (-1: none) and decimals shown. */
static lxw_format *add_cell_format(lxw_workbook *wb, int color, int decimals)
{
    static const char *const NUM[] = {"0", "0.0", "0.00"};
    lxw_format *f = workbook_add_format(wb);
    if (color >= 0)
        format_set_bg_color(f, (lxw_color_t)color);
    format_set_num_format(f, NUM[decimals]);
    return f;
}

static void xlsx_formats_add(lxw_workbook *wb, xlsx_formats *fm)
{
    static const int BG[3] = {-1, FLAG_RED_BG, FLAG_YELLOW_BG};
    fm->head = workbook_add_format(wb);
    format_set_bold(fm->head);
    format_set_text_wrap(fm->head);
    fm->title = workbook_add_format(wb);
    format_set_bold(fm->title);
    for (int flag = 0; flag < 3; flag++)
        for (int d = 0; d < 3; d++)
            fm->cell[flag][d] = add_cell_format(wb, BG[flag], d);
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
    xlsx_formats fm;
    xlsx_formats_add(wb, &fm);
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
