/* csv_reader.c — streaming RFC 4180 CSV (see csv_reader.h).
 *
 * The decoder (csv_decode.c) hands out chunks of UTF-8. The parser is a
 * four-state machine that consumes chunks and stops at the end of each
 * record; everything it needs to resume (state, current field, line count)
 * lives in the reader, so a chunk may end anywhere, inside a quoted field or a
 * multi-byte character. Runs of ordinary bytes are copied in one go.
 *
 * A quoted field that runs over a line break may be a stray quote swallowing
 * the rows after it. The decoder cannot go back, so from that line break on
 * the input is also kept (kept, at most max_record bytes); when the field
 * turns out broken (broken_quote()) the kept bytes become input again (back),
 * parsed before the decoder's, from the line after the quote's.
 *
 * The delimiter, unless told, is the header line's: that line is read ahead
 * into back (choose_delimiter()) and then parsed from there like any other.
 */
#include "csv_reader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

#define DEFAULT_READ_SIZE  65536
#define DEFAULT_MAX_FIELD  32767
#define DEFAULT_MAX_FIELDS 1024
#define DEFAULT_MAX_RECORD (4u << 20)

typedef enum { P_FIELD_START, P_UNQUOTED, P_QUOTED, P_QUOTE } parse_state;

struct csv_reader {
    csv_options    opt;
    csv_decoder   *in;
    char           errstr[1024];
    int            failed;            /* csv_read() cannot go on */

    /* parsing */
    unsigned char  special_plain[256];   /* bytes that end a run in an unquoted field */
    unsigned char  special_quoted[256];  /* ... in a quoted field */
    parse_state    state;
    int            last_cr;
    uint64_t       line;
    uint64_t       records;
    size_t         header_fields; /* fields of record 1 */

    /* the record being built: field i is buf[off[i], off[i] + lens[i]) */
    char          *buf;
    size_t         bcap, blen;
    size_t        *off, *lens;
    const char   **ptrs;
    size_t         nfields;
    int            in_record;
    size_t         field_chars;
    int            field_full;    /* stop storing the current field */
    int            discard;       /* field beyond max_fields: not stored */
    csv_record     cur;

    /* a quoted field with a line break in it (spanning), and re-reading */
    int            spanning;      /* the field being read is one */
    uint64_t       quote_line;    /* the line its quote opened on */
    int            quote_cr;      /* that line ended with a CR */
    size_t         quote_blen;    /* the record's bytes before that line break */
    int            replay;        /* the record ended on a broken quote: re-read kept */
    char          *kept;          /* the input since that line break (max_record bytes at most) */
    size_t         kept_cap, kept_len;
    char          *back;          /* input to parse before the decoder's: back[back_pos, back_len) */
    size_t         back_cap, back_len, back_pos;
};

static void init_tables(csv_reader *self)
{
    unsigned char d = (unsigned char)self->opt.delimiter;
    memset(self->special_plain, 0, sizeof self->special_plain);
    memset(self->special_quoted, 0, sizeof self->special_quoted);
    self->special_plain[d] = self->special_plain['\r'] = self->special_plain['\n'] = 1;
    self->special_plain[0] = 1;
    self->special_quoted['"'] = self->special_quoted['\r'] = self->special_quoted['\n'] = 1;
    self->special_quoted[0] = 1;
}

void csv_options_fill(csv_options *opt)
{
    if (!opt->read_size)  opt->read_size = DEFAULT_READ_SIZE;
    if (!opt->max_field)  opt->max_field = DEFAULT_MAX_FIELD;
    if (!opt->max_fields) opt->max_fields = DEFAULT_MAX_FIELDS;
    if (!opt->max_record) opt->max_record = DEFAULT_MAX_RECORD;
}

static csv_reader *reader_new(int fd, FILE *fp, const csv_options *opt)
{
    csv_reader *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    if (opt)
        self->opt = *opt;
    csv_options_fill(&self->opt);
    self->line = 1;
    self->bcap = 65536;
    self->in = csv_decoder_new(fd, fp, self->opt.read_size, self->opt.encoding);
    self->buf = malloc(self->bcap);
    self->off = malloc(self->opt.max_fields * sizeof *self->off);
    self->lens = malloc(self->opt.max_fields * sizeof *self->lens);
    self->ptrs = malloc(self->opt.max_fields * sizeof *self->ptrs);
    if (!self->in || !self->buf || !self->off || !self->lens || !self->ptrs) {
        csv_reader_destroy(&self);
        return NULL;
    }
    if (self->opt.delimiter)
        init_tables(self);
    return self;
}

