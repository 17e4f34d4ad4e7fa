/* zsl_index.c — see zsl_index.h: the nodes' hash and member comparison over
 * core/htable (chained through zsl_node.hnext). */
#include "core/zsl_index.h"
#include "util/siphash.h"
#include <string.h>

static uint64_t zidx_node_hash(const void *elem) {
    const zsl_node *n = elem;
    return hash_bytes(zsl_member(n), n->len);
}

static const struct htable_type zidx_type = {.link_off = offsetof(zsl_node, hnext), .hash = zidx_node_hash};

void zidx_init(zsl_index *ix) { htable_init(&ix->ht); }

void zidx_clear(zsl_index *ix) { htable_clear(&ix->ht, &zidx_type, NULL, NULL); }

void zidx_expand(zsl_index *ix, uint64_t n) { htable_expand(&ix->ht, n); }

struct zidx_probe {
    const char *m;
    size_t len;
};

static inline int zidx_match_member(const void *elem, const void *probe) {
    const zsl_node *n = elem;
    const struct zidx_probe *p = probe;
    return n->len == p->len && (p->len == 0 || memcmp(zsl_member(n), p->m, p->len) == 0);
}

zsl_node *zidx_find(zsl_index *ix, const char *m, size_t len) {
    struct zidx_probe p = {m, len};
    void **link = htable_find_link(&ix->ht, &zidx_type, hash_bytes(m, len), zidx_match_member, &p, NULL);
    return link ? *link : NULL;
}

void zidx_insert(zsl_index *ix, zsl_node *n) { htable_insert(&ix->ht, &zidx_type, zidx_node_hash(n), n); }

static inline int zidx_match_node(const void *elem, const void *probe) { return elem == probe; }

int zidx_remove(zsl_index *ix, zsl_node *n) {
    int table;
    void **link = htable_find_link(&ix->ht, &zidx_type, zidx_node_hash(n), zidx_match_node, n, &table);
    if (!link) return 0;
    htable_unlink(&ix->ht, &zidx_type, link, table);
    return 1;
}

static void zidx_scan_visit(void *priv, void *elem) {
    struct htable_scan_wrap *w = priv;
    ((zidx_scan_fn)w->fn)(w->priv, elem);
}

uint64_t zidx_scan(zsl_index *ix, uint64_t cursor, zidx_scan_fn fn, void *priv) {
    struct htable_scan_wrap w = {(void (*)(void))fn, priv};
    return htable_scan(&ix->ht, &zidx_type, cursor, zidx_scan_visit, &w);
}

size_t zidx_overhead(const zsl_index *ix) { return htable_overhead(&ix->ht); }
