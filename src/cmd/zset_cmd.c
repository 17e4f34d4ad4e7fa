/* zset_cmd.c — single-key sorted-set commands (ZADD ... ZSCAN), the pops (ZPOPMIN,
 * ZPOPMAX, ZMPOP) and the family's command table, whose procs also live in
 * zrange_cmd.c and zsetop_cmd.c (see zset_cmd.h). Keys are locked by dispatch; ZMPOP's
 * numkeys-style keys come from its getkeys.
 *
 * Scores are parsed with num_parse_double (Redis's getDoubleFromObject syntax) and
 * replied with reply_double (RESP3 double, RESP2 "%.17g" bulk). */
#include "cmd/coll_scan.h"
#include "cmd/dispatch.h"
#include "cmd/families.h"
#include "cmd/zset_cmd.h"
#include "core/dict.h"
#include "db/blocking.h"
#include "db/db.h"
#include "db/notify.h"
#include "types/zset.h"
#include "util/alloc.h"
#include "util/numparse.h"
#include <limits.h>
#include <stdatomic.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void notify(struct client *c, const struct arg *key, const char *event) {
    keyspace_event(c->db->id, key->ptr, key->len, NOTIFY_ZSET, event);
}

/* ---- ZADD / ZINCRBY ---- */

static void zadd_generic(struct client *c, int flags) {
    int scoreidx = 2, ch = 0;
    while (scoreidx < c->argc) {
        const struct arg *a = &c->argv[scoreidx];
        if (arg_eq(a, "nx")) flags |= ZADD_NX;
        else if (arg_eq(a, "xx")) flags |= ZADD_XX;
        else if (arg_eq(a, "gt")) flags |= ZADD_GT;
        else if (arg_eq(a, "lt")) flags |= ZADD_LT;
        else if (arg_eq(a, "incr")) flags |= ZADD_INCR;
        else if (arg_eq(a, "ch")) ch = 1;
        else break;
        scoreidx++;
    }
    int incr = flags & ZADD_INCR;
    int elements = c->argc - scoreidx;
    if (elements == 0 || elements % 2) {
        reply_syntax_error(c);
        return;
    }
    elements /= 2;
    if ((flags & ZADD_NX) && (flags & ZADD_XX)) {
        reply_error(&c->out, "ERR XX and NX options at the same time are not compatible");
        return;
    }
    if (((flags & ZADD_GT) && (flags & ZADD_NX)) || ((flags & ZADD_LT) && (flags & ZADD_NX)) ||
        ((flags & ZADD_GT) && (flags & ZADD_LT))) {
        reply_error(&c->out, "ERR GT, LT, and/or NX options at the same time are not compatible");
        return;
    }
    if (incr && elements > 1) {
        reply_error(&c->out, "ERR INCR option supports a single increment-element pair");
        return;
    }
    /* every score (and member length) is checked before anything changes */
    for (int j = 0; j < elements; j++) {
        if (c->argv[scoreidx + j * 2 + 1].len > ZSL_MAX_MEMBER) {
            reply_error(&c->out, "ERR member too long for a sorted set");
            return;
        }
    }
    double *scores = wmalloc((size_t)elements * sizeof(double));
    for (int j = 0; j < elements; j++) {
        const struct arg *a = &c->argv[scoreidx + j * 2];
        if (num_parse_double(a->ptr, a->len, &scores[j]) != 0) {
            reply_not_float(c);
            wfree(scores);
            return;
        }
    }
    const struct arg *key = &c->argv[1];
    int wrong;
    entry *e = zcmd_find(c, key, 1, &wrong);
    long long added = 0, updated = 0, processed = 0;
    double score = 0;
    if (wrong) goto cleanup;
    if (!e) {
        if (flags & ZADD_XX) goto reply;
        e = zset_new_entry(key->ptr, key->len, c->argv[scoreidx + 1].len);
        db_add(c->db, e);
    }
    for (int j = 0; j < elements; j++) {
        const struct arg *m = &c->argv[scoreidx + j * 2 + 1];
        double newscore = scores[j];
        enum zadd_result r = zset_add(e, scores[j], m->ptr, m->len, flags, &newscore);
        if (r == ZADD_NAN) {
            reply_error(&c->out, "ERR resulting score is not a number (NaN)");
            goto cleanup;
        }
        if (r == ZADD_ADDED) added++;
        if (r == ZADD_UPDATED) updated++;
        if (r != ZADD_NOP) processed++;
        score = newscore;
    }
reply:
    if (incr) {
        if (processed) reply_double(&c->out, score);
        else reply_null(&c->out);
    } else {
        reply_int(&c->out, ch ? added + updated : added);
    }
cleanup:
    if (added || updated) notify(c, key, incr ? "zincr" : "zadd");
    wfree(scores);
}

static void zadd_command(struct client *c) { zadd_generic(c, 0); }