csv_reader *csv_reader_new(int fd, const csv_options *opt)
{
    return reader_new(fd, NULL, opt);
}

csv_reader *csv_reader_new_file(FILE *fp, const csv_options *opt)
{
    return reader_new(-1, fp, opt);
}

/* ---- the record being built ---- */

static void set_status(csv_reader *self, csv_status status, size_t field)
{
    if (self->cur.status == CSV_OK) {
        self->cur.status = status;
        self->cur.bad_field = field;
    }
}

/* Makes *p (of *cap bytes, maybe NULL) hold at least need bytes. 0 or -1. */
static int grow(char **p, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap * 2 : 4096;
    while (n < need)
        n *= 2;
    char *q = realloc(*p, n);
    if (!q)
        return -1;
    *p = q;
    *cap = n;
    return 0;
}

static int reserve(csv_reader *self, size_t need)
{
    return grow(&self->buf, &self->bcap, need);
}

static void begin_field(csv_reader *self)
{
    self->field_chars = 0;
    self->field_full = 0;
    self->discard = self->nfields >= self->opt.max_fields;
    if (self->discard)
        set_status(self, CSV_ERR_TOO_MANY_FIELDS, self->opt.max_fields);
    else
        self->off[self->nfields] = self->blen;
}

static int end_field(csv_reader *self)
{
    self->spanning = 0;
    if (self->discard)
        return 0;
    if (reserve(self, self->blen + 1) < 0)
        return -1;
    self->buf[self->blen++] = '\0';
    self->lens[self->nfields] = self->blen - 1 - self->off[self->nfields];
    self->nfields++;
    return 0;
}

static void begin_record(csv_reader *self)
{
    self->in_record = 1;
    self->records++;
    self->cur.record_no = self->records;
    self->cur.line_no = self->line;
    self->cur.status = CSV_OK;
    self->cur.bad_field = 0;
    self->cur.quote_line = 0;
    self->cur.cut = 0;
    self->nfields = 0;
    self->blen = 0;
    begin_field(self);
}

/* Appends n bytes holding chars characters to the current field. */
static int append(csv_reader *self, const unsigned char *p, size_t n, size_t chars)
{
    if (self->discard || self->field_full)
        return 0;
    self->field_chars += chars;
    if (self->field_chars > self->opt.max_field) {
        set_status(self, CSV_ERR_FIELD_TOO_LONG, self->nfields);
        self->field_full = 1;
        return 0;
    }
    if (self->blen + n > self->opt.max_record) {
        set_status(self, CSV_ERR_RECORD_TOO_LONG, self->nfields);
        self->field_full = 1;
        return 0;
    }
    if (reserve(self, self->blen + n) < 0)
        return -1;
    memcpy(self->buf + self->blen, p, n);
    self->blen += n;
    return 0;
}

static void finish_record(csv_reader *self, csv_record *rec)
{
    self->in_record = 0;
    self->state = P_FIELD_START;
    for (size_t i = 0; i < self->nfields; i++) {
        self->ptrs[i] = self->buf + self->off[i];
        if (self->cur.status == CSV_OK && !text_utf8_valid(self->ptrs[i], self->lens[i], NULL))
            set_status(self, CSV_ERR_ENCODING, i);
    }
    if (self->cur.record_no == 1)
        self->header_fields = self->nfields;
    self->cur.nfields = self->nfields;
    self->cur.encoding = csv_decoder_encoding(self->in);
    self->cur.fields = self->ptrs;
    self->cur.lens = self->lens;
    *rec = self->cur;
}

/* ---- parsing ---- */

static void count_line(csv_reader *self, unsigned char c)
{
    if (c == '\r' || !self->last_cr)
        self->line++;
    self->last_cr = c == '\r';
}

/* The quoted field being read has its first line break: from here on the
 * input is kept, to be read again if the field turns out broken. */
static void start_spanning(csv_reader *self)
{
    self->spanning = 1;
    self->quote_cr = self->last_cr;
    self->quote_blen = self->blen;
    self->kept_len = 0;
}

/* A quoted field is broken: status (forced: it explains the rest) on the
 * record; one that ran over line breaks is cut back to its first line, and
 * the lines after the quote's are to be read again as rows (replay). */
