/* sqlarr.c — PostgreSQL array literals (see sqlarr.h). */
#include "sqlarr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int reserve(sqlarr *a, size_t more)
{
    if (a->len + more + 3 <= a->cap)
        return 0;
    size_t cap = (a->len + more + 3) * 2;
    char *s = realloc(a->s, cap);
    if (!s)
        return -1;
    a->s = s;
    a->cap = cap;
    return 0;
}

/* Writes the separator ('{' first, ',' after). */
static void separate(sqlarr *a)
{
    a->s[a->len++] = a->n++ ? ',' : '{';
}

int sqlarr_add(sqlarr *a, const char *v)
{
    size_t len = strlen(v);
    if (reserve(a, len) != 0)
        return -1;
    separate(a);
    memcpy(a->s + a->len, v, len);
    a->len += len;
    return 0;
}

int sqlarr_add_text(sqlarr *a, const char *v)
{
    if (!v)
        return sqlarr_add(a, "NULL");
    if (reserve(a, 2 * strlen(v) + 2) != 0)
        return -1;
    separate(a);
    a->s[a->len++] = '"';
    for (; *v; v++) {
        if (*v == '"' || *v == '\\')
            a->s[a->len++] = '\\';
        a->s[a->len++] = *v;
    }
    a->s[a->len++] = '"';
    return 0;
}

int sqlarr_add_ms(sqlarr *a, int64_t ms)
{
    char num[24];
    snprintf(num, sizeof num, "%lld", (long long)ms);
    return sqlarr_add(a, num);
}

const char *sqlarr_text(sqlarr *a)
{
    if (reserve(a, 0) != 0)
        return NULL;
    if (!a->n) {
        strcpy(a->s, "{}");
        return a->s;
    }
    a->s[a->len] = '}';
    a->s[a->len + 1] = '\0';
    return a->s;
}

void sqlarr_reset(sqlarr *a)
{
    a->len = a->n = 0;
}

void sqlarr_free(sqlarr *a)
{
    free(a->s);
    memset(a, 0, sizeof *a);
}
