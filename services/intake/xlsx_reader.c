/* xlsx_reader.c — streaming reader of an XLSX workbook's first sheet (see xlsx_reader.h).
 *
 * Four XML parts are read: xl/workbook.xml (first <sheet>'s r:id), its _rels
 * (that id's target part), xl/sharedStrings.xml (the string table cells of type
 * "s" index into), xl/styles.xml (styles showing dates); then the sheet is fed
 * to expat 64 KiB at a time and completed rows are handed out one by one.
 *
 * Memory is counted as malloc takes it (string_cost()): the shared strings
 * against max_shared_bytes, the completed rows not yet handed out against
 * HELD_BYTES. Past that, parsing is suspended at the end of a row (expat's
 * resumable stop) and resumed once they are handed out, so a chunk of tiny
 * rows naming far columns no longer piles up hundreds of megabytes.
 */
#include "xlsx_reader.h"

#include <expat.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "intake_buf.h"
#include "text.h"
#include "xlsx_styles.h"

#define CHUNK      65536
#define HELD_BYTES (1u << 20)   /* completed rows held before parsing pauses */

typedef struct {
    char        **cells;        /* empty cells point to no_text, not allocated */
    size_t        n, cap;
    long          row_no;
    size_t        text_bytes;   /* of its cells, against max_row_bytes */
    size_t        cost;         /* what its cells take in memory */
    xlsx_problem  problem;      /* of its first damaged cell */
    size_t        bad_col;
    unsigned char *dates;       /* NULL, or per cell (cap_dates): 1 for a number shown as a date */
    size_t        cap_dates;
} xrow;

static char no_text[1];

struct xlsx_reader {
    zip_t        *zip;
    zip_file_t   *sheet;
    uint64_t      sheet_left;       /* bytes the sheet may still decompress to */
    XML_Parser    parser;
    xlsx_limits   lim;
    xlsx_styles  *styles;           /* which cell styles show dates */
    long          cell_style;       /* s of the <c> being parsed */
    char        **sst;              /* shared strings */
    size_t        nsst, cap_sst;
    uint64_t      sst_bytes;        /* what they take in memory */
    xrow         *ready;            /* completed rows not yet handed out */
    size_t        nready, cap_ready, next_ready;
    size_t        held;             /* what those rows take in memory */
    int           suspended;        /* the sheet's parsing paused for them (HELD_BYTES) */
    xrow          building;         /* the <row> being parsed */
    xrow          current;          /* the row last handed out */
    long          cell_col;         /* column of the <c> being parsed, 0-based */
    long          prev_col;         /* column of the row's previous <c>, empty or not; -1 at its start */
    char          cell_type[16];
    int           cell_misplaced;   /* the <c> being parsed is not after the previous one */
    int           in_value, in_phonetic;
    intake_buf    text;             /* text of the <v>/<t> being parsed */
    int           text_too_long;    /* ... passed max_cell_bytes (the rest not kept) */
    int           in_sheet;         /* parsing the sheet (not another part) */
    int           eof, failed;
    int           date1904;         /* serial dates count from 1904 (xl/workbook.xml) */
    char          sheet_rid[128];   /* r:id of the first <sheet> in xl/workbook.xml */
    char          sheet_part[512];  /* its zip member name */
    char          sheet_name[128];  /* its name, as the workbook's tab shows it */
    size_t        nsheets;          /* <sheet>s in xl/workbook.xml */
    char          others[512];      /* the names of the others, "「统计」「说明」", cut at a whole name */
    char          err[512];
};

/* After a part that does not unzip, with libzip's reason. */
#define UNZIP_FAILED "%s 解压不了（%s）：文件可能已损坏，请在 Excel 里打开，另存为 Excel 工作簿（.xlsx）后再导入"

