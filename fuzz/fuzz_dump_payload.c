/* fuzz_dump_payload.c — libFuzzer target for RESTORE's payload path
 * (src/persist/rdb_dump.c): verify, then decode. Half the runs get a correct footer
 * appended (version 10 + the right CRC-64) so the decoder itself is exercised, not
 * just the checksum. A decoded entry must re-encode, and that payload must decode to
 * the same string. No crash, over-read, UB or leak for any input. */
#include "config.h"
#include "db/entry.h"
#include "persist/crc64.h"
#include "persist/rdb_dump.h"
#include "persist/rdb_types.h"
#include "util/alloc.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define REQUIRE(x) do { if (!(x)) __builtin_trap(); } while (0)

static void try_payload(const unsigned char *p, size_t len) {
    if (rdb_dump_verify(p, len) != 0) return;
    char err[160];
    entry *e = rdb_dump_restore(p, len, "k", 1, -1, err, sizeof(err));
    if (!e) return;
    size_t n;
    unsigned char *again = rdb_dump_payload(e, 1, &n);
    REQUIRE(again && rdb_dump_verify(again, n) == 0);
    entry *f = rdb_dump_restore(again, n, "k", 1, -1, err, sizeof(err));
    REQUIRE(f);
    if (entry_type(e) == OBJ_STRING) {
        char t1[24], t2[24];
        const char *a, *b;
        size_t al, bl;
        entry_string(e, t1, &a, &al);
        entry_string(f, t2, &b, &bl);
        REQUIRE(al == bl && memcmp(a, b, al) == 0);
    }
    entry_free(f);
    entry_free(e);
    wfree(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len) {
    static int ready;
    if (!ready) { /* defaults for the limits the value codecs read (list-max-listpack-size...) */
        config_init();
        rdb_types_init();
        ready = 1;
    }
    unsigned char *copy = malloc(len ? len : 1);
    memcpy(copy, data, len);
    try_payload(copy, len);
    free(copy);
    /* the same bytes as a body with a valid footer */
    unsigned char *framed = malloc(len + 10);
    memcpy(framed, data, len);
    framed[len] = 10;
    framed[len + 1] = 0;
    uint64_t crc = crc64(0, framed, len + 2);
    for (int i = 0; i < 8; i++) framed[len + 2 + i] = (unsigned char)(crc >> (8 * i));
    try_payload(framed, len + 10);
    free(framed);
    return 0;
}
