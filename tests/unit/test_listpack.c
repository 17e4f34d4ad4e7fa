/* test_listpack.c — unit tests for src/core/listpack.c: every encoding round-trips,
 * navigation both ways, insert/replace/delete against a model under random operations
 * (with lp_validate after each), find with skip, split/merge, and hostile buffers. */
#include "core/listpack.h"
#include "util/alloc.h"
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

static int entry_is(const unsigned char *p, const char *s, size_t len) {
    unsigned char buf[24];
    size_t l;
    const unsigned char *b = lp_get_str(p, buf, &l);
    return l == len && memcmp(b, s, len) == 0;
}

static void test_encodings(void) {
    /* values on each side of every encoding boundary */
    const char *vals[] = {"0", "1", "127", "128", "-1", "-4096", "4095", "4096", "-4097", "32767", "-32768",
                          "32768", "8388607", "-8388608", "8388608", "2147483647", "-2147483648", "2147483648",
                          "9223372036854775807", "-9223372036854775808", "9223372036854775808", "-0", "01",
                          "+1", " 1", "", "a", "hello world", "1.5", "-"};
    unsigned char *lp = lp_new();
    size_t n = sizeof(vals) / sizeof(vals[0]);
    for (size_t i = 0; i < n; i++) lp = lp_append(lp, vals[i], strlen(vals[i]));
    CHECK(lp_count(lp) == n);
    CHECK(lp_validate(lp, lp_bytes(lp)) == 0);
    unsigned char *p = lp_first(lp);
    for (size_t i = 0; i < n; i++, p = lp_next(lp, p)) {
        CHECK(p != NULL);
        CHECK(entry_is(p, vals[i], strlen(vals[i])));
        CHECK(lp_eq(p, vals[i], strlen(vals[i])));
        CHECK(lp_str_len(p) == strlen(vals[i]));
    }
    CHECK(p == NULL);
    /* integers are stored compactly: "127" is one byte plus backlen */
    unsigned char *one = lp_new();
    one = lp_append(one, "127", 3);
    CHECK(lp_bytes(one) == LP_HEADER_SIZE + 2);
    struct lp_val v;
    lp_get(lp_first(one), &v);
    CHECK(v.str == NULL && v.num == 127);
    lp_free(one);
    /* backwards */
    p = lp_last(lp);
    for (size_t i = n; i-- > 0; p = lp_prev(lp, p)) CHECK(p && entry_is(p, vals[i], strlen(vals[i])));
    CHECK(p == NULL);
    /* lp_eq does not confuse an int with a non-canonical string */
    p = lp_first(lp); /* "0" */
    CHECK(!lp_eq(p, "-0", 2));
    CHECK(!lp_eq(p, "00", 2));
    CHECK(!lp_eq(p, "", 0));
    lp_free(lp);
}

static void test_long_strings(void) {
    size_t sizes[] = {63, 64, 127, 128, 4095, 4096, 16383, 16384, 70000, 300000};
    unsigned char *lp = lp_new();
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        char *s = malloc(sizes[i]);
        memset(s, 'a' + (int)i, sizes[i]);
        lp = lp_prepend(lp, s, sizes[i]);
        CHECK(lp_validate(lp, lp_bytes(lp)) == 0);
        CHECK(lp_str_len(lp_first(lp)) == sizes[i]);
        CHECK(lp_eq(lp_first(lp), s, sizes[i]));
        free(s);
    }
    unsigned char *p = lp_last(lp);
    CHECK(lp_str_len(p) == 63);
    for (int i = 8; i >= 0; i--) {
        p = lp_prev(lp, p);
        CHECK(lp_str_len(p) == sizes[9 - i]);
    }
    CHECK(lp_prev(lp, p) == NULL);
    lp_free(lp);
}

/* Model: an array of strings. */
#define MODEL_MAX 400
static char *model[MODEL_MAX];
static int model_n;

static void rand_value(char *buf, size_t *len) {
    int k = rand() % 6;
    if (k == 0) *len = (size_t)snprintf(buf, 64, "%d", rand() % 300 - 150);
    else if (k == 1) *len = (size_t)snprintf(buf, 64, "%lld", (long long)rand() * rand() * (rand() % 2 ? 1 : -1));
    else if (k == 2) *len = 0;
    else {
        size_t l = (size_t)(rand() % (k == 5 ? 200 : 20));
        for (size_t i = 0; i < l; i++) buf[i] = (char)('a' + rand() % 26);
        *len = l;
    }
    buf[*len] = '\0';
}

