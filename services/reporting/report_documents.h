/* report_documents.h — the daily dispatch sheet and the weekly bulletin as
 * documents, answered over the bus ("document.request": `jiesu daily`,
 * `jiesu bulletin`). The service builds them from PostgreSQL for the asking
 * principal and sends them whole: JSON, or the bulletin's files (CSV, XLSX,
 * HTML), with a summary table. Nobody reads the database but the service. */
#ifndef JIESU_REPORT_DOCUMENTS_H
#define JIESU_REPORT_DOCUMENTS_H

#include "svc.h"

void report_documents_request(service *s, const bus_request *req, const auth_principal *who);

#endif
