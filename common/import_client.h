/* import_client.h — a clerk's file sent to the intake service to import,
 * and the import's rejects file read back: the request sequence `jiesu
 * import` and the workbench's import page (services/reporting/web_import.c)
 * both make, each over its own connection to intake.
 *
 *   import.upload   the file's bytes in chunks of at most IMPORT_CLIENT_CHUNK,
 *                   each acknowledged with the upload's id and how much
 *                   intake holds; the last chunk (last = 1) carries the
 *                   profile and the dry run, and its answer is the
 *                   import's ("import.reply"), after intake's progress
 *                   reports. A file's size is said with its first chunk, or
 *                   IMPORT_CLIENT_SIZE_UNKNOWN when the sender reads it as
 *                   it comes (a browser's upload): intake then holds it to
 *                   its limit chunk by chunk and takes the last chunk's end
 *                   as its size.
 *   rejects.fetch   the rejects file by import number, a chunk at the
 *                   offset reached, each checked to continue the file.
 *
 * The caller makes each request (import_client_call_fn): the tool with the
 * clerk's own key, the web tier with its key acting for the clerk signed in
 * (Envelope.on_behalf); intake checks the person and records them as the
 * importer either way. And the summary people read, at the terminal and on
 * the page, is written here once (import_client_counts).
 */
#ifndef JIESU_IMPORT_CLIENT_H
#define JIESU_IMPORT_CLIENT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "jiesu.pb-c.h"

#define IMPORT_CLIENT_CHUNK (1 << 20)   /* bytes of one upload chunk at most */
#define IMPORT_CLIENT_GONE 410          /* intake's error code: the upload is not known (restarted): send again */
#define IMPORT_CLIENT_SIZE_UNKNOWN (-1) /* the size of a file read as it comes */
#define IMPORT_CLIENT_MISMATCH (-1)     /* the code of an answer intake should not have given: to fetch again */
#define IMPORT_CLIENT_REFUSAL_BYTES 4096 /* intake's refusal of a file at most (the bus's error message's) */

/* The first line of the profile intake drafts from a header no profile
 * fits (services/intake/intake_draft.h), last in its refusal: the import
 * page shows it and every line after it as a block to copy. */
#define IMPORT_CLIENT_DRAFT_HEAD "# 导入模板草稿"

/* The table of intake's profiles view (view.request "profiles", `jiesu
 * profiles`), which the import page reads for its 导入模板 list: a row a
 * profile, its name, whether it can be used (IMPORT_PROFILE_USABLE, or why
 * not in a word: set aside, its file broken), and its description, or for
 * one set aside its problem ("第 3 行：…", no path). */
enum { IMPORT_PROFILE_NAME, IMPORT_PROFILE_STATE, IMPORT_PROFILE_NOTE = 7, IMPORT_PROFILE_COLUMNS };
#define IMPORT_PROFILE_USABLE "可用"

/* Sends msg ("import.upload" or "rejects.fetch", type) to intake. last: the
 * upload's last chunk, whose answer comes after the import (the wait is
 * the silence between its progress reports). 0 with *reply (the caller's
 * to free), or -1 with err and *code (intake's error code, 0 when it did
 * not answer). */
typedef int (*import_client_call_fn)(void *ctx, const char *type, const ProtobufCMessage *msg, int last,
                                     Jiesu__Envelope **reply, int *code, char *err, size_t errlen);

/* One upload under way. */
typedef struct {
    import_client_call_fn call;
    void                 *call_ctx;
    Jiesu__ImportUpload   up;           /* the file's name, size, profile and dry run; borrowed strings */
    char                  id[33];       /* intake's, after the first chunk */
    int64_t               sent;         /* bytes intake holds */
    int                   code;         /* intake's error code of the last failed chunk, else 0 */
} import_client;

/* Starts an upload of file_name (size bytes, or IMPORT_CLIENT_SIZE_UNKNOWN)
 * read with profile ("" or NULL: the one its header fits; profile_text, a
 * profile of the clerk's own, or NULL) as a dry run or not; from_page: sent
 * from the import page, so intake's advice names what the page offers
 * rather than jiesu import's options. The strings are borrowed until the
 * upload ends. */
void import_client_init(import_client *self, import_client_call_fn call, void *call_ctx, const char *file_name,
                        int64_t size, const char *profile, const char *profile_text, int dry_run, int from_page);

/* Sends len bytes as the file's next (not its last). 0, or -1 with err
 * and self->code (IMPORT_CLIENT_GONE: intake lost the upload). */
int import_client_send(import_client *self, const void *data, size_t len, char *err, size_t errlen);

/* Sends the file's last len bytes (len may be 0) and waits for the import.
 * 0 with *reply (free with jiesu__import_reply__free_unpacked), or -1 with
 * err and self->code. */
int import_client_finish(import_client *self, const void *data, size_t len, Jiesu__ImportReply **reply, char *err,
                         size_t errlen);

/* Whether an import left rows to look at in a rejects file (a dry run
 * writes none: its first rejects are in its preview). */
int import_client_has_rejects(const Jiesu__ImportReply *r);

/* "共 5 行，新存 3 件，重复 2 行（…），拒收 0 行" (a dry run: 试导入，什么也没有存：…;
 * an import that stopped part way: 停下前导入的部分：共 …): the duplicates
 * stored before the import apart from the rows that repeat a ticket of the
 * file's own, and of the rejected the rows whose ticket is stored as
 * another complaint. */
void import_client_counts(FILE *f, const Jiesu__ImportReply *r);

#define IMPORT_CLIENT_FAILURE_BYTES 8192

/* An import that stopped part way (r->failed): "第 12 号导入没有做完：" and
 * intake's words, what happened, what of the file is stored and what to do
 * next, into out (text, to be escaped where it goes; cut on a character).
 * Its counts (import_client_counts) and its rejects file are the stored
 * part's, fetched as after a whole import. */
void import_client_failure(char out[IMPORT_CLIENT_FAILURE_BYTES], const Jiesu__ImportReply *r);

/* ---- the rejects file ---- */

/* Reads import id's rejects file back, chunk after chunk from offset 0. */
typedef struct {
    import_client_call_fn call;
    void                 *call_ctx;
    int64_t               id;
    int64_t               size;         /* the whole file's, from the first chunk */
    int64_t               offset;       /* bytes taken so far */
    int                   code;         /* intake's error code of a refused chunk, else 0 */
} import_client_rejects;

void import_client_rejects_init(import_client_rejects *self, import_client_call_fn call, void *call_ctx,
                                int64_t id);

/* The next chunk, checked to continue the file: 1 with *chunk and *env (the
 * caller frees both; chunk->last at the end), or -1 with err and
 * self->code (the refusal intake said: 403 another's import, 404 none;
 * IMPORT_CLIENT_MISMATCH: a chunk that does not continue the file). */
int import_client_rejects_next(import_client_rejects *self, Jiesu__Envelope **env, Jiesu__RejectsChunk **chunk,
                               char *err, size_t errlen);

#endif
