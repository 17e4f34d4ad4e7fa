/* test_htable.c — the shared table core (src/core/htable.c) on its own, with an
 * element whose chain link is NOT the first field (so the link offset is really used)
 * and a hash the test controls (so chains and collisions are forced): find by
 * predicate, insert/replace/unlink, growth and shrinking through incremental rehash
 * (everything findable at every step), the scan guarantee (every element present for
 * the whole scan returned at least once while the table grows and shrinks; exactly
 * once when it does not change), random sampling, safe iteration with deletion,
 * expand, clear and the owner's spare field. */
#include "core/htable.h"
#include "unit.h"
#include <stdint.h>

struct item {
    uint64_t id;
    int visits;      /* scan/walk counter */
    struct item *nx; /* the chain link, deliberately not at offset 0 */
    int freed;
};

static uint64_t hash_mask = ~0ULL; /* 0: every item collides in one chain */

static uint64_t item_hash_of(uint64_t id) { return (id * 0x9E3779B97F4A7C15ULL) & hash_mask; }
static uint64_t item_hash(const void *elem) { return item_hash_of(((const struct item *)elem)->id); }
static const struct htable_type item_type = {.link_off = offsetof(struct item, nx), .hash = item_hash};

static int match_id(const void *elem, const void *probe) {
    return ((const struct item *)elem)->id == *(const uint64_t *)probe;
}

static struct item *find(struct htable *ht, uint64_t id, int *table) {
    void **link = htable_find_link(ht, &item_type, item_hash_of(id), match_id, &id, table);
    return link ? *link : NULL;
}

static void insert(struct htable *ht, struct item *it) { htable_insert(ht, &item_type, item_hash_of(it->id), it); }

static struct item *unlink_id(struct htable *ht, uint64_t id) {
    int table = -1;
    void **link = htable_find_link(ht, &item_type, item_hash_of(id), match_id, &id, &table);
    return link ? htable_unlink(ht, &item_type, link, table) : NULL;
}

static struct item *items(int n) {
    struct item *v = calloc((size_t)n, sizeof(*v));
    for (int i = 0; i < n; i++) v[i].id = (uint64_t)i;
    return v;
}

static void finish_rehash(struct htable *ht) {
    while (htable_rehash_step(ht, &item_type, 100)) {
    }
}

static void test_basic_and_link_offset(void) {
    struct htable ht;
    htable_init(&ht);
    CHECK(htable_count(&ht) == 0 && ht.rehash_idx == -1 && ht.t[0] == NULL);
    CHECK(find(&ht, 1, NULL) == NULL);
    CHECK(htable_random(&ht, &item_type) == NULL);
    CHECK(htable_scan(&ht, &item_type, 0, NULL, NULL) == 0);
    struct item *v = items(3);
    insert(&ht, &v[0]);
    insert(&ht, &v[1]);
    CHECK(htable_count(&ht) == 2 && ht.size[0] == HTABLE_INITIAL);
    int table = -1;
    CHECK(find(&ht, 1, &table) == &v[1] && table == 0);
    CHECK(find(&ht, 2, NULL) == NULL);
    /* replace in place: same slot, counts unchanged, the old element's link cleared */
    v[2].id = 1;
    void **link = htable_find_link(&ht, &item_type, item_hash_of(1), match_id, &v[2].id, NULL);
    CHECK(link && htable_replace(&item_type, link, &v[2]) == &v[1]);
    CHECK(v[1].nx == NULL);
    CHECK(find(&ht, 1, NULL) == &v[2] && htable_count(&ht) == 2);
    CHECK(unlink_id(&ht, 1) == &v[2] && v[2].nx == NULL);
    CHECK(unlink_id(&ht, 1) == NULL);
    CHECK(htable_count(&ht) == 1 && find(&ht, 0, NULL) == &v[0]);
    htable_clear(&ht, &item_type, NULL, NULL);
    CHECK(htable_count(&ht) == 0 && ht.t[0] == NULL && ht.size[0] == 0);
    free(v);
}

/* Every element in one chain: the predicate, not the bucket, tells them apart, and
 * unlinking from the middle and the ends of a chain keeps the rest reachable. */
