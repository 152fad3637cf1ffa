/* web_import.h — the clerk's import page on the workbench (导入文件), for
 * clerks who do not use a terminal: what `jiesu import` does, in a browser.
 *
 *   GET  /work/import           the form (a file: .csv, .xlsx or .zip; the
 *                               import profile, of those intake knows,
 *                               picked by the file's header unless chosen;
 *                               试导入（不入库）) and the clerk's recent
 *                               imports, newest first (reporting's view
 *                               "imports"), each with its rejects
 *   POST /work/import           multipart/form-data with the page's CSRF
 *                               token before the file: the file goes to
 *                               intake as it arrives, 1 MiB a chunk
 *                               (import_client.h, the requests `jiesu
 *                               import` makes), acting for the clerk
 *                               (Envelope.on_behalf), so intake checks the
 *                               role and records the clerk as the importer;
 *                               the answer waits for the import and shows
 *                               its summary as the command prints it
 *   GET  /work/import/rejects   ?id=N: the import's rejects file, read from
 *                               intake as the person asking (intake gives it
 *                               to the clerk who ran the import or an
 *                               administrator), sent as a CSV attachment as
 *                               it comes
 *
 * A file over web.import_max_bytes is refused saying the limit and that
 * `jiesu import` takes larger ones; memory stays one chunk an import
 * whatever the file's size.
 */
#ifndef JIESU_WEB_IMPORT_H
#define JIESU_WEB_IMPORT_H

#include <libpq-fe.h>
#include <stdint.h>

#include "http.h"
#include "web_auth.h"
#include "web_bus.h"

typedef struct {
    const web_bus *bus;
    int64_t        max_bytes;      /* web.import_max_bytes */
} web_import;

/* The form bytes a POST may carry besides its file. */
#define WEB_IMPORT_FORM_BYTES (64 * 1024)

/* GET /work/import. */
void web_import_page(const web_import *w, PGconn *pg, const web_user *u, const http_request *req,
                     http_response *resp);

/* http_sink_fn of POST /work/import, with a connection to check who is
 * sending (pg, given back after the call; NULL when none could be had):
 * sends the file to intake as it comes, for a clerk whose form carries the
 * session's token. */
int web_import_piece(const web_import *w, PGconn *pg, http_request *req, const char *field, const char *filename,
                     const char *data, size_t len, uint64_t off);

/* 1 once the first piece of req's file came, and its sender was checked
 * then: the sink needs no connection after it. */
int web_import_started(const http_request *req);

/* POST /work/import, once the body is in: the import's end, on the page. */
void web_import_post(const web_import *w, PGconn *pg, const web_user *u, const http_request *req,
                     http_response *resp);

/* GET /work/import/rejects?id=N. */
void web_import_rejects(const web_import *w, const web_user *u, const http_request *req, http_response *resp);

#endif
