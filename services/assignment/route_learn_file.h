/* route_learn_file.h — the labelled texts of a historical export, for training.
 *
 * The file is read like an import (services/intake: CSV in UTF-8 or
 * GB18030, or the first sheet of an XLSX workbook). When exactly one import
 * profile of the profiles directory fits its header (intake_pick.h), each
 * row's text and label are the content and the category an import of the
 * file stores (wenzheng: 留言主题 and 留言详情 joined by "：", the text
 * routing later classifies); a profile without a category takes the label
 * from a column named as below, and a row the import would refuse (no
 * ticket number, a date it cannot read) is skipped and counted as refused.
 *
 * Otherwise (a classification set of content,label; no profiles directory)
 * the columns are found by header: the text is the first column named as a
 * complaint's content is (诉求内容, 内容, 留言详情, content ...); the label
 * the category column as intake names it (诉求类型, 问题类型, category ...)
 * or one of the names classification exports use (label, 一级分类, 分类,
 * 类别, 最终分类). The label is handed over as an import stores a category
 * (text_normalize: trimmed, whitespace runs as one space); rows without a
 * text or a label are skipped.
 */
#ifndef JIESU_ROUTE_LEARN_FILE_H
#define JIESU_ROUTE_LEARN_FILE_H

#include <stddef.h>

/* Rows a profile's import would refuse, not learned from: how many, and the
 * first of them (its row, column and reason, as an import names them). */
typedef struct {
    long rows;
    char first[800];
} route_learn_refused;

/* Called for each labelled row; non-zero stops the reading with an error. */
typedef int (*route_learn_row_fn)(void *ctx, const char *text, const char *label);

/* Reads the file at path, its header tried on the profiles of profiles_dir
 * (NULL: none); the rows refused counted into *refused (zeroed first).
 * Returns the number of rows handed to fn, or -1 with "file：reason" in err
 * (unreadable, the profiles unreadable, no text or label column, bad format,
 * fn failed). */
long route_learn_file_read(const char *path, const char *profiles_dir, route_learn_refused *refused,
                           route_learn_row_fn fn, void *ctx, char *err, size_t errlen);

/* The same for a file's bytes held in memory (a request's payload); name is
 * the file's as errors show it. */
long route_learn_file_read_bytes(const void *data, size_t len, const char *name, const char *profiles_dir,
                                 route_learn_refused *refused, route_learn_row_fn fn, void *ctx, char *err,
                                 size_t errlen);

#endif
