/* test_dict.c — unit tests for src/core/dict.c: the three value kinds, random
 * add/replace/delete against a model (through grow and shrink rehashes), the scan
 * guarantee while the table resizes, safe iteration with deletion, random entries. */
#include "core/dict.h"
#include "util/alloc.h"
#include "util/siphash.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int passed, failed;
#define CHECK(cond)                                                                 \
    do {                                                                            \
        if (cond) passed++;                                                         \
        else {                                                                      \
            failed++;                                                               \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                           \
    } while (0)

static int key_of(char *buf, int i) { return snprintf(buf, 32, "member:%d", i); }

/* The number in an entry's key (keys are not NUL-terminated). */
static int idx_of(const struct dict *d, const struct dict_entry *e) {
    char buf[32];
    size_t l = e->klen < 31 ? e->klen : 31;
    memcpy(buf, dict_entry_key(d, e), l);
    buf[l] = '\0';
    return atoi(buf + 7);
}

static void test_bytes_kind(void) {
    struct dict *d = dict_new(DICT_VAL_BYTES);
    CHECK(dict_find(d, "x", 1) == NULL);
    CHECK(dict_random(d) == NULL);
    CHECK(dict_set_bytes(d, "f", 1, "v1", 2) == 1);
    CHECK(dict_set_bytes(d, "f", 1, "value-two", 9) == 0);
    struct dict_entry *e = dict_find(d, "f", 1);
    CHECK(e && e->vlen == 9 && memcmp(dict_entry_val(e), "value-two", 9) == 0);
    CHECK(memcmp(dict_entry_key(d, e), "f", 1) == 0 && e->klen == 1);
    /* empty key and empty value are legal */
    CHECK(dict_set_bytes(d, "", 0, "", 0) == 1);
    e = dict_find(d, "", 0);
    CHECK(e && e->klen == 0 && e->vlen == 0);
    /* binary keys: embedded NULs distinguish keys */
    CHECK(dict_set_bytes(d, "a\0b", 3, "1", 1) == 1);
    CHECK(dict_set_bytes(d, "a\0c", 3, "2", 1) == 1);
    CHECK(dict_size(d) == 4);
    CHECK(dict_delete(d, "a\0b", 3) == 1);
    CHECK(dict_delete(d, "a\0b", 3) == 0);
    CHECK(dict_find(d, "a\0c", 3) != NULL);
    dict_free(d, NULL);
}

static int freed_vals;
static void free_val(void *p) {
    freed_vals++;
    free(p);
}

static void test_ptr_kind(void) {
    struct dict *d = dict_new(DICT_VAL_PTR);
    int existed;
    struct dict_entry *e = dict_add(d, "score", 5, &existed);
    CHECK(!existed && dict_entry_double(e) == 0.0);
    dict_entry_set_double(e, 3.25);
    e = dict_add(d, "score", 5, &existed);
    CHECK(existed && dict_entry_double(e) == 3.25);
    dict_entry_set_int(dict_add(d, "n", 1, NULL), -7);
    CHECK(dict_entry_int(dict_find(d, "n", 1)) == -7);
    for (int i = 0; i < 10; i++) {
        char k[32];
        int l = key_of(k, i);
        dict_entry_set_ptr(dict_add(d, k, (size_t)l, NULL), malloc(16));
    }
    struct dict_entry *u = dict_unlink(d, "member:3", 8);
    CHECK(u != NULL);
    free(dict_entry_ptr(u));
    dict_entry_free(u);
    /* the two non-pointer values would be freed as pointers: take them out first */
    dict_delete(d, "score", 5);
    dict_delete(d, "n", 1);
    freed_vals = 0;
    dict_free(d, free_val);
    CHECK(freed_vals == 9);
}

/* Random operations against a presence array through grow and shrink. */
#define N 5000
static char present[N];

static void test_random_model(void) {
    struct dict *d = dict_new(DICT_VAL_NONE);
    srand(1);
    int count = 0, ok = 1;
    for (int op = 0; op < 60000; op++) {
        int i = rand() % N;
        char k[32];
        int l = key_of(k, i);
        /* phases: mostly inserts, then mostly deletes (to force shrinking), and again */
        int phase = (op / 15000) % 2;
        int r = rand() % 10;
        if ((phase == 0 && r < 7) || (phase == 1 && r < 2)) {
            int existed;
            dict_add(d, k, (size_t)l, &existed);
            ok &= existed == present[i];
            if (!present[i]) count++;
            present[i] = 1;
        } else if (r < 9) {
            int del = dict_delete(d, k, (size_t)l);
            ok &= del == present[i];
            if (present[i]) count--;
            present[i] = 0;
        } else {
            ok &= (dict_find(d, k, (size_t)l) != NULL) == present[i];
        }
        ok &= (int)dict_size(d) == count;
    }
    CHECK(ok);
    /* every present key is found; iteration sees each exactly once */
    char *seen = calloc(N, 1);
    struct dict_iter it;
    dict_iter_init(&it, d);
    struct dict_entry *e;
    int n = 0, dup = 0;
    while ((e = dict_iter_next(&it))) {
        int i = idx_of(d, e);
        if (seen[i]) dup++;
        seen[i] = 1;
        n++;
    }
    dict_iter_release(&it);
    CHECK(n == count && dup == 0);
    for (int i = 0; i < N; i++) ok &= seen[i] == present[i];
    CHECK(ok);
    free(seen);
    /* the table shrinks when nearly empty */
    for (int i = 0; i < N; i++) {
        char k[32];
        int l = key_of(k, i);
        dict_delete(d, k, (size_t)l);
        present[i] = 0;
    }
    for (int i = 0; i < 100; i++) dict_find(d, "x", 1); /* let the rehash finish */
    CHECK(dict_size(d) == 0);
    dict_add(d, "a", 1, NULL);
    for (int i = 0; i < 100; i++) dict_find(d, "x", 1);
    CHECK(d->size[0] <= 8);
    dict_free(d, NULL);
}

/* Scan guarantee: elements present for the whole scan are returned at least once,
 * while other elements are added and removed and the table grows and shrinks. */
static char scan_seen[20000];
static void scan_cb(void *priv, const struct dict_entry *e) {
    struct dict *d = priv;
    int i = idx_of(d, e);
    scan_seen[i] = 1;
}

static void test_scan_guarantee(void) {
    for (int round = 0; round < 2; round++) {
        struct dict *d = dict_new(DICT_VAL_NONE);
        /* stable members 0..999 */
        for (int i = 0; i < 1000; i++) {
            char k[32];
            dict_add(d, k, (size_t)key_of(k, i), NULL);
        }
        memset(scan_seen, 0, sizeof(scan_seen));
        uint64_t cursor = 0;
        int steps = 0, next_extra = 1000;
        do {
            cursor = dict_scan(d, cursor, scan_cb, d);
            steps++;
            /* round 0 grows the table during the scan; round 1 grows then shrinks */
            for (int j = 0; j < 40 && next_extra < 20000; j++) {
                char k[32];
                dict_add(d, k, (size_t)key_of(k, next_extra++), NULL);
            }
            if (round == 1 && next_extra >= 6000) {
                for (int i = 1000; i < next_extra; i++) {
                    char k[32];
                    dict_delete(d, k, (size_t)key_of(k, i));
                }
            }
        } while (cursor != 0 && steps < 1000000);
        int missing = 0;
        for (int i = 0; i < 1000; i++) missing += !scan_seen[i];
        CHECK(missing == 0);
        CHECK(cursor == 0);
        dict_free(d, NULL);
    }
}

static void test_iter_delete_and_random(void) {
    struct dict *d = dict_new(DICT_VAL_BYTES);
    for (int i = 0; i < 1000; i++) {
        char k[32];
        int l = key_of(k, i);
        dict_set_bytes(d, k, (size_t)l, k, (size_t)l);
    }
    /* delete every even member while iterating */
    struct dict_iter it;
    dict_iter_init(&it, d);
    struct dict_entry *e;
    int visited = 0;
    while ((e = dict_iter_next(&it))) {
        visited++;
        int i = idx_of(d, e);
        CHECK(e->vlen == e->klen && memcmp(dict_entry_val(e), dict_entry_key(d, e), e->klen) == 0);
        if (i % 2 == 0) {
            char k[32];
            int l = key_of(k, i);
            dict_delete(d, k, (size_t)l);
        }
    }
    dict_iter_release(&it);
    CHECK(visited == 1000);
    CHECK(dict_size(d) == 500);
    /* random entries are members, and all of them come up over many draws */
    char hit[1000] = {0};
    int bad = 0;
    for (int t = 0; t < 20000; t++) {
        e = dict_random(d);
        int i = idx_of(d, e);
        if (i % 2 == 0) bad++;
        hit[i] = 1;
    }
    int distinct = 0;
    for (int i = 0; i < 1000; i++) distinct += hit[i];
    CHECK(bad == 0);
    CHECK(distinct == 500);
    CHECK(dict_mem_usage(d) > 500 * 16);
    dict_free(d, NULL);
    /* iterating an empty table */
    d = dict_new(DICT_VAL_NONE);
    dict_iter_init(&it, d);
    CHECK(dict_iter_next(&it) == NULL);
    dict_iter_release(&it);
    CHECK(dict_scan(d, 0, scan_cb, d) == 0);
    dict_free(d, NULL);
}

int main(void) {
    hash_seed_init();
    test_bytes_kind();
    test_ptr_kind();
    test_random_model();
    test_scan_guarantee();
    test_iter_delete_and_random();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
