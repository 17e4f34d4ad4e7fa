/* hash.h — the hash value. Two encodings, named as Redis 7.0 names them:
 *   ENC_LISTPACK ("listpack"): one listpack of field, value, field, value … while the
 *     hash has at most hash-max-listpack-entries fields and no field or value longer
 *     than hash-max-listpack-value bytes. A 100-field hash of short strings is one
 *     allocation of a few KB.
 *   ENC_HT ("hashtable"): a dict (DICT_VAL_BYTES: field and value in one allocation).
 * Conversion is one-way (listpack → hashtable), as in Redis.
 *
 * Functions take the keyspace entry (type OBJ_HASH) because conversion changes the
 * entry's encoding and value pointer. Values read are valid until the next change to
 * the hash. The shard lock of the key serializes every call. */
#ifndef WARDEN_HASH_H
#define WARDEN_HASH_H
#include "core/dict.h"
#include "db/entry.h"
#include <stddef.h>
#include <stdint.h>

/* Bytes of a field or value; integers stored compactly are formatted into buf. */
struct hash_str {
    const char *s;
    size_t len;
    char buf[24];
};

void hash_type_init(void);
/* New empty hash entry for key (listpack encoded). */
entry *hash_new_entry(const char *key, size_t klen);
uint64_t hash_len(const entry *e);
/* 1 and the value if field exists. */
int hash_get(entry *e, const char *f, size_t flen, struct hash_str *val);
int hash_exists(entry *e, const char *f, size_t flen);
/* Set field to value (converting to a hashtable when the limits say so). Returns 1 if
 * the field is new. */
int hash_set(entry *e, const char *f, size_t flen, const char *v, size_t vlen);
/* Delete field; returns 1 if it existed. */
int hash_delete(entry *e, const char *f, size_t flen);
size_t hash_mem_usage(const entry *e);

/* Walk every field/value pair. No changes to the hash while walking. */
struct hash_iter {
    entry *e;
    unsigned char *p; /* listpack: next field */
    struct dict_iter di;
};
void hash_iter_init(struct hash_iter *it, entry *e);
int hash_iter_next(struct hash_iter *it, struct hash_str *field, struct hash_str *val);
void hash_iter_release(struct hash_iter *it);

/* A uniformly random pair (the hash must not be empty). */
void hash_random_pair(entry *e, struct hash_str *field, struct hash_str *val);
/* HSCAN step over a hashtable-encoded hash: visits buckets at cursor, calling fn for
 * each pair; returns the next cursor (0: done). */
typedef void (*hash_scan_fn)(void *priv, const char *f, size_t flen, const char *v, size_t vlen);
uint64_t hash_scan(entry *e, uint64_t cursor, hash_scan_fn fn, void *priv);
#endif
