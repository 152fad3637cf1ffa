/* sqlarr.h — PostgreSQL array literals built in C, to pass a whole batch
 * as one parameter of one statement (unnest($1::bigint[], $2::text[], ...)):
 * routing's decisions of a batch, escalation's alerts and rungs.
 *
 *   sqlarr a = {0};
 *   sqlarr_add(&a, "12"); sqlarr_add_text(&a, "a \"b\""); sqlarr_add_text(&a, NULL);
 *   const char *lit = sqlarr_text(&a);     // {12,"a \"b\"",NULL}
 *   ...; sqlarr_free(&a);
 * The literal is owned by the array and valid until the next add or free.
 */
#ifndef JIESU_SQLARR_H
#define JIESU_SQLARR_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    char  *s;
    size_t len, cap;
    size_t n;
} sqlarr;

/* Appends v as it is (a number). 0 or -1 (out of memory). */
int sqlarr_add(sqlarr *a, const char *v);

/* Appends v double-quoted and escaped, or NULL when v is NULL. 0 or -1. */
int sqlarr_add_text(sqlarr *a, const char *v);

int sqlarr_add_ms(sqlarr *a, int64_t ms);

/* The literal "{...}", or NULL when out of memory. */
const char *sqlarr_text(sqlarr *a);

/* Empties the array for the next batch, keeping its memory. */
void sqlarr_reset(sqlarr *a);

void sqlarr_free(sqlarr *a);

#endif
