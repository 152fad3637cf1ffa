/* unit_named.h — the one unit a person names: `jiesu dispatch 工单号 单位`, `jiesu report 单位`
 * (and the workbench's dispatch form), `jiesu user add/move --unit 单位`,
 * `jiesu gazetteer add 名称 街道`.
 *
 * A unit is named by its code (371481001), by its name as the system shows
 * it (市中街道（乐陵市）: a street office whose street's name another loaded
 * street has carries its district, cli_seed.c; parentheses typed half-width
 * are read as full-width), or by its street's name alone (市中街道) when no
 * other loaded street office has that name. A name two units share is
 * refused, naming each as the system shows it and how to name one: before,
 * one of them was taken silently. What is said when no unit has the name
 * is the caller's, which knows what it looked for.
 */
#ifndef JIESU_UNIT_NAMED_H
#define JIESU_UNIT_NAMED_H

#include <libpq-fe.h>
#include <stddef.h>

typedef struct {
    char id[16];        /* units.id */
    char code[64];
    char name[128];     /* as the system shows it: 中韩街道, 市中街道（乐陵市） */
    char kind[16];      /* street, dept, campaign, discipline */
} unit_named;

typedef enum {
    UNIT_NAMED_ONE,     /* *out is the unit */
    UNIT_NAMED_NONE,    /* no unit has that code or name; err untouched */
    UNIT_NAMED_SHARED,  /* several have the name: err names them and says how to name one */
    UNIT_NAMED_FAILED   /* the database failed: err says how */
} unit_named_found;

/* Finds the unit text names (see above) into *out. */
unit_named_found unit_named_find(PGconn *pg, const char *text, unit_named *out, char *err, size_t errlen);

#endif
