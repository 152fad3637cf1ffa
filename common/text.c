/* text.c — UTF-8 validation, normalisation and masking of personal data (see text.h).
 *
 * Complaint text arrives from spreadsheets typed on Chinese input methods:
 * full-width digits and letters, ideographic spaces and stray line breaks are
 * common, and a caller's name or phone number must never reach a log line or
 * an event unmasked. Everything here works on bytes in place, without allocating.
 */
#include "text.h"

#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Decodes the UTF-8 sequence at s (at most n bytes): returns its length and
 * sets *cp, or returns 0 when it is invalid (overlong, surrogate, past
 * U+10FFFF, truncated, or not a lead byte). */
static size_t utf8_decode(const unsigned char *s, size_t n, unsigned *cp)
{
    unsigned char c = s[0];
    size_t len;
    unsigned min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2, *cp = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3, *cp = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4, *cp = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        *cp = (*cp << 6) | (s[i] & 0x3F);
    }
    if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF))
        return 0;
    return len;
}

int text_utf8_valid(const char *s, size_t len, size_t *bad_offset)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        unsigned cp;
        size_t n = utf8_decode(u + i, len - i, &cp);
        if (!n) {
            if (bad_offset)
                *bad_offset = i;
            return 0;
        }
        i += n;
    }
    return 1;
}

void text_utf8_repair(char *s)
{
    unsigned char *u = (unsigned char *)s;
    for (size_t i = 0, len = strlen(s); i < len;) {
        unsigned cp;
        size_t n = utf8_decode(u + i, len - i, &cp);
        if (!n) {
            u[i] = '?';
            n = 1;
        }
        i += n;
    }
}

void text_utf8_append(char *dst, size_t cap, size_t *len, unsigned cp)
{
    char b[3];
    size_t n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : 3;
    if (n == 1) {
        b[0] = (char)cp;
    } else if (n == 2) {
        b[0] = (char)(0xC0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3F));
    } else {
        b[0] = (char)(0xE0 | ((cp >> 12) & 0x0F));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
    }
    if (cap == 0)
        return;
    if (*len + n < cap) {
        memcpy(dst + *len, b, n);
        *len += n;
    }
    dst[*len] = '\0';
}

size_t text_utf8_chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

#define NOT_A_CHAR 0xFFFFFFFFu    /* what decode() gives for a byte that starts no valid sequence */

/* The code point at s[0..n); *len gets its size (1 for an invalid byte, which
 * decodes to NOT_A_CHAR so it is never mistaken for a space). */
static unsigned decode(const unsigned char *s, size_t n, size_t *len)
{
    unsigned cp;
    *len = utf8_decode(s, n, &cp);
    if (*len == 0) {
        *len = 1;
        return NOT_A_CHAR;
    }
    return cp;
}

/* ASCII whitespace, the ideographic space U+3000 and the no-break space U+00A0
 * (common in spreadsheet exports), and every other C0 or C1 control character
 * and DEL: never meant to be seen, they separate what they stand between. */
static int is_space(unsigned cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == ' ' || cp == 0x3000 || cp == 0xA0;
}

/* The zero-width space, the word joiner and the byte-order mark (a BOM inside
 * a file that was pasted together): invisible, so dropped — else two ticket
 * numbers that look the same would differ. */
static int is_invisible(unsigned cp)
{
    return cp == 0x200B || cp == 0x2060 || cp == 0xFEFF;
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
        if (is_space(cp) || is_invisible(cp)) {
            pending_space |= out > 0 && is_space(cp);
            i += n;
            continue;
        }
        int fullwidth = cp >= 0xFF01 && cp <= 0xFF5E;     /* full-width ASCII → ASCII */
        size_t need = fullwidth ? 1 : n;
        if (out + pending_space + need + 1 > cap) {
            dst[out] = '\0';
            return (size_t)-1;
        }
        if (pending_space)
            dst[out++] = ' ';
        pending_space = 0;
        if (fullwidth) {
            dst[out++] = (char)(cp - 0xFEE0);
        } else {
            memcpy(dst + out, u + i, n);
            out += n;
        }
        i += n;
    }
    dst[out] = '\0';
    return out;
}

const char *text_ticket(char *buf, size_t cap, const char *typed)
{
    if (!typed)
        return NULL;
    size_t n = text_normalize(buf, cap, typed, strlen(typed));
    return n == (size_t)-1 ? typed : n ? buf : NULL;
}

/* A full number (11 digits: a mobile, or a landline with its area code) shows
 * its first 3 and last 4 digits; anything shorter would show most of itself
 * that way, so it shows only its last 2. */
