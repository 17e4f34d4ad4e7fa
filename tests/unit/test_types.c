/* test_types.c — unit tests for src/types/list.c and src/types/hash.c: the quicklist
 * against an array model under every node-size setting (push/pop both ends, index,
 * replace, insert with node splits, iterator deletes both ways, range deletes), and
 * the hash's encodings: a 100-field hash stays one listpack no bigger than Redis's,
 * conversion by entry count and by value length, iteration and random pairs. */
#include "config.h"
#include "core/listpack.h"
#include "db/entry.h"
#include "types/hash.h"
#include "types/list.h"
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

#define MAXN 3000
static char *model[MAXN];
static int n;

static int value_is(const struct list_value *v, const char *s) {
    return v->len == strlen(s) && memcmp(v->s, s, v->len) == 0;
}

static int list_matches(struct list *l) {
    if ((int)list_len(l) != n) return 0;
    struct list_iter it;
    struct list_pos pos;
    struct list_value v;
    int i = 0;
    list_iter_init(&it, l, 0, LIST_TAIL);
    while (list_iter_next(&it, &pos)) {
        list_pos_get(&pos, &v);
        if (i >= n || !value_is(&v, model[i])) return 0;
        i++;
    }
    if (i != n) return 0;
    /* nodes are never empty and the counts add up */
    uint64_t total = 0;
    for (struct list_node *nd = l->head; nd; nd = nd->next) {
        if (lp_count(nd->lp) == 0) return 0;
        total += lp_count(nd->lp);
    }
    return total == list_len(l);
}

static char *rand_val(void) {
    char buf[9000];
    int k = rand() % 10, len;
    if (k < 3) len = snprintf(buf, sizeof(buf), "%d", rand() % 1000 - 500);
    else if (k < 9) {
        len = rand() % 30;
        for (int i = 0; i < len; i++) buf[i] = (char)('a' + rand() % 26);
    } else {
        len = 3000 + rand() % 6000; /* bigger than small nodes */
        memset(buf, 'Z', (size_t)len);
    }
    buf[len] = '\0';
    return strdup(buf);
}

static void model_insert(int at, char *s) {
    memmove(model + at + 1, model + at, sizeof(char *) * (size_t)(n - at));
    model[at] = s;
    n++;
}
static void model_delete(int at) {
    free(model[at]);
    memmove(model + at, model + at + 1, sizeof(char *) * (size_t)(n - at - 1));
    n--;
}

static void test_list_model(int fill) {
    struct list *l = list_new(fill);
    int ok = 1;
    srand((unsigned)(fill + 100));
    for (int op = 0; op < 4000 && ok; op++) {
        int k = rand() % 10;
        if (n > MAXN - 10) k = 9;
        if (k <= 1) {
            char *s = rand_val();
            int where = k == 0 ? LIST_HEAD : LIST_TAIL;
            list_push(l, where, s, strlen(s));
            model_insert(where == LIST_HEAD ? 0 : n, s);
        } else if (k == 2 && n) {
            int where = rand() % 2 ? LIST_HEAD : LIST_TAIL;
            struct list_value v;
            ok &= list_peek(l, where, &v) && value_is(&v, model[where == LIST_HEAD ? 0 : n - 1]);
            list_pop(l, where);
            model_delete(where == LIST_HEAD ? 0 : n - 1);
        } else if (k == 3 && n) {
            int i = rand() % n;
            struct list_pos pos;
            struct list_value v;
            ok &= list_index(l, i - (rand() % 2 ? n : 0), &pos);
            list_pos_get(&pos, &v);
            ok &= value_is(&v, model[i]);
            char *s = rand_val();
            list_pos_replace(l, &pos, s, strlen(s));
            free(model[i]);
            model[i] = s;
        } else if (k == 4 && n) {
            int i = rand() % n, where = rand() % 2 ? LIST_HEAD : LIST_TAIL;
            struct list_pos pos;
            list_index(l, i, &pos);
            char *s = rand_val();
            list_pos_insert(l, &pos, where, s, strlen(s));
            model_insert(where == LIST_HEAD ? i : i + 1, s);
        } else if (k == 5 && n) { /* delete every entry equal to a chosen one, either way */
            const char *target = model[rand() % n];
            char *t = strdup(target);
            int dir = rand() % 2 ? LIST_TAIL : LIST_HEAD;
            struct list_iter it;
            struct list_pos pos;
            list_iter_init(&it, l, dir == LIST_TAIL ? 0 : -1, dir);
            while (list_iter_next(&it, &pos))
                if (list_pos_eq(&pos, t, strlen(t))) list_iter_delete(&it);
            for (int i = n - 1; i >= 0; i--)
                if (strcmp(model[i], t) == 0) model_delete(i);
            free(t);
        } else if (k == 6 && n) { /* range delete */
            int start = rand() % n, cnt = 1 + rand() % 40;
            if (cnt > n - start) cnt = n - start;
            list_delete_range(l, start, cnt);
            for (int i = 0; i < cnt; i++) model_delete(start);
        } else if (k == 7 && n) { /* backward walk from a random index */
            int i = rand() % n, j = i;
            struct list_iter it;
            struct list_pos pos;
            struct list_value v;
            list_iter_init(&it, l, i, LIST_HEAD);
            while (list_iter_next(&it, &pos)) {
                list_pos_get(&pos, &v);
                ok &= j >= 0 && value_is(&v, model[j]);
                j--;
            }
            ok &= j == -1;
        } else if (k == 8) {
            struct list *d = list_dup(l);
            ok &= list_matches(d);
            ok &= list_mem_usage(d) > 0;
            list_free(d);
        } else if (k == 9 && n) {
            int cnt = n / 2 + 1;
            list_delete_range(l, 0, cnt);
            for (int i = 0; i < cnt; i++) model_delete(0);
        }
        ok &= list_matches(l);
        if (!ok) fprintf(stderr, "fill %d: diverged at op %d (kind %d)\n", fill, op, k);
    }
    CHECK(ok);
    /* node sizes respect the byte limit, except single oversized elements */
    int over = 0;
    size_t limit = fill < 0 ? (size_t)4096 << (-fill - 1 > 4 ? 4 : -fill - 1) : 8192;
    for (struct list_node *nd = l->head; nd; nd = nd->next)
        if (lp_count(nd->lp) > 1 && lp_bytes(nd->lp) > limit) over++;
    CHECK(over == 0);
    list_free(l);
    while (n) model_delete(n - 1);
}

