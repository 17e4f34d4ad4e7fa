/* zrange_cmd.c — ZRANGE in all its forms (by rank, score or lex; forward or REV;
 * LIMIT; WITHSCORES), the legacy ZREVRANGE / Z[REV]RANGEBYSCORE / Z[REV]RANGEBYLEX,
 * ZRANGESTORE, and the range-argument parsers the other sorted-set commands share.
 *
 * One generic routine parses the options exactly as Redis 7.0 does (same order of
 * checks, same error texts) and feeds the selected members either to the reply or to
 * a new sorted set (ZRANGESTORE). */
#include "cmd/dispatch.h"
#include "cmd/zset_cmd.h"
#include "db/db.h"
#include "db/notify.h"
#include "types/zset.h"
#include "util/alloc.h"
#include "util/numparse.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- shared helpers (declared in zset_cmd.h) ---- */

entry *zcmd_find(struct client *c, const struct arg *key, int write, int *wrong) {
    entry *e = write ? db_find(c->db, key->ptr, key->len, 0) : db_find_read(c->db, key->ptr, key->len);
    *wrong = 0;
    if (e && entry_type(e) != OBJ_ZSET) {
        reply_wrongtype(c);
        *wrong = 1;
        return NULL;
    }
    return e;
}

void zcmd_delete_if_empty(struct client *c, const struct arg *key, entry *e) {
    if (zset_length(e) == 0) {
        db_delete(c->db, key->ptr, key->len);
        keyspace_event(c->db->id, key->ptr, key->len, NOTIFY_GENERIC, "del");
    }
}

void zcmd_reply_pair(struct client *c, const char *m, size_t len, double score) {
    if (c->resp >= 3) reply_array(&c->out, 2);
    reply_bulk(&c->out, m, len);
    reply_double(&c->out, score);
}

void zcmd_reply_pairs_header(struct client *c, long long n) { reply_array(&c->out, c->resp >= 3 ? n : n * 2); }

/* One score bound with strtod's syntax, as Redis parses ranges: leading space and an
 * empty string (0) are accepted, out-of-range values saturate, NaN is refused. */
static int parse_score_bound(const struct arg *a, double *v, int *ex) {
    const char *s = a->ptr;
    size_t len = a->len;
    *ex = 0;
    if (len && s[0] == '(') {
        *ex = 1;
        s++;
        len--;
    }
    char stackbuf[128];
    char *buf = len < sizeof(stackbuf) ? stackbuf : wmalloc(len + 1);
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end;
    *v = strtod(buf, &end);
    int ok = *end == '\0' && !isnan(*v);
    if (buf != stackbuf) wfree(buf);
    return ok ? 0 : -1;
}

int zcmd_parse_score_range(struct client *c, const struct arg *min, const struct arg *max, zrange_score *r) {
    if (parse_score_bound(min, &r->min, &r->minex) != 0 || parse_score_bound(max, &r->max, &r->maxex) != 0) {
        reply_error(&c->out, "ERR min or max is not a float");
        return -1;
    }
    return 0;
}

static int parse_lex_bound(const struct arg *a, const char **p, size_t *len, int *kind) {
    if (a->len == 0) return -1;
    switch (a->ptr[0]) {
    case '+':
        if (a->len != 1) return -1;
        *kind = ZLEX_PLUS_INF;
        *p = NULL;
        *len = 0;
        return 0;
    case '-':
        if (a->len != 1) return -1;
        *kind = ZLEX_MINUS_INF;
        *p = NULL;
        *len = 0;
        return 0;
    case '(':
    case '[':
        *kind = a->ptr[0] == '(' ? ZLEX_EXCL : ZLEX_INCL;
        *p = a->ptr + 1;
        *len = a->len - 1;
        return 0;
    default: return -1;
    }
}

int zcmd_parse_lex_range(struct client *c, const struct arg *min, const struct arg *max, zrange_lex *r) {
    if (parse_lex_bound(min, &r->min, &r->minlen, &r->minkind) != 0 ||
        parse_lex_bound(max, &r->max, &r->maxlen, &r->maxkind) != 0) {
        reply_error(&c->out, "ERR min or max not valid string range item");
        return -1;
    }
    return 0;
}

/* ---- the generic range command ---- */

enum rtype { R_AUTO, R_RANK, R_SCORE, R_LEX };
enum rdir { D_AUTO, D_FORWARD, D_REVERSE };