static int lp_matches_model(unsigned char *lp) {
    if ((int)lp_count(lp) != model_n) return 0;
    if (lp_validate(lp, lp_bytes(lp)) != 0) return 0;
    unsigned char *p = lp_first(lp);
    for (int i = 0; i < model_n; i++, p = lp_next(lp, p))
        if (!p || !entry_is(p, model[i], strlen(model[i]))) return 0;
    if (p) return 0;
    p = lp_last(lp);
    for (int i = model_n - 1; i >= 0; i--, p = lp_prev(lp, p))
        if (!p || !entry_is(p, model[i], strlen(model[i]))) return 0;
    return p == NULL;
}

static void test_random_ops(void) {
    srand(42);
    unsigned char *lp = lp_new();
    int ok = 1;
    for (int op = 0; op < 6000 && ok; op++) {
        char buf[256];
        size_t len;
        int k = rand() % 8;
        if (model_n >= MODEL_MAX - 1) k = 4;
        if (k <= 2) { /* insert at a random position */
            rand_value(buf, &len);
            int at = model_n ? rand() % (model_n + 1) : 0;
            if (at == model_n) lp = lp_append(lp, buf, len);
            else if (at == 0) lp = lp_prepend(lp, buf, len);
            else {
                unsigned char *np, *p = lp_seek(lp, at);
                int where = rand() % 2 ? LP_BEFORE : LP_AFTER;
                if (where == LP_AFTER) p = lp_prev(lp, p);
                lp = lp_insert(lp, p, where, buf, len, &np);
                ok &= entry_is(np, buf, len);
            }
            memmove(model + at + 1, model + at, sizeof(char *) * (size_t)(model_n - at));
            model[at] = strdup(buf);
            model_n++;
        } else if (k == 3 && model_n) { /* replace */
            rand_value(buf, &len);
            int at = rand() % model_n;
            unsigned char *p = lp_seek(lp, at - (rand() % 2 ? model_n : 0));
            lp = lp_replace(lp, &p, buf, len);
            ok &= entry_is(p, buf, len);
            free(model[at]);
            model[at] = strdup(buf);
        } else if (k == 4 && model_n) { /* delete a run */
            int at = rand() % model_n, cnt = 1 + rand() % 5;
            if (cnt > model_n - at) cnt = model_n - at;
            if (rand() % 2) {
                lp = lp_delete_range(lp, at, (uint32_t)cnt);
            } else {
                unsigned char *p = lp_seek(lp, at);
                lp = lp_delete_n(lp, &p, (uint32_t)cnt);
                ok &= (at + cnt == model_n) ? p == NULL : entry_is(p, model[at + cnt], strlen(model[at + cnt]));
            }
            for (int i = at; i < at + cnt; i++) free(model[i]);
            memmove(model + at, model + at + cnt, sizeof(char *) * (size_t)(model_n - at - cnt));
            model_n -= cnt;
        } else if (k == 5 && model_n) { /* find */
            int at = rand() % model_n;
            unsigned char *p = lp_find(lp, lp_first(lp), model[at], strlen(model[at]), 0);
            int first = 0;
            while (strcmp(model[first], model[at]) != 0) first++;
            ok &= p == lp_seek(lp, first);
        } else if (k == 6 && model_n) { /* seek */
            int at = rand() % model_n;
            ok &= entry_is(lp_seek(lp, at), model[at], strlen(model[at]));
            ok &= entry_is(lp_seek(lp, at - model_n), model[at], strlen(model[at]));
            ok &= lp_seek(lp, model_n) == NULL && lp_seek(lp, -model_n - 1) == NULL;
        } else if (k == 7) { /* split and merge back */
            uint32_t at = model_n ? (uint32_t)(rand() % (model_n + 1)) : 0;
            unsigned char *tail = lp_split(&lp, at);
            ok &= lp_count(lp) == at && lp_count(tail) == (uint32_t)model_n - at;
            ok &= lp_validate(lp, lp_bytes(lp)) == 0 && lp_validate(tail, lp_bytes(tail)) == 0;
            lp = lp_merge(lp, tail);
            lp_free(tail);
        }
        ok &= lp_matches_model(lp);
        if (!ok) fprintf(stderr, "random ops diverged at op %d (kind %d)\n", op, k);
    }
    CHECK(ok);
    unsigned char *d = lp_dup(lp);
    CHECK(lp_bytes(d) == lp_bytes(lp) && memcmp(d, lp, lp_bytes(lp)) == 0);
    lp_free(d);
    lp_free(lp);
    for (int i = 0; i < model_n; i++) free(model[i]);
    model_n = 0;
}

