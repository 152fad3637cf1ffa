/* fuzz_profile.c — libFuzzer target for the import profile reader
 * (services/intake/intake_profile.c): the text of `jiesu import --profile
 * MINE.conf`, which a clerk writes and intake reads for every import that
 * names it.
 *
 * The input is the profile's text. Besides memory errors and leaks (ASan) and
 * undefined behaviour (UBSan), it checks what intake_profile.h promises: a
 * profile, whose every field's alternatives can be written out as UTF-8
 * text within the buffer given, with ticket_no, called_at and content among
 * them; or NULL with a reason, UTF-8 when the text was (it is shown to the
 * clerk).
 *
 *   make fuzz FUZZ_TARGETS=profile
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intake_profile.h"
#include "text.h"

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_profile: broken promise: %s\n", what);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char why[512] = "", alts[256];
    int valid = text_utf8_valid((const char *)data, size, NULL);
    intake_profile *p = intake_profile_parse("mine", (const char *)data, size, "mine.conf", why, sizeof why);
    if (!p) {
        size_t len = strnlen(why, sizeof why);
        check(len > 0 && len < sizeof why, "a refusal says why");
        check(!valid || text_utf8_valid(why, len, NULL), "the reason is UTF-8");
        return 0;
    }
    check(p->fields[COL_TICKET_NO].nalts && p->fields[COL_CALLED_AT].nalts && p->fields[COL_CONTENT].nalts,
          "the required fields are there");
    for (int f = 0; f < COL_COUNT; f++) {
        memset(alts, 'x', sizeof alts);
        intake_profile_alts_text(p, (intake_field)f, alts, sizeof alts);
        size_t len = strnlen(alts, sizeof alts);
        check(len < sizeof alts, "alternatives written within the buffer");
        check(text_utf8_valid(alts, len, NULL), "alternatives in UTF-8");    /* a profile is UTF-8 */
    }
    intake_profile_destroy(&p);
    check(p == NULL, "destroyed");
    return 0;
}
