/* intake_json.h — writing JSON text into a caller's buffer, snprintf-style.
 *
 * Each call appends at dst + *n when it fits (cap bytes in all) and advances
 * *n by the full length either way, so a first pass with cap 0 measures what
 * a second pass needs. The caller NUL-terminates (intake_json_end()).
 */
#ifndef JIESU_INTAKE_JSON_H
#define JIESU_INTAKE_JSON_H

#include <stddef.h>

void intake_json_char(char *dst, size_t cap, size_t *n, char c);

/* s as it is (already JSON). */
void intake_json_raw(char *dst, size_t cap, size_t *n, const char *s);

/* s[0..len) (UTF-8) as a JSON string, quotes included. */
void intake_json_string(char *dst, size_t cap, size_t *n, const char *s, size_t len);

/* NUL-terminates at n (or at cap - 1 when cut). */
void intake_json_end(char *dst, size_t cap, size_t n);

#endif
