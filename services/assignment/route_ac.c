/* route_ac.c — Aho–Corasick automaton (see route_ac.h).
 *
 * Build: a trie whose children are kept as singly linked edge lists while
 * patterns are added; route_ac_build() computes failure links breadth-first,
 * then flattens every node's edges into one sorted array so a transition is a
 * binary search over at most a few dozen bytes. Outputs are chained: each node
 * lists its own values and points to the nearest node on its failure path
 * that has outputs ("dictionary suffix link"), so reporting matches never
 * walks states without any.
 */
#include "route_ac.h"
#include "route_mem.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    uint8_t  byte;
    int32_t  to;
} ac_edge;

typedef struct {
    int32_t  first_edge;    /* index into edges; before build: head of a list */
    int32_t  nedges;
    int32_t  fail;
    int32_t  dict;          /* nearest state on the fail path with outputs, or -1 */
    int32_t  first_out;     /* index into outs, or -1 */
    uint32_t depth;         /* pattern length in bytes at this state */
} ac_node;

typedef struct {
    int32_t value;
    int32_t next;
} ac_out;

struct route_ac {
    ac_node *nodes;  size_t nnodes, cap_nodes;
    ac_edge *edges;  size_t nedges, cap_edges;
    int32_t *next_in_list;                      /* build-time edge lists */
    ac_out  *outs;   size_t nouts, cap_outs;
    size_t   npatterns;
    int      built;
    int32_t  root_next[256];                    /* the root's transitions, dense: most failure paths end there */
};

static int32_t new_node(route_ac *self, uint32_t depth)
{
    if (route_grow((void **)&self->nodes, &self->cap_nodes, self->nnodes + 1, sizeof(ac_node)) != 0)
        return -1;
    self->nodes[self->nnodes] = (ac_node){.first_edge = -1, .fail = 0, .dict = -1, .first_out = -1, .depth = depth};
    return (int32_t)self->nnodes++;
}

route_ac *route_ac_new(void)
{
    route_ac *self = calloc(1, sizeof *self);
    if (!self || new_node(self, 0) != 0) {
        free(self);
        return NULL;
    }
    return self;
}

void route_ac_destroy(route_ac **self)
{
    if (!self || !*self)
        return;
    free((*self)->nodes);
    free((*self)->edges);
    free((*self)->next_in_list);
    free((*self)->outs);
    free(*self);
    *self = NULL;
}

size_t route_ac_size(const route_ac *self)
{
    return self->npatterns;
}

/* Build-time child lookup over the linked edge list. */
static int32_t list_child(const route_ac *self, int32_t node, uint8_t byte)
{
    for (int32_t e = self->nodes[node].first_edge; e >= 0; e = self->next_in_list[e])
        if (self->edges[e].byte == byte)
            return self->edges[e].to;
    return -1;
}

static int32_t add_child(route_ac *self, int32_t node, uint8_t byte)
{
    int32_t child = new_node(self, self->nodes[node].depth + 1);
    if (child < 0)
        return -1;
    size_t cap_next = self->cap_edges;
    if (route_grow((void **)&self->edges, &self->cap_edges, self->nedges + 1, sizeof(ac_edge)) != 0)
        return -1;
    if (self->cap_edges != cap_next || !self->next_in_list) {
        int32_t *p = realloc(self->next_in_list, self->cap_edges * sizeof *p);
        if (!p)
            return -1;
        self->next_in_list = p;
    }
    int32_t e = (int32_t)self->nedges++;
    self->edges[e] = (ac_edge){.byte = byte, .to = child};
    self->next_in_list[e] = self->nodes[node].first_edge;
    self->nodes[node].first_edge = e;
    self->nodes[node].nedges++;
    return child;
}

