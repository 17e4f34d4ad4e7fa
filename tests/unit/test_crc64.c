/* test_crc64.c — CRC-64 (Jones, reflected) against known vectors, and equality of the
 * 8-byte-at-a-time path with a bit-by-bit reference over every split and alignment. */
#include "persist/crc64.h"
#include "unit.h"


/* Bit-at-a-time reference straight from the definition (reflected polynomial). */
static uint64_t crc64_ref(uint64_t crc, const unsigned char *p, size_t n) {
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int b = 0; b < 8; b++) crc = (crc & 1) ? (crc >> 1) ^ 0x95ac9329ac4bc9b5ULL : crc >> 1;
    }
    return crc;
}

int main(void) {
    CHECK(crc64(0, "123456789", 9) == 0xe9c6d914c4b8d9caULL);
    CHECK(crc64(0, "", 0) == 0);
    /* a DUMP payload redis-server 7.0.15 produced for the value "1": body + version, CRC LE */
    const unsigned char dump[] = {0x00, 0xc0, 0x01, 0x0a, 0x00};
    const unsigned char want[] = {0x26, 0x78, 0xe7, 0xb6, 0xd1, 0x01, 0x11, 0xfc};
    uint64_t c = crc64(0, dump, sizeof(dump));
    for (int i = 0; i < 8; i++) CHECK(((c >> (8 * i)) & 0xff) == want[i]);
    /* continuation: crc of a+b == crc(crc(a), b), for every split and alignment */
    unsigned char buf[300];
    srand(7);
    for (size_t i = 0; i < sizeof(buf); i++) buf[i] = (unsigned char)rand();
    for (size_t off = 0; off < 8; off++) {
        size_t n = sizeof(buf) - off;
        uint64_t whole = crc64(0, buf + off, n);
        CHECK(whole == crc64_ref(0, buf + off, n));
        for (size_t split = 0; split <= n; split += 7) CHECK(crc64(crc64(0, buf + off, split), buf + off + split, n - split) == whole);
    }
    return unit_summary();
}
