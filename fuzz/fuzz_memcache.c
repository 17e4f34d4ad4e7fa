/* fuzz_memcache.c — libFuzzer target for the memcache request parser (src/proto/memcache.c)
 * and its base64 helpers.
 *
 * The input is parsed the way the memcache connection layer does — request after
 * request, discarding the bytes a too-large value asks to swallow — from an exact-size
 * heap copy (so ASan catches any over-read), then again fed in two pieces at a split
 * point taken from the input, which must give the same results. The first byte picks
 * the limits (default, tiny item size, authentication mode) and the split. Invariants
 * that must hold for any input crash the target when broken. */
#include "proto/memcache.h"
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define REQUIRE(x) do { if (!(x)) __builtin_trap(); } while (0)

struct outcome {
    int status[64];
    size_t pos[64];
    int command[64], error[64], ntokens[64];
    int n;
};

static void check_request(const struct mc_parser *p, const char *buf, size_t avail) {
    const struct mc_request *r = &p->req;
    REQUIRE(p->pos > 0 && p->pos <= avail);
    REQUIRE(r->ntokens >= 0);
    for (int i = 0; i < r->ntokens; i++) {
        REQUIRE(r->tok[i].len > 0);
        REQUIRE(r->tok[i].off + r->tok[i].len <= p->pos);
        volatile char sink = 0;
        for (size_t k = 0; k < r->tok[i].len; k++) sink ^= buf[r->tok[i].off + k];
        (void)sink;
        REQUIRE(memchr(buf + r->tok[i].off, ' ', r->tok[i].len) == NULL);
    }
    if (r->too_large) {
        REQUIRE(r->swallow >= 2 && r->swallow <= (long long)INT_MAX);
    } else if (r->data_len) {
        REQUIRE(r->data_off + r->data_len + 2 == p->pos);
        REQUIRE(r->vlen >= 0 && (size_t)r->vlen == r->data_len);
    }
    if (r->error == MC_ERR_NONE && r->ntokens > 0) REQUIRE(r->command != MC_CMD_NONE);
}

static void parse_all(const struct mc_limits *lim, const uint8_t *data, size_t len, size_t split,
                      struct outcome *out) {
    char *buf = malloc(len ? len : 1);
    memcpy(buf, data, len);
    struct mc_parser p;
    mc_parser_init(&p);
    size_t off = 0;
    out->n = 0;
    while (off < len && out->n < 64) {
        int st;
        if (split > off && split < len) {
            st = mc_parse(&p, lim, buf + off, split - off);
            if (st == MC_NEED_MORE) st = mc_parse(&p, lim, buf + off, len - off);
        } else {
            st = mc_parse(&p, lim, buf + off, len - off);
        }
        int i = out->n++;
        out->status[i] = st;
        out->pos[i] = p.pos;
        out->command[i] = p.req.command;
        out->error[i] = p.req.error;
        out->ntokens[i] = p.req.ntokens;
        if (st != MC_OK) break;
        check_request(&p, buf + off, len - off);
        off += p.pos;
        if (p.req.too_large) {
            size_t left = len - off;
            off += (unsigned long long)p.req.swallow < left ? (size_t)p.req.swallow : left;
        }
        mc_parser_reset(&p);
    }
    mc_parser_free(&p);
    free(buf);
}

/* base64: decoding never writes past len/4*3 bytes, and what decodes re-encodes to a
 * string that decodes to the same bytes. */
static void check_base64(const uint8_t *data, size_t len) {
    if (len > 512) len = 512;
    unsigned char *out = malloc(len / 4 * 3 + 1);
    long n = mc_base64_decode((const char *)data, len, out);
    REQUIRE(n >= -1 && n <= (long)(len / 4 * 3));
    if (n > 0) {
        char *enc = malloc(((size_t)n + 2) / 3 * 4);
        size_t el = mc_base64_encode(out, (size_t)n, enc);
        unsigned char *back = malloc(el / 4 * 3 + 1);
        REQUIRE(mc_base64_decode(enc, el, back) == n && memcmp(back, out, (size_t)n) == 0);
        free(back);
        free(enc);
    }
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    uint8_t mode = data[0];
    data++;
    size--;
    struct mc_limits lim = {.item_size_max = 1024 * 1024, .max_get_line = 1 << 20, .auth_pending = 0};
    if (mode & 1) { /* tiny limits reach the limit paths with small inputs */
        lim.item_size_max = 96;
        lim.max_get_line = 2100;
    }
    if (mode & 2) lim.auth_pending = 1;
    struct outcome whole, pieces;
    parse_all(&lim, data, size, 0, &whole);
    size_t split = size ? (size_t)(mode >> 2) % (size + 1) : 0;
    parse_all(&lim, data, size, split, &pieces);
    int n = whole.n < pieces.n ? whole.n : pieces.n;
    for (int i = 0; i < n; i++) {
        if (whole.status[i] == MC_NEED_MORE || pieces.status[i] == MC_NEED_MORE) break;
        REQUIRE(whole.status[i] == pieces.status[i]);
        if (whole.status[i] != MC_OK) break;
        REQUIRE(whole.pos[i] == pieces.pos[i]);
        REQUIRE(whole.command[i] == pieces.command[i]);
        REQUIRE(whole.error[i] == pieces.error[i]);
        REQUIRE(whole.ntokens[i] == pieces.ntokens[i]);
    }
    check_base64(data, size);
    return 0;
}
