/* dict.h — a hash table for the members of big collections (hash fields, set members,
 * sorted-set members). Keys are binary strings copied into the entry; each entry is
 * ONE allocation holding link, lengths, key and (by the table's kind) nothing, an
 * 8-byte value (a pointer, a double or an integer), or inline value bytes.
 *
 * Entry layout (bytes):
 *   offset size  field
 *   0      8     next      bucket-chain link
 *   8      4     klen      key length
 *   12     4     vlen      inline value length (DICT_VAL_BYTES), else 0
 *   16     8     value     only for DICT_VAL_PTR (pointer / double / integer)
 *   ..     klen  key bytes
 *   ..     vlen  value bytes (DICT_VAL_BYTES)
 * A 10-byte set member costs 26 bytes (one 32-byte allocator class); a hash field of
 * 10 bytes with a 10-byte value, 36 (one 48-byte class).
 *
 * The table itself is the shared core (core/htable.h): incremental growth and
 * shrinking (no operation pauses for a whole resize), and dict_scan's reverse-binary
 * cursor that returns every entry present for the whole scan at least once, across
 * resizes (same guarantee as SCAN over the keyspace). This layer adds the entries:
 * their layout, hashing with the keyed process hash (hash_bytes, so clients cannot aim
 * members at one bucket) and key comparison.
 *
 * Not thread-safe: the owner (the shard lock of the key holding the collection)
 * serializes all calls. */
#ifndef WARDEN_DICT_H
#define WARDEN_DICT_H
#include "core/htable.h"
#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum dict_kind {
    DICT_VAL_NONE = 0,  /* sets: key only */
    DICT_VAL_PTR = 1,   /* 8-byte value: pointer, double or integer */
    DICT_VAL_BYTES = 2, /* hashes: inline value bytes, replaced by reallocating the entry */
};

struct dict_entry {
    struct dict_entry *next;
    uint32_t klen;
    uint32_t vlen;
    unsigned char data[]; /* [8-byte value if DICT_VAL_PTR][key][value bytes] */
};

struct dict {
    union {
        struct htable ht;               /* what dict.c hands to the core */
        struct { HTABLE_FIELDS(kind); }; /* the same fields by name (d->size[0]); the
                                           core's spare field holds the kind */
    };
};

/* New empty table of `kind`. Free with dict_free. */
struct dict *dict_new(int kind);
/* Free the table and every entry. For DICT_VAL_PTR, free_val (optional) is called on
 * each value pointer first. */
void dict_free(struct dict *d, void (*free_val)(void *ptr));
static inline uint64_t dict_size(const struct dict *d) { return htable_count(&d->ht); }
/* Make room for n entries at once (conversion from a listpack): avoids rehashing. */
void dict_expand(struct dict *d, uint64_t n);

/* ---- entry accessors ---- */
static inline int dict_kind_has_ptr(int kind) { return kind == DICT_VAL_PTR; }
static inline const char *dict_entry_key(const struct dict *d, const struct dict_entry *e) {
    return (const char *)e->data + (d->kind == DICT_VAL_PTR ? 8 : 0);
}
static inline void *dict_entry_ptr(const struct dict_entry *e) {
    void *p;
    memcpy(&p, e->data, sizeof(p));
    return p;
}
static inline void dict_entry_set_ptr(struct dict_entry *e, void *p) { memcpy(e->data, &p, sizeof(p)); }
static inline double dict_entry_double(const struct dict_entry *e) {
    double v;
    memcpy(&v, e->data, sizeof(v));
    return v;
}
static inline void dict_entry_set_double(struct dict_entry *e, double v) { memcpy(e->data, &v, sizeof(v)); }
static inline long long dict_entry_int(const struct dict_entry *e) {
    long long v;
    memcpy(&v, e->data, sizeof(v));
    return v;
}
static inline void dict_entry_set_int(struct dict_entry *e, long long v) { memcpy(e->data, &v, sizeof(v)); }
/* DICT_VAL_BYTES: the inline value (not NUL-terminated). */
static inline const char *dict_entry_val(const struct dict_entry *e) {
    return (const char *)e->data + e->klen;
}

/* ---- operations ---- */
/* The entry for key, or NULL. */
struct dict_entry *dict_find(struct dict *d, const char *key, size_t klen);
/* Add key if absent: returns the new entry (value zeroed / empty) with *existed = 0,
 * or the existing entry with *existed = 1. */
struct dict_entry *dict_add(struct dict *d, const char *key, size_t klen, int *existed);
/* DICT_VAL_BYTES: set key's value (insert or replace). Returns 1 if the key was new.
 * Any entry pointer for this key obtained before is invalid afterwards. */
int dict_set_bytes(struct dict *d, const char *key, size_t klen, const char *val, size_t vlen);
/* Remove key. Returns the unlinked entry (free it with dict_entry_free, after taking
 * its pointer value if any), or NULL if absent. */
struct dict_entry *dict_unlink(struct dict *d, const char *key, size_t klen);
void dict_entry_free(struct dict_entry *e);
/* Remove and free key; returns 1 if it was there. (DICT_VAL_PTR: the value pointer is
 * not freed: use dict_unlink when it owns memory.) */
int dict_delete(struct dict *d, const char *key, size_t klen);

/* A random entry (NULL if empty). Picks a random non-empty bucket, then a random entry
 * of its chain: near-uniform at the load factors kept here. */
struct dict_entry *dict_random(struct dict *d);

/* Visit the buckets at `cursor`, calling fn for each entry; returns the next cursor
 * (0 = done). fn must not modify the table. */
typedef void (*dict_scan_fn)(void *priv, const struct dict_entry *e);
uint64_t dict_scan(struct dict *d, uint64_t cursor, dict_scan_fn fn, void *priv);

/* Iteration. While an iterator is live the table does not rehash, so the caller may
 * delete the entry it was just given (dict_unlink / dict_delete on that key) but must
 * not insert. Always release. */
struct dict_iter {
    struct htable_iter hi;
};
void dict_iter_init(struct dict_iter *it, struct dict *d);
struct dict_entry *dict_iter_next(struct dict_iter *it);
void dict_iter_release(struct dict_iter *it);

/* Bytes used by the table and its entries (MEMORY USAGE). O(N). */
size_t dict_mem_usage(const struct dict *d);
#endif
