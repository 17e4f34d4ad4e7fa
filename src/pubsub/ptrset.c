/* ptrset.c — see ptrset.h. Load is kept under 1/2, so probes stay short. */
#include "pubsub/ptrset.h"
#include "util/alloc.h"
#include <stdint.h>

static size_t ptr_slot(const void *p, size_t cap) {
    uint64_t x = (uint64_t)(uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (size_t)x & (cap - 1);
}

void ptrset_init(struct ptrset *s) {
    s->slots = NULL;
    s->cap = s->count = 0;
}

void ptrset_free(struct ptrset *s) {
    wfree(s->slots);
    ptrset_init(s);
}

static void ptrset_insert_slot(void **slots, size_t cap, void *p) {
    size_t i = ptr_slot(p, cap);
    while (slots[i]) i = (i + 1) & (cap - 1);
    slots[i] = p;
}

static void ptrset_resize(struct ptrset *s, size_t cap) {
    void **n = wcalloc(cap, sizeof(void *));
    for (size_t i = 0; i < s->cap; i++)
        if (s->slots[i]) ptrset_insert_slot(n, cap, s->slots[i]);
    wfree(s->slots);
    s->slots = n;
    s->cap = cap;
}

int ptrset_has(const struct ptrset *s, const void *p) {
    if (!s->cap) return 0;
    for (size_t i = ptr_slot(p, s->cap); s->slots[i]; i = (i + 1) & (s->cap - 1))
        if (s->slots[i] == p) return 1;
    return 0;
}

int ptrset_add(struct ptrset *s, void *p) {
    if (ptrset_has(s, p)) return 0;
    if ((s->count + 1) * 2 > s->cap) ptrset_resize(s, s->cap ? s->cap * 2 : 8);
    ptrset_insert_slot(s->slots, s->cap, p);
    s->count++;
    return 1;
}

int ptrset_remove(struct ptrset *s, void *p) {
    if (!s->cap) return 0;
    size_t mask = s->cap - 1, i = ptr_slot(p, s->cap);
    while (s->slots[i] && s->slots[i] != p) i = (i + 1) & mask;
    if (!s->slots[i]) return 0;
    s->slots[i] = NULL;
    s->count--;
    /* backward shift: move later members of the probe run into the hole when their
     * home slot allows it, so lookups never stop early at a hole */
    size_t hole = i;
    for (size_t j = (i + 1) & mask; s->slots[j]; j = (j + 1) & mask) {
        size_t home = ptr_slot(s->slots[j], s->cap);
        /* j may move to hole iff home is not cyclically within (hole, j] */
        int stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
        if (stays) continue;
        s->slots[hole] = s->slots[j];
        s->slots[j] = NULL;
        hole = j;
    }
    if (s->count == 0) ptrset_free(s);
    return 1;
}
