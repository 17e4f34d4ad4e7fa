/* listpack.c — see listpack.h for the byte layout and the trust rules. */
#include "core/listpack.h"
#include "util/alloc.h"
#include "util/numparse.h"
#include <assert.h>
#include <string.h>

#define LP_ENC_STR32 0xF0
#define LP_ENC_INT16 0xF1
#define LP_ENC_INT24 0xF2
#define LP_ENC_INT32 0xF3
#define LP_ENC_INT64 0xF4

static inline void lp_write_u32(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}
static inline void lp_set_bytes(unsigned char *lp, uint32_t v) { lp_write_u32(lp, v); }
static inline void lp_set_count(unsigned char *lp, uint32_t v) { lp_write_u32(lp + 4, v); }

/* ---- backlen ---- */

static inline uint32_t lp_backlen_size(uint64_t l) {
    if (l < 128) return 1;
    if (l < 16384) return 2;
    if (l < 2097152) return 3;
    if (l < 268435456) return 4;
    return 5;
}

/* Write backlen for l at dst (lp_backlen_size(l) bytes): the lowest 7 bits last. */
static void lp_write_backlen(unsigned char *dst, uint64_t l) {
    uint32_t n = lp_backlen_size(l);
    for (uint32_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)(l & 127);
        l >>= 7;
        if (i + 1 < n) b |= 128; /* more bytes to the left */
        dst[n - 1 - i] = b;
    }
}

/* Read the backlen that ends just before `end`; `lo` bounds how far left we may go.
 * Returns the value and its size in *size, or 0 with *size 0 if malformed. */
static uint64_t lp_read_backlen(const unsigned char *end, const unsigned char *lo, uint32_t *size) {
    uint64_t v = 0;
    uint32_t shift = 0, n = 0;
    const unsigned char *p = end - 1;
    while (p >= lo && n < 5) {
        v |= (uint64_t)(*p & 127) << shift;
        n++;
        if (!(*p & 128)) {
            *size = n;
            return v;
        }
        shift += 7;
        p--;
    }
    *size = 0;
    return 0;
}

/* ---- entry encoding ---- */

/* Size of [encoding][payload] of the entry at p (trusted). */
static inline uint64_t lp_enc_size(const unsigned char *p) {
    unsigned char b = p[0];
    if (b < 0x80) return 1;
    if ((b & 0xC0) == 0x80) return 1 + (uint64_t)(b & 0x3F);
    if ((b & 0xE0) == 0xC0) return 2;
    if ((b & 0xF0) == 0xE0) return 2 + (((uint64_t)(b & 0x0F) << 8) | p[1]);
    switch (b) {
    case LP_ENC_STR32: return 5 + (uint64_t)lp_read_u32(p + 1);
    case LP_ENC_INT16: return 3;
    case LP_ENC_INT24: return 4;
    case LP_ENC_INT32: return 5;
    case LP_ENC_INT64: return 9;
    }
    return 0; /* invalid */
}

static inline uint64_t lp_entry_size(const unsigned char *p) {
    uint64_t e = lp_enc_size(p);
    return e + lp_backlen_size(e);
}

/* An entry about to be written: header bytes plus (for strings) a payload pointer. */
struct lp_enc {
    unsigned char hdr[9];
    uint32_t hdrlen;
    const char *payload;
    uint32_t plen;
};

static void lp_prepare_int(long long v, struct lp_enc *e) {
    e->payload = NULL;
    e->plen = 0;
    if (v >= 0 && v <= 127) {
        e->hdr[0] = (unsigned char)v;
        e->hdrlen = 1;
    } else if (v >= -4096 && v <= 4095) {
        uint32_t u = (uint32_t)(v & 0x1FFF);
        e->hdr[0] = (unsigned char)(0xC0 | (u >> 8));
        e->hdr[1] = (unsigned char)(u & 0xFF);
        e->hdrlen = 2;
    } else {
        uint64_t u = (uint64_t)v;
        uint32_t n;
        if (v >= -32768 && v <= 32767) { e->hdr[0] = LP_ENC_INT16; n = 2; }
        else if (v >= -8388608 && v <= 8388607) { e->hdr[0] = LP_ENC_INT24; n = 3; }
        else if (v >= INT32_MIN && v <= INT32_MAX) { e->hdr[0] = LP_ENC_INT32; n = 4; }
        else { e->hdr[0] = LP_ENC_INT64; n = 8; }
        for (uint32_t i = 0; i < n; i++) e->hdr[1 + i] = (unsigned char)(u >> (8 * i));
        e->hdrlen = 1 + n;
    }
}

