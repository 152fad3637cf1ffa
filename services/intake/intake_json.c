/* intake_json.c — JSON text into a caller's buffer (see intake_json.h). */
#include "intake_json.h"

#include <string.h>

#include "json.h"

void intake_json_char(char *dst, size_t cap, size_t *n, char c)
{
    if (*n + 1 < cap)
        dst[*n] = c;
    (*n)++;
}

void intake_json_raw(char *dst, size_t cap, size_t *n, const char *s)
{
    for (; *s; s++)
        intake_json_char(dst, cap, n, *s);
}

void intake_json_string(char *dst, size_t cap, size_t *n, const char *s, size_t len)
{
    char esc[JSON_ESCAPE_MAX];
    intake_json_char(dst, cap, n, '"');
    for (size_t i = 0; i < len; i++)
        intake_json_raw(dst, cap, n, json_escape_byte((unsigned char)s[i], esc));
    intake_json_char(dst, cap, n, '"');
}

void intake_json_end(char *dst, size_t cap, size_t n)
{
    if (cap > 0)
        dst[n < cap ? n : cap - 1] = '\0';
}