static void set_err(xlsx_reader *self, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_err(xlsx_reader *self, const char *fmt, ...)
{
    if (self->failed)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(self->err, sizeof self->err, fmt, ap);
    va_end(ap);
    self->failed = 1;
    if (self->parser)
        XML_StopParser(self->parser, XML_FALSE);
}

static const char *attr(const XML_Char **atts, const char *name)
{
    for (int i = 0; atts[i]; i += 2) {
        const char *colon = strchr(atts[i], ':');
        if (strcmp(atts[i], name) == 0 || (colon && strchr(name, ':') && strcmp(colon, strchr(name, ':')) == 0))
            return atts[i + 1];
    }
    return NULL;
}

/* Element name without a namespace prefix ("x:row" → "row"). */
static const char *local(const char *name)
{
    const char *c = strrchr(name, ':');
    return c ? c + 1 : name;
}

static void XMLCALL refuse_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                                   const XML_Char *pubid, int has_internal)
{
    (void)name; (void)sysid; (void)pubid; (void)has_internal;
    set_err(ud, "拒收 XML DOCTYPE（XLSX 的部件里不应有；防实体膨胀攻击）");
}

static void XMLCALL refuse_entity(void *ud, const XML_Char *name, int pe, const XML_Char *v, int vlen,
                                  const XML_Char *base, const XML_Char *sys, const XML_Char *pub,
                                  const XML_Char *notation)
{
    (void)pe; (void)v; (void)vlen; (void)base; (void)sys; (void)pub; (void)notation;
    set_err(ud, "拒收 XML 实体声明“%s”（防实体膨胀攻击）", name);
}

static XML_Parser new_parser(xlsx_reader *self)
{
    XML_Parser p = XML_ParserCreate("UTF-8");
    if (!p)
        return NULL;
    XML_SetUserData(p, self);
    XML_SetStartDoctypeDeclHandler(p, refuse_doctype);
    XML_SetEntityDeclHandler(p, refuse_entity);
    return p;
}

/* Opens a zip member after checking its declared size and compression ratio. */
static zip_file_t *open_member(xlsx_reader *self, const char *name, uint64_t *size, int required)
{
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat(self->zip, name, 0, &st) != 0) {
        if (required)
            set_err(self, "不是 XLSX 工作簿：缺 %s", name);
        return NULL;
    }
    if (!(st.valid & ZIP_STAT_SIZE) || st.size > self->lim.max_member_bytes) {
        set_err(self, "%s 解压后有 %llu 字节，超过上限 %llu（防压缩炸弹）", name,
                (unsigned long long)st.size, (unsigned long long)self->lim.max_member_bytes);
        return NULL;
    }
    if ((st.valid & ZIP_STAT_COMP_SIZE) && st.size > 1048576 && st.size / (st.comp_size + 1) > self->lim.max_ratio) {
        set_err(self, "%s 的压缩比 %llu:1，超过上限 %u:1（防压缩炸弹）", name,
                (unsigned long long)(st.size / (st.comp_size + 1)), self->lim.max_ratio);
        return NULL;
    }
    zip_file_t *f = zip_fopen(self->zip, name, 0);
    if (!f)
        set_err(self, UNZIP_FAILED, name, zip_strerror(self->zip));
    *size = st.size;
    return f;
}

/* XML that is not well-formed. In the sheet, the row and cell it broke in
 * are named (the XML's own line is often the whole sheet); there is no
 * reading past it, so the file has to be saved again whole. */
static void xml_broken(xlsx_reader *self, XML_Parser p, const char *name)
{
    const char *what = XML_ErrorString(XML_GetErrorCode(p));
    unsigned long line = (unsigned long)XML_GetCurrentLineNumber(p), at = (unsigned long)XML_GetCurrentColumnNumber(p);
    if (!self->in_sheet) {
        set_err(self, "%s：第 %lu 行 XML 出错：%s", name, line, what);
        return;
    }
    char where[96] = "第一行之前", col[8];
    if (self->building.row_no > 0 && self->prev_col >= 0) {
        xlsx_column_name((size_t)self->prev_col, col);
        snprintf(where, sizeof where, "第 %ld 行（单元格 %s%ld 处）", self->building.row_no, col, self->building.row_no);
    } else if (self->building.row_no > 0) {
        snprintf(where, sizeof where, "第 %ld 行", self->building.row_no);
    }
    set_err(self, "工作表%s的 XML 损坏（%s，XML 第 %lu 行第 %lu 列），其后的内容读不出来："
            "请用 Excel 打开这个文件、另存为 .xlsx 后再导入", where, what, line, at);
}

