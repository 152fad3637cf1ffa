/* route_due.c — reading the new 办结 deadline of an extension request (see
 * route_due.h). A small scanner over the normalised text: a date of three
 * numbers and its separators, then, optionally, a time.
 */
#include "route_due.h"

#include <stdio.h>
#include <string.h>

#include "civil.h"
#include "text.h"

#define TYPED_MAX 64        /* bytes of a deadline as typed, at most */

/* Reads 1 to maxd digits at *p into *v, moving *p past them. 0 or -1. */
static int number(const char **p, int maxd, int *v)
{
    int n = 0;
    *v = 0;
    while (n < maxd && **p >= '0' && **p <= '9') {
        *v = *v * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    return n ? 0 : -1;
}

/* Moves *p past word when it starts there. 1 if it did. */
static int skip(const char **p, const char *word)
{
    size_t n = strlen(word);
    if (strncmp(*p, word, n) != 0)
        return 0;
    *p += n;
    return 1;
}

/* The date at *p: YYYY-MM-DD, YYYY/MM/DD or YYYY年MM月DD日. 0, or -1. */
static int date_at(const char **p, int *y, int *m, int *d, int *chinese)
{
    if (number(p, 4, y) != 0 || *y < 1000)
        return -1;
    const char *sep = **p == '-' ? "-" : **p == '/' ? "/" : "年";
    *chinese = strcmp(sep, "年") == 0;
    if (!skip(p, sep) || number(p, 2, m) != 0 || !skip(p, *chinese ? "月" : sep) || number(p, 2, d) != 0)
        return -1;
    if (*chinese && !skip(p, "日"))
        skip(p, "号");  /* 12月20号, as it is said */
    long z = civil_days(*y, *m, *d);
    int yy, mm, dd;
    civil_date(z, &yy, &mm, &dd);
    return *m >= 1 && *m <= 12 && *d >= 1 && yy == *y && mm == *m && dd == *d ? 0 : -1;
}

/* The time at *p: H:MM or H:MM:SS, each part in range. 0, or -1. */
static int time_at(const char **p, int *h, int *mi, int *s)
{
    *s = 0;
    if (number(p, 2, h) != 0 || !skip(p, ":") || number(p, 2, mi) != 0)
        return -1;
    if (skip(p, ":") && number(p, 2, s) != 0)
        return -1;
    return *h <= 23 && *mi <= 59 && *s <= 59 ? 0 : -1;
}

int route_due_parse(const char *typed, const char *day_end, char out[ROUTE_DUE_TEXT], char *err, size_t errlen)
{
    char text[TYPED_MAX * 2], shown[TYPED_MAX + 8];
    int y, m, d, h = 0, mi = 0, s = 0, chinese = 0;
    size_t len = strlen(typed);
    if (len == 0) {
        snprintf(err, errlen, "没有写新的办结时限：请%s", ROUTE_DUE_FORMS);
        return -1;
    }
    const char *p = text;
    int ok = len <= TYPED_MAX && text_normalize(text, sizeof text, typed, len) != (size_t)-1 &&
             date_at(&p, &y, &m, &d, &chinese) == 0;
    if (ok && *p == '\0') {
        const char *e = day_end;
        ok = time_at(&e, &h, &mi, &s) == 0 && *e == '\0';
    } else if (ok) {
        int sep = skip(&p, " ") || skip(&p, "T") || chinese;
        ok = sep && time_at(&p, &h, &mi, &s) == 0 && *p == '\0';
    }
    if (!ok) {
        snprintf(err, errlen, "看不懂新的办结时限“%s”：请%s", text_quote(shown, sizeof shown, typed), ROUTE_DUE_FORMS);
        return -1;
    }
    char full[64];      /* each part checked in range above: 19 characters */
    snprintf(full, sizeof full, "%04d-%02d-%02d %02d:%02d:%02d", y, m, d, h, mi, s);
    snprintf(out, ROUTE_DUE_TEXT, "%.19s", full);
    return 0;
}