static void test_list_big_pushes(void) {
    struct list *l = list_new(-2);
    for (int i = 0; i < 100000; i++) list_push(l, i % 2 ? LIST_TAIL : LIST_HEAD, "element-payload", 15);
    CHECK(list_len(l) == 100000);
    CHECK(l->nodes > 100 && l->nodes < 1000); /* ~8 KB nodes, no giant allocation */
    struct list_pos pos;
    CHECK(list_index(l, 50000, &pos) && list_pos_eq(&pos, "element-payload", 15));
    list_free(l);
}

static void test_hash_encodings(void) {
    server_config.hash_max_listpack_entries = 512;
    server_config.hash_max_listpack_value = 64;
    entry *e = hash_new_entry("myhash", 6);
    char f[32], v[32];
    for (int i = 0; i < 100; i++) {
        int fl = snprintf(f, sizeof(f), "field:%d", i), vl = snprintf(v, sizeof(v), "value:%d", i);
        CHECK(hash_set(e, f, (size_t)fl, v, (size_t)vl) == 1);
    }
    CHECK(entry_encoding(e) == ENC_LISTPACK);
    CHECK(hash_len(e) == 100);
    /* one allocation for the whole hash: Redis's listpack for the same data is 2,007
     * bytes in a 2,048-byte class, plus a 16-byte robj; ours must not be bigger */
    size_t bytes = hash_mem_usage(e);
    CHECK(bytes <= 2048);
    CHECK(hash_set(e, "field:7", 7, "changed", 7) == 0);
    struct hash_str got;
    CHECK(hash_get(e, "field:7", 7, &got) && got.len == 7 && memcmp(got.s, "changed", 7) == 0);
    CHECK(hash_delete(e, "field:8", 7) == 1 && hash_delete(e, "field:8", 7) == 0);
    CHECK(!hash_exists(e, "field:8", 7) && hash_exists(e, "field:9", 7));
    /* a long value converts; everything survives */
    char longv[65];
    memset(longv, 'L', 65);
    CHECK(hash_set(e, "long", 4, longv, 65) == 1);
    CHECK(entry_encoding(e) == ENC_HT);
    CHECK(hash_len(e) == 100);
    CHECK(hash_get(e, "field:7", 7, &got) && got.len == 7 && memcmp(got.s, "changed", 7) == 0);
    CHECK(hash_get(e, "field:99", 8, &got) && got.len == 8 && memcmp(got.s, "value:99", 8) == 0);
    int seen = 0;
    struct hash_iter it;
    struct hash_str hf, hv;
    hash_iter_init(&it, e);
    while (hash_iter_next(&it, &hf, &hv)) seen++;
    hash_iter_release(&it);
    CHECK(seen == 100);
    for (int i = 0; i < 50; i++) {
        hash_random_pair(e, &hf, &hv);
        CHECK(hash_get(e, hf.s, hf.len, &got) && got.len == hv.len);
    }
    entry *copy = entry_dup(e, "copy", 4, -1);
    CHECK(entry_encoding(copy) == ENC_HT && hash_len(copy) == 100);
    entry_free(copy);
    entry_free(e);
    /* conversion by count */
    server_config.hash_max_listpack_entries = 3;
    e = hash_new_entry("h2", 2);
    hash_set(e, "a", 1, "1", 1);
    hash_set(e, "b", 1, "2", 1);
    hash_set(e, "c", 1, "3", 1);
    CHECK(entry_encoding(e) == ENC_LISTPACK);
    hash_set(e, "d", 1, "4", 1);
    CHECK(entry_encoding(e) == ENC_HT && hash_len(e) == 4);
    entry *lpcopy = hash_new_entry("h3", 2);
    hash_set(lpcopy, "x", 1, "12345", 5);
    entry *dupl = entry_dup(lpcopy, "h4", 2, -1);
    CHECK(entry_encoding(dupl) == ENC_LISTPACK && hash_get(dupl, "x", 1, &got) && got.len == 5);
    CHECK(memcmp(got.s, "12345", 5) == 0);
    entry_free(dupl);
    entry_free(lpcopy);
    entry_free(e);
}

int main(void) {
    hash_seed_init();
    list_type_init();
    hash_type_init();
    int fills[] = {-2, -1, -5, 1, 3, 128, 0};
    for (size_t i = 0; i < sizeof(fills) / sizeof(fills[0]); i++) test_list_model(fills[i]);
    test_list_big_pushes();
    test_hash_encodings();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
