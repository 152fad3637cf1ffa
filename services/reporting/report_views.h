/* report_views.h — the views people read through the reporting service
 * (`jiesu show`, `alerts`, `manual`, `units`), answered by view_answer();
 * the workbench's order page shows the same order view (web_order.c). */
#ifndef JIESU_REPORT_VIEWS_H
#define JIESU_REPORT_VIEWS_H

#include "view.h"

extern const view_def REPORT_VIEWS[];

#endif
