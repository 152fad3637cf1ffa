/* fuzz_text.c — libFuzzer target for what every complaint's free text goes
 * through on its way out: masking (common/mask.c: logs, alert reasons,
 * webhooks, bulletins, the public Open311 view) and the text utilities
 * (common/text.c: normalising a form field, masking a phone or a name,
 * defusing a spreadsheet formula, cutting at a character, quoting anything
 * and a file's name as UTF-8).
 *
 * The first input byte picks the output capacity: 1..128 bytes (results cut
 * short), or with its top bit set room for the whole result; the rest is the
 * text. Besides memory errors (ASan) and undefined behaviour (UBSan), it
 * checks what mask.h and text.h promise: every result NUL-terminated within
 * its capacity; valid UTF-8 text stays valid UTF-8, also when cut short (a
 * quote and a file's name are UTF-8 whatever the input);
 * given room, nothing is reported cut. (Not that masking twice changes
 * nothing: in a soup of digits and separators the digits one number keeps
 * can join the next number into another shape, "…454-1 202440-824-1
 * 2024-04", which the rules do not promise to see; test_mask holds the
 * shapes people write.)
 *
 *   make fuzz FUZZ_TARGETS=text
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mask.h"
#include "text.h"

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_text: broken promise: %s\n", what);
        abort();
    }
}

/* dst after a call with capacity cap: terminated inside it, and valid UTF-8
 * when the input was. */
static void check_out(const char *dst, size_t cap, int valid_in, const char *what)
{
    size_t len = strnlen(dst, cap);
    check(len < cap, what);
    check(!valid_in || text_utf8_valid(dst, len, NULL), what);
}

typedef int (*mask_fn)(char *dst, size_t cap, const char *s);

/* One copying function over s: its promises at capacity cap. */
static void check_copy(mask_fn fn, const char *name, const char *s, size_t cap, int room, int valid)
{
    char *out = malloc(cap);    /* exactly cap: ASan guards the byte after it */
    check(out != NULL, "out of memory");
    int rc = fn(out, cap, s);
    check(rc == 0 || rc == -1, name);
    check_out(out, cap, valid, name);
    check(!room || rc == 0, name);
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    char *s = malloc(size);
    check(s != NULL, "out of memory");
    memcpy(s, data + 1, size - 1);
    s[size - 1] = '\0';
    size_t len = strlen(s);
    int room = data[0] & 0x80, valid = text_utf8_valid(s, len, NULL);
    size_t cap = room ? 2 * len + 16 : 1 + data[0] % 128;
    check_copy(mask_text, "mask_text", s, cap, room, valid);
    check_copy(mask_public_text, "mask_public_text", s, cap, room, valid);
    check_copy(mask_address, "mask_address", s, cap, room, valid);
    check_copy(text_defuse_formula, "text_defuse_formula", s, cap, room, valid);

    char *out = malloc(cap);
    check(out != NULL, "out of memory");
    size_t n = text_normalize(out, cap, s, len);
    check(n == (size_t)-1 || (n < cap && strlen(out) == n), "text_normalize: length");
    check(!room || n != (size_t)-1, "text_normalize: cut with room");
    if (n != (size_t)-1)
        check_out(out, cap, valid, "text_normalize");
    text_mask_phone(out, cap, s);
    check_out(out, cap, valid, "text_mask_phone");
    text_mask_name(out, cap, s);
    check_out(out, cap, valid, "text_mask_name");
    snprintf(out, cap, "%s", s);
    text_utf8_cut(out);
    check(!valid || text_utf8_valid(out, strlen(out), NULL), "text_utf8_cut");
    text_quote(out, cap, s);                   /* these two make UTF-8 of anything */
    check_out(out, cap, 1, "text_quote");
    check(!room || !valid || strcmp(out, s) == 0, "text_quote: UTF-8 given room kept as it is");
    text_file_name(out, cap, s);
    check_out(out, cap, 1, "text_file_name");
    free(out);
    free(s);
    return 0;
}
