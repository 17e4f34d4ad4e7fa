/* test_skiplist.c — the skiplist against a sorted-array model: inserts, deletes, score
 * updates (node address kept), rank / by-rank, score and lex ranges and range
 * deletions; after each phase every level's spans are checked against level-0 ranks.
 * Also the member index (zsl_index): find/insert/remove through resizes, and the scan
 * guarantee (every member present for the whole scan is returned). */
#include "core/skiplist.h"
#include "core/zsl_index.h"
#include "util/siphash.h"
#include "util/alloc.h"
#include "unit.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static uint64_t next_rand(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

struct item {
    double score;
    char m[8];
    size_t len;
};
#define MAXN 400
static struct item model[MAXN];
static int n;

static int item_cmp(const void *a, const void *b) {
    const struct item *x = a, *y = b;
    if (x->score != y->score) return x->score < y->score ? -1 : 1;
    return zsl_member_cmp(x->m, x->len, y->m, y->len);
}
static void model_sort(void) { qsort(model, (size_t)n, sizeof(model[0]), item_cmp); }
static int model_find(const char *m, size_t len) {
    for (int i = 0; i < n; i++)
        if (model[i].len == len && memcmp(model[i].m, m, len) == 0) return i;
    return -1;
}

/* Spans at every level agree with level-0 positions; backward links; tail; length. */
static void check_invariants(const skiplist *zsl) {
    unsigned long count = 0;
    const zsl_node *prev = NULL;
    for (const zsl_node *x = zsl_first(zsl); x; x = zsl_next(x)) {
        count++;
        CHECK(x->backward == prev);
        if (prev) CHECK(prev->score < x->score || (prev->score == x->score &&
                                                   zsl_member_cmp(zsl_member(prev), prev->len, zsl_member(x), x->len) < 0));
        prev = x;
    }
    CHECK(count == zsl->length);
    CHECK(zsl->tail == prev);
    for (int i = 0; i < zsl->level; i++) {
        const zsl_node *x = zsl->header;
        unsigned long rank = 0;
        while (x->level[i].forward) {
            rank += x->level[i].span;
            x = x->level[i].forward;
            CHECK(zsl_by_rank(zsl, rank) == x);
        }
    }
    if (zsl->level > 1) CHECK(zsl->header->level[zsl->level - 1].forward != NULL);
}

static void check_model(const skiplist *zsl) {
    model_sort();
    CHECK(zsl->length == (unsigned long)n);
    const zsl_node *x = zsl_first(zsl);
    for (int i = 0; i < n && x; i++, x = zsl_next(x)) {
        CHECK(x->score == model[i].score);
        CHECK(x->len == model[i].len && memcmp(zsl_member(x), model[i].m, x->len) == 0);
        CHECK(zsl_rank(zsl, model[i].score, model[i].m, model[i].len) == (unsigned long)i + 1);
    }
    check_invariants(zsl);
}

static void random_member(char *m, size_t *len) {
    *len = 1 + next_rand() % 3;
    for (size_t i = 0; i < *len; i++) m[i] = (char)('a' + next_rand() % 6);
}

static void test_basic(void) {
    skiplist *zsl = zsl_new();
    CHECK(zsl_first(zsl) == NULL && zsl->length == 0);
    CHECK(zsl_by_rank(zsl, 1) == NULL && zsl_by_rank(zsl, 0) == NULL);
    zsl_node *b = zsl_insert(zsl, 2, "b", 1);
    zsl_insert(zsl, 1, "a", 1);
    zsl_insert(zsl, 2, "a", 1); /* same score: member order */
    zsl_insert(zsl, 2, "", 0);  /* empty member sorts first among equals */
    CHECK(zsl_rank(zsl, 1, "a", 1) == 1);
    CHECK(zsl_rank(zsl, 2, "", 0) == 2);
    CHECK(zsl_rank(zsl, 2, "a", 1) == 3);
    CHECK(zsl_rank(zsl, 2, "b", 1) == 4);
    CHECK(zsl_rank(zsl, 3, "b", 1) == 0);
    zsl_update_score(zsl, b, -5);
    CHECK(zsl_first(zsl) == b && zsl_rank(zsl, -5, "b", 1) == 1);
    zsl_update_score(zsl, b, 1); /* ties with "a" at 1: "a" < "b" */
    CHECK(zsl_rank(zsl, 1, "b", 1) == 2);
    zsl_update_score(zsl, b, INFINITY);
    CHECK(zsl->tail == b);
    CHECK(zsl_delete(zsl, 2, "zz", 2, NULL) == 0);
    CHECK(zsl_delete(zsl, 1, "b", 1, NULL) == 0); /* wrong score */
    zsl_node *out = NULL;
    CHECK(zsl_delete(zsl, INFINITY, "b", 1, &out) == 1 && out == b);
    zsl_free_node(out);
    check_invariants(zsl);
    zsl_free(zsl);
    zsl_free(NULL);
}