static void broken_quote(csv_reader *self, csv_status status)
{
    self->cur.status = status;
    self->cur.bad_field = self->nfields;
    self->cur.quote_line = self->quote_line;
    if (self->spanning) {
        self->blen = self->quote_blen;
        self->replay = 1;
    }
}

/* The input ended inside a quoted field that ran over line breaks, and not
 * right after a line break. A file cut short (a download or an export broken
 * off inside a cell of several lines) ends so; a stray quote only when the
 * file's last line has no line break either, and then the lines the quote
 * swallowed are rows, one at least with as many delimiters as the header.
 * 1 when none of the kept lines has: they are the field's own lines, the
 * end of a cut file, not rows to read again. */
static int cut_inside_field(const csv_reader *self)
{
    if (self->header_fields < 2 || self->kept_len == 0
        || self->kept[self->kept_len - 1] == '\n' || self->kept[self->kept_len - 1] == '\r')
        return 0;
    size_t delims = 0;
    for (size_t i = 0; i < self->kept_len; i++) {
        char c = self->kept[i];
        if (c == self->opt.delimiter && ++delims + 1 >= self->header_fields)
            return 0;
        if (c == '\n' || c == '\r')
            delims = 0;
    }
    return 1;
}

/* Handles one byte that is special in the current state. 1 when it ended the
 * record, 0 to go on, -1 out of memory. *consumed is 0 when the byte must be
 * looked at again in the new state. */
static int step(csv_reader *self, unsigned char c, int *consumed)
{
    int eol = c == '\r' || c == '\n';
    *consumed = 1;
    if (eol)
        count_line(self, c);
    else
        self->last_cr = 0;
    switch (self->state) {
    case P_FIELD_START:
        if (!self->in_record) {
            if (eol)
                return 0;                       /* blank line */
            begin_record(self);
        }
        if (c == '"') {
            self->state = P_QUOTED;
            self->quote_line = self->line;
            return 0;
        }
        if (c != (unsigned char)self->opt.delimiter && !eol) {
            self->state = P_UNQUOTED;
            *consumed = 0;
            return 0;
        }
        break;
    case P_UNQUOTED:
        if (c == '\0') {                        /* kept, for the message to say where */
            set_status(self, CSV_ERR_ENCODING, self->nfields);
            return append(self, &c, 1, 1);
        }
        break;
    case P_QUOTED:
        if (c == '"') {
            self->state = P_QUOTE;
            return 0;
        }
        if (c == '\0')
            set_status(self, CSV_ERR_ENCODING, self->nfields);
        else if (eol && !self->spanning)
            start_spanning(self);
        return append(self, &c, 1, 1);
    case P_QUOTE:
        if (c == '"') {
            self->state = P_QUOTED;
            return append(self, &c, 1, 1);
        }
        if (c != (unsigned char)self->opt.delimiter && !eol) {
            *consumed = 0;
            if (self->spanning) {               /* text after a closing quote lines later */
                broken_quote(self, CSV_ERR_UNPAIRED_QUOTE);
                return end_field(self) < 0 ? -1 : 1;
            }
            self->state = P_UNQUOTED;           /* ... on the quote's line: kept */
            return 0;
        }
        break;
    }
    /* a delimiter or a line break ends the field */
    if (end_field(self) < 0)
        return -1;
    self->state = P_FIELD_START;
    if (eol)
        return 1;
    begin_field(self);
    return 0;
}

/* Keeps n bytes of input consumed in a spanning quoted field. 0 or -1. */
static int keep(csv_reader *self, const unsigned char *p, size_t n)
{
    if (grow(&self->kept, &self->kept_cap, self->kept_len + n) < 0)
        return -1;
    memcpy(self->kept + self->kept_len, p, n);
    self->kept_len += n;
    return 0;
}

/* Parses p[0..n). 1 when a record ended (*used bytes consumed), 0 when the
 * chunk ran out first, -1 out of memory. A spanning field gets at most
 * max_record bytes kept: a field that long is no field but a stray quote. */
