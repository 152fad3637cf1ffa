/* json.h — the one rule for writing text inside a JSON string, shared by every
 * writer of JSON (intake's Open311 answers and `extra` column, the reports).
 */
#ifndef JIESU_JSON_H
#define JIESU_JSON_H

#define JSON_ESCAPE_MAX 7   /* "\u001f" and its NUL */

/* How byte c stands inside a JSON string: " and \ escaped, control bytes as
 * \u00XX, anything else (UTF-8 bytes included) as itself. Written into out,
 * which is returned. */
const char *json_escape_byte(unsigned char c, char out[JSON_ESCAPE_MAX]);

#endif
