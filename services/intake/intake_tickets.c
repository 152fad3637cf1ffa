/* intake_tickets.c — which rows of an import batch are new (see intake_tickets.h).
 *
 * Tickets are kept NUL-separated in one buffer; the marking pass uses an
 * open-addressing hash set of string pointers (FNV-1a, linear probing) sized
 * to at least twice the tickets it may hold, rebuilt for every batch.
 */
#include "intake_tickets.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "intake_buf.h"
#include "sqlarr.h"

struct intake_tickets {
    intake_buf    text;     /* the tickets, each NUL-terminated */
    size_t       *start;    /* where each row's ticket starts in text */
    unsigned char *is_new;
    size_t        n, cap;
    const char  **set;      /* the hash set of the marking pass */
    size_t        set_cap;
    sqlarr        literal;
};

intake_tickets *intake_tickets_new(void)
{
    return calloc(1, sizeof(intake_tickets));
}

void intake_tickets_reset(intake_tickets *t)
{
    t->text.len = 0;
    t->n = 0;
}

int intake_tickets_add(intake_tickets *t, const char *ticket)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 1024;
        size_t *start = realloc(t->start, cap * sizeof *start);
        if (start)
            t->start = start;
        unsigned char *is_new = start ? realloc(t->is_new, cap) : NULL;
        if (!is_new)
            return -1;
        t->is_new = is_new;
        t->cap = cap;
    }
    size_t at = t->text.len;
    if (intake_buf_add(&t->text, ticket, strlen(ticket) + 1) < 0)
        return -1;
    t->start[t->n++] = at;
    return 0;
}

size_t intake_tickets_count(const intake_tickets *t)
{
    return t->n;
}

static const char *ticket_at(const intake_tickets *t, size_t i)
{
    return t->text.data + t->start[i];
}

const char *intake_tickets_literal(intake_tickets *t)
{
    sqlarr_reset(&t->literal);
    for (size_t i = 0; i < t->n; i++)
        if (sqlarr_add_text(&t->literal, ticket_at(t, i)) < 0)
            return NULL;
    return sqlarr_text(&t->literal);
}

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/* Adds s to the set; 1 when it was not there, 0 when it was. */
static int set_add(intake_tickets *t, const char *s)
{
    size_t mask = t->set_cap - 1;
    for (size_t i = hash(s) & mask;; i = (i + 1) & mask) {
        if (!t->set[i]) {
            t->set[i] = s;
            return 1;
        }
        if (strcmp(t->set[i], s) == 0)
            return 0;
    }
}

/* An empty set with room for want entries at half load. 0 or -1. */
static int set_clear(intake_tickets *t, size_t want)
{
    size_t cap = 64;
    while (cap < 2 * want)
        cap *= 2;
    if (cap > t->set_cap) {
        const char **set = realloc(t->set, cap * sizeof *set);
        if (!set)
            return -1;
        t->set = set;
        t->set_cap = cap;
    }
    memset(t->set, 0, t->set_cap * sizeof *t->set);
    return 0;
}

long intake_tickets_mark(intake_tickets *t, const char *const *stored, size_t n)
{
    long fresh = 0;
    if (set_clear(t, t->n + n) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        set_add(t, stored[i]);
    for (size_t i = 0; i < t->n; i++) {
        t->is_new[i] = (unsigned char)set_add(t, ticket_at(t, i));
        fresh += t->is_new[i];
    }
    return fresh;
}

int intake_tickets_is_new(const intake_tickets *t, size_t i)
{
    return i < t->n && t->is_new[i];
}

void intake_tickets_destroy(intake_tickets **t)
{
    if (!*t)
        return;
    intake_buf_free(&(*t)->text);
    free((*t)->start);
    free((*t)->is_new);
    free((*t)->set);
    sqlarr_free(&(*t)->literal);
    free(*t);
    *t = NULL;
}