static int parse(csv_reader *self, const unsigned char *p, size_t n, size_t *used)
{
    size_t i = 0;
    int r = 0;
    while (i < n && r == 0) {
        size_t end = n;
        if (self->spanning) {
            if (self->kept_len >= self->opt.max_record) {
                broken_quote(self, CSV_ERR_UNPAIRED_QUOTE);
                r = end_field(self) < 0 ? -1 : 1;
                break;
            }
            if (n - i > self->opt.max_record - self->kept_len)
                end = i + (self->opt.max_record - self->kept_len);
        }
        if (self->state == P_UNQUOTED || self->state == P_QUOTED) {
            const unsigned char *special =
                self->state == P_QUOTED ? self->special_quoted : self->special_plain;
            size_t j = i, chars = 0;
            while (j < end && !special[p[j]]) {
                chars += (p[j] & 0xC0) != 0x80;
                j++;
            }
            if (j > i) {
                self->last_cr = 0;
                if (append(self, p + i, j - i, chars) < 0 || (self->spanning && keep(self, p + i, j - i) < 0))
                    return -1;
                i = j;
                continue;
            }
        }
        int consumed, spanning = self->spanning;
        r = step(self, p[i], &consumed);
        if (r >= 0 && spanning && self->spanning && consumed && keep(self, p + i, 1) < 0)
            r = -1;
        i += (size_t)consumed;
    }
    *used = i;
    return r;
}

/* The record ended on a broken quote: the kept input is read again, before
 * whatever was still to be read again, from the line after the quote's. */
static int replay_kept(csv_reader *self)
{
    size_t rest = self->back_len - self->back_pos;
    if (grow(&self->kept, &self->kept_cap, self->kept_len + rest) < 0)
        return -1;
    if (rest)
        memcpy(self->kept + self->kept_len, self->back + self->back_pos, rest);
    char *b = self->back;
    size_t cap = self->back_cap;
    self->back = self->kept;
    self->back_cap = self->kept_cap;
    self->back_len = self->kept_len + rest;
    self->back_pos = 0;
    self->kept = b;
    self->kept_cap = cap;
    self->kept_len = 0;
    self->line = self->quote_line + 1;
    self->last_cr = self->quote_cr;
    self->replay = 0;
    return 0;
}

/* Hands out the record just ended, and sets up re-reading. 1, or -1 out of memory. */
static int end_record(csv_reader *self, csv_record *rec)
{
    finish_record(self, rec);
    return self->replay && replay_kept(self) < 0 ? -1 : 1;
}

/* The next chunk to parse: input read again, else the decoder's. 1, 0 at
 * the end, -1 on a decoder failure. */
static int next_chunk(csv_reader *self, const unsigned char **p, size_t *n)
{
    if (self->back_pos < self->back_len) {
        *p = (const unsigned char *)self->back + self->back_pos;
        *n = self->back_len - self->back_pos;
        return 1;
    }
    return csv_decoder_next(self->in, p, n);
}

static void consume(csv_reader *self, size_t n)
{
    if (self->back_pos < self->back_len)
        self->back_pos += n;
    else
        csv_decoder_consume(self->in, n);
}

/* The header line as choose_delimiter() reads it, over chunks. */
typedef struct {
    int    quoted;      /* inside quotes */
    int    seen;        /* a byte of the line seen (blank lines before it skipped) */
    int    ended;       /* its line break reached */
    size_t tabs, commas, semicolons;
} header_scan;

/* Counts the tabs, commas and semicolons outside quotes in p[0..n) up to the end of the
 * header line. Returns the bytes looked at. */
static size_t scan_header(header_scan *h, const unsigned char *p, size_t n)
{
    size_t i = 0;
    while (i < n && !h->ended) {
        unsigned char c = p[i++];
        if (c == '"')
            h->quoted = !h->quoted;
        if (h->quoted || c == '"')
            h->seen = 1;
        else if (c == '\n' || c == '\r')
            h->ended = h->seen;
        else {
            h->seen = 1;
            h->tabs += c == '\t';
            h->commas += c == ',';
            h->semicolons += c == ';';
        }
    }
    return i;
}

/* The one of the header line's tabs, semicolons and commas outside quotes
 * there are most of: a tab-separated .tsv or .txt (as Excel saves
 * “文本文件（制表符分隔）”), a CSV of semicolons (Excel's where a decimal
 * comma is the custom, an open data portal's “CSV for Excel (Europe)”), else
 * a comma, which also wins a tie. */
static char header_delimiter(const header_scan *h)
{
    if (h->tabs > h->commas && h->tabs >= h->semicolons)
        return '\t';
    return h->semicolons > h->commas ? ';' : ',';
}

/* The delimiter when none was told, header_delimiter()'s. The line
 * (max_record bytes at most) is read into back, to be parsed from there. 0,
 * or -1 on a decoder failure or out of memory (errstr set). */
