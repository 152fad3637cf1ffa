/* report_units.h — the units people name (`jiesu units [文字]`): every unit,
 * or those whose code or name holds the text, and, when those hold one
 * street office, the communities and villages of its street; when none
 * holds it, the communities and villages of that name with the street office
 * of each; a view of REPORT_VIEWS (report_views.c), for everyone who signs
 * in. */
#ifndef JIESU_REPORT_UNITS_H
#define JIESU_REPORT_UNITS_H

#include "view.h"

/* $1 the principal, $2 part of a code or name, or NULL (every unit). */
extern const view_section REPORT_UNITS[];

#endif
