/* zsetop_cmd.c — ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD. Inputs may
 * be sorted sets or plain sets (members of a set score 1). Argument parsing follows
 * Redis 7.0's order: numkeys, then every key's type, then WEIGHTS / AGGREGATE /
 * WITHSCORES / LIMIT.
 *
 * The result is built as a sorted set (encoding chosen by its size, as Redis converts
 * the stored result) and then either stored or replied in score order. A weight times
 * a score that is NaN (0 * inf) counts as 0, and so does a SUM that is NaN (inf - inf),
 * as in Redis. */
#include "cmd/command.h"
#include "cmd/dispatch.h"
#include "cmd/zset_cmd.h"
#include "core/dict.h"
#include "db/db.h"
#include "db/notify.h"
#include "types/set.h"
#include "types/zset.h"
#include "util/alloc.h"
#include "util/numparse.h"
#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum zop { ZOP_UNION, ZOP_INTER, ZOP_DIFF };
enum aggr { AG_SUM, AG_MIN, AG_MAX };

struct zsrc {
    entry *e; /* NULL: missing key (empty) */
    double weight;
};

static uint64_t src_len(const struct zsrc *s) {
    if (!s->e) return 0;
    return entry_type(s->e) == OBJ_SET ? set_size(s->e) : zset_length(s->e);
}

/* Score of m in source s (1 for plain sets). Returns 1 if present. */
static int src_score(const struct zsrc *s, const char *m, size_t len, double *score) {
    if (!s->e) return 0;
    if (entry_type(s->e) == OBJ_SET) {
        *score = 1.0;
        return set_contains(s->e, m, len);
    }
    return zset_score(s->e, m, len, score);
}

/* Iterate one source: calls fn(priv, member, len, score) for every member. */
typedef void (*src_fn)(void *priv, const char *m, size_t len, double score);
static void src_each(const struct zsrc *s, src_fn fn, void *priv) {
    if (!s->e) return;
    if (entry_type(s->e) == OBJ_SET) {
        struct set_iter it;
        const char *p;
        size_t len;
        set_iter_init(&it, s->e);
        while (set_iter_next(&it, &p, &len)) fn(priv, p, len, 1.0);
        set_iter_release(&it);
        return;
    }
    struct zset_pos z;
    unsigned char buf[24];
    for (zset_pos_rank(&z, s->e, 0); zset_pos_valid(&z); zset_pos_next(&z)) {
        const char *m;
        size_t len;
        double score;
        zset_pos_get(&z, buf, &m, &len, &score);
        fn(priv, m, len, score);
    }
}

static inline double weighted(double w, double s) {
    double v = w * s;
    return isnan(v) ? 0 : v;
}

static double aggregate(enum aggr a, double acc, double v) {
    switch (a) {
    case AG_MIN: return v < acc ? v : acc;
    case AG_MAX: return v > acc ? v : acc;
    default: {
        double r = acc + v;
        return isnan(r) ? 0 : r;
    }
    }
}

/* The result under construction: a member → score table, plus the longest member. */
struct zacc {
    struct dict *d;   /* DICT_VAL_PTR, value = double */
    size_t maxlen;
    enum aggr ag;
    double weight;
    const struct zsrc *srcs;
    int nsrc;
    uint64_t count, limit; /* ZINTERCARD only */
};

static void acc_put(struct zacc *a, const char *m, size_t len, double score) {
    int existed;
    struct dict_entry *de = dict_add(a->d, m, len, &existed);
    dict_entry_set_double(de, existed ? aggregate(a->ag, dict_entry_double(de), score) : score);
    if (len > a->maxlen) a->maxlen = len;
}

static void union_one(void *priv, const char *m, size_t len, double score) {
    struct zacc *a = priv;
    acc_put(a, m, len, weighted(a->weight, score));
}

static void inter_one(void *priv, const char *m, size_t len, double score) {
    struct zacc *a = priv;
    if (a->limit && a->count >= a->limit) return;
    double acc = weighted(a->srcs[0].weight, score), s;
    for (int j = 1; j < a->nsrc; j++) {
        if (!src_score(&a->srcs[j], m, len, &s)) return;
        /* as Redis: only the first term's NaN becomes 0 up front; a later NaN term
         * makes a SUM NaN (then 0) and leaves MIN / MAX unchanged */
        acc = aggregate(a->ag, acc, a->srcs[j].weight * s);
    }
    a->count++;
    if (a->d) acc_put(a, m, len, acc);
}

