/* intake_draft.c — a first import profile from a file's header (see intake_draft.h). */
#include "intake_draft.h"

#include <stdlib.h>
#include <string.h>

#include "import_client.h"
#include "intake_dates.h"
#include "intake_profile.h"
#include "text.h"

/* The fields in the order they are written; the category before the
 * content, which takes its column when no other looks like a complaint's
 * text (311 exports: the request's type, SR_TYPE, is what was asked). */
static const intake_field ORDER[] = {COL_TICKET_NO, COL_CALLED_AT, COL_CATEGORY,    COL_CONTENT,      COL_ADDRESS,
                                     COL_LAT,       COL_LON,       COL_CALLER_NAME, COL_CALLER_PHONE, COL_URGENCY};

/* A draft being written. */
typedef struct {
    const intake_columns *map;
    unsigned char *taken;       /* the columns a field took */
    int            category;    /* the column the category took, or -1 */
    char          *out;
    size_t         outlen, n;
} draft;

/* Header h as a profile writes it: in double quotes when it holds what
 * separates columns there ('|', '+') or starts a comment ('#'). */
static void put_header(draft *d, const char *h)
{
    int quote = strpbrk(h, "|+#") != NULL;
    text_appendf(d->out, d->outlen, &d->n, quote ? "\"%s\"" : "%s", h);
}

/* 1 for a field of the caller, guessed at by no word of a header (LA's
 * StreetName is no caller's name, MobileOS no phone), and urgency. */
static int personal(intake_field f)
{
    return f == COL_CALLER_NAME || f == COL_CALLER_PHONE || f == COL_URGENCY;
}

/* The line of field f: the closest profile's columns for it, else (not a
 * caller's field) the one that looks most like it and no other field took
 * (the content: else the category's), else (a required field) what to write. */
static void put_field(draft *d, intake_field f)
{
    const char *name = intake_columns_field_name(f), *title = intake_columns_field_title(f);
    const int *cols;
    size_t k = intake_columns_alternatives(d->map, f) ? intake_columns_of(d->map, f, 0, &cols) : 0;
    int like = k || personal(f) ? -1 : intake_columns_likeliest(d->map, f, d->taken);
    if (!k && like < 0 && f == COL_CONTENT)
        like = d->category;
    if (!k && like < 0) {
        if (f == COL_TICKET_NO || f == COL_CALLED_AT || f == COL_CONTENT)
            text_appendf(d->out, d->outlen, &d->n, "# 改：%s = 放%s的列（表头里没有像的列）%s\n", name, title,
                         f == COL_TICKET_NO ? "；文件里没有工单编号就导入不了" : "");
        return;
    }
    text_appendf(d->out, d->outlen, &d->n, "%s = ", name);
    for (size_t i = 0; i < k; i++) {
        text_appendf(d->out, d->outlen, &d->n, "%s", i ? " + " : "");
        put_header(d, intake_columns_header(d->map, (size_t)cols[i]));
        d->taken[cols[i]] = 1;
    }
    if (like >= 0) {
        put_header(d, intake_columns_header(d->map, (size_t)like));
        text_appendf(d->out, d->outlen, &d->n, "  # 最像%s的列；不对就改", title);
        d->taken[like] = 1;
    }
    if (f == COL_CATEGORY)
        d->category = k ? cols[0] : like;
    text_appendf(d->out, d->outlen, &d->n, "\n");
}

int intake_draft_write(const intake_columns *map, char *out, size_t outlen)
{
    const intake_profile *p = intake_columns_profile(map);
    draft d = {map, calloc(intake_columns_count(map) + 1, 1), -1, out, outlen, 0};
    if (!d.taken)
        return -1;
    char dates[60];
    intake_date_formats_text(p->dates, DATES_AS_NAMES, dates, sizeof dates);
    out[0] = '\0';
    text_appendf(out, outlen, &d.n,
                 IMPORT_CLIENT_DRAFT_HEAD "：照文件的表头写成；标了“改”的行要改好，其余各行也核对一遍\n"
                 "timezone = %s  # 改：文件里的时间是哪里的钟点（IANA 时区名，如 America/Chicago；12345 热线是 Asia/Shanghai）\n"
                 "dates = %s  # 改：文件里时间的写法（ymd 2022-05-01，mdy 05/01/2022 月/日/年，dmy 日/月/年，cn 2022年5月1日，"
                 "excel 日期数值，epoch Unix 时间戳）\n", p->timezone, dates);
    for (size_t i = 0; i < sizeof ORDER / sizeof ORDER[0]; i++)
        put_field(&d, ORDER[i]);
    text_appendf(out, outlen, &d.n, "# 其余的列照样存进附加信息（extra），导入时列出；写一行 extra = 列名 | 列名 就不再提醒");
    text_utf8_cut(out);
    free(d.taken);
    return 0;
}
