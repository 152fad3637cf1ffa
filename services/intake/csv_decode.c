/* csv_decode.c — raw input to UTF-8 chunks for the CSV parser (see csv_decode.h).
 *
 * Unconsumed raw bytes are raw[rstart, rlen). While the input is UTF-8 (or
 * still only ASCII) chunks point straight into raw; once it is GB18030, or
 * UTF-16 from its first bytes, they point into dec, filled by iconv.
 * Detection is lazy: ASCII is the same in UTF-8 and GB18030, so the choice is
 * made at the first non-ASCII byte, on up to SNIFF_BYTES of input from there.
 */
#include "csv_decode.h"

#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv_sniff.h"
#include "text.h"

#define SNIFF_BYTES    16384
#define UTF8_TOLERANCE 50       /* valid characters per damaged byte still taken as UTF-8 */
#define CJK_PER_BAD    4        /* ... or valid three-byte characters per damaged byte */
#define BAD_BYTE       0xFF     /* never valid in UTF-8: marks undecodable input */
#define UTF8_RUN_MIXED 4        /* three-byte UTF-8 characters in a row: UTF-8 text in a GB18030 file */

typedef enum { M_START, M_PENDING, M_UTF8, M_ICONV } decode_mode;

struct csv_decoder {
    int            fd;
    FILE          *fp;
    size_t         read_size;
    char           errstr[1024];
    unsigned char *raw;
    size_t         rcap, rstart, rlen;
    size_t         ascii_end;     /* while pending: raw[rstart, ascii_end) is known to be ASCII */
    int            eof;
    uint64_t       nread;
    decode_mode    mode;
    csv_encoding_choice choice;
    csv_encoding   enc;
    int            unsure;        /* refused: GB18030 and Windows-1252 read it alike */
    iconv_t        cd;
    unsigned char *dec;
    size_t         dcap, dstart, dlen;
    /* GB18030: the raw input looked through for UTF-8 text (mixed_scan) */
    uint64_t       scanned;       /* file offset scanned up to */
    uint64_t       lines;         /* line feeds before it */
    uint64_t       mixed_at;      /* file offset where UTF-8 text starts, or 0 */
    uint64_t       mixed_line;    /* its line, 1-based */
};

