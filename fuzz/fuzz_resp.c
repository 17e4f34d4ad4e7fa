/* fuzz_resp.c — libFuzzer target for the request parser (src/proto/resp.c).
 *
 * The input is parsed the way conn.c does — request after request until the bytes run
 * out or an error — from an exact-size heap copy (so ASan catches any over-read), then
 * again fed in two pieces at a split point taken from the input, which must give the
 * same results. The first byte picks the limits (default, tiny, unauthenticated) and the
 * split. Invariants that must hold for any input crash the target when broken. */
#include "proto/resp.h"
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define REQUIRE(x) do { if (!(x)) __builtin_trap(); } while (0)

struct outcome {
    int status[64];
    size_t pos[64];
    int argc[64];
    int n;
};

/* Parse every request in buf[0..len); `split` > 0 feeds each request first with only
 * the bytes up to `split` of the whole input, then with all of them. */
static void parse_all(const struct resp_limits *lim, const uint8_t *data, size_t len, size_t split,
                      struct outcome *out) {
    char *buf = malloc(len ? len : 1);
    memcpy(buf, data, len);
    struct resp_parser p;
    resp_parser_init(&p);
    size_t off = 0;
    out->n = 0;
    while (off < len && out->n < 64) {
        const char *err = NULL;
        int st;
        if (split > off && split < len) {
            st = resp_parse(&p, lim, buf + off, split - off, &err);
            if (st == RESP_NEED_MORE) st = resp_parse(&p, lim, buf + off, len - off, &err);
        } else {
            st = resp_parse(&p, lim, buf + off, len - off, &err);
        }
        out->status[out->n] = st;
        out->pos[out->n] = p.pos;
        out->argc[out->n] = p.argc;
        out->n++;
        if (st == RESP_ERROR) {
            REQUIRE(err != NULL && strncmp(err, "Protocol error: ", 16) == 0);
            break;
        }
        if (st == RESP_NEED_MORE) break;
        REQUIRE(p.pos > 0 && p.pos <= len - off);
        if (st == RESP_OK) {
            REQUIRE(p.argc > 0);
            for (int i = 0; i < p.argc; i++) {
                REQUIRE(p.args[i].off <= p.pos);
                REQUIRE(p.args[i].len <= p.pos - p.args[i].off);
                /* every argument byte is readable */
                volatile char sink = 0;
                for (size_t k = 0; k < p.args[i].len; k++) sink ^= buf[off + p.args[i].off + k];
                (void)sink;
            }
        }
        off += p.pos;
        resp_parser_reset(&p);
    }
    resp_parser_free(&p);
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    uint8_t mode = data[0];
    data++;
    size--;
    struct resp_limits lim = {.max_bulk_len = 512LL * 1024 * 1024, .max_multibulk = INT_MAX,
                              .max_inline = 64 * 1024, .unauthenticated = 0};
    if (mode & 1) { /* tiny limits reach the limit paths with small inputs */
        lim.max_bulk_len = 64;
        lim.max_multibulk = 8;
        lim.max_inline = 32;
    }
    if (mode & 2) lim.unauthenticated = 1;
    struct outcome whole, pieces;
    parse_all(&lim, data, size, 0, &whole);
    size_t split = size ? (size_t)(mode >> 2) % (size + 1) : 0;
    parse_all(&lim, data, size, split, &pieces);
    /* splitting never changes the outcome of a request that completed either way */
    int n = whole.n < pieces.n ? whole.n : pieces.n;
    for (int i = 0; i < n; i++) {
        if (whole.status[i] == RESP_NEED_MORE || pieces.status[i] == RESP_NEED_MORE) break;
        REQUIRE(whole.status[i] == pieces.status[i]);
        if (whole.status[i] == RESP_ERROR) break;
        REQUIRE(whole.pos[i] == pieces.pos[i]);
        REQUIRE(whole.argc[i] == pieces.argc[i]);
    }
    return 0;
}
