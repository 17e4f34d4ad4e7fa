/* htable.h — the one chained hash table under every table in Warden: the keyspace
 * shards (db/ktable), the collection dict (core/dict) and the sorted-set member index
 * (core/zsl_index) are thin layers over it.
 *
 * Intrusive: the table stores pointers to the caller's elements and chains them
 * through a `next` pointer that lives inside each element, at the offset given by the
 * element's struct htable_type, so the table adds one bucket pointer per element and
 * no allocation. The table never allocates, copies or frees elements; it owns only its
 * bucket arrays.
 *
 * Discipline (the same for every owner):
 *  - Power-of-two bucket counts; an insert grows the table when the load reaches 1
 *    element per bucket; an unlink shrinks it when the load falls below 1/8 (never
 *    below HTABLE_INITIAL buckets). Inserts never shrink, so a table sized ahead with
 *    htable_expand keeps its size while it fills.
 *  - Incremental rehash: a resize allocates a second table and moves one bucket per
 *    find / insert / unlink / random (htable_rehash_step), so no call pauses for a
 *    whole resize. A step visits at most 10 empty buckets so a sparse table cannot
 *    stall the caller. While rehashing, new elements go to the new table.
 *  - Hashes are computed by the owner (with the keyed process hash, so clients cannot
 *    aim keys at one bucket) and passed in; the type's `hash` gives the same value for
 *    a stored element when a rehash moves it. Only the low bits pick a bucket.
 *  - htable_scan's reverse-binary cursor returns every element present for the whole
 *    scan at least once, even when the table grows or shrinks between calls (and
 *    exactly once when it does not change).
 *  - pause_rehash > 0 (a live htable_iter) stops rehash steps and resizes, so the
 *    walk may unlink the element it was just given.
 *
 * Not thread-safe: the owner's lock serializes all calls. */
#ifndef WARDEN_HTABLE_H
#define WARDEN_HTABLE_H
#include <stddef.h>
#include <stdint.h>

#define HTABLE_INITIAL 4 /* smallest bucket count */

/* The table's fields. Owners that expose them by name (kt->size[0] in tests) embed
 * `union { struct htable ht; struct { HTABLE_FIELDS(x); }; }`: both members have the
 * same field list, so either may be read (C11 6.5.2.3, common initial sequence). The
 * last field fills what would be padding and is free for the owner to name and use. */
#define HTABLE_FIELDS(spare_name)                                                        \
    void **t[2];          /* bucket arrays; t[1] exists only while rehashing */          \
    uint64_t size[2];     /* bucket counts: 0 or a power of two */                       \
    uint64_t used[2];     /* elements held by each table */                              \
    long long rehash_idx; /* next bucket of t[0] to move; -1: not rehashing */           \
    int32_t pause_rehash; /* >0: live iterators: no rehash steps, no resize */           \
    int32_t spare_name    /* the owner's (dict: its kind); htable_init zeroes it */

struct htable {
    HTABLE_FIELDS(spare);
};

/* What the table needs to know about an element. One static const instance per
 * element kind. */
struct htable_type {
    size_t link_off;                    /* offsetof(element, its `next` pointer) */
    uint64_t (*hash)(const void *elem); /* the hash the owner passed when inserting it */
};

/* The element after `elem` in its chain (NULL at the end). */
static inline void *htable_next(const struct htable_type *ty, const void *elem) {
    return *(void *const *)((const char *)elem + ty->link_off);
}
/* The address of elem's chain link. */
static inline void **htable_link_of(const struct htable_type *ty, void *elem) {
    return (void **)((char *)elem + ty->link_off);
}

void htable_init(struct htable *ht);
static inline uint64_t htable_count(const struct htable *ht) { return ht->used[0] + ht->used[1]; }
/* Call free_elem (optional) on every element, free the bucket arrays and make the
 * table empty (the spare field is kept). */
void htable_clear(struct htable *ht, const struct htable_type *ty, void (*free_elem)(void *priv, void *elem),
                  void *priv);
/* Call fn on every element, in bucket order. fn may free the element it is given but
 * must not otherwise touch the table. */
void htable_for_each(const struct htable *ht, const struct htable_type *ty, void (*fn)(void *priv, void *elem),
                     void *priv);