int route_ac_add(route_ac *self, const char *pattern, size_t len, int32_t value)
{
    if (self->built || len == 0)
        return -1;
    int32_t node = 0;
    for (size_t i = 0; i < len; i++) {
        int32_t child = list_child(self, node, (uint8_t)pattern[i]);
        if (child < 0 && (child = add_child(self, node, (uint8_t)pattern[i])) < 0)
            return -1;
        node = child;
    }
    if (route_grow((void **)&self->outs, &self->cap_outs, self->nouts + 1, sizeof(ac_out)) != 0)
        return -1;
    self->outs[self->nouts] = (ac_out){.value = value, .next = self->nodes[node].first_out};
    self->nodes[node].first_out = (int32_t)self->nouts++;
    self->npatterns++;
    return 0;
}

static int cmp_edge(const void *a, const void *b)
{
    return (int)((const ac_edge *)a)->byte - (int)((const ac_edge *)b)->byte;
}

/* Rewrites the linked edge lists as one sorted array per node. */
static int flatten_edges(route_ac *self)
{
    ac_edge *flat = malloc((self->nedges ? self->nedges : 1) * sizeof *flat);
    if (!flat)
        return -1;
    size_t k = 0;
    for (size_t n = 0; n < self->nnodes; n++) {
        size_t begin = k;
        for (int32_t e = self->nodes[n].first_edge; e >= 0; e = self->next_in_list[e])
            flat[k++] = self->edges[e];
        qsort(flat + begin, k - begin, sizeof *flat, cmp_edge);
        self->nodes[n].first_edge = (int32_t)begin;
    }
    free(self->edges);
    free(self->next_in_list);
    self->next_in_list = NULL;
    self->edges = flat;
    return 0;
}

static int32_t child_of(const route_ac *self, int32_t node, uint8_t byte)
{
    const ac_edge *e = self->edges + self->nodes[node].first_edge;
    size_t lo = 0, hi = (size_t)self->nodes[node].nedges;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (e[mid].byte < byte)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < (size_t)self->nodes[node].nedges && e[lo].byte == byte ? e[lo].to : -1;
}

/* The state reached from `node` on `byte`, following failure links. */
static int32_t step(const route_ac *self, int32_t node, uint8_t byte)
{
    while (node != 0) {
        int32_t next = child_of(self, node, byte);
        if (next >= 0)
            return next;
        node = self->nodes[node].fail;
    }
    return self->root_next[byte];
}

int route_ac_build(route_ac *self)
{
    if (self->built)
        return 0;
    if (flatten_edges(self) != 0)
        return -1;
    for (int b = 0; b < 256; b++) {
        int32_t next = child_of(self, 0, (uint8_t)b);
        self->root_next[b] = next >= 0 ? next : 0;
    }
    int32_t *queue = malloc(self->nnodes * sizeof *queue);
    if (!queue)
        return -1;
    size_t head = 0, tail = 0;
    queue[tail++] = 0;
    while (head < tail) {
        int32_t n = queue[head++];
        const ac_node *node = &self->nodes[n];
        for (int32_t i = 0; i < node->nedges; i++) {
            const ac_edge *e = &self->edges[node->first_edge + i];
            ac_node *child = &self->nodes[e->to];
            child->fail = n == 0 ? 0 : step(self, node->fail, e->byte);
            const ac_node *f = &self->nodes[child->fail];
            child->dict = f->first_out >= 0 ? child->fail : f->dict;
            queue[tail++] = e->to;
        }
    }
    free(queue);
    self->built = 1;
    return 0;
}

static int report(const route_ac *self, int32_t state, size_t end, route_ac_hit_fn fn, void *ctx)
{
    for (int32_t s = self->nodes[state].first_out >= 0 ? state : self->nodes[state].dict; s > 0;
         s = self->nodes[s].dict) {
        size_t start = end - self->nodes[s].depth;
        for (int32_t o = self->nodes[s].first_out; o >= 0; o = self->outs[o].next)
            if (fn(ctx, self->outs[o].value, start, end))
                return 1;
    }
    return 0;
}

void route_ac_scan(const route_ac *self, const char *text, size_t len, route_ac_hit_fn fn, void *ctx)
{
    if (!self->built)
        return;
    int32_t state = 0;
    for (size_t i = 0; i < len; i++) {
        state = step(self, state, (uint8_t)text[i]);
        if (state && report(self, state, i + 1, fn, ctx))
            return;
    }
}
