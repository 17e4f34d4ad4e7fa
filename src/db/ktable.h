/* ktable.h — the hash table of one keyspace shard: a thin layer over the shared
 * table core (core/htable.h: chained buckets, incremental rehash, resize policy,
 * reverse-binary scan cursor) whose elements are entries, chained through
 * entry.next. This file only adds what is the keyspace's own: the hash (the keyed
 * process hash, whose low bits pick the shard, so buckets use the bits above them)
 * and key comparison.
 *
 * Not thread-safe: the shard lock protects it. */
#ifndef WARDEN_KTABLE_H
#define WARDEN_KTABLE_H
#include "core/htable.h"
#include "db/entry.h"
#include <stdint.h>

struct ktable {
    union {
        struct htable ht;              /* what ktable.c hands to the core */
        struct { HTABLE_FIELDS(aux); }; /* the same fields by name: kt->size[0], kt->used[1] */
    };
};

void ktable_init(struct ktable *kt);
/* Free every entry (entry_free) and the bucket arrays. */
void ktable_clear(struct ktable *kt);
static inline uint64_t ktable_count(const struct ktable *kt) { return htable_count(&kt->ht); }
/* Hash the way every ktable user must (the shard index uses the low bits). */
uint64_t ktable_hash(const char *key, size_t klen);
/* Find `key`; returns the link that points at its entry (for in-place replace or
 * unlink), or NULL; *table (optional) says which of the two tables holds it. The link
 * is valid only until the next call on this table (any call may move a bucket). */
entry **ktable_find(struct ktable *kt, uint64_t hash, const char *key, size_t klen, int *table);
/* Insert an entry whose key is not present. */
void ktable_insert(struct ktable *kt, uint64_t hash, entry *e);
/* Put `repl` (same key) where the entry at `link` (from ktable_find) is; returns the
 * entry taken out (not freed). */
entry *ktable_replace(entry **link, entry *repl);
/* Unlink the entry at `link` (from ktable_find); returns it (not freed). */
entry *ktable_unlink(struct ktable *kt, entry **link, int table);
/* Move up to `steps` buckets of an ongoing rehash; returns 1 if more remain. */
int ktable_rehash_step(struct ktable *kt, int steps);
/* Start a resize if the load calls for it (grow at 1 entry/bucket, shrink below 1/8). */
void ktable_maybe_resize(struct ktable *kt);
typedef void (*ktable_scan_fn)(void *priv, entry *e);
/* Visit the buckets at `cursor`; returns the next cursor (0 = done). */
uint64_t ktable_scan(struct ktable *kt, uint64_t cursor, ktable_scan_fn fn, void *priv);
/* A random entry, or NULL if empty. */
entry *ktable_random(struct ktable *kt);
/* Bytes of bucket arrays (for memory stats). */
size_t ktable_overhead(const struct ktable *kt);
#endif
