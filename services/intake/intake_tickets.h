/* intake_tickets.h — the ticket numbers of one import batch, and which of
 * its rows are new.
 *
 * The batch's rows are added in file order, each with its row and line in
 * the file and its call time. The tickets PostgreSQL already holds (asked
 * for with the array literal of all of them) are then marked stored, each
 * with its call time and the file row it was stored from when this same
 * import stored it (an earlier batch); a row is new unless its ticket is
 * stored or came earlier in the batch (the first occurrence in a file wins).
 * A row whose ticket an earlier row of the same file has is a repeat, and
 * says which row. A row whose ticket another import stored with another
 * call time clashes with it: another complaint carrying the same number
 * (two systems numbering apart), not the same one exported again; unless
 * an earlier row of the batch is that one again, which it then repeats, as
 * it did when the file was first imported.
 *
 *   rows "T1" (row 2), "T2" (3), "T1" (4) added; ANY(intake_tickets_literal(t)) finds "T2" stored
 *   by another import at the call time of row 3; intake_tickets_mark(t, {{"T2", 0, …}}, 1) returns 1:
 *   row 2 new, row 3 stored, row 4 repeats row 2. Stored at another time, row 3 would clash.
 */
#ifndef JIESU_INTAKE_TICKETS_H
#define JIESU_INTAKE_TICKETS_H

#include <stddef.h>
#include <stdint.h>

#include "intake_dates.h"

typedef struct intake_tickets intake_tickets;

/* A ticket PostgreSQL holds, as the probe gives it. */
typedef struct {
    const char *ticket;
    uint64_t    from_row;   /* the file row this import stored it from, 0 when another import stored it */
    int64_t     import_id;  /* the import that stored it, 0 when none did (filed on the web) */
    long long   called;     /* its call time: seconds since 1970-01-01 00:00:00 UTC */
    int         offset;     /* seconds east of UTC in the import's zone at that time */
} intake_stored;

intake_tickets *intake_tickets_new(void);

/* Forgets the batch, keeping the memory for the next. */
void intake_tickets_reset(intake_tickets *t);

/* Adds the next row's ticket, with the row (record number) and physical line
 * it starts on, and its call time as read (local time of the import's zone
 * unless it has an offset). 0, or -1 when out of memory. */
int intake_tickets_add(intake_tickets *t, const char *ticket, uint64_t row, uint64_t line,
                       const intake_time *called);

size_t intake_tickets_count(const intake_tickets *t);

/* {"T1","T2",...}: every ticket added, for one query parameter. NULL when out of memory. */
const char *intake_tickets_literal(intake_tickets *t);

/* Given the n tickets already stored, decides which rows are new, which
 * repeat a row of the file and which clash. stored is borrowed until the
 * next mark or reset (intake_tickets_clash() points into it). Returns how
 * many rows are new, or -1 when out of memory. */
long intake_tickets_mark(intake_tickets *t, const intake_stored *stored, size_t n);

/* After intake_tickets_mark(): 1 when row i (0-based, in the order added) is new. */
int intake_tickets_is_new(const intake_tickets *t, size_t i);

/* After intake_tickets_mark(): the file row that row i (0-based) repeats, 0
 * when it is new, or its ticket was stored by another import and it is that
 * complaint again or no earlier row of the batch is. Its ticket, row and
 * line into the pointers given. */
uint64_t intake_tickets_repeats(const intake_tickets *t, size_t i, const char **ticket, uint64_t *row,
                                uint64_t *line);

/* After intake_tickets_mark(): the stored ticket row i (0-based) clashes
 * with — another import's, stored with another call time than the row's —
 * with the row's call time into *called; NULL when it does not clash. */
const intake_stored *intake_tickets_clash(const intake_tickets *t, size_t i, const intake_time **called);

void intake_tickets_destroy(intake_tickets **t);

#endif
