/* route_mem.h — the growing arrays routing's tables are built in.
 *
 * Places, patterns, terms, trie nodes and boundary points are appended one
 * at a time while the tables load; each array doubles when full.
 */
#ifndef JIESU_ROUTE_MEM_H
#define JIESU_ROUTE_MEM_H

#include <stddef.h>

/* Makes *arr (of *cap elements of elem bytes) hold at least need elements,
 * doubling (from 64). 0, or -1 when out of memory (*arr unchanged). */
int route_grow(void **arr, size_t *cap, size_t need, size_t elem);

#endif
