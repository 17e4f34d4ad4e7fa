/* test_intset.c — intset against a plain sorted-array model: adds, removes, upgrades
 * across the 16/32/64-bit boundaries, binary search, validation of hostile blobs. */
#include "core/intset.h"
#include "util/alloc.h"
#include "unit.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static uint64_t rng = 88172645463325252ULL;
static uint64_t next_rand(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void check_sorted(const intset *is) {
    for (uint32_t i = 1; i < intset_count(is); i++) CHECK(intset_get(is, i - 1) < intset_get(is, i));
    CHECK(intset_validate(is, intset_bytes(is)) == 0);
}

static void test_basic(void) {
    intset *is = intset_new();
    int added, removed;
    CHECK(intset_count(is) == 0);
    CHECK(!intset_contains(is, 5));
    is = intset_add(is, 5, &added);
    CHECK(added == 1);
    is = intset_add(is, 5, &added);
    CHECK(added == 0);
    is = intset_add(is, 1, &added);
    is = intset_add(is, 3, &added);
    CHECK(intset_count(is) == 3);
    CHECK(intset_get(is, 0) == 1 && intset_get(is, 1) == 3 && intset_get(is, 2) == 5);
    CHECK(is->width == 2);
    is = intset_remove(is, 3, &removed);
    CHECK(removed == 1);
    is = intset_remove(is, 3, &removed);
    CHECK(removed == 0);
    is = intset_remove(is, 1LL << 40, &removed); /* wider than the set: cannot be present */
    CHECK(removed == 0);
    CHECK(!intset_contains(is, 1LL << 40));
    CHECK(intset_count(is) == 2);
    int64_t out;
    is = intset_remove_at(is, 0, &out);
    CHECK(out == 1 && intset_count(is) == 1 && intset_get(is, 0) == 5);
    intset_free(is);
    intset_free(NULL);
}

static void test_upgrade(void) {
    intset *is = intset_new();
    is = intset_add(is, 100, NULL);
    is = intset_add(is, -100, NULL);
    CHECK(is->width == 2);
    is = intset_add(is, 40000, NULL); /* needs 32 bits: goes to the end */
    CHECK(is->width == 4);
    CHECK(intset_get(is, 0) == -100 && intset_get(is, 1) == 100 && intset_get(is, 2) == 40000);
    is = intset_add(is, INT64_MIN, NULL); /* needs 64 bits, negative: goes to the front */
    CHECK(is->width == 8);
    CHECK(intset_get(is, 0) == INT64_MIN && intset_get(is, 3) == 40000);
    is = intset_add(is, INT64_MAX, NULL);
    CHECK(intset_get(is, 4) == INT64_MAX);
    CHECK(intset_contains(is, INT64_MIN) && intset_contains(is, INT64_MAX) && intset_contains(is, -100));
    check_sorted(is);
    /* removing never narrows */
    is = intset_remove(is, INT64_MIN, NULL);
    is = intset_remove(is, INT64_MAX, NULL);
    CHECK(is->width == 8);
    intset *d = intset_dup(is);
    CHECK(intset_bytes(d) == intset_bytes(is) && memcmp(d, is, intset_bytes(is)) == 0);
    intset_free(d);
    intset_free(is);
    CHECK(intset_width_for(INT16_MAX) == 2 && intset_width_for(INT16_MIN) == 2);
    CHECK(intset_width_for(INT16_MAX + 1) == 4 && intset_width_for(INT16_MIN - 1) == 4);
    CHECK(intset_width_for(INT32_MAX) == 4 && intset_width_for((int64_t)INT32_MIN - 1) == 8);
}

static int cmp64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static void test_random_model(void) {
    enum { N = 600 };
    int64_t model[N];
    int n = 0;
    intset *is = intset_new();
    for (int round = 0; round < 20000; round++) {
        uint64_t r = next_rand();
        int64_t v;
        switch (r % 4) {
        case 0: v = (int64_t)(next_rand() % 200) - 100; break;
        case 1: v = (int64_t)(next_rand() % 100000) - 50000; break;
        case 2: v = (int64_t)next_rand(); break;
        default: v = (int64_t)(next_rand() % 7) - 3; break;
        }
        int present = 0, at = -1;
        for (int i = 0; i < n; i++)
            if (model[i] == v) present = 1, at = i;
        CHECK(intset_contains(is, v) == present);
        if ((r >> 8) % 3 != 0 && n < N) {
            int added;
            is = intset_add(is, v, &added);
            CHECK(added == !present);
            if (!present) model[n++] = v;
        } else {
            int removed;
            is = intset_remove(is, v, &removed);
            CHECK(removed == present);
            if (present) model[at] = model[--n];
        }
        if (round % 500 == 0 && n > 0) {
            /* reset sometimes so narrow widths are exercised again */
            if ((r >> 20) % 4 == 0) {
                intset_free(is);
                is = intset_new();
                n = 0;
            }
        }
    }
    qsort(model, (size_t)n, sizeof(model[0]), cmp64);
    CHECK(intset_count(is) == (uint32_t)n);
    for (int i = 0; i < n; i++) CHECK(intset_get(is, (uint32_t)i) == model[i]);
    check_sorted(is);
    intset_free(is);
}

static void test_validate(void) {
    unsigned char buf[64];
    intset *h = (intset *)buf;
    CHECK(intset_validate(buf, 4) == -1);
    h->width = 3;
    h->count = 0;
    CHECK(intset_validate(buf, sizeof(intset)) == -1);
    h->width = 2;
    h->count = 2;
    CHECK(intset_validate(buf, sizeof(intset) + 2) == -1); /* too short */
    int16_t v[2] = {5, 5};
    memcpy(h->data, v, 4);
    CHECK(intset_validate(buf, sizeof(intset) + 4) == -1); /* not strictly ascending */
    v[1] = 6;
    memcpy(h->data, v, 4);
    CHECK(intset_validate(buf, sizeof(intset) + 4) == 0);
    h->count = 0xffffffffu; /* count that would overflow a size computation */
    CHECK(intset_validate(buf, sizeof(intset) + 4) == -1);
}

int main(void) {
    test_basic();
    test_upgrade();
    test_random_model();
    test_validate();
    return unit_summary();
}