#define PHONE_FULL_DIGITS 11

void text_mask_phone(char *dst, size_t cap, const char *phone)
{
    char head[4] = "", tail[5] = "";
    size_t n = 0;
    for (const char *p = phone ? phone : ""; *p; p++) {
        if (*p < '0' || *p > '9')
            continue;
        if (n < 3)
            head[n] = *p;
        if (n < 4) {
            tail[n] = *p;
        } else {                    /* keep the last 4 seen */
            memmove(tail, tail + 1, 3);
            tail[3] = *p;
        }
        n++;
    }
    if (cap == 0)
        return;
    if (n >= PHONE_FULL_DIGITS)
        snprintf(dst, cap, "%s****%s", head, tail);
    else if (n >= 2)
        snprintf(dst, cap, "****%s", tail + strlen(tail) - 2);
    else
        snprintf(dst, cap, "%s", phone && *phone ? "****" : "");
}

/* What hotlines write where a caller gave no name: no name to mask, and
 * masked ("匿*") it would hide that the caller chose to stay unnamed. */
static const char *const NO_NAME[] = {"匿名", "匿名用户", "匿名市民", "市民", "不详", "未知", "无",
                                      "不愿透露", "不愿透露姓名", "未留姓名"};

void text_mask_name(char *dst, size_t cap, const char *name)
{
    if (cap == 0)
        return;
    dst[0] = '\0';
    size_t len = name ? strlen(name) : 0;
    if (len == 0)
        return;
    for (size_t i = 0; i < sizeof NO_NAME / sizeof NO_NAME[0]; i++) {
        if (strcmp(name, NO_NAME[i]) == 0) {
            if (len < cap)
                memcpy(dst, name, len + 1);
            return;
        }
    }
    unsigned cp;
    size_t first = utf8_decode((const unsigned char *)name, len, &cp);
    if (first == 0)
        first = 1;                  /* an invalid byte stands alone */
    if (first + 1 > cap)
        return;
    size_t stars = text_utf8_chars(name + first, len - first);
    if (stars == 0)
        stars = 1;                  /* "张" → "张*": a one-character name still looks masked */
    memcpy(dst, name, first);
    size_t out = first;
    for (size_t i = 0; i < stars && out + 1 < cap; i++)
        dst[out++] = '*';
    dst[out] = '\0';
}

int text_defuse_formula(char *dst, size_t cap, const char *s)
{
    if (cap == 0)
        return -1;
    int risky = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r';
    size_t len = strlen(s), out = 0;
    if (risky && cap > 1)
        dst[out++] = '\'';
    size_t room = cap - 1 - out;
    size_t copy = len < room ? len : room;
    while (copy > 0 && copy < len && ((unsigned char)s[copy] & 0xC0) == 0x80)
        copy--;     /* cut at a character boundary */
    memcpy(dst + out, s, copy);
    dst[out + copy] = '\0';
    return copy == len && out == (size_t)risky ? 0 : -1;
}

int text_check(const char *s, size_t max_chars, const char *what, char *err, size_t errlen)
{
    size_t len = strlen(s), chars;
    if (!text_utf8_valid(s, len, NULL)) {
        snprintf(err, errlen, "%s不是 UTF-8 文字：请在 UTF-8 终端或网页里填写", what);
        return -1;
    }
    if ((chars = text_utf8_chars(s, len)) > max_chars) {
        snprintf(err, errlen, "%s有 %zu 个字，最多 %zu 个", what, chars, max_chars);
        return -1;
    }
    return 0;
}

int text_check_note(const char *s, const char *what, char *err, size_t errlen)
{
    if (text_check(s, TEXT_NOTE_CHARS, what, err, errlen) == 0)
        return 0;
    size_t n = strlen(err);
    if (text_utf8_valid(s, strlen(s), NULL) && n < errlen)
        snprintf(err + n, errlen - n, "：请删减到 %d 个字以内", TEXT_NOTE_CHARS);
    return -1;
}

void text_utf8_cut(char *s)
{
    size_t len = strlen(s), start = len;
    while (start > 0 && len - start < 4 && ((unsigned char)s[start - 1] & 0xC0) == 0x80)
        start--;    /* back over continuation bytes to the last character's first byte */
    if (start == 0 || (unsigned char)s[start - 1] < 0xC0)
        return;     /* ends in ASCII or in a lone continuation byte: nothing cut short here */
    unsigned char lead = (unsigned char)s[start - 1];
    size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
    if (len - (start - 1) < want)
        s[start - 1] = '\0';
}