/* What XML_ParseBuffer() or XML_ResumeParser() said of member name: 1 more
 * to come (also when paused), 0 done, -1 error. */
static int parsed(xlsx_reader *self, XML_Parser p, enum XML_Status st, const char *name)
{
    if (st == XML_STATUS_ERROR && !self->failed)
        xml_broken(self, p, name);
    if (self->failed)
        return -1;
    self->suspended = st == XML_STATUS_SUSPENDED;
    XML_ParsingStatus ps;
    XML_GetParsingStatus(p, &ps);
    return self->suspended || !ps.finalBuffer;
}

/* Feeds one chunk of member f to parser p, read straight into expat's
 * buffer (which keeps what a pause leaves unparsed). 1 more to come, 0 done,
 * -1 error. */
static int feed_chunk(xlsx_reader *self, zip_file_t *f, XML_Parser p, uint64_t *left, const char *name)
{
    void *chunk = XML_GetBuffer(p, CHUNK);
    if (!chunk) {
        set_err(self, "内存不足");
        return -1;
    }
    zip_int64_t n = zip_fread(f, chunk, CHUNK);
    if (n < 0) {
        set_err(self, UNZIP_FAILED, name, zip_file_strerror(f));
        return -1;
    }
    if ((uint64_t)n > *left) {
        set_err(self, "%s 解压出的字节比它声明的多（防压缩炸弹）", name);
        return -1;
    }
    *left -= (uint64_t)n;
    return parsed(self, p, XML_ParseBuffer(p, (int)n, n == 0), name);
}

/* Parses a whole (small) member with the given handlers. */
static int parse_member(xlsx_reader *self, const char *name, int required, XML_StartElementHandler start,
                        XML_EndElementHandler end, XML_CharacterDataHandler chars)
{
    uint64_t left = 0;
    zip_file_t *f = open_member(self, name, &left, required);
    if (!f)
        return self->failed ? -1 : 0;
    XML_Parser p = new_parser(self);
    int rc = -1;
    if (!p) {
        set_err(self, "内存不足");
        goto cleanup;
    }
    self->parser = p;
    XML_SetElementHandler(p, start, end);
    XML_SetCharacterDataHandler(p, chars);
    while ((rc = feed_chunk(self, f, p, &left, name)) > 0)
        ;
cleanup:
    self->parser = NULL;
    if (p)
        XML_ParserFree(p);
    zip_fclose(f);
    return rc;
}

/* ---- workbook.xml and its relationships: where the first sheet is ---- */

/* A <sheet> after the first: counted, its name kept while it fits whole. */
static void other_sheet(xlsx_reader *self, const char *sheet_name)
{
    size_t n = strlen(self->others), need = strlen(sheet_name) + sizeof "「」";
    if (n + need <= sizeof self->others)
        snprintf(self->others + n, sizeof self->others - n, "「%s」", sheet_name);
}

static void XMLCALL wb_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    xlsx_reader *self = ud;
    const char *id = attr(atts, "r:id"), *d1904 = attr(atts, "date1904"), *sheet_name = attr(atts, "name");
    if (strcmp(local(name), "sheet") == 0) {
        if (self->nsheets++ == 0)
            snprintf(self->sheet_name, sizeof self->sheet_name, "%s", sheet_name ? sheet_name : "");
        else
            other_sheet(self, sheet_name ? sheet_name : "");
    }
    if (strcmp(local(name), "sheet") == 0 && !self->sheet_rid[0] && id)
        snprintf(self->sheet_rid, sizeof self->sheet_rid, "%s", id);
    else if (strcmp(local(name), "workbookPr") == 0 && d1904)
        self->date1904 = strcmp(d1904, "1") == 0 || strcmp(d1904, "true") == 0;
}

