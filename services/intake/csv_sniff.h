/* csv_sniff.h — what a text that is not UTF-8 is written in: GB18030 (GBK,
 * what Excel writes on Chinese Windows) or Windows-1252 (on Western Windows;
 * Latin-1 is its subset), told by the shape of its bytes, for an import whose
 * profile says encoding = auto (csv_decode.h).
 *
 * Both read almost any bytes: a Spanish "NIÑO" (4E 49 D1 4F) is a valid GBK
 * pair in GB18030 (D1 4F, a rare character), so the wrong reading is
 * silent mojibake. The shapes differ. Chinese comes in runs of bytes of
 * 0x80-0xFF, pairs of GB2312's A1-FE (a word of two characters or more is a
 * run of four bytes or more); an accented letter of a Western text is one
 * such byte between ASCII ones, which Chinese text makes only with the rare
 * GBK characters whose second byte is ASCII (0x40-0x7E, after an ASCII
 * byte). 2 MB of real complaints in GBK: at worst one lone byte to 29 words
 * in 16 KiB; a Western text has no such words at all. So a text is taken as
 * one when the other's evidence is under a third of its own, and otherwise
 * not guessed: the import is refused naming both and the line that chooses
 * (encoding = gb18030 or windows-1252).
 */
#ifndef JIESU_CSV_SNIFF_H
#define JIESU_CSV_SNIFF_H

#include <stddef.h>

typedef enum {
    CSV_SNIFF_GB18030 = 0,  /* Chinese, or no evidence of a Western text */
    CSV_SNIFF_CP1252,       /* a Western text: lone bytes, no Chinese words */
    CSV_SNIFF_UNSURE        /* both shapes, neither far ahead */
} csv_sniff_verdict;

/* The evidence counted in a window of text. */
typedef struct {
    size_t cjk;             /* runs that are Chinese: four bytes or more of GB2312 pairs, or one pair alone */
    size_t lone;            /* single bytes of 0x80-0xFE between ASCII ones: an accented letter */
    size_t sample;          /* offset of the lone byte best shown to a person (one GBK reads silently
                               wrong, its next byte 0x40-0x7E, where there is one); len when none */
} csv_sniff;

/* The verdict on s[0..len), which is not UTF-8; the counts into *out. */
csv_sniff_verdict csv_sniff_legacy(const unsigned char *s, size_t len, csv_sniff *out);

#endif
