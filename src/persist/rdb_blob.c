/* rdb_blob.c — see rdb_blob.h for the layouts. Written from the published format
 * descriptions; every read is checked against the blob's end first. */
#include "persist/rdb_blob.h"
#include "util/alloc.h"
#include "util/numparse.h"
#include <stdio.h>
#include <string.h>

static inline uint32_t rd32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint16_t rd16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline long long rd_signed(const unsigned char *p, int bytes) {
    uint64_t u = 0;
    for (int i = bytes - 1; i >= 0; i--) u = u << 8 | p[i];
    if (bytes < 8 && (u >> (bytes * 8 - 1)) & 1) u |= ~0ULL << (bytes * 8); /* sign-extend */
    return (long long)u;
}

const char *blob_item_str(const struct blob_item *it, char *buf, size_t *len) {
    if (it->s) {
        *len = it->len;
        return (const char *)it->s;
    }
    *len = (size_t)num_ll_to_str(buf, it->v);
    return buf;
}

#define FAIL(...)                                   \
    do {                                            \
        snprintf(err, errlen, __VA_ARGS__);         \
        return -1;                                  \
    } while (0)

/* ---- listpack ---- */

/* Size of the backlen field that encodes an entry of l bytes. */
static size_t lp_backlen_size(uint64_t l) {
    return l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
}

long long blob_listpack_each(const unsigned char *p, size_t len, blob_item_fn fn, void *priv, char *err,
                             size_t errlen) {
    if (len < 7) FAIL("listpack shorter than its header");
    if (rd32(p) != len) FAIL("listpack total length %u does not match its %zu bytes", rd32(p), len);
    if (p[len - 1] != 0xFF) FAIL("listpack without its end marker");
    unsigned declared = rd16(p + 4);
    size_t at = 6, end = len - 1;
    long long n = 0;
    while (at < end) {
        unsigned b = p[at];
        size_t hdr = 0, data = 0; /* every branch sets both or fails */
        struct blob_item it = {0};
        size_t left = end - at;
        if ((b & 0x80) == 0) {
            hdr = 1, data = 0, it.v = b & 0x7f;
        } else if ((b & 0xC0) == 0x80) {
            hdr = 1, data = b & 0x3f;
        } else if ((b & 0xE0) == 0xC0) {
            if (left < 2) FAIL("truncated listpack entry");
            uint64_t u = ((uint64_t)(b & 0x1f) << 8) | p[at + 1];
            hdr = 2, data = 0, it.v = u >= 4096 ? (long long)u - 8192 : (long long)u;
        } else if ((b & 0xF0) == 0xE0) {
            if (left < 2) FAIL("truncated listpack entry");
            hdr = 2, data = ((size_t)(b & 0x0f) << 8) | p[at + 1];
        } else if (b == 0xF0) {
            if (left < 5) FAIL("truncated listpack entry");
            hdr = 5, data = rd32(p + at + 1);
        } else if (b >= 0xF1 && b <= 0xF4) {
            static const int bytes[] = {2, 3, 4, 8};
            int k = bytes[b - 0xF1];
            if (left < 1 + (size_t)k) FAIL("truncated listpack entry");
            hdr = 1 + (size_t)k, data = 0, it.v = rd_signed(p + at + 1, k);
        } else {
            FAIL("invalid listpack entry encoding 0x%02x", b);
        }
        int is_str = (b & 0xC0) == 0x80 || (b & 0xF0) == 0xE0 || b == 0xF0;
        if (data > left || hdr > left - data) FAIL("listpack entry runs past the end");
        uint64_t elen = hdr + data;
        size_t bl = lp_backlen_size(elen);
        if (bl > left - elen) FAIL("listpack entry backlen runs past the end");
        /* the backlen, read right to left, must give the entry's size */
        uint64_t got = 0;
        size_t last = at + elen + bl - 1;
        for (size_t i = 0; i < bl; i++) {
            unsigned c = p[last - i];
            got |= (uint64_t)(c & 0x7f) << (7 * i);
            if (i + 1 < bl ? !(c & 0x80) : (c & 0x80)) FAIL("invalid listpack backlen");
        }
        if (got != elen) FAIL("listpack backlen does not match its entry");
        if (is_str) {
            it.s = p + at + hdr;
            it.len = data;
        }
        if (fn && fn(priv, &it) != 0) return -1;
        n++;
        at += elen + bl;
    }
    if (declared != 65535 && (long long)declared != n) FAIL("listpack count %u does not match its %lld entries", declared, n);
    return n;
}

static void rlp_reserve(struct rlp *w, size_t more) {
    if (w->len + more <= w->cap) return;
    size_t cap = w->cap ? w->cap : 64;
    while (cap < w->len + more) cap *= 2;
    w->buf = wrealloc(w->buf, cap);
    w->cap = cap;
}

void rlp_init(struct rlp *w) {
    w->buf = NULL;
    w->len = w->cap = 0;
    w->count = 0;
    rlp_reserve(w, 64);
    w->len = 6; /* header filled by rlp_finish */
}

