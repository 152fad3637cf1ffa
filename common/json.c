/* json.c — text inside a JSON string (see json.h). */
#include "json.h"

const char *json_escape_byte(unsigned char c, char out[JSON_ESCAPE_MAX])
{
    static const char hex[] = "0123456789abcdef";
    char *p = out;
    if (c == '"' || c == '\\') {
        *p++ = '\\';
        *p++ = (char)c;
    } else if (c < 0x20) {
        const char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
        for (int i = 0; i < 6; i++)
            *p++ = esc[i];
    } else {
        *p++ = (char)c;
    }
    *p = '\0';
    return out;
}
