/* rdb_enc.c — reading and writing RDB's primitive pieces (lengths, strings with their
 * integer and LZF encodings, doubles, millisecond times); see rdb.h for the byte
 * layouts. Readers check every length against the bytes the stream still holds. */
#include "persist/lzf.h"
#include "persist/rdb.h"
#include "util/alloc.h"
#include "util/numparse.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int rdb_write_byte(struct pstream *s, int byte) {
    unsigned char b = (unsigned char)byte;
    return ps_write(s, &b, 1);
}

int rdb_write_len(struct pstream *s, uint64_t len) {
    unsigned char b[9];
    if (len < (1 << 6)) {
        b[0] = (unsigned char)len;
        return ps_write(s, b, 1);
    }
    if (len < (1 << 14)) {
        b[0] = (unsigned char)(0x40 | (len >> 8));
        b[1] = (unsigned char)(len & 0xff);
        return ps_write(s, b, 2);
    }
    if (len <= UINT32_MAX) {
        b[0] = 0x80;
        for (int i = 0; i < 4; i++) b[1 + i] = (unsigned char)(len >> (24 - 8 * i));
        return ps_write(s, b, 5);
    }
    b[0] = 0x81;
    for (int i = 0; i < 8; i++) b[1 + i] = (unsigned char)(len >> (56 - 8 * i));
    return ps_write(s, b, 9);
}

/* The integer encodings: returns bytes written into b, or 0 when v needs more than 32 bits. */
static int rdb_encode_int(long long v, unsigned char *b) {
    if (v >= -128 && v <= 127) {
        b[0] = 0xC0 | RDB_ENC_INT8;
        b[1] = (unsigned char)(v & 0xff);
        return 2;
    }
    if (v >= -32768 && v <= 32767) {
        uint16_t u = (uint16_t)(int16_t)v; /* two's complement bytes without shifting a negative */
        b[0] = 0xC0 | RDB_ENC_INT16;
        b[1] = (unsigned char)(u & 0xff);
        b[2] = (unsigned char)(u >> 8);
        return 3;
    }
    if (v >= -2147483648LL && v <= 2147483647LL) {
        uint32_t u = (uint32_t)(int32_t)v;
        b[0] = 0xC0 | RDB_ENC_INT32;
        for (int i = 0; i < 4; i++) b[1 + i] = (unsigned char)(u >> (8 * i));
        return 5;
    }
    return 0;
}

int rdb_write_ll(struct pstream *s, long long v) {
    unsigned char b[5];
    int n = rdb_encode_int(v, b);
    if (n) return ps_write(s, b, (size_t)n);
    char digits[24];
    int dl = num_ll_to_str(digits, v);
    if (rdb_write_len(s, (uint64_t)dl) != 0) return -1;
    return ps_write(s, digits, (size_t)dl);
}

int rdb_write_string(struct pstream *s, const void *p, size_t len, int compress) {
    if (len <= 11 && len > 0) {
        long long v;
        unsigned char b[5];
        int n;
        if (num_parse_ll(p, len, &v) == 0 && (n = rdb_encode_int(v, b)) != 0) return ps_write(s, b, (size_t)n);
    }
    if (compress && len > RDB_LZF_MIN_LEN) {
        /* worth it only when it saves at least 4 bytes, as Redis decides */
        size_t room = len - 4;
        unsigned char *out = wmalloc(room);
        size_t clen = lzf_compress(p, len, out, room);
        if (clen > 0) {
            int rc = rdb_write_byte(s, 0xC0 | RDB_ENC_LZF);
            if (rc == 0) rc = rdb_write_len(s, clen);
            if (rc == 0) rc = rdb_write_len(s, len);
            if (rc == 0) rc = ps_write(s, out, clen);
            wfree(out);
            return rc;
        }
        wfree(out);
    }
    if (rdb_write_len(s, len) != 0) return -1;
    return ps_write(s, p, len);
}

int rdb_write_binary_double(struct pstream *s, double v) {
    uint64_t u;
    unsigned char b[8];
    memcpy(&u, &v, 8);
    for (int i = 0; i < 8; i++) b[i] = (unsigned char)(u >> (8 * i));
    return ps_write(s, b, 8);
}

int rdb_write_millis(struct pstream *s, long long ms) {
    uint64_t u = (uint64_t)ms;
    unsigned char b[8];
    for (int i = 0; i < 8; i++) b[i] = (unsigned char)(u >> (8 * i));
    return ps_write(s, b, 8);
}

/* ---- reading ---- */

int rdb_read_byte(struct pstream *s, int *byte) {
    unsigned char b;
    if (ps_read(s, &b, 1) != 0) return -1;
    *byte = b;
    return 0;
}

