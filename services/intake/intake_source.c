/* intake_source.c — CSV or XLSX rows as csv_records, and what the file itself
 * makes unreadable or leaves unread, in words for the clerk (see intake_source.h). */
#include "intake_source.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "intake_dates.h"
#include "intake_profile.h"
#include "text.h"
#include "xlsx_reader.h"

#define ZIP_MAGIC "PK\003\004"
#define OLE2_MAGIC "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"   /* an old Excel workbook (.xls), a Word file ... */

struct intake_source {
    csv_options  opt;
    csv_reader  *csv;           /* one of csv, xlsx */
    xlsx_reader *xlsx;
    size_t      *lens;          /* XLSX: the current row's cell lengths, */
    const char **fields;        /* ... its cells, a date cell as shown */
    unsigned char *dates;       /* ... 1 for a date cell */
    char       (*shown)[32];    /* ... the date and time a date cell shows */
    size_t       cap;
    char         why[400];      /* XLSX: what is wrong with the current row's damaged cell */
    char         err[600];
};

/* 1 when the file at fd starts with the len bytes of magic; the offset is kept. */
static int starts_with(int fd, const char *magic, size_t len)
{
    char head[8];
    off_t at = lseek(fd, 0, SEEK_CUR);
    ssize_t n = pread(fd, head, len, at < 0 ? 0 : at);
    return n == (ssize_t)len && memcmp(head, magic, len) == 0;
}

/* The byte after the spaces and line breaks from p[i], or 0 at end. */
static unsigned char after_spaces(const unsigned char *p, size_t n, size_t *i)
{
    while (*i < n && (p[*i] == ' ' || p[*i] == '\t' || p[*i] == '\r' || p[*i] == '\n'))
        (*i)++;
    return *i < n ? p[*i] : 0;
}

/* Why the file at fd, data but no table, cannot be imported, into why: as
 * open data portals also export it (their JSON, the API's, a map's GeoJSON;
 * their XML, RDF or RSS), or a web page saved where a download failed. 1
 * then, else 0 (a header such as [工单编号] is none). The offset is kept. */
static int not_a_table(int fd, char *why, size_t whylen)
{
    char head[65];
    off_t at = lseek(fd, 0, SEEK_CUR);
    ssize_t got = pread(fd, head, sizeof head - 1, at < 0 ? 0 : at);
    size_t n = got > 0 ? (size_t)got : 0, i = n >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    head[n] = '\0';
    unsigned char first = after_spaces((unsigned char *)head, n, &i);
    i++;
    unsigned char next = first ? after_spaces((unsigned char *)head, n, &i) : 0;
    const char *kind = (first == '{' && (next == '"' || next == '}')) || (first == '[' && next && strchr("{[\"]", next))
                           ? "JSON"
                       : first == '<' && (next == '?' || next == '!' || isalpha(next)) ? "XML" : NULL;
    if (kind && strcmp(kind, "XML") == 0 && strcasestr(head, "html"))
        snprintf(why, whylen, "这是网页（HTML），不是表格，读不了：下载多半没有成功，存下的是网站的页面；请在原网站重新下载 CSV "
                 "格式的文件，再导入");
    else if (kind)
        snprintf(why, whylen, "这是 %s 文件（开放数据网站导出或接口下载的数据），不是表格，读不了：请在原网站改选 CSV 格式"
                 "下载（导出里的 CSV），再导入", kind);
    return kind != NULL;
}

