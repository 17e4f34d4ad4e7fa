/* test_lzf.c — LZF round trips over many shapes of data, a stream redis-server wrote,
 * and hostile streams: the decompressor must refuse (return 0) without reading or
 * writing outside its buffers (ASan watches). */
#include "persist/lzf.h"
#include "unit.h"


static void round_trip(const unsigned char *in, size_t n) {
    size_t cap = n + n / 16 + 64;
    unsigned char *c = malloc(cap), *d = malloc(n + 1);
    size_t cl = lzf_compress(in, n, c, cap);
    CHECK(n == 0 || cl > 0);
    if (cl > 0) {
        CHECK(lzf_decompress(c, cl, d, n) == n);
        CHECK(memcmp(in, d, n) == 0);
        /* one byte short of room: must refuse, not overflow */
        if (n > 0) CHECK(lzf_decompress(c, cl, d, n - 1) == 0);
        /* a too-small output for the compressor: 0, not overflow */
        unsigned char *tiny = malloc(cl - 1 ? cl - 1 : 1);
        CHECK(lzf_compress(in, n, tiny, cl - 1) == 0 || cl == 1);
        free(tiny);
    }
    free(c);
    free(d);
}

int main(void) {
    /* redis-server 7.0.15's encoding of 100 'x' (from an RDB it wrote) */
    const unsigned char redis_x100[] = {0x01, 0x78, 0x78, 0xe0, 0x57, 0x00, 0x01, 0x78, 0x78};
    unsigned char out[128];
    CHECK(lzf_decompress(redis_x100, sizeof(redis_x100), out, sizeof(out)) == 100);
    for (int i = 0; i < 100; i++) CHECK(out[i] == 'x');

    unsigned char *buf = malloc(200000);
    srand(11);
    size_t sizes[] = {1, 2, 3, 4, 31, 32, 33, 64, 263, 264, 265, 1000, 8191, 8192, 8193, 70000, 200000};
    for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
        size_t n = sizes[k];
        memset(buf, 'a', n);
        round_trip(buf, n); /* long runs: maximal back references */
        for (size_t i = 0; i < n; i++) buf[i] = (unsigned char)rand();
        round_trip(buf, n); /* incompressible */
        for (size_t i = 0; i < n; i++) buf[i] = "abcabcabd"[i % 9] + (unsigned char)((i / 5000) % 3);
        round_trip(buf, n); /* repetitive text */
    }
    /* compression actually compresses */
    memset(buf, 'z', 10000);
    CHECK(lzf_compress(buf, 10000, out, sizeof(out)) > 0);

    /* hostile streams */
    const unsigned char lit_trunc[] = {0x05, 'a', 'b'};        /* literal of 6, 2 present */
    CHECK(lzf_decompress(lit_trunc, sizeof(lit_trunc), out, sizeof(out)) == 0);
    const unsigned char ref_before[] = {0x00, 'a', 0x20, 0x05}; /* back 6 with 1 byte out */
    CHECK(lzf_decompress(ref_before, sizeof(ref_before), out, sizeof(out)) == 0);
    const unsigned char ref_trunc[] = {0x00, 'a', 0x20};        /* offset byte missing */
    CHECK(lzf_decompress(ref_trunc, sizeof(ref_trunc), out, sizeof(out)) == 0);
    const unsigned char long_trunc[] = {0x00, 'a', 0xe0};       /* long length byte missing */
    CHECK(lzf_decompress(long_trunc, sizeof(long_trunc), out, sizeof(out)) == 0);
    const unsigned char big_out[] = {0x00, 'a', 0xe0, 0xff, 0x00}; /* 264 bytes into 128 */
    CHECK(lzf_decompress(big_out, sizeof(big_out), out, sizeof(out)) == 0);
    /* random garbage never crashes (ASan checks the accesses) */
    for (int iter = 0; iter < 20000; iter++) {
        size_t n = (size_t)(rand() % 64) + 1;
        unsigned char in[64];
        for (size_t i = 0; i < n; i++) in[i] = (unsigned char)rand();
        size_t cap = (size_t)(rand() % 200);
        unsigned char *o = malloc(cap ? cap : 1);
        size_t got = lzf_decompress(in, n, o, cap);
        CHECK(got <= cap);
        free(o);
    }
    free(buf);
    return unit_summary();
}