static void XMLCALL rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    xlsx_reader *self = ud;
    const char *id = attr(atts, "Id"), *target = attr(atts, "Target");
    if (strcmp(local(name), "Relationship") != 0 || !id || !target || strcmp(id, self->sheet_rid) != 0)
        return;
    if (target[0] == '/')
        snprintf(self->sheet_part, sizeof self->sheet_part, "%s", target + 1);
    else
        snprintf(self->sheet_part, sizeof self->sheet_part, "xl/%s", target);
}

static void XMLCALL no_end(void *ud, const XML_Char *name) { (void)ud; (void)name; }
static void XMLCALL no_chars(void *ud, const XML_Char *s, int len) { (void)ud; (void)s; (void)len; }

static int locate_sheet(xlsx_reader *self)
{
    if (parse_member(self, "xl/workbook.xml", 1, wb_start, no_end, no_chars) != 0)
        return -1;
    if (!self->sheet_rid[0])
        set_err(self, "xl/workbook.xml 里没有工作表");
    else if (parse_member(self, "xl/_rels/workbook.xml.rels", 1, rels_start, no_end, no_chars) == 0 &&
             !self->sheet_part[0])
        set_err(self, "第一个工作表（%s）在 xl/_rels/workbook.xml.rels 里找不到", self->sheet_rid);
    return self->failed ? -1 : 0;
}

/* ---- styles.xml: which cell styles show dates ---- */

static void XMLCALL styles_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    xlsx_reader *self = ud;
    if (xlsx_styles_start(self->styles, local(name), attr(atts, "numFmtId"), attr(atts, "formatCode")) < 0)
        set_err(self, "内存不足");
}

static void XMLCALL styles_end(void *ud, const XML_Char *name)
{
    xlsx_styles_end(((xlsx_reader *)ud)->styles, local(name));
}

/* What malloc takes for a string of len bytes (glibc: an 8-byte header,
 * 16-byte steps, 32 at least), as memory is counted against the limits. */
static size_t string_cost(size_t len)
{
    size_t n = (len + 1 + 8 + 15) & ~(size_t)15;
    return n < 32 ? 32 : n;
}

/* Starts the text of a value (<si>, <c>): empty, within max_cell_bytes. */
static void text_reset(xlsx_reader *self)
{
    self->text.len = 0;
    if (self->text.data)
        self->text.data[0] = '\0';
    self->text_too_long = 0;
}

/* ---- shared strings ---- */

/* The value of one hex digit, -1 for another character. */
static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Undoes the escapes of a string in a workbook (ECMA-376 ST_Xstring): Excel
 * and libxlsxwriter write a character XML cannot carry as _xHHHH_, its
 * UTF-16 code unit in hex (a carriage return inside a cell, the commonest,
 * as _x000D_), and the underscore of a text that has such a form in it as
 * _x005F_. Kept as written: _x0000_ (a NUL would end the value) and a
 * surrogate half. In place, the text only shortens; returns its new length. */
static size_t xstring_unescape(char *s, size_t len)
{
    size_t in = 0, out = 0;
    while (in < len) {
        unsigned cp = 0;
        int ok = in + 7 <= len && s[in] == '_' && s[in + 1] == 'x' && s[in + 6] == '_';
        for (size_t k = 2; ok && k < 6; k++) {
            int d = hex_digit(s[in + k]);
            ok = d >= 0;
            cp = cp << 4 | (unsigned)(d < 0 ? 0 : d);
        }
        if (ok && cp != 0 && (cp < 0xD800 || cp > 0xDFFF)) {
            text_utf8_append(s, out + 4, &out, cp);     /* at most 3 bytes and the NUL, over the 7 read */
            in += 7;
        } else {
            s[out++] = s[in++];
        }
    }
    s[out] = '\0';
    return out;
}

static void XMLCALL sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    xlsx_reader *self = ud;
    (void)atts;
    const char *n = local(name);
    if (strcmp(n, "si") == 0)
        text_reset(self);
    else if (strcmp(n, "rPh") == 0)
        self->in_phonetic = 1;      /* phonetic guides are not part of the value */
    else if (strcmp(n, "t") == 0 && !self->in_phonetic)
        self->in_value = 1;
}

