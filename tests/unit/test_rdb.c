/* test_rdb.c — RDB primitives (length and string encodings at every boundary), a file
 * built by the writer and read back by the loader, and the loader against every
 * truncation and every single-byte corruption of that file: it must refuse or load,
 * never crash or leak (ASan/LSan watch), and with the checksum on it must refuse. */
#include "db/entry.h"
#include "persist/pstream.h"
#include "persist/rdb.h"
#include "persist/rdb_load.h"
#include "persist/rdb_save.h"
#include "persist/rdb_types.h"
#include "config.h"
#include "persist/rdb_blob.h"
#include "types/hash.h"
#include "types/list.h"
#include "unit.h"
#include "util/alloc.h"

static unsigned char *take(struct pstream *s, size_t *len) {
    unsigned char *p = ps_mem_take(s, len);
    ps_close(s);
    return p;
}

static void test_lengths(void) {
    uint64_t vals[] = {0, 1, 63, 64, 16383, 16384, 0xffffffffULL, 0x100000000ULL, UINT64_MAX};
    size_t sizes[] = {1, 1, 1, 2, 2, 5, 5, 9, 9};
    for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
        struct pstream w, r;
        ps_init_mem_writer(&w);
        rdb_write_len(&w, vals[i]);
        size_t len;
        unsigned char *p = take(&w, &len);
        CHECK(len == sizes[i]);
        ps_init_mem_reader(&r, p, len);
        uint64_t got = 0;
        CHECK(rdb_read_len(&r, &got) == 0 && got == vals[i]);
        CHECK(ps_remaining(&r) == 0);
        /* every truncation fails */
        for (size_t cut = 0; cut < len; cut++) {
            ps_init_mem_reader(&r, p, cut);
            CHECK(rdb_read_len(&r, &got) == -1);
        }
        wfree(p);
    }
}

static void string_case(const char *in, size_t n, int compress, const char *want_prefix, size_t want_len) {
    struct pstream w, r;
    ps_init_mem_writer(&w);
    rdb_write_string(&w, in, n, compress);
    size_t len;
    unsigned char *p = take(&w, &len);
    if (want_prefix) CHECK(memcmp(p, want_prefix, strlen(want_prefix)) == 0);
    if (want_len) CHECK(len == want_len);
    ps_init_mem_reader(&r, p, len);
    char *out;
    size_t ol;
    CHECK(rdb_read_string(&r, &out, &ol) == 0);
    CHECK_MEMN(out, ol, in, n);
    wfree(out);
    wfree(p);
}

static void test_strings(void) {
    string_case("0", 1, 1, "\xc0\x00", 2);
    string_case("-128", 4, 1, "\xc0\x80", 2);
    string_case("127", 3, 1, "\xc0\x7f", 2);
    string_case("128", 3, 1, "\xc1\x80\x00", 3);
    string_case("-32768", 6, 1, "\xc1\x00\x80", 3);
    string_case("32768", 5, 1, "\xc2\x00\x80\x00\x00", 5);
    string_case("2147483647", 10, 1, "\xc2\xff\xff\xff\x7f", 5);
    string_case("2147483648", 10, 1, "\x0a", 11);  /* beyond 32 bits: plain text */
    string_case("007", 3, 1, "\x03", 4);           /* not canonical: plain */
    string_case("-0", 2, 1, "\x02", 3);
    string_case("", 0, 1, "\x00", 1);
    char buf[200];
    memset(buf, 'q', sizeof(buf));
    string_case(buf, 20, 1, "\x14", 21);  /* 20 bytes: never compressed */
    string_case(buf, 21, 1, "\xc3", 0);   /* 21 repetitive bytes: LZF */
    string_case(buf, 200, 0, "\x40\xc8", 202);
    for (int i = 0; i < 200; i++) buf[i] = (char)(i * 37 + 11);
    string_case(buf, 200, 1, "\x40\xc8", 202); /* incompressible: stored plain */
    /* integer-encoded strings report their value */
    struct pstream r;
    ps_init_mem_reader(&r, "\xc1\x39\x30", 3);
    char *out;
    size_t ol;
    int is_int = 0;
    long long v = 0;
    CHECK(rdb_read_string_ex(&r, &out, &ol, &is_int, &v) == 0 && is_int && v == 12345);
    wfree(out);
    /* lying lengths are refused before any allocation */
    ps_init_mem_reader(&r, "\x81\x7f\xff\xff\xff\xff\xff\xff\xff", 9);
    CHECK(rdb_read_string(&r, &out, &ol) == -1);
    ps_init_mem_reader(&r, "\xc3\x01\x80\x40\x00\x00\x00\x00", 8); /* 1 GiB from one byte */
    CHECK(rdb_read_string(&r, &out, &ol) == -1);
    ps_init_mem_reader(&r, "\xc4", 1); /* unknown special encoding */
    CHECK(rdb_read_string(&r, &out, &ol) == -1);
}

