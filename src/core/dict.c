/* dict.c — see dict.h. The scan cursor algorithm (increment the reversed bits of the
 * cursor under the small table's mask, then walk the big table's expansions of that
 * bucket) is the one Redis documents for SCAN; this code is our own, as in
 * db/ktable.c. */
#include "core/dict.h"
#include "util/alloc.h"
#include "util/siphash.h"
#include <assert.h>
#include <stdlib.h>

#define DICT_INITIAL 4

static inline size_t dict_value_room(int kind) { return kind == DICT_VAL_PTR ? 8 : 0; }

struct dict *dict_new(int kind) {
    struct dict *d = wmalloc(sizeof(*d));
    d->t[0] = d->t[1] = NULL;
    d->size[0] = d->size[1] = 0;
    d->used[0] = d->used[1] = 0;
    d->rehash_idx = -1;
    d->pause_rehash = 0;
    d->kind = kind;
    return d;
}

void dict_entry_free(struct dict_entry *e) { wfree(e); }

void dict_free(struct dict *d, void (*free_val)(void *ptr)) {
    if (!d) return;
    for (int i = 0; i < 2; i++) {
        for (uint64_t b = 0; b < d->size[i]; b++) {
            struct dict_entry *e = d->t[i][b];
            while (e) {
                struct dict_entry *n = e->next;
                if (free_val && d->kind == DICT_VAL_PTR) free_val(dict_entry_ptr(e));
                wfree(e);
                e = n;
            }
        }
        wfree(d->t[i]);
    }
    wfree(d);
}

static inline uint64_t dict_rand64(void) {
    return ((uint64_t)random() << 62) ^ ((uint64_t)random() << 31) ^ (uint64_t)random();
}

static inline uint64_t dict_hash_key(const char *key, size_t klen) { return hash_bytes(key, klen); }

static inline int dict_key_eq(const struct dict *d, const struct dict_entry *e, const char *key, size_t klen) {
    return e->klen == klen && (klen == 0 || memcmp(dict_entry_key(d, e), key, klen) == 0);
}

/* Move up to `steps` buckets from table 0 to table 1. Visits at most 10 empty buckets
 * per step so a sparse table cannot stall the caller. */
static void dict_rehash_step(struct dict *d, int steps) {
    if (d->rehash_idx < 0 || d->pause_rehash) return;
    int empty_visits = steps * 10;
    while (steps-- && d->used[0]) {
        while (d->t[0][d->rehash_idx] == NULL) {
            d->rehash_idx++;
            if (--empty_visits == 0) return;
        }
        struct dict_entry *e = d->t[0][d->rehash_idx];
        while (e) {
            struct dict_entry *n = e->next;
            uint64_t idx = dict_hash_key(dict_entry_key(d, e), e->klen) & (d->size[1] - 1);
            e->next = d->t[1][idx];
            d->t[1][idx] = e;
            d->used[0]--;
            d->used[1]++;
            e = n;
        }
        d->t[0][d->rehash_idx] = NULL;
        d->rehash_idx++;
    }
    if (d->used[0] == 0) {
        wfree(d->t[0]);
        d->t[0] = d->t[1];
        d->size[0] = d->size[1];
        d->used[0] = d->used[1];
        d->t[1] = NULL;
        d->size[1] = d->used[1] = 0;
        d->rehash_idx = -1;
    }
}

static void dict_start_resize(struct dict *d, uint64_t want) {
    uint64_t size = DICT_INITIAL;
    while (size < want && size < (1ULL << 62)) size <<= 1;
    if (size == d->size[0]) return;
    struct dict_entry **t = wcalloc((size_t)size, sizeof(*t));
    if (d->t[0] == NULL) {
        d->t[0] = t;
        d->size[0] = size;
        return;
    }
    d->t[1] = t;
    d->size[1] = size;
    d->used[1] = 0;
    d->rehash_idx = 0;
}

