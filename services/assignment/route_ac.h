/* route_ac.h — Aho–Corasick multi-pattern matching over UTF-8 bytes.
 *
 * Routing looks for thousands of names (streets, communities, roads, category
 * terms) in every complaint; this finds all of them in one pass over the text.
 * Patterns are byte strings; since UTF-8 is self-synchronising, a valid UTF-8
 * pattern can only match a valid UTF-8 text at character boundaries.
 *
 * Usage: route_ac_new(), route_ac_add() each pattern with an int value (the
 * same pattern may be added with several values), route_ac_build() once, then
 * route_ac_scan() any number of texts (read-only, so threads may share it).
 */
#ifndef JIESU_ROUTE_AC_H
#define JIESU_ROUTE_AC_H

#include <stddef.h>
#include <stdint.h>

typedef struct route_ac route_ac;

/* Called for every match: value given at add time, match at text[start, end).
 * Return non-zero to stop the scan. */
typedef int (*route_ac_hit_fn)(void *ctx, int32_t value, size_t start, size_t end);

route_ac *route_ac_new(void);

/* Adds a pattern (len > 0). 0, or -1 when out of memory or after build. */
int route_ac_add(route_ac *self, const char *pattern, size_t len, int32_t value);

/* Computes failure links and freezes the automaton. 0 or -1. */
int route_ac_build(route_ac *self);

/* Reports every match of every pattern in text, in order of match end. */
void route_ac_scan(const route_ac *self, const char *text, size_t len, route_ac_hit_fn fn, void *ctx);

/* Number of patterns added. */
size_t route_ac_size(const route_ac *self);

void route_ac_destroy(route_ac **self);

#endif