static void zincrby_command(struct client *c) {
    /* ZINCRBY key increment member is ZADD key INCR increment member */
    const struct arg *key = &c->argv[1], *inc = &c->argv[2], *m = &c->argv[3];
    double by;
    if (num_parse_double(inc->ptr, inc->len, &by) != 0) {
        reply_not_float(c);
        return;
    }
    if (m->len > ZSL_MAX_MEMBER) { /* members are stored with 32-bit lengths */
        reply_error(&c->out, "ERR member too long for a sorted set");
        return;
    }
    int wrong;
    entry *e = zcmd_find(c, key, 1, &wrong);
    if (wrong) return;
    if (!e) {
        e = zset_new_entry(key->ptr, key->len, m->len);
        db_add(c->db, e);
    }
    double score = by;
    enum zadd_result r = zset_add(e, by, m->ptr, m->len, ZADD_INCR, &score);
    if (r == ZADD_NAN) {
        reply_error(&c->out, "ERR resulting score is not a number (NaN)");
        return;
    }
    if (r == ZADD_ADDED || r == ZADD_UPDATED) notify(c, key, "zincr");
    reply_double(&c->out, score);
}

/* ---- simple reads and removals ---- */

static void zrem_command(struct client *c) {
    const struct arg *key = &c->argv[1];
    int wrong;
    entry *e = zcmd_find(c, key, 1, &wrong);
    if (!e) {
        if (!wrong) reply_int(&c->out, 0);
        return;
    }
    long long removed = 0;
    for (int i = 2; i < c->argc && zset_length(e) > 0; i++) removed += zset_remove(e, c->argv[i].ptr, c->argv[i].len);
    if (removed) {
        notify(c, key, "zrem");
        zcmd_delete_if_empty(c, key, e);
    }
    reply_int(&c->out, removed);
}

static void zcard_command(struct client *c) {
    int wrong;
    entry *e = zcmd_find(c, &c->argv[1], 0, &wrong);
    if (wrong) return;
    reply_int(&c->out, e ? (long long)zset_length(e) : 0);
}

static void zscore_command(struct client *c) {
    int wrong;
    entry *e = zcmd_find(c, &c->argv[1], 0, &wrong);
    if (wrong) return;
    double score;
    if (e && zset_score(e, c->argv[2].ptr, c->argv[2].len, &score)) reply_double(&c->out, score);
    else reply_null(&c->out);
}

static void zmscore_command(struct client *c) {
    int wrong;
    entry *e = zcmd_find(c, &c->argv[1], 0, &wrong);
    if (wrong) return;
    reply_array(&c->out, c->argc - 2);
    for (int i = 2; i < c->argc; i++) {
        double score;
        if (e && zset_score(e, c->argv[i].ptr, c->argv[i].len, &score)) reply_double(&c->out, score);
        else reply_null(&c->out);
    }
}

static void zrank_generic(struct client *c, int reverse) {
    int wrong;
    entry *e = zcmd_find(c, &c->argv[1], 0, &wrong);
    if (wrong) return;
    long long rank = e ? zset_rank(e, c->argv[2].ptr, c->argv[2].len, reverse, NULL) : -1;
    if (rank < 0) reply_null(&c->out);
    else reply_int(&c->out, rank);
}
static void zrank_command(struct client *c) { zrank_generic(c, 0); }
static void zrevrank_command(struct client *c) { zrank_generic(c, 1); }

static void zcount_command(struct client *c) {
    zrange_score r;
    if (zcmd_parse_score_range(c, &c->argv[2], &c->argv[3], &r) != 0) return;
    int wrong;
    entry *e = zcmd_find(c, &c->argv[1], 0, &wrong);
    if (wrong) return;
    reply_int(&c->out, e ? (long long)zset_count_score(e, &r) : 0);
}

static void zlexcount_command(struct client *c) {
    zrange_lex r;
    if (zcmd_parse_lex_range(c, &c->argv[2], &c->argv[3], &r) != 0) return;
    int wrong;
    entry *e = zcmd_find(c, &c->argv[1], 0, &wrong);
    if (wrong) return;
    reply_int(&c->out, e ? (long long)zset_count_lex(e, &r) : 0);
}

enum remtype { REM_RANK, REM_SCORE, REM_LEX };

static void zremrange_generic(struct client *c, enum remtype t) {
    const struct arg *key = &c->argv[1];
    long long start = 0, end = 0;
    zrange_score sr;
    zrange_lex lr;
    if (t == REM_RANK) {
        if (num_parse_ll(c->argv[2].ptr, c->argv[2].len, &start) != 0 ||
            num_parse_ll(c->argv[3].ptr, c->argv[3].len, &end) != 0) {
            reply_not_integer(c);
            return;
        }
    } else if (t == REM_SCORE) {
        if (zcmd_parse_score_range(c, &c->argv[2], &c->argv[3], &sr) != 0) return;
    } else if (zcmd_parse_lex_range(c, &c->argv[2], &c->argv[3], &lr) != 0) {
        return;
    }
    int wrong;
    entry *e = zcmd_find(c, key, 1, &wrong);
    if (!e) {
        if (!wrong) reply_int(&c->out, 0);
        return;
    }
    uint64_t removed = 0;
    if (t == REM_RANK) {
        long long llen = (long long)zset_length(e);
        if (start < 0) start += llen;
        if (end < 0) end += llen;
        if (start < 0) start = 0;
        if (start <= end && start < llen) {
            if (end >= llen) end = llen - 1;
            removed = zset_delete_rank(e, (uint64_t)start, (uint64_t)end);
        }
    } else if (t == REM_SCORE) {
        removed = zset_delete_score(e, &sr);
    } else {
        removed = zset_delete_lex(e, &lr);
    }
    if (removed) {
        static const char *events[] = {"zremrangebyrank", "zremrangebyscore", "zremrangebylex"};
        notify(c, key, events[t]);
        zcmd_delete_if_empty(c, key, e);
    }
    reply_int(&c->out, (long long)removed);
}
static void zremrangebyrank_command(struct client *c) { zremrange_generic(c, REM_RANK); }
static void zremrangebyscore_command(struct client *c) { zremrange_generic(c, REM_SCORE); }
static void zremrangebylex_command(struct client *c) { zremrange_generic(c, REM_LEX); }

