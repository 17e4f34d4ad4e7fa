/* skiplist.c — see skiplist.h.
 *
 * Invariants: header has ZSL_MAX_LEVEL links; for every level i < zsl->level, following
 * forward links from the header visits nodes in (score, member) order and the spans
 * along that path sum to the rank of each node visited; links at levels >= zsl->level
 * of the header are NULL with span 0 or stale (they are re-initialised when a taller
 * node raises zsl->level). Node heights follow P(h > k) = 4^-k, capped at
 * ZSL_MAX_LEVEL (enough for 2^64 elements). */
#include "core/skiplist.h"
#include "util/alloc.h"
#include "util/clock.h"
#include <string.h>

/* ---- ordering and ranges ---- */

int zsl_member_cmp(const char *a, size_t alen, const char *b, size_t blen) {
    size_t n = alen < blen ? alen : blen;
    int c = n ? memcmp(a, b, n) : 0;
    if (c) return c;
    return alen < blen ? -1 : alen > blen;
}

int zrange_score_gte_min(double v, const zrange_score *r) { return r->minex ? v > r->min : v >= r->min; }
int zrange_score_lte_max(double v, const zrange_score *r) { return r->maxex ? v < r->max : v <= r->max; }
int zrange_score_empty(const zrange_score *r) {
    return r->min > r->max || (r->min == r->max && (r->minex || r->maxex));
}

int zrange_lex_gte_min(const char *m, size_t len, const zrange_lex *r) {
    switch (r->minkind) {
    case ZLEX_MINUS_INF: return 1;
    case ZLEX_PLUS_INF: return 0;
    case ZLEX_EXCL: return zsl_member_cmp(m, len, r->min, r->minlen) > 0;
    default: return zsl_member_cmp(m, len, r->min, r->minlen) >= 0;
    }
}

int zrange_lex_lte_max(const char *m, size_t len, const zrange_lex *r) {
    switch (r->maxkind) {
    case ZLEX_PLUS_INF: return 1;
    case ZLEX_MINUS_INF: return 0;
    case ZLEX_EXCL: return zsl_member_cmp(m, len, r->max, r->maxlen) < 0;
    default: return zsl_member_cmp(m, len, r->max, r->maxlen) <= 0;
    }
}

/* Compare two lex bounds treating "-" / "+" as below / above every string. */
static int lex_bound_cmp(int ak, const char *a, size_t alen, int bk, const char *b, size_t blen) {
    int ar = ak == ZLEX_MINUS_INF ? 0 : ak == ZLEX_PLUS_INF ? 2 : 1;
    int br = bk == ZLEX_MINUS_INF ? 0 : bk == ZLEX_PLUS_INF ? 2 : 1;
    if (ar != br) return ar < br ? -1 : 1;
    if (ar != 1) return 0;
    return zsl_member_cmp(a, alen, b, blen);
}

int zrange_lex_empty(const zrange_lex *r) {
    int c = lex_bound_cmp(r->minkind, r->min, r->minlen, r->maxkind, r->max, r->maxlen);
    return c > 0 || (c == 0 && (r->minkind == ZLEX_EXCL || r->maxkind == ZLEX_EXCL));
}

/* ---- nodes ---- */

static _Thread_local uint64_t zsl_rng;

/* xorshift64*; seeded per thread from the clock and a thread-local address. */
static uint64_t zsl_random(void) {
    if (!zsl_rng) {
        uint64_t z = (uint64_t)clock_mono_us() ^ (uint64_t)(uintptr_t)&zsl_rng;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        zsl_rng = (z ^ (z >> 31)) | 1;
    }
    zsl_rng ^= zsl_rng >> 12;
    zsl_rng ^= zsl_rng << 25;
    zsl_rng ^= zsl_rng >> 27;
    return zsl_rng * 0x2545F4914F6CDD1DULL;
}

/* Height with P = 1/4 per extra level: each pair of random bits continues with 1/4. */
static int random_height(void) {
    uint64_t bits = zsl_random();
    int h = 1;
    while (h < ZSL_MAX_LEVEL && (bits & 3) == 0) {
        h++;
        bits >>= 2;
    }
    return h;
}

