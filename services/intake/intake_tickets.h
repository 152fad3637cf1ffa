/* intake_tickets.h — the ticket numbers of one import batch, and which of
 * its rows are new.
 *
 * The batch's rows are added in file order. The tickets PostgreSQL already
 * holds (asked for with the array literal of all of them) are then marked
 * stored; a row is new unless its ticket is stored or came earlier in the
 * batch (the first occurrence in a file wins).
 *
 *   rows "T1", "T2", "T1" added; ANY(intake_tickets_literal(t)) finds "T2" stored;
 *   intake_tickets_mark(t, {"T2"}, 1) returns 1: row 0 new, row 1 stored, row 2 repeats row 0.
 */
#ifndef JIESU_INTAKE_TICKETS_H
#define JIESU_INTAKE_TICKETS_H

#include <stddef.h>

typedef struct intake_tickets intake_tickets;

intake_tickets *intake_tickets_new(void);

/* Forgets the batch, keeping the memory for the next. */
void intake_tickets_reset(intake_tickets *t);

/* Adds the next row's ticket. 0, or -1 when out of memory. */
int intake_tickets_add(intake_tickets *t, const char *ticket);

size_t intake_tickets_count(const intake_tickets *t);

/* {"T1","T2",...}: every ticket added, for one query parameter. NULL when out of memory. */
const char *intake_tickets_literal(intake_tickets *t);

/* Given the n tickets already stored, decides which rows are new.
 * Returns how many are, or -1 when out of memory. */
long intake_tickets_mark(intake_tickets *t, const char *const *stored, size_t n);

/* After intake_tickets_mark(): 1 when row i (0-based, in the order added) is new. */
int intake_tickets_is_new(const intake_tickets *t, size_t i);

void intake_tickets_destroy(intake_tickets **t);

#endif
