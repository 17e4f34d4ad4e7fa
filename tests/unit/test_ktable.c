/* test_ktable.c — a shard's hash table (src/db/ktable.c): insert/find/unlink, growth
 * and shrinking through incremental rehash (every key findable at every step), the
 * SCAN guarantee (a key present for the whole scan is returned at least once, even
 * while the table grows and shrinks under the cursor; exactly once when the table
 * does not change), random sampling, and freeing. */
#include "db/ktable.h"
#include "unit.h"
#include "util/siphash.h"
#include <stdint.h>

static entry *mk(const char *fmt, int i) {
    char key[32];
    int kl = snprintf(key, sizeof(key), fmt, i);
    return entry_new_string(key, (size_t)kl, "v", 1, -1);
}

static entry **find(struct ktable *kt, const char *fmt, int i, int *table) {
    char key[32];
    int kl = snprintf(key, sizeof(key), fmt, i);
    return ktable_find(kt, ktable_hash(key, (size_t)kl), key, (size_t)kl, table);
}

static void insert(struct ktable *kt, const char *fmt, int i) {
    entry *e = mk(fmt, i);
    ktable_insert(kt, ktable_hash(entry_key(e), entry_keylen(e)), e);
}

/* Remove key i; returns 1 if it was there. */
static int delete(struct ktable *kt, const char *fmt, int i) {
    int table;
    entry **link = find(kt, fmt, i, &table);
    if (!link) return 0;
    entry_free(ktable_unlink(kt, link, table));
    return 1;
}

static void finish_rehash(struct ktable *kt) {
    while (ktable_rehash_step(kt, 100)) {
    }
}

static void test_basic(void) {
    struct ktable kt;
    ktable_init(&kt);
    CHECK(ktable_count(&kt) == 0);
    CHECK(find(&kt, "k%d", 1, NULL) == NULL);
    CHECK(ktable_random(&kt) == NULL);
    insert(&kt, "k%d", 1);
    CHECK(ktable_count(&kt) == 1);
    int table = -1;
    entry **l = find(&kt, "k%d", 1, &table);
    CHECK(l != NULL && table >= 0);
    if (l) CHECK_MEM(entry_key(*l), entry_keylen(*l), "k1");
    CHECK(find(&kt, "k%d", 2, NULL) == NULL);
    /* same prefix, different length: no false match */
    CHECK(find(&kt, "k%d0", 1, NULL) == NULL);
    CHECK(ktable_random(&kt) == *find(&kt, "k%d", 1, NULL));
    CHECK(delete(&kt, "k%d", 1) == 1);
    CHECK(delete(&kt, "k%d", 1) == 0);
    CHECK(ktable_count(&kt) == 0);
    ktable_clear(&kt);
    CHECK(kt.size[0] == 0 && kt.t[0] == NULL);
}

/* Growth is incremental: when the table doubles, entries move a few buckets per
 * operation, and every key stays findable meanwhile. */
static void test_incremental_rehash(void) {
    struct ktable kt;
    ktable_init(&kt);
    const int n = 20000;
    int saw_rehash = 0, checked_mid = 0;
    for (int i = 0; i < n; i++) {
        insert(&kt, "grow:%d", i);
        if (kt.rehash_idx >= 0) {
            saw_rehash++;
            /* mid-rehash: both tables hold entries, no key lost */
            if (kt.size[0] >= 1024 && checked_mid < 3 && kt.used[0] > 0 && kt.used[1] > 0) {
                checked_mid++;
                int missing = 0;
                for (int j = 0; j <= i; j++) missing += find(&kt, "grow:%d", j, NULL) == NULL;
                CHECK(missing == 0);
            }
        }
    }
    CHECK(saw_rehash > 0);
    CHECK(checked_mid > 0);
    CHECK(ktable_count(&kt) == (uint64_t)n);
    finish_rehash(&kt);
    CHECK(kt.rehash_idx == -1);
    CHECK(kt.size[0] >= (uint64_t)n / 2 && kt.size[0] <= (uint64_t)n * 4);
    CHECK(ktable_overhead(&kt) == kt.size[0] * sizeof(entry *));
    int missing = 0;
    for (int i = 0; i < n; i++) missing += find(&kt, "grow:%d", i, NULL) == NULL;
    CHECK(missing == 0);

    /* shrink: delete nearly everything; the table gets small again */
    for (int i = 0; i < n - 10; i++) CHECK(delete(&kt, "grow:%d", i) == 1);
    for (int i = 0; i < 100; i++) find(&kt, "grow:%d", n - 1, NULL); /* drive the rehash */
    finish_rehash(&kt);
    ktable_maybe_resize(&kt);
    finish_rehash(&kt);
    CHECK(ktable_count(&kt) == 10);
    CHECK(kt.size[0] <= 128);
    for (int i = n - 10; i < n; i++) CHECK(find(&kt, "grow:%d", i, NULL) != NULL);
    ktable_clear(&kt);
}

