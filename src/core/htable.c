/* htable.c — see htable.h. The scan cursor algorithm (increment the reversed bits of
 * the cursor under the small table's mask, then walk the big table's expansions of
 * that bucket) is the one Redis documents for SCAN (Pieter Noordhuis's); the code
 * here is our own. */
#include "core/htable.h"
#include "util/alloc.h"
#include <assert.h>
#include <stdlib.h>

void htable_init(struct htable *ht) {
    ht->t[0] = ht->t[1] = NULL;
    ht->size[0] = ht->size[1] = 0;
    ht->used[0] = ht->used[1] = 0;
    ht->rehash_idx = -1;
    ht->pause_rehash = 0;
    ht->spare = 0;
}

void htable_for_each(const struct htable *ht, const struct htable_type *ty, void (*fn)(void *priv, void *elem),
                     void *priv) {
    for (int i = 0; i < 2; i++) {
        for (uint64_t b = 0; b < ht->size[i]; b++) {
            void *e = ht->t[i][b];
            while (e) {
                void *n = htable_next(ty, e); /* read first: fn may free e */
                fn(priv, e);
                e = n;
            }
        }
    }
}

void htable_clear(struct htable *ht, const struct htable_type *ty, void (*free_elem)(void *priv, void *elem),
                  void *priv) {
    if (free_elem) htable_for_each(ht, ty, free_elem, priv);
    wfree(ht->t[0]);
    wfree(ht->t[1]);
    int32_t spare = ht->spare;
    htable_init(ht);
    ht->spare = spare;
}

int htable_rehash_step(struct htable *ht, const struct htable_type *ty, int steps) {
    if (ht->rehash_idx < 0) return 0;
    if (ht->pause_rehash) return 1;
    int empty_visits = steps * 10;
    while (steps-- && ht->used[0]) {
        while (ht->t[0][ht->rehash_idx] == NULL) {
            ht->rehash_idx++;
            if (--empty_visits == 0) return 1;
        }
        void *e = ht->t[0][ht->rehash_idx];
        while (e) {
            void *n = htable_next(ty, e);
            uint64_t idx = ty->hash(e) & (ht->size[1] - 1);
            *htable_link_of(ty, e) = ht->t[1][idx];
            ht->t[1][idx] = e;
            ht->used[0]--;
            ht->used[1]++;
            e = n;
        }
        ht->t[0][ht->rehash_idx] = NULL;
        ht->rehash_idx++;
    }
    if (ht->used[0]) return 1;
    /* table 0 is empty: the new table takes its place */
    wfree(ht->t[0]);
    ht->t[0] = ht->t[1];
    ht->size[0] = ht->size[1];
    ht->used[0] = ht->used[1];
    ht->t[1] = NULL;
    ht->size[1] = ht->used[1] = 0;
    ht->rehash_idx = -1;
    return 0;
}

/* Allocate a table of at least `want` buckets: the first table directly, else the
 * target of an incremental rehash. Same size as now: nothing to do. */
static void htable_start_resize(struct htable *ht, uint64_t want) {
    uint64_t size = HTABLE_INITIAL;
    while (size < want && size < (1ULL << 62)) size <<= 1;
    if (size == ht->size[0]) return;
    void **t = wcalloc((size_t)size, sizeof(*t));
    if (ht->t[0] == NULL) {
        ht->t[0] = t;
        ht->size[0] = size;
        return;
    }
    ht->t[1] = t;
    ht->size[1] = size;
    ht->used[1] = 0;
    ht->rehash_idx = 0;
}

/* Grow at load 1 (or allocate the first table). Inserts only ever grow: a table sized
 * ahead by htable_expand must not shrink back on its first insert. */
static int htable_maybe_grow(struct htable *ht) {
    if (ht->rehash_idx >= 0 || ht->pause_rehash) return 0;
    uint64_t n = ht->used[0];
    if (ht->size[0] == 0) htable_start_resize(ht, HTABLE_INITIAL);
    else if (n >= ht->size[0]) htable_start_resize(ht, n * 2);
    else return 0;
    return 1;
}

void htable_maybe_resize(struct htable *ht) {
    if (htable_maybe_grow(ht) || ht->rehash_idx >= 0 || ht->pause_rehash) return;
    uint64_t n = ht->used[0];
    if (ht->size[0] > HTABLE_INITIAL && n * 8 < ht->size[0])
        htable_start_resize(ht, n < HTABLE_INITIAL ? HTABLE_INITIAL : n);
}

void htable_expand(struct htable *ht, uint64_t n) {
    if (ht->rehash_idx >= 0 || ht->pause_rehash || n <= ht->size[0]) return;
    if (ht->used[0] == 0 && ht->t[0]) { /* nothing to move: replace the empty array */
        wfree(ht->t[0]);
        ht->t[0] = NULL;
        ht->size[0] = 0;
    }
    htable_start_resize(ht, n);
}

