/* csv2xlsx.c — turns a CSV export into the XLSX workbook Excel would save
 * (one sheet, every cell a string, as hotline systems write them).
 *
 *   csv2xlsx [--numbers] IN.csv OUT.xlsx
 *
 * With --numbers the cells are written as Excel reads the CSV: one that
 * reads whole as a number as a number (a message number, or a serial day
 * number, 43580.3973, as it stands), a date and time (2019/4/25 9:32:09,
 * 2019-04-25 09:32:09) as a date cell, its serial shown as yyyy/m/d h:mm:ss.
 *
 * Reads with the intake's own CSV reader (any encoding it detects) and writes
 * with libxlsxwriter in constant memory (inline strings), so big files work.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "csv_reader.h"
#include "intake_dates.h"

/* 1 with *v when the n bytes of s are a number and nothing else. */
static int number(const char *s, size_t n, double *v)
{
    char *end;
    if (n == 0 || n > 30 || strchr("+-.0123456789", s[0]) == NULL)
        return 0;
    *v = strtod(s, &end);
    return end == s + n;
}

/* 1 with *serial when the n bytes of s are a date and time as Excel reads one. */
static int date_time(const char *s, size_t n, double *serial)
{
    intake_time t;
    if (!memchr(s, ':', n) || intake_date_parse(s, n, DATES_YMD, &t) != 0 || t.has_offset)
        return 0;
    *serial = (double)intake_date_seconds(&t) / 86400 + 25569;     /* 25569: 1970-01-01 */
    return 1;
}

int main(int argc, char **argv)
{
    int numbers = argc == 4 && strcmp(argv[1], "--numbers") == 0;
    if (argc != 3 + numbers) {
        fprintf(stderr, "usage: csv2xlsx [--numbers] IN.csv OUT.xlsx\n");
        return 2;
    }
    argv += numbers;
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0) {
        perror(argv[1]);
        return 1;
    }
    csv_reader *in = csv_reader_new(fd, NULL);
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE};
    lxw_workbook *wb = workbook_new_opt(argv[2], &opt);
    lxw_worksheet *ws = wb ? workbook_add_worksheet(wb, "工单") : NULL;
    if (!in || !ws) {
        fprintf(stderr, "csv2xlsx: cannot start %s\n", argv[2]);
        return 1;
    }
    lxw_format *shown_as_date = workbook_add_format(wb);
    format_set_num_format(shown_as_date, "yyyy/m/d h:mm:ss");
    csv_record rec;
    int got;
    lxw_row_t row = 0;
    while ((got = csv_read(in, &rec)) == 1) {
        for (size_t c = 0; c < rec.nfields; c++) {
            double v;
            if (numbers && row > 0 && number(rec.fields[c], rec.lens[c], &v))
                worksheet_write_number(ws, row, (lxw_col_t)c, v, NULL);
            else if (numbers && row > 0 && date_time(rec.fields[c], rec.lens[c], &v))
                worksheet_write_number(ws, row, (lxw_col_t)c, v, shown_as_date);
            else if (rec.lens[c] > 0)
                worksheet_write_string(ws, row, (lxw_col_t)c, rec.fields[c], NULL);
        }
        row++;
    }
    if (got < 0)
        fprintf(stderr, "csv2xlsx: %s: %s\n", argv[1], csv_reader_errstr(in));
    lxw_error werr = workbook_close(wb);
    if (werr != LXW_NO_ERROR)
        fprintf(stderr, "csv2xlsx: %s: %s\n", argv[2], lxw_strerror(werr));
    csv_reader_destroy(&in);
    close(fd);
    return got < 0 || werr != LXW_NO_ERROR;
}
