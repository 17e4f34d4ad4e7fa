/* rdb_blob.h — the compact blobs Redis stores inside RDB values, read and written
 * here in Redis's own byte layout (independent of Warden's in-memory encodings):
 *
 * listpack (Redis 7):                       ziplist (Redis <= 6, read only):
 *   4  total bytes (LE)                        4  total bytes (LE)
 *   2  entry count (LE; 65535 = unknown)       4  offset of the last entry (LE)
 *   .. entries: encoding, data, backlen        2  entry count (LE; 65535 = unknown)
 *   1  0xFF                                    .. entries: prevlen, encoding, data
 *                                              1  0xFF
 * listpack entry encodings: 0xxxxxxx uint7 | 10xxxxxx str len<64 | 110xxxxx +1 int13 |
 * 1110xxxx +1 str len<4096 | F0 +4 str | F1 int16 | F2 int24 | F3 int32 | F4 int64 (LE);
 * backlen = size of encoding+data in 7-bit groups, readable right to left.
 * ziplist: prevlen 1 byte (<254) or FE + 4 bytes LE; encodings 00xxxxxx / 01xxxxxx+1
 * (BE) / 80+4 (BE) string, C0 int16, D0 int32, E0 int64, F0 int24, FE int8,
 * F1..FD immediate 0..12.
 * intset: 4 encoding (2/4/8, LE), 4 count (LE), count sorted unique LE integers.
 * zipmap (Redis <= 2.4 hashes): 1 count, then (len key len free value free-bytes)*,
 * FF; len is 1 byte (<254) or FE + 4 bytes LE.
 *
 * Readers validate the whole structure as they walk it and never read outside
 * [p, p+len); a callback returning -1 stops the walk (the caller's error). */
#ifndef WARDEN_RDB_BLOB_H
#define WARDEN_RDB_BLOB_H
#include <stddef.h>
#include <stdint.h>

struct blob_item {
    const unsigned char *s; /* bytes, or NULL for an integer */
    size_t len;
    long long v;            /* the integer when s == NULL */
};

/* Return 0 to go on, -1 to stop with an error (the walker then returns -1). */
typedef int (*blob_item_fn)(void *priv, const struct blob_item *it);

/* Each walker returns the number of items visited, or -1 with err set. */
long long blob_listpack_each(const unsigned char *p, size_t len, blob_item_fn fn, void *priv, char *err,
                             size_t errlen);
long long blob_ziplist_each(const unsigned char *p, size_t len, blob_item_fn fn, void *priv, char *err,
                            size_t errlen);
long long blob_intset_each(const unsigned char *p, size_t len, blob_item_fn fn, void *priv, char *err,
                           size_t errlen);
long long blob_zipmap_each(const unsigned char *p, size_t len, blob_item_fn fn, void *priv, char *err,
                           size_t errlen);

/* Format an item as bytes: integers into buf (>= 24 bytes). */
const char *blob_item_str(const struct blob_item *it, char *buf, size_t *len);

/* A Redis listpack under construction (wmalloc'd buffer). */
struct rlp {
    unsigned char *buf;
    size_t len, cap;
    uint64_t count;
};
void rlp_init(struct rlp *w);
/* Append a string; canonical integers are stored as integers, as Redis does. */
void rlp_add(struct rlp *w, const char *s, size_t len);
void rlp_add_int(struct rlp *w, long long v);
/* Finish: returns the listpack (caller wfree()s), *len its size. w is reset. */
unsigned char *rlp_finish(struct rlp *w, size_t *len);
void rlp_free(struct rlp *w);

/* An intset (for sets of integers); values must be added in ascending order. */
unsigned char *blob_intset_build(const long long *vals, size_t n, size_t *len);
#endif
