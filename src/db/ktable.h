/* ktable.h — the hash table of one keyspace shard: chained buckets of entries (the
 * chain link lives in the entry), power-of-two sizes, incremental rehash between two
 * tables so no operation pauses for a whole resize, and a reverse-binary cursor scan
 * that returns every entry present for the whole scan even across resizes.
 *
 * Hashes are computed by the caller with the keyed process hash (hash_bytes), so a
 * client cannot aim keys at one bucket. Not thread-safe: the shard lock protects it. */
#ifndef WARDEN_KTABLE_H
#define WARDEN_KTABLE_H
#include "db/entry.h"
#include <stdint.h>

struct ktable {
    entry **t[2];
    uint64_t size[2];   /* bucket counts (0 or a power of two) */
    uint64_t used[2];
    long long rehash_idx; /* -1: not rehashing */
};

void ktable_init(struct ktable *kt);
/* Free every entry (entry_free) and the bucket arrays. */
void ktable_clear(struct ktable *kt);
static inline uint64_t ktable_count(const struct ktable *kt) { return kt->used[0] + kt->used[1]; }
/* Hash the way every ktable user must (the shard index uses the low bits). */
uint64_t ktable_hash(const char *key, size_t klen);
/* Find `key`; returns the link that points at its entry (for in-place replace or
 * unlink), or NULL; *table (optional) says which of the two tables holds it. The link
 * is valid only until the next call on this table (any call may move a bucket). */
entry **ktable_find(struct ktable *kt, uint64_t hash, const char *key, size_t klen, int *table);
/* Insert an entry whose key is not present. */
void ktable_insert(struct ktable *kt, uint64_t hash, entry *e);
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