static void lp_prepare_str(const char *s, size_t len, struct lp_enc *e) {
    long long v;
    if (len <= 20 && num_parse_ll(s, len, &v) == 0) {
        lp_prepare_int(v, e);
        return;
    }
    assert(len <= UINT32_MAX);
    e->payload = s;
    e->plen = (uint32_t)len;
    if (len < 64) {
        e->hdr[0] = (unsigned char)(0x80 | len);
        e->hdrlen = 1;
    } else if (len < 4096) {
        e->hdr[0] = (unsigned char)(0xE0 | (len >> 8));
        e->hdr[1] = (unsigned char)(len & 0xFF);
        e->hdrlen = 2;
    } else {
        e->hdr[0] = LP_ENC_STR32;
        lp_write_u32(e->hdr + 1, (uint32_t)len);
        e->hdrlen = 5;
    }
}

static inline uint64_t lp_enc_total(const struct lp_enc *e) {
    uint64_t l = (uint64_t)e->hdrlen + e->plen;
    return l + lp_backlen_size(l);
}

static void lp_write_entry(unsigned char *dst, const struct lp_enc *e) {
    memcpy(dst, e->hdr, e->hdrlen);
    if (e->plen) memcpy(dst + e->hdrlen, e->payload, e->plen);
    uint64_t l = (uint64_t)e->hdrlen + e->plen;
    lp_write_backlen(dst + l, l);
}

/* ---- whole listpack ---- */

unsigned char *lp_new(void) {
    unsigned char *lp = wmalloc(LP_HEADER_SIZE);
    lp_set_bytes(lp, LP_HEADER_SIZE);
    lp_set_count(lp, 0);
    return lp;
}

void lp_free(unsigned char *lp) { wfree(lp); }

unsigned char *lp_dup(const unsigned char *lp) {
    unsigned char *n = wmalloc(lp_bytes(lp));
    memcpy(n, lp, lp_bytes(lp));
    return n;
}

int lp_safe_to_add(const unsigned char *lp, size_t add) {
    size_t cur = lp ? lp_bytes(lp) : 0;
    return add < LP_SAFETY_SIZE && cur + add + 16 < LP_SAFETY_SIZE;
}

unsigned char *lp_first(unsigned char *lp) { return lp_count(lp) ? lp + LP_HEADER_SIZE : NULL; }

unsigned char *lp_last(unsigned char *lp) {
    if (!lp_count(lp)) return NULL;
    unsigned char *end = lp + lp_bytes(lp);
    uint32_t bs;
    uint64_t l = lp_read_backlen(end, lp + LP_HEADER_SIZE, &bs);
    assert(bs);
    return end - bs - l;
}

unsigned char *lp_next(unsigned char *lp, unsigned char *p) {
    unsigned char *n = p + lp_entry_size(p);
    return n < lp + lp_bytes(lp) ? n : NULL;
}

unsigned char *lp_prev(unsigned char *lp, unsigned char *p) {
    if (p <= lp + LP_HEADER_SIZE) return NULL;
    uint32_t bs;
    uint64_t l = lp_read_backlen(p, lp + LP_HEADER_SIZE, &bs);
    assert(bs);
    return p - bs - l;
}

unsigned char *lp_seek(unsigned char *lp, long long index) {
    long long n = lp_count(lp);
    if (index < 0) index += n;
    if (index < 0 || index >= n) return NULL;
    unsigned char *p;
    if (index <= n / 2) {
        p = lp_first(lp);
        while (index--) p = lp_next(lp, p);
    } else {
        p = lp_last(lp);
        for (long long i = n - 1; i > index; i--) p = lp_prev(lp, p);
    }
    return p;
}

/* ---- reading entries ---- */

