/* lzf.c — see lzf.h. The compressor is greedy: a hash of the next three bytes finds
 * the latest earlier position with the same hash (one slot per hash, 16K slots); a
 * candidate within 8 KiB that really matches is extended up to 264 bytes. Positions are
 * kept as indexes, never as pointers outside the buffers. */
#include "persist/lzf.h"
#include <stdint.h>
#include <string.h>

#define LZF_HASH_BITS 14
#define LZF_MAX_LITERAL 32
#define LZF_MAX_OFFSET 8192
#define LZF_MAX_MATCH 264

static inline uint32_t lzf_hash(const unsigned char *p) {
    uint32_t v = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
    return (v * 2654435761u) >> (32 - LZF_HASH_BITS);
}

size_t lzf_compress(const void *in_v, size_t in_len, void *out_v, size_t out_len) {
    const unsigned char *in = in_v;
    unsigned char *out = out_v;
    uint32_t last_seen[1 << LZF_HASH_BITS]; /* position + 1 of the latest occurrence; 0 = none */
    if (in_len == 0 || out_len == 0) return 0;
    memset(last_seen, 0, sizeof(last_seen));
    size_t ip = 0, op = 0;
    size_t ctrl_pos = op++; /* control byte of the current literal run */
    unsigned lit = 0;
    while (ip < in_len) {
        if (ip + 2 < in_len && ip < UINT32_MAX) {
            uint32_t h = lzf_hash(in + ip);
            size_t ref = last_seen[h];
            last_seen[h] = (uint32_t)(ip + 1);
            if (ref != 0 && ip - (ref - 1) - 1 < LZF_MAX_OFFSET && memcmp(in + ref - 1, in + ip, 3) == 0) {
                ref -= 1;
                size_t off = ip - ref - 1;
                size_t max = in_len - ip < LZF_MAX_MATCH ? in_len - ip : LZF_MAX_MATCH;
                size_t len = 3;
                while (len < max && in[ref + len] == in[ip + len]) len++;
                /* close the literal run (or drop its unused control byte) */
                if (lit) out[ctrl_pos] = (unsigned char)(lit - 1);
                else op--;
                size_t l = len - 2;
                if (op + 3 + 1 > out_len) return 0;
                if (l < 7) {
                    out[op++] = (unsigned char)((l << 5) | (off >> 8));
                } else {
                    out[op++] = (unsigned char)((7 << 5) | (off >> 8));
                    out[op++] = (unsigned char)(l - 7);
                }
                out[op++] = (unsigned char)(off & 0xff);
                ip += len;
                /* remember the last positions inside the match: helps repetitive data */
                if (ip + 2 < in_len && ip >= 2 && ip < UINT32_MAX) {
                    last_seen[lzf_hash(in + ip - 2)] = (uint32_t)(ip - 2 + 1);
                    last_seen[lzf_hash(in + ip - 1)] = (uint32_t)(ip - 1 + 1);
                }
                ctrl_pos = op++;
                lit = 0;
                continue;
            }
        }
        if (op >= out_len) return 0;
        out[op++] = in[ip++];
        if (++lit == LZF_MAX_LITERAL) {
            out[ctrl_pos] = LZF_MAX_LITERAL - 1;
            if (op >= out_len) return 0;
            ctrl_pos = op++;
            lit = 0;
        }
    }
    if (lit) out[ctrl_pos] = (unsigned char)(lit - 1);
    else op--;
    return op;
}

size_t lzf_decompress(const void *in_v, size_t in_len, void *out_v, size_t out_len) {
    const unsigned char *in = in_v;
    unsigned char *out = out_v;
    size_t ip = 0, op = 0;
    while (ip < in_len) {
        unsigned ctrl = in[ip++];
        if (ctrl < 0x20) {
            size_t len = (size_t)ctrl + 1;
            if (len > in_len - ip || len > out_len - op) return 0;
            memcpy(out + op, in + ip, len);
            ip += len;
            op += len;
            continue;
        }
        size_t len = ctrl >> 5;
        if (len == 7) {
            if (ip >= in_len) return 0;
            len += in[ip++];
        }
        if (ip >= in_len) return 0;
        size_t back = ((size_t)(ctrl & 0x1f) << 8 | in[ip++]) + 1;
        len += 2;
        if (back > op || len > out_len - op) return 0;
        size_t ref = op - back;
        /* byte by byte: the source may overlap the bytes being produced */
        for (size_t i = 0; i < len; i++) out[op + i] = out[ref + i];
        op += len;
    }
    return op;
}
