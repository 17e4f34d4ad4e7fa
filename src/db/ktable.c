/* ktable.c — see ktable.h. The scan cursor algorithm (increment the reversed bits of
 * the cursor under the small table's mask) is Pieter Noordhuis's, as described in Redis's
 * documentation of SCAN guarantees; the code here is our own. */
#include "db/ktable.h"
#include "util/alloc.h"
#include "util/siphash.h"
#include <stdlib.h>

#define KT_INITIAL 4
#define KT_HASH_SHIFT 8 /* low bits pick the shard; buckets use the rest */

uint64_t ktable_hash(const char *key, size_t klen) { return hash_bytes(key, klen); }

static inline uint64_t kt_bucket_hash(uint64_t h) { return h >> KT_HASH_SHIFT; }

void ktable_init(struct ktable *kt) {
    kt->t[0] = kt->t[1] = NULL;
    kt->size[0] = kt->size[1] = 0;
    kt->used[0] = kt->used[1] = 0;
    kt->rehash_idx = -1;
}

void ktable_clear(struct ktable *kt) {
    for (int i = 0; i < 2; i++) {
        for (uint64_t b = 0; b < kt->size[i]; b++) {
            entry *e = kt->t[i][b];
            while (e) {
                entry *n = e->next;
                entry_free(e);
                e = n;
            }
        }
        wfree(kt->t[i]);
    }
    ktable_init(kt);
}

static inline int kt_key_eq(const entry *e, const char *key, size_t klen) {
    return entry_keylen(e) == klen && memcmp(entry_key(e), key, klen) == 0;
}

int ktable_rehash_step(struct ktable *kt, int steps) {
    if (kt->rehash_idx < 0) return 0;
    int empty_visits = steps * 10;
    while (steps-- && kt->used[0]) {
        while (kt->t[0][kt->rehash_idx] == NULL) {
            kt->rehash_idx++;
            if (--empty_visits == 0) return 1;
        }
        entry *e = kt->t[0][kt->rehash_idx];
        while (e) {
            entry *n = e->next;
            uint64_t h = kt_bucket_hash(ktable_hash(entry_key(e), entry_keylen(e)));
            uint64_t idx = h & (kt->size[1] - 1);
            e->next = kt->t[1][idx];
            kt->t[1][idx] = e;
            kt->used[0]--;
            kt->used[1]++;
            e = n;
        }
        kt->t[0][kt->rehash_idx] = NULL;
        kt->rehash_idx++;
    }
    if (kt->used[0] == 0) {
        wfree(kt->t[0]);
        kt->t[0] = kt->t[1];
        kt->size[0] = kt->size[1];
        kt->used[0] = kt->used[1];
        kt->t[1] = NULL;
        kt->size[1] = kt->used[1] = 0;
        kt->rehash_idx = -1;
        return 0;
    }
    return 1;
}

static void kt_start_resize(struct ktable *kt, uint64_t want) {
    uint64_t size = KT_INITIAL;
    while (size < want) size <<= 1;
    if (size == kt->size[0]) return;
    entry **t = wcalloc(size, sizeof(entry *));
    if (kt->t[0] == NULL) {
        kt->t[0] = t;
        kt->size[0] = size;
        return;
    }
    kt->t[1] = t;
    kt->size[1] = size;
    kt->used[1] = 0;
    kt->rehash_idx = 0;
}

void ktable_maybe_resize(struct ktable *kt) {
    if (kt->rehash_idx >= 0) return;
    uint64_t n = kt->used[0];
    if (kt->size[0] == 0) kt_start_resize(kt, KT_INITIAL);
    else if (n >= kt->size[0]) kt_start_resize(kt, n * 2);
    else if (kt->size[0] > KT_INITIAL && n * 8 < kt->size[0]) kt_start_resize(kt, n < KT_INITIAL ? KT_INITIAL : n);
}

