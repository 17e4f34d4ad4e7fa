/* list.c — see list.h. Node size rule (as Redis 7.0 sizes quicklist nodes): with a
 * negative fill a node may grow to 4/8/16/32/64 KB; with a positive fill it holds at
 * most `fill` entries and 8 KB. An element bigger than the limit gets a node of its
 * own. A node that an insert or replace pushes over the limit is split in two. */
#include "types/list.h"
#include "core/listpack.h"
#include "db/entry.h"
#include "util/alloc.h"
#include <assert.h>
#include <string.h>

#define LIST_SAFETY_BYTES 8192
#define LIST_ENTRY_OVERHEAD 11 /* worst-case header + backlen of one listpack entry */

static const size_t list_size_limits[5] = {4096, 8192, 16384, 32768, 65536};

static size_t list_byte_limit(int fill) {
    if (fill >= 0) return LIST_SAFETY_BYTES;
    int i = -(fill + 1); /* -1 → 0 ... -5 → 4; below -5 clamps to 64 KB */
    return list_size_limits[i > 4 ? 4 : i];
}

/* 1 if `add` more bytes (one entry) may go into node n. */
static int list_node_fits(const struct list *l, const struct list_node *n, size_t add) {
    size_t newsz = (size_t)lp_bytes(n->lp) + add + LIST_ENTRY_OVERHEAD;
    if (newsz > list_byte_limit(l->fill)) return 0;
    return l->fill < 0 || lp_count(n->lp) < (uint32_t)l->fill;
}

static int list_node_over(const struct list *l, const struct list_node *n) {
    uint32_t cnt = lp_count(n->lp);
    if (cnt < 2) return 0;
    if (lp_bytes(n->lp) > list_byte_limit(l->fill)) return 1;
    return l->fill >= 0 && cnt > (uint32_t)l->fill;
}

static struct list_node *list_node_new(unsigned char *lp) {
    struct list_node *n = wmalloc(sizeof(*n));
    n->prev = n->next = NULL;
    n->lp = lp;
    return n;
}

/* Link n after `after` (NULL: at the head). */
static void list_link_after(struct list *l, struct list_node *after, struct list_node *n) {
    n->prev = after;
    n->next = after ? after->next : l->head;
    if (n->next) n->next->prev = n;
    else l->tail = n;
    if (after) after->next = n;
    else l->head = n;
    l->nodes++;
}

static void list_unlink_free(struct list *l, struct list_node *n) {
    if (n->prev) n->prev->next = n->next;
    else l->head = n->next;
    if (n->next) n->next->prev = n->prev;
    else l->tail = n->prev;
    l->nodes--;
    lp_free(n->lp);
    wfree(n);
}

/* Split an oversized node in two halves (by entry count). */
static void list_node_split(struct list *l, struct list_node *n) {
    uint32_t half = lp_count(n->lp) / 2;
    unsigned char *tail = lp_split(&n->lp, half);
    list_link_after(l, n, list_node_new(tail));
}

/* Merge n with a neighbour when both fit in one node (keeps deletions from leaving
 * a trail of tiny nodes). */
static void list_node_try_merge(struct list *l, struct list_node *n) {
    struct list_node *cands[2] = {n->prev, n->next};
    for (int i = 0; i < 2; i++) {
        struct list_node *o = cands[i];
        if (!o) continue;
        size_t bytes = (size_t)lp_bytes(o->lp) + lp_bytes(n->lp) - LP_HEADER_SIZE;
        uint32_t cnt = lp_count(o->lp) + lp_count(n->lp);
        if (bytes > list_byte_limit(l->fill) || (l->fill >= 0 && cnt > (uint32_t)l->fill)) continue;
        struct list_node *first = i == 0 ? o : n, *second = i == 0 ? n : o;
        first->lp = lp_merge(first->lp, second->lp);
        list_unlink_free(l, second);
        return;
    }
}

