/* csv_sniff.c — GB18030 or Windows-1252 by the shape of the bytes (see csv_sniff.h). */
#include "csv_sniff.h"

#define SURE_RATIO 3    /* one reading is taken when the other's evidence is under a third of its own */

/* 1 for a byte pair of GB2312's two-byte area (A1-FE A1-FE): its characters and symbols. */
static int gb2312_pair(const unsigned char *p)
{
    return p[0] >= 0xA1 && p[0] <= 0xFE && p[1] >= 0xA1 && p[1] <= 0xFE;
}

/* 1 when the run s[0..n) is GB2312 pairs and nothing else. */
static int gb2312_run(const unsigned char *s, size_t n)
{
    if (n % 2)
        return 0;
    for (size_t i = 0; i < n; i += 2)
        if (!gb2312_pair(s + i))
            return 0;
    return 1;
}

static int ascii_letter(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* 1 when the byte at i is followed by one of 0x40-0x7E: GB18030 reads the
 * two as one character, silently. */
static int read_silently(const unsigned char *s, size_t len, size_t i)
{
    return i + 1 < len && s[i + 1] >= 0x40 && s[i + 1] <= 0x7E;
}

/* Counts the run s[i..j) of bytes 0x80-0xFF: a lone byte (not 0xFF, which
 * neither text has) is a Western letter; a run of GB2312 pairs four bytes
 * long or more, or a pair not inside an ASCII word ("A区B" is Chinese, "AÇÃO"
 * Portuguese: that one says nothing), Chinese. */
static void count_run(const unsigned char *s, size_t len, size_t i, size_t j, csv_sniff *out)
{
    size_t n = j - i;
    if (n == 1 && s[i] != 0xFF) {
        if (out->sample == len || (read_silently(s, len, i) && !read_silently(s, len, out->sample)))
            out->sample = i;
        out->lone++;
        return;
    }
    int in_word = i > 0 && j < len && ascii_letter(s[i - 1]) && ascii_letter(s[j]);
    if (gb2312_run(s + i, n) && (n >= 4 || !in_word))
        out->cjk++;
}

csv_sniff_verdict csv_sniff_legacy(const unsigned char *s, size_t len, csv_sniff *out)
{
    *out = (csv_sniff){0, 0, len};
    for (size_t i = 0; i < len;) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < len && s[j] >= 0x80)
            j++;
        count_run(s, len, i, j, out);
        i = j;
    }
    if (out->lone == 0 || out->cjk > SURE_RATIO * out->lone)
        return CSV_SNIFF_GB18030;
    if (out->lone > SURE_RATIO * out->cjk)
        return CSV_SNIFF_CP1252;
    return CSV_SNIFF_UNSURE;
}