static void set_error(csv_decoder *self, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void set_error(csv_decoder *self, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(self->errstr, sizeof self->errstr, fmt, ap);
    va_end(ap);
}

csv_decoder *csv_decoder_new(int fd, FILE *fp, size_t read_size, csv_encoding_choice choice)
{
    csv_decoder *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->fd = fd;
    self->fp = fp;
    self->read_size = read_size;
    self->choice = choice;
    self->cd = (iconv_t)-1;
    self->rcap = read_size + SNIFF_BYTES + 8;
    self->dcap = 2 * read_size + 16;
    self->raw = malloc(self->rcap);
    if (!self->raw)
        csv_decoder_destroy(&self);
    return self;
}

/* Reads more raw input after the unconsumed bytes. 1 read, 0 end, -1 error. */
static int fill_raw(csv_decoder *self)
{
    if (self->eof)
        return 0;
    if (self->rstart > 0) {
        memmove(self->raw, self->raw + self->rstart, self->rlen - self->rstart);
        self->rlen -= self->rstart;
        self->ascii_end = self->ascii_end > self->rstart ? self->ascii_end - self->rstart : 0;
        self->rstart = 0;
    }
    size_t want = self->rcap - self->rlen;
    if (want > self->read_size)
        want = self->read_size;
    ssize_t got;
    if (self->fp) {
        got = (ssize_t)fread(self->raw + self->rlen, 1, want, self->fp);
        if (got == 0 && ferror(self->fp))
            got = -1;
    } else {
        do
            got = read(self->fd, self->raw + self->rlen, want);
        while (got < 0 && errno == EINTR);
    }
    if (got < 0) {
        set_error(self, "读文件出错（%s）：请重新导入；一直如此请告知系统管理员", text_os_error(errno));
        return -1;
    }
    if (got == 0) {
        self->eof = 1;
        return 0;
    }
    self->rlen += (size_t)got;
    self->nread += (uint64_t)got;
    return 1;
}

/* Reads until at least want bytes are unconsumed or the input ends. 0 or -1. */
static int fill_to(csv_decoder *self, size_t want)
{
    int r = 1;
    while (self->rlen - self->rstart < want && (r = fill_raw(self)) > 0)
        ;
    return r < 0 ? -1 : 0;
}

/* 1 if s[0..len) reads as UTF-8: every non-ASCII sequence valid, or at most
 * one damaged byte per UTF8_TOLERANCE valid characters, or at least
 * CJK_PER_BAD valid three-byte characters (the shape of Chinese in UTF-8) per
 * damaged byte — so a UTF-8 export with one broken cell stays UTF-8, however
 * short, and that row is rejected instead of the whole file turned into
 * mojibake. GBK text is far off both: most of its byte pairs are not UTF-8,
 * and hardly any make a three-byte sequence. A sequence cut off by the end of
 * the window, or of the input (a file cut short), is not counted. */
static int looks_utf8(const unsigned char *s, size_t len)
{
    size_t good = 0, good3 = 0, bad = 0, i = 0;
    while (i < len) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        size_t n = s[i] >= 0xF0 ? 4 : s[i] >= 0xE0 ? 3 : s[i] >= 0xC0 ? 2 : 1;
        if (n > 1 && i + n > len) {
            size_t k = i + 1;
            while (k < len && (s[k] & 0xC0) == 0x80)
                k++;
            if (k == len)
                break;              /* a lead byte and its continuations, cut off */
        }
        if (n > 1 && i + n <= len && text_utf8_valid((const char *)s + i, n, NULL)) {
            good++;
            good3 += n == 3;
            i += n;
        } else {
            bad++;
            i++;
        }
    }
    return bad * UTF8_TOLERANCE <= good || good3 >= CJK_PER_BAD * bad;
}

/* Converts the rest of the input from enc (iconv's name from) into dec. 0 or -1. */
static int start_iconv(csv_decoder *self, csv_encoding enc, const char *from)
{
    self->cd = iconv_open("UTF-8", from);
    if (self->cd == (iconv_t)-1) {
        set_error(self, "文件不是 UTF-8 文本，工单受理服务又无法按 %s 转换（%s）：请在 Excel 里另存为“CSV UTF-8（逗号分隔）”"
                  "后再导入，并告知系统管理员", csv_encoding_title(enc), text_os_error(errno));
        return -1;
    }
    self->dec = malloc(self->dcap);
    if (!self->dec) {
        set_error(self, "%s", CSV_NO_MEMORY);
        return -1;
    }
    self->enc = enc;
    self->mode = M_ICONV;
    return 0;
}

static int start_decoding(csv_decoder *self)
{
    if (fill_to(self, 3) < 0)
        return -1;
    const unsigned char *s = self->raw + self->rstart;
    size_t avail = self->rlen - self->rstart;
    if (avail >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) {
        self->rstart += 3;
        self->enc = CSV_ENC_UTF8_BOM;
        self->mode = M_UTF8;
        return 0;
    }
    if (avail >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF))) {
        int le = s[0] == 0xFF;
        self->rstart += 2;
        return start_iconv(self, le ? CSV_ENC_UTF16LE : CSV_ENC_UTF16BE, le ? "UTF-16LE" : "UTF-16BE");
    }
    self->mode = M_PENDING;
    return 0;
}

/* What GB18030 or Windows-1252 (from, iconv's name) makes of s[0..n), into
 * out: a byte it cannot read as '?'. */
static void reading(const char *from, const unsigned char *s, size_t n, char *out, size_t outlen)
{
    iconv_t cd = iconv_open("UTF-8", from);
    char *in = (char *)s, *o = out;
    size_t inleft = n, outleft = outlen - 1;
    while (cd != (iconv_t)-1 && inleft && outleft > 1 && iconv(cd, &in, &inleft, &o, &outleft) == (size_t)-1) {
        if (errno == E2BIG)
            break;
        *o++ = '?';
        outleft--;
        in++;
        inleft--;
    }
    *o = '\0';
    if (cd != (iconv_t)-1)
        iconv_close(cd);
}