static void list_type_free(int enc, void *ptr) {
    (void)enc;
    list_free(ptr);
}
static void *list_type_dup(int enc, const void *ptr) {
    (void)enc;
    return list_dup(ptr);
}
static size_t list_type_cost(int enc, const void *ptr) {
    (void)enc;
    const struct list *l = ptr;
    /* O(1) estimate: freeing costs one step per node */
    return (size_t)l->nodes * LIST_SAFETY_BYTES;
}

void list_type_init(void) {
    entry_register_type(OBJ_LIST, list_type_free, list_type_dup);
    entry_register_cost(OBJ_LIST, list_type_cost);
}

struct list *list_new(int fill) {
    struct list *l = wmalloc(sizeof(*l));
    l->head = l->tail = NULL;
    l->count = 0;
    l->nodes = 0;
    l->fill = fill;
    return l;
}

void list_free(struct list *l) {
    if (!l) return;
    struct list_node *n = l->head;
    while (n) {
        struct list_node *next = n->next;
        lp_free(n->lp);
        wfree(n);
        n = next;
    }
    wfree(l);
}

struct list *list_dup(const struct list *l) {
    struct list *d = list_new(l->fill);
    for (struct list_node *n = l->head; n; n = n->next) list_link_after(d, d->tail, list_node_new(lp_dup(n->lp)));
    d->count = l->count;
    return d;
}

size_t list_mem_usage(const struct list *l) {
    size_t total = walloc_size(l);
    for (struct list_node *n = l->head; n; n = n->next) total += walloc_size(n) + walloc_size(n->lp);
    return total;
}

void list_push(struct list *l, int where, const char *s, size_t len) {
    struct list_node *n = where == LIST_HEAD ? l->head : l->tail;
    if (n && list_node_fits(l, n, len)) {
        n->lp = where == LIST_HEAD ? lp_prepend(n->lp, s, len) : lp_append(n->lp, s, len);
    } else {
        struct list_node *nn = list_node_new(lp_append(lp_new(), s, len));
        list_link_after(l, where == LIST_HEAD ? NULL : l->tail, nn);
    }
    l->count++;
}

static void list_value_from(const unsigned char *p, struct list_value *v) { v->s = lp_get_str(p, v->buf, &v->len); }

int list_peek(struct list *l, int where, struct list_value *v) {
    if (!l->count) return 0;
    struct list_node *n = where == LIST_HEAD ? l->head : l->tail;
    list_value_from(where == LIST_HEAD ? lp_first(n->lp) : lp_last(n->lp), v);
    return 1;
}

void list_pop(struct list *l, int where) {
    assert(l->count);
    struct list_node *n = where == LIST_HEAD ? l->head : l->tail;
    unsigned char *p = where == LIST_HEAD ? lp_first(n->lp) : lp_last(n->lp);
    n->lp = lp_delete(n->lp, &p);
    l->count--;
    if (lp_count(n->lp) == 0) list_unlink_free(l, n);
}

/* Node holding index (0 <= index < count) and the index inside it, walking from the
 * nearer end. */
static struct list_node *list_locate(struct list *l, long long index, long long *in_node) {
    long long n = (long long)l->count;
    struct list_node *node;
    if (index < n / 2) {
        node = l->head;
        while (index >= (long long)lp_count(node->lp)) {
            index -= lp_count(node->lp);
            node = node->next;
        }
    } else {
        long long back = n - 1 - index; /* distance from the tail */
        node = l->tail;
        while (back >= (long long)lp_count(node->lp)) {
            back -= lp_count(node->lp);
            node = node->prev;
        }
        index = (long long)lp_count(node->lp) - 1 - back;
    }
    *in_node = index;
    return node;
}

int list_index(struct list *l, long long index, struct list_pos *pos) {
    long long n = (long long)l->count;
    if (index < 0) index += n;
    if (index < 0 || index >= n) return 0;
    long long idx;
    pos->node = list_locate(l, index, &idx);
    pos->p = lp_seek(pos->node->lp, idx);
    return 1;
}

void list_pos_get(const struct list_pos *pos, struct list_value *v) { list_value_from(pos->p, v); }