/* ---- a whole file ---- */

struct collected {
    int n;
    int dbs[16];
    entry *e[16];
};

static int collect(void *priv, int dbid, entry *e, char *err, size_t errlen) {
    struct collected *c = priv;
    if (c->n == 16) {
        snprintf(err, errlen, "too many");
        entry_free(e);
        return -1;
    }
    c->dbs[c->n] = dbid;
    c->e[c->n++] = e;
    return 0;
}

static void collected_free(struct collected *c) {
    for (int i = 0; i < c->n; i++) entry_free(c->e[i]);
    c->n = 0;
}

static unsigned char *build_file(size_t *len, int checksum) {
    struct pstream w;
    ps_init_mem_writer(&w);
    w.checksum = checksum;
    struct rdb_header_info hi = {.ctime = 1700000000, .used_mem = 12345};
    rdb_save_header(&w, &hi);
    rdb_save_select_db(&w, 0, 3, 1);
    entry *a = entry_new_string("a", 1, "1", 1, -1);
    entry *b = entry_new_string("bee", 3, "hello hello hello hello hello hello", 35, 4102444800000LL);
    entry *c = entry_new_int("c", 1, -9876543210LL, -1);
    rdb_save_entry(&w, a, 1);
    rdb_save_entry(&w, b, 1);
    rdb_save_entry(&w, c, 1);
    rdb_save_select_db(&w, 5, 1, 0);
    entry *d = entry_new_string("", 0, "", 0, -1);
    rdb_save_entry(&w, d, 1);
    rdb_save_footer(&w);
    entry_free(a);
    entry_free(b);
    entry_free(c);
    entry_free(d);
    return take(&w, len);
}

static int load(const unsigned char *p, size_t len, int verify, struct collected *col, char *err, size_t errlen) {
    struct pstream r;
    ps_init_mem_reader(&r, p, len);
    struct rdb_load_ctx ctx = {.ndbs = 16, .now_ms = 1700000000000LL, .skip_expired = 1, .verify_checksum = verify,
                               .sink = collect, .priv = col};
    int rc = rdb_load_stream(&r, &ctx, err, errlen);
    ps_close(&r);
    return rc;
}

