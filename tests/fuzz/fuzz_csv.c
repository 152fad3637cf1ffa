/* fuzz_csv.c — libFuzzer target for the CSV reader and its encoding detection
 * (services/intake/csv_reader.c, csv_decode.c).
 *
 * The first input byte picks the read size (1..64 bytes, so records, quotes,
 * CRLFs and multi-byte characters straddle reads) and small limits; the rest
 * is the file. Besides memory errors (ASan) and undefined behaviour (UBSan),
 * it checks what csv_reader.h promises: every record of status CSV_OK has at
 * most max_fields fields, each valid UTF-8 without NUL, of the length given
 * and at most max_field characters; a record refused for a broken quote
 * names a quote line within it; the reader always reaches the end, however
 * often it goes back over the lines a stray quote swallowed.
 *
 *   make fuzz            (builds with clang -fsanitize=fuzzer, runs ~30 s)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv_reader.h"
#include "text.h"

#define MAX_RECORDS 100000

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_csv: broken promise: %s\n", what);
        abort();
    }
}

static void check_record(const csv_record *rec, const csv_options *opt)
{
    check(rec->nfields <= opt->max_fields, "more fields than max_fields");
    int quote = rec->status == CSV_ERR_UNPAIRED_QUOTE || rec->status == CSV_ERR_UNTERMINATED_QUOTE;
    check(quote ? rec->quote_line >= rec->line_no : rec->quote_line == 0, "quote line not in its record");
    if (rec->status != CSV_OK)
        return;
    for (size_t i = 0; i < rec->nfields; i++) {
        check(strlen(rec->fields[i]) == rec->lens[i], "field length differs from lens[]");
        check(text_utf8_valid(rec->fields[i], rec->lens[i], NULL), "CSV_OK field not valid UTF-8");
        check(text_utf8_chars(rec->fields[i], rec->lens[i]) <= opt->max_field, "CSV_OK field over max_field");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    csv_options opt = {.read_size = 1 + data[0] % 64, .max_field = 64 + data[0] % 8, .max_fields = 16,
                       .max_record = 4096};
    FILE *fp = fmemopen((void *)(data + 1), size - 1, "r");
    if (!fp)
        return 0;
    csv_reader *r = csv_reader_new_file(fp, &opt);
    check(r != NULL, "reader not created");
    csv_record rec;
    int got = 0;
    uint64_t last = 0;
    for (int n = 0; n < MAX_RECORDS && (got = csv_read(r, &rec)) == 1; n++) {
        check(rec.record_no == last + 1, "record numbers not consecutive");
        last = rec.record_no;
        check_record(&rec, csv_reader_options(r));
    }
    check(got != 1, "more records than bytes");
    csv_reader_destroy(&r);
    fclose(fp);
    return 0;
}
