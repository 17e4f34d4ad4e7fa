/* test_entry_mcmeta.c — the optional memcache metadata block of an entry (src/db/entry.c):
 * present only when asked for, readable in place, and carried through every rebuild that
 * keeps the item (TTL change, conversion to raw for an in-place edit), dropped on request;
 * the key, value and TTL around it stay intact for every string encoding. */
#include "db/entry.h"
#include "unit.h"
#include "util/alloc.h"

static void check_string(const entry *e, const char *want) {
    char tmp[24];
    const char *p;
    size_t len;
    entry_string(e, tmp, &p, &len);
    CHECK_MEMN(p, len, want, strlen(want));
}

static void test_encodings(void) {
    static const char *values[] = {"123", "short text", "a value that is longer than forty-four bytes so raw", ""};
    static const char *keys[] = {"k", "a-much-longer-key-name:with:parts"};
    for (size_t v = 0; v < 4; v++)
        for (size_t k = 0; k < 2; k++)
            for (int ttl = 0; ttl < 2; ttl++) {
                struct entry_mcmeta m = {.cas = 0x1122334455667788ULL, .flags = 0xdeadbeef, .state = 5};
                long long exp = ttl ? 1700000000123LL : -1;
                entry *e = entry_new_string_meta(keys[k], strlen(keys[k]), values[v], strlen(values[v]), exp, &m);
                CHECK(entry_has_mcmeta(e));
                CHECK(entry_expire(e) == exp);
                CHECK_MEMN(entry_key(e), entry_keylen(e), keys[k], strlen(keys[k]));
                check_string(e, values[v]);
                struct entry_mcmeta got;
                entry_mcmeta_get(e, &got);
                CHECK(got.cas == m.cas && got.flags == m.flags && got.state == m.state);
                /* in place */
                got.cas = 42;
                entry_mcmeta_put(e, &got);
                check_string(e, values[v]);
                CHECK_MEMN(entry_key(e), entry_keylen(e), keys[k], strlen(keys[k]));
                /* a TTL change keeps the metadata */
                entry *n = entry_with_expire(e, ttl ? -1 : 1800000000000LL);
                entry_free_shell(e);
                CHECK(entry_has_mcmeta(n));
                entry_mcmeta_get(n, &got);
                CHECK(got.cas == 42 && got.flags == 0xdeadbeef);
                check_string(n, values[v]);
                /* so does the conversion to raw */
                entry *r = entry_make_raw(n, 100);
                if (r != n) entry_free(n);
                CHECK(entry_has_mcmeta(r) && entry_encoding(r) == ENC_RAW);
                entry_mcmeta_get(r, &got);
                CHECK(got.cas == 42);
                check_string(r, values[v]);
                CHECK_MEMN(entry_key(r), entry_keylen(r), keys[k], strlen(keys[k]));
                /* and dropping it leaves a plain entry */
                entry *p = entry_with_mcmeta(r, NULL);
                entry_free_shell(r);
                CHECK(!entry_has_mcmeta(p));
                check_string(p, values[v]);
                CHECK(entry_expire(p) == (ttl ? -1 : 1800000000000LL));
                entry_free(p);
            }
}

/* RESP-only entries are unchanged: no metadata, the same size as before. */
static void test_plain_size(void) {
    entry *e = entry_new_string("0123456789", 10, "0123456789abcdef", 16, -1);
    CHECK(!entry_has_mcmeta(e));
    CHECK(walloc_size(e) <= 48);
    struct entry_mcmeta m = {.cas = 1};
    entry *x = entry_with_mcmeta(e, &m);
    entry_free_shell(e);
    CHECK(entry_has_mcmeta(x));
    check_string(x, "0123456789abcdef");
    entry_free(x);
}

int main(void) {
    test_encodings();
    test_plain_size();
    return unit_summary();
}
