/* route_say.c — UTF-8-safe appending to a reason buffer (see route_say.h). */
#include "route_say.h"

#include <stdarg.h>
#include <stdio.h>

void route_say(char *buf, size_t cap, size_t *len, const char *fmt, ...)
{
    size_t room = cap - *len;
    if (cap == 0 || room <= 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *len, room, fmt, ap);
    va_end(ap);
    if (n < 0) {
        buf[*len] = '\0';
        return;
    }
    if ((size_t)n < room) {
        *len += (size_t)n;
        return;
    }
    size_t end = cap - 1, lead = end;
    while (lead > *len && ((unsigned char)buf[lead - 1] & 0xC0) == 0x80)
        lead--;
    if (lead > *len) {
        unsigned char c = (unsigned char)buf[lead - 1];
        size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        if (lead - 1 + need > end)
            end = lead - 1;
    }
    buf[end] = '\0';
    *len = end;
}
