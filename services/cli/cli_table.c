/* cli_table.c — aligned text tables by terminal display width, the tool's own
 * and a service's (see cli_table.h).
 *
 * Widths follow Unicode's East Asian Width property for the ranges a hotline's
 * text contains (CJK ideographs and punctuation, Hangul, kana, full-width
 * forms, common emoji), as wcwidth() does, but without depending on the
 * process's locale.
 */
#include "cli_table.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "view.h"

typedef struct {
    uint32_t lo, hi;
} cp_range;

static const cp_range WIDE[] = {
    {0x1100, 0x115F},   {0x2E80, 0x303E},   {0x3041, 0x33FF},   {0x3400, 0x4DBF},
    {0x4E00, 0x9FFF},   {0xA000, 0xA4CF},   {0xA960, 0xA97F},   {0xAC00, 0xD7A3},
    {0xF900, 0xFAFF},   {0xFE10, 0xFE19},   {0xFE30, 0xFE6F},   {0xFF00, 0xFF60},
    {0xFFE0, 0xFFE6},   {0x1F300, 0x1F64F}, {0x1F900, 0x1F9FF}, {0x20000, 0x2FFFD},
    {0x30000, 0x3FFFD},
};

static const cp_range ZERO[] = {
    {0x0300, 0x036F}, {0x200B, 0x200F}, {0x2028, 0x202E}, {0x2060, 0x2064},
    {0x20D0, 0x20FF}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF},
};

static int in_ranges(uint32_t cp, const cp_range *r, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (cp >= r[i].lo && cp <= r[i].hi)
            return 1;
    return 0;
}

/* Decodes one UTF-8 sequence at s; returns its length, or 0 when invalid. */
static size_t decode(const unsigned char *s, uint32_t *cp)
{
    size_t len = s[0] < 0x80 ? 1 : (s[0] & 0xE0) == 0xC0 ? 2 : (s[0] & 0xF0) == 0xE0 ? 3
               : (s[0] & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0)
        return 0;
    uint32_t c = len == 1 ? s[0] : s[0] & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = c << 6 | (s[i] & 0x3F);
    }
    *cp = c;
    return len;
}

size_t cli_table_width(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t w = 0;
    while (*p) {
        uint32_t cp;
        size_t len = decode(p, &cp);
        if (len == 0) {
            w++;
            p++;
            continue;
        }
        p += len;
        if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || in_ranges(cp, ZERO, sizeof ZERO / sizeof ZERO[0]))
            continue;
        w += in_ranges(cp, WIDE, sizeof WIDE / sizeof WIDE[0]) ? 2 : 1;
    }
    return w;
}

void cli_table_pad(FILE *out, const char *s, size_t width, int right)
{
    size_t w = cli_table_width(s);
    size_t fill = w < width ? width - w : 0;
    if (right)
        fprintf(out, "%*s%s", (int)fill, "", s);
    else
        fprintf(out, "%s%*s", s, (int)fill, "");
}

struct cli_table {
    size_t   ncols;
    char    *align;
    char  ***rows;          /* rows[i] == NULL is a rule */
    size_t   nrows, cap;
};

cli_table *cli_table_new(size_t ncols, const char *align)
{
    if (strlen(align) != ncols)
        return NULL;
    cli_table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->ncols = ncols;
    t->align = strdup(align);
    if (!t->align) {
        free(t);
        return NULL;
    }
    return t;
}

static int append(cli_table *self, char **row)
{
    if (self->nrows == self->cap) {
        size_t cap = self->cap ? self->cap * 2 : 16;
        char ***p = realloc(self->rows, cap * sizeof *p);
        if (!p)
            return -1;
        self->rows = p;
        self->cap = cap;
    }
    self->rows[self->nrows++] = row;
    return 0;
}

static void free_row(char **row, size_t ncols)
{
    if (!row)
        return;
    for (size_t c = 0; c < ncols; c++)
        free(row[c]);
    free(row);
}

