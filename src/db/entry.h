/* entry.h — one keyspace entry: a single allocation holding header, key and (for
 * small strings and integers) the value itself.
 *
 * Layout (bytes):
 *   offset size  field
 *   0      8     next        hash-chain link (ktable.c)
 *   8      4     lru         LRU clock (24 bits, seconds) or LFU (16-bit time << 8 | 8-bit counter)
 *   12     1     type_enc    type (high 4 bits) | encoding (low 4 bits), Redis numbering
 *   13     1     flags       ENTRY_F_EXPIRE, ENTRY_F_BIGKEY
 *   14     2     keylen      key length, or 0 with ENTRY_F_BIGKEY (length then stored below)
 *   16     8     expire      absolute Unix ms — present only with ENTRY_F_EXPIRE
 *   ..     var   value       ENC_INT: int64; ENC_EMBSTR: 1-byte length + bytes;
 *                            anything else: a pointer to the value (owned by the entry)
 *   ..     4     bigkeylen   only with ENTRY_F_BIGKEY
 *   ..     var   key bytes
 * A 10-byte key with a 16-byte value is 16 + 17 + 10 = 43 bytes, one 48-byte
 * jemalloc class: the reason for this packing (Redis spends ~100 bytes on the same key).
 *
 * Ownership: an entry owns its value pointer; entry_free releases both. Entries are
 * immutable in size: operations that change size (adding a TTL, growing an embedded
 * string) build a new entry and the keyspace swaps it in (db.c). */
#ifndef WARDEN_ENTRY_H
#define WARDEN_ENTRY_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum obj_type { OBJ_STRING = 0, OBJ_LIST = 1, OBJ_SET = 2, OBJ_ZSET = 3, OBJ_HASH = 4, OBJ_MODULE = 5, OBJ_STREAM = 6 };
enum obj_encoding {
    ENC_RAW = 0, ENC_INT = 1, ENC_HT = 2, ENC_ZIPMAP = 3, ENC_LINKEDLIST = 4, ENC_ZIPLIST = 5,
    ENC_INTSET = 6, ENC_SKIPLIST = 7, ENC_EMBSTR = 8, ENC_QUICKLIST = 9, ENC_STREAM = 10, ENC_LISTPACK = 11,
};
#define ENTRY_F_EXPIRE 1
#define ENTRY_F_BIGKEY 2
#define ENTRY_EMBSTR_MAX 44 /* Redis's embstr limit; longer strings are "raw" */

typedef struct entry {
    struct entry *next;
    uint32_t lru;
    uint8_t type_enc;
    uint8_t flags;
    uint16_t keylen;
    unsigned char rest[]; /* expire?, value, bigkeylen?, key */
} entry;

/* A heap string for "raw" values: length-prefixed, growable, owned by its entry. */
typedef struct wstr {
    size_t len, cap;
    char data[];
} wstr;

static inline int entry_type(const entry *e) { return e->type_enc >> 4; }
static inline int entry_encoding(const entry *e) { return e->type_enc & 15; }
/* Switch a collection's encoding in place (the value pointer is updated separately). */
static inline void entry_set_encoding(entry *e, int enc) { e->type_enc = (uint8_t)((e->type_enc & 0xF0) | (enc & 15)); }
static inline int entry_has_expire(const entry *e) { return e->flags & ENTRY_F_EXPIRE; }
static inline long long entry_expire(const entry *e) {
    long long v;
    if (!(e->flags & ENTRY_F_EXPIRE)) return -1;
    memcpy(&v, e->rest, 8);
    return v;
}
static inline unsigned char *entry_value_area(const entry *e) {
    return (unsigned char *)e->rest + ((e->flags & ENTRY_F_EXPIRE) ? 8 : 0);
}
size_t entry_value_area_size(const entry *e);
static inline size_t entry_keylen(const entry *e) {
    if (!(e->flags & ENTRY_F_BIGKEY)) return e->keylen;
    uint32_t l;
    memcpy(&l, entry_value_area(e) + entry_value_area_size(e), 4);
    return l;
}
static inline const char *entry_key(const entry *e) {
    return (const char *)entry_value_area(e) + entry_value_area_size(e) + ((e->flags & ENTRY_F_BIGKEY) ? 4 : 0);
}
static inline void *entry_ptr(const entry *e) {
    void *p;
    memcpy(&p, entry_value_area(e), sizeof(p));
    return p;
}
static inline void entry_set_ptr(entry *e, void *p) { memcpy(entry_value_area(e), &p, sizeof(p)); }
static inline long long entry_int(const entry *e) {
    long long v;
    memcpy(&v, entry_value_area(e), 8);
    return v;
}

/* Build a string entry choosing Redis's encoding (int / embstr / raw).
 * expire_ms < 0: no TTL. Returns a new entry owned by the caller. */
entry *entry_new_string(const char *key, size_t klen, const char *val, size_t vlen, long long expire_ms);
/* Same, but never int-encoded: embstr up to ENTRY_EMBSTR_MAX bytes, else raw (what
 * Redis's createStringObject gives, e.g. INCRBYFLOAT results). */
entry *entry_new_string_noint(const char *key, size_t klen, const char *val, size_t vlen, long long expire_ms);
/* Build a string entry holding an integer (encoding int). */
entry *entry_new_int(const char *key, size_t klen, long long v, long long expire_ms);
/* Build a string entry that takes ownership of a wstr (encoding raw). */
entry *entry_new_raw(const char *key, size_t klen, wstr *s, long long expire_ms);
/* Build an entry of another type holding `ptr` (ownership passes to the entry). */
entry *entry_new_ptr(const char *key, size_t klen, int type, int enc, void *ptr, long long expire_ms);
/* Copy of `e` with a different TTL (<0: none). The value is moved, not copied:
 * `e` must then be freed with entry_free_shell. */
entry *entry_with_expire(const entry *e, long long expire_ms);
/* Deep copy (COPY command): new key, same value, same TTL unless expire_ms given. */
entry *entry_dup(const entry *e, const char *key, size_t klen, long long expire_ms);
void entry_free(entry *e);        /* entry and its value */
void entry_free_shell(entry *e);  /* the entry only; its value was moved elsewhere */
/* Read a string entry's bytes. `tmp` (>= 24 bytes) holds the digits of an int. */
void entry_string(const entry *e, char *tmp, const char **p, size_t *len);
size_t entry_string_len(const entry *e);
/* Turn a string entry's value into an owned wstr for in-place edits (APPEND, SETRANGE,
 * SETBIT): returns the entry to keep (possibly new; the old one is freed). */
entry *entry_make_raw(entry *e, size_t min_cap);
wstr *wstr_new(const char *p, size_t len, size_t cap);
wstr *wstr_grow(wstr *s, size_t cap); /* may move; returns the new pointer */

/* Per-type value destructor / duplicator hooks, registered by each type's module. */
typedef void (*entry_value_free_fn)(int enc, void *ptr);
typedef void *(*entry_value_dup_fn)(int enc, const void *ptr);
void entry_register_type(int type, entry_value_free_fn free_fn, entry_value_dup_fn dup_fn);
/* Optional O(1) estimate of a value's size in bytes (drives the lazy-free decision);
 * without one, entry_value_cost counts only the value's top allocation. */
typedef size_t (*entry_value_cost_fn)(int enc, const void *ptr);
void entry_register_cost(int type, entry_value_cost_fn cost_fn);
/* Approximate bytes used by the value (MEMORY USAGE, lazy-free decision). */
size_t entry_value_cost(const entry *e);
const char *entry_type_name(int type);
const char *entry_encoding_name(int enc);
#endif
