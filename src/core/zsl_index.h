/* zsl_index.h — member → node lookup for the skiplist of a big sorted set: a chained
 * hash table whose chains run through the skiplist nodes' own `hnext` field, so the
 * index costs one bucket pointer per member and no allocation per member (a general
 * dict would copy every member into an entry of its own: ~40 more bytes each).
 *
 * The table is the shared core of the keyspace and collection tables (core/htable.h):
 * two tables with incremental rehash (a step on every find/insert/remove) so no call
 * pauses for a whole resize; a reverse-binary scan cursor that returns every member
 * present for the whole scan at least once across resizes (ZSCAN's guarantee). This
 * layer adds the nodes' hash (the keyed process hash, hash_bytes, so clients cannot
 * aim members at one bucket) and member comparison.
 *
 * The index does not own the nodes: the skiplist does. Not thread-safe. */
#ifndef WARDEN_ZSL_INDEX_H
#define WARDEN_ZSL_INDEX_H
#include "core/htable.h"
#include "core/skiplist.h"
#include <stddef.h>
#include <stdint.h>

typedef struct zsl_index {
    union {
        struct htable ht;              /* what zsl_index.c hands to the core */
        struct { HTABLE_FIELDS(aux); }; /* the same fields by name: ix->size[0] */
    };
} zsl_index;

void zidx_init(zsl_index *ix);
void zidx_clear(zsl_index *ix); /* frees the bucket arrays (not the nodes) */
static inline uint64_t zidx_count(const zsl_index *ix) { return htable_count(&ix->ht); }
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
