/* fuzz_holidays.c — libFuzzer target for the holiday-cn reader
 * (common/holidays.c, holidays_parse): the JSON file an administrator loads
 * with `jiesu holidays load`, read by a parser of our own.
 *
 * The input is the file's text. Besides memory errors (ASan) and undefined
 * behaviour (UBSan), it checks what holidays.h promises: 0 with days whose
 * dates are real dates and whose names are UTF-8 when the text was (they go
 * into PostgreSQL) and, when it is a year's notice (holidays_notice_year),
 * a year they can be in, or -1 with a message that starts with the file's
 * name and no days.
 *
 *   make fuzz FUZZ_TARGETS=holidays
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "holidays.h"
#include "text.h"

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_holidays: broken promise: %s\n", what);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1), err[256] = "";
    check(text != NULL, "out of memory");
    memcpy(text, data, size);
    text[size] = '\0';
    int valid = text_utf8_valid(text, strlen(text), NULL);
    holidays_day *days;
    size_t n;
    int rc = holidays_parse(text, "f.json", &days, &n, err, sizeof err);
    check(rc == 0 || rc == -1, "returns 0 or -1");
    if (rc == 0) {
        for (size_t i = 0; i < n; i++) {
            check(holidays_valid_date(days[i].date), "a day's date is a real date");
            check(days[i].off == 0 || days[i].off == 1, "a day is off or not");
            check(!valid || text_utf8_valid(days[i].name, strlen(days[i].name), NULL), "a day's name is UTF-8");
        }
        int year = holidays_notice_year(text, days, n);
        check(year == 0 || (year >= 1970 && year <= 9999), "a notice is of a year that has dates");
    } else {
        check(days == NULL && n == 0, "no days after a failure");
        check(strncmp(err, "f.json 第 ", strlen("f.json 第 ")) == 0, "the message names the file and line");
    }
    free(days);
    free(text);
    return 0;
}