intake_source *intake_source_open(int fd, const char *path, const csv_options *opt,
                                  char *why, size_t whylen)
{
    intake_source *self = calloc(1, sizeof *self);
    if (!self) {
        snprintf(why, whylen, "内存不足");
        return NULL;
    }
    if (opt)
        self->opt = *opt;
    csv_options_fill(&self->opt);
    if (starts_with(fd, OLE2_MAGIC, 8)) {
        snprintf(why, whylen, "这是老式的 Excel 工作簿（.xls），读不了：请用 Excel 打开，另存为 Excel 工作簿（.xlsx）"
                 "或“CSV UTF-8（逗号分隔）”后再导入");
    } else if (not_a_table(fd, why, whylen)) {
        /* why says what it is */
    } else if (!starts_with(fd, ZIP_MAGIC, 4)) {
        if (!(self->csv = csv_reader_new(fd, &self->opt)))
            snprintf(why, whylen, "内存不足");
    } else {
        xlsx_limits lim = {.max_cell_bytes = self->opt.max_field * 4, .max_columns = self->opt.max_fields,
                           .max_row_bytes = self->opt.max_record};
        char err[600];
        if (!(self->xlsx = xlsx_open(path, &lim, err, sizeof err))) {
            const char *reason = strncmp(err, path, strlen(path)) == 0 ? err + strlen(path) : err;
            snprintf(why, whylen, "XLSX%s", reason);
        }
    }
    if (!self->csv && !self->xlsx)
        intake_source_destroy(&self);
    return self;
}

/* Marks rec with the problem of cell col of the sheet's row row_no: the
 * status, and what is wrong with the cell and how to mend it (intake_row.c
 * adds what becomes of the row). */
static void cell_problem(intake_source *self, xlsx_problem problem, size_t col, long row_no, csv_record *rec)
{
    char cell[32], name[8];
    xlsx_column_name(col, name);
    snprintf(cell, sizeof cell, "%s%ld", name, row_no);
    rec->bad_field = col;
    rec->why = self->why;
    switch (problem) {
    case XLSX_CELL_TOO_LONG:
        rec->status = CSV_ERR_FIELD_TOO_LONG;
        snprintf(self->why, sizeof self->why, "单元格 %s 超过 %zu 个字符", cell, self->opt.max_field);
        break;
    case XLSX_ROW_TOO_LONG:
        rec->status = CSV_ERR_RECORD_TOO_LONG;
        snprintf(self->why, sizeof self->why, "这一行到单元格 %s 已超过 %zu 字节", cell,
                 self->opt.max_record);
        break;
    case XLSX_CELL_TOO_FAR:
        rec->status = CSV_ERR_TOO_MANY_FIELDS;
        snprintf(self->why, sizeof self->why, "单元格 %s 超出了最多 %zu 列的范围，请删掉多余的列", cell,
                 self->opt.max_fields);
        break;
    case XLSX_CELL_NO_STRING:
        rec->status = CSV_ERR_CELL;
        snprintf(self->why, sizeof self->why, "单元格 %s 引用的共享字符串在工作簿里没有：工作簿已损坏，"
                 "请用 Excel 打开、另存为 .xlsx", cell);
        break;
    case XLSX_CELL_MISPLACED:
    default:
        rec->status = CSV_ERR_CELL;
        snprintf(self->why, sizeof self->why, "单元格 %s 没有排在同一行前一个单元格之后（顺序错乱、重复或没有列号）："
                 "工作簿已损坏，请用 Excel 打开、另存为 .xlsx", cell);
        break;
    }
}

/* Makes the row arrays hold n cells. 0, or -1 when out of memory. */
static int row_room(intake_source *self, size_t n)
{
    if (n <= self->cap)
        return 0;
    size_t *l = realloc(self->lens, n * sizeof *l);
    if (l)
        self->lens = l;
    const char **f = l ? realloc(self->fields, n * sizeof *f) : NULL;
    if (f)
        self->fields = f;
    unsigned char *d = f ? realloc(self->dates, n) : NULL;
    if (d)
        self->dates = d;
    char (*s)[32] = d ? realloc(self->shown, n * sizeof *s) : NULL;
    if (!s)
        return -1;
    self->shown = s;
    self->cap = n;
    return 0;
}

/* Cell i of the row as the workbook shows it: a number its style shows as
 * a date as that date and time, 2019-05-10 14:56:53 (the serial read as a
 * profile's excel format reads it), where it was the serial, 43595.6228,
 * which nobody reads as a time in extra. */
