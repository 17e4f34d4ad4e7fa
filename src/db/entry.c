/* entry.c — see entry.h for the layout. */
#include "db/entry.h"
#include "util/alloc.h"
#include "util/numparse.h"
#include <assert.h>

static entry_value_free_fn type_free[8];
static entry_value_dup_fn type_dup[8];
static entry_value_cost_fn type_cost[8];

void entry_register_cost(int type, entry_value_cost_fn cost_fn) { type_cost[type] = cost_fn; }

void entry_register_type(int type, entry_value_free_fn free_fn, entry_value_dup_fn dup_fn) {
    type_free[type] = free_fn;
    type_dup[type] = dup_fn;
}

size_t entry_value_area_size(const entry *e) {
    if (entry_type(e) == OBJ_STRING && entry_encoding(e) == ENC_EMBSTR) return 1 + entry_value_area(e)[0];
    return 8;
}

/* Allocate an entry with room for `vsize` value bytes; fills header, expire, memcache
 * metadata (when meta is not NULL) and key. */
static entry *entry_alloc(const char *key, size_t klen, int type, int enc, size_t vsize, long long expire_ms,
                          const struct entry_mcmeta *meta) {
    int big = klen > UINT16_MAX;
    size_t size = sizeof(entry) + (expire_ms >= 0 ? 8 : 0) + (meta ? sizeof(*meta) : 0) + vsize + (big ? 4 : 0) + klen;
    entry *e = wmalloc(size);
    e->next = NULL;
    e->lru = 0;
    e->type_enc = (uint8_t)((type << 4) | enc);
    e->flags = (uint8_t)((expire_ms >= 0 ? ENTRY_F_EXPIRE : 0) | (big ? ENTRY_F_BIGKEY : 0) | (meta ? ENTRY_F_MCMETA : 0));
    e->keylen = big ? 0 : (uint16_t)klen;
    if (expire_ms >= 0) memcpy(e->rest, &expire_ms, 8);
    if (meta) entry_mcmeta_put(e, meta);
    unsigned char *after = entry_value_area(e) + vsize;
    if (big) {
        uint32_t l = (uint32_t)klen;
        memcpy(after, &l, 4);
        after += 4;
    }
    if (klen) memcpy(after, key, klen);
    return e;
}

/* The memcache metadata of `e`, or NULL when it has none (copied into *buf). */
static const struct entry_mcmeta *entry_meta_of(const entry *e, struct entry_mcmeta *buf) {
    if (!entry_has_mcmeta(e)) return NULL;
    entry_mcmeta_get(e, buf);
    return buf;
}

wstr *wstr_new(const char *p, size_t len, size_t cap) {
    if (cap < len) cap = len;
    wstr *s = wmalloc(sizeof(wstr) + cap + 1);
    s->len = len;
    s->cap = cap;
    if (len) memcpy(s->data, p, len);
    s->data[len] = '\0';
    return s;
}

wstr *wstr_grow(wstr *s, size_t cap) {
    if (cap <= s->cap) return s;
    /* grow geometrically below 1 MB, then linearly, as Redis's sds does */
    size_t want = cap < 1024 * 1024 ? cap * 2 : cap + 1024 * 1024;
    s = wrealloc(s, sizeof(wstr) + want + 1);
    s->cap = want;
    return s;
}

static entry *entry_build_int(const char *key, size_t klen, long long v, long long expire_ms,
                              const struct entry_mcmeta *meta) {
    entry *e = entry_alloc(key, klen, OBJ_STRING, ENC_INT, 8, expire_ms, meta);
    memcpy(entry_value_area(e), &v, 8);
    return e;
}

static entry *entry_build_raw(const char *key, size_t klen, wstr *s, long long expire_ms,
                              const struct entry_mcmeta *meta) {
    entry *e = entry_alloc(key, klen, OBJ_STRING, ENC_RAW, 8, expire_ms, meta);
    entry_set_ptr(e, s);
    return e;
}

/* embstr up to ENTRY_EMBSTR_MAX bytes, else raw */
static entry *entry_build_noint(const char *key, size_t klen, const char *val, size_t vlen, long long expire_ms,
                                const struct entry_mcmeta *meta) {
    if (vlen <= ENTRY_EMBSTR_MAX) {
        /* entry_alloc places the key after 1 + vlen value bytes; the length byte that
         * entry_value_area_size reads is written before anyone asks for the key */
        entry *e = entry_alloc(key, klen, OBJ_STRING, ENC_EMBSTR, 1 + vlen, expire_ms, meta);
        unsigned char *v = entry_value_area(e);
        v[0] = (unsigned char)vlen;
        if (vlen) memcpy(v + 1, val, vlen);
        return e;
    }
    return entry_build_raw(key, klen, wstr_new(val, vlen, vlen), expire_ms, meta);
}

static entry *entry_build_string(const char *key, size_t klen, const char *val, size_t vlen, long long expire_ms,
                                 const struct entry_mcmeta *meta) {
    long long iv;
    if (vlen <= 20 && num_parse_ll(val, vlen, &iv) == 0) return entry_build_int(key, klen, iv, expire_ms, meta);
    return entry_build_noint(key, klen, val, vlen, expire_ms, meta);
}

entry *entry_new_int(const char *key, size_t klen, long long v, long long expire_ms) {
    return entry_build_int(key, klen, v, expire_ms, NULL);
}

entry *entry_new_raw(const char *key, size_t klen, wstr *s, long long expire_ms) {
    return entry_build_raw(key, klen, s, expire_ms, NULL);
}

entry *entry_new_string(const char *key, size_t klen, const char *val, size_t vlen, long long expire_ms) {
    return entry_build_string(key, klen, val, vlen, expire_ms, NULL);
}