int rdb_read_len_ex(struct pstream *s, uint64_t *len, int *special) {
    unsigned char b[8];
    if (special) *special = 0;
    if (ps_read(s, b, 1) != 0) return -1;
    switch (b[0] >> 6) {
    case 0:
        *len = b[0] & 0x3f;
        return 0;
    case 1: {
        unsigned char lo;
        if (ps_read(s, &lo, 1) != 0) return -1;
        *len = (uint64_t)(b[0] & 0x3f) << 8 | lo;
        return 0;
    }
    case 2:
        if (b[0] == 0x80) {
            if (ps_read(s, b, 4) != 0) return -1;
            *len = (uint64_t)b[0] << 24 | (uint64_t)b[1] << 16 | (uint64_t)b[2] << 8 | b[3];
            return 0;
        }
        if (b[0] == 0x81) {
            if (ps_read(s, b, 8) != 0) return -1;
            uint64_t v = 0;
            for (int i = 0; i < 8; i++) v = v << 8 | b[i];
            *len = v;
            return 0;
        }
        return ps_fail(s, "unknown length encoding 0x%02x", b[0]);
    default:
        if (!special) return ps_fail(s, "unexpected string encoding where a length was expected");
        *special = 1;
        *len = b[0] & 0x3f;
        return 0;
    }
}

int rdb_read_len(struct pstream *s, uint64_t *len) { return rdb_read_len_ex(s, len, NULL); }

int rdb_read_count(struct pstream *s, uint64_t *count, unsigned min_bytes) {
    if (rdb_read_len(s, count) != 0) return -1;
    uint64_t left = ps_remaining(s);
    if (min_bytes && *count > left / min_bytes)
        return ps_fail(s, "element count %llu exceeds what the remaining %llu bytes can hold",
                       (unsigned long long)*count, (unsigned long long)left);
    return 0;
}

int rdb_read_string_ex(struct pstream *s, char **out, size_t *len, int *is_int, long long *ival) {
    uint64_t l = 0;
    int special = 0;
    *out = NULL;
    if (is_int) *is_int = 0;
    if (rdb_read_len_ex(s, &l, &special) != 0) return -1;
    if (special) {
        unsigned char b[4];
        long long v;
        switch (l) {
        case RDB_ENC_INT8:
            if (ps_read(s, b, 1) != 0) return -1;
            v = (long long)(int8_t)(unsigned char)b[0];
            break;
        case RDB_ENC_INT16:
            if (ps_read(s, b, 2) != 0) return -1;
            v = (int16_t)(uint16_t)(b[0] | b[1] << 8);
            break;
        case RDB_ENC_INT32:
            if (ps_read(s, b, 4) != 0) return -1;
            v = (int32_t)((uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24);
            break;
        case RDB_ENC_LZF: {
            uint64_t clen = 0, ulen = 0;
            if (rdb_read_len(s, &clen) != 0 || rdb_read_len(s, &ulen) != 0) return -1;
            if (clen == 0 || clen > ps_remaining(s)) return ps_fail(s, "LZF string longer than the data left");
            if (ulen == 0 || ulen > RDB_MAX_STRING || ulen / LZF_MAX_RATIO > clen)
                return ps_fail(s, "LZF string with an impossible length (%llu from %llu bytes)",
                               (unsigned long long)ulen, (unsigned long long)clen);
            unsigned char *c = wmalloc(clen);
            char *u = wmalloc(ulen + 1);
            if (ps_read(s, c, clen) != 0) {
                wfree(c);
                wfree(u);
                return -1;
            }
            size_t got = lzf_decompress(c, clen, u, ulen);
            wfree(c);
            if (got != ulen) {
                wfree(u);
                return ps_fail(s, "invalid LZF compressed string");
            }
            u[ulen] = '\0';
            *out = u;
            *len = ulen;
            return 0;
        }
        default:
            return ps_fail(s, "unknown string encoding %llu", (unsigned long long)l);
        }
        char digits[24];
        int dl = num_ll_to_str(digits, v);
        *out = wmemdup(digits, (size_t)dl);
        *len = (size_t)dl;
        if (is_int) {
            *is_int = 1;
            *ival = v;
        }
        return 0;
    }
    if (l > ps_remaining(s) || l > RDB_MAX_STRING)
        return ps_fail(s, "string length %llu exceeds the data left", (unsigned long long)l);
    char *p = wmalloc(l + 1);
    if (ps_read(s, p, l) != 0) {
        wfree(p);
        return -1;
    }
    p[l] = '\0';
    *out = p;
    *len = l;
    return 0;
}

int rdb_read_string(struct pstream *s, char **out, size_t *len) { return rdb_read_string_ex(s, out, len, NULL, NULL); }

int rdb_read_binary_double(struct pstream *s, double *v) {
    unsigned char b[8];
    if (ps_read(s, b, 8) != 0) return -1;
    uint64_t u = 0;
    for (int i = 7; i >= 0; i--) u = u << 8 | b[i];
    memcpy(v, &u, 8);
    return 0;
}

int rdb_read_text_double(struct pstream *s, double *v) {
    unsigned char l;
    char buf[256];
    if (ps_read(s, &l, 1) != 0) return -1;
    switch (l) {
    case 255: *v = -INFINITY; return 0;
    case 254: *v = INFINITY; return 0;
    case 253: *v = NAN; return 0;
    default:
        if (ps_read(s, buf, l) != 0) return -1;
        buf[l] = '\0';
        char *end;
        *v = strtod(buf, &end);
        if (l == 0 || end != buf + l) return ps_fail(s, "invalid double value");
        return 0;
    }
}

int rdb_read_millis(struct pstream *s, long long *ms) {
    unsigned char b[8];
    if (ps_read(s, b, 8) != 0) return -1;
    uint64_t u = 0;
    for (int i = 7; i >= 0; i--) u = u << 8 | b[i];
    *ms = (long long)u;
    return 0;
}