static const char *cell_shown(intake_source *self, char **cells, size_t i, int date1904)
{
    intake_time t;
    self->dates[i] = xlsx_cell_is_date(self->xlsx, i)
                     && intake_date_parse(cells[i], strlen(cells[i]), DATES_EXCEL | (date1904 ? DATES_1904 : 0), &t) == 0;
    if (!self->dates[i])
        return cells[i];
    intake_date_text(&t, self->shown[i]);
    return self->shown[i];
}

/* Fills rec from the XLSX row. 1, or -1 when out of memory. */
static int xlsx_record(intake_source *self, char **cells, size_t n, long row_no, csv_record *rec)
{
    if (row_room(self, n) < 0) {
        snprintf(self->err, sizeof self->err, "第 %ld 行：内存不足", row_no);
        return -1;
    }
    memset(rec, 0, sizeof *rec);
    rec->nfields = n;
    rec->fields = self->fields;
    rec->lens = self->lens;
    rec->dates = self->dates;
    rec->record_no = rec->line_no = (uint64_t)row_no;
    rec->date1904 = xlsx_date1904(self->xlsx);
    size_t col;
    xlsx_problem problem = xlsx_row_problem(self->xlsx, &col);
    for (size_t i = 0; i < n; i++) {
        self->fields[i] = cell_shown(self, cells, i, rec->date1904);
        self->lens[i] = strlen(self->fields[i]);
        if (!problem && text_utf8_chars(self->fields[i], self->lens[i]) > self->opt.max_field) {
            problem = XLSX_CELL_TOO_LONG;
            col = i;
        }
    }
    if (problem)
        cell_problem(self, problem, col, row_no, rec);
    return 1;
}

int intake_source_read(intake_source *self, csv_record *rec)
{
    if (self->csv)
        return csv_read(self->csv, rec);
    char **cells;
    size_t n;
    long row_no;
    int got = xlsx_next_row(self->xlsx, &cells, &n, &row_no);
    if (got < 0)
        snprintf(self->err, sizeof self->err, "XLSX：%s", xlsx_errstr(self->xlsx));
    return got == 1 ? xlsx_record(self, cells, n, row_no, rec) : got;
}

const char *intake_source_errstr(const intake_source *self)
{
    return self->csv ? csv_reader_errstr(self->csv) : self->err;
}

int intake_source_unsure(const intake_source *self)
{
    return self->csv && csv_reader_unsure(self->csv);
}

void intake_source_explain_error(const intake_source *self, intake_door door, char *why, size_t whylen)
{
    static const char *const UNSURE[] = {
        [INTAKE_AT_TERMINAL] = "请在导入模板里写明是哪一种：文件是中文写 encoding = gb18030，西文写 encoding = windows-1252"
                               "（模板由系统管理员改；命令行也可以在模板的副本里写，用 --profile 模板文件.conf 导入）；"
                               "或在 Excel 里另存为“CSV UTF-8（逗号分隔）”后再导入",
        [INTAKE_ON_PAGE]     = "请在 Excel 里打开它，另存为“CSV UTF-8（逗号分隔）”后再导入；或请系统管理员在导入这种文件的模板里"
                               "写明文件的编码（中文还是西文），再在“导入模板”里选它导入这个文件（模板只有系统管理员能改，"
                               "导入页面上改不了）"};
    if (intake_source_unsure(self))
        snprintf(why, whylen, "%s。%s", intake_source_errstr(self), UNSURE[door]);
    else
        snprintf(why, whylen, "%s", intake_source_errstr(self));
    text_utf8_cut(why);
}

const char *intake_source_format(const intake_source *self)
{
    return self->csv ? csv_encoding_name(csv_reader_encoding(self->csv)) : "XLSX";
}

/* The encoding the file is read in (CSV_ENC_UTF8 for a workbook's text). */
static csv_encoding text_encoding(const intake_source *self)
{
    return self->csv ? csv_reader_encoding(self->csv) : CSV_ENC_UTF8;
}