static void test_ranges(void) {
    skiplist *zsl = zsl_new();
    for (int i = 0; i < 10; i++) {
        char m[2] = {(char)('a' + i), 0};
        zsl_insert(zsl, i, m, 1);
    }
    zrange_score r = {2, 5, 0, 0};
    CHECK(zsl_first_in_score(zsl, &r)->score == 2 && zsl_last_in_score(zsl, &r)->score == 5);
    r.minex = r.maxex = 1;
    CHECK(zsl_first_in_score(zsl, &r)->score == 3 && zsl_last_in_score(zsl, &r)->score == 4);
    r = (zrange_score){5, 5, 1, 0};
    CHECK(zrange_score_empty(&r) && zsl_first_in_score(zsl, &r) == NULL);
    r = (zrange_score){-INFINITY, INFINITY, 0, 0};
    CHECK(zsl_first_in_score(zsl, &r)->score == 0 && zsl_last_in_score(zsl, &r)->score == 9);
    r = (zrange_score){10, 20, 0, 0};
    CHECK(zsl_first_in_score(zsl, &r) == NULL && zsl_last_in_score(zsl, &r) == NULL);
    r = (zrange_score){-3, -1, 0, 0};
    CHECK(zsl_first_in_score(zsl, &r) == NULL && zsl_last_in_score(zsl, &r) == NULL);

    zrange_lex l = {"c", "f", 1, 1, ZLEX_INCL, ZLEX_EXCL};
    CHECK(zsl_member(zsl_first_in_lex(zsl, &l))[0] == 'c' && zsl_member(zsl_last_in_lex(zsl, &l))[0] == 'e');
    l = (zrange_lex){NULL, NULL, 0, 0, ZLEX_MINUS_INF, ZLEX_PLUS_INF};
    CHECK(zsl_member(zsl_first_in_lex(zsl, &l))[0] == 'a' && zsl_member(zsl_last_in_lex(zsl, &l))[0] == 'j');
    l = (zrange_lex){NULL, NULL, 0, 0, ZLEX_PLUS_INF, ZLEX_MINUS_INF};
    CHECK(zrange_lex_empty(&l) && zsl_first_in_lex(zsl, &l) == NULL);
    l = (zrange_lex){"b", "b", 1, 1, ZLEX_EXCL, ZLEX_INCL};
    CHECK(zrange_lex_empty(&l));
    l = (zrange_lex){"b", "b", 1, 1, ZLEX_INCL, ZLEX_INCL};
    CHECK(!zrange_lex_empty(&l) && zsl_first_in_lex(zsl, &l) == zsl_last_in_lex(zsl, &l));

    l = (zrange_lex){"b", "d", 1, 1, ZLEX_INCL, ZLEX_INCL};
    CHECK(zsl_delete_range_lex(zsl, &l, NULL, NULL) == 3);
    r = (zrange_score){7, INFINITY, 1, 0};
    CHECK(zsl_delete_range_score(zsl, &r, NULL, NULL) == 2);
    CHECK(zsl->length == 5);
    CHECK(zsl_delete_range_rank(zsl, 2, 3, NULL, NULL) == 2); /* removes e(4), f(5) */
    CHECK(zsl->length == 3 && zsl_by_rank(zsl, 2)->score == 6);
    check_invariants(zsl);
    zsl_free(zsl);
}

static void count_cb(void *priv, zsl_node *x) {
    (void)x;
    (*(int *)priv)++;
}