/* Grow at load 1, shrink below 1/8 (never while rehashing or iterating). */
static void dict_maybe_resize(struct dict *d) {
    if (d->rehash_idx >= 0 || d->pause_rehash) return;
    uint64_t n = d->used[0];
    if (d->size[0] == 0) dict_start_resize(d, DICT_INITIAL);
    else if (n >= d->size[0]) dict_start_resize(d, n * 2);
    else if (d->size[0] > DICT_INITIAL && n * 8 < d->size[0]) dict_start_resize(d, n < DICT_INITIAL ? DICT_INITIAL : n);
}

void dict_expand(struct dict *d, uint64_t n) {
    if (d->rehash_idx >= 0 || d->pause_rehash || n <= d->size[0]) return;
    dict_start_resize(d, n);
}

/* The link pointing at key's entry, or NULL; *table says which table. */
static struct dict_entry **dict_find_link(struct dict *d, const char *key, size_t klen, int *table) {
    if (dict_size(d) == 0) return NULL;
    dict_rehash_step(d, 1);
    uint64_t h = dict_hash_key(key, klen);
    for (int i = 0; i < 2; i++) {
        if (d->size[i] == 0) continue;
        struct dict_entry **link = &d->t[i][h & (d->size[i] - 1)];
        while (*link) {
            if (dict_key_eq(d, *link, key, klen)) {
                *table = i;
                return link;
            }
            link = &(*link)->next;
        }
        if (d->rehash_idx < 0) break;
    }
    return NULL;
}

struct dict_entry *dict_find(struct dict *d, const char *key, size_t klen) {
    int table;
    struct dict_entry **link = dict_find_link(d, key, klen, &table);
    return link ? *link : NULL;
}

static struct dict_entry *dict_entry_make(const struct dict *d, const char *key, size_t klen, const char *val,
                                          size_t vlen) {
    assert(klen <= UINT32_MAX && vlen <= UINT32_MAX);
    size_t room = dict_value_room(d->kind);
    struct dict_entry *e = wmalloc(sizeof(*e) + room + klen + vlen);
    e->next = NULL;
    e->klen = (uint32_t)klen;
    e->vlen = (uint32_t)vlen;
    if (room) memset(e->data, 0, room);
    if (klen) memcpy(e->data + room, key, klen);
    if (vlen) memcpy(e->data + room + klen, val, vlen);
    return e;
}

static void dict_link_new(struct dict *d, struct dict_entry *e, uint64_t h) {
    dict_maybe_resize(d);
    int i = d->rehash_idx >= 0 ? 1 : 0;
    uint64_t idx = h & (d->size[i] - 1);
    e->next = d->t[i][idx];
    d->t[i][idx] = e;
    d->used[i]++;
}

struct dict_entry *dict_add(struct dict *d, const char *key, size_t klen, int *existed) {
    struct dict_entry *e = dict_find(d, key, klen);
    if (e) {
        if (existed) *existed = 1;
        return e;
    }
    if (existed) *existed = 0;
    e = dict_entry_make(d, key, klen, NULL, 0);
    dict_link_new(d, e, dict_hash_key(key, klen));
    return e;
}

int dict_set_bytes(struct dict *d, const char *key, size_t klen, const char *val, size_t vlen) {
    assert(d->kind == DICT_VAL_BYTES);
    int table;
    struct dict_entry **link = dict_find_link(d, key, klen, &table);
    struct dict_entry *n = dict_entry_make(d, key, klen, val, vlen);
    if (link) {
        struct dict_entry *old = *link;
        n->next = old->next;
        *link = n;
        wfree(old);
        return 0;
    }
    dict_link_new(d, n, dict_hash_key(key, klen));
    return 1;
}

struct dict_entry *dict_unlink(struct dict *d, const char *key, size_t klen) {
    int table;
    struct dict_entry **link = dict_find_link(d, key, klen, &table);
    if (!link) return NULL;
    struct dict_entry *e = *link;
    *link = e->next;
    e->next = NULL;
    d->used[table]--;
    dict_maybe_resize(d);
    return e;
}

int dict_delete(struct dict *d, const char *key, size_t klen) {
    struct dict_entry *e = dict_unlink(d, key, klen);
    if (!e) return 0;
    wfree(e);
    return 1;
}