static int choose_delimiter(csv_reader *self)
{
    header_scan h = {0};
    while (!h.ended && self->back_len < self->opt.max_record) {
        const unsigned char *p;
        size_t n;
        int r = csv_decoder_next(self->in, &p, &n);
        if (r < 0) {
            snprintf(self->errstr, sizeof self->errstr, "%s", csv_decoder_errstr(self->in));
            return -1;
        }
        if (r == 0)
            break;
        n = scan_header(&h, p, n);
        if (grow(&self->back, &self->back_cap, self->back_len + n) < 0) {
            snprintf(self->errstr, sizeof self->errstr, "%s", CSV_NO_MEMORY);
            return -1;
        }
        memcpy(self->back + self->back_len, p, n);
        self->back_len += n;
        csv_decoder_consume(self->in, n);
    }
    self->opt.delimiter = header_delimiter(&h);
    init_tables(self);
    return 0;
}

int csv_read(csv_reader *self, csv_record *rec)
{
    if (self->failed)
        return -1;
    if (!self->opt.delimiter && choose_delimiter(self) < 0) {
        self->failed = 1;
        return -1;
    }
    for (;;) {
        const unsigned char *p;
        size_t n, used;
        int r = next_chunk(self, &p, &n);
        if (r < 0) {
            snprintf(self->errstr, sizeof self->errstr, "%s", csv_decoder_errstr(self->in));
            self->failed = 1;
            return -1;
        }
        if (r == 0) {
            if (!self->in_record)
                return 0;
            if (self->state == P_QUOTED) {
                if (self->spanning && cut_inside_field(self))
                    self->spanning = 0;     /* nothing to read again: the field keeps its lines */
                broken_quote(self, CSV_ERR_UNTERMINATED_QUOTE);
            }
            self->cur.cut = !self->replay;
            if (end_field(self) < 0 || end_record(self, rec) < 0)
                break;
            return 1;
        }
        r = parse(self, p, n, &used);
        if (r < 0)
            break;
        consume(self, used);
        if (r) {
            if (end_record(self, rec) < 0)
                break;
            return 1;
        }
    }
    snprintf(self->errstr, sizeof self->errstr, "%s", CSV_NO_MEMORY);
    self->failed = 1;
    return -1;
}

csv_encoding csv_reader_encoding(const csv_reader *self)
{
    return csv_decoder_encoding(self->in);
}

int csv_reader_unsure(const csv_reader *self)
{
    return csv_decoder_unsure(self->in);
}

const char *csv_status_text(csv_status status)
{
    switch (status) {
    case CSV_ERR_FIELD_TOO_LONG:     return "字段太长";
    case CSV_ERR_RECORD_TOO_LONG:    return "一行太长";
    case CSV_ERR_TOO_MANY_FIELDS:    return "列太多";
    case CSV_ERR_UNTERMINATED_QUOTE: return "引号里的字段到文件末尾都没有闭合";
    case CSV_ERR_ENCODING:           return "不是有效的文本（UTF-8、GB18030 或 UTF-16）";
    case CSV_ERR_UNPAIRED_QUOTE:     return "引号没有配对";
    case CSV_ERR_CELL:               return "工作簿的单元格已损坏";
    case CSV_OK:                     break;
    }
    return "ok";
}

size_t csv_field_bad_char(const csv_record *rec, size_t col, int *nul)
{
    size_t len = col < rec->nfields ? rec->lens[col] : 0, off = len;
    const char *f = col < rec->nfields ? rec->fields[col] : "";
    const char *z = memchr(f, '\0', len);
    text_utf8_valid(f, len, &off);
    *nul = z && (size_t)(z - f) <= off;
    if (*nul)
        off = (size_t)(z - f);
    return off < len ? text_utf8_chars(f, off) + 1 : 0;
}

const csv_options *csv_reader_options(const csv_reader *self)
{
    return &self->opt;
}

uint64_t csv_reader_bytes(const csv_reader *self)
{
    return csv_decoder_bytes(self->in);
}

const char *csv_reader_errstr(const csv_reader *self)
{
    return self->errstr;
}

void csv_reader_destroy(csv_reader **self)
{
    if (!self || !*self)
        return;
    csv_reader *r = *self;
    csv_decoder_destroy(&r->in);
    free(r->buf);
    free(r->off);
    free(r->lens);
    free(r->ptrs);
    free(r->kept);
    free(r->back);
    free(r);
    *self = NULL;
}