entry **ktable_find(struct ktable *kt, uint64_t hash, const char *key, size_t klen, int *table) {
    if (ktable_count(kt) == 0) return NULL;
    if (kt->rehash_idx >= 0) ktable_rehash_step(kt, 1);
    uint64_t h = kt_bucket_hash(hash);
    for (int i = 0; i < 2; i++) {
        if (kt->size[i] == 0) continue;
        entry **link = &kt->t[i][h & (kt->size[i] - 1)];
        while (*link) {
            if (kt_key_eq(*link, key, klen)) {
                if (table) *table = i;
                return link;
            }
            link = &(*link)->next;
        }
        if (kt->rehash_idx < 0) break;
    }
    return NULL;
}

void ktable_insert(struct ktable *kt, uint64_t hash, entry *e) {
    if (kt->rehash_idx >= 0) ktable_rehash_step(kt, 1);
    else ktable_maybe_resize(kt);
    int i = kt->rehash_idx >= 0 ? 1 : 0;
    uint64_t idx = kt_bucket_hash(hash) & (kt->size[i] - 1);
    e->next = kt->t[i][idx];
    kt->t[i][idx] = e;
    kt->used[i]++;
}

entry *ktable_unlink(struct ktable *kt, entry **link, int table) {
    entry *e = *link;
    *link = e->next;
    e->next = NULL;
    kt->used[table]--;
    if (kt->rehash_idx < 0) ktable_maybe_resize(kt);
    return e;
}

static inline uint64_t rev64(uint64_t v) {
    v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
    v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
    v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((v & 0x0F0F0F0F0F0F0F0FULL) << 4);
    v = ((v >> 8) & 0x00FF00FF00FF00FFULL) | ((v & 0x00FF00FF00FF00FFULL) << 8);
    v = ((v >> 16) & 0x0000FFFF0000FFFFULL) | ((v & 0x0000FFFF0000FFFFULL) << 16);
    return (v >> 32) | (v << 32);
}

static void kt_visit_bucket(entry *e, ktable_scan_fn fn, void *priv) {
    while (e) {
        entry *n = e->next; /* fn may not unlink, but be safe against reading after */
        fn(priv, e);
        e = n;
    }
}

uint64_t ktable_scan(struct ktable *kt, uint64_t v, ktable_scan_fn fn, void *priv) {
    if (ktable_count(kt) == 0 || kt->size[0] == 0) return 0;
    if (kt->rehash_idx < 0) {
        uint64_t m0 = kt->size[0] - 1;
        kt_visit_bucket(kt->t[0][v & m0], fn, priv);
        v |= ~m0;
        v = rev64(v);
        v++;
        v = rev64(v);
        return v;
    }
    /* rehashing: visit the small table's bucket, then every bucket of the large table
     * that expands from it */
    int s = kt->size[0] <= kt->size[1] ? 0 : 1, l = 1 - s;
    uint64_t m0 = kt->size[s] - 1, m1 = kt->size[l] - 1;
    kt_visit_bucket(kt->t[s][v & m0], fn, priv);
    do {
        kt_visit_bucket(kt->t[l][v & m1], fn, priv);
        v |= ~m1;
        v = rev64(v);
        v++;
        v = rev64(v);
    } while (v & (m0 ^ m1));
    return v;
}

entry *ktable_random(struct ktable *kt) {
    if (ktable_count(kt) == 0) return NULL;
    if (kt->rehash_idx >= 0) ktable_rehash_step(kt, 1);
    entry *head = NULL;
    for (int tries = 0; !head; tries++) {
        if (kt->rehash_idx >= 0) {
            uint64_t total = kt->size[0] + kt->size[1];
            uint64_t r = (uint64_t)random() % total;
            if (r < kt->size[0]) {
                if ((long long)r < kt->rehash_idx) continue; /* migrated, empty */
                head = kt->t[0][r];
            } else {
                head = kt->t[1][r - kt->size[0]];
            }
        } else {
            head = kt->t[0][(uint64_t)random() & (kt->size[0] - 1)];
        }
    }
    int len = 0;
    for (entry *e = head; e; e = e->next) len++;
    int pick = (int)(random() % len);
    while (pick--) head = head->next; /* NOLINT(clang-analyzer-core.NullDereference): pick < chain length */
    return head;
}

size_t ktable_overhead(const struct ktable *kt) {
    return (size_t)(kt->size[0] + kt->size[1]) * sizeof(entry *);
}
