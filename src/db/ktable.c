/* ktable.c — see ktable.h: the keyspace's hash and key comparison over core/htable. */
#include "db/ktable.h"
#include "util/siphash.h"
#include <stddef.h>

#define KT_HASH_SHIFT 8 /* low bits pick the shard; buckets use the rest */

uint64_t ktable_hash(const char *key, size_t klen) { return hash_bytes(key, klen); }

static inline uint64_t kt_bucket_hash(uint64_t h) { return h >> KT_HASH_SHIFT; }

static uint64_t kt_elem_hash(const void *elem) {
    const entry *e = elem;
    return kt_bucket_hash(ktable_hash(entry_key(e), entry_keylen(e)));
}

static const struct htable_type kt_type = {.link_off = offsetof(entry, next), .hash = kt_elem_hash};

struct kt_probe {
    const char *key;
    size_t klen;
};

static inline int kt_match(const void *elem, const void *probe) {
    const entry *e = elem;
    const struct kt_probe *p = probe;
    return entry_keylen(e) == p->klen && memcmp(entry_key(e), p->key, p->klen) == 0;
}

void ktable_init(struct ktable *kt) { htable_init(&kt->ht); }

static void kt_free_entry(void *priv, void *elem) { entry_free(elem); }

void ktable_clear(struct ktable *kt) { htable_clear(&kt->ht, &kt_type, kt_free_entry, NULL); }

int ktable_rehash_step(struct ktable *kt, int steps) { return htable_rehash_step(&kt->ht, &kt_type, steps); }

void ktable_maybe_resize(struct ktable *kt) { htable_maybe_resize(&kt->ht); }

entry **ktable_find(struct ktable *kt, uint64_t hash, const char *key, size_t klen, int *table) {
    struct kt_probe p = {key, klen};
    return (entry **)htable_find_link(&kt->ht, &kt_type, kt_bucket_hash(hash), kt_match, &p, table);
}

void ktable_insert(struct ktable *kt, uint64_t hash, entry *e) {
    htable_insert(&kt->ht, &kt_type, kt_bucket_hash(hash), e);
}

entry *ktable_replace(entry **link, entry *repl) { return htable_replace(&kt_type, (void **)link, repl); }

entry *ktable_unlink(struct ktable *kt, entry **link, int table) {
    return htable_unlink(&kt->ht, &kt_type, (void **)link, table);
}

static void kt_scan_visit(void *priv, void *elem) {
    struct htable_scan_wrap *w = priv;
    ((ktable_scan_fn)w->fn)(w->priv, elem);
}

uint64_t ktable_scan(struct ktable *kt, uint64_t cursor, ktable_scan_fn fn, void *priv) {
    struct htable_scan_wrap w = {(void (*)(void))fn, priv};
    return htable_scan(&kt->ht, &kt_type, cursor, kt_scan_visit, &w);
}

entry *ktable_random(struct ktable *kt) { return htable_random(&kt->ht, &kt_type); }

size_t ktable_overhead(const struct ktable *kt) { return htable_overhead(&kt->ht); }
