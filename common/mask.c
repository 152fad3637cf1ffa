/* mask.c — masking personal numbers inside free text, and the published form
 * of an address (see mask.h for the rules).
 *
 * The text is read once. At a digit, the number starting there is read as
 * groups of digits joined by single separators (a span); the longest run of
 * whole groups from the first one that has a personal shape is masked, else
 * the first group is copied as it is and reading goes on from the next one,
 * so "13812345678 2024" still finds the mobile and "GD-2024-0415" masks
 * nothing.
 */
#include "mask.h"

#include <strings.h>
#include <string.h>

#include "text.h"

#define MAX_GROUPS 12           /* "1 3 8 1 2 3 4 5 6 7 8" is one number too */
#define MAX_DIGITS 24           /* longer than any shape */
#define MAX_JOINED 8            /* digits of a group joined to others (0532-88886666, 370212 19900101 123X) */
#define PHONE_HEAD 3
#define PHONE_TAIL 4
#define ID_HEAD 3
#define CARD_TAIL 4

typedef struct {
    const char *at;             /* first byte of the group */
    const char *end;            /* past its last digit */
    int         ndig;
} mask_group;

typedef struct {
    mask_group g[MAX_GROUPS];
    int        n;
} mask_span;

/* Which digits of a number stay: the first head and the last tail of its
 * characters (digits, and an ID card's final X). */
typedef struct {
    int head, tail;
    size_t x;                   /* bytes of the ID card's X the number ends in, 0 if none */
    int total;                  /* its characters: digits and the X */
} mask_keep;

typedef struct {
    char  *dst;
    size_t cap, out;
    int    cut;                 /* something did not fit */
} mask_out;

/* ---- characters ---- */

/* The bytes of a digit at s (ASCII or full-width ０-９), 0 if none; its value in *v. */
static size_t digit_at(const char *s, int *v)
{
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] >= '0' && u[0] <= '9') {
        *v = u[0] - '0';
        return 1;
    }
    if (u[0] == 0xEF && u[1] == 0xBC && u[2] >= 0x90 && u[2] <= 0x99) {
        *v = u[2] - 0x90;
        return 3;
    }
    return 0;
}

static size_t is_digit_at(const char *s)
{
    int v;
    return digit_at(s, &v);
}

static int starts(const char *s, const char *word)
{
    return strncmp(s, word, strlen(word)) == 0;
}

/* The bytes of the first of words that s starts with, 0 if none. */
static size_t starts_any(const char *s, const char *const *words)
{
    for (; *words; words++)
        if (starts(s, *words))
            return strlen(*words);
    return 0;
}

static const char *const SEPARATORS[] = {"-", ".", " ", "－", "．", "\u3000", "\u2013", "\u2014", NULL};
static const char *const CLOSE_BRACKETS[] = {")", "）", NULL};
static const char *const PLUS[] = {"+", "＋", NULL};
static const char *const ID_X[] = {"X", "x", "Ｘ", "ｘ", NULL};

/* Does text [start, at) end with one of words? (ASCII words without regard to case.) */
static int ends_with_any(const char *start, const char *at, const char *const *words)
{
    for (; *words; words++) {
        size_t n = strlen(*words);
        if ((size_t)(at - start) >= n && strncasecmp(at - n, *words, n) == 0)
            return 1;
    }
    return 0;
}

/* ---- reading a number ---- */

/* The span of digit groups starting at s (a digit). */
static void read_span(const char *s, mask_span *sp)
{
    const char *p = s;
    sp->n = 0;
    while (sp->n < MAX_GROUPS) {
        mask_group *g = &sp->g[sp->n++];
        size_t b;
        g->at = p;
        g->ndig = 0;
        while ((b = is_digit_at(p)) != 0) {
            p += b;
            g->ndig++;
        }
        g->end = p;
        size_t gap = starts_any(p, CLOSE_BRACKETS);
        gap += starts_any(p + gap, SEPARATORS);
        if (gap == 0 || !is_digit_at(p + gap))
            break;
        p += gap;
    }
}

/* The digits of groups 0..k as ASCII into d (MAX_DIGITS + 1); their count, or -1 when too many. */
static int span_digits(const mask_span *sp, int k, char *d)
{
    int n = 0, v;
    for (int i = 0; i <= k; i++) {
        const char *p = sp->g[i].at;
        size_t b;
        while (p < sp->g[i].end && (b = digit_at(p, &v)) != 0) {
            if (n == MAX_DIGITS)
                return -1;
            d[n++] = (char)('0' + v);
            p += b;
        }
    }
    d[n] = '\0';
    return n;
}

/* ---- shapes ---- */

static int is_mobile(const char *d, int n)
{
    return n == 11 && d[0] == '1' && d[1] >= '3';
}

