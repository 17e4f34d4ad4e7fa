/* string_lcs.c — LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN] (row in
 * string.c).
 *
 * The answer must be the very subsequence (and match ranges) Redis 7.0 returns, so we
 * walk back through the classic dynamic-programming table the same way: on equal
 * bytes take the diagonal, otherwise step up in the first string only when
 * LCS(i-1,j) > LCS(i,j-1). Redis keeps the whole table of 32-bit lengths; we only keep
 * two rows of lengths plus that one comparison bit per cell (32 times less memory).
 * The table still grows with the product of the lengths. Redis 7.0 refuses inputs
 * whose table (4 bytes a cell) would exceed proto-max-bulk-len, and so do we, for
 * every form (LEN too, which bounds the run time). Should proto-max-bulk-len be raised,
 * LCS_MAX_CELLS still caps the work and memory; past it we answer as Redis does when
 * its table cannot be allocated. */
#include "client.h"
#include "cmd/dispatch.h"
#include "cmd/string_int.h"
#include "config.h"
#include "util/alloc.h"
#include "util/numparse.h"
#include <stdint.h>
#include <string.h>

#define LCS_MAX_CELLS (1ULL << 31) /* 256 MB of comparison bits, a few seconds of work */

struct lcs_input {
    const char *p;
    size_t len;
    char tmp[24]; /* digits of an int-encoded value */
};

static void lcs_input_of(const entry *e, struct lcs_input *in) {
    if (!e) {
        in->p = "";
        in->len = 0;
        return;
    }
    entry_string(e, in->tmp, &in->p, &in->len);
}

/* Fill rows of LCS lengths for a (rows) x b (columns); when `up` is not NULL, set bit
 * (i-1)*blen + (j-1) where bytes differ and LCS(i-1,j) > LCS(i,j-1). Returns LCS(a,b). */
static uint32_t lcs_fill(const unsigned char *a, uint32_t alen, const unsigned char *b, uint32_t blen,
                         uint64_t *up) {
    uint32_t *prev = wcalloc((size_t)blen + 1, sizeof(uint32_t));
    uint32_t *cur = wcalloc((size_t)blen + 1, sizeof(uint32_t));
    for (uint32_t i = 1; i <= alen; i++) {
        cur[0] = 0;
        for (uint32_t j = 1; j <= blen; j++) {
            if (a[i - 1] == b[j - 1]) {
                cur[j] = prev[j - 1] + 1;
            } else {
                uint32_t above = prev[j], left = cur[j - 1];
                cur[j] = above > left ? above : left;
                if (up && above > left) {
                    uint64_t bit = (uint64_t)(i - 1) * blen + (j - 1);
                    up[bit >> 6] |= 1ULL << (bit & 63);
                }
            }
        }
        uint32_t *t = prev;
        prev = cur;
        cur = t;
    }
    uint32_t result = prev[blen];
    wfree(prev);
    wfree(cur);
    return result;
}

struct lcs_range_opts {
    long long minmatchlen;
    int withmatchlen;
};

/* Walk back from (alen, blen): write the subsequence into out (len bytes, filled from
 * the end) and, when `ranges` is set, reply each maximal run of matches (ending
 * positions first, as Redis) whose length passes minmatchlen. Returns the number of
 * ranges replied. */
static long long lcs_walk(struct client *c, const unsigned char *a, uint32_t alen, const unsigned char *b,
                          uint32_t blen, const uint64_t *up, char *out, uint32_t len, int ranges,
                          const struct lcs_range_opts *o) {
    uint32_t i = alen, j = blen, idx = len;
    int open = 0; /* a run of matches is being tracked */
    uint32_t a_start = 0, a_end = 0, b_start = 0, b_end = 0;
    long long emitted = 0;
    while (i > 0 && j > 0) {
        int emit = 0;
        if (a[i - 1] == b[j - 1]) {
            out[--idx] = (char)a[i - 1];
            if (!open) {
                open = 1;
                a_end = i - 1;
                b_end = j - 1;
            }
            a_start = i - 1;
            b_start = j - 1;
            i--;
            j--;
            if (i == 0 || j == 0) emit = open; /* the walk ends here */
        } else {
            uint64_t bit = (uint64_t)(i - 1) * blen + (j - 1);
            if ((up[bit >> 6] >> (bit & 63)) & 1) i--;
            else j--;
            emit = open;
        }
        if (emit) {
            uint32_t match_len = a_end - a_start + 1;
            if (ranges && (o->minmatchlen == 0 || match_len >= o->minmatchlen)) {
                reply_array(&c->out, 2 + o->withmatchlen);
                reply_array(&c->out, 2);
                reply_int(&c->out, a_start);
                reply_int(&c->out, a_end);
                reply_array(&c->out, 2);
                reply_int(&c->out, b_start);
                reply_int(&c->out, b_end);
                if (o->withmatchlen) reply_int(&c->out, match_len);
                emitted++;
            }
            open = 0;
        }
    }
    return emitted;
}

