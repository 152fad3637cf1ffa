/* intake_json.c — JSON text into a caller's buffer (see intake_json.h). */
#include "intake_json.h"

#include <string.h>

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
    static const char hex[] = "0123456789abcdef";
    intake_json_char(dst, cap, n, '"');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            intake_json_char(dst, cap, n, '\\');
            intake_json_char(dst, cap, n, (char)c);
        } else if (c < 0x20) {
            const char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            for (size_t j = 0; j < sizeof esc; j++)
                intake_json_char(dst, cap, n, esc[j]);
        } else {
            intake_json_char(dst, cap, n, (char)c);
        }
    }
    intake_json_char(dst, cap, n, '"');
}

void intake_json_end(char *dst, size_t cap, size_t n)
{
    if (cap > 0)
        dst[n < cap ? n : cap - 1] = '\0';
}