void htable_insert(struct htable *ht, const struct htable_type *ty, uint64_t hash, void *elem) {
    if (ht->rehash_idx >= 0) htable_rehash_step(ht, ty, 1);
    else htable_maybe_grow(ht);
    int i = ht->rehash_idx >= 0 ? 1 : 0;
    uint64_t idx = hash & (ht->size[i] - 1);
    *htable_link_of(ty, elem) = ht->t[i][idx];
    ht->t[i][idx] = elem;
    ht->used[i]++;
}

void *htable_unlink(struct htable *ht, const struct htable_type *ty, void **link, int table) {
    void *e = *link;
    *link = htable_next(ty, e);
    *htable_link_of(ty, e) = NULL;
    ht->used[table]--;
    htable_maybe_resize(ht);
    return e;
}

static inline uint64_t htable_rand64(void) {
    return ((uint64_t)random() << 62) ^ ((uint64_t)random() << 31) ^ (uint64_t)random();
}

void *htable_random(struct htable *ht, const struct htable_type *ty) {
    if (htable_count(ht) == 0) return NULL;
    if (ht->rehash_idx >= 0) htable_rehash_step(ht, ty, 1);
    void *head = NULL;
    while (!head) {
        if (ht->rehash_idx >= 0) {
            /* buckets of t[0] below rehash_idx were moved (empty): draw from the rest */
            uint64_t left = ht->size[0] - (uint64_t)ht->rehash_idx;
            uint64_t r = htable_rand64() % (left + ht->size[1]);
            head = r < left ? ht->t[0][(uint64_t)ht->rehash_idx + r] : ht->t[1][r - left];
        } else {
            head = ht->t[0][htable_rand64() & (ht->size[0] - 1)];
        }
    }
    uint64_t len = 0;
    for (void *e = head; e; e = htable_next(ty, e)) len++;
    uint64_t pick = htable_rand64() % len;
    while (pick--) head = htable_next(ty, head);
    return head;
}

static inline uint64_t htable_rev64(uint64_t v) {
    v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
    v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
    v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((v & 0x0F0F0F0F0F0F0F0FULL) << 4);
    v = ((v >> 8) & 0x00FF00FF00FF00FFULL) | ((v & 0x00FF00FF00FF00FFULL) << 8);
    v = ((v >> 16) & 0x0000FFFF0000FFFFULL) | ((v & 0x0000FFFF0000FFFFULL) << 16);
    return (v >> 32) | (v << 32);
}

/* The cursor after v under mask m: set the bits above the mask, then add one to the
 * reversed value, so the carry runs from the high bits of the mask down. */
static inline uint64_t htable_cursor_next(uint64_t v, uint64_t m) {
    v |= ~m;
    return htable_rev64(htable_rev64(v) + 1);
}

static void htable_visit_bucket(const struct htable_type *ty, void *e, void (*fn)(void *priv, void *elem),
                                void *priv) {
    while (e) {
        void *n = htable_next(ty, e);
        fn(priv, e);
        e = n;
    }
}

uint64_t htable_scan(struct htable *ht, const struct htable_type *ty, uint64_t v, void (*fn)(void *priv, void *elem),
                     void *priv) {
    if (htable_count(ht) == 0 || ht->size[0] == 0) return 0;
    if (ht->rehash_idx < 0) {
        uint64_t m0 = ht->size[0] - 1;
        htable_visit_bucket(ty, ht->t[0][v & m0], fn, priv);
        return htable_cursor_next(v, m0);
    }
    /* rehashing: the small table's bucket, then every bucket of the big table that
     * expands from it */
    int s = ht->size[0] <= ht->size[1] ? 0 : 1, l = 1 - s;
    uint64_t m0 = ht->size[s] - 1, m1 = ht->size[l] - 1;
    htable_visit_bucket(ty, ht->t[s][v & m0], fn, priv);
    do {
        htable_visit_bucket(ty, ht->t[l][v & m1], fn, priv);
        v = htable_cursor_next(v, m1);
    } while (v & (m0 ^ m1));
    return v;
}

void htable_iter_init(struct htable_iter *it, struct htable *ht, const struct htable_type *ty) {
    it->ht = ht;
    it->ty = ty;
    it->table = 0;
    it->index = 0;
    it->next = NULL;
    ht->pause_rehash++;
}

void *htable_iter_next(struct htable_iter *it) {
    struct htable *ht = it->ht;
    for (;;) {
        if (it->next) {
            void *e = it->next;
            it->next = htable_next(it->ty, e); /* read before the caller may free e */
            return e;
        }
        if (it->table > 1) return NULL;
        if (it->index >= ht->size[it->table]) {
            it->table++;
            it->index = 0;
            if (it->table > 1 || ht->rehash_idx < 0) {
                it->table = 2;
                return NULL;
            }
            continue;
        }
        it->next = ht->t[it->table][it->index++];
    }
}

void htable_iter_release(struct htable_iter *it) {
    if (!it->ht) return;
    it->ht->pause_rehash--;
    assert(it->ht->pause_rehash >= 0);
    if (it->ht->size[0]) htable_maybe_resize(it->ht); /* the walk's deletions may have left it sparse */
    it->ht = NULL;
}
