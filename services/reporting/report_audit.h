/* report_audit.h — the administrators' record (`jiesu audit`): the changes
 * administrators made and the sign-ins to the pages, in names and words,
 * newest first; a view of REPORT_VIEWS (report_views.c) for administrators. */
#ifndef JIESU_REPORT_AUDIT_H
#define JIESU_REPORT_AUDIT_H

#include "view.h"

/* $1 the principal, $2 a sign-in name or NULL (everyone), $3 rows or NULL (50). */
extern const view_section REPORT_AUDIT[];

#endif