void text_shorten(char *s, size_t cap, size_t chars)
{
    size_t i = 0;
    for (size_t n = 0; s[i]; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80 && n++ == chars)
            break;
    if (!s[i])
        return;
    while (i > 0 && i + sizeof "…" > cap) {    /* back a character at a time until the mark fits */
        do
            i--;
        while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80);
    }
    if (i + sizeof "…" <= cap)
        memcpy(s + i, "…", sizeof "…");
    else
        s[i] = '\0';
}

void text_utf8_mend(char *s)
{
    text_utf8_cut(s);
    text_utf8_repair(s);
}

const char *text_quote(char *dst, size_t cap, const char *s)
{
    snprintf(dst, cap, "%s", s);
    text_utf8_mend(dst);
    return dst;
}

/* s read as GB18030 into dst (cap > 0 bytes, whole characters, cut when they
 * do not fit, an incomplete one at the end dropped). 0, or -1 when s is not
 * GB18030. */
static int from_gb18030(char *dst, size_t cap, const char *s)
{
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if (cd == (iconv_t)-1)
        return -1;
    char *in = (char *)s, *out = dst;
    size_t inleft = strlen(s), outleft = cap - 1;
    size_t rc = iconv(cd, &in, &inleft, &out, &outleft);
    int failed = rc == (size_t)-1 && errno == EILSEQ;
    iconv_close(cd);
    *out = '\0';
    return failed ? -1 : 0;
}

void text_file_name(char *dst, size_t cap, const char *name)
{
    if (cap == 0)
        return;
    if (text_utf8_valid(name, strlen(name), NULL) || from_gb18030(dst, cap, name) != 0)
        text_quote(dst, cap, name);
}

void text_appendf(char *buf, size_t cap, size_t *len, const char *fmt, ...)
{
    if (*len >= cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(buf + *len, cap - *len, fmt, ap);
    va_end(ap);
    *len += w > 0 ? (size_t)w : 0;
    if (*len >= cap)
        *len = cap - 1;
}

void text_prefix(char *buf, size_t cap, const char *fmt, ...)
{
    char head[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(head, sizeof head, fmt, ap);
    va_end(ap);
    if (cap == 0 || n <= 0)
        return;
    size_t hlen = strlen(head), blen = strnlen(buf, cap - 1);
    if (hlen > cap - 1)
        hlen = cap - 1;
    size_t keep = blen < cap - 1 - hlen ? blen : cap - 1 - hlen;
    while (keep > 0 && keep < blen && ((unsigned char)buf[keep] & 0xC0) == 0x80)
        keep--;     /* cut at a character boundary */
    memmove(buf + hlen, buf, keep);
    memcpy(buf, head, hlen);
    buf[hlen + keep] = '\0';
}

size_t text_url_encode(char *out, size_t cap, const char *s)
{
    static const char HEX[] = "0123456789ABCDEF";
    size_t n = 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        int plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strchr("-._~/", c);
        if (n + (plain ? 1 : 3) >= cap) {
            if (cap)
                out[0] = '\0';
            return (size_t)-1;
        }
        if (plain) {
            out[n++] = (char)c;
        } else {
            out[n++] = '%';
            out[n++] = HEX[c >> 4];
            out[n++] = HEX[c & 15];
        }
    }
    if (!cap)
        return (size_t)-1;
    out[n] = '\0';
    return n;
}

void text_html_escape(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*s, f);
        }
    }
}

const char *text_os_error(int err)
{
    switch (err) {
    case ENOENT:
        return "没有这个文件或目录（核对路径）";
    case EACCES:
    case EPERM:
        return "没有权限（换有权限的用户运行，或改文件的权限）";
    case EISDIR:
        return "这是目录，不是文件";
    case ENOTDIR:
        return "路径中有一段不是目录";
    case ENOSPC:
        return "磁盘已满";
    case EDQUOT:
        return "超出了磁盘配额";
    case EROFS:
        return "文件系统只读";
    case EFBIG:
        return "文件太大，超出了文件系统允许的大小";
    case EIO:
        return "磁盘读写出错（磁盘或设备可能有故障，请告知系统管理员）";
    case EMFILE:
    case ENFILE:
        return "打开的文件太多（请告知系统管理员）";
    case ENOMEM:
        return "内存不足";
    case ENAMETOOLONG:
        return "路径太长";
    case ELOOP:
        return "路径中的符号链接太多或成环";
    default:
        return strerror(err);
    }
}