/* ---- pops ---- */

/* Pop up to `count` members from the low (max = 0) or high end of e, replying each as
 * a pair (nested: RESP3 pairs, or always-nested for ZMPOP). Returns how many. */
static long long pop_members(struct client *c, entry *e, long long count, int max, int nested) {
    long long n = 0;
    unsigned char buf[24];
    while (n < count && zset_length(e) > 0) {
        struct zset_pos z;
        zset_pos_rank(&z, e, max ? zset_length(e) - 1 : 0);
        const char *m;
        size_t len;
        double score;
        zset_pos_get(&z, buf, &m, &len, &score);
        if (nested) reply_array(&c->out, 2);
        reply_bulk(&c->out, m, len);
        reply_double(&c->out, score);
        zset_pos_delete(&z); /* after the reply copied m, which points into the set */
        n++;
    }
    return n;
}

static void zpop_generic(struct client *c, int max) {
    const struct arg *key = &c->argv[1];
    long long count = 1;
    if (c->argc > 3) {
        reply_syntax_error(c);
        return;
    }
    if (c->argc == 3 && (num_parse_ll(c->argv[2].ptr, c->argv[2].len, &count) != 0 || count < 0)) {
        reply_error(&c->out, "ERR value is out of range, must be positive");
        return;
    }
    int wrong;
    entry *e = zcmd_find(c, key, 1, &wrong);
    if (wrong) return;
    if (!e || count == 0) {
        reply_array(&c->out, 0);
        return;
    }
    uint64_t len = zset_length(e);
    long long n = (uint64_t)count < len ? count : (long long)len;
    if (c->argc == 3) zcmd_reply_pairs_header(c, n);
    else reply_array(&c->out, 2);
    pop_members(c, e, n, max, c->argc == 3 && c->resp >= 3);
    notify(c, key, max ? "zpopmax" : "zpopmin");
    zcmd_delete_if_empty(c, key, e);
}
static void zpopmin_command(struct client *c) { zpop_generic(c, 0); }
static void zpopmax_command(struct client *c) { zpop_generic(c, 1); }

/* ZMPOP numkeys key... MIN|MAX [COUNT n]: numkeys checks as Redis. */
static long long mpop_numkeys(struct client *c, int idx, int reply) {
    long long n;
    if (num_parse_ll(c->argv[idx].ptr, c->argv[idx].len, &n) != 0 || n <= 0) {
        if (reply) reply_error(&c->out, "ERR numkeys should be greater than 0");
        return -1;
    }
    if (n > c->argc - idx - 2) { /* keys plus MIN|MAX must fit */
        if (reply) reply_syntax_error(c);
        return -1;
    }
    return n;
}

static int zmpop_getkeys(struct client *c, int *out, int max) {
    long long n = mpop_numkeys(c, 1, 0);
    if (n < 0) return 0;
    for (int i = 0; i < n && i < max; i++) out[i] = 2 + i;
    return (int)n;
}

/* ---- BZPOPMIN / BZPOPMAX / BZMPOP ---- */

static int in_multi(struct client *c) {
    return (atomic_load_explicit(&c->flags, memory_order_relaxed) & CLIENT_IN_MULTI) != 0;
}

/* Pop from the first non-empty sorted set among argv[first..first+n). flat: BZPOPMIN's
 * [key, member, score]; else ZMPOP's [key, [[member, score]...]]. Returns 1 if it
 * replied (a pop, or WRONGTYPE outside a retry), 0 if every key was empty. */
static int bpop_try(struct client *c, int first, int n, int max, long long count, int flat) {
    int retry = blocking_is_retry(c);
    for (int i = 0; i < n; i++) {
        const struct arg *key = &c->argv[first + i];
        entry *e = db_find(c->db, key->ptr, key->len, 0);
        if (!e) continue;
        if (entry_type(e) != OBJ_ZSET) {
            if (retry) continue; /* a waiter treats a key of another type as empty */
            reply_wrongtype(c);
            return 1;
        }
        reply_array(&c->out, flat ? 3 : 2);
        reply_bulk(&c->out, key->ptr, key->len);
        if (flat) {
            pop_members(c, e, 1, max, 0);
        } else {
            uint64_t len = zset_length(e);
            long long take = (uint64_t)count < len ? count : (long long)len;
            reply_array(&c->out, take);
            pop_members(c, e, take, max, 1);
        }
        notify(c, key, max ? "zpopmax" : "zpopmin");
        zcmd_delete_if_empty(c, key, e);
        return 1;
    }
    return 0;
}