/* A landline number without the country code: area code (its length in
 * *area) then 7–8 digits starting 2–9. trunk: the area code starts with 0. */
static int is_landline(const char *d, int n, int trunk, int *area)
{
    if (trunk && (d[0] != '0' || d[1] == '0'))
        return 0;
    const char *a = trunk ? d + 1 : d;
    if (a[0] == '0')
        return 0;
    *area = (trunk ? 1 : 0) + (a[0] == '1' || a[0] == '2' ? 2 : 3);
    int local = n - *area;
    return (a[0] != '1' || a[1] == '0') && local >= 7 && local <= 8 && d[*area] >= '2';
}

static int two(const char *d)
{
    return (d[0] - '0') * 10 + d[1] - '0';
}

static int is_province(int code)
{
    static const int CODES[] = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42,
                                43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82};
    for (size_t i = 0; i < sizeof CODES / sizeof CODES[0]; i++)
        if (CODES[i] == code)
            return 1;
    return 0;
}

/* An old 15-digit ID card: province, then YYMMDD at digits 7–12. */
static int is_old_id(const char *d, int n)
{
    int month = n == 15 ? two(d + 8) : 0, day = n == 15 ? two(d + 10) : 0;
    return n == 15 && is_province(two(d)) && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

static int luhn(const char *d, int n)
{
    int sum = 0;
    for (int i = 0; i < n; i++) {
        int v = d[n - 1 - i] - '0';
        if (i % 2 == 1)
            v = v * 2 > 9 ? v * 2 - 9 : v * 2;
        sum += v;
    }
    return sum % 10 == 0;
}

/* The length of a country code in front of digits d: +86, 0086, "86" as a
 * group of its own, or 86 before a mobile in one run; 0 if none. */
static int country_code(const char *d, int n, int plus, int first_group)
{
    if (starts(d, "0086"))
        return 4;
    if (starts(d, "86") && (plus || first_group == 2 || (n == 13 && d[2] == '1' && d[3] >= '3')))
        return 2;
    return 0;
}

/* A phone number after a country code: a mobile, or a landline without its trunk 0. */
static int international(const char *d, int n, int cc, mask_keep *keep)
{
    int area;
    if (is_mobile(d + cc, n - cc)) {
        keep->head = cc + PHONE_HEAD;
        return 1;
    }
    if (is_landline(d + cc, n - cc, 0, &area)) {
        keep->head = cc + area;
        return 1;
    }
    return 0;
}

/* Does the text before a number name it a phone number (电话: 8888 6666)? */
static int phone_named(const char *text, const char *at)
{
    static const char *const FILLERS[] = {" ", ":", "：", "是", "为", "(", "（", NULL};
    static const char *const WORDS[] = {"电话", "座机", "固话", "手机", "号码", "联系", "tel", "phone", NULL};
    for (int i = 0; i < 4; i++) {
        const char *const *f = FILLERS;
        while (*f && !((size_t)(at - text) >= strlen(*f) && starts(at - strlen(*f), *f)))
            f++;
        if (!*f)
            break;
        at -= strlen(*f);
    }
    return ends_with_any(text, at, WORDS);
}

/* The most digits in one of groups 0..k. */
static int longest_group(const mask_span *sp, int k)
{
    int most = 0;
    for (int i = 0; i <= k; i++)
        most = sp->g[i].ndig > most ? sp->g[i].ndig : most;
    return most;
}

/* Is the number at `at` glued to a Latin letter (W2024…, a ticket number)? */
static int after_letter(const char *text, const char *at)
{
    char c = at > text ? at[-1] : ' ';
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* An ID card: 18 digits, 17 and an X, or an old 15-digit card not glued to a letter. */
static int is_id(const char *text, const char *at, const char *d, int n, size_t x)
{
    return n == 18 || x || (is_old_id(d, n) && !after_letter(text, at));
}

/* Is groups 0..k of sp a personal number? Sets what stays of it. */
static int personal(const char *text, const mask_span *sp, int k, mask_keep *keep)
{
    char d[MAX_DIGITS + 1];
    int n = span_digits(sp, k, d), area;
    const char *at = sp->g[0].at, *end = sp->g[k].end;
    keep->x = n == 17 ? starts_any(end, ID_X) : 0;
    keep->total = n + (keep->x > 0);
    keep->head = 0;
    keep->tail = PHONE_TAIL;
    if (n < 7)
        return 0;
    int cc = country_code(d, n, ends_with_any(text, at, PLUS), k > 0 ? sp->g[0].ndig : 0);
    if (cc && international(d, n, cc, keep))
        return 1;
    if (k > 0 && longest_group(sp, k) > MAX_JOINED)
        return 0;               /* ES1796319495486-7824-1 is a ticket, not 18 digits */
    if (is_mobile(d, n) || is_landline(d, n, 1, &area)) {
        keep->head = is_mobile(d, n) ? PHONE_HEAD : area;
        return 1;
    }
    if (is_id(text, at, d, n, keep->x)) {
        keep->head = ID_HEAD;
        keep->tail = n == 15 ? 0 : 1;
        return 1;
    }
    if (n >= 16 && n <= 19 && d[0] >= '3' && d[0] <= '6' && luhn(d, n)) {
        keep->tail = CARD_TAIL;
        return 1;
    }
    return n <= 8 && d[0] >= '2' && phone_named(text, at);
}

/* ---- writing ---- */

/* Appends len bytes, or marks the output cut (a character is never split). */
static int put(mask_out *o, const char *s, size_t len)
{
    if (o->cut || o->out + len >= o->cap) {
        o->cut = 1;
        return -1;
    }
    memcpy(o->dst + o->out, s, len);
    o->out += len;
    return 0;
}

/* The bytes of the UTF-8 character at s (1 for a stray byte). */
static size_t char_len(const char *s)
{
    unsigned char c = (unsigned char)*s;
    size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    for (size_t i = 1; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            return 1;
    return n;
}

/* Copies [from, to), each digit outside the kept head and tail as '*'. */
static void put_masked(mask_out *o, const char *from, const char *to, const mask_keep *keep)
{
    int i = 0;
    size_t b;
    while (from < to) {
        if ((b = is_digit_at(from)) != 0) {
            int hide = i >= keep->head && i < keep->total - keep->tail;
            put(o, hide ? "*" : from, hide ? 1 : b);
            i++;
        } else {
            b = char_len(from);
            put(o, from, b);
        }
        from += b;
    }
}

/* ---- house numbers (for publication) ---- */

static const char *const HOUSE_WORDS[] = {"号", "栋", "幢", "座", "单元", "室", "户", "楼", "层", "弄", "#", "＃", NULL};

/* Does a house word follow the number at `number`, at s? 号 counts but not
 * 号线 (a metro line), nor after 月 (5月1号 is a date). */
static int house_word(const char *text, const char *number, const char *s)
{
    if (!starts_any(s, HOUSE_WORDS) || starts(s, "号线"))
        return 0;
    return !(starts(s, "号") && number - text >= 3 && starts(number - 3, "月"));
}

/* The groups of sp joined by hyphens to the first one that end in a house
 * word: the last one's index, or -1. */
static int house_number(const char *text, const mask_span *sp)
{
    int last = -1;
    for (int i = 0; i < sp->n; i++) {
        if (house_word(text, sp->g[0].at, sp->g[i].end))
            last = i;
        if (i + 1 < sp->n && !starts(sp->g[i].end, "-") && !starts(sp->g[i].end, "－"))
            break;
    }
    return last;
}

/* Writes groups 0..k of sp, each group as one '*', the hyphens between them kept. */
static void put_house(mask_out *o, const mask_span *sp, int k)
{
    for (int i = 0; i <= k; i++) {
        put(o, "*", 1);
        if (i < k)
            put(o, sp->g[i].end, (size_t)(sp->g[i + 1].at - sp->g[i].end));
    }
}

/* ---- the masks ---- */

/* Masks the number at s; returns where reading goes on. */
static const char *mask_number(mask_out *o, const char *text, const char *s, int public)
{
    mask_span sp;
    mask_keep keep;
    read_span(s, &sp);
    for (int k = sp.n - 1; k >= 0; k--) {
        if (!personal(text, &sp, k, &keep))
            continue;
        const char *end = sp.g[k].end + keep.x;
        put_masked(o, s, end, &keep);
        return end;
    }
    int house = public ? house_number(text, &sp) : -1;
    if (house >= 0) {
        put_house(o, &sp, house);
        return sp.g[house].end;
    }
    put(o, s, (size_t)(sp.g[0].end - s));
    return sp.g[0].end;
}

static int finish(mask_out *o)
{
    if (o->cap == 0)
        return -1;
    o->dst[o->out] = '\0';
    return o->cut ? -1 : 0;
}

static int mask_all(char *dst, size_t cap, const char *s, int public)
{
    mask_out o = {dst, cap, 0, 0};
    const char *text = s;
    while (*s && !o.cut) {
        if (is_digit_at(s)) {
            s = mask_number(&o, text, s, public);
        } else {
            size_t b = char_len(s);
            put(&o, s, b);
            s += b;
        }
    }
    return finish(&o);
}

int mask_text(char *dst, size_t cap, const char *s)
{
    return mask_all(dst, cap, s, 0);
}

int mask_excerpt(char *dst, size_t cap, const char *s, size_t chars)
{
    int rc = mask_text(dst, cap, s);
    text_shorten(dst, cap, chars);
    return rc;
}

int mask_public_text(char *dst, size_t cap, const char *s)
{
    return mask_all(dst, cap, s, 1);
}

#define NAME_BYTES 256       /* a longer name is no person's: left as it is */

void mask_name_in(char *s, const char *name)
{
    char masked[NAME_BYTES];
    size_t len = name ? strlen(name) : 0;
    if (len == 0 || len >= sizeof masked || text_utf8_chars(name, len) < 2)
        return;
    text_mask_name(masked, sizeof masked, name);
    size_t mlen = strlen(masked);
    if (mlen == 0 || strcmp(masked, name) == 0)
        return;
    char *w = s;
    for (const char *r = s; *r;) {
        if (strncmp(r, name, len) == 0) {
            memcpy(w, masked, mlen);        /* mlen <= len: the copy never passes what is read */
            w += mlen;
            r += len;
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
}

/* ---- addresses ---- */

static const char *const NUMERALS[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
                                       "百", "零", "〇", "两", NULL};
static const char *const TRAILING[] = {" ", ",", "，", "、", "-", "－", ":", "：", ".", "。", "第", "\u3000", NULL};

/* Does a house, building, unit or room number start at s? */
static int number_starts(const char *text, const char *s)
{
    if (is_digit_at(s) || starts(s, "#") || starts(s, "＃"))
        return 1;
    const char *p = s;
    size_t b;
    while ((b = starts_any(p, NUMERALS)) != 0)
        p += b;
    if (p == s && ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')))
        p++;
    return p > s && house_word(text, s, p);
}

/* Cuts dst[0..*len) at a bracket left open by the cut (香港东路（近195号） →
 * 香港东路), then drops trailing separators and a dangling 第. */
static void trim_end(char *dst, size_t *len)
{
    static const char *const OPEN[] = {"(", "（", NULL};
    size_t open = *len;
    dst[*len] = '\0';       /* char_len() of a stray lead byte looks at the bytes after it */
    for (size_t i = 0; i < *len; i += char_len(dst + i)) {
        if (starts_any(dst + i, OPEN))
            open = i;
        else if (starts_any(dst + i, CLOSE_BRACKETS))
            open = *len;
    }
    *len = open;
    int again = 1;
    while (again && *len > 0) {
        again = 0;
        for (const char *const *t = TRAILING; *t; t++) {
            size_t n = strlen(*t);
            if (*len >= n && memcmp(dst + *len - n, *t, n) == 0) {
                *len -= n;
                again = 1;
                break;
            }
        }
    }
    dst[*len] = '\0';
}

int mask_address(char *dst, size_t cap, const char *address)
{
    mask_out o = {dst, cap, 0, 0};
    const char *s = address ? address : "";
    while (*s && !o.cut && !number_starts(address, s)) {
        size_t b = char_len(s);
        put(&o, s, b);
        s += b;
    }
    if (cap == 0)
        return -1;
    trim_end(dst, &o.out);
    size_t chars = 0;
    for (size_t i = 0; i < o.out; i += char_len(dst + i))
        chars++;
    if (chars < 2)
        dst[0] = '\0';
    return o.cut ? -1 : 0;
}

/* ---- URLs ---- */

/* The '@' that ends the userinfo of the authority auth (len bytes), or NULL. */
static const char *userinfo_end(const char *auth, size_t len)
{
    const char *at = NULL;
    for (size_t i = 0; i < len; i++)
        if (auth[i] == '@')
            at = auth + i;
    return at;
}

/* Copies the query or fragment s (at its '?', '&' or '#') with each value masked. */
static void put_query(mask_out *o, const char *s)
{
    while (*s && !o->cut) {
        put(o, s, 1);
        if (*s == '#') {
            if (s[1])
                put(o, "***", 3);
            return;
        }
        s++;
        size_t len = strcspn(s, "&#"), name = strcspn(s, "=&#");
        size_t kept = name < len ? name + 1 : 0;        /* the name and its '=' */
        put(o, s, kept);
        if (len > kept)
            put(o, "***", 3);
        s += len;
    }
}

int mask_url(char *dst, size_t cap, const char *url)
{
    mask_out o = {dst, cap, 0, 0};
    const char *s = url, *query = url + strcspn(url, "?#"), *auth = strstr(url, "://");
    if (auth && auth < query) {
        auth += 3;
        const char *at = userinfo_end(auth, strcspn(auth, "/?#"));
        if (at) {
            put(&o, url, (size_t)(auth - url));
            put(&o, "***", 3);
            s = at;
        }
    }
    put(&o, s, (size_t)(query - s));
    put_query(&o, query);
    return finish(&o);
}
