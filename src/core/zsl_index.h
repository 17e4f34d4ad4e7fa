/* zsl_index.h — member → node lookup for the skiplist of a big sorted set: a chained
 * hash table whose chains run through the skiplist nodes' own `hnext` field, so the
 * index costs one bucket pointer per member and no allocation per member (a general
 * dict would copy every member into an entry of its own: ~40 more bytes each).
 *
 * Same discipline as the keyspace and collection tables: keyed process hash
 * (hash_bytes) so clients cannot aim members at one bucket; two tables with
 * incremental rehash (a step on every find/insert/remove) so no call pauses for a
 * whole resize; a reverse-binary scan cursor that returns every member present for the
 * whole scan at least once across resizes (ZSCAN's guarantee).
 *
 * The index does not own the nodes: the skiplist does. Not thread-safe. */
#ifndef WARDEN_ZSL_INDEX_H
#define WARDEN_ZSL_INDEX_H
#include "core/skiplist.h"
#include <stddef.h>
#include <stdint.h>

typedef struct zsl_index {
    zsl_node **t[2];
    uint64_t size[2]; /* bucket counts: 0 or a power of two */
    uint64_t used[2];
    long long rehash_idx; /* -1: not rehashing */
} zsl_index;

void zidx_init(zsl_index *ix);
void zidx_clear(zsl_index *ix); /* frees the bucket arrays (not the nodes) */
static inline uint64_t zidx_count(const zsl_index *ix) { return ix->used[0] + ix->used[1]; }
/* Size the table for n members at once (conversion from the compact encoding). */
void zidx_expand(zsl_index *ix, uint64_t n);
zsl_node *zidx_find(zsl_index *ix, const char *m, size_t len);
/* Add node n, whose member must not be indexed yet. */
void zidx_insert(zsl_index *ix, zsl_node *n);
/* Remove node n (by identity). Returns 1 if it was indexed. */
int zidx_remove(zsl_index *ix, zsl_node *n);
typedef void (*zidx_scan_fn)(void *priv, const zsl_node *n);
/* Visit the buckets at `cursor`; returns the next cursor (0 = done). */
uint64_t zidx_scan(zsl_index *ix, uint64_t cursor, zidx_scan_fn fn, void *priv);
size_t zidx_overhead(const zsl_index *ix); /* bytes of bucket arrays */
#endif