static void block_on(struct client *c, int first, int n, long long deadline) {
    if (in_multi(c)) { /* inside MULTI a blocking pop behaves as the plain one */
        reply_null_array(&c->out);
        return;
    }
    int small[16] = {0};
    int *keys = n <= 16 ? small : wmalloc(sizeof(int) * (size_t)n);
    for (int i = 0; i < n; i++) keys[i] = first + i;
    blocking_block(c, keys, n, deadline, BLOCK_REPLY_NULL_ARRAY);
    if (keys != small) wfree(keys);
}

static void bzpop_generic(struct client *c, int max) {
    long long deadline;
    if (blocking_parse_timeout(c, &c->argv[c->argc - 1], &deadline) != 0) return;
    int n = c->argc - 2;
    if (bpop_try(c, 1, n, max, 1, 1)) return;
    block_on(c, 1, n, deadline);
}
static void bzpopmin_command(struct client *c) { bzpop_generic(c, 0); }
static void bzpopmax_command(struct client *c) { bzpop_generic(c, 1); }

/* ZMPOP / BZMPOP arguments after numkeys: the keys, MIN|MAX, [COUNT n]. Replies and
 * returns -1 on error. */
static int mpop_parse(struct client *c, int nkidx, long long *n, int *max, long long *count) {
    *n = mpop_numkeys(c, nkidx, 1);
    if (*n < 0) return -1;
    int w = nkidx + 1 + (int)*n;
    if (arg_eq(&c->argv[w], "min")) *max = 0;
    else if (arg_eq(&c->argv[w], "max")) *max = 1;
    else {
        reply_syntax_error(c);
        return -1;
    }
    *count = -1;
    for (int i = w + 1; i < c->argc; i++) {
        if (*count == -1 && arg_eq(&c->argv[i], "count") && i + 1 < c->argc) {
            if (num_parse_ll(c->argv[i + 1].ptr, c->argv[i + 1].len, count) != 0 || *count <= 0) {
                reply_error(&c->out, "ERR count should be greater than 0");
                return -1;
            }
            i++;
        } else {
            reply_syntax_error(c);
            return -1;
        }
    }
    if (*count < 0) *count = 1;
    return 0;
}

static void bzmpop_command(struct client *c) {
    long long deadline, n, count;
    int max;
    if (blocking_parse_timeout(c, &c->argv[1], &deadline) != 0) return;
    if (mpop_parse(c, 2, &n, &max, &count) != 0) return;
    if (bpop_try(c, 3, (int)n, max, count, 0)) return;
    block_on(c, 3, (int)n, deadline);
}

static int bzmpop_getkeys(struct client *c, int *out, int max) {
    if (c->argc < 3) return 0;
    long long n = mpop_numkeys(c, 2, 0);
    if (n < 0) return 0;
    for (int i = 0; i < n && i < max; i++) out[i] = 3 + i;
    return (int)n;
}

static void zmpop_command(struct client *c) {
    long long n, count;
    int max;
    if (mpop_parse(c, 1, &n, &max, &count) != 0) return;
    if (!bpop_try(c, 2, (int)n, max, count, 0)) reply_null_array(&c->out);
}

/* ---- ZRANDMEMBER ---- */

static uint64_t rand64(void) { return ((uint64_t)random() << 33) ^ ((uint64_t)random() << 11) ^ (uint64_t)random(); }

static void reply_member_at(struct client *c, entry *e, uint64_t rank, int withscores) {
    struct zset_pos z;
    unsigned char buf[24];
    const char *m;
    size_t len;
    double score;
    zset_pos_rank(&z, e, rank);
    zset_pos_get(&z, buf, &m, &len, &score);
    if (withscores) zcmd_reply_pair(c, m, len, score);
    else reply_bulk(&c->out, m, len);
}