/* 1 for an ASCII byte of a value's words: the context of a sample. */
static int wordy(unsigned char c)
{
    return c >= 0x20 && c < 0x7F && c != ',' && c != '"' && c != ';';
}

/* Refuses input s[0..n) that reads as GB18030 and as Windows-1252 alike
 * (csv_sniff.h), showing both readings of a value at sn's sample; what to
 * do, which depends on where the file came from, is intake_source.c's. -1. */
static int refuse_unsure(csv_decoder *self, const unsigned char *s, size_t n, const csv_sniff *sn)
{
    size_t from = sn->sample, to = sn->sample + 1;
    while (from > 0 && sn->sample - from < 16 && wordy(s[from - 1]))
        from--;
    while (to < n && to - sn->sample < 16 && wordy(s[to]))
        to++;
    char western[80], chinese[80];
    reading("WINDOWS-1252", s + from, to - from, western, sizeof western);
    reading("GB18030", s + from, to - from, chinese, sizeof chinese);
    set_error(self, "看不准文件的编码：它不是 UTF-8 文本，按 GB18030（GBK，中文 Windows 存的）读和按 Windows-1252（西文 "
              "Windows 存的，Latin-1 也是）读都说得通，比如文件里的一处按 Windows-1252 读是“%s”，按 GB18030 读是“%s”；"
              "读错了字会存成乱码，所以没有导入", western, chinese);
    self->unsure = 1;
    return -1;
}

/* Non-ASCII input at raw[rstart]: UTF-8, GB18030 or Windows-1252, as told
 * or on what follows (refused when that cannot tell the last two apart). */
static int choose_encoding(csv_decoder *self)
{
    if (self->choice == CSV_DETECT && fill_to(self, SNIFF_BYTES) < 0)
        return -1;
    const unsigned char *s = self->raw + self->rstart;
    size_t avail = self->rlen - self->rstart;
    size_t n = avail < SNIFF_BYTES ? avail : SNIFF_BYTES;
    csv_sniff sn;
    switch (self->choice) {
    case CSV_FORCE_UTF8:    break;
    case CSV_FORCE_GB18030: return start_iconv(self, CSV_ENC_GB18030, "GB18030");
    case CSV_FORCE_CP1252:  return start_iconv(self, CSV_ENC_CP1252, "WINDOWS-1252");
    case CSV_DETECT:
        if (looks_utf8(s, n))
            break;
        switch (csv_sniff_legacy(s, n, &sn)) {
        case CSV_SNIFF_CP1252:  return start_iconv(self, CSV_ENC_CP1252, "WINDOWS-1252");
        case CSV_SNIFF_UNSURE:  return refuse_unsure(self, s, n, &sn);
        case CSV_SNIFF_GB18030: return start_iconv(self, CSV_ENC_GB18030, "GB18030");
        }
    }
    self->mode = M_UTF8;
    return 0;
}

static int is_cont(unsigned char c) { return c >= 0x80 && c <= 0xBF; }

/* Looks through the raw input not yet scanned for UTF-8 text in a GB18030
 * file: UTF8_RUN_MIXED three-byte characters of U+4E00-U+9FFF in a row,
 * which GBK text does not make (1.47 MB of real complaints in GBK: never
 * two in a row). A file exported in GBK with rows pasted in UTF-8 would
 * otherwise store them as mojibake (工单编号 as 宸ュ崟缂栧彿), silently.
 * Sets mixed_at and mixed_line at the first such run. */
