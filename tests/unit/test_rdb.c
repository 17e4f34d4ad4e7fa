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

int main(void) {
    rdb_types_init();
    test_lengths();
    test_strings();
    test_file();
    return unit_summary();
}