void lp_get(const unsigned char *p, struct lp_val *v) {
    unsigned char b = p[0];
    v->str = NULL;
    v->len = 0;
    if (b < 0x80) {
        v->num = b;
    } else if ((b & 0xC0) == 0x80) {
        v->str = p + 1;
        v->len = b & 0x3F;
    } else if ((b & 0xE0) == 0xC0) {
        uint32_t u = ((uint32_t)(b & 0x1F) << 8) | p[1];
        v->num = (u & 0x1000) ? (long long)u - 0x2000 : (long long)u;
    } else if ((b & 0xF0) == 0xE0) {
        v->str = p + 2;
        v->len = ((uint32_t)(b & 0x0F) << 8) | p[1];
    } else if (b == LP_ENC_STR32) {
        v->str = p + 5;
        v->len = lp_read_u32(p + 1);
    } else {
        uint32_t n = b == LP_ENC_INT16 ? 2 : b == LP_ENC_INT24 ? 3 : b == LP_ENC_INT32 ? 4 : 8;
        uint64_t u = 0;
        for (uint32_t i = 0; i < n; i++) u |= (uint64_t)p[1 + i] << (8 * i);
        if (n < 8 && (u >> (8 * n - 1)) & 1) u |= ~0ULL << (8 * n); /* sign-extend */
        v->num = (long long)u;
    }
}

const unsigned char *lp_get_str(const unsigned char *p, unsigned char *buf, size_t *len) {
    struct lp_val v;
    lp_get(p, &v);
    if (v.str) {
        *len = v.len;
        return v.str;
    }
    *len = (size_t)num_ll_to_str((char *)buf, v.num);
    return buf;
}

size_t lp_str_len(const unsigned char *p) {
    unsigned char buf[24];
    size_t len;
    lp_get_str(p, buf, &len);
    return len;
}

int lp_eq(const unsigned char *p, const char *s, size_t len) {
    struct lp_val v;
    lp_get(p, &v);
    if (v.str) return v.len == len && (len == 0 || memcmp(v.str, s, len) == 0);
    long long n;
    return len <= 20 && num_parse_ll(s, len, &n) == 0 && n == v.num;
}

/* ---- modification ---- */

/* Open a gap of `add` bytes at offset off; returns the moved listpack. */
static unsigned char *lp_open_gap(unsigned char *lp, size_t off, uint64_t add) {
    uint64_t old = lp_bytes(lp), total = old + add;
    assert(total <= UINT32_MAX);
    lp = wrealloc(lp, (size_t)total);
    memmove(lp + off + add, lp + off, (size_t)(old - off));
    lp_set_bytes(lp, (uint32_t)total);
    return lp;
}

static unsigned char *lp_insert_enc(unsigned char *lp, unsigned char *p, int where, const struct lp_enc *e,
                                    unsigned char **newp) {
    size_t off;
    if (!p) off = where == LP_AFTER ? lp_bytes(lp) : LP_HEADER_SIZE;
    else off = (size_t)(p - lp) + (where == LP_AFTER ? (size_t)lp_entry_size(p) : 0);
    uint64_t add = lp_enc_total(e);
    lp = lp_open_gap(lp, off, add);
    lp_write_entry(lp + off, e);
    lp_set_count(lp, lp_count(lp) + 1);
    if (newp) *newp = lp + off;
    return lp;
}

unsigned char *lp_insert(unsigned char *lp, unsigned char *p, int where, const char *s, size_t len,
                         unsigned char **newp) {
    struct lp_enc e;
    lp_prepare_str(s, len, &e);
    return lp_insert_enc(lp, p, where, &e, newp);
}

unsigned char *lp_insert_int(unsigned char *lp, unsigned char *p, int where, long long v, unsigned char **newp) {
    struct lp_enc e;
    lp_prepare_int(v, &e);
    return lp_insert_enc(lp, p, where, &e, newp);
}

static unsigned char *lp_replace_enc(unsigned char *lp, unsigned char **pp, const struct lp_enc *e) {
    size_t off = (size_t)(*pp - lp);
    uint64_t oldsz = lp_entry_size(*pp), newsz = lp_enc_total(e);
    uint64_t total = lp_bytes(lp);
    if (newsz > oldsz) {
        lp = lp_open_gap(lp, off + (size_t)oldsz, newsz - oldsz);
    } else if (newsz < oldsz) {
        size_t tail = (size_t)(total - off - oldsz);
        memmove(lp + off + newsz, lp + off + oldsz, tail);
        total -= oldsz - newsz;
        lp = wrealloc(lp, (size_t)total);
        lp_set_bytes(lp, (uint32_t)total);
    }
    lp_write_entry(lp + off, e);
    *pp = lp + off;
    return lp;
}

unsigned char *lp_replace(unsigned char *lp, unsigned char **p, const char *s, size_t len) {
    struct lp_enc e;
    lp_prepare_str(s, len, &e);
    return lp_replace_enc(lp, p, &e);
}

unsigned char *lp_replace_int(unsigned char *lp, unsigned char **p, long long v) {
    struct lp_enc e;
    lp_prepare_int(v, &e);
    return lp_replace_enc(lp, p, &e);
}

