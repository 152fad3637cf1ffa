/* xlsx_styles.c — the date styles of a workbook (see xlsx_styles.h).
 *
 * Two small tables: the custom number formats that show dates (their ids),
 * and for each cell style, in order, whether its format does. A sheet asks
 * once a cell; neither table grows with the sheet.
 */
#include "xlsx_styles.h"

#include <stdlib.h>
#include <string.h>

struct xlsx_styles {
    long          *date_formats;    /* ids of the custom formats that show dates */
    size_t         nformats, cap_formats;
    unsigned char *style_date;      /* per <cellXfs> style: 1 when it shows dates */
    size_t         nstyles, cap_styles;
    int            in_cell_xfs;     /* inside <cellXfs> (not <cellStyleXfs>) */
};

xlsx_styles *xlsx_styles_new(void)
{
    return calloc(1, sizeof(xlsx_styles));
}

/* Makes *p (of *cap elements of size each) hold at least need. 0 or -1. */
static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap * 2 : 16;
    void *q = realloc(*p, n * size);
    if (!q)
        return -1;
    *p = q;
    *cap = n;
    return 0;
}

/* Excel's built-in number formats that show dates or times. */
static int builtin_is_date(long id)
{
    return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) || (id >= 50 && id <= 58);
}

int xlsx_styles_code_is_date(const char *code)
{
    for (const char *p = code; *p && *p != ';'; p++) {
        if (*p == '"') {                                    /* quoted text */
            const char *q = strchr(p + 1, '"');
            if (!q)
                return 0;
            p = q;
        } else if (*p == '\\' || *p == '_' || *p == '*') {  /* an escaped character, a space, a fill */
            if (!*++p)
                return 0;
        } else if (*p == '[') {                             /* [Red], [>100]; [h] [mm] [ss] are times */
            const char *q = strchr(p, ']');
            if (!q)
                return 0;
            if (q > p + 1 && strspn(p + 1, "hHmMsS") == (size_t)(q - p - 1))
                return 1;
            p = q;
        } else if (strchr("yYmMdDhHsS", *p)) {
            return 1;
        }
    }
    return 0;
}

/* A custom number format: its id kept when it shows dates. 0 or -1. */
static int add_format(xlsx_styles *self, long id, const char *code)
{
    if (!xlsx_styles_code_is_date(code))
        return 0;
    if (grow((void **)&self->date_formats, &self->cap_formats, self->nformats + 1, sizeof(long)) < 0)
        return -1;
    self->date_formats[self->nformats++] = id;
    return 0;
}

/* The next cell style, showing numbers in format numfmt_id. 0 or -1. */
static int add_style(xlsx_styles *self, long numfmt_id)
{
    int date = builtin_is_date(numfmt_id);
    for (size_t i = 0; i < self->nformats && !date; i++)
        date = self->date_formats[i] == numfmt_id;
    if (grow((void **)&self->style_date, &self->cap_styles, self->nstyles + 1, 1) < 0)
        return -1;
    self->style_date[self->nstyles++] = (unsigned char)date;
    return 0;
}

int xlsx_styles_start(xlsx_styles *self, const char *name, const char *numfmt_id, const char *format_code)
{
    long id = numfmt_id ? strtol(numfmt_id, NULL, 10) : 0;     /* 0: General */
    if (strcmp(name, "cellXfs") == 0)
        self->in_cell_xfs = 1;
    else if (strcmp(name, "numFmt") == 0 && numfmt_id && format_code)
        return add_format(self, id, format_code);
    else if (strcmp(name, "xf") == 0 && self->in_cell_xfs)
        return add_style(self, id);
    return 0;
}

void xlsx_styles_end(xlsx_styles *self, const char *name)
{
    if (strcmp(name, "cellXfs") == 0)
        self->in_cell_xfs = 0;
}

int xlsx_styles_is_date(const xlsx_styles *self, long xf)
{
    return self && xf >= 0 && (size_t)xf < self->nstyles && self->style_date[xf];
}

void xlsx_styles_destroy(xlsx_styles **self)
{
    if (!self || !*self)
        return;
    free((*self)->date_formats);
    free((*self)->style_date);
    free(*self);
    *self = NULL;
}
