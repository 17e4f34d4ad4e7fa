/* zset.h — sorted-set values (type OBJ_ZSET) and their two encodings:
 *   ENC_LISTPACK  at most zset-max-listpack-entries members, none longer than
 *                 zset-max-listpack-value bytes: one listpack of member, score, member,
 *                 score ... in (score, member) order;
 *   ENC_SKIPLIST  anything bigger: a skiplist (core/skiplist.h) for order and rank plus
 *                 a member index chained through its nodes (core/zsl_index.h).
 * Growing past a threshold converts to the skiplist; nothing converts back except the
 * store commands, which build their result in whichever encoding fits (Redis 7.0).
 *
 * Scores in the listpack are stored as Redis stores them, which ZSCAN shows: integral
 * values within +-2^62 as integers (so -0 becomes 0), anything else as "%.17g" text.
 *
 * Ranks are 0-based here. Positions (struct zset_pos) and member pointers returned are
 * valid only until the set changes. Callers hold the key's shard lock. */
#ifndef WARDEN_ZSET_H
#define WARDEN_ZSET_H
#include "core/skiplist.h"
#include "core/zsl_index.h"
#include "db/entry.h"
#include <stddef.h>
#include <stdint.h>

struct zset_big {
    skiplist *zsl;
    zsl_index ix;
};

/* zset_add input flags */
#define ZADD_NX 1
#define ZADD_XX 2
#define ZADD_GT 4
#define ZADD_LT 8
#define ZADD_INCR 16
/* zset_add outcome */
enum zadd_result {
    ZADD_NOP = 0,     /* refused by NX / XX / GT / LT */
    ZADD_ADDED = 1,
    ZADD_UPDATED = 2,
    ZADD_SAME = 3,    /* present, and the new score equals the old one */
    ZADD_NAN = 4,     /* the increment gave NaN: nothing done */
};

void zset_type_init(void);
/* A new, empty sorted-set entry in the encoding Redis 7.0's ZADD picks for a first
 * member of length first_len (listpack unless the limits rule it out). */
entry *zset_new_entry(const char *key, size_t klen, size_t first_len);
/* A new empty entry in the encoding that fits `count` members whose longest is
 * `maxlen` bytes (store commands). */
entry *zset_new_entry_sized(const char *key, size_t klen, uint64_t count, size_t maxlen);
uint64_t zset_length(const entry *e);
/* Add or update member per flags (ZADD semantics). *newscore gets the score now held
 * (for INCR). Returns what happened; ZADD_NAN: the increment gave NaN, nothing done. */
enum zadd_result zset_add(entry *e, double score, const char *m, size_t len, int flags, double *newscore);
int zset_remove(entry *e, const char *m, size_t len); /* 1 if removed */
int zset_score(entry *e, const char *m, size_t len, double *score); /* 1 if found */
/* 0-based rank (ascending, or descending with reverse) or -1 if absent. */
long long zset_rank(entry *e, const char *m, size_t len, int reverse, double *score);
/* Counts within a range. */
uint64_t zset_count_score(entry *e, const zrange_score *r);
uint64_t zset_count_lex(entry *e, const zrange_lex *r);
/* Deletions; ranks are 0-based, inclusive, already clamped to the set. Return count. */
uint64_t zset_delete_rank(entry *e, uint64_t start, uint64_t end);
uint64_t zset_delete_score(entry *e, const zrange_score *r);
uint64_t zset_delete_lex(entry *e, const zrange_lex *r);
/* Convert a skiplist set to a listpack if it fits the limits (store commands). */
void zset_convert_if_small(entry *e, size_t maxlen);
/* Make sure the set is skiplist-encoded. */
void zset_convert_to_skiplist(entry *e);
/* Largest member length (for store commands sizing their result). */
size_t zset_max_member_len(entry *e);

/* A position inside a sorted set. */
struct zset_pos {
    entry *e;
    unsigned char *p;   /* listpack: the member's entry, NULL when off the end */
    zsl_node *node;     /* skiplist: the node, NULL when off the end */
};
/* Position at 0-based ascending rank (invalid if out of range). */
void zset_pos_rank(struct zset_pos *z, entry *e, uint64_t rank);
/* First member inside the range, or with reverse the last one. */
void zset_pos_score(struct zset_pos *z, entry *e, const zrange_score *r, int reverse);
void zset_pos_lex(struct zset_pos *z, entry *e, const zrange_lex *r, int reverse);
static inline int zset_pos_valid(const struct zset_pos *z) { return z->p != NULL || z->node != NULL; }
void zset_pos_next(struct zset_pos *z);
void zset_pos_prev(struct zset_pos *z);
/* Read the member (integers formatted into buf, >= 24 bytes) and score. */
void zset_pos_get(const struct zset_pos *z, unsigned char *buf, const char **m, size_t *len, double *score);
/* Remove the member at the position (which is then invalid). */
void zset_pos_delete(struct zset_pos *z);
/* 0-based ascending rank of the position (O(log N) for skiplists, O(N) listpacks). */
uint64_t zset_pos_to_rank(const struct zset_pos *z);

/* ZSCAN: members and scores of the buckets at `cursor` (skiplist encoding), or every
 * pair with cursor 0 (listpack encoding, scores as stored). The score text is passed
 * to fn formatted as ZSCAN replies it. Returns the next cursor. */
typedef void (*zset_scan_fn)(void *priv, const char *m, size_t mlen, const char *score, size_t slen);
uint64_t zset_scan(entry *e, uint64_t cursor, zset_scan_fn fn, void *priv);
size_t zset_mem_usage(const entry *e);
#endif
