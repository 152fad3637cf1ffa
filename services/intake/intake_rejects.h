/* intake_rejects.h — the rejects file of one import: every refused row with
 * its row number, column and reason, for the person who fixes the export.
 *
 * <dir>/import-<id>-rejects.csv, UTF-8 with a byte order mark (so Excel shows
 * the Chinese text), columns 记录 (the data row's number), 文件行号 (its
 * line in the file), 列 (the header of the column at fault), 原因 (in
 * Chinese, what is wrong and what to do), 原值 (the value). The value is cut
 * to INTAKE_REJECTS_VALUE_CHARS characters, bytes that are not UTF-8 and NUL
 * bytes are shown as U+FFFD, and a leading = + - @ is neutralised so a spreadsheet
 * does not run it as a formula. The file is created on the first rejected
 * row only.
 */
#ifndef JIESU_INTAKE_REJECTS_H
#define JIESU_INTAKE_REJECTS_H

#include <stddef.h>
#include <stdint.h>

#include "intake_row.h"

#define INTAKE_REJECTS_VALUE_CHARS 200

typedef struct intake_rejects intake_rejects;

/* The path of import import_id's rejects file under dir into out (the one
 * place it is named: written here, read again by "rejects.fetch"). 0, or -1
 * when it does not fit in cap. */
int intake_rejects_path_of(char *out, size_t cap, const char *dir, int64_t import_id);

/* Makes dir (created when missing) 0700 and every file in it 0600 where an
 * older version or a wider umask left them open to group or others, and
 * logs what it changed. 0, or -1 with err. */
int intake_rejects_secure(const char *dir, char *err, size_t errlen);

/* A rejects file for import import_id under dir (created when missing).
 * Nothing is written yet. NULL when out of memory. */
intake_rejects *intake_rejects_new(const char *dir, int64_t import_id);

/* Appends one rejected row. 0, or -1 with the reason in err. */
int intake_rejects_write(intake_rejects *self, const intake_reject *rej, char *err, size_t errlen);

/* How much of the file is written so far (0 while no row was rejected), a
 * place intake_rejects_cut() may go back to. 0, or -1 with err. */
int intake_rejects_mark(intake_rejects *self, long *mark, char *err, size_t errlen);

/* Drops what was written after mark (a mark of 0: the whole file, which
 * is removed, so the path becomes ""). 0, or -1 with err. */
int intake_rejects_cut(intake_rejects *self, long mark, char *err, size_t errlen);

/* Flushes and closes the file (if one was written). 0, or -1 with err. */
int intake_rejects_close(intake_rejects *self, char *err, size_t errlen);

/* The file's path ("" while no row was rejected). Owned by self. */
const char *intake_rejects_path(const intake_rejects *self);

/* Closes (ignoring errors) and frees; sets *self to NULL. */
void intake_rejects_destroy(intake_rejects **self);

#endif
