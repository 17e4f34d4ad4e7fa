/* list_cmd.c — list commands (LPUSH … LMPOP) and their blocking forms (BLPOP BRPOP
 * BLMOVE BRPOPLPUSH BLMPOP). Each runs with its keys' shard locks held (dispatch).
 * Argument checks happen in Redis 7.0's order, so the same bad request gets the same
 * error. Empty lists never stay in the keyspace. Blocking forms: see db/blocking.h —
 * when re-run for a blocked client (blocking_is_retry), a key of the wrong type counts
 * as empty instead of answering WRONGTYPE, as Redis leaves such clients blocked. */
#include "client.h"
#include "cmd/dispatch.h"
#include "cmd/families.h"
#include "config.h"
#include "db/blocking.h"
#include "db/db.h"
#include "db/notify.h"
#include "types/list.h"
#include "util/alloc.h"
#include "util/numparse.h"
#include <limits.h>
#include <string.h>

/* Elements past this size would not fit a listpack entry's 32-bit length safely. */
#define LIST_MAX_ELEMENT ((size_t)1 << 31)

static inline struct list *list_of(entry *e) { return entry_ptr(e); }
static inline int client_in_multi(struct client *c) {
    return (atomic_load_explicit(&c->flags, memory_order_relaxed) & CLIENT_IN_MULTI) != 0;
}

/* Look up key as a list. Returns 0 with *out (NULL if absent), or -1 after replying
 * WRONGTYPE. */
static int list_find(struct client *c, const struct arg *key, int read, entry **out) {
    return lookup_key_typed(c, key, OBJ_LIST, read, out);
}

/* list_find for the blocking forms: when re-run for a blocked client, a key of
 * another type counts as absent (0, *out NULL, nothing replied), as Redis leaves such
 * clients blocked. */
static int list_find_blocking(struct client *c, const struct arg *key, entry **out) {
    if (!blocking_is_retry(c)) return list_find(c, key, 0, out);
    entry *e = db_find(c->db, key->ptr, key->len, 0);
    *out = e && entry_type(e) == OBJ_LIST ? e : NULL;
    return 0;
}

static entry *list_create(struct client *c, const struct arg *key) {
    struct list *l = list_new(server_config.list_max_listpack_size);
    entry *e = entry_new_ptr(key->ptr, key->len, OBJ_LIST, ENC_QUICKLIST, l, -1);
    db_add(c->db, e);
    return e;
}

/* After a removal: delete the key if its list is now empty. */
static void list_delete_if_empty(struct client *c, const struct arg *key, entry *e) {
    if (list_len(list_of(e)) != 0) return;
    db_delete(c->db, key->ptr, key->len);
    keyspace_event(c->db->id, key->ptr, key->len, NOTIFY_GENERIC, "del");
}

static int list_check_element_sizes(struct client *c, int from, int to) {
    for (int i = from; i < to; i++) {
        if (c->argv[i].len >= LIST_MAX_ELEMENT) {
            reply_error(&c->out, "ERR element too large");
            return -1;
        }
    }
    return 0;
}

static const char *pop_event(int where) { return where == LIST_HEAD ? "lpop" : "rpop"; }
static const char *push_event(int where) { return where == LIST_HEAD ? "lpush" : "rpush"; }

/* Reply with the element at one end and remove it. */
static void list_pop_reply(struct client *c, struct list *l, int where) {
    struct list_value v;
    list_peek(l, where, &v);
    reply_bulk(&c->out, v.s, v.len);
    list_pop(l, where);
}

/* ---- push ---- */

static void push_generic(struct client *c, int where, int only_existing) {
    const struct arg *key = &c->argv[1];
    entry *e;
    if (list_find(c, key, 0, &e) != 0) return;
    if (!e && only_existing) {
        reply_int(&c->out, 0);
        return;
    }
    if (list_check_element_sizes(c, 2, c->argc) != 0) return;
    if (!e) e = list_create(c, key);
    struct list *l = list_of(e);
    for (int i = 2; i < c->argc; i++) list_push(l, where, c->argv[i].ptr, c->argv[i].len);
    keyspace_event(c->db->id, key->ptr, key->len, NOTIFY_LIST, push_event(where));
    reply_int(&c->out, (long long)list_len(l));
}