/* ---- SCAN ---- */

/* The number after a key's 2-byte prefix (keys are not NUL-terminated). */
static int key_num(const entry *e) {
    const char *k = entry_key(e);
    size_t kl = entry_keylen(e);
    int v = 0;
    for (size_t i = 2; i < kl && k[i] >= '0' && k[i] <= '9'; i++) v = v * 10 + (k[i] - '0');
    return v;
}

struct scan_seen {
    int n;           /* stable keys */
    int *count;      /* visits per stable key */
    long long other; /* visits of churn keys */
};

static void scan_cb(void *priv, entry *e) {
    struct scan_seen *s = priv;
    const char *k = entry_key(e);
    size_t kl = entry_keylen(e);
    if (kl > 2 && k[0] == 's' && k[1] == ':') {
        int i = key_num(e);
        if (i >= 0 && i < s->n) s->count[i]++;
    } else {
        s->other++;
    }
}

/* Scan while `churn` mutates the table between cursor steps. mode 0: grow then shrink;
 * 1: shrink (table pre-filled) then grow; 2: alternate every few steps. */
static void scan_under_churn(int mode) {
    struct ktable kt;
    ktable_init(&kt);
    struct scan_seen s = {.n = 1000};
    s.count = calloc((size_t)s.n, sizeof(int));
    for (int i = 0; i < s.n; i++) insert(&kt, "s:%d", i);
    int churn_next = 0, churn_low = 0; /* live churn keys are [churn_low, churn_next) */
    if (mode == 1) {
        for (; churn_next < 30000; churn_next++) insert(&kt, "c:%d", churn_next);
    }
    uint64_t cursor = 0;
    int steps = 0, resizes = 0;
    uint64_t last_size = kt.size[0];
    do {
        cursor = ktable_scan(&kt, cursor, scan_cb, &s);
        steps++;
        int grow;
        if (mode == 0) grow = steps < 300;
        else if (mode == 1) grow = steps > 250;
        else grow = (steps / 40) % 2 == 0;
        if (grow && churn_next - churn_low < 40000 && churn_next < 200000) {
            for (int j = 0; j < 100; j++) insert(&kt, "c:%d", churn_next++);
        } else {
            for (int j = 0; j < 150 && churn_low < churn_next; j++) delete(&kt, "c:%d", churn_low++);
        }
        if (kt.size[0] != last_size) {
            resizes++;
            last_size = kt.size[0];
        }
    } while (cursor != 0 && steps < 1000000);
    int missed = 0;
    for (int i = 0; i < s.n; i++) missed += s.count[i] == 0;
    if (missed) fprintf(stderr, "scan mode %d: %d stable keys never returned (steps %d)\n", mode, missed, steps);
    CHECK(missed == 0);
    if (resizes < 2) fprintf(stderr, "scan mode %d: only %d resizes\n", mode, resizes);
    CHECK(resizes >= 2); /* the table really changed size under the cursor */
    CHECK(steps < 1000000);
    free(s.count);
    ktable_clear(&kt);
}