static void diff_one(void *priv, const char *m, size_t len, double score) {
    struct zacc *a = priv;
    double s;
    for (int j = 1; j < a->nsrc; j++)
        if (src_score(&a->srcs[j], m, len, &s)) return;
    acc_put(a, m, len, score);
}

static int cmp_src_len(const void *x, const void *y) {
    uint64_t a = src_len(x), b = src_len(y);
    return a < b ? -1 : a > b;
}

/* Compute the operation into acc (acc->d must exist unless counting only). */
static void compute(enum zop op, struct zsrc *srcs, int n, struct zacc *a) {
    a->srcs = srcs;
    a->nsrc = n;
    if (op == ZOP_UNION) {
        for (int i = 0; i < n; i++) {
            a->weight = srcs[i].weight;
            src_each(&srcs[i], union_one, a);
        }
        return;
    }
    if (op == ZOP_DIFF) {
        if (src_len(&srcs[0]) > 0) src_each(&srcs[0], diff_one, a);
        return;
    }
    /* intersection: iterate the smallest input; an empty input empties the result */
    qsort(srcs, (size_t)n, sizeof(*srcs), cmp_src_len);
    if (src_len(&srcs[0]) == 0) return;
    src_each(&srcs[0], inter_one, a);
}

/* Build the sorted-set entry holding the accumulated result: for a reply always a
 * skiplist (exact doubles: a -0 score stays -0, as Redis replies it), for STORE the
 * encoding that fits. */
static entry *build_result(struct zacc *a, const char *key, size_t klen, int store) {
    entry *r = zset_new_entry_sized(key, klen, dict_size(a->d), store ? a->maxlen : SIZE_MAX);
    struct dict_iter it;
    struct dict_entry *de;
    dict_iter_init(&it, a->d);
    while ((de = dict_iter_next(&it))) zset_add(r, dict_entry_double(de), dict_entry_key(a->d, de), de->klen, 0, NULL);
    dict_iter_release(&it);
    return r;
}

/* numkeys at argv[idx]: Redis's checks and texts. Returns the count or -1 (replied). */
static long long parse_numkeys(struct client *c, int idx, int reply) {
    long long n;
    if (num_parse_ll(c->argv[idx].ptr, c->argv[idx].len, &n) != 0) {
        if (reply) reply_not_integer(c);
        return -1;
    }
    if (n < 1) {
        if (reply) {
            const struct command *cmd = atomic_load_explicit(&c->last_cmd, memory_order_relaxed);
            reply_errorf(&c->out, "ERR at least 1 input key is needed for '%s' command", cmd ? cmd->fullname : "?");
        }
        return -1;
    }
    if (n > c->argc - idx - 1) {
        if (reply) reply_syntax_error(c);
        return -1;
    }
    return n;
}

int zcmd_numkeys_getkeys(struct client *c, int idx, int *out, int max) {
    if (idx >= c->argc) return 0;
    long long n = parse_numkeys(c, idx, 0);
    if (n < 0) return 0;
    /* more than fit: fill what fits; dispatch then locks the whole db */
    for (int i = 0; i < n && i < max; i++) out[i] = idx + 1 + i;
    return (int)n;
}

int zsetop_getkeys(struct client *c, int *out, int max) { return zcmd_numkeys_getkeys(c, 1, out, max); }
int zsetop_store_getkeys(struct client *c, int *out, int max) { return zcmd_numkeys_getkeys(c, 2, out, max); }