int list_pos_eq(const struct list_pos *pos, const char *s, size_t len) { return lp_eq(pos->p, s, len); }

void list_pos_replace(struct list *l, struct list_pos *pos, const char *s, size_t len) {
    struct list_node *n = pos->node;
    n->lp = lp_replace(n->lp, &pos->p, s, len);
    if (list_node_over(l, n)) list_node_split(l, n);
    pos->p = NULL;
}

void list_pos_insert(struct list *l, struct list_pos *pos, int where, const char *s, size_t len) {
    struct list_node *n = pos->node;
    unsigned char *first = lp_first(n->lp), *last = lp_last(n->lp);
    /* at a node's edge with a full node, prefer the neighbour that has room */
    if (!list_node_fits(l, n, len)) {
        if (where == LIST_TAIL && pos->p == last && n->next && list_node_fits(l, n->next, len)) {
            n->next->lp = lp_prepend(n->next->lp, s, len);
            l->count++;
            return;
        }
        if (where == LIST_HEAD && pos->p == first && n->prev && list_node_fits(l, n->prev, len)) {
            n->prev->lp = lp_append(n->prev->lp, s, len);
            l->count++;
            return;
        }
    }
    n->lp = lp_insert(n->lp, pos->p, where == LIST_TAIL ? LP_AFTER : LP_BEFORE, s, len, NULL);
    l->count++;
    if (list_node_over(l, n)) list_node_split(l, n);
    pos->p = NULL;
}

void list_delete_range(struct list *l, long long start, long long count) {
    if (count <= 0 || start < 0 || start >= (long long)l->count) return;
    long long idx;
    struct list_node *n = list_locate(l, start, &idx), *first = n;
    while (count > 0 && n) {
        struct list_node *next = n->next;
        long long avail = (long long)lp_count(n->lp) - idx;
        long long take = count < avail ? count : avail;
        if (idx == 0 && take == (long long)lp_count(n->lp)) {
            if (n == first) first = NULL;
            list_unlink_free(l, n);
        } else {
            n->lp = lp_delete_range(n->lp, idx, (uint32_t)take);
        }
        l->count -= (uint64_t)take;
        count -= take;
        idx = 0;
        n = next;
    }
    if (first) list_node_try_merge(l, first);
}

void list_iter_init(struct list_iter *it, struct list *l, long long start, int dir) {
    struct list_pos pos;
    it->l = l;
    it->dir = dir;
    it->cur_node = NULL;
    it->cur_off = 0;
    if (list_index(l, start, &pos)) {
        it->node = pos.node;
        it->off = (size_t)(pos.p - pos.node->lp);
    } else {
        it->node = NULL;
        it->off = 0;
    }
}

int list_iter_next(struct list_iter *it, struct list_pos *pos) {
    struct list_node *n = it->node;
    if (!n) return 0;
    unsigned char *p = n->lp + it->off;
    pos->node = n;
    pos->p = p;
    it->cur_node = n;
    it->cur_off = it->off;
    unsigned char *q = it->dir == LIST_TAIL ? lp_next(n->lp, p) : lp_prev(n->lp, p);
    if (q) {
        it->off = (size_t)(q - n->lp);
    } else {
        it->node = it->dir == LIST_TAIL ? n->next : n->prev;
        if (it->node) it->off = it->dir == LIST_TAIL ? LP_HEADER_SIZE : (size_t)(lp_last(it->node->lp) - it->node->lp);
    }
    return 1;
}

void list_iter_delete(struct list_iter *it) {
    struct list_node *n = it->cur_node;
    assert(n);
    unsigned char *p = n->lp + it->cur_off;
    n->lp = lp_delete(n->lp, &p);
    it->l->count--;
    /* walking towards the tail, the next entry of the same node slid into our place;
     * towards the head it lies before us and did not move */
    if (it->node == n && it->dir == LIST_TAIL) it->off = it->cur_off;
    if (lp_count(n->lp) == 0) {
        assert(it->node != n);
        list_unlink_free(it->l, n);
    }
    it->cur_node = NULL;
}