static void mixed_scan(csv_decoder *self)
{
    uint64_t base = self->nread - self->rlen;     /* file offset of raw[0] */
    size_t i = self->scanned > base ? (size_t)(self->scanned - base) : 0, run = 0, run_start = 0;
    uint64_t lines_at_run = 0;
    while (i + 2 < self->rlen && !self->mixed_at) {
        const unsigned char *c = self->raw + i;
        if (c[0] >= 0xE4 && c[0] <= 0xE9 && is_cont(c[1]) && is_cont(c[2])) {
            if (run++ == 0) {
                run_start = i;
                lines_at_run = self->lines;
            }
            if (run == UTF8_RUN_MIXED) {
                self->mixed_at = base + run_start;
                self->mixed_line = lines_at_run + 1;
            }
            i += 3;
            continue;
        }
        run = 0;
        self->lines += c[0] == '\n';
        i++;
    }
    self->scanned = base + (run ? run_start : i);
    if (run && !self->mixed_at)
        self->lines = lines_at_run;
}

/* Converts raw input into dec, up to UTF-8 text found in a GB18030 file
 * (mixed_scan), where it stops with the error. Undecodable input becomes
 * BAD_BYTE: a byte of GB18030 or Windows-1252, a code unit of UTF-16 (half a surrogate pair:
 * skipping one byte would read every unit after it askew). 0 or -1. */
static int convert(csv_decoder *self)
{
    self->dstart = self->dlen = 0;
    if (self->rstart == self->rlen)
        return fill_raw(self) < 0 ? -1 : 0;
    if (self->enc == CSV_ENC_GB18030)
        mixed_scan(self);
    uint64_t base = self->nread - self->rlen;
    size_t limit = self->mixed_at ? (size_t)(self->mixed_at - base) : self->rlen;
    if (self->mixed_at && self->rstart >= limit) {
        set_error(self, "文件按 GB18030（GBK）编码读，第 %llu 行起却有 UTF-8 编码的中文：一个文件里混了两种编码，"
                  "照原样导入会存成乱码。请用 Excel 打开，另存为“CSV UTF-8（逗号分隔）”后再导入",
                  (unsigned long long)self->mixed_line);
        return -1;
    }
    char *in = (char *)self->raw + self->rstart, *out = (char *)self->dec;
    size_t inleft = limit - self->rstart, outleft = self->dcap;
    size_t rc = iconv(self->cd, &in, &inleft, &out, &outleft);
    int why = errno;
    self->rstart = (size_t)((unsigned char *)in - self->raw);
    self->dlen = (size_t)((unsigned char *)out - self->dec);
    if (rc != (size_t)-1 || why == E2BIG || outleft == 0)
        return 0;
    if (why == EILSEQ) {
        size_t unit = self->enc == CSV_ENC_UTF16LE || self->enc == CSV_ENC_UTF16BE ? 2 : 1;
        self->dec[self->dlen++] = BAD_BYTE;
        self->rstart += unit < self->rlen - self->rstart ? unit : self->rlen - self->rstart;
        return 0;
    }
    if (why != EINVAL) {
        set_error(self, "按 %s 转换文件时出错（%s）：请在 Excel 里另存为“CSV UTF-8（逗号分隔）”后再导入",
                  csv_encoding_title(self->enc), text_os_error(why));
        return -1;
    }
    if (limit < self->rlen) {
        self->dec[self->dlen++] = BAD_BYTE;     /* a character cut off by the UTF-8 text */
        self->rstart = limit;
        return 0;
    }
    if (self->eof) {                 /* a character cut off by the end of input (an odd byte of UTF-16) */
        self->dec[self->dlen++] = BAD_BYTE;
        self->rstart = self->rlen;
        return 0;
    }
    return self->dlen ? 0 : (fill_raw(self) < 0 ? -1 : 0);
}

