/* mask.h — personal data out of free text: logs, alert reasons, webhook
 * payloads, bulletins, exports, and the public Open311 view.
 *
 * text_mask_phone() and text_mask_name() (text.h) mask a field known to be a
 * phone number or a name; mask_text() is for text that may contain one
 * somewhere. A number is a run of digits (ASCII or full-width), or several
 * runs joined by one separator each ('-', '.', a space, their full-width
 * forms, an en or em dash, or an area code's closing bracket), so
 * 138-1234-5678, 138 1234 5678 and (0532)88886666 are one number; a run of
 * more than 8 digits is joined to others only behind a country code
 * (+86 13812345678), so ES1796319495486-7824-1 stays a ticket number. A
 * number is masked when its digits have one of these shapes:
 *
 *   mobile           11 digits 1[3-9]…, alone or after +86, 0086, 86- or
 *                    as 13 digits 861[3-9]…        138-****-5678, +86 138 **** 5678
 *   landline         0 + area code (010 and 02x: 3 digits, else 4) + a 7–8
 *                    digit number starting 2–9      0532-****6666, (0532)****6666
 *                    (after +86 without the 0)      +86 532 ****6666
 *   local landline   7–8 digits starting 2–9, only right after 电话, 座机,
 *                    固话, 手机, 号码, 联系, tel or phone     电话:****6666
 *   ID card          18 characters (17 digits and a digit or X), any 18
 *                    digits: a mistyped ID number is still one; 15 digits
 *                    (the old cards) that start with a province code and
 *                    whose digits 9–12 are a month and a day
 *                                                   370**************X
 *   bank card        16–19 digits starting 3–6 that pass the Luhn check
 *                                                   ***************1234
 *
 * What stays: of a phone number the first 3 and the last 4 digits (and the
 * area code of a landline, the country code of a mobile), enough for a clerk
 * to tell two callers apart; of an ID card the first 3 characters (the
 * province and the first digit of the prefecture) and, of an 18-character
 * number, the check character, which is computed from the others and tells
 * nothing by itself — never the county (characters 4–6), the birth date
 * (7–14 of 18, 7–12 of 15) or the sequence number, whose last digit is the
 * holder's sex; of a bank card the last 4. Each hidden digit becomes one '*';
 * separators stay, so the shape is still readable.
 *
 * Not masked: every other number — ticket numbers (2024041500123,
 * W202404150000123), dates (2024-04-15, 20240415), times, house and room
 * numbers (海尔路178号 3单元502室), amounts, postcodes, hotline and service
 * numbers (12345, 400-123-4567) — and a number that is part of a longer run
 * of digits (a phone number is not looked for inside a 20-digit string).
 *
 * Nothing is allocated. Every function copies s into dst (capacity cap,
 * always NUL-terminated when cap > 0) and returns 0, or -1 when the result
 * was truncated (at a character boundary).
 */
#ifndef JIESU_MASK_H
#define JIESU_MASK_H

#include <stddef.h>

/* Personal numbers masked (the rules above). */
int mask_text(char *dst, size_t cap, const char *s);

/* An excerpt of free text: mask_text(), then its first `chars` characters,
 * a cut marked "…" (text_shorten) — masked before the cut, so a number the
 * cut splits is masked whole. Returns as mask_text(). */
int mask_excerpt(char *dst, size_t cap, const char *s, size_t chars);

/* For publication (the public Open311 view): mask_text(), and also every
 * house, building, unit and room number — a number followed by 号 (not 号线,
 * nor after 月: a date), 栋, 幢, 座, 单元, 室, 户, 楼, 层, 弄 or '#', with any
 * numbers joined to it by '-' — becomes one '*':
 * 海尔路178号3单元502室 → 海尔路*号*单元*室. */
int mask_public_text(char *dst, size_t cap, const char *s);

/* A name known from its field (the caller's) masked wherever the text s
 * holds it, in place, as text_mask_name() masks the field: 赵六来电反映 →
 * 赵*来电反映. A name of one character, or a word that is no name (匿名,
 * 市民 …), changes nothing; masking never lengthens s. */
void mask_name_in(char *s, const char *name);

/* The part of an address that may be published: the text before its first
 * house, building, unit or room number — before the first digit or '#', or a
 * Chinese numeral or a Latin letter followed by one of the words above
 * (五号楼, A座) — without trailing punctuation or a dangling 第.
 * 青岛市崂山区海尔路178号3单元502室 → 青岛市崂山区海尔路. What is left is a
 * road, a junction, a compound or a village. Less than 2 characters left
 * (an address that starts with its number, 308国道) gives "": the caller
 * publishes the community or street instead. */
int mask_address(char *dst, size_t cap, const char *address);

/* A URL as it may be logged or shown: the value of every parameter of its
 * query, a fragment and any userinfo (user:password@) become "***", since a
 * webhook's access is often in them (钉钉's ?access_token=…, 企业微信's
 * /send?key=…); the scheme, host, port and path stay, enough to tell which
 * receiver it is:
 *   dingtalk+https://u:p@oapi.dingtalk.com/robot/send?access_token=ab12
 *   → dingtalk+https:// ***@oapi.dingtalk.com/robot/send?access_token=***
 * (without the space). A parameter without '=' is masked whole. Returns as
 * mask_text(). */
int mask_url(char *dst, size_t cap, const char *url);

#endif
