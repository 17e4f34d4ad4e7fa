/* ptrset.h — a small set of pointers (open addressing, linear probing, backward-shift
 * deletion so there are no tombstones). Used for a client's subscriptions: membership
 * tests are O(1) however many channels a client holds. Not thread-safe: the owner
 * (pubsub.c) guards each set with its registry lock. */
#ifndef WARDEN_PTRSET_H
#define WARDEN_PTRSET_H
#include <stddef.h>

struct ptrset {
    void **slots; /* owned; NULL = empty slot */
    size_t cap;   /* 0 or a power of two */
    size_t count;
};

void ptrset_init(struct ptrset *s);
void ptrset_free(struct ptrset *s);          /* frees the slots, not the pointees */
int ptrset_add(struct ptrset *s, void *p);    /* 1 if added, 0 if already present */
int ptrset_remove(struct ptrset *s, void *p); /* 1 if removed, 0 if absent */
int ptrset_has(const struct ptrset *s, const void *p);
/* Iterate: for (size_t i = 0; i < s->cap; i++) if (s->slots[i]) ... (no changes meanwhile). */
#endif