static zsl_node *node_new(int height, double score, const char *m, size_t len) {
    zsl_node *n = wmalloc(sizeof(zsl_node) + (size_t)height * sizeof(struct zsl_link) + len);
    n->score = score;
    n->backward = NULL;
    n->hnext = NULL;
    n->len = (uint32_t)len;
    n->height = (uint8_t)height;
    for (int i = 0; i < height; i++) {
        n->level[i].forward = NULL;
        n->level[i].span = 0;
    }
    if (len) memcpy((char *)zsl_member(n), m, len);
    return n;
}

void zsl_free_node(zsl_node *n) { wfree(n); }

size_t zsl_node_bytes(const zsl_node *n) {
    return sizeof(zsl_node) + (size_t)n->height * sizeof(struct zsl_link) + n->len;
}

skiplist *zsl_new(void) {
    skiplist *zsl = wmalloc(sizeof(*zsl));
    zsl->header = node_new(ZSL_MAX_LEVEL, 0, NULL, 0);
    zsl->tail = NULL;
    zsl->length = 0;
    zsl->level = 1;
    return zsl;
}

void zsl_free(skiplist *zsl) {
    if (!zsl) return;
    zsl_node *n = zsl_first(zsl);
    while (n) {
        zsl_node *next = zsl_next(n);
        wfree(n);
        n = next;
    }
    wfree(zsl->header);
    wfree(zsl);
}

/* 1 if node n sorts strictly before (score, m). */
static int node_before(const zsl_node *n, double score, const char *m, size_t len) {
    return n->score < score || (n->score == score && zsl_member_cmp(zsl_member(n), n->len, m, len) < 0);
}

/* Fill update[i] with the last node at level i that sorts before (score, m), and
 * rank[i] with that node's rank (0 for the header). */
static void find_before(const skiplist *zsl, double score, const char *m, size_t len, zsl_node **update,
                        unsigned long *rank) {
    zsl_node *x = zsl->header;
    for (int i = zsl->level - 1; i >= 0; i--) {
        if (rank) rank[i] = i == zsl->level - 1 ? 0 : rank[i + 1];
        while (x->level[i].forward && node_before(x->level[i].forward, score, m, len)) {
            if (rank) rank[i] += x->level[i].span;
            x = x->level[i].forward;
        }
        update[i] = x;
    }
}

/* Link node n after update[i] at each of its levels (update/rank from find_before). */
static void link_node(skiplist *zsl, zsl_node *n, zsl_node **update, unsigned long *rank) {
    int h = n->height;
    if (h > zsl->level) {
        for (int i = zsl->level; i < h; i++) {
            rank[i] = 0;
            update[i] = zsl->header;
            update[i]->level[i].forward = NULL;
            update[i]->level[i].span = zsl->length;
        }
        zsl->level = h;
    }
    for (int i = 0; i < h; i++) {
        n->level[i].forward = update[i]->level[i].forward;
        update[i]->level[i].forward = n;
        n->level[i].span = update[i]->level[i].span - (rank[0] - rank[i]);
        update[i]->level[i].span = (rank[0] - rank[i]) + 1;
    }
    for (int i = h; i < zsl->level; i++) update[i]->level[i].span++;
    n->backward = update[0] == zsl->header ? NULL : update[0];
    if (n->level[0].forward) n->level[0].forward->backward = n;
    else zsl->tail = n;
    zsl->length++;
}

/* Unlink x given its predecessors at every level. Does not free. */
static void unlink_node(skiplist *zsl, zsl_node *x, zsl_node **update) {
    for (int i = 0; i < zsl->level; i++) {
        if (update[i]->level[i].forward == x) {
            update[i]->level[i].span += x->level[i].span - 1;
            update[i]->level[i].forward = x->level[i].forward;
        } else {
            update[i]->level[i].span -= 1;
        }
    }
    if (x->level[0].forward) x->level[0].forward->backward = x->backward;
    else zsl->tail = x->backward;
    while (zsl->level > 1 && zsl->header->level[zsl->level - 1].forward == NULL) zsl->level--;
    zsl->length--;
}

