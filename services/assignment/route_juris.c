/* route_juris.c — names of places outside the jurisdiction (see route_juris.h). */
#include "route_juris.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "route_ac.h"

struct route_juris {
    route_ac *ac;
};

typedef struct {
    size_t start, end;
    int    found;
} first_hit;

route_juris *route_juris_new(void)
{
    route_juris *self = calloc(1, sizeof *self);
    if (self && !(self->ac = route_ac_new())) {
        free(self);
        return NULL;
    }
    return self;
}

void route_juris_destroy(route_juris **self)
{
    if (!self || !*self)
        return;
    route_ac_destroy(&(*self)->ac);
    free(*self);
    *self = NULL;
}

int route_juris_add(route_juris *self, const char *name)
{
    return *name ? route_ac_add(self->ac, name, strlen(name), 0) : -1;
}

int route_juris_build(route_juris *self)
{
    return route_ac_build(self->ac);
}

static int on_hit(void *ctx, int32_t value, size_t start, size_t end)
{
    first_hit *f = ctx;
    (void)value;
    *f = (first_hit){start, end, 1};
    return 1;
}

static int is_upper(char c) { return c >= 'A' && c <= 'Z'; }
static int is_alnum(char c) { return is_upper(c) || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

/* A shape like A市, K8县, A1区 at text[i]: its length, else 0. */
static size_t shape_at(const char *text, size_t i)
{
    if (!is_upper(text[i]) || (i > 0 && is_alnum(text[i - 1])))
        return 0;
    size_t j = i + 1;
    while (text[j] >= '0' && text[j] <= '9')
        j++;
    int digits = j > i + 1;
    if (strncmp(text + j, "市", 3) == 0 || (strncmp(text + j, "县", 3) == 0) ||
        (digits && strncmp(text + j, "区", 3) == 0))
        return j + 3 - i;
    return 0;
}

int route_juris_find(const route_juris *self, const char *text, char *buf, size_t cap)
{
    if (!text)
        return 0;
    first_hit f = {0};
    size_t len = strlen(text);
    route_ac_scan(self->ac, text, len, on_hit, &f);
    for (size_t i = 0; !f.found && i < len; i++) {
        size_t k = shape_at(text, i);
        if (k)
            f = (first_hit){i, i + k, 1};
    }
    if (f.found)
        snprintf(buf, cap, "%.*s", (int)(f.end - f.start), text + f.start);
    return f.found;
}
