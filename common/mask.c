/* mask.c — masking phone and ID card numbers inside free text (see mask.h). */
#include "mask.h"

#include <string.h>

#define KEEP_HEAD 3
#define KEEP_TAIL 4

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static size_t digits(const char *s)
{
    size_t n = 0;
    while (is_digit(s[n]))
        n++;
    return n;
}

/* The length of the digit run at s (with a final X after 17 digits). Sets
 * *hide when the run has the shape of a mobile or ID card number. */
static size_t run_len(const char *s, int *hide)
{
    size_t n = digits(s);
    if (n == 17 && (s[n] == 'X' || s[n] == 'x'))
        n++;
    *hide = (n == 11 && s[0] == '1' && s[1] >= '3') || n == 18;
    return n;
}

/* A landline at s ("0532-88881234"): its length, or 0. */
static size_t landline_len(const char *s)
{
    size_t area = digits(s);
    if (s[0] != '0' || area < 3 || area > 4 || s[area] != '-')
        return 0;
    size_t local = digits(s + area + 1);
    return local >= 7 && local <= 8 ? area + 1 + local : 0;
}

/* Ends dst at out, dropping a UTF-8 sequence the truncation cut in two. */
static int truncate_at(char *dst, size_t out)
{
    size_t k = out;
    while (k > 0 && ((unsigned char)dst[k - 1] & 0xC0) == 0x80)
        k--;
    if (k > 0 && (unsigned char)dst[k - 1] >= 0xC0) {
        unsigned char lead = (unsigned char)dst[k - 1];
        size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
        if (out - (k - 1) < want)
            out = k - 1;
    }
    dst[out] = '\0';
    return -1;
}

int mask_text(char *dst, size_t cap, const char *s)
{
    size_t out = 0;
    if (!cap)
        return -1;
    while (*s) {
        int hide = 0;
        size_t run = 1, head = KEEP_HEAD, tel = landline_len(s);
        if (tel) {
            run = tel;
            hide = 1;
            head = (size_t)(strchr(s, '-') - s) + 1;    /* the area code stays */
        } else if (is_digit(*s)) {
            run = run_len(s, &hide);
        }
        if (out + run >= cap)
            return truncate_at(dst, out);
        for (size_t i = 0; i < run; i++)
            dst[out++] = hide && i >= head && i + KEEP_TAIL < run ? '*' : s[i];
        s += run;
    }
    dst[out] = '\0';
    return 0;
}
