/* report_files.h — writes the weekly bulletin into a directory:
 *
 *   bulletin-<week>-ranking.csv, -orders.csv, -hotspots.csv   (UTF-8 with BOM, RFC 4180)
 *   bulletin-<week>.xlsx                                       (one sheet per table)
 *   bulletin-<week>.html                                       (printable, inline SVG charts)
 *
 * The tables come from report_sheet.c, the page from report_html.c.
 */
#ifndef JIESU_REPORT_FILES_H
#define JIESU_REPORT_FILES_H

#include <stddef.h>

#include "report_bulletin.h"

/* Writes every file; dir must exist. Sets *written to how many files were
 * written. 0, or -1 naming the file that failed in err. */
int report_files_write(const report_bulletin *b, const char *dir, int *written, char *err, size_t errlen);

#endif
