/* set.h — set values (type OBJ_SET) and their two encodings:
 *   ENC_INTSET  every member is a canonical decimal integer and there are at most
 *               set-max-intset-entries of them: one sorted array (core/intset.h);
 *   ENC_HT      anything else: a hash table of members (core/dict.h, DICT_VAL_NONE).
 * Conversion is one way (intset → hashtable), as in Redis 7.0, which has no other set
 * encoding.
 *
 * Functions take the keyspace entry holding the set and may replace its value pointer
 * or encoding in place (the entry itself never moves). Callers hold the key's shard
 * lock. Members are binary strings (pointer + length, not NUL-terminated). */
#ifndef WARDEN_SET_H
#define WARDEN_SET_H
#include "core/dict.h"
#include "db/entry.h"
#include <stddef.h>
#include <stdint.h>

/* Register OBJ_SET's free/dup hooks with the entry module (at start-up). */
void set_type_init(void);
/* A new, empty set entry whose encoding suits `first` (the member about to be added):
 * intset if it is an integer, else hashtable. size_hint > intset limit also picks
 * hashtable. */
entry *set_new_entry(const char *key, size_t klen, const char *first, size_t flen, uint64_t size_hint);
/* An empty intset-encoded set entry (store commands start from it, as Redis does). */
entry *set_new_intset_entry(const char *key, size_t klen);
int set_add(entry *e, const char *m, size_t len);       /* 1 if added */
int set_remove(entry *e, const char *m, size_t len);    /* 1 if removed */
int set_contains(const entry *e, const char *m, size_t len);
uint64_t set_size(const entry *e);
/* Make sure the set is a hashtable sized for `n` members. */
void set_convert_to_ht(entry *e, uint64_t n);
/* A random member: bytes in *p, length in *len (valid until the set changes; integers are written
 * into buf, >= 24 bytes). The set must not be empty. */
void set_random(entry *e, char *buf, const char **p, size_t *len);

/* Iteration over every member. The set must not be modified while iterating except by
 * set_iter_remove_current. Always call set_iter_release. */
struct set_iter {
    entry *e;
    uint32_t pos;
    struct dict_iter di;
    struct dict_entry *cur;
    char buf[24];
};
void set_iter_init(struct set_iter *it, entry *e);
/* Next member (1) or end (0). Integers are formatted into it->buf. */
int set_iter_next(struct set_iter *it, const char **p, size_t *len);
void set_iter_release(struct set_iter *it);

/* For SSCAN over a hashtable set: members of the buckets at `cursor`. */
typedef void (*set_scan_fn)(void *priv, const char *m, size_t len);
uint64_t set_scan(entry *e, uint64_t cursor, set_scan_fn fn, void *priv);
/* Approximate bytes of the value (MEMORY USAGE). */
size_t set_mem_usage(const entry *e);
#endif
