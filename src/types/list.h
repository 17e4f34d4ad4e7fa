/* list.h — the list value: a doubly linked chain of listpack nodes (a "quicklist"),
 * each node bounded by list-max-listpack-size (negative: bytes, -1..-5 = 4..64 KB;
 * positive: entries, and at most 8 KB). Push and pop at both ends are O(1) and never
 * move more than one node's bytes; a small list is a single node. OBJECT ENCODING
 * reports "quicklist" for every list, as Redis 7.0 does.
 *
 * Positions (struct list_pos) point into a node's listpack and stay valid only until
 * the list is modified, except where a function says it updates them. Not thread-safe:
 * the shard lock of the key holding the list serializes every call. */
#ifndef WARDEN_LIST_H
#define WARDEN_LIST_H
#include <stddef.h>
#include <stdint.h>

#define LIST_HEAD 0
#define LIST_TAIL 1

struct list_node {
    struct list_node *prev, *next;
    unsigned char *lp; /* never empty while linked */
};

struct list {
    struct list_node *head, *tail;
    uint64_t count; /* entries in all nodes */
    uint32_t nodes;
    int fill;       /* list-max-listpack-size when the list was created */
};

/* A position: the entry at p inside node n. */
struct list_pos {
    struct list_node *node;
    unsigned char *p;
};

/* A value read from a list: bytes (in `buf` for integers). */
struct list_value {
    const unsigned char *s;
    size_t len;
    unsigned char buf[24];
};

/* Register the list type's free/dup hooks with the keyspace (once, at start-up). */
void list_type_init(void);
struct list *list_new(int fill);
void list_free(struct list *l); /* accepts NULL */
struct list *list_dup(const struct list *l);
static inline uint64_t list_len(const struct list *l) { return l->count; }
/* Bytes used (MEMORY USAGE / lazy-free decision). */
size_t list_mem_usage(const struct list *l);

void list_push(struct list *l, int where, const char *s, size_t len);
/* Read the entry at one end; returns 0 if the list is empty. */
int list_peek(struct list *l, int where, struct list_value *v);
/* Remove the entry at one end (the list must not be empty). */
void list_pop(struct list *l, int where);

/* Position of index (negative from the tail); returns 0 if out of range. */
int list_index(struct list *l, long long index, struct list_pos *pos);
void list_pos_get(const struct list_pos *pos, struct list_value *v);
int list_pos_eq(const struct list_pos *pos, const char *s, size_t len);
/* Replace the entry at pos (pos is invalid afterwards). */
void list_pos_replace(struct list *l, struct list_pos *pos, const char *s, size_t len);
/* Insert before (LIST_HEAD) or after (LIST_TAIL) pos (pos is invalid afterwards). */
void list_pos_insert(struct list *l, struct list_pos *pos, int where, const char *s, size_t len);
/* Delete `count` entries from index `start` (0 <= start, start+count <= len). */
void list_delete_range(struct list *l, long long start, long long count);

/* Walk from index `start` towards the tail (dir LIST_TAIL) or head (LIST_HEAD).
 * list_iter_next fills pos; list_iter_delete removes the entry last returned and
 * keeps the walk going. */
struct list_iter {
    struct list *l;
    struct list_node *node; /* next entry to return: node + offset, NULL at the end */
    size_t off;
    int dir;
    struct list_node *cur_node; /* last returned */
    size_t cur_off;
};
void list_iter_init(struct list_iter *it, struct list *l, long long start, int dir);
int list_iter_next(struct list_iter *it, struct list_pos *pos);
void list_iter_delete(struct list_iter *it);
#endif