static void test_one_chain(void) {
    hash_mask = 0;
    struct htable ht;
    htable_init(&ht);
    const int n = 50;
    struct item *v = items(n);
    for (int i = 0; i < n; i++) insert(&ht, &v[i]);
    finish_rehash(&ht);
    int missing = 0;
    for (int i = 0; i < n; i++) missing += find(&ht, (uint64_t)i, NULL) != &v[i];
    CHECK(missing == 0);
    CHECK(unlink_id(&ht, 0) == &v[0]);      /* inserted first: the chain's tail */
    CHECK(unlink_id(&ht, n - 1) == &v[n - 1]); /* last: the head */
    CHECK(unlink_id(&ht, 25) == &v[25]);
    missing = 0;
    for (int i = 1; i < n - 1; i++) missing += (i != 25) && find(&ht, (uint64_t)i, NULL) != &v[i];
    CHECK(missing == 0);
    CHECK(htable_count(&ht) == (uint64_t)n - 3);
    htable_clear(&ht, &item_type, NULL, NULL);
    free(v);
    hash_mask = ~0ULL;
}

/* Growth is incremental and every element stays findable meanwhile; deleting nearly
 * everything shrinks the table again. */
static void test_grow_shrink(void) {
    struct htable ht;
    htable_init(&ht);
    const int n = 20000;
    struct item *v = items(n);
    int saw_rehash = 0, checked_mid = 0;
    for (int i = 0; i < n; i++) {
        insert(&ht, &v[i]);
        if (ht.rehash_idx >= 0) {
            saw_rehash++;
            CHECK(ht.t[1] != NULL && ht.size[1] > ht.size[0]);
            if (ht.size[0] >= 1024 && checked_mid < 3 && ht.used[0] && ht.used[1]) {
                checked_mid++;
                int missing = 0;
                for (int j = 0; j <= i; j++) missing += find(&ht, (uint64_t)j, NULL) != &v[j];
                CHECK(missing == 0);
            }
        }
    }
    CHECK(saw_rehash > 0 && checked_mid > 0);
    finish_rehash(&ht);
    CHECK(ht.rehash_idx == -1 && ht.t[1] == NULL && ht.size[1] == 0 && ht.used[1] == 0);
    CHECK(htable_count(&ht) == (uint64_t)n);
    CHECK(ht.size[0] >= (uint64_t)n && ht.size[0] <= (uint64_t)n * 4); /* load kept at most 1 */
    CHECK(htable_overhead(&ht) == ht.size[0] * sizeof(void *));
    for (int i = 0; i < n - 10; i++) CHECK(unlink_id(&ht, (uint64_t)i) == &v[i]);
    for (int i = 0; i < 100; i++) find(&ht, (uint64_t)n - 1, NULL); /* drive the rehash */
    finish_rehash(&ht);
    htable_maybe_resize(&ht);
    finish_rehash(&ht);
    CHECK(htable_count(&ht) == 10);
    CHECK(ht.size[0] <= 128 && ht.size[0] >= HTABLE_INITIAL);
    for (int i = n - 10; i < n; i++) CHECK(find(&ht, (uint64_t)i, NULL) == &v[i]);
    /* down to nothing: the table keeps its smallest size */
    for (int i = n - 10; i < n; i++) CHECK(unlink_id(&ht, (uint64_t)i) == &v[i]);
    finish_rehash(&ht);
    CHECK(htable_count(&ht) == 0 && ht.size[0] == HTABLE_INITIAL);
    htable_clear(&ht, &item_type, NULL, NULL);
    free(v);
}

static void count_visit(void *priv, void *elem) {
    (void)priv;
    ((struct item *)elem)->visits++;
}

/* Scan while inserting and deleting other elements between steps; the stable ones
 * must all be returned. mode 0: grow then shrink; 1: shrink then grow; 2: alternate. */
