/* route_redact.h — letters split before their problem part was redacted.
 *
 * Routing stores a split letter's problem part without its accusing
 * sentences, in the write that splits it (route_worker.c). A letter split
 * before it did kept the whole text, the same as its conduct part's, and
 * its holder read the accusation. This finds those letters once, when the
 * assignment service starts, and stores their text as routing now would
 * (route_conduct_redact); the conduct part keeps the whole letter.
 */
#ifndef JIESU_ROUTE_REDACT_H
#define JIESU_ROUTE_REDACT_H

#include <libpq-fe.h>
#include <stddef.h>

#include "route_conduct.h"

/* Redacts, batch letters at a time, every split letter whose text is still
 * its conduct part's. Returns how many were redacted, or -1 with the reason
 * in err (those done so far stay done). */
long route_redact_split(PGconn *pg, const route_conduct *words, size_t batch, char *err, size_t errlen);

#endif
