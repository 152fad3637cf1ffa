/* mask.h — personal data out of free text (alert reasons, webhook payloads).
 *
 * text_mask_phone() and text_mask_name() (text.h) mask a field known to be a
 * phone number or a name; mask_text() is for text that may contain one
 * somewhere. It masks what has the shape of personal numbers, as whole runs
 * of digits (so a ticket or an order id of another length stays readable):
 *   mobile numbers   11 digits starting 13–19          138****5678
 *   landlines        0 + 2–3 digits, '-', 7–8 digits   0532-****1234
 *   ID card numbers  18 digits, or 17 and X            370***********123X
 * keeping the first 3 and last 4 digits of the run. Nothing is allocated.
 */
#ifndef JIESU_MASK_H
#define JIESU_MASK_H

#include <stddef.h>

/* Copies s into dst (capacity cap, always NUL-terminated when cap > 0) with
 * personal numbers masked. Returns 0, or -1 when the result was truncated
 * (at a character boundary). */
int mask_text(char *dst, size_t cap, const char *s);

#endif
