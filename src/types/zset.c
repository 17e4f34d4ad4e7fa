/* zset.c — see zset.h. Each operation has a listpack branch (linear scans over at most
 * zset-max-listpack-entries pairs) and a skiplist branch (O(log N) through the skiplist
 * and the member index). */
#include "types/zset.h"
#include "cmd/debug.h"
#include "config.h"
#include "core/listpack.h"
#include "util/alloc.h"
#include "util/numparse.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- encoding helpers ---- */

static inline void set_enc(entry *e, int enc) { e->type_enc = (uint8_t)((OBJ_ZSET << 4) | enc); }
static inline int is_lp(const entry *e) { return entry_encoding(e) == ENC_LISTPACK; }
static inline unsigned char *lp_of(const entry *e) { return entry_ptr(e); }
static inline struct zset_big *big_of(const entry *e) { return entry_ptr(e); }

static uint64_t max_entries(void) {
    long long v = server_config.zset_max_listpack_entries;
    return v < 0 ? 0 : (uint64_t)v;
}
static uint64_t max_value(void) {
    long long v = server_config.zset_max_listpack_value;
    return v < 0 ? 0 : (uint64_t)v;
}

static struct zset_big *big_new(void) {
    struct zset_big *b = wmalloc(sizeof(*b));
    b->zsl = zsl_new();
    zidx_init(&b->ix);
    return b;
}

static void big_free(struct zset_big *b) {
    zidx_clear(&b->ix);
    zsl_free(b->zsl);
    wfree(b);
}

/* Read a listpack score entry. Text scores were written by us ("%.17g", "inf"). */
static double lp_score_at(const unsigned char *p) {
    struct lp_val v;
    lp_get(p, &v);
    if (!v.str) return (double)v.num;
    double d = 0;
    if (num_parse_double((const char *)v.str, v.len, &d) != 0) d = 0; /* cannot happen for our own text */
    return d;
}

/* Integral scores within [-2^62, 2^62] go in as integers, as Redis's listpack does. */
static int score_as_int(double s, long long *out) {
    if (!(s >= -4611686018427387904.0 && s <= 4611686018427387904.0)) return 0;
    long long ll = (long long)s;
    if ((double)ll != s) return 0;
    *out = ll;
    return 1;
}

static unsigned char *lp_insert_score(unsigned char *lp, unsigned char *p, int where, double s) {
    long long ll;
    if (score_as_int(s, &ll)) return lp_insert_int(lp, p, where, ll, NULL);
    char buf[64];
    int n = num_double_to_str(buf, sizeof(buf), s);
    return lp_insert(lp, p, where, buf, (size_t)n, NULL);
}

/* Member bytes of a listpack entry. */
static const char *lp_member(const unsigned char *p, unsigned char *buf, size_t *len) {
    return (const char *)lp_get_str(p, buf, len);
}

/* Find member: returns its entry (score follows) or NULL. */
static unsigned char *lp_find_member(unsigned char *lp, const char *m, size_t len) {
    unsigned char *first = lp_first(lp);
    return first ? lp_find(lp, first, m, len, 1) : NULL;
}

/* Insert (score, member) at its ordered place; the member must not be present. */
static unsigned char *lp_insert_ordered(unsigned char *lp, double score, const char *m, size_t len) {
    unsigned char buf[24];
    unsigned char *p = lp_first(lp);
    while (p) {
        unsigned char *sp = lp_next(lp, p);
        double s = lp_score_at(sp);
        if (s > score) break;
        if (s == score) {
            size_t plen;
            const char *pm = lp_member(p, buf, &plen);
            if (zsl_member_cmp(pm, plen, m, len) > 0) break;
        }
        p = lp_next(lp, sp);
    }
    unsigned char *np;
    if (p) {
        lp = lp_insert(lp, p, LP_BEFORE, m, len, &np);
        return lp_insert_score(lp, np, LP_AFTER, score);
    }
    lp = lp_insert(lp, NULL, LP_AFTER, m, len, NULL);
    return lp_insert_score(lp, NULL, LP_AFTER, score);
}