/* Where selected members go: the client's reply, or a new sorted set. */
struct rsink {
    struct client *c;
    int withscores;
    entry *dst;        /* ZRANGESTORE: the set being built */
    long long n;
    reply_deferred d;
};

static void sink_begin(struct rsink *s) {
    if (!s->dst) s->d = reply_defer_len(&s->c->out);
}
static void sink_emit(struct rsink *s, const char *m, size_t len, double score) {
    s->n++;
    if (s->dst) {
        zset_add(s->dst, score, m, len, 0, NULL);
        return;
    }
    if (s->withscores) {
        zcmd_reply_pair(s->c, m, len, score);
    } else {
        reply_bulk(&s->c->out, m, len);
    }
}
static void sink_end(struct rsink *s) {
    if (s->dst) return;
    long long n = s->withscores && s->c->resp < 3 ? s->n * 2 : s->n;
    reply_set_deferred_array(&s->c->out, s->d, n);
}

/* Members by rank: start/end as given (negative from the end). */
static void range_by_rank(struct rsink *s, entry *e, long long start, long long end, int reverse) {
    long long llen = (long long)zset_length(e);
    if (start < 0) start += llen;
    if (end < 0) end += llen;
    if (start < 0) start = 0;
    if (start > end || start >= llen) return;
    if (end >= llen) end = llen - 1;
    struct zset_pos z;
    unsigned char buf[24];
    zset_pos_rank(&z, e, (uint64_t)(reverse ? llen - 1 - start : start));
    for (long long i = start; i <= end && zset_pos_valid(&z); i++) {
        const char *m;
        size_t len;
        double score;
        zset_pos_get(&z, buf, &m, &len, &score);
        sink_emit(s, m, len, score);
        if (reverse) zset_pos_prev(&z);
        else zset_pos_next(&z);
    }
}

/* Skip `offset` members from z in the iteration direction. On a skiplist this jumps by
 * rank (O(log N)) instead of walking. */
static void skip_offset(struct zset_pos *z, long long offset, int reverse) {
    if (offset <= 0 || !zset_pos_valid(z)) return;
    if (z->node) {
        uint64_t rank = zset_pos_to_rank(z), n = zset_length(z->e);
        if (reverse) zset_pos_rank(z, z->e, (uint64_t)offset > rank ? n : rank - (uint64_t)offset);
        else zset_pos_rank(z, z->e, (uint64_t)offset >= n - rank ? n : rank + (uint64_t)offset);
        return;
    }
    while (offset-- > 0 && zset_pos_valid(z)) {
        if (reverse) zset_pos_prev(z);
        else zset_pos_next(z);
    }
}

/* Members by score or lex range with LIMIT (offset < 0: nothing; limit < 0: no cap). */
static void range_by_bounds(struct rsink *s, entry *e, enum rtype type, const zrange_score *sr, const zrange_lex *lr,
                            int reverse, long long offset, long long limit) {
    if (offset < 0) return;
    struct zset_pos z;
    unsigned char buf[24];
    if (type == R_SCORE) zset_pos_score(&z, e, sr, reverse);
    else zset_pos_lex(&z, e, lr, reverse);
    skip_offset(&z, offset, reverse);
    while (zset_pos_valid(&z) && limit != 0) {
        const char *m;
        size_t len;
        double score;
        zset_pos_get(&z, buf, &m, &len, &score);
        int inside = type == R_SCORE ? (reverse ? zrange_score_gte_min(score, sr) : zrange_score_lte_max(score, sr))
                                     : (reverse ? zrange_lex_gte_min(m, len, lr) : zrange_lex_lte_max(m, len, lr));
        if (!inside) break;
        sink_emit(s, m, len, score);
        if (limit > 0) limit--;
        if (reverse) zset_pos_prev(&z);
        else zset_pos_next(&z);
    }
}

