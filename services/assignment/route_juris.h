/* route_juris.h — does a complaint name a place outside the jurisdiction.
 *
 * The names outside are those of cities, districts and counties that are
 * not loaded (data/regions/districts.csv: 德州市, 黄岛区, 盘山县 ... when only
 * 崂山区 and 市南区 are), and the shapes of anonymised or foreign places the
 * tables cannot list: a capital letter with 市 (A市), or with digits and 县 or
 * 区 (K8县, A1区). A letter alone before 区 (B区, the B block of an estate) is
 * not a place outside.
 *
 * Build once (route_juris_add then route_juris_build); finding is
 * read-only and allocates nothing.
 */
#ifndef JIESU_ROUTE_JURIS_H
#define JIESU_ROUTE_JURIS_H

#include <stddef.h>

typedef struct route_juris route_juris;

route_juris *route_juris_new(void);

/* Adds the full name of a place outside (德州市, 黄岛区). 0 or -1. */
int route_juris_add(route_juris *self, const char *name);

int route_juris_build(route_juris *self);

/* The first place outside named in text (may be NULL), copied into buf;
 * 1 when one was found, else 0. */
int route_juris_find(const route_juris *self, const char *text, char *buf, size_t cap);

void route_juris_destroy(route_juris **self);

#endif