static void zrandmember_command(struct client *c) {
    if (c->argc > 4 || (c->argc == 4 && !arg_eq(&c->argv[3], "withscores"))) {
        reply_syntax_error(c);
        return;
    }
    int withscores = c->argc == 4;
    long long count = 0;
    if (c->argc >= 3) {
        if (num_parse_ll(c->argv[2].ptr, c->argv[2].len, &count) != 0) {
            reply_not_integer(c);
            return;
        }
        if (count == LLONG_MIN) {
            reply_error(&c->out, "ERR value is out of range, value must between -9223372036854775807 and "
                                 "9223372036854775807");
            return;
        }
        if (withscores && count < -LLONG_MAX / 2) {
            reply_error(&c->out, "ERR value is out of range");
            return;
        }
    }
    int wrong;
    entry *e = zcmd_find(c, &c->argv[1], 0, &wrong);
    if (wrong) return;
    if (c->argc == 2) {
        if (!e) reply_null(&c->out);
        else reply_member_at(c, e, rand64() % zset_length(e), 0);
        return;
    }
    if (!e || count == 0) {
        reply_array(&c->out, 0);
        return;
    }
    uint64_t size = zset_length(e);
    if (count < 0) { /* repeats allowed */
        if (withscores) zcmd_reply_pairs_header(c, -count);
        else reply_array(&c->out, -count);
        for (long long i = 0; i < -count; i++) reply_member_at(c, e, rand64() % size, withscores);
        return;
    }
    uint64_t want = (uint64_t)count < size ? (uint64_t)count : size;
    if (withscores) zcmd_reply_pairs_header(c, (long long)want);
    else reply_array(&c->out, (long long)want);
    struct zset_pos z;
    unsigned char buf[24];
    const char *m;
    size_t len;
    double score;
    if (want == size) { /* the whole set, highest score first (as Redis replies it) */
        for (zset_pos_rank(&z, e, size - 1); zset_pos_valid(&z); zset_pos_prev(&z)) {
            zset_pos_get(&z, buf, &m, &len, &score);
            if (withscores) zcmd_reply_pair(c, m, len, score);
            else reply_bulk(&c->out, m, len);
        }
        return;
    }
    if (want * 3 > size) {
        /* selection sampling in one ordered pass, then a shuffle so the order is
         * random too; positions stay valid as nothing changes meanwhile */
        struct zset_pos *picks = wmalloc(want * sizeof(*picks));
        uint64_t seen = 0, picked = 0;
        for (zset_pos_rank(&z, e, 0); zset_pos_valid(&z) && picked < want; zset_pos_next(&z), seen++)
            if (rand64() % (size - seen) < want - picked) picks[picked++] = z;
        for (uint64_t i = picked; i > 1; i--) {
            uint64_t j = rand64() % i;
            struct zset_pos t = picks[i - 1];
            picks[i - 1] = picks[j];
            picks[j] = t;
        }
        for (uint64_t i = 0; i < picked; i++) {
            zset_pos_get(&picks[i], buf, &m, &len, &score);
            if (withscores) zcmd_reply_pair(c, m, len, score);
            else reply_bulk(&c->out, m, len);
        }
        wfree(picks);
        return;
    }
    /* few from many: random ranks, skipping repeats */
    struct dict *picked = dict_new(DICT_VAL_NONE);
    char key[24];
    while (dict_size(picked) < want) {
        uint64_t rank = rand64() % size;
        int klen = num_ull_to_str(key, rank), existed;
        dict_add(picked, key, (size_t)klen, &existed);
        if (!existed) reply_member_at(c, e, rank, withscores);
    }
    dict_free(picked, NULL);
}

/* ---- ZSCAN ---- */

struct zscan_ctx {
    const struct coll_scan_opts *o;
    char **items; /* member, score, member, score ... (owned copies) */
    size_t *lens;
    size_t n, cap;
};

static void zscan_push(struct zscan_ctx *sc, const char *p, size_t len) {
    if (sc->n == sc->cap) {
        sc->cap = sc->cap ? sc->cap * 2 : 32;
        sc->items = wrealloc(sc->items, sc->cap * sizeof(*sc->items));
        sc->lens = wrealloc(sc->lens, sc->cap * sizeof(*sc->lens));
    }
    sc->items[sc->n] = wmemdup(p, len);
    sc->lens[sc->n++] = len;
}

static void zscan_one(void *priv, const char *m, size_t mlen, const char *s, size_t slen) {
    struct zscan_ctx *sc = priv;
    if (!coll_scan_match(sc->o, m, mlen)) return;
    zscan_push(sc, m, mlen);
    zscan_push(sc, s, slen);
}

static void zscan_command(struct client *c) {
    uint64_t cursor;
    if (coll_scan_cursor(c, 2, &cursor) != 0) return;
    int wrong;
    entry *e = zcmd_find(c, &c->argv[1], 0, &wrong);
    if (wrong) return;
    if (!e) {
        coll_scan_reply_empty(c);
        return;
    }
    struct coll_scan_opts o;
    if (coll_scan_options(c, 3, &o) != 0) return;
    struct zscan_ctx sc = {&o, NULL, NULL, 0, 0};
    if (entry_encoding(e) == ENC_LISTPACK) {
        cursor = zset_scan(e, 0, zscan_one, &sc); /* whole set, cursor 0 */
    } else {
        long long steps = 0, maxsteps = o.count > LLONG_MAX / 10 ? LLONG_MAX : o.count * 10;
        do {
            cursor = zset_scan(e, cursor, zscan_one, &sc);
            steps++;
        } while (cursor && (long long)(sc.n / 2) < o.count && steps < maxsteps);
    }
    char cbuf[24];
    int clen = num_ull_to_str(cbuf, cursor);
    reply_array(&c->out, 2);
    reply_bulk(&c->out, cbuf, (size_t)clen);
    reply_array(&c->out, (long long)sc.n);
    for (size_t i = 0; i < sc.n; i++) {
        reply_bulk(&c->out, sc.items[i], sc.lens[i]);
        wfree(sc.items[i]);
    }
    wfree(sc.items);
    wfree(sc.lens);
}

/* ---- the table ---- */

