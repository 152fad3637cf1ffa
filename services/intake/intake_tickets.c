/* intake_tickets.c — which rows of an import batch are new (see intake_tickets.h).
 *
 * Tickets are kept NUL-separated in one buffer; the marking pass uses an
 * open-addressing hash set (FNV-1a, linear probing) sized to at least twice
 * the tickets it may hold, rebuilt for every batch. Its slots hold 1 + an
 * index: below the number of stored tickets one of those, above it a row of
 * the batch; 0 is empty.
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
    uint64_t     *row, *line;   /* each row's place in the file */
    uint64_t     *repeats;  /* the file row each row repeats, 0 when none */
    size_t        n, cap;
    size_t       *set;      /* the hash set of the marking pass */
    size_t        set_cap;
    const char *const *stored;  /* during the marking pass */
    size_t        n_stored;
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

/* Grows the per-row arrays to cap. 0 or -1. */
static int grow(intake_tickets *t, size_t cap)
{
    size_t *start = realloc(t->start, cap * sizeof *start);
    if (start)
        t->start = start;
    unsigned char *is_new = start ? realloc(t->is_new, cap) : NULL;
    if (is_new)
        t->is_new = is_new;
    uint64_t **wide[] = {&t->row, &t->line, &t->repeats};
    for (size_t i = 0; is_new && i < sizeof wide / sizeof wide[0]; i++) {
        uint64_t *w = realloc(*wide[i], cap * sizeof *w);
        if (!w)
            return -1;
        *wide[i] = w;
    }
    if (!is_new)
        return -1;
    t->cap = cap;
    return 0;
}

int intake_tickets_add(intake_tickets *t, const char *ticket, uint64_t row, uint64_t line)
{
    if (t->n == t->cap && grow(t, t->cap ? 2 * t->cap : 1024) < 0)
        return -1;
    size_t at = t->text.len;
    if (intake_buf_add(&t->text, ticket, strlen(ticket) + 1) < 0)
        return -1;
    t->row[t->n] = row;
    t->line[t->n] = line;
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

/* The ticket of set entry k (an index as the set holds it, less 1). */
static const char *entry(const intake_tickets *t, size_t k)
{
    return k < t->n_stored ? t->stored[k] : ticket_at(t, k - t->n_stored);
}

/* Adds entry k to the set; SIZE_MAX when its ticket was not there, else the
 * entry that has it. */
static size_t set_add(intake_tickets *t, size_t k)
{
    size_t mask = t->set_cap - 1;
    const char *s = entry(t, k);
    for (size_t i = hash(s) & mask;; i = (i + 1) & mask) {
        if (!t->set[i]) {
            t->set[i] = k + 1;
            return SIZE_MAX;
        }
        if (strcmp(entry(t, t->set[i] - 1), s) == 0)
            return t->set[i] - 1;
    }
}

/* An empty set with room for want entries at half load. 0 or -1. */
static int set_clear(intake_tickets *t, size_t want)
{
    size_t cap = 64;
    while (cap < 2 * want)
        cap *= 2;
    if (cap > t->set_cap) {
        size_t *set = realloc(t->set, cap * sizeof *set);
        if (!set)
            return -1;
        t->set = set;
        t->set_cap = cap;
    }
    memset(t->set, 0, t->set_cap * sizeof *t->set);
    return 0;
}

long intake_tickets_mark(intake_tickets *t, const char *const *stored, const uint64_t *from_row, size_t n)
{
    long fresh = 0;
    if (set_clear(t, t->n + n) < 0)
        return -1;
    t->stored = stored;
    t->n_stored = n;
    for (size_t i = 0; i < n; i++)
        set_add(t, i);
    for (size_t i = 0; i < t->n; i++) {
        size_t had = set_add(t, n + i);
        t->is_new[i] = had == SIZE_MAX;
        t->repeats[i] = had == SIZE_MAX ? 0 : had >= n ? t->row[had - n] : from_row ? from_row[had] : 0;
        fresh += t->is_new[i];
    }
    t->stored = NULL;
    t->n_stored = 0;
    return fresh;
}

uint64_t intake_tickets_repeats(const intake_tickets *t, size_t i, const char **ticket, uint64_t *row,
                                uint64_t *line)
{
    if (i >= t->n)
        return 0;
    *ticket = ticket_at(t, i);
    *row = t->row[i];
    *line = t->line[i];
    return t->repeats[i];
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
    free((*t)->row);
    free((*t)->line);
    free((*t)->repeats);
    free((*t)->set);
    sqlarr_free(&(*t)->literal);
    free(*t);
    *t = NULL;
}