/* ---- type hooks and creation ---- */

static void zset_value_free(int enc, void *ptr) {
    if (enc == ENC_LISTPACK) lp_free(ptr);
    else big_free(ptr);
}

static void *zset_value_dup(int enc, const void *ptr) {
    if (enc == ENC_LISTPACK) return lp_dup(ptr);
    const struct zset_big *src = ptr;
    struct zset_big *b = big_new();
    zidx_expand(&b->ix, src->zsl->length);
    for (zsl_node *n = zsl_first(src->zsl); n; n = zsl_next(n))
        zidx_insert(&b->ix, zsl_insert(b->zsl, n->score, zsl_member(n), n->len));
    return b;
}

/* O(1) estimate (lazy free, MEMORY USAGE): a listpack is exact; a skiplist costs about
 * one node per member plus the index buckets. */
static size_t zset_value_cost(int enc, const void *ptr) {
    if (enc == ENC_LISTPACK) return lp_bytes(ptr);
    const struct zset_big *b = ptr;
    return (size_t)b->zsl->length * 64 + zidx_overhead(&b->ix) + sizeof(*b);
}

/* DEBUG DIGEST: members and scores in order; scores as text so that the listpack and
 * skiplist encodings of the same set digest alike. */
static void zset_value_digest(const entry *e, struct debug_digest *d) {
    struct zset_pos z;
    unsigned char buf[24];
    for (zset_pos_rank(&z, (entry *)e, 0); zset_pos_valid(&z); zset_pos_next(&z)) {
        const char *m;
        size_t len;
        double score;
        char sbuf[64];
        zset_pos_get(&z, buf, &m, &len, &score);
        int slen = num_double_to_str(sbuf, sizeof(sbuf), score);
        debug_digest_feed(d, m, len);
        debug_digest_feed(d, sbuf, (size_t)slen);
    }
}

void zset_type_init(void) {
    entry_register_type(OBJ_ZSET, zset_value_free, zset_value_dup);
    entry_register_cost(OBJ_ZSET, zset_value_cost);
    debug_register_value_digest(OBJ_ZSET, zset_value_digest);
}

entry *zset_new_entry(const char *key, size_t klen, size_t first_len) {
    if (max_entries() == 0 || first_len > max_value())
        return entry_new_ptr(key, klen, OBJ_ZSET, ENC_SKIPLIST, big_new(), -1);
    return entry_new_ptr(key, klen, OBJ_ZSET, ENC_LISTPACK, lp_new(), -1);
}

entry *zset_new_entry_sized(const char *key, size_t klen, uint64_t count, size_t maxlen) {
    if (count > max_entries() || maxlen > max_value()) {
        struct zset_big *b = big_new();
        zidx_expand(&b->ix, count);
        return entry_new_ptr(key, klen, OBJ_ZSET, ENC_SKIPLIST, b, -1);
    }
    return entry_new_ptr(key, klen, OBJ_ZSET, ENC_LISTPACK, lp_new(), -1);
}

uint64_t zset_length(const entry *e) { return is_lp(e) ? lp_count(lp_of(e)) / 2 : big_of(e)->zsl->length; }

void zset_convert_to_skiplist(entry *e) {
    if (!is_lp(e)) return;
    unsigned char *lp = lp_of(e), buf[24];
    struct zset_big *b = big_new();
    zidx_expand(&b->ix, lp_count(lp) / 2);
    for (unsigned char *p = lp_first(lp); p;) {
        unsigned char *sp = lp_next(lp, p);
        size_t len;
        const char *m = lp_member(p, buf, &len);
        zidx_insert(&b->ix, zsl_insert(b->zsl, lp_score_at(sp), m, len));
        p = lp_next(lp, sp);
    }
    lp_free(lp);
    entry_set_ptr(e, b);
    set_enc(e, ENC_SKIPLIST);
}

