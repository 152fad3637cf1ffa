/* text.c — UTF-8 validation, normalisation and masking of personal data (see text.h). */
#include "text.h"

#include <stdio.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    size_t len;
    unsigned cp, min;
    if (c >= 0xC2 && c <= 0xDF) { len = 2; cp = c & 0x1F; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; cp = c & 0x0F; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; cp = c & 0x07; min = 0x10000; }
    else return 0;
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

int text_utf8_valid(const char *s, size_t len, size_t *bad_offset)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        size_t n = utf8_seq(u + i, len - i);
        if (!n) {
            if (bad_offset)
                *bad_offset = i;
            return 0;
        }
        i += n;
    }
    return 1;
}

size_t text_utf8_chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

/* Decodes the code point at s (valid UTF-8 assumed for multi-byte); *len gets its size. */
static unsigned decode(const unsigned char *s, size_t n, size_t *len)
{
    *len = utf8_seq(s, n);
    if (*len <= 1) {
        *len = 1;
        return s[0];
    }
    unsigned cp = s[0] & (0xFF >> (*len + 1));
    for (size_t i = 1; i < *len; i++)
        cp = (cp << 6) | (s[i] & 0x3F);
    return cp;
}

static int is_space(unsigned cp)
{
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\v' || cp == '\f' ||
           cp == 0x3000 || cp == 0xA0;
}

size_t text_normalize(char *dst, size_t cap, const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t out = 0;
    int pending_space = 0;
    if (cap == 0)
        return (size_t)-1;
    for (size_t i = 0; i < len;) {
        size_t n;
        unsigned cp = decode(u + i, len - i, &n);
        if (is_space(cp)) {
            pending_space = out > 0;
            i += n;
            continue;
        }
        size_t need = (cp >= 0xFF01 && cp <= 0xFF5E) ? 1 : n;
        if (out + pending_space + need + 1 > cap) {
            dst[out] = '\0';
            return (size_t)-1;
        }
        if (pending_space)
            dst[out++] = ' ';
        pending_space = 0;
        if (cp >= 0xFF01 && cp <= 0xFF5E)
            dst[out++] = (char)(cp - 0xFEE0);       /* full-width ASCII → ASCII */
        else {
            memcpy(dst + out, u + i, n);
            out += n;
        }
        i += n;
    }
    dst[out] = '\0';
    return out;
}

void text_mask_phone(char *dst, size_t cap, const char *phone)
{
    char digits[32];
    size_t n = 0;
    for (const char *p = phone ? phone : ""; *p && n < sizeof digits - 1; p++)
        if (*p >= '0' && *p <= '9')
            digits[n++] = *p;
    digits[n] = '\0';
    if (cap == 0)
        return;
    if (n >= 7)
        snprintf(dst, cap, "%.3s****%s", digits, digits + n - 4);
    else if (n >= 2)
        snprintf(dst, cap, "****%s", digits + n - 2);
    else
        snprintf(dst, cap, "%s", n ? "****" : "");
}

void text_mask_name(char *dst, size_t cap, const char *name)
{
    if (cap == 0)
        return;
    const unsigned char *u = (const unsigned char *)(name ? name : "");
    size_t len = strlen((const char *)u);
    if (len == 0) {
        dst[0] = '\0';
        return;
    }
    size_t first = utf8_seq(u, len);
    if (first == 0)
        first = 1;
    size_t rest = text_utf8_chars((const char *)u + first, len - first);
    size_t out = 0;
    if (first + 1 > cap) {
        dst[0] = '\0';
        return;
    }
    memcpy(dst, u, first);
    out = first;
    for (size_t i = 0; i < (rest ? rest : 1) && out + 2 <= cap; i++)
        dst[out++] = '*';
    dst[out] = '\0';
}

int text_defuse_formula(char *dst, size_t cap, const char *s)
{
    if (cap == 0)
        return -1;
    int risky = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r';
    size_t len = strlen(s), out = 0;
    if (risky)
        dst[out++] = '\'';
    size_t room = cap - 1 - out;
    size_t copy = len < room ? len : room;
    while (copy > 0 && copy < len && ((unsigned char)s[copy] & 0xC0) == 0x80)
        copy--;     /* cut at a character boundary */
    memcpy(dst + out, s, copy);
    dst[out + copy] = '\0';
    return copy == len ? 0 : -1;
}