int cli_table_add(cli_table *self, const char *const *cells)
{
    char **row = calloc(self->ncols, sizeof *row);
    if (!row)
        return -1;
    for (size_t c = 0; c < self->ncols; c++) {
        if (!(row[c] = strdup(cells[c] ? cells[c] : ""))) {
            free_row(row, self->ncols);
            return -1;
        }
    }
    if (append(self, row) < 0) {
        free_row(row, self->ncols);
        return -1;
    }
    return 0;
}

int cli_table_add_rule(cli_table *self)
{
    return append(self, NULL);
}

/* Writes one row padded to the column widths, without trailing blanks. */
static void print_row(const cli_table *self, char **row, const size_t *widths, FILE *out)
{
    char *line = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&line, &len);
    if (!mem)
        return;
    for (size_t c = 0; c < self->ncols; c++) {
        if (c > 0)
            fputs("  ", mem);
        if (row)
            cli_table_pad(mem, row[c], widths[c], self->align[c] == 'r');
        else
            for (size_t i = 0; i < widths[c]; i++)
                fputc('-', mem);
    }
    if (fclose(mem) == 0) {
        while (len > 0 && line[len - 1] == ' ')
            len--;
        fprintf(out, "%.*s\n", (int)len, line);
    }
    free(line);
}

void cli_table_print(const cli_table *self, FILE *out)
{
    size_t *widths = calloc(self->ncols ? self->ncols : 1, sizeof *widths);
    if (!widths)
        return;
    for (size_t r = 0; r < self->nrows; r++)
        for (size_t c = 0; self->rows[r] && c < self->ncols; c++) {
            size_t w = cli_table_width(self->rows[r][c]);
            if (w > widths[c])
                widths[c] = w;
        }
    for (size_t r = 0; r < self->nrows; r++)
        print_row(self, self->rows[r], widths, out);
    free(widths);
}

void cli_table_destroy(cli_table **self)
{
    if (!self || !*self)
        return;
    for (size_t r = 0; r < (*self)->nrows; r++)
        free_row((*self)->rows[r], (*self)->ncols);
    free((*self)->rows);
    free((*self)->align);
    free(*self);
    *self = NULL;
}

/* Prints a one-record table as "column  value" lines. */
static void print_fields(const Jiesu__Table *t, FILE *out)
{
    size_t width = 0;
    for (size_t c = 0; c < t->n_columns; c++)
        if (cli_table_width(t->columns[c]) > width)
            width = cli_table_width(t->columns[c]);
    for (size_t r = 0; r < t->n_rows; r++)
        for (size_t c = 0; c < t->n_columns && c < t->rows[r]->n_cells; c++) {
            cli_table_pad(out, t->columns[c], width + 2, 0);
            fprintf(out, "%s\n", view_value(t->rows[r]->cells[c]));
        }
}

/* Appends a service's row, each cell as a person reads it (view_value). 0 or -1. */
static int add_reply_row(cli_table *table, const Jiesu__Row *row)
{
    const char **cells = malloc((row->n_cells ? row->n_cells : 1) * sizeof *cells);
    if (!cells)
        return -1;
    for (size_t c = 0; c < row->n_cells; c++)
        cells[c] = view_value(row->cells[c]);
    int rc = cli_table_add(table, cells);
    free(cells);
    return rc;
}

int cli_table_print_reply(const Jiesu__Table *t, int titled, FILE *out)
{
    if (titled)
        fprintf(out, "\n%s：\n", t->title);
    if (t->fields) {
        print_fields(t, out);
        return 0;
    }
    if (t->n_rows == 0) {
        fprintf(out, "  （无）\n");
        return 0;
    }
    cli_table *table = cli_table_new(t->n_columns, t->align);
    int ok = table && cli_table_add(table, (const char *const *)t->columns) == 0;
    for (size_t r = 0; ok && r < t->n_rows; r++)
        ok = t->rows[r]->n_cells == t->n_columns && add_reply_row(table, t->rows[r]) == 0;
    if (ok)
        cli_table_print(table, out);
    cli_table_destroy(&table);
    return ok ? 0 : -1;
}