static void test_random_model(void) {
    skiplist *zsl = zsl_new();
    n = 0;
    for (int round = 0; round < 6000; round++) {
        char m[8];
        size_t len;
        random_member(m, &len);
        double score = (double)(next_rand() % 20) / 2.0;
        int at = model_find(m, len);
        unsigned op = (unsigned)(next_rand() % 10);
        if (op < 5) { /* add or update */
            if (at < 0 && n < MAXN) {
                zsl_insert(zsl, score, m, len);
                model[n].score = score;
                memcpy(model[n].m, m, len);
                model[n++].len = len;
            } else if (at >= 0) {
                zsl_node *x = zsl_by_rank(zsl, zsl_rank(zsl, model[at].score, m, len));
                CHECK(x != NULL);
                if (x) {
                    zsl_update_score(zsl, x, score);
                    CHECK(x->score == score); /* same node, new score */
                }
                model[at].score = score;
            }
        } else if (op < 8) {
            int removed = zsl_delete(zsl, at >= 0 ? model[at].score : score, m, len, NULL);
            CHECK(removed == (at >= 0));
            if (at >= 0) model[at] = model[--n];
        } else if (op == 8) { /* range by score: compare with the model */
            zrange_score r = {(double)(next_rand() % 12) - 1, (double)(next_rand() % 12), (int)(next_rand() & 1),
                              (int)(next_rand() & 1)};
            model_sort();
            int first = -1, last = -1;
            for (int i = 0; i < n; i++)
                if (zrange_score_gte_min(model[i].score, &r) && zrange_score_lte_max(model[i].score, &r)) {
                    if (first < 0) first = i;
                    last = i;
                }
            zsl_node *f = zsl_first_in_score(zsl, &r), *l = zsl_last_in_score(zsl, &r);
            if (first < 0) {
                CHECK(f == NULL && l == NULL);
            } else {
                CHECK(f && zsl_rank(zsl, f->score, zsl_member(f), f->len) == (unsigned long)first + 1);
                CHECK(l && zsl_rank(zsl, l->score, zsl_member(l), l->len) == (unsigned long)last + 1);
            }
            if (next_rand() % 8 == 0) {
                int calls = 0;
                unsigned long del = zsl_delete_range_score(zsl, &r, count_cb, &calls);
                CHECK(del == (first < 0 ? 0UL : (unsigned long)(last - first + 1)) && calls == (int)del);
                if (first >= 0) {
                    memmove(&model[first], &model[last + 1], (size_t)(n - last - 1) * sizeof(model[0]));
                    n -= last - first + 1;
                }
            }
        } else { /* lex range over members (all scores equal in this check's view) */
            char a[8], b[8];
            size_t alen, blen;
            random_member(a, &alen);
            random_member(b, &blen);
            zrange_lex l = {a, b, alen, blen, (int)(next_rand() % 4), (int)(next_rand() % 4)};
            /* lex ranges are meaningful on equal scores; test the predicate helpers instead */
            int empty = zrange_lex_empty(&l);
            for (int i = 0; i < n; i++) {
                int in = zrange_lex_gte_min(model[i].m, model[i].len, &l) && zrange_lex_lte_max(model[i].m, model[i].len, &l);
                if (in) CHECK(!empty);
            }
        }
        if (round % 1000 == 0) check_model(zsl);
    }
    check_model(zsl);
    /* rank deletion against the model */
    if (n > 10) {
        int calls = 0;
        CHECK(zsl_delete_range_rank(zsl, 3, 7, count_cb, &calls) == 5 && calls == 5);
        memmove(&model[2], &model[7], (size_t)(n - 7) * sizeof(model[0]));
        n -= 5;
        check_model(zsl);
    }
    zsl_free(zsl);
}

static void test_lex_equal_scores(void) {
    skiplist *zsl = zsl_new();
    const char *words[] = {"alpha", "beta", "b", "gamma", "", "delta", "al"};
    for (int i = 0; i < 7; i++) zsl_insert(zsl, 0, words[i], strlen(words[i]));
    zrange_lex l = {"al", "beta", 2, 4, ZLEX_EXCL, ZLEX_INCL};
    zsl_node *f = zsl_first_in_lex(zsl, &l), *e = zsl_last_in_lex(zsl, &l);
    CHECK(f && f->len == 5 && memcmp(zsl_member(f), "alpha", 5) == 0);
    CHECK(e && e->len == 4 && memcmp(zsl_member(e), "beta", 4) == 0);
    l = (zrange_lex){NULL, "a", 0, 1, ZLEX_MINUS_INF, ZLEX_EXCL};
    f = zsl_first_in_lex(zsl, &l);
    CHECK(f && f->len == 0);
    CHECK(zsl_delete_range_lex(zsl, &l, NULL, NULL) == 1);
    check_invariants(zsl);
    zsl_free(zsl);
}

