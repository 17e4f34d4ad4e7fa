/* skiplist.h — the ordered index of large sorted sets: a skiplist of (score, member)
 * nodes in ascending score order, ties broken by member bytes (memcmp, shorter first),
 * with a span on every forward link so that rank lookups and "element at rank" are
 * O(log N) (W. Pugh's skiplists with the "indexable" extension).
 *
 * Each node is one allocation: header, its `height` forward links, then the member
 * bytes (no separate string), so a member costs one allocation in the index. A node's
 * address never changes while it is in the list (zsl_update_score relinks the same
 * node), so the member → node hash index of a sorted set (zsl_index.h) chains the nodes
 * themselves through `hnext` instead of allocating entries of its own: a 10-byte
 * member of a big sorted set costs one 64-byte node plus ~1 bucket pointer.
 *
 * Also here: the score and lex range types used by every sorted-set encoding, with
 * their comparison helpers, so the compact encoding and this one agree on semantics.
 *
 * Not thread-safe (the owning entry's shard lock protects it). No server headers. */
#ifndef WARDEN_SKIPLIST_H
#define WARDEN_SKIPLIST_H
#include <stddef.h>
#include <stdint.h>

#define ZSL_MAX_LEVEL 32
#define ZSL_MAX_MEMBER 0xffffffffu /* member length limit (stored in 32 bits) */

typedef struct zsl_node zsl_node;
struct zsl_link {
    zsl_node *forward;
    unsigned long span; /* nodes skipped by following this link (rank distance) */
};
struct zsl_node {
    double score;
    zsl_node *backward;
    zsl_node *hnext; /* chain link of the owner's member index (zsl_index.h); unused here */
    uint32_t len;    /* member length */
    uint8_t height;  /* number of links */
    struct zsl_link level[]; /* `height` links, then `len` member bytes */
};

typedef struct skiplist {
    zsl_node *header, *tail;
    unsigned long length;
    int level; /* highest level in use */
} skiplist;

static inline const char *zsl_member(const zsl_node *n) { return (const char *)&n->level[n->height]; }
static inline zsl_node *zsl_next(const zsl_node *n) { return n->level[0].forward; }
static inline zsl_node *zsl_first(const skiplist *zsl) { return zsl->header->level[0].forward; }

/* ---- ranges (shared by all sorted-set encodings) ---- */
typedef struct zrange_score {
    double min, max;
    int minex, maxex; /* 1: bound is exclusive ("(1.5") */
} zrange_score;

enum zlex_kind { ZLEX_INCL = 0, ZLEX_EXCL = 1, ZLEX_MINUS_INF = 2, ZLEX_PLUS_INF = 3 };
typedef struct zrange_lex {
    const char *min, *max; /* bytes of the bounds (not owned) */
    size_t minlen, maxlen;
    int minkind, maxkind;  /* enum zlex_kind */
} zrange_lex;

/* Member order: memcmp over the common prefix, then shorter first. <0, 0, >0. */
int zsl_member_cmp(const char *a, size_t alen, const char *b, size_t blen);
int zrange_score_gte_min(double v, const zrange_score *r);
int zrange_score_lte_max(double v, const zrange_score *r);
/* 1 if no score can be in the range (min > max, or min == max with an exclusive end). */
int zrange_score_empty(const zrange_score *r);
int zrange_lex_gte_min(const char *m, size_t len, const zrange_lex *r);
int zrange_lex_lte_max(const char *m, size_t len, const zrange_lex *r);
int zrange_lex_empty(const zrange_lex *r);

/* ---- the list ---- */
skiplist *zsl_new(void);
void zsl_free(skiplist *zsl); /* frees every node; accepts NULL */
void zsl_free_node(zsl_node *n);
/* Insert (score, member); the member must not be present. Returns the new node. */
zsl_node *zsl_insert(skiplist *zsl, double score, const char *m, size_t len);
/* Remove (score, member). Returns 1 if found. With out != NULL the unlinked node is
 * handed to the caller (free it with zsl_free_node); else it is freed. */
int zsl_delete(skiplist *zsl, double score, const char *m, size_t len, zsl_node **out);
/* Change the score of `n` (which is in the list), moving it if the order requires.
 * The node keeps its address. */
void zsl_update_score(skiplist *zsl, zsl_node *n, double score);
/* 1-based rank of (score, member), 0 if absent. */
unsigned long zsl_rank(const skiplist *zsl, double score, const char *m, size_t len);
/* Node at 1-based rank, NULL if out of range. */
zsl_node *zsl_by_rank(const skiplist *zsl, unsigned long rank);
/* First / last node inside a range; NULL if none. */
zsl_node *zsl_first_in_score(const skiplist *zsl, const zrange_score *r);
zsl_node *zsl_last_in_score(const skiplist *zsl, const zrange_score *r);
zsl_node *zsl_first_in_lex(const skiplist *zsl, const zrange_lex *r);
zsl_node *zsl_last_in_lex(const skiplist *zsl, const zrange_lex *r);
/* Delete every node in a range. `on_delete` (optional) sees each node just before it
 * is freed (to drop it from other indexes). Returns the number removed. */
typedef void (*zsl_delete_fn)(void *priv, zsl_node *n);
unsigned long zsl_delete_range_score(skiplist *zsl, const zrange_score *r, zsl_delete_fn fn, void *priv);
unsigned long zsl_delete_range_lex(skiplist *zsl, const zrange_lex *r, zsl_delete_fn fn, void *priv);
/* Ranks are 1-based and inclusive; the caller clamps them to [1, length]. */
unsigned long zsl_delete_range_rank(skiplist *zsl, unsigned long start, unsigned long end, zsl_delete_fn fn,
                                    void *priv);
/* Bytes used by the list (for MEMORY USAGE). */
size_t zsl_node_bytes(const zsl_node *n);
#endif
