/* text.h — UTF-8 text utilities shared by intake, assignment and reporting.
 *
 * All functions work on byte buffers (text_html_escape writes into a FILE);
 * none allocates. Output buffers are always
 * NUL-terminated when cap > 0; a result that does not fit is truncated at a
 * character boundary and the function reports it.
 */
#ifndef JIESU_TEXT_H
#define JIESU_TEXT_H

#include <stddef.h>
#include <stdio.h>

/* 1 if s[0..len) is valid UTF-8 (no overlongs, no surrogates, ≤ U+10FFFF), else 0.
 * *bad_offset (when not NULL) gets the byte offset of the first invalid byte. */
int text_utf8_valid(const char *s, size_t len, size_t *bad_offset);

/* Makes s UTF-8 in place: each byte that starts no valid character becomes
 * '?' (a character a quote cut short, text another system sent in GBK), so
 * s can be quoted in a message that goes where only UTF-8 may. */
void text_utf8_repair(char *s);

/* Appends code point cp (U+0001..U+FFFF) as UTF-8 to dst (length *len,
 * capacity cap), dropping a character that does not fit whole; dst stays
 * NUL-terminated. */
void text_utf8_append(char *dst, size_t cap, size_t *len, unsigned cp);

/* Number of code points in valid UTF-8 s[0..len). */
size_t text_utf8_chars(const char *s, size_t len);

/* Normalises s[0..len) into dst: full-width ASCII (U+FF01..U+FF5E) → ASCII,
 * runs of whitespace (ASCII, U+3000, U+00A0) and control characters → one
 * space, trimmed at both ends; zero-width spaces, word joiners and BOMs
 * dropped. Returns the output length, or (size_t)-1 if it did not fit in cap. */
size_t text_normalize(char *dst, size_t cap, const char *s, size_t len);

#define TEXT_TICKET_MAX 64      /* bytes in a ticket number, as imports store them */

/* A ticket number as a person typed it (full-width digits from a Chinese
 * input method, spaces pasted around it), normalised into buf as an import
 * stores one: NULL when nothing is left; typed itself if it does not fit. */
const char *text_ticket(char *buf, size_t cap, const char *typed);

/* Masks a phone number: keeps the first 3 and last 4 digits ("138****5678");
 * shorter numbers keep only their last 2. */
void text_mask_phone(char *dst, size_t cap, const char *phone);

/* Masks a name: keeps the first character ("张**"); what hotlines write for
 * no name (匿名, 市民, 不详 …) stays as it is. */
void text_mask_name(char *dst, size_t cap, const char *name);

/* Copies s into dst so a spreadsheet will not treat it as a formula: a leading
 * '=', '+', '-', '@', tab or CR gets a "'" prefix. Returns 0, -1 if truncated. */
int text_defuse_formula(char *dst, size_t cap, const char *s);

/* Ends s at its last whole character: a multi-byte character left incomplete
 * at the end (by a snprintf that did not fit) is removed, so the text can go
 * where only valid UTF-8 may (a PostgreSQL column, a protobuf string). */
void text_utf8_cut(char *s);

/* Keeps the first `chars` characters of UTF-8 text s (a buffer of cap
 * bytes), in place, a cut marked with "…" (one character fewer when the
 * mark would not fit). */
void text_shorten(char *s, size_t cap, size_t chars);

/* A message that quotes what was typed or sent, made UTF-8 in place: a
 * character its end cut short dropped (text_utf8_cut), the rest repaired. */
void text_utf8_mend(char *s);

/* What someone typed or another system sent, as a message may quote it:
 * copied into dst (cap bytes), cut at a character when longer, what is not
 * UTF-8 as '?'. Returns dst. */
const char *text_quote(char *dst, size_t cap, const char *s);

/* A file's name as a record can keep it: UTF-8 kept (cut at a character to
 * fit cap); a name that is not UTF-8 read as GB18030, what Chinese Windows
 * and the zip files made there write (工单.csv from a zip unpacked here),
 * else its stray bytes as '?'. */
void text_file_name(char *dst, size_t cap, const char *name);

/* The most characters of a person's free text on an order or an alert (a
 * reason, a note): every place that stores it keeps it whole. */
#define TEXT_NOTE_CHARS 500

/* text_check() of a person's free text (TEXT_NOTE_CHARS at most), named
 * what as the form where it is typed names it; one too long is also told
 * to be shortened: "退回原因有 612 个字，最多 500 个：请删减到 500 个字以内". */
int text_check_note(const char *s, const char *what, char *err, size_t errlen);

/* The most characters of a unit's code or name as someone types it (jiesu
 * dispatch, jiesu user add --unit): longer names no unit. */
#define TEXT_UNIT_CHARS 40

/* 0 when s is UTF-8 of at most max_chars characters, else -1 with why, in
 * words that name it as what ("显示名"), in err. */
int text_check(const char *s, size_t max_chars, const char *what, char *err, size_t errlen);

/* Puts the formatted text before what buf (of capacity cap) holds: how a
 * caller adds where it was to the reason a lower layer wrote in its err
 * ("calendar: " + "BEGIN failed: ..."). The end is cut at a character
 * boundary when the whole does not fit. */
void text_prefix(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Appends the formatted text to buf (of capacity cap) at *len, never past
 * it: *len becomes the length held (cap - 1 once full). How a message is
 * written a piece at a time. */
void text_appendf(char *buf, size_t cap, size_t *len, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* What the system's error err (errno) means, for the person who reads it:
 * Chinese for a missing file, a permission, a full disk …; strerror() for
 * the rest. For every message people read: the jiesu tool's, an import's
 * (its file, rejects file, upload, template), a key's or configuration
 * file's; logs for administrators keep strerror(). */
const char *text_os_error(int err);

/* Writes s (NULL: nothing) into f with & < > " ' escaped, for HTML and SVG
 * text and attribute values. */
void text_html_escape(FILE *f, const char *s);

/* Percent-encodes s into out for a URL's query value: every byte but
 * A-Z a-z 0-9 - . _ ~ / as %XX (the result is safe in HTML as it is). Returns
 * the length, or (size_t)-1 (out "") if it did not fit in cap. */
size_t text_url_encode(char *out, size_t cap, const char *s);

#endif
