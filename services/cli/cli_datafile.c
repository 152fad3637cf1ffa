/* cli_datafile.c — a CSV data file's shape before COPY (see cli_datafile.h).
 *
 * The files are small (the largest, the category tree, is 60 KB): each is
 * read whole and walked once, field by field, as PostgreSQL's CSV format
 * reads it (RFC 4180: a field in double quotes may hold commas and doubled
 * quotes). A record must end on the line it started on, so the line COPY
 * numbers a row by is the line a person sees in an editor.
 */
#include "cli_datafile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "text.h"

#define FILE_MAX (16L << 20)    /* the shipped files are kilobytes */

/* The file at path, whole and NUL-terminated, in *text (the caller frees
 * it), its length in *len. 0, or -1 with why in err. */
static int read_whole(const char *path, char **text, size_t *len, char *err, size_t errlen)
{
    errno = 0;
    if ((*text = cli_file_read(path, FILE_MAX, len)))
        return 0;
    if (errno == EFBIG)
        snprintf(err, errlen, "%s：大于 16 MB，不像是 jiesu 的数据文件：核对路径", path);
    else
        snprintf(err, errlen, "%s：%s", path, text_os_error(errno));
    return -1;
}

/* The line at p (up to its end, without "\r\n"), into out, for quoting. */
static void line_text(const char *p, char *out, size_t cap)
{
    size_t n = strcspn(p, "\r\n");
    snprintf(out, cap, "%.*s", (int)(n < cap ? n : cap - 1), p);
    text_utf8_cut(out);
}

/* Counts the fields of the record at *p (one line), moving *p past its end.
 * The count, or -1 when a quoted field does not end on the line. */
static int record_fields(const char **p)
{
    const char *s = *p;
    int fields = 1, quoted = 0;
    for (; *s; s++) {
        if (quoted) {
            if (*s == '"' && s[1] == '"')
                s++;
            else if (*s == '"')
                quoted = 0;
            else if (*s == '\n')
                return -1;
        } else if (*s == '"') {
            quoted = 1;
        } else if (*s == ',') {
            fields++;
        } else if (*s == '\n') {
            s++;
            break;
        }
    }
    *p = s;
    return quoted ? -1 : fields;
}

/* Checks the header line at text (a BOM skipped) against header. 0 or -1 with err. */
static int check_header(const char *path, const char *text, const char *header, char *err, size_t errlen)
{
    char got[256];
    if (strncmp(text, "\xEF\xBB\xBF", 3) == 0)
        text += 3;
    line_text(text, got, sizeof got);
    if (strcmp(got, header) == 0)
        return 0;
    snprintf(err, errlen, "%s 第 1 行（表头）：应是 %s，这个文件写的是“%s”：把表头改成这样（列的顺序也要一样），"
             CLI_DATAFILE_FIX, path, header, got);
    return -1;
}

int cli_datafile_check(const char *path, const char *header, char *err, size_t errlen)
{
    char *text = NULL, shown[128];
    size_t len = 0, bad = 0;
    if (read_whole(path, &text, &len, err, errlen) < 0)
        return -1;
    int want = 1, rc = -1;
    for (const char *h = header; *h; h++)
        want += *h == ',';
    size_t at = strlen(text);       /* a NUL byte, or the first byte that is not UTF-8 */
    if (!text_utf8_valid(text, len, &bad) && bad < at)
        at = bad;
    if (at < len) {
        long line = 1;
        for (size_t i = 0; i < at; i++)
            line += text[i] == '\n';
        snprintf(err, errlen, "%s 第 %ld 行：不是 UTF-8 文字（用 Excel 或记事本另存时选“UTF-8”编码），" CLI_DATAFILE_FIX, path, line);
        goto done;
    }
    if (check_header(path, text, header, err, errlen) < 0)
        goto done;
    const char *p = text + strcspn(text, "\n");
    p += *p == '\n';
    for (long line = 2; *p; line++) {
        const char *start = p;
        int n = record_fields(&p);
        line_text(start, shown, sizeof shown);
        if (!*shown) {
            snprintf(err, errlen, "%s 第 %ld 行：是空行：删去它，" CLI_DATAFILE_FIX, path, line);
            goto done;
        }
        if (n < 0) {
            snprintf(err, errlen, "%s 第 %ld 行：英文双引号没有在这一行里结束（“%s”）：补上结尾的引号，"
                     "字段里的引号写成两个（\"\"），" CLI_DATAFILE_FIX, path, line, shown);
            goto done;
        }
        if (n != want) {
            snprintf(err, errlen, "%s 第 %ld 行：有 %d 列，表头 %s 有 %d 列（“%s”）：补上空着的列或删去多余的，"
                     "含逗号的字段要用英文双引号括起来，" CLI_DATAFILE_FIX, path, line, n, header, want, shown);
            goto done;
        }
    }
    rc = 0;
done:
    free(text);
    return rc;
}