static void rlp_backlen(struct rlp *w, uint64_t l) {
    unsigned char b[5] = {0};
    size_t n = lp_backlen_size(l);
    /* leftmost group holds the highest bits without the continuation flag */
    for (size_t i = 0; i < n; i++) {
        unsigned char grp = (unsigned char)((l >> (7 * (n - 1 - i))) & 0x7f);
        b[i] = i == 0 ? grp : (unsigned char)(grp | 0x80);
    }
    rlp_reserve(w, n);
    memcpy(w->buf + w->len, b, n);
    w->len += n;
}

void rlp_add_int(struct rlp *w, long long v) {
    unsigned char b[9];
    size_t n;
    if (v >= 0 && v <= 127) {
        b[0] = (unsigned char)v, n = 1;
    } else if (v >= -4096 && v <= 4095) {
        uint64_t u = v < 0 ? (uint64_t)(8192 + v) : (uint64_t)v;
        b[0] = (unsigned char)(0xC0 | (u >> 8)), b[1] = (unsigned char)(u & 0xff), n = 2;
    } else {
        int k = v >= -32768 && v <= 32767 ? 2 : v >= -8388608 && v <= 8388607 ? 3
                : v >= -2147483648LL && v <= 2147483647LL ? 4 : 8;
        b[0] = (unsigned char)(k == 2 ? 0xF1 : k == 3 ? 0xF2 : k == 4 ? 0xF3 : 0xF4);
        uint64_t u = (uint64_t)v;
        for (int i = 0; i < k; i++) b[1 + i] = (unsigned char)(u >> (8 * i));
        n = 1 + (size_t)k;
    }
    rlp_reserve(w, n);
    memcpy(w->buf + w->len, b, n);
    w->len += n;
    rlp_backlen(w, n);
    w->count++;
}

void rlp_add(struct rlp *w, const char *s, size_t len) {
    long long v;
    if (len <= 20 && num_parse_ll(s, len, &v) == 0) {
        rlp_add_int(w, v);
        return;
    }
    unsigned char h[5];
    size_t hn;
    if (len < 64) {
        h[0] = (unsigned char)(0x80 | len), hn = 1;
    } else if (len < 4096) {
        h[0] = (unsigned char)(0xE0 | (len >> 8)), h[1] = (unsigned char)(len & 0xff), hn = 2;
    } else {
        h[0] = 0xF0;
        for (int i = 0; i < 4; i++) h[1 + i] = (unsigned char)(len >> (8 * i));
        hn = 5;
    }
    rlp_reserve(w, hn + len);
    memcpy(w->buf + w->len, h, hn);
    if (len) memcpy(w->buf + w->len + hn, s, len);
    w->len += hn + len;
    rlp_backlen(w, hn + len);
    w->count++;
}

unsigned char *rlp_finish(struct rlp *w, size_t *len) {
    rlp_reserve(w, 1);
    w->buf[w->len++] = 0xFF;
    uint32_t total = (uint32_t)w->len;
    for (int i = 0; i < 4; i++) w->buf[i] = (unsigned char)(total >> (8 * i));
    uint16_t cnt = w->count < 65535 ? (uint16_t)w->count : 65535;
    w->buf[4] = (unsigned char)(cnt & 0xff);
    w->buf[5] = (unsigned char)(cnt >> 8);
    unsigned char *out = w->buf;
    *len = w->len;
    w->buf = NULL;
    w->len = w->cap = 0;
    w->count = 0;
    return out;
}

void rlp_free(struct rlp *w) {
    wfree(w->buf);
    w->buf = NULL;
    w->len = w->cap = 0;
}

/* ---- ziplist ---- */