size_t zset_max_member_len(entry *e) {
    size_t max = 0;
    if (is_lp(e)) {
        unsigned char *lp = lp_of(e);
        for (unsigned char *p = lp_first(lp); p; p = lp_next(lp, lp_next(lp, p))) {
            size_t l = lp_str_len(p);
            if (l > max) max = l;
        }
        return max;
    }
    for (zsl_node *n = zsl_first(big_of(e)->zsl); n; n = zsl_next(n))
        if (n->len > max) max = n->len;
    return max;
}

void zset_convert_if_small(entry *e, size_t maxlen) {
    if (is_lp(e)) return;
    struct zset_big *b = big_of(e);
    if (b->zsl->length > max_entries() || maxlen > max_value()) return;
    unsigned char *lp = lp_new();
    for (zsl_node *n = zsl_first(b->zsl); n; n = zsl_next(n)) {
        if (!lp_safe_to_add(lp, n->len + 32)) { /* cannot happen within the limits; keep the skiplist */
            lp_free(lp);
            return;
        }
        lp = lp_insert(lp, NULL, LP_AFTER, zsl_member(n), n->len, NULL);
        lp = lp_insert_score(lp, NULL, LP_AFTER, n->score);
    }
    big_free(b);
    entry_set_ptr(e, lp);
    set_enc(e, ENC_LISTPACK);
}

/* ---- add / remove / lookup ---- */

enum zadd_result zset_add(entry *e, double score, const char *m, size_t len, int flags, double *newscore) {
    int nx = flags & ZADD_NX, xx = flags & ZADD_XX, gt = flags & ZADD_GT, lt = flags & ZADD_LT;
    if (isnan(score)) return ZADD_NAN;
    double cur;
    int found = zset_score(e, m, len, &cur);
    if (found) {
        if (nx) return ZADD_NOP;
        if (flags & ZADD_INCR) {
            score += cur;
            if (isnan(score)) return ZADD_NAN;
        }
        if ((lt && score >= cur) || (gt && score <= cur)) return ZADD_NOP;
        if (newscore) *newscore = score;
        if (score == cur) return ZADD_SAME;
        if (is_lp(e)) {
            unsigned char *lp = lp_of(e), *p = lp_find_member(lp, m, len);
            lp = lp_delete_n(lp, &p, 2);
            entry_set_ptr(e, lp_insert_ordered(lp, score, m, len));
        } else {
            struct zset_big *b = big_of(e);
            zsl_update_score(b->zsl, zidx_find(&b->ix, m, len), score);
        }
        return ZADD_UPDATED;
    }
    if (xx) return ZADD_NOP;
    if (is_lp(e)) {
        unsigned char *lp = lp_of(e);
        if (lp_count(lp) / 2 + 1 > max_entries() || len > max_value() || !lp_safe_to_add(lp, len + 32)) {
            zset_convert_to_skiplist(e);
        } else {
            entry_set_ptr(e, lp_insert_ordered(lp, score, m, len));
            if (newscore) *newscore = score;
            return ZADD_ADDED;
        }
    }
    struct zset_big *b = big_of(e);
    zidx_insert(&b->ix, zsl_insert(b->zsl, score, m, len));
    if (newscore) *newscore = score;
    return ZADD_ADDED;
}

int zset_remove(entry *e, const char *m, size_t len) {
    if (is_lp(e)) {
        unsigned char *lp = lp_of(e), *p = lp_find_member(lp, m, len);
        if (!p) return 0;
        entry_set_ptr(e, lp_delete_n(lp, &p, 2));
        return 1;
    }
    struct zset_big *b = big_of(e);
    zsl_node *n = zidx_find(&b->ix, m, len);
    if (!n) return 0;
    zidx_remove(&b->ix, n);
    zsl_delete(b->zsl, n->score, zsl_member(n), n->len, NULL);
    return 1;
}

