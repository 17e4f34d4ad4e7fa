/* entry.h — one keyspace entry: a single allocation holding header, key and (for
 * small strings and integers) the value itself.
 *
 * Layout (bytes):
 *   offset size  field
 *   0      8     next        hash-chain link (ktable.c)
 *   8      4     lru         LRU clock (24 bits, seconds) or LFU (16-bit time << 8 | 8-bit counter)
 *   12     1     type_enc    type (high 4 bits) | encoding (low 4 bits), Redis numbering
 *   13     1     flags       ENTRY_F_EXPIRE, ENTRY_F_BIGKEY, ENTRY_F_MCMETA
 *   14     2     keylen      key length, or 0 with ENTRY_F_BIGKEY (length then stored below)
 *   16     8     expire      absolute Unix ms — present only with ENTRY_F_EXPIRE
 *   ..     16    mcmeta      memcache item metadata (struct entry_mcmeta: CAS, client flags,
 *                            state) — present only with ENTRY_F_MCMETA, i.e. for keys a
 *                            memcache client wrote or read; RESP-only keys never carry it
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
#define ENTRY_F_MCMETA 4 /* the value 4 makes (flags & MCMETA) << 2 its size: see entry_value_area */
#define ENTRY_EMBSTR_MAX 44 /* Redis's embstr limit; longer strings are "raw" */

typedef struct entry {
    struct entry *next;
    uint32_t lru;
    uint8_t type_enc;
    uint8_t flags;
    uint16_t keylen;
    unsigned char rest[]; /* expire?, value, bigkeylen?, key */
} entry;

/* Metadata memcached keeps per item (src/mc/ owns the meaning of `state`). */
struct entry_mcmeta {
    uint64_t cas;   /* CAS unique: a new one on every modification */
    uint32_t flags; /* the client's opaque 32-bit flags */
    uint32_t state; /* memcache item state bits (fetched, stale, ...) */
};

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
    /* 8 bytes of expire with ENTRY_F_EXPIRE (1 << 3), 16 of mcmeta with ENTRY_F_MCMETA (4 << 2):
     * no branch on the hot path */
    return (unsigned char *)e->rest + ((e->flags & ENTRY_F_EXPIRE) << 3) + ((e->flags & ENTRY_F_MCMETA) << 2);
}
static inline int entry_has_mcmeta(const entry *e) { return e->flags & ENTRY_F_MCMETA; }
/* Read / write the memcache metadata of an entry that has it (same size: in place). */
static inline void entry_mcmeta_get(const entry *e, struct entry_mcmeta *m) {
    memcpy(m, e->rest + ((e->flags & ENTRY_F_EXPIRE) << 3), sizeof(*m));
}
static inline void entry_mcmeta_put(entry *e, const struct entry_mcmeta *m) {
    memcpy((unsigned char *)e->rest + ((e->flags & ENTRY_F_EXPIRE) << 3), m, sizeof(*m));
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
/* Same as entry_new_string, carrying memcache metadata (meta NULL: none). */
entry *entry_new_string_meta(const char *key, size_t klen, const char *val, size_t vlen, long long expire_ms,
                             const struct entry_mcmeta *meta);
/* Copy of `e` with memcache metadata added, replaced, or (meta NULL) removed. The value
 * is moved, not copied: `e` must then be freed with entry_free_shell. */
entry *entry_with_mcmeta(const entry *e, const struct entry_mcmeta *meta);
/* Build a string entry holding an integer (encoding int). */
entry *entry_new_int(const char *key, size_t klen, long long v, long long expire_ms);
/* Build a string entry that takes ownership of a wstr (encoding raw). */
entry *entry_new_raw(const char *key, size_t klen, wstr *s, long long expire_ms);
/* Build an entry of another type holding `ptr` (ownership passes to the entry). */
entry *entry_new_ptr(const char *key, size_t klen, int type, int enc, void *ptr, long long expire_ms);
/* Copy of `e` with a different TTL (<0: none), memcache metadata kept. The value is moved, not copied:
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
 * SETBIT): returns the entry to keep (possibly new, keeping TTL and memcache metadata;
 * the caller swaps it in and frees the old one). */
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