struct command zset_commands[] = {
    {.name = "zadd", .proc = zadd_command, .arity = -4, .flags = CMD_WRITE | CMD_DENYOOM | CMD_FAST,
     .acl = ACL_WRITE | ACL_SORTEDSET | ACL_FAST, .first_key = 1, .last_key = 1, .key_step = 1,
     .summary = "Adds members to a sorted set or updates their scores, creating the key if needed.", .since = "1.2.0", .group = "sorted-set",
     .complexity = "O(log N) per member, N = sorted set size"},
    {.name = "zincrby", .proc = zincrby_command, .arity = 4, .flags = CMD_WRITE | CMD_DENYOOM | CMD_FAST,
     .acl = ACL_WRITE | ACL_SORTEDSET | ACL_FAST, .first_key = 1, .last_key = 1, .key_step = 1,
     .summary = "Increments the score of a member of a sorted set.", .since = "1.2.0", .group = "sorted-set",
     .complexity = "O(log N), N = sorted set size"},
    {.name = "zrem", .proc = zrem_command, .arity = -3, .flags = CMD_WRITE | CMD_FAST,
     .acl = ACL_WRITE | ACL_SORTEDSET | ACL_FAST, .first_key = 1, .last_key = 1, .key_step = 1,
     .summary = "Removes members from a sorted set; deletes the key when it empties.", .since = "1.2.0", .group = "sorted-set",
     .complexity = "O(M log N), M = members given, N = sorted set size"},
    {.name = "zcard", .proc = zcard_command, .arity = 2, .flags = CMD_READONLY | CMD_FAST,
     .acl = ACL_READ | ACL_SORTEDSET | ACL_FAST, .first_key = 1, .last_key = 1, .key_step = 1,
     .summary = "Returns the number of members of a sorted set.", .since = "1.2.0", .group = "sorted-set",
     .complexity = "O(1)"},
    {.name = "zcount", .proc = zcount_command, .arity = 4, .flags = CMD_READONLY | CMD_FAST,
     .acl = ACL_READ | ACL_SORTEDSET | ACL_FAST, .first_key = 1, .last_key = 1, .key_step = 1,
     .summary = "Counts the members of a sorted set within a score range.", .since = "2.0.0", .group = "sorted-set",
     .complexity = "O(log N), N = sorted set size"},
    {.name = "zscore", .proc = zscore_command, .arity = 3, .flags = CMD_READONLY | CMD_FAST,
     .acl = ACL_READ | ACL_SORTEDSET | ACL_FAST, .first_key = 1, .last_key = 1, .key_step = 1,
     .summary = "Returns the score of a member of a sorted set.", .since = "1.2.0", .group = "sorted-set",
     .complexity = "O(1)"},
    {.name = "zmscore", .proc = zmscore_command, .arity = -3, .flags = CMD_READONLY | CMD_FAST,
     .acl = ACL_READ | ACL_SORTEDSET | ACL_FAST, .first_key = 1, .last_key = 1, .key_step = 1,
     .summary = "Returns the scores of several members of a sorted set.", .since = "6.2.0", .group = "sorted-set",
     .complexity = "O(N), N = members given"},
    {.name = "zrank", .proc = zrank_command, .arity = 3, .flags = CMD_READONLY | CMD_FAST,
     .acl = ACL_READ | ACL_SORTEDSET | ACL_FAST, .first_key = 1, .last_key = 1, .key_step = 1,
     .summary = "Returns the rank of a member in a sorted set, lowest score first.", .since = "2.0.0", .group = "sorted-set",
     .complexity = "O(log N), N = sorted set size"},
    {.name = "zrevrank", .proc = zrevrank_command, .arity = 3, .flags = CMD_READONLY | CMD_FAST,
     .acl = ACL_READ | ACL_SORTEDSET | ACL_FAST, .first_key = 1, .last_key = 1, .key_step = 1,
     .summary = "Returns the rank of a member in a sorted set, highest score first.", .since = "2.0.0", .group = "sorted-set",
     .complexity = "O(log N), N = sorted set size"},
    {.name = "zrange", .proc = zrange_command, .arity = -4, .flags = CMD_READONLY,
     .acl = ACL_READ | ACL_SORTEDSET | ACL_SLOW, .first_key = 1, .last_key = 1, .key_step = 1,
     .summary = "Returns members of a sorted set by rank, score or lexical range.", .since = "1.2.0", .group = "sorted-set",
     .complexity = "O(log N + M), M = members returned"},
    {.name = "zrangestore", .proc = zrangestore_command, .arity = -5, .flags = CMD_WRITE | CMD_DENYOOM,
     .acl = ACL_WRITE | ACL_SORTEDSET | ACL_SLOW, .first_key = 1, .last_key = 2, .key_step = 1,
     .summary = "Stores a rank, score or lexical range of a sorted set in a key.", .since = "6.2.0", .group = "sorted-set",
     .complexity = "O(log N + M), M = members stored"},
    {.name = "zrevrange", .proc = zrevrange_command, .arity = -4, .flags = CMD_READONLY,
     .acl = ACL_READ | ACL_SORTEDSET | ACL_SLOW, .first_key = 1, .last_key = 1, .key_step = 1,
     .summary = "Returns members of a sorted set by rank, highest score first.", .since = "1.2.0", .group = "sorted-set",
     .complexity = "O(log N + M), M = members returned"},
    {.name = "zrangebyscore", .proc = zrangebyscore_command, .arity = -4, .flags = CMD_READONLY,
     .acl = ACL_READ | ACL_SORTEDSET | ACL_SLOW, .first_key = 1, .last_key = 1, .key_step = 1,
     .summary = "Returns members of a sorted set within a score range.", .since = "1.0.5", .group = "sorted-set",
     .complexity = "O(log N + M), M = members returned"},
    {.name = "zrevrangebyscore", .proc = zrevrangebyscore_command, .arity = -4, .flags = CMD_READONLY,
     .acl = ACL_READ | ACL_SORTEDSET | ACL_SLOW, .first_key = 1, .last_key = 1, .key_step = 1,
     .summary = "Returns members of a sorted set within a score range, highest first.", .since = "2.2.0", .group = "sorted-set",
     .complexity = "O(log N + M), M = members returned"},
    {.name = "zrangebylex", .proc = zrangebylex_command, .arity = -4, .flags = CMD_READONLY,
     .acl = ACL_READ | ACL_SORTEDSET | ACL_SLOW, .first_key = 1, .last_key = 1, .key_step = 1,
     .summary = "Returns members of a sorted set within a lexical range.", .since = "2.8.9", .group = "sorted-set",
     .complexity = "O(log N + M), M = members returned"},
    {.name = "zrevrangebylex", .proc = zrevrangebylex_command, .arity = -4, .flags = CMD_READONLY,
     .acl = ACL_READ | ACL_SORTEDSET | ACL_SLOW, .first_key = 1, .last_key = 1, .key_step = 1,
     .summary = "Returns members of a sorted set within a lexical range, in reverse order.", .since = "2.8.9", .group = "sorted-set",
     .complexity = "O(log N + M), M = members returned"},
    {.name = "zlexcount", .proc = zlexcount_command, .arity = 4, .flags = CMD_READONLY | CMD_FAST,
     .acl = ACL_READ | ACL_SORTEDSET | ACL_FAST, .first_key = 1, .last_key = 1, .key_step = 1,
     .summary = "Counts the members of a sorted set within a lexical range.", .since = "2.8.9", .group = "sorted-set",
     .complexity = "O(log N), N = sorted set size"},
    {.name = "zremrangebyrank", .proc = zremrangebyrank_command, .arity = 4, .flags = CMD_WRITE,
     .acl = ACL_WRITE | ACL_SORTEDSET | ACL_SLOW, .first_key = 1, .last_key = 1, .key_step = 1,
     .summary = "Removes the members of a sorted set within a rank range.", .since = "2.0.0", .group = "sorted-set",
     .complexity = "O(log N + M), M = members removed"},
    {.name = "zremrangebyscore", .proc = zremrangebyscore_command, .arity = 4, .flags = CMD_WRITE,
     .acl = ACL_WRITE | ACL_SORTEDSET | ACL_SLOW, .first_key = 1, .last_key = 1, .key_step = 1,
     .summary = "Removes the members of a sorted set within a score range.", .since = "1.2.0", .group = "sorted-set",
     .complexity = "O(log N + M), M = members removed"},
    {.name = "zremrangebylex", .proc = zremrangebylex_command, .arity = 4, .flags = CMD_WRITE,
     .acl = ACL_WRITE | ACL_SORTEDSET | ACL_SLOW, .first_key = 1, .last_key = 1, .key_step = 1,
     .summary = "Removes the members of a sorted set within a lexical range.", .since = "2.8.9", .group = "sorted-set",
     .complexity = "O(log N + M), M = members removed"},
    {.name = "zpopmin", .proc = zpopmin_command, .arity = -2, .flags = CMD_WRITE | CMD_FAST,
     .acl = ACL_WRITE | ACL_SORTEDSET | ACL_FAST, .first_key = 1, .last_key = 1, .key_step = 1,
     .summary = "Removes and returns the members with the lowest scores.", .since = "5.0.0", .group = "sorted-set",
     .complexity = "O(M log N), M = members popped"},
    {.name = "zpopmax", .proc = zpopmax_command, .arity = -2, .flags = CMD_WRITE | CMD_FAST,
     .acl = ACL_WRITE | ACL_SORTEDSET | ACL_FAST, .first_key = 1, .last_key = 1, .key_step = 1,
     .summary = "Removes and returns the members with the highest scores.", .since = "5.0.0", .group = "sorted-set",
     .complexity = "O(M log N), M = members popped"},
    {.name = "zmpop", .proc = zmpop_command, .getkeys = zmpop_getkeys, .arity = -4, .flags = CMD_WRITE | CMD_MOVABLE_KEYS,
     .acl = ACL_WRITE | ACL_SORTEDSET | ACL_SLOW,
     .summary = "Removes and returns members from the first non-empty sorted set of several.", .since = "7.0.0", .group = "sorted-set",
     .complexity = "O(K + M log N), K = keys given, M = members popped"},
    {.name = "zrandmember", .proc = zrandmember_command, .arity = -2, .flags = CMD_READONLY,
     .acl = ACL_READ | ACL_SORTEDSET | ACL_SLOW, .first_key = 1, .last_key = 1, .key_step = 1,
     .summary = "Returns random members of a sorted set.", .since = "6.2.0", .group = "sorted-set",
     .complexity = "O(N), N = members returned"},
    {.name = "zunion", .proc = zunion_command, .getkeys = zsetop_getkeys, .arity = -3, .flags = CMD_READONLY | CMD_MOVABLE_KEYS,
     .acl = ACL_READ | ACL_SORTEDSET | ACL_SLOW,
     .summary = "Returns the union of sorted sets.", .since = "6.2.0", .group = "sorted-set",
     .complexity = "O(N) + O(M log M), N = total input size, M = result size"},
    {.name = "zinter", .proc = zinter_command, .getkeys = zsetop_getkeys, .arity = -3, .flags = CMD_READONLY | CMD_MOVABLE_KEYS,
     .acl = ACL_READ | ACL_SORTEDSET | ACL_SLOW,
     .summary = "Returns the intersection of sorted sets.", .since = "6.2.0", .group = "sorted-set",
     .complexity = "O(N*K) + O(M log M), N = smallest input, K = inputs, M = result size"},
    {.name = "zdiff", .proc = zdiff_command, .getkeys = zsetop_getkeys, .arity = -3, .flags = CMD_READONLY | CMD_MOVABLE_KEYS,
     .acl = ACL_READ | ACL_SORTEDSET | ACL_SLOW,
     .summary = "Returns the members of the first sorted set that are in none of the others.", .since = "6.2.0", .group = "sorted-set",
     .complexity = "O(L + (N-K) log N), L = total input size"},
    {.name = "zunionstore", .proc = zunionstore_command, .getkeys = zsetop_store_getkeys, .arity = -4, .flags = CMD_WRITE | CMD_DENYOOM | CMD_MOVABLE_KEYS,
     .acl = ACL_WRITE | ACL_SORTEDSET | ACL_SLOW, .first_key = 1, .last_key = 1, .key_step = 1,
     .summary = "Stores the union of sorted sets in a key.", .since = "2.0.0", .group = "sorted-set",
     .complexity = "O(N) + O(M log M), N = total input size, M = result size"},
    {.name = "zinterstore", .proc = zinterstore_command, .getkeys = zsetop_store_getkeys, .arity = -4, .flags = CMD_WRITE | CMD_DENYOOM | CMD_MOVABLE_KEYS,
     .acl = ACL_WRITE | ACL_SORTEDSET | ACL_SLOW, .first_key = 1, .last_key = 1, .key_step = 1,
     .summary = "Stores the intersection of sorted sets in a key.", .since = "2.0.0", .group = "sorted-set",
     .complexity = "O(N*K) + O(M log M), N = smallest input, K = inputs, M = result size"},
    {.name = "zdiffstore", .proc = zdiffstore_command, .getkeys = zsetop_store_getkeys, .arity = -4, .flags = CMD_WRITE | CMD_DENYOOM | CMD_MOVABLE_KEYS,
     .acl = ACL_WRITE | ACL_SORTEDSET | ACL_SLOW, .first_key = 1, .last_key = 1, .key_step = 1,
     .summary = "Stores the difference of sorted sets in a key.", .since = "6.2.0", .group = "sorted-set",
     .complexity = "O(L + (N-K) log N), L = total input size"},
    {.name = "zintercard", .proc = zintercard_command, .getkeys = zsetop_getkeys, .arity = -3, .flags = CMD_READONLY | CMD_MOVABLE_KEYS,
     .acl = ACL_READ | ACL_SORTEDSET | ACL_SLOW,
     .summary = "Returns the size of the intersection of sorted sets, optionally capped.", .since = "7.0.0", .group = "sorted-set",
     .complexity = "O(N*K), N = smallest input, K = inputs"},
    {.name = "zscan", .proc = zscan_command, .arity = -3, .flags = CMD_READONLY,
     .acl = ACL_READ | ACL_SORTEDSET | ACL_SLOW, .first_key = 1, .last_key = 1, .key_step = 1,
     .summary = "Incrementally iterates the members and scores of a sorted set.", .since = "2.8.0", .group = "sorted-set",
     .complexity = "O(1) per call, O(N) for a full iteration"},
    {.name = "bzpopmin", .proc = bzpopmin_command, .arity = -3, .flags = CMD_WRITE | CMD_NOSCRIPT | CMD_BLOCKING | CMD_FAST,
     .acl = ACL_WRITE | ACL_SORTEDSET | ACL_FAST | ACL_BLOCKING, .first_key = 1, .last_key = -2, .key_step = 1,
     .summary = "Pops the lowest-scored member of the first non-empty sorted set, blocking until one exists.", .since = "5.0.0", .group = "sorted-set",
     .complexity = "O(log N)"},
    {.name = "bzpopmax", .proc = bzpopmax_command, .arity = -3, .flags = CMD_WRITE | CMD_NOSCRIPT | CMD_BLOCKING | CMD_FAST,
     .acl = ACL_WRITE | ACL_SORTEDSET | ACL_FAST | ACL_BLOCKING, .first_key = 1, .last_key = -2, .key_step = 1,
     .summary = "Pops the highest-scored member of the first non-empty sorted set, blocking until one exists.", .since = "5.0.0", .group = "sorted-set",
     .complexity = "O(log N)"},
    {.name = "bzmpop", .proc = bzmpop_command, .getkeys = bzmpop_getkeys, .arity = -5, .flags = CMD_WRITE | CMD_BLOCKING | CMD_MOVABLE_KEYS,
     .acl = ACL_WRITE | ACL_SORTEDSET | ACL_SLOW | ACL_BLOCKING,
     .summary = "Pops members from the first non-empty sorted set of several, blocking until one exists.", .since = "7.0.0", .group = "sorted-set",
     .complexity = "O(K + M log N), K = keys given, M = members popped"},
    CMD_END,
};
