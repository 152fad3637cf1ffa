/* intake_probe.h — which tickets of an import batch are already stored,
 * and the rows of it not stored that the clerk is to see.
 *
 * One statement asks for all the batch's tickets at once (an index probe a
 * ticket) and gives, with each stored one, its call time, so telling a
 * complaint exported again from another one carrying its number costs no
 * round trip more. The rows are then marked (intake_tickets.h), and two
 * kinds of the rows not stored go to the rejects file, each naming what to
 * do: a row whose ticket an earlier row of the file has (the export has one
 * order twice: a duplicate), and a row whose ticket another import stored
 * with another call time (a clash: another complaint, from a system that
 * numbers apart; it is refused, not stored under the number the stored one
 * has). A row whose ticket another import stored at the same call time is
 * the same complaint imported again, only counted, listed nowhere.
 *
 * The call time alone decides: it is required, read into one instant
 * whatever the export writes, and set when the call comes in. The caller's
 * phone is not asked: it is often missing (a 问政 message has none) and
 * written apart from one export to the next (masked, with +86 or without),
 * so the same complaint exported again would be listed as another one.
 */
#ifndef JIESU_INTAKE_PROBE_H
#define JIESU_INTAKE_PROBE_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "intake_columns.h"
#include "intake_rejects.h"
#include "intake_tickets.h"

/* What the probe of a batch found. */
typedef struct {
    long    fresh;          /* rows to store */
    int64_t repeated;       /* rows repeating a row of the file (in the rejects file) */
    int64_t clashed;        /* rows clashing with another complaint (in the rejects file) */
} intake_probed;

/* Asks PostgreSQL, in the batch's transaction (its TimeZone the import's),
 * which tickets of t are stored (import_id: this import's id, as text),
 * marks t's rows and writes the repeats and clashes to rejects, naming the
 * columns as map has the file's header. 0 with *got, or -1 with why. The
 * stored tickets t's clashes point into are freed before it returns: ask
 * intake_tickets_clash() of t only through the rejects written here. */
int intake_probe(PGconn *pg, const char *import_id, intake_tickets *t, const intake_columns *map,
                 intake_rejects *rejects, intake_probed *got, char *why, size_t whylen);

#endif