/* A table that does not change: every key exactly once. */
static void scan_static(int n) {
    struct ktable kt;
    ktable_init(&kt);
    struct scan_seen s = {.n = n};
    s.count = calloc((size_t)(n ? n : 1), sizeof(int));
    for (int i = 0; i < n; i++) insert(&kt, "s:%d", i);
    finish_rehash(&kt);
    uint64_t cursor = 0;
    int steps = 0;
    do {
        cursor = ktable_scan(&kt, cursor, scan_cb, &s);
        steps++;
    } while (cursor != 0 && steps < 10000000);
    int wrong = 0;
    for (int i = 0; i < n; i++) wrong += s.count[i] != 1;
    CHECK(wrong == 0);
    CHECK((uint64_t)steps <= (kt.size[0] ? kt.size[0] : 1));
    free(s.count);
    ktable_clear(&kt);
}

/* A cursor taken mid-rehash and continued after it finished still covers everything. */
static void scan_across_rehash_end(void) {
    struct ktable kt;
    ktable_init(&kt);
    struct scan_seen s = {.n = 5000};
    s.count = calloc((size_t)s.n, sizeof(int));
    for (int i = 0; i < s.n; i++) insert(&kt, "s:%d", i);
    /* start a scan while rehashing, then let the rehash finish half-way through */
    uint64_t cursor = 0;
    int steps = 0;
    int forced = 0;
    do {
        cursor = ktable_scan(&kt, cursor, scan_cb, &s);
        if (++steps == 50 && !forced) {
            forced = 1;
            finish_rehash(&kt);
        }
    } while (cursor != 0);
    int missed = 0;
    for (int i = 0; i < s.n; i++) missed += s.count[i] == 0;
    CHECK(missed == 0);
    free(s.count);
    ktable_clear(&kt);
}

static void test_random(void) {
    struct ktable kt;
    ktable_init(&kt);
    for (int i = 0; i < 64; i++) insert(&kt, "r:%d", i);
    int hits[64] = {0};
    for (int t = 0; t < 20000; t++) {
        entry *e = ktable_random(&kt);
        CHECK(e != NULL);
        if (!e) break;
        int i = key_num(e);
        if (i >= 0 && i < 64) hits[i]++;
    }
    int never = 0;
    for (int i = 0; i < 64; i++) never += hits[i] == 0;
    CHECK(never == 0); /* every key can come up */
    /* while rehashing too */
    for (int i = 64; i < 3000; i++) insert(&kt, "r:%d", i);
    for (int t = 0; t < 1000; t++) CHECK(ktable_random(&kt) != NULL);
    ktable_clear(&kt);
    CHECK(ktable_random(&kt) == NULL);
}

static void test_long_and_binary_keys(void) {
    struct ktable kt;
    ktable_init(&kt);
    size_t big = 70000; /* beyond the 16-bit key length field */
    char *key = malloc(big);
    for (size_t i = 0; i < big; i++) key[i] = (char)(i * 7);
    entry *e = entry_new_string(key, big, "v", 1, -1);
    ktable_insert(&kt, ktable_hash(key, big), e);
    const char bin[] = {'a', 0, 'b'};
    entry *b = entry_new_string(bin, 3, "w", 1, -1);
    ktable_insert(&kt, ktable_hash(bin, 3), b);
    int table;
    entry **l = ktable_find(&kt, ktable_hash(key, big), key, big, &table);
    CHECK(l && *l == e);
    if (l) CHECK(entry_keylen(*l) == big);
    l = ktable_find(&kt, ktable_hash(bin, 3), bin, 3, &table);
    CHECK(l && *l == b);
    CHECK(ktable_find(&kt, ktable_hash("a", 1), "a", 1, NULL) == NULL);
    free(key);
    ktable_clear(&kt);
}

int main(void) {
    hash_seed_init();
    srandom(12345);
    test_basic();
    test_incremental_rehash();
    scan_static(0);
    scan_static(1);
    scan_static(1000);
    scan_under_churn(0);
    scan_under_churn(1);
    scan_under_churn(2);
    scan_across_rehash_end();
    test_random();
    test_long_and_binary_keys();
    return unit_summary();
}