static void test_file(void) {
    size_t len;
    unsigned char *p = build_file(&len, 1);
    struct collected col = {0};
    char err[256] = "";
    CHECK(load(p, len, 1, &col, err, sizeof(err)) == 0);
    CHECK(col.n == 4);
    if (col.n == 4) {
        char tmp[24];
        const char *v;
        size_t vl;
        CHECK_MEM(entry_key(col.e[1]), entry_keylen(col.e[1]), "bee");
        entry_string(col.e[1], tmp, &v, &vl);
        CHECK_MEM(v, vl, "hello hello hello hello hello hello");
        CHECK(entry_expire(col.e[1]) == 4102444800000LL);
        CHECK(entry_encoding(col.e[2]) == ENC_INT && entry_int(col.e[2]) == -9876543210LL);
        CHECK(col.dbs[3] == 5 && entry_keylen(col.e[3]) == 0);
    }
    collected_free(&col);

    /* every truncation is refused */
    for (size_t cut = 0; cut < len; cut++) {
        CHECK(load(p, cut, 1, &col, err, sizeof(err)) == -1);
        collected_free(&col);
    }
    /* every byte corrupted: with the checksum, always refused; without, never a crash */
    for (size_t i = 0; i < len; i++) {
        for (int flip = 1; flip < 256; flip <<= 1) {
            unsigned char *q = wmalloc(len);
            memcpy(q, p, len);
            q[i] ^= (unsigned char)flip;
            CHECK(load(q, len, 1, &col, err, sizeof(err)) == -1);
            collected_free(&col);
            load(q, len, 0, &col, err, sizeof(err));
            collected_free(&col);
            wfree(q);
        }
    }
    wfree(p);
    /* checksum off at save time (zeros) is accepted */
    p = build_file(&len, 0);
    CHECK(load(p, len, 1, &col, err, sizeof(err)) == 0 && col.n == 4);
    collected_free(&col);
    wfree(p);
    /* an expired key is skipped and counted */
    struct pstream w;
    ps_init_mem_writer(&w);
    w.checksum = 1;
    struct rdb_header_info hi = {0};
    rdb_save_header(&w, &hi);
    entry *old = entry_new_string("old", 3, "v", 1, 1000);
    rdb_save_entry(&w, old, 0);
    entry_free(old);
    rdb_save_footer(&w);
    p = take(&w, &len);
    struct pstream r;
    ps_init_mem_reader(&r, p, len);
    struct rdb_load_ctx ctx = {.ndbs = 16, .now_ms = 2000, .skip_expired = 1, .verify_checksum = 1, .sink = collect,
                               .priv = &col};
    CHECK(rdb_load_stream(&r, &ctx, err, sizeof(err)) == 0 && ctx.keys_expired == 1 && col.n == 0);
    wfree(p);
}

/* ---- collections in old and current encodings ---- */

/* A tiny ziplist encoder following the format description (strings and ints). */
struct zl {
    unsigned char b[4096];
    size_t len, last;
    unsigned count;
    size_t prev;
};
static void zl_init(struct zl *z) {
    memset(z, 0, sizeof(*z));
    z->len = 10;
    z->last = 10;
}
static void zl_entry(struct zl *z, const unsigned char *enc, size_t elen, const void *data, size_t dlen) {
    size_t at = z->len;
    if (z->prev < 254) z->b[z->len++] = (unsigned char)z->prev;
    else {
        z->b[z->len++] = 254;
        for (int i = 0; i < 4; i++) z->b[z->len++] = (unsigned char)(z->prev >> (8 * i));
    }
    memcpy(z->b + z->len, enc, elen);
    z->len += elen;
    memcpy(z->b + z->len, data, dlen);
    z->len += dlen;
    z->prev = z->len - at;
    z->last = at;
    z->count++;
}
static void zl_str(struct zl *z, const char *s) {
    size_t n = strlen(s);
    unsigned char enc[2];
    if (n < 64) {
        enc[0] = (unsigned char)n;
        zl_entry(z, enc, 1, s, n);
    } else {
        enc[0] = (unsigned char)(0x40 | (n >> 8));
        enc[1] = (unsigned char)(n & 0xff);
        zl_entry(z, enc, 2, s, n);
    }
}
static void zl_int(struct zl *z, unsigned char encb, long long v, int bytes) {
    unsigned char d[8];
    for (int i = 0; i < bytes; i++) d[i] = (unsigned char)((uint64_t)v >> (8 * i));
    zl_entry(z, &encb, 1, d, (size_t)bytes);
}
static unsigned char *zl_finish(struct zl *z, size_t *len) {
    z->b[z->len++] = 0xFF;
    for (int i = 0; i < 4; i++) z->b[i] = (unsigned char)(z->len >> (8 * i));
    for (int i = 0; i < 4; i++) z->b[4 + i] = (unsigned char)(z->last >> (8 * i));
    z->b[8] = (unsigned char)(z->count & 0xff);
    z->b[9] = (unsigned char)(z->count >> 8);
    *len = z->len;
    return z->b;
}

