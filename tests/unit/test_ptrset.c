/* test_ptrset.c — the pointer set behind each client's subscriptions
 * (src/pubsub/ptrset.c): membership after random adds and removes checked against a
 * plain array model, removal in the middle of probe runs (backward-shift deletion must
 * keep every other member findable), growth, and the empty set. */
#include "pubsub/ptrset.h"
#include "unit.h"
#include <stdint.h>

#define N 2000

static void test_empty(void) {
    struct ptrset s;
    ptrset_init(&s);
    int x;
    CHECK(!ptrset_has(&s, &x));
    CHECK(ptrset_remove(&s, &x) == 0);
    CHECK(s.count == 0);
    ptrset_free(&s);
    ptrset_free(&s); /* twice is fine */
}

static void test_add_remove_basic(void) {
    struct ptrset s;
    ptrset_init(&s);
    int a, b;
    CHECK(ptrset_add(&s, &a) == 1);
    CHECK(ptrset_add(&s, &a) == 0);
    CHECK(ptrset_add(&s, &b) == 1);
    CHECK(s.count == 2);
    CHECK(ptrset_has(&s, &a) && ptrset_has(&s, &b));
    CHECK(ptrset_remove(&s, &a) == 1);
    CHECK(!ptrset_has(&s, &a) && ptrset_has(&s, &b));
    CHECK(ptrset_remove(&s, &a) == 0);
    CHECK(ptrset_remove(&s, &b) == 1);
    CHECK(s.count == 0 && s.slots == NULL); /* an emptied set gives its memory back */
    ptrset_free(&s);
}

/* Random operations against a model: present[i] says whether item i is in the set. */
static void test_random_against_model(void) {
    static char items[N];
    static int present[N];
    struct ptrset s;
    ptrset_init(&s);
    unsigned long long seed = 0x9E3779B97F4A7C15ULL;
    size_t count = 0;
    int bad = 0;
    for (int step = 0; step < 200000; step++) {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        int i = (int)(seed % N);
        if ((seed >> 32) & 1) {
            int added = ptrset_add(&s, &items[i]);
            if (added != !present[i]) bad++;
            if (added) count++;
            present[i] = 1;
        } else {
            int removed = ptrset_remove(&s, &items[i]);
            if (removed != present[i]) bad++;
            if (removed) count--;
            present[i] = 0;
        }
        if (step % 5000 == 0)
            for (int k = 0; k < N; k++)
                if (ptrset_has(&s, &items[k]) != present[k]) bad++;
    }
    CHECK(bad == 0);
    CHECK(s.count == count);
    size_t seen = 0;
    for (size_t k = 0; k < s.cap; k++)
        if (s.slots[k]) {
            seen++;
            CHECK(present[(char *)s.slots[k] - items]);
        }
    CHECK(seen == count);
    ptrset_free(&s);
}

/* Fill, then remove every other member: the rest stays findable through the holes. */
static void test_remove_inside_runs(void) {
    static long items[N];
    struct ptrset s;
    ptrset_init(&s);
    for (int i = 0; i < N; i++) ptrset_add(&s, &items[i]);
    CHECK(s.count == N);
    CHECK(s.cap >= 2 * (size_t)N); /* load kept under 1/2 */
    for (int i = 0; i < N; i += 2) CHECK(ptrset_remove(&s, &items[i]) == 1);
    int missing = 0, extra = 0;
    for (int i = 0; i < N; i++) {
        int has = ptrset_has(&s, &items[i]);
        if (i % 2 && !has) missing++;
        if (!(i % 2) && has) extra++;
    }
    CHECK(missing == 0 && extra == 0);
    for (int i = 1; i < N; i += 2) CHECK(ptrset_remove(&s, &items[i]) == 1);
    CHECK(s.count == 0);
    ptrset_free(&s);
}

int main(void) {
    test_empty();
    test_add_remove_basic();
    test_random_against_model();
    test_remove_inside_runs();
    return unit_summary();
}