struct dict_entry *dict_random(struct dict *d) {
    if (dict_size(d) == 0) return NULL;
    dict_rehash_step(d, 1);
    struct dict_entry *head = NULL;
    while (!head) {
        if (d->rehash_idx >= 0) {
            /* buckets below rehash_idx in table 0 are empty: draw from the rest */
            uint64_t span = d->size[0] - (uint64_t)d->rehash_idx + d->size[1];
            uint64_t r = dict_rand64() % span;
            if (r < d->size[0] - (uint64_t)d->rehash_idx) head = d->t[0][(uint64_t)d->rehash_idx + r];
            else head = d->t[1][r - (d->size[0] - (uint64_t)d->rehash_idx)];
        } else {
            uint64_t r = dict_rand64();
            head = d->t[0][r & (d->size[0] - 1)];
        }
    }
    uint64_t len = 0;
    for (struct dict_entry *e = head; e; e = e->next) len++;
    uint64_t pick = dict_rand64() % len;
    while (pick--) head = head->next;
    return head;
}

static inline uint64_t dict_rev64(uint64_t v) {
    v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
    v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
    v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((v & 0x0F0F0F0F0F0F0F0FULL) << 4);
    v = ((v >> 8) & 0x00FF00FF00FF00FFULL) | ((v & 0x00FF00FF00FF00FFULL) << 8);
    v = ((v >> 16) & 0x0000FFFF0000FFFFULL) | ((v & 0x0000FFFF0000FFFFULL) << 16);
    return (v >> 32) | (v << 32);
}

static void dict_visit_bucket(struct dict_entry *e, dict_scan_fn fn, void *priv) {
    while (e) {
        struct dict_entry *n = e->next;
        fn(priv, e);
        e = n;
    }
}

uint64_t dict_scan(struct dict *d, uint64_t v, dict_scan_fn fn, void *priv) {
    if (dict_size(d) == 0 || d->size[0] == 0) return 0;
    if (d->rehash_idx < 0) {
        uint64_t m0 = d->size[0] - 1;
        dict_visit_bucket(d->t[0][v & m0], fn, priv);
        v |= ~m0;
        v = dict_rev64(dict_rev64(v) + 1);
        return v;
    }
    /* rehashing: the small table's bucket, then each big-table bucket expanding it */
    int s = d->size[0] <= d->size[1] ? 0 : 1, l = 1 - s;
    uint64_t m0 = d->size[s] - 1, m1 = d->size[l] - 1;
    dict_visit_bucket(d->t[s][v & m0], fn, priv);
    do {
        dict_visit_bucket(d->t[l][v & m1], fn, priv);
        v |= ~m1;
        v = dict_rev64(dict_rev64(v) + 1);
    } while (v & (m0 ^ m1));
    return v;
}

void dict_iter_init(struct dict_iter *it, struct dict *d) {
    it->d = d;
    it->table = 0;
    it->index = 0;
    it->next = NULL;
    d->pause_rehash++;
}

struct dict_entry *dict_iter_next(struct dict_iter *it) {
    struct dict *d = it->d;
    for (;;) {
        if (it->next) {
            struct dict_entry *e = it->next;
            it->next = e->next; /* read before the caller may free e */
            return e;
        }
        if (it->table > 1) return NULL;
        if (it->index >= d->size[it->table]) {
            it->table++;
            it->index = 0;
            if (it->table > 1 || d->rehash_idx < 0) {
                it->table = 2;
                return NULL;
            }
            continue;
        }
        it->next = d->t[it->table][it->index++];
    }
}

void dict_iter_release(struct dict_iter *it) {
    if (!it->d) return;
    it->d->pause_rehash--;
    assert(it->d->pause_rehash >= 0);
    if (it->d->size[0]) dict_maybe_resize(it->d); /* deletions during the walk may have left it sparse */
    it->d = NULL;
}

size_t dict_mem_usage(const struct dict *d) {
    size_t n = walloc_size(d) + walloc_size(d->t[0]) + walloc_size(d->t[1]);
    for (int i = 0; i < 2; i++)
        for (uint64_t b = 0; b < d->size[i]; b++)
            for (const struct dict_entry *e = d->t[i][b]; e; e = e->next) n += walloc_size(e);
    return n;
}
