/* dict.c — see dict.h: the entries (layout, hash, key comparison) over core/htable. */
#include "core/dict.h"
#include "util/alloc.h"
#include "util/siphash.h"
#include <assert.h>
#include <stdlib.h>

static inline size_t dict_value_room(int kind) { return kind == DICT_VAL_PTR ? 8 : 0; }

/* A stored entry's hash, as the core needs it when a rehash moves the entry. The key's
 * offset depends on the kind, hence one type per key offset. */
static uint64_t dict_hash_key_at0(const void *elem) {
    const struct dict_entry *e = elem;
    return hash_bytes(e->data, e->klen);
}
static uint64_t dict_hash_key_at8(const void *elem) {
    const struct dict_entry *e = elem;
    return hash_bytes(e->data + 8, e->klen);
}
static const struct htable_type dict_types[3] = {
    [DICT_VAL_NONE] = {offsetof(struct dict_entry, next), dict_hash_key_at0},
    [DICT_VAL_PTR] = {offsetof(struct dict_entry, next), dict_hash_key_at8},
    [DICT_VAL_BYTES] = {offsetof(struct dict_entry, next), dict_hash_key_at0},
};
static inline const struct htable_type *dict_type(const struct dict *d) { return &dict_types[d->kind]; }

struct dict *dict_new(int kind) {
    assert(kind >= DICT_VAL_NONE && kind <= DICT_VAL_BYTES);
    struct dict *d = wmalloc(sizeof(*d));
    htable_init(&d->ht);
    d->ht.spare = kind;
    return d;
}

void dict_entry_free(struct dict_entry *e) { wfree(e); }

static void dict_free_entry(void *priv, void *elem) {
    void (*free_val)(void *ptr) = *(void (**)(void *))priv;
    if (free_val) free_val(dict_entry_ptr(elem));
    wfree(elem);
}

void dict_free(struct dict *d, void (*free_val)(void *ptr)) {
    if (!d) return;
    if (d->kind != DICT_VAL_PTR) free_val = NULL;
    htable_clear(&d->ht, dict_type(d), dict_free_entry, &free_val);
    wfree(d);
}

static inline uint64_t dict_hash_key(const char *key, size_t klen) { return hash_bytes(key, klen); }

struct dict_probe {
    const char *key;
    size_t klen;
    size_t key_off; /* where keys start in an entry's data (by kind) */
};

static inline int dict_match(const void *elem, const void *probe) {
    const struct dict_entry *e = elem;
    const struct dict_probe *p = probe;
    return e->klen == p->klen && (p->klen == 0 || memcmp(e->data + p->key_off, p->key, p->klen) == 0);
}

void dict_expand(struct dict *d, uint64_t n) { htable_expand(&d->ht, n); }

/* The link pointing at key's entry, or NULL; *table says which table. */
static struct dict_entry **dict_find_link(struct dict *d, const char *key, size_t klen, int *table) {
    struct dict_probe p = {key, klen, dict_value_room(d->kind)};
    return (struct dict_entry **)htable_find_link(&d->ht, dict_type(d), dict_hash_key(key, klen), dict_match, &p,
                                                  table);
}

struct dict_entry *dict_find(struct dict *d, const char *key, size_t klen) {
    int table;
    struct dict_entry **link = dict_find_link(d, key, klen, &table);
    return link ? *link : NULL;
}

static struct dict_entry *dict_entry_make(const struct dict *d, const char *key, size_t klen, const char *val,
                                          size_t vlen) {
    assert(klen <= UINT32_MAX && vlen <= UINT32_MAX);
    size_t room = dict_value_room(d->kind);
    struct dict_entry *e = wmalloc(sizeof(*e) + room + klen + vlen);
    e->next = NULL;
    e->klen = (uint32_t)klen;
    e->vlen = (uint32_t)vlen;
    if (room) memset(e->data, 0, room);
    if (klen) memcpy(e->data + room, key, klen);
    if (vlen) memcpy(e->data + room + klen, val, vlen);
    return e;
}

struct dict_entry *dict_add(struct dict *d, const char *key, size_t klen, int *existed) {
    struct dict_entry *e = dict_find(d, key, klen);
    if (e) {
        if (existed) *existed = 1;
        return e;
    }
    if (existed) *existed = 0;
    e = dict_entry_make(d, key, klen, NULL, 0);
    htable_insert(&d->ht, dict_type(d), dict_hash_key(key, klen), e);
    return e;
}

int dict_set_bytes(struct dict *d, const char *key, size_t klen, const char *val, size_t vlen) {
    assert(d->kind == DICT_VAL_BYTES);
    int table;
    struct dict_entry **link = dict_find_link(d, key, klen, &table);
    struct dict_entry *n = dict_entry_make(d, key, klen, val, vlen);
    if (link) {
        wfree(htable_replace(dict_type(d), (void **)link, n));
        return 0;
    }
    htable_insert(&d->ht, dict_type(d), dict_hash_key(key, klen), n);
    return 1;
}

struct dict_entry *dict_unlink(struct dict *d, const char *key, size_t klen) {
    int table;
    struct dict_entry **link = dict_find_link(d, key, klen, &table);
    if (!link) return NULL;
    return htable_unlink(&d->ht, dict_type(d), (void **)link, table);
}

int dict_delete(struct dict *d, const char *key, size_t klen) {
    struct dict_entry *e = dict_unlink(d, key, klen);
    if (!e) return 0;
    wfree(e);
    return 1;
}

struct dict_entry *dict_random(struct dict *d) { return htable_random(&d->ht, dict_type(d)); }

static void dict_scan_visit(void *priv, void *elem) {
    struct htable_scan_wrap *w = priv;
    ((dict_scan_fn)w->fn)(w->priv, elem);
}

uint64_t dict_scan(struct dict *d, uint64_t cursor, dict_scan_fn fn, void *priv) {
    struct htable_scan_wrap w = {(void (*)(void))fn, priv};
    return htable_scan(&d->ht, dict_type(d), cursor, dict_scan_visit, &w);
}

void dict_iter_init(struct dict_iter *it, struct dict *d) { htable_iter_init(&it->hi, &d->ht, dict_type(d)); }

struct dict_entry *dict_iter_next(struct dict_iter *it) { return htable_iter_next(&it->hi); }

void dict_iter_release(struct dict_iter *it) { htable_iter_release(&it->hi); }

static void dict_add_entry_size(void *priv, void *elem) { *(size_t *)priv += walloc_size(elem); }

size_t dict_mem_usage(const struct dict *d) {
    size_t n = walloc_size(d) + walloc_size(d->t[0]) + walloc_size(d->t[1]);
    htable_for_each(&d->ht, dict_type(d), dict_add_entry_size, &n);
    return n;
}