int zset_score(entry *e, const char *m, size_t len, double *score) {
    if (is_lp(e)) {
        unsigned char *lp = lp_of(e), *p = lp_find_member(lp, m, len);
        if (!p) return 0;
        *score = lp_score_at(lp_next(lp, p));
        return 1;
    }
    zsl_node *n = zidx_find(&big_of(e)->ix, m, len);
    if (!n) return 0;
    *score = n->score;
    return 1;
}

long long zset_rank(entry *e, const char *m, size_t len, int reverse, double *score) {
    uint64_t n = zset_length(e), rank;
    if (is_lp(e)) {
        unsigned char *lp = lp_of(e);
        uint64_t i = 0;
        unsigned char *p;
        for (p = lp_first(lp); p; p = lp_next(lp, lp_next(lp, p)), i++)
            if (lp_eq(p, m, len)) break;
        if (!p) return -1;
        if (score) *score = lp_score_at(lp_next(lp, p));
        rank = i;
    } else {
        struct zset_big *b = big_of(e);
        zsl_node *x = zidx_find(&b->ix, m, len);
        if (!x) return -1;
        if (score) *score = x->score;
        rank = zsl_rank(b->zsl, x->score, m, len) - 1;
    }
    return (long long)(reverse ? n - 1 - rank : rank);
}

/* ---- positions ---- */

void zset_pos_rank(struct zset_pos *z, entry *e, uint64_t rank) {
    z->e = e;
    z->p = NULL;
    z->node = NULL;
    if (rank >= zset_length(e)) return;
    if (is_lp(e)) z->p = lp_seek(lp_of(e), (long long)(rank * 2));
    else z->node = zsl_by_rank(big_of(e)->zsl, rank + 1);
}

void zset_pos_next(struct zset_pos *z) {
    if (z->p) {
        unsigned char *lp = lp_of(z->e);
        z->p = lp_next(lp, lp_next(lp, z->p));
    } else if (z->node) {
        z->node = zsl_next(z->node);
    }
}

void zset_pos_prev(struct zset_pos *z) {
    if (z->p) {
        unsigned char *lp = lp_of(z->e), *sp = lp_prev(lp, z->p);
        z->p = sp ? lp_prev(lp, sp) : NULL;
    } else if (z->node) {
        z->node = z->node->backward;
    }
}

void zset_pos_get(const struct zset_pos *z, unsigned char *buf, const char **m, size_t *len, double *score) {
    if (z->p) {
        *m = lp_member(z->p, buf, len);
        if (score) *score = lp_score_at(lp_next(lp_of(z->e), z->p));
    } else {
        *m = zsl_member(z->node);
        *len = z->node->len;
        if (score) *score = z->node->score;
    }
}

void zset_pos_delete(struct zset_pos *z) {
    if (z->p) {
        unsigned char *p = z->p;
        entry_set_ptr(z->e, lp_delete_n(lp_of(z->e), &p, 2));
    } else if (z->node) {
        struct zset_big *b = big_of(z->e);
        zsl_node *n = z->node;
        zidx_remove(&b->ix, n);
        zsl_delete(b->zsl, n->score, zsl_member(n), n->len, NULL);
    }
    z->p = NULL;
    z->node = NULL;
}

uint64_t zset_pos_to_rank(const struct zset_pos *z) {
    if (z->node) return zsl_rank(big_of(z->e)->zsl, z->node->score, zsl_member(z->node), z->node->len) - 1;
    unsigned char *lp = lp_of(z->e);
    uint64_t i = 0;
    for (unsigned char *p = lp_first(lp); p && p != z->p; p = lp_next(lp, lp_next(lp, p))) i++;
    return i;
}

/* Listpack: the first pair (from the front, or from the back with reverse) for which
 * `inside` holds. */