void intake_source_explain_header(const intake_source *self, const csv_record *rec, const char *profile,
                                  intake_door door, char *why, size_t whylen)
{
    int nul;
    size_t col = rec->bad_field, at = csv_field_bad_char(rec, col, &nul);
    csv_encoding enc = text_encoding(self);
    const char *name = csv_encoding_title(enc);
    char what[400];
    if (csv_encoding_marked(enc))
        profile = NULL;             /* the byte order mark chose the encoding, not the profile */
    if (profile && !nul && door == INTAKE_ON_PAGE) {
        snprintf(what, sizeof what, "它规定文件按 %s 编码读，这个文件的表头行第 %zu 列第 %zu 个字符起却不是 %s 文本"
                 "（文件是别的编码）", name, col + 1, at, name);
        intake_profile_say_broken(why, whylen, profile, what);
        return;
    }
    if (nul)
        snprintf(what, sizeof what, "是空字符（文本文件里不会有：多半是旧版 Excel 工作簿 .xls，或没有字节顺序标记的 "
                 "UTF-16 文本）");
    else if (profile)
        snprintf(what, sizeof what, "起不是有效的 %s 文本（导入模板 %s 规定 encoding = %s；文件若是别的编码，"
                 "请把这一项改为 auto）", name, profile, csv_encoding_key(enc));
    else if (csv_encoding_marked(enc))
        snprintf(what, sizeof what, "起不是有效的文本（文件开头的字节顺序标记表明编码是 %s）", name);
    else
        snprintf(what, sizeof what, "起不是有效的 %s 文本（编码是按文件内容识别的）", name);
    snprintf(why, whylen, "表头行第 %zu 列第 %zu 个字符%s：请在 Excel 里打开它，另存为“CSV UTF-8（逗号分隔）”"
             "或 Excel 工作簿（.xlsx）后再导入（旧版 .xls 工作簿不能直接导入）", col + 1, at, what);
}

int intake_source_describe_marked(const intake_source *self, csv_encoding_choice told, const char *profile,
                                  char *out, size_t outlen)
{
    csv_encoding enc = text_encoding(self);
    if (told == CSV_DETECT || !csv_encoding_marked(enc) || (told == CSV_FORCE_UTF8 && enc == CSV_ENC_UTF8_BOM))
        return 0;
    snprintf(out, outlen, "文件开头的字节顺序标记表明编码是 %s，就按它读了，没有按导入模板 %s 规定的 %s"
             "（encoding = %s）读：标记不会错，不用处理", csv_encoding_title(enc), profile,
             csv_encoding_title(csv_encoding_chosen(told)), csv_encoding_key(csv_encoding_chosen(told)));
    return 1;
}

int intake_source_describe_unread(const intake_source *self, char *out, size_t outlen)
{
    const char *first, *others;
    size_t n = self->xlsx ? xlsx_sheets(self->xlsx, &first, &others) : 0;
    if (n < 2)
        return 0;
    snprintf(out, outlen, "工作簿有 %zu 个工作表，只导入了第一个「%s」，其余 %zu 个（%s）没有读：要导入其中一个，"
             "请在 Excel 里把它拖到最前面，或另存为单独的文件后再导入", n, first, n - 1, *others ? others : "…");
    return 1;
}

uint64_t intake_source_bytes(const intake_source *self)
{
    return self->csv ? csv_reader_bytes(self->csv) : 0;
}

const csv_options *intake_source_options(const intake_source *self)
{
    return &self->opt;
}

void intake_source_destroy(intake_source **pself)
{
    if (!pself || !*pself)
        return;
    intake_source *self = *pself;
    csv_reader_destroy(&self->csv);
    xlsx_close(&self->xlsx);
    free(self->lens);
    free(self->fields);
    free(self->dates);
    free(self->shown);
    free(self);
    *pself = NULL;
}