/* The next chunk of UTF-8 to parse in *p, *n. 1, 0 at the end, -1 on error. */
int csv_decoder_next(csv_decoder *self, const unsigned char **p, size_t *n)
{
    for (;;) {
        if (self->mode == M_START) {
            if (start_decoding(self) < 0)
                return -1;
            continue;
        }
        if (self->mode == M_ICONV) {
            if (self->dstart < self->dlen) {
                *p = self->dec + self->dstart;
                *n = self->dlen - self->dstart;
                return 1;
            }
            if (self->eof && self->rstart == self->rlen)
                return 0;
            if (convert(self) < 0)
                return -1;
            continue;
        }
        if (self->rstart == self->rlen) {
            int r = fill_raw(self);
            if (r <= 0)
                return r;
            continue;
        }
        size_t end = self->rlen;
        if (self->mode == M_PENDING) {
            /* the parser takes a record at a time: looking again from rstart at
             * every call read an all-ASCII buffer over and over (64 KiB for each
             * record of 500 bytes: an English export parsed 30 times slower) */
            end = self->ascii_end > self->rstart ? self->ascii_end : self->rstart;
            while (end < self->rlen && self->raw[end] < 0x80)
                end++;
            self->ascii_end = end;
            if (end == self->rstart) {
                if (choose_encoding(self) < 0)
                    return -1;
                continue;
            }
        }
        *p = self->raw + self->rstart;
        *n = end - self->rstart;
        return 1;
    }
}

void csv_decoder_consume(csv_decoder *self, size_t n)
{
    if (self->mode == M_ICONV)
        self->dstart += n;
    else
        self->rstart += n;
}

csv_encoding csv_decoder_encoding(const csv_decoder *self)
{
    return self->enc;
}

const char *csv_encoding_name(csv_encoding enc)
{
    switch (enc) {
    case CSV_ENC_UTF8_BOM: return "UTF-8 BOM";
    case CSV_ENC_GB18030:  return "GB18030";
    case CSV_ENC_UTF16LE:  return "UTF-16（小端）";
    case CSV_ENC_UTF16BE:  return "UTF-16（大端）";
    case CSV_ENC_CP1252:   return "Windows-1252";
    case CSV_ENC_UTF8:     break;
    }
    return "UTF-8";
}

const char *csv_encoding_title(csv_encoding enc)
{
    switch (enc) {
    case CSV_ENC_UTF8_BOM: return "UTF-8";
    case CSV_ENC_GB18030:  return "GB18030（GBK）";
    case CSV_ENC_CP1252:   return "Windows-1252（西文）";
    case CSV_ENC_UTF16LE:
    case CSV_ENC_UTF16BE:
    case CSV_ENC_UTF8:     break;
    }
    return csv_encoding_name(enc);
}

const char *csv_encoding_key(csv_encoding enc)
{
    switch (enc) {
    case CSV_ENC_GB18030: return "gb18030";
    case CSV_ENC_CP1252:  return "windows-1252";
    case CSV_ENC_UTF16LE:
    case CSV_ENC_UTF16BE: return "";
    case CSV_ENC_UTF8:
    case CSV_ENC_UTF8_BOM: break;
    }
    return "utf-8";
}

csv_encoding csv_encoding_chosen(csv_encoding_choice choice)
{
    switch (choice) {
    case CSV_FORCE_GB18030: return CSV_ENC_GB18030;
    case CSV_FORCE_CP1252:  return CSV_ENC_CP1252;
    case CSV_DETECT:
    case CSV_FORCE_UTF8:    break;
    }
    return CSV_ENC_UTF8;
}

int csv_encoding_marked(csv_encoding enc)
{
    return enc == CSV_ENC_UTF8_BOM || enc == CSV_ENC_UTF16LE || enc == CSV_ENC_UTF16BE;
}

int csv_decoder_unsure(const csv_decoder *self)
{
    return self->unsure;
}

uint64_t csv_decoder_bytes(const csv_decoder *self)
{
    return self->nread;
}

const char *csv_decoder_errstr(const csv_decoder *self)
{
    return self->errstr;
}

void csv_decoder_destroy(csv_decoder **self)
{
    if (!self || !*self)
        return;
    if ((*self)->cd != (iconv_t)-1)
        iconv_close((*self)->cd);
    free((*self)->raw);
    free((*self)->dec);
    free(*self);
    *self = NULL;
}