static int lp_in_score(const unsigned char *p, unsigned char *lp, const void *r, int side) {
    double s = lp_score_at(lp_next(lp, (unsigned char *)p));
    return side == 0 ? zrange_score_gte_min(s, r) : zrange_score_lte_max(s, r);
}
static int lp_in_lex(const unsigned char *p, unsigned char *lp, const void *r, int side) {
    (void)lp;
    unsigned char buf[24];
    size_t len;
    const char *m = lp_member(p, buf, &len);
    return side == 0 ? zrange_lex_gte_min(m, len, r) : zrange_lex_lte_max(m, len, r);
}
typedef int lp_pred(const unsigned char *p, unsigned char *lp, const void *r, int side);

/* Find the first member >= min (or, reverse, the last <= max) and check the other
 * bound. As Redis does, first check that the last pair is >= min and the first <= max:
 * for score ranges that follows from the order, for lex ranges over mixed scores it
 * decides the answer. */
static unsigned char *lp_range_start(unsigned char *lp, const void *r, int reverse, lp_pred *pred) {
    unsigned char *lastp = lp_last(lp);
    if (!lastp || !pred(lp_prev(lp, lastp), lp, r, 0) || !pred(lp_first(lp), lp, r, 1)) return NULL;
    if (!reverse) {
        for (unsigned char *p = lp_first(lp); p; p = lp_next(lp, lp_next(lp, p)))
            if (pred(p, lp, r, 0)) return pred(p, lp, r, 1) ? p : NULL;
        return NULL;
    }
    unsigned char *sp = lp_last(lp);
    while (sp) {
        unsigned char *p = lp_prev(lp, sp);
        if (pred(p, lp, r, 1)) return pred(p, lp, r, 0) ? p : NULL;
        sp = lp_prev(lp, p);
    }
    return NULL;
}

void zset_pos_score(struct zset_pos *z, entry *e, const zrange_score *r, int reverse) {
    z->e = e;
    z->p = NULL;
    z->node = NULL;
    if (zrange_score_empty(r)) return;
    if (is_lp(e)) z->p = lp_range_start(lp_of(e), r, reverse, lp_in_score);
    else z->node = reverse ? zsl_last_in_score(big_of(e)->zsl, r) : zsl_first_in_score(big_of(e)->zsl, r);
}

void zset_pos_lex(struct zset_pos *z, entry *e, const zrange_lex *r, int reverse) {
    z->e = e;
    z->p = NULL;
    z->node = NULL;
    if (zrange_lex_empty(r)) return;
    if (is_lp(e)) z->p = lp_range_start(lp_of(e), r, reverse, lp_in_lex);
    else z->node = reverse ? zsl_last_in_lex(big_of(e)->zsl, r) : zsl_first_in_lex(big_of(e)->zsl, r);
}

/* ---- counts and range deletions ---- */

uint64_t zset_count_score(entry *e, const zrange_score *r) {
    if (zrange_score_empty(r)) return 0;
    if (is_lp(e)) {
        unsigned char *lp = lp_of(e);
        uint64_t n = 0;
        for (unsigned char *p = lp_range_start(lp, r, 0, lp_in_score); p && lp_in_score(p, lp, r, 1);
             p = lp_next(lp, lp_next(lp, p)))
            n++;
        return n;
    }
    skiplist *zsl = big_of(e)->zsl;
    zsl_node *f = zsl_first_in_score(zsl, r), *l = zsl_last_in_score(zsl, r);
    if (!f || !l) return 0;
    return zsl_rank(zsl, l->score, zsl_member(l), l->len) - zsl_rank(zsl, f->score, zsl_member(f), f->len) + 1;
}

uint64_t zset_count_lex(entry *e, const zrange_lex *r) {
    if (zrange_lex_empty(r)) return 0;
    if (is_lp(e)) {
        unsigned char *lp = lp_of(e);
        uint64_t n = 0;
        for (unsigned char *p = lp_range_start(lp, r, 0, lp_in_lex); p && lp_in_lex(p, lp, r, 1);
             p = lp_next(lp, lp_next(lp, p)))
            n++;
        return n;
    }
    skiplist *zsl = big_of(e)->zsl;
    zsl_node *f = zsl_first_in_lex(zsl, r), *l = zsl_last_in_lex(zsl, r);
    if (!f || !l) return 0;
    return zsl_rank(zsl, l->score, zsl_member(l), l->len) - zsl_rank(zsl, f->score, zsl_member(f), f->len) + 1;
}

