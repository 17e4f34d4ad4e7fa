/* hash.c — see hash.h. Limits are read from the configuration at each write, so a
 * CONFIG SET applies to the next change of any hash (as in Redis). */
#include "types/hash.h"
#include "config.h"
#include "core/listpack.h"
#include "util/alloc.h"
#include <assert.h>
#include <stdlib.h>
#include <string.h>

static inline unsigned char *hash_lp(const entry *e) { return entry_ptr(e); }
static inline struct dict *hash_dict(const entry *e) { return entry_ptr(e); }
static inline int hash_is_lp(const entry *e) { return entry_encoding(e) == ENC_LISTPACK; }

static void hash_str_from_lp(const unsigned char *p, struct hash_str *out) {
    out->s = (const char *)lp_get_str(p, (unsigned char *)out->buf, &out->len);
}

static void hash_type_free(int enc, void *ptr) {
    if (enc == ENC_LISTPACK) lp_free(ptr);
    else dict_free(ptr, NULL);
}

static void *hash_type_dup(int enc, const void *ptr) {
    if (enc == ENC_LISTPACK) return lp_dup(ptr);
    struct dict *src = (struct dict *)ptr, *d = dict_new(DICT_VAL_BYTES);
    dict_expand(d, dict_size(src));
    struct dict_iter it;
    struct dict_entry *de;
    dict_iter_init(&it, src);
    while ((de = dict_iter_next(&it)))
        dict_set_bytes(d, dict_entry_key(src, de), de->klen, dict_entry_val(de), de->vlen);
    dict_iter_release(&it);
    return d;
}

static size_t hash_type_cost(int enc, const void *ptr) {
    if (enc == ENC_LISTPACK) return lp_bytes(ptr);
    return (size_t)dict_size(ptr) * 64; /* O(1) estimate: one allocation per field */
}

void hash_type_init(void) {
    entry_register_type(OBJ_HASH, hash_type_free, hash_type_dup);
    entry_register_cost(OBJ_HASH, hash_type_cost);
}

entry *hash_new_entry(const char *key, size_t klen) {
    return entry_new_ptr(key, klen, OBJ_HASH, ENC_LISTPACK, lp_new(), -1);
}

uint64_t hash_len(const entry *e) {
    return hash_is_lp(e) ? lp_count(hash_lp(e)) / 2 : dict_size(hash_dict(e));
}

static void hash_convert(entry *e) {
    unsigned char *lp = hash_lp(e);
    struct dict *d = dict_new(DICT_VAL_BYTES);
    dict_expand(d, lp_count(lp) / 2);
    for (unsigned char *p = lp_first(lp); p; p = lp_next(lp, lp_next(lp, p))) {
        struct hash_str f, v;
        hash_str_from_lp(p, &f);
        hash_str_from_lp(lp_next(lp, p), &v);
        dict_set_bytes(d, f.s, f.len, v.s, v.len);
    }
    lp_free(lp);
    entry_set_ptr(e, d);
    entry_set_encoding(e, ENC_HT);
}

/* Listpack position of field f, or NULL. */
static unsigned char *hash_lp_find(entry *e, const char *f, size_t flen) {
    unsigned char *lp = hash_lp(e);
    return lp_find(lp, lp_first(lp), f, flen, 1);
}

int hash_get(entry *e, const char *f, size_t flen, struct hash_str *val) {
    if (hash_is_lp(e)) {
        unsigned char *p = hash_lp_find(e, f, flen);
        if (!p) return 0;
        hash_str_from_lp(lp_next(hash_lp(e), p), val);
        return 1;
    }
    struct dict_entry *de = dict_find(hash_dict(e), f, flen);
    if (!de) return 0;
    val->s = dict_entry_val(de);
    val->len = de->vlen;
    return 1;
}

int hash_exists(entry *e, const char *f, size_t flen) {
    if (hash_is_lp(e)) return hash_lp_find(e, f, flen) != NULL;
    return dict_find(hash_dict(e), f, flen) != NULL;
}

