/* route_say.h — appending to a fixed-size reason text without splitting a character.
 *
 * Routing reasons ("地址中匹配到社区 张村社区 → 中韩街道；关键词 占道经营 →
 * 占道经营") are built from several parts into a fixed buffer that
 * is stored and shown to people; whatever does not fit is cut at a UTF-8
 * character boundary, never in the middle of one.
 */
#ifndef JIESU_ROUTE_SAY_H
#define JIESU_ROUTE_SAY_H

#include <stddef.h>

/* Appends printf-style text to buf (capacity cap, current length *len). */
void route_say(char *buf, size_t cap, size_t *len, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