zsl_node *zsl_insert(skiplist *zsl, double score, const char *m, size_t len) {
    zsl_node *update[ZSL_MAX_LEVEL];
    unsigned long rank[ZSL_MAX_LEVEL];
    find_before(zsl, score, m, len, update, rank);
    zsl_node *n = node_new(random_height(), score, m, len);
    link_node(zsl, n, update, rank);
    return n;
}

int zsl_delete(skiplist *zsl, double score, const char *m, size_t len, zsl_node **out) {
    zsl_node *update[ZSL_MAX_LEVEL];
    find_before(zsl, score, m, len, update, NULL);
    zsl_node *x = update[0]->level[0].forward;
    if (!x || x->score != score || zsl_member_cmp(zsl_member(x), x->len, m, len) != 0) return 0;
    unlink_node(zsl, x, update);
    if (out) *out = x;
    else wfree(x);
    return 1;
}

void zsl_update_score(skiplist *zsl, zsl_node *n, double score) {
    zsl_node *update[ZSL_MAX_LEVEL];
    unsigned long rank[ZSL_MAX_LEVEL];
    /* still strictly between its neighbours: only the score changes */
    if ((!n->backward || n->backward->score < score) && (!n->level[0].forward || n->level[0].forward->score > score)) {
        n->score = score;
        return;
    }
    find_before(zsl, n->score, zsl_member(n), n->len, update, NULL);
    unlink_node(zsl, n, update);
    n->score = score;
    find_before(zsl, score, zsl_member(n), n->len, update, rank);
    link_node(zsl, n, update, rank);
}

unsigned long zsl_rank(const skiplist *zsl, double score, const char *m, size_t len) {
    const zsl_node *x = zsl->header;
    unsigned long rank = 0;
    for (int i = zsl->level - 1; i >= 0; i--) {
        while (x->level[i].forward) {
            const zsl_node *f = x->level[i].forward;
            if (f->score < score || (f->score == score && zsl_member_cmp(zsl_member(f), f->len, m, len) <= 0)) {
                rank += x->level[i].span;
                x = f;
            } else {
                break;
            }
        }
        if (x != zsl->header && x->score == score && zsl_member_cmp(zsl_member(x), x->len, m, len) == 0) return rank;
    }
    return 0;
}

zsl_node *zsl_by_rank(const skiplist *zsl, unsigned long rank) {
    if (rank == 0 || rank > zsl->length) return NULL;
    zsl_node *x = zsl->header;
    unsigned long traversed = 0;
    for (int i = zsl->level - 1; i >= 0; i--) {
        while (x->level[i].forward && traversed + x->level[i].span <= rank) {
            traversed += x->level[i].span;
            x = x->level[i].forward;
        }
        if (traversed == rank) return x;
    }
    return NULL;
}

zsl_node *zsl_first_in_score(const skiplist *zsl, const zrange_score *r) {
    if (zrange_score_empty(r)) return NULL;
    zsl_node *x = zsl->header;
    for (int i = zsl->level - 1; i >= 0; i--)
        while (x->level[i].forward && !zrange_score_gte_min(x->level[i].forward->score, r)) x = x->level[i].forward;
    x = x->level[0].forward;
    return x && zrange_score_lte_max(x->score, r) ? x : NULL;
}

zsl_node *zsl_last_in_score(const skiplist *zsl, const zrange_score *r) {
    if (zrange_score_empty(r)) return NULL;
    zsl_node *x = zsl->header;
    for (int i = zsl->level - 1; i >= 0; i--)
        while (x->level[i].forward && zrange_score_lte_max(x->level[i].forward->score, r)) x = x->level[i].forward;
    return x != zsl->header && zrange_score_gte_min(x->score, r) ? x : NULL;
}

/* Lex ranges assume equal scores; with mixed scores the answer depends on where the
 * search starts, so it starts exactly as Redis's does: nothing is in range unless the
 * last member is >= min and the first <= max. */
static int lex_maybe_in_range(const skiplist *zsl, const zrange_lex *r) {
    if (zrange_lex_empty(r) || !zsl->tail) return 0;
    const zsl_node *first = zsl_first(zsl);
    return zrange_lex_gte_min(zsl_member(zsl->tail), zsl->tail->len, r) &&
           zrange_lex_lte_max(zsl_member(first), first->len, r);
}