static void unindex(void *priv, zsl_node *n) { zidx_remove(priv, n); }

/* Listpack: delete the run of pairs starting at p while pred(side 1) holds. */
static uint64_t lp_delete_run(entry *e, unsigned char *p, const void *r, lp_pred *pred) {
    unsigned char *lp = lp_of(e);
    uint64_t n = 0;
    for (unsigned char *q = p; q && pred(q, lp, r, 1); q = lp_next(lp, lp_next(lp, q))) n++;
    if (n) entry_set_ptr(e, lp_delete_n(lp, &p, (uint32_t)(n * 2)));
    return n;
}

uint64_t zset_delete_score(entry *e, const zrange_score *r) {
    if (zrange_score_empty(r)) return 0;
    if (is_lp(e)) {
        unsigned char *p = lp_range_start(lp_of(e), r, 0, lp_in_score);
        return p ? lp_delete_run(e, p, r, lp_in_score) : 0;
    }
    struct zset_big *b = big_of(e);
    return zsl_delete_range_score(b->zsl, r, unindex, &b->ix);
}

uint64_t zset_delete_lex(entry *e, const zrange_lex *r) {
    if (zrange_lex_empty(r)) return 0;
    if (is_lp(e)) {
        unsigned char *p = lp_range_start(lp_of(e), r, 0, lp_in_lex);
        return p ? lp_delete_run(e, p, r, lp_in_lex) : 0;
    }
    struct zset_big *b = big_of(e);
    return zsl_delete_range_lex(b->zsl, r, unindex, &b->ix);
}

uint64_t zset_delete_rank(entry *e, uint64_t start, uint64_t end) {
    if (start > end || start >= zset_length(e)) return 0;
    if (is_lp(e)) {
        uint64_t n = end - start + 1;
        entry_set_ptr(e, lp_delete_range(lp_of(e), (long long)(start * 2), (uint32_t)(n * 2)));
        return n;
    }
    struct zset_big *b = big_of(e);
    return zsl_delete_range_rank(b->zsl, start + 1, end + 1, unindex, &b->ix);
}

/* ---- scan and memory ---- */

struct scan_ctx {
    zset_scan_fn fn;
    void *priv;
};
static void scan_node(void *priv, const zsl_node *n) {
    struct scan_ctx *sc = priv;
    char buf[64];
    int len = num_double_to_str(buf, sizeof(buf), n->score);
    sc->fn(sc->priv, zsl_member(n), n->len, buf, (size_t)len);
}

uint64_t zset_scan(entry *e, uint64_t cursor, zset_scan_fn fn, void *priv) {
    if (is_lp(e)) {
        unsigned char *lp = lp_of(e), mbuf[24], sbuf[24];
        for (unsigned char *p = lp_first(lp); p;) {
            unsigned char *sp = lp_next(lp, p);
            size_t mlen, slen;
            const char *m = lp_member(p, mbuf, &mlen);
            const char *s = (const char *)lp_get_str(sp, sbuf, &slen);
            fn(priv, m, mlen, s, slen);
            p = lp_next(lp, sp);
        }
        return 0;
    }
    struct scan_ctx sc = {fn, priv};
    return zidx_scan(&big_of(e)->ix, cursor, scan_node, &sc);
}

size_t zset_mem_usage(const entry *e) {
    if (is_lp(e)) return lp_bytes(lp_of(e));
    const struct zset_big *b = big_of(e);
    size_t total = sizeof(*b) + zidx_overhead(&b->ix) + zsl_node_bytes(b->zsl->header);
    for (zsl_node *n = zsl_first(b->zsl); n; n = zsl_next(n)) total += zsl_node_bytes(n);
    return total;
}