/* Bytes of bucket arrays (memory stats). */
static inline size_t htable_overhead(const struct htable *ht) {
    return (size_t)(ht->size[0] + ht->size[1]) * sizeof(void *);
}

/* ---- resizing ---- */
/* Move up to `steps` non-empty buckets of an ongoing rehash; returns 1 if more remain
 * (also when paused). */
int htable_rehash_step(struct htable *ht, const struct htable_type *ty, int steps);
/* Start a resize (grow or shrink) if the load calls for it (not while rehashing or
 * paused). */
void htable_maybe_resize(struct htable *ht);
/* Make room for n elements at once (bulk conversion), avoiding growth steps. No-op
 * while rehashing or paused, or when the table already has n buckets. */
void htable_expand(struct htable *ht, uint64_t n);

/* ---- lookup and update ---- */
/* Find the first element of hash `hash` for which match(elem, probe) is true; returns
 * the link pointing at it (for in-place replacement or unlink) or NULL, and (table
 * optional) which of the two tables holds it. Takes one rehash step first, so the
 * link is valid only until the next call on this table.
 * Inline so that an owner's constant `match` is inlined into its lookup (the
 * keyspace's hot path). */
static inline void **htable_find_link(struct htable *ht, const struct htable_type *ty, uint64_t hash,
                                      int (*match)(const void *elem, const void *probe), const void *probe,
                                      int *table) {
    if (htable_count(ht) == 0) return NULL;
    if (ht->rehash_idx >= 0) htable_rehash_step(ht, ty, 1);
    for (int i = 0; i < 2; i++) {
        if (ht->size[i] == 0) continue;
        void **link = &ht->t[i][hash & (ht->size[i] - 1)];
        while (*link) {
            if (match(*link, probe)) {
                if (table) *table = i;
                return link;
            }
            link = htable_link_of(ty, *link);
        }
        if (ht->rehash_idx < 0) break; /* t[1] is only searched while rehashing */
    }
    return NULL;
}
/* Insert an element that is not present (the caller checked), with its hash. */
void htable_insert(struct htable *ht, const struct htable_type *ty, uint64_t hash, void *elem);
/* Put `repl` where the element at `link` (from htable_find_link) is; returns the
 * element taken out (its link cleared, not freed). Counts do not change. */
static inline void *htable_replace(const struct htable_type *ty, void **link, void *repl) {
    void *old = *link;
    *htable_link_of(ty, repl) = htable_next(ty, old);
    *link = repl;
    *htable_link_of(ty, old) = NULL;
    return old;
}
/* Unlink the element at `link` (from htable_find_link in `table`); returns it (its
 * link cleared, not freed). May start a shrink. */
void *htable_unlink(struct htable *ht, const struct htable_type *ty, void **link, int table);

/* ---- sampling and walking ---- */
/* A random element (NULL if empty): a random non-empty bucket, then a random element
 * of its chain; near-uniform at the load factors kept here. */
void *htable_random(struct htable *ht, const struct htable_type *ty);
/* Visit the buckets at `cursor`, calling fn on each element; returns the next cursor
 * (0 = done). fn must not modify the table. */
uint64_t htable_scan(struct htable *ht, const struct htable_type *ty, uint64_t cursor,
                     void (*fn)(void *priv, void *elem), void *priv);
/* An owner whose scan callback takes its own element type passes it as `priv` in one
 * of these, with a visit function that casts `fn` back to that type and calls it
 * (calling through the wrong function type would be undefined; a function pointer may
 * be stored as another function type and converted back). */
struct htable_scan_wrap {
    void (*fn)(void);
    void *priv;
};

/* Safe iteration: while an iterator is live the table neither rehashes nor resizes,
 * so the caller may unlink the element it was just given, but must not insert.
 * Always release (that may start a shrink the walk's deletions called for). */
struct htable_iter {
    struct htable *ht; /* NULL once released */
    const struct htable_type *ty;
    int table;
    uint64_t index;
    void *next;
};
void htable_iter_init(struct htable_iter *it, struct htable *ht, const struct htable_type *ty);
void *htable_iter_next(struct htable_iter *it);
void htable_iter_release(struct htable_iter *it);
#endif
