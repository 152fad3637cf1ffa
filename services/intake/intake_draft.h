/* intake_draft.h — a first import profile for a header no profile fits,
 * written from the file's own columns, last in the refusal: at the
 * terminal the clerk saves it, mends the lines marked 改 and sends it with
 * the file (--profile 模板名.conf); the import page shows it in a block to
 * copy for an administrator to install (it begins with
 * IMPORT_CLIENT_DRAFT_HEAD, import_client.h). Before, the clerk copied the
 * closest shipped profile and rewrote it, its time zone easily left as it was.
 *
 * Each field takes the columns the closest profile reads for it, else the
 * column that looks most like it (a column once; never guessed for the
 * caller's name and phone, or the urgency); a required field none looks
 * like is a comment saying what to write. The time zone and the date
 * formats, which no header tells, are the closest profile's, marked to be
 * mended. The file's other columns are kept in extra by any profile. */
#ifndef JIESU_INTAKE_DRAFT_H
#define JIESU_INTAKE_DRAFT_H

#include <stddef.h>

#include "intake_columns.h"

/* Writes the draft for the header map was made of (through the closest
 * profile) into out, a line each, cut to outlen. 0, or -1 when out of memory. */
int intake_draft_write(const intake_columns *map, char *out, size_t outlen);

#endif
