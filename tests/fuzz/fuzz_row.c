/* fuzz_row.c — libFuzzer target for row validation and date parsing
 * (services/intake/intake_row.c, intake_dates.c, intake_columns.c with the
 * shipped profiles of data/profiles).
 *
 * Input: a control byte, then a header line and a data row, fields separated
 * by tabs. The control byte picks the profile (12345 or nyc311), the date
 * formats tried directly, whether the row is the file's cut-off last one and
 * whether the reader flagged it. Checked besides ASan and UBSan:
 *   - the date parser: whatever it accepts is a real date and time, and the
 *     text it writes for PostgreSQL reads back as the same time;
 *   - the header mapping: its messages never overflow, and name every
 *     missing field;
 *   - a row: an accepted row's COPY line has the 13 columns of
 *     INTAKE_COPY_COLUMNS, ends in one newline, holds no raw tab, newline or
 *     NUL inside a value, and its called_at is a date that reads back; a
 *     rejected row has a reason and a column.
 * Records are given as the CSV reader gives them: a field that is not UTF-8
 * or holds a NUL makes the record's status CSV_ERR_ENCODING.
 *
 *   make fuzz            (run from the repository: the profiles are read from data/profiles)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intake_dates.h"
#include "text.h"
#include "intake_profile.h"
#include "intake_row.h"

#define MAX_FIELDS 64
#define ALL_FORMATS (DATES_YMD | DATES_CN | DATES_MDY | DATES_DMY | DATES_EXCEL)

static intake_profiles *profiles;

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_row: broken promise: %s\n", what);
        abort();
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char why[600];
    (void)argc;
    (void)argv;
    profiles = intake_profiles_load("data/profiles", why, sizeof why);
    if (!profiles) {
        fprintf(stderr, "fuzz_row: %s (run from the repository)\n", why);
        exit(1);
    }
    return 0;
}

/* A date the parser accepts is real, and its text reads back the same. */
static void check_date(const char *s, size_t len, unsigned formats)
{
    intake_time t, again;
    char text[32];
    if (intake_date_parse(s, len, formats, &t) != 0)
        return;
    check(t.y >= 1970 && t.y <= 2099 && t.mo >= 1 && t.mo <= 12 && t.d >= 1 && t.d <= 31 && t.h >= 0
              && t.h <= 23 && t.mi >= 0 && t.mi <= 59 && t.s >= 0 && t.s <= 59, "accepted date out of range");
    intake_date_text(&t, text);
    check(intake_date_parse(text, strlen(text), DATES_YMD, &again) == 0, "written date does not read back");
    check(again.y == t.y && again.mo == t.mo && again.d == t.d && again.h == t.h && again.mi == t.mi
              && again.s == t.s && again.has_offset == t.has_offset && again.offset_min == t.offset_min,
          "written date reads back as another");
}

/* Splits s[0..len) at tabs into NUL-terminated fields (s is modified). */
static size_t split(char *s, size_t len, const char **fields, size_t *lens)
{
    size_t n = 0;
    char *start = s;
    for (size_t i = 0; i <= len && n < MAX_FIELDS; i++) {
        if (i == len || s[i] == '\t') {
            s[i] = '\0';
            fields[n] = start;
            lens[n++] = (size_t)(s + i - start);
            start = s + i + 1;
        }
    }
    return n;
}

/* The first field that is not UTF-8 without NUL, or n. */
static size_t first_bad(const char *const *fields, const size_t *lens, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!text_utf8_valid(fields[i], lens[i], NULL) || memchr(fields[i], '\0', lens[i]))
            return i;
    return n;
}

static void check_line(const char *line, size_t len)
{
    size_t tabs = 0;
    check(len > 0 && line[len - 1] == '\n' && strlen(line) == len, "COPY line not one line");
    for (size_t i = 0; i + 1 < len; i++) {
        check(line[i] != '\n' && line[i] != '\r', "raw line break in a COPY line");
        tabs += line[i] == '\t';
    }
    check(tabs == 12, "COPY line without its 13 columns");
}

static void check_row(const intake_columns *map, intake_row *rows, const csv_record *rec)
{
    const char *line = NULL;
    size_t len = 0;
    intake_reject rej;
    int v = intake_row_build(rows, map, rec, 1, &line, &len, &rej);
    check(v == INTAKE_ROW_OK || v == INTAKE_ROW_REJECTED || v == INTAKE_ROW_EMPTY, "row verdict");
    if (v == INTAKE_ROW_REJECTED) {
        check(rej.reason[0] && rej.column, "a rejected row without its reason");
        return;
    }
    if (v != INTAKE_ROW_OK)
        return;
    check_line(line, len);
    const char *when = intake_row_value(rows, COL_CALLED_AT);
    intake_time t;
    check(intake_date_parse(when, strlen(when), DATES_YMD, &t) == 0, "stored called_at is not a time");
    check(intake_row_value(rows, COL_TICKET_NO)[0] && intake_row_value(rows, COL_CONTENT)[0],
          "a row stored without a required field");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    uint8_t ctl = data[0];
    char *text = malloc(size);
    check(text != NULL, "out of memory");
    memcpy(text, data + 1, size - 1);
    size_t len = size - 1;
    check_date(text, len, (ctl & 0x1F) ? (ctl & 0x1F) & ALL_FORMATS : ALL_FORMATS);
    check_date(text, len, DATES_DMY | DATES_CN | DATES_EXCEL);

    char *nl = memchr(text, '\n', len);
    size_t head_len = nl ? (size_t)(nl - text) : len;
    const char *hf[MAX_FIELDS], *rf[MAX_FIELDS];
    size_t hl[MAX_FIELDS], rl[MAX_FIELDS];
    size_t nh = split(text, head_len, hf, hl);
    size_t nr = nl ? split(nl + 1, len - head_len - 1, rf, rl) : 0;
    if (first_bad(hf, hl, nh) < nh) {       /* an unreadable header refuses the file */
        free(text);
        return 0;
    }
    size_t bad = first_bad(rf, rl, nr);
    const intake_profile *p = intake_profiles_at(profiles, (ctl >> 5) & 1);
    intake_columns *map = intake_columns_new(p, hf, hl, nh);
    check(map != NULL, "out of memory");
    char msg[4096];
    intake_columns_describe_missing(map, INTAKE_AT_TERMINAL, msg, sizeof msg);
    check(strlen(msg) < sizeof msg, "message overflow");
    check((intake_columns_missing(map) == 0) == (msg[0] == '\0'), "missing fields and message disagree");
    intake_columns_describe_ignored(map, INTAKE_AT_TERMINAL, msg, sizeof msg);
    if (intake_columns_missing(map) == 0 && nr > 0) {
        csv_options lim = {.max_field = 32767, .max_fields = MAX_FIELDS, .max_record = 1 << 22};
        intake_row *rows = intake_row_new(&lim, INTAKE_AT_TERMINAL);
        check(rows != NULL, "out of memory");
        csv_record rec = {.nfields = nr, .fields = rf, .lens = rl, .record_no = 2, .line_no = 2,
                          .status = bad < nr || (ctl & 0x40) ? CSV_ERR_ENCODING : CSV_OK,
                          .bad_field = bad < nr ? bad : 0,
                          .cut = (ctl & 0x80) != 0};
        check_row(map, rows, &rec);
        intake_row_destroy(&rows);
    }
    intake_columns_destroy(&map);
    free(text);
    return 0;
}