/* One value of RDB type t whose body is the string `blob`; returns the entry. */
static entry *load_blob_value(int t, const unsigned char *blob, size_t blen, int *failed) {
    struct pstream w, r;
    ps_init_mem_writer(&w);
    rdb_write_byte(&w, t);
    rdb_write_string(&w, blob, blen, 0);
    size_t len;
    unsigned char *p = take(&w, &len);
    ps_init_mem_reader(&r, p, len);
    entry *e = rdb_load_object(&r, "k", 1, -1);
    *failed = r.failed;
    if (getenv("RDB_TEST_VERBOSE") && r.failed) fprintf(stderr, "load_blob_value: %s\n", r.error);
    wfree(p);
    return e;
}

static void check_list(entry *e, const char *const *want, int n) {
    CHECK(e && entry_type(e) == OBJ_LIST);
    if (!e) return;
    struct list *l = entry_ptr(e);
    CHECK(list_len(l) == (uint64_t)n);
    for (int i = 0; i < n && i < (int)list_len(l); i++) {
        struct list_pos pos;
        struct list_value v;
        CHECK(list_index(l, i, &pos));
        list_pos_get(&pos, &v);
        CHECK_MEM((const char *)v.s, v.len, want[i]);
    }
}

static void test_old_encodings(void) {
    struct zl z;
    zl_init(&z);
    zl_str(&z, "a");
    zl_int(&z, 0xF1 + 12, 0, 0); /* immediate 12 */
    zl_int(&z, 0xC0, 300, 2);
    zl_int(&z, 0xF0, -70000, 3);
    zl_int(&z, 0xD0, 100000, 4);
    zl_int(&z, 0xE0, -5000000000LL, 8);
    zl_int(&z, 0xFE, -7, 1);
    zl_str(&z, "a string long enough to need the fourteen bit length form of a ziplist");
    size_t zlen;
    unsigned char *zb = zl_finish(&z, &zlen);
    const char *want[] = {"a", "12", "300", "-70000", "100000", "-5000000000", "-7",
                          "a string long enough to need the fourteen bit length form of a ziplist"};
    int failed;
    char zerr[128] = "";
    CHECK(blob_ziplist_each(zb, zlen, NULL, NULL, zerr, sizeof(zerr)) == 8);
    entry *e = load_blob_value(RDB_TYPE_LIST_ZIPLIST, zb, zlen, &failed);
    check_list(e, want, 8);
    entry_free(e);
    /* every truncation / corruption of the ziplist blob is refused or loads cleanly */
    for (size_t cut = 0; cut < zlen; cut++) {
        e = load_blob_value(RDB_TYPE_LIST_ZIPLIST, zb, cut, &failed);
        CHECK(e == NULL && failed);
    }
    unsigned char copy[4096];
    for (size_t i = 0; i < zlen; i++) {
        memcpy(copy, zb, zlen);
        copy[i] ^= 0x5a;
        e = load_blob_value(RDB_TYPE_LIST_ZIPLIST, copy, zlen, &failed);
        entry_free(e);
    }
    /* the same ziplist as a hash (field, value pairs) */
    e = load_blob_value(RDB_TYPE_HASH_ZIPLIST, zb, zlen, &failed);
    CHECK(e && entry_type(e) == OBJ_HASH && hash_len(e) == 4);
    if (e) {
        struct hash_str v;
        CHECK(hash_get(e, "300", 3, &v) && v.len == 6 && memcmp(v.s, "-70000", 6) == 0);
        CHECK(hash_get(e, "-7", 2, &v));
    }
    entry_free(e);
    /* a duplicate field is corrupt */
    zl_init(&z);
    zl_str(&z, "f");
    zl_str(&z, "1");
    zl_str(&z, "f");
    zl_str(&z, "2");
    zb = zl_finish(&z, &zlen);
    e = load_blob_value(RDB_TYPE_HASH_ZIPLIST, zb, zlen, &failed);
    CHECK(e == NULL && failed);
    /* an odd number of items cannot be a hash */
    zl_init(&z);
    zl_str(&z, "f");
    zb = zl_finish(&z, &zlen);
    e = load_blob_value(RDB_TYPE_HASH_ZIPLIST, zb, zlen, &failed);
    CHECK(e == NULL && failed);
    /* an empty ziplist: skipped, not an error */
    zl_init(&z);
    zb = zl_finish(&z, &zlen);
    e = load_blob_value(RDB_TYPE_LIST_ZIPLIST, zb, zlen, &failed);
    CHECK(e == NULL && !failed);

    /* zipmap: count, key "name" value "ann" (2 free bytes), key "n" value "42" */
    const unsigned char zm[] = {2, 4, 'n', 'a', 'm', 'e', 3, 2, 'a', 'n', 'n', 0, 0, 1, 'n', 2, 0, '4', '2', 0xFF};
    e = load_blob_value(RDB_TYPE_HASH_ZIPMAP, zm, sizeof(zm), &failed);
    CHECK(e && hash_len(e) == 2);
    if (e) {
        struct hash_str v;
        CHECK(hash_get(e, "name", 4, &v) && v.len == 3 && memcmp(v.s, "ann", 3) == 0);
    }
    entry_free(e);
    for (size_t cut = 0; cut < sizeof(zm); cut++) {
        e = load_blob_value(RDB_TYPE_HASH_ZIPMAP, zm, cut, &failed);
        CHECK(e == NULL);
    }

    /* quicklist (v1): two ziplist nodes */
    zl_init(&z);
    zl_str(&z, "x");
    zl_str(&z, "y");
    unsigned char node1[64];
    size_t n1;
    const unsigned char *zfin = zl_finish(&z, &n1);
    memcpy(node1, zfin, n1);
    struct pstream w, r;
    ps_init_mem_writer(&w);
    rdb_write_byte(&w, RDB_TYPE_LIST_QUICKLIST);
    rdb_write_len(&w, 2);
    rdb_write_string(&w, node1, n1, 1);
    rdb_write_string(&w, node1, n1, 1);
    size_t len;
    unsigned char *p = take(&w, &len);
    ps_init_mem_reader(&r, p, len);
    e = rdb_load_object(&r, "k", 1, -1);
    const char *want4[] = {"x", "y", "x", "y"};
    check_list(e, want4, 4);
    entry_free(e);
    wfree(p);

    /* listpack blobs from the writer read back by the validator, all integer widths */
    struct rlp lw;
    rlp_init(&lw);
    long long ints[] = {0, 127, 128, -1, -4096, 4095, 4096, -32768, 32767, 32768, -8388608, 8388607, 8388608,
                        -2147483648LL, 2147483647LL, 2147483648LL, INT64_MIN, INT64_MAX};
    for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) rlp_add_int(&lw, ints[i]);
    char big[5000];
    memset(big, 'b', sizeof(big));
    rlp_add(&lw, big, 63);
    rlp_add(&lw, big, 64);
    rlp_add(&lw, big, 4095);
    rlp_add(&lw, big, 4096);
    rlp_add(&lw, "", 0);
    size_t lpl;
    unsigned char *lp = rlp_finish(&lw, &lpl);
    struct collected_items {
        int n;
    } ci = {0};
    char err[128];
    long long cnt = blob_listpack_each(lp, lpl, NULL, &ci, err, sizeof(err));
    CHECK(cnt == (long long)(sizeof(ints) / sizeof(ints[0])) + 5);
    for (size_t cut = 0; cut < lpl; cut += 7) CHECK(blob_listpack_each(lp, cut, NULL, NULL, err, sizeof(err)) == -1);
    wfree(lp);
}