static void test_large(void) {
    /* enough nodes for several levels; rank of everything via spans */
    skiplist *zsl = zsl_new();
    char m[16];
    for (int i = 0; i < 20000; i++) {
        int len = snprintf(m, sizeof(m), "m%d", i);
        zsl_insert(zsl, (double)(i % 1000), m, (size_t)len);
    }
    CHECK(zsl->level > 3);
    check_invariants(zsl);
    CHECK(zsl_delete_range_rank(zsl, 1, 10000, NULL, NULL) == 10000);
    check_invariants(zsl);
    zsl_free(zsl);
}

static void scan_mark(void *priv, const zsl_node *x) {
    unsigned char *seen = priv;
    char buf[16];
    size_t len = x->len < sizeof(buf) - 1 ? x->len : sizeof(buf) - 1;
    memcpy(buf, zsl_member(x), len); /* members are "m<number>", not NUL-terminated */
    buf[len] = '\0';
    seen[atoi(buf + 1)]++;
}

static void test_index(void) {
    enum { N = 5000 };
    skiplist *zsl = zsl_new();
    zsl_index ix;
    zidx_init(&ix);
    char m[16];
    static zsl_node *nodes[N];
    for (int i = 0; i < N; i++) {
        int len = snprintf(m, sizeof(m), "m%d", i);
        CHECK(zidx_find(&ix, m, (size_t)len) == NULL);
        nodes[i] = zsl_insert(zsl, i, m, (size_t)len);
        zidx_insert(&ix, nodes[i]);
    }
    CHECK(zidx_count(&ix) == N);
    for (int i = 0; i < N; i++) {
        int len = snprintf(m, sizeof(m), "m%d", i);
        CHECK(zidx_find(&ix, m, (size_t)len) == nodes[i]);
    }
    CHECK(zidx_find(&ix, "m", 1) == NULL && zidx_find(&ix, "", 0) == NULL);
    /* scan while deleting the odd members (they may or may not be returned), and
     * check every even member is returned at least once across the shrink */
    static unsigned char seen[N];
    memset(seen, 0, sizeof(seen));
    uint64_t cursor = 0;
    int removed_odd = 0;
    do {
        cursor = zidx_scan(&ix, cursor, scan_mark, seen);
        for (int k = 0; k < 50 && removed_odd < N / 2; k++, removed_odd++) {
            int i = 2 * removed_odd + 1;
            CHECK(zidx_remove(&ix, nodes[i]) == 1);
            CHECK(zidx_remove(&ix, nodes[i]) == 0);
            CHECK(zsl_delete(zsl, i, zsl_member(nodes[i]), nodes[i]->len, NULL) == 1);
        }
    } while (cursor);
    for (int i = 0; i < N; i += 2) CHECK(seen[i] >= 1);
    CHECK(zidx_count(&ix) == N / 2);
    for (int i = 0; i < N; i++) {
        int len = snprintf(m, sizeof(m), "m%d", i);
        CHECK((zidx_find(&ix, m, (size_t)len) != NULL) == (i % 2 == 0));
    }
    /* shrink to nearly empty */
    for (int i = 0; i < N - 4; i += 2) CHECK(zidx_remove(&ix, nodes[i]) == 1);
    CHECK(zidx_count(&ix) == 2);
    CHECK(zidx_overhead(&ix) <= 64 * sizeof(void *) || ix.rehash_idx >= 0);
    zidx_clear(&ix);
    zsl_free(zsl);
    /* expand up front */
    zidx_init(&ix);
    zidx_expand(&ix, 1000);
    CHECK(ix.size[0] >= 1000);
    zidx_clear(&ix);
}

int main(void) {
    hash_seed_init();
    test_index();
    test_basic();
    test_ranges();
    test_random_model();
    test_lex_equal_scores();
    test_large();
    return unit_summary();
}