static void XMLCALL text_chars(void *ud, const XML_Char *s, int len)
{
    xlsx_reader *self = ud;
    if (!self->in_value || self->text_too_long)
        return;
    if (self->text.len + (size_t)len > self->lim.max_cell_bytes) {
        self->text_too_long = 1;     /* the cell's row says so (XLSX_CELL_TOO_LONG) */
        return;
    }
    if (intake_buf_add(&self->text, s, (size_t)len) != 0)
        set_err(self, "内存不足");
}

static void XMLCALL sst_end(void *ud, const XML_Char *name)
{
    xlsx_reader *self = ud;
    const char *n = local(name);
    if (strcmp(n, "t") == 0) {
        self->in_value = 0;
    } else if (strcmp(n, "rPh") == 0) {
        self->in_phonetic = 0;
    } else if (strcmp(n, "si") == 0) {
        if (self->text.data)
            self->text.len = xstring_unescape(self->text.data, self->text.len);
        /* its pointer (the table doubles) and, unless too long (kept as NULL), its copy */
        self->sst_bytes += 2 * sizeof(char *) + (self->text_too_long ? 0 : string_cost(self->text.len));
        if (self->sst_bytes > self->lim.max_shared_bytes) {
            set_err(self, "共享字符串在内存里要超过 %llu 字节（第 %zu 个起），超过上限：请把工作表另存为 CSV 后导入",
                    (unsigned long long)self->lim.max_shared_bytes, self->nsst + 1);
            return;
        }
        if (self->nsst == self->cap_sst) {
            size_t cap = self->cap_sst ? self->cap_sst * 2 : 1024;
            char **p = realloc(self->sst, cap * sizeof *p);
            if (!p) {
                set_err(self, "内存不足");
                return;
            }
            self->sst = p;
            self->cap_sst = cap;
        }
        if (self->text_too_long)
            self->sst[self->nsst++] = NULL;     /* the cells naming it are too long */
        else if (!(self->sst[self->nsst] = strdup(self->text.data ? self->text.data : "")))
            set_err(self, "内存不足");
        else
            self->nsst++;
    }
}

/* ---- the sheet ---- */

#define MAX_COLUMNS 16384    /* Excel's last column, XFD */
#define MAX_ROWS    1048576  /* Excel's last row */

/* The 0-based column of a cell reference ("B7": 1; -1 when it has no
 * letters). Past MAX_COLUMNS it stops counting: no such column is kept, and
 * a long run of letters in a damaged file must not overflow. */
static long column_of(const char *ref)
{
    long col = 0;
    for (; *ref >= 'A' && *ref <= 'Z' && col <= MAX_COLUMNS; ref++)
        col = col * 26 + (*ref - 'A' + 1);
    return col - 1;
}

void xlsx_column_name(size_t col, char out[8])
{
    char rev[8];
    size_t n = 0;
    for (size_t c = col + 1; c > 0 && n < 7; c = (c - 1) / 26)
        rev[n++] = (char)('A' + (c - 1) % 26);
    for (size_t i = 0; i < n; i++)
        out[i] = rev[n - 1 - i];
    out[n] = '\0';
}

/* Marks the row's first damaged cell. */
static void row_problem(xrow *row, xlsx_problem problem, long col)
{
    if (row->problem)
        return;
    row->problem = problem;
    row->bad_col = (size_t)col;
}

/* Puts value into column col (after the row's last cell), the columns
 * between empty. A cell past max_columns, or one taking the row's text past
 * max_row_bytes, is not kept: the row is marked. 0, or -1 out of memory. */
