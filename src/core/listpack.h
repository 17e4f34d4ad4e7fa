/* listpack.h — a compact contiguous sequence of entries, each a byte string or an
 * integer, for small collections (lists, hashes, sorted sets). One allocation holds
 * everything; an entry costs its payload plus 2–3 bytes. The idea follows Redis's
 * public listpack specification; the code and exact encoding are Warden's own.
 *
 * Layout (bytes, little-endian):
 *   offset size  field
 *   0      4     total bytes of the listpack, header included
 *   4      4     number of entries
 *   8      var   entries, back to back (no terminator: the total bounds them)
 *
 * One entry = [encoding byte(s)][payload][backlen]:
 *   first byte  meaning                                       header payload
 *   0xxxxxxx    unsigned 7-bit integer (0..127) in the byte    1      0
 *   10xxxxxx    string, length 0..63 in the low 6 bits         1      len
 *   110xxxxx    signed 13-bit integer: 5 high bits + next byte 2      0
 *   1110xxxx    string, length 0..4095: 4 high bits + next     2      len
 *   0xF0        string, 32-bit length follows                  5      len
 *   0xF1/F2/F3/F4  signed 16/24/32/64-bit integer follows       1      2/3/4/8
 * backlen is the size of [encoding][payload] written so it can be read from its last
 * byte backwards: each byte holds 7 bits, the last byte the lowest ones; a set high
 * bit means "one more byte to the left". It makes lp_prev O(1).
 *
 * Strings that are canonical decimal integers (what num_parse_ll accepts) are stored
 * as integers: reading them back yields the same bytes, and they take less room.
 *
 * Positions: functions take and return `unsigned char *p` pointing at an entry inside
 * the listpack. Any call that returns a new listpack pointer may have moved the block;
 * positions from before it are invalid unless the function returns an updated one.
 *
 * Trust: listpacks built by these functions are consistent by construction (assert-
 * checked); a buffer from outside (a loaded file) must pass lp_validate before any
 * other function sees it. Not thread-safe: the owner (the shard lock) serializes. */
#ifndef WARDEN_LISTPACK_H
#define WARDEN_LISTPACK_H
#include <stddef.h>
#include <stdint.h>

#define LP_HEADER_SIZE 8
/* Callers convert to a bigger structure before a listpack passes this size. */
#define LP_SAFETY_SIZE (1u << 30)

/* One entry's value: str != NULL for a string (str/len), else the integer num. */
struct lp_val {
    const unsigned char *str;
    uint32_t len;
    long long num;
};

static inline uint32_t lp_read_u32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint32_t lp_bytes(const unsigned char *lp) { return lp_read_u32(lp); }
static inline uint32_t lp_count(const unsigned char *lp) { return lp_read_u32(lp + 4); }

/* A new empty listpack (caller frees with lp_free). */
unsigned char *lp_new(void);
void lp_free(unsigned char *lp); /* accepts NULL */
unsigned char *lp_dup(const unsigned char *lp);
/* 1 if adding `add` payload bytes keeps the listpack under LP_SAFETY_SIZE. */
int lp_safe_to_add(const unsigned char *lp, size_t add);

/* Navigation: NULL when there is no such entry. */
unsigned char *lp_first(unsigned char *lp);
unsigned char *lp_last(unsigned char *lp);
unsigned char *lp_next(unsigned char *lp, unsigned char *p);
unsigned char *lp_prev(unsigned char *lp, unsigned char *p);
/* Entry at index (negative: from the tail, -1 = last); NULL if out of range.
 * Walks from the nearer end. */
unsigned char *lp_seek(unsigned char *lp, long long index);

/* Read an entry. */
void lp_get(const unsigned char *p, struct lp_val *v);
/* Read as bytes: integers are formatted into buf (>= 24 bytes). Returns the bytes. */
const unsigned char *lp_get_str(const unsigned char *p, unsigned char *buf, size_t *len);
/* 1 if the entry equals the byte string s (integers compare by their decimal form). */
int lp_eq(const unsigned char *p, const char *s, size_t len);
/* Bytes the entry's value has as a string (integers: their decimal length). */
size_t lp_str_len(const unsigned char *p);

/* Insert s before (LP_BEFORE) or after (LP_AFTER) the entry at p; p NULL appends
 * (LP_AFTER) or prepends (LP_BEFORE). Returns the (possibly moved) listpack; *newp
 * (optional) receives the new entry's position. */
#define LP_BEFORE 0
#define LP_AFTER 1
unsigned char *lp_insert(unsigned char *lp, unsigned char *p, int where, const char *s, size_t len,
                         unsigned char **newp);
unsigned char *lp_insert_int(unsigned char *lp, unsigned char *p, int where, long long v, unsigned char **newp);
static inline unsigned char *lp_append(unsigned char *lp, const char *s, size_t len) {
    return lp_insert(lp, NULL, LP_AFTER, s, len, NULL);
}
static inline unsigned char *lp_prepend(unsigned char *lp, const char *s, size_t len) {
    return lp_insert(lp, NULL, LP_BEFORE, s, len, NULL);
}
static inline unsigned char *lp_append_int(unsigned char *lp, long long v) {
    return lp_insert_int(lp, NULL, LP_AFTER, v, NULL);
}
/* Replace the entry at *p by s; *p is updated to the new entry. */
unsigned char *lp_replace(unsigned char *lp, unsigned char **p, const char *s, size_t len);
unsigned char *lp_replace_int(unsigned char *lp, unsigned char **p, long long v);
/* Delete the entry at *p; *p becomes the entry that followed it (NULL at the end). */
unsigned char *lp_delete(unsigned char *lp, unsigned char **p);
/* Delete `count` entries starting at the one at *p (fewer if the end comes first);
 * *p becomes the entry after the deleted run (NULL at the end). */
unsigned char *lp_delete_n(unsigned char *lp, unsigned char **p, uint32_t count);
/* Delete `count` entries from index `start` (negative from the tail). */
unsigned char *lp_delete_range(unsigned char *lp, long long start, uint32_t count);
/* Move the listpack's bytes from index `from` onwards into a new listpack (for
 * splitting quicklist nodes); `*lp` is shrunk in place. Returns the new listpack. */
unsigned char *lp_split(unsigned char **lp, uint32_t from);
/* Append every entry of `b` to `a` (b is left untouched). Returns the new `a`. */
unsigned char *lp_merge(unsigned char *a, const unsigned char *b);

/* First entry equal to s at or after p, looking at p, then every (skip+1)-th entry
 * (skip = 1 compares only fields of a field/value listpack). NULL if none. */
unsigned char *lp_find(unsigned char *lp, unsigned char *p, const char *s, size_t len, uint32_t skip);

/* Check a buffer from outside: header, every entry's encoding and backlen, the count
 * and the total. Returns 0 if it is a well-formed listpack of exactly `size` bytes. */
int lp_validate(const unsigned char *buf, size_t size);
#endif
