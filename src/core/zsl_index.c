/* zsl_index.c — see zsl_index.h. Load is kept between 1/8 and 1 member per bucket;
 * the scan cursor is the reversed-bits increment described for Redis's SCAN (our own
 * code, same algorithm as db/ktable.c). */
#include "core/zsl_index.h"
#include "util/alloc.h"
#include "util/siphash.h"
#include <string.h>

#define ZIDX_INITIAL 4

void zidx_init(zsl_index *ix) {
    ix->t[0] = ix->t[1] = NULL;
    ix->size[0] = ix->size[1] = 0;
    ix->used[0] = ix->used[1] = 0;
    ix->rehash_idx = -1;
}

void zidx_clear(zsl_index *ix) {
    wfree(ix->t[0]);
    wfree(ix->t[1]);
    zidx_init(ix);
}

static inline uint64_t node_hash(const zsl_node *n) { return hash_bytes(zsl_member(n), n->len); }

/* Move up to `steps` non-empty buckets from table 0 to table 1. */
static void rehash_step(zsl_index *ix, int steps) {
    if (ix->rehash_idx < 0) return;
    int empty_visits = steps * 10;
    while (steps-- > 0 && ix->used[0]) {
        while (ix->t[0][ix->rehash_idx] == NULL) {
            ix->rehash_idx++;
            if (--empty_visits == 0) return;
        }
        zsl_node *n = ix->t[0][ix->rehash_idx];
        while (n) {
            zsl_node *next = n->hnext;
            uint64_t b = node_hash(n) & (ix->size[1] - 1);
            n->hnext = ix->t[1][b];
            ix->t[1][b] = n;
            ix->used[0]--;
            ix->used[1]++;
            n = next;
        }
        ix->t[0][ix->rehash_idx] = NULL;
        ix->rehash_idx++;
    }
    if (ix->used[0] == 0) {
        wfree(ix->t[0]);
        ix->t[0] = ix->t[1];
        ix->size[0] = ix->size[1];
        ix->used[0] = ix->used[1];
        ix->t[1] = NULL;
        ix->size[1] = ix->used[1] = 0;
        ix->rehash_idx = -1;
    }
}

static void start_resize(zsl_index *ix, uint64_t want) {
    uint64_t size = ZIDX_INITIAL;
    while (size < want) size <<= 1;
    if (size == ix->size[0]) return;
    zsl_node **t = wcalloc(size, sizeof(*t));
    if (!ix->t[0]) {
        ix->t[0] = t;
        ix->size[0] = size;
        return;
    }
    ix->t[1] = t;
    ix->size[1] = size;
    ix->used[1] = 0;
    ix->rehash_idx = 0;
}

static void maybe_resize(zsl_index *ix) {
    if (ix->rehash_idx >= 0) return;
    uint64_t n = ix->used[0];
    if (ix->size[0] == 0) start_resize(ix, ZIDX_INITIAL);
    else if (n >= ix->size[0]) start_resize(ix, n * 2);
    else if (ix->size[0] > ZIDX_INITIAL && n * 8 < ix->size[0]) start_resize(ix, n < ZIDX_INITIAL ? ZIDX_INITIAL : n);
}

void zidx_expand(zsl_index *ix, uint64_t n) {
    if (ix->rehash_idx >= 0 || zidx_count(ix) || n <= ix->size[0]) return;
    wfree(ix->t[0]);
    zidx_init(ix);
    start_resize(ix, n);
}

zsl_node *zidx_find(zsl_index *ix, const char *m, size_t len) {
    if (zidx_count(ix) == 0) return NULL;
    rehash_step(ix, 1);
    uint64_t h = hash_bytes(m, len);
    for (int i = 0; i < 2; i++) {
        if (ix->size[i] == 0) continue;
        for (zsl_node *n = ix->t[i][h & (ix->size[i] - 1)]; n; n = n->hnext)
            if (n->len == len && (len == 0 || memcmp(zsl_member(n), m, len) == 0)) return n;
        if (ix->rehash_idx < 0) break;
    }
    return NULL;
}

void zidx_insert(zsl_index *ix, zsl_node *n) {
    if (ix->rehash_idx >= 0) rehash_step(ix, 1);
    else maybe_resize(ix);
    int i = ix->rehash_idx >= 0 ? 1 : 0;
    uint64_t b = node_hash(n) & (ix->size[i] - 1);
    n->hnext = ix->t[i][b];
    ix->t[i][b] = n;
    ix->used[i]++;
}

int zidx_remove(zsl_index *ix, zsl_node *n) {
    if (zidx_count(ix) == 0) return 0;
    rehash_step(ix, 1);
    uint64_t h = node_hash(n);
    for (int i = 0; i < 2; i++) {
        if (ix->size[i] == 0) continue;
        for (zsl_node **link = &ix->t[i][h & (ix->size[i] - 1)]; *link; link = &(*link)->hnext) {
            if (*link == n) {
                *link = n->hnext;
                n->hnext = NULL;
                ix->used[i]--;
                if (ix->rehash_idx < 0) maybe_resize(ix);
                return 1;
            }
        }
        if (ix->rehash_idx < 0) break;
    }
    return 0;
}

static inline uint64_t rev64(uint64_t v) {
    v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
    v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
    v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((v & 0x0F0F0F0F0F0F0F0FULL) << 4);
    v = ((v >> 8) & 0x00FF00FF00FF00FFULL) | ((v & 0x00FF00FF00FF00FFULL) << 8);
    v = ((v >> 16) & 0x0000FFFF0000FFFFULL) | ((v & 0x0000FFFF0000FFFFULL) << 16);
    return (v >> 32) | (v << 32);
}

static void visit(const zsl_node *n, zidx_scan_fn fn, void *priv) {
    for (; n; n = n->hnext) fn(priv, n);
}

uint64_t zidx_scan(zsl_index *ix, uint64_t v, zidx_scan_fn fn, void *priv) {
    if (zidx_count(ix) == 0 || ix->size[0] == 0) return 0;
    if (ix->rehash_idx < 0) {
        uint64_t m0 = ix->size[0] - 1;
        visit(ix->t[0][v & m0], fn, priv);
        v |= ~m0;
        v = rev64(v);
        v++;
        return rev64(v);
    }
    /* rehashing: the small table's bucket, then every large-table bucket it expands to */
    int s = ix->size[0] <= ix->size[1] ? 0 : 1, l = 1 - s;
    uint64_t m0 = ix->size[s] - 1, m1 = ix->size[l] - 1;
    visit(ix->t[s][v & m0], fn, priv);
    do {
        visit(ix->t[l][v & m1], fn, priv);
        v |= ~m1;
        v = rev64(v);
        v++;
        v = rev64(v);
    } while (v & (m0 ^ m1));
    return v;
}

size_t zidx_overhead(const zsl_index *ix) { return (size_t)(ix->size[0] + ix->size[1]) * sizeof(zsl_node *); }