static void lpush_command(struct client *c) { push_generic(c, LIST_HEAD, 0); }
static void rpush_command(struct client *c) { push_generic(c, LIST_TAIL, 0); }
static void lpushx_command(struct client *c) { push_generic(c, LIST_HEAD, 1); }
static void rpushx_command(struct client *c) { push_generic(c, LIST_TAIL, 1); }

/* ---- pop ---- */

static void pop_generic(struct client *c, int where) {
    long long count = -1;
    if (c->argc > 3) {
        reply_wrong_args(c);
        return;
    }
    if (c->argc == 3 && (num_parse_ll(c->argv[2].ptr, c->argv[2].len, &count) != 0 || count < 0)) {
        reply_error(&c->out, "ERR value is out of range, must be positive");
        return;
    }
    const struct arg *key = &c->argv[1];
    entry *e;
    if (list_find(c, key, 0, &e) != 0) return;
    if (!e) {
        if (count >= 0) reply_null_array(&c->out);
        else reply_null(&c->out);
        return;
    }
    struct list *l = list_of(e);
    if (count < 0) {
        list_pop_reply(c, l, where);
    } else {
        long long n = count < (long long)list_len(l) ? count : (long long)list_len(l);
        reply_array(&c->out, n);
        if (n == 0) return; /* COUNT 0 changes nothing */
        for (long long i = 0; i < n; i++) list_pop_reply(c, l, where);
    }
    keyspace_event(c->db->id, key->ptr, key->len, NOTIFY_LIST, pop_event(where));
    list_delete_if_empty(c, key, e);
}

static void lpop_command(struct client *c) { pop_generic(c, LIST_HEAD); }
static void rpop_command(struct client *c) { pop_generic(c, LIST_TAIL); }

/* ---- reads ---- */

static void llen_command(struct client *c) {
    entry *e;
    if (list_find(c, &c->argv[1], 1, &e) != 0) return;
    reply_int(&c->out, e ? (long long)list_len(list_of(e)) : 0);
}

static int parse_ll_arg(struct client *c, int i, long long *out) {
    if (num_parse_ll(c->argv[i].ptr, c->argv[i].len, out) != 0) {
        reply_not_integer(c);
        return -1;
    }
    return 0;
}

static void lrange_command(struct client *c) {
    long long start, end;
    if (parse_ll_arg(c, 2, &start) != 0 || parse_ll_arg(c, 3, &end) != 0) return;
    entry *e;
    if (list_find(c, &c->argv[1], 1, &e) != 0) return;
    if (!e) {
        reply_array(&c->out, 0);
        return;
    }
    struct list *l = list_of(e);
    long long len = (long long)list_len(l);
    if (start < 0) start = len + start < 0 ? 0 : len + start;
    if (end < 0) end = len + end; /* may stay negative: empty range */
    if (end >= len) end = len - 1;
    if (start > end || start >= len) {
        reply_array(&c->out, 0);
        return;
    }
    long long n = end - start + 1;
    reply_array(&c->out, n);
    struct list_iter it;
    struct list_pos pos;
    struct list_value v;
    list_iter_init(&it, l, start, LIST_TAIL);
    while (n-- > 0 && list_iter_next(&it, &pos)) {
        list_pos_get(&pos, &v);
        reply_bulk(&c->out, v.s, v.len);
    }
}

static void lindex_command(struct client *c) {
    entry *e;
    if (list_find(c, &c->argv[1], 1, &e) != 0) return;
    if (!e) {
        reply_null(&c->out);
        return;
    }
    long long index;
    if (parse_ll_arg(c, 2, &index) != 0) return;
    struct list_pos pos;
    if (!list_index(list_of(e), index, &pos)) {
        reply_null(&c->out);
        return;
    }
    struct list_value v;
    list_pos_get(&pos, &v);
    reply_bulk(&c->out, v.s, v.len);
}

/* LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len] */
static void lpos_command(struct client *c) {
    long long rank = 1, count = -1, maxlen = 0;
    for (int i = 3; i < c->argc; i++) {
        int has_next = i + 1 < c->argc;
        if (arg_eq(&c->argv[i], "RANK") && has_next) {
            if (parse_ll_arg(c, ++i, &rank) != 0) return;
            if (rank == 0) {
                reply_error(&c->out, "ERR RANK can't be zero: use 1 to start from the first match, 2 from the "
                                     "second ... or use negative to start from the end of the list");
                return;
            }
        } else if (arg_eq(&c->argv[i], "COUNT") && has_next) {
            if (parse_ll_arg(c, ++i, &count) != 0) return;
            if (count < 0) {
                reply_error(&c->out, "ERR COUNT can't be negative");
                return;
            }
        } else if (arg_eq(&c->argv[i], "MAXLEN") && has_next) {
            if (parse_ll_arg(c, ++i, &maxlen) != 0) return;
            if (maxlen < 0) {
                reply_error(&c->out, "ERR MAXLEN can't be negative");
                return;
            }
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    entry *e;
    if (list_find(c, &c->argv[1], 1, &e) != 0) return;
    if (!e) {
        if (count >= 0) reply_array(&c->out, 0);
        else reply_null(&c->out);
        return;
    }
    struct list *l = list_of(e);
    int dir = LIST_TAIL;
    unsigned long long need = (unsigned long long)rank;
    if (rank < 0) {
        dir = LIST_HEAD;
        /* RANK -9223372036854775808 cannot be negated; Redis then takes every match
         * from the tail on, which is what rank 1 does */
        need = rank == LLONG_MIN ? 1 : (unsigned long long)(-rank);
    }
    long long len = (long long)list_len(l);
    reply_deferred d = count >= 0 ? reply_defer_len(&c->out) : NULL;
    long long emitted = 0, index = dir == LIST_TAIL ? 0 : len - 1, compared = 0;
    unsigned long long matches = 0;
    const struct arg *elem = &c->argv[2];
    struct list_iter it;
    struct list_pos pos;
    list_iter_init(&it, l, dir == LIST_TAIL ? 0 : -1, dir);
    while ((maxlen == 0 || compared < maxlen) && list_iter_next(&it, &pos)) {
        compared++;
        if (list_pos_eq(&pos, elem->ptr, elem->len) && ++matches >= need) {
            if (count < 0) {
                reply_int(&c->out, index);
                return;
            }
            reply_int(&c->out, index);
            emitted++;
            if (count != 0 && emitted == count) break;
        }
        index += dir == LIST_TAIL ? 1 : -1;
    }
    if (count < 0) reply_null(&c->out);
    else reply_set_deferred_array(&c->out, d, emitted);
}

/* ---- in-place edits ---- */

static void lset_command(struct client *c) {
    const struct arg *key = &c->argv[1];
    entry *e;
    if (list_find(c, key, 0, &e) != 0) return;
    if (!e) {
        reply_error(&c->out, "ERR no such key");
        return;
    }
    long long index;
    if (parse_ll_arg(c, 2, &index) != 0) return;
    if (list_check_element_sizes(c, 3, 4) != 0) return;
    struct list *l = list_of(e);
    struct list_pos pos;
    if (!list_index(l, index, &pos)) {
        reply_error(&c->out, "ERR index out of range");
        return;
    }
    list_pos_replace(l, &pos, c->argv[3].ptr, c->argv[3].len);
    keyspace_event(c->db->id, key->ptr, key->len, NOTIFY_LIST, "lset");
    reply_ok(&c->out);
}

static void linsert_command(struct client *c) {
    int where;
    if (arg_eq(&c->argv[2], "BEFORE")) where = LIST_HEAD;
    else if (arg_eq(&c->argv[2], "AFTER")) where = LIST_TAIL;
    else {
        reply_syntax_error(c);
        return;
    }
    const struct arg *key = &c->argv[1], *pivot = &c->argv[3], *elem = &c->argv[4];
    entry *e;
    if (list_find(c, key, 0, &e) != 0) return;
    if (!e) {
        reply_int(&c->out, 0);
        return;
    }
    if (list_check_element_sizes(c, 4, 5) != 0) return;
    struct list *l = list_of(e);
    struct list_iter it;
    struct list_pos pos;
    list_iter_init(&it, l, 0, LIST_TAIL);
    while (list_iter_next(&it, &pos)) {
        if (list_pos_eq(&pos, pivot->ptr, pivot->len)) {
            list_pos_insert(l, &pos, where, elem->ptr, elem->len);
            keyspace_event(c->db->id, key->ptr, key->len, NOTIFY_LIST, "linsert");
            reply_int(&c->out, (long long)list_len(l));
            return;
        }
    }
    reply_int(&c->out, -1);
}

static void lrem_command(struct client *c) {
    long long count;
    if (parse_ll_arg(c, 2, &count) != 0) return;
    const struct arg *key = &c->argv[1], *elem = &c->argv[3];
    entry *e;
    if (list_find(c, key, 0, &e) != 0) return;
    if (!e) {
        reply_int(&c->out, 0);
        return;
    }
    struct list *l = list_of(e);
    unsigned long long limit = count < 0 ? 0ULL - (unsigned long long)count : (unsigned long long)count;
    long long removed = 0;
    struct list_iter it;
    struct list_pos pos;
    list_iter_init(&it, l, count < 0 ? -1 : 0, count < 0 ? LIST_HEAD : LIST_TAIL);
    while (list_iter_next(&it, &pos)) {
        if (!list_pos_eq(&pos, elem->ptr, elem->len)) continue;
        list_iter_delete(&it);
        removed++;
        if (limit && (unsigned long long)removed == limit) break;
    }
    if (removed) {
        keyspace_event(c->db->id, key->ptr, key->len, NOTIFY_LIST, "lrem");
        list_delete_if_empty(c, key, e);
    }
    reply_int(&c->out, removed);
}

static void ltrim_command(struct client *c) {
    long long start, end;
    if (parse_ll_arg(c, 2, &start) != 0 || parse_ll_arg(c, 3, &end) != 0) return;
    const struct arg *key = &c->argv[1];
    entry *e;
    if (list_find(c, key, 0, &e) != 0) return;
    if (!e) {
        reply_ok(&c->out);
        return;
    }
    struct list *l = list_of(e);
    long long len = (long long)list_len(l), ltrim, rtrim;
    if (start < 0) start = len + start < 0 ? 0 : len + start;
    if (end < 0) end = len + end;
    if (start > end || start >= len) {
        ltrim = len; /* everything goes */
        rtrim = 0;
    } else {
        if (end >= len) end = len - 1;
        ltrim = start;
        rtrim = len - end - 1;
    }
    list_delete_range(l, 0, ltrim);
    list_delete_range(l, (long long)list_len(l) - rtrim, rtrim);
    keyspace_event(c->db->id, key->ptr, key->len, NOTIFY_LIST, "ltrim");
    list_delete_if_empty(c, key, e);
    reply_ok(&c->out);
}

/* ---- moves ---- */

static int parse_where(const struct arg *a, int *where) {
    if (arg_eq(a, "LEFT")) *where = LIST_HEAD;
    else if (arg_eq(a, "RIGHT")) *where = LIST_TAIL;
    else return -1;
    return 0;
}

/* Move one element from src (end `from`) to dst (end `to`) and reply with it.
 * Returns 1 when it replied (moved, or WRONGTYPE), 0 when src is absent (or, in a
 * retry, of the wrong type): nothing replied. Order as Redis: push to dst (and its
 * event) before the pop event and the deletion of an emptied src, so LMOVE l l on a
 * one-element list keeps it. */
static int list_move(struct client *c, const struct arg *src, const struct arg *dst, int from, int to) {
    entry *se, *de;
    if (list_find_blocking(c, src, &se) != 0) return 1;
    if (!se) return 0;
    if (list_find(c, dst, 0, &de) != 0) return 1;
    struct list *sl = list_of(se);
    struct list_value v;
    list_peek(sl, from, &v);
    /* copy: the pop (and a push into the same list) moves the listpack bytes */
    char small[64];
    char *val = v.len <= sizeof(small) ? small : wmalloc(v.len);
    size_t vlen = v.len;
    memcpy(val, v.s, vlen);
    list_pop(sl, from);
    if (!de) de = list_create(c, dst);
    list_push(list_of(de), to, val, vlen);
    keyspace_event(c->db->id, dst->ptr, dst->len, NOTIFY_LIST, push_event(to));
    reply_bulk(&c->out, val, vlen);
    if (val != small) wfree(val);
    keyspace_event(c->db->id, src->ptr, src->len, NOTIFY_LIST, pop_event(from));
    list_delete_if_empty(c, src, se);
    return 1;
}

static void lmove_command(struct client *c) {
    int from, to;
    if (parse_where(&c->argv[3], &from) != 0 || parse_where(&c->argv[4], &to) != 0) {
        reply_syntax_error(c);
        return;
    }
    if (!list_move(c, &c->argv[1], &c->argv[2], from, to)) reply_null(&c->out);
}

static void rpoplpush_command(struct client *c) {
    if (!list_move(c, &c->argv[1], &c->argv[2], LIST_TAIL, LIST_HEAD)) reply_null(&c->out);
}

/* Shared by BLMOVE and BRPOPLPUSH: timeout at argv[timeout_idx]. */
static void blmove_generic(struct client *c, int from, int to, int timeout_idx) {
    long long deadline;
    if (blocking_parse_timeout(c, &c->argv[timeout_idx], &deadline) != 0) return;
    if (list_move(c, &c->argv[1], &c->argv[2], from, to)) return;
    if (client_in_multi(c)) {
        reply_null(&c->out);
        return;
    }
    int keys[1] = {1};
    blocking_block(c, keys, 1, deadline, BLOCK_REPLY_NULL_ARRAY);
}

static void blmove_command(struct client *c) {
    int from, to;
    if (parse_where(&c->argv[3], &from) != 0 || parse_where(&c->argv[4], &to) != 0) {
        reply_syntax_error(c);
        return;
    }
    blmove_generic(c, from, to, 5);
}

static void brpoplpush_command(struct client *c) { blmove_generic(c, LIST_TAIL, LIST_HEAD, 3); }

/* ---- BLPOP / BRPOP ---- */

static void bpop_generic(struct client *c, int where) {
    long long deadline;
    if (blocking_parse_timeout(c, &c->argv[c->argc - 1], &deadline) != 0) return;
    for (int i = 1; i < c->argc - 1; i++) {
        const struct arg *key = &c->argv[i];
        entry *e;
        if (list_find_blocking(c, key, &e) != 0) return;
        if (!e) continue;
        reply_array(&c->out, 2);
        reply_bulk(&c->out, key->ptr, key->len);
        list_pop_reply(c, list_of(e), where);
        keyspace_event(c->db->id, key->ptr, key->len, NOTIFY_LIST, pop_event(where));
        list_delete_if_empty(c, key, e);
        return;
    }
    if (client_in_multi(c)) {
        reply_null_array(&c->out);
        return;
    }
    int nkeys = c->argc - 2;
    int small[16];
    int *keys = nkeys <= 16 ? small : wmalloc(sizeof(int) * (size_t)nkeys);
    for (int i = 0; i < nkeys; i++) keys[i] = i + 1;
    blocking_block(c, keys, nkeys, deadline, BLOCK_REPLY_NULL_ARRAY);
    if (keys != small) wfree(keys);
}

static void blpop_command(struct client *c) { bpop_generic(c, LIST_HEAD); }
static void brpop_command(struct client *c) { bpop_generic(c, LIST_TAIL); }

/* ---- LMPOP / BLMPOP ---- */

struct mpop_args {
    long long numkeys, count;
    int first_key, where;
};

/* numkeys at argv[numkeys_idx], then the keys, LEFT|RIGHT, [COUNT n]. Replies and
 * returns -1 on error. */
static int mpop_parse(struct client *c, int numkeys_idx, struct mpop_args *a) {
    const struct arg *nk = &c->argv[numkeys_idx];
    if (num_parse_ll(nk->ptr, nk->len, &a->numkeys) != 0 || a->numkeys <= 0) {
        reply_error(&c->out, "ERR numkeys should be greater than 0");
        return -1;
    }
    /* the keys and LEFT|RIGHT must all be there */
    if (a->numkeys > (long long)c->argc - numkeys_idx - 2) {
        reply_syntax_error(c);
        return -1;
    }
    a->first_key = numkeys_idx + 1;
    int wi = a->first_key + (int)a->numkeys;
    if (parse_where(&c->argv[wi], &a->where) != 0) {
        reply_syntax_error(c);
        return -1;
    }
    a->count = -1;
    for (int i = wi + 1; i < c->argc; i++) {
        if (arg_eq(&c->argv[i], "COUNT") && i + 1 < c->argc && a->count < 0) {
            const struct arg *ca = &c->argv[++i];
            if (num_parse_ll(ca->ptr, ca->len, &a->count) != 0 || a->count <= 0) {
                reply_error(&c->out, "ERR count should be greater than 0");
                return -1;
            }
        } else {
            reply_syntax_error(c);
            return -1;
        }
    }
    if (a->count < 0) a->count = 1;
    return 0;
}

/* Pop from the first non-empty list. Returns 1 if it replied (popped or WRONGTYPE). */
static int mpop_try(struct client *c, const struct mpop_args *a) {
    for (long long k = 0; k < a->numkeys; k++) {
        const struct arg *key = &c->argv[a->first_key + k];
        entry *e;
        if (list_find_blocking(c, key, &e) != 0) return 1;
        if (!e) continue;
        struct list *l = list_of(e);
        long long n = a->count < (long long)list_len(l) ? a->count : (long long)list_len(l);
        reply_array(&c->out, 2);
        reply_bulk(&c->out, key->ptr, key->len);
        reply_array(&c->out, n);
        for (long long i = 0; i < n; i++) list_pop_reply(c, l, a->where);
        keyspace_event(c->db->id, key->ptr, key->len, NOTIFY_LIST, pop_event(a->where));
        list_delete_if_empty(c, key, e);
        return 1;
    }
    return 0;
}

static void lmpop_command(struct client *c) {
    struct mpop_args a;
    if (mpop_parse(c, 1, &a) != 0) return;
    if (!mpop_try(c, &a)) reply_null_array(&c->out);
}

static void blmpop_command(struct client *c) {
    long long deadline;
    if (blocking_parse_timeout(c, &c->argv[1], &deadline) != 0) return;
    struct mpop_args a;
    if (mpop_parse(c, 2, &a) != 0) return;
    if (mpop_try(c, &a)) return;
    if (client_in_multi(c)) {
        reply_null_array(&c->out);
        return;
    }
    int n = (int)a.numkeys;
    int *keys = wmalloc(sizeof(int) * (size_t)n);
    for (int i = 0; i < n; i++) keys[i] = a.first_key + i;
    blocking_block(c, keys, n, deadline, BLOCK_REPLY_NULL_ARRAY);
    wfree(keys);
}

/* Key positions of LMPOP (numkeys at 1) and BLMPOP (numkeys at 2): none when the
 * count is invalid — the command then fails before touching any key. */
static int mpop_keys(struct client *c, int numkeys_idx, int *out, int max) {
    if (c->argc <= numkeys_idx) return 0;
    long long n;
    const struct arg *nk = &c->argv[numkeys_idx];
    if (num_parse_ll(nk->ptr, nk->len, &n) != 0 || n <= 0 || n > (long long)c->argc - numkeys_idx - 2) return 0;
    for (int i = 0; i < (int)n && i < max; i++) out[i] = numkeys_idx + 1 + i;
    return (int)n;
}
static int lmpop_getkeys(struct client *c, int *out, int max) { return mpop_keys(c, 1, out, max); }
static int blmpop_getkeys(struct client *c, int *out, int max) { return mpop_keys(c, 2, out, max); }

__attribute__((constructor)) static void list_cmd_register_type(void) { list_type_init(); }

#define LIST_W (ACL_WRITE | ACL_LIST)
#define LIST_R (ACL_READ | ACL_LIST)
#define KEY1 .first_key = 1, .last_key = 1, .key_step = 1
#define PUSH_CX "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments."
struct command list_commands[] = {
    {.name = "lpush", .proc = lpush_command, .arity = -3, .flags = CMD_WRITE | CMD_DENYOOM | CMD_FAST, .acl = LIST_W, KEY1,
     .summary = "Prepend one or multiple elements to a list", .since = "1.0.0", .group = "list", .complexity = PUSH_CX},
    {.name = "rpush", .proc = rpush_command, .arity = -3, .flags = CMD_WRITE | CMD_DENYOOM | CMD_FAST, .acl = LIST_W, KEY1,
     .summary = "Append one or multiple elements to a list", .since = "1.0.0", .group = "list", .complexity = PUSH_CX},
    {.name = "lpushx", .proc = lpushx_command, .arity = -3, .flags = CMD_WRITE | CMD_DENYOOM | CMD_FAST, .acl = LIST_W, KEY1,
     .summary = "Prepend an element to a list, only if the list exists", .since = "2.2.0", .group = "list", .complexity = PUSH_CX},
    {.name = "rpushx", .proc = rpushx_command, .arity = -3, .flags = CMD_WRITE | CMD_DENYOOM | CMD_FAST, .acl = LIST_W, KEY1,
     .summary = "Append an element to a list, only if the list exists", .since = "2.2.0", .group = "list", .complexity = PUSH_CX},
    {.name = "lpop", .proc = lpop_command, .arity = -2, .flags = CMD_WRITE | CMD_FAST, .acl = LIST_W, KEY1,
     .summary = "Remove and get the first elements in a list", .since = "1.0.0", .group = "list",
     .complexity = "O(N) where N is the number of elements returned"},
    {.name = "rpop", .proc = rpop_command, .arity = -2, .flags = CMD_WRITE | CMD_FAST, .acl = LIST_W, KEY1,
     .summary = "Remove and get the last elements in a list", .since = "1.0.0", .group = "list",
     .complexity = "O(N) where N is the number of elements returned"},
    {.name = "llen", .proc = llen_command, .arity = 2, .flags = CMD_READONLY | CMD_FAST, .acl = LIST_R, KEY1,
     .summary = "Get the length of a list", .since = "1.0.0", .group = "list", .complexity = "O(1)"},
    {.name = "lrange", .proc = lrange_command, .arity = 4, .flags = CMD_READONLY, .acl = LIST_R | ACL_SLOW, KEY1,
     .summary = "Get a range of elements from a list", .since = "1.0.0", .group = "list",
     .complexity = "O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or "
                   "TAIL) for large lists; and N is the number of elements in the specified range."},
    {.name = "lindex", .proc = lindex_command, .arity = 3, .flags = CMD_READONLY, .acl = LIST_R | ACL_SLOW, KEY1,
     .summary = "Get an element from a list by its index", .since = "1.0.0", .group = "list",
     .complexity = "O(N) where N is the number of elements to traverse to get to the element at index. This makes "
                   "asking for the first or the last element of the list O(1)."},
    {.name = "lset", .proc = lset_command, .arity = 4, .flags = CMD_WRITE | CMD_DENYOOM, .acl = LIST_W | ACL_SLOW, KEY1,
     .summary = "Set the value of an element in a list by its index", .since = "1.0.0", .group = "list",
     .complexity = "O(N) where N is the length of the list. Setting either the first or the last element of the list "
                   "is O(1)."},
    {.name = "linsert", .proc = linsert_command, .arity = 5, .flags = CMD_WRITE | CMD_DENYOOM, .acl = LIST_W | ACL_SLOW,
     KEY1, .summary = "Insert an element before or after another element in a list", .since = "2.2.0", .group = "list",
     .complexity = "O(N) where N is the number of elements to traverse before seeing the value pivot. This means that "
                   "inserting somewhere on the left end on the list (head) can be considered O(1) and inserting "
                   "somewhere on the right end (tail) is O(N)."},
    {.name = "lrem", .proc = lrem_command, .arity = 4, .flags = CMD_WRITE, .acl = LIST_W | ACL_SLOW, KEY1,
     .summary = "Remove elements from a list", .since = "1.0.0", .group = "list",
     .complexity = "O(N+M) where N is the length of the list and M is the number of elements removed."},
    {.name = "ltrim", .proc = ltrim_command, .arity = 4, .flags = CMD_WRITE, .acl = LIST_W | ACL_SLOW, KEY1,
     .summary = "Trim a list to the specified range", .since = "1.0.0", .group = "list",
     .complexity = "O(N) where N is the number of elements to be removed by the operation."},
    {.name = "lpos", .proc = lpos_command, .arity = -3, .flags = CMD_READONLY, .acl = LIST_R | ACL_SLOW, KEY1,
     .summary = "Return the index of matching elements on a list", .since = "6.0.6", .group = "list",
     .complexity = "O(N) where N is the number of elements in the list, for the average case. When searching for "
                   "elements near the head or the tail of the list, or when the MAXLEN option is provided, the "
                   "command may run in constant time."},
    {.name = "lmove", .proc = lmove_command, .arity = 5, .flags = CMD_WRITE | CMD_DENYOOM, .acl = LIST_W | ACL_SLOW,
     .first_key = 1, .last_key = 2, .key_step = 1,
     .summary = "Pop an element from a list, push it to another list and return it", .since = "6.2.0", .group = "list",
     .complexity = "O(1)"},
    {.name = "rpoplpush", .proc = rpoplpush_command, .arity = 3, .flags = CMD_WRITE | CMD_DENYOOM,
     .acl = LIST_W | ACL_SLOW, .first_key = 1, .last_key = 2, .key_step = 1,
     .summary = "Remove the last element in a list, prepend it to another list and return it", .since = "1.2.0",
     .group = "list", .complexity = "O(1)"},
    {.name = "lmpop", .proc = lmpop_command, .arity = -4, .flags = CMD_WRITE | CMD_MOVABLE_KEYS,
     .acl = LIST_W | ACL_SLOW, .getkeys = lmpop_getkeys, .summary = "Pop elements from a list", .since = "7.0.0",
     .group = "list",
     .complexity = "O(N+M) where N is the number of provided keys and M is the number of elements returned."},
    {.name = "blpop", .proc = blpop_command, .arity = -3, .flags = CMD_WRITE | CMD_NOSCRIPT | CMD_BLOCKING,
     .acl = LIST_W | ACL_SLOW | ACL_BLOCKING, .first_key = 1, .last_key = -2, .key_step = 1,
     .summary = "Remove and get the first element in a list, or block until one is available", .since = "2.0.0",
     .group = "list", .complexity = "O(N) where N is the number of provided keys."},
    {.name = "brpop", .proc = brpop_command, .arity = -3, .flags = CMD_WRITE | CMD_NOSCRIPT | CMD_BLOCKING,
     .acl = LIST_W | ACL_SLOW | ACL_BLOCKING, .first_key = 1, .last_key = -2, .key_step = 1,
     .summary = "Remove and get the last element in a list, or block until one is available", .since = "2.0.0",
     .group = "list", .complexity = "O(N) where N is the number of provided keys."},
    {.name = "blmove", .proc = blmove_command, .arity = 6,
     .flags = CMD_WRITE | CMD_DENYOOM | CMD_NOSCRIPT | CMD_BLOCKING, .acl = LIST_W | ACL_SLOW | ACL_BLOCKING,
     .first_key = 1, .last_key = 2, .key_step = 1,
     .summary = "Pop an element from a list, push it to another list and return it; or block until one is available",
     .since = "6.2.0", .group = "list", .complexity = "O(1)"},
    {.name = "brpoplpush", .proc = brpoplpush_command, .arity = 4,
     .flags = CMD_WRITE | CMD_DENYOOM | CMD_NOSCRIPT | CMD_BLOCKING, .acl = LIST_W | ACL_SLOW | ACL_BLOCKING,
     .first_key = 1, .last_key = 2, .key_step = 1,
     .summary = "Pop an element from a list, push it to another list and return it; or block until one is available",
     .since = "2.2.0", .group = "list", .complexity = "O(1)"},
    {.name = "blmpop", .proc = blmpop_command, .arity = -5, .flags = CMD_WRITE | CMD_BLOCKING | CMD_MOVABLE_KEYS,
     .acl = LIST_W | ACL_SLOW | ACL_BLOCKING, .getkeys = blmpop_getkeys,
     .summary = "Pop elements from a list, or block until one is available", .since = "7.0.0", .group = "list",
     .complexity = "O(N+M) where N is the number of provided keys and M is the number of elements returned."},
    CMD_END,
};