entry *entry_new_string_meta(const char *key, size_t klen, const char *val, size_t vlen, long long expire_ms,
                             const struct entry_mcmeta *meta) {
    return entry_build_string(key, klen, val, vlen, expire_ms, meta);
}

entry *entry_new_string_noint(const char *key, size_t klen, const char *val, size_t vlen, long long expire_ms) {
    return entry_build_noint(key, klen, val, vlen, expire_ms, NULL);
}

entry *entry_new_ptr(const char *key, size_t klen, int type, int enc, void *ptr, long long expire_ms) {
    entry *e = entry_alloc(key, klen, type, enc, 8, expire_ms, NULL);
    entry_set_ptr(e, ptr);
    return e;
}

/* A copy of e's header and key with another TTL and metadata; the value moves. */
static entry *entry_rebuild(const entry *e, long long expire_ms, const struct entry_mcmeta *meta) {
    size_t klen = entry_keylen(e);
    const char *key = entry_key(e);
    entry *n;
    if (entry_type(e) == OBJ_STRING && entry_encoding(e) == ENC_EMBSTR) {
        const unsigned char *v = entry_value_area(e);
        /* noint: an embstr stays embstr (INCRBYFLOAT's "3" must not turn int) */
        n = entry_build_noint(key, klen, (const char *)v + 1, v[0], expire_ms, meta);
    } else {
        n = entry_alloc(key, klen, entry_type(e), entry_encoding(e), 8, expire_ms, meta);
        memcpy(entry_value_area(n), entry_value_area(e), 8);
    }
    n->lru = e->lru;
    return n;
}

entry *entry_with_expire(const entry *e, long long expire_ms) {
    struct entry_mcmeta m;
    return entry_rebuild(e, expire_ms, entry_meta_of(e, &m));
}

entry *entry_with_mcmeta(const entry *e, const struct entry_mcmeta *meta) {
    return entry_rebuild(e, entry_expire(e), meta);
}

entry *entry_dup(const entry *e, const char *key, size_t klen, long long expire_ms) {
    int type = entry_type(e), enc = entry_encoding(e);
    if (type == OBJ_STRING) {
        if (enc == ENC_INT) return entry_new_int(key, klen, entry_int(e), expire_ms);
        char tmp[24];
        const char *p;
        size_t len;
        entry_string(e, tmp, &p, &len);
        if (enc == ENC_RAW) return entry_new_raw(key, klen, wstr_new(p, len, len), expire_ms);
        return entry_new_string(key, klen, p, len, expire_ms);
    }
    assert(type_dup[type]);
    return entry_new_ptr(key, klen, type, enc, type_dup[type](enc, entry_ptr(e)), expire_ms);
}

void entry_free_shell(entry *e) { wfree(e); }

void entry_free(entry *e) {
    if (!e) return;
    int type = entry_type(e), enc = entry_encoding(e);
    if (type == OBJ_STRING) {
        if (enc == ENC_RAW) wfree(entry_ptr(e));
    } else if (type_free[type]) {
        type_free[type](enc, entry_ptr(e));
    }
    wfree(e);
}

void entry_string(const entry *e, char *tmp, const char **p, size_t *len) {
    switch (entry_encoding(e)) {
    case ENC_INT:
        *len = (size_t)num_ll_to_str(tmp, entry_int(e));
        *p = tmp;
        return;
    case ENC_EMBSTR: {
        const unsigned char *v = entry_value_area(e);
        *p = (const char *)v + 1;
        *len = v[0];
        return;
    }
    default: {
        const wstr *s = entry_ptr(e);
        *p = s->data;
        *len = s->len;
        return;
    }
    }
}

size_t entry_string_len(const entry *e) {
    char tmp[24];
    const char *p;
    size_t len;
    entry_string(e, tmp, &p, &len);
    return len;
}

entry *entry_make_raw(entry *e, size_t min_cap) {
    if (entry_encoding(e) == ENC_RAW) {
        wstr *s = entry_ptr(e);
        wstr *g = wstr_grow(s, min_cap);
        if (g != s) entry_set_ptr(e, g);
        return e;
    }
    char tmp[24];
    const char *p;
    size_t len;
    entry_string(e, tmp, &p, &len);
    wstr *s = wstr_new(p, len, min_cap > len ? min_cap : len);
    struct entry_mcmeta m;
    entry *n = entry_build_raw(entry_key(e), entry_keylen(e), s, entry_expire(e), entry_meta_of(e, &m));
    n->lru = e->lru;
    return n; /* the caller swaps n in and frees e */
}

size_t entry_value_cost(const entry *e) {
    if (entry_type(e) == OBJ_STRING) {
        if (entry_encoding(e) == ENC_RAW) return walloc_size(entry_ptr(e));
        return 0;
    }
    if (type_cost[entry_type(e)]) return type_cost[entry_type(e)](entry_encoding(e), entry_ptr(e));
    return walloc_size(entry_ptr(e));
}

const char *entry_type_name(int type) {
    switch (type) {
    case OBJ_STRING: return "string";
    case OBJ_LIST: return "list";
    case OBJ_SET: return "set";
    case OBJ_ZSET: return "zset";
    case OBJ_HASH: return "hash";
    case OBJ_STREAM: return "stream";
    default: return "none";
    }
}

const char *entry_encoding_name(int enc) {
    static const char *names[] = {"raw", "int", "hashtable", "zipmap", "linkedlist", "ziplist",
                                  "intset", "skiplist", "embstr", "quicklist", "stream", "listpack"};
    return enc >= 0 && enc < 12 ? names[enc] : "unknown";
}