/* argv: [cmd, (dst,) key, min, max, options...]; `first` is the index of key. */
static void zrange_generic(struct client *c, int first, const struct arg *dst, enum rtype type, enum rdir dir) {
    int withscores = 0;
    long long offset = 0, limit = -1;
    for (int j = first + 3; j < c->argc; j++) {
        int left = c->argc - j - 1;
        const struct arg *a = &c->argv[j];
        if (!dst && arg_eq(a, "withscores")) {
            withscores = 1;
        } else if (arg_eq(a, "limit") && left >= 2) {
            if (num_parse_ll(c->argv[j + 1].ptr, c->argv[j + 1].len, &offset) != 0 ||
                num_parse_ll(c->argv[j + 2].ptr, c->argv[j + 2].len, &limit) != 0) {
                reply_not_integer(c);
                return;
            }
            j += 2;
        } else if (dir == D_AUTO && arg_eq(a, "rev")) {
            dir = D_REVERSE;
        } else if (type == R_AUTO && arg_eq(a, "bylex")) {
            type = R_LEX;
        } else if (type == R_AUTO && arg_eq(a, "byscore")) {
            type = R_SCORE;
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    if (dir == D_AUTO) dir = D_FORWARD;
    if (type == R_AUTO) type = R_RANK;
    if (limit != -1 && type == R_RANK) {
        reply_error(&c->out, "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
        return;
    }
    if (withscores && type == R_LEX) {
        reply_error(&c->out, "ERR syntax error, WITHSCORES not supported in combination with BYLEX");
        return;
    }
    int reverse = dir == D_REVERSE;
    const struct arg *mina = &c->argv[first + 1], *maxa = &c->argv[first + 2];
    if (reverse && type != R_RANK) { /* given as max, min */
        const struct arg *t = mina;
        mina = maxa;
        maxa = t;
    }
    long long start = 0, end = 0;
    zrange_score sr;
    zrange_lex lr;
    if (type == R_RANK) {
        if (num_parse_ll(mina->ptr, mina->len, &start) != 0 || num_parse_ll(maxa->ptr, maxa->len, &end) != 0) {
            reply_not_integer(c);
            return;
        }
    } else if (type == R_SCORE) {
        if (zcmd_parse_score_range(c, mina, maxa, &sr) != 0) return;
    } else if (zcmd_parse_lex_range(c, mina, maxa, &lr) != 0) {
        return;
    }
    int wrong;
    const struct arg *key = &c->argv[first];
    entry *e = zcmd_find(c, key, 0, &wrong);
    if (wrong) return;
    struct rsink s = {c, withscores, NULL, 0, NULL};
    if (dst) {
        /* as Redis: a rank range sizes the new set by its length (a skiplist from the
         * start when it will not fit a listpack); score and lex ranges start small */
        uint64_t hint = 0;
        if (type == R_RANK && e) {
            long long llen = (long long)zset_length(e), a = start < 0 ? start + llen : start;
            long long b = end < 0 ? end + llen : end;
            if (a < 0) a = 0;
            if (b >= llen) b = llen - 1;
            if (a <= b) hint = (uint64_t)(b - a + 1);
        }
        s.dst = zset_new_entry_sized(dst->ptr, dst->len, hint, 0);
    }
    sink_begin(&s);
    if (e) {
        if (type == R_RANK) range_by_rank(&s, e, start, end, reverse);
        else range_by_bounds(&s, e, type, &sr, &lr, reverse, offset, limit);
    }
    sink_end(&s);
    if (!dst) return;
    if (s.n) {
        db_put(c->db, s.dst, 0);
        keyspace_event(c->db->id, dst->ptr, dst->len, NOTIFY_ZSET, "zrangestore");
    } else {
        entry_free(s.dst);
        if (db_delete(c->db, dst->ptr, dst->len)) keyspace_event(c->db->id, dst->ptr, dst->len, NOTIFY_GENERIC, "del");
    }
    reply_int(&c->out, s.n);
}

void zrange_command(struct client *c) { zrange_generic(c, 1, NULL, R_AUTO, D_AUTO); }
void zrangestore_command(struct client *c) { zrange_generic(c, 2, &c->argv[1], R_AUTO, D_AUTO); }
void zrevrange_command(struct client *c) { zrange_generic(c, 1, NULL, R_RANK, D_REVERSE); }
void zrangebyscore_command(struct client *c) { zrange_generic(c, 1, NULL, R_SCORE, D_FORWARD); }
void zrevrangebyscore_command(struct client *c) { zrange_generic(c, 1, NULL, R_SCORE, D_REVERSE); }
void zrangebylex_command(struct client *c) { zrange_generic(c, 1, NULL, R_LEX, D_FORWARD); }
void zrevrangebylex_command(struct client *c) { zrange_generic(c, 1, NULL, R_LEX, D_REVERSE); }