static void scan_under_churn(int mode) {
    struct htable ht;
    htable_init(&ht);
    const int stable = 1000, churn_max = 60000;
    struct item *s = items(stable), *c = items(churn_max);
    for (int i = 0; i < churn_max; i++) c[i].id = 1000000 + (uint64_t)i;
    for (int i = 0; i < stable; i++) insert(&ht, &s[i]);
    int lo = 0, hi = 0; /* live churn items are c[lo..hi) */
    if (mode == 1)
        for (; hi < 30000; hi++) insert(&ht, &c[hi]);
    uint64_t cursor = 0, last_size = ht.size[0];
    int steps = 0, resizes = 0;
    do {
        cursor = htable_scan(&ht, &item_type, cursor, count_visit, NULL);
        steps++;
        int grow = mode == 0 ? steps < 300 : mode == 1 ? steps > 250 : (steps / 40) % 2 == 0;
        if (grow && hi < churn_max) {
            for (int j = 0; j < 100 && hi < churn_max; j++) insert(&ht, &c[hi++]);
        } else {
            for (int j = 0; j < 150 && lo < hi; j++, lo++) CHECK(unlink_id(&ht, c[lo].id) == &c[lo]);
        }
        if (ht.size[0] != last_size) {
            resizes++;
            last_size = ht.size[0];
        }
    } while (cursor != 0 && steps < 1000000);
    int missed = 0;
    for (int i = 0; i < stable; i++) missed += s[i].visits == 0;
    CHECK(missed == 0);
    CHECK(resizes >= 2); /* the table really changed size under the cursor */
    htable_clear(&ht, &item_type, NULL, NULL);
    free(s);
    free(c);
}

static void scan_static(int n) {
    struct htable ht;
    htable_init(&ht);
    struct item *v = items(n ? n : 1);
    for (int i = 0; i < n; i++) insert(&ht, &v[i]);
    finish_rehash(&ht);
    uint64_t cursor = 0;
    int steps = 0;
    do {
        cursor = htable_scan(&ht, &item_type, cursor, count_visit, NULL);
        steps++;
    } while (cursor != 0 && steps < 10000000);
    int wrong = 0;
    for (int i = 0; i < n; i++) wrong += v[i].visits != 1;
    CHECK(wrong == 0);
    CHECK((uint64_t)steps <= (ht.size[0] ? ht.size[0] : 1));
    htable_clear(&ht, &item_type, NULL, NULL);
    free(v);
}

static void test_random(void) {
    struct htable ht;
    htable_init(&ht);
    struct item *v = items(3000);
    for (int i = 0; i < 64; i++) insert(&ht, &v[i]);
    for (int t = 0; t < 20000; t++) {
        struct item *e = htable_random(&ht, &item_type);
        CHECK(e != NULL);
        if (!e) break;
        e->visits++;
    }
    int never = 0;
    for (int i = 0; i < 64; i++) never += v[i].visits == 0;
    CHECK(never == 0);
    /* while rehashing: only live elements come up */
    int rehashing = 0;
    for (int i = 64; i < 3000; i++) {
        insert(&ht, &v[i]);
        if (ht.rehash_idx >= 0) {
            rehashing++;
            struct item *e = htable_random(&ht, &item_type);
            CHECK(e != NULL && e->id <= (uint64_t)i);
        }
    }
    CHECK(rehashing > 0);
    htable_clear(&ht, &item_type, NULL, NULL);
    free(v);
}

/* A live iterator pauses rehashing (finds do not move buckets), allows unlinking the
 * element just returned, visits each element once; release lets the table shrink. */