static int row_put(const xlsx_limits *lim, xrow *row, long col, const char *value)
{
    size_t len = strlen(value), cap = row->cap ? row->cap : 16;
    if ((size_t)col >= lim->max_columns) {
        row_problem(row, XLSX_CELL_TOO_FAR, col);
        return 0;
    }
    if (row->text_bytes + len > lim->max_row_bytes) {
        row_problem(row, XLSX_ROW_TOO_LONG, col);
        return 0;
    }
    while (cap <= (size_t)col)
        cap *= 2;
    if (cap > row->cap) {
        char **p = realloc(row->cells, cap * sizeof *p);
        if (!p)
            return -1;
        row->cost += (cap - row->cap) * sizeof *p;
        row->cells = p;
        row->cap = cap;
    }
    if (!(row->cells[col] = strdup(value)))
        return -1;
    while (row->n < (size_t)col)
        row->cells[row->n++] = no_text;
    row->n++;
    row->text_bytes += len;
    row->cost += string_cost(len);
    return 0;
}

/* Marks the row's stored cell col a number shown as a date. 0, or -1 out of memory. */
static int row_date(xrow *row, long col)
{
    if ((size_t)col >= row->n || row->cells[col] == no_text)
        return 0;                   /* not kept (past max_columns) */
    if ((size_t)col >= row->cap_dates) {
        unsigned char *p = realloc(row->dates, row->cap);
        if (!p)
            return -1;
        memset(p + row->cap_dates, 0, row->cap - row->cap_dates);
        row->cost += row->cap - row->cap_dates;
        row->dates = p;
        row->cap_dates = row->cap;
    }
    row->dates[col] = 1;
    return 0;
}

/* Empties the row, keeping its cells array (its cost stays counted). */
static void row_clear(xrow *row)
{
    for (size_t i = 0; i < row->n; i++)
        if (row->cells[i] != no_text)
            free(row->cells[i]);
    row->n = row->text_bytes = 0;
    row->cost = row->cap * sizeof *row->cells + row->cap_dates;
    row->problem = XLSX_ROW_OK;
    if (row->dates)
        memset(row->dates, 0, row->cap_dates);
}

static void row_free(xrow *row)
{
    row_clear(row);
    free(row->cells);
    free(row->dates);
    *row = (xrow){0};
}

/* Starts the row of a <row> whose r attribute is r (NULL: the one after the
 * last). A number that is not one of Excel's rows (1 to MAX_ROWS: a damaged
 * file) stops the reading, saying so; counted on, it once overflowed. */
static void row_start(xlsx_reader *self, const char *r)
{
    char *end = NULL, shown[24];
    long last = self->building.row_no, no = r ? strtol(r, &end, 10) : last + 1;
    row_clear(&self->building);
    self->prev_col = -1;
    if (r && (end == r || *end || no < 1 || no > MAX_ROWS)) {
        set_err(self, "第 %ld 行之后：行号“%s”不是 Excel 的行号（1 到 %d）", last, text_quote(shown, sizeof shown, r),
                MAX_ROWS);
    } else if (no > MAX_ROWS)
        set_err(self, "第 %ld 行之后：超过 Excel 的最后一行（第 %d 行）", last, MAX_ROWS);
    else
        self->building.row_no = no;
}

static void XMLCALL sheet_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    xlsx_reader *self = ud;
    const char *n = local(name);
    if (strcmp(n, "row") == 0) {
        row_start(self, attr(atts, "r"));
    } else if (strcmp(n, "c") == 0) {
        const char *r = attr(atts, "r"), *t = attr(atts, "t"), *style = attr(atts, "s");
        /* Without r, the column after the previous cell's, even an empty
         * one: empty cells are not stored, so building.n would lag behind. */
        long col = r ? column_of(r) : self->prev_col + 1;
        self->cell_misplaced = col <= self->prev_col;
        self->cell_col = col >= 0 ? col : self->prev_col + 1;
        if (!self->cell_misplaced)
            self->prev_col = col;
        snprintf(self->cell_type, sizeof self->cell_type, "%s", t ? t : "n");
        self->cell_style = style ? strtol(style, NULL, 10) : 0;
        text_reset(self);
    } else if (strcmp(n, "v") == 0 || (strcmp(n, "t") == 0 && !self->in_phonetic)) {
        self->in_value = 1;
    } else if (strcmp(n, "rPh") == 0) {
        self->in_phonetic = 1;
    }
}

