/* intset.h — a set of 64-bit integers kept as one sorted array: the compact encoding
 * of small all-integer sets (Redis's "intset" encoding).
 *
 * Layout: a header (width in bytes of every element: 2, 4 or 8; element count) followed
 * by `count` elements of that width in ascending order, host byte order. The width is
 * the smallest that holds every element; adding a value that does not fit widens the
 * whole array once ("upgrade"); removing never narrows it (Redis does the same, so the
 * memory reported stays predictable). Lookups are a binary search; insert and remove
 * move the tail of the array (O(N), fine for the few hundred elements this encoding is
 * used for). intset_validate checks a blob loaded from a file before it is trusted.
 *
 * Ownership: functions that may reallocate take the set and return the pointer to keep.
 * Not thread-safe: the owner (a keyspace entry) is protected by its shard lock.
 * No server headers: core/ depends only on util/. */
#ifndef WARDEN_INTSET_H
#define WARDEN_INTSET_H
#include <stddef.h>
#include <stdint.h>

typedef struct intset {
    uint32_t width;  /* bytes per element: 2, 4 or 8 */
    uint32_t count;
    unsigned char data[];
} intset;

intset *intset_new(void);
void intset_free(intset *is);                 /* accepts NULL */
intset *intset_dup(const intset *is);
/* Add v. *added (optional) = 1 if it was not present. Returns the set to keep. */
intset *intset_add(intset *is, int64_t v, int *added);
/* Remove v. *removed (optional) = 1 if it was present. Returns the set to keep. */
intset *intset_remove(intset *is, int64_t v, int *removed);
/* 1 if v is present. */
int intset_contains(const intset *is, int64_t v);
/* Element at pos (0 <= pos < count), in ascending order. */
int64_t intset_get(const intset *is, uint32_t pos);
static inline uint32_t intset_count(const intset *is) { return is->count; }
/* Bytes the set occupies (header + elements). */
size_t intset_bytes(const intset *is);
/* Remove and return the element at pos (for SPOP). Returns the set to keep. */
intset *intset_remove_at(intset *is, uint32_t pos, int64_t *out);
/* Width a value needs (2, 4 or 8). */
uint32_t intset_width_for(int64_t v);
/* Validate a blob read from a file: header sane, length matches, strictly ascending.
 * Returns 0 if valid. */
int intset_validate(const void *blob, size_t len);
#endif