static void test_iterator(void) {
    struct htable ht;
    htable_init(&ht);
    const int n = 5000;
    struct item *v = items(n);
    for (int i = 0; i < n; i++) insert(&ht, &v[i]);
    CHECK(ht.rehash_idx >= 0); /* still moving buckets after the last growth */
    struct htable_iter it;
    htable_iter_init(&it, &ht, &item_type);
    long long idx = ht.rehash_idx;
    CHECK(htable_rehash_step(&ht, &item_type, 10) == 1 && ht.rehash_idx == idx); /* paused */
    struct item *e;
    int seen = 0;
    while ((e = htable_iter_next(&it))) {
        e->visits++;
        seen++;
        if (e->id % 10) CHECK(unlink_id(&ht, e->id) == e);
        CHECK(ht.rehash_idx == idx);
    }
    CHECK(seen == n);
    int wrong = 0;
    for (int i = 0; i < n; i++) wrong += v[i].visits != 1;
    CHECK(wrong == 0);
    CHECK(htable_iter_next(&it) == NULL);
    htable_iter_release(&it);
    htable_iter_release(&it); /* twice is harmless */
    CHECK(ht.pause_rehash == 0);
    CHECK(htable_count(&ht) == (uint64_t)n / 10);
    finish_rehash(&ht);
    htable_maybe_resize(&ht);
    finish_rehash(&ht);
    CHECK(ht.size[0] <= (uint64_t)n / 10 * 2 + HTABLE_INITIAL);
    for (int i = 0; i < n; i += 10) CHECK(find(&ht, (uint64_t)i, NULL) == &v[i]);
    /* an empty table iterates to nothing */
    struct htable empty;
    htable_init(&empty);
    htable_iter_init(&it, &empty, &item_type);
    CHECK(htable_iter_next(&it) == NULL);
    htable_iter_release(&it);
    htable_clear(&ht, &item_type, NULL, NULL);
    free(v);
}

static void test_expand(void) {
    struct htable ht;
    htable_init(&ht);
    htable_expand(&ht, 1000);
    CHECK(ht.size[0] == 1024 && ht.rehash_idx == -1);
    htable_expand(&ht, 10); /* smaller: no-op */
    CHECK(ht.size[0] == 1024);
    struct item *v = items(2000);
    for (int i = 0; i < 1000; i++) insert(&ht, &v[i]);
    CHECK(ht.size[0] == 1024 && ht.rehash_idx == -1); /* no growth needed */
    /* non-empty: the bigger table is reached by an incremental rehash */
    htable_expand(&ht, 4000);
    CHECK(ht.rehash_idx == 0 && ht.size[1] == 4096);
    htable_expand(&ht, 100000); /* while rehashing: no-op */
    CHECK(ht.size[1] == 4096);
    for (int i = 1000; i < 2000; i++) insert(&ht, &v[i]);
    finish_rehash(&ht);
    CHECK(ht.size[0] == 4096 && htable_count(&ht) == 2000);
    int missing = 0;
    for (int i = 0; i < 2000; i++) missing += find(&ht, (uint64_t)i, NULL) != &v[i];
    CHECK(missing == 0);
    htable_clear(&ht, &item_type, NULL, NULL);
    /* an empty but allocated table is replaced at once */
    insert(&ht, &v[0]);
    unlink_id(&ht, 0);
    CHECK(ht.t[0] != NULL && htable_count(&ht) == 0);
    htable_expand(&ht, 100);
    CHECK(ht.size[0] == 128 && ht.rehash_idx == -1);
    htable_clear(&ht, &item_type, NULL, NULL);
    free(v);
}

static void free_item(void *priv, void *elem) {
    ((struct item *)elem)->freed++;
    ++*(int *)priv;
}

static void test_clear_and_spare(void) {
    struct htable ht;
    htable_init(&ht);
    CHECK(ht.spare == 0);
    ht.spare = 7;
    struct item *v = items(300);
    for (int i = 0; i < 300; i++) insert(&ht, &v[i]); /* mid-rehash: both tables hold some */
    int walked = 0;
    htable_for_each(&ht, &item_type, free_item, &walked);
    CHECK(walked == 300);
    for (int i = 0; i < 300; i++) v[i].freed = 0;
    int freed = 0;
    htable_clear(&ht, &item_type, free_item, &freed);
    int wrong = 0;
    for (int i = 0; i < 300; i++) wrong += v[i].freed != 1;
    CHECK(freed == 300 && wrong == 0);
    CHECK(htable_count(&ht) == 0 && ht.t[0] == NULL && ht.t[1] == NULL && ht.rehash_idx == -1);
    CHECK(ht.spare == 7);
    free(v);
}

int main(void) {
    srandom(4242);
    test_basic_and_link_offset();
    test_one_chain();
    test_grow_shrink();
    scan_static(0);
    scan_static(1);
    scan_static(1000);
    scan_under_churn(0);
    scan_under_churn(1);
    scan_under_churn(2);
    test_random();
    test_iterator();
    test_expand();
    test_clear_and_spare();
    return unit_summary();
}