void lcs_command(struct client *c) {
    entry *ea = db_find_read(c->db, c->argv[1].ptr, c->argv[1].len);
    entry *eb = db_find_read(c->db, c->argv[2].ptr, c->argv[2].len);
    if ((ea && entry_type(ea) != OBJ_STRING) || (eb && entry_type(eb) != OBJ_STRING)) {
        reply_error(&c->out, "ERR The specified keys must contain string values");
        return;
    }
    int getlen = 0, getidx = 0;
    struct lcs_range_opts o = {0, 0};
    for (int k = 3; k < c->argc; k++) {
        const struct arg *opt = &c->argv[k];
        if (arg_eq(opt, "IDX")) {
            getidx = 1;
        } else if (arg_eq(opt, "LEN")) {
            getlen = 1;
        } else if (arg_eq(opt, "WITHMATCHLEN")) {
            o.withmatchlen = 1;
        } else if (arg_eq(opt, "MINMATCHLEN") && k + 1 < c->argc) {
            if (num_parse_ll(c->argv[k + 1].ptr, c->argv[k + 1].len, &o.minmatchlen) != 0) {
                reply_not_integer(c);
                return;
            }
            if (o.minmatchlen < 0) o.minmatchlen = 0;
            k++;
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    if (getidx && getlen) {
        reply_error(&c->out, "ERR If you want both the length and indexes, please just use IDX.");
        return;
    }
    struct lcs_input ia, ib;
    lcs_input_of(ea, &ia);
    lcs_input_of(eb, &ib);
    if (ia.len >= UINT32_MAX - 1 || ib.len >= UINT32_MAX - 1) {
        reply_error(&c->out, "ERR String too long for LCS");
        return;
    }
    uint32_t alen = (uint32_t)ia.len, blen = (uint32_t)ib.len;
    /* Redis 7.0 refuses when its table of 32-bit lengths would exceed
     * proto-max-bulk-len; our own cap covers a raised proto-max-bulk-len (where Redis
     * would fail to allocate). */
    uint64_t cells;
    long long max_bytes = server_config.proto_max_bulk_len;
    if (__builtin_mul_overflow((uint64_t)alen + 1, (uint64_t)blen + 1, &cells) || cells > UINT64_MAX / 4 ||
        (max_bytes >= 0 && cells * 4 > (uint64_t)max_bytes)) {
        reply_error(&c->out, "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
        return;
    }
    if (cells > LCS_MAX_CELLS) {
        reply_error(&c->out, "ERR Insufficient memory, failed allocating transient memory for LCS");
        return;
    }
    const unsigned char *a = (const unsigned char *)ia.p, *b = (const unsigned char *)ib.p;
    int need_walk = getidx || !getlen;
    uint64_t *up = NULL;
    if (need_walk) up = wcalloc(((uint64_t)alen * blen + 63) / 64 + 1, sizeof(uint64_t));
    uint32_t len = lcs_fill(a, alen, b, blen, up);
    if (!need_walk) {
        reply_int(&c->out, len);
        return;
    }
    char *out = wmalloc((size_t)len + 1);
    if (getidx) {
        reply_map(&c->out, 2);
        reply_bulk_cstr(&c->out, "matches");
        reply_deferred d = reply_defer_len(&c->out);
        long long n = lcs_walk(c, a, alen, b, blen, up, out, len, 1, &o);
        reply_set_deferred_array(&c->out, d, n);
        reply_bulk_cstr(&c->out, "len");
        reply_int(&c->out, len);
    } else {
        lcs_walk(c, a, alen, b, blen, up, out, len, 0, &o);
        reply_bulk(&c->out, out, len);
    }
    wfree(out);
    wfree(up);
}