static void test_find_skip(void) {
    /* field/value pairs where a value equals a later field: skip=1 must only see fields */
    unsigned char *lp = lp_new();
    const char *kv[] = {"f1", "f2", "f2", "v2", "10", "f1", "f3", "10"};
    for (int i = 0; i < 8; i++) lp = lp_append(lp, kv[i], strlen(kv[i]));
    unsigned char *p = lp_find(lp, lp_first(lp), "f2", 2, 1);
    CHECK(p == lp_seek(lp, 2));
    p = lp_find(lp, lp_first(lp), "10", 2, 1);
    CHECK(p == lp_seek(lp, 4));
    CHECK(lp_find(lp, lp_first(lp), "v2", 2, 1) == NULL);
    CHECK(lp_find(lp, lp_first(lp), "v2", 2, 0) == lp_seek(lp, 3));
    CHECK(lp_find(lp, lp_first(lp), "010", 3, 0) == NULL);
    CHECK(lp_find(lp, NULL, "f1", 2, 0) == NULL);
    lp_free(lp);
    unsigned char *e = lp_new();
    CHECK(lp_first(e) == NULL && lp_last(e) == NULL && lp_seek(e, 0) == NULL);
    CHECK(lp_find(e, lp_first(e), "x", 1, 0) == NULL);
    e = lp_delete_range(e, 0, 3);
    CHECK(lp_count(e) == 0);
    lp_free(e);
}

static void test_validate_hostile(void) {
    unsigned char *lp = lp_new();
    for (int i = 0; i < 30; i++) {
        char buf[300];
        size_t len;
        rand_value(buf, &len);
        lp = lp_append(lp, buf, len);
    }
    uint32_t size = lp_bytes(lp);
    CHECK(lp_validate(lp, size) == 0);
    CHECK(lp_validate(lp, size - 1) != 0);
    CHECK(lp_validate(lp, 3) != 0);
    /* every truncation, re-headed so the total matches, must be refused or be valid */
    int refused = 0;
    for (uint32_t cut = LP_HEADER_SIZE; cut < size; cut++) {
        unsigned char *b = malloc(cut);
        memcpy(b, lp, cut);
        b[0] = (unsigned char)cut; b[1] = (unsigned char)(cut >> 8); b[2] = 0; b[3] = 0;
        if (lp_validate(b, cut) != 0) refused++;
        free(b);
    }
    CHECK(refused == (int)(size - LP_HEADER_SIZE)); /* the count no longer matches */
    /* random byte flips: validate must never read out of bounds (ASan watches) */
    srand(7);
    for (int t = 0; t < 3000; t++) {
        unsigned char *b = malloc(size);
        memcpy(b, lp, size);
        int flips = 1 + rand() % 3;
        for (int f = 0; f < flips; f++) b[LP_HEADER_SIZE + (uint32_t)rand() % (size - LP_HEADER_SIZE)] = (unsigned char)rand();
        if (lp_validate(b, size) == 0) {
            /* if accepted, walking it both ways must be safe */
            unsigned char *p = lp_first(b);
            uint32_t n = 0;
            while (p) { n++; p = lp_next(b, p); }
            CHECK(n == lp_count(b));
        }
        free(b);
    }
    unsigned char bad[12] = {12, 0, 0, 0, 1, 0, 0, 0, 0xF0, 0xFF, 0xFF, 0xFF};
    CHECK(lp_validate(bad, sizeof(bad)) != 0);
    unsigned char bad2[10] = {10, 0, 0, 0, 1, 0, 0, 0, 0xF9, 1};
    CHECK(lp_validate(bad2, sizeof(bad2)) != 0);
    unsigned char good[10] = {10, 0, 0, 0, 1, 0, 0, 0, 5, 1};
    CHECK(lp_validate(good, sizeof(good)) == 0);
    lp_free(lp);
}

int main(void) {
    test_encodings();
    test_long_strings();
    test_random_ops();
    test_find_skip();
    test_validate_hostile();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