zsl_node *zsl_first_in_lex(const skiplist *zsl, const zrange_lex *r) {
    if (!lex_maybe_in_range(zsl, r)) return NULL;
    zsl_node *x = zsl->header;
    for (int i = zsl->level - 1; i >= 0; i--)
        while (x->level[i].forward &&
               !zrange_lex_gte_min(zsl_member(x->level[i].forward), x->level[i].forward->len, r))
            x = x->level[i].forward;
    x = x->level[0].forward;
    return x && zrange_lex_lte_max(zsl_member(x), x->len, r) ? x : NULL;
}

zsl_node *zsl_last_in_lex(const skiplist *zsl, const zrange_lex *r) {
    if (!lex_maybe_in_range(zsl, r)) return NULL;
    zsl_node *x = zsl->header;
    for (int i = zsl->level - 1; i >= 0; i--)
        while (x->level[i].forward &&
               zrange_lex_lte_max(zsl_member(x->level[i].forward), x->level[i].forward->len, r))
            x = x->level[i].forward;
    return x != zsl->header && zrange_lex_gte_min(zsl_member(x), x->len, r) ? x : NULL;
}

/* Shared tail of the range deletions: from x (with predecessors update[]) delete
 * while `more` says the node is still inside. */
static unsigned long delete_run(skiplist *zsl, zsl_node **update, zsl_node *x, int kind, const void *range,
                                unsigned long end_rank, unsigned long rank, zsl_delete_fn fn, void *priv) {
    unsigned long removed = 0;
    while (x) {
        int inside;
        if (kind == 0) inside = zrange_score_lte_max(x->score, range);
        else if (kind == 1) inside = zrange_lex_lte_max(zsl_member(x), x->len, range);
        else inside = rank <= end_rank;
        if (!inside) break;
        zsl_node *next = x->level[0].forward;
        unlink_node(zsl, x, update);
        if (fn) fn(priv, x);
        wfree(x);
        removed++;
        rank++;
        x = next;
    }
    return removed;
}

unsigned long zsl_delete_range_score(skiplist *zsl, const zrange_score *r, zsl_delete_fn fn, void *priv) {
    zsl_node *update[ZSL_MAX_LEVEL];
    if (zrange_score_empty(r)) return 0;
    zsl_node *x = zsl->header;
    for (int i = zsl->level - 1; i >= 0; i--) {
        while (x->level[i].forward && !zrange_score_gte_min(x->level[i].forward->score, r)) x = x->level[i].forward;
        update[i] = x;
    }
    return delete_run(zsl, update, x->level[0].forward, 0, r, 0, 0, fn, priv);
}

unsigned long zsl_delete_range_lex(skiplist *zsl, const zrange_lex *r, zsl_delete_fn fn, void *priv) {
    zsl_node *update[ZSL_MAX_LEVEL];
    if (zrange_lex_empty(r)) return 0; /* no first/last pre-check here, as in Redis */
    zsl_node *x = zsl->header;
    for (int i = zsl->level - 1; i >= 0; i--) {
        while (x->level[i].forward &&
               !zrange_lex_gte_min(zsl_member(x->level[i].forward), x->level[i].forward->len, r))
            x = x->level[i].forward;
        update[i] = x;
    }
    return delete_run(zsl, update, x->level[0].forward, 1, r, 0, 0, fn, priv);
}

unsigned long zsl_delete_range_rank(skiplist *zsl, unsigned long start, unsigned long end, zsl_delete_fn fn,
                                    void *priv) {
    zsl_node *update[ZSL_MAX_LEVEL];
    if (start == 0 || start > end) return 0;
    zsl_node *x = zsl->header;
    unsigned long traversed = 0;
    for (int i = zsl->level - 1; i >= 0; i--) {
        while (x->level[i].forward && traversed + x->level[i].span < start) {
            traversed += x->level[i].span;
            x = x->level[i].forward;
        }
        update[i] = x;
    }
    return delete_run(zsl, update, x->level[0].forward, 2, NULL, end, traversed + 1, fn, priv);
}