/* The value of the cell just parsed, or NULL with its row marked. */
static const char *cell_value(xlsx_reader *self)
{
    const char *v = self->text.data ? self->text.data : "";
    xlsx_problem problem = self->cell_misplaced ? XLSX_CELL_MISPLACED
                           : self->text_too_long ? XLSX_CELL_TOO_LONG : XLSX_ROW_OK;
    if (!problem && strcmp(self->cell_type, "s") == 0) {
        char *end;
        long idx = strtol(v, &end, 10);
        if (end == v || *end || idx < 0 || (size_t)idx >= self->nsst)
            problem = XLSX_CELL_NO_STRING;
        else if (!(v = self->sst[idx]))
            problem = XLSX_CELL_TOO_LONG;
    } else if (!problem && self->text.data) {      /* its own text: an inline string, a formula's, a number */
        self->text.len = xstring_unescape(self->text.data, self->text.len);
    }
    if (!problem)
        return v;
    row_problem(&self->building, problem, self->cell_col);
    return NULL;
}

/* The row parsed goes to the ready ones (unless it holds nothing); past
 * HELD_BYTES of them, parsing pauses until they are handed out. */
static void finish_row(xlsx_reader *self)
{
    if (self->building.n == 0 && !self->building.problem)
        return;
    if (self->nready == self->cap_ready) {
        size_t cap = self->cap_ready ? self->cap_ready * 2 : 64;
        xrow *p = realloc(self->ready, cap * sizeof *p);
        if (!p) {
            set_err(self, "内存不足");
            return;
        }
        self->ready = p;
        self->cap_ready = cap;
    }
    self->held += sizeof(xrow) + self->building.cost;
    self->ready[self->nready++] = self->building;
    self->building = (xrow){.row_no = self->building.row_no};
    if (self->held >= HELD_BYTES)
        XML_StopParser(self->parser, XML_TRUE);
}

static void XMLCALL sheet_end(void *ud, const XML_Char *name)
{
    xlsx_reader *self = ud;
    const char *n = local(name);
    if (strcmp(n, "v") == 0 || strcmp(n, "t") == 0) {
        self->in_value = 0;
    } else if (strcmp(n, "rPh") == 0) {
        self->in_phonetic = 0;
    } else if (strcmp(n, "c") == 0) {
        const char *v = cell_value(self);
        int date = strcmp(self->cell_type, "n") == 0 && xlsx_styles_is_date(self->styles, self->cell_style);
        if (v && v[0] && (row_put(&self->lim, &self->building, self->cell_col, v) != 0
                          || (date && row_date(&self->building, self->cell_col) != 0)))
            set_err(self, "第 %ld 行：内存不足", self->building.row_no);
    } else if (strcmp(n, "row") == 0) {
        finish_row(self);
    }
}

/* The reader over an opened zip (taken over, also on failure). NULL with
 * "name：reason" in err. */
static xlsx_reader *open_zip(zip_t *zip, const char *name, const xlsx_limits *lim, char *err, size_t errlen)
{
    xlsx_reader *self = calloc(1, sizeof *self);
    if (!self) {
        zip_discard(zip);
        snprintf(err, errlen, "%s：内存不足", name);
        return NULL;
    }
    self->zip = zip;
    self->lim = lim ? *lim : (xlsx_limits){0};
    if (!self->lim.max_member_bytes) self->lim.max_member_bytes = 2ULL << 30;
    if (!self->lim.max_ratio) self->lim.max_ratio = 200;
    if (!self->lim.max_cell_bytes) self->lim.max_cell_bytes = 32767 * 4;
    if (!self->lim.max_shared_bytes) self->lim.max_shared_bytes = 512ULL << 20;
    if (!self->lim.max_columns || self->lim.max_columns > MAX_COLUMNS) self->lim.max_columns = MAX_COLUMNS;
    if (!self->lim.max_row_bytes) self->lim.max_row_bytes = 4u << 20;
    if (!(self->styles = xlsx_styles_new()) || locate_sheet(self) != 0 ||
        parse_member(self, "xl/sharedStrings.xml", 0, sst_start, sst_end, text_chars) < 0 ||
        parse_member(self, "xl/styles.xml", 0, styles_start, styles_end, no_chars) < 0)
        goto fail;
    self->sheet = open_member(self, self->sheet_part, &self->sheet_left, 1);
    self->parser = self->sheet ? new_parser(self) : NULL;
    if (!self->parser)
        goto fail;
    XML_SetElementHandler(self->parser, sheet_start, sheet_end);
    XML_SetCharacterDataHandler(self->parser, text_chars);
    self->in_sheet = 1;
    return self;
fail:
    snprintf(err, errlen, "%s：%s", name, self->failed ? self->err : "内存不足");
    xlsx_close(&self);
    return NULL;
}