long long blob_ziplist_each(const unsigned char *p, size_t len, blob_item_fn fn, void *priv, char *err,
                            size_t errlen) {
    if (len < 11) FAIL("ziplist shorter than its header");
    if (rd32(p) != len) FAIL("ziplist total length does not match its bytes");
    if (p[len - 1] != 0xFF) FAIL("ziplist without its end marker");
    uint32_t tail = rd32(p + 4);
    unsigned declared = rd16(p + 8);
    size_t at = 10, end = len - 1, prev_size = 0, last_at = 10;
    long long n = 0;
    while (at < end) {
        size_t left = end - at;
        size_t pl = 0;
        uint64_t prevlen = 0;
        if (p[at] < 254) {
            pl = 1, prevlen = p[at];
        } else if (p[at] == 254) {
            if (left < 5) FAIL("truncated ziplist entry");
            pl = 5, prevlen = rd32(p + at + 1);
        } else {
            FAIL("invalid ziplist prevlen");
        }
        if (prevlen != prev_size) FAIL("ziplist prevlen does not match the previous entry");
        if (left - pl < 1) FAIL("truncated ziplist entry");
        size_t e = at + pl;
        unsigned b = p[e];
        size_t hdr, data = 0;
        struct blob_item it = {0};
        left = end - e;
        switch (b >> 6) {
        case 0: hdr = 1, data = b & 0x3f; break;
        case 1:
            if (left < 2) FAIL("truncated ziplist entry");
            hdr = 2, data = ((size_t)(b & 0x3f) << 8) | p[e + 1];
            break;
        case 2:
            if (b != 0x80) FAIL("invalid ziplist string encoding");
            if (left < 5) FAIL("truncated ziplist entry");
            hdr = 5, data = (size_t)p[e + 1] << 24 | (size_t)p[e + 2] << 16 | (size_t)p[e + 3] << 8 | p[e + 4];
            break;
        default: {
            int k;
            if (b == 0xC0) k = 2;
            else if (b == 0xD0) k = 4;
            else if (b == 0xE0) k = 8;
            else if (b == 0xF0) k = 3;
            else if (b == 0xFE) k = 1;
            else if (b >= 0xF1 && b <= 0xFD) k = 0;
            else FAIL("invalid ziplist entry encoding 0x%02x", b);
            if (left < 1 + (size_t)k) FAIL("truncated ziplist entry");
            hdr = 1 + (size_t)k;
            it.v = k ? rd_signed(p + e + 1, k) : (long long)(b & 0x0f) - 1;
            break;
        }
        }
        int is_str = b >> 6 != 3;
        if (data > left || hdr > left - data) FAIL("ziplist entry runs past the end");
        if (is_str) {
            it.s = p + e + hdr;
            it.len = data;
        }
        if (fn && fn(priv, &it) != 0) return -1;
        n++;
        last_at = at;
        prev_size = pl + hdr + data;
        at = e + hdr + data;
    }
    if (tail != last_at) FAIL("ziplist tail offset does not point at its last entry");
    if (declared != 65535 && (long long)declared != n) FAIL("ziplist count does not match its entries");
    return n;
}

/* ---- intset ---- */

long long blob_intset_each(const unsigned char *p, size_t len, blob_item_fn fn, void *priv, char *err,
                           size_t errlen) {
    if (len < 8) FAIL("intset shorter than its header");
    uint32_t enc = rd32(p), count = rd32(p + 4);
    if (enc != 2 && enc != 4 && enc != 8) FAIL("invalid intset encoding %u", enc);
    if ((uint64_t)count * enc != len - 8) FAIL("intset size does not match its count");
    long long prev = 0;
    for (uint32_t i = 0; i < count; i++) {
        struct blob_item it = {0};
        it.v = rd_signed(p + 8 + (size_t)i * enc, (int)enc);
        if (i && it.v <= prev) FAIL("intset not sorted or holds duplicates");
        prev = it.v;
        if (fn && fn(priv, &it) != 0) return -1;
    }
    return count;
}

unsigned char *blob_intset_build(const long long *vals, size_t n, size_t *len) {
    int enc = 2;
    for (size_t i = 0; i < n; i++) {
        if (vals[i] < -2147483648LL || vals[i] > 2147483647LL) enc = 8;
        else if ((vals[i] < -32768 || vals[i] > 32767) && enc < 4) enc = 4;
    }
    *len = 8 + n * (size_t)enc;
    unsigned char *p = wmalloc(*len);
    for (int i = 0; i < 4; i++) p[i] = (unsigned char)((uint32_t)enc >> (8 * i));
    for (int i = 0; i < 4; i++) p[4 + i] = (unsigned char)((uint32_t)n >> (8 * i));
    for (size_t k = 0; k < n; k++)
        for (int i = 0; i < enc; i++) p[8 + k * (size_t)enc + (size_t)i] = (unsigned char)((uint64_t)vals[k] >> (8 * i));
    return p;
}

/* ---- zipmap ---- */

/* Read a zipmap length at p[*at]; -1 when it does not fit. */
static int zipmap_len(const unsigned char *p, size_t end, size_t *at, size_t *out) {
    if (*at >= end) return -1;
    if (p[*at] < 254) {
        *out = p[(*at)++];
        return 0;
    }
    if (p[*at] != 254 || end - *at < 5) return -1;
    *out = rd32(p + *at + 1);
    *at += 5;
    return 0;
}

long long blob_zipmap_each(const unsigned char *p, size_t len, blob_item_fn fn, void *priv, char *err,
                           size_t errlen) {
    if (len < 2) FAIL("zipmap shorter than its header");
    if (p[len - 1] != 0xFF) FAIL("zipmap without its end marker");
    size_t at = 1, end = len - 1;
    long long n = 0;
    while (at < end) {
        size_t kl, vl;
        struct blob_item k = {0}, v = {0};
        if (zipmap_len(p, end, &at, &kl) != 0 || kl > end - at) FAIL("zipmap key runs past the end");
        k.s = p + at, k.len = kl;
        at += kl;
        if (zipmap_len(p, end, &at, &vl) != 0 || at >= end) FAIL("zipmap value runs past the end");
        size_t free_bytes = p[at++];
        if (vl > end - at || free_bytes > end - at - vl) FAIL("zipmap value runs past the end");
        v.s = p + at, v.len = vl;
        at += vl + free_bytes;
        if (fn && (fn(priv, &k) != 0 || fn(priv, &v) != 0)) return -1;
        n += 2;
    }
    return n;
}
