/* esc_sqlarr.h — PostgreSQL array literals built in C, to pass a whole batch
 * as one parameter of one statement (unnest($1::bigint[], $2::text[], ...)).
 *
 *   esc_sqlarr a = {0};
 *   esc_sqlarr_add(&a, "12"); esc_sqlarr_add_text(&a, "a \"b\""); esc_sqlarr_add_text(&a, NULL);
 *   const char *lit = esc_sqlarr_text(&a);     // {12,"a \"b\"",NULL}
 *   ...; esc_sqlarr_free(&a);
 * The literal is owned by the array and valid until the next add or free.
 */
#ifndef JIESU_ESC_SQLARR_H
#define JIESU_ESC_SQLARR_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    char  *s;
    size_t len, cap;
    size_t n;
} esc_sqlarr;

/* Appends v as it is (a number). 0 or -1 (out of memory). */
int esc_sqlarr_add(esc_sqlarr *a, const char *v);

/* Appends v double-quoted and escaped, or NULL when v is NULL. 0 or -1. */
int esc_sqlarr_add_text(esc_sqlarr *a, const char *v);

int esc_sqlarr_add_ms(esc_sqlarr *a, int64_t ms);

/* The literal "{...}", or NULL when out of memory. */
const char *esc_sqlarr_text(esc_sqlarr *a);

void esc_sqlarr_free(esc_sqlarr *a);

#endif