static void zip_failed(zip_error_t *ze, const char *name, char *err, size_t errlen)
{
    snprintf(err, errlen, "%s：不是可读的 XLSX（zip）文件：%s", name, zip_error_strerror(ze));
    zip_error_fini(ze);
}

xlsx_reader *xlsx_open(const char *path, const xlsx_limits *lim, char *err, size_t errlen)
{
    int zerr = 0;
    zip_t *zip = zip_open(path, ZIP_RDONLY, &zerr);
    if (!zip) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, zerr);
        zip_failed(&ze, path, err, errlen);
        return NULL;
    }
    return open_zip(zip, path, lim, err, errlen);
}

xlsx_reader *xlsx_open_buffer(const void *data, size_t len, const xlsx_limits *lim, char *err, size_t errlen)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
    zip_t *zip = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
    if (!zip) {
        zip_source_free(src);
        zip_failed(&ze, "workbook", err, errlen);
        return NULL;
    }
    zip_error_fini(&ze);
    return open_zip(zip, "workbook", lim, err, errlen);
}

int xlsx_next_row(xlsx_reader *self, char ***cells, size_t *ncells, long *row_no)
{
    row_free(&self->current);
    while (self->next_ready == self->nready) {
        self->next_ready = self->nready = 0;
        self->held = 0;
        if (self->failed)
            return -1;
        if (self->eof)
            return 0;
        int rc = self->suspended ? parsed(self, self->parser, XML_ResumeParser(self->parser), self->sheet_part)
                                 : feed_chunk(self, self->sheet, self->parser, &self->sheet_left, self->sheet_part);
        if (rc < 0 && self->nready == 0)
            return -1;              /* else the rows parsed before the error come out first */
        self->eof = rc == 0;
    }
    self->current = self->ready[self->next_ready++];
    *cells = self->current.cells;
    *ncells = self->current.n;
    *row_no = self->current.row_no;
    return 1;
}

int xlsx_date1904(const xlsx_reader *self)
{
    return self->date1904;
}

size_t xlsx_sheets(const xlsx_reader *self, const char **first, const char **others)
{
    *first = self->sheet_name;
    *others = self->others;
    return self->nsheets;
}

int xlsx_cell_is_date(const xlsx_reader *self, size_t col)
{
    return col < self->current.cap_dates && self->current.dates[col];
}

xlsx_problem xlsx_row_problem(const xlsx_reader *self, size_t *col)
{
    *col = self->current.bad_col;
    return self->current.problem;
}

const char *xlsx_errstr(const xlsx_reader *self)
{
    return self->err;
}

void xlsx_close(xlsx_reader **pself)
{
    if (!pself || !*pself)
        return;
    xlsx_reader *self = *pself;
    if (self->parser)
        XML_ParserFree(self->parser);
    if (self->sheet)
        zip_fclose(self->sheet);
    if (self->zip)
        zip_discard(self->zip);
    for (size_t i = 0; i < self->nsst; i++)
        free(self->sst[i]);
    free(self->sst);
    for (size_t i = self->next_ready; i < self->nready; i++)
        row_free(&self->ready[i]);
    free(self->ready);
    row_free(&self->building);
    row_free(&self->current);
    intake_buf_free(&self->text);
    xlsx_styles_destroy(&self->styles);
    free(self);
    *pself = NULL;
}