/* Lists and hashes built through the type APIs survive a save/load round trip. */
static void test_collections_round_trip(void) {
    struct list *l = list_new(-2);
    char buf[64];
    for (int i = 0; i < 3000; i++) {
        int n = snprintf(buf, sizeof(buf), i % 3 ? "elem-%d" : "%d", i * 7 - 9000);
        list_push(l, LIST_TAIL, buf, (size_t)n);
    }
    entry *le = entry_new_ptr("list", 4, OBJ_LIST, ENC_QUICKLIST, l, 99999999999999LL);
    entry *he = hash_new_entry("hash", 4);
    for (int i = 0; i < 50; i++) {
        int n = snprintf(buf, sizeof(buf), "field%d", i);
        hash_set(he, buf, (size_t)n, i % 2 ? "v" : "12345", i % 2 ? 1 : 5);
    }
    entry *hb = hash_new_entry("bighash", 7);
    for (int i = 0; i < 1000; i++) {
        int n = snprintf(buf, sizeof(buf), "f%d", i);
        hash_set(hb, buf, (size_t)n, buf, (size_t)n);
    }
    CHECK(entry_encoding(hb) == ENC_HT);
    entry *all[] = {le, he, hb};
    for (int k = 0; k < 3; k++) {
        struct pstream w, r;
        ps_init_mem_writer(&w);
        rdb_save_entry(&w, all[k], 1);
        size_t len;
        unsigned char *p = take(&w, &len);
        ps_init_mem_reader(&r, p, len);
        long long exp = -1;
        int t;
        rdb_read_byte(&r, &t);
        if (t == RDB_OPCODE_EXPIRETIME_MS) {
            rdb_read_millis(&r, &exp);
            rdb_read_byte(&r, &t);
        }
        char *key;
        size_t kl;
        CHECK(rdb_read_string(&r, &key, &kl) == 0);
        entry *e = rdb_load_value(&r, t, key, kl, exp);
        wfree(key);
        CHECK(e != NULL && ps_remaining(&r) == 0);
        if (e && k == 0) {
            CHECK(entry_expire(e) == 99999999999999LL);
            struct list *m = entry_ptr(e);
            CHECK(list_len(m) == 3000);
            struct list_pos pos;
            struct list_value v;
            CHECK(list_index(m, 2999, &pos));
            list_pos_get(&pos, &v);
            CHECK_MEM((const char *)v.s, v.len, "elem-11993");
        }
        if (e && k > 0) {
            CHECK(hash_len(e) == hash_len(all[k]));
            CHECK(entry_encoding(e) == entry_encoding(all[k]));
            struct hash_str v;
            CHECK(hash_get(e, k == 1 ? "field0" : "f999", k == 1 ? 6 : 4, &v));
            CHECK_MEM(v.s, v.len, k == 1 ? "12345" : "f999");
        }
        entry_free(e);
        /* truncations of each value */
        for (size_t cut = 0; cut < len; cut += len / 97 + 1) {
            ps_init_mem_reader(&r, p, cut);
            exp = -1;
            if (rdb_read_byte(&r, &t) != 0) continue;
            if (t == RDB_OPCODE_EXPIRETIME_MS && (rdb_read_millis(&r, &exp) != 0 || rdb_read_byte(&r, &t) != 0))
                continue;
            if (rdb_read_string(&r, &key, &kl) != 0) continue;
            e = rdb_load_value(&r, t, key, kl, exp);
            wfree(key);
            CHECK(e == NULL);
        }
        wfree(p);
        entry_free(all[k]);
    }
}

int main(void) {
    config_init();
    rdb_types_init();
    test_old_encodings();
    test_collections_round_trip();
    test_lengths();
    test_strings();
    test_file();
    return unit_summary();
}