unsigned char *lp_delete_n(unsigned char *lp, unsigned char **pp, uint32_t count) {
    unsigned char *p = *pp;
    size_t off = (size_t)(p - lp);
    uint32_t total = lp_bytes(lp);
    unsigned char *q = p;
    uint32_t n = 0;
    while (n < count && q < lp + total) {
        q += lp_entry_size(q);
        n++;
    }
    size_t gone = (size_t)(q - p);
    memmove(lp + off, lp + off + gone, total - off - gone);
    total -= (uint32_t)gone;
    lp = wrealloc(lp, total);
    lp_set_bytes(lp, total);
    lp_set_count(lp, lp_count(lp) - n);
    *pp = off < total ? lp + off : NULL;
    return lp;
}

unsigned char *lp_delete(unsigned char *lp, unsigned char **p) { return lp_delete_n(lp, p, 1); }

unsigned char *lp_delete_range(unsigned char *lp, long long start, uint32_t count) {
    unsigned char *p = lp_seek(lp, start);
    if (!p || count == 0) return lp;
    return lp_delete_n(lp, &p, count);
}

unsigned char *lp_split(unsigned char **lpp, uint32_t from) {
    unsigned char *lp = *lpp;
    unsigned char *p = lp_seek(lp, from);
    unsigned char *n = lp_new();
    if (!p) return n;
    uint32_t total = lp_bytes(lp), cnt = lp_count(lp);
    size_t off = (size_t)(p - lp), move = total - off;
    n = wrealloc(n, LP_HEADER_SIZE + move);
    memcpy(n + LP_HEADER_SIZE, p, move);
    lp_set_bytes(n, (uint32_t)(LP_HEADER_SIZE + move));
    lp_set_count(n, cnt - from);
    lp = wrealloc(lp, off);
    lp_set_bytes(lp, (uint32_t)off);
    lp_set_count(lp, from);
    *lpp = lp;
    return n;
}

unsigned char *lp_merge(unsigned char *a, const unsigned char *b) {
    uint32_t add = lp_bytes(b) - LP_HEADER_SIZE;
    if (!add) return a;
    uint32_t old = lp_bytes(a);
    assert((uint64_t)old + add <= UINT32_MAX);
    a = wrealloc(a, (size_t)old + add);
    memcpy(a + old, b + LP_HEADER_SIZE, add);
    lp_set_bytes(a, old + add);
    lp_set_count(a, lp_count(a) + lp_count(b));
    return a;
}

unsigned char *lp_find(unsigned char *lp, unsigned char *p, const char *s, size_t len, uint32_t skip) {
    long long want;
    int want_int = len <= 20 && num_parse_ll(s, len, &want) == 0;
    unsigned char *end = lp + lp_bytes(lp);
    uint32_t skipping = 0;
    while (p && p < end) {
        if (skipping == 0) {
            struct lp_val v;
            lp_get(p, &v);
            if (v.str) {
                if (v.len == len && (len == 0 || memcmp(v.str, s, len) == 0)) return p;
            } else if (want_int && v.num == want) {
                return p;
            }
            skipping = skip;
        } else {
            skipping--;
        }
        p += lp_entry_size(p);
    }
    return NULL;
}

int lp_validate(const unsigned char *buf, size_t size) {
    if (size < LP_HEADER_SIZE || size > UINT32_MAX) return -1;
    if (lp_read_u32(buf) != size) return -1;
    uint32_t count = lp_read_u32(buf + 4), seen = 0;
    const unsigned char *p = buf + LP_HEADER_SIZE, *end = buf + size;
    while (p < end) {
        size_t room = (size_t)(end - p);
        unsigned char b = p[0];
        /* the header bytes that say the length must be present before reading them */
        if ((b & 0xF0) == 0xE0 && room < 2) return -1;
        if (b == LP_ENC_STR32 && room < 5) return -1;
        if (b > LP_ENC_INT64) return -1;
        uint64_t enc = lp_enc_size(p);
        if (enc == 0 || enc > room) return -1;
        uint32_t bl = lp_backlen_size(enc);
        if (bl > room - enc) return -1;
        uint32_t got;
        uint64_t back = lp_read_backlen(p + enc + bl, p + enc, &got);
        if (got != bl || back != enc) return -1;
        p += enc + bl;
        if (++seen == 0) return -1;
    }
    return seen == count ? 0 : -1;
}