int hash_set(entry *e, const char *f, size_t flen, const char *v, size_t vlen) {
    if (hash_is_lp(e)) {
        size_t maxv = (size_t)server_config.hash_max_listpack_value;
        if (flen > maxv || vlen > maxv || !lp_safe_to_add(hash_lp(e), flen + vlen)) hash_convert(e);
    }
    if (hash_is_lp(e)) {
        unsigned char *lp = hash_lp(e), *p = hash_lp_find(e, f, flen);
        if (p) {
            unsigned char *vp = lp_next(lp, p);
            entry_set_ptr(e, lp_replace(lp, &vp, v, vlen));
            return 0;
        }
        lp = lp_append(lp, f, flen);
        lp = lp_append(lp, v, vlen);
        entry_set_ptr(e, lp);
        if ((long long)(lp_count(lp) / 2) > server_config.hash_max_listpack_entries) hash_convert(e);
        return 1;
    }
    return dict_set_bytes(hash_dict(e), f, flen, v, vlen);
}

int hash_delete(entry *e, const char *f, size_t flen) {
    if (hash_is_lp(e)) {
        unsigned char *p = hash_lp_find(e, f, flen);
        if (!p) return 0;
        entry_set_ptr(e, lp_delete_n(hash_lp(e), &p, 2));
        return 1;
    }
    return dict_delete(hash_dict(e), f, flen);
}

size_t hash_mem_usage(const entry *e) {
    return hash_is_lp(e) ? walloc_size(hash_lp(e)) : dict_mem_usage(hash_dict(e));
}

void hash_iter_init(struct hash_iter *it, entry *e) {
    it->e = e;
    if (hash_is_lp(e)) it->p = lp_first(hash_lp(e));
    else dict_iter_init(&it->di, hash_dict(e));
}

int hash_iter_next(struct hash_iter *it, struct hash_str *field, struct hash_str *val) {
    if (hash_is_lp(it->e)) {
        unsigned char *lp = hash_lp(it->e);
        if (!it->p) return 0;
        unsigned char *vp = lp_next(lp, it->p);
        hash_str_from_lp(it->p, field);
        hash_str_from_lp(vp, val);
        it->p = lp_next(lp, vp);
        return 1;
    }
    struct dict_entry *de = dict_iter_next(&it->di);
    if (!de) return 0;
    field->s = dict_entry_key(hash_dict(it->e), de);
    field->len = de->klen;
    val->s = dict_entry_val(de);
    val->len = de->vlen;
    return 1;
}

void hash_iter_release(struct hash_iter *it) {
    if (!hash_is_lp(it->e)) dict_iter_release(&it->di);
}

void hash_random_pair(entry *e, struct hash_str *field, struct hash_str *val) {
    if (hash_is_lp(e)) {
        unsigned char *lp = hash_lp(e);
        long long n = lp_count(lp) / 2;
        assert(n > 0);
        unsigned char *p = lp_seek(lp, 2 * (random() % n));
        hash_str_from_lp(p, field);
        hash_str_from_lp(lp_next(lp, p), val);
        return;
    }
    struct dict *d = hash_dict(e);
    struct dict_entry *de = dict_random(d);
    field->s = dict_entry_key(d, de);
    field->len = de->klen;
    val->s = dict_entry_val(de);
    val->len = de->vlen;
}

struct hash_scan_ctx {
    const struct dict *d;
    hash_scan_fn fn;
    void *priv;
};

static void hash_scan_cb(void *priv, const struct dict_entry *de) {
    struct hash_scan_ctx *ctx = priv;
    ctx->fn(ctx->priv, dict_entry_key(ctx->d, de), de->klen, dict_entry_val(de), de->vlen);
}

uint64_t hash_scan(entry *e, uint64_t cursor, hash_scan_fn fn, void *priv) {
    assert(!hash_is_lp(e));
    struct hash_scan_ctx ctx = {hash_dict(e), fn, priv};
    return dict_scan(hash_dict(e), cursor, hash_scan_cb, &ctx);
}