/* The whole command: dst (STORE forms) or NULL; card: ZINTERCARD. */
static void zsetop_generic(struct client *c, const struct arg *dst, enum zop op, int card) {
    int nkidx = dst ? 2 : 1;
    long long n = parse_numkeys(c, nkidx, 1);
    if (n < 0) return;
    struct zsrc *srcs = wmalloc((size_t)n * sizeof(*srcs));
    int j = nkidx + 1;
    for (long long i = 0; i < n; i++, j++) {
        const struct arg *k = &c->argv[j];
        entry *e = dst ? db_find(c->db, k->ptr, k->len, 0) : db_find_read(c->db, k->ptr, k->len);
        if (e && entry_type(e) != OBJ_ZSET && entry_type(e) != OBJ_SET) {
            reply_wrongtype(c);
            goto done;
        }
        srcs[i].e = e;
        srcs[i].weight = 1.0;
    }
    enum aggr ag = AG_SUM;
    int withscores = 0;
    long long limit = 0;
    while (j < c->argc) {
        int remaining = c->argc - j;
        const struct arg *a = &c->argv[j];
        if (op != ZOP_DIFF && remaining >= n + 1 && arg_eq(a, "weights")) {
            j++;
            for (long long i = 0; i < n; i++, j++) {
                if (num_parse_double(c->argv[j].ptr, c->argv[j].len, &srcs[i].weight) != 0) {
                    reply_error(&c->out, "ERR weight value is not a float");
                    goto done;
                }
            }
        } else if (op != ZOP_DIFF && remaining >= 2 && arg_eq(a, "aggregate")) {
            const struct arg *v = &c->argv[j + 1];
            if (arg_eq(v, "sum")) ag = AG_SUM;
            else if (arg_eq(v, "min")) ag = AG_MIN;
            else if (arg_eq(v, "max")) ag = AG_MAX;
            else {
                reply_syntax_error(c);
                goto done;
            }
            j += 2;
        } else if (!dst && !card && arg_eq(a, "withscores")) {
            withscores = 1;
            j++;
        } else if (card && remaining >= 2 && arg_eq(a, "limit")) {
            const struct arg *v = &c->argv[j + 1];
            if (num_parse_ll(v->ptr, v->len, &limit) != 0 || limit < 0) {
                reply_error(&c->out, "ERR LIMIT can't be negative");
                goto done;
            }
            j += 2;
        } else {
            reply_syntax_error(c);
            goto done;
        }
    }
    struct zacc acc = {NULL, 0, ag, 1.0, NULL, 0, 0, (uint64_t)limit};
    if (card) {
        compute(ZOP_INTER, srcs, (int)n, &acc);
        reply_int(&c->out, (long long)acc.count);
        goto done;
    }
    acc.d = dict_new(DICT_VAL_PTR);
    compute(op, srcs, (int)n, &acc);
    entry *r = build_result(&acc, dst ? dst->ptr : "", dst ? dst->len : 0, dst != NULL);
    dict_free(acc.d, NULL);
    uint64_t count = zset_length(r);
    if (dst) {
        static const char *events[] = {"zunionstore", "zinterstore", "zdiffstore"};
        if (count) {
            db_put(c->db, r, 0);
            keyspace_event(c->db->id, dst->ptr, dst->len, NOTIFY_ZSET, events[op]);
        } else {
            entry_free(r);
            if (db_delete(c->db, dst->ptr, dst->len))
                keyspace_event(c->db->id, dst->ptr, dst->len, NOTIFY_GENERIC, "del");
        }
        reply_int(&c->out, (long long)count);
        goto done;
    }
    if (withscores) zcmd_reply_pairs_header(c, (long long)count);
    else reply_array(&c->out, (long long)count);
    struct zset_pos z;
    unsigned char buf[24];
    for (zset_pos_rank(&z, r, 0); zset_pos_valid(&z); zset_pos_next(&z)) {
        const char *m;
        size_t len;
        double score;
        zset_pos_get(&z, buf, &m, &len, &score);
        if (withscores) zcmd_reply_pair(c, m, len, score);
        else reply_bulk(&c->out, m, len);
    }
    entry_free(r);
done:
    wfree(srcs);
}

void zunion_command(struct client *c) { zsetop_generic(c, NULL, ZOP_UNION, 0); }
void zinter_command(struct client *c) { zsetop_generic(c, NULL, ZOP_INTER, 0); }
void zdiff_command(struct client *c) { zsetop_generic(c, NULL, ZOP_DIFF, 0); }
void zunionstore_command(struct client *c) { zsetop_generic(c, &c->argv[1], ZOP_UNION, 0); }
void zinterstore_command(struct client *c) { zsetop_generic(c, &c->argv[1], ZOP_INTER, 0); }
void zdiffstore_command(struct client *c) { zsetop_generic(c, &c->argv[1], ZOP_DIFF, 0); }
void zintercard_command(struct client *c) { zsetop_generic(c, NULL, ZOP_INTER, 1); }
