/* intake_tickets.c — which rows of an import batch are new (see intake_tickets.h).
 *
 * Tickets are kept NUL-separated in one buffer; the marking pass uses an
 * open-addressing hash set (FNV-1a, linear probing) sized to at least twice
 * the tickets it may hold, rebuilt for every batch. Its slots hold 1 + an
 * index: below the number of stored tickets one of those, above it a row of
 * the batch; 0 is empty.
 *
 * A row's call time is the same as a stored one's when they are the same
 * instant: a local time (no offset in the file) against the stored instant
 * in the import's zone, one with an offset against the instant itself. The
 * row of the batch called when another import's ticket was is that
 * complaint again; a row with the ticket at another time repeats the first
 * such row before it (as it did when the file was first imported), or,
 * with none before it, clashes.
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
    intake_time  *called;   /* each row's call time */
    size_t       *clash;    /* the stored ticket each row clashes with, SIZE_MAX when none */
    size_t       *same;     /* per stored ticket, the first row called when it was, SIZE_MAX when none */
    size_t        same_cap;
    size_t        n, cap;
    size_t       *set;      /* the hash set of the marking pass */
    size_t        set_cap;
    const intake_stored *stored;    /* of the last marking pass */
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
    t->stored = NULL;
    t->n_stored = 0;
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
    intake_time *called = is_new ? realloc(t->called, cap * sizeof *called) : NULL;
    if (called)
        t->called = called;
    size_t *clash = called ? realloc(t->clash, cap * sizeof *clash) : NULL;
    if (!clash)
        return -1;
    t->clash = clash;
    t->cap = cap;
    return 0;
}

int intake_tickets_add(intake_tickets *t, const char *ticket, uint64_t row, uint64_t line,
                       const intake_time *called)
{
    if (t->n == t->cap && grow(t, t->cap ? 2 * t->cap : 1024) < 0)
        return -1;
    size_t at = t->text.len;
    if (intake_buf_add(&t->text, ticket, strlen(ticket) + 1) < 0)
        return -1;
    t->row[t->n] = row;
    t->line[t->n] = line;
    t->called[t->n] = *called;
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
    return k < t->n_stored ? t->stored[k].ticket : ticket_at(t, k - t->n_stored);
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

/* Whether row i was called when stored ticket s was. */
static int same_call(const intake_tickets *t, size_t i, const intake_stored *s)
{
    const intake_time *c = &t->called[i];
    long long seconds = intake_date_seconds(c);
    return c->has_offset ? seconds - c->offset_min * 60LL == s->called : seconds == s->called + s->offset;
}

/* Row i has the ticket another import stored as stored ticket k: it is
 * that complaint again (0), or repeats the file row returned, or clashes (0). */
static uint64_t against_other(intake_tickets *t, size_t i, size_t k)
{
    if (same_call(t, i, &t->stored[k])) {
        if (t->same[k] == SIZE_MAX)
            t->same[k] = i;
        return 0;
    }
    if (t->same[k] != SIZE_MAX)
        return t->row[t->same[k]];
    t->clash[i] = k;
    return 0;
}

/* Room for n stored tickets' first rows, none yet. 0 or -1. */
static int same_clear(intake_tickets *t, size_t n)
{
    if (n > t->same_cap) {
        size_t *same = realloc(t->same, n * sizeof *same);
        if (!same)
            return -1;
        t->same = same;
        t->same_cap = n;
    }
    for (size_t k = 0; k < n; k++)
        t->same[k] = SIZE_MAX;
    return 0;
}

long intake_tickets_mark(intake_tickets *t, const intake_stored *stored, size_t n)
{
    long fresh = 0;
    if (set_clear(t, t->n + n) < 0 || same_clear(t, n) < 0)
        return -1;
    t->stored = stored;
    t->n_stored = n;
    for (size_t i = 0; i < n; i++)
        set_add(t, i);
    for (size_t i = 0; i < t->n; i++) {
        size_t had = set_add(t, n + i);
        t->is_new[i] = had == SIZE_MAX;
        t->clash[i] = SIZE_MAX;
        t->repeats[i] = had == SIZE_MAX ? 0 : had >= n ? t->row[had - n]
                        : stored[had].from_row ? stored[had].from_row : against_other(t, i, had);
        fresh += t->is_new[i];
    }
    return fresh;
}

const intake_stored *intake_tickets_clash(const intake_tickets *t, size_t i, const intake_time **called)
{
    if (i >= t->n || t->clash[i] == SIZE_MAX)
        return NULL;
    *called = &t->called[i];
    return &t->stored[t->clash[i]];
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
    free((*t)->called);
    free((*t)->clash);
    free((*t)->same);
    free((*t)->set);
    sqlarr_free(&(*t)->literal);
    free(*t);
    *t = NULL;
}
