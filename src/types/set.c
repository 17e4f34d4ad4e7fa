/* set.c — see set.h. */
#include "types/set.h"
#include "cmd/debug.h"
#include "config.h"
#include "core/intset.h"
#include "util/alloc.h"
#include "util/numparse.h"
#include <stdlib.h>

static inline void set_enc(entry *e, int enc) { e->type_enc = (uint8_t)((OBJ_SET << 4) | enc); }

static void set_value_free(int enc, void *ptr) {
    if (enc == ENC_INTSET) intset_free(ptr);
    else dict_free(ptr, NULL);
}

static void *set_value_dup(int enc, const void *ptr) {
    if (enc == ENC_INTSET) return intset_dup(ptr);
    struct dict *src = (struct dict *)ptr, *d = dict_new(DICT_VAL_NONE);
    dict_expand(d, dict_size(src));
    struct dict_iter it;
    dict_iter_init(&it, src);
    struct dict_entry *de;
    while ((de = dict_iter_next(&it))) dict_add(d, dict_entry_key(src, de), de->klen, NULL);
    dict_iter_release(&it);
    return d;
}

/* O(1) estimate for the lazy-free decision and MEMORY USAGE: an intset is exact; a
 * hashtable costs about one small allocation per member plus its buckets. */
static size_t set_value_cost(int enc, const void *ptr) {
    if (enc == ENC_INTSET) return intset_bytes(ptr);
    const struct dict *d = ptr;
    return (size_t)dict_size(d) * 32 + (size_t)(d->size[0] + d->size[1]) * sizeof(void *);
}

/* DEBUG DIGEST: members are unordered, so the digest does not depend on encoding. */
static void set_value_digest(const entry *e, struct debug_digest *d) {
    struct set_iter it;
    const char *p;
    size_t len;
    set_iter_init(&it, (entry *)e);
    while (set_iter_next(&it, &p, &len)) debug_digest_add_element(d, p, len, NULL, 0);
    set_iter_release(&it);
}

void set_type_init(void) {
    entry_register_type(OBJ_SET, set_value_free, set_value_dup);
    entry_register_cost(OBJ_SET, set_value_cost);
    debug_register_value_digest(OBJ_SET, set_value_digest);
}

static uint64_t intset_limit(void) {
    long long v = server_config.set_max_intset_entries;
    return v < 0 ? 0 : (uint64_t)v;
}

entry *set_new_intset_entry(const char *key, size_t klen) {
    return entry_new_ptr(key, klen, OBJ_SET, ENC_INTSET, intset_new(), -1);
}

entry *set_new_entry(const char *key, size_t klen, const char *first, size_t flen, uint64_t size_hint) {
    long long v;
    if (size_hint <= intset_limit() && flen <= 20 && num_parse_ll(first, flen, &v) == 0)
        return set_new_intset_entry(key, klen);
    struct dict *d = dict_new(DICT_VAL_NONE);
    if (size_hint > 1) dict_expand(d, size_hint);
    return entry_new_ptr(key, klen, OBJ_SET, ENC_HT, d, -1);
}

uint64_t set_size(const entry *e) {
    if (entry_encoding(e) == ENC_INTSET) return intset_count(entry_ptr(e));
    return dict_size(entry_ptr(e));
}

void set_convert_to_ht(entry *e, uint64_t n) {
    if (entry_encoding(e) != ENC_INTSET) return;
    intset *is = entry_ptr(e);
    struct dict *d = dict_new(DICT_VAL_NONE);
    dict_expand(d, n > intset_count(is) ? n : intset_count(is));
    char buf[24];
    for (uint32_t i = 0; i < intset_count(is); i++) {
        int len = num_ll_to_str(buf, intset_get(is, i));
        dict_add(d, buf, (size_t)len, NULL);
    }
    intset_free(is);
    entry_set_ptr(e, d);
    set_enc(e, ENC_HT);
}

int set_add(entry *e, const char *m, size_t len) {
    if (entry_encoding(e) == ENC_INTSET) {
        long long v;
        if (len <= 20 && num_parse_ll(m, len, &v) == 0) {
            int added;
            intset *is = intset_add(entry_ptr(e), v, &added);
            entry_set_ptr(e, is);
            if (added && intset_count(is) > intset_limit()) set_convert_to_ht(e, intset_count(is));
            return added;
        }
        set_convert_to_ht(e, set_size(e) + 1);
    }
    int existed;
    dict_add(entry_ptr(e), m, len, &existed);
    return !existed;
}

int set_remove(entry *e, const char *m, size_t len) {
    if (entry_encoding(e) == ENC_INTSET) {
        long long v;
        if (len > 20 || num_parse_ll(m, len, &v) != 0) return 0;
        int removed;
        entry_set_ptr(e, intset_remove(entry_ptr(e), v, &removed));
        return removed;
    }
    return dict_delete(entry_ptr(e), m, len);
}

int set_contains(const entry *e, const char *m, size_t len) {
    if (entry_encoding(e) == ENC_INTSET) {
        long long v;
        if (len > 20 || num_parse_ll(m, len, &v) != 0) return 0;
        return intset_contains(entry_ptr(e), v);
    }
    return dict_find(entry_ptr(e), m, len) != NULL;
}

void set_random(entry *e, char *buf, const char **p, size_t *len) {
    if (entry_encoding(e) == ENC_INTSET) {
        intset *is = entry_ptr(e);
        uint32_t pos = (uint32_t)((uint64_t)random() % intset_count(is));
        *len = (size_t)num_ll_to_str(buf, intset_get(is, pos));
        *p = buf;
        return;
    }
    struct dict *d = entry_ptr(e);
    struct dict_entry *de = dict_random(d);
    *p = dict_entry_key(d, de);
    *len = de->klen;
}

void set_iter_init(struct set_iter *it, entry *e) {
    it->e = e;
    it->pos = 0;
    it->cur = NULL;
    if (entry_encoding(e) == ENC_HT) dict_iter_init(&it->di, entry_ptr(e));
}

int set_iter_next(struct set_iter *it, const char **p, size_t *len) {
    if (entry_encoding(it->e) == ENC_INTSET) {
        intset *is = entry_ptr(it->e);
        if (it->pos >= intset_count(is)) return 0;
        *len = (size_t)num_ll_to_str(it->buf, intset_get(is, it->pos++));
        *p = it->buf;
        return 1;
    }
    struct dict *d = entry_ptr(it->e);
    it->cur = dict_iter_next(&it->di);
    if (!it->cur) return 0;
    *p = dict_entry_key(d, it->cur);
    *len = it->cur->klen;
    return 1;
}

void set_iter_release(struct set_iter *it) {
    if (entry_encoding(it->e) == ENC_HT) dict_iter_release(&it->di);
}

struct scan_ctx {
    const struct dict *d;
    set_scan_fn fn;
    void *priv;
};
static void scan_one(void *priv, const struct dict_entry *de) {
    struct scan_ctx *sc = priv;
    sc->fn(sc->priv, dict_entry_key(sc->d, de), de->klen);
}

uint64_t set_scan(entry *e, uint64_t cursor, set_scan_fn fn, void *priv) {
    struct scan_ctx sc = {entry_ptr(e), fn, priv};
    return dict_scan(entry_ptr(e), cursor, scan_one, &sc);
}

size_t set_mem_usage(const entry *e) {
    if (entry_encoding(e) == ENC_INTSET) return intset_bytes(entry_ptr(e));
    return dict_mem_usage(entry_ptr(e));
}
